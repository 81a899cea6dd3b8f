"""Weekly report statements, in portable SQL (SQLite and PostgreSQL): see ``figures_requests.py``.

Shapes: ``n`` consecutive weeks, whose bounds are the parameters ``:w0_start``,
``:w0_end``, ... ``:w{n-1}_end``; ``dept``: True when the statement is limited to
the department ``:dept``. Each row says which week it counts for (``week``, an
index into the weeks, oldest first).

Every query touches only the weeks' rows through an index: ``created_at`` or
``resolved_at`` ranges, ``resolved_at IS NULL`` (kept as its own part instead of
``resolved_at IS NULL OR resolved_at >= :end``, which no index can serve), and
the event index on ``(kind, at)``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    extract,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from icrm_cli.domain.report.keys import KICKED_KEYS, KICKED_LIMIT, REOPENED, TRANSFERRED
from icrm_cli.storage.core import ESCALATION, EVENT, FEEDBACK, MEETING, MEETING_DEPARTMENT, REQUEST
from icrm_cli.storage.types import UTCDateTime

R, E, F, X = REQUEST.c, EVENT.c, FEEDBACK.c, ESCALATION.c
M, MD = MEETING.c, MEETING_DEPARTMENT.c
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


def start(index: int) -> Any:
    return bindparam(f"w{index}_start", type_=UTCDateTime)


def end(index: int) -> Any:
    return bindparam(f"w{index}_end", type_=UTCDateTime)


def count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def number(value: int) -> Any:
    """An integer constant written into the SQL (not a bound parameter: it types itself in a UNION)."""
    return literal_column(str(int(value)), Integer)


def week_of(moment: Any, n: int) -> Any:
    """The index of the week ``moment`` falls in, for rows in the weeks' range."""
    if n == 1:
        return number(0)
    return case(*((moment < end(index), index) for index in range(n - 1)), else_=n - 1)


def in_weeks(moment: Any, n: int) -> ColumnElement[bool]:
    return and_(moment >= start(0), moment < end(n - 1))


def unresolved_at(at: Any) -> tuple[ColumnElement[bool], ...]:
    """Three disjoint, index-friendly parts of "created before ``at`` and not resolved by then".

    Not resolved before it and not closed (rejected, cancelled, unachievable)
    before it, split on ``(resolved_at, closed_at)``: still unresolved now; closed
    without resolution after the end; resolved after the end (``closed_at`` is
    never before ``resolved_at``). The far upper bound turns the open ranges into
    closed ones, which SQLite's planner rightly estimates as narrow.
    """
    return (
        and_(R.resolved_at.is_(None), R.closed_at.is_(None), R.created_at < at),
        and_(R.resolved_at.is_(None), R.closed_at >= at, R.closed_at < FOREVER, R.created_at < at),
        and_(R.resolved_at >= at, R.resolved_at < FOREVER, R.created_at < at),
    )


def _seconds(later: Any, earlier: Any) -> Any:
    return extract("epoch", later) - extract("epoch", earlier)


def created(n: int) -> Any:
    """Requests created per week, customer and supplier."""
    index = week_of(R.created_at, n).label("week")
    return (
        select(index, R.from_dept, R.to_dept, func.count())
        .where(in_weeks(R.created_at, n))
        .group_by(index, R.from_dept, R.to_dept)
    )


def resolved(n: int) -> Any:
    """One row per request resolved in the weeks: week, supplier, on time, elapsed seconds to resolve
    (less waiting) and to ack, then the stored working seconds of both (NULL without a calendar)."""
    return select(
        week_of(R.resolved_at, n),
        R.to_dept,
        case((R.resolved_at <= R.due_at, 1), else_=0),
        _seconds(R.resolved_at, R.created_at) - func.coalesce(R.paused_seconds, 0),
        _seconds(R.acknowledged_at, R.created_at),
        R.resolve_working_seconds,
        R.ack_working_seconds,
    ).where(in_weeks(R.resolved_at, n))


def open_at_end(n: int) -> Any:
    """Open, overdue and waiting at each week's end, per supplier and customer: every part of every week.

    (One scan per part for all weeks, with per-week conditional counts, reads
    fewer rows but evaluates more per row: measured slower on SQLite.)
    """
    parts = []
    for index in range(n):
        at = end(index)
        waiting = and_(R.waiting_since.is_not(None), R.waiting_since < at)
        overdue = and_(R.due_at < at, or_(R.waiting_since.is_(None), R.waiting_since >= at))
        for part in unresolved_at(at):
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
    return union_all(*parts)


def request_events(n: int) -> Any:
    """Transfers (for the department that handed on) and reopenings (for the supplier) per week."""
    index = week_of(E.at, n).label("week")
    in_range = and_(E.entity == "request", in_weeks(E.at, n))
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
    return union_all(transfers, reopened)


def kicked_balls(dept: bool) -> Any:
    """The requests with the most transfers still open at the end of week 0."""
    columns = [R[key] for key in KICKED_KEYS]
    parts = []
    for part in unresolved_at(end(0)):
        query = select(*columns).where(part, R.transfers > 0)
        if dept:
            query = query.where(or_(R.from_dept == bindparam("dept"), R.to_dept == bindparam("dept")))
        parts.append(query)
    found = union_all(*parts).subquery()
    return select(found).order_by(found.c.transfers.desc(), found.c.id).limit(KICKED_LIMIT)


