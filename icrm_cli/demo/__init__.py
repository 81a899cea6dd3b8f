"""`icrm demo`: the example org and a seeded, realistic history ending now."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from icrm_cli.demo.requests import OrgPeople, simulate_batches
from icrm_cli.domain.org.apply import apply_org
from icrm_cli.domain.org.orgfile import parse_org
from icrm_cli.domain.org.settings import Policy, load_policy
from icrm_cli.errors import ConflictError
from icrm_cli.progress import SILENT, Tracker
from icrm_cli.storage.engine import Database
from icrm_cli.storage.models import Department, Event, Person, Request, Setting
from icrm_cli.storage.stored_rows import Sink, deferred_indexes

DEMO_MARKER = "demo"
CHUNK = 20_000
# Tables the demo fills in bulk: their secondary indexes are built once, after the load.
BULK_TABLES = ("request", "event", "escalation", "feedback")


@dataclass(frozen=True)
class DemoResult:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.counts.items())


@dataclass
class DemoContext:
    """What a demo part gets: the open write session, its own seeded RNG, the org, 'now'."""

    session: Session
    rng: random.Random
    policy: Policy
    org: OrgPeople
    now: datetime
    actor: str


# Each part adds one kind of history on top of the requests and returns what it wrote,
# e.g. {"meetings": 13}. Parts run in order, each with its own RNG seeded from the demo seed:
# meetings first (their action items are requests), then feedback on resolved work, then
# escalations of what is overdue.
DemoPart = Callable[[DemoContext], dict[str, int]]


PARTS: list[tuple[str, DemoPart]] = []  # extra parts (tests); the built-in ones come from parts()


def parts() -> list[tuple[str, DemoPart]]:
    from icrm_cli.demo import escalations, feedback, meetings

    builtin = [("meetings", meetings.build), ("feedback", feedback.build), ("escalations", escalations.build)]
    return builtin + [part for part in PARTS if part[0] not in {name for name, _ in builtin}]


def example_org_text() -> str:
    """The example org: shipped in the wheel, or read from the source checkout."""
    packaged = resources.files("icrm_cli").joinpath("data/org.yaml")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
    return checkout.read_text(encoding="utf-8")


def _has_other_data(session: Session) -> bool:
    if session.get(Setting, DEMO_MARKER) is not None:
        return False
    for model in (Department, Request):
        if session.execute(select(func.count()).select_from(model)).scalar():
            return True
    return False


def _org_people(session: Session) -> OrgPeople:
    members: dict[str, list[str]] = {}
    for person in session.execute(select(Person).where(Person.active.is_(True))).scalars():  # type: ignore[attr-defined]
        members.setdefault(person.department, []).append(person.id)
    departments = list(session.execute(select(Department)).scalars())
    contact = {dept.code: dept.contact or dept.head or members[dept.code][0] for dept in departments}
    return OrgPeople(members=members, contact=contact, codes=[d.code for d in departments])


def run_demo(db: Database, *, requests: int, seed: int, actor: str, progress: Tracker = SILENT) -> DemoResult:
    """Build the demo data in one transaction; refuse foreign data, never double ours.

    ``progress`` hears of each stage: the requests (counted), each history part, the indexes.
    """
    with db.session(write=True) as session:
        if session.get(Setting, DEMO_MARKER) is not None:
            return DemoResult(created=False)
        if _has_other_data(session):
            raise ConflictError(
                f"{db.target} already holds other data; run the demo on a new database, "
                "e.g. icrm --db demo.db demo"
            )
        apply_org(session, parse_org(example_org_text(), "examples/org.yaml"), actor=actor)
        session.flush()
        policy = load_policy(session)
        now = policy.clock.now()
        rng = random.Random(seed)
        org = _org_people(session)
        sink = Sink.for_session(session)
        request_table = Request.__table__  # type: ignore[attr-defined]
        event_table = Event.__table__  # type: ignore[attr-defined]
        total_requests = total_events = 0
        with deferred_indexes(session, BULK_TABLES):
            progress.stage("Demo requests", requests)
            batches = simulate_batches(rng, policy, org, now, requests, sink, batch=CHUNK)
            for request_rows, event_rows in batches:
                total_requests += sink.insert(session, request_table, request_rows)
                total_events += sink.insert(session, event_table, event_rows)
                progress.advance(len(request_rows))
            counts = {"requests": total_requests, "request events": total_events}
            for name, part in parts():
                progress.stage(f"Demo {name}")
                part_rng = random.Random(f"{seed}-{name}")
                counts.update(part(DemoContext(session, part_rng, policy, org, now, actor)))
                session.flush()
            progress.stage("Building indexes")
        marker = {"seed": seed, "requests": requests, "built_at": now.isoformat()}
        session.add(Setting(key=DEMO_MARKER, value=marker))
    return DemoResult(created=True, counts=counts)
