"""Seeded simulation of request lifecycles for the demo: every status, real timing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from icrm_cli.services.demo import texts
from icrm_cli.services.policy import Policy
from icrm_cli.timeutil import Clock

PRIORITY_WEIGHTS = (("urgent", 5), ("high", 20), ("normal", 60), ("low", 15))
# How often each supplier is asked, and how slow it is (1.0 = works to SLA).
SUPPLIER_LOAD = {
    "DEV": 14,
    "IT": 14,
    "FIN": 10,
    "HR": 8,
    "PUR": 9,
    "WH": 9,
    "SALES": 8,
    "MKT": 7,
    "CS": 6,
    "QA": 6,
    "GM": 2,
    "RD": 2,
    "OPS": 2,
    "BIZ": 2,
}
SLOWNESS = {
    "DEV": 1.35,
    "PUR": 1.25,
    "WH": 1.1,
    "IT": 0.7,
    "FIN": 0.9,
    "HR": 1.0,
    "SALES": 0.9,
    "MKT": 1.0,
    "CS": 0.8,
    "QA": 1.15,
    "GM": 1.4,
    "RD": 1.2,
    "OPS": 1.3,
    "BIZ": 1.1,
}


@dataclass
class OrgPeople:
    members: dict[str, list[str]]
    contact: dict[str, str]
    codes: list[str] = field(default_factory=list)


@dataclass
class Simulated:
    row: dict[str, Any]
    events: list[dict[str, Any]]


def history_days(requests: int) -> int:
    """About three months at the default size, about three years at a million."""
    return int(min(1100, max(90, 90 + (requests - 3000) / 987)))


def _created_times(rng: random.Random, clock: Clock, count: int, now: datetime, days: int) -> list[datetime]:
    start_day = clock.local(now).date() - timedelta(days=days)
    times: list[datetime] = []
    while len(times) < count:
        day = start_day + timedelta(days=rng.randrange(days + 1))
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue
        local = datetime(
            day.year, day.month, day.day, rng.randint(9, 18), rng.randrange(60), rng.randrange(60)
        )
        moment = clock.localize(local).astimezone(UTC)  # UTC from here on: cheap maths and storage
        if moment < now:
            times.append(moment)
    times.sort()
    return times


def _title(rng: random.Random, dept: str) -> str:
    template = rng.choice(texts.TITLES[dept])
    return template.format(
        c=rng.choice(texts.CUSTOMERS),
        p=rng.choice(texts.PROJECTS),
        q=rng.randint(1, 4),
        v=f"{rng.randint(1, 5)}.{rng.randint(0, 9)}",
        n=rng.randint(2, 20),
    )


def _merge(events: list[dict[str, Any]], late: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request's events in time order (only comments can arrive out of order)."""
    if not late:
        return events
    return sorted(events + late, key=lambda event: event["at"])