def weekly_volume(n: int, dept: bool) -> Any:
    """Received, resolved and on-time counts per week: per week a count over an index range
    (``created_at``; the covering ``(resolved_at, closed_at, due_at)``), cheaper than sorting
    every row of the weeks into its week."""
    parts = []
    for index in range(n):
        received = select(number(index).label("week"), func.count().label("received"), number(0), number(0))
        received = received.where(R.created_at >= start(index), R.created_at < end(index))
        done = select(number(index), number(0), func.count(), count_if(R.resolved_at <= R.due_at))
        done = done.where(R.resolved_at >= start(index), R.resolved_at < end(index))
        if dept:
            received, done = (
                received.where(R.to_dept == bindparam("dept")),
                done.where(R.to_dept == bindparam("dept")),
            )
        parts += [received, done]
    return union_all(*parts)


def satisfaction(n: int) -> Any:
    """Score sum and count of feedback created per week, per supplier."""
    index = week_of(F.created_at, n).label("week")
    return (
        select(index, F.to_dept, func.coalesce(func.sum(F.score), 0), func.count(F.score))
        .where(in_weeks(F.created_at, n), F.score.is_not(None))
        .group_by(index, F.to_dept)
    )


def satisfaction_trend(n: int, dept: bool) -> Any:
    """Score sum and count of feedback created per week, all departments or ``:dept``: one range scan."""
    bucket = case(*((F.created_at < end(index), index) for index in range(n)), else_=-1).label("bucket")
    query = select(bucket, func.coalesce(func.sum(F.score), 0), func.count(F.score)).where(
        in_weeks(F.created_at, n), F.score.is_not(None)
    )
    if dept:
        query = query.where(F.to_dept == bindparam("dept"))
    return query.group_by(bucket)


def complaints_open_at(at: Any) -> tuple[ColumnElement[bool], ...]:
    """Two disjoint, index-friendly parts of "a complaint created before ``at``, not closed before it"."""
    complaint = and_(F.kind == "complaint", F.created_at < at)
    return (
        and_(complaint, F.status == "open", F.closed_at.is_(None)),
        and_(complaint, F.status == "closed", F.closed_at >= at, F.closed_at < FOREVER),
    )


def complaints(n: int) -> Any:
    """Complaints open at each week's end, per supplier."""
    parts = [
        select(number(index).label("week"), F.to_dept, func.count()).where(part).group_by(F.to_dept)
        for index in range(n)
        for part in complaints_open_at(end(index))
    ]
    return union_all(*parts)


def level_at(at: Any) -> Any:
    """An escalation's level at ``at`` (for escalations opened before it)."""
    history = (
        select(func.max(E.detail["level"].as_integer()))
        # Each event of an escalation (opened, raised, resolved) records the level it then had
        # and levels only rise; no filter on kind, so the (entity, entity_id) index serves it.
        .where(E.entity == "escalation", E.entity_id == X.id, E.at < at)
        .scalar_subquery()
    )
    return case((or_(X.raised_at.is_(None), X.raised_at < at), X.level), else_=func.coalesce(history, 1))


def escalations(n: int) -> Any:
    """Escalations opened per week, counted for their second department (a request's supplier), with
    the highest level reached by the week's end."""
    parts = []
    for index in range(n):
        opened = (
            select(X.dept_b, level_at(end(index)).label("level"))
            .where(X.opened_at >= start(index), X.opened_at < end(index))
            .subquery()
        )
        parts.append(
            select(
                number(index).label("week"),
                opened.c.dept_b,
                func.count(),
                func.max(opened.c.level),
            ).group_by(opened.c.dept_b)
        )
    return union_all(*parts)


def meetings(dept: bool) -> Any:
    """Meetings that start in week 0 and are not cancelled, soonest first."""
    query = select(M.id, M.title, M.series, M.starts_at, M.status, M.organizer).where(
        M.starts_at >= start(0), M.starts_at < end(0), M.status != "cancelled"
    )
    if dept:
        query = query.where(M.id.in_(select(MD.meeting_id).where(MD.dept == bindparam("dept"))))
    return query.order_by(M.starts_at, M.id)


def meeting_departments() -> Any:
    """The departments of the meetings ``:ids``."""
    ids: Any = bindparam("ids", expanding=True)
    return select(MD.meeting_id, MD.dept).where(MD.meeting_id.in_(ids)).order_by(MD.meeting_id, MD.dept)


def meeting_actions() -> Any:
    """Action items of the meetings ``:ids`` created before the end of week 0, and how many were open then."""
    still_open = or_(R.closed_at.is_(None), R.closed_at >= end(0))
    return (
        select(R.meeting_id, func.count(), func.coalesce(func.sum(case((still_open, 1), else_=0)), 0))
        .where(R.meeting_id.in_(bindparam("ids", expanding=True)), R.created_at < end(0))
        .group_by(R.meeting_id)
    )
