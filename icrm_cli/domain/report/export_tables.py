"""Exports of the events, feedback, meetings and escalations tables through SQLAlchemy.

The streaming itself (raw driver values, batches straight from the cursor) is
:mod:`icrm_cli.storage.row_stream`. The requests export runs as a plan, like
`request list` (see :mod:`icrm_cli.domain.report.export`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, null, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from icrm_cli.domain.access.policy import RATED, rater_scope
from icrm_cli.domain.report.export_specs import specs
from icrm_cli.storage.models import Event, Feedback, Person
from icrm_cli.storage.row_batches import Field, RowStream
from icrm_cli.storage.row_stream import stream_rows


def _hidden_rater(session: Session, table: str, field: Field, viewer: str) -> Field:
    """The author / actor column with who gave a score nulled where the viewer may not see it."""
    key = "author" if table == "feedback" else "actor"
    if field.key not in (key, "by"):
        return field
    everyone, department = rater_scope(session, viewer)
    if everyone:
        return field
    feedback = Feedback.__table__.c  # type: ignore[attr-defined]
    rated: Any
    if table == "feedback":
        rated, author = feedback.kind == RATED, feedback.author
    else:
        event = Event.__table__.c  # type: ignore[attr-defined]
        ratings = select(feedback.id).where(feedback.kind == RATED)
        rated = and_(event.entity == "feedback", event.kind == "given", event.entity_id.in_(ratings))
        author = event.actor
    if department is not None:
        people = Person.__table__.c  # type: ignore[attr-defined]
        own = select(people.id).where(people.department == department)
        rated = and_(rated, author.not_in(own))
    return replace(field, expression=case((rated, null()), else_=field.expression))


def table_rows(
    session: Session,
    table: str,
    *,
    now: datetime,
    since: datetime | None,
    until: datetime | None,
    viewer: str | None = None,
) -> RowStream:
    """Stream ``table`` (events, feedback, meetings or escalations) oldest first, filtered on its time.

    With ``viewer``, who gave a score is null where the access rules hide it (feedback ``author``,
    the actor of the feedback's ``given`` event).
    """
    spec = specs()[table]
    fields = spec.fields(now)
    if viewer is not None and table in ("feedback", "events"):
        fields = [_hidden_rater(session, table, field, viewer) for field in fields]
    where: list[ColumnElement[bool]] = []
    if since is not None:
        where.append(spec.when >= since)
    if until is not None:
        where.append(spec.when <= until)
    return stream_rows(
        session, spec.table, fields, where=where, order_by=[spec.table.c.id], enrich=spec.enrich
    )
