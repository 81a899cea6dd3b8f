"""The request lifecycle (内部联络单): creation, the transition table, SLA arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.escalation.follow import end_with_request, follow_transfer
from icrm_cli.domain.org.apply import get_department, get_person
from icrm_cli.domain.org.settings import PRIORITIES, Policy
from icrm_cli.domain.requests.states import FINAL, SLA_RUNNING, UNRESOLVED
from icrm_cli.domain.requests.working import push_due, store_working_seconds
from icrm_cli.domain.text import clean_text, clean_title, required_text
from icrm_cli.errors import InvalidValueError, NotFoundError, TransitionError
from icrm_cli.storage.models import Request
from icrm_cli.timeutil import Clock


@dataclass(frozen=True)
class Step:
    """One row of the transition table."""

    command: str
    sources: frozenset[str]
    target: str
    event: str


def _step(command: str, sources: set[str] | frozenset[str], target: str, event: str) -> Step:
    return Step(command, frozenset(sources), target, event)


TRANSITIONS: dict[str, Step] = {
    step.command: step
    for step in (
        _step("ack", {"open"}, "acknowledged", "acknowledged"),
        _step("start", {"open", "acknowledged"}, "in_progress", "started"),
        _step("wait", {"acknowledged", "in_progress"}, "waiting", "waiting"),
        _step("resume", {"waiting"}, "in_progress", "resumed"),
        _step("resolve", SLA_RUNNING, "resolved", "resolved"),
        _step("close", {"resolved"}, "closed", "closed"),
        _step("reopen", {"resolved"}, "in_progress", "reopened"),
        _step("reject", UNRESOLVED, "rejected", "rejected"),
        _step("cancel", UNRESOLVED, "cancelled", "cancelled"),
        _step("unachievable", UNRESOLVED, "unachievable", "unachievable"),
        _step("transfer", SLA_RUNNING, "open", "transferred"),
    )
}


# How each command reads in a sentence ("cannot ... request #12").
_PHRASES = {
    "ack": "acknowledge request #{id}",
    "wait": "set request #{id} waiting",
    "unachievable": "close request #{id} as unachievable",
}


def _doing(command: str, request_id: int | None) -> str:
    return _PHRASES.get(command, command + " request #{id}").format(id=request_id)


def is_overdue(request: Request, now: datetime) -> bool:
    """Past due while the SLA clock runs (a waiting request's clock is paused)."""
    return request.status in SLA_RUNNING and request.due_at < now


def get_request(session: Session, request_id: int) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise NotFoundError(f"unknown request #{request_id}")
    return request


def facts(request: Request, session: Session | None = None) -> access.Facts:
    """The request as the access rules see it."""
    resolver = None
    if session is not None and request.status == "resolved" and request.id is not None:
        resolved = [e for e in events.history(session, "request", request.id) if e.kind == "resolved"]
        resolver = resolved[-1].actor if resolved else None
    return access.Facts(
        object=f"request #{request.id}",
        customer=request.from_dept,
        supplier=request.to_dept,
        owner=request.owner,
        requester=request.requester,
        resolver=resolver,
    )


def _check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise InvalidValueError(f"invalid priority {priority!r}: choose one of {', '.join(PRIORITIES)}")
    return priority


def _check_due(due: datetime, now: datetime, clock: Clock) -> datetime:
    if due <= now:
        raise InvalidValueError(f"due time {clock.short(due)} is not in the future")
    return due


def create(
    session: Session,
    policy: Policy,
    *,
    actor: str,
    from_dept: str,
    to_dept: str,
    title: str,
    description: str | None = None,
    owner: str | None = None,
    priority: str = "normal",
    due: datetime | None = None,
    meeting_id: int | None = None,
    now: datetime | None = None,
) -> Request:
    """File a new request; owner defaults to the supplier's contact, due to the SLA.

    A meeting's action item (``meeting_id``) was allowed by the meeting's rule; any
    other request is filed by members of the customer department.
    """
    now = now or policy.clock.now()
    customer = get_department(session, from_dept)
    supplier = get_department(session, to_dept)
    access.check_request_sides(customer.code, supplier.code, meeting_item=meeting_id is not None)
    if meeting_id is None:
        about = access.Facts(
            object=f"a request from {customer.code} to {supplier.code}",
            customer=customer.code,
            supplier=supplier.code,
        )
        access.require(session, actor, "request new", about)
    _check_priority(priority)
    owner_id = get_person(session, owner).id if owner else supplier.contact
    if owner_id is not None and owner:
        access.check_owner(session, owner_id, supplier.code)
    due_at = _check_due(due, now, policy.clock) if due is not None else policy.due_for(priority, now)
    request = Request(
        title=clean_title(title),
        description=clean_text(description, what="description") or None,
        from_dept=customer.code,
        to_dept=supplier.code,
        requester=actor,
        owner=owner_id,
        priority=priority,
        status="open",
        created_at=now,
        due_at=due_at,
        meeting_id=meeting_id,
    )
    session.add(request)
    session.flush()
    assert request.id is not None
    events.record(
        session,
        entity="request",
        entity_id=request.id,
        kind="created",
        actor=actor,
        at=now,
        detail={
            "to": "open",
            "from_dept": customer.code,
            "to_dept": supplier.code,
            "owner": owner_id,
            "due": "sla" if due is None else "manual",
        },
    )
    return request


def _end_wait(request: Request, now: datetime) -> tuple[datetime, timedelta]:
    """Close a waiting period; returns when it started and how long it lasted."""
    if request.waiting_since is None:
        return now, timedelta(0)
    started = request.waiting_since
    waited = max(now - started, timedelta(0))
    request.paused_seconds += int(waited.total_seconds())
    request.waiting_since = None
    return started, waited


def transition(
    session: Session,
    policy: Policy,
    request_id: int,
    command: str,
    *,
    actor: str,
    note: str | None = None,
    to_dept: str | None = None,
    now: datetime | None = None,
) -> Request:
    """Apply one lifecycle command from :data:`TRANSITIONS` and record its event."""
    now = now or policy.clock.now()
    step = TRANSITIONS[command]
    request = get_request(session, request_id)
    access.require(session, actor, f"request {command}", facts(request, session))
    if request.status not in step.sources:
        allowed = ", ".join(sorted(step.sources))
        raise TransitionError(
            f"cannot {_doing(command, request.id)}: it is {request.status} "
            f"({command} is allowed from {allowed})"
        )
    needs_note = {
        "resolve": "resolution note",
        "reopen": "reason",
        "reject": "reason",
        "cancel": "reason",
        "wait": "reason",
        "transfer": "reason",
        "unachievable": "close-out note",
    }
    if command in needs_note:
        note = required_text(note, what=needs_note[command])
    else:
        note = clean_text(note, what="note") or None
    before = request.status
    detail: dict[str, Any] = {"from": before, "to": step.target}

    if command == "transfer":
        if to_dept is None:
            raise InvalidValueError("transfer needs a department to transfer to")
        target = get_department(session, to_dept)
        if target.code == request.to_dept:
            raise InvalidValueError(f"request #{request.id} is already with {target.code}")
        access.check_transfer(request.id, request.from_dept, target.code)
        detail.update(
            from_dept=request.to_dept,
            to_dept=target.code,
            old_owner=request.owner,
            owner=target.contact,
        )
        follow_transfer(
            session, request_id, old_supplier=request.to_dept, new_supplier=target.code, actor=actor, now=now
        )
        request.to_dept = target.code
        request.owner = target.contact
        request.acknowledged_at = None
        request.transfers += 1
    elif command in ("ack", "start", "resolve") and request.acknowledged_at is None:
        request.acknowledged_at = now
    if command == "wait":
        request.waiting_since = now
    elif command == "resume":
        started, waited = _end_wait(request, now)
        old_due = request.due_at
        request.due_at = push_due(policy, request.priority, old_due, started, now)
        detail["paused_seconds"] = int(waited.total_seconds())
        if request.due_at - old_due != waited:
            detail["due_moved_seconds"] = int((request.due_at - old_due).total_seconds())
    elif before == "waiting":
        detail["paused_seconds"] = int(_end_wait(request, now)[1].total_seconds())
    if command == "resolve":
        request.resolved_at = now
    elif command == "reopen":
        request.resolved_at = None
        request.reopened += 1
    if step.target in FINAL:
        request.closed_at = now
    if step.target == "resolved" or step.target in FINAL:
        end_with_request(session, request_id, status=step.target, actor=actor, now=now)

    request.status = step.target
    session.add(request)
    events.record(
        session,
        entity="request",
        entity_id=request_id,
        kind=step.event,
        actor=actor,
        note=note,
        detail=detail,
        at=now,
    )
    if command in ("ack", "start", "resolve", "reopen", "transfer"):
        session.flush()  # the waits of a resolution are read from the events, this one included
        store_working_seconds(session, policy, request, now)
    return request


def _require_open(request: Request, command: str) -> None:
    if request.status in FINAL:
        raise TransitionError(f"cannot {command} request #{request.id}: it is {request.status} (final)")


def assign(session: Session, policy: Policy, request_id: int, *, owner: str, actor: str) -> Request:
    now = policy.clock.now()
    request = get_request(session, request_id)
    access.require(session, actor, "request assign", facts(request))
    _require_open(request, "assign")
    person = get_person(session, owner)
    access.check_owner(session, person.id, request.to_dept)
    if person.id == request.owner:
        raise InvalidValueError(f"request #{request.id} is already owned by {person.id}")
    detail = {"old_owner": request.owner, "owner": person.id}
    request.owner = person.id
    session.add(request)
    events.record(
        session,
        entity="request",
        entity_id=request_id,
        kind="assigned",
        actor=actor,
        detail=detail,
        at=now,
    )
    return request


def change_due(
    session: Session, policy: Policy, request_id: int, *, due: datetime, reason: str, actor: str
) -> Request:
    now = policy.clock.now()
    request = get_request(session, request_id)
    later = due > request.due_at
    access.require(session, actor, "request due", replace(facts(request), later=later))
    _require_open(request, "change the due time of")
    note = required_text(reason, what="reason")
    _check_due(due, now, policy.clock)
    detail = {"old_due_at": request.due_at.isoformat(), "due_at": due.isoformat()}
    request.due_at = due
    session.add(request)
    events.record(
        session,
        entity="request",
        entity_id=request_id,
        kind="due_changed",
        actor=actor,
        note=note,
        detail=detail,
        at=now,
    )
    return request


def comment(session: Session, policy: Policy, request_id: int, *, text: str, actor: str) -> Request:
    request = get_request(session, request_id)
    access.require(session, actor, "request comment", facts(request))
    _require_open(request, "comment on")
    note = required_text(text, what="comment")
    events.record(
        session,
        entity="request",
        entity_id=request_id,
        kind="commented",
        actor=actor,
        note=note,
        at=policy.clock.now(),
    )
    return request
