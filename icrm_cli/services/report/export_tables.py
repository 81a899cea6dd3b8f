"""Exports of the events, feedback, meetings and escalations tables through SQLAlchemy.

The streaming itself (raw driver values, batches straight from the cursor) is
:mod:`icrm_cli.services.row_stream`. The requests export runs as a plan, like
`request list` (see :mod:`icrm_cli.services.report.export`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from icrm_cli.services.row_batches import Field, RowStream
from icrm_cli.services.row_stream import stream_rows
from icrm_cli.storage.models import Event

__all__ = ["ExportSpec", "Field", "table_rows"]


@dataclass(frozen=True)
class ExportSpec:
    table: Any
    when: Any  # the time column --since/--until filter on
    fields: Callable[[datetime], list[Field]]
    # Optional: adds list columns (e.g. a meeting's departments) to each batch of rows.
    enrich: Callable[[Session, list[dict[str, Any]]], None] | None = None


def _fields_of(table: Any, keys: Sequence[str], kinds: dict[str, str]) -> list[Field]:
    return [Field(key, kinds.get(key, "text"), table.c[key]) for key in keys]


def _event_fields(now: datetime) -> list[Field]:
    keys = ("id", "entity", "entity_id", "at", "actor", "kind", "note", "detail")
    kinds = {"id": "int", "entity_id": "int", "at": "time", "detail": "json"}
    return _fields_of(Event.__table__, keys, kinds)  # type: ignore[attr-defined]


def _specs() -> dict[str, ExportSpec]:
    from icrm_cli.services.report import export_more

    specs = {
        "events": ExportSpec(Event.__table__, Event.__table__.c.at, _event_fields),  # type: ignore[attr-defined]
    }
    specs.update(export_more.specs())
    return specs


def table_rows(
    session: Session, table: str, *, now: datetime, since: datetime | None, until: datetime | None
) -> RowStream:
    """Stream ``table`` (events, feedback, meetings or escalations) oldest first, filtered on its time."""
    spec = _specs()[table]
    fields = spec.fields(now)
    where: list[ColumnElement[bool]] = []
    if since is not None:
        where.append(spec.when >= since)
    if until is not None:
        where.append(spec.when <= until)
    return stream_rows(
        session, spec.table, fields, where=where, order_by=[spec.table.c.id], enrich=spec.enrich
    )
