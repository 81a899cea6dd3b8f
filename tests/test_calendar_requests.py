"""The working calendar end to end: due times, waiting, escalation, `request why`, `calendar show`.

Against the official 2026 schedule (State Council notice of November 2025):
Spring Festival 15-23 February off, Saturdays 14 and 28 February worked; New
Year 1-3 January 2026 off, Sunday 4 January worked. Working hours 09:00-12:00,
13:30-18:00, so one working day (W) is 7.5 hours. Every case checks that
`request why` agrees with `due_at`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import EXAMPLE_ORG, FROZEN_AT, Cli, new_request

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
W = int(7.5 * 3600)
CALENDAR = 'calendar: {country: CN, hours: "09:00-12:00,13:30-18:00"}'
WORKING_SLA = """sla:
  urgent: {ack: 2wh, resolve: 1wd}
  high:   {ack: 4wh, resolve: 3wd}
  normal: {ack: 1wd, resolve: 5wd}
  low:    {ack: 2wd, resolve: 10wd}

escalation:
  - {overdue: 1wd, level: 1}
  - {overdue: 3wd, level: 2}
  - {overdue: 7wd, level: 3}
"""


def org_text(calendar: str = CALENDAR, sla: str = WORKING_SLA, timezone: str = "Asia/Shanghai") -> str:
    text = EXAMPLE_ORG.read_text(encoding="utf-8")
    head, _, rest = text.partition("sla:")
    _, _, tail = rest.partition("feedback:")
    head = head.replace("timezone: Asia/Shanghai", f"timezone: {timezone}")
    tail = tail.replace("mode: enforced", "mode: open")  # these suites are about time, not who may act
    return f"{head}{calendar}\n\n{sla}\nfeedback:{tail}"


def apply(cli: Cli, tmp_path: Path, frozen: Any, at: datetime, **kwargs: str) -> None:
    frozen.move_to(at)
    path = tmp_path / "org-calendar.yaml"
    path.write_text(org_text(**kwargs), encoding="utf-8")
    cli.ok("org", "apply", str(path), actor="wang.qiang")  # the admin switches the org to open mode


def file(cli: Cli, frozen: Any, at: datetime, *args: str) -> int:
    frozen.move_to(at)
    return new_request(cli, "--from", "HR", "--to", "IT", "--title", "入职电脑", *args)


def due_of(cli: Cli, rid: int) -> datetime:
    shown = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
    return datetime.fromisoformat(shown["due_at"])


def why(cli: Cli, rid: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("request", "why", str(rid), "--format", "json").stdout))


def agrees(cli: Cli, rid: int, working: int | None = None) -> dict[str, Any]:
    """`request why` up to the due time counts exactly the SLA and ends at `due_at`."""
    answer = why(cli, rid)
    due = due_of(cli, rid)
    assert datetime.fromisoformat(answer["due_at"]) == due
    counted = [s for s in answer["stretches"] if s["counted"]]
    assert datetime.fromisoformat(counted[-1]["end"]) == due
    total = sum(
        (datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])).total_seconds()
        for s in counted
    )
    assert total == answer["counted_seconds"]
    if working is not None:
        assert answer["counted_seconds"] == working
    return answer


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def test_slip_filed_before_the_spring_festival(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 2, 1, 9))
    rid = file(cli, frozen, local(SHANGHAI, 2026, 2, 13, 16), "--priority", "high")
    # Fri 16:00-18:00 2h, make-up Saturday 14th 7.5h, 15-23 off, Tue 24th 7.5h, Wed 25th 09:00-16:00 5.5h.
    assert due_of(cli, rid) == local(SHANGHAI, 2026, 2, 25, 16)
    frozen.move_to(local(SHANGHAI, 2026, 2, 26, 10))
    answer = agrees(cli, rid, 3 * W)
    assert answer["rule"] == {"priority": "high", "duration": "3wd", "unit": "wd", "source": "sla"}
    whys = [s["why"] for s in answer["stretches"]]
    assert "working hours (make-up workday)" in whys
    assert "Chinese New Year (Spring Festival)" in whys
    assert "lunch break" in whys and "night" in whys
    assert answer["remaining"] is None
    assert answer["overdue_by"] == 3 * 3600  # Wed 16:00-18:00 and Thu 09:00-10:00
    assert answer["sweep_level"] is None
    table = cli.ok("request", "why", str(rid)).stdout
    assert "3wd" in table and "Chinese New Year" in table


def test_waiting_across_lunch_and_night(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 8))
    rid = file(cli, frozen, local(SHANGHAI, 2026, 11, 16, 9), "--priority", "high")
    assert due_of(cli, rid) == local(SHANGHAI, 2026, 11, 18, 18)
    cli.ok("request", "start", str(rid))
    frozen.move_to(local(SHANGHAI, 2026, 11, 16, 11))
    cli.ok("request", "wait", str(rid), "--reason", "等供应商报价")
    frozen.move_to(local(SHANGHAI, 2026, 11, 17, 10))
    paused = why(cli, rid)
    assert paused["remaining"] == 3 * W - 2 * 3600  # two working hours ran before the wait
    cli.ok("request", "resume", str(rid))
    # Waited: Mon 11:00-12:00, 13:30-18:00, Tue 09:00-10:00 = 6.5 working hours after Wed 18:00.
    assert due_of(cli, rid) == local(SHANGHAI, 2026, 11, 19, 17)
    frozen.move_to(local(SHANGHAI, 2026, 11, 20, 9))
    answer = agrees(cli, rid, 3 * W)
    assert "waiting" in [s["why"] for s in answer["stretches"]]


def test_escalation_exactly_one_working_day_late(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 8))
    rid = file(cli, frozen, local(SHANGHAI, 2026, 11, 16, 9), "--priority", "urgent")
    due = local(SHANGHAI, 2026, 11, 16, 18)
    assert due_of(cli, rid) == due
    one_day_late = local(SHANGHAI, 2026, 11, 17, 18)  # Tue 09:00-18:00 is one working day
    frozen.move_to(one_day_late - timedelta(minutes=1))
    assert json.loads(cli.ok("escalate", "sweep", "--dry-run", "--format", "json").stdout) == []
    early = why(cli, rid)
    assert early["overdue_by"] == W - 60 and early["sweep_level"] is None
    frozen.move_to(one_day_late)
    assert why(cli, rid)["sweep_level"] == 1
    actions = json.loads(cli.ok("escalate", "sweep", "--format", "json").stdout)
    assert [(a["request_id"], a["to_level"]) for a in actions] == [(rid, 1)]
    assert actions[0]["overdue_working_hours"] == 7.5
    agrees(cli, rid, W)


def test_company_holiday_and_company_workday(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    calendar = (
        'calendar: {country: CN, hours: "09:00-12:00,13:30-18:00", '
        "holidays: [2026-11-17], workdays: [2026-11-21]}"
    )
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 8), calendar=calendar)
    shown = json.loads(cli.ok("calendar", "show", "--from", "2026-11-16", "--days", "7", "-f", "json").stdout)
    assert [(d["date"], d["workday"], d["why"]) for d in shown][1] == ("2026-11-17", False, "company holiday")
    assert shown[5] == {
        "date": "2026-11-21",
        "weekday": "sat",
        "workday": True,
        "why": "company workday",
        "name": None,
    }
    first = file(cli, frozen, local(SHANGHAI, 2026, 11, 16, 9), "--priority", "high")
    assert due_of(cli, first) == local(SHANGHAI, 2026, 11, 19, 18)  # Mon, Wed, Thu
    second = file(cli, frozen, local(SHANGHAI, 2026, 11, 19, 9), "--priority", "high")
    assert due_of(cli, second) == local(SHANGHAI, 2026, 11, 21, 18)  # Thu, Fri, Sat
    frozen.move_to(local(SHANGHAI, 2026, 11, 23, 9))
    assert "company holiday" in [s["why"] for s in agrees(cli, first, 3 * W)["stretches"]]
    assert "working hours (company workday)" in [s["why"] for s in agrees(cli, second, 3 * W)["stretches"]]


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        # New Year 2026: 1-3 January off, Sunday 4 January worked (a make-up day of the next year).
        (local(SHANGHAI, 2025, 12, 31, 16), local(SHANGHAI, 2026, 1, 6, 16)),
        # New Year 2027: Friday 1 January off, then the weekend.
        (local(SHANGHAI, 2026, 12, 30, 16), local(SHANGHAI, 2027, 1, 5, 16)),
    ],
)
def test_year_end(cli: Cli, org: Path, frozen: Any, tmp_path: Path, filed: datetime, due: datetime) -> None:
    apply(cli, tmp_path, frozen, filed - timedelta(days=1))
    rid = file(cli, frozen, filed, "--priority", "high")
    assert due_of(cli, rid) == due
    frozen.move_to(due + timedelta(days=1))
    agrees(cli, rid, 3 * W)


NY_CALENDAR = 'calendar: {hours: "09:00-17:00"}'
NY_SLA = """sla:
  urgent: {ack: 2h, resolve: 1d}
  high:   {ack: 4h, resolve: 3d}
  normal: {ack: 1wd, resolve: 1wd}
  low:    {ack: 2d, resolve: 10d}
