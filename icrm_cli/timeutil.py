"""Time input and display: the contract's time forms, durations, the org clock.

Stored times are UTC; users type and read times in the org's time zone.
Pure standard library, so every layer may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icrm_cli.errors import InvalidValueError

Edge = Literal["start", "end"]

TIME_FORMS = (
    "an ISO date (2026-11-30), an ISO datetime (2026-11-30T14:00, optionally with an offset), "
    "'today', 'tomorrow', or a relative time like +90m, +4h, +3d, +2w"
)
DURATION_FORMS = "a whole number and a unit m, h, d or w (e.g. 90m, 4h, 3d, 2w)"

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")
_RELATIVE = re.compile(r"^\s*\+\s*(\d{1,6})\s*([mhdw])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def to_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC with whole seconds, as times are stored; naive ones are refused."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r} cannot be stored; attach a zone first")
    return moment.astimezone(UTC).replace(microsecond=0)


def parse_duration(text: str, *, what: str = "duration") -> timedelta:
    """``'4h'`` -> 4 hours. Zero, negative and unitless values are errors."""
    match = _DURATION.match(text or "")
    if not match:
        raise InvalidValueError(f"invalid {what} {text!r}: expected {DURATION_FORMS}")
    amount, unit = int(match.group(1)), match.group(2)
    if amount <= 0:
        raise InvalidValueError(f"invalid {what} {text!r}: must be greater than zero")
    return timedelta(seconds=amount * _UNIT_SECONDS[unit])


def format_duration(delta: timedelta) -> str:
    """The shortest exact spelling of a duration in the units parse_duration reads."""
    seconds = int(delta.total_seconds())
    for unit in ("w", "d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def zone_from_name(name: str | None) -> tzinfo | None:
    """An IANA zone, or None for the machine's local zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)"
        ) from None


FIRST_YEAR, LAST_YEAR = 1970, 9000


@dataclass(frozen=True)
class Clock:
    """The org's notion of time: 'now', its zone, parsing and display.

    ``zone`` None means the machine's local zone.
    """

    zone: tzinfo | None = None
    _offset_cache: dict[tuple[int, int, int, int], tuple[str, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def now(self) -> datetime:
        """The current time, UTC, whole seconds (what the database stores)."""
        return datetime.now(UTC).replace(microsecond=0)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the org zone; in UTC when the org zone cannot show it (past year 9999), so
        a row that is already bad never stops a reader."""
        try:
            return moment.astimezone(self.zone) if self.zone else moment.astimezone()
        except (OverflowError, ValueError):
            return moment.astimezone(UTC)

    def localize(self, naive: datetime) -> datetime:
        """Attach the org zone to a wall-clock time."""
        if self.zone is not None:
            return naive.replace(tzinfo=self.zone)
        return naive.astimezone()

    def today(self) -> date:
        return self.local(self.now()).date()

    def day_start(self, day: date) -> datetime:
        return self.localize(datetime.combine(day, time.min)).astimezone(UTC)

    def parse(self, text: str, *, edge: Edge = "start", what: str = "time") -> datetime:
        """Parse one of the contract's time forms into an aware UTC datetime.

        A bare date means the start of that day for ``edge='start'`` (``--since``,
        ``--at``) and the end of it for ``edge='end'`` (``--due``, ``--until``).
        Times outside FIRST_YEAR..LAST_YEAR are refused: anything computed from them
        (a meeting's end, a due time) must stay representable in every zone.
        """
        try:
            moment = self._parse(text, edge=edge, what=what)
        except OverflowError:
            moment = None
        if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise InvalidValueError(
                f"invalid {what} {text!r}: times from {FIRST_YEAR} to {LAST_YEAR} are accepted"
            )
        return moment

    def _parse(self, text: str, *, edge: Edge, what: str) -> datetime:
        raw = (text or "").strip()
        lowered = raw.lower()
        relative = _RELATIVE.match(raw)
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            return self.now() + timedelta(seconds=amount * _UNIT_SECONDS[unit])
        if lowered in ("today", "tomorrow"):
            day = self.today() + timedelta(days=1 if lowered == "tomorrow" else 0)
            return self._day_edge(day, edge)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise self._bad(text, what) from None
            return self._day_edge(day, edge)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?", raw):
            try:
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                raise self._bad(text, what) from None
            if parsed.tzinfo is None:
                parsed = self.localize(parsed)
            return parsed.astimezone(UTC).replace(microsecond=0)
        raise self._bad(text, what)

    def _day_edge(self, day: date, edge: Edge) -> datetime:
        start = self.day_start(day)
        if edge == "start":
            return start
        return self.day_start(day + timedelta(days=1)) - timedelta(seconds=1)

    @staticmethod
    def _bad(text: str, what: str) -> InvalidValueError:
        return InvalidValueError(f"invalid {what} {text!r}: expected {TIME_FORMS}")

    # -- display -------------------------------------------------------------

    def iso(self, moment: datetime) -> str:
        """ISO 8601 with the org zone's offset, e.g. ``2026-11-23T14:00:00+08:00``.

        Called once per time cell in exports, so offsets are cached per UTC hour
        (zones change offset on hour boundaries in UTC for whole-hour offsets).
        """
        utc = moment.astimezone(UTC) if moment.tzinfo is not UTC else moment
        key = (utc.year, utc.month, utc.day, utc.hour)
        if key in self._offset_cache:
            cached = self._offset_cache[key]
        else:
            local = self.local(utc.replace(minute=0, second=0, microsecond=0))
            offset = local.utcoffset() or timedelta(0)
            if offset.total_seconds() % 3600 == 0:
                zone = local.strftime("%z")
                cached = (local.strftime("%Y-%m-%dT%H"), zone[:3] + ":" + zone[3:])
            else:
                cached = None
            if len(self._offset_cache) > 100_000:
                self._offset_cache.clear()
            self._offset_cache[key] = cached
        if cached is None:
            return self.local(utc).isoformat()
        return f"{cached[0]}:{utc.minute:02d}:{utc.second:02d}{cached[1]}"

    def short(self, moment: datetime) -> str:
        """Compact wall-clock display for tables: ``2026-11-23 14:00``."""
        return self.local(moment).strftime("%Y-%m-%d %H:%M")
