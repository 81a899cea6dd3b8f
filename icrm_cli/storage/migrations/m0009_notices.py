"""Notices sent by ``icrm notify`` (one row per notice and channel) and the run lock."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    # Text sorts in byte order on PostgreSQL (as migration 0011 does for the older tables).
    text = String(collation="C") if conn.dialect.name == "postgresql" else String()
    metadata = MetaData()
    Table(
        "notice",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("kind", text, nullable=False),
        Column("object", text, nullable=False),
        Column("recipient", text, nullable=False),
        Column("step", text, nullable=False),
        Column("channel", text, nullable=False),
        Column("channel_label", text, nullable=False),
        Column("status", text, nullable=False),
        Column("payload", JSON, nullable=True),
        Column("attempts", Integer, nullable=False),
        Column("first_tried_at", UTCDateTime, nullable=False),
        Column("last_tried_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime, nullable=True),
        Column("error", text, nullable=True),
        UniqueConstraint("kind", "object", "recipient", "step", "channel", name="uq_notice_key"),
        Index("ix_notice_status", "status", "first_tried_at"),
    )
    Table(  # its one row is written by the first run (an empty database stays empty for db copy)
        "notify_state",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("holder", text, nullable=True),
        Column("taken_at", UTCDateTime, nullable=True),
        Column("last_run_at", UTCDateTime, nullable=True),
    )
    metadata.create_all(conn)
