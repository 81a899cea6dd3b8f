"""The demo's SLA clock in integer seconds (due times, waits, escalation thresholds) and creation times.

With a working calendar, working units run on a :class:`WorkingIndex` laid out
once over the demo's days (a binary search per question); calendar units are
elapsed (``m``, ``h``) or local days (``d``, ``w``, DST-correct through the policy).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from icrm_cli.domain.calendar import Duration
from icrm_cli.domain.calendar.index import WorkingIndex
from icrm_cli.domain.org.settings import Policy, nominal
from icrm_cli.storage.stored_rows import HOUR, moment_of, seconds_of
from icrm_cli.timeutil import Clock


class DemoClock:
    def __init__(self, policy: Policy, first: int, last: int) -> None:
        self.policy = policy
        calendar = policy.calendar
        self.index: WorkingIndex | None = None
        if calendar is not None:
            tz = calendar.tz
            start = moment_of(first).astimezone(tz).date() - timedelta(days=1)
            end = moment_of(last).astimezone(tz).date() + timedelta(days=1)
            self.index = WorkingIndex(calendar, start, end)

    def add(self, t: int, duration: Duration) -> int:
        """``t`` plus ``duration`` on the org's clock."""
        if duration.kind == "working" and self.index is not None:
            return self.index.add(t, self.policy.calendar.working_seconds(duration))  # type: ignore[union-attr]
        if duration.unit in ("m", "h"):
            return t + int(nominal(duration).total_seconds())
        return seconds_of(self.policy.add(moment_of(t), duration))

    def worked(self, a: int, b: int) -> int | None:
        """Working seconds in [a, b); None without a calendar."""
        return None if self.index is None else self.index.between(a, b)

    def push(self, due: int, duration: Duration, wait_start: int, wait_end: int) -> int:
        """The due time after a wait, as ``resume`` moves it."""
        if duration.kind == "working" and self.index is not None:
            return self.index.add(due, self.index.between(wait_start, wait_end))
        return due + (wait_end - wait_start)


def created_seconds(
    rng: random.Random, clock: Clock, count: int, now: datetime, days: int, policy: Policy | None = None
) -> list[int]:
    """Creation moments in office hours (9:00-18:59 local, few on days off: weekends, and with a
    working calendar its holidays, while its make-up workdays are worked), sorted, before now."""
    first = clock.local(now).date() - timedelta(days=days)
    calendar = policy.calendar if policy is not None else None
    hour_starts: list[int] = []
    weekend: list[bool] = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        weekend.append(not calendar.day(day).workday if calendar is not None else day.weekday() >= 5)
        for hour in range(9, 19):
            local = clock.localize(datetime(day.year, day.month, day.day, hour))
            hour_starts.append(seconds_of(local.astimezone(UTC)))
    rnd, limit, span = rng.random, seconds_of(now), days + 1
    times: list[int] = []
    append = times.append
    while len(times) < count:
        day_index = int(rnd() * span)
        if weekend[day_index] and rnd() < 0.85:
            continue
        moment = hour_starts[day_index * 10 + int(rnd() * 10)] + int(rnd() * HOUR)
        if moment < limit:
            append(moment)
    times.sort()
    return times
