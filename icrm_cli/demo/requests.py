"""Seeded simulation of request lifecycles for the demo: every status, real timing.

Times are integer seconds since the epoch (UTC) throughout; a :class:`Sink` gives
each row and event its stored form once. Weighted and uniform choices are made
from ``random()`` with precomputed cumulative weights, titles are expanded once
per supplier, and repeated event details are shared, so a request costs a few
microseconds and a million of them fit in the demo's time budget.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, product
from math import exp
from string import Formatter
from typing import Any

from icrm_cli.demo import texts
from icrm_cli.demo.profile import BOUNCES, PRIORITY_WEIGHTS, SLOWNESS, SUPPLIER_LOAD
from icrm_cli.domain.org.settings import Policy
from icrm_cli.storage.stored_rows import DAY, HOUR, Sink, seconds_of
from icrm_cli.timeutil import Clock


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


def created_seconds(rng: random.Random, clock: Clock, count: int, now: datetime, days: int) -> list[int]:
    """Creation moments in office hours (9:00-18:59 local, few at weekends), sorted, before now."""
    first = clock.local(now).date() - timedelta(days=days)
    hour_starts: list[int] = []
    weekend: list[bool] = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        weekend.append(day.weekday() >= 5)
        for hour in range(9, 19):
            local = clock.localize(datetime(day.year, day.month, day.day, hour))
            hour_starts.append(seconds_of(local.astimezone(UTC)))
    rnd, limit, span = rng.random, seconds_of(now), days + 1
    times: list[int] = []
    append = times.append
    while len(times) < count:
        day_index = int(rnd() * span)
        if weekend[day_index] and rnd() < 0.85:
            continue
        moment = hour_starts[day_index * 10 + int(rnd() * 10)] + int(rnd() * HOUR)
        if moment < limit:
            append(moment)
    times.sort()
    return times


def _titles(dept: str) -> list[list[str]]:
    """Every title a supplier's templates can give, grouped by template."""
    values = {
        "c": texts.CUSTOMERS,
        "p": texts.PROJECTS,
        "q": [str(q) for q in range(1, 5)],
        "v": [f"{major}.{minor}" for major in range(1, 6) for minor in range(10)],
        "n": [str(n) for n in range(2, 21)],
    }
    grouped = []
    for template in texts.TITLES[dept]:
        names = [name for _, name, _, _ in Formatter().parse(template) if name]
        combos = product(*(values[name] for name in names))
        grouped.append([template.format(**dict(zip(names, combo, strict=True))) for combo in combos])
    return grouped


# Status changes of the lifecycle: (event kind, from, to). Their details repeat, so they are encoded once.
MOVES = {
    "rejected": ("open", "rejected"),
    "acknowledged": ("open", "acknowledged"),
    "started": ("acknowledged", "in_progress"),
    "cancelled": ("in_progress", "cancelled"),
    "waiting": ("in_progress", "waiting"),
    "unachievable": ("in_progress", "unachievable"),
    "resolved": ("in_progress", "resolved"),
    "reopened": ("resolved", "in_progress"),
    "closed": ("resolved", "closed"),
}


