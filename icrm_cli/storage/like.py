"""``LIKE`` patterns for "contains this text" (plain Python: the light read path imports it).

The condition that uses them is :func:`icrm_cli.storage.text_match.contains_folded`.
"""

from __future__ import annotations

import string

SEARCH_ESCAPE = "\\"
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def like_pattern(text: str, *, prefix_only: bool = False) -> str:
    """A ``LIKE`` pattern (escape :data:`SEARCH_ESCAPE`) for "contains ``text``" (or "starts with",
    ``prefix_only``): ``%``, ``_`` and the escape taken literally, ASCII letters in lower case."""
    escaped = text.translate(_LOWER)
    for special in (SEARCH_ESCAPE, "%", "_"):
        escaped = escaped.replace(special, SEARCH_ESCAPE + special)
    return f"{escaped}%" if prefix_only else f"%{escaped}%"
