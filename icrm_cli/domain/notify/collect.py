"""What concerns whom: the notices of one run, collected from events and from the state now.

From the events of the window: a request arriving (created or transferred in),
a request resolved and awaiting its customer's confirmation, an escalation
opened or raised, a complaint filed. From the state now: requests due within
24 h or overdue (their owner), meetings tomorrow (their attendees). The person
who caused an event is not told of it; department channels always are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.domain.escalation.ladder import who_must_act
from icrm_cli.domain.notify.channels import Channel, ChannelBook
from icrm_cli.domain.requests.states import FINAL, SLA_RUNNING
from icrm_cli.storage.models import Department, Event, Feedback, Meeting, Person, Request
from icrm_cli.storage.models.escalation import Escalation
from icrm_cli.storage.models.meeting import MeetingAttendee
from icrm_cli.timeutil import Clock

DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Recipient:
    """A person, or a department's group channels."""

    kind: str  # person | department
    ident: str
    name: str
    channels: tuple[Channel, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ident}"


@dataclass(frozen=True)
class Item:
    """One thing to tell: its key parts, the inbox section it belongs to, and what to show."""

    kind: str
    object: str
    step: str
    section: str
    fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def payload(self) -> dict[str, Any]:
        return {"section": self.section, "fields": self.fields}

    @classmethod
    def from_record(cls, kind: str, obj: str, step: str, payload: dict[str, Any] | None) -> Item:
        stored = payload or {}
        return cls(kind, obj, step, str(stored.get("section", "")), dict(stored.get("fields") or {}))


@dataclass(frozen=True)
class Notice:
    item: Item
    recipient: Recipient


class _Org:
    """Names, emails and channels of the org as it is now (read once per run)."""

    def __init__(self, session: Session, book: ChannelBook) -> None:
        self.book = book
        self.people = {p.id: p for p in session.exec(select(Person))}
        self.depts = {d.code: d for d in session.exec(select(Department))}

    def person(self, ident: str | None) -> Recipient | None:
        person = self.people.get(ident or "")
        if person is None or not person.active:
            return None
        channels = tuple(self.book.for_person(person.id, person.email))
        return Recipient("person", person.id, person.name, channels)

    def department(self, code: str) -> Recipient | None:
        dept = self.depts.get(code)
        if dept is None or not dept.active:
            return None
        return Recipient("department", dept.code, dept.name, tuple(self.book.for_department(code)))

    def dept_name(self, code: str) -> str:
        dept = self.depts.get(code)
        return dept.name if dept else code


def _request_fields(org: _Org, request: Request) -> dict[str, Any]:
    return {
        "id": request.id,
        "title": request.title,
        "from_dept": request.from_dept,
        "from_name": org.dept_name(request.from_dept),
        "to_dept": request.to_dept,
        "to_name": org.dept_name(request.to_dept),
        "owner": request.owner,
        "priority": request.priority,
        "status": request.status,
        "due_at": request.due_at.isoformat(),
    }


def _request_section(request: Request, arriving: bool) -> str:
    if request.meeting_id is not None:
        return "actions"
    return "to_acknowledge" if arriving else "to_confirm"


class _Collector:
    def __init__(self, session: Session, org: _Org) -> None:
        self.session = session
        self.org = org
        self.found: list[Notice] = []

    def add(self, item: Item, recipients: Iterable[Recipient | None], actor: str | None = None) -> None:
        seen: set[str] = set()
        for recipient in recipients:
            if recipient is None or recipient.key in seen:
                continue
            if recipient.kind == "person" and recipient.ident == actor:
                continue  # the person who caused it knows
            seen.add(recipient.key)
            self.found.append(Notice(item, recipient))

    def request_event(self, event: Event, request: Request) -> None:
        detail = event.detail or {}
        if event.kind in ("created", "transferred"):
            if request.status in FINAL or request.status == "resolved":
                return
            owner, supplier = detail.get("owner"), detail.get("to_dept") or request.to_dept
            kind = "request_new" if event.kind == "created" else "transferred_in"
            item = Item(
                kind,
                f"request:{request.id}",
                f"event:{event.id}",
                _request_section(request, arriving=True),
                _request_fields(self.org, request),
            )
            self.add(item, [self.org.person(owner), self.org.department(supplier)], event.actor)
        elif event.kind == "resolved" and request.status == "resolved":
            item = Item(
                "resolved",
                f"request:{request.id}",
                f"event:{event.id}",
                "to_confirm",
                {**_request_fields(self.org, request), "note": event.note},
            )
            self.add(item, [self.org.person(request.requester)], event.actor)

    def escalation_event(self, event: Event, escalation: Escalation) -> None:
        level = int((event.detail or {}).get("level") or escalation.level)
        if escalation.status != "open" or escalation.level != level:
            return  # resolved since, or raised again (the later event tells)
        must_act = who_must_act(self.session, escalation.dept_a, escalation.dept_b, level)
        fields = {
            "id": escalation.id,
            "request_id": escalation.request_id,
            "dept_a": escalation.dept_a,
            "dept_a_name": self.org.dept_name(escalation.dept_a),
            "dept_b": escalation.dept_b,
            "dept_b_name": self.org.dept_name(escalation.dept_b),
            "level": level,
            "reason": escalation.reason,
        }
        item = Item("escalation", f"escalation:{escalation.id}", f"level:{level}", "escalations", fields)
        self.add(item, [self.org.person(entry["person"]) for entry in must_act], event.actor)

    def complaint_event(self, event: Event, complaint: Feedback) -> None:
        if complaint.kind != "complaint" or complaint.status != "open":
            return
        dept = self.org.depts.get(complaint.to_dept)
        fields = {
            "id": complaint.id,
            "from_dept": complaint.from_dept,
            "from_name": self.org.dept_name(complaint.from_dept),
            "to_dept": complaint.to_dept,
            "to_name": self.org.dept_name(complaint.to_dept),
            "note": complaint.note or complaint.behavior,
        }
        item = Item("complaint", f"feedback:{complaint.id}", "given", "complaints", fields)
        people = [dept.head, dept.contact] if dept else []
        recipients = [*(self.org.person(p) for p in people), self.org.department(complaint.to_dept)]
        self.add(item, recipients, event.actor)


