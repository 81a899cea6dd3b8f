"""`request edit`: title, description, priority; `edited` events; the SLA due time follows a new
priority unless it was set by hand; final requests stay as they are."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def shown(cli: Cli, rid: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout))


def test_edit_title_and_description(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VNP账号")
    frozen.shift(600)
    out = cli.ok(
        "request", "edit", str(rid), "--title", "开通VPN账号", "--description", "新同事", "--reason", "错别字"
    ).stdout
    assert out == f"Request #{rid}: edited title, description.\n"
    request = shown(cli, rid)
    assert (request["title"], request["description"]) == ("开通VPN账号", "新同事")
    assert request["updated_at"] == "2026-11-16T09:10:00+08:00"
    edits = [e for e in request["events"] if e["kind"] == "edited"]
    assert [(e["field"], e["old"], e["new"], e["actor"]) for e in edits] == [
        ("title", "开通VNP账号", "开通VPN账号", "zhang.wei"),
        ("description", None, "新同事", "zhang.wei"),
    ]
    assert edits[0]["note"] == "title: 开通VNP账号 → 开通VPN账号 (错别字)"
    created = request["events"][0]
    assert (created["field"], created["old"], created["new"]) == (None, None, None)


def test_unchanged_value_prints_no_change(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    assert cli.ok("request", "edit", str(rid), "--title", " 开通VPN账号 ").stdout == "no change\n"
    assert cli.ok("request", "edit", str(rid), "--priority", "normal").stdout == "no change\n"
    assert [e["kind"] for e in shown(cli, rid)["events"]] == ["created"]


def test_no_field_is_a_usage_error(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    result = cli("request", "edit", str(rid))
    assert result.exit_code == 2 and "--title" in result.stderr
    assert cli("request", "edit", str(rid), "--reason", "只有理由").exit_code == 2
    assert cli("request", "edit", str(rid), "--priority", "huge").exit_code == 2


def test_new_priority_moves_the_sla_due_time(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "服务器宕机")
    assert shown(cli, rid)["due_at"] == "2026-11-21T09:00:00+08:00"  # normal: 5 days
    frozen.shift(7200)
    out = cli.ok("request", "edit", str(rid), "--priority", "urgent", "--reason", "影响生产").stdout
    assert out == f"Request #{rid}: edited priority; now due 2026-11-17 09:00.\n"  # 1 day from creation
    request = shown(cli, rid)
    assert (request["priority"], request["due_at"]) == ("urgent", "2026-11-17T09:00:00+08:00")
    [edit] = [e for e in request["events"] if e["kind"] == "edited"]
    assert (edit["field"], edit["old"], edit["new"]) == ("priority", "normal", "urgent")


def test_a_due_time_set_by_hand_stays(cli: Cli, org: Path) -> None:
    typed = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "年会", "--due", "2026-12-20")
    cli.ok("request", "edit", str(typed), "--priority", "high")
    assert shown(cli, typed)["due_at"] == "2026-12-20T23:59:59+08:00"
    moved = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "报价")
    cli.ok("request", "due", str(moved), "--due", "2026-12-01", "--reason", "客户延期")
    out = cli.ok("request", "edit", str(moved), "--priority", "urgent").stdout
    assert out == f"Request #{moved}: edited priority.\n"
    assert shown(cli, moved)["due_at"] == "2026-12-01T23:59:59+08:00"


def test_old_rows_without_a_due_source_are_judged_by_their_due_time(
    cli: Cli, org: Path, db_path: Path
) -> None:
    sla = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "旧的SLA单")
    typed = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "旧的手填单", "--due", "+30d")
    with sqlite3.connect(db_path) as conn:  # as written before the source was recorded
        conn.execute("UPDATE event SET detail = json_remove(detail, '$.due') WHERE kind = 'created'")
    conn.close()
    cli.ok("request", "edit", str(sla), "--priority", "low")
    cli.ok("request", "edit", str(typed), "--priority", "low")
    assert shown(cli, sla)["due_at"] == "2026-11-26T09:00:00+08:00"  # low: 10 days
    assert shown(cli, typed)["due_at"] == "2026-12-16T09:00:00+08:00"


def test_final_requests_cannot_be_edited(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "取消的")
    cli.ok("request", "cancel", str(rid), "--reason", "不需要了")
    result = cli.fails("request", "edit", str(rid), "--title", "新标题")
    assert result.stderr == f"Error: cannot edit request #{rid}: it is cancelled (final)\n"
    assert shown(cli, rid)["title"] == "取消的"
    assert cli.fails("request", "edit", "999", "--title", "x").stderr == "Error: unknown request #999\n"


def test_bad_values_change_nothing(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "原标题")
    cli.fails("request", "edit", str(rid), "--priority", "urgent", "--title", "  ")
    request = shown(cli, rid)
    assert (request["title"], request["priority"]) == ("原标题", "normal")
    assert [e["kind"] for e in request["events"]] == ["created"]
