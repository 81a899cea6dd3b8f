"""Open a :class:`~icrm_cli.storage.plans.Reader` on a ``--db`` target: the light one when it can serve."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from icrm_cli.storage.db_errors import driver_error, value_error
from icrm_cli.storage.plans import Reader
from icrm_cli.storage.sqlite_reader import Catalog, SqliteReader
from icrm_cli.storage.targets import database_url, sqlite_path


def _light(target: str, catalog: Catalog) -> SqliteReader | None:
    path = sqlite_path(database_url(target))
    return None if path is None else SqliteReader.open(path, target, catalog)


@contextmanager
def open_reader(target: str, catalog: Catalog) -> Iterator[Reader]:
    """One read transaction on ``target``.

    A current SQLite file is read with :class:`SqliteReader` (no SQLAlchemy), which takes
    the SQL text of shipped plans from ``catalog``.
    Anything else goes through :func:`~icrm_cli.storage.engine.open_database`
    first, which creates or upgrades the database or reports why it cannot; a
    SQLite file is then read with the light reader all the same, any other
    database through SQLAlchemy.
    """
    reader = _light(target, catalog)
    if reader is not None:
        with _light_errors(reader):
            yield reader
        return
    from icrm_cli.storage.engine import open_database
    from icrm_cli.storage.sa_reader import SqlAlchemyReader

    database = open_database(target)
    try:
        # Now created, upgraded and in WAL mode if it can be: the light reader may take it after all.
        reader = _light(target, catalog) if database.engine.dialect.name == "sqlite" else None
        if reader is not None:
            with _light_errors(reader):
                yield reader
            return
        with database.reading() as conn:
            yield SqlAlchemyReader(conn)
    finally:
        database.close()


@contextmanager
def _light_errors(reader: SqliteReader) -> Iterator[None]:
    """Close the reader at the end; driver errors and bad values in the block as the usual path has them."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise driver_error(exc, reader.target) from None
    except (OverflowError, UnicodeEncodeError) as exc:
        plain = value_error(exc)
        raise (plain or exc) from None
    finally:
        reader.close()


def as_reader(executor: Any) -> Reader:
    """``executor`` if it is a :class:`Reader`, else a SQLAlchemy session or connection wrapped in one."""
    if isinstance(executor, Reader):
        return executor
    from icrm_cli.storage.sa_reader import SqlAlchemyReader

    return SqlAlchemyReader(executor)
