"""Engine and session set-up for one database target.

Nothing here runs at import time: :func:`open_database` builds the engine for
the target the user chose, upgrades its schema and hands out sessions. SQLite
gets foreign keys, WAL, a busy timeout and write transactions that take the
write lock at their start (``BEGIN IMMEDIATE``), so concurrent writers queue
instead of failing half-way; PostgreSQL gets the same through an advisory lock
(see :mod:`icrm_cli.storage.dialect`). A :class:`Database` shows its target
without the password of a URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, ProgrammingError

from icrm_cli.errors import DatabaseError
from icrm_cli.storage.db_errors import BUSY_TIMEOUT_MS, driver_error, value_error
from icrm_cli.storage.dialect import IMMEDIATE, connect_args, install_postgres_hooks, require_driver
from icrm_cli.storage.targets import database_url, shown, sqlite_path

if TYPE_CHECKING:
    from sqlmodel import Session

_IMMEDIATE = IMMEDIATE


def _prepare_sqlite_file(path: Path) -> None:
    """Refuse unusable paths with a clear message; create a new file owner-only (0600)."""
    if path.is_dir():
        raise DatabaseError(f"database path {str(path)!r} is a directory, not a file")
    if not path.parent.exists():
        raise DatabaseError(
            f"cannot create database {str(path)!r}: directory {str(path.parent)!r} does not exist"
        )
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseError(f"cannot read database {str(path)!r}: permission denied")
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseError(f"cannot create database {str(path)!r}: {exc.strerror}") from None
    os.close(fd)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() != "wal":
                with suppress(Exception):  # read-only files keep their mode; reads still work
                    cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(target: str) -> Engine:
    """Build (but do not connect) the engine for a path or URL."""
    url = database_url(target)
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path)
    require_driver(url)
    try:
        engine = create_engine(url, connect_args=connect_args(url))
    except Exception as exc:  # bad URL, unknown dialect
        raise DatabaseError(f"cannot use database {shown(target)!r}: {shown(str(exc))}") from None
    if engine.dialect.name == "sqlite":
        _install_sqlite_hooks(engine)
    elif engine.dialect.name == "postgresql":
        install_postgres_hooks(engine)
    return engine


def translate(exc: DBAPIError, target: str | None = None) -> DatabaseError:
    """A driver error as a one-line message for the user."""
    return driver_error(getattr(exc, "orig", None) or exc, target)


@dataclass
class Database:
    """An open database target: its engine and where it points.

    ``target`` is the target as it may be shown (no password); ``url`` the real one.
    """

    target: str
    engine: Engine
    url: str

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction. ``write=True`` takes the write lock at its start.

        Commits when the block ends, rolls everything back on any error, and
        turns driver errors into :class:`DatabaseError`.
        """
        from sqlmodel import Session  # the ORM: only for commands that need it

        bind = self.engine.execution_options(**{_IMMEDIATE: True}) if write else self.engine
        session = Session(bind=bind, expire_on_commit=False)
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except BaseException as exc:
            session.rollback()
            self._raise_translated(exc)
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One read-only transaction on a plain Core connection (no ORM, no models).

        For read paths that only run SQLAlchemy Core queries (the weekly report):
        importing the ORM and the SQLModel classes costs more than the queries.
        Always rolled back; errors translated as for :meth:`session`.
        """
        try:
            with self.engine.connect() as conn:
                try:
                    yield conn
                finally:
                    conn.rollback()
        except BaseException as exc:
            self._raise_translated(exc)
            raise

    def _raise_translated(self, exc: BaseException) -> None:
        """Raise the user-facing error for ``exc``; return when it needs no translation."""
        if isinstance(exc, DBAPIError):
            raise translate(exc, self.target) from exc
        plain = value_error(exc)
        if plain is not None:
            raise plain from None

    def close(self) -> None:
        self.engine.dispose()


def open_database(target: str, *, upgrade: bool = True) -> Database:
    """Build the engine for ``target`` and bring its schema up to date."""
    from icrm_cli.storage import migrations

    engine = make_engine(target)
    database = Database(target=shown(target), engine=engine, url=database_url(target))
    if upgrade:
        try:
            migrations.upgrade(engine.execution_options(**{_IMMEDIATE: True}))
        except ProgrammingError as exc:
            engine.dispose()
            if getattr(exc.orig, "sqlstate", None) == "42501":
                raise _no_schema_rights(database) from None
            raise translate(exc, database.target) from exc
        except DBAPIError as exc:
            engine.dispose()
            raise translate(exc, database.target) from exc
        except BaseException:
            engine.dispose()
            raise
    return database


def _no_schema_rights(database: Database) -> DatabaseError:
    """A login that may not change the schema, on a database whose schema needs an upgrade."""
    return DatabaseError(
        f"the schema of {database.target} needs an upgrade, which this login may not make: "
        "run any icrm command once as the database's owner (a role that owns icrm's tables "
        "and has CREATE on its schema), then retry; see docs/team-database.md"
    )
