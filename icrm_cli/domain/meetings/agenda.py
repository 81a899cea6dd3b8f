"""The agenda of a meeting: what is left from earlier meetings, and what is stuck between
its departments (先跟踪遗留问题).

Sections, in order:

1. ``carried_over``: action items of EARLIER meetings of the same series that are not final
   yet (a resolved item waits for the customer's confirmation), oldest first;
2. ``overdue_requests``: open overdue requests whose customer and supplier are both among
   the meeting's departments, whichever meeting (or none) created them, most overdue first
   (items already listed in section 1 are not repeated);
3. ``open_escalations``: open escalations whose two sides are both among the meeting's
   departments, highest level first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.domain.escalation.lifecycle import open_escalations_between
from icrm_cli.domain.meetings.query import meeting_detail
from icrm_cli.domain.meetings.schedule import departments_of, get_meeting
from icrm_cli.domain.requests.query import request_dict
from icrm_cli.domain.requests.states import FINAL, SLA_RUNNING
from icrm_cli.storage.models import Person, Request
from icrm_cli.storage.models.meeting import Meeting


def _names(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    owners = {row["owner"] for row in rows if row.get("owner")}
    names: dict[str, str] = {}
    if owners:
        names = dict(session.exec(select(Person.id, Person.name).where(col(Person.id).in_(owners))).all())
    for row in rows:
        row["owner_name"] = names.get(row.get("owner") or "")
    return rows


def carried_over(session: Session, meeting: Meeting, now: datetime) -> list[dict[str, Any]]:
    """Open action items of earlier meetings of the same series, oldest first."""
    if meeting.series is None:
        return []
    earlier = (
        select(Meeting.id)
        .where(Meeting.series == meeting.series, Meeting.id != meeting.id)
        .where(col(Meeting.starts_at) < meeting.starts_at)
    )
    query = (
        select(Request, Meeting.title, Meeting.starts_at)
        .join(Meeting, col(Meeting.id) == col(Request.meeting_id))
        .where(col(Request.meeting_id).in_(earlier), col(Request.status).not_in(sorted(FINAL)))
        .order_by(col(Request.created_at), col(Request.id))
    )
    rows = []
    for request, title, starts_at in session.exec(query):
        row = request_dict(request, now)
        row["meeting_title"] = title
        row["meeting_starts_at"] = starts_at
        rows.append(row)
    return _names(session, rows)


def overdue_between(session: Session, departments: Sequence[str], now: datetime) -> list[dict[str, Any]]:
    """Open overdue requests with customer and supplier both among ``departments``."""
    if not departments:
        return []
    codes = list(departments)
    query = (
        select(Request)
        .where(col(Request.from_dept).in_(codes), col(Request.to_dept).in_(codes))
        .where(col(Request.status).in_(sorted(SLA_RUNNING)), col(Request.due_at) < now)
        .order_by(col(Request.due_at), col(Request.id))
    )
    return _names(session, [request_dict(r, now) for r in session.exec(query)])


def build_agenda(session: Session, meeting_id: int, now: datetime) -> dict[str, Any]:
    """``{meeting, carried_over, overdue_requests, open_escalations}``."""
    meeting = get_meeting(session, meeting_id)
    departments = departments_of(session, meeting_id)
    carried = carried_over(session, meeting, now)
    listed = {row["id"] for row in carried}
    agenda: dict[str, Any] = {
        "meeting": meeting_detail(session, meeting_id, now),
        "carried_over": carried,
        "overdue_requests": [r for r in overdue_between(session, departments, now) if r["id"] not in listed],
    }
    agenda["open_escalations"] = open_escalations_between(session, departments)
    return agenda
