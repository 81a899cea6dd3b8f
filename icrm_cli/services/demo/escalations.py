"""Demo part: escalations consistent with the late and overdue requests of the demo history.

As if ``icrm escalate sweep`` had run from cron every hour (actor ``cron``): every
request that was (or still is) overdue by a rule's threshold while its SLA clock
ran climbed the ladder at ``due_at + threshold`` (plus the minutes until the next
hourly run). Some customers escalated by hand before the sweep did. Requests that
have ended carry a resolved escalation (decision, often a contingency plan) at the
moment they ended; requests overdue now keep theirs open. A few conflicts between
departments are not tied to one request. Bulk inserts: fast at a million requests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select
from sqlmodel import Session

from icrm_cli.services.escalation_ladder import arbiter_department
from icrm_cli.services.escalation_sweep import sweep_reason
from icrm_cli.services.policy import EscalationRule
from icrm_cli.services.requests import SLA_RUNNING
from icrm_cli.storage.bulk import bulk_insert
from icrm_cli.storage.models import Department, Event, Request
from icrm_cli.storage.models.escalation import MAX_LEVEL, Escalation, table_of
from icrm_cli.storage.types import UTCDateTime

if TYPE_CHECKING:
    from icrm_cli.services.demo import DemoContext

SWEEP_ACTOR = "cron"
MANUAL_REASONS = (
    "多次催办无回复,影响客户交付",
    "对方一直未排期,项目节点临近",
    "接口人之间对需求范围理解不一致",
    "对方要求补充资料,但资料已提供两次",
)
DECISIONS = (
    "双方负责人确认: 本周内完成交付,每日同步进度",
    "调整优先级,由供应方抽调人手优先处理",
    "缩小需求范围,先交付核心部分",
    "由上级部门仲裁: 按客户方原定时间执行",
    "改由其他部门承接,原部门提供支持",
    "客户方同意延期,新的完成时间已确认",
)
CONTINGENCIES = (
    "先由客户方手工处理应急,完成后再切换",
    "启用备选供应商/外包资源",
    "每日站会跟踪,再次逾期直接报总经办",
    "先发临时版本,正式版本下周补齐",
)
BETWEEN = (
    ("SALES", "PUR", "交期承诺与采购周期长期冲突"),
    ("DEV", "QA", "提测质量与测试排期互相指责"),
    ("WH", "CS", "退货处理责任划分不清"),
    ("FIN", "HR", "培训费用报销口径不一致"),
)


@dataclass
class Built:
    escalations: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


class Ladder:
    """Who acts at a level (person ids), cached per pair: the demo's actors for raises and decisions."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.depts = {d.code: d for d in session.execute(select(Department)).scalars()}
        self.cache: dict[tuple[str, str, int], str] = {}

    def actor(self, dept_a: str, dept_b: str, level: int) -> str:
        key = (dept_a, dept_b, level)
        if key not in self.cache:
            if level >= MAX_LEVEL:
                code = arbiter_department(self.session, dept_a, dept_b)
                person = self.depts[code].head
            elif level == 2:
                person = self.depts[dept_a].head
            else:
                dept = self.depts[dept_a]
                person = dept.contact or dept.head
            self.cache[key] = person or SWEEP_ACTOR
        return self.cache[key]


def _sweep_time(rng: random.Random, moment: datetime) -> datetime:
    """The hourly cron run that first sees a threshold crossed."""
    return moment + timedelta(minutes=rng.randrange(60))


def _late_requests(session: Session, now: datetime, earliest: timedelta) -> Iterator[tuple[Any, ...]]:
    req = table_of(Request).c
    query = (
        select(req.id, req.from_dept, req.to_dept, req.status, req.due_at, req.resolved_at, req.closed_at)
        .where(req.due_at <= now - earliest, req.status != "waiting")
        .where(
            req.due_at < func.coalesce(req.resolved_at, req.closed_at, literal(now, UTCDateTime()))
        )  # late at its end
        .order_by(req.id)
        .execution_options(yield_per=5000)
    )
    yield from session.execute(query)


