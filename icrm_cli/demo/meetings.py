"""Demo part: weekly cross-department meeting series (例会) over the history.

Held meetings have attendance, notes, decisions and action items (requests with
``meeting_id``); old items are mostly closed, recent ones open, a few overdue.
The next occurrences are scheduled, and one meeting starts within the next day
so that ``icrm meeting remind`` has something to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from icrm_cli.demo import texts
from icrm_cli.demo.requests import history_days
from icrm_cli.storage.bulk import bulk_insert
from icrm_cli.storage.models import Event, Request
from icrm_cli.storage.models.meeting import Meeting, MeetingAttendee, MeetingDepartment

if TYPE_CHECKING:
    from icrm_cli.demo import DemoContext


@dataclass(frozen=True)
class Series:
    name: str
    title: str
    departments: tuple[str, ...]
    organizer: str
    weekday: int  # Monday = 0
    at: time
    location: str


SERIES = (
    Series(
        "例会-产销协调",
        "产销协调周会",
        ("SALES", "DEV", "PUR", "WH"),
        "zhang.wei",
        1,
        time(10),
        "3楼大会议室",
    ),
    Series(
        "例会-研发质量",
        "研发质量周会",
        ("DEV", "QA", "IT", "CS"),
        "sun.hao",
        3,
        time(14),
        "腾讯会议 802-331-596",
    ),
)
NOTES = (
    "先跟踪上周遗留问题：{open}项仍未关闭，逐项确认了负责人和完成时间。\n"
    "本周重点讨论了{topic}，各部门说明了各自的困难。",
    "回顾遗留事项{open}项；{topic}的进度低于预期，需要跨部门配合。",
    "会议按议程进行。遗留事项{open}项，其中逾期项已由负责人说明原因。重点议题：{topic}。",
)
TOPICS = ("交期延误", "报价流程", "库存积压", "版本质量", "客户投诉升级", "系统权限申请", "物料短缺")
DECISIONS = (
    "逾期事项每日在群里同步进度",
    "报价需求统一走联络单，不再口头传达",
    "下周起发货计划提前两天确认",
    "缺陷修复优先级按客户影响排序",
    "接口人变更须提前一周通知相关部门",
    "库存预警阈值调整为安全库存的120%",
    "跨部门需求必须写明完成时间和负责人",
)
ACTIONS = (
    "整理{topic}的原因分析",
    "确认{c}的交货计划",
    "更新{topic}处理流程说明",
    "提供{c}订单的最新进度",
    "给出{topic}的改进方案",
    "核对{c}相关数据并反馈",
)


def _occurrences(series: Series, first: date, last: date) -> list[date]:
    day = first + timedelta(days=(series.weekday - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(days=7)
    return days


class _Builder:
    def __init__(self, ctx: DemoContext, next_meeting: int, next_request: int) -> None:
        self.ctx = ctx
        self.meeting_id = next_meeting
        self.request_id = next_request
        self.meetings: list[dict[str, Any]] = []
        self.depts: list[dict[str, Any]] = []
        self.attendees: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def event(self, entity: str, ident: int, at: datetime, actor: str, kind: str, **extra: Any) -> None:
        self.events.append(
            {
                "entity": entity,
                "entity_id": ident,
                "at": at,
                "actor": actor,
                "kind": kind,
                "note": extra.pop("note", None),
                "detail": extra or None,
            }
        )

    def meeting(
        self,
        series: Series | None,
        title: str,
        depts: tuple[str, ...],
        organizer: str,
        start: datetime,
        location: str,
    ) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        ident = self.meeting_id
        self.meeting_id += 1
        end = start + timedelta(hours=1)
        created = min(start - timedelta(days=rng.randint(2, 6)), ctx.now - timedelta(minutes=5))
        org_dept = next((d for d, people in ctx.org.members.items() if organizer in people), depts[0])
        people = list(dict.fromkeys([organizer, *(ctx.org.contact[d] for d in depts)]))
        held = end < ctx.now
        cancelled = held and rng.random() < 0.05
        status = "cancelled" if cancelled else "held" if held else "scheduled"
        row: dict[str, Any] = {
            "id": ident,
            "title": title,
            "series": series.name if series else None,
            "starts_at": start,
            "ends_at": end,
            "location": location,
            "organizer": organizer,
            "organizer_dept": org_dept,
            "status": status,
            "notes": None,
            "decisions": [],
            "created_at": created,
        }
        self.meetings.append(row)
        self.depts.extend({"meeting_id": ident, "dept": d} for d in depts)
        self.event("meeting", ident, created, organizer, "created", to="scheduled", departments=list(depts))
        absent = rng.choice(people[1:]) if held and len(people) > 1 and rng.random() < 0.2 else None
        for person in people:
            present = None if not held or cancelled else person != absent
            self.attendees.append({"meeting_id": ident, "person": person, "present": present})
        if cancelled:
            self.event(
                "meeting",
                ident,
                start - timedelta(hours=3),
                organizer,
                "cancelled",
                note="主要负责人出差，本周暂停",
                **{"from": "scheduled", "to": "cancelled"},
            )
            return
        if not held:
            return
        topic = rng.choice(TOPICS)
        row["notes"] = rng.choice(NOTES).format(open=rng.randint(0, 5), topic=topic)
        row["decisions"] = rng.sample(DECISIONS, rng.randint(1, 3))
        self.event("meeting", ident, end, organizer, "attendance", present=[p for p in people if p != absent])
        self.event(
            "meeting", ident, end, organizer, "minutes_recorded", to="held", decisions=row["decisions"]
        )
        # Action items go to the other departments at the table, never back to the organiser's own.
        suppliers = [d for d in depts if d in ctx.org.members and d != org_dept]
        for _ in range(rng.randint(1, 3) if suppliers else 0):
            supplier = rng.choice(suppliers)
            owner = rng.choice(ctx.org.members[supplier])
            title_text = rng.choice(ACTIONS).format(topic=topic, c=rng.choice(texts.CUSTOMERS))
            self.action(ident, org_dept, supplier, owner, organizer, title_text, end)

    def action(
        self,
        meeting: int,
        customer: str,
        supplier: str,
        owner: str,
        requester: str,
        title: str,
        created: datetime,
    ) -> None:
        rng, now = self.ctx.rng, self.ctx.now
        ident = self.request_id
        self.request_id += 1
        due = created + timedelta(days=rng.randint(3, 10))
        row: dict[str, Any] = {
            "id": ident,
            "title": title,
            "description": None,
            "from_dept": customer,
            "to_dept": supplier,
            "requester": requester,
            "owner": owner,
            "priority": "normal",
            "status": "open",
            "created_at": created,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "due_at": due,
            "waiting_since": None,
            "paused_seconds": 0,
            "transfers": 0,
            "reopened": 0,
            "meeting_id": meeting,
            "ack_working_seconds": None,
            "resolve_working_seconds": None,
        }
        self.requests.append(row)
        self.event(
            "request",
            ident,
            created,
            requester,
            "created",
            to="open",
            from_dept=customer,
            to_dept=supplier,
            owner=owner,
        )

        def move(at: datetime, kind: str, target: str, actor: str, note: str | None = None) -> bool:
            if at >= now:
                return False
            self.event("request", ident, at, actor, kind, note=note, **{"from": row["status"], "to": target})
            row["status"] = target
            return True

        ack = created + timedelta(hours=rng.uniform(1, 20))
        if not move(ack, "acknowledged", "acknowledged", owner):
            return
        row["acknowledged_at"] = ack
        row["ack_working_seconds"] = self.ctx.policy.working_seconds(created, ack)
        if not move(ack + timedelta(hours=rng.uniform(1, 6)), "started", "in_progress", owner):
            return
        if rng.random() < 0.12:  # stuck: stays in progress, overdue once due passes
            return
        resolved = created + (due - created) * rng.uniform(0.3, 1.4)
        if not move(resolved, "resolved", "resolved", owner, rng.choice(texts.RESOLVE_NOTES)):
            return
        row["resolved_at"] = resolved
        row["resolve_working_seconds"] = self.ctx.policy.working_seconds(created, resolved)
        closed = resolved + timedelta(hours=rng.uniform(2, 72))
        if move(closed, "closed", "closed", requester):
            row["closed_at"] = closed


def build(ctx: DemoContext) -> dict[str, int]:
    """Two weekly series over the demo history plus one meeting starting within a day."""
    session, clock, now = ctx.session, ctx.policy.clock, ctx.now
    total = session.execute(select(func.count()).select_from(Request)).scalar() or 0
    next_request = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
    next_meeting = (session.execute(select(func.max(Meeting.id))).scalar() or 0) + 1
    builder = _Builder(ctx, next_meeting, next_request)
    today = clock.local(now).date()
    first = today - timedelta(days=history_days(int(total)))
    for series in SERIES:
        for day in _occurrences(series, first, today + timedelta(days=14)):
            start = clock.localize(datetime.combine(day, series.at)).astimezone(UTC)
            builder.meeting(
                series, series.title, series.departments, series.organizer, start, series.location
            )
    soon = (now + timedelta(hours=20)).replace(minute=0, second=0)
    builder.meeting(None, "月度结算对账会", ("FIN", "SALES", "WH"), "lin.hui", soon, "财务部会议室")
    bulk_insert(session, Meeting.__table__, builder.meetings)  # type: ignore[attr-defined]
    bulk_insert(session, MeetingDepartment.__table__, builder.depts)  # type: ignore[attr-defined]
    bulk_insert(session, MeetingAttendee.__table__, builder.attendees)  # type: ignore[attr-defined]
    bulk_insert(session, Request.__table__, builder.requests)  # type: ignore[attr-defined]
    builder.events.sort(key=lambda e: e["at"])
    bulk_insert(session, Event.__table__, builder.events)  # type: ignore[attr-defined]
    return {"meetings": len(builder.meetings), "action items": len(builder.requests)}
