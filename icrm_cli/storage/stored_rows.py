"""Rows in the form they are stored, so a generated million requests insert quickly.

Used by the demo generator, which works in integer seconds since the epoch (UTC). On SQLite a :class:`Sink`
turns them once into the exact text a ``UTCDateTime`` column stores
(``YYYY-MM-DD HH:MM:SS.000000``, days formatted once), encodes event details as
JSON (callers encode repeating ones once), and hands the rows to ``bulk_insert``
against a plain view of the table, so nothing is converted again per cell. On other databases it gives aware
datetimes and dicts and the ordinary typed path of ``bulk_insert`` converts them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from icrm_cli.storage.bulk import bulk_insert
from icrm_cli.storage.sqlite_values import stored_json

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86400
HOUR = 3600
_EPOCH_DAY = date(1970, 1, 1)
# Page cache while deferred indexes are built: generous for generated data (the demo), small for a
# user's import, whose peak memory must not grow with the file.
SORT_CACHE_KIB = 256 * 1024
SMALL_SORT_CACHE_KIB = 8 * 1024
_CLOCK_TEXT: list[str] = []  # "HH:MM:SS.000000" for every second of a day, built once


def _clock_text() -> list[str]:
    if not _CLOCK_TEXT:
        minutes = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
        seconds = [f"{s:02d}.000000" for s in range(60)]
        _CLOCK_TEXT.extend(hm + sec for hm in minutes for sec in seconds)
    return _CLOCK_TEXT


def seconds_of(moment: datetime) -> int:
    """Whole seconds since the epoch of an aware datetime."""
    return (moment - EPOCH) // timedelta(seconds=1)


def moment_of(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


class Sink:
    """Stored forms of times and details, and the insert of finished rows."""

    def __init__(self, raw: bool) -> None:
        self.raw = raw
        self._clock = _clock_text() if raw else []
        self._days: dict[int, str] = {}
        self._day_seconds: dict[str, int] = {}
        self._views: dict[str, Table] = {}

    @classmethod
    def for_session(cls, session: Session) -> Sink:
        return cls(session.connection().dialect.name == "sqlite")

    def stamp(self, seconds: int) -> Any:
        """The stored form of a moment given in epoch seconds."""
        if not self.raw:
            return EPOCH + timedelta(seconds=seconds)
        day, second = divmod(seconds, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (_EPOCH_DAY + timedelta(days=day)).isoformat() + " "
        return prefix + self._clock[second]

    def stamper(self, first: int, last: int) -> Callable[[int], Any]:
        """A faster :meth:`stamp`: the days from ``first`` to ``last`` are formatted up front."""
        if not self.raw:
            return self.stamp
        base = first // DAY
        days = [(_EPOCH_DAY + timedelta(days=day)).isoformat() + " " for day in range(base, last // DAY + 1)]
        count, clock, slow = len(days), self._clock, self.stamp

        def stamp(seconds: int) -> Any:
            index = seconds // DAY - base
            if 0 <= index < count:
                return days[index] + clock[seconds % DAY]
            return slow(seconds)

        return stamp

    def detail(self, value: dict[str, Any] | None) -> Any:
        """The stored form of an event detail (JSON text on SQLite)."""
        if value is None or not self.raw:
            return value
        return stored_json(value)

    def column(self, column: Any) -> ColumnElement[Any]:
        """A time column to select: its raw text on SQLite (no parsing), else the column."""
        return type_coerce(column, String()) if self.raw else column

    def seconds(self, value: Any) -> int | None:
        """Epoch seconds of a time selected through :meth:`column`."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return seconds_of(value)
        text: str = value
        start = self._day_seconds.get(text[:10])
        if start is None:
            start = self._day_seconds[text[:10]] = (date.fromisoformat(text[:10]) - _EPOCH_DAY).days * DAY
        return start + int(text[11:13]) * HOUR + int(text[14:16]) * 60 + int(text[17:19])

    def insert(self, session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows built with this sink's stored forms."""
        if not rows:
            return 0
        if not self.raw:
            return bulk_insert(session, table, rows)
        view = self._views.get(table.name)
        if view is None:  # the same table without column types: values are already stored text
            view = Table(table.name, MetaData(), *(Column(column.name) for column in table.columns))
            self._views[table.name] = view
        return bulk_insert(session, view, rows)


@contextmanager
def deferred_indexes(
    session: Session, tables: Sequence[str], sort_cache_kib: int = SORT_CACHE_KIB
) -> Iterator[None]:
    """Drop the tables' secondary indexes for a bulk load and build them again afterwards.

    Building an index once from sorted data costs much less than updating it row by
    row. The indexes are recreated from their own stored SQL, in the same
    transaction, so the schema is unchanged whatever happens. SQLite only.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    marks = ", ".join("?" for _ in tables)
    indexes = connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tuple(tables),
    ).all()
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-sort_cache_kib}")  # sort in memory
    connection.exec_driver_sql(f"PRAGMA threads = {os.cpu_count() or 1}")  # and on every core
    try:
        for _, sql in indexes:
            connection.exec_driver_sql(sql)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache or 0)}")
        connection.exec_driver_sql("PRAGMA threads = 0")
