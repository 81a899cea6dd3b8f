"""One query's rows read by two processes on one SQLite snapshot: a big export on two cores.

This process reads the rows before a split point, a helper process those after it
(``LIMIT``/``OFFSET`` on the same ordered query, so together they are the rows of one
run, in order). Both must read the same snapshot, and SQLite cannot hand one from a
connection to another. So a *watcher* connection notes ``PRAGMA data_version`` first;
then this process begins its read, the helper begins its own (:func:`read_part` calls
``ready``), and the watcher asks again (:meth:`SplitScan.same_snapshot`). The value
changes when any other connection commits (or checkpoints) in between; unchanged, both
reads began on the same database. Changed, the caller reads the rest here instead
(:meth:`SplitScan.rest`), on this process's snapshot: a busy database costs speed, never
a mixed export. Both also name the file they read (device and inode, the same before and
after their read began), so a database file replaced by another in the meantime (a
restore by ``mv``) is not taken for the same database.

The snapshot is the one the scan begins on, a moment after the command's own checks
(who is asking, the filter's departments) read theirs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icrm_cli.storage.db_errors import BUSY_TIMEOUT_MS, driver_error
from icrm_cli.storage.plans import BATCH

Batch = Sequence[Sequence[Any]]
FileId = tuple[int, int]  # (device, inode) of the database file


@dataclass(frozen=True)
class Part:
    """What a helper needs to read the rows after the split point; travels as JSON."""

    path: str
    sql: str  # the ordered query, ending in LIMIT -1 OFFSET :split_offset
    params: dict[str, Any]
    size: int = BATCH  # rows per batch

    def to_json(self) -> str:
        return json.dumps({"path": self.path, "sql": self.sql, "params": self.params, "size": self.size})

    @classmethod
    def from_json(cls, text: str) -> Part:
        found = json.loads(text)
        path, sql, params = str(found["path"]), str(found["sql"]), dict(found["params"])
        return cls(path=path, sql=sql, params=params, size=int(found["size"]))


class FileChanged(Exception):
    """The database file at the path was replaced while a read began."""


def _file_id(path: str) -> FileId:
    try:
        found = Path(path).stat()
    except OSError:
        raise FileChanged(path) from None
    return found.st_dev, found.st_ino


def _begin_on_file(connection: sqlite3.Connection, path: str, before: FileId) -> FileId:
    """Begin the read on ``connection`` (opened after ``before`` was taken); the file it reads."""
    _begin_snapshot(connection)
    after = _file_id(path)
    if after != before:
        raise FileChanged(path)
    return after


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute("PRAGMA query_only = ON")
    return connection


def _data_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA data_version").fetchone()[0])


def _begin_snapshot(connection: sqlite3.Connection) -> None:
    """Begin a read transaction and fix its snapshot now: its first read does."""
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchall()


def _batches(cursor: sqlite3.Cursor, size: int) -> Iterator[Batch]:
    while batch := cursor.fetchmany(size):
        yield batch


class SplitScan:
    """The rows of an ordered query in two parts: :meth:`first` here, :meth:`rest_part` for a helper."""

    def __init__(self, path: str, sql: str, params: Mapping[str, Any], offset: int) -> None:
        self.path = path
        self.sql = sql
        self.params = dict(params)
        self.offset = offset
        self._watcher: sqlite3.Connection | None = None
        self._connection: sqlite3.Connection | None = None
        try:
            before = _file_id(path)
            self._watcher = _connect(path)
            self._version = _data_version(self._watcher)  # before this scan's read begins
            self._connection = _connect(path)
            self.file = _begin_on_file(self._connection, path, before)
            # Compiled with every parameter it needs (nothing runs): else a clear error now.
            self._connection.execute(f"EXPLAIN {sql} LIMIT :split_offset", self._bound()).fetchall()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise driver_error(exc, path) from None
        except BaseException:
            self.close()
            raise

    def sorts_everything(self) -> bool:
        """Whether the order needs a sort of all rows (no index gives it): then each process would
        compute and sort every row, the helper only to skip the first part, and two are slower
        than one. (``EXPLAIN QUERY PLAN`` says so in words; should they change, a split that
        does not pay still writes the same rows.)"""
        if self._connection is None:
            raise RuntimeError("the split scan is closed")
        try:
            plan = self._connection.execute(f"EXPLAIN QUERY PLAN {self.sql}", self.params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise driver_error(exc, self.path) from None
        steps = [str(row[-1]).upper() for row in plan]
        return any("TEMP B-TREE" in step and "ORDER BY" in step for step in steps)

    def first(self, size: int = BATCH) -> Iterator[Batch]:
        """The rows before the split point, on this process's snapshot."""
        return self._run(f"{self.sql} LIMIT :split_offset", size)

    def rest(self, size: int = BATCH) -> Iterator[Batch]:
        """The rows after the split point on this process's snapshot: when no helper could read them."""
        return self._run(f"{self.sql} LIMIT -1 OFFSET :split_offset", size)

    def rest_part(self, size: int = BATCH) -> Part:
        """The rows after the split point, for a helper process (:func:`read_part`)."""
        sql = f"{self.sql} LIMIT -1 OFFSET :split_offset"
        return Part(path=self.path, sql=sql, params=self._bound(), size=size)

    def same_snapshot(self, file: FileId) -> bool:
        """True when a helper whose read began on ``file`` (and has said so) reads the same database
        as :meth:`first`: the same file, and no other connection committed since this scan began."""
        try:
            unchanged = self._watcher is not None and _data_version(self._watcher) == self._version
        except sqlite3.DatabaseError:
            return False
        return unchanged and tuple(file) == self.file

    def _bound(self) -> dict[str, Any]:
        return {**self.params, "split_offset": self.offset}

    def _run(self, sql: str, size: int) -> Iterator[Batch]:
        if self._connection is None:
            raise RuntimeError("the split scan is closed")
        try:
            cursor = self._connection.execute(sql, self._bound())
        except sqlite3.DatabaseError as exc:
            raise driver_error(exc, self.path) from None
        return _batches(cursor, size)

    def close(self) -> None:
        for connection in (self._connection, self._watcher):
            if connection is not None:
                connection.close()
        self._connection = self._watcher = None


def open_split(path: str | Path, sql: str, params: Mapping[str, Any], rows: int) -> SplitScan | None:
    """A scan of the ordered query ``sql`` (no LIMIT of its own) split after half of about ``rows``
    rows; None when its parameters cannot travel to a helper as JSON.

    Any split point gives the same rows: ``rows`` need not be exact.
    """
    try:
        json.dumps(dict(params))
    except (TypeError, ValueError):
        return None
    try:
        scan = SplitScan(str(path), sql, params, max(1, rows // 2))
    except FileChanged:
        return None
    try:
        sorted_here = scan.sorts_everything()
    except BaseException:
        scan.close()
        raise
    if sorted_here:
        scan.close()
        return None
    return scan


def read_part(part: Part, ready: Callable[[FileId], None]) -> Iterator[Batch]:
    """In the helper: the rows of ``part``, in batches; ``ready`` is given the file read once the
    read has begun (its snapshot fixed), before the first batch is handed on. Raises
    :class:`FileChanged` when the file at the path was replaced meanwhile."""
    before = _file_id(part.path)
    connection = _connect(part.path)
    try:
        try:
            file = _begin_on_file(connection, part.path, before)
            ready(file)
            cursor = connection.execute(part.sql, part.params)
        except sqlite3.DatabaseError as exc:
            raise driver_error(exc, part.path) from None
        yield from _batches(cursor, part.size)
    finally:
        connection.close()
