"""`meeting edit`: rename, move, lengthen, relocate a meeting, or change its departments.

Each field that changes is one ``edited`` event (``field``, ``old``, ``new``).
The invitation's SEQUENCE counts those events (see :func:`sequence`), so a
calendar client updates the event it already has (same UID) instead of adding
one. A department added brings its interface contact as an attendee; a
department removed takes its people off the attendance (the organiser stays).

Who may edit (for the permissions work): the organiser and members of an
attending department, as for ``meeting new``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, func, select

from icrm_cli.domain import events
from icrm_cli.domain.meetings.schedule import ENTITY, MAX_DURATION, departments_of, get_meeting, require
from icrm_cli.domain.org.apply import get_department
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.text import clean_title
from icrm_cli.errors import InvalidValueError, TransitionError
from icrm_cli.storage.models import Event, Person
from icrm_cli.storage.models.meeting import Meeting, MeetingAttendee, MeetingDepartment


@dataclass
class MeetingEdited:
    meeting: Meeting
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def sequence(session: Session, meeting: Meeting) -> int:
    """The invitation's SEQUENCE: one per recorded edit, one more once cancelled."""
    query = select(func.count()).where(
        Event.entity == ENTITY, Event.entity_id == meeting.id, Event.kind == "edited"
    )
    edits = int(session.exec(query).one())
    return edits + (1 if meeting.status == "cancelled" else 0)


def _departments(
    session: Session, meeting: Meeting, add: Sequence[str], remove: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The departments before and after, checked; unknown codes are errors."""
    assert meeting.id is not None
    before = departments_of(session, meeting.id)
    added = [get_department(session, code).code for code in add]
    removed = [get_department(session, code).code for code in remove]
    both = set(added) & set(removed)
    if both:
        raise InvalidValueError(f"department {sorted(both)[0]} is both added and removed")
    for code in removed:
        if code not in before:
            raise InvalidValueError(f"department {code} does not take part in meeting #{meeting.id}")
    after = sorted((set(before) | set(added)) - set(removed))
    if not after:
        raise InvalidValueError("a meeting needs at least one department: keep one or add another")
    return before, after


def _move_departments(session: Session, meeting: Meeting, before: list[str], after: list[str]) -> None:
    assert meeting.id is not None
    query = select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting.id)
    attending = {row.person: row for row in session.exec(query)}
    for code in sorted(set(before) - set(after)):
        session.delete(session.get(MeetingDepartment, (meeting.id, code)))
        members = select(Person.id).where(Person.department == code)
        for person in session.exec(members):
            if person in attending and person != meeting.organizer:
                session.delete(attending.pop(person))
    for code in sorted(set(after) - set(before)):
        session.add(MeetingDepartment(meeting_id=meeting.id, dept=code))
        contact = get_department(session, code).contact
        if contact and contact not in attending:
            attending[contact] = MeetingAttendee(meeting_id=meeting.id, person=contact, present=None)
            session.add(attending[contact])


def edit(
    session: Session,
    policy: Policy,
    meeting_id: int,
    *,
    actor: str,
    title: str | None = None,
    starts_at: datetime | None = None,
    duration: timedelta | None = None,
    location: str | None = None,
    add_departments: Sequence[str] = (),
    remove_departments: Sequence[str] = (),
) -> MeetingEdited:
    """Apply the given changes; unchanged values are left alone (``changes`` may be empty)."""
    meeting = get_meeting(session, meeting_id)
    require(session, actor, "meeting edit", meeting)  # the organizer or an attending department
    if meeting.status == "cancelled":
        raise TransitionError(f"cannot edit meeting #{meeting_id}: it is cancelled")
    old_duration = meeting.ends_at - meeting.starts_at
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = clean_title(title)
    if starts_at is not None:
        wanted["starts_at"] = starts_at
    if starts_at is not None or duration is not None:
        length = duration if duration is not None else old_duration
        if not timedelta(0) < length <= MAX_DURATION:
            raise InvalidValueError("the meeting duration must be greater than zero and at most 24h")
        wanted["ends_at"] = (starts_at or meeting.starts_at) + length
    if location is not None:
        wanted["location"] = clean_title(location, what="location") if location.strip() else None
    result = MeetingEdited(meeting)
    now = policy.clock.now()

    def record(name: str, old: Any, new: Any) -> None:
        shown = [value.isoformat() if isinstance(value, datetime) else value for value in (old, new)]
        result.changes.append((name, old, new))
        events.record(
            session,
            entity=ENTITY,
            entity_id=meeting_id,
            kind="edited",
            actor=actor,
            note=f"{name}: {shown[0]} → {shown[1]}",
            detail={"field": name, "old": shown[0], "new": shown[1]},
            at=now,
        )

    for name in ("title", "starts_at", "ends_at", "location"):
        if name in wanted and wanted[name] != getattr(meeting, name):
            record(name, getattr(meeting, name), wanted[name])
            setattr(meeting, name, wanted[name])
    if add_departments or remove_departments:
        before, after = _departments(session, meeting, add_departments, remove_departments)
        if before != after:
            _move_departments(session, meeting, before, after)
            record("departments", before, after)
    if result.changes:
        session.add(meeting)
        session.flush()
    return result
