"""Plans run on a SQLite file with the standard library's ``sqlite3``: no SQLAlchemy on the read path.

The SQL text of a plan comes from the catalog the opener passes in (compiled from the
SQLAlchemy builders ahead of time); a plan it lacks is compiled on first
use. Parameters and results are converted the way SQLAlchemy's types convert
them on SQLite (see ``storage/sqlite_values.py`` and :data:`CONVERT`), so both
readers give the same rows. A select plan's parts are put together here, as text
(see :meth:`SqliteReader.compiled`). A database that is missing, not yet current or
not in WAL mode is left to the usual SQLAlchemy path first
(:func:`icrm_cli.storage.readers.open_reader`), which creates, upgrades or switches
it; one the driver cannot read at all (not a database, locked) is reported here,
with the same messages.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icrm_cli.storage.db_errors import BUSY_TIMEOUT_MS, driver_error
from icrm_cli.storage.plans import BATCH, Compiled, Plan, SelectPlan
from icrm_cli.storage.schema_names import RECORD_TABLE, check_not_newer, shipped_names
from icrm_cli.storage.split_scan import SplitScan, open_split
from icrm_cli.storage.sqlite_values import read_time, stored_time

if TYPE_CHECKING:
    from sqlmodel import Session

_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")
_EMPTY_IN = "SELECT 1 WHERE 1 != 1"  # what an empty list is IN: nothing (also right for NOT IN)


def _read_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _read_json(value: Any) -> Any:
    return None if value is None else json.loads(value)


CONVERT: dict[str, Callable[[Any], Any]] = {"time": read_time, "json": _read_json, "bool": _read_bool}


def _parameter(value: Any) -> Any:
    if isinstance(value, datetime):
        return stored_time(value)
    return value


def bind(compiled: Compiled, params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The statement's text and parameters for ``sqlite3``: lists expanded, times in stored form."""
    values = {**compiled.constants, **(params or {})}
    bound: dict[str, Any] = {}
    lists: set[str] = set()

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        items = list(values[name])
        lists.add(name)
        if not items:
            return _EMPTY_IN
        for index, item in enumerate(items):
            if isinstance(item, tuple):
                raise TypeError(f"{name!r}: lists of tuples (tuple IN) are not supported on the light path")
            bound[f"{name}__{index}"] = _parameter(item)
        return ", ".join(f":{name}__{index}" for index in range(len(items)))

    sql = _POSTCOMPILE.sub(expand, compiled.sql) if "__[POSTCOMPILE_" in compiled.sql else compiled.sql
    for name, value in values.items():
        if name not in lists:
            bound[name] = _parameter(value)
    return sql, bound


# The SQLite text of the shipped plans, by plan key; the caller of ``open`` passes it in (storage
# does not know which domain modules ship plans: the caller passes them in).
Catalog = Callable[[], Mapping[str, Compiled]]


def _no_catalog() -> Mapping[str, Compiled]:
    return {}


