"""The escalation ladder (升级): contacts, then heads, then the common superior arbitrates."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Column, Index, Table, text
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime

ESCALATION_STATUSES = ("open", "resolved")
MAX_LEVEL = 3


class Escalation(SQLModel, table=True):
    """A conflict between two departments, climbing the ladder until it is resolved.

    For a request's escalation ``dept_a`` is the request's customer and ``dept_b`` its
    supplier. At most one open escalation per request (a partial unique index).
    """

    __tablename__ = "escalation"
    __table_args__ = (
        Index("ix_escalation_request", "request_id"),
        Index("ix_escalation_status_level", "status", "level"),
        Index("ix_escalation_opened", "opened_at"),
        Index("ix_escalation_pair", "dept_a", "dept_b"),
        Index(
            "ux_escalation_open_request",
            "request_id",
            unique=True,
            sqlite_where=text("status = 'open' AND request_id IS NOT NULL"),
            postgresql_where=text("status = 'open' AND request_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="request.id")
    dept_a: str = Field(foreign_key="department.code")
    dept_b: str = Field(foreign_key="department.code")
    level: int = 1
    status: str = "open"
    reason: str
    opened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    raised_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision: str | None = None
    contingency: str | None = None
    opened_by: str


def table_of(model: Any) -> Table:
    """The Core table behind a SQLModel class (typed, for Core queries)."""
    return cast(Table, model.__table__)
