"""Request figures of consecutive weeks, computed in SQL (portable: SQLite and PostgreSQL).

The statements are in :mod:`icrm_cli.domain.report.statements` and run as plans
(``storage/plans.py``): on SQLite the report loads no SQLAlchemy. The weeks of one
report (this week and the week before) are read together: one range over both,
each row sorted into its week by a ``CASE`` on the time column, so every query
runs once per report rather than once per week. Durations for the medians are
computed in SQL (``EXTRACT(epoch ...)``) and are the only rows fetched: one per
request resolved in the weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.report.keys import KICKED_KEYS, TRANSFERRED
from icrm_cli.domain.report.weeks import Week
from icrm_cli.storage.plans import Plan, Reader
from icrm_cli.storage.readers import as_reader

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    Executor = Reader | Connection | Session

Q = "icrm_cli.domain.report.statements"
REPORT_WEEKS = 2  # the week and the one before
TREND_WEEKS = 8


def week_params(weeks: Sequence[Week], dept: str | None = None) -> dict[str, Any]:
    """The parameters of a plan over consecutive ``weeks``: ``w0_start``, ``w0_end``, ... and ``dept``."""
    params: dict[str, Any] = {"dept": dept} if dept is not None else {}
    for index, week in enumerate(weeks):
        params[f"w{index}_start"], params[f"w{index}_end"] = week.start, week.end
    return params


def plan(name: str, *shape: Any) -> Plan:
    return Plan(f"{Q}:{name}", shape)


SHIPPED = tuple(
    (plan(name, REPORT_WEEKS), "statement")
    for name in ("created", "resolved", "open_at_end", "request_events")
) + tuple(
    (plan(name, *shape), "statement")
    for name, shape in (
        ("kicked_balls", (False,)),
        ("kicked_balls", (True,)),
        ("weekly_volume", (TREND_WEEKS - REPORT_WEEKS, False)),
        ("weekly_volume", (TREND_WEEKS - REPORT_WEEKS, True)),
    )
)


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


def _created(reader: Reader, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    for week, customer, supplier, count in reader.rows(plan("created", len(weeks)), week_params(weeks)):
        target = figures[week]
        target.matrix[(customer, supplier)] = count
        received, sent = target.received, target.sent  # codes are never NULL, counts never 0
        received[supplier] = received.get(supplier, 0) + count
        sent[customer] = sent.get(customer, 0) + count


def _resolved(reader: Reader, weeks: Sequence[Week], figures: list[RequestFigures], working: bool) -> None:
    """Counts and durations of the requests resolved in the weeks: one range scan, one row each.

    ``working``: the stored working seconds of each acknowledgement and resolution
    (the org has a calendar), else the elapsed seconds less waiting.
    """
    rows = reader.rows(plan("resolved", len(weeks)), week_params(weeks))
    for week, supplier, on_time, elapsed_resolve, elapsed_ack, working_resolve, working_ack in rows:
        resolve, ack = (working_resolve, working_ack) if working else (elapsed_resolve, elapsed_ack)
        target = figures[week]
        target.resolved[supplier] = target.resolved.get(supplier, 0) + 1
        if on_time:
            target.on_time[supplier] = target.on_time.get(supplier, 0) + 1
        if resolve is not None:
            target.resolve_seconds.setdefault(supplier, []).append(max(int(resolve), 0))
        if ack is not None:
            target.ack_seconds.setdefault(supplier, []).append(max(int(ack), 0))


def _open_at_end(reader: Reader, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    rows = reader.rows(plan("open_at_end", len(weeks)), week_params(weeks))
    for week, supplier, customer, count, late, paused in rows:
        target = figures[week]
        _add(target.sent_open, customer, count)
        _add(target.overdue_open, supplier, late)
        _add(target.waiting_at_end, supplier, paused)


def _events(reader: Reader, weeks: Sequence[Week], figures: list[RequestFigures]) -> None:
    rows = reader.rows(plan("request_events", len(weeks)), week_params(weeks))
    for kind, week, dept, count in rows:
        target = figures[week]
        _add(target.transfers if kind == TRANSFERRED else target.reopened, dept, count)


def request_figures(
    executor: Executor, weeks: Sequence[Week], *, working: bool = False
) -> list[RequestFigures]:
    """Every per-department request figure of each of the consecutive ``weeks`` (oldest first);
    ``working``: hours to acknowledge / resolve in working hours (stored working seconds)."""
    reader = as_reader(executor)
    figures = [RequestFigures() for _ in weeks]
    _created(reader, weeks, figures)
    _resolved(reader, weeks, figures, working)
    _open_at_end(reader, weeks, figures)
    _events(reader, weeks, figures)
    return figures


def kicked_balls(executor: Executor, week: Week, dept: str | None = None) -> list[dict[str, Any]]:
    """The requests with the most transfers that were still open at the end of the week."""
    rows = as_reader(executor).rows(plan("kicked_balls", dept is not None), week_params([week], dept))
    return [dict(zip(KICKED_KEYS, row, strict=True)) for row in rows]


def weekly_volume(executor: Executor, weeks: Sequence[Week], dept: str | None = None) -> list[dict[str, Any]]:
    """Received, resolved and on-time counts for consecutive weeks (oldest first)."""
    rows = [{"week": week.label, "received": 0, "resolved": 0, "on_time": 0} for week in weeks]
    if not rows:
        return rows
    found = as_reader(executor).rows(
        plan("weekly_volume", len(weeks), dept is not None), week_params(weeks, dept)
    )
    for index, received, resolved_count, on_time in found:
        row = rows[index]
        row["received"] += int(received)
        row["resolved"] += int(resolved_count)
        row["on_time"] += int(on_time)
    return rows
