"""``icrm request why ID``: how a request's due time was reached and where its clock stands.

The answer a department head can check by hand: the SLA rule, every stretch
from creation to the earlier of the due time and now that counted or did not
(nights, lunch breaks, weekends, holidays by name, waiting), the time left or
overdue (working seconds for working units), and the level a sweep would give
now. Working time comes from :mod:`icrm_cli.domain.calendar`; the due time is
the stored one, and the answer says when today's calendar would give another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from icrm_cli.domain.calendar import Stretch
from icrm_cli.domain.escalation.sweep import target_rule
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.requests.lifecycle import get_request
from icrm_cli.domain.requests.states import SLA_RUNNING
from icrm_cli.domain.requests.working import Interval, push_due, sla_kind
from icrm_cli.storage.core import EVENT

ELAPSED = "elapsed time"
WAITING = "waiting"
WHY_KEYS = (
    "id",
    "status",
    "rule",
    "created_at",
    "due_at",
    "stretches",
    "counted_seconds",
    "remaining",
    "overdue_by",
    "sweep_level",
    "due_at_today",
)


@dataclass(frozen=True)
class _History:
    source: str  # "sla" or "manual"
    waits: list[Interval]  # every waiting period (a running one ends at now)
    resumed: list[Interval]  # the waits that ended with ``resume`` (they moved the due time)


def _history(session: Session, policy: Policy, request_id: int, now: datetime) -> _History:
    ev = EVENT.c
    rows = session.execute(
        select(ev.at, ev.kind, ev.detail)
        .where(ev.entity == "request", ev.entity_id == request_id)
        .order_by(ev.id)
    )
    source: str | None = None
    waits: list[Interval] = []
    resumed: list[Interval] = []
    started: datetime | None = None
    for at, kind, detail in rows:
        detail = detail or {}
        if kind == "created" and "due" in detail:
            source = "manual" if detail["due"] == "manual" else "sla"
        elif kind == "due_changed":
            source = "manual"
        if kind == "waiting":
            started = at
        elif started is not None and detail.get("from") == "waiting":
            waits.append((started, at))
            if kind == "resumed":
                resumed.append((started, at))
            started = None
    if started is not None and now > started:
        waits.append((started, now))
    return _History(source or "", waits, resumed)


def _due_today(policy: Policy, priority: str, created: datetime, resumed: list[Interval]) -> datetime:
    """The due time the SLA and today's calendar give, with every resumed wait pushing it."""
    due = policy.due_for(priority, created)
    for start, end in resumed:
        due = push_due(policy, priority, due, start, end)
    return due


