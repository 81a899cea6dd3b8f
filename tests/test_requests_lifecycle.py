"""The request lifecycle through the real CLI: every allowed and every forbidden transition."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, new_request

STATUSES = (
    "open",
    "acknowledged",
    "in_progress",
    "waiting",
    "resolved",
    "closed",
    "rejected",
    "cancelled",
    "unachievable",
)
FINAL = {"closed", "rejected", "cancelled", "unachievable"}

# How to bring a fresh request (SALES -> IT) into each status, via the CLI.
PATHS: dict[str, list[list[str]]] = {
    "open": [],
    "acknowledged": [["ack"]],
    "in_progress": [["start"]],
    "waiting": [["ack"], ["wait", "--reason", "等待销售部提供客户名单"]],
    "resolved": [["resolve", "--note", "账号已开通"]],
    "closed": [["resolve", "--note", "账号已开通"], ["close"]],
    "rejected": [["reject", "--reason", "不属于信息部职责"]],
    "cancelled": [["cancel", "--reason", "客户取消了需求"]],
    "unachievable": [["close", "--unachievable", "--note", "供应商停产, 改用替代方案"]],
}

# command -> (argv after the id, allowed source statuses, target status); the contract's table.
TABLE: dict[str, tuple[list[str], set[str], str]] = {
    "ack": ([], {"open"}, "acknowledged"),
    "start": ([], {"open", "acknowledged"}, "in_progress"),
    "wait": (["--reason", "等客户确认规格"], {"acknowledged", "in_progress"}, "waiting"),
    "resume": ([], {"waiting"}, "in_progress"),
    "resolve": (["--note", "已处理完毕"], {"open", "acknowledged", "in_progress"}, "resolved"),
    "close": ([], {"resolved"}, "closed"),
    "reopen": (["--reason", "问题仍然存在"], {"resolved"}, "in_progress"),
    "reject": (["--reason", "请走采购流程"], {"open", "acknowledged", "in_progress", "waiting"}, "rejected"),
    "cancel": (["--reason", "需求已撤回"], {"open", "acknowledged", "in_progress", "waiting"}, "cancelled"),
    "unachievable": (
        ["--unachievable", "--note", "无法实现, 已安排善后"],
        {"open", "acknowledged", "in_progress", "waiting"},
        "unachievable",
    ),
    "transfer": (
        ["--to", "DEV", "--reason", "属于开发部职责"],
        {"open", "acknowledged", "in_progress"},
        "open",
    ),
}


# Who does each step: the customer side (the requester) confirms, reopens, cancels and closes out;
# the supplier (IT) does the rest.
CUSTOMER_STEPS = {"close", "reopen", "cancel", "unachievable"}


def entitled(command: str, supplier: str = "han.bo") -> str:
    return "zhang.wei" if command in CUSTOMER_STEPS else supplier


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def argv(command: str, rid: int) -> list[str]:
    extra, _, _ = TABLE[command]
    name = "close" if command == "unachievable" else command
    return ["request", name, str(rid), *extra]


def in_status(cli: Cli, status: str) -> int:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", f"开通VPN账号({status})")
    for step in PATHS[status]:
        command = "unachievable" if "--unachievable" in step else step[0]
        cli.ok("request", step[0], str(rid), *step[1:], actor=entitled(command, "feng.kai"))
    assert show(cli, rid)["status"] == status
    return rid


def show(cli: Cli, rid: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout))


ALLOWED = [(cmd, src) for cmd, (_, sources, _) in TABLE.items() for src in sorted(sources)]
FORBIDDEN = [(cmd, src) for cmd, (_, sources, _) in TABLE.items() for src in STATUSES if src not in sources]


@pytest.mark.parametrize(("command", "source"), ALLOWED)
def test_allowed_transition(cli: Cli, org: object, command: str, source: str) -> None:
    rid = in_status(cli, source)
    result = cli.ok(*argv(command, rid), actor=entitled(command))
    target = TABLE[command][2]
    assert f"#{rid}" in result.stdout and target in result.stdout
    shown = show(cli, rid)
    assert shown["status"] == target
    last = shown["events"][-1]
    assert last["actor"] == entitled(command)
    if target in FINAL:
        assert shown["closed_at"] is not None
    else:
        assert shown["closed_at"] is None


@pytest.mark.parametrize(("command", "source"), FORBIDDEN)
def test_forbidden_transition(cli: Cli, org: object, db_path: Path, command: str, source: str) -> None:
    rid = in_status(cli, source)
    before = dump(db_path)
    result = cli.fails(*argv(command, rid), actor=entitled(command))
    assert source in result.stderr
    assert result.stderr.count("Error:") == 1
    assert dump(db_path) == before


@pytest.mark.parametrize("status", STATUSES)
def test_assign_due_comment_any_non_final(cli: Cli, org: object, db_path: Path, status: str) -> None:
    rid = in_status(cli, status)
    commands = [
        ["--as", "han.bo", "request", "assign", str(rid), "--owner", "han.bo"],
        ["request", "due", str(rid), "--due", "+10d", "--reason", "客户同意延期"],  # the customer side
        ["request", "comment", str(rid), "请尽快处理, 谢谢"],
    ]
    if status in FINAL:
        for command in commands:
            before = dump(db_path)
            result = cli.fails(*command)
            assert status in result.stderr
            assert dump(db_path) == before
        return
    for command in commands:
        cli.ok(*command)
    shown = show(cli, rid)
    assert shown["status"] == status
    assert shown["owner"] == "han.bo"
    assert [e["kind"] for e in shown["events"][-3:]] == ["assigned", "due_changed", "commented"]
    assert shown["events"][-1]["note"] == "请尽快处理, 谢谢"


def test_unknown_request_id(cli: Cli, org: object, db_path: Path) -> None:
    before = dump(db_path)
    result = cli.fails("request", "ack", "999")
    assert "999" in result.stderr
    assert dump(db_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["resolve", "--note", "   "],
        ["wait", "--reason", ""],
        ["close", "--unachievable"],
        ["transfer", "--to", "NOPE", "--reason", "转交"],
        ["transfer", "--to", "IT", "--reason", "转交给自己"],
        ["assign", "--owner", "nobody"],
        ["due", "--due", "2020-01-01", "--reason", "回到过去"],
        ["due", "--due", "下周一", "--reason", "格式不对"],
        ["comment", ""],
    ],
)
def test_bad_input_changes_nothing(cli: Cli, org: object, db_path: Path, args: list[str]) -> None:
    rid = in_status(cli, "in_progress" if args[0] != "close" else "open")
    before = dump(db_path)
    cli.fails("request", args[0], str(rid), *args[1:])
    assert dump(db_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "NOPE", "--to", "IT", "--title", "标题"],
        ["--from", "SALES", "--to", "IT", "--title", "   "],
        ["--from", "SALES", "--to", "IT", "--title", "标题", "--owner", "ghost"],
        ["--from", "SALES", "--to", "IT", "--title", "标题", "--due", "2020-01-01"],
        ["--from", "SALES", "--to", "IT", "--title", "标题", "--due", "soon"],
        ["--from", "SALES", "--to", "IT", "--title", "第一行\x07"],
    ],
)
def test_bad_new_changes_nothing(cli: Cli, org: object, db_path: Path, args: list[str]) -> None:
    before = dump(db_path)
    cli.fails("request", "new", *args)
    assert dump(db_path) == before


def test_transfer_counts_and_owner(cli: Cli, org: object) -> None:
    rid = in_status(cli, "acknowledged")
    cli.ok("request", "transfer", str(rid), "--to", "DEV", "--reason", "属于开发部职责", actor="feng.kai")
    shown = show(cli, rid)
    assert (shown["status"], shown["to_dept"], shown["owner"]) == ("open", "DEV", "wu.tao")
    assert shown["transfers"] == 1
    assert shown["acknowledged_at"] is None
    cli.ok("request", "transfer", str(rid), "--to", "QA", "--reason", "先做测试", actor="wu.tao")
    shown = show(cli, rid)
    assert (shown["to_dept"], shown["owner"], shown["transfers"]) == ("QA", "zheng.xin", 2)
    kinds = [(e["kind"], e["actor"], e["note"]) for e in shown["events"]]
    assert kinds[-2:] == [
        ("transferred", "feng.kai", "属于开发部职责"),
        ("transferred", "wu.tao", "先做测试"),
    ]


def test_reopen_counter(cli: Cli, org: object) -> None:
    rid = in_status(cli, "resolved")
    for n in (1, 2):
        cli.ok("request", "reopen", str(rid), "--reason", f"第{n}次: 仍无法登录", actor="zhang.wei")
        shown = show(cli, rid)
        assert shown["reopened"] == n and shown["resolved_at"] is None
        cli.ok("request", "resolve", str(rid), "--note", "重新配置", actor="feng.kai")
    cli.ok("request", "close", str(rid), actor="zhang.wei")
    assert show(cli, rid)["reopened"] == 2


def test_events_with_actors_oldest_first(cli: Cli, org: object) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "打印机故障")
    cli.ok("request", "ack", str(rid), actor="feng.kai")
    cli.ok("request", "wait", str(rid), "--reason", "等待型号", actor="feng.kai")
    cli.ok("request", "resume", str(rid), actor="feng.kai")
    cli.ok("request", "comment", str(rid), "型号是 HP-1020", actor="li.na")
    cli.ok("request", "resolve", str(rid), "--note", "已更换硒鼓", actor="feng.kai")
    cli.ok("request", "close", str(rid), actor="wang.fang")  # the customer side confirms
    events = show(cli, rid)["events"]
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("created", "zhang.wei"),
        ("acknowledged", "feng.kai"),
        ("waiting", "feng.kai"),
        ("resumed", "feng.kai"),
        ("commented", "li.na"),
        ("resolved", "feng.kai"),
        ("closed", "wang.fang"),
    ]
    assert events[2]["note"] == "等待型号"
    assert all(e["at"].endswith("+08:00") for e in events)


def test_new_prints_confirmation_with_id(cli: Cli, org: object) -> None:
    result = cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "新员工电脑")
    assert "#1" in result.stdout
    assert "feng.kai" in result.stdout


def test_resolve_sets_acknowledged_at(cli: Cli, org: object) -> None:
    rid = in_status(cli, "open")
    cli.ok("request", "resolve", str(rid), "--note", "直接解决", actor="feng.kai")
    shown = show(cli, rid)
    assert shown["acknowledged_at"] is not None and shown["resolved_at"] is not None
