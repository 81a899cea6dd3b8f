"""The .ics time zone: a compact, rule-based VTIMEZONE that calendar clients read right (issue 16.16)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from icalendar import Calendar, Timezone

from icrm_cli.domain.meetings.vtimezone import vtimezone
from tests.conftest import Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def _ics(cli: Cli, meeting_at: str) -> Calendar:
    made = cli.ok(
        "meeting", "new", "--title", "周例会", "--at", meeting_at, "--dept", "SALES", "--format", "json"
    )
    meeting_id = yaml.safe_load(made.stdout)["id"]
    return Calendar.from_ical(cli.ok("meeting", "ics", str(meeting_id)).stdout_bytes)


def test_a_zone_without_daylight_saving_is_one_standard_block(cli: Cli, org: Path) -> None:
    calendar = _ics(cli, "2026-11-20T10:00")
    (zone,) = calendar.walk("VTIMEZONE")
    text = zone.to_ical().decode()
    assert len(text.splitlines()) == 9  # was 88 lines of RDATEs, valid only to 2038
    assert "RDATE" not in text and "TZOFFSETTO:+0800" in text
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("zone", "rules"),
    [
        ("America/New_York", {"DAYLIGHT": "2SU", "STANDARD": "1SU"}),
        ("Europe/Berlin", {"DAYLIGHT": "-1SU", "STANDARD": "-1SU"}),
        ("Australia/Sydney", {"DAYLIGHT": "1SU", "STANDARD": "1SU"}),
    ],
)
def test_daylight_saving_as_yearly_rules(zone: str, rules: dict[str, str]) -> None:
    built = vtimezone(ZoneInfo(zone), zone, 2026)
    for part in ("DAYLIGHT", "STANDARD"):
        (observance,) = built.walk(part)
        rule: Any = observance["RRULE"]
        assert rule["BYDAY"] in (rules[part], [rules[part]])
        assert observance.decoded("dtstart").year == 1970  # before any meeting it serves
    assert "RDATE" not in built.to_ical().decode()


def test_clients_resolve_times_through_the_rules(tmp_path: Path) -> None:
    """Parsed back, the rules give the zone's real offsets on both sides of each 2027 change."""
    zone = ZoneInfo("America/New_York")
    text = vtimezone(zone, "America/New_York", 2026).to_ical()
    parsed = Calendar.from_ical(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + text + b"END:VCALENDAR\r\n")
    (component,) = parsed.walk("VTIMEZONE")
    assert isinstance(component, Timezone)
    read_back = component.to_tz()
    for moment in (datetime(2027, 3, 14, 1, 0), datetime(2027, 3, 14, 4, 0), datetime(2027, 11, 7, 3, 0)):
        assert moment.replace(tzinfo=read_back).utcoffset() == moment.replace(tzinfo=zone).utcoffset()
    assert datetime(2027, 7, 1, tzinfo=read_back).utcoffset() == timedelta(hours=-4)


def test_an_org_in_new_york_gets_the_new_york_rules(cli: Cli, org: Path) -> None:
    data = yaml.safe_load(org.read_text(encoding="utf-8"))
    data["timezone"] = "America/New_York"
    org.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cli.ok("org", "apply", str(org))
    calendar = _ics(cli, "2026-11-20T10:00")
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    assert {part.name for part in zone.subcomponents} == {"DAYLIGHT", "STANDARD"}
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=-5)


def test_who_is_left_out_of_the_invitation_is_said(cli: Cli, org: Path) -> None:
    data = yaml.safe_load(org.read_text(encoding="utf-8"))
    for person in data["people"]:
        if person["id"] == "zhang.wei":
            person.pop("email", None)
    org.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cli.ok("org", "apply", str(org))
    made = cli.ok("meeting", "new", "--title", "周例会", "--at", "2026-11-20T10:00", "--dept", "SALES",
                  "--format", "json")  # fmt: skip
    result = cli.ok("meeting", "ics", str(yaml.safe_load(made.stdout)["id"]))
    assert (
        result.stderr.strip()
        == "note: left out of the invitation (no email): organiser zhang.wei, attendee zhang.wei"
    )
    assert "ORGANIZER" not in result.stdout