def _events(session: Session, since: datetime, now: datetime) -> list[Event]:
    kinds = {"request": ("created", "transferred", "resolved"), "escalation": ("opened", "raised")}
    query = (
        select(Event)
        .where(col(Event.at) > since, col(Event.at) <= now)
        .where(
            (col(Event.entity).in_(["request", "escalation"]) & col(Event.kind).in_(sum(kinds.values(), ())))
            | ((col(Event.entity) == "feedback") & (col(Event.kind) == "given"))
        )
        .order_by(col(Event.id))
    )
    return list(session.exec(query))


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    chunk = sorted(ids)
    for start in range(0, len(chunk), 500):
        part = chunk[start : start + 500]
        for row in session.exec(select(model).where(col(model.id).in_(part))):
            found[row.id] = row
    return found


def collect(
    session: Session, book: ChannelBook, clock: Clock, *, since: datetime, now: datetime
) -> list[Notice]:
    """Every notice of a run whose window is ``(since, now]``, plus what is due soon or overdue now."""
    org = _Org(session, book)
    collector = _Collector(session, org)
    events = _events(session, since, now)
    wanted: dict[str, set[int]] = {"request": set(), "escalation": set(), "feedback": set()}
    for event in events:
        wanted[event.entity].add(event.entity_id)
    requests = _by_id(session, Request, wanted["request"])
    escalations = _by_id(session, Escalation, wanted["escalation"])
    complaints = _by_id(session, Feedback, wanted["feedback"])
    for event in events:
        if event.entity == "request" and event.entity_id in requests:
            collector.request_event(event, requests[event.entity_id])
        elif event.entity == "escalation" and event.entity_id in escalations:
            collector.escalation_event(event, escalations[event.entity_id])
        elif event.entity == "feedback" and event.entity_id in complaints:
            collector.complaint_event(event, complaints[event.entity_id])
    _due(session, collector, now)
    _meetings_tomorrow(session, collector, clock, now)
    return collector.found


def _due(session: Session, collector: _Collector, now: datetime) -> None:
    """Running requests overdue now, or due within 24 h: their owner, once per due time."""
    query = (
        select(Request)
        .where(col(Request.status).in_(sorted(SLA_RUNNING)), col(Request.due_at) <= now + DUE_SOON)
        .where(col(Request.owner).is_not(None))
        .order_by(col(Request.due_at), col(Request.id))
    )
    for request in session.exec(query):
        kind = "overdue" if request.due_at < now else "due_soon"
        fields = _request_fields(collector.org, request)
        item = Item(kind, f"request:{request.id}", f"due:{request.due_at.isoformat()}", kind, fields)
        collector.add(item, [collector.org.person(request.owner)])


def _meetings_tomorrow(session: Session, collector: _Collector, clock: Clock, now: datetime) -> None:
    """Scheduled meetings starting tomorrow (org zone): each attendee, once per start time."""
    tomorrow = clock.local(now).date() + timedelta(days=1)
    start, end = clock.day_start(tomorrow), clock.day_start(tomorrow + timedelta(days=1))
    query = (
        select(Meeting)
        .where(col(Meeting.status) == "scheduled")
        .where(col(Meeting.starts_at) >= start, col(Meeting.starts_at) < end)
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    for meeting in session.exec(query):
        attendees = session.exec(
            select(MeetingAttendee.person).where(
                MeetingAttendee.meeting_id == meeting.id, col(MeetingAttendee.present).is_not(False)
            )
        )
        fields = {
            "id": meeting.id,
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "location": meeting.location,
        }
        item = Item(
            "meeting", f"meeting:{meeting.id}", f"start:{meeting.starts_at.isoformat()}", "meetings", fields
        )
        collector.add(item, [collector.org.person(p) for p in attendees])


def recipients_by_key(session: Session, book: ChannelBook) -> dict[str, Recipient]:
    """Every active person and department as a recipient, by :attr:`Recipient.key`."""
    org = _Org(session, book)
    found: dict[str, Recipient] = {}
    for ident in org.people:
        person = org.person(ident)
        if person is not None:
            found[person.key] = person
    for code in org.depts:
        dept = org.department(code)
        if dept is not None:
            found[dept.key] = dept
    return found
