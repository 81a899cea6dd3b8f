"""Rich tables. The only module that imports Rich."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from icrm_cli.output.shapes import Column, OutputOptions, Section
from icrm_cli.output.table_fit import fit, measure
from icrm_cli.output.values import cell_text
from icrm_cli.safe_text import visible

_STYLES = {
    "overdue": "bold red",
    "open": "yellow",
    "waiting": "magenta",
    "resolved": "green",
    "closed": "dim",
}


MIN_COLUMNS = 40


def terminal_columns(default: int = 160) -> int:
    """``COLUMNS`` as a width to lay tables out in: ``default`` when unset or not a number, at least
    MIN_COLUMNS (a width of 1 would print nothing at all)."""
    text = os.environ.get("COLUMNS", "").strip()
    width = int(text) if text.isascii() and text.isdigit() else default
    return max(width or default, MIN_COLUMNS)


def console_for(stream: TextIO, opts: OutputOptions) -> Console:
    if opts.colour:
        return Console(file=stream, highlight=False, emoji=False)
    width = terminal_columns()
    return Console(
        file=stream,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )


def _cell(value: Any, column: Column, opts: OutputOptions) -> Text:
    text = Text(cell_text(value, opts.clock, column.kind))  # never interpreted as markup
    if opts.colour:
        if column.key == "status" and isinstance(value, str):
            text.stylize(_STYLES.get(value, ""))
        if column.key == "overdue" and value is True:
            text.stylize(_STYLES["overdue"])
    return text


def _table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    opts: OutputOptions,
    title: str | None,
    width: int,
) -> tuple[Table, list[Column]]:
    """The table, fitted into ``width`` (see :mod:`table_fit`), and the columns left out."""
    shown = [column for column in columns if column.in_table]
    texts = [[cell_text(row.get(column.key), opts.clock, column.kind) for row in rows] for column in shown]
    kept, left_out = fit([measure(column, cells) for column, cells in zip(shown, texts, strict=True)], width)
    table = Table(
        title=Text(visible(title)) if title else None,
        box=box.SIMPLE_HEAD,
        header_style="bold" if opts.colour else "",
        title_style="bold" if opts.colour else "",
    )
    for item in kept:
        table.add_column(
            item.column.label,
            justify=item.column.justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=not item.wraps,
            min_width=item.minimum,
        )
    for row in rows:
        table.add_row(*(_cell(row.get(item.column.key), item.column, opts) for item in kept))
    return table, left_out


def _print_table(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    opts: OutputOptions,
    title: str | None,
) -> None:
    table, left_out = _table(rows, columns, opts, title, console.width)
    console.print(table)
    if left_out:
        names = ", ".join(column.label for column in left_out)
        console.print(Text(f"(left out at {console.width} columns: {names}; --format csv has all)"))


def print_rows(
    stream: TextIO,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    opts: OutputOptions,
    *,
    title: str | None = None,
) -> None:
    _print_table(console_for(stream, opts), rows, columns, opts, title)


def print_record(
    stream: TextIO,
    record: Mapping[str, Any],
    fields: Sequence[Column],
    opts: OutputOptions,
    *,
    title: str | None = None,
    sections: Sequence[Section] = (),
) -> None:
    console = console_for(stream, opts)
    grid = Table(
        box=None,
        show_header=False,
        title=Text(visible(title)) if title else None,
        title_justify="left",
        title_style="bold" if opts.colour else "",
    )
    grid.add_column(style="bold" if opts.colour else "", no_wrap=True)
    grid.add_column(overflow="fold")
    for field in fields:
        grid.add_row(Text(field.label), _cell(record.get(field.key), field, opts))
    console.print(grid)
    for section in sections:
        console.print()
        _print_table(console, section.rows, section.columns, opts, section.title)
