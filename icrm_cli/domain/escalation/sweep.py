"""Automatic escalation of overdue requests (for cron): ``icrm escalate sweep``.

A request is overdue while its SLA clock runs (open, acknowledged, in progress)
and its due time has passed; a ``waiting`` request is not overdue, and ``resume``
pushes the due time back by the time spent waiting, so waiting never counts.
The org file's rules (overdue duration -> level) give the level a request should
be at; each rule counts overdue time in its own unit (``1wd``: one working day
of the org's calendar after the due time; ``1d``: the same local time a day
later); the sweep opens an escalation at that level or raises the open one to it.
It never lowers a level, never touches a resolved escalation (a new one is opened
only when the rules call for a higher level than any resolved one reached) and
never touches a final request. The caller runs it in ONE write transaction
(``BEGIN IMMEDIATE`` on SQLite), so a concurrent sweep waits and then finds
nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from icrm_cli.domain.access import policy as access
from icrm_cli.domain.escalation.ladder import describe_people, who_must_act
from icrm_cli.domain.escalation.lifecycle import open_escalation, raise_escalation
from icrm_cli.domain.org.settings import EscalationRule, Policy, least_elapsed
from icrm_cli.domain.requests.states import SLA_RUNNING
from icrm_cli.storage.models import Request
from icrm_cli.storage.models.escalation import MAX_LEVEL, Escalation
from icrm_cli.storage.models.escalation import table_of as _table


def active_rules(policy: Policy) -> tuple[EscalationRule, ...]:
    return tuple(r for r in policy.escalation if 1 <= r.level <= MAX_LEVEL)


def target_rule(
    policy: Policy, due: datetime, now: datetime, rules: tuple[EscalationRule, ...] | None = None
) -> EscalationRule | None:
    """The highest-level rule reached at ``now`` by a request due at ``due``.

    A rule is reached when the overdue time, counted in the rule's own unit, is
    at least its threshold: ``now >= due + threshold`` on the org's clock.
    """
    if now <= due:
        return None
    reached = [rule for rule in (rules or active_rules(policy)) if now >= policy.escalation_at(due, rule)]
    return max(reached, key=lambda rule: rule.level) if reached else None


def overdue_working_seconds(policy: Policy, due: datetime, now: datetime) -> int | None:
    """Working seconds overdue when the rules are in working units, else None."""
    rules = active_rules(policy)
    if not rules or rules[0].overdue.kind != "working" or policy.calendar is None:
        return None
    return policy.calendar.working_seconds_between(due, now)


def human_duration(delta: timedelta) -> str:
    """``3d 2h`` (days, hours, minutes; zero parts left out)."""
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(part for part in parts if part) or "0m"


def sweep_reason(overdue: timedelta, rule: EscalationRule, working: int | None = None) -> str:
    """The reason recorded for an automatic open or raise (working time when the rule counts it)."""
    shown = (
        human_duration(overdue)
        if working is None
        else f"{human_duration(timedelta(seconds=working))} 工作时间"
    )
    return f"逾期 {shown} 自动升级 (sweep: overdue ≥ {rule.overdue} -> level {rule.level})"


@dataclass
class SweepAction:
    """One thing the sweep did (or, in a dry run, would do)."""

    request_id: int
    dept_a: str
    dept_b: str
    from_level: int | None
    to_level: int
    overdue: timedelta
    rule: EscalationRule
    escalation_id: int | None = None
    must_act: list[dict[str, Any]] | None = None
    working_overdue: int | None = None  # working seconds overdue, for rules in working units

    @property
    def action(self) -> str:
        return "opened" if self.from_level is None else "raised"

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "escalation_id": self.escalation_id,
            "request_id": self.request_id,
            "dept_a": self.dept_a,
            "dept_b": self.dept_b,
            "from_level": self.from_level,
            "to_level": self.to_level,
            "overdue_hours": round(self.overdue.total_seconds() / 3600, 1),
            "overdue_working_hours": (
                None if self.working_overdue is None else round(self.working_overdue / 3600, 1)
            ),
            "must_act": self.must_act or [],
        }

    def line(self) -> str:
        start = "-" if self.from_level is None else str(self.from_level)
        return (
            f"request #{self.request_id} {self.dept_a} -> {self.dept_b}: level {start} -> {self.to_level} "
            f"(overdue {self._overdue_text()}); must act: {describe_people(self.must_act or [])}"
        )

    def _overdue_text(self) -> str:
        if self.working_overdue is None:
            return human_duration(self.overdue)
        return f"{human_duration(timedelta(seconds=self.working_overdue))} working time"

    def reason(self) -> str:
        return sweep_reason(self.overdue, self.rule, self.working_overdue)


def plan(session: Session, policy: Policy, now: datetime) -> list[SweepAction]:
    """What the rules call for at ``now``, without writing anything."""
    rules = active_rules(policy)
    if not rules:
        return []
    workday = policy.calendar.workday_seconds if policy.calendar is not None else 0
    earliest = min(least_elapsed(rule.overdue, workday) for rule in rules)
    esc = _table(Escalation).c
    req = _table(Request).c
    open_esc = (
        select(esc.request_id, esc.id, esc.level)
        .where(esc.status == "open", esc.request_id.is_not(None))
        .subquery()
    )
    resolved = (
        select(esc.request_id, func.max(esc.level).label("top"))
        .where(esc.status == "resolved", esc.request_id.is_not(None))
        .group_by(esc.request_id)
        .subquery()
    )
    query = (
        select(
            req.id, req.from_dept, req.to_dept, req.due_at, open_esc.c.id, open_esc.c.level, resolved.c.top
        )
        .outerjoin(open_esc, open_esc.c.request_id == req.id)
        .outerjoin(resolved, resolved.c.request_id == req.id)
        .where(and_(req.status.in_(sorted(SLA_RUNNING)), req.due_at <= now - earliest))
        .order_by(req.due_at, req.id)
    )
    actions: list[SweepAction] = []
    for request_id, dept_a, dept_b, due_at, esc_id, esc_level, resolved_top in session.execute(query):
        overdue = now - due_at
        rule = target_rule(policy, due_at, now, rules)
        if rule is None:
            continue
        if esc_id is not None:
            if esc_level >= rule.level:
                continue
            actions.append(
                SweepAction(request_id, dept_a, dept_b, esc_level, rule.level, overdue, rule, esc_id)
            )
        elif resolved_top is None or rule.level > resolved_top:
            actions.append(SweepAction(request_id, dept_a, dept_b, None, rule.level, overdue, rule))
    for action in actions:
        action.must_act = who_must_act(session, action.dept_a, action.dept_b, action.to_level)
        action.working_overdue = overdue_working_seconds(policy, now - action.overdue, now)
    return actions


def sweep(
    session: Session, policy: Policy, *, actor: str, now: datetime | None = None, dry_run: bool = False
) -> list[SweepAction]:
    """Apply the plan (unless ``dry_run``); returns the actions, one per request touched."""
    now = now or policy.clock.now()
    actions = plan(session, policy, now)
    if dry_run:
        return actions
    access.require(session, actor, "escalate sweep", access.Facts(object="overdue requests"))
    for action in actions:
        detail = {
            "by": "sweep",
            "overdue_seconds": int(action.overdue.total_seconds()),
            "rule": str(action.rule.overdue),
        }
        if action.working_overdue is not None:
            detail["overdue_working_seconds"] = action.working_overdue
        if action.escalation_id is None:
            created = open_escalation(
                session,
                policy,
                actor=actor,
                reason=action.reason(),
                request_id=action.request_id,
                level=action.to_level,
                now=now,
                detail=detail,
                job=True,
            )
            action.escalation_id = created.id
        else:
            raise_escalation(
                session,
                policy,
                action.escalation_id,
                actor=actor,
                reason=action.reason(),
                to_level=action.to_level,
                now=now,
                detail=detail,
                job=True,
            )
    return actions
