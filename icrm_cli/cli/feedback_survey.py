"""`icrm feedback survey`: satisfaction surveys through a spreadsheet."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from icrm_cli.cli.common import (
    ExcelOpt,
    OutputOpt,
    ShowFormat,
    ShowFormatOpt,
    command_group,
    output_options,
    session,
    state,
)
from icrm_cli.wording import counted

app = command_group(
    help="Satisfaction surveys (满意度调查): start, export to a spreadsheet, import answers, status."
)

PeriodOpt = Annotated[str, typer.Option("--period", metavar="NAME", help="Survey name, e.g. 2026-Q4.")]


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@app.command("start")
def start(
    ctx: typer.Context,
    period: PeriodOpt,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="WHEN", help="Window start [default: from a period like 2026-Q4]."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="WHEN", help="Window end [default: from a period like 2026-Q4]."),
    ] = None,
) -> None:
    """Invite every customer → supplier pair with requests resolved in the window."""
    from icrm_cli.domain.feedback.surveys import start as start_survey
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        clock = policy.clock
        survey, invited = start_survey(
            sess,
            policy,
            period=period,
            since=clock.parse(since, edge="start", what="--since") if since else None,
            until=clock.parse(until, edge="end", what="--until") if until else None,
            actor=state(ctx).who,
        )
        message = (
            f"Started survey {survey.period} #{survey.id} ({clock.short(survey.since)} – "
            f"{clock.short(survey.until)}): {counted(invited, 'department pair')} invited"
        )
    emit_message(message)


@app.command("export")
def export(
    ctx: typer.Context,
    period: PeriodOpt,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.csv,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """One row per invited pair with empty score and comment columns to fill in."""
    from icrm_cli.domain.feedback.surveys import EXPORT_HEADER, export_rows
    from icrm_cli.output import Column, emit_rows

    with session(ctx) as (sess, policy):
        rows = export_rows(sess, period)
    columns = [Column(key, kind="int" if key in ("requests", "score") else "text") for key in EXPORT_HEADER]
    emit_rows(rows, columns, output_options(policy, fmt, output, excel))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="The filled-in CSV (UTF-8 or GB18030/GBK, with or without BOM).", metavar="FILE"),
    ],
) -> None:
    """Record each scored row as a rating: all rows or none."""
    from icrm_cli.domain.feedback.surveys import import_answers
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        result = import_answers(sess, policy, file, actor=state(ctx).who)
    skipped = f"; {counted(result.skipped, 'row')} without a score skipped" if result.skipped else ""
    emit_message(
        f"{file}: recorded {counted(result.answered, 'rating')} "
        f"for survey {', '.join(result.periods)}{skipped}"
    )


@app.command("status")
def status(ctx: typer.Context, period: PeriodOpt, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """Invited pairs, answered pairs and the response rate."""
    from icrm_cli.domain.feedback.surveys import survey_status
    from icrm_cli.output import Column, Section, emit_object, emit_record

    with session(ctx) as (sess, policy):
        data = survey_status(sess, period)
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(data, opts)
        return
    pairs = data.pop("pairs")
    rate = data["response_rate"]
    record = {**data, "response_rate": f"{rate * 100:.1f}%" if rate is not None else "—"}
    fields = (
        Column("period"),
        Column("since", kind="time"),
        Column("until", kind="time"),
        Column("started_at", "started", kind="time"),
        Column("started_by"),
        Column("invited", kind="int"),
        Column("answered", kind="int"),
        Column("response_rate", "response rate"),
    )
    pair_columns = (
        Column("customer"),
        Column("supplier"),
        Column("requests", kind="int", justify="right"),
        Column("answered", kind="bool"),
        Column("feedback_id", "feedback", kind="int"),
    )
    emit_record(
        record,
        fields,
        opts,
        title=f"Survey {data['period']}",
        sections=[Section("pairs", "Pairs", pairs, pair_columns)],
    )
