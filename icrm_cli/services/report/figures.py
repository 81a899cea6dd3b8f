"""Request figures of consecutive weeks, computed in SQL (portable: SQLite and PostgreSQL).

Every query touches only the weeks' rows through an index: ``created_at`` or
``resolved_at`` ranges, ``resolved_at IS NULL`` (kept as its own part instead
of ``resolved_at IS NULL OR resolved_at >= :end``, which no index can serve),
and the event index on ``(kind, at)``. The weeks of one report (this week and
the week before) are read together: one range over both, each row sorted into
its week by a ``CASE`` on the time column, so every query runs once per report
rather than once per week. Durations for the medians are computed in SQL
(``EXTRACT(epoch ...)``) and are the only rows fetched: one per request
resolved in the weeks.

The tables are the plain Core descriptions of ``storage/core.py``, not the
SQLModel classes: the report needs neither the ORM nor pydantic, and importing
them costs more than all its queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    extract,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from icrm_cli.services.report.weeks import Week
from icrm_cli.storage.core import EVENT, REQUEST

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    Executor = Connection | Session

R = REQUEST.c
E = EVENT.c

FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
TRANSFERRED, REOPENED = 0, 1
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


def number(value: int) -> Any:
    """An integer constant written into the SQL (not a bound parameter: it types itself in a UNION)."""
    return literal_column(str(int(value)), Integer)


def week_of(moment: Any, weeks: Sequence[Week]) -> Any:
    """The index of the week (in consecutive ``weeks``) that ``moment`` falls in, for rows in their range."""
    if len(weeks) == 1:
        return number(0)
    return case(*((moment < week.end, index) for index, week in enumerate(weeks[:-1])), else_=len(weeks) - 1)


def in_weeks(moment: Any, weeks: Sequence[Week]) -> ColumnElement[bool]:
    return and_(moment >= weeks[0].start, moment < weeks[-1].end)


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


def unresolved_at(end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Three disjoint, index-friendly parts of "created before ``end`` and not resolved by then".

    Unresolved at the end of a week means: not resolved before it and not
    closed (rejected, cancelled, unachievable) before it. Written as
    ``resolved_at IS NULL OR resolved_at >= :end`` no index can serve it, so it
    is split on ``(resolved_at, closed_at)``: still unresolved now; closed
    without resolution after the end; resolved after the end (``closed_at`` is
    never before ``resolved_at``). The far upper bound turns the open ranges
    into closed ones, which SQLite's planner rightly estimates as narrow.
    """
    return (
        and_(R.resolved_at.is_(None), R.closed_at.is_(None), R.created_at < end),
        and_(R.resolved_at.is_(None), R.closed_at >= end, R.closed_at < FOREVER, R.created_at < end),
        and_(R.resolved_at >= end, R.resolved_at < FOREVER, R.created_at < end),
    )


