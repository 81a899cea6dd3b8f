"""Progress bars for long work (demo, import, export to a file, db copy), on stderr.

A bar is drawn with Rich only when stderr is a terminal, and only once the work
has taken :data:`DELAY` seconds (``ICRM_PROGRESS_DELAY`` overrides it, for
tests): pipes, cron mail and quick commands never see one, and stdout is never
touched. Rich is imported only when a bar is about to appear.

Use::

    with progress_bar("Copying rows", total=n) as bar:
        for batch in batches:
            ...
            bar.advance(len(batch))

``bar`` is a :class:`icrm_cli.progress.Tracker`: pass it to domain code that
takes one, which may call ``bar.stage("Building indexes")`` between stretches.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

DELAY = 1.0
DELAY_ENV = "ICRM_PROGRESS_DELAY"


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _delay() -> float:
    try:
        return max(float(os.environ.get(DELAY_ENV, DELAY)), 0.0)
    except ValueError:
        return DELAY


class ProgressBar:
    """Counts the work done; draws it on ``stream`` once ``delay`` seconds have passed.

    ``enabled=False`` counts and draws nothing (stderr is not a terminal).
    """

    def __init__(
        self,
        label: str,
        total: int | Callable[[], int] | None = None,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.done = label, 0
        self.total: int | Callable[[], int] | None = total
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.delay = _delay() if delay is None else delay
        self.clock = clock
        self.started = clock()
        self.live: Any = None  # the Rich Progress, once shown
        self.task: Any = None

    @property
    def shown(self) -> bool:
        return self.live is not None

    def stage(self, label: str, total: int | None = None) -> None:
        self.label, self.done = label, 0
        self.total = total
        if self.live is not None:
            self.live.update(self.task, description=label, total=total, completed=0)
        else:
            self._maybe_show()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.live is not None:
            self.live.update(self.task, completed=self.done)
        else:
            self._maybe_show()

    def _maybe_show(self) -> None:
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        self.live = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        if callable(self.total):
            self.total = self.total()
        self.task = self.live.add_task(self.label, total=self.total, completed=self.done)
        self.live.start()

    def close(self) -> None:
        if self.live is not None:
            self.live.update(self.task, completed=self.done)
            self.live.stop()
            self.live = None


Total = int | Callable[[], int] | None


@contextmanager
def progress_bar(label: str, total: Total = None, *, enabled: bool | None = None) -> Iterator[ProgressBar]:
    """A bar on stderr for the work inside the block (drawn only on a terminal, after the delay).

    ``total`` may be a function: it is called only when the bar is about to be drawn (a count
    that costs a query is not paid by quick runs)."""
    bar = ProgressBar(label, total, enabled=stderr_is_terminal() if enabled is None else enabled)
    try:
        yield bar
    finally:
        bar.close()
