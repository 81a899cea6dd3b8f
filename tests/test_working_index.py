"""The integer working index (demo, recompute) agrees with WorkingCalendar, in and out of its range."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from icrm_cli.domain.calendar import WorkingCalendar, parse_calendar_spec
from icrm_cli.domain.calendar.index import WorkingIndex

SPEC = {"country": "CN", "hours": "09:00-12:00,13:30-18:00", "holidays": ["2026-05-06"]}


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_index_agrees_with_the_calendar(zone: str) -> None:
    from zoneinfo import ZoneInfo

    calendar = WorkingCalendar(parse_calendar_spec(SPEC), ZoneInfo(zone))
    index = WorkingIndex(calendar, date(2026, 1, 1), date(2026, 6, 30))
    rng = random.Random(14)
    low = int(datetime(2025, 12, 20, tzinfo=UTC).timestamp())  # some outside the range too
    high = int(datetime(2026, 7, 10, tzinfo=UTC).timestamp())
    for _ in range(1500):
        a = rng.randrange(low, high)
        b = a + rng.randrange(0, 25 * 86400)
        seconds = rng.randrange(0, 12 * 27000)
        start, end = datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)
        assert index.between(a, b) == calendar.working_seconds_between(start, end)
        assert index.add(a, seconds) == int(calendar.add_working(start, seconds).timestamp())
