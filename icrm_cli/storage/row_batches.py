"""Rows streamed to the CSV/JSON writers: the columns' keys and kinds, a count, batches of rows.

The light half of :mod:`icrm_cli.storage.row_stream` (which builds them from
SQLAlchemy statements): what the writers and the plan-based request list need,
without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icrm_cli.storage.split_scan import SplitScan

BATCH = 5000
# Kinds selected as the driver's raw value; the writer converts them.
RAW_KINDS = frozenset({"time", "json", "bool"})
# Kinds SQLite hands over as UTF-8 bytes for CSV (numbers as their decimal text).
UTF8_KINDS = frozenset({"text", "time", "json", "int"})


@dataclass(frozen=True)
class Field:
    """One streamed column: its key (JSON key, CSV header), kind and SQL expression.

    Kinds: ``int``, ``text``, ``time``, ``bool``, ``json``, ``list``. A field whose
    expression is None is filled per batch by an ``enrich`` callback.
    """

    key: str
    kind: str
    expression: Any


class Batches(Iterator[Sequence[Sequence[Any]]]):
    """Batches of rows, read from the cursor as they are consumed.

    :meth:`utf8_text`, called before the first batch, asks for text, time and
    integer columns as the UTF-8 bytes of their text (``CAST(... AS BLOB)``, numbers
    in decimal): a CSV writer then needs neither decoding nor encoding. Only SQLite
    does that here; other databases deliver the usual values.
    """

    def __init__(
        self,
        produce: Callable[[bool], Iterator[list[Sequence[Any]]]],
        can_utf8: bool,
        split: Callable[[bool, int], SplitScan | None] | None = None,
    ) -> None:
        self._produce = produce
        self._can_utf8 = can_utf8
        self._split = split
        self._utf8 = False
        self._rows: Iterator[Sequence[Sequence[Any]]] | None = None

    def utf8_text(self) -> bool:
        """Text columns as UTF-8 bytes from here on; True if the driver does that."""
        if self._rows is None and self._can_utf8:
            self._utf8 = True
        return self._utf8

    @property
    def can_split(self) -> bool:
        """Whether :meth:`split` may give a scan: rows from a plan on SQLite, none read yet."""
        return self._split is not None and self._rows is None

    def split(self, rows: int) -> SplitScan | None:
        """Read in two parts on one snapshot (:mod:`icrm_cli.storage.split_scan`), for about ``rows``
        rows: from here on these batches are the first part, the scan returned reads the rest. None
        when the rows cannot be read that way, or reading has begun; called after :meth:`utf8_text`."""
        if self._rows is not None or self._split is None:
            return None
        scan = self._split(self._utf8, rows)
        if scan is not None:
            self._rows = scan.first()
        return scan

    def __next__(self) -> Sequence[Sequence[Any]]:
        if self._rows is None:
            self._rows = self._produce(self._utf8)
        return next(self._rows)


@dataclass
class RowStream:
    """What a writer needs: the keys and kinds of the columns, a row count, batches of rows."""

    keys: list[str]
    kinds: list[str]
    total: Callable[[], int]
    batches: Batches
