"""`icrm calendar`: the org's working calendar (working days, holidays, make-up workdays)."""

from __future__ import annotations

from typing import Annotated

import typer

from icrm_cli.cli.common import (
    ExcelOpt,
    ListFormat,
    ListFormatOpt,
    OutputOpt,
    command_group,
    output_options,
    reading,
)

app = command_group(help="The working calendar: which days are worked, and why.")


@app.callback()
def calendar() -> None:
    """The working calendar: which days are worked, and why (a group, though it has one command)."""


@app.command("show")
def show(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First day (e.g. 2026-02-13) [default: today]."),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", metavar="N", min=1, max=366, help="How many days (1-366).")
    ] = 14,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Each day: workday or not, and why (weekend, holiday name, make-up workday, company day)."""
    from icrm_cli.domain.calendar.listing import calendar_days
    from icrm_cli.output import emit_rows
    from icrm_cli.output.columns import CALENDAR_COLUMNS

    with reading(ctx) as (_reader, policy):
        rows = calendar_days(policy, start, days)
    emit_rows(rows, CALENDAR_COLUMNS, output_options(policy, fmt, output, excel), title="Working calendar")
