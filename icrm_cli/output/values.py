"""How one value looks in each format."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from icrm_cli.safe_text import visible, visible_csv
from icrm_cli.timeutil import Clock

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def json_value(value: Any, clock: Clock) -> Any:
    """JSON-ready: times as ISO 8601 with the org offset, containers recursively."""
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, Mapping):
        return {key: json_value(item, clock) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item, clock) for item in value]
    return value


def csv_value(value: Any, clock: Clock) -> str | int | float:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, list | tuple):
        text = "; ".join(str(item) for item in value)
    elif isinstance(value, Mapping):
        import json

        text = json.dumps(json_value(value, clock), ensure_ascii=False)
    else:
        text = str(value)
    text = visible_csv(text)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def cell_text(value: Any, clock: Clock, kind: str = "text") -> str:
    """Human-readable text for a table or Markdown cell."""
    if value is None or value == "":
        return "-" if kind != "text" else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return clock.short(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list | tuple):
        return visible(", ".join(str(item) for item in value))
    return visible(str(value))
