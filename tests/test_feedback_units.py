"""Unit tests of the feedback services: score parsing, survey period windows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from icrm_cli.domain.feedback.entries import parse_score
from icrm_cli.domain.feedback.surveys import period_window
from icrm_cli.errors import InvalidValueError
from icrm_cli.timeutil import Clock


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 5 ", 5), (3, 3), ("04", 4)])
def test_parse_score_accepts_1_to_5(value: object, expected: int) -> None:
    assert parse_score(value) == expected


@pytest.mark.parametrize("value", ["0", "6", "3.5", "good", "", "٣", True, 0, 7, "1e0"])
def test_parse_score_rejects(value: object) -> None:
    with pytest.raises(InvalidValueError, match=r"1\.\.5"):
        parse_score(value)


def test_period_windows_in_org_zone() -> None:
    clock = Clock(ZoneInfo("Asia/Shanghai"))
    quarter = period_window("2026-Q4", clock)
    assert quarter is not None
    assert [clock.iso(t) for t in quarter] == ["2026-10-01T00:00:00+08:00", "2026-12-31T23:59:59+08:00"]
    month = period_window("2026-02", clock)
    assert month is not None and clock.iso(month[1]) == "2026-02-28T23:59:59+08:00"
    year = period_window("2025", clock)
    assert year is not None and clock.iso(year[0]) == "2025-01-01T00:00:00+08:00"
    assert period_window("秋季调查", clock) is None
    assert period_window("2026-13", clock) is None
