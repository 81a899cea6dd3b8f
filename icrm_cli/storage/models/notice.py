"""What ``icrm notify`` has sent: one row per notice and channel, and the one-run-at-a-time lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime

NOTICE_STATUSES = ("sent", "failed", "expired")


class Notice(SQLModel, table=True):
    """One notice to one channel of one recipient.

    The key is (kind, object, recipient, step) plus the channel (a fingerprint of
    its URL as written in the org file, never the expanded URL): ``sent`` rows are
    never sent again; ``failed`` ones are retried with their ``payload`` until
    they are 7 days old, then marked ``expired``.
    """

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("kind", "object", "recipient", "step", "channel", name="uq_notice_key"),
        Index("ix_notice_status", "status", "first_tried_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    object: str
    recipient: str
    step: str
    channel: str
    channel_label: str
    status: str
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    attempts: int = 0
    first_tried_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_tried_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    error: str | None = None


class NotifyState(SQLModel, table=True):
    """A single row (id 1): who holds the run lock since when, and when the last run started."""

    __tablename__ = "notify_state"

    id: int = Field(primary_key=True)
    holder: str | None = None
    taken_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
