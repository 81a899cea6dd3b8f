"""Demo part: feedback of every kind over the request history, and one finished survey.

Ratings on a share of resolved/closed requests (given by the requester after the
resolution), structured thanks and expectations, complaints in every state (open
and unanswered, answered, closed), and a survey over the last complete month with
most pairs answered. Complaints take days to close, and a few departments carry
open complaints into the last complete week, so the weekly report shows them.
Times are integer seconds (see ``rows``); everything is written with bulk inserts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from icrm_cli.domain.feedback.surveys import resolved_pairs
from icrm_cli.storage.models import Event, Request
from icrm_cli.storage.models.feedback import Feedback, Survey, SurveyInvitation
from icrm_cli.storage.stored_rows import DAY, HOUR, Sink, moment_of, seconds_of

if TYPE_CHECKING:
    from icrm_cli.demo import DemoContext

SAMPLE_EVERY = 4  # look at every 4th resolved request (every 10th past LARGE requests)
LARGE = 200_000
# Score weights 1..5 by supplier: some departments serve better than others.
GOOD = (1, 2, 10, 40, 47)
AVERAGE = (3, 8, 25, 40, 24)
POOR = (10, 20, 35, 25, 10)
QUALITY = {"DEV": AVERAGE, "PUR": POOR, "WH": AVERAGE, "IT": GOOD, "QA": GOOD, "FIN": POOR}

THANKS = (
    ("周末加班把急单发了出去", "客户当天收到货，续签了年度合同"),
    ("半天就修好了报价系统的导出问题", "销售按时给客户提交了报价"),
    ("主动提醒我们合同条款里的风险", "避免了一笔可能的坏账"),
    ("连夜准备了投标所需的全部资料", "我们顺利通过了资格审查"),
)
EXPECTATIONS = (
    ("报价需求两天后才回复", "客户转向了竞争对手", "报价需求当天给出初步答复"),
    ("版本发布没有提前通知", "客服被大量咨询电话打乱", "发布前一天在群里通知客服部"),
    ("采购到货时间一再推迟", "生产计划被迫调整两次", "到货时间有变化时第一时间告知接口人"),
    ("发票信息核对来回多次", "月底结算延误", "提供一份开票信息模板"),
)
COMPLAINTS = (
    "客户报表连续三天导不出来，影响月度汇报",
    "发货单地址错误，客户收到货晚了一周",
    "申请的系统权限一周都没开通",
    "费用报销被退回三次，每次理由都不一样",
    "样品到货后才发现规格不对",
)
RESPONSES = (
    "已向客户致歉；原因是交接遗漏，已补发并增加出库前复核",
    "已定位到导出超时问题并发布修复，请确认",
    "已开通权限，并把审批时限改为两个工作日",
    "已整理统一的退回理由清单并发给各部门",
)
COMMENTS = ("整体配合顺畅", "响应速度还可以再快一些", "接口人很负责", None, None)
OPEN_AT_WEEK_END = 5  # departments given a complaint still open at the end of the last complete week


def _weights(supplier: str) -> tuple[int, ...]:
    return QUALITY.get(supplier, AVERAGE)


def _score(ctx: DemoContext, supplier: str) -> int:
    return ctx.rng.choices((1, 2, 3, 4, 5), weights=_weights(supplier))[0]


def _last_month(ctx: DemoContext) -> tuple[str, int, int]:
    clock = ctx.policy.clock
    first_this = clock.today().replace(day=1)
    first_last = (first_this - timedelta(days=1)).replace(day=1)
    return (
        first_last.strftime("%Y-%m"),
        seconds_of(clock.day_start(first_last)),
        seconds_of(clock.day_start(first_this)) - 1,
    )


def _this_week(ctx: DemoContext) -> int:
    """Monday 00:00 of the current week (org zone): the end of the last complete week."""
    today = ctx.policy.clock.today()
    return seconds_of(ctx.policy.clock.day_start(today - timedelta(days=today.weekday())))


class _Builder:
    def __init__(self, ctx: DemoContext, sink: Sink, next_id: int) -> None:
        self.ctx = ctx
        self.sink = sink
        self.now = seconds_of(ctx.now)
        self.next_id = next_id
        self.rows: list[dict[str, Any]] = []
        self.events: list[tuple[int, dict[str, Any]]] = []  # (at, event) to sort by time

    def event(self, entity: str, ident: int, at: int, actor: str, kind: str, /, **extra: Any) -> None:
        note = extra.pop("note", None)
        event = {
            "entity": entity,
            "entity_id": ident,
            "at": self.sink.stamp(at),
            "actor": actor,
            "kind": kind,
            "note": note,
            "detail": self.sink.detail(extra or None),
        }
        self.events.append((at, event))

    def add(self, kind: str, frm: str, to: str, author: str, at: int, **values: Any) -> dict[str, Any]:
        ident = self.next_id
        self.next_id += 1
        row: dict[str, Any] = {
            "id": ident,
            "kind": kind,
            "from_dept": frm,
            "to_dept": to,
            "score": None,
            "request_id": None,
            "behavior": None,
            "impact": None,
            "expectation": None,
            "note": None,
            "author": author,
            "created_at": self.sink.stamp(at),
            "status": "open" if kind == "complaint" else None,
            "responded_at": None,
            "response": None,
            "closed_at": None,
            "survey_id": None,
        }
        row.update(values)
        self.rows.append(row)
        detail = {"kind": kind, "from_dept": frm, "to_dept": to, "score": row["score"]}
        if row["request_id"] is not None:
            detail["request_id"] = row["request_id"]
        if row["survey_id"] is not None:
            detail["survey_id"] = row["survey_id"]
        self.event("feedback", ident, at, author, "given", **detail)
        return row

    def complaint(self, frm: str, to: str, author: str, at: int, request_id: int | None, state: str) -> None:
        """A complaint in ``state``: open (unanswered), responded (answered, still open) or closed."""
        rng, now = self.ctx.rng, self.now
        row = self.add("complaint", frm, to, author, at, request_id=request_id, note=rng.choice(COMPLAINTS))
        if state == "open":
            return
        answered = min(at + int(HOUR * rng.uniform(1, 30)), now - 1800)
        row["responded_at"], row["response"] = self.sink.stamp(answered), rng.choice(RESPONSES)
        self.event(
            "feedback", row["id"], answered, self.ctx.org.contact[to], "responded", note=row["response"]
        )
        if state == "closed":  # the customer checks the fix for a few days before closing it
            closed = min(answered + int(DAY * rng.uniform(0.5, 8)), now - 600)
            row["status"], row["closed_at"] = "closed", self.sink.stamp(closed)
            self.event("feedback", row["id"], closed, author, "closed", **{"from": "open", "to": "closed"})


def _on_requests(builder: _Builder, ctx: DemoContext) -> None:
    rng, now, sink = ctx.rng, builder.now, builder.sink
    table = Request.__table__.c  # type: ignore[attr-defined]
    total = ctx.session.execute(select(func.count()).select_from(Request)).scalar() or 0
    every = SAMPLE_EVERY if total <= LARGE else 10
    query = (
        select(
            table.id,
            table.from_dept,
            table.to_dept,
            table.requester,
            sink.column(table.resolved_at),
            sink.column(table.closed_at),
        )
        .where(
            table.status.in_(("resolved", "closed")),
            table.resolved_at.isnot(None),
            table.id % every == 0,
        )
        .order_by(table.id)
    )
    week_end = _this_week(ctx)
    late = week_end - 14 * DAY  # requests resolved in the two weeks before the end of the last week
    candidates: dict[str, tuple[int, str, str, int]] = {}  # the latest one per supplier, no feedback yet
    states = ("closed", "responded", "open")
    complaint_count = 0
    for rid, frm, to, requester, resolved_text, closed_text in ctx.session.execute(query):
        if frm == to:
            continue
        resolved = sink.seconds(resolved_text)
        closed = sink.seconds(closed_text)
        if resolved is None:
            continue
        base = closed if closed is not None else resolved
        at = min(base + int(HOUR * rng.uniform(0.5, 48)), now - HOUR)
        if at <= resolved:
            continue
        roll = rng.random()
        if roll < 0.45:
            builder.add("rating", frm, to, requester, at, request_id=rid, score=_score(ctx, to))
        elif roll < 0.50:
            behavior, impact = rng.choice(THANKS)
            builder.add(
                "thanks", frm, to, requester, at, request_id=rid, behavior=behavior, impact=impact, score=5
            )
        elif roll < 0.53:
            behavior, impact, expectation = rng.choice(EXPECTATIONS)
            builder.add(
                "expectation",
                frm,
                to,
                requester,
                at,
                request_id=rid,
                behavior=behavior,
                impact=impact,
                expectation=expectation,
                score=rng.choice((2, 3)),
            )
        elif roll < 0.545 or complaint_count < 3:
            # old complaints are closed; the newest ones may still wait for an answer
            if complaint_count < 3:
                state = states[complaint_count % 3]
            else:
                state = "closed" if now - at > 21 * DAY else rng.choice(states)
            builder.complaint(frm, to, requester, at, rid, state)
            complaint_count += 1
        elif late <= at < week_end - HOUR:
            candidates[to] = (rid, frm, requester, at)
    _open_at_week_end(builder, ctx, candidates)


def _open_at_week_end(
    builder: _Builder, ctx: DemoContext, candidates: dict[str, tuple[int, str, str, int]]
) -> None:
    """A few suppliers, the poorly rated first, get a complaint still open when the last week ends."""
    ranked = sorted(candidates, key=lambda code: ((POOR, AVERAGE, GOOD).index(_weights(code)), code))
    for supplier in ranked[:OPEN_AT_WEEK_END]:
        rid, customer, requester, at = candidates[supplier]
        builder.complaint(customer, supplier, requester, at, rid, ctx.rng.choice(("open", "responded")))


def _survey(builder: _Builder, ctx: DemoContext) -> list[dict[str, Any]]:
    session, rng, now, sink = ctx.session, ctx.rng, builder.now, builder.sink
    period, since, until = _last_month(ctx)
    pairs = resolved_pairs(session, moment_of(since), moment_of(until))
    if not pairs:
        return []
    survey_id = (session.execute(select(func.max(Survey.id))).scalar() or 0) + 1
    started = min(until + DAY, now - 6 * HOUR)
    survey = {
        "id": survey_id,
        "period": period,
        "since": sink.stamp(since),
        "until": sink.stamp(until),
        "created_at": sink.stamp(started),
        "created_by": ctx.actor,
    }
    sink.insert(session, Survey.__table__, [survey])  # type: ignore[attr-defined]
    builder.event(
        "survey",
        survey_id,
        started,
        ctx.actor,
        "started",
        period=period,
        since=moment_of(since).isoformat(),
        until=moment_of(until).isoformat(),
        invited=len(pairs),
    )
    imported = started + int((now - started) * 0.8)
    invitations = []
    answered = 0
    for customer, supplier, count in pairs:
        feedback_id = None
        if rng.random() < 0.8 and customer in ctx.org.contact:
            row = builder.add(
                "rating",
                customer,
                supplier,
                ctx.actor,
                imported,
                score=_score(ctx, supplier),
                note=rng.choice(COMMENTS),
                survey_id=survey_id,
            )
            feedback_id = row["id"]
            answered += 1
        invitations.append(
            {
                "survey_id": survey_id,
                "customer": customer,
                "supplier": supplier,
                "requests": count,
                "feedback_id": feedback_id,
            }
        )
    builder.event(
        "survey",
        survey_id,
        imported,
        ctx.actor,
        "answers_imported",
        note="满意度调查.csv",
        period=period,
        answers=answered,
    )
    return invitations


def build(ctx: DemoContext) -> dict[str, int]:
    """Feedback on the requests in the session, plus one finished survey over the last month."""
    session = ctx.session
    sink = Sink.for_session(session)
    next_id = (session.execute(select(func.max(Feedback.id))).scalar() or 0) + 1
    builder = _Builder(ctx, sink, next_id)
    _on_requests(builder, ctx)
    invitations = _survey(builder, ctx)
    sink.insert(session, Feedback.__table__, builder.rows)  # type: ignore[attr-defined]
    sink.insert(session, SurveyInvitation.__table__, invitations)  # type: ignore[attr-defined]
    builder.events.sort(key=lambda pair: pair[0])
    sink.insert(session, Event.__table__, [event for _, event in builder.events])  # type: ignore[attr-defined]
    return {"feedback": len(builder.rows), "survey pairs": len(invitations)}
