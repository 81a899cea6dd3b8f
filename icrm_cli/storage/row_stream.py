"""Rows of plain values streamed from the database cursor, for CSV/JSON writers.

Used by `report export` and by `request list --format csv|json`. Values come out
as the driver delivers them where that is cheapest: time and JSON columns are
selected without SQLAlchemy's type processing (text on SQLite, native objects on
PostgreSQL) and turned into their output form by the writer
(:func:`icrm_cli.output.report_export.write_export`), which keeps a million-row
export fast and its memory flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import LargeBinary, Select, cast, func, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType

from icrm_cli.storage.row_batches import BATCH, RAW_KINDS, UTF8_KINDS, Batches, Field, RowStream
from icrm_cli.storage.split_scan import SplitScan, open_split

if TYPE_CHECKING:
    from sqlmodel import Session

Enrich = Callable[["Session", list[dict[str, Any]]], None]


def stream_rows(
    session: Session,
    table: Any,
    fields: Sequence[Field],
    *,
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Sequence[Any] = (),
    limit: int | None = None,
    enrich: Enrich | None = None,
) -> RowStream:
    """Rows of ``fields`` from ``table``; nothing runs until the batches are read."""
    raw_cursor = enrich is None and session.get_bind().dialect.name == "sqlite"

    def total() -> int:
        counted = select(func.count()).select_from(table).where(*where)
        count = int(session.execute(counted).scalar_one())
        return count if limit is None else min(count, limit)

    def batches(utf8: bool) -> Iterator[list[Sequence[Any]]]:
        statement = select_fields(fields, where, order_by, limit, utf8=utf8)
        if raw_cursor:
            # SQLite cursors stream by nature, and the selected columns need no type
            # processing (see RAW_KINDS): take the rows straight from the driver's cursor.
            cursor = session.execute(statement).cursor  # type: ignore[attr-defined]
            while batch := cursor.fetchmany(BATCH):
                yield batch
            return
        result = session.execute(statement.execution_options(yield_per=BATCH))  # server-side cursor
        for partition in result.partitions():
            if enrich is None:
                yield list(partition)
                continue
            dicts = [dict(row._mapping) for row in partition]
            enrich(session, dicts)
            yield [tuple(item[f.key] for f in fields) for item in dicts]

    def split(utf8: bool, rows: int) -> SplitScan | None:
        """The rows in two parts on one snapshot (the driver's cursor path on a SQLite file only)."""
        path = session.get_bind().engine.url.database
        if limit is not None or not path or path == ":memory:" or path.startswith("file:"):
            return None
        from icrm_cli.storage.plan_compiler import compile_statement
        from icrm_cli.storage.sqlite_reader import bind

        sql, params = bind(compile_statement(select_fields(fields, where, order_by, None, utf8=utf8)), None)
        return open_split(Path(path).absolute(), sql, params, rows)

    keys, kinds = [f.key for f in fields], [f.kind for f in fields]
    batches_ = Batches(batches, can_utf8=raw_cursor, split=split if raw_cursor else None)
    return RowStream(keys, kinds, total, batches_)


def select_fields(
    fields: Sequence[Field],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    limit: int | None,
    *,
    utf8: bool = False,
) -> Select[Any]:
    columns: list[Any] = []
    for f in fields:
        if f.expression is None:
            continue
        if utf8 and f.kind in UTF8_KINDS:
            columns.append(type_coerce(cast(f.expression, LargeBinary), NullType()).label(f.key))
        elif f.kind in RAW_KINDS:
            columns.append(type_coerce(f.expression, NullType()).label(f.key))
        else:
            columns.append(f.expression.label(f.key))
    statement = select(*columns).where(*where).order_by(*order_by)
    return statement if limit is None else statement.limit(limit)
