"""`meeting edit`: move, rename, relocate, change departments; events; the .ics keeps its UID and
raises its SEQUENCE so calendar clients update the event."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.conftest import Cli
from tests.test_meeting_cli import new_meeting

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shown(cli: Cli, meeting_id: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("meeting", "show", str(meeting_id), "--format", "json").stdout))


def vevent(cli: Cli, meeting_id: int) -> Any:
    calendar = Calendar.from_ical(cli.ok("meeting", "ics", str(meeting_id)).stdout_bytes)
    [event] = calendar.walk("VEVENT")
    return event


def meeting_events(db: Path, meeting_id: int) -> list[tuple[str, dict[str, Any] | None]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT kind, detail FROM event WHERE entity = 'meeting' AND entity_id = ? ORDER BY id",
            (meeting_id,),
        ).fetchall()
    conn.close()
    return [(kind, json.loads(detail) if detail else None) for kind, detail in rows]


def test_move_a_meeting_and_its_invitation_updates(cli: Cli, org: Path, db_path: Path) -> None:
    meeting = new_meeting(cli, "--title", "产销协调周会", "--at", "2026-11-17T10:00", "--dept", "SALES")
    mid = meeting["id"]
    before = vevent(cli, mid)
    assert int(before["SEQUENCE"]) == 0
    out = cli.ok("meeting", "edit", str(mid), "--at", "2026-11-18T14:00", "--location", "3楼会议室").stdout
    assert out == f"Meeting #{mid}: edited starts_at, ends_at, location (starts 2026-11-18 14:00).\n"
    after = vevent(cli, mid)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == datetime(2026, 11, 18, 14, 0, tzinfo=SHANGHAI)
    assert after.decoded("DTEND") == datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)  # length kept
    assert str(after["LOCATION"]) == "3楼会议室"
    again = cli.ok("meeting", "edit", str(mid), "--duration", "90m", "--title", "产销周会").stdout
    assert "edited title, ends_at" in again
    last = vevent(cli, mid)
    assert int(last["SEQUENCE"]) > int(after["SEQUENCE"])
    assert str(last["SUMMARY"]) == "产销周会"
    assert last.decoded("DTEND") == datetime(2026, 11, 18, 15, 30, tzinfo=SHANGHAI)
    edits = [detail for kind, detail in meeting_events(db_path, mid) if kind == "edited"]
    assert edits is not None and [e["field"] for e in edits if e] == [
        "starts_at",
        "ends_at",
        "location",
        "title",
        "ends_at",
    ]
    assert edits[0] == {
        "field": "starts_at",
        "old": "2026-11-17T02:00:00+00:00",
        "new": "2026-11-18T06:00:00+00:00",
    }
    cli.ok("meeting", "cancel", str(mid), "--reason", "改期")
    cancelled = vevent(cli, mid)
    assert int(cancelled["SEQUENCE"]) > int(last["SEQUENCE"]) and str(cancelled["UID"]) == str(before["UID"])


def test_departments_added_and_removed(cli: Cli, org: Path) -> None:
    meeting = new_meeting(cli, "--title", "协调会", "--at", "+1d", "--dept", "SALES", "--dept", "IT")
    mid = meeting["id"]
    out = cli.ok("meeting", "edit", str(mid), "--add-dept", "fin", "--remove-dept", "IT").stdout
    assert "edited departments" in out
    detail = shown(cli, mid)
    assert detail["departments"] == ["FIN", "SALES"]
    attendees = detail["attendees"]
    people = {a["person"] if isinstance(a, dict) else a for a in attendees}
    assert "gao.yan" in people  # FIN's interface contact now attends
    assert "feng.kai" not in people  # IT's people no longer do
    assert "zhang.wei" in people  # the organiser stays
    result = cli.fails("meeting", "edit", str(mid), "--remove-dept", "FIN", "--remove-dept", "SALES")
    assert "at least one department" in result.stderr
    assert "does not take part" in cli.fails("meeting", "edit", str(mid), "--remove-dept", "HR").stderr
    assert cli.ok("meeting", "edit", str(mid), "--add-dept", "SALES").stdout == "no change\n"


def test_edit_errors(cli: Cli, org: Path) -> None:
    meeting = new_meeting(cli, "--title", "协调会", "--at", "+1d", "--dept", "SALES")
    mid = str(meeting["id"])
    assert cli("meeting", "edit", mid).exit_code == 2
    assert cli.ok("meeting", "edit", mid, "--title", "协调会").stdout == "no change\n"
    assert "24h" in cli.fails("meeting", "edit", mid, "--duration", "25h").stderr
    cli.fails("meeting", "edit", mid, "--add-dept", "NOPE")
    cli.ok("meeting", "cancel", mid, "--reason", "取消")
    assert "cancelled" in cli.fails("meeting", "edit", mid, "--title", "新的").stderr
