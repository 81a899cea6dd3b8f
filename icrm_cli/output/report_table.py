"""The weekly report as Rich tables (the one module besides output/table.py that imports Rich)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from rich import box
from rich.table import Table
from rich.text import Text

from icrm_cli.domain.report.keys import CHANGE_KEYS, TOTAL, WORSE_WHEN_UP
from icrm_cli.output.report_columns import (
    CUSTOMER_KEYS,
    SUPPLIER_KEYS,
    change_text,
    header,
    matrix_grid,
    number,
)
from icrm_cli.output.report_markdown import week_title
from icrm_cli.output.shapes import Column, OutputOptions
from icrm_cli.output.table import console_for as _console
from icrm_cli.output.table_fit import Fitted, fit, measure
from icrm_cli.safe_text import visible

_SHORT = {
    "received": "recv",
    "resolved": "done",
    "on_time_rate": "on time",
    "overdue_open": "overdue",
    "median_ack_hours": "ack h",
    "median_resolve_hours": "res h",
    "transfers": "xfer",
    "reopened": "reop",
    "satisfaction": "satisf",
    "satisfaction_count": "rated",
    "open_complaints": "compl",
    "escalations_opened": "esc",
    "escalation_max_level": "lvl",
    "sent": "sent",
    "sent_open": "open",
}
_HEAT = ("grey23", "dark_green", "green4", "yellow4", "dark_orange3", "red3")


# Below this width the change goes under the figure instead of beside it, so no cell is cut.
_ONE_LINE_WIDTH = 200


def _figure(row: Mapping[str, Any], key: str, colour: bool, gap: str = " ") -> Text:
    text = Text(number(row.get(key), key))
    change = row.get("change", {}).get(key) if key in CHANGE_KEYS else None
    arrow = change_text(change, key)
    if arrow and change is not None:
        worse = (change > 0) == (key in WORSE_WHEN_UP)
        text.append(gap + arrow, style=("red" if worse else "green") if colour else "")
    if colour and key == "overdue_open" and row.get(key):
        text.stylize("bold red", 0, len(number(row.get(key), key)))
    return text


# Left out first when the terminal is narrow (highest first); dept, received and resolved stay.
_DROP = {
    "escalation_max_level": 15,
    "satisfaction_count": 14,
    "reopened": 13,
    "transfers": 12,
    "open_complaints": 11,
    "sent_open": 10,
    "name": 9,
    "median_ack_hours": 8,
    "sent": 7,
    "escalations_opened": 6,
    "satisfaction": 5,
    "median_resolve_hours": 4,
    "overdue_open": 3,
    "on_time_rate": 2,
}


def _fitted_keys(
    data: Mapping[str, Any], rows: list[Mapping[str, Any]], gap: str, width: int
) -> tuple[list[Fitted], list[Column]]:
    """The scorecard's columns that fit in ``width``, whole numbers and words only."""
    measured = [measure(Column("department", "dept"), [str(row["department"]) for row in rows])]
    names = [str(row["name"]) for row in rows]  # whole: a department name is one word
    measured.append(measure(Column("name", kind="code", drop=_DROP["name"]), names))
    for key in (*SUPPLIER_KEYS, *CUSTOMER_KEYS):
        cells = [_figure(row, key, False, gap).plain for row in rows]
        column = Column(key, _SHORT.get(key, header(key)), kind="int", drop=_DROP.get(key, 0))
        measured.append(measure(column, cells))
    return fit(measured, width)


def _scorecard(data: Mapping[str, Any], opts: OutputOptions, width: int) -> tuple[Table, list[Column]]:
    colour = opts.colour
    gap = " " if width >= _ONE_LINE_WIDTH else "\n"
    rows = [*data["departments"], data["totals"]]
    kept, left_out = _fitted_keys(data, rows, gap, width)
    table = Table(
        title=Text(f"Weekly report {week_title(data, opts.clock)}: as supplier | as customer (sent, open)"),
        caption=Text(f"▲/▼ change against {data['previous_week']}; hours are medians, waiting excluded"),
        box=box.SIMPLE_HEAD,
        header_style="bold" if colour else "",
        title_style="bold" if colour else "",
    )
    for item in kept:
        numeric = item.column.key not in ("department", "name")
        table.add_column(
            item.column.label,
            justify="right" if numeric else "left",
            no_wrap=not item.wraps,
            overflow="fold",
            min_width=item.minimum,
        )
    for row in rows:
        style = "bold" if colour and row["department"] == TOTAL else ""
        cells = [
            Text(visible(str(row[item.column.key])))
            if item.column.key in ("department", "name")
            else _figure(row, item.column.key, colour, gap)
            for item in kept
        ]
        table.add_row(*cells, style=style, end_section=row["department"] == TOTAL)
    return table, left_out


def _matrix(data: Mapping[str, Any], opts: OutputOptions) -> Table | Text:
    customers, suppliers, cells = matrix_grid(data)
    if not cells:
        return Text("No requests were created this week.")
    top = max(cells.values())
    table = Table(
        title=Text("Requests created this week: customer (rows) → supplier (columns)"),
        box=box.SIMPLE_HEAD,
        header_style="bold" if opts.colour else "",
    )
    table.add_column("from \\ to")
    for supplier in suppliers:
        table.add_column(supplier, justify="right")
    for customer in customers:
        row = [Text(customer)]
        for supplier in suppliers:
            count = cells.get((customer, supplier), 0)
            cell = Text(str(count) if count else "·")
            if opts.colour and count:
                shade = _HEAT[min(len(_HEAT) - 1, 1 + (count * (len(_HEAT) - 2)) // top)]
                cell.stylize(f"white on {shade}")
            row.append(cell)
        table.add_row(*row)
    return table


def _kicked(data: Mapping[str, Any], opts: OutputOptions) -> Table:
    table = Table(title=Text("Kicked balls: most transfers, still open at week end"), box=box.SIMPLE_HEAD)
    for name in ("#", "title", "from", "to", "transfers", "status now", "due"):
        table.add_column(name, justify="right" if name in ("#", "transfers") else "left", overflow="fold")
    for item in data["kicked_balls"]:
        table.add_row(
            str(item["id"]),
            Text(item["title"]),
            item["from_dept"],
            item["to_dept"],
            str(item["transfers"]),
            item["status"],
            opts.clock.short(item["due_at"]),
        )
    return table


def _meetings(data: Mapping[str, Any], opts: OutputOptions) -> Table:
    table = Table(title=Text("Meetings held this week (action items at week end)"), box=box.SIMPLE_HEAD)
    for name in ("#", "title", "series", "starts", "departments", "actions", "open"):
        table.add_column(name, justify="right" if name in ("#", "actions", "open") else "left")
    for meeting in data["meetings"]:
        table.add_row(
            str(meeting["id"]),
            Text(meeting["title"]),
            Text(meeting.get("series") or ""),
            opts.clock.short(meeting["starts_at"]),
            Text(", ".join(meeting["departments"])),
            str(meeting["action_count"]),
            str(meeting["open_actions"]),
        )
    return table


def print_report(stream: TextIO, data: Mapping[str, Any], opts: OutputOptions) -> None:
    console = _console(stream, opts)
    scorecard, left_out = _scorecard(data, opts, console.width)
    console.print(scorecard)
    if left_out:
        names = ", ".join(column.label for column in left_out)
        console.print(Text(f"(left out at {console.width} columns: {names}; --format csv has all)"))
    console.print(_matrix(data, opts))
    if data["kicked_balls"]:
        console.print(_kicked(data, opts))
    if data["meetings"]:
        console.print(_meetings(data, opts))
