"""A compact, rule-based VTIMEZONE, as calendar clients write one.

``icalendar``'s ``add_missing_timezones`` lists every transition as an RDATE
(88 lines for Asia/Shanghai, valid only to 2038). Clients write one STANDARD
and, where the zone has daylight saving, one DAYLIGHT observance, each with a
yearly RRULE ("second Sunday of March"). This module derives those from the
zone's transitions in the meeting's year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """A change of offset: ``local`` is the wall time just before it, in the old offset."""

    local: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str


def _offset(zone: tzinfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def transitions(zone: tzinfo, year: int) -> list[Transition]:
    """The zone's offset changes in ``year`` (found day by day, then to the minute)."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        following = moment + timedelta(days=1)
        before, after = _offset(zone, moment), _offset(zone, following)
        if before != after:
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            local = (high + before).replace(tzinfo=None, second=0, microsecond=0)
            found.append(Transition(local, before, after, high.astimezone(zone).tzname() or ""))
        moment = following
    return found


def yearly_rule(day: datetime) -> dict[str, object]:
    """``day``'s weekday in its month as an RRULE: the last one of the month as -1."""
    last = calendar.monthrange(day.year, day.month)[1]
    nth = -1 if day.day + 7 > last else (day.day - 1) // 7 + 1
    return {"FREQ": "YEARLY", "BYMONTH": day.month, "BYDAY": f"{nth}{_DAYS[day.weekday()]}"}


def first_in_1970(rule: dict[str, object], at: datetime) -> datetime:
    """The rule's first day in 1970 at ``at``'s wall time: a DTSTART before any meeting."""
    month = int(str(rule["BYMONTH"]))
    by_day = str(rule["BYDAY"])
    nth, weekday = int(by_day[:-2]), _DAYS.index(by_day[-2:])
    days = [
        day
        for day in range(1, calendar.monthrange(1970, month)[1] + 1)
        if calendar.weekday(1970, month, day) == weekday
    ]
    return at.replace(year=1970, month=month, day=days[nth - 1 if nth > 0 else nth])


def vtimezone(zone: tzinfo, tzid: str, year: int) -> Timezone:
    """The VTIMEZONE of ``zone`` with the rules in force in ``year`` (the meeting's year)."""
    result = Timezone()
    result.add("tzid", tzid)
    year = min(max(year, 1971), 9998)  # the rules of a year that datetime can scan whole
    changes = transitions(zone, year)
    if len(changes) != 2:  # no daylight saving (or an irregular year): the offset in force
        moment = datetime(year, 7, 1, tzinfo=UTC).astimezone(zone)
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        offset = moment.utcoffset() or timedelta(0)
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", moment.tzname() or tzid)
        result.add_component(standard)
        return result
    for change in changes:
        part = TimezoneDaylight() if change.offset_to > change.offset_from else TimezoneStandard()
        rule = yearly_rule(change.local)
        part.add("dtstart", first_in_1970(rule, change.local))
        part.add("rrule", rule)
        part.add("tzoffsetfrom", change.offset_from)
        part.add("tzoffsetto", change.offset_to)
        part.add("tzname", change.name)
        result.add_component(part)
    return result
