"""Cross-department meetings (例会): scheduling, attendance, minutes, cancellation, action items.

Every change records a ``meeting`` event with actor and time. Action items are requests
created through :func:`icrm_cli.domain.requests.lifecycle.create` with ``meeting_id`` set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.org.apply import get_department, get_person
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.requests import lifecycle as requests
from icrm_cli.domain.text import clean_text, clean_title, required_text
from icrm_cli.errors import InvalidValueError, NotFoundError, TransitionError
from icrm_cli.storage.models import Department, Person, Request
from icrm_cli.storage.models.meeting import Meeting, MeetingAttendee, MeetingDepartment

MAX_DURATION = timedelta(days=1)
ENTITY = "meeting"


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"unknown meeting #{meeting_id}")
    return meeting


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_duration(duration: timedelta) -> timedelta:
    if duration <= timedelta(0):
        raise InvalidValueError("the meeting duration must be greater than zero")
    if duration > MAX_DURATION:
        raise InvalidValueError("a meeting lasts at most 24h; split longer workshops into several meetings")
    return duration


def create(
    session: Session,
    policy: Policy,
    *,
    actor: str,
    title: str,
    starts_at: datetime,
    duration: timedelta,
    series: str | None = None,
    departments: Sequence[str] = (),
    attendees: Sequence[str] = (),
    location: str | None = None,
) -> Meeting:
    """Schedule a meeting.

    Departments default to those of the attendees and the organiser. Attendees default to
    the departments' interface contacts (接口人); the organiser, when a person of the org
    file, always attends. The organiser's department is the customer of the action items;
    for an organiser outside the org file it is the first department given.
    """
    now = policy.clock.now()
    access.require(session, actor, "meeting new", access.Facts(object="a meeting"))
    clean = clean_title(title)
    series_name = clean_title(series, what="series name") if series is not None else None
    place = clean_title(location, what="location") if location else None
    _check_duration(duration)
    depts = _unique([get_department(session, code).code for code in departments])
    people = [get_person(session, ident) for ident in _unique(list(attendees))]
    organiser = session.get(Person, actor)
    if organiser is not None and not organiser.active:
        organiser = None
    if not depts:
        depts = _unique([p.department for p in people] + ([organiser.department] if organiser else []))
    if not depts:
        raise InvalidValueError("a meeting needs at least one department: give --dept DEPT")
    organizer_dept = organiser.department if organiser else depts[0]
    if not people:
        contacts = [session.get(Department, code) for code in depts]
        people = [get_person(session, d.contact) for d in contacts if d is not None and d.contact]
    if organiser is not None and organiser.id not in {p.id for p in people}:
        people.insert(0, organiser)
    meeting = Meeting(
        title=clean,
        series=series_name,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        location=place,
        organizer=actor,
        organizer_dept=organizer_dept,
        status="scheduled",
        notes=None,
        decisions=[],
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    for code in depts:
        session.add(MeetingDepartment(meeting_id=meeting.id, dept=code))
    for person in _unique([p.id for p in people]):
        session.add(MeetingAttendee(meeting_id=meeting.id, person=person, present=None))
    events.record(
        session,
        entity=ENTITY,
        entity_id=meeting.id,
        kind="created",
        actor=actor,
        at=now,
        detail={
            "to": "scheduled",
            "starts_at": starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "series": series_name,
            "departments": depts,
            "attendees": [p.id for p in people],
        },
    )
    session.flush()
    return meeting


def require(session: Session, actor: str, action: str, meeting: Meeting) -> None:
    """Ask the access rules: the organizer or a member of an attending department."""
    about = access.Facts(
        object=f"meeting #{meeting.id}",
        organizer=meeting.organizer,
        departments=tuple(departments_of(session, meeting.id or 0)),
    )
    access.require(session, actor, action, about)


def _require_not_cancelled(meeting: Meeting, command: str) -> None:
    if meeting.status == "cancelled":
        raise TransitionError(f"cannot {command} meeting #{meeting.id}: it is cancelled")


def cancel(session: Session, policy: Policy, meeting_id: int, *, reason: str, actor: str) -> Meeting:
    meeting = get_meeting(session, meeting_id)
    require(session, actor, "meeting cancel", meeting)
    if meeting.status != "scheduled":
        raise TransitionError(
            f"cannot cancel meeting #{meeting.id}: it is {meeting.status} (cancel is allowed from scheduled)"
        )
    note = required_text(reason, what="reason")
    meeting.status = "cancelled"
    session.add(meeting)
    events.record(
        session,
        entity=ENTITY,
        entity_id=meeting_id,
        kind="cancelled",
        actor=actor,
        note=note,
        detail={"from": "scheduled", "to": "cancelled"},
        at=policy.clock.now(),
    )
    return meeting


def record_minutes(
    session: Session,
    policy: Policy,
    meeting_id: int,
    *,
    actor: str,
    notes: str | None = None,
    decisions: Sequence[str] | None = None,
) -> Meeting:
    """Set the notes and/or the decisions (each replaces what was there; the event keeps the old).

    Once the meeting has started it becomes ``held``; notes prepared before the start leave it
    ``scheduled``, so it still counts as upcoming and its reminder still goes out.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor, "meeting minutes", meeting)
    now = policy.clock.now()
    _require_not_cancelled(meeting, "record minutes of")
    if notes is None and not decisions:
        raise InvalidValueError("nothing to record: give --notes, --notes-file or --decision")
    status = "held" if now >= meeting.starts_at else meeting.status
    detail: dict[str, Any] = {"from": meeting.status, "to": status}
    if notes is not None:
        text = clean_text(notes, what="notes")
        if not text:
            raise InvalidValueError("the notes must not be empty")
        detail["old_notes"] = meeting.notes
        detail["notes"] = text
        meeting.notes = text
    if decisions:
        cleaned = [clean_title(d, what="decision") for d in decisions]
        detail["old_decisions"] = list(meeting.decisions or [])
        detail["decisions"] = cleaned
        meeting.decisions = cleaned
    amended = bool(detail.get("old_notes") or detail.get("old_decisions"))
    meeting.status = status
    session.add(meeting)
    events.record(
        session,
        entity=ENTITY,
        entity_id=meeting_id,
        kind="minutes_amended" if amended else "minutes_recorded",
        actor=actor,
        detail=detail,
        at=now,
    )
    return meeting


