"""Database upkeep: integrity check and online backup."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from icrm_cli.errors import DatabaseError, InvalidValueError
from icrm_cli.storage import migrations
from icrm_cli.storage.engine import Database
from icrm_cli.storage.targets import sqlite_path


@dataclass(frozen=True)
class CheckResult:
    target: str
    schema_version: str | None
    pending: list[str]
    integrity: str
    foreign_key_problems: int
    foreign_objects: list[str]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.foreign_key_problems == 0 and not self.foreign_objects


def check(db: Database) -> CheckResult:
    integrity, fk_problems = "ok", 0
    foreign: list[str] = []  # triggers and views icrm did not make (it makes none)
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
            integrity = "ok" if rows == ["ok"] else "; ".join(str(r) for r in rows[:5])
            fk_problems = len(list(conn.execute(text("PRAGMA foreign_key_check"))))
            foreign = [
                f"{kind} {name}"
                for kind, name in conn.execute(
                    text(
                        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name"
                    )
                )
            ]
        elif db.engine.dialect.name == "postgresql":
            from icrm_cli.storage.dialect import server_check

            integrity, fk_problems = server_check(conn)
    return CheckResult(
        target=db.target,
        schema_version=migrations.current(db.engine),
        pending=[m.name for m in migrations.pending(db.engine)],
        integrity=integrity,
        foreign_key_problems=fk_problems,
        foreign_objects=foreign,
    )


def backup(db: Database, destination: Path) -> int:
    """Copy the database with SQLite's online backup API; returns the size in bytes."""
    source = sqlite_path(db.url)
    if source is None:
        raise InvalidValueError("db backup works on SQLite files; use your server's backup tools")
    try:
        if destination.is_dir():
            raise InvalidValueError(f"backup target {str(destination)!r} is a directory")
        if destination.resolve() == source.resolve():
            raise InvalidValueError("the backup file must differ from the database file")
    except OSError as exc:  # a name too long, a loop of symlinks...
        raise DatabaseError(f"cannot write backup {str(destination)!r}: {exc.strerror}") from None
    partial = destination.with_name(destination.name + ".partial")
    try:
        partial.unlink(missing_ok=True)  # left over from a backup that was killed
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(os.fsencode(partial))  # any name the OS allows
            try:
                # All pages in one step: one read transaction, so the copy is one consistent
                # snapshot. In WAL mode writers carry on meanwhile; a stepwise copy would
                # restart after every commit by another process and might never finish.
                src.backup(dst, pages=-1)
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"backup failed: {exc}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write backup {str(destination)!r}: {exc.strerror}") from None
    return destination.stat().st_size
