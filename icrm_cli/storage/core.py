"""Light Core descriptions of the tables, for read paths that must start fast.

The SQLModel classes in ``storage/models`` are the schema; importing them loads
SQLModel, pydantic and the ORM, which costs more than all the weekly report's
queries. Read-only paths (the report, loading the policy) use these plain
``table()``/``column()`` descriptions instead: only the columns they read, with
the same names and types (``tests/test_report_speed.py`` checks them against
the models).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String, column, table

from icrm_cli.storage.types import UTCDateTime

REQUEST = table(
    "request",
    column("id", Integer),
    column("title", String),
    column("description", String),
    column("from_dept", String),
    column("to_dept", String),
    column("requester", String),
    column("owner", String),
    column("priority", String),
    column("status", String),
    column("created_at", UTCDateTime),
    column("acknowledged_at", UTCDateTime),
    column("resolved_at", UTCDateTime),
    column("closed_at", UTCDateTime),
    column("due_at", UTCDateTime),
    column("waiting_since", UTCDateTime),
    column("paused_seconds", Integer),
    column("transfers", Integer),
    column("reopened", Integer),
    column("meeting_id", Integer),
    column("ack_working_seconds", Integer),
    column("resolve_working_seconds", Integer),
)
EVENT = table(
    "event",
    column("id", Integer),
    column("entity", String),
    column("entity_id", Integer),
    column("at", UTCDateTime),
    column("kind", String),
    column("detail", JSON),
)
FEEDBACK = table(
    "feedback",
    column("kind", String),
    column("to_dept", String),
    column("score", Integer),
    column("status", String),
    column("created_at", UTCDateTime),
    column("closed_at", UTCDateTime),
)
ESCALATION = table(
    "escalation",
    column("id", Integer),
    column("request_id", Integer),
    column("dept_a", String),
    column("dept_b", String),
    column("level", Integer),
    column("status", String),
    column("opened_at", UTCDateTime),
    column("raised_at", UTCDateTime),
)
MEETING = table(
    "meeting",
    column("id", Integer),
    column("title", String),
    column("series", String),
    column("starts_at", UTCDateTime),
    column("status", String),
    column("organizer", String),
)
MEETING_DEPARTMENT = table("meeting_department", column("meeting_id", Integer), column("dept", String))
DEPARTMENT = table(
    "department",
    column("code", String),
    column("name", String),
    column("parent", String),
    column("head", String),
    column("contact", String),
    column("position", Integer),
    column("active", Boolean),
)
SETTING = table("setting", column("key", String), column("value", JSON))
PERSON = table(
    "person",
    column("id", String),
    column("name", String),
    column("department", String),
    column("active", Boolean),
)

ALL = (REQUEST, EVENT, FEEDBACK, ESCALATION, MEETING, MEETING_DEPARTMENT, DEPARTMENT, SETTING, PERSON)
