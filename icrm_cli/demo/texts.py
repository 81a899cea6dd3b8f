"""Chinese request titles and notes for the demo history, per supplier department."""

from __future__ import annotations

TITLES: dict[str, list[str]] = {
    "GM": ["审批{q}季度预算调整", "协调{p}项目资源冲突", "确认年度经营目标分解"],
    "BIZ": ["汇总{q}季度销售预测", "审核营销活动方案"],
    "SALES": ["提供{c}的报价支持", "更新{c}客户资料", "评审{c}销售合同", "确认{c}的交货要求"],
    "MKT": ["制作{p}产品宣传册", "准备{c}展会物料", "发布{p}新品推广文案", "提供竞品分析报告"],
    "CS": ["回访{c}投诉处理结果", "整理{q}季度客户反馈", "处理{c}售后问题"],
    "RD": ["评估{p}技术方案", "制定{p}版本计划"],
    "DEV": [
        "修复{c}订单导出错误",
        "新增{p}报表字段",
        "导出{c}历史数据",
        "优化{p}查询性能",
        "对接{c}接口需求",
    ],
    "QA": ["回归测试{p} v{v}", "出具{p}质量报告", "验证{c}反馈的缺陷"],
    "OPS": ["统筹{q}季度库存计划", "协调供应商交期"],
    "PUR": ["采购{n}台服务器", "采购{p}原材料", "新增{c}供应商评估", "更换办公耗材供应商"],
    "WH": ["加急发货给{c}", "盘点{q}季度库存", "跟踪{c}物流异常", "安排样品寄送"],
    "FIN": ["审核{p}项目报销", "为{c}开具发票", "核对{q}季度费用预算", "办理{c}回款确认"],
    "HR": ["招聘{p}项目工程师", "办理新员工入职", "组织{p}培训", "调整{q}季度绩效考核表"],
    "IT": [
        "开通{p}系统账号",
        "更换笔记本电脑",
        "开通VPN权限",
        "修复会议室投屏故障",
        "恢复误删的共享文件",
    ],
}
# Where a request is wrongly passed to when it is "kicked" (踢皮球): a department whose work is close
# to the supplier's, so a bounced request still reads plausibly where it lands.
NEIGHBOURS: dict[str, list[str]] = {
    "GM": ["BIZ", "RD"],
    "BIZ": ["SALES", "MKT", "GM"],
    "SALES": ["MKT", "CS", "BIZ"],
    "MKT": ["SALES", "BIZ"],
    "CS": ["SALES", "QA"],
    "RD": ["DEV", "QA"],
    "DEV": ["QA", "RD", "IT"],
    "QA": ["DEV", "RD"],
    "OPS": ["PUR", "WH"],
    "PUR": ["OPS", "WH", "FIN"],
    "WH": ["OPS", "PUR"],
    "FIN": ["PUR", "HR"],
    "HR": ["FIN", "GM"],
    "IT": ["DEV", "OPS"],
}
CUSTOMERS = [
    "华东客户",
    "北京分公司",
    "深圳大客户",
    "杭州经销商",
    "成都客户",
    "上海长江集团",
    "广州新城公司",
]
PROJECTS = ["星河", "云帆", "天枢", "北斗", "长城", "凤凰", "青松"]

RESOLVE_NOTES = [
    "已处理完毕，请确认",
    "已按要求完成，详见附件",
    "问题已修复并验证通过",
    "已办结，如有问题请反馈",
]
REOPEN_REASONS = ["结果与需求不符，请重新处理", "问题仍然存在", "缺少部分数据"]
WAIT_REASONS = ["等待需求方补充资料", "等待客户确认", "等待审批结果"]
REJECT_REASONS = ["不属于本部门职责，请联系相关部门", "需求不明确，请重新提交"]
CANCEL_REASONS = ["需求已取消", "客户已撤回订单"]
TRANSFER_REASONS = ["该事项由其他部门负责", "需要对方部门先处理", "职责划分调整"]
UNACHIEVABLE_NOTES = ["资源不足无法完成，已与需求方沟通替代方案", "供应商停产，已安排替代采购"]
COMMENTS = ["已与对方接口人电话沟通", "进度正常", "请尽快反馈", "补充说明见邮件"]
