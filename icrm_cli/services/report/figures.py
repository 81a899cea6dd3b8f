"""Request figures of one week, computed in SQL (portable: SQLite and PostgreSQL).

Every query touches only the week's rows through an index: ``created_at`` or
``resolved_at`` ranges, ``resolved_at IS NULL`` (kept as its own query instead
of ``resolved_at IS NULL OR resolved_at >= :end``, which no index can serve),
and the event index on ``(kind, at)``. Durations for the medians are the only
rows fetched, and only those of requests resolved in the week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType
from sqlmodel import Session

from icrm_cli.services.report.weeks import Week
from icrm_cli.storage.models import Event, Request

R = Request.__table__.c  # type: ignore[attr-defined]
E = Event.__table__.c  # type: ignore[attr-defined]

FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
KICKED_LIMIT = 10
KICKED_KEYS = (
    "id",
    "title",
    "from_dept",
    "to_dept",
    "owner",
    "priority",
    "status",
    "transfers",
    "created_at",
    "due_at",
)


def count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass
class RequestFigures:
    """Per-department request figures of one week (dicts keyed by department code)."""

    received: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)
    on_time: dict[str, int] = field(default_factory=dict)
    ack_seconds: dict[str, list[int]] = field(default_factory=dict)
    resolve_seconds: dict[str, list[int]] = field(default_factory=dict)
    overdue_open: dict[str, int] = field(default_factory=dict)
    waiting_at_end: dict[str, int] = field(default_factory=dict)
    sent_open: dict[str, int] = field(default_factory=dict)
    transfers: dict[str, int] = field(default_factory=dict)
    reopened: dict[str, int] = field(default_factory=dict)


def _add(target: dict[str, int], key: str | None, amount: int) -> None:
    if key is not None and amount:
        target[key] = target.get(key, 0) + int(amount)


def unresolved_at_end(week: Week) -> tuple[ColumnElement[bool], ...]:
    """Three disjoint, index-friendly parts of "created before the end and not resolved by then".

    Unresolved at the end of the week means: not resolved before it and not
    closed (rejected, cancelled, unachievable) before it. Written as
    ``resolved_at IS NULL OR resolved_at >= :end`` no index can serve it, so it
    is split on ``(resolved_at, closed_at)``: still unresolved now; closed
    without resolution after the end; resolved after the end (``closed_at`` is
    never before ``resolved_at``). The far upper bound turns the open ranges
    into closed ones, which SQLite's planner rightly estimates as narrow.
    """
    end = week.end
    return (
        and_(R.resolved_at.is_(None), R.closed_at.is_(None), R.created_at < end),
        and_(R.resolved_at.is_(None), R.closed_at >= end, R.closed_at < FOREVER, R.created_at < end),
        and_(R.resolved_at >= end, R.resolved_at < FOREVER, R.created_at < end),
    )


def _created(session: Session, week: Week, figures: RequestFigures) -> None:
    query = (
        select(R.from_dept, R.to_dept, func.count())
        .where(R.created_at >= week.start, R.created_at < week.end)
        .group_by(R.from_dept, R.to_dept)
    )
    for customer, supplier, count in session.execute(query).all():
        figures.matrix[(customer, supplier)] = int(count)
        _add(figures.received, supplier, count)
        _add(figures.sent, customer, count)


def _resolved(session: Session, week: Week, figures: RequestFigures) -> None:
    in_week = and_(R.resolved_at >= week.start, R.resolved_at < week.end)
    counts = (
        select(R.to_dept, func.count(), count_if(R.resolved_at <= R.due_at))
        .where(in_week)
        .group_by(R.to_dept)
    )
    for supplier, resolved, on_time in session.execute(counts):
        _add(figures.resolved, supplier, resolved)
        _add(figures.on_time, supplier, on_time)
    # Raw values (text on SQLite, datetimes elsewhere): parsing them here is several times
    # faster than SQLAlchemy's per-value type processing, and only differences are needed.
    raw = [type_coerce(column, NullType()) for column in (R.created_at, R.acknowledged_at, R.resolved_at)]
    durations = select(R.to_dept, *raw, R.paused_seconds).where(in_week)
    for supplier, created, acknowledged, resolved_at, paused in session.execute(durations).all():
        start = _moment(created)
        total = int((_moment(resolved_at) - start).total_seconds()) - int(paused or 0)
        figures.resolve_seconds.setdefault(supplier, []).append(max(total, 0))
        if acknowledged is not None:
            ack = int((_moment(acknowledged) - start).total_seconds())
            figures.ack_seconds.setdefault(supplier, []).append(max(ack, 0))


def _moment(value: Any) -> datetime:
    """A stored time as delivered by the driver: SQLite's UTC text, or a datetime."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _open_at_end(session: Session, week: Week, figures: RequestFigures) -> None:
    end = week.end
    waiting = and_(R.waiting_since.is_not(None), R.waiting_since < end)
    overdue = and_(R.due_at < end, or_(R.waiting_since.is_(None), R.waiting_since >= end))
    for half in unresolved_at_end(week):
        query = (
            select(R.to_dept, R.from_dept, func.count(), count_if(overdue), count_if(waiting))
            .where(half)
            .group_by(R.to_dept, R.from_dept)
        )
        for supplier, customer, count, late, paused in session.execute(query).all():
            _add(figures.sent_open, customer, count)
            _add(figures.overdue_open, supplier, late)
            _add(figures.waiting_at_end, supplier, paused)


