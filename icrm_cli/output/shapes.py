"""What every renderer takes: column specs, sub-table sections and the output options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icrm_cli.errors import InvalidValueError
from icrm_cli.output.sink import colour_allowed
from icrm_cli.timeutil import Clock

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One output column: ``key`` is the JSON key and CSV header."""

    key: str
    header: str | None = None
    kind: str = "text"  # text, int, float, time, bool, list
    in_table: bool = True
    justify: str = "left"
    # When a table is too wide for the terminal, columns with the highest ``drop`` go first, then
    # the others from the right; the first column stays. 0: no rank of its own.
    drop: int = 0

    @property
    def label(self) -> str:
        return self.header or self.key.replace("_", " ")


@dataclass(frozen=True)
class Section:
    """A titled sub-table shown under a record (e.g. a request's events)."""

    key: str
    title: str
    rows: Sequence[Row]
    columns: Sequence[Column]


@dataclass
class OutputOptions:
    fmt: str = "table"
    output: Path | None = None
    excel: bool = False
    clock: Clock = field(default_factory=Clock)

    @property
    def colour(self) -> bool:
        return colour_allowed(self.output)

    def check(self, allowed: Sequence[str]) -> None:
        if self.fmt not in allowed:
            raise InvalidValueError(
                f"format {self.fmt!r} is not available here; use one of {', '.join(allowed)}"
            )
