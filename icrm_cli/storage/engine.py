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
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, ProgrammingError

from icrm_cli.errors import DatabaseError
from icrm_cli.storage.db_errors import BUSY_TIMEOUT_MS, driver_error, value_error
from icrm_cli.storage.dialect import IMMEDIATE, connect_args, install_postgres_hooks, require_driver
from icrm_cli.storage.schema_names import RECORD_TABLE
from icrm_cli.storage.targets import database_url, shown, sqlite_path

if TYPE_CHECKING:
    from sqlmodel import Session

_IMMEDIATE = IMMEDIATE


def _prepare_sqlite_file(path: Path, *, create: bool) -> None:
    try:
        _prepare(path, create=create)
    except OSError as exc:  # a name too long, a loop of links, ...
        raise DatabaseError(f"cannot use database path {str(path)!r}: {exc.strerror or exc}") from None


def _prepare(path: Path, *, create: bool) -> None:
    """Refuse unusable paths with a clear message; create a new file owner-only (0600) when allowed.

    icrm opens only its own databases: a file that holds other tables and no icrm schema, or an
    existing empty file icrm did not create, is refused and left untouched (looked at read-only).
    """
    shown_path = str(path)
    if path.is_dir():
        raise DatabaseError(f"database path {shown_path!r} is a directory, not a file")
    if path.is_symlink() and not path.exists():
        raise DatabaseError(f"database path {shown_path!r} is a symbolic link to a missing file")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseError(f"cannot read database {shown_path!r}: permission denied")
        _refuse_foreign(path)
        return
    if not create:
        raise DatabaseError(
            f"no icrm database at {shown_path!r}: check --db / ICRM_DB, or create one with "
            "'icrm org apply FILE' or 'icrm demo'"
        )
    if not path.parent.exists():
        raise DatabaseError(
            f"cannot create database {shown_path!r}: directory {str(path.parent)!r} does not exist"
        )
    _create_file(path)


APPLICATION_ID = 0x49435243  # "ICRC" in the SQLite header: a file icrm made


def _create_file(path: Path) -> None:
    """Make ``path`` a new, empty SQLite database of icrm's, owner-only (0600) whatever the umask.

    Built under a temporary name and linked into place, so nobody ever sees an empty file of
    icrm's (an empty file is someone else's); when a concurrent first run links first, its file
    is used.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    try:
        os.fchmod(fd, 0o600)
        os.close(fd)
        with closing(sqlite3.connect(temporary)) as conn:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.commit()
        with suppress(FileExistsError):  # another icrm created it meanwhile: that one is used
            os.link(temporary, path)
    finally:
        with suppress(OSError):
            Path(temporary).unlink()


def _refuse_foreign(path: Path) -> None:
    """A file icrm may open: an icrm database, or one being created by this process."""
    if path.stat().st_size == 0:
        raise DatabaseError(
            f"{str(path)!r} is an empty file that icrm did not create; remove it, or give another "
            "path, and run 'icrm org apply FILE' or 'icrm demo' to create a database"
        )
    try:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.DatabaseError:
        return  # not a database at all: the driver's own message says so when it is opened
    if tables and RECORD_TABLE not in tables:
        names = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise DatabaseError(
            f"{str(path)!r} is not an icrm database (it holds other tables: {names}); "
            "icrm opens only its own databases"
        )


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


def make_engine(target: str, *, create: bool = False) -> Engine:
    """Build (but do not connect) the engine for a path or URL; ``create`` allows a new SQLite file."""
    url = database_url(target)
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path, create=create)
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


def open_database(target: str, *, upgrade: bool = True, create: bool = False) -> Database:
    """Build the engine for ``target`` and bring its schema up to date.

    Only ``create`` (``org apply``, ``demo``, a ``db copy`` target) makes a new SQLite file; any
    other command on a file that does not exist is an error and creates nothing.
    """
    from icrm_cli.storage import migrations

    engine = make_engine(target, create=create)
    database = Database(target=shown(target), engine=engine, url=database_url(target))
    if upgrade:
        try:
            # Checked first without the write lock, so that reads do not queue behind writers.
            if not migrations.is_current(engine):
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