def _measure(policy: Policy, working: bool, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if working and policy.calendar is not None:
        return policy.calendar.working_seconds_between(start, end)
    return int((end - start).total_seconds())


def _elapsed_stretches(start: datetime, end: datetime, waits: list[Interval]) -> list[Stretch]:
    """Calendar units: all time counts except waiting."""
    pieces: list[Stretch] = []
    cursor = start
    for begin, finish in sorted(waits):
        begin, finish = max(begin, start), min(finish, end)
        if finish <= begin or finish <= cursor:
            continue
        if begin > cursor:
            pieces.append(Stretch(cursor, begin, True, ELAPSED))
        pieces.append(Stretch(max(begin, cursor), finish, False, WAITING))
        cursor = finish
    if end > cursor:
        pieces.append(Stretch(cursor, end, True, ELAPSED))
    return pieces


def explain(session: Session, policy: Policy, request_id: int, now: datetime) -> dict[str, Any]:
    """The ``request why`` answer: keys :data:`WHY_KEYS`."""
    request = get_request(session, request_id)
    priority, created, due = request.priority, request.created_at, request.due_at
    sla = policy.sla_for(priority).resolve
    working = sla_kind(policy, priority) == "working" and policy.calendar is not None
    history = _history(session, policy, request_id, now)
    due_today = _due_today(policy, priority, created, history.resumed)
    source = history.source or ("sla" if due_today == due else "manual")
    end = min(due, now)
    if working and policy.calendar is not None:
        stretches = policy.calendar.stretches(created, end, pauses=history.waits)
    else:
        stretches = _elapsed_stretches(created, end, history.waits)
    counted = sum(stretch.seconds for stretch in stretches if stretch.counted)
    remaining: int | None = None
    overdue_by: int | None = None
    level: int | None = None
    if request.status in SLA_RUNNING or request.status == "waiting":
        anchor = request.waiting_since if request.status == "waiting" and request.waiting_since else now
        if anchor < due:
            remaining = _measure(policy, working, anchor, due)
        elif request.status in SLA_RUNNING:
            overdue_by = _measure(policy, working, due, now)
            rule = target_rule(policy, due, now)
            level = rule.level if rule is not None else None
        else:
            remaining = 0
    else:
        finished = request.resolved_at or request.closed_at
        if finished is not None and finished > due:
            overdue_by = _measure(policy, working, due, finished)
    return {
        "id": request.id,
        "status": request.status,
        "rule": {"priority": priority, "duration": str(sla), "unit": sla.unit, "source": source},
        "created_at": created,
        "due_at": due,
        "stretches": [
            {"start": s.start, "end": s.end, "counted": s.counted, "why": s.why} for s in stretches
        ],
        "counted_seconds": counted,
        "remaining": remaining,
        "overdue_by": overdue_by,
        "sweep_level": level,
        "due_at_today": due_today if source == "sla" and due_today != due else None,
    }


def spell(seconds: int | None, working: bool, workday_seconds: int = 0) -> str:
    """``1wd 2h 30m`` (working: whole working days of ``workday_seconds``, then hours and minutes),
    ``2d 3h`` (elapsed); ``-`` for None."""
    if seconds is None:
        return "-"
    minutes = seconds // 60
    if working and workday_seconds:
        days, rest = divmod(seconds, workday_seconds)
        hours, mins = divmod(rest // 60, 60)
        parts = [f"{days}wd" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    else:
        days, rest = divmod(minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    text = " ".join(part for part in parts if part) or "0m"
    return f"{text} working time" if working else text


def lasting(stretch: dict[str, Any]) -> timedelta:
    return timedelta(seconds=int((stretch["end"] - stretch["start"]).total_seconds()))


def for_reading(policy: Policy, answer: dict[str, Any]) -> dict[str, Any]:
    """The answer spelled for a table: the rule, counted time, time left, the sweep, a note."""
    rule = answer["rule"]
    working = rule["unit"] in ("wh", "wd") and policy.calendar is not None
    workday = policy.calendar.workday_seconds if policy.calendar is not None else 0
    origin = "SLA" if rule["source"] == "sla" else "set by hand (the SLA would be " + rule["duration"] + ")"
    notes = []
    if answer["due_at_today"] is not None:
        notes.append(
            f"today's calendar would give {policy.clock.short(answer['due_at_today'])}: the calendar "
            "or the SLA changed after the due time was set (a due time, once set, does not move)"
        )
    if answer["status"] == "waiting":
        notes.append("waiting: the clock is paused; resume pushes the due time back by the time waited")
    level = answer["sweep_level"]
    return {
        **{key: answer[key] for key in ("id", "status", "created_at", "due_at")},
        "rule_text": f"{rule['priority']}: resolve in {rule['duration']} ({origin})",
        "counted_text": spell(answer["counted_seconds"], working, workday),
        "remaining_text": spell(answer["remaining"], working, workday),
        "overdue_text": spell(answer["overdue_by"], working, workday),
        "sweep_text": "-" if level is None else f"level {level}",
        "note": "; ".join(notes) or None,
        "stretch_rows": [
            {**stretch, "length": spell(int(lasting(stretch).total_seconds()), False)}
            for stretch in answer["stretches"]
        ],
    }
