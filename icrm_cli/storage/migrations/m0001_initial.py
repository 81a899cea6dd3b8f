"""The first schema: departments, people, settings, requests and the event trail."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    Table(
        "department",
        metadata,
        Column("code", String(32), primary_key=True),
        Column("name", String, nullable=False),
        Column("parent", String, ForeignKey("department.code"), nullable=True, index=True),
        Column("head", String, nullable=True),
        Column("contact", String, nullable=True),
        Column("channel", String, nullable=True),
        Column("services", JSON, nullable=False),
        Column("position", Integer, nullable=False),
        Column("active", Boolean, nullable=False),
    )
    Table(
        "person",
        metadata,
        Column("id", String(64), primary_key=True),
        Column("name", String, nullable=False),
        Column("email", String, nullable=True),
        Column("department", String, ForeignKey("department.code"), nullable=False, index=True),
        Column("position", Integer, nullable=False),
        Column("active", Boolean, nullable=False),
    )
    Table(
        "setting",
        metadata,
        Column("key", String, primary_key=True),
        Column("value", JSON, nullable=True),
    )
    Table(
        "request",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String, nullable=False),
        Column("description", String, nullable=True),
        Column("from_dept", String, ForeignKey("department.code"), nullable=False),
        Column("to_dept", String, ForeignKey("department.code"), nullable=False),
        Column("requester", String, nullable=False),
        Column("owner", String, ForeignKey("person.id"), nullable=True),
        Column("priority", String, nullable=False),
        Column("status", String, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("acknowledged_at", UTCDateTime, nullable=True),
        Column("resolved_at", UTCDateTime, nullable=True),
        Column("closed_at", UTCDateTime, nullable=True),
        Column("due_at", UTCDateTime, nullable=False),
        Column("waiting_since", UTCDateTime, nullable=True),
        Column("paused_seconds", Integer, nullable=False),
        Column("transfers", Integer, nullable=False),
        Column("reopened", Integer, nullable=False),
        Column("meeting_id", Integer, nullable=True),
        Index("ix_request_status_due", "status", "due_at"),
        Index("ix_request_to_status", "to_dept", "status"),
        Index("ix_request_from_status", "from_dept", "status"),
        Index("ix_request_created", "created_at"),
        Index("ix_request_resolved", "resolved_at"),
        Index("ix_request_owner", "owner"),
        Index("ix_request_meeting", "meeting_id"),
    )
    Table(
        "event",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("entity", String, nullable=False),
        Column("entity_id", Integer, nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("actor", String, nullable=False),
        Column("kind", String, nullable=False),
        Column("note", String, nullable=True),
        Column("detail", JSON, nullable=True),
        Index("ix_event_entity", "entity", "entity_id", "id"),
        Index("ix_event_at", "at"),
        Index("ix_event_kind_at", "kind", "at"),
    )
    metadata.create_all(conn)
