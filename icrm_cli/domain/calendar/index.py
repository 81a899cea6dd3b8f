"""Working time over a fixed range of days as integer arithmetic, for bulk work (demo, recompute).

The working windows of every day in the range are laid out once as epoch
seconds with the working seconds before each window; then the working time
between two instants, and the instant a working time after another, are a
binary search each. Results agree with :class:`WorkingCalendar` (which answers
outside the range).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta

from icrm_cli.domain.calendar.working_time import WorkingCalendar


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class WorkingIndex:
    """Working time of ``calendar`` between the local dates ``first`` and ``last`` (inclusive)."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        starts: list[int] = []
        ends: list[int] = []
        before: list[int] = []  # working seconds before each window
        total = 0
        day = first
        while day <= last:
            for begin, finish in calendar.windows(day):
                starts.append(_epoch(begin))
                ends.append(_epoch(finish))
                before.append(total)
                total += ends[-1] - starts[-1]
            day += timedelta(days=1)
        self.starts, self.ends, self.before = starts, ends, before
        self.low = self._day_start(first)
        self.high = self._day_start(last + timedelta(days=1))
        self.after = [b + (e - s) for b, e, s in zip(before, ends, starts, strict=True)]

    def _day_start(self, day: date) -> int:
        from icrm_cli.domain.calendar.local_time import localize

        return _epoch(localize(datetime.combine(day, datetime.min.time()), self.calendar.tz, typed=False))

    def covers(self, t: int) -> bool:
        return self.low <= t < self.high

    def worked(self, t: int) -> int:
        """Working seconds from the start of the range to ``t`` (within the range)."""
        index = bisect_right(self.starts, t) - 1
        if index < 0:
            return 0
        return self.before[index] + min(t, self.ends[index]) - self.starts[index]

    def between(self, a: int, b: int) -> int:
        """Working seconds in [a, b)."""
        if b <= a:
            return 0
        if self.covers(a) and self.covers(b):
            return self.worked(b) - self.worked(a)
        return self.calendar.working_seconds_between(_at(a), _at(b))

    def add(self, t: int, seconds: int) -> int:
        """The earliest instant at which ``seconds`` of working time have passed since ``t``."""
        if seconds <= 0:
            return t
        if self.covers(t):
            target = self.worked(t) + seconds
            index = bisect_left(self.after, target)
            if index < len(self.after):
                return self.ends[index] - (self.after[index] - target)
        return _epoch(self.calendar.add_working(_at(t), seconds))


def _at(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)
