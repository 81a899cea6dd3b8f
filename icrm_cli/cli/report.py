"""`icrm report`: the weekly department scorecard and spreadsheet-ready exports."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from icrm_cli.cli.common import ExcelOpt, OutputOpt, command_group, output_options, reading, state
from icrm_cli.cli.request_list import DeptOpt

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.domain.org.settings import Policy

app = command_group(help="The weekly report and data exports.")


class WeeklyFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@app.command("weekly")
def weekly(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(
            "--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 [default: last complete week]."
        ),
    ] = None,
    dept: Annotated[str | None, DeptOpt("--dept", "Only this department's row.")] = None,
    fmt: Annotated[WeeklyFormat, typer.Option("--format", "-f", help="Output format.")] = WeeklyFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """The weekly scorecard: every department as supplier and customer, the matrix, kicked balls."""
    from icrm_cli.domain.report.weekly import weekly_report

    with reading(ctx) as (conn, policy):
        report = weekly_report(conn, policy, week, dept, trend=fmt in (WeeklyFormat.json, WeeklyFormat.html))
    render_weekly(report.as_dict(), policy, fmt.value, output, excel)


def render_weekly(
    data: dict[str, object], policy: Policy, fmt: str, output: Path | None = None, excel: bool = False
) -> None:
    """Print a weekly report (``WeeklyReport.as_dict()``) in one of the report formats (``excel``: a
    BOM before CSV)."""
    from icrm_cli.output import emit_rows, emit_text

    opts = output_options(policy, fmt, output, excel)
    if fmt == "json":
        from icrm_cli.output.report_json import report_json

        emit_text(report_json(data, opts.clock), opts)
    elif fmt == "csv":
        from icrm_cli.output.report_columns import csv_columns, csv_rows

        emit_rows(csv_rows(data), csv_columns(), opts)
    elif fmt == "markdown":
        from icrm_cli.output.report_markdown import render_markdown

        emit_text(render_markdown(data, opts.clock), opts)
    elif fmt == "html":
        from icrm_cli.output.report_html import render_html

        emit_text(render_html(data, opts.clock), opts)
    else:
        from icrm_cli.output.report_table import print_report
        from icrm_cli.output.sink import open_sink

        with open_sink(opts.output) as stream:
            print_report(stream, data, opts)


def print_weekly_report(sess: Session, policy: Policy, fmt: str = "table") -> None:
    """For `icrm demo`: print the report of the last complete week to stdout."""
    from icrm_cli.domain.report.weekly import weekly_report

    report = weekly_report(sess, policy, None, None, trend=fmt in ("json", "html"))
    render_weekly(report.as_dict(), policy, fmt)


@app.command("export")
def export(
    ctx: typer.Context,
    table: Annotated[
        str,
        typer.Argument(help="requests, feedback, meetings, escalations or events.", metavar="TABLE"),
    ],
    since: Annotated[
        str | None, typer.Option("--since", metavar="WHEN", help="Created (or happened) at or after.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="WHEN", help="Created (or happened) at or before.")
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.csv,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Stream a whole table as CSV (JSON keys as header) or a JSON array, for spreadsheets."""
    from icrm_cli.cli.export_helper import export_rest
    from icrm_cli.domain.report.export import open_export
    from icrm_cli.output.report_export import write_export

    with reading(ctx) as (reader, policy):
        clock = policy.clock
        start = clock.parse(since, edge="start", what="--since") if since else None
        end = clock.parse(until, edge="end", what="--until") if until else None
        name = table.strip().lower()
        opts = output_options(policy, fmt, output, excel)
        try:
            viewer = state(ctx).who  # who gave a score shows only to their department and admins
            with (
                open_export(reader, name, now=clock.now(), since=start, until=end, viewer=viewer) as data,
                export_rest(data, opts.fmt, clock, opts.output) as rest,  # a helper writes the second half
            ):
                write_export(
                    data.keys, data.kinds, data.batches, opts, total=data.total, label=table, rest=rest
                )
        except BrokenPipeError:  # `icrm report export ... | head`: the reader has seen enough
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
