"""Exports of the events, feedback, meetings and escalations tables through SQLAlchemy.

The streaming itself (raw driver values, batches straight from the cursor) is
:mod:`icrm_cli.storage.row_stream`. The requests export runs as a plan, like
`request list` (see :mod:`icrm_cli.domain.report.export`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from icrm_cli.domain.report.export_specs import specs
from icrm_cli.storage.row_batches import RowStream
from icrm_cli.storage.row_stream import stream_rows


def table_rows(
    session: Session, table: str, *, now: datetime, since: datetime | None, until: datetime | None
) -> RowStream:
    """Stream ``table`` (events, feedback, meetings or escalations) oldest first, filtered on its time."""
    spec = specs()[table]
    fields = spec.fields(now)
    where: list[ColumnElement[bool]] = []
    if since is not None:
        where.append(spec.when >= since)
    if until is not None:
        where.append(spec.when <= until)
    return stream_rows(
        session, spec.table, fields, where=where, order_by=[spec.table.c.id], enrich=spec.enrich
    )
