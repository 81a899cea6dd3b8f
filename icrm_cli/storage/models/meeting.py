"""Cross-department meetings (例会): the meeting, its departments and its attendees.

Action items are requests with ``request.meeting_id`` set; they live in the request table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime

MEETING_STATUSES = ("scheduled", "held", "cancelled")


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_starts", "starts_at"),
        Index("ix_meeting_series_starts", "series", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    series: str | None = None
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    location: str | None = None
    organizer: str
    organizer_dept: str | None = Field(default=None, foreign_key="department.code")
    status: str = "scheduled"
    notes: str | None = None
    decisions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class MeetingDepartment(SQLModel, table=True):
    __tablename__ = "meeting_department"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    dept: str = Field(foreign_key="department.code", primary_key=True, index=True)


class MeetingAttendee(SQLModel, table=True):
    __tablename__ = "meeting_attendee"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    person: str = Field(foreign_key="person.id", primary_key=True, index=True)
    present: bool | None = None
