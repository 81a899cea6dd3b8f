"""Agenda carry-over across a series, and the Markdown minutes document."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.conftest import Cli, new_request
from tests.test_meeting_cli import SERIES, standard

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def action(cli: Cli, meeting_id: int, title: str, owner: str, due: str) -> int:
    result = cli.ok(
        "meeting",
        "action",
        str(meeting_id),
        "--title",
        title,
        "--owner",
        owner,
        "--due",
        due,
        "--format",
        "json",
    )
    return int(json.loads(result.stdout)["id"])


def agenda(cli: Cli, meeting_id: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("meeting", "agenda", str(meeting_id), "--format", "json").stdout))


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [int(row["id"]) for row in rows]


def test_carry_over_across_three_meetings(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    first = standard(cli, "2026-11-16T10:00")
    a1 = action(cli, first, "整理交期延误原因", "wu.tao", "2026-11-20")
    a2 = action(cli, first, "提供报价模板", "xu.fang", "2026-11-20")
    assert agenda(cli, first)["carried_over"] == []

    second = standard(cli, "2026-11-23T10:00")
    other_series = standard(cli, "2026-11-24T10:00", series="例会-研发质量")
    assert ids(agenda(cli, second)["carried_over"]) == [a1, a2]
    assert agenda(cli, other_series)["carried_over"] == []

    frozen.shift(timedelta(days=2))
    cli.ok("request", "resolve", str(a2), "--note", "模板已发送", actor="xu.fang")
    cli.ok("request", "close", str(a2))  # closed in between: drops out
    a3 = action(cli, second, "核对库存数据", "wu.tao", "2026-11-28")
    outside = new_request(
        cli, "--from", "PUR", "--to", "SALES", "--title", "确认客户交货要求", "--due", "+1h"
    )
    elsewhere = new_request(cli, "--from", "SALES", "--to", "FIN", "--title", "开具发票", "--due", "+1h")
    not_due = new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "导出历史数据")
    third = standard(cli, "2026-11-30T10:00")

    frozen.shift(timedelta(days=4))  # 2026-11-22: a1 (due 11-20) and the outside request are overdue
    cli.ok("escalate", "open", "--request", str(outside), "--reason", "交货要求迟迟未确认")
    between = json.loads(
        cli.ok(
            "escalate", "open", "--between", "DEV", "SALES", "--reason", "需求排期冲突", "--format", "json"
        ).stdout
    )
    cli.ok("escalate", "raise", str(between["id"]), "--reason", "接口人协调未果")
    done = json.loads(
        cli.ok("escalate", "open", "--between", "PUR", "DEV", "--reason", "旧争议", "--format", "json").stdout
    )
    cli.ok("escalate", "resolve", str(done["id"]), "--decision", "按月对账")
    cli.ok("escalate", "open", "--request", str(elsewhere), "--reason", "发票延误")  # FIN: not in the meeting
    data = agenda(cli, third)
    assert set(data) == {"meeting", "carried_over", "overdue_requests", "open_escalations"}
    escalations = data["open_escalations"]  # open ones between the meeting's departments, highest level first
    assert [(e["dept_a"], e["dept_b"], e["level"]) for e in escalations] == [
        ("DEV", "SALES", 2),
        ("PUR", "SALES", 1),
    ]
    assert escalations[1]["request_id"] == outside and escalations[1]["must_act"]
    carried = data["carried_over"]
    assert ids(carried) == [a1, a3]  # oldest first; the closed a2 is gone
    assert carried[0]["overdue"] is True and carried[0]["status"] == "open"
    assert carried[0]["owner"] == "wu.tao" and carried[0]["due_at"] == "2026-11-20T23:59:59+08:00"
    assert carried[1]["overdue"] is False and carried[1]["meeting_id"] == second
    overdue = ids(data["overdue_requests"])
    assert outside in overdue  # created outside any meeting, between two of its departments
    assert elsewhere not in overdue and not_due not in overdue
    assert a1 not in overdue  # already listed under carried-over
    assert data["meeting"]["id"] == third

    table = cli.ok("meeting", "agenda", str(third)).stdout
    assert "Carried over" in table and "整理交期延误原因" in table and "确认客户交货要求" in table
    markdown = cli.ok("meeting", "agenda", str(third), "--format", "markdown").stdout
    assert (
        markdown.index("整理交期延误原因")
        < markdown.index("核对库存数据")
        < markdown.index("确认客户交货要求")
    )
    assert "## 1. 遗留事项 Carried over" in markdown
    assert "逾期 overdue" in markdown
    assert "## 3. 未决升级 Open escalations" in markdown and "需求排期冲突" in markdown
    assert "旧争议" not in markdown and "发票延误" not in markdown
    assert "需求排期冲突" in table


def test_markdown_minutes(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    first = standard(cli, "2026-11-09T10:00")
    old = action(cli, first, "整理交期延误原因", "wu.tao", "2026-11-20")
    meeting_id = standard(cli, "2026-11-16T10:00")
    cli.ok("meeting", "attend", str(meeting_id), "zhang.wei", "li.na", "wu.tao")
    cli.ok("meeting", "attend", str(meeting_id), "xu.fang", "--absent")
    cli.ok(
        "meeting",
        "minutes",
        str(meeting_id),
        "--notes",
        "先跟踪上周遗留问题，交期延误原因已确认。",
        "--decision",
        "报价统一走联络单",
        "--decision",
        "逾期事项每日同步",
    )
    action(cli, meeting_id, "更新发货计划", "xu.fang", "2026-11-25")
    text = cli.ok("meeting", "show", str(meeting_id), "--format", "markdown").stdout
    assert text.startswith("# 会议纪要 Minutes: 产销协调周会")
    assert "2026-11-16 10:00–11:00 (Asia/Shanghai)" in text
    assert "3楼会议室" in text and SERIES in text
    assert "销售部 (SALES)" in text and "软件开发部 (DEV)" in text and "采购部 (PUR)" in text
    assert "- 李娜 (li.na), 销售部 (SALES): 出席 present" in text
    assert "- 徐芳 (xu.fang), 采购部 (PUR): 缺席 absent" in text
    assert "先跟踪上周遗留问题，交期延误原因已确认。" in text
    assert "1. 报价统一走联络单" in text and "2. 逾期事项每日同步" in text
    actions = text.split("## 行动项 Action items")[1].split("## 遗留事项")[0]
    assert "更新发货计划" in actions and "徐芳 (xu.fang)" in actions and "2026-11-25 23:59" in actions
    carried = text.split("## 遗留事项 Carried over from earlier meetings")[1]
    assert f"| {old} | 整理交期延误原因 | 吴涛 (wu.tao) | SALES → DEV | 2026-11-20 23:59 | open |" in carried
    out = org.parent / "minutes.md"
    cli.ok("meeting", "show", str(meeting_id), "--format", "markdown", "-o", str(out))
    assert out.read_text(encoding="utf-8").rstrip("\n") == text.rstrip("\n")
