"""Notices sent by ``icrm notify`` (one row per notice and channel) and the run lock."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    Table(
        "notice",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("kind", String, nullable=False),
        Column("object", String, nullable=False),
        Column("recipient", String, nullable=False),
        Column("step", String, nullable=False),
        Column("channel", String, nullable=False),
        Column("channel_label", String, nullable=False),
        Column("status", String, nullable=False),
        Column("payload", JSON, nullable=True),
        Column("attempts", Integer, nullable=False),
        Column("first_tried_at", UTCDateTime, nullable=False),
        Column("last_tried_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime, nullable=True),
        Column("error", String, nullable=True),
        UniqueConstraint("kind", "object", "recipient", "step", "channel", name="uq_notice_key"),
        Index("ix_notice_status", "status", "first_tried_at"),
    )
    state = Table(
        "notify_state",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("holder", String, nullable=True),
        Column("taken_at", UTCDateTime, nullable=True),
        Column("last_run_at", UTCDateTime, nullable=True),
    )
    metadata.create_all(conn)
    conn.execute(state.insert().values(id=1, holder=None, taken_at=None, last_run_at=None))
