"""Checks on free text typed by users: titles, notes, reasons."""

from __future__ import annotations

import re

from icrm_cli.errors import InvalidValueError

MAX_TITLE = 200
MAX_TEXT = 20_000


# Unicode categories Cc (C0 and C1 controls, DEL) and Cs (lone surrogates), as character classes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_TAB_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_title(text: str | None, *, what: str = "title") -> str:
    """A one-line, non-empty title of at most MAX_TITLE characters."""
    title = (text or "").strip()
    if not title:
        raise InvalidValueError(f"the {what} must not be empty")
    if len(title) > MAX_TITLE:
        raise InvalidValueError(f"the {what} is {len(title)} characters long; at most {MAX_TITLE} allowed")
    if _CONTROL.search(title):
        raise InvalidValueError(f"the {what} must be one line without control characters")
    return title


def clean_text(text: str | None, *, what: str = "text") -> str:
    """Free text (may be empty, may span lines); no other control characters."""
    value = (text or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidValueError(f"the {what} is {len(value)} characters long; at most {MAX_TEXT} allowed")
    if _CONTROL_BUT_TAB_NEWLINE.search(value):
        raise InvalidValueError(f"the {what} contains control characters")
    return value
