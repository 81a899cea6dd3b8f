"""Free-text checks: control characters are refused exactly as Unicode defines them."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import InvalidValueError

# Also refused: bidi embeddings, overrides, isolates and marks, zero-width characters, the in-text
# BOM and the line and paragraph separators (format characters that can reorder or hide text).
_INVISIBLE = {0x061C, *range(0x200B, 0x2010), *range(0x2028, 0x202F), *range(0x2060, 0x2065)}
_INVISIBLE |= {*range(0x2066, 0x2070), 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB}


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or ord(char) in _INVISIBLE


def test_every_code_point_is_judged_by_its_unicode_category() -> None:
    points = [*range(0x10000), 0x1F600, 0xE0001, sys.maxunicode]
    for point in points:
        char = chr(point)
        title = f"报价{char}单"
        if _is_control(char):
            with pytest.raises(InvalidValueError):
                clean_title(title)
        else:
            assert clean_title(title) == title
        if _is_control(char) and char not in "\n\t":
            with pytest.raises(InvalidValueError):
                clean_text(title)
        else:
            assert clean_text(title) == title
