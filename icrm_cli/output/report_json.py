"""The weekly report as JSON: the same document as ``emit_object``, written several times faster.

``json.dumps(..., indent=2)`` runs Python's pure-Python encoder (the C encoder
has no indentation) over every one of the report's thousands of matrix cells.
Here objects are laid out on lines and every row of a list of rows (a
department, a matrix cell, a kicked ball, a meeting, a trend week) is encoded
on one line by the C encoder; times become ISO 8601 with the org offset, as in
every other JSON output.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from icrm_cli.safe_text import json_safe
from icrm_cli.timeutil import Clock

INDENT = "  "


def _encoder(clock: Clock) -> json.JSONEncoder:
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return clock.iso(value)
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=default)


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list | tuple)


def _layout(value: Any, encode: Any, level: int) -> str:
    """Objects one key a line; lists of objects or lists one item a line; everything else inline."""
    pad, inner = INDENT * level, INDENT * (level + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{encode(str(key))}: {_layout(item, encode, level + 1)}" for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple) and value and any(_is_container(item) for item in value):
        return "[\n" + ",\n".join(inner + encode(item) for item in value) + f"\n{pad}]"
    return str(encode(value))


def report_json(data: dict[str, Any], clock: Clock) -> str:
    """The JSON document of a weekly report (``WeeklyReport.as_dict()``), ending in a newline."""
    return json_safe(_layout(data, _encoder(clock).encode, 0)) + "\n"