def _events(session: Session, week: Week, figures: RequestFigures) -> None:
    in_week = and_(E.entity == "request", E.at >= week.start, E.at < week.end)
    handed_on = E.detail["from_dept"].as_string().label("handed_on")
    transfers = select(handed_on, func.count()).where(E.kind == "transferred", in_week).group_by(handed_on)
    for dept, count in session.execute(transfers):
        _add(figures.transfers, dept, count)
    reopened = (
        select(R.to_dept, func.count())
        .select_from(Event.__table__.join(Request.__table__, R.id == E.entity_id))  # type: ignore[attr-defined]
        .where(E.kind == "reopened", in_week)
        .group_by(R.to_dept)
    )
    for dept, count in session.execute(reopened):
        _add(figures.reopened, dept, count)


def request_figures(session: Session, week: Week) -> RequestFigures:
    """Every per-department request figure of ``week``."""
    figures = RequestFigures()
    _created(session, week, figures)
    _resolved(session, week, figures)
    _open_at_end(session, week, figures)
    _events(session, week, figures)
    return figures


def kicked_balls(session: Session, week: Week, dept: str | None = None) -> list[dict[str, Any]]:
    """The requests with the most transfers that were still open at the end of the week."""
    columns = [R[key] for key in KICKED_KEYS]
    found: list[dict[str, Any]] = []
    for half in unresolved_at_end(week):
        query = select(*columns).where(half, R.transfers > 0)
        if dept is not None:
            query = query.where(or_(R.from_dept == dept, R.to_dept == dept))
        query = query.order_by(R.transfers.desc(), R.id).limit(KICKED_LIMIT)
        found.extend(dict(zip(KICKED_KEYS, row, strict=True)) for row in session.execute(query))
    found.sort(key=lambda item: (-item["transfers"], item["id"]))
    return found[:KICKED_LIMIT]


def weekly_volume(session: Session, weeks: Iterable[Week], dept: str | None = None) -> list[dict[str, Any]]:
    """Received, resolved and on-time counts for consecutive weeks (oldest first), two range scans."""
    ordered = list(weeks)
    first, last = ordered[0], ordered[-1]

    def bucket(column: Any) -> Any:
        return case(*((column < week.end, index) for index, week in enumerate(ordered)), else_=-1)

    rows = [{"week": week.label, "received": 0, "resolved": 0, "on_time": 0} for week in ordered]
    created = bucket(R.created_at).label("bucket")
    query = select(created, func.count()).where(R.created_at >= first.start, R.created_at < last.end)
    if dept is not None:
        query = query.where(R.to_dept == dept)
    for index, count in session.execute(query.group_by(created)):
        if index >= 0:
            rows[index]["received"] = int(count)
    resolved = bucket(R.resolved_at).label("bucket")
    query = select(resolved, func.count(), count_if(R.resolved_at <= R.due_at)).where(
        R.resolved_at >= first.start, R.resolved_at < last.end
    )
    if dept is not None:
        query = query.where(R.to_dept == dept)
    for index, count, on_time in session.execute(query.group_by(resolved)):
        if index >= 0:
            rows[index]["resolved"] = int(count)
            rows[index]["on_time"] = int(on_time)
    return rows
