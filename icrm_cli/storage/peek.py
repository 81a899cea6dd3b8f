"""A quick look into a SQLite file that changes nothing: for shell completion.

Opens the file with the standard library in read-only URI mode (no file is
created, no schema upgraded, no write lock taken) and waits at most a moment
for a lock. Server databases are not looked into.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def sqlite_file(target: str) -> Path | None:
    """The SQLite file a ``--db`` value names, or None (a server URL, an in-memory database)."""
    if "://" in target:
        scheme, _, rest = target.partition("://")
        if scheme.split("+")[0] != "sqlite" or not rest.startswith("/") or rest in ("/", "/:memory:"):
            return None
        return Path(rest[1:].split("?")[0])
    return Path(target)


def peek(path: Path, sql: str, params: Sequence[Any], most: int) -> list[tuple[Any, ...]]:
    """At most ``most`` rows of ``sql``; nothing when there is no such file. sqlite3 errors pass."""
    if not path.is_file():
        return []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
    try:
        return list(conn.execute(sql, tuple(params)).fetchmany(most))
    finally:
        conn.close()
