"""Text that cannot act on a terminal, a document or a spreadsheet, whatever a database holds.

Input is checked where it enters (:mod:`icrm_cli.domain.text`), but a renderer
must be safe on its own: an older or foreign database, or a field that skipped a
check, may hold an escape sequence (``ESC ] 52`` writes the clipboard, ``ESC [2J``
clears the screen), a right-to-left override that reorders what a reader sees,
or an invisible character. Each renderer passes its text through here:

- :func:`visible` (tables, Markdown, HTML, CSV): every such character becomes a
  visible escape such as ``\\x1b`` or ``\\u202e``;
- :func:`json_safe` (JSON text already encoded): the same characters as JSON's
  own ``\\u`` escapes (``\\u202e``), so a parser reads back exactly what is stored.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline (a carriage return can overwrite a terminal line); DEL and C1
# controls; lone surrogates; bidi
# embeddings, overrides and isolates, marks; zero-width characters and the in-text BOM; line and
# paragraph separators (which some terminals and editors take as line breaks).
_BEYOND_C0 = (
    "\x7f-\x9f\ud800-\udfff\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f" + _BEYOND_C0
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# For CSV cells: a Windows line end (CR LF) is kept there (a spreadsheet reads it in a quoted cell;
# the formula guard quotes a cell that starts with one), like the CSV writer's byte check; a carriage
# return on its own could still overwrite a terminal line, so it is shown as an escape.
UNSAFE_CSV = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_BEYOND_C0}]|\r(?!\n)")
# The same, and also the line breaks: for one-line contexts.
UNSAFE_ONE_LINE = re.compile(f"[{_UNSAFE_CLASS}\t\n]")


# The same characters as UTF-8 byte sequences, for writers that join finished UTF-8 cells.
UNSAFE_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]"
    rb"|\xe2\x81[\xa0-\xa4\xa6-\xaf]|\xef\xbb\xbf|\xef\xbf[\xb9-\xbb]|\xed[\xa0-\xbf][\x80-\xbf]"
)


# Every byte that can start one of those sequences; deleting all other bytes (a C-speed translate)
# leaves nothing for text that holds none, so the common case never runs the regular expression.
_LEADS = frozenset([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, 0xD8, 0xE2, 0xED, 0xEF])
_NOT_LEADS = bytes(byte for byte in range(256) if byte not in _LEADS)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as an escape; tabs and line breaks kept."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def visible_csv(text: str) -> str:
    """As :func:`visible`, keeping Windows line ends (CR LF: a CSV cell may hold one)."""
    return UNSAFE_CSV.sub(_escape, text) if UNSAFE_CSV.search(text) else text


def visible_one_line(text: str) -> str:
    """As :func:`visible`, and line breaks and tabs shown as escapes too."""
    return UNSAFE_ONE_LINE.sub(_escape, text) if UNSAFE_ONE_LINE.search(text) else text


def _escape_utf8(match: re.Match[bytes]) -> bytes:
    return visible(match.group().decode("utf-8", "surrogatepass")).encode()


def visible_utf8(data: bytes) -> bytes:
    """As :func:`visible`, on UTF-8 bytes (CSV rows written as bytes)."""
    if not data.translate(None, _NOT_LEADS):
        return data
    return UNSAFE_UTF8.sub(_escape_utf8, data) if UNSAFE_UTF8.search(data) else data


def json_safe(encoded: str) -> str:
    """Encoded JSON text with unsafe characters as ``\\u202e``-style escapes (found only in strings)."""
    if not encoded.encode("utf-8", "surrogatepass").translate(None, _NOT_LEADS):
        return encoded  # the common case, checked at C speed (see visible_utf8)
    return UNSAFE.sub(_json_escape, encoded) if UNSAFE.search(encoded) else encoded
