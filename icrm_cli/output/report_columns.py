"""Column specs and cell helpers shared by the weekly report's renderers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from icrm_cli.domain.report.keys import CHANGE_KEYS, DEPT_KEYS
from icrm_cli.output.shapes import Column

_HEADERS = {
    "department": "dept",
    "name": "name",
    "received": "received",
    "resolved": "resolved",
    "on_time": "on time",
    "on_time_rate": "on time %",
    "overdue_open": "overdue",
    "waiting_at_end": "waiting",
    "median_ack_hours": "ack h",
    "median_resolve_hours": "resolve h",
    "transfers": "transfers",
    "reopened": "reopened",
    "satisfaction": "satisfaction",
    "satisfaction_count": "ratings",
    "open_complaints": "complaints",
    "escalations_opened": "escalations",
    "escalation_max_level": "max level",
    "sent": "sent",
    "sent_open": "sent open",
}
_FLOATS = {"on_time_rate", "median_ack_hours", "median_resolve_hours", "satisfaction"}
# The scorecard: supplier figures (with change) in tables, Markdown and HTML.
SUPPLIER_KEYS = (
    "received",
    "resolved",
    "on_time_rate",
    "overdue_open",
    "median_ack_hours",
    "median_resolve_hours",
    "transfers",
    "reopened",
    "satisfaction",
    "satisfaction_count",
    "open_complaints",
    "escalations_opened",
    "escalation_max_level",
)
CUSTOMER_KEYS = ("sent", "sent_open")


def header(key: str) -> str:
    return _HEADERS.get(key, key.replace("_", " "))


def kind(key: str) -> str:
    if key in ("department", "name"):
        return "text"
    return "float" if key in _FLOATS else "int"


def csv_columns() -> list[Column]:
    columns = [Column(key, kind=kind(key)) for key in DEPT_KEYS]
    columns.extend(Column(f"change_{key}", kind=kind(key)) for key in CHANGE_KEYS)
    return columns


def csv_rows(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """One flat row per department: the figures, then ``change_<key>`` columns."""
    for row in data["departments"]:
        flat = {key: row[key] for key in DEPT_KEYS}
        flat.update({f"change_{key}": row["change"][key] for key in CHANGE_KEYS})
        yield flat


def number(value: Any, key: str) -> str:
    """A figure as text: ``-`` when there is none (e.g. no ratings), rates with one decimal."""
    if value is None:
        return "-"
    if key == "on_time_rate":
        return f"{value:.1f}%"
    if key in _FLOATS:
        return f"{value:.1f}" if key != "satisfaction" else f"{value:.2f}"
    return str(value)


def change_text(value: Any, key: str) -> str:
    """``▲3`` / ``▼1.5`` against the week before; empty when unchanged or unknown."""
    if value is None or value == 0:
        return ""
    arrow = "▲" if value > 0 else "▼"
    size = abs(value)
    if key == "on_time_rate":
        return f"{arrow}{size:.1f}"
    if isinstance(size, float) and not size.is_integer():
        return f"{arrow}{size:.1f}"
    return f"{arrow}{int(size)}"


def figure_with_change(row: Mapping[str, Any], key: str) -> str:
    text = number(row.get(key), key)
    change = row.get("change", {}).get(key) if key in CHANGE_KEYS else None
    arrow = change_text(change, key)
    return f"{text} {arrow}" if arrow else text


def matrix_grid(data: Mapping[str, Any]) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Customers (rows) and suppliers (columns) that have any request, and the counts."""
    cells = {(c["customer"], c["supplier"]): int(c["requests"]) for c in data["matrix"]["cells"]}
    order = list(data["matrix"]["departments"])
    customers = [code for code in order if any(key[0] == code for key in cells)]
    suppliers = [code for code in order if any(key[1] == code for key in cells)]
    return customers, suppliers, cells
