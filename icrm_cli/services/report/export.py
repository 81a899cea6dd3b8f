"""Exports: whole tables as rows of plain values, streamed from the database cursor.

Values come out as the driver delivers them where that is cheapest: time and
JSON columns are selected without SQLAlchemy's type processing (text on
SQLite, native objects on PostgreSQL) and turned into their output form by the
writer, which keeps a million-row export fast and its memory flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType
from sqlmodel import Session

from icrm_cli.errors import InvalidValueError
from icrm_cli.services.request_query import REQUEST_KEYS
from icrm_cli.services.requests import SLA_RUNNING
from icrm_cli.storage.models import Event, Request

BATCH = 5000
RAW_KINDS = frozenset({"time", "json", "bool"})


@dataclass(frozen=True)
class Field:
    """One exported column: its key (JSON key, CSV header), kind and SQL expression."""

    key: str
    kind: str  # int, text, time, bool, json, list
    expression: Any


@dataclass(frozen=True)
class ExportSpec:
    table: Any
    when: Any  # the time column --since/--until filter on
    fields: Callable[[datetime], list[Field]]
    # Optional: adds list columns (e.g. a meeting's departments) to each batch of rows.
    enrich: Callable[[Session, list[dict[str, Any]]], None] | None = None


@dataclass
class Export:
    """What a writer needs: the keys and kinds of the columns, a row count, batches of rows."""

    keys: list[str]
    kinds: list[str]
    total: Callable[[], int]
    batches: Iterator[list[Sequence[Any]]]


def _fields_of(table: Any, keys: Sequence[str], kinds: dict[str, str]) -> list[Field]:
    return [Field(key, kinds.get(key, "text"), table.c[key]) for key in keys]


def _request_fields(now: datetime) -> list[Field]:
    c = Request.__table__.c  # type: ignore[attr-defined]
    kinds = {
        "id": "int",
        "transfers": "int",
        "reopened": "int",
        "meeting_id": "int",
        "paused_seconds": "int",
        **{key: "time" for key in REQUEST_KEYS if key.endswith("_at")},
        "waiting_since": "time",
    }
    overdue = case((and_(c.status.in_(sorted(SLA_RUNNING)), c.due_at < now), 1), else_=0)
    fields = []
    for key in (*REQUEST_KEYS, "paused_seconds", "waiting_since"):
        if key == "overdue":
            fields.append(Field(key, "bool", overdue))
        else:
            fields.append(Field(key, kinds.get(key, "text"), c[key]))
    return fields


def _event_fields(now: datetime) -> list[Field]:
    keys = ("id", "entity", "entity_id", "at", "actor", "kind", "note", "detail")
    kinds = {"id": "int", "entity_id": "int", "at": "time", "detail": "json"}
    return _fields_of(Event.__table__, keys, kinds)  # type: ignore[attr-defined]


def _specs() -> dict[str, ExportSpec]:
    from icrm_cli.services.report import export_more

    specs = {
        "requests": ExportSpec(Request.__table__, Request.__table__.c.created_at, _request_fields),  # type: ignore[attr-defined]
        "events": ExportSpec(Event.__table__, Event.__table__.c.at, _event_fields),  # type: ignore[attr-defined]
    }
    specs.update(export_more.specs())
    return specs


TABLE_NAMES = ("requests", "feedback", "meetings", "escalations", "events")


def _select(spec: ExportSpec, fields: list[Field], where: list[ColumnElement[bool]]) -> Select[Any]:
    columns = [
        type_coerce(f.expression, NullType()).label(f.key)
        if f.kind in RAW_KINDS
        else f.expression.label(f.key)
        for f in fields
        if f.expression is not None
    ]
    return select(*columns).where(*where).order_by(spec.table.c.id)


def export(
    session: Session,
    table: str,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Export:
    """Stream ``table`` (one of :data:`TABLE_NAMES`) oldest first, filtered on its time column."""
    specs = _specs()
    if table in TABLE_NAMES and table not in specs:
        raise InvalidValueError(f"export of {table!r} is not available yet (its table is not built)")
    if table not in specs:
        raise InvalidValueError(f"unknown export table {table!r}: choose one of {', '.join(TABLE_NAMES)}")
    if since is not None and until is not None and since > until:
        raise InvalidValueError("--since is after --until")
    spec = specs[table]
    fields = spec.fields(now)
    where: list[ColumnElement[bool]] = []
    if since is not None:
        where.append(spec.when >= since)
    if until is not None:
        where.append(spec.when <= until)

    def total() -> int:
        counted = select(func.count()).select_from(spec.table).where(*where)
        return int(session.execute(counted).scalar_one())

    def batches() -> Iterator[list[Sequence[Any]]]:
        statement = _select(spec, fields, where)
        if spec.enrich is None and session.get_bind().dialect.name == "sqlite":
            # SQLite cursors stream by nature, and the selected columns need no type
            # processing (see RAW_KINDS): take the rows straight from the driver's cursor.
            cursor = session.execute(statement).cursor  # type: ignore[attr-defined]
            while batch := cursor.fetchmany(BATCH):
                yield batch
            return
        result = session.execute(statement.execution_options(yield_per=BATCH))  # server-side cursor
        for partition in result.partitions():
            if spec.enrich is None:
                yield list(partition)
                continue
            dicts = [dict(row._mapping) for row in partition]
            spec.enrich(session, dicts)
            yield [tuple(item[f.key] for f in fields) for item in dicts]

    return Export([f.key for f in fields], [f.kind for f in fields], total, batches())
