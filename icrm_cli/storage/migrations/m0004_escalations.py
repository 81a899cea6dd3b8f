"""Escalations between two departments (the ladder: contacts, heads, arbitration)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime

_OPEN_REQUEST = "status = 'open' AND request_id IS NOT NULL"


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    Table("department", metadata, Column("code", String(32), primary_key=True))
    Table("request", metadata, Column("id", Integer, primary_key=True))
    Table(
        "escalation",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("request_id", Integer, ForeignKey("request.id"), nullable=True),
        Column("dept_a", String, ForeignKey("department.code"), nullable=False),
        Column("dept_b", String, ForeignKey("department.code"), nullable=False),
        Column("level", Integer, nullable=False),
        Column("status", String, nullable=False),
        Column("reason", String, nullable=False),
        Column("opened_at", UTCDateTime, nullable=False),
        Column("raised_at", UTCDateTime, nullable=True),
        Column("resolved_at", UTCDateTime, nullable=True),
        Column("decision", String, nullable=True),
        Column("contingency", String, nullable=True),
        Column("opened_by", String, nullable=False),
        Index("ix_escalation_request", "request_id"),
        Index("ix_escalation_status_level", "status", "level"),
        Index("ix_escalation_opened", "opened_at"),
        Index("ix_escalation_pair", "dept_a", "dept_b"),
        Index(
            "ux_escalation_open_request",
            "request_id",
            unique=True,
            sqlite_where=text(_OPEN_REQUEST),
            postgresql_where=text(_OPEN_REQUEST),
        ),
    )
    metadata.tables["escalation"].create(conn, checkfirst=True)
