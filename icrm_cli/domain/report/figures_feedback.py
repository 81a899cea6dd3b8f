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
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.report.figures_requests import REPORT_WEEKS, TREND_WEEKS, plan, week_params
from icrm_cli.domain.report.weeks import Week
from icrm_cli.storage.plans import Reader
from icrm_cli.storage.readers import as_reader

if TYPE_CHECKING:
    from icrm_cli.domain.report.figures_requests import Executor

SHIPPED = tuple(
    (plan(name, *shape), "statement")
    for name, shape in (
        ("satisfaction", (REPORT_WEEKS,)),
        ("complaints", (REPORT_WEEKS,)),
        ("escalations", (REPORT_WEEKS,)),
        ("satisfaction_trend", (TREND_WEEKS, False)),
        ("satisfaction_trend", (TREND_WEEKS, True)),
    )
)


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


def _satisfaction(reader: Reader, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    for week, dept, score_sum, count in reader.rows(plan("satisfaction", len(weeks)), week_params(weeks)):
        _add(figures[week].score_sum, dept, score_sum)
        _add(figures[week].score_count, dept, count)


def _complaints(reader: Reader, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    for week, dept, count in reader.rows(plan("complaints", len(weeks)), week_params(weeks)):
        _add(figures[week].open_complaints, dept, count)


def _escalations(reader: Reader, weeks: Sequence[Week], figures: list[OtherFigures]) -> None:
    rows = reader.rows(plan("escalations", len(weeks)), week_params(weeks))
    for week, dept_b, count, level in rows:
        target = figures[week]
        # Counted once, for the second department (a request's supplier), so the columns add up.
        _add(target.escalations, dept_b, count)
        target.max_level[dept_b] = _higher(target.max_level.get(dept_b), level)
        target.escalations_total += int(count)
        target.max_level_total = _higher(target.max_level_total, level)


def other_figures(executor: Executor, weeks: Sequence[Week]) -> list[OtherFigures]:
    """Satisfaction, open complaints and escalations of each of the consecutive ``weeks`` per department."""
    reader = as_reader(executor)
    figures = [OtherFigures() for _ in weeks]
    _satisfaction(reader, weeks, figures)
    _complaints(reader, weeks, figures)
    _escalations(reader, weeks, figures)
    return figures


def weekly_satisfaction(executor: Executor, weeks: Sequence[Week], dept: str | None) -> list[tuple[int, int]]:
    """``(score sum, ratings)`` of feedback created in each week (oldest first): one range scan."""
    found = [(0, 0) for _ in weeks]
    if not weeks:
        return found
    shaped = plan("satisfaction_trend", len(weeks), dept is not None)
    for index, score_sum, count in as_reader(executor).rows(shaped, week_params(weeks, dept)):
        if index >= 0:
            found[index] = (int(score_sum), int(count))
    return found
