"""Demo part: escalations consistent with the late and overdue requests of the demo history.

As if ``icrm escalate sweep`` had run from cron every hour (actor ``cron``): every
request that was (or still is) overdue by a rule's threshold while its SLA clock
ran climbed the ladder at ``due_at + threshold`` (plus the minutes until the next
hourly run). Some customers escalated by hand before the sweep did. Requests that
have ended carry a resolved escalation (decision, often a contingency plan) at the
moment they ended; requests overdue now keep theirs open. A few conflicts between
departments are not tied to one request. Only requests between two departments are
escalated. Times are integer seconds (see ``rows``); bulk inserts: fast at a million requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select
from sqlmodel import Session

from icrm_cli.demo.clock import DemoClock
from icrm_cli.domain.escalation.ladder import arbiter_department
from icrm_cli.domain.escalation.sweep import sweep_reason
from icrm_cli.domain.org.settings import EscalationRule, least_elapsed, nominal
from icrm_cli.domain.requests.states import SLA_RUNNING
from icrm_cli.storage.models import Department, Event, Request
from icrm_cli.storage.models.escalation import MAX_LEVEL, Escalation, table_of
from icrm_cli.storage.stored_rows import DAY, HOUR, Sink, moment_of, seconds_of
from icrm_cli.storage.types import UTCDateTime

if TYPE_CHECKING:
    from icrm_cli.demo import DemoContext

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


def _late_requests(session: Session, sink: Sink, now: int, earliest: int) -> Iterator[tuple[Any, ...]]:
    """Requests between two departments that were (or are) late by at least ``earliest`` seconds."""
    req = table_of(Request).c
    ended = func.coalesce(req.resolved_at, req.closed_at, literal(moment_of(now), UTCDateTime()))
    query = (
        select(
            req.id,
            req.from_dept,
            req.to_dept,
            req.status,
            sink.column(req.due_at),
            sink.column(req.resolved_at),
            sink.column(req.closed_at),
        )
        .where(req.due_at <= moment_of(now - earliest), req.status != "waiting")
        .where(req.due_at < ended)  # late at its end
        .where(req.from_dept != req.to_dept)
        .order_by(req.id)
        .execution_options(yield_per=20_000)
    )
    yield from session.execute(query)


class Builder:
    def __init__(self, ctx: DemoContext, sink: Sink, rules: tuple[EscalationRule, ...], next_id: int) -> None:
        self.ctx = ctx
        self.sink = sink
        self.random = ctx.rng.random
        self.rng = ctx.rng
        self.now = seconds_of(ctx.now)
        self.stamp = sink.stamper(self.now - 4 * 365 * DAY, self.now + DAY)
        self.rules = [(int(nominal(rule.overdue).total_seconds()), rule.level, rule) for rule in rules]
        self.clock = DemoClock(ctx.policy, self.now - 4 * 365 * DAY, self.now + 60 * DAY)
        self.next_id = next_id
        self.ladder = Ladder(ctx.session)
        self.reasons: dict[tuple[int, int | None, int], str] = {}
        self.details: dict[tuple[Any, ...], Any] = {}
        self.out = Built()

    def _event(self, ident: int, at: int, actor: str, kind: str, note: str, detail: dict[str, Any]) -> None:
        self.out.events.append(
            {
                "entity": "escalation",
                "entity_id": ident,
                "at": self.stamp(at),
                "actor": actor,
                "kind": kind,
                "note": note,
                "detail": self._detail(detail),
            }
        )

    def _detail(self, detail: dict[str, Any]) -> Any:
        """Stored details; those without a request id repeat (levels, contingencies), encoded once."""
        if "request_id" in detail:
            return self.sink.detail(detail)
        key = tuple(detail.items())
        stored = self.details.get(key)
        if stored is None:
            stored = self.details[key] = self.sink.detail(detail)
        return stored

    def _reason(self, due_at: int, at: int, index: int) -> str:
        """The sweep's reason, once per distinct overdue time (they repeat by the minute)."""
        rule = self.rules[index][2]
        working = self.clock.worked(due_at, at) if rule.overdue.kind == "working" else None
        key = (at - due_at, working, index)
        reason = self.reasons.get(key)
        if reason is None:
            reason = self.reasons[key] = sweep_reason(timedelta(seconds=at - due_at), rule, working)
        return reason

    def request(self, row: tuple[Any, ...]) -> None:
        request_id, dept_a, dept_b, status = row[:4]
        seconds = self.sink.seconds
        due_at, resolved_at, closed_at = seconds(row[4]), seconds(row[5]), seconds(row[6])
        running = status in SLA_RUNNING
        end = self.now if running else (resolved_at if resolved_at is not None else closed_at)
        if end is None or due_at is None:
            return
        steps: list[tuple[int, int, int]] = []  # (at, level, rule index)
        for index, (_, level, rule) in enumerate(self.rules):
            crossed = self.clock.add(due_at, rule.overdue)
            if crossed > end or (crossed == end and not running):
                break
            if not steps or level > steps[-1][1]:
                # the hourly cron run that first sees the threshold crossed
                steps.append((min(crossed + 60 * int(self.random() * 60), end), level, index))
        if not steps:
            return
        ident = self.next_id
        self.next_id += 1
        if self.random() < 0.2 and steps[0][1] == 1:  # the customer's contact escalated by hand first
            opened_at = due_at + HOUR * self.rng.randint(2, 20)
            opener, reason = self.ladder.actor(dept_a, dept_b, 1), self.rng.choice(MANUAL_REASONS)
            steps[0] = (opened_at, 1, steps[0][2])
        else:
            opened_at, opener = steps[0][0], SWEEP_ACTOR
            reason = self._reason(due_at, opened_at, steps[0][2])
        self._event(
            ident,
            opened_at,
            opener,
            "opened",
            reason,
            {"request_id": request_id, "dept_a": dept_a, "dept_b": dept_b, "level": steps[0][1]},
        )
        level, raised_at = steps[0][1], None
        for at, target, index in steps[1:]:
            self._event(
                ident,
                at,
                SWEEP_ACTOR,
                "raised",
                self._reason(due_at, at, index),
                {"from_level": level, "level": target, "by": "sweep"},
            )
            level, raised_at = target, at
        opened = (opened_at, raised_at, opener, reason)
        self._record(ident, (request_id, dept_a, dept_b), level, opened, None if running else end)

    def _record(
        self,
        ident: int,
        subject: tuple[int | None, str, str],
        level: int,
        opened: tuple[int, int | None, str, str],
        resolved_at: int | None,
    ) -> None:
        """The escalation row (and its resolution at ``resolved_at``; None while it is open)."""
        request_id, dept_a, dept_b = subject
        opened_at, raised_at, opener, reason = opened
        decision = contingency = None
        if resolved_at is not None:
            decision = self.rng.choice(DECISIONS)
            contingency = self.rng.choice(CONTINGENCIES) if self.random() < 0.5 else None
            actor = self.ladder.actor(dept_a, dept_b, level)
            detail = {"level": level, "contingency": contingency}
            self._event(ident, resolved_at, actor, "resolved", decision, detail)
        stamp = self.stamp
        self.out.escalations.append(
            {
                "id": ident,
                "request_id": request_id,
                "dept_a": dept_a,
                "dept_b": dept_b,
                "level": level,
                "status": "open" if resolved_at is None else "resolved",
                "reason": reason,
                "opened_at": stamp(opened_at),
                "raised_at": None if raised_at is None else stamp(raised_at),
                "resolved_at": None if resolved_at is None else stamp(resolved_at),
                "decision": decision,
                "contingency": contingency,
                "opened_by": opener,
            }
        )

    def between(self) -> None:
        """A few conflicts between departments, not tied to one request."""
        for index, (dept_a, dept_b, reason) in enumerate(BETWEEN):
            if dept_a not in self.ladder.depts or dept_b not in self.ladder.depts:
                continue
            ident = self.next_id
            self.next_id += 1
            opened_at = self.now - DAY * self.rng.randint(12, 40) - HOUR * self.rng.randint(0, 8)
            opener = self.ladder.actor(dept_a, dept_b, 1)
            detail = {"request_id": None, "dept_a": dept_a, "dept_b": dept_b, "level": 1}
            self._event(ident, opened_at, opener, "opened", reason, detail)
            top = 1 + index % MAX_LEVEL
            level, raised_at, at = 1, None, opened_at
            for target in range(2, top + 1):
                at += DAY * self.rng.randint(2, 4)
                actor = self.ladder.actor(dept_a, dept_b, level)
                detail = {"from_level": level, "level": target}
                self._event(ident, at, actor, "raised", "协调未果,升级处理", detail)
                level, raised_at = target, at
            resolved_at = at + DAY * self.rng.randint(1, 3)
            opened = (opened_at, raised_at, opener, reason)
            self._record(
                ident, (None, dept_a, dept_b), level, opened, resolved_at if index % 2 == 0 else None
            )


def build(ctx: DemoContext) -> dict[str, int]:
    session = ctx.session
    rules = tuple(
        sorted((r for r in ctx.policy.escalation if 1 <= r.level <= MAX_LEVEL), key=lambda r: r.level)
    )
    if not rules:
        return {"escalations": 0}
    sink = Sink.for_session(session)
    esc = table_of(Escalation)
    start = int(session.execute(select(func.coalesce(func.max(esc.c.id), 0))).scalar_one()) + 1
    builder = Builder(ctx, sink, rules, start)
    workday = ctx.policy.calendar.workday_seconds if ctx.policy.calendar is not None else 0
    earliest = int(least_elapsed(rules[0].overdue, workday).total_seconds())
    for row in _late_requests(session, sink, builder.now, earliest):
        builder.request(tuple(row))
    builder.between()
    sink.insert(session, esc, builder.out.escalations)
    sink.insert(session, table_of(Event), builder.out.events)
    return {"escalations": len(builder.out.escalations), "escalation events": len(builder.out.events)}
