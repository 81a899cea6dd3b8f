"""The request (内部联络单): one department asks another for something."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime


class Request(SQLModel, table=True):
    __tablename__ = "request"
    __table_args__ = (
        Index("ix_request_status_due", "status", "due_at"),
        Index("ix_request_to_status", "to_dept", "status"),
        Index("ix_request_from_status", "from_dept", "status"),
        Index("ix_request_created", "created_at"),
        Index("ix_request_owner", "owner"),
        Index("ix_request_meeting", "meeting_id"),
        Index("ix_request_resolved_closed_due", "resolved_at", "closed_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    description: str | None = None
    from_dept: str = Field(foreign_key="department.code")
    to_dept: str = Field(foreign_key="department.code")
    requester: str
    owner: str | None = Field(default=None, foreign_key="person.id")
    priority: str = "normal"
    status: str = "open"
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    waiting_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    paused_seconds: int = 0
    transfers: int = 0
    reopened: int = 0
    meeting_id: int | None = None
    ack_working_seconds: int | None = None
    resolve_working_seconds: int | None = None