def set_attendance(
    session: Session,
    policy: Policy,
    meeting_id: int,
    people: Sequence[str],
    *,
    present: bool,
    actor: str,
) -> Meeting:
    """Record who was there (or, with ``present=False``, who was absent); adds unlisted people."""
    meeting = get_meeting(session, meeting_id)
    require(session, actor, "meeting attend", meeting)
    _require_not_cancelled(meeting, "record attendance of")
    if not people:
        raise InvalidValueError("name at least one person")
    idents = _unique([get_person(session, ident, active=False).id for ident in people])
    for ident in idents:
        row = session.get(MeetingAttendee, (meeting_id, ident))
        if row is None:
            row = MeetingAttendee(meeting_id=meeting_id, person=ident)
        row.present = present
        session.add(row)
    events.record(
        session,
        entity=ENTITY,
        entity_id=meeting_id,
        kind="attendance",
        actor=actor,
        detail={"present" if present else "absent": idents},
        at=policy.clock.now(),
    )
    return meeting


def add_action(
    session: Session,
    policy: Policy,
    meeting_id: int,
    *,
    actor: str,
    title: str,
    owner: str,
    due: datetime,
    description: str | None = None,
    priority: str = "normal",
) -> Request:
    """An action item: a request from the organiser's department to the owner's department."""
    meeting = get_meeting(session, meeting_id)
    require(session, actor, "meeting action", meeting)
    _require_not_cancelled(meeting, "add an action item to")
    person = get_person(session, owner)
    customer = meeting.organizer_dept
    if customer is None:
        raise InvalidValueError(f"meeting #{meeting_id} has no organiser department")
    request = requests.create(
        session,
        policy,
        actor=actor,
        from_dept=customer,
        to_dept=person.department,
        title=title,
        description=description,
        owner=person.id,
        priority=priority,
        due=due,
        meeting_id=meeting_id,
    )
    events.record(
        session,
        entity=ENTITY,
        entity_id=meeting_id,
        kind="action_added",
        actor=actor,
        detail={"request_id": request.id, "owner": person.id},
        at=request.created_at,
    )
    return request


def departments_of(session: Session, meeting_id: int) -> list[str]:
    query = select(MeetingDepartment.dept).where(MeetingDepartment.meeting_id == meeting_id)
    return sorted(session.exec(query))


def attendees_of(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    """Attendees with name, email, department and presence (None = not recorded)."""
    query = (
        select(MeetingAttendee, Person)
        .join(Person, col(Person.id) == col(MeetingAttendee.person))
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(col(Person.position))
    )
    return [
        {
            "person": person.id,
            "name": person.name,
            "email": person.email,
            "department": person.department,
            "present": row.present,
        }
        for row, person in session.exec(query)
    ]


def actions_of(session: Session, meeting_id: int) -> list[Request]:
    query = select(Request).where(Request.meeting_id == meeting_id).order_by(col(Request.id))
    return list(session.exec(query))
