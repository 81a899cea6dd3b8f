"""Free-text checks: control characters are refused exactly as Unicode defines them."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import InvalidValueError


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs")


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
