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

from icrm_cli.domain.report.figures_requests import plan, week_params
from icrm_cli.domain.report.weeks import Week
from icrm_cli.storage.readers import as_reader

if TYPE_CHECKING:
    from icrm_cli.domain.report.figures_requests import Executor

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
_MEETING_KEYS = MEETING_HELD_KEYS[:6]
SHIPPED = (
    (plan("meetings", False), "statement"),
    (plan("meetings", True), "statement"),
    (plan("meeting_departments"), "statement"),
    (plan("meeting_actions"), "statement"),
)


def meetings_held(executor: Executor, week: Week, dept: str | None = None) -> list[dict[str, Any]]:
    """The week's meetings (soonest first), departments (by code), action item counts at week end."""
    reader = as_reader(executor)
    params = week_params([week], dept)
    found = reader.rows(plan("meetings", dept is not None), params)
    meetings = [dict(zip(_MEETING_KEYS, row, strict=True)) for row in found]
    if not meetings:
        return []
    params["ids"] = [meeting["id"] for meeting in meetings]
    departments: dict[int, list[str]] = defaultdict(list)
    for meeting_id, code in reader.rows(plan("meeting_departments"), params):
        departments[meeting_id].append(code)
    counts = reader.rows(plan("meeting_actions"), params)
    actions = {meeting_id: (int(total), int(left)) for meeting_id, total, left in counts}
    rows = []
    for meeting in meetings:
        total, left = actions.get(meeting["id"], (0, 0))
        meeting.update(departments=departments[meeting["id"]], action_count=total, open_actions=left)
        rows.append({key: meeting[key] for key in MEETING_HELD_KEYS})
    return rows
