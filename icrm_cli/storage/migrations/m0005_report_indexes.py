"""Indexes for the weekly report: requests still unresolved at a moment, and resolution times.

``(resolved_at, closed_at, due_at)`` serves "unresolved now" (both NULL), "closed
without resolution after a moment" (NULL, range) and covers the on-time counts
of resolutions in a range.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, Table
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    request = Table(
        "request",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("resolved_at", UTCDateTime, nullable=True),
        Column("closed_at", UTCDateTime, nullable=True),
        Column("due_at", UTCDateTime, nullable=False),
    )
    Index(
        "ix_request_resolved_closed_due", request.c.resolved_at, request.c.closed_at, request.c.due_at
    ).create(conn, checkfirst=True)
