"""Figures from feedback and escalations (per supplier department and week), in portable SQL.

Every query reads only the weeks' rows through an index and aggregates with
GROUP BY (SUM/COUNT/MAX/CASE only, so it runs the same on SQLite and PostgreSQL);
the weeks of one report are read by one statement per figure:

- satisfaction: feedback with a score created in the week (``created_at`` range),
  by ``to_dept``; the average is formed from sum and count by the caller, who
  withholds it under ``policy.min_group`` ratings;
- open complaints: complaints to the department open at the end of the week,
  i.e. created before the end and not closed before it — split, like the request
  figures, into "still open" (``kind, status`` index) and "closed after the end";
- escalations: opened in the week (``opened_at`` range), counted for the supplier
  side ``dept_b`` (a request's supplier); an escalation between two departments
  (``--between``, no request) counts for both sides. The level is the one reached
  by the end of the week: the current level unless the last raise came after the
  end, then the highest level in its history (``event`` rows of the escalation
  before the end, through the ``(entity, entity_id)`` index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from icrm_cli.services.report.figures import FOREVER, E, in_weeks, number, week_of
from icrm_cli.services.report.weeks import Week
from icrm_cli.storage.core import ESCALATION, FEEDBACK

if TYPE_CHECKING:
    from icrm_cli.services.report.figures import Executor

F = FEEDBACK.c
X = ESCALATION.c


@dataclass
class OtherFigures:
    """Per-department feedback and escalation figures of one week (dicts keyed by department code)."""

    score_sum: dict[str, int] = field(default_factory=dict)
    score_count: dict[str, int] = field(default_factory=dict)
    open_complaints: dict[str, int] = field(default_factory=dict)
    escalations: dict[str, int] = field(default_factory=dict)
    max_level: dict[str, int | None] = field(default_factory=dict)
    # Organisation-wide: each escalation once (a --between one counts for two departments above).
    escalations_total: int = 0
    max_level_total: int | None = None

    def codes(self) -> set[str]:
        found: set[str] = set()
        for figure in (self.score_count, self.open_complaints, self.escalations):
            found.update(figure)
        return found


def _add(target: dict[str, int], key: str, amount: Any) -> None:
    if amount:
        target[key] = target.get(key, 0) + int(amount)


def _higher(current: int | None, level: Any) -> int | None:
    if level is None:
        return current
    return int(level) if current is None else max(current, int(level))


def complaints_open_at(end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Two disjoint, index-friendly parts of "a complaint created before ``end``, not closed before it"."""
    complaint = and_(F.kind == "complaint", F.created_at < end)
    return (
        and_(complaint, F.status == "open", F.closed_at.is_(None)),
        and_(complaint, F.status == "closed", F.closed_at >= end, F.closed_at < FOREVER),
    )


def _satisfaction(conn: Executor, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    index = week_of(F.created_at, weeks).label("week")
    query = (
        select(index, F.to_dept, func.coalesce(func.sum(F.score), 0), func.count(F.score))
        .where(in_weeks(F.created_at, weeks), F.score.is_not(None))
        .group_by(index, F.to_dept)
    )
    for week, dept, score_sum, count in conn.execute(query):
        _add(figures[week].score_sum, dept, score_sum)
        _add(figures[week].score_count, dept, count)


def _complaints(conn: Executor, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    parts = [
        select(number(index).label("week"), F.to_dept, func.count()).where(part).group_by(F.to_dept)
        for index, week in enumerate(weeks)
        for part in complaints_open_at(week.end)
    ]
    for week, dept, count in conn.execute(union_all(*parts)):
        _add(figures[week].open_complaints, dept, count)


def level_at(end: Any) -> Any:
    """An escalation's level at ``end`` (for escalations opened before ``end``)."""
    history = (
        select(func.max(E.detail["level"].as_integer()))
        # Each event of an escalation (opened, raised, resolved) records the level it then had
        # and levels only rise; no filter on kind, so the (entity, entity_id) index serves it.
        .where(E.entity == "escalation", E.entity_id == X.id, E.at < end)
        .scalar_subquery()
    )
    return case((or_(X.raised_at.is_(None), X.raised_at < end), X.level), else_=func.coalesce(history, 1))


def _escalations(conn: Executor, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    parts = []
    for index, week in enumerate(weeks):
        opened = (
            select(
                X.dept_a,
                X.dept_b,
                case((X.request_id.is_(None), 1), else_=0).label("between"),
                level_at(week.end).label("level"),
            )
            .where(X.opened_at >= week.start, X.opened_at < week.end)
            .subquery()
        )
        parts.append(
            select(
                number(index).label("week"),
                opened.c.dept_a,
                opened.c.dept_b,
                opened.c.between,
                func.count(),
                func.max(opened.c.level),
            ).group_by(opened.c.dept_a, opened.c.dept_b, opened.c.between)
        )
    for week, dept_a, dept_b, between, count, level in conn.execute(union_all(*parts)):
        target = figures[week]
        sides = (dept_b, dept_a) if between else (dept_b,)
        for dept in sides:
            _add(target.escalations, dept, count)
            target.max_level[dept] = _higher(target.max_level.get(dept), level)
        target.escalations_total += int(count)
        target.max_level_total = _higher(target.max_level_total, level)


def other_figures(conn: Executor, weeks: Sequence[Week]) -> list[OtherFigures]:
    """Satisfaction, open complaints and escalations of each of the consecutive ``weeks`` per department."""
    figures = [OtherFigures() for _ in weeks]
    _satisfaction(conn, weeks, figures)
    _complaints(conn, weeks, figures)
    _escalations(conn, weeks, figures)
    return figures


def weekly_satisfaction(conn: Executor, weeks: Sequence[Week], dept: str | None) -> list[tuple[int, int]]:
    """``(score sum, ratings)`` of feedback created in each week (oldest first): one range scan."""
    ordered = list(weeks)
    found = [(0, 0) for _ in ordered]
    if not ordered:
        return found
    bucket = case(*((F.created_at < week.end, index) for index, week in enumerate(ordered)), else_=-1)
    query = select(bucket.label("bucket"), func.coalesce(func.sum(F.score), 0), func.count(F.score)).where(
        F.created_at >= ordered[0].start, F.created_at < ordered[-1].end, F.score.is_not(None)
    )
    if dept is not None:
        query = query.where(F.to_dept == dept)
    for index, score_sum, count in conn.execute(query.group_by(bucket)):
        if index >= 0:
            found[index] = (int(score_sum), int(count))
    return found
