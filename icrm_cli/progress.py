"""How long work reports how far it got, without knowing who is watching.

The domain takes a :class:`Tracker` and calls it as work advances; the command
line passes a progress bar (:func:`icrm_cli.output.progress.progress_bar`), tests
and library callers pass nothing and get :data:`SILENT`.
"""

from __future__ import annotations

from typing import Protocol


class Tracker(Protocol):
    def stage(self, label: str, total: int | None = None) -> None:
        """A new stretch of work: what it is and, when known, how many steps it has."""
        ...

    def advance(self, count: int = 1) -> None:
        """``count`` more steps of the current stage are done."""
        ...


class _Silent:
    def stage(self, label: str, total: int | None = None) -> None:
        return None

    def advance(self, count: int = 1) -> None:
        return None


SILENT: Tracker = _Silent()
