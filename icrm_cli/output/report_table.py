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
from icrm_cli.output.shapes import OutputOptions
from icrm_cli.output.table import _console

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


def _scorecard(data: Mapping[str, Any], opts: OutputOptions, width: int) -> Table:
    colour = opts.colour
    gap = " " if width >= _ONE_LINE_WIDTH else "\n"
    table = Table(
        title=Text(f"Weekly report {week_title(data, opts.clock)}: as supplier | as customer (sent, open)"),
        caption=Text(f"▲/▼ change against {data['previous_week']}; hours are medians, waiting excluded"),
        box=box.SIMPLE_HEAD,
        header_style="bold" if colour else "",
        title_style="bold" if colour else "",
    )
    table.add_column("dept", no_wrap=True)
    table.add_column("name", no_wrap=True)
    for key in (*SUPPLIER_KEYS, *CUSTOMER_KEYS):
        table.add_column(_SHORT.get(key, header(key)), justify="right", no_wrap=True)
    for row in [*data["departments"], data["totals"]]:
        style = "bold" if colour and row["department"] == TOTAL else ""
        cells = [Text(str(row["department"])), Text(str(row["name"]))]
        cells += [_figure(row, key, colour, gap) for key in (*SUPPLIER_KEYS, *CUSTOMER_KEYS)]
        table.add_row(*cells, style=style, end_section=row["department"] == TOTAL)
    return table


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
    console.print(_scorecard(data, opts, console.width))
    console.print(_matrix(data, opts))
    if data["kicked_balls"]:
        console.print(_kicked(data, opts))
    if data["meetings"]:
        console.print(_meetings(data, opts))
