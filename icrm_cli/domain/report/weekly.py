"""The weekly report: assemble the figures of one week into a plain object."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.org.lookups import department_code
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.report import figures_feedback as extras
from icrm_cli.domain.report.figures_meetings import meetings_held
from icrm_cli.domain.report.figures_requests import (
    TREND_WEEKS,
    RequestFigures,
    kicked_balls,
    request_figures,
    weekly_volume,
)
from icrm_cli.domain.report.keys import CHANGE_KEYS, TOTAL
from icrm_cli.domain.report.weeks import Week, parse_week
from icrm_cli.storage.plans import Plan
from icrm_cli.storage.readers import as_reader

if TYPE_CHECKING:
    from icrm_cli.domain.report.figures_requests import Executor

DEPARTMENTS = Plan("icrm_cli.domain.org.statements:departments")
SHIPPED = ((DEPARTMENTS, "statement"),)


@dataclass
class WeeklyReport:
    """Everything in one weekly report; :meth:`as_dict` is the JSON document."""

    week: Week
    previous: Week
    organization: str | None
    timezone: str | None
    generated_at: datetime
    dept: str | None
    min_group: int
    departments: list[dict[str, Any]]
    totals: dict[str, Any]
    matrix_departments: list[str]
    matrix: list[dict[str, Any]]
    kicked_balls: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    trend: list[dict[str, Any]] = field(default_factory=list)
    hours_basis: str = "elapsed"  # the medians count working hours with a calendar, else elapsed

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.week.label,
            "start": self.week.start,
            "end": self.week.end,
            "previous_week": self.previous.label,
            "organization": self.organization,
            "timezone": self.timezone,
            "generated_at": self.generated_at,
            "dept": self.dept,
            "min_group": self.min_group,
            "hours_basis": self.hours_basis,
            "departments": self.departments,
            "totals": self.totals,
            "matrix": {"departments": self.matrix_departments, "cells": self.matrix},
            "kicked_balls": self.kicked_balls,
            "meetings": self.meetings,
            "trend": self.trend,
        }


def _median_hours(seconds: list[int]) -> float | None:
    return round(statistics.median(seconds) / 3600, 2) if seconds else None


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _satisfaction(total: int, count: int, min_group: int) -> float | None:
    return round(total / count, 2) if count and count >= min_group else None


@dataclass
class _Week:
    """All figures of one week, before they become rows."""

    requests: RequestFigures
    other: extras.OtherFigures

    def row(self, code: str, name: str, min_group: int) -> dict[str, Any]:
        r, o = self.requests, self.other
        resolved, on_time = r.resolved.get(code, 0), r.on_time.get(code, 0)
        score_sum, score_count = o.score_sum.get(code, 0), o.score_count.get(code, 0)
        return {
            "department": code,
            "name": name,
            "received": r.received.get(code, 0),
            "resolved": resolved,
            "on_time": on_time,
            "on_time_rate": _rate(on_time, resolved),
            "overdue_open": r.overdue_open.get(code, 0),
            "waiting_at_end": r.waiting_at_end.get(code, 0),
            "median_ack_hours": _median_hours(r.ack_seconds.get(code, [])),
            "median_resolve_hours": _median_hours(r.resolve_seconds.get(code, [])),
            "transfers": r.transfers.get(code, 0),
            "reopened": r.reopened.get(code, 0),
            "satisfaction": _satisfaction(score_sum, score_count, min_group),
            "satisfaction_count": score_count,
            "open_complaints": o.open_complaints.get(code, 0),
            "escalations_opened": o.escalations.get(code, 0),
            "escalation_max_level": o.max_level.get(code),
            "sent": r.sent.get(code, 0),
            "sent_open": r.sent_open.get(code, 0),
        }

    def totals(self, min_group: int) -> dict[str, Any]:
        r, o = self.requests, self.other

        def total(figure: dict[str, int]) -> int:
            return sum(figure.values())

        resolved, on_time = total(r.resolved), total(r.on_time)
        return {
            "department": TOTAL,
            "name": "合计",
            "received": total(r.received),
            "resolved": resolved,
            "on_time": on_time,
            "on_time_rate": _rate(on_time, resolved),
            "overdue_open": total(r.overdue_open),
            "waiting_at_end": total(r.waiting_at_end),
            "median_ack_hours": _median_hours([s for v in r.ack_seconds.values() for s in v]),
            "median_resolve_hours": _median_hours([s for v in r.resolve_seconds.values() for s in v]),
            "transfers": total(r.transfers),
            "reopened": total(r.reopened),
            "satisfaction": _satisfaction(total(o.score_sum), total(o.score_count), min_group),
            "satisfaction_count": total(o.score_count),
            "open_complaints": total(o.open_complaints),
            # Each escalation once: one between two departments counts for both of them above.
            "escalations_opened": o.escalations_total,
            "escalation_max_level": o.max_level_total,
            "sent": total(r.sent),
            "sent_open": total(r.sent_open),
        }

    def codes(self) -> set[str]:
        found: set[str] = set()
        for figure in vars(self.requests).values():
            if isinstance(figure, dict):
                for key in figure:
                    found.update(key if isinstance(key, tuple) else (key,))
        found.update(self.other.codes())
        return found


@dataclass(frozen=True)
class _Department:
    code: str
    name: str
    active: bool


def _change(current: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    change: dict[str, Any] = {}
    for key in CHANGE_KEYS:
        now, then = current[key], before[key]
        change[key] = None if now is None or then is None else round(now - then, 2)
    return change


def _volume(figures: RequestFigures, label: str, only: str | None) -> dict[str, Any]:
    """A trend row from a week's figures: what :func:`weekly_volume` would count for it."""

    def count(figure: dict[str, int]) -> int:
        return figure.get(only, 0) if only is not None else sum(figure.values())

    return {
        "week": label,
        "received": count(figures.received),
        "resolved": count(figures.resolved),
        "on_time": count(figures.on_time),
    }


