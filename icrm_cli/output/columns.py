"""Column specs shared by several commands (requests, events, the org)."""

from __future__ import annotations

from icrm_cli.output.shapes import Column

REQUEST_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("title"),
    Column("description", in_table=False),
    Column("from_dept", "from"),
    Column("to_dept", "to"),
    Column("requester", in_table=False),
    Column("owner"),
    Column("priority"),
    Column("status"),
    Column("created_at", "created", kind="time", in_table=False),
    Column("acknowledged_at", kind="time", in_table=False),
    Column("resolved_at", kind="time", in_table=False),
    Column("closed_at", kind="time", in_table=False),
    Column("due_at", "due", kind="time"),
    Column("overdue", kind="bool"),
    Column("transfers", kind="int", in_table=False),
    Column("reopened", kind="int", in_table=False),
    Column("meeting_id", kind="int", in_table=False),
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
)

PERSON_COLUMNS = (
    Column("id"),
    Column("name"),
    Column("email"),
    Column("department"),
    Column("active", kind="bool"),
)

CHANGE_COLUMNS = (Column("change"), Column("kind"), Column("id"))
