"""Feedback between departments: ratings, structured thanks and expectations, complaints, surveys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from icrm_cli.storage.types import UTCDateTime

FEEDBACK_KINDS = ("rating", "thanks", "expectation", "complaint")


class Feedback(SQLModel, table=True):
    """One piece of feedback from a customer department (``from_dept``) to its supplier (``to_dept``).

    ``status`` is ``open``/``closed`` for complaints and NULL for every other kind.
    """

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_to_created", "to_dept", "created_at"),
        Index("ix_feedback_pair", "from_dept", "to_dept"),
        Index("ix_feedback_created", "created_at"),
        Index("ix_feedback_kind_status", "kind", "status"),
        Index("ix_feedback_request", "request_id"),
        Index("ix_feedback_survey", "survey_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    from_dept: str = Field(foreign_key="department.code")
    to_dept: str = Field(foreign_key="department.code")
    score: int | None = None
    request_id: int | None = Field(default=None, foreign_key="request.id")
    behavior: str | None = None
    impact: str | None = None
    expectation: str | None = None
    note: str | None = None
    author: str
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str | None = None
    responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    response: str | None = None
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    survey_id: int | None = Field(default=None, foreign_key="survey.id")


class Survey(SQLModel, table=True):
    """A satisfaction survey (满意度调查) over a window of resolved requests, named by its period."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("period", name="uq_survey_period"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str
    since: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str


class SurveyInvitation(SQLModel, table=True):
    """One (customer, supplier) pair asked to score in a survey; ``feedback_id`` is its answer."""

    __tablename__ = "survey_invitation"

    survey_id: int = Field(foreign_key="survey.id", primary_key=True)
    customer: str = Field(foreign_key="department.code", primary_key=True)
    supplier: str = Field(foreign_key="department.code", primary_key=True)
    requests: int = 0
    feedback_id: int | None = Field(default=None, foreign_key="feedback.id")
