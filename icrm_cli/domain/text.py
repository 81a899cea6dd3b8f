"""Checks on free text typed by users: titles, notes, reasons."""

from __future__ import annotations

import re

from icrm_cli.errors import InvalidValueError
from icrm_cli.safe_text import UNSAFE, UNSAFE_ONE_LINE, visible_one_line

MAX_TITLE = 200
MAX_TEXT = 20_000


# Controls, lone surrogates, bidi overrides and isolates, zero-width characters (see safe_text);
# a title is one line, free text may also hold tabs and line breaks.
_CONTROL = UNSAFE_ONE_LINE
_CONTROL_BUT_TAB_NEWLINE = UNSAFE
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def clean_title(text: str | None, *, what: str = "title") -> str:
    """A one-line, non-empty title of at most MAX_TITLE characters."""
    title = (text or "").strip()
    if not title:
        raise InvalidValueError(f"the {what} must not be empty")
    if len(title) > MAX_TITLE:
        raise InvalidValueError(f"the {what} is {len(title)} characters long; at most {MAX_TITLE} allowed")
    found = _CONTROL.search(title)
    if found:
        raise InvalidValueError(
            f"the {what} must be one line of visible text; it contains {_describe(found.group())}"
        )
    return title


def clean_text(text: str | None, *, what: str = "text") -> str:
    """Free text (may be empty, may span lines); no other control characters."""
    value = (text or "").replace("\r\n", "\n").strip()  # Windows line ends are line ends
    if len(value) > MAX_TEXT:
        raise InvalidValueError(f"the {what} is {len(value)} characters long; at most {MAX_TEXT} allowed")
    found = _CONTROL_BUT_TAB_NEWLINE.search(value)
    if found:
        raise InvalidValueError(f"the {what} contains {_describe(found.group())}, which is not allowed")
    return value


def _describe(char: str) -> str:
    """``U+202E (an invisible or control character)``: what was found, printable."""
    return f"{visible_one_line(char)} (an invisible or control character)"


def required_text(text: str | None, *, what: str) -> str:
    """Free text that must be given: a reason, a note, a decision (``a reason is required``)."""
    value = clean_text(text, what=what)
    if not value:
        raise InvalidValueError(f"a {what} is required")
    return value


def clean_id(text: str | None, *, what: str) -> str:
    """A person id or login as typed: trimmed, then ASCII letters, digits and ``._@-`` only,
    compared exactly afterwards (no case folding, no look-alike letters)."""
    value = (text or "").strip()
    if not value:
        raise InvalidValueError(f"{what} must not be empty")
    if not ID_PATTERN.match(value):
        shown = visible_one_line(value[:40]) + ("..." if len(value) > 40 else "")
        raise InvalidValueError(
            f"invalid {what} {shown!r}: use 1-64 ASCII letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return value