class SqliteReader:
    """A :class:`~icrm_cli.storage.plans.Reader` on a SQLite file, in one read transaction."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, target: str, catalog: Catalog = _no_catalog) -> None:
        self.connection = connection
        self.target = target
        self.catalog = catalog
        self._compiled: dict[Any, Compiled] = {}

    @classmethod
    def open(cls, path: Path, target: str, catalog: Catalog = _no_catalog) -> SqliteReader | None:
        """A reader on an existing, current icrm database in WAL mode; None when the usual path must
        handle it first (create, upgrade, switch to WAL) or instead (a file it cannot switch)."""
        if not path.is_file() or not os.access(path, os.R_OK):
            return None
        try:
            # An absolute name, as SQLAlchemy passes it: a relative "file:x.db" is not taken as a URI.
            connection = sqlite3.connect(
                path.absolute(), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error:
            return None
        try:
            mode = connection.execute("PRAGMA journal_mode").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                # Other journal modes make readers and writers wait for each other (and the ORM
                # connection of a name lookup for this one); the usual path switches the file.
                connection.close()
                return None
            connection.execute("PRAGMA query_only = ON")
            connection.execute("BEGIN")  # one snapshot for every query of the command
            done = [row[0] for row in connection.execute(f"SELECT name FROM {RECORD_TABLE}")]
        except sqlite3.OperationalError as exc:
            connection.close()
            if str(exc).startswith("no such table"):
                return None  # a new or foreign file: the usual path sets it up or says what is wrong
            raise driver_error(exc, target) from None
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise driver_error(exc, target) from None
        shipped = shipped_names()
        try:
            check_not_newer(done, shipped)
        except BaseException:
            connection.close()
            raise
        if not set(shipped) <= set(done):
            connection.close()
            return None  # to be upgraded first
        return cls(connection, target, catalog)

    def close(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()

    def compiled(self, plan: Plan | SelectPlan) -> Compiled:
        """The SQLite text of a plan: shipped, or compiled now (importing SQLAlchemy)."""
        found = self._compiled.get(plan)
        if found is None:
            found = self._compiled[plan] = self._compile(plan)
        return found

    def _part(self, plan: Plan, part: str) -> Compiled:
        shipped = self.catalog().get(plan.key)
        if shipped is not None:
            return shipped
        from icrm_cli.storage.plan_compiler import compile_plan

        return compile_plan(plan, part)

    def _compile(self, plan: Plan | SelectPlan) -> Compiled:
        if isinstance(plan, Plan):
            return self._part(plan, "statement")
        base = self._part(plan.base, "base")
        parts = [self._part(where, "where") for where in plan.where]
        sql = base.sql
        if parts:
            sql += "\nWHERE " + " AND ".join(part.sql for part in parts)
        if plan.order is not None:
            order = self._part(plan.order, "order")
            parts.append(order)
            sql += " ORDER BY " + order.sql
        if plan.limit:
            sql += "\n LIMIT :limit"
        constants = dict(base.constants)
        for part in parts:
            for name, value in part.constants.items():
                if constants.setdefault(name, value) != value:
                    raise RuntimeError(f"plan parts bind {name!r} to different values: {plan!r}")
        return Compiled(sql=sql, constants=constants, kinds=base.kinds)

    def _execute(self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None) -> sqlite3.Cursor:
        sql, bound = bind(self.compiled(plan), params)
        try:
            return self.connection.execute(sql, bound)
        except sqlite3.DatabaseError as exc:
            raise driver_error(exc, self.target) from None

    def rows(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        kinds = self.compiled(plan).kinds
        converters = [(index, CONVERT[kind]) for index, kind in enumerate(kinds) if kind is not None]
        cursor = self._execute(plan, params)
        while batch := cursor.fetchmany(BATCH):
            if not converters:
                yield from batch
                continue
            for row in batch:
                values = list(row)
                for index, convert in converters:
                    values[index] = convert(values[index])
                yield tuple(values)

    def batches(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None, size: int = BATCH
    ) -> Iterator[Sequence[Sequence[Any]]]:
        cursor = self._execute(plan, params)
        while batch := cursor.fetchmany(size):
            yield batch

    def split(self, plan: SelectPlan, params: Mapping[str, Any] | None, rows: int) -> SplitScan | None:
        """The rows of ``plan`` (ordered, without a limit) in two parts on one snapshot, for an export
        written by two processes; None for a plan with a limit or a file without a name."""
        if plan.limit or plan.order is None:
            return None
        files = {row[1]: row[2] for row in self.connection.execute("PRAGMA database_list")}
        if not files.get("main"):
            return None
        sql, bound = bind(self.compiled(plan), params)
        return open_split(files["main"], sql, bound, rows)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session on the same file (imports SQLAlchemy and the models)."""
        from icrm_cli.storage.engine import open_database

        database = open_database(self.target)
        try:
            with database.session() as session:
                yield session
        finally:
            database.close()