def weekly_report(
    executor: Executor,
    policy: Policy,
    week: Week | str | None = None,
    dept: str | None = None,
    *,
    trend: bool = True,
) -> WeeklyReport:
    """The report for ``week`` (a Week, ``'2026-W47'`` or None = last complete week)."""
    clock = policy.clock
    reader = as_reader(executor)
    if not isinstance(week, Week):
        week = parse_week(week, clock)
    departments = [_Department(*row) for row in reader.rows(DEPARTMENTS)]
    codes = {department.code for department in departments}
    only = (dept if dept in codes else department_code(reader, dept)) if dept else None
    previous = week.shift(-1, clock)
    weeks = [previous, week]
    # Both weeks at once: every query reads the two weeks' rows in one go.
    working = policy.hours_basis == "working"
    requests, others = request_figures(reader, weeks, working=working), extras.other_figures(reader, weeks)
    before, current = (_Week(r, o) for r, o in zip(requests, others, strict=True))
    used = current.codes() | before.codes()
    shown = [d for d in departments if d.active or d.code in used]
    known = {d.code for d in departments}
    rows: list[dict[str, Any]] = []
    for department in shown:
        if only is not None and department.code != only:
            continue
        row = current.row(department.code, department.name, policy.min_group)
        row["change"] = _change(row, before.row(department.code, department.name, policy.min_group))
        rows.append(row)
    totals = current.totals(policy.min_group)
    totals["change"] = _change(totals, before.totals(policy.min_group))
    order = [d.code for d in shown] + sorted(used - known)
    position = {code: index for index, code in enumerate(order)}
    cells = [
        {"customer": customer, "supplier": supplier, "requests": count}
        for (customer, supplier), count in sorted(
            current.requests.matrix.items(), key=lambda item: (position[item[0][0]], position[item[0][1]])
        )
        if only is None or only in (customer, supplier)
    ]
    trend_rows: list[dict[str, Any]] = []
    if trend:
        trend_weeks = [week.shift(offset, clock) for offset in range(1 - TREND_WEEKS, 1)]
        # The last two weeks of the trend are the two just counted: only the older ones are read.
        trend_rows = weekly_volume(reader, trend_weeks[:-2], only)
        trend_rows += [
            _volume(before.requests, previous.label, only),
            _volume(current.requests, week.label, only),
        ]
        satisfaction = extras.weekly_satisfaction(reader, trend_weeks, only)
        for row, (score_sum, score_count) in zip(trend_rows, satisfaction, strict=True):
            row["on_time_rate"] = _rate(row["on_time"], row["resolved"])
            row["satisfaction"] = _satisfaction(score_sum, score_count, policy.min_group)
            row["satisfaction_count"] = score_count
    return WeeklyReport(
        week=week,
        previous=previous,
        organization=policy.organization,
        timezone=policy.timezone,
        generated_at=clock.now(),
        dept=only,
        min_group=policy.min_group,
        departments=rows,
        totals=totals,
        matrix_departments=order,
        matrix=cells,
        kicked_balls=kicked_balls(reader, week, only),
        meetings=meetings_held(reader, week, only),
        trend=trend_rows,
        hours_basis=policy.hours_basis,
    )
