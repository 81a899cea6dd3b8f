"""The ``calendar:`` mapping, working/calendar durations and day classification (issue 14)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import yaml

from icrm_cli.domain.calendar import (
    CalendarSpec,
    CalendarSpecError,
    Duration,
    WorkingCalendar,
    add_duration,
    parse_calendar_spec,
    parse_duration,
)
from icrm_cli.errors import InvalidValueError

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTRACT_EXAMPLE = """
calendar:                          # optional; without it every duration is calendar time
  country: CN                      # public holidays and make-up workdays (调休) of this country
  hours: "09:00-12:00,13:30-18:00" # working hours of a workday; default 09:00-18:00
  weekend: [sat, sun]              # default
  holidays: [2027-01-25]           # company days off, on top of the country's
  workdays: [2027-02-20]           # company working days, on top of the country's
"""
CN = WorkingCalendar(parse_calendar_spec({"country": "CN", "hours": "09:00-12:00,13:30-18:00"}), SHANGHAI)

# -- the official 2026 schedule (State Council notice, November 2025) ---------------

MAKEUP_WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]
DAYS_OFF_2026 = [  # (first, last, the first workday after)
    (date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 4)),
    (date(2026, 2, 15), date(2026, 2, 23), date(2026, 2, 24)),
    (date(2026, 4, 4), date(2026, 4, 6), date(2026, 4, 7)),
    (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 6)),
    (date(2026, 6, 19), date(2026, 6, 21), date(2026, 6, 22)),
    (date(2026, 9, 25), date(2026, 9, 27), date(2026, 9, 28)),
    (date(2026, 10, 1), date(2026, 10, 7), date(2026, 10, 8)),
]


def test_the_library_has_the_2026_make_up_workdays_of_the_notice() -> None:
    library = holidays.country_holidays("CN", years=2026)
    assert sorted(d for d in library.weekend_workdays if d.year == 2026) == MAKEUP_WORKDAYS_2026


@pytest.mark.parametrize("day", MAKEUP_WORKDAYS_2026)
def test_make_up_workdays_are_worked(day: date) -> None:
    info = CN.day(day)
    assert (info.workday, info.why) == (True, "make-up workday")
    assert day.weekday() in (5, 6)


@pytest.mark.parametrize(("first", "last", "back"), DAYS_OFF_2026)
def test_the_notices_days_off_are_off_and_work_resumes_after(first: date, last: date, back: date) -> None:
    for offset in range((last - first).days + 1):
        assert not CN.day(first + timedelta(days=offset)).workday
    assert CN.day(back).workday


def test_calendar_show_rows() -> None:
    rows = [info.as_dict() for info in CN.days(date(2026, 2, 13), 3)]
    assert rows == [
        {"date": "2026-02-13", "weekday": "fri", "workday": True, "why": "workday", "name": None},
        {"date": "2026-02-14", "weekday": "sat", "workday": True, "why": "make-up workday", "name": None},
        {"date": "2026-02-15", "weekday": "sun", "workday": False, "why": "weekend", "name": None},
    ]
    festival = CN.day(date(2026, 2, 17)).as_dict()
    assert festival["why"] == "public holiday"
    assert festival["name"] == "Chinese New Year (Spring Festival)"


def test_holiday_names_in_chinese() -> None:
    spec = parse_calendar_spec({"country": "CN"})
    chinese = WorkingCalendar(spec, SHANGHAI, language="zh_CN")
    assert chinese.day(date(2026, 2, 17)).name == "春节"
    # 0.109 says 休息日（由 2026-02-14 调休）; older releases word it differently.
    swapped = chinese.day(date(2026, 2, 20)).name or ""
    assert swapped.startswith("休息日") and "2026-02-14" in swapped


# -- the calendar: mapping -----------------------------------------------------------


def test_the_contracts_example_parses() -> None:
    spec = parse_calendar_spec(yaml.safe_load(CONTRACT_EXAMPLE)["calendar"])
    assert spec.country == "CN"
    assert spec.hours == ((9 * 3600, 12 * 3600), (13 * 3600 + 1800, 18 * 3600))
    assert spec.hours_text == "09:00-12:00,13:30-18:00"
    assert spec.workday_seconds == 27000
    assert spec.weekend == frozenset({5, 6})
    assert spec.holidays == frozenset({date(2027, 1, 25)})
    assert spec.workdays == frozenset({date(2027, 2, 20)})
    assert parse_calendar_spec(spec.to_mapping()) == spec


def test_defaults() -> None:
    spec = parse_calendar_spec({})
    assert spec == CalendarSpec()
    assert (spec.country, spec.hours_text, spec.workday_seconds) == (None, "09:00-18:00", 9 * 3600)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"hours": "9-18"}, "calendar.hours: '9-18' in '9-18' is not a range; expected comma-separated"),
        ({"hours": "09:00-12:00,11:00-18:00"}, "calendar.hours: '11:00-18:00' overlaps or precedes"),
        ({"hours": "18:00-09:00"}, "calendar.hours: '18:00-09:00' ends before it starts"),
        ({"hours": "09:00-25:00"}, "calendar.hours: '09:00-25:00' is not a time of day"),
        ({"hours": 540}, "calendar.hours: 540 is not working hours"),
        ({"weekend": ["sab"]}, "calendar.weekend: 'sab' is not a weekday; expected a list of weekday names"),
        ({"weekend": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}, "calendar.weekend: all seven days"),
        ({"holidays": ["2027-02-30"]}, "calendar.holidays: '2027-02-30' is not a date; expected a list"),
        ({"workdays": "2027-02-20"}, "calendar.workdays: '2027-02-20' is not a list"),
        ({"country": "XX"}, "calendar.country: 'XX' is not a country the holidays library knows"),
        ({"hollidays": []}, "calendar.hollidays: unknown key; accepted keys: country, hours, weekend"),
        ({"holidays": ["2027-02-20"], "workdays": ["2027-02-20"]}, "calendar: 2027-02-20 is listed under"),
    ],
)
def test_problems_name_the_key_value_and_what_is_accepted(mapping: dict[str, object], expected: str) -> None:
    with pytest.raises(CalendarSpecError) as caught:
        parse_calendar_spec(mapping)
    assert isinstance(caught.value, InvalidValueError)
    assert any(line.startswith(expected) for line in caught.value.lines()), caught.value.lines()


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(CalendarSpecError) as caught:
        parse_calendar_spec({"hours": "x", "weekend": ["caturday"], "country": "XX"}, key="calendar")
    assert len(caught.value.lines()) == 3


def test_not_a_mapping() -> None:
    with pytest.raises(CalendarSpecError, match="calendar: expected a mapping with keys country, hours"):
        parse_calendar_spec(None)


def test_lenient_spellings() -> None:
    spec = parse_calendar_spec(
        {"country": "cn", "weekend": ["Friday", "SAT"], "hours": ["08:00-12:00", "13:00-17:00"]}
    )
    assert spec.country == "CN"
    assert spec.weekend == frozenset({4, 5})
    assert spec.hours_text == "08:00-12:00,13:00-17:00"
    assert parse_calendar_spec({"hours": "00:00-12:00,12:00-24:00"}).hours == ((0, 86400),)


# -- durations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit", "kind"),
    [
        ("3wd", 3, "wd", "working"),
        ("4wh", 4, "wh", "working"),
        ("2h", 2, "h", "calendar"),
        ("1d", 1, "d", "calendar"),
        ("90m", 90, "m", "calendar"),
        ("2w", 2, "w", "calendar"),
        (" 3 WD ", 3, "wd", "working"),
    ],
)
def test_durations(text: str, amount: int, unit: str, kind: str) -> None:
    duration = parse_duration(text)
    assert (duration.amount, duration.unit, duration.kind) == (amount, unit, kind)
    assert str(duration) == f"{amount}{unit}"


def test_working_units_without_a_calendar_name_the_key() -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_duration("3wd", what="sla.high.resolve", has_calendar=False)
    assert str(caught.value).startswith("invalid sla.high.resolve '3wd': working days (wd) need a 'calendar'")
    assert parse_duration("3d", has_calendar=False) == Duration(3, "d")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(InvalidValueError, match=r"invalid --due '4wh': working units \(wh, wd\) need a"):
        add_duration(start, parse_duration("+4wh", relative=True), SHANGHAI, None, what="--due")


@pytest.mark.parametrize("text", ["0wd", "-1wd", "3", "wd", "3x", "3dw", "1234567h", ""])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"invalid escalation\[0\].overdue"):
        parse_duration(text, what="escalation[0].overdue")


def test_relative_durations_need_a_plus() -> None:
    assert parse_duration("+3wd", relative=True) == Duration(3, "wd")
    with pytest.raises(InvalidValueError):
        parse_duration("3wd", relative=True)
    with pytest.raises(InvalidValueError):
        parse_duration("+3wd")


def test_stored_settings_trust_the_country_and_a_lookup_reports_an_unknown_one() -> None:
    """Settings read back from the database skip the library check (`org apply` made it); a code
    the installed library does not know is reported, as a clean error, when a day is looked up."""
    from icrm_cli.domain.calendar import CountryDays

    spec = parse_calendar_spec({"country": "XX"}, check_country=False)
    assert spec.country == "XX"
    days = CountryDays("XX")  # nothing asked of the library yet
    with pytest.raises(InvalidValueError, match="'XX' is not a country the holidays library knows"):
        days.holiday_name(date(2026, 2, 17))
    assert CountryDays("CN").holiday_name(date(2026, 2, 17)) is not None  # Spring Festival
