"""Local wall-clock time made exact: daylight-saving gaps and repeats, calendar units.

Rules (contract, "Working calendar"):

- a local time that does not exist (the hour skipped when clocks go forward)
  typed by a user is an error naming the gap; one that is *computed* (``+1d``
  landing in the gap, a working window starting in it) moves forward by the
  length of the gap, as RFC 5545 and ECMAScript Temporal do (02:30 -> 03:30);
- a local time that occurs twice (clocks going back) means the first one;
- ``d`` and ``w`` are local: the same clock time N days later; ``m`` and ``h``
  are elapsed time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

from icrm_cli.errors import InvalidValueError

CalendarUnit = Literal["m", "h", "d", "w"]
_ELAPSED = {"m": 60, "h": 3600}
_DAYS = {"d": 1, "w": 7}


class NonexistentTimeError(InvalidValueError):
    """A typed local time inside a daylight-saving gap."""

    def __init__(self, naive: datetime, zone: tzinfo, gap_start: datetime, gap_end: datetime) -> None:
        self.naive = naive
        self.gap_start = gap_start
        self.gap_end = gap_end
        super().__init__(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name(zone)}: on {gap_start:%Y-%m-%d} "
            f"clocks go forward from {gap_start:%H:%M} to {gap_end:%H:%M} (daylight saving); "
            f"use a time before {gap_start:%H:%M} or from {gap_end:%H:%M}"
        )


def zone_name(zone: tzinfo) -> str:
    """The IANA key of a ZoneInfo, else the zone's own name."""
    return str(getattr(zone, "key", None) or zone)


def localize(naive: datetime, tz: tzinfo, *, typed: bool = True) -> datetime:
    """Attach ``tz`` to a wall-clock time and return the aware instant in UTC.

    An ambiguous time (clocks going back) takes its first occurrence (fold=0).
    A time in a gap (clocks going forward) raises :class:`NonexistentTimeError`
    when ``typed``; a computed one moves forward by the length of the gap.
    """
    naive = naive.replace(tzinfo=None, fold=0)
    first = naive.replace(tzinfo=tz)
    second = naive.replace(tzinfo=tz, fold=1)
    before, after = first.utcoffset(), second.utcoffset()
    if before is None or after is None:
        raise ValueError(f"time zone {tz!r} gives no UTC offset")
    if before == after or before > after:
        # Unambiguous, or a repeated hour: fold=0 is the first occurrence.
        return first.astimezone(UTC)
    # Clocks go forward: fold=0 applies the offset before the gap, which for a
    # time inside the gap lands on the same time plus the gap after it.
    if typed:
        start, end = gap_around(naive, tz)
        raise NonexistentTimeError(naive, tz, start, end)
    return first.astimezone(UTC)


def gap_around(naive: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The skipped local range [start, end) containing the non-existent ``naive``."""
    early = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)  # offset after: before the transition
    late = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)  # offset before: after the transition
    lo, hi = early, late
    early_offset = lo.astimezone(tz).utcoffset()
    while hi - lo > timedelta(seconds=1):  # the transition instant, to the second
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).utcoffset() == early_offset:
            lo = mid
        else:
            hi = mid
    transition = hi.replace(microsecond=0)
    before_gap = (transition - timedelta(seconds=1)).astimezone(tz).utcoffset() or timedelta(0)
    after_gap = transition.astimezone(tz).utcoffset() or timedelta(0)
    start = (transition + before_gap).replace(tzinfo=None)
    end = (transition + after_gap).replace(tzinfo=None)
    return start, end


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The org-local calendar date of an aware instant."""
    return moment.astimezone(tz).date()


def add_calendar(start: datetime, amount: int, unit: str, tz: tzinfo) -> datetime:
    """``start`` plus calendar time, as an aware UTC datetime.

    ``m``/``h``: elapsed minutes/hours. ``d``/``w``: the same local clock time
    ``amount`` days/weeks later (across a daylight-saving change too); landing in
    a gap moves forward, landing in a repeated hour takes the first.
    """
    require_aware(start)
    if unit in _ELAPSED:
        return start.astimezone(UTC) + timedelta(seconds=amount * _ELAPSED[unit])
    if unit in _DAYS:
        local = start.astimezone(tz)
        target = local.replace(tzinfo=None, fold=0) + timedelta(days=amount * _DAYS[unit])
        return localize(target, tz, typed=False)
    raise InvalidValueError(f"invalid calendar unit {unit!r}: expected m, h, d or w")


def require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: working-time arithmetic needs an aware datetime")