def _created(conn: Executor, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    index = week_of(R.created_at, weeks).label("week")
    query = (
        select(index, R.from_dept, R.to_dept, func.count())
        .where(in_weeks(R.created_at, weeks))
        .group_by(index, R.from_dept, R.to_dept)
    )
    for week, customer, supplier, count in conn.execute(query).all():
        target = figures[week]
        target.matrix[(customer, supplier)] = count
        received, sent = target.received, target.sent  # codes are never NULL, counts never 0
        received[supplier] = received.get(supplier, 0) + count
        sent[customer] = sent.get(customer, 0) + count


def _seconds(later: Any, earlier: Any) -> Any:
    return extract("epoch", later) - extract("epoch", earlier)


def _resolved(conn: Executor, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    """Counts and durations of the requests resolved in the weeks: one range scan, one row each."""
    query = select(
        week_of(R.resolved_at, weeks),
        R.to_dept,
        case((R.resolved_at <= R.due_at, 1), else_=0),
        _seconds(R.resolved_at, R.created_at) - func.coalesce(R.paused_seconds, 0),
        _seconds(R.acknowledged_at, R.created_at),
    ).where(in_weeks(R.resolved_at, weeks))
    for week, supplier, on_time, resolve, ack in conn.execute(query).all():
        target = figures[week]
        target.resolved[supplier] = target.resolved.get(supplier, 0) + 1
        if on_time:
            target.on_time[supplier] = target.on_time.get(supplier, 0) + 1
        target.resolve_seconds.setdefault(supplier, []).append(max(int(resolve), 0))
        if ack is not None:
            target.ack_seconds.setdefault(supplier, []).append(max(int(ack), 0))


def _open_at_end(conn: Executor, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    """Open, overdue and waiting at each week's end: the three parts of every week in one statement.

    (One scan per part for all weeks, with per-week conditional counts, reads
    fewer rows but evaluates more per row: measured slower on SQLite.)
    """
    parts = []
    for index, week in enumerate(weeks):
        end = week.end
        waiting = and_(R.waiting_since.is_not(None), R.waiting_since < end)
        overdue = and_(R.due_at < end, or_(R.waiting_since.is_(None), R.waiting_since >= end))
        for part in unresolved_at(end):
            parts.append(
                select(
                    number(index).label("week"),
                    R.to_dept,
                    R.from_dept,
                    func.count().label("open"),
                    count_if(overdue).label("overdue"),
                    count_if(waiting).label("waiting"),
                )
                .where(part)
                .group_by(R.to_dept, R.from_dept)
            )
    for week, supplier, customer, count, late, paused in conn.execute(union_all(*parts)).all():
        target = figures[week]
        _add(target.sent_open, customer, count)
        _add(target.overdue_open, supplier, late)
        _add(target.waiting_at_end, supplier, paused)


def _events(conn: Executor, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    """Transfers (for the department that handed on) and reopenings (for the supplier): one statement."""
    index = week_of(E.at, weeks).label("week")
    in_range = and_(E.entity == "request", in_weeks(E.at, weeks))
    handed_on = E.detail["from_dept"].as_string().label("dept")
    transfers = (
        select(number(TRANSFERRED).label("kind"), index, handed_on, func.count().label("events"))
        .where(E.kind == "transferred", in_range)
        .group_by(index, handed_on)
    )
    reopened = (
        select(number(REOPENED).label("kind"), index, R.to_dept.label("dept"), func.count())
        .select_from(EVENT.join(REQUEST, R.id == E.entity_id))
        .where(E.kind == "reopened", in_range)
        .group_by(index, R.to_dept)
    )
    for kind, week, dept, count in conn.execute(union_all(transfers, reopened)):
        target = figures[week]
        _add(target.transfers if kind == TRANSFERRED else target.reopened, dept, count)


def request_figures(conn: Executor, weeks: Sequence[Week]) -> list[RequestFigures]:
    """Every per-department request figure of each of the consecutive ``weeks`` (oldest first)."""
    figures = [RequestFigures() for _ in weeks]
    _created(conn, weeks, figures)
    _resolved(conn, weeks, figures)
    _open_at_end(conn, weeks, figures)
    _events(conn, weeks, figures)
    return figures


def kicked_balls(conn: Executor, week: Week, dept: str | None = None) -> list[dict[str, Any]]:
    """The requests with the most transfers that were still open at the end of the week."""
    columns = [R[key] for key in KICKED_KEYS]
    parts = []
    for part in unresolved_at(week.end):
        query = select(*columns).where(part, R.transfers > 0)
        if dept is not None:
            query = query.where(or_(R.from_dept == dept, R.to_dept == dept))
        parts.append(query)
    found = union_all(*parts).subquery()
    query = select(found).order_by(found.c.transfers.desc(), found.c.id).limit(KICKED_LIMIT)
    return [dict(zip(KICKED_KEYS, row, strict=True)) for row in conn.execute(query)]


def weekly_volume(conn: Executor, weeks: Sequence[Week], dept: str | None = None) -> list[dict[str, Any]]:
    """Received, resolved and on-time counts for consecutive weeks (oldest first).

    One statement: per week a count over an index range (``created_at``; the
    covering ``(resolved_at, closed_at, due_at)``), which is cheaper than
    sorting every row of eight weeks into its week.
    """
    rows = [{"week": week.label, "received": 0, "resolved": 0, "on_time": 0} for week in weeks]
    if not rows:
        return rows
    parts = []
    for index, week in enumerate(weeks):
        created = select(
            number(index).label("week"),
            func.count().label("received"),
            number(0).label("resolved"),
            number(0).label("on_time"),
        )
        created = created.where(R.created_at >= week.start, R.created_at < week.end)
        resolved = select(number(index), number(0), func.count(), count_if(R.resolved_at <= R.due_at))
        resolved = resolved.where(R.resolved_at >= week.start, R.resolved_at < week.end)
        if dept is not None:
            created, resolved = created.where(R.to_dept == dept), resolved.where(R.to_dept == dept)
        parts += [created, resolved]
    for index, received, resolved_count, on_time in conn.execute(union_all(*parts)):
        row = rows[index]
        row["received"] += int(received)
        row["resolved"] += int(resolved_count)
        row["on_time"] += int(on_time)
    return rows
