"""Durations with calendar units (m, h, d, w) and working units (wh, wd).

Follows :mod:`icrm_cli.timeutil`'s conventions: a whole number (at most six
digits) and a unit, zero and negatives refused, ``what`` names the key or
option in every error, and a leading ``+`` for relative forms (``--due +3wd``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from icrm_cli.errors import InvalidValueError

Unit = Literal["m", "h", "d", "w", "wh", "wd"]
Kind = Literal["working", "calendar"]
_UNITS: dict[str, Unit] = {"m": "m", "h": "h", "d": "d", "w": "w", "wh": "wh", "wd": "wd"}
WORKING_UNITS: frozenset[str] = frozenset({"wh", "wd"})
DURATION_FORMS = (
    "a whole number and a unit: m, h, d, w (calendar time) or wh, wd (working hours, "
    "working days), e.g. 90m, 4h, 3d, 2w, 4wh, 3wd"
)
_DURATION = re.compile(r"^\s*(\+\s*)?(\d{1,6})\s*(wh|wd|m|h|d|w)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    """``3wd`` -> Duration(3, 'wd'); ``kind`` says which clock it runs on."""

    amount: int
    unit: Unit

    @property
    def kind(self) -> Kind:
        return "working" if self.unit in WORKING_UNITS else "calendar"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_duration(
    text: str,
    *,
    what: str = "duration",
    has_calendar: bool = True,
    relative: bool = False,
) -> Duration:
    """Parse ``'3wd'``, ``'4wh'``, ``'2h'``, ``'1d'``, ``'90m'``, ``'2w'``.

    ``has_calendar=False`` (the org file has no ``calendar:`` section) refuses
    working units with an error naming ``what``. ``relative=True`` requires a
    leading ``+`` (``+3wd``), as ``--due`` writes relative times.
    """
    match = _DURATION.match(text or "") if isinstance(text, str) else None
    if not match or bool(match.group(1)) != relative:
        forms = DURATION_FORMS if has_calendar else _calendar_forms()
        if relative:
            forms = "'+' and " + forms
        raise InvalidValueError(f"invalid {what} {text!r}: expected {forms}")
    amount, unit = int(match.group(2)), match.group(3).lower()
    if amount <= 0:
        raise InvalidValueError(f"invalid {what} {text!r}: must be greater than zero")
    if unit in WORKING_UNITS and not has_calendar:
        name = "working hours" if unit == "wh" else "working days"
        raise InvalidValueError(
            f"invalid {what} {text!r}: {name} ({unit}) need a 'calendar' section in the org file; "
            f"add one, or use {_calendar_forms()}"
        )
    return Duration(amount, _UNITS[unit])


def _calendar_forms() -> str:
    return "a whole number and a unit m, h, d or w (e.g. 90m, 4h, 3d, 2w)"
