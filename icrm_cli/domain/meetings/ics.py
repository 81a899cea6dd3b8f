"""The calendar invitation of a meeting: RFC 5545 built with the ``icalendar`` package."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText
from sqlmodel import Session

from icrm_cli import __version__
from icrm_cli.domain.meetings.schedule import get_meeting
from icrm_cli.domain.meetings.vtimezone import vtimezone
from icrm_cli.storage.models import Person
from icrm_cli.timeutil import Clock

PRODID = f"-//icrm//icrm {__version__}//ZH"


def meeting_uid(meeting_id: int, created_at: datetime) -> str:
    """Stable for the meeting: its id and creation time, never the export time."""
    return f"meeting-{meeting_id}-{created_at.astimezone(UTC):%Y%m%dT%H%M%SZ}@icrm"


def agenda_text(agenda: dict[str, Any], clock: Clock) -> str:
    """The agenda as plain text for the invitation's DESCRIPTION."""
    meeting = agenda["meeting"]
    lines = [meeting["title"]]
    if meeting.get("departments"):
        lines.append("部门: " + ", ".join(meeting["departments"]))
    sections = [
        ("1. 遗留事项 (carried over)", agenda.get("carried_over", [])),
        ("2. 逾期联络单 (overdue requests)", agenda.get("overdue_requests", [])),
    ]
    for title, rows in sections:
        lines += ["", title]
        if not rows:
            lines.append("  (无 / none)")
        for row in rows:
            flag = " 逾期/overdue" if row.get("overdue") else ""
            lines.append(
                f"  #{row['id']} {row['title']} — {row['from_dept']}→{row['to_dept']}, "
                f"{row.get('owner') or '-'}, due {clock.short(row['due_at'])}, {row['status']}{flag}"
            )
    lines += ["", "3. 未决升级 (open escalations)"]
    escalations = agenda["open_escalations"]
    if not escalations:
        lines.append("  (无 / none)")
    for row in escalations:
        lines.append(
            f"  #{row.get('id')} {row.get('dept_a')}↔{row.get('dept_b')} level {row.get('level')}: "
            f"{row.get('reason') or ''}"
        )
    return "\n".join(lines)


def _address(person: dict[str, Any], role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person['email']}")
    address.params["CN"] = vText(person["name"])
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def left_out(session: Session, meeting_id: int) -> list[str]:
    """Who the invitation cannot name because they have no email: the organiser and attendees, as
    ``"organiser zhang.wei"`` or ``"attendee li.na"``."""
    from icrm_cli.domain.meetings.schedule import attendees_of

    stored = get_meeting(session, meeting_id)
    organiser = session.get(Person, stored.organizer)
    missing = [] if organiser is not None and organiser.email else [f"organiser {stored.organizer}"]
    missing += [
        f"attendee {person['person']}"
        for person in attendees_of(session, meeting_id)
        if not person.get("email")
    ]
    return missing


def meeting_ics(session: Session, meeting_id: int, clock: Clock) -> bytes:
    """The invitation of one meeting; DESCRIPTION is its agenda, SEQUENCE counts its edits."""
    from icrm_cli.domain.meetings.agenda import build_agenda
    from icrm_cli.domain.meetings.edit import sequence

    now = clock.now()
    agenda = build_agenda(session, meeting_id, now)
    meeting = agenda["meeting"]
    stored = get_meeting(session, meeting_id)
    organiser = session.get(Person, stored.organizer)
    return build_ics(
        meeting,
        uid=meeting_uid(meeting_id, stored.created_at),
        sequence=sequence(session, stored),
        description=agenda_text(agenda, clock),
        organizer={"name": organiser.name, "email": organiser.email} if organiser else None,
        clock=clock,
        now=now,
    )


def build_ics(
    meeting: dict[str, Any],
    *,
    uid: str,
    description: str,
    organizer: dict[str, Any] | None,
    clock: Clock,
    now: datetime,
    sequence: int | None = None,
) -> bytes:
    """One VCALENDAR with one VEVENT (and the VTIMEZONE it needs); CRLF line endings."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    cancelled = meeting["status"] == "cancelled"
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", clock.local(meeting["starts_at"]))
    event.add("dtend", clock.local(meeting["ends_at"]))
    event.add("summary", meeting["title"])
    if meeting.get("location"):
        event.add("location", meeting["location"])
    event.add("description", description)
    event.add("sequence", sequence if sequence is not None else int(cancelled))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.get("series"):
        event.add("categories", [meeting["series"]])
    if organizer and organizer.get("email"):
        event.add("organizer", _address(organizer))
    for person in meeting.get("attendance", []):
        if person.get("email"):
            event.add("attendee", _address(person, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    if clock.zone is not None:
        start = clock.local(meeting["starts_at"])
        tzid = getattr(clock.zone, "key", None) or str(start.tzinfo)
        calendar.add_component(vtimezone(clock.zone, tzid, start.year))
    return bytes(calendar.to_ical())
