"""Writing exports: CSV (RFC 4180, formula guard, optional BOM) or a JSON array, streamed.

The writer behind `report export` and `request list --format csv|json`: rows come
in batches of plain values (see :mod:`icrm_cli.storage.row_stream`) and are
converted a column at a time, which keeps a million-row export fast.

A progress bar (see :mod:`icrm_cli.output.progress`) goes to stderr only when the
export is written to a file, stderr is a terminal and the export takes more than a
second; pipes, cron jobs and tests never see it.
"""

from __future__ import annotations

import csv
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any, BinaryIO, Protocol, TextIO

from icrm_cli.output.columnar import CsvColumns, JsonColumns, TimeText
from icrm_cli.output.progress import progress_bar, stderr_is_terminal
from icrm_cli.output.shapes import OutputOptions
from icrm_cli.output.sink import open_sink
from icrm_cli.safe_text import json_safe, visible_utf8
from icrm_cli.timeutil import Clock

__all__ = ["Rest", "TimeText", "write_export", "write_part"]


def write_export(
    keys: Sequence[str],
    kinds: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    opts: OutputOptions,
    *,
    total: Callable[[], int] | None = None,
    label: str = "export",
    rest: Rest | None = None,
) -> int:
    """Write batches of rows as CSV or a JSON array; returns how many rows were written.

    The one streaming writer behind `report export` and `request list --format csv|json`.
    Batches that can deliver text as UTF-8 bytes (``utf8_text()``, see
    :class:`icrm_cli.storage.row_stream.Batches`) are asked to for CSV; call it before
    splitting them. ``rest``: the rows after ``batches``, written by a helper process
    (:func:`write_part`) or read here.
    """
    to_file = opts.output is not None and str(opts.output) != "-"
    enabled = to_file and total is not None and stderr_is_terminal()
    with progress_bar(f"Writing {label}", total, enabled=enabled) as bar:
        done = 0

        def tick(count: int) -> None:
            nonlocal done
            if enabled:
                bar.advance(count - done)
                done = count

        with _no_cycle_collection():
            if opts.fmt != "json":
                utf8_text = getattr(batches, "utf8_text", None)
                if callable(utf8_text):
                    utf8_text()  # text as the UTF-8 bytes the file holds: no decoding, no encoding
            count = _write(keys, _Encoder(opts.fmt, keys, kinds, opts.clock), batches, opts, tick, rest)
    return count


class Rest(Protocol):
    """The rows after the first part of an export: written by a helper process, or read here."""

    def written(self) -> tuple[BinaryIO, int] | None:
        """The helper's finished output (:func:`write_part`) and its row count, or None when
        :meth:`batches` must be written here instead."""
        ...

    def batches(self) -> Iterable[Sequence[Sequence[Any]]]:
        """The rest of the rows, read in this process."""
        ...


def write_part(
    fmt: str,
    keys: Sequence[str],
    kinds: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    clock: Clock,
    out: BinaryIO,
) -> int:
    """In a helper process: the rows of the rest of an export, as UTF-8 bytes that follow the first
    part's rows (no header, no brackets; JSON objects joined by ``,``); returns how many."""
    with _no_cycle_collection():
        return _write_rows(_Encoder(fmt, keys, kinds, clock), batches, out.write, 0, lambda count: None)


class _Encoder:
    """A batch of rows as export bytes: CSV lines (each ending CR LF) or JSON objects, which a
    ``separator`` goes between (and a ``lead`` before the first of the array)."""

    def __init__(self, fmt: str, keys: Sequence[str], kinds: Sequence[str], clock: Clock) -> None:
        self.json = fmt == "json"
        self.keys = keys
        self.lead, self.separator, self.tail = (b"\n  ", b",\n  ", b"") if self.json else (b"", b"", b"\r\n")
        self.csv_columns = CsvColumns(kinds, clock)
        self.json_columns = JsonColumns(kinds, clock)
        self.encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False)

    def __call__(self, batch: Sequence[Sequence[Any]]) -> bytes:
        if self.json:
            objects = map(
                dict, map(zip, repeat(self.keys), zip(*self.json_columns.convert(batch), strict=True))
            )
            return json_safe(",\n  ".join(map(self.encode, objects))).encode()
        cells = self.csv_columns.convert(batch)
        return visible_utf8(b"\r\n".join(map(b",".join, zip(*cells, strict=True))))


def _write_rows(
    encoder: _Encoder,
    batches: Iterable[Sequence[Sequence[Any]]],
    write: Callable[[bytes], object],
    count: int,
    tick: Callable[[int], None],
    lead: bytes = b"",
) -> int:
    """Write the batches after ``count`` rows (``lead`` before the very first); the new count."""
    for batch in batches:
        if batch:
            write(lead if count == 0 else encoder.separator)
            write(encoder(batch))
            write(encoder.tail)
            count += len(batch)
            tick(count)
    return count


def _write(
    keys: Sequence[str],
    encoder: _Encoder,
    batches: Iterable[Sequence[Sequence[Any]]],
    opts: OutputOptions,
    tick: Callable[[int], None],
    rest: Rest | None,
) -> int:
    """The header (CSV, after the BOM if any) or the opening bracket, the rows, the rest, the end."""
    with open_sink(opts.output, bom=opts.excel and not encoder.json, newline="") as stream:
        if encoder.json:
            stream.write("[")
        else:
            csv.writer(stream, lineterminator="\r\n").writerow(keys)
        write = _byte_writer(stream)
        count = _write_rows(encoder, batches, write, 0, tick, encoder.lead)
        done = rest.written() if rest is not None else None
        if done is not None and done[1]:
            write(encoder.lead if count == 0 else encoder.separator)
            _copy(done[0], write)
            count += done[1]
            tick(count)
        elif done is None and rest is not None:
            count = _write_rows(encoder, rest.batches(), write, count, tick, encoder.lead)
        if encoder.json:
            write(b"\n]\n" if count else b"]\n")
    return count


def _copy(source: BinaryIO, write: Callable[[bytes], object]) -> None:
    """Append a helper's output; each piece ends at a line end, so never inside a character."""
    while chunk := source.read(_CHUNK):
        write(chunk + source.readline())


_CHUNK = 1 << 20


def _byte_writer(stream: TextIO) -> Callable[[bytes], object]:
    """Write UTF-8 bytes after what was written as text: straight to the binary buffer."""
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None or (getattr(stream, "encoding", "") or "").lower().replace("-", "") not in (
        "utf8",
        "utf8sig",
    ):
        return lambda data: stream.write(data.decode())
    return buffer.write  # type: ignore[no-any-return]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: an export makes millions of short-lived tuples
    and no reference cycles, so its passes would only rescan them (a few percent of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
