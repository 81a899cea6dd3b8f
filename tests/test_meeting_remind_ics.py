"""Reminders for cron (window edges with frozen time) and the .ics invitation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from tests.conftest import Cli
from tests.test_meeting_cli import new_meeting

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_remind_window_edges(cli: Cli, org: Path) -> None:
    # frozen at Mon 2026-11-16 09:00 Shanghai
    inside = new_meeting(
        cli, "--title", "产销协调周会", "--at", "2026-11-17T08:59", "--dept", "SALES", "--dept", "DEV"
    )
    new_meeting(cli, "--title", "研发质量周会", "--at", "2026-11-17T09:01", "--dept", "DEV")
    new_meeting(cli, "--title", "已开始的会", "--at", "2026-11-16T08:30", "--dept", "SALES")
    gone = new_meeting(cli, "--title", "取消的会", "--at", "2026-11-16T15:00", "--dept", "SALES")
    cli.ok("meeting", "cancel", str(gone["id"]), "--reason", "改期")
    found = json.loads(cli.ok("meeting", "remind", "--format", "json").stdout)
    assert [m["id"] for m in found] == [inside["id"]]
    people = {r["person"]: r["email"] for r in found[0]["recipients"]}
    assert people == {
        "zhang.wei": "zhang.wei@example.com",
        "li.na": "li.na@example.com",
        "wu.tao": "wu.tao@example.com",
    }
    table = cli.ok("meeting", "remind").stdout
    assert "产销协调周会" in table and "吴涛" in table and "wu.tao@example.com" in table
    assert "研发质量周会" not in table and "已开始的会" not in table
    assert len(json.loads(cli.ok("meeting", "remind", "--within", "2d", "--format", "json").stdout)) == 2


def test_remind_prints_nothing_when_none(cli: Cli, org: Path) -> None:
    new_meeting(cli, "--title", "下周例会", "--at", "2026-11-23T10:00", "--dept", "SALES")
    for fmt in ("table", "csv"):
        result = cli.ok("meeting", "remind", "--format", fmt)
        assert result.stdout == "" and result.stderr == ""
    assert cli.ok("meeting", "remind", "--format", "json").stdout.strip() == "[]"


def _calendar(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def test_ics_parses_back_with_stable_uid(
    cli: Cli, org: Path, frozen: time_machine.Traveller, tmp_path: Path
) -> None:
    meeting = new_meeting(
        cli,
        "--title",
        "产销协调周会",
        "--at",
        "2026-11-17T10:00",
        "--duration",
        "90m",
        "--series",
        "例会-产销协调",
        "--dept",
        "SALES",
        "--dept",
        "DEV",
        "--location",
        "3楼会议室",
    )
    meeting_id = str(meeting["id"])
    first = cli.ok("meeting", "ics", meeting_id).stdout_bytes
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")
    frozen.shift(timedelta(minutes=30))
    target = tmp_path / "invite.ics"
    assert cli.ok("meeting", "ics", meeting_id, "-o", str(target)).stdout == ""
    second = target.read_bytes()
    assert b"\n" not in second.replace(b"\r\n", b"")

    cal1, cal2 = _calendar(first), _calendar(second)
    assert str(cal1["VERSION"]) == "2.0" and "icrm" in str(cal1["PRODID"])
    events1, events2 = cal1.walk("VEVENT"), cal2.walk("VEVENT")
    assert len(events1) == 1 and len(events2) == 1
    one, two = events1[0], events2[0]
    assert str(one["UID"]) == str(two["UID"])
    assert one.decoded("DTSTAMP") == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    assert two.decoded("DTSTAMP") == datetime(2026, 11, 16, 1, 30, tzinfo=UTC)
    stamp = one["DTSTAMP"].to_ical()
    assert isinstance(stamp, bytes) and stamp.endswith(b"Z")
    start, end = one.decoded("DTSTART"), one.decoded("DTEND")
    assert start == datetime(2026, 11, 17, 10, 0, tzinfo=SHANGHAI)
    assert start.utcoffset() == timedelta(hours=8)
    assert start.astimezone(UTC) == datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 11, 17, 3, 30, tzinfo=UTC)
    assert one["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert cal1.walk("VTIMEZONE")
    assert str(one["SUMMARY"]) == "产销协调周会" and str(one["LOCATION"]) == "3楼会议室"
    assert "遗留事项" in str(one["DESCRIPTION"])
    assert str(one["ORGANIZER"]) == "mailto:zhang.wei@example.com"
    attendees = one["ATTENDEE"] if isinstance(one["ATTENDEE"], list) else [one["ATTENDEE"]]
    assert sorted(str(a) for a in attendees) == [
        "mailto:li.na@example.com",
        "mailto:wu.tao@example.com",
        "mailto:zhang.wei@example.com",
    ]
    assert {a.params["CN"] for a in attendees} == {"张伟", "李娜", "吴涛"}


def test_ics_in_utc_org(cli: Cli, org: Path, tmp_path: Path) -> None:
    utc_org = tmp_path / "utc.yaml"
    utc_org.write_text(org.read_text(encoding="utf-8").replace("Asia/Shanghai", "UTC"), encoding="utf-8")
    cli.ok("org", "apply", str(utc_org))
    meeting = new_meeting(cli, "--title", "全球同步会", "--at", "2026-11-17T10:00", "--dept", "IT")
    assert meeting["starts_at"] == "2026-11-17T10:00:00+00:00"
    event = _calendar(cli.ok("meeting", "ics", str(meeting["id"])).stdout_bytes).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)


def test_ics_of_cancelled_meeting(cli: Cli, org: Path) -> None:
    meeting = new_meeting(cli, "--title", "产销协调周会", "--at", "+1d", "--dept", "SALES")
    cli.ok("meeting", "cancel", str(meeting["id"]), "--reason", "改期")
    cal = _calendar(cli.ok("meeting", "ics", str(meeting["id"])).stdout_bytes)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
