"""The request statuses and the sets the rules use (plain constants, importable by every layer)."""

from __future__ import annotations

STATUSES = (
    "open",
    "acknowledged",
    "in_progress",
    "waiting",
    "resolved",
    "closed",
    "rejected",
    "cancelled",
    "unachievable",
)
FINAL = frozenset({"closed", "rejected", "cancelled", "unachievable"})
SLA_RUNNING = frozenset({"open", "acknowledged", "in_progress"})
UNRESOLVED = frozenset({"open", "acknowledged", "in_progress", "waiting"})
