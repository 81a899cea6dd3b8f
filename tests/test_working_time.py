"""The working clock (issue 14) against the official 2026 China schedule and New York's clock changes.

The State Council notice of November 2025: Spring Festival 15-23 February off,
Saturdays 14 and 28 February worked; Sunday 4 January, Saturday 9 May, Sunday
20 September and Saturday 10 October worked too.
"""

from __future__ import annotations

import time as timer
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icrm_cli.domain.calendar import (
    WorkingCalendar,
    add_calendar,
    add_duration,
    localize,
    parse_calendar_spec,
    parse_duration,
)
from icrm_cli.errors import InvalidValueError

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
HOURS = "09:00-12:00,13:30-18:00"
W = 7 * 3600 + 30 * 60  # 09:00-12:00 (3 h) + 13:30-18:00 (4.5 h)


def china(**extra: object) -> WorkingCalendar:
    return WorkingCalendar(parse_calendar_spec({"country": "CN", "hours": HOURS, **extra}), SHANGHAI)


CN = china()
US = WorkingCalendar(parse_calendar_spec({"country": "US", "hours": "09:00-17:00"}), NEW_YORK)
# Windows with edges inside New York's skipped and repeated hours, every day of the week.
ODD = WorkingCalendar(parse_calendar_spec({"hours": "01:15-02:30,02:45-23:00", "weekend": []}), NEW_YORK)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def test_one_workday_is_seven_and_a_half_hours() -> None:
    assert CN.workday_seconds == W
    assert CN.working_seconds(parse_duration("3wd")) == 3 * W
    assert CN.working_seconds(parse_duration("4wh")) == 4 * 3600


def test_spring_festival_slip_filed_friday_afternoon_with_3wd() -> None:
    # Filed Fri 13 Feb 2026 16:00, resolve: 3wd = 22.5 working hours.
    #   Fri 13 Feb 16:00-18:00                  2.0 h  (20.5 h left)
    #   Sat 14 Feb make-up workday (调休)        7.5 h  (13.0 h left)
    #   Sun 15 - Mon 23 Feb Spring Festival      0
    #   Tue 24 Feb full day                      7.5 h  ( 5.5 h left)
    #   Wed 25 Feb 09:00-12:00                   3.0 h  ( 2.5 h left)
    #   Wed 25 Feb 13:30 + 2.5 h              -> 16:00
    # The same point of the working clock three working days later (Fri, Sat, Tue -> Wed).
    filed = sh(2026, 2, 13, 16, 0)
    due = add_duration(filed, parse_duration("3wd", what="sla.normal.resolve"), SHANGHAI, CN)
    assert due == sh(2026, 2, 25, 16, 0)
    assert due.tzinfo is UTC
    assert CN.working_seconds_between(filed, due) == 3 * W
    off = [(s.start.astimezone(SHANGHAI).date(), s.why) for s in CN.stretches(filed, due) if not s.counted]
    assert (date(2026, 2, 15), "weekend") in off
    assert (date(2026, 2, 16), "Chinese New Year's Eve") in off
    assert (date(2026, 2, 17), "Chinese New Year (Spring Festival)") in off  # 17-19 merged into one
    assert (date(2026, 2, 21), "weekend") in off
    counted = [s for s in CN.stretches(filed, due) if s.counted]
    assert counted[1].why == "working hours (make-up workday)"
    assert counted[1].start == sh(2026, 2, 14, 9, 0)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (sh(2026, 3, 7, 23, 0), sh(2026, 3, 9, 18, 0)),  # Saturday 23:00 + 1wd = Monday 18:00
        (sh(2026, 3, 3, 12, 30), sh(2026, 3, 4, 12, 0)),  # 12:30 + 1wd = next workday 12:00
        (sh(2026, 3, 3, 17, 59), sh(2026, 3, 4, 17, 59)),  # 17:59 + 1wd = next workday 17:59
        (sh(2026, 3, 3, 9, 0), sh(2026, 3, 3, 18, 0)),  # a window filled exactly ends at its end
        (sh(2026, 3, 3, 18, 0), sh(2026, 3, 4, 18, 0)),
    ],
)
def test_contract_examples_of_adding_one_working_day(start: datetime, due: datetime) -> None:
    assert CN.add_working(start, W) == due
    assert CN.working_seconds_between(start, due) == W


