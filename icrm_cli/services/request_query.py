"""Reading requests: filtered lists (streamed), one request with its history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from icrm_cli.errors import InvalidValueError
from icrm_cli.services import events
from icrm_cli.services.org import get_department, get_person
from icrm_cli.services.requests import SLA_RUNNING, STATUSES, get_request, is_overdue
from icrm_cli.storage.models import Request

REQUEST_KEYS = (
    "id",
    "title",
    "description",
    "from_dept",
    "to_dept",
    "requester",
    "owner",
    "priority",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "overdue",
    "transfers",
    "reopened",
    "meeting_id",
)
_STORED_KEYS = tuple(key for key in REQUEST_KEYS if key != "overdue")
_SLA_RUNNING = tuple(sorted(SLA_RUNNING))


@dataclass
class RequestFilter:
    statuses: Sequence[str] = ()
    from_dept: str | None = None
    to_dept: str | None = None
    owner: str | None = None
    overdue: bool = False
    due_within: timedelta | None = None
    since: datetime | None = None
    until: datetime | None = None
    meeting_id: int | None = None
    escalated: bool = False
    ids: Sequence[int] = field(default_factory=tuple)
    limit: int | None = None


def request_dict(request: Request, now: datetime) -> dict[str, Any]:
    """The contract's JSON object for one request."""
    values = {key: getattr(request, key) for key in _STORED_KEYS}
    values["overdue"] = is_overdue(request, now)
    return {key: values[key] for key in REQUEST_KEYS}


def _where(session: Session, filt: RequestFilter, now: datetime) -> list[Any]:
    table = Request.__table__.c  # type: ignore[attr-defined]
    clauses: list[Any] = []
    for status in filt.statuses:
        if status not in STATUSES:
            raise InvalidValueError(f"unknown status {status!r}: choose from {', '.join(STATUSES)}")
    if filt.statuses:
        clauses.append(table.status.in_(list(filt.statuses)))
    if filt.from_dept:
        clauses.append(table.from_dept == get_department(session, filt.from_dept, active=False).code)
    if filt.to_dept:
        clauses.append(table.to_dept == get_department(session, filt.to_dept, active=False).code)
    if filt.owner:
        clauses.append(table.owner == get_person(session, filt.owner, active=False).id)
    if filt.overdue:
        clauses.append(and_(table.status.in_(_SLA_RUNNING), table.due_at < now))
    if filt.due_within is not None:
        clauses.append(
            and_(
                table.status.in_(_SLA_RUNNING),
                table.due_at >= now,
                table.due_at <= now + filt.due_within,
            )
        )
    if filt.since is not None and filt.until is not None and filt.since > filt.until:
        raise InvalidValueError("--since is after --until")
    if filt.since is not None:
        clauses.append(table.created_at >= filt.since)
    if filt.until is not None:
        clauses.append(table.created_at <= filt.until)
    if filt.meeting_id is not None:
        clauses.append(table.meeting_id == filt.meeting_id)
    if filt.ids:
        clauses.append(table.id.in_(list(filt.ids)))
    if filt.escalated:
        from icrm_cli.services.escalations import escalated_request_clause

        clauses.append(escalated_request_clause())
    return clauses


def iter_requests(session: Session, filt: RequestFilter, now: datetime) -> Iterator[dict[str, Any]]:
    """Matching requests as dicts, streamed from the cursor.

    Overdue and due-soon lists come most urgent first; others newest first.
    """
    if filt.limit is not None and filt.limit < 1:
        raise InvalidValueError("--limit must be at least 1")
    table = Request.__table__  # type: ignore[attr-defined]
    columns = [table.c[key] for key in _STORED_KEYS]
    query = select(*columns).where(*_where(session, filt, now))
    if filt.overdue or filt.due_within is not None:
        query = query.order_by(table.c.due_at, table.c.id)
    else:
        query = query.order_by(table.c.id.desc())
    if filt.limit is not None:
        query = query.limit(filt.limit)
    result = session.execute(query.execution_options(yield_per=2000))
    running = SLA_RUNNING
    for row in result:
        values = dict(zip(_STORED_KEYS, row, strict=True))
        values["overdue"] = values["status"] in running and values["due_at"] < now
        yield {key: values[key] for key in REQUEST_KEYS}


def request_detail(session: Session, request_id: int, now: datetime) -> dict[str, Any]:
    """One request with its events (``{at, actor, kind, note}``, oldest first) and escalations."""
    from icrm_cli.services.escalations import escalations_for_request

    request = get_request(session, request_id)
    detail = request_dict(request, now)
    detail["events"] = [
        {"at": event.at, "actor": event.actor, "kind": event.kind, "note": event.note}
        for event in events.history(session, "request", request_id)
    ]
    detail["escalations"] = escalations_for_request(session, request_id)
    return detail
