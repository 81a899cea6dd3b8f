"""CSV lines of a large export made on two cores: this process and one helper process.

Fetching a row from SQLite costs about as much as ``sqlite3 -csv`` takes for the
whole row; turning its times into the org zone and joining the cells costs twice
that again. For a large export the work is shared: this process reads batches from
the database (one connection, one snapshot), hands a batch to the helper while it
has fewer than :data:`IN_FLIGHT` in hand and converts the others itself, and writes
the results in the order read. The helper gets plain rows and returns finished
bytes; it never opens the database, so the export stays one consistent read.

Small exports never start the helper: the first :data:`ALONE_BATCHES` batches are
converted here, and only an export still going after them starts it. Memory stays
flat: at most :data:`WAITING` converted batches wait to be written. If the helper
cannot start or stops, its batches are converted here: the output is the same bytes
either way (tests/test_csv_parallel.py).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from icrm_cli.output.columnar import CsvColumns
from icrm_cli.safe_text import visible_utf8
from icrm_cli.timeutil import Clock

Batch = Sequence[Sequence[Any]]
ALONE_BATCHES = 20  # 100,000 rows at 5,000 a batch: below that, starting a process does not pay
IN_FLIGHT = 3  # batches handed to the helper and not yet back
WAITING = 8  # converted batches waiting for an earlier one (the memory bound)


@dataclass(frozen=True)
class HelperSpec:
    """What the helper needs to convert batches exactly as this process does."""

    kinds: tuple[str, ...]
    zone: tzinfo | None


@dataclass
class Shares:
    """How many batches each side converted (for tests and benchmarks)."""

    here: int = 0
    helper: int = 0


def csv_lines(columns: CsvColumns, batch: Batch) -> bytes:
    """One batch as CSV lines (``\\r\\n`` between them, none after), safe for a terminal."""
    return visible_utf8(b"\r\n".join(map(b",".join, zip(*columns.convert(batch), strict=True))))


def converted(
    batches: Iterable[Batch],
    columns: CsvColumns,
    spec: HelperSpec | None,
    *,
    alone: int = ALONE_BATCHES,
    shares: Shares | None = None,
) -> Iterator[tuple[int, bytes]]:
    """``(rows, CSV lines)`` per non-empty batch, in order; a helper process joins in after
    ``alone`` batches when ``spec`` is given and the machine has a second core."""
    tally = shares if shares is not None else Shares()
    rows = iter(batches)
    while alone > 0:
        batch = next(rows, None)
        if batch is None:
            return
        if batch:
            tally.here += 1
            alone -= 1
            yield len(batch), csv_lines(columns, batch)
    pool = _start_helper(spec) if spec is not None and _cores() > 1 else None
    if pool is None:
        for batch in rows:
            if batch:
                tally.here += 1
                yield len(batch), csv_lines(columns, batch)
        return
    try:
        yield from _shared(rows, columns, pool, tally)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _shared(
    rows: Iterator[Batch], columns: CsvColumns, pool: Executor, tally: Shares
) -> Iterator[tuple[int, bytes]]:
    pending: deque[tuple[Batch, Future[bytes] | bytes]] = deque()
    in_flight = 0
    for batch in rows:
        if not batch:
            continue
        while pending and _ready(pending[0][1]):
            in_flight -= isinstance(pending[0][1], Future)
            yield _result(pending.popleft(), columns, tally)
        if in_flight < IN_FLIGHT:
            pending.append((batch, pool.submit(_convert, batch)))
            in_flight += 1
        else:
            tally.here += 1
            pending.append((batch, csv_lines(columns, batch)))
        while len(pending) > WAITING:
            in_flight -= isinstance(pending[0][1], Future)
            yield _result(pending.popleft(), columns, tally)
    while pending:
        yield _result(pending.popleft(), columns, tally)


def _ready(item: Future[bytes] | bytes) -> bool:
    return not isinstance(item, Future) or item.done()


def _result(
    entry: tuple[Batch, Future[bytes] | bytes], columns: CsvColumns, tally: Shares
) -> tuple[int, bytes]:
    batch, item = entry
    if not isinstance(item, Future):
        return len(batch), item
    try:
        lines = item.result()
    except Exception:  # the helper stopped or failed: this process converts the batch (or raises)
        tally.here += 1
        return len(batch), csv_lines(columns, batch)
    tally.helper += 1
    return len(batch), lines


def _cores() -> int:
    """Cores this process may run on (a container's limit included where the OS says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _start_helper(spec: HelperSpec) -> ProcessPoolExecutor | None:
    """One helper process, started fresh ("spawn": no copy of this process's connections or threads)."""
    try:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_helper_start,
            initargs=(spec,),
        )
    except (OSError, NotImplementedError, ImportError):  # e.g. no POSIX semaphores in a sandbox
        return None


# The helper process's side.

_HELPER_COLUMNS: list[CsvColumns] = []


def _helper_start(spec: HelperSpec) -> None:
    """In the helper: Ctrl-C is the main process's to handle (it then stops the helper)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _HELPER_COLUMNS.append(CsvColumns(spec.kinds, Clock(spec.zone)))


def _convert(batch: Batch) -> bytes:
    return csv_lines(_HELPER_COLUMNS[0], batch)
