"""Complaint follow-up: respond by the supplier, close by the customer, in order, with events."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.conftest import Cli


def complaint(cli: Cli) -> int:
    out = cli.ok(
        "feedback",
        "give",
        "--from",
        "SALES",
        "--to",
        "DEV",
        "--kind",
        "complaint",
        "--note",
        "客户报表连续三天导不出来",
        "--format",
        "json",
    ).stdout
    return int(json.loads(out)["id"])


def show(cli: Cli, ident: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("feedback", "show", str(ident), "--format", "json").stdout))


def test_lifecycle_open_responded_closed(cli: Cli, org: Path, frozen: Any) -> None:
    ident = complaint(cli)
    assert "no response yet" in cli.fails("feedback", "close", str(ident)).stderr
    frozen.shift(timedelta(hours=3))
    listed = json.loads(cli.ok("feedback", "list", "--open", "--format", "json").stdout)
    assert listed[0]["age_days"] == 0.1 and listed[0]["responded"] is False
    cli.ok("feedback", "respond", str(ident), "--note", "已定位到导出超时，今晚发布修复", actor="wu.tao")
    item = show(cli, ident)
    assert item["status"] == "open"
    assert item["response"] == "已定位到导出超时，今晚发布修复"
    assert item["responded_at"] == "2026-11-16T12:00:00+08:00"
    listed = json.loads(cli.ok("feedback", "list", "--open", "--format", "json").stdout)
    assert listed[0]["responded"] is True
    assert "responded" in cli.ok("feedback", "list", "--open").stdout
    frozen.shift(timedelta(days=1))
    cli.ok("feedback", "close", str(ident), actor="li.na")
    item = show(cli, ident)
    assert item["status"] == "closed"
    assert item["closed_at"] == "2026-11-17T12:00:00+08:00"
    assert [(e["kind"], e["actor"]) for e in item["events"]] == [
        ("given", "zhang.wei"),
        ("responded", "wu.tao"),
        ("closed", "li.na"),
    ]
    assert json.loads(cli.ok("feedback", "list", "--open", "--format", "json").stdout) == []
    assert "already closed" in cli.fails("feedback", "close", str(ident)).stderr
    assert "closed" in cli.fails("feedback", "respond", str(ident), "--note", "补充", actor="wu.tao").stderr


def test_only_the_supplier_responds(cli: Cli, org: Path) -> None:
    ident = complaint(cli)
    assert (
        "the supplier side (DEV) responds"
        in cli.fails("feedback", "respond", str(ident), "--note", "好的").stderr
    )
    cli.fails("feedback", "respond", str(ident), "--note", "好的", actor="cron")
    cli.fails("feedback", "respond", str(ident), "--note", "  ", actor="sun.hao")
    assert show(cli, ident)["responded_at"] is None
    cli.ok("feedback", "respond", str(ident), "--note", "第一次答复", actor="sun.hao")
    cli.ok("feedback", "respond", str(ident), "--note", "修复已上线，请确认", actor="wu.tao")
    item = show(cli, ident)
    assert item["response"] == "修复已上线，请确认"
    assert [e["kind"] for e in item["events"]] == ["given", "responded", "responded_again"]


def test_only_the_complaining_side_closes(cli: Cli, org: Path) -> None:
    ident = complaint(cli)
    cli.ok("feedback", "respond", str(ident), "--note", "已处理", actor="wu.tao")
    assert (
        "the complaining side (SALES) closes it"
        in cli.fails("feedback", "close", str(ident), actor="wu.tao").stderr
    )
    assert show(cli, ident)["status"] == "open"


def test_respond_and_close_need_a_complaint(cli: Cli, org: Path) -> None:
    cli.ok("feedback", "give", "--from", "SALES", "--to", "DEV", "--score", "3")
    assert "rating" in cli.fails("feedback", "respond", "1", "--note", "谢谢", actor="wu.tao").stderr
    assert "rating" in cli.fails("feedback", "close", "1").stderr
    cli.fails("feedback", "respond", "42", "--note", "谢谢", actor="wu.tao")
    cli.fails("feedback", "close", "42")
    cli.fails("feedback", "respond", "1", code=2)
    cli.fails("feedback", "close", "abc", code=2)
