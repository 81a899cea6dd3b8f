"""``icrm db copy``: the whole database in use into an empty target, either kind, ids kept.

One read transaction on the source (a consistent snapshot), one write
transaction on the target: the copy is all or nothing, and a target file this
copy created is removed again when it fails. Rows are streamed in batches, so
memory does not grow with the size of a table: PostgreSQL takes them through
``COPY ... FROM STDIN``, SQLite through ``executemany`` with values converted
once into the text SQLAlchemy stores. Afterwards every table's row count is
checked against the source's, id sequences are moved past the copied ids and
a PostgreSQL target's tables are analysed for its planner.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Integer, Table, func, insert, select
from sqlalchemy.engine import Connection

from icrm_cli.errors import ConflictError, DatabaseError, InvalidValueError
from icrm_cli.storage.dialect import (
    IMMEDIATE,
    defer_foreign_keys,
    gather_statistics,
    move_sequence,
    snapshot,
)
from icrm_cli.storage.engine import Database, open_database
from icrm_cli.storage.targets import database_url, shown, sqlite_path
from icrm_cli.storage.types import UTCDateTime, to_utc

BATCH = 5000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def icrm_tables() -> list[Table]:
    """icrm's tables, each after the tables it points to."""
    from sqlmodel import SQLModel

    import icrm_cli.storage.models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.sorted_tables)


def _same(source: Database, url: str) -> bool:
    mine, theirs = sqlite_path(source.url), sqlite_path(url)
    if mine is not None and theirs is not None:
        with suppress(OSError):
            return mine.resolve() == theirs.resolve()
    return source.url == url


def copy_database(source: Database, target: str, progress: Progress | None = None) -> list[Copied]:
    """Copy every icrm table of ``source`` into ``target`` (created or upgraded, and empty)."""
    url = database_url(target)
    if _same(source, url):
        raise InvalidValueError("db copy needs another database than the one in use")
    path = sqlite_path(url)
    try:
        created = path is not None and not path.exists()
    except OSError as exc:  # a name too long, a loop of links
        raise DatabaseError(f"cannot use database path {str(path)!r}: {exc.strerror or exc}") from None
    try:
        destination = open_database(target, create=True)
    except BaseException:
        if created and path is not None:
            _remove_sqlite(path)
        raise
    try:
        return _copy(source, destination, progress)
    except BaseException as exc:
        destination.close()
        if created and path is not None:
            _remove_sqlite(path)
        if isinstance(exc, DatabaseError | ConflictError | InvalidValueError):
            raise
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from icrm_cli.storage.engine import translate

            raise translate(exc, shown(target)) from None
        raise
    finally:
        destination.close()


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _copy(source: Database, destination: Database, progress: Progress | None) -> list[Copied]:
    tables = icrm_tables()
    copied: list[Copied] = []
    with (
        source.engine.connect() as raw,
        destination.engine.execution_options(**{IMMEDIATE: True}).begin() as dst,
    ):
        src = snapshot(raw)
        with src.begin():
            for table in tables:
                if dst.execute(select(1).select_from(table).limit(1)).first() is not None:
                    raise ConflictError(
                        f"{destination.target} already holds icrm data (table {table.name}); "
                        "db copy needs an empty database"
                    )
            defer_foreign_keys(dst)
            for table in tables:
                expected = int(src.execute(select(func.count()).select_from(table)).scalar_one())
                written = _copy_table(src, dst, table, progress)
                found = int(dst.execute(select(func.count()).select_from(table)).scalar_one())
                if not written == found == expected:
                    raise DatabaseError(
                        f"copy of table {table.name} is incomplete: {expected} rows in the source, "
                        f"{found} in the target; nothing was copied"
                    )
                if serial_id(table):
                    move_sequence(dst, table.name)
                copied.append(Copied(table.name, found))
            gather_statistics(dst, [c.table for c in copied])
    return copied


def serial_id(table: Table) -> bool:
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and isinstance(keys[0].type, Integer)


def _batches(src: Connection, table: Table) -> Iterator[Sequence[Sequence[Any]]]:
    statement = select(*table.columns).order_by(*table.primary_key.columns)
    result = src.execution_options(yield_per=BATCH).execute(statement)
    if table.name == "department":  # parents first: PostgreSQL checks each row's foreign key at once
        yield _parents_first([tuple(row) for row in result], [c.name for c in table.columns])
        return
    yield from result.partitions()


def _parents_first(rows: list[tuple[Any, ...]], names: list[str]) -> list[tuple[Any, ...]]:
    code, parent = names.index("code"), names.index("parent")
    placed: set[Any] = set()
    ordered: list[tuple[Any, ...]] = []
    waiting = rows
    while waiting:
        ready = [row for row in waiting if row[parent] is None or row[parent] in placed]
        if not ready:  # a cycle or a dangling parent: let the database say what is wrong
            ready = waiting
        placed.update(row[code] for row in ready)
        ordered.extend(ready)
        waiting = [row for row in waiting if row[code] not in placed]
    return ordered


def _copy_table(src: Connection, dst: Connection, table: Table, progress: Progress | None) -> int:
    write = _writer(dst, table)
    total = 0
    for batch in _batches(src, table):
        if batch:
            write(batch)
            total += len(batch)
            if progress is not None:
                progress(len(batch))
    return total


def _writer(dst: Connection, table: Table) -> Callable[[Sequence[Sequence[Any]]], None]:
    names = [column.name for column in table.columns]
    if dst.dialect.name == "postgresql":
        return _postgres_writer(dst, table, names)
    if dst.dialect.name == "sqlite":
        return _sqlite_writer(dst, table, names)

    def generic(batch: Sequence[Sequence[Any]]) -> None:
        dst.execute(insert(table), [dict(zip(names, row, strict=True)) for row in batch])

    return generic


def _converters(table: Table, time: Callable[[datetime], Any]) -> list[tuple[int, Callable[[Any], Any]]]:
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(table.columns):
        if isinstance(column.type, UTCDateTime):
            found.append((index, time))
        elif isinstance(column.type, JSON):
            found.append((index, json.dumps))
    return found


def _convert(
    batch: Sequence[Sequence[Any]], converters: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[list[Any]]:
    for row in batch:
        cells = list(row)
        for index, convert in converters:
            if cells[index] is not None:
                cells[index] = convert(cells[index])
        yield cells


def _sqlite_time(moment: datetime) -> str:
    """SQLAlchemy's stored form of a ``UTCDateTime`` on SQLite."""
    return to_utc(moment).replace(tzinfo=None).isoformat(" ", timespec="microseconds")


def _sqlite_writer(
    dst: Connection, table: Table, names: list[str]
) -> Callable[[Sequence[Sequence[Any]]], None]:
    converters = _converters(table, _sqlite_time)
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        table.name, ", ".join(f'"{n}"' for n in names), ", ".join("?" for _ in names)
    )

    def write(batch: Sequence[Sequence[Any]]) -> None:
        dst.exec_driver_sql(sql, [tuple(cells) for cells in _convert(batch, converters)])

    return write


def _postgres_writer(
    dst: Connection, table: Table, names: list[str]
) -> Callable[[Sequence[Sequence[Any]]], None]:
    converters = _converters(table, to_utc)
    sql = 'COPY "{}" ({}) FROM STDIN'.format(table.name, ", ".join(f'"{n}"' for n in names))
    driver = dst.connection.driver_connection
    if driver is None:
        raise DatabaseError("the database connection is closed")

    def write(batch: Sequence[Sequence[Any]]) -> None:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for cells in _convert(batch, converters):
                copy.write_row(cells)

    return write
