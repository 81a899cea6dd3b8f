"""Meetings: the meeting, the departments it brings together and its attendees."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    Table("department", metadata, Column("code", String(32), primary_key=True))
    Table("person", metadata, Column("id", String(64), primary_key=True))
    Table(
        "meeting",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String, nullable=False),
        Column("series", String, nullable=True),
        Column("starts_at", UTCDateTime, nullable=False),
        Column("ends_at", UTCDateTime, nullable=False),
        Column("location", String, nullable=True),
        Column("organizer", String, nullable=False),
        Column("organizer_dept", String, ForeignKey("department.code"), nullable=True),
        Column("status", String, nullable=False),
        Column("notes", String, nullable=True),
        Column("decisions", JSON, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Index("ix_meeting_starts", "starts_at"),
        Index("ix_meeting_series_starts", "series", "starts_at"),
    )
    Table(
        "meeting_department",
        metadata,
        Column("meeting_id", Integer, ForeignKey("meeting.id"), primary_key=True),
        Column("dept", String, ForeignKey("department.code"), primary_key=True, index=True),
    )
    Table(
        "meeting_attendee",
        metadata,
        Column("meeting_id", Integer, ForeignKey("meeting.id"), primary_key=True),
        Column("person", String, ForeignKey("person.id"), primary_key=True, index=True),
        Column("present", Boolean, nullable=True),
    )
    for name in ("meeting", "meeting_department", "meeting_attendee"):
        metadata.tables[name].create(conn, checkfirst=True)