class RequestSimulator:
    def __init__(self, rng: random.Random, policy: Policy, org: OrgPeople, now: datetime) -> None:
        self.rng = rng
        self.policy = policy
        self.org = org
        self.now = now
        self.suppliers = [code for code in SUPPLIER_LOAD if code in org.members]
        self.cum_weights = list(accumulate(SUPPLIER_LOAD[code] for code in self.suppliers))
        self.customers = {code: [c for c in org.codes if c != code] for code in org.codes}
        self.priorities = [p for p, _ in PRIORITY_WEIGHTS]
        self.priority_weights = list(accumulate(w for _, w in PRIORITY_WEIGHTS))

    def simulate(self, request_id: int, created: datetime) -> Simulated:
        rng, now = self.rng, self.now
        supplier = rng.choices(self.suppliers, cum_weights=self.cum_weights)[0]
        customer = rng.choice(self.customers[supplier])
        priority = rng.choices(self.priorities, cum_weights=self.priority_weights)[0]
        sla = self.policy.sla_for(priority)
        requester = rng.choice(self.org.members[customer])
        row: dict[str, Any] = {
            "id": request_id,
            "title": _title(rng, supplier),
            "description": None,
            "from_dept": customer,
            "to_dept": supplier,
            "requester": requester,
            "owner": self.org.contact[supplier],
            "priority": priority,
            "status": "open",
            "created_at": created,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "due_at": created + sla.resolve,
            "waiting_since": None,
            "paused_seconds": 0,
            "transfers": 0,
            "reopened": 0,
            "meeting_id": None,
        }
        events: list[dict[str, Any]] = []
        late_events: list[dict[str, Any]] = []  # a comment made while work went on

        def emit(
            at: datetime,
            kind: str,
            actor: str,
            note: str | None = None,
            detail: dict[str, Any] | None = None,
        ) -> None:
            events.append(
                {
                    "entity": "request",
                    "entity_id": request_id,
                    "at": at,
                    "actor": actor,
                    "kind": kind,
                    "note": note,
                    "detail": detail,
                }
            )

        def move(
            at: datetime,
            kind: str,
            target: str,
            actor: str,
            note: str | None = None,
            extra: dict[str, Any] | None = None,
        ) -> None:
            emit(at, kind, actor, note, {"from": row["status"], "to": target, **(extra or {})})
            row["status"] = target

        emit(
            created,
            "created",
            requester,
            None,
            {"to": "open", "from_dept": customer, "to_dept": supplier, "owner": row["owner"]},
        )
        slow = SLOWNESS.get(supplier, 1.0)
        t = created
        # Kicking the ball: some requests bounce between departments before anyone owns them.
        bounces = rng.choices((0, 1, 2, 3), (88, 8, 3, 1))[0]
        for _ in range(bounces):
            t = t + sla.ack * rng.uniform(0.2, 1.5) * slow
            if t >= now:
                return Simulated(row, _merge(events, late_events))
            target = rng.choice([c for c in self.suppliers if c not in (row["to_dept"], customer)])
            actor = row["owner"]
            move(
                t,
                "transferred",
                "open",
                actor,
                rng.choice(texts.TRANSFER_REASONS),
                {
                    "from_dept": row["to_dept"],
                    "to_dept": target,
                    "old_owner": actor,
                    "owner": self.org.contact[target],
                },
            )
            row["to_dept"], row["owner"] = target, self.org.contact[target]
            row["transfers"] += 1
            slow = SLOWNESS.get(target, 1.0)

        owner = row["owner"]
        fate = rng.random()
        t = t + sla.ack * rng.lognormvariate(-0.3, 0.8) * slow
        if t >= now:
            return Simulated(row, _merge(events, late_events))
        if fate < 0.03:
            move(t, "rejected", "rejected", owner, rng.choice(texts.REJECT_REASONS))
            row["closed_at"] = t
            return Simulated(row, _merge(events, late_events))
        row["acknowledged_at"] = t
        move(t, "acknowledged", "acknowledged", owner)
        t = t + timedelta(minutes=rng.randint(5, 240))
        if t >= now:
            return Simulated(row, _merge(events, late_events))
        move(t, "started", "in_progress", owner)
        if rng.random() < 0.15:
            emit(
                t + timedelta(hours=rng.randint(1, 20)),
                "commented",
                rng.choice((owner, requester)),
                rng.choice(texts.COMMENTS),
            )
            comment = events.pop()
            if comment["at"] < now:
                late_events.append(comment)
        if fate < 0.05:
            t = t + sla.resolve * rng.uniform(0.1, 0.8)
            if t < now:
                move(t, "cancelled", "cancelled", requester, rng.choice(texts.CANCEL_REASONS))
                row["closed_at"] = t
            return Simulated(row, _merge(events, late_events))
        if rng.random() < 0.12:
            t = t + sla.resolve * rng.uniform(0.05, 0.4)
            if t >= now:
                return Simulated(row, _merge(events, late_events))
            move(t, "waiting", "waiting", owner, rng.choice(texts.WAIT_REASONS))
            row["waiting_since"] = t
            waited = timedelta(hours=rng.uniform(4, 96))
            if t + waited >= now:
                return Simulated(row, _merge(events, late_events))
            t = t + waited
            row["waiting_since"] = None
            row["paused_seconds"] += int(waited.total_seconds())
            row["due_at"] = row["due_at"] + waited
            move(
                t,
                "resumed",
                "in_progress",
                owner,
                None,
                {"paused_seconds": int(waited.total_seconds())},
            )
        rounds = 0
        while True:
            budget = row["due_at"] - row["created_at"]
            t = t + budget * rng.lognormvariate(-0.9, 0.7) * slow
            if t >= now:
                return Simulated(row, _merge(events, late_events))
            if fate > 0.985 and rounds == 0:
                move(t, "unachievable", "unachievable", owner, rng.choice(texts.UNACHIEVABLE_NOTES))
                row["closed_at"] = t
                return Simulated(row, _merge(events, late_events))
            row["resolved_at"] = t
            move(t, "resolved", "resolved", owner, rng.choice(texts.RESOLVE_NOTES))
            t = t + timedelta(hours=rng.lognormvariate(2.5, 1.0))
            if t >= now:
                return Simulated(row, _merge(events, late_events))
            if rounds == 0 and rng.random() < 0.07:
                row["resolved_at"] = None
                row["reopened"] += 1
                move(t, "reopened", "in_progress", requester, rng.choice(texts.REOPEN_REASONS))
                rounds += 1
                continue
            if rng.random() < 0.12:  # some customers never confirm
                return Simulated(row, _merge(events, late_events))
            row["closed_at"] = t
            move(t, "closed", "closed", requester)
            return Simulated(row, _merge(events, late_events))


def generate(
    rng: random.Random, policy: Policy, org: OrgPeople, now: datetime, count: int, first_id: int = 1
) -> Iterator[Simulated]:
    times = _created_times(rng, policy.clock, count, now, history_days(count))
    simulator = RequestSimulator(rng, policy, org, now)
    for offset, created in enumerate(times):
        yield simulator.simulate(first_id + offset, created)
