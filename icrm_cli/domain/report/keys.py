"""The weekly report's stable keys (JSON keys and CSV header); no heavy imports."""

from __future__ import annotations

TOTAL = "TOTAL"
# The per-department row: JSON keys of `departments[]` and `totals`, the CSV header.
DEPT_KEYS = (
    "department",
    "name",
    "received",
    "resolved",
    "on_time",
    "on_time_rate",
    "overdue_open",
    "waiting_at_end",
    "median_ack_hours",
    "median_resolve_hours",
    "transfers",
    "reopened",
    "satisfaction",
    "satisfaction_count",
    "open_complaints",
    "escalations_opened",
    "escalation_max_level",
    "sent",
    "sent_open",
)
# Figures compared with the week before (`change` object; `change_<key>` CSV columns).
CHANGE_KEYS = (
    "received",
    "resolved",
    "on_time_rate",
    "overdue_open",
    "median_ack_hours",
    "median_resolve_hours",
    "transfers",
    "reopened",
    "satisfaction",
    "escalations_opened",
    "sent",
)
# Figures where a rise is bad news (shown red in tables).
WORSE_WHEN_UP = frozenset(
    {"overdue_open", "median_ack_hours", "median_resolve_hours", "transfers", "reopened"}
)

# Kicked balls: the request keys of each row, and how many rows.
KICKED_KEYS = (
    "id",
    "title",
    "from_dept",
    "to_dept",
    "owner",
    "priority",
    "status",
    "transfers",
    "created_at",
    "due_at",
)
KICKED_LIMIT = 10
# The kinds of row of the transfers-and-reopenings statement.
TRANSFERRED, REOPENED = 0, 1
