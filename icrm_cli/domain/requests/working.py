"""Requests on the org's clock: waiting periods, due times after a wait, stored working seconds.

Working time itself is computed by :mod:`icrm_cli.domain.calendar`; this module
decides which instants of a request it is asked about. The working seconds of
each acknowledgement and resolution are stored on the request when they happen
(``ack_working_seconds``, ``resolve_working_seconds``), so the weekly report
reads them in SQL; :func:`recompute_working_seconds` refreshes them when an
``org apply`` changes the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from icrm_cli.domain.calendar import local_date
from icrm_cli.domain.calendar.index import WorkingIndex
from icrm_cli.domain.org.settings import Policy
from icrm_cli.storage.core import EVENT, REQUEST
from icrm_cli.storage.models import Request

Interval = tuple[datetime, datetime]
_BATCH = 5_000


def sla_kind(policy: Policy, priority: str) -> str:
    """``working`` when the priority's resolve SLA is in working units, else ``calendar``."""
    return policy.sla_for(priority).resolve.kind


def push_due(
    policy: Policy, priority: str, due: datetime, wait_start: datetime, wait_end: datetime
) -> datetime:
    """The due time after a wait: later by the working time waited (working SLA), else by the elapsed wait."""
    if wait_end <= wait_start:
        return due
    if sla_kind(policy, priority) == "working" and policy.calendar is not None:
        waited = policy.calendar.working_seconds_between(wait_start, wait_end)
        return policy.calendar.add_working(due, waited)
    return due + (wait_end - wait_start)


def waits_from_events(
    events: Iterable[tuple[datetime, str, dict[str, Any] | None]], now: datetime
) -> list[Interval]:
    """Waiting periods from a request's events ``(at, kind, detail)``, oldest first.

    A wait starts with a ``waiting`` event and ends with the next event that
    leaves ``waiting`` (resume, resolve, cancel, ...); one still running ends at ``now``.
    """
    waits: list[Interval] = []
    started: datetime | None = None
    for at, kind, detail in events:
        if kind == "waiting":
            started = at
        elif started is not None and (detail or {}).get("from") == "waiting":
            waits.append((started, at))
            started = None
    if started is not None and now > started:
        waits.append((started, now))
    return waits


def request_waits(session: Session, request_id: int, now: datetime) -> list[Interval]:
    """The waiting periods of one request (a running one ends at ``now``)."""
    ev = EVENT.c
    rows = session.execute(
        select(ev.at, ev.kind, ev.detail)
        .where(ev.entity == "request", ev.entity_id == request_id)
        .order_by(ev.id)
    )
    return waits_from_events(((at, kind, detail) for at, kind, detail in rows), now)


def resumed_waits(session: Session, request_id: int) -> list[Interval]:
    """The waits of a request that ended with ``resume`` (each moved the due time), oldest first."""
    ev = EVENT.c
    rows = session.execute(
        select(ev.at, ev.kind, ev.detail)
        .where(ev.entity == "request", ev.entity_id == request_id)
        .order_by(ev.id)
    )
    resumed: list[Interval] = []
    started: datetime | None = None
    for at, kind, detail in rows:
        if kind == "waiting":
            started = at
        elif started is not None and (detail or {}).get("from") == "waiting":
            if kind == "resumed":
                resumed.append((started, at))
            started = None
    return resumed


def sla_due(session: Session, policy: Policy, request: Request, priority: str) -> datetime:
    """The due time the SLA of ``priority`` gives the request today: from its creation on the org's
    clock, pushed by every wait that ended with ``resume`` as ``resume`` pushes it."""
    due = policy.due_for(priority, request.created_at)
    if request.id is not None:
        for start, end in resumed_waits(session, request.id):
            due = push_due(policy, priority, due, start, end)
    return due


def ack_working(policy: Policy, created: datetime, acknowledged: datetime | None) -> int | None:
    if acknowledged is None:
        return None
    return policy.working_seconds(created, acknowledged)


def resolve_working(
    policy: Policy, created: datetime, resolved: datetime | None, waits: Sequence[Interval]
) -> int | None:
    if resolved is None:
        return None
    return policy.working_seconds(created, resolved, waits)


