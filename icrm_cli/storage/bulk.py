"""Fast bulk inserts for generated or imported data (the demo, CSV import).

SQLAlchemy's per-parameter processing costs more than SQLite's own insert at
a million rows, so on SQLite values are converted here once, by column type,
into exactly the text SQLAlchemy itself would store, and handed to the
driver's ``executemany``. Other databases take the ordinary Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.engine import Connection
from sqlmodel import Session

from icrm_cli.storage.dialect import move_sequence
from icrm_cli.storage.sqlite_values import stored_json, stored_time
from icrm_cli.storage.types import UTCDateTime

Converter = Callable[[Any], Any]


def _converter(column_type: Any) -> Converter | None:
    if isinstance(column_type, UTCDateTime):
        texts: dict[datetime, str] = {}  # imports and generated data repeat their times a lot

        def convert(value: datetime | None) -> str | None:
            if value is None:
                return None
            text = texts.get(value)
            if text is None:
                text = texts[value] = stored_time(value)
            return text

        return convert
    if isinstance(column_type, JSON):
        return stored_json
    return None


def bulk_insert(session: Session, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert rows (dicts keyed by column name) in the session's transaction; returns the count."""
    batch = rows if isinstance(rows, list) else list(rows)
    if not batch:
        return 0
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), batch)
        if "id" in batch[0] and "id" in table.c:  # explicit ids: later ones continue after them
            move_sequence(connection, table.name)
        return len(batch)
    names = [column.name for column in table.columns if column.name in batch[0]]
    converting = [
        (index, convert)
        for index, name in enumerate(names)
        if (convert := _converter(table.c[name].type)) is not None
    ]
    pick = itemgetter(*names)
    values = []
    for row in batch:
        try:
            picked = pick(row)
        except KeyError:
            picked = tuple(row.get(name) for name in names)
        cells = list(picked) if len(names) > 1 else [picked]
        for index, convert in converting:
            cells[index] = convert(cells[index])
        values.append(tuple(cells))
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    with _page_cache(connection, len(values)):
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', values)
    return len(batch)


BIG_BATCH = 20_000
BIG_CACHE_KIB = 64 * 1024


@contextmanager
def _page_cache(connection: Connection, rows: int) -> Iterator[None]:
    """A roomier SQLite page cache while a big batch goes in: its indexes stay in memory
    instead of spilling to the WAL mid-transaction (about a third off a large import)."""
    if rows < BIG_BATCH:
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BIG_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
