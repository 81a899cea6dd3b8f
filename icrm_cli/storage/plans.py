"""Named queries ("plans"): SQLAlchemy statements that read commands run without loading SQLAlchemy.

A plan names a statement builder (``"module:function"``, written with
SQLAlchemy Core and imported only when the statement is needed) and a *shape*:
a tuple of plain values that picks the statement's form (the number of weeks of
a report, whether a department filter is present). Everything that varies from
run to run is a named bind parameter, passed when the plan runs.

Two readers run plans (see :class:`Reader`):

- :class:`icrm_cli.storage.sqlite_reader.SqliteReader` opens a SQLite file with
  the standard library's ``sqlite3`` and takes the SQL text of each plan from the
  catalog its opener passes in (the domain compiles it from the builders ahead of time;
  a test keeps it in step with them). SQLAlchemy, which costs more to import
  than a report's queries take, is imported only for a plan the catalog lacks.
- :class:`icrm_cli.storage.sa_reader.SqlAlchemyReader` builds the statement and
  runs it through SQLAlchemy: every other database, and code that already holds
  a session.

A :class:`SelectPlan` is a select put together from parts (a base select, any of
several WHERE conditions, an ordering, a LIMIT), for lists with many optional
filters, so that no combination of filters needs a plan of its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.storage.split_scan import SplitScan

BATCH = 5000


@dataclass(frozen=True)
class Plan:
    """A statement builder (``"package.module:function"``) and the shape it is called with."""

    builder: str
    shape: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        """The plan's name in ``compiled_plans.py``: builder and shape (plain values, stable repr)."""
        return f"{self.builder}{self.shape!r}"

    def build(self) -> Any:
        """The SQLAlchemy statement or clause (imports the builder's module, hence SQLAlchemy)."""
        module, _, name = self.builder.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return function(*self.shape)


@dataclass(frozen=True)
class SelectPlan:
    """A select from parts: ``base`` (a Select), ``where`` (conditions), ``order`` (a list of
    order expressions) and, with ``limit``, a ``LIMIT :limit``."""

    base: Plan
    where: tuple[Plan, ...] = ()
    order: Plan | None = None
    limit: bool = False

    def parts(self) -> list[Plan]:
        return [self.base, *self.where, *([self.order] if self.order else [])]


@dataclass(frozen=True)
class Compiled:
    """A plan's SQLite text: named parameters (``:name``; ``__[POSTCOMPILE_name]`` for lists),
    the values bound into the statement itself (in SQLite's stored form), and the kind of each
    result column that needs converting (``time``, ``json``, ``bool``; None: as the driver gives)."""

    sql: str
    constants: Mapping[str, Any] = field(default_factory=dict)
    kinds: tuple[str | None, ...] = ()


@runtime_checkable
class Reader(Protocol):
    """Runs plans on one database, inside one read transaction."""

    dialect: str

    def rows(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """The result rows, typed (aware datetimes, parsed JSON), streamed from the cursor."""
        ...

    def batches(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None, size: int = BATCH
    ) -> Iterator[Sequence[Sequence[Any]]]:
        """The result rows in lists of ``size``, for the export writers. The SQLite reader converts
        nothing here; plans read this way select their columns untyped (see ``row_stream.select_fields``),
        so the SQLAlchemy reader hands over the driver's values too."""
        ...

    def split(self, plan: SelectPlan, params: Mapping[str, Any] | None, rows: int) -> SplitScan | None:
        """The rows of ``plan`` (ordered, without a limit) as a scan two processes share (about
        ``rows`` of them), or None where that cannot be done (another database)."""
        ...

    def session(self) -> AbstractContextManager[Session]:
        """An ORM session on the same database, for the rare path that needs the models."""
        ...


def first(reader: Reader, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None) -> Any:
    """The first column of the first row, or None when there is no row."""
    for row in reader.rows(plan, params):
        return row[0]
    return None
