"""ISO weeks in the org time zone: parsing ``2026-W47``, the default week, boundaries in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icrm_cli.errors import InvalidValueError
from icrm_cli.timeutil import Clock

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


@dataclass(frozen=True)
class Week:
    """One ISO week: Monday 00:00 to the next Monday 00:00 in the org zone (end exclusive)."""

    monday: date
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive

    @property
    def label(self) -> str:
        return self.monday.strftime("%G-W%V")

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int, clock: Clock) -> Week:
        return week_starting(self.monday + timedelta(weeks=weeks), clock)


def week_starting(monday: date, clock: Clock) -> Week:
    return Week(monday, clock.day_start(monday), clock.day_start(monday + timedelta(days=7)))


def week_containing(day: date, clock: Clock) -> Week:
    return week_starting(day - timedelta(days=day.weekday()), clock)


def last_complete_week(clock: Clock) -> Week:
    """The week before the one that contains today (org zone)."""
    return week_containing(clock.today() - timedelta(days=7), clock)


def parse_week(text: str | None, clock: Clock) -> Week:
    """The report's ``--week``: an ISO week that has ended; None means the last complete week.

    A week that has not ended is refused: its "overdue at week end" would be a guess."""
    if text is None:
        return last_complete_week(clock)
    week = iso_week(text, clock)
    if week.end > clock.now():
        latest = last_complete_week(clock).label
        raise InvalidValueError(
            f"invalid --week {text!r}: that week has not ended yet; the latest complete week is {latest}"
        )
    return week


def iso_week(text: str, clock: Clock) -> Week:
    """``2026-W47`` (also ``2026W47``, ``2026-w47``) as a :class:`Week` in the org zone."""
    match = _WEEK.match(text)
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        try:
            monday = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise InvalidValueError(
                f"invalid --week {text!r}: {year} has no ISO week {number} "
                f"(it has {date(year, 12, 28).isocalendar().week} weeks)"
            ) from None
        return week_starting(monday, clock)
    raise InvalidValueError(f"invalid --week {text!r}: expected an ISO week like 2026-W47")