def test_waiting_across_a_lunch_break_and_a_night() -> None:
    # Tue 3 Mar 2026 11:00-14:00: 11:00-12:00 and 13:30-14:00 count, the lunch break does not.
    assert CN.working_seconds_between(sh(2026, 3, 3, 11, 0), sh(2026, 3, 3, 14, 0)) == 90 * 60
    # Tue 17:00 - Wed 10:00: one hour each side of the night.
    assert CN.working_seconds_between(sh(2026, 3, 3, 17, 0), sh(2026, 3, 4, 10, 0)) == 2 * 3600
    # A 1wd slip created Tue 10:00 is due Wed 10:00; waiting Tue 11:00-14:00 pushes due_at
    # back by the 1.5 working hours waited: Wed 11:30.
    created, waited = sh(2026, 3, 3, 10, 0), (sh(2026, 3, 3, 11, 0), sh(2026, 3, 3, 14, 0))
    due = CN.add_working(created, W)
    assert due == sh(2026, 3, 4, 10, 0)
    pushed = CN.add_working(due, CN.working_seconds_between(*waited))
    assert pushed == sh(2026, 3, 4, 11, 30)
    assert CN.working_seconds_between(created, pushed, pauses=[waited]) == W
    stretches = CN.stretches(created, pushed, pauses=[waited])
    assert [(s.counted, s.why) for s in stretches] == [
        (True, "working hours"),
        (False, "waiting"),
        (True, "working hours"),
        (False, "night"),
        (True, "working hours"),
    ]
    assert stretches[1].start == sh(2026, 3, 3, 11, 0)
    assert stretches[1].end == sh(2026, 3, 3, 14, 0)
    assert sum(s.seconds for s in stretches if s.counted) == W


def test_escalation_at_exactly_one_working_day_late_and_one_minute_before() -> None:
    # Due Fri 6 Mar 15:00; overdue 1wd is reached Mon 9 Mar 15:00
    # (Fri 15:00-18:00 3 h, Mon 09:00-12:00 3 h, Mon 13:30-15:00 1.5 h).
    due = sh(2026, 3, 6, 15, 0)
    threshold = parse_duration("1wd", what="escalation[0].overdue")
    fires_at = add_duration(due, threshold, SHANGHAI, CN)
    assert fires_at == sh(2026, 3, 9, 15, 0)
    assert CN.working_seconds_between(due, fires_at) == CN.working_seconds(threshold)
    assert CN.working_seconds_between(due, fires_at - timedelta(minutes=1)) == W - 60


def test_company_holiday_and_company_workday() -> None:
    calendar = china(holidays=[date(2026, 3, 4), date(2026, 2, 28)], workdays=["2026-03-07", "2026-10-01"])
    assert calendar.day(date(2026, 3, 4)).why == "company holiday"
    assert calendar.day(date(2026, 3, 7)).why == "company workday"
    # Company days override the country's: a make-up Saturday given off, National Day worked.
    assert not calendar.day(date(2026, 2, 28)).workday
    national_day = calendar.day(date(2026, 10, 1))
    assert (national_day.workday, national_day.why) == (True, "company workday")
    assert national_day.name == "National Day"
    # Tue 3 Mar 16:00 + 3wd: Tue 2 h, Wed company holiday, Thu 7.5 h, Fri 7.5 h,
    # Sat company workday 09:00-12:00 3 h + 13:30-16:00 2.5 h -> Sat 7 Mar 16:00.
    start = sh(2026, 3, 3, 16, 0)
    due = calendar.add_working(start, 3 * W)
    assert due == sh(2026, 3, 7, 16, 0)
    whys = {s.why for s in calendar.stretches(start, due)}
    assert {"company holiday", "working hours (company workday)"} <= whys
    assert CN.add_working(start, 3 * W) == sh(2026, 3, 6, 16, 0)  # without the company days


