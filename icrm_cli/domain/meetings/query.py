"""Reading meetings: the contract's JSON object, lists, and who to remind."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.domain.meetings.schedule import actions_of, attendees_of, departments_of, get_meeting
from icrm_cli.domain.requests.query import request_dict
from icrm_cli.domain.requests.states import FINAL
from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.models import Person, Request
from icrm_cli.storage.models.meeting import Meeting, MeetingAttendee, MeetingDepartment

MEETING_KEYS = (
    "id",
    "title",
    "series",
    "starts_at",
    "ends_at",
    "location",
    "departments",
    "attendees",
    "organizer",
    "status",
    "notes",
    "decisions",
    "actions",
)


def _base(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "series": meeting.series,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "organizer": meeting.organizer,
        "organizer_dept": meeting.organizer_dept,
        "status": meeting.status,
        "notes": meeting.notes,
        "decisions": list(meeting.decisions or []),
    }


def meeting_detail(session: Session, meeting_id: int, now: datetime) -> dict[str, Any]:
    """The contract's meeting object plus ``organizer_dept`` and ``attendance`` (names, presence)."""
    meeting = get_meeting(session, meeting_id)
    attendance = attendees_of(session, meeting_id)
    values = _base(meeting)
    values["departments"] = departments_of(session, meeting_id)
    values["attendees"] = [a["person"] for a in attendance]
    values["actions"] = [request_dict(r, now) for r in actions_of(session, meeting_id)]
    ordered = {key: values[key] for key in MEETING_KEYS}
    ordered["organizer_dept"] = values["organizer_dept"]
    ordered["attendance"] = attendance
    return ordered


def meeting_history(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    return [
        {"at": e.at, "actor": e.actor, "by": e.by, "kind": e.kind, "note": e.note}
        for e in events.history(session, "meeting", meeting_id)
    ]


def _links(session: Session, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    depts: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return depts, people
    for meeting_id, dept in session.exec(
        select(MeetingDepartment.meeting_id, MeetingDepartment.dept)
        .where(col(MeetingDepartment.meeting_id).in_(ids))
        .order_by(col(MeetingDepartment.dept))
    ):
        depts[meeting_id].append(dept)
    for meeting_id, person in session.exec(
        select(MeetingAttendee.meeting_id, MeetingAttendee.person)
        .join(Person, col(Person.id) == col(MeetingAttendee.person))
        .where(col(MeetingAttendee.meeting_id).in_(ids))
        .order_by(col(Person.position))
    ):
        people[meeting_id].append(person)
    return depts, people


def list_meetings(
    session: Session, now: datetime, *, upcoming: bool = False, series: str | None = None
) -> list[dict[str, Any]]:
    """Meetings, newest first; ``upcoming``: scheduled and not yet started, soonest first.

    Rows carry the meeting keys with ``actions`` replaced by the counts
    ``action_count`` and ``open_actions`` (action items not yet final).
    """
    query = select(Meeting)
    if series is not None:
        name = series.strip()
        if not name:
            raise InvalidValueError("the series name must not be empty")
        query = query.where(Meeting.series == name)
    if upcoming:
        query = query.where(Meeting.status == "scheduled", col(Meeting.starts_at) > now)
        query = query.order_by(col(Meeting.starts_at), col(Meeting.id))
    else:
        query = query.order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
    meetings = list(session.exec(query))
    ids = [m.id for m in meetings if m.id is not None]
    depts, people = _links(session, ids)
    counts: dict[int, tuple[int, int]] = {}
    if ids:
        open_case = func.sum(case((col(Request.status).in_(sorted(FINAL)), 0), else_=1))
        for meeting_id, total, still_open in session.exec(
            select(Request.meeting_id, func.count(), open_case)
            .where(col(Request.meeting_id).in_(ids))
            .group_by(col(Request.meeting_id))
        ):
            if meeting_id is not None:
                counts[meeting_id] = (int(total), int(still_open or 0))
    rows = []
    for meeting in meetings:
        assert meeting.id is not None
        row = _base(meeting)
        row["departments"] = depts[meeting.id]
        row["attendees"] = people[meeting.id]
        total, still_open = counts.get(meeting.id, (0, 0))
        row["action_count"] = total
        row["open_actions"] = still_open
        rows.append(row)
    return rows


def reminders(session: Session, now: datetime, within: timedelta) -> list[dict[str, Any]]:
    """Scheduled meetings that have not started and start within ``within`` from now.

    Each with ``recipients``: the attendees' ``{person, name, email, department}``.
    """
    query = (
        select(Meeting)
        .where(
            Meeting.status == "scheduled",
            col(Meeting.starts_at) > now,
            col(Meeting.starts_at) <= now + within,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    found = []
    for meeting in session.exec(query):
        assert meeting.id is not None
        row = _base(meeting)
        row["departments"] = departments_of(session, meeting.id)
        row["recipients"] = [
            {key: a[key] for key in ("person", "name", "email", "department")}
            for a in attendees_of(session, meeting.id)
            if a["present"] is not False
        ]
        found.append(row)
    return found


def display_names(session: Session) -> dict[str, str]:
    """Department codes and person ids to display names, for documents."""
    from icrm_cli.storage.models import Department

    names: dict[str, str] = dict(session.exec(select(Department.code, Department.name)).all())
    names.update(dict(session.exec(select(Person.id, Person.name)).all()))
    return names


def reminder_rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The :func:`reminders` as one row per meeting and person to remind."""
    return [
        {**meeting, **{key: person[key] for key in ("person", "name", "email")}}
        for meeting in found
        for person in meeting["recipients"]
    ]
