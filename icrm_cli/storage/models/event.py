"""The audit trail: every state change of every object, with actor and time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime


class Event(SQLModel, table=True):
    """One change. ``entity`` is the kind of object (request, meeting, ...)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_entity", "entity", "entity_id", "id"),
        Index("ix_event_at", "at"),
        Index("ix_event_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str
    entity_id: int
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str
    kind: str
    note: str | None = None
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # The admin who acted for ``actor`` (``--as`` on a database server), else None. On PostgreSQL the
    # table also has ``db_login``, filled by the server (``session_user``); icrm never writes it.
    by: str | None = None
