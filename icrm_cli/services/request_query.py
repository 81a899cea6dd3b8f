"""Reading requests: filtered lists (streamed), one request with its history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, select
from sqlmodel import Session

from icrm_cli.errors import InvalidValueError
from icrm_cli.services import events
from icrm_cli.services.org import get_department, get_person
from icrm_cli.services.requests import SLA_RUNNING, STATUSES, get_request, is_overdue
from icrm_cli.services.row_stream import Field, RowStream, stream_rows
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
_INT_KEYS = frozenset({"id", "transfers", "reopened", "meeting_id", "paused_seconds"})


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


def _order_and_limit(filt: RequestFilter) -> tuple[list[Any], int | None]:
    """Overdue and due-soon lists come most urgent first; others newest first."""
    if filt.limit is not None and filt.limit < 1:
        raise InvalidValueError("--limit must be at least 1")
    c = Request.__table__.c  # type: ignore[attr-defined]
    if filt.overdue or filt.due_within is not None:
        return [c.due_at, c.id], filt.limit
    return [c.id.desc()], filt.limit


def iter_requests(session: Session, filt: RequestFilter, now: datetime) -> Iterator[dict[str, Any]]:
    """Matching requests as dicts of typed values (aware datetimes), streamed from the cursor.

    The filter is checked (and unknown departments or people reported) before
    the first row is read.
    """
    order_by, limit = _order_and_limit(filt)
    table = Request.__table__  # type: ignore[attr-defined]
    columns = [table.c[key] for key in _STORED_KEYS]
    query = select(*columns).where(*_where(session, filt, now)).order_by(*order_by)
    if limit is not None:
        query = query.limit(limit)
    result = session.execute(query.execution_options(yield_per=2000))
    return _dicts(result, now)


def _dicts(result: Any, now: datetime) -> Iterator[dict[str, Any]]:
    running = SLA_RUNNING
    for row in result:
        values = dict(zip(_STORED_KEYS, row, strict=True))
        values["overdue"] = values["status"] in running and values["due_at"] < now
        yield {key: values[key] for key in REQUEST_KEYS}


def request_fields(now: datetime, extra: Sequence[str] = ()) -> list[Field]:
    """The contract's request keys (then ``extra`` stored columns) as streamed fields."""
    c = Request.__table__.c  # type: ignore[attr-defined]
    overdue = case((and_(c.status.in_(_SLA_RUNNING), c.due_at < now), 1), else_=0)
    fields = []
    for key in (*REQUEST_KEYS, *extra):
        if key == "overdue":
            fields.append(Field(key, "bool", overdue))
        elif key in _INT_KEYS:
            fields.append(Field(key, "int", c[key]))
        else:
            fields.append(Field(key, "time" if key.endswith(("_at", "_since")) else "text", c[key]))
    return fields


def request_rows(session: Session, filt: RequestFilter, now: datetime) -> RowStream:
    """Matching requests as plain rows in :data:`REQUEST_KEYS` order, for CSV and JSON.

    Same rows and order as :func:`iter_requests`; the filter is checked before
    anything is read.
    """
    order_by, limit = _order_and_limit(filt)
    where = _where(session, filt, now)
    table = Request.__table__  # type: ignore[attr-defined]
    return stream_rows(session, table, request_fields(now), where=where, order_by=order_by, limit=limit)


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
