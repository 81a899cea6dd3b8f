"""`icrm escalate open/raise/resolve/list/show`: the ladder by hand, and every bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from icrm_cli.domain.escalation.lifecycle import (
    escalations_for_request,
    open_escalations_between,
)
from icrm_cli.domain.requests.statements import escalated as with_open_escalation
from icrm_cli.storage.core import REQUEST
from icrm_cli.storage.engine import open_database
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

KEYS = [
    "id",
    "request_id",
    "dept_a",
    "dept_b",
    "level",
    "status",
    "reason",
    "opened_at",
    "raised_at",
    "resolved_at",
    "decision",
    "contingency",
    "must_act",
]


def _request(cli: Cli) -> int:
    return new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "客户报表导出功能")


def _open(cli: Cli, request_id: int, reason: str = "开发迟迟不排期") -> dict[str, Any]:
    result = cli.ok("escalate", "open", "--request", str(request_id), "--reason", reason, "--format", "json")
    return dict(json.loads(result.stdout))


def _snapshot(db: Path) -> tuple[int, int, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
        escalations = conn.execute("SELECT count(*) FROM escalation").fetchone()[0]
        rows = conn.execute("SELECT * FROM escalation ORDER BY id").fetchall()
    return events, escalations, rows


def test_open_raise_resolve_with_history(cli: Cli, org: Path, frozen: Any) -> None:
    request_id = _request(cli)
    opened = _open(cli, request_id)
    assert list(opened) == [*KEYS, "history"]
    assert opened["request_id"] == request_id
    assert (opened["dept_a"], opened["dept_b"], opened["level"], opened["status"]) == (
        "SALES",
        "DEV",
        1,
        "open",
    )
    assert opened["opened_at"] == "2026-11-16T09:00:00+08:00"
    assert opened["raised_at"] is None and opened["resolved_at"] is None
    assert [p["person"] for p in opened["must_act"]] == ["li.na", "wu.tao"]

    frozen.shift(3600)
    text = cli.ok("escalate", "raise", str(opened["id"]), "--reason", "接口人协调未果", actor="li.na").stdout
    assert f"Escalation #{opened['id']} is now at level 2" in text
    assert "张伟 <zhang.wei@example.com>" in text and "孙浩 <sun.hao@example.com>" in text
    frozen.shift(3600)
    cli.ok("escalate", "raise", str(opened["id"]), "--reason", "部门负责人意见不一", actor="zhang.wei")
    table = cli.ok("escalate", "show", str(opened["id"])).stdout
    assert "Who must act now" in table and "王强" in table and "wang.qiang@example.com" in table
    assert "History" in table and "部门负责人意见不一" in table
    frozen.shift(3600)
    resolved = json.loads(
        cli.ok(
            "escalate",
            "resolve",
            str(opened["id"]),
            "--decision",
            "本周五前上线导出功能",
            "--contingency",
            "先由IT手工导出应急",
            "--format",
            "json",
            actor="wang.qiang",
        ).stdout
    )
    assert resolved["status"] == "resolved" and resolved["level"] == 3
    assert resolved["decision"] == "本周五前上线导出功能"
    assert resolved["contingency"] == "先由IT手工导出应急"
    assert resolved["raised_at"] == "2026-11-16T11:00:00+08:00"
    assert resolved["resolved_at"] == "2026-11-16T12:00:00+08:00"
    assert [(h["kind"], h["from_level"], h["level"], h["actor"], h["note"]) for h in resolved["history"]] == [
        ("opened", None, 1, "zhang.wei", "开发迟迟不排期"),
        ("raised", 1, 2, "li.na", "接口人协调未果"),
        ("raised", 2, 3, "zhang.wei", "部门负责人意见不一"),
        ("resolved", None, 3, "wang.qiang", "本周五前上线导出功能"),
    ]
    assert [h["at"][11:16] for h in resolved["history"]] == ["09:00", "10:00", "11:00", "12:00"]

    assert resolved["must_act"] == []  # nobody needs to act on a resolved escalation
    # A new escalation may be opened once the earlier one is resolved.
    assert _open(cli, request_id, "上线后仍有问题")["id"] == opened["id"] + 1


def test_open_prints_id_and_who_must_act(cli: Cli, org: Path) -> None:
    result = cli.ok("escalate", "open", "--between", "PUR", "WH", "--reason", "到货入库交接不清")
    assert result.stdout.startswith("Opened escalation #1 PUR ↔ WH at level 1")
    assert "徐芳 <xu.fang@example.com>" in result.stdout and "郭强 <guo.qiang@example.com>" in result.stdout


def test_list_filters_and_formats(cli: Cli, org: Path) -> None:
    first = _open(cli, _request(cli))
    cli.ok("escalate", "open", "--between", "FIN", "HR", "--reason", "预算口径不一致")
    cli.ok("escalate", "raise", "2", "--reason", "接口人协调未果")
    cli.ok("escalate", "resolve", str(first["id"]), "--decision", "按销售优先级排期")

    rows = json.loads(cli.ok("escalate", "list", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [2, 1]  # open first
    assert list(rows[0]) == KEYS
    assert rows[0]["must_act"][0] == {
        "person": "lin.hui",
        "name": "林慧",
        "email": "lin.hui@example.com",
        "role": "FIN head",
    }
    assert [r["id"] for r in json.loads(cli.ok("escalate", "list", "--open", "--format", "json").stdout)] == [
        2
    ]
    assert [r["id"] for r in json.loads(cli.ok("escalate", "list", "--level", "2", "-f", "json").stdout)] == [
        2
    ]
    assert [
        r["id"] for r in json.loads(cli.ok("escalate", "list", "--dept", "dev", "-f", "json").stdout)
    ] == [1]
    assert json.loads(cli.ok("escalate", "list", "--dept", "IT", "-f", "json").stdout) == []
    assert cli.ok("escalate", "list", "--dept", "IT").stdout.strip() == "No matching escalations."

    csv_text = cli.ok("escalate", "list", "--format", "csv").stdout
    header, *lines = csv_text.splitlines()
    assert header == ",".join(KEYS)
    assert "林慧 <lin.hui@example.com>" in lines[0]
    table = cli.ok("escalate", "list").stdout
    assert "预算口径不一致" in table and "\x1b[" not in table


def test_service_functions_for_other_commands(cli: Cli, org: Path, db_path: Path) -> None:
    escalated = _request(cli)
    quiet = _request(cli)
    _open(cli, escalated)
    cli.ok("escalate", "open", "--between", "SALES", "IT", "--reason", "账号开通拖延")
    cli.ok("escalate", "open", "--between", "FIN", "HR", "--reason", "预算口径不一致")
    db = open_database(str(db_path))
    try:
        with db.session() as session:
            assert [e["id"] for e in escalations_for_request(session, escalated)] == [1]
            assert escalations_for_request(session, quiet) == []
            ids = session.execute(select(REQUEST.c.id).where(with_open_escalation())).all()
            assert [row.id for row in ids] == [escalated]
            found = open_escalations_between(session, ["SALES", "DEV", "IT"])
            assert sorted(e["id"] for e in found) == [1, 2]
            assert open_escalations_between(session, ["SALES"]) == []
            assert open_escalations_between(session, []) == []
    finally:
        db.close()


def test_request_show_and_list_escalated(cli: Cli, org: Path) -> None:
    escalated = _request(cli)
    resolved = _request(cli)
    quiet = _request(cli)
    opened = _open(cli, escalated)
    cli.ok("escalate", "raise", str(opened["id"]), "--reason", "接口人协调未果")
    done = _open(cli, resolved, "测试环境不可用")
    cli.ok("escalate", "resolve", str(done["id"]), "--decision", "周三前恢复", "--contingency", "先用预发")

    shown = json.loads(cli.ok("request", "show", str(escalated), "--format", "json").stdout)
    assert [(e["id"], e["level"], e["status"]) for e in shown["escalations"]] == [(opened["id"], 2, "open")]
    assert list(shown["escalations"][0]) == KEYS
    assert [p["person"] for p in shown["escalations"][0]["must_act"]] == ["zhang.wei", "sun.hao"]
    table = cli.ok("request", "show", str(escalated)).stdout
    assert "Escalations" in table and "开发迟迟不排期" in table and "孙浩" in table
    assert json.loads(cli.ok("request", "show", str(quiet), "-f", "json").stdout)["escalations"] == []
    closed = json.loads(cli.ok("request", "show", str(resolved), "-f", "json").stdout)["escalations"]
    assert [(e["status"], e["decision"], e["contingency"]) for e in closed] == [
        ("resolved", "周三前恢复", "先用预发")
    ]

    listed = json.loads(cli.ok("request", "list", "--escalated", "--format", "json").stdout)
    assert [row["id"] for row in listed] == [escalated]  # the resolved one is no longer escalated
    assert cli.ok("request", "list", "--escalated", "--to", "IT").stdout.strip() == "No matching requests."


def test_every_change_records_an_event(cli: Cli, org: Path, db_path: Path) -> None:
    opened = _open(cli, _request(cli))
    cli.ok("escalate", "raise", str(opened["id"]), "--reason", "仍未排期")
    cli.ok("escalate", "resolve", str(opened["id"]), "--decision", "下周排期")
    with sqlite3.connect(db_path) as conn:
        kinds = conn.execute(
            "SELECT kind, actor FROM event WHERE entity = 'escalation' AND entity_id = ? ORDER BY id",
            (opened["id"],),
        ).fetchall()
    assert kinds == [("opened", "zhang.wei"), ("raised", "zhang.wei"), ("resolved", "zhang.wei")]


BAD_INPUTS = [
    (["open", "--request", "999", "--reason", "不存在"], "unknown request #999"),
    (["open", "--between", "SALES", "NOPE", "--reason", "x"], "unknown department 'NOPE'"),
    (["open", "--between", "IT", "it", "--reason", "自己和自己"], "two different departments"),
    (["open", "--reason", "缺少对象"], "either --request ID or --between"),
    (["open", "--request", "1", "--between", "SALES", "IT", "--reason", "两个都给"], "either --request"),
    (["open", "--request", "1", "--reason", "  "], "--reason is empty"),
    (["raise", "999", "--reason", "x"], "unknown escalation #999"),
    (["resolve", "999", "--decision", "x"], "unknown escalation #999"),
    (["show", "999"], "unknown escalation #999"),
    (["list", "--dept", "NOPE"], "unknown department"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_one_error_and_writes_nothing(
    cli: Cli, org: Path, db_path: Path, args: list[str], message: str
) -> None:
    _request(cli)
    before = _snapshot(db_path)
    result = cli.fails("escalate", *args)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(db_path) == before


def test_second_open_names_the_open_one(cli: Cli, org: Path, db_path: Path) -> None:
    request_id = _request(cli)
    opened = _open(cli, request_id)
    before = _snapshot(db_path)
    result = cli.fails("escalate", "open", "--request", str(request_id), "--reason", "再开一个")
    assert f"already has open escalation #{opened['id']}" in result.stderr
    assert _snapshot(db_path) == before
    cli.ok("escalate", "open", "--between", "FIN", "HR", "--reason", "预算")
    before = _snapshot(db_path)
    result = cli.fails("escalate", "open", "--between", "HR", "FIN", "--reason", "还是预算")
    assert "escalation #2 between FIN and HR is already open" in result.stderr
    assert _snapshot(db_path) == before


def test_raise_past_three_resolve_twice_and_final_request(cli: Cli, org: Path, db_path: Path) -> None:
    request_id = _request(cli)
    opened = _open(cli, request_id)
    ident = str(opened["id"])
    cli.ok("escalate", "raise", ident, "--reason", "一级未果")
    cli.ok("escalate", "raise", ident, "--reason", "二级未果")
    before = _snapshot(db_path)
    assert "top of the ladder" in cli.fails("escalate", "raise", ident, "--reason", "还要再升").stderr
    assert "--decision is empty" in cli.fails("escalate", "resolve", ident, "--decision", " ").stderr
    assert "decision is required" in cli.fails("escalate", "resolve", ident).stderr  # exit 1, nothing written
    cli.fails("escalate", "list", "--level", "4", code=2)
    assert _snapshot(db_path) == before
    cli.ok("escalate", "resolve", ident, "--decision", "总经理拍板")
    before = _snapshot(db_path)
    assert "it is resolved" in cli.fails("escalate", "resolve", ident, "--decision", "再定一次").stderr
    assert "it is resolved" in cli.fails("escalate", "raise", ident, "--reason", "再升").stderr
    cli.ok("request", "cancel", str(request_id), "--reason", "客户取消需求")
    before = _snapshot(db_path)
    result = cli.fails("escalate", "open", "--request", str(request_id), "--reason", "已取消还要升级")
    assert f"cannot escalate request #{request_id}: it is cancelled (final)" in result.stderr
    assert _snapshot(db_path) == before