def store_working_seconds(session: Session, policy: Policy, request: Request, now: datetime) -> None:
    """Fill the working seconds of the acknowledgement and resolution a transition just set."""
    if policy.calendar is None:
        request.ack_working_seconds = request.resolve_working_seconds = None
        return
    request.ack_working_seconds = ack_working(policy, request.created_at, request.acknowledged_at)
    if request.resolved_at is None:
        request.resolve_working_seconds = None
    else:
        assert request.id is not None
        waits = request_waits(session, request.id, now)
        request.resolve_working_seconds = resolve_working(
            policy, request.created_at, request.resolved_at, waits
        )


def recompute_working_seconds(session: Session, policy: Policy) -> int:
    """Recompute every stored working-seconds value on the policy's calendar (NULL without one).

    Reads the requests acknowledged or resolved in id batches (with the waits of the
    resolved ones that waited), measures on a :class:`WorkingIndex` of the days
    involved, and writes back only the values that change; returns how many changed.
    """
    req = REQUEST.c
    table = Request.__table__  # type: ignore[attr-defined]
    calendar = policy.calendar
    if calendar is None:
        result = session.execute(
            update(table)
            .where(table.c.ack_working_seconds.is_not(None) | table.c.resolve_working_seconds.is_not(None))
            .values(ack_working_seconds=None, resolve_working_seconds=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)
    first, last = session.execute(
        select(func.min(req.created_at), func.max(func.coalesce(req.resolved_at, req.acknowledged_at)))
    ).one()
    if first is None or last is None:
        return 0
    index = WorkingIndex(
        calendar, local_date(first, calendar.tz) - timedelta(days=1), local_date(last, calendar.tz)
    )
    waited = _waiting_ids(session)
    query = (
        select(
            req.id,
            req.created_at,
            req.acknowledged_at,
            req.resolved_at,
            req.ack_working_seconds,
            req.resolve_working_seconds,
        )
        .where(req.acknowledged_at.is_not(None) | req.resolved_at.is_not(None))
        .order_by(req.id)
        .limit(_BATCH)
    )
    statement = (
        update(table)
        .where(table.c.id == bindparam("rid"))
        .values(ack_working_seconds=bindparam("ack"), resolve_working_seconds=bindparam("res"))
    )
    changed, after = 0, 0
    while rows := list(session.execute(query.where(req.id > after))):
        after = rows[-1][0]
        waits = _waits_of(session, [row[0] for row in rows if row[3] is not None and row[0] in waited])
        changes: list[dict[str, Any]] = []
        for rid, created, acked, resolved, old_ack, old_res in rows:
            start = _epoch(created)
            ack = None if acked is None else index.between(start, _epoch(acked))
            res = None
            if resolved is not None:
                end = _epoch(resolved)
                res = index.between(start, end) - sum(
                    index.between(max(_epoch(a), start), min(_epoch(b), end)) for a, b in waits.get(rid, ())
                )
            if (ack, res) != (old_ack, old_res):
                changes.append({"rid": rid, "ack": ack, "res": res})
        if changes:
            session.execute(statement, changes)
            changed += len(changes)
    return changed


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _waiting_ids(session: Session) -> set[int]:
    ev = EVENT.c
    query = select(ev.entity_id).where(ev.entity == "request", ev.kind == "waiting").distinct()
    return {int(entity_id) for (entity_id,) in session.execute(query)}


def _waits_of(session: Session, request_ids: list[int]) -> dict[int, list[Interval]]:
    """The finished waits of each of ``request_ids`` (one query)."""
    if not request_ids:
        return {}
    ev = EVENT.c
    rows = session.execute(
        select(ev.entity_id, ev.at, ev.kind, ev.detail)
        .where(ev.entity == "request", ev.entity_id.in_(request_ids))
        .order_by(ev.entity_id, ev.id)
    )
    by_request: dict[int, list[tuple[datetime, str, dict[str, Any] | None]]] = {}
    for entity_id, at, kind, detail in rows:
        by_request.setdefault(int(entity_id), []).append((at, kind, detail))
    return {rid: waits_from_events(events, events[-1][0]) for rid, events in by_request.items()}
