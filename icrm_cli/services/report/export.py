"""Exports: whole tables as rows of plain values, streamed from the database cursor.

The streaming itself (raw driver values, batches straight from the cursor) is
:mod:`icrm_cli.services.row_stream`, shared with `request list --format csv|json`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from icrm_cli.errors import InvalidValueError
from icrm_cli.services.queries.requests import request_fields
from icrm_cli.services.request_query import REQUEST_KEYS
from icrm_cli.services.row_batches import Field, RowStream
from icrm_cli.services.row_stream import stream_rows
from icrm_cli.storage.core import REQUEST
from icrm_cli.storage.models import Event

Export = RowStream  # what `report export` hands to the writer
__all__ = ["TABLE_NAMES", "Export", "ExportSpec", "Field", "export"]


@dataclass(frozen=True)
class ExportSpec:
    table: Any
    when: Any  # the time column --since/--until filter on
    fields: Callable[[datetime], list[Field]]
    # Optional: adds list columns (e.g. a meeting's departments) to each batch of rows.
    enrich: Callable[[Session, list[dict[str, Any]]], None] | None = None


def _fields_of(table: Any, keys: Sequence[str], kinds: dict[str, str]) -> list[Field]:
    return [Field(key, kinds.get(key, "text"), table.c[key]) for key in keys]


def _request_fields(now: datetime) -> list[Field]:
    return request_fields(now, REQUEST_KEYS, extra=("paused_seconds", "waiting_since"))


def _event_fields(now: datetime) -> list[Field]:
    keys = ("id", "entity", "entity_id", "at", "actor", "kind", "note", "detail")
    kinds = {"id": "int", "entity_id": "int", "at": "time", "detail": "json"}
    return _fields_of(Event.__table__, keys, kinds)  # type: ignore[attr-defined]


def _specs() -> dict[str, ExportSpec]:
    from icrm_cli.services.report import export_more

    specs = {
        "requests": ExportSpec(REQUEST, REQUEST.c.created_at, _request_fields),
        "events": ExportSpec(Event.__table__, Event.__table__.c.at, _event_fields),  # type: ignore[attr-defined]
    }
    specs.update(export_more.specs())
    return specs


TABLE_NAMES = ("requests", "feedback", "meetings", "escalations", "events")


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
    return stream_rows(
        session, spec.table, fields, where=where, order_by=[spec.table.c.id], enrich=spec.enrich
    )
