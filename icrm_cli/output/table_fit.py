"""Fitting a table into the terminal: whole words only, the least important columns left out first.

Rich folds a cell that does not fit in the middle of a word ("priorit/y"). Here
every column gets at least the width of its longest header word and of its
longest word of Latin text (a run of CJK characters may break between any two
characters, as Chinese text does); codes, numbers and times are never wrapped.
When even those widths do not fit, columns are left out (highest ``drop`` rank
first, then from the right), and the caller says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from icrm_cli.output.shapes import Column

WRAPPING_KINDS = frozenset({"text", "list"})
CJK_WORD_MIN = 4  # two wide characters: where a run of CJK text may break
MAX_WORD = 24  # a longer Latin "word" (a URL, a path) may fold rather than widen the column


@dataclass(frozen=True)
class Fitted:
    column: Column
    minimum: int
    wraps: bool


def _longest_word(text: str) -> int:
    longest = 0
    for word in text.split():
        width = cell_len(word)
        longest = max(longest, min(width, MAX_WORD) if word.isascii() else min(width, CJK_WORD_MIN))
    return longest


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def measure(column: Column, cells: Sequence[str]) -> Fitted:
    """The narrowest a column can be without breaking a word of its header or cells."""
    header = max((cell_len(word) for word in column.label.split()), default=1)
    wraps = column.kind in WRAPPING_KINDS
    if wraps:
        body = max((_longest_word(cell) for cell in cells), default=0)
    else:
        body = max((_widest_line(cell) for cell in cells), default=0)
    return Fitted(column, max(header, body, 1), wraps)


def table_width(fitted: Sequence[Fitted]) -> int:
    """The width of a SIMPLE_HEAD table with these minimums: 1 space padding each side, one divider
    between columns and one edge each side."""
    count = len(fitted)
    return sum(item.minimum for item in fitted) + 3 * count + 1 if count else 0


def fit(fitted: Sequence[Fitted], width: int) -> tuple[list[Fitted], list[Column]]:
    """The columns that fit in ``width`` (in their order) and those left out."""
    kept = list(fitted)
    order = sorted(range(1, len(kept)), key=lambda index: (-kept[index].column.drop, -index))
    left_out: list[Column] = []
    for index in order:
        if table_width(kept) <= width:
            break
        left_out.append(fitted[index].column)
        kept = [item for item in kept if item is not fitted[index]]
    return kept, left_out