class Builder:
    def __init__(self, ctx: DemoContext, rules: tuple[EscalationRule, ...], next_id: int) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.rules = rules
        self.next_id = next_id
        self.ladder = Ladder(ctx.session)
        self.out = Built()

    def _event(
        self, ident: int, at: datetime, actor: str, kind: str, note: str, detail: dict[str, Any]
    ) -> None:
        self.out.events.append(
            {
                "entity": "escalation",
                "entity_id": ident,
                "at": at,
                "actor": actor,
                "kind": kind,
                "note": note,
                "detail": detail,
            }
        )

    def request(self, row: tuple[Any, ...]) -> None:
        request_id, dept_a, dept_b, status, due_at, resolved_at, closed_at = row
        running = status in SLA_RUNNING
        end = self.ctx.now if running else (resolved_at or closed_at)
        if end is None:
            return
        steps: list[tuple[datetime, int, EscalationRule]] = []
        for rule in self.rules:
            crossed = due_at + rule.overdue
            if crossed > end or (crossed == end and not running):
                break
            if not steps or rule.level > steps[-1][1]:
                steps.append((min(_sweep_time(self.rng, crossed), end), rule.level, rule))
        if not steps:
            return
        ident = self.next_id
        self.next_id += 1
        manual = self.rng.random() < 0.2 and steps[0][1] == 1
        if manual:  # the customer's contact escalated by hand before the sweep did
            opened_at = due_at + timedelta(hours=self.rng.randint(2, 20))
            opener, reason = self.ladder.actor(dept_a, dept_b, 1), self.rng.choice(MANUAL_REASONS)
            steps[0] = (opened_at, 1, steps[0][2])
        else:
            opened_at, opener = steps[0][0], SWEEP_ACTOR
            reason = sweep_reason(opened_at - due_at, steps[0][2])
        self._event(
            ident,
            opened_at,
            opener,
            "opened",
            reason,
            {"request_id": request_id, "dept_a": dept_a, "dept_b": dept_b, "level": steps[0][1]},
        )
        level, raised_at = steps[0][1], None
        for at, target, rule in steps[1:]:
            self._event(
                ident,
                at,
                SWEEP_ACTOR,
                "raised",
                sweep_reason(at - due_at, rule),
                {"from_level": level, "level": target, "by": "sweep"},
            )
            level, raised_at = target, at
        record: dict[str, Any] = {
            "id": ident,
            "request_id": request_id,
            "dept_a": dept_a,
            "dept_b": dept_b,
            "level": level,
            "status": "open",
            "reason": reason,
            "opened_at": opened_at,
            "raised_at": raised_at,
            "resolved_at": None,
            "decision": None,
            "contingency": None,
            "opener": opener,
        }
        if not running:
            self._resolve(record, end)
        self.out.escalations.append(record)

    def _resolve(self, record: dict[str, Any], at: datetime) -> None:
        decision = self.rng.choice(DECISIONS)
        contingency = self.rng.choice(CONTINGENCIES) if self.rng.random() < 0.5 else None
        actor = self.ladder.actor(record["dept_a"], record["dept_b"], record["level"])
        record.update(status="resolved", resolved_at=at, decision=decision, contingency=contingency)
        self._event(
            record["id"],
            at,
            actor,
            "resolved",
            decision,
            {"level": record["level"], "contingency": contingency},
        )

    def between(self) -> None:
        """A few conflicts between departments, not tied to one request."""
        for index, (dept_a, dept_b, reason) in enumerate(BETWEEN):
            if dept_a not in self.ladder.depts or dept_b not in self.ladder.depts:
                continue
            ident = self.next_id
            self.next_id += 1
            opened_at = self.ctx.now - timedelta(days=self.rng.randint(12, 40), hours=self.rng.randint(0, 8))
            opener = self.ladder.actor(dept_a, dept_b, 1)
            self._event(
                ident,
                opened_at,
                opener,
                "opened",
                reason,
                {"request_id": None, "dept_a": dept_a, "dept_b": dept_b, "level": 1},
            )
            top = 1 + index % MAX_LEVEL
            level, raised_at, at = 1, None, opened_at
            for target in range(2, top + 1):
                at = at + timedelta(days=self.rng.randint(2, 4))
                self._event(
                    ident,
                    at,
                    self.ladder.actor(dept_a, dept_b, level),
                    "raised",
                    "协调未果,升级处理",
                    {"from_level": level, "level": target},
                )
                level, raised_at = target, at
            record: dict[str, Any] = {
                "id": ident,
                "request_id": None,
                "dept_a": dept_a,
                "dept_b": dept_b,
                "level": level,
                "status": "open",
                "reason": reason,
                "opened_at": opened_at,
                "raised_at": raised_at,
                "resolved_at": None,
                "decision": None,
                "contingency": None,
                "opener": opener,
            }
            if index % 2 == 0:
                self._resolve(record, at + timedelta(days=self.rng.randint(1, 3)))
            self.out.escalations.append(record)


def build(ctx: DemoContext) -> dict[str, int]:
    session = ctx.session
    rules = tuple(
        sorted((r for r in ctx.policy.escalation if 1 <= r.level <= MAX_LEVEL), key=lambda r: r.overdue)
    )
    if not rules:
        return {"escalations": 0}
    esc = table_of(Escalation)
    start = int(session.execute(select(func.coalesce(func.max(esc.c.id), 0))).scalar_one()) + 1
    builder = Builder(ctx, rules, start)
    for row in _late_requests(session, ctx.now, rules[0].overdue):
        builder.request(tuple(row))
    builder.between()
    rows = [
        {**{k: v for k, v in r.items() if k != "opener"}, "opened_by": r["opener"]}
        for r in builder.out.escalations
    ]
    bulk_insert(session, esc, rows)
    bulk_insert(session, table_of(Event), builder.out.events)
    return {"escalations": len(rows), "escalation events": len(builder.out.events)}
