"""The weekly figures recomputed in plain Python from `report export` over a seeded random history."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from icrm_cli.demo.requests import OrgPeople, generate
from icrm_cli.domain.org.settings import load_policy
from icrm_cli.storage.engine import open_database
from icrm_cli.storage.models import Department, Event, Person, Request
from tests.conftest import SHANGHAI, Cli

NOW = datetime(2027, 1, 20, 15, 30, tzinfo=SHANGHAI)
WEEKS = ["2026-W48", "2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]


def seed_history(db_path: Path, count: int, seed: int) -> None:
    db = open_database(str(db_path))
    try:
        with db.session(write=True) as session:
            policy = load_policy(session)
            members: dict[str, list[str]] = defaultdict(list)
            for person in session.execute(select(Person)).scalars():
                members[person.department].append(person.id)
            departments = list(session.execute(select(Department)).scalars())
            org = OrgPeople(
                members=dict(members),
                contact={d.code: d.contact or d.head or members[d.code][0] for d in departments},
                codes=[d.code for d in departments],
            )
            requests, events = [], []
            for simulated in generate(random.Random(seed), policy, org, NOW, count):
                row, trail = simulated.row, sorted(simulated.events, key=lambda e: e["at"])
                if row["status"] == "in_progress":
                    # Still waiting for the customer, since long before the report weeks end.
                    since = trail[-1]["at"] + timedelta(hours=2)
                    row.update(status="waiting", waiting_since=since)
                    trail.append(
                        {
                            "entity": "request",
                            "entity_id": row["id"],
                            "at": since,
                            "actor": row["owner"],
                            "kind": "waiting",
                            "note": "等待客户补充材料",
                            "detail": {"from": "in_progress", "to": "waiting"},
                        }
                    )
                requests.append(row)
                events.extend(trail)
            session.execute(insert(Request), requests)
            session.execute(insert(Event), events)
    finally:
        db.close()


@pytest.fixture
def history(
    cli: Cli, org_file: Path, db_path: Path, frozen: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    frozen.move_to(NOW)
    cli.ok("org", "apply", str(org_file))
    seed_history(db_path, 400, seed=1)
    requests = json.loads(cli.ok("report", "export", "requests", "--format", "json").stdout)
    events = json.loads(cli.ok("report", "export", "events", "--format", "json").stdout)
    assert len(requests) == 400
    return requests, events


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def week_bounds(label: str) -> tuple[datetime, datetime]:
    year, number = label.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=SHANGHAI)
    return start, start + timedelta(days=7)


def median_hours(values: list[float]) -> float | None:
    return round(statistics.median(values) / 3600, 2) if values else None


def figures(label: str, requests: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    """Every request figure of one week, from the exported rows only."""
    start, end = week_bounds(label)
    count: dict[str, Counter[str]] = defaultdict(Counter)
    ack: dict[str, list[float]] = defaultdict(list)
    resolve: dict[str, list[float]] = defaultdict(list)
    matrix: Counter[tuple[str, str]] = Counter()
    kicked = []
    supplier_of = {r["id"]: r["to_dept"] for r in requests}
    for r in requests:
        created, resolved, closed = parse(r["created_at"]), parse(r["resolved_at"]), parse(r["closed_at"])
        due, waiting = parse(r["due_at"]), parse(r["waiting_since"])
        assert created is not None and due is not None
        if start <= created < end:
            count["received"][r["to_dept"]] += 1
            count["sent"][r["from_dept"]] += 1
            matrix[(r["from_dept"], r["to_dept"])] += 1
        if resolved is not None and start <= resolved < end:
            count["resolved"][r["to_dept"]] += 1
            count["on_time"][r["to_dept"]] += resolved <= due
            resolve[r["to_dept"]].append((resolved - created).total_seconds() - r["paused_seconds"])
            acknowledged = parse(r["acknowledged_at"])
            if acknowledged is not None:
                ack[r["to_dept"]].append((acknowledged - created).total_seconds())
        open_at_end = (
            created < end
            and not (resolved is not None and resolved < end)
            and not (closed is not None and closed < end)
        )
        if open_at_end:
            count["sent_open"][r["from_dept"]] += 1
            waiting_at_end = waiting is not None and waiting < end
            count["waiting_at_end"][r["to_dept"]] += waiting_at_end
            count["overdue_open"][r["to_dept"]] += due < end and not waiting_at_end
            if r["transfers"] > 0:
                kicked.append((-r["transfers"], r["id"]))
    for e in events:
        moment = parse(e["at"])
        assert moment is not None
        if e["entity"] != "request" or not start <= moment < end:
            continue
        if e["kind"] == "transferred":
            count["transfers"][e["detail"]["from_dept"]] += 1
        elif e["kind"] == "reopened":
            count["reopened"][supplier_of[e["entity_id"]]] += 1
    per_dept: dict[str, dict[str, Any]] = {}
    codes = {code for counter in count.values() for code in counter} | set(ack) | set(resolve)
    for code in codes:
        resolved_n, on_time = count["resolved"][code], count["on_time"][code]
        per_dept[code] = {
            **{key: count[key][code] for key in count},
            "on_time_rate": round(100 * on_time / resolved_n, 1) if resolved_n else None,
            "median_ack_hours": median_hours(ack[code]),
            "median_resolve_hours": median_hours(resolve[code]),
        }
    return {
        "depts": per_dept,
        "matrix": dict(matrix),
        "kicked": [ident for _, ident in sorted(kicked)[:10]],
        "total_ack": median_hours([v for values in ack.values() for v in values]),
        "total_resolve": median_hours([v for values in resolve.values() for v in values]),
        "totals": {key: sum(counter.values()) for key, counter in count.items()},
    }


COUNT_KEYS = (
    "received",
    "sent",
    "resolved",
    "on_time",
    "sent_open",
    "waiting_at_end",
    "overdue_open",
    "transfers",
    "reopened",
)


def expected_row(mine: dict[str, Any], code: str) -> dict[str, Any]:
    found = mine["depts"].get(code, {})
    row = {key: found.get(key, 0) for key in COUNT_KEYS}
    for key in ("on_time_rate", "median_ack_hours", "median_resolve_hours"):
        row[key] = found.get(key)
    return row


@pytest.mark.parametrize("label", WEEKS)
def test_weekly_matches_recomputation(cli: Cli, history: Any, label: str) -> None:
    requests, events = history
    report = json.loads(cli.ok("report", "weekly", "--week", label, "--format", "json").stdout)
    assert report["week"] == label
    mine = figures(label, requests, events)
    before = figures(report["previous_week"], requests, events)
    keys = (*COUNT_KEYS, "on_time_rate", "median_ack_hours", "median_resolve_hours")
    for row in report["departments"]:
        code = row["department"]
        want = expected_row(mine, code)
        assert {key: row[key] for key in keys} == want, (label, code)
        then = expected_row(before, code)
        for key in ("received", "resolved", "overdue_open", "transfers", "reopened", "sent"):
            assert row["change"][key] == want[key] - then[key], (label, code, key)
    totals = report["totals"]
    for key in COUNT_KEYS:
        assert totals[key] == mine["totals"].get(key, 0), (label, key)
    assert totals["median_ack_hours"] == mine["total_ack"]
    assert totals["median_resolve_hours"] == mine["total_resolve"]
    cells = {(c["customer"], c["supplier"]): c["requests"] for c in report["matrix"]["cells"]}
    assert cells == mine["matrix"]
    assert [item["id"] for item in report["kicked_balls"]] == mine["kicked"]


def test_history_is_interesting(history: Any) -> None:
    """The seeded history has what the comparison needs to mean something."""
    requests, events = history
    kinds = Counter(e["kind"] for e in events)
    assert kinds["transferred"] > 10 and kinds["reopened"] > 3 and kinds["resumed"] > 10
    assert sum(1 for r in requests if r["waiting_since"] and r["waiting_since"] < "2027-01-11") >= 2
    assert {r["created_at"][:4] for r in requests} == {"2026", "2027"}
