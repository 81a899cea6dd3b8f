"""Writing exports: CSV (RFC 4180, formula guard, optional BOM) or a JSON array, streamed.

A progress bar goes to stderr only when the export is written to a file and
stderr is a terminal; pipes, cron jobs and tests never see it.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from icrm_cli.output.render import OutputOptions
from icrm_cli.output.sink import open_sink
from icrm_cli.output.values import FORMULA_START, csv_value
from icrm_cli.timeutil import Clock


class TimeText:
    """Stored times as ISO 8601 in the org zone, fast for SQLite's text form.

    ``'2026-11-16 01:30:00.000000'`` (UTC) becomes ``'2026-11-16T09:30:00+08:00'``;
    the local hour and offset are cached per UTC hour. Datetimes (other drivers)
    go through :meth:`Clock.iso`.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cache: dict[str, tuple[str, str] | None] = {}

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return self.clock.iso(value)
        text = str(value)
        hour = text[:13]
        if hour in self.cache:
            cached = self.cache[hour]
        else:
            cached = self._hour(text)
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[hour] = cached
        if cached is None or len(text) < 19:
            return self.clock.iso(datetime.fromisoformat(text).replace(tzinfo=UTC))
        return cached[0] + text[13:19] + cached[1]

    def _hour(self, text: str) -> tuple[str, str] | None:
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


class _Columns:
    """Column-wise conversion of one batch: one comprehension per column instead of a call per cell."""

    def __init__(self, kinds: Sequence[str], clock: Clock, fmt: str) -> None:
        self.kinds = list(kinds)
        self.clock = clock
        self.json = fmt == "json"
        self.times = TimeText(clock)

    def convert(self, batch: Sequence[Sequence[Any]]) -> list[Any]:
        columns: list[Any] = list(zip(*batch, strict=True))
        for index, kind in enumerate(self.kinds):
            if kind != "int":
                columns[index] = self._column(kind, columns[index])
        return columns

    def _column(self, kind: str, values: Sequence[Any]) -> Sequence[Any]:
        clock = self.clock
        if kind == "time":
            return self._times(values)
        if kind == "bool":
            if self.json:
                return [None if v is None else bool(v) for v in values]
            return ["" if v is None else ("true" if v else "false") for v in values]
        if self.json:
            if kind == "json":
                return [json.loads(v) if isinstance(v, str | bytes) else v for v in values]
            if kind == "list":
                return [list(v or []) for v in values]
            return values
        if kind == "list":  # "a; b" like every list in CSV, guarded as a whole
            return [csv_value(v, clock) if v else "" for v in values]
        first = _FIRST
        # The formula guard: csv_value quotes what a spreadsheet would execute.
        return [csv_value(v, clock) if v and (v.__class__ is not str or v[0] in first) else v for v in values]

    def _times(self, values: Sequence[Any]) -> Sequence[Any]:
        times, cache = self.times, self.times.cache
        sample = next((v for v in values if v is not None), None)
        if sample is None:
            return values
        if not isinstance(sample, str) or len(sample) < 19:
            return [times(v) for v in values]
        get = cache.get
        return [
            None if v is None else (h[0] + v[13:19] + h[1] if (h := get(v[:13])) is not None else times(v))
            for v in values
        ]


_FIRST = frozenset(FORMULA_START)


class Progress:
    """A plain-text progress line on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.last = 0.0

    def update(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        share = min(done / self.total, 1.0)
        bar = "█" * int(share * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {done:,}/{self.total:,} {share:4.0%}")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def write_export(
    keys: Sequence[str],
    kinds: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    opts: OutputOptions,
    *,
    total: Callable[[], int] | None = None,
    label: str = "export",
) -> int:
    """Write batches of rows as CSV or a JSON array; returns how many rows were written."""
    progress = None
    if opts.output is not None and str(opts.output) != "-" and total is not None and _stderr_is_terminal():
        progress = Progress(total(), label)
    columns = _Columns(kinds, opts.clock, opts.fmt)
    count = 0
    if opts.fmt == "json":
        with open_sink(opts.output) as stream:
            stream.write("[")
            for batch in batches:
                if not batch:
                    continue
                for values in zip(*columns.convert(batch), strict=True):
                    stream.write("\n  " if count == 0 else ",\n  ")
                    stream.write(json.dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False))
                    count += 1
                if progress is not None:
                    progress.update(count)
            stream.write("\n]\n" if count else "]\n")
    else:
        with open_sink(opts.output, bom=opts.excel, newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(keys)
            for batch in batches:
                if not batch:
                    continue
                writer.writerows(zip(*columns.convert(batch), strict=True))
                count += len(batch)
                if progress is not None:
                    progress.update(count)
    if progress is not None:
        progress.update(count, final=True)
    return count


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