"""


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (local(NEW_YORK, 2026, 3, 6, 10), local(NEW_YORK, 2026, 3, 9, 10)),  # clocks go forward Sun 8 March
        (local(NEW_YORK, 2026, 10, 30, 10), local(NEW_YORK, 2026, 11, 2, 10)),  # and back Sun 1 November
    ],
)
def test_new_york_days_keep_the_clock_time(
    cli: Cli, org: Path, frozen: Any, tmp_path: Path, filed: datetime, due: datetime
) -> None:
    apply(
        cli,
        tmp_path,
        frozen,
        filed - timedelta(days=1),
        calendar=NY_CALENDAR,
        sla=NY_SLA,
        timezone="America/New_York",
    )
    rid = file(cli, frozen, filed, "--priority", "high")
    assert due_of(cli, rid) == due
    frozen.move_to(due + timedelta(hours=1))
    answer = agrees(cli, rid)
    assert answer["rule"]["unit"] == "d"
    elapsed = (due.astimezone(UTC) - filed.astimezone(UTC)).total_seconds()
    assert elapsed in (71 * 3600, 73 * 3600)  # three local days across a clock change
    assert answer["counted_seconds"] == elapsed


def test_new_york_working_day_and_due_plus_one_day(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(
        cli,
        tmp_path,
        frozen,
        local(NEW_YORK, 2026, 3, 1, 9),
        calendar=NY_CALENDAR,
        sla=NY_SLA,
        timezone="America/New_York",
    )
    rid = file(cli, frozen, local(NEW_YORK, 2026, 3, 6, 16), "--priority", "normal")
    assert due_of(cli, rid) == local(NEW_YORK, 2026, 3, 9, 16)  # Fri 16-17, Mon 09-16 across the change
    frozen.move_to(local(NEW_YORK, 2026, 3, 10, 9))
    agrees(cli, rid, 8 * 3600)
    manual = file(cli, frozen, local(NEW_YORK, 2026, 3, 7, 13), "--due", "+1d")
    assert due_of(cli, manual) == local(NEW_YORK, 2026, 3, 8, 13)
    frozen.move_to(local(NEW_YORK, 2026, 3, 9, 9))
    assert why(cli, manual)["rule"]["source"] == "manual"


def test_skipped_and_repeated_hour(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(
        cli,
        tmp_path,
        frozen,
        local(NEW_YORK, 2026, 3, 1, 9),
        calendar=NY_CALENDAR,
        sla=NY_SLA,
        timezone="America/New_York",
    )
    frozen.move_to(local(NEW_YORK, 2026, 3, 2, 9))
    result = cli.fails(
        "request", "new", "--from", "HR", "--to", "IT", "--title", "x", "--due", "2026-03-08T02:30"
    )
    assert "does not exist" in result.stderr and "02:00" in result.stderr and "03:00" in result.stderr
    rid = file(cli, frozen, local(NEW_YORK, 2026, 3, 2, 9), "--due", "2026-11-01T01:30")
    assert due_of(cli, rid) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30 (EDT)


def test_working_units_need_a_calendar(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    path = tmp_path / "no-calendar.yaml"
    path.write_text(org_text(calendar=""), encoding="utf-8")
    result = cli.fails("org", "apply", str(path))
    assert "sla.high.resolve" in result.stderr and "calendar" in result.stderr
    result = cli.fails("request", "new", "--from", "HR", "--to", "IT", "--title", "x", "--due", "+3wd")
    assert "--due" in result.stderr and "calendar" in result.stderr


def test_one_kind_of_unit_per_pair_and_list(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    sla = WORKING_SLA.replace("{ack: 4wh, resolve: 3wd}", "{ack: 4h, resolve: 3wd}").replace(
        "{overdue: 3wd, level: 2}", "{overdue: 3d, level: 2}"
    )
    path = tmp_path / "mixed.yaml"
    path.write_text(org_text(sla=sla), encoding="utf-8")
    result = cli.fails("org", "apply", str(path))
    assert "sla.high" in result.stderr and "escalation" in result.stderr
    bad = tmp_path / "bad-calendar.yaml"
    bad.write_text(org_text(calendar='calendar: {country: XX, hours: "18:00-09:00"}'), encoding="utf-8")
    result = cli.fails("org", "apply", str(bad))
    assert "calendar.country" in result.stderr and "calendar.hours" in result.stderr


def test_due_plus_working_units(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 8))
    rid = file(cli, frozen, local(SHANGHAI, 2026, 11, 21, 23), "--due", "+1wd")  # Saturday night
    assert due_of(cli, rid) == local(SHANGHAI, 2026, 11, 23, 18)
    other = file(cli, frozen, local(SHANGHAI, 2026, 11, 23, 12, 30), "--due", "+4wh")  # lunch
    assert due_of(cli, other) == local(SHANGHAI, 2026, 11, 23, 17, 30)
    assert why(cli, other)["rule"]["source"] == "manual"
    frozen.move_to(local(SHANGHAI, 2026, 11, 23, 16))
    listed = json.loads(cli.ok("request", "list", "--due-within", "2wh", "--format", "json").stdout)
    assert {row["id"] for row in listed} == {rid, other}


def test_a_calendar_change_keeps_due_times_and_why_says_so(
    cli: Cli, org: Path, frozen: Any, tmp_path: Path
) -> None:
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 8))
    rid = file(cli, frozen, local(SHANGHAI, 2026, 11, 16, 9), "--priority", "high")
    assert why(cli, rid)["due_at_today"] is None
    calendar = 'calendar: {country: CN, hours: "09:00-12:00,13:30-18:00", holidays: [2026-11-17]}'
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 11, 16, 10), calendar=calendar)
    assert due_of(cli, rid) == local(SHANGHAI, 2026, 11, 18, 18)  # a due time, once set, stays
    answer = why(cli, rid)
    assert datetime.fromisoformat(answer["due_at_today"]) == local(SHANGHAI, 2026, 11, 19, 18)
    assert "today's calendar would give 2026-11-19 18:00" in cli.ok("request", "why", str(rid)).stdout


def test_calendar_show(cli: Cli, org: Path, frozen: Any, tmp_path: Path) -> None:
    cli.fails("calendar", "show")  # the example org has no calendar
    apply(cli, tmp_path, frozen, local(SHANGHAI, 2026, 2, 10, 9))
    days = json.loads(cli.ok("calendar", "show", "--format", "json").stdout)
    assert len(days) == 14 and days[0]["date"] == "2026-02-10"
    assert set(days[0]) == {"date", "weekday", "workday", "why", "name"}
    assert days[4] == {
        "date": "2026-02-14",
        "weekday": "sat",
        "workday": True,
        "why": "make-up workday",
        "name": None,
    }
    assert days[6]["why"] == "public holiday" and days[6]["name"]
    cli.fails("calendar", "show", "--days", "0", code=2)
    cli.fails("calendar", "show", "--days", "367", code=2)
    assert len(json.loads(cli.ok("calendar", "show", "--days", "366", "-f", "json").stdout)) == 366


def test_the_example_org_runs_on_the_working_clock() -> None:
    from icrm_cli.domain.org.orgfile import read_org_file
    from tests.conftest import DEMO_ORG

    spec = read_org_file(DEMO_ORG)
    calendar = spec.calendar_spec()
    assert calendar is not None and calendar.country == "CN" and calendar.workday_seconds == W
    assert spec.sla is not None and spec.sla["high"].resolve == "3wd"


def test_demo_history_respects_the_calendar(cli: Cli, frozen: Any, db_path: Path) -> None:
    """SQLite only (db_path): the demo org maps no database server login."""
    cli.ok("demo", "--requests", "300", "--no-report")
    listed = json.loads(cli.ok("request", "list", "--limit", "300", "--format", "json").stdout)
    checked = 0
    for row in listed:
        if row["priority"] != "high" or row["status"] not in ("resolved", "closed"):
            continue
        answer = why(cli, int(row["id"]))
        if datetime.fromisoformat(answer["due_at"]) > FROZEN_AT:
            continue  # the stretches reach the due time only once it has passed
        if answer["rule"]["source"] == "sla" and "waiting" not in [s["why"] for s in answer["stretches"]]:
            assert answer["counted_seconds"] == 3 * W
            assert answer["due_at_today"] is None
            checked += 1
    assert checked >= 5
    report = json.loads(cli.ok("report", "weekly", "--format", "json").stdout)
    assert report["hours_basis"] == "working"