class RequestSimulator:
    """Simulates requests one by one, appending stored-form rows to ``requests`` and ``events``.

    The hot path avoids per-event objects beyond the row dicts themselves: choices
    are drawn with ``random()``, events are appended by one closure, repeated
    details are shared, and times stay integers until they are stamped.
    """

    def __init__(
        self, rng: random.Random, policy: Policy, org: OrgPeople, now: datetime, sink: Sink, first: int
    ) -> None:
        self.random = rng.random
        self.gauss = rng.gauss
        self.sink = sink
        self.org = org
        self.now = seconds_of(now)
        self.suppliers = [code for code in SUPPLIER_LOAD if code in org.members]
        self.supplier_cum = list(accumulate(SUPPLIER_LOAD[code] for code in self.suppliers))
        self.customers = {code: [c for c in org.codes if c != code] for code in org.codes}
        self.priorities = [p for p, _ in PRIORITY_WEIGHTS]
        self.priority_cum = list(accumulate(w for _, w in PRIORITY_WEIGHTS))
        self.sla = {
            p: (seconds(policy.sla_for(p).ack), seconds(policy.sla_for(p).resolve)) for p in self.priorities
        }
        self.titles = {code: _titles(code) for code in self.suppliers}
        self.targets: dict[tuple[str, str, str], list[str]] = {}
        self.created: dict[tuple[str, str, str], Any] = {}
        self.moves = {kind: sink.detail({"from": a, "to": b}) for kind, (a, b) in MOVES.items()}
        self.requests: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.comment: tuple[int, str, str] | None = None
        # Every moment of a request is at or after its creation (>= first) and its due time is
        # at most the slowest SLA plus waiting after now: precompute the days in between.
        longest = max(resolve for _, resolve in self.sla.values())
        self.stamp = sink.stamper(first, self.now + 2 * longest + 60 * DAY)
        append = self.events.append

        def emit(rid: int, at: Any, actor: str, kind: str, note: str | None, detail: Any) -> None:
            """One event; ``at`` is already stamped (rows reuse the same stored moment)."""
            append(
                {
                    "entity": "request",
                    "entity_id": rid,
                    "at": at,
                    "actor": actor,
                    "kind": kind,
                    "note": note,
                    "detail": detail,
                }
            )

        self.emit = emit

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The rows simulated so far (the simulator starts afresh)."""
        taken = self.requests[:], self.events[:]
        self.requests.clear()
        self.events.clear()
        return taken

    def simulate(self, rid: int, created: int) -> None:
        rnd = self.random
        supplier = self.suppliers[bisect(self.supplier_cum, rnd() * self.supplier_cum[-1])]
        customers = self.customers[supplier]
        customer = customers[int(rnd() * len(customers))]
        priority = self.priorities[bisect(self.priority_cum, rnd() * self.priority_cum[-1])]
        people = self.org.members[customer]
        requester = people[int(rnd() * len(people))]
        owner = self.org.contact[supplier]
        titles = self.titles[supplier]
        titles_of_template = titles[int(rnd() * len(titles))]
        row: dict[str, Any] = {
            "id": rid,
            "title": titles_of_template[int(rnd() * len(titles_of_template))],
            "description": None,
            "from_dept": customer,
            "to_dept": supplier,
            "requester": requester,
            "owner": owner,
            "priority": priority,
            "status": "open",
            "created_at": created,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "due_at": created + self.sla[priority][1],
            "waiting_since": None,
            "paused_seconds": 0,
            "transfers": 0,
            "reopened": 0,
            "meeting_id": None,
        }
        events = self.events
        start = len(events)
        key = (customer, supplier, owner)
        detail = self.created.get(key)
        if detail is None:
            value = {"to": "open", "from_dept": customer, "to_dept": supplier, "owner": owner}
            detail = self.created[key] = self.sink.detail(value)
        stamp = self.stamp
        self.emit(rid, stamp(created), requester, "created", None, detail)
        self._life(row)
        if self.comment is not None:  # a comment made while work went on, in its place in time
            at, actor, note = self.comment
            self.emit(rid, stamp(at), actor, "commented", note, None)
            comment = events.pop()
            place = len(events)
            while place > start and events[place - 1]["at"] > comment["at"]:
                place -= 1
            events.insert(place, comment)
        row["created_at"] = events[start]["at"]
        row["due_at"] = stamp(row["due_at"])
        self.requests.append(row)

    def _life(self, row: dict[str, Any]) -> None:
        """Moves ``row`` through its lifecycle until it ends or reaches now (times in seconds)."""
        rnd, gauss, now, emit, moves, stamp = (
            self.random,
            self.gauss,
            self.now,
            self.emit,
            self.moves,
            self.stamp,
        )
        rid = row["id"]
        self.comment = None
        ack, resolve = self.sla[row["priority"]]
        requester, customer, home = row["requester"], row["from_dept"], row["to_dept"]
        slow = SLOWNESS.get(row["to_dept"], 1.0)
        t = row["created_at"]
        # Kicking the ball: some requests bounce between departments before anyone owns them.
        for _ in range(bisect(BOUNCES, rnd() * 100)):
            t += int(ack * (0.2 + 1.3 * rnd()) * slow)
            if t >= now:
                return
            self._transfer(row, t, customer, home)
            slow = SLOWNESS.get(row["to_dept"], 1.0)

        owner = row["owner"]
        fate = rnd()
        t += int(ack * exp(gauss(-0.3, 0.8)) * slow)
        if t >= now:
            return
        if fate < 0.03:
            at = stamp(t)
            emit(rid, at, owner, "rejected", _pick(rnd, texts.REJECT_REASONS), moves["rejected"])
            row["status"], row["closed_at"] = "rejected", at
            return
        at = stamp(t)
        emit(rid, at, owner, "acknowledged", None, moves["acknowledged"])
        row["status"], row["acknowledged_at"] = "acknowledged", at
        t += 300 + int(rnd() * 14100)  # 5 minutes to 4 hours
        if t >= now:
            return
        emit(rid, stamp(t), owner, "started", None, moves["started"])
        row["status"] = "in_progress"
        if rnd() < 0.15:
            at = t + HOUR * (1 + int(rnd() * 20))
            if at < now:
                self.comment = (at, owner if rnd() < 0.5 else requester, _pick(rnd, texts.COMMENTS))
        if fate < 0.05:
            t += int(resolve * (0.1 + 0.7 * rnd()))
            if t < now:
                at = stamp(t)
                emit(rid, at, requester, "cancelled", _pick(rnd, texts.CANCEL_REASONS), moves["cancelled"])
                row["status"], row["closed_at"] = "cancelled", at
            return
        if rnd() < 0.12:
            t += int(resolve * (0.05 + 0.35 * rnd()))
            if t >= now:
                return
            at = stamp(t)
            emit(rid, at, owner, "waiting", _pick(rnd, texts.WAIT_REASONS), moves["waiting"])
            row["status"], row["waiting_since"] = "waiting", at
            waited = int(HOUR * (4 + 92 * rnd()))
            if t + waited >= now:
                return
            t += waited
            detail = {"from": "waiting", "to": "in_progress", "paused_seconds": waited}
            emit(rid, stamp(t), owner, "resumed", None, self.sink.detail(detail))
            row["status"], row["waiting_since"] = "in_progress", None
            row["paused_seconds"] += waited
            row["due_at"] += waited
        budget = row["due_at"] - row["created_at"]
        for rounds in (0, 1):
            t += int(budget * exp(gauss(-0.9, 0.7)) * slow)
            if t >= now:
                return
            if fate > 0.985 and rounds == 0:
                note = _pick(rnd, texts.UNACHIEVABLE_NOTES)
                at = stamp(t)
                emit(rid, at, owner, "unachievable", note, moves["unachievable"])
                row["status"], row["closed_at"] = "unachievable", at
                return
            at = stamp(t)
            emit(rid, at, owner, "resolved", _pick(rnd, texts.RESOLVE_NOTES), moves["resolved"])
            row["status"], row["resolved_at"] = "resolved", at
            t += int(HOUR * exp(gauss(2.5, 1.0)))
            if t >= now:
                return
            if rounds == 0 and rnd() < 0.07:
                note = _pick(rnd, texts.REOPEN_REASONS)
                emit(rid, stamp(t), requester, "reopened", note, moves["reopened"])
                row["status"], row["resolved_at"] = "in_progress", None
                row["reopened"] += 1
                continue
            if rnd() < 0.12:  # some customers never confirm
                return
            at = stamp(t)
            emit(rid, at, requester, "closed", None, moves["closed"])
            row["status"], row["closed_at"] = "closed", at
            return

    def _transfer(self, row: dict[str, Any], t: int, customer: str, home: str) -> None:
        """Kick the request on: away from ``home`` (the department its title is for) to a neighbour,
        or from a neighbour back home, never to the customer."""
        key = (row["to_dept"], customer, home)
        targets = self.targets.get(key)
        if targets is None:
            near = texts.NEIGHBOURS.get(home, []) if row["to_dept"] == home else [home]
            targets = [c for c in near if c in self.org.contact and c not in (customer, row["to_dept"])]
            if not targets:
                targets = [c for c in self.suppliers if c not in (customer, row["to_dept"])]
            self.targets[key] = targets
        target = _pick(self.random, targets)
        actor, new_owner = row["owner"], self.org.contact[target]
        detail = {
            "from": row["status"],
            "to": "open",
            "from_dept": row["to_dept"],
            "to_dept": target,
            "old_owner": actor,
            "owner": new_owner,
        }
        reason = _pick(self.random, texts.TRANSFER_REASONS)
        self.emit(row["id"], self.stamp(t), actor, "transferred", reason, self.sink.detail(detail))
        row["to_dept"], row["owner"] = target, new_owner
        row["transfers"] += 1


def _pick(rnd: Callable[[], float], items: Sequence[str]) -> str:
    return items[int(rnd() * len(items))]


def seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def simulate_batches(
    rng: random.Random,
    policy: Policy,
    org: OrgPeople,
    now: datetime,
    count: int,
    sink: Sink,
    *,
    first_id: int = 1,
    batch: int = 20_000,
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """The requests and their events in stored form, ``batch`` requests at a time."""
    times = created_seconds(rng, policy.clock, count, now, history_days(count))
    simulator = RequestSimulator(rng, policy, org, now, sink, times[0] if times else 0)
    for index, created in enumerate(times):
        simulator.simulate(first_id + index, created)
        if len(simulator.requests) >= batch:
            yield simulator.take()
    if simulator.requests:
        yield simulator.take()


def generate(
    rng: random.Random, policy: Policy, org: OrgPeople, now: datetime, count: int, first_id: int = 1
) -> Iterator[Simulated]:
    """One request at a time with aware datetimes and detail dicts (for tests and ORM inserts)."""
    for requests, events in simulate_batches(
        rng, policy, org, now, count, Sink(raw=False), first_id=first_id
    ):
        by_request: dict[int, list[dict[str, Any]]] = {}
        for event in events:
            by_request.setdefault(event["entity_id"], []).append(event)
        for row in requests:
            yield Simulated(row, by_request[row["id"]])
