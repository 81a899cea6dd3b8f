"""Meetings held in a week and their action items, as at the end of the week.

A meeting is held in a week when it starts in the week and is not cancelled
(``scheduled`` ones count too: minutes are often recorded later). Its action
items are the requests with its ``meeting_id`` created before the end of the
week; an action item is open when it was not final (closed, rejected,
cancelled, unachievable — all of which set ``closed_at``) at the end of the
week, so a past week's report never changes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, or_, select

from icrm_cli.services.report.figures import R
from icrm_cli.services.report.weeks import Week
from icrm_cli.storage.core import MEETING, MEETING_DEPARTMENT

if TYPE_CHECKING:
    from icrm_cli.services.report.figures import Executor

M = MEETING.c
MD = MEETING_DEPARTMENT.c

MEETING_HELD_KEYS = (
    "id",
    "title",
    "series",
    "starts_at",
    "status",
    "organizer",
    "departments",
    "action_count",
    "open_actions",
)


def meetings_held(conn: Executor, week: Week, dept: str | None = None) -> list[dict[str, Any]]:
    """The week's meetings (soonest first), departments (by code), action item counts at week end."""
    query = select(M.id, M.title, M.series, M.starts_at, M.status, M.organizer).where(
        M.starts_at >= week.start, M.starts_at < week.end, M.status != "cancelled"
    )
    if dept is not None:
        query = query.where(M.id.in_(select(MD.meeting_id).where(MD.dept == dept)))
    meetings = [dict(row._mapping) for row in conn.execute(query.order_by(M.starts_at, M.id))]
    if not meetings:
        return []
    ids = [meeting["id"] for meeting in meetings]
    departments: dict[int, list[str]] = defaultdict(list)
    links = select(MD.meeting_id, MD.dept).where(MD.meeting_id.in_(ids)).order_by(MD.meeting_id, MD.dept)
    for meeting_id, code in conn.execute(links):
        departments[meeting_id].append(code)
    still_open = or_(R.closed_at.is_(None), R.closed_at >= week.end)
    counts = (
        select(R.meeting_id, func.count(), func.coalesce(func.sum(case((still_open, 1), else_=0)), 0))
        .where(R.meeting_id.in_(ids), R.created_at < week.end)
        .group_by(R.meeting_id)
    )
    actions = {meeting_id: (int(total), int(left)) for meeting_id, total, left in conn.execute(counts)}
    rows = []
    for meeting in meetings:
        total, left = actions.get(meeting["id"], (0, 0))
        meeting.update(departments=departments[meeting["id"]], action_count=total, open_actions=left)
        rows.append({key: meeting[key] for key in MEETING_HELD_KEYS})
    return rows
