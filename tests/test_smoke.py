"""End-to-end: the org file, a request's happy path, Chinese text intact; the demo's whole history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli, new_request


def test_request_happy_path(cli: Cli, org: object) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通[研发部]VPN账号")
    cli.ok("request", "ack", str(rid), actor="feng.kai")
    cli.ok("request", "start", str(rid), actor="feng.kai")
    cli.ok("request", "resolve", str(rid), "--note", "已开通", actor="feng.kai")
    cli.ok("request", "close", str(rid), actor="zhang.wei")
    shown = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
    assert shown["status"] == "closed"
    assert shown["title"] == "开通[研发部]VPN账号"
    assert [e["kind"] for e in shown["events"]] == [
        "created",
        "acknowledged",
        "started",
        "resolved",
        "closed",
    ]
    assert [e["actor"] for e in shown["events"]] == [
        "zhang.wei",
        "feng.kai",
        "feng.kai",
        "feng.kai",
        "zhang.wei",
    ]
    table = cli.ok("request", "show", str(rid)).stdout
    assert "开通[研发部]VPN账号" in table
    assert "\x1b[" not in table


def test_demo_weekly_report_has_every_column(cli: Cli, frozen: object) -> None:
    """The demo's last complete week shows something in every column of the weekly report."""
    built = cli.ok("demo", "--requests", "3000", "--no-report")
    assert "3000 requests" in built.stderr
    report = json.loads(cli.ok("report", "weekly", "--format", "json").stdout)
    departments = report["departments"]
    columns = (
        "received",
        "resolved",
        "on_time",
        "overdue_open",
        "median_ack_hours",
        "median_resolve_hours",
        "transfers",
        "reopened",
        "satisfaction",
        "satisfaction_count",
        "open_complaints",
        "escalations_opened",
        "escalation_max_level",
        "sent",
        "sent_open",
    )
    for column in columns:
        assert sum(1 for row in departments if row[column]) >= 3, column
    assert sum(1 for row in departments if row["open_complaints"]) >= 4
    assert max(row["escalation_max_level"] or 0 for row in departments) >= 2
    assert report["matrix"] and report["kicked_balls"]
    assert any(meeting["open_actions"] for meeting in report["meetings"])


def test_demo_is_deterministic(
    cli: Cli, tmp_path: Path, frozen: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same seed at the same moment gives the same database, stored as SQLAlchemy would store it."""
    from icrm_cli import demo
    from icrm_cli.storage.engine import open_database
    from icrm_cli.storage.stored_rows import Sink

    def build(name: str) -> list[str]:
        path = tmp_path / name
        db = open_database(str(path), create=True)
        try:
            assert demo.run_demo(db, requests=400, seed=3, actor="demo").created
        finally:
            db.close()
        with sqlite3.connect(path) as conn:
            return sorted(conn.iterdump())  # (schema objects may be listed in another order)

    first = build("a.db")
    assert build("b.db") == first
    # The ordinary typed insert path (datetimes and dicts converted by bulk_insert) stores the same text.
    monkeypatch.setattr(Sink, "for_session", classmethod(lambda cls, session: cls(False)))
    assert build("c.db") == first
