"""The inbox of one person: each section a list of the objects' list JSON.

Requests: a request shows in one section only, the first that matches in the
order overdue, due_soon, to_acknowledge, to_confirm, actions. "Unowned" means
its owner is deactivated (or missing). Complaints: open ones against a
department whose head or contact I am, and answered ones I filed (to close).
Escalations: open ones where I am in ``must_act``. Meetings: today and
tomorrow (org zone), not cancelled, my department attends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from icrm_cli.domain.escalation.lifecycle import MustActCache, escalation_dict
from icrm_cli.domain.feedback.entries import feedback_dict
from icrm_cli.domain.meetings.query import list_meetings
from icrm_cli.domain.org.lookups import unknown_person
from icrm_cli.domain.requests.query import request_dict
from icrm_cli.domain.requests.states import FINAL, SLA_RUNNING, UNRESOLVED
from icrm_cli.storage.models import Department, Feedback, Meeting, Person, Request
from icrm_cli.storage.models.escalation import Escalation
from icrm_cli.storage.models.meeting import MeetingDepartment
from icrm_cli.timeutil import Clock

SECTIONS = (
    "to_acknowledge",
    "overdue",
    "due_soon",
    "to_confirm",
    "complaints",
    "escalations",
    "meetings",
    "actions",
)
DUE_SOON = timedelta(hours=24)
Sections = dict[str, list[dict[str, Any]]]


def _request_section(
    request: Request, me: str, contact_of: set[str], unowned: bool, now: datetime
) -> str | None:
    mine = request.owner == me
    if mine and request.status in SLA_RUNNING:
        if request.due_at < now:
            return "overdue"
        if request.due_at <= now + DUE_SOON:
            return "due_soon"
    if request.status == "open" and (mine or (unowned and request.to_dept in contact_of)):
        return "to_acknowledge"
    if request.status == "resolved" and request.requester == me:
        return "to_confirm"
    if mine and request.meeting_id is not None and request.status in UNRESOLVED:
        return "actions"
    return None


def _requests(
    session: Session, me: str, contact_of: set[str], now: datetime
) -> dict[str, list[dict[str, Any]]]:
    inactive = set(session.exec(select(Person.id).where(col(Person.active).is_(False))))
    unowned_clause = or_(col(Request.owner).is_(None), col(Request.owner).in_(sorted(inactive)))
    query = select(Request).where(
        col(Request.status).not_in(sorted(FINAL)),
        or_(
            col(Request.owner) == me,
            col(Request.requester) == me,
            col(Request.to_dept).in_(sorted(contact_of)) & (col(Request.status) == "open") & unowned_clause,
        ),
    )
    found: Sections = {name: [] for name in SECTIONS}
    for request in session.exec(query.order_by(col(Request.due_at), col(Request.id))):
        unowned = request.owner is None or request.owner in inactive
        section = _request_section(request, me, contact_of, unowned, now)
        if section is not None:
            found[section].append(request_dict(request, now))
    return found


def _complaints(session: Session, me: str, answerable: set[str]) -> list[dict[str, Any]]:
    query = (
        select(Feedback)
        .where(col(Feedback.kind) == "complaint", col(Feedback.status) == "open")
        .where(
            or_(
                col(Feedback.to_dept).in_(sorted(answerable)),
                (col(Feedback.author) == me) & col(Feedback.responded_at).is_not(None),
            )
        )
        .order_by(col(Feedback.created_at), col(Feedback.id))
    )
    return [feedback_dict(item) for item in session.exec(query)]


def _escalations(session: Session, me: str) -> list[dict[str, Any]]:
    cache: MustActCache = {}
    query = select(Escalation).where(col(Escalation.status) == "open").order_by(col(Escalation.id))
    found = []
    for escalation in session.exec(query):
        values = escalation_dict(session, escalation, cache)
        if any(entry["person"] == me for entry in values["must_act"]):
            found.append(values)
    return found


def _meetings(session: Session, dept: str, clock: Clock, now: datetime) -> list[dict[str, Any]]:
    today = clock.local(now).date()
    start, end = clock.day_start(today), clock.day_start(today + timedelta(days=2))
    ids = set(
        session.exec(
            select(Meeting.id)
            .join(MeetingDepartment, col(MeetingDepartment.meeting_id) == col(Meeting.id))
            .where(col(MeetingDepartment.dept) == dept, col(Meeting.status) != "cancelled")
            .where(col(Meeting.starts_at) >= start, col(Meeting.starts_at) < end)
        )
    )
    if not ids:
        return []
    rows = list_meetings(session, now)
    return sorted((row for row in rows if row["id"] in ids), key=lambda row: (row["starts_at"], row["id"]))


def inbox(session: Session, person_id: str, clock: Clock, now: datetime) -> Sections:
    """What needs ``person_id`` now: every section, empty ones included."""
    person = session.get(Person, person_id)
    if person is None:
        raise unknown_person(person_id)
    departments = list(session.exec(select(Department)))
    contact_of = {d.code for d in departments if d.contact == person.id}
    answerable = contact_of | {d.code for d in departments if d.head == person.id}
    found = _requests(session, person.id, contact_of, now)
    found["complaints"] = _complaints(session, person.id, answerable)
    found["escalations"] = _escalations(session, person.id)
    found["meetings"] = _meetings(session, person.department, clock, now)
    return {name: found[name] for name in SECTIONS}