def test_year_end_crosses_into_the_next_years_calendar() -> None:
    # Thu 31 Dec 2026 16:00 + 2wd: Thu 2 h; Fri 1 Jan 2027 New Year's Day; weekend;
    # Mon 4 Jan 7.5 h; Tue 5 Jan 09:00-12:00 3 h + 13:30-16:00 2.5 h.
    calendar = china()
    start = sh(2026, 12, 31, 16, 0)
    due = calendar.add_working(start, 2 * W)
    assert due == sh(2027, 1, 5, 16, 0)
    assert (calendar.day(date(2027, 1, 1)).why, calendar.day(date(2027, 1, 1)).name) == (
        "public holiday",
        "New Year's Day",
    )
    # A make-up Saturday in December pays for the next year's New Year (2002): found
    # although only 2001 has been asked for.
    fresh = china()
    assert fresh.day(date(2001, 12, 29)).why == "make-up workday"


def test_years_beyond_the_librarys_range_have_weekends_only() -> None:
    calendar = china()
    assert calendar.country is not None
    assert not calendar.country.covers(2101)
    # Fri 31 Dec 2100 16:00 + 1wd: 2 h on Friday; Sat 1 Jan 2101 is no New Year's Day
    # (the library stops at 2100), just a weekend; Mon 3 Jan 09:00-12:00 and 13:30-16:00.
    due = calendar.add_working(sh(2100, 12, 31, 16, 0), W)
    assert due == sh(2101, 1, 3, 16, 0)
    assert calendar.day(date(2101, 1, 3)).why == "workday"


def test_new_york_calendar_days_are_local_across_both_2026_clock_changes() -> None:
    one_day = parse_duration("1d")
    spring = add_duration(ny(2026, 3, 7, 13, 0), one_day, NEW_YORK)
    assert spring.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 13, 0)
    assert spring - ny(2026, 3, 7, 13, 0) == timedelta(hours=23)
    autumn = add_duration(ny(2026, 10, 31, 13, 0), one_day, NEW_YORK)
    assert autumn.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 11, 1, 13, 0)
    assert autumn - ny(2026, 10, 31, 13, 0) == timedelta(hours=25)
    # resolve: 3d filed Friday 10:00 before the spring change falls due Monday 10:00 (71 h).
    due = add_duration(ny(2026, 3, 6, 10, 0), parse_duration("3d"), NEW_YORK)
    assert due == ny(2026, 3, 9, 10, 0)
    assert due - ny(2026, 3, 6, 10, 0) == timedelta(hours=71)
    # Hours and minutes stay elapsed time.
    assert add_calendar(ny(2026, 3, 7, 13, 0), 24, "h", NEW_YORK) == ny(2026, 3, 8, 14, 0)
    assert add_calendar(ny(2026, 3, 7, 13, 0), 2, "w", NEW_YORK) == ny(2026, 3, 21, 13, 0)


def test_new_york_working_days_across_the_spring_change() -> None:
    # Fri 6 Mar 16:00 + 1wd (8 h) = Mon 9 Mar 16:00 EDT; the Sunday's short night changes nothing.
    due = US.add_working(ny(2026, 3, 6, 16, 0), 8 * 3600)
    assert due == ny(2026, 3, 9, 16, 0)
    assert US.working_seconds_between(ny(2026, 3, 6, 16, 0), due) == 8 * 3600


def test_the_skipped_hour_typed_is_an_error_naming_the_gap() -> None:
    with pytest.raises(InvalidValueError) as caught:
        localize(datetime(2026, 3, 8, 2, 30), NEW_YORK, typed=True)
    message = str(caught.value)
    assert "2026-03-08 02:30 does not exist in America/New_York" in message
    assert "from 02:00 to 03:00" in message
    # Computed, it moves forward by the length of the gap.
    assert localize(datetime(2026, 3, 8, 2, 30), NEW_YORK, typed=False) == ny(2026, 3, 8, 3, 30)
    landed = add_calendar(ny(2026, 3, 7, 2, 30), 1, "d", NEW_YORK)
    assert landed.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)


