"""Feedback between departments, satisfaction surveys and their invitations."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from icrm_cli.storage.types import UTCDateTime


def upgrade(conn: Connection) -> None:
    metadata = MetaData()
    Table("department", metadata, Column("code", String(32), primary_key=True))
    Table("request", metadata, Column("id", Integer, primary_key=True))
    Table(
        "survey",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("period", String, nullable=False),
        Column("since", UTCDateTime, nullable=False),
        Column("until", UTCDateTime, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("created_by", String, nullable=False),
        UniqueConstraint("period", name="uq_survey_period"),
    )
    Table(
        "feedback",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("kind", String, nullable=False),
        Column("from_dept", String, ForeignKey("department.code"), nullable=False),
        Column("to_dept", String, ForeignKey("department.code"), nullable=False),
        Column("score", Integer, nullable=True),
        Column("request_id", Integer, ForeignKey("request.id"), nullable=True),
        Column("behavior", String, nullable=True),
        Column("impact", String, nullable=True),
        Column("expectation", String, nullable=True),
        Column("note", String, nullable=True),
        Column("author", String, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("status", String, nullable=True),
        Column("responded_at", UTCDateTime, nullable=True),
        Column("response", String, nullable=True),
        Column("closed_at", UTCDateTime, nullable=True),
        Column("survey_id", Integer, ForeignKey("survey.id"), nullable=True),
        Index("ix_feedback_to_created", "to_dept", "created_at"),
        Index("ix_feedback_pair", "from_dept", "to_dept"),
        Index("ix_feedback_created", "created_at"),
        Index("ix_feedback_kind_status", "kind", "status"),
        Index("ix_feedback_request", "request_id"),
        Index("ix_feedback_survey", "survey_id"),
    )
    Table(
        "survey_invitation",
        metadata,
        Column("survey_id", Integer, ForeignKey("survey.id"), primary_key=True),
        Column("customer", String, ForeignKey("department.code"), primary_key=True),
        Column("supplier", String, ForeignKey("department.code"), primary_key=True),
        Column("requests", Integer, nullable=False),
        Column("feedback_id", Integer, ForeignKey("feedback.id"), nullable=True),
    )
    for name in ("survey", "feedback", "survey_invitation"):
        metadata.tables[name].create(conn, checkfirst=True)
