"""Time input: the contract's forms, read in the org's zone; durations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from icrm_cli.errors import InvalidValueError
from icrm_cli.timeutil import Clock, format_duration, parse_duration
from tests.conftest import FROZEN_AT, Cli, new_request

SH = ZoneInfo("Asia/Shanghai")
CLOCK = Clock(SH)
NOW = FROZEN_AT.astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_iso_date_start_and_end_of_day(frozen: Any) -> None:
    assert CLOCK.parse("2026-11-30", edge="start") == utc(2026, 11, 29, 16, 0, 0)
    assert CLOCK.parse("2026-11-30", edge="end") == utc(2026, 11, 30, 15, 59, 59)


def test_iso_datetime_in_org_zone_and_with_offset(frozen: Any) -> None:
    assert CLOCK.parse("2026-11-30T14:00") == utc(2026, 11, 30, 6, 0)
    assert CLOCK.parse("2026-11-30 14:00:30") == utc(2026, 11, 30, 6, 0, 30)
    assert CLOCK.parse("2026-11-30T14:00+01:00") == utc(2026, 11, 30, 13, 0)
    assert CLOCK.parse("2026-11-30T14:00Z") == utc(2026, 11, 30, 14, 0)
    # edge does not matter once a time of day is given
    assert CLOCK.parse("2026-11-30T14:00", edge="end") == utc(2026, 11, 30, 6, 0)


def test_today_tomorrow(frozen: Any) -> None:
    assert CLOCK.parse("today") == utc(2026, 11, 15, 16, 0)
    assert CLOCK.parse("today", edge="end") == utc(2026, 11, 16, 15, 59, 59)
    assert CLOCK.parse("Tomorrow", edge="end") == utc(2026, 11, 17, 15, 59, 59)
    assert CLOCK.parse("tomorrow") == utc(2026, 11, 16, 16, 0)


def test_today_follows_org_zone_not_utc(frozen: Any) -> None:
    frozen.move_to(datetime(2026, 11, 16, 23, 30, tzinfo=UTC))  # already the 17th in Shanghai
    assert CLOCK.parse("today") == utc(2026, 11, 16, 16, 0)
    assert Clock(ZoneInfo("UTC")).parse("today") == utc(2026, 11, 16, 0, 0)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("+90m", timedelta(minutes=90)),
        ("+4h", timedelta(hours=4)),
        ("+3d", timedelta(days=3)),
        ("+2w", timedelta(weeks=2)),
    ],
)
def test_relative(frozen: Any, text: str, delta: timedelta) -> None:
    assert CLOCK.parse(text) == NOW + delta
    assert CLOCK.parse(text, edge="end") == NOW + delta


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "next monday",
        "2026-13-01",
        "2026-02-30",
        "30/11/2026",
        "+3",
        "3d",
        "+3y",
        "-3d",
        "明天",
        "2026-11-30T25:00",
    ],
)
def test_garbage_names_the_forms(frozen: Any, text: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        CLOCK.parse(text, what="--due")
    message = str(info.value)
    assert "--due" in message
    for form in ("ISO date", "ISO datetime", "today", "tomorrow", "+90m", "+4h", "+3d", "+2w"):
        assert form in message


def test_durations() -> None:
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("2w") == timedelta(weeks=2)
    for bad in ("", "0d", "4", "h", "1.5h", "4y", "-1d"):
        with pytest.raises(InvalidValueError):
            parse_duration(bad)
    assert format_duration(timedelta(hours=36)) == "36h"
    assert format_duration(timedelta(days=14)) == "2w"


def test_iso_output_in_org_zone() -> None:
    assert CLOCK.iso(utc(2026, 11, 30, 6, 0)) == "2026-11-30T14:00:00+08:00"
    assert CLOCK.short(utc(2026, 11, 30, 6, 0)) == "2026-11-30 14:00"


def test_cli_time_forms_end_to_end(cli: Cli, org: object) -> None:
    def due_of(when: str) -> str:
        rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", f"截止 {when}", "--due", when)
        shown = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
        return str(shown["due_at"])

    assert due_of("2026-11-30") == "2026-11-30T23:59:59+08:00"
    assert due_of("2026-11-30T14:00") == "2026-11-30T14:00:00+08:00"
    assert due_of("2026-11-30T14:00+00:00") == "2026-11-30T22:00:00+08:00"
    assert due_of("today") == "2026-11-16T23:59:59+08:00"
    assert due_of("tomorrow") == "2026-11-17T23:59:59+08:00"
    assert due_of("+90m") == "2026-11-16T10:30:00+08:00"
    assert due_of("+2w") == "2026-11-30T09:00:00+08:00"


def test_cli_garbage_time(cli: Cli, org: object, db_path: Path) -> None:
    result = cli.fails("request", "new", "--from", "SALES", "--to", "IT", "--title", "x", "--due", "下周")
    assert "--due" in result.stderr and "+4h" in result.stderr and "tomorrow" in result.stderr
    result = cli.fails("request", "list", "--since", "yesterday")
    assert "--since" in result.stderr


def test_messages_show_times_in_the_org_zone(cli: Cli, org: object) -> None:
    request_id = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    error = cli.fails("request", "due", str(request_id), "--due", "2020-01-01", "--reason", "改期").stderr
    assert error.strip() == "Error: due time 2020-01-01 23:59 is not in the future"
    moved = cli.ok(
        "request", "due", str(request_id), "--due", "2026-11-30T14:00", "--reason", "等待报价"
    ).stdout
    assert "2026-11-30 14:00" in moved and "+00:00" not in moved