def test_working_windows_with_edges_in_the_gap_and_the_repeat() -> None:
    # 8 Mar: 01:15-02:30 becomes 01:15 EST-03:30 EDT (the end moves forward with the gap),
    # 02:45-23:00 becomes 03:45-23:00 EDT. 1 Nov: 01:15 is the first 01:15 (EDT).
    assert ODD.windows(date(2026, 3, 8)) == (
        (ny(2026, 3, 8, 1, 15), ny(2026, 3, 8, 3, 30)),
        (ny(2026, 3, 8, 3, 45), ny(2026, 3, 8, 23, 0)),
    )
    assert ODD.windows(date(2026, 11, 1))[0] == (
        datetime(2026, 11, 1, 5, 15, tzinfo=UTC),
        datetime(2026, 11, 1, 7, 30, tzinfo=UTC),
    )
    assert ODD.working_seconds_between(ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0)) == (75 + 19 * 60 + 15) * 60


def test_the_repeated_hour_takes_the_first() -> None:
    first = localize(datetime(2026, 11, 1, 1, 30), NEW_YORK, typed=True)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, UTC-4
    later = add_calendar(ny(2026, 10, 31, 1, 30), 1, "d", NEW_YORK)
    assert later == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second one
    assert add_calendar(second, 1, "d", NEW_YORK) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "seconds"),
    [
        (sh(2026, 2, 13, 16, 0), 3 * W),
        (sh(2026, 9, 18, 11, 0), 10 * W),  # across Mid-Autumn and make-up Sunday 20 Sep
        (sh(2026, 9, 30, 17, 0), 5 * W + 1234),  # across National Day and make-up Saturday 10 Oct
        (sh(2026, 4, 30, 12, 15), 4 * 3600),
    ],
)
def test_stretches_agree_with_add_working(start: datetime, seconds: int) -> None:
    due = CN.add_working(start, seconds)
    stretches = CN.stretches(start, due)
    assert stretches[0].start == start
    assert stretches[-1].end == due
    assert stretches[-1].counted
    assert all(a.end == b.start for a, b in pairwise(stretches))
    assert all((a.counted, a.why) != (b.counted, b.why) for a, b in pairwise(stretches))
    assert sum(s.seconds for s in stretches if s.counted) == seconds


def test_ten_working_days_and_a_year_are_quick() -> None:
    calendar = china()
    began = timer.perf_counter()
    due = calendar.add_working(sh(2026, 1, 5, 9, 0), 10 * W)
    year = calendar.working_seconds_between(sh(2026, 1, 1, 0, 0), sh(2027, 1, 1, 0, 0))
    stretches = calendar.stretches(sh(2026, 1, 1, 0, 0), sh(2027, 1, 1, 0, 0))
    assert timer.perf_counter() - began < 1.0
    assert due == sh(2026, 1, 16, 18, 0)
    # 2026: 365 days - 104 weekend days - 19 weekday holidays + 6 make-up days = 248 workdays.
    assert year == 248 * W
    assert sum(s.seconds for s in stretches if s.counted) == year


aware_instants = st.datetimes(
    min_value=datetime(1999, 1, 1), max_value=datetime(2102, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(a=aware_instants, seconds=st.integers(min_value=1, max_value=60 * W))
def test_property_working_time_added_is_working_time_measured(a: datetime, seconds: int) -> None:
    for calendar in (CN, US, ODD):
        assert calendar.working_seconds_between(a, calendar.add_working(a, seconds)) == seconds


@settings(max_examples=100, deadline=None)
@given(
    a=aware_instants,
    first=st.integers(min_value=1, max_value=5 * W),
    then=st.integers(min_value=1, max_value=5 * W),
)
def test_property_adding_in_two_steps_is_adding_once(a: datetime, first: int, then: int) -> None:
    assert CN.add_working(CN.add_working(a, first), then) == CN.add_working(a, first + then)
    due = CN.add_working(a, first)
    counted = sum((s.duration for s in CN.stretches(a, due) if s.counted), timedelta(0))
    assert counted == timedelta(seconds=first)
