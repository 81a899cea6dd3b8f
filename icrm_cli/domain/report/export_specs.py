"""What `report export` writes of the events, feedback, meetings and escalations tables.

- ``events``: the audit trail, filtered on ``at``.
- ``feedback``: the `feedback list` JSON keys; ``--since/--until`` on ``created_at``.
- ``escalations``: the `escalate list` JSON keys without ``must_act`` (who must act is
  read from the org as it is now, not stored); filtered on ``opened_at``.
- ``meetings``: the `meeting list` JSON keys: the contract's meeting keys with
  ``actions`` replaced by ``action_count`` and ``open_actions`` (action items not
  final now), ``departments`` and ``attendees`` as lists (added per batch, so the
  export still streams); filtered on ``starts_at``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from icrm_cli.domain.escalation.lifecycle import ESCALATION_KEYS
from icrm_cli.domain.feedback.entries import FEEDBACK_KEYS
from icrm_cli.storage.models import (
    Escalation,
    Event,
    Feedback,
    Meeting,
    MeetingAttendee,
    MeetingDepartment,
    Person,
)
from icrm_cli.storage.row_batches import Field


@dataclass(frozen=True)
class ExportSpec:
    table: Any
    when: Any  # the time column --since/--until filter on
    fields: Callable[[datetime], list[Field]]
    # Optional: adds list columns (e.g. a meeting's departments) to each batch of rows.
    enrich: Callable[[Session, list[dict[str, Any]]], None] | None = None


def _fields_of(table: Any, keys: Sequence[str], kinds: dict[str, str]) -> list[Field]:
    return [Field(key, kinds.get(key, "text"), table.c[key]) for key in keys]


def _event_fields(now: datetime) -> list[Field]:
    keys = ("id", "entity", "entity_id", "at", "actor", "by", "kind", "note", "detail")
    kinds = {"id": "int", "entity_id": "int", "at": "time", "detail": "json"}
    return _fields_of(Event.__table__, keys, kinds)  # type: ignore[attr-defined]


FEEDBACK_EXPORT_KEYS = FEEDBACK_KEYS
ESCALATION_EXPORT_KEYS = tuple(key for key in ESCALATION_KEYS if key != "must_act")
MEETING_EXPORT_KEYS = (
    "id",
    "title",
    "series",
    "starts_at",
    "ends_at",
    "location",
    "departments",
    "attendees",
    "organizer",
    "organizer_dept",
    "status",
    "notes",
    "decisions",
    "action_count",
    "open_actions",
)
_INTS = frozenset({"id", "score", "request_id", "level", "action_count", "open_actions"})
_LISTS = frozenset({"departments", "attendees", "decisions"})


def _kind(key: str) -> str:
    if key in _INTS:
        return "int"
    if key in _LISTS:
        return "list"
    return "time" if key.endswith("_at") else "text"


def _plain(table: Any, keys: tuple[str, ...]) -> list[Field]:
    return [Field(key, _kind(key), table.c[key]) for key in keys]


def _feedback_fields(now: datetime) -> list[Field]:
    return _plain(Feedback.__table__, FEEDBACK_EXPORT_KEYS)  # type: ignore[attr-defined]


def _escalation_fields(now: datetime) -> list[Field]:
    return _plain(Escalation.__table__, ESCALATION_EXPORT_KEYS)  # type: ignore[attr-defined]


def _meeting_fields(now: datetime) -> list[Field]:
    from icrm_cli.domain.requests.states import FINAL
    from icrm_cli.storage.models import Request

    m = Meeting.__table__.c  # type: ignore[attr-defined]
    r = Request.__table__.c  # type: ignore[attr-defined]
    of_meeting = r.meeting_id == m.id
    computed = {
        "departments": None,  # filled per batch by _meeting_links
        "attendees": None,
        "action_count": select(func.count()).where(of_meeting).scalar_subquery(),
        "open_actions": select(func.coalesce(func.sum(case((r.status.in_(sorted(FINAL)), 0), else_=1)), 0))
        .where(of_meeting)
        .scalar_subquery(),
    }
    return [
        Field(key, _kind(key), computed[key] if key in computed else m[key]) for key in MEETING_EXPORT_KEYS
    ]


def _meeting_links(session: Session, rows: list[dict[str, Any]]) -> None:
    """Departments (by code) and attendees (in org order) of one batch of meetings: two queries."""
    ids = [row["id"] for row in rows]
    departments: dict[int, list[str]] = defaultdict(list)
    attendees: dict[int, list[str]] = defaultdict(list)
    md = MeetingDepartment.__table__.c  # type: ignore[attr-defined]
    ma = MeetingAttendee.__table__.c  # type: ignore[attr-defined]
    p = Person.__table__.c  # type: ignore[attr-defined]
    for meeting_id, dept in session.execute(
        select(md.meeting_id, md.dept).where(md.meeting_id.in_(ids)).order_by(md.meeting_id, md.dept)
    ):
        departments[meeting_id].append(dept)
    for meeting_id, person in session.execute(
        select(ma.meeting_id, ma.person)
        .join(Person.__table__, p.id == ma.person)  # type: ignore[attr-defined]
        .where(ma.meeting_id.in_(ids))
        .order_by(ma.meeting_id, p.position)
    ):
        attendees[meeting_id].append(person)
    for row in rows:
        row["departments"] = departments[row["id"]]
        row["attendees"] = attendees[row["id"]]


def specs() -> dict[str, ExportSpec]:
    feedback = Feedback.__table__  # type: ignore[attr-defined]
    escalation = Escalation.__table__  # type: ignore[attr-defined]
    meeting = Meeting.__table__  # type: ignore[attr-defined]
    return {
        "events": ExportSpec(Event.__table__, Event.__table__.c.at, _event_fields),  # type: ignore[attr-defined]
        "feedback": ExportSpec(feedback, feedback.c.created_at, _feedback_fields),
        "meetings": ExportSpec(meeting, meeting.c.starts_at, _meeting_fields, enrich=_meeting_links),
        "escalations": ExportSpec(escalation, escalation.c.opened_at, _escalation_fields),
    }
