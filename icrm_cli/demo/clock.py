"""The demo's SLA clock in integer seconds: due times, waits and escalation thresholds on the org's calendar.

With a working calendar, working units run on a :class:`WorkingIndex` laid out
once over the demo's days (a binary search per question); calendar units are
elapsed (``m``, ``h``) or local days (``d``, ``w``, DST-correct through the policy).
"""

from __future__ import annotations

from datetime import timedelta

from icrm_cli.domain.calendar import Duration
from icrm_cli.domain.calendar.index import WorkingIndex
from icrm_cli.domain.org.settings import Policy, nominal
from icrm_cli.storage.stored_rows import moment_of, seconds_of


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
