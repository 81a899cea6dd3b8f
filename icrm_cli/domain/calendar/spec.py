"""The org file's ``calendar:`` mapping, validated into a :class:`CalendarSpec`.

Every problem is collected (one line each, naming the key, the value and what is
accepted) and raised together as :class:`CalendarSpecError`, so the org file
loader can merge them into its own list of problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from icrm_cli.errors import InvalidValueError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KEYS = ("country", "hours", "weekend", "holidays", "workdays")
DEFAULT_HOURS = "09:00-18:00"
HOURS_FORMS = "comma-separated HH:MM-HH:MM ranges in order, e.g. '09:00-12:00,13:30-18:00'"
DATE_FORMS = "a list of ISO dates, e.g. [2027-01-25]"
WEEKEND_FORMS = "a list of weekday names (mon, tue, wed, thu, fri, sat, sun), e.g. [sat, sun]"

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DAY = 86_400

Window = tuple[int, int]
"""A working window as (start, end) seconds since local midnight; end may be 86400 (24:00)."""


class CalendarSpecError(InvalidValueError):
    """A ``calendar:`` mapping that fails validation; one problem per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)


@dataclass(frozen=True)
class CalendarSpec:
    """A working calendar: country days, working hours, weekend and company days."""

    country: str | None = None
    hours: tuple[Window, ...] = ((9 * 3600, 18 * 3600),)
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    @property
    def workday_seconds(self) -> int:
        """W: the working seconds of one workday on the local clock (7.5 h for 09:00-12:00,13:30-18:00)."""
        return sum(end - start for start, end in self.hours)

    @property
    def hours_text(self) -> str:
        """The working hours spelled as the org file writes them."""
        return ",".join(f"{_clock(start)}-{_clock(end)}" for start, end in self.hours)

    def to_mapping(self) -> dict[str, object]:
        """A plain mapping that :func:`parse_calendar_spec` reads back to an equal spec."""
        return {
            "country": self.country,
            "hours": self.hours_text,
            "weekend": [WEEKDAYS[day] for day in sorted(self.weekend)],
            "holidays": [day.isoformat() for day in sorted(self.holidays)],
            "workdays": [day.isoformat() for day in sorted(self.workdays)],
        }


def parse_calendar_spec(raw: object, *, key: str = "calendar", check_country: bool = True) -> CalendarSpec:
    """Validate the ``calendar:`` mapping of an org file (``key`` prefixes every problem).

    ``check_country=False`` trusts the country code as given (settings stored by
    ``org apply``, which checked it): asking the holidays library costs 0.1 s. A code
    the installed library does not know is then reported when a day is first looked up.
    """
    if not isinstance(raw, Mapping):
        shown = "nothing" if raw is None else repr(raw)
        raise CalendarSpecError(
            [f"{key}: expected a mapping with keys {', '.join(KEYS)} (all optional), got {shown}"]
        )
    problems: list[str] = []
    for name in raw:
        if name not in KEYS:
            problems.append(f"{key}.{name}: unknown key; accepted keys: {', '.join(KEYS)}")
    country = _country(raw.get("country"), f"{key}.country", problems, check_country)
    hours = _hours(raw.get("hours", DEFAULT_HOURS), f"{key}.hours", problems)
    weekend = _weekend(raw.get("weekend", ["sat", "sun"]), f"{key}.weekend", problems)
    holidays = _dates(raw.get("holidays"), f"{key}.holidays", problems)
    workdays = _dates(raw.get("workdays"), f"{key}.workdays", problems)
    for day in sorted(holidays & workdays):
        problems.append(
            f"{key}: {day.isoformat()} is listed under both holidays and workdays; keep it in one"
        )
    if problems:
        raise CalendarSpecError(problems)
    return CalendarSpec(country, hours, weekend, holidays, workdays)


def parse_hours(text: str, *, what: str = "calendar.hours") -> tuple[Window, ...]:
    """``'09:00-12:00,13:30-18:00'`` -> windows in seconds since local midnight."""
    problems: list[str] = []
    hours = _hours(text, what, problems)
    if problems:
        raise CalendarSpecError(problems)
    return hours


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _country(value: object, where: str, problems: list[str], check: bool) -> str | None:
    if value is None:
        return None
    # Imported here: the library is only needed once a calendar names a country.
    from icrm_cli.domain.calendar.country import supported_country

    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {value!r} is not a country code; use an ISO 3166 code such as CN")
        return None
    code = value.strip().upper()
    if check and not supported_country(code):
        problems.append(
            f"{where}: {value!r} is not a country the holidays library knows; use an ISO 3166 code such as CN"
        )
        return None
    return code


def _hours(value: object, where: str, problems: list[str]) -> tuple[Window, ...]:
    default = ((9 * 3600, 18 * 3600),)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        value = ",".join(value)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {value!r} is not working hours; expected {HOURS_FORMS}")
        return default
    windows: list[Window] = []
    for part in value.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            problems.append(f"{where}: {part.strip()!r} in {value!r} is not a range; expected {HOURS_FORMS}")
            return default
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if h1 > 23 or m1 > 59 or m2 > 59 or end > _DAY:
            problems.append(f"{where}: {part.strip()!r} is not a time of day (00:00 to 24:00)")
            return default
        if start >= end:
            problems.append(
                f"{where}: {part.strip()!r} ends before it starts; "
                "a range may not run past midnight (use 00:00-24:00 for the whole day)"
            )
            return default
        if windows and start < windows[-1][1]:
            problems.append(f"{where}: {part.strip()!r} overlaps or precedes the range before it")
            return default
        if windows and start == windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return tuple(windows)


def _weekend(value: object, where: str, problems: list[str]) -> frozenset[int]:
    if value is None:
        value = []
    if isinstance(value, str):
        value = [part for part in re.split(r"[\s,]+", value) if part]
    if not isinstance(value, list | tuple):
        problems.append(f"{where}: {value!r} is not a list; expected {WEEKEND_FORMS}")
        return frozenset({5, 6})
    days: set[int] = set()
    for item in value:
        name = item.strip().lower() if isinstance(item, str) else None
        if name in WEEKDAYS:
            days.add(WEEKDAYS.index(name))
        elif name in _FULL_WEEKDAYS:
            days.add(_FULL_WEEKDAYS.index(name))
        else:
            problems.append(f"{where}: {item!r} is not a weekday; expected {WEEKEND_FORMS}")
    if len(days) == 7:
        problems.append(f"{where}: all seven days leaves no working day; list at most six")
    return frozenset(days)


def _dates(value: object, where: str, problems: list[str]) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list | tuple):
        problems.append(f"{where}: {value!r} is not a list; expected {DATE_FORMS}")
        return frozenset()
    return frozenset(_iso_dates(value, where, problems))


def _iso_dates(items: Iterable[object], where: str, problems: list[str]) -> Iterable[date]:
    for item in items:
        if isinstance(item, date) and not isinstance(item, datetime):
            yield item
            continue
        if isinstance(item, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.strip()):
            try:
                yield date.fromisoformat(item.strip())
                continue
            except ValueError:
                pass
        problems.append(f"{where}: {item!r} is not a date; expected {DATE_FORMS}")
