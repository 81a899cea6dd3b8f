"""Column-at-a-time conversion of row batches for the streaming CSV and JSON writers.

A batch of rows (tuples of driver values) is turned into columns, each column is
converted with C-level maps or one comprehension instead of a call per cell, and
the writer joins the columns back into lines. CSV cells come out as finished
UTF-8 bytes (formula guard, RFC 4180 quoting exactly as ``csv.writer`` with
``QUOTE_MINIMAL``, None as empty), so no per-row ``csv.writer`` call and no text
encoding is needed; JSON columns hold JSON-ready values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from icrm_cli.output.values import FORMULA_START, csv_value
from icrm_cli.timeutil import Clock

_HOUR = itemgetter(slice(0, 13))  # '2026-11-16 01' of '2026-11-16 01:30:00.000000'
_SECONDS = itemgetter(slice(13, 19))  # ':30:00'
_ISO_LENGTH = 25  # '2026-11-16T09:30:00+08:00'


class _Hours(dict[Any, Any]):
    """UTC hour (``'2026-11-16 01'``, str or bytes) -> (local hour, offset) or None, computed on first use."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, hour: Any) -> Any:
        if len(self) > 200_000:
            self.clear()
        found = self[hour] = self.compute(hour)
        return found


class TimeText:
    """Stored times as ISO 8601 in the org zone, fast for SQLite's text form.

    ``'2026-11-16 01:30:00.000000'`` (UTC) becomes ``'2026-11-16T09:30:00+08:00'``;
    the local hour and offset are cached per UTC hour, so a value costs two
    slices and a join. Datetimes (other drivers) go through :meth:`Clock.iso`.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cache = _Hours(self._hour)
        self.utf8_cache = _Hours(self._utf8_hour)

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return self.clock.iso(value)
        text = value.decode() if isinstance(value, bytes) else str(value)
        cached: tuple[str, str] | None = self.cache[text[:13]]
        if cached is None or len(text) < 19:
            return self.clock.iso(datetime.fromisoformat(text).replace(tzinfo=UTC))
        return cached[0] + text[13:19] + cached[1]

    def column(self, values: Sequence[Any], empty: str | None) -> list[Any]:
        """A whole column as text, None as ``empty``."""
        return _each_present(values, empty, self._texts, self)

    def utf8_column(self, values: Sequence[Any]) -> list[bytes]:
        """A whole column as UTF-8 CSV cells, None as empty."""
        return _each_present(values, b"", self._utf8_texts, self._utf8_cell)

    def _texts(self, values: Sequence[Any]) -> list[str] | None:
        if values[0].__class__ is not str:
            return None
        return _iso_texts(values, self.cache, str.join)

    def _utf8_texts(self, values: Sequence[Any]) -> list[bytes] | None:
        if values[0].__class__ is bytes:
            return _iso_texts(values, self.utf8_cache, bytes.join)
        texts = self._texts(values)
        return None if texts is None else list(map(str.encode, texts))

    def _utf8_cell(self, value: Any) -> bytes:
        return str(self(value)).encode()

    def _hour(self, text: str) -> tuple[str, str] | None:
        """The local hour and offset of the UTC hour ``text[:13]``; None for part-hour offsets."""
        try:
            moment = datetime.fromisoformat(text[:13] + ":00:00").replace(tzinfo=UTC)
        except ValueError:
            return None
        local = self.clock.local(moment)
        offset = local.utcoffset() or timedelta(0)
        if offset.total_seconds() % 3600:
            return None
        zone = local.strftime("%z")
        return local.strftime("%Y-%m-%dT%H"), zone[:3] + ":" + zone[3:]

    def _utf8_hour(self, hour: bytes) -> tuple[bytes, bytes] | None:
        try:
            found = self._hour(hour.decode())
        except UnicodeDecodeError:
            return None
        return None if found is None else (found[0].encode(), found[1].encode())


def _iso_texts(values: Sequence[Any], cache: _Hours, join: Callable[[Any, Any], Any]) -> list[Any] | None:
    """``local hour + ':MM:SS' + offset`` per value, or None when the fast form does not apply."""
    try:
        # join(':MM:SS', (local hour, offset)); a TypeError when a value is of another type
        # or its zone offset is not whole hours (no cached pair).
        texts = list(map(join, map(_SECONDS, values), map(cache.__getitem__, map(_HOUR, values))))
    except TypeError:
        return None
    # Each is 'YYYY-MM-DDTHH' + ':MM:SS' + '+HH:MM'; a shorter one came from a shorter value.
    empty = texts[0][:0]
    return texts if len(empty.join(texts)) == _ISO_LENGTH * len(texts) else None


def _each_present(
    values: Sequence[Any],
    empty: Any,
    fast: Callable[[Sequence[Any]], list[Any] | None],
    slow: Callable[[Any], Any],
) -> list[Any]:
    """``fast`` over the values that are not None (``slow`` per value where it declines)."""
    converted = fast(values)  # declines at the first None
    if converted is not None:
        return converted
    present = values
    if None in values:
        if values.count(None) == len(values):
            return [empty] * len(values)
        present = [v for v in values if v is not None]
        converted = fast(present)
    if converted is None:
        return [empty if v is None else slow(v) for v in values]
    done = iter(converted)
    return [empty if v is None else next(done) for v in values]


class JsonColumns:
    """Columns of JSON-ready values: times as ISO text, booleans, parsed JSON, lists."""

    def __init__(self, kinds: Sequence[str], clock: Clock) -> None:
        self.kinds = list(kinds)
        self.times = TimeText(clock)

    def convert(self, batch: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        columns: list[Sequence[Any]] = list(zip(*batch, strict=True))
        return [self._column(kind, values) for kind, values in zip(self.kinds, columns, strict=True)]

    def _column(self, kind: str, values: Sequence[Any]) -> Sequence[Any]:
        if kind == "time":
            return self.times.column(values, None)
        if kind == "bool":
            return [None if v is None else bool(v) for v in values]
        if kind == "json":
            return [json.loads(v) if isinstance(v, str | bytes) else v for v in values]
        if kind == "list":
            return [list(v or []) for v in values]
        return values


class CsvColumns:
    """Columns of finished CSV cells as UTF-8 bytes: join each row with ``b","``."""

    def __init__(self, kinds: Sequence[str], clock: Clock) -> None:
        self.kinds = list(kinds)
        self.clock = clock
        self.times = TimeText(clock)

    def convert(self, batch: Sequence[Sequence[Any]]) -> list[Sequence[bytes]]:
        columns: list[Sequence[Any]] = list(zip(*batch, strict=True))
        cells = [self._column(kind, values) for kind, values in zip(self.kinds, columns, strict=True)]
        if len(cells) == 1:  # csv.writer's rule: a row of one empty cell is written as ""
            cells[0] = [v if v else b'""' for v in cells[0]]
        return cells

    def _column(self, kind: str, values: Sequence[Any]) -> Sequence[bytes]:
        if kind == "time":
            return self.times.utf8_column(values)
        if kind == "bool":
            return [b"" if v is None else (b"true" if v else b"false") for v in values]
        cells: Sequence[Any] = values
        joined = _joined(cells)  # SQLite's UTF-8 text (and numbers as text) joins as it is
        if joined is None:  # None, numbers or str among the values
            if None in cells:
                if cells.count(None) == len(cells):  # e.g. a column nobody has filled in yet
                    return [b""] * len(cells)
                cells = [b"" if v is None else v for v in cells]
            if kind == "int":  # numbers are written as str() gives them, never guarded
                cells = _int_cells(cells)
            elif str in set(map(type, cells)):  # text from a driver other than SQLite's
                cells = [v.encode() if v.__class__ is str else v for v in cells]
            joined = _joined(cells)
        if kind != "int" and (joined is None or joined[:1] in _FIRST or _GUARDED(joined)):
            cell, first = self._cell, _FIRST_BYTES
            # The formula guard: csv_value quotes what a spreadsheet would execute.
            cells = [v if v.__class__ is bytes and v and v[0] not in first else cell(v) for v in cells]
            joined = _SEP.join(cells)
        if joined is not None and b"\r" in joined and _LONE_CR(joined):
            # A carriage return outside a Windows line end is shown, as visible_csv shows it.
            cells = [_LONE_CR_SUB(rb"\\x0d", v) if b"\r" in v else v for v in cells]
            joined = _SEP.join(cells)
        if joined is not None and (b'"' in joined or b"," in joined or b"\n" in joined or b"\r" in joined):
            return [_quote(v) if _NEEDS_QUOTES(v) else v for v in cells]
        return cells

    def _cell(self, value: Any) -> bytes:
        if isinstance(value, bytes):
            value = value.decode()
        if value is None or (isinstance(value, list | tuple) and not value):
            return b""
        return str(csv_value(value, self.clock)).encode()


def _joined(cells: Sequence[Any]) -> bytes | None:
    """All cells in one string when all are bytes: one C-level scan finds what needs a closer look."""
    try:
        return _SEP.join(cells)
    except TypeError:
        return None


_SMALL_INTS = {number: str(number).encode() for number in range(10_000)}


def _int_cells(values: Sequence[Any]) -> list[bytes]:
    """``str(value)`` as bytes; small counts come from a table, bytes stay as they are."""
    try:
        return list(map(_SMALL_INTS.__getitem__, values))
    except (KeyError, TypeError):
        return [v if v.__class__ is bytes else str(v).encode() for v in values]


def _quote(cell: bytes) -> bytes:
    return b'"' + cell.replace(b'"', b'""') + b'"'


_SEP = b"\x00"
_FIRST = frozenset(char.encode() for char in FORMULA_START)
_FIRST_BYTES = frozenset(ord(char) for char in FORMULA_START)  # bytes[0] is an int
# A cell after the first one that starts like a formula (false alarms only cost the slow path).
_GUARDED = re.compile(_SEP + b"[" + re.escape("".join(FORMULA_START).encode()) + b"]").search
_NEEDS_QUOTES = re.compile(b'[",\r\n]').search  # csv.writer's QUOTE_MINIMAL with "\r\n" lines
_LONE_CR = re.compile(rb"\r(?!\n)").search  # a carriage return that does not start a Windows line end
_LONE_CR_SUB = re.compile(rb"\r(?!\n)").sub
