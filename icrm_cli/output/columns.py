"""Column specs shared by several commands (requests, events, the org)."""

from __future__ import annotations

from icrm_cli.output.shapes import Column

REQUEST_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("title"),
    Column("description", in_table=False),
    Column("from_dept", "from", drop=4),
    Column("to_dept", "to", drop=2),
    Column("requester", in_table=False),
    Column("owner", drop=3),
    Column("priority", drop=5),
    Column("status"),
    Column("created_at", "created", kind="time", in_table=False),
    Column("acknowledged_at", kind="time", in_table=False),
    Column("resolved_at", kind="time", in_table=False),
    Column("closed_at", kind="time", in_table=False),
    Column("due_at", "due", kind="time"),
    Column("overdue", kind="bool", drop=6),
    Column("transfers", kind="int", in_table=False),
    Column("reopened", kind="int", in_table=False),
    Column("meeting_id", kind="int", in_table=False),
    Column("updated_at", "updated", kind="time", in_table=False),
)

REQUEST_FIELDS = tuple(
    Column(c.key, c.header, kind=c.kind, in_table=True, justify="left") for c in REQUEST_COLUMNS
)

EVENT_COLUMNS = (
    Column("at", kind="time"),
    Column("actor"),
    Column("by"),
    Column("kind"),
    Column("from_dept", "from"),
    Column("to_dept", "to"),
    Column("note"),
)

DEPARTMENT_COLUMNS = (
    Column("code"),
    Column("name"),
    Column("parent"),
    Column("head"),
    Column("contact"),
    Column("channel"),
    Column("services", kind="list"),
    Column("active", kind="bool"),
    Column("notify", kind="list", in_table=False),
)

PERSON_COLUMNS = (
    Column("id"),
    Column("name"),
    Column("email"),
    Column("department"),
    Column("active", kind="bool"),
    Column("notify", kind="list", in_table=False),
)

CHANGE_COLUMNS = (Column("change"), Column("kind"), Column("id"))

_INBOX_REQUESTS = tuple(c for c in REQUEST_COLUMNS if c.key not in ("overdue",))
INBOX_COLUMNS = {
    **dict.fromkeys(("to_acknowledge", "overdue", "due_soon", "to_confirm", "actions"), _INBOX_REQUESTS),
    "complaints": (
        Column("id", "#", kind="int", justify="right"),
        Column("from_dept", "from"),
        Column("to_dept", "to"),
        Column("note"),
        Column("author"),
        Column("created_at", "filed", kind="time"),
        Column("responded_at", "answered", kind="time"),
    ),
    "escalations": (
        Column("id", "#", kind="int", justify="right"),
        Column("request_id", "request", kind="int", justify="right"),
        Column("dept_a", "customer"),
        Column("dept_b", "supplier"),
        Column("level", kind="int", justify="right"),
        Column("reason"),
        Column("opened_at", "opened", kind="time"),
    ),
    "meetings": (
        Column("id", "#", kind="int", justify="right"),
        Column("title"),
        Column("starts_at", "starts", kind="time"),
        Column("location"),
        Column("departments", kind="list"),
    ),
}

CALENDAR_COLUMNS = (
    Column("date"),
    Column("weekday"),
    Column("workday", kind="bool"),
    Column("why"),
    Column("name"),
)

WHY_FIELDS = (
    Column("id", "request", kind="int"),
    Column("status"),
    Column("rule_text", "rule"),
    Column("created_at", "created", kind="time"),
    Column("due_at", "due", kind="time"),
    Column("counted_text", "counted"),
    Column("remaining_text", "remaining"),
    Column("overdue_text", "overdue by"),
    Column("sweep_text", "sweep would give"),
    Column("note"),
)

STRETCH_COLUMNS = (
    Column("start", kind="time"),
    Column("end", kind="time"),
    Column("length"),
    Column("counted", kind="bool"),
    Column("why"),
)
