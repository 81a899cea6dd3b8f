"""`icrm feedback`: ratings, structured thanks and expectations, complaints, summary, surveys."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from icrm_cli.cli import feedback_survey
from icrm_cli.cli.common import (
    ExcelOpt,
    ListFormat,
    ListFormatOpt,
    OutputOpt,
    ShowFormat,
    ShowFormatOpt,
    command_group,
    output_options,
    session,
    state,
)
from icrm_cli.cli.request_list import DeptOpt

if TYPE_CHECKING:
    from icrm_cli.output import Column

app = command_group(help="Feedback between departments: ratings, thanks, expectations, complaints, surveys.")
app.add_typer(feedback_survey.app, name="survey")


class Kind(StrEnum):
    rating = "rating"
    thanks = "thanks"
    expectation = "expectation"
    complaint = "complaint"


IdArg = Annotated[int, typer.Argument(help="Feedback id.", metavar="ID")]
SinceOpt = Annotated[str | None, typer.Option("--since", metavar="WHEN", help="Given at or after.")]
UntilOpt = Annotated[str | None, typer.Option("--until", metavar="WHEN", help="Given at or before.")]


def _columns(open_view: bool) -> tuple[Column, ...]:
    from icrm_cli.output import Column

    if open_view:
        return (
            Column("id", "#", kind="int", justify="right"),
            Column("from_dept", "from"),
            Column("to_dept", "to"),
            Column("created_at", "filed", kind="time"),
            Column("age_days", "age (days)", kind="float", justify="right"),
            Column("responded", kind="bool"),
            Column("note"),
            Column("behavior", in_table=False),
            Column("impact", in_table=False),
            Column("author"),
            Column("responded_at", kind="time", in_table=False),
            Column("response", in_table=False),
            Column("request_id", kind="int", in_table=False),
        )
    return (
        Column("id", "#", kind="int", justify="right"),
        Column("kind"),
        Column("from_dept", "from"),
        Column("to_dept", "to"),
        Column("score", kind="int", justify="right"),
        Column("request_id", "request", kind="int", justify="right"),
        Column("behavior"),
        Column("impact", in_table=False),
        Column("expectation", in_table=False),
        Column("note"),
        Column("author"),
        Column("created_at", "given", kind="time"),
        Column("status"),
        Column("responded_at", kind="time", in_table=False),
        Column("response", in_table=False),
        Column("closed_at", kind="time", in_table=False),
    )


def _fields() -> tuple[Column, ...]:
    from icrm_cli.output import Column

    return tuple(Column(c.key, c.header, kind=c.kind) for c in _columns(False))


@app.command("give")
def give(
    ctx: typer.Context,
    from_dept: Annotated[str | None, DeptOpt("--from", "Customer department giving the feedback.")] = None,
    to_dept: Annotated[str | None, DeptOpt("--to", "Supplier department it is about.")] = None,
    score: Annotated[
        str | None, typer.Option("--score", metavar="1-5", help="Satisfaction 1..5 (required for a rating).")
    ] = None,
    request_id: Annotated[
        int | None,
        typer.Option(
            "--request",
            metavar="ID",
            help="About this resolved request (--from/--to default to it).",
        ),
    ] = None,
    kind: Annotated[Kind, typer.Option("--kind", help="What kind of feedback.")] = Kind.rating,
    behavior: Annotated[
        str | None, typer.Option("--behavior", metavar="TEXT", help="What was done (行为).")
    ] = None,
    impact: Annotated[
        str | None, typer.Option("--impact", metavar="TEXT", help="What it caused (影响).")
    ] = None,
    expectation: Annotated[
        str | None, typer.Option("--expectation", metavar="TEXT", help="What you expect next time (期待).")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Free text; a complaint's description.")
    ] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Rate a supplier department, thank it, state an expectation, or file a complaint."""
    if request_id is None:  # without a request, both sides must be named: a usage error, as Click's
        for option, value in (("--from", from_dept), ("--to", to_dept)):
            if value is None:
                raise typer.BadParameter(
                    "required (or give --request ID to take both departments from it)", param_hint=option
                )
    from icrm_cli.domain.feedback.entries import FeedbackInput, feedback_dict
    from icrm_cli.domain.feedback.entries import give as give_feedback
    from icrm_cli.output import emit_message, emit_object

    given = FeedbackInput(
        kind=kind.value,
        from_dept=from_dept,
        to_dept=to_dept,
        score=score,
        request_id=request_id,
        behavior=behavior,
        impact=impact,
        expectation=expectation,
        note=note,
    )
    with session(ctx, write=True) as (sess, policy):
        created = feedback_dict(give_feedback(sess, policy, given, actor=state(ctx).who))
    if fmt == ShowFormat.json:
        emit_object(created, output_options(policy, fmt))
        return
    score_text = f", score {created['score']}" if created["score"] is not None else ""
    follow = " (open until responded to and closed)" if created["kind"] == "complaint" else ""
    emit_message(
        f"Recorded {created['kind']} #{created['id']} {created['from_dept']} → {created['to_dept']}"
        f"{score_text}{follow}"
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    to_dept: Annotated[str | None, DeptOpt("--to", "Supplier department.")] = None,
    from_dept: Annotated[str | None, DeptOpt("--from", "Customer department.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind.")] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Complaints not yet closed, oldest first, with age.")
    ] = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List feedback, newest first."""
    from icrm_cli.domain.feedback.entries import FeedbackFilter, iter_feedback
    from icrm_cli.output import emit_rows

    with session(ctx) as (sess, policy):
        clock = policy.clock
        filt = FeedbackFilter(
            to_dept=to_dept,
            from_dept=from_dept,
            kind=kind.value if kind else None,
            open_only=open_only,
            since=clock.parse(since, edge="start", what="--since") if since else None,
            until=clock.parse(until, edge="end", what="--until") if until else None,
        )
        emit_rows(
            iter_feedback(sess, filt, clock.now(), viewer=state(ctx).who),
            _columns(open_only),
            output_options(policy, fmt, output, excel),
            empty="No open complaints." if open_only else "No matching feedback.",
        )


@app.command("show")
def show(ctx: typer.Context, feedback_id: IdArg, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """One piece of feedback with its history."""
    from icrm_cli.domain.feedback.entries import feedback_detail
    from icrm_cli.output import Section, emit_record
    from icrm_cli.output.columns import EVENT_COLUMNS

    with session(ctx) as (sess, policy):
        detail = feedback_detail(sess, feedback_id, viewer=state(ctx).who)
    history = detail.pop("events")
    emit_record(
        detail,
        _fields(),
        output_options(policy, fmt),
        title=f"Feedback #{feedback_id}",
        sections=[Section("events", "History", history, EVENT_COLUMNS)],
    )


@app.command("respond")
def respond(
    ctx: typer.Context,
    feedback_id: IdArg,
    note: Annotated[
        str, typer.Option("--note", metavar="TEXT", help="The answer: what was found and what will be done.")
    ],
) -> None:
    """Answer a complaint (someone of the supplier department; use --as)."""
    from icrm_cli.domain.feedback.entries import respond as respond_to
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        item = respond_to(sess, policy, feedback_id, note=note, actor=state(ctx).who)
        message = f"Responded to complaint #{item.id}; {item.from_dept} can close it once it is done."
    emit_message(message)


@app.command("close")
def close(ctx: typer.Context, feedback_id: IdArg) -> None:
    """The complaining side confirms the complaint was followed up and is done."""
    from icrm_cli.domain.feedback.entries import close as close_complaint
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        item = close_complaint(sess, policy, feedback_id, actor=state(ctx).who)
        message = f"Complaint #{item.id} is now closed."
    emit_message(message)


def _summary_table_rows(rows: list[dict[str, Any]], min_group: int) -> list[dict[str, Any]]:
    shown = []
    for row in rows:
        dist = row["distribution"]
        shown.append(
            {
                **row,
                "average": f"{row['average']:.2f}" if row["average"] is not None else f"n<{min_group}",
                "distribution": " ".join(f"{s}:{n}" for s, n in dist.items()) if dist else "—",
            }
        )
    return shown


def _summary_csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for level, items in (("supplier", data["suppliers"]), ("pair", data["pairs"])):
        for item in items:
            dist = item["distribution"] or {}
            rows.append(
                {
                    "level": level,
                    "customer": item.get("customer"),
                    "customer_name": item.get("customer_name"),
                    **{k: v for k, v in item.items() if k not in ("distribution",)},
                    **{f"score_{s}": dist.get(str(s)) for s in range(1, 6)},
                }
            )
    return rows


@app.command("summary")
def summary(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Satisfaction per supplier department and per (customer, supplier) pair."""
    from icrm_cli.domain.feedback.summary import summary as build_summary
    from icrm_cli.output import Column, Section, emit_object, emit_record, emit_rows

    with session(ctx) as (sess, policy):
        clock = policy.clock
        data = build_summary(
            sess,
            min_group=policy.min_group,
            since=clock.parse(since, edge="start", what="--since") if since else None,
            until=clock.parse(until, edge="end", what="--until") if until else None,
        )
    opts = output_options(policy, fmt, output, excel)
    figures = (
        Column("count", "ratings", kind="int", justify="right"),
        Column("average", "avg", justify="right"),
        Column("distribution", "1..5"),
        Column("open_complaints", "open complaints", kind="int", justify="right"),
    )
    if opts.fmt == "json":
        emit_object(data, opts)
    elif opts.fmt == "csv":
        keys = ("level", "customer", "customer_name", "supplier", "supplier_name", "count", "average")
        columns = [Column(k, kind="float" if k == "average" else "text") for k in keys]
        columns += [Column(f"score_{s}", kind="int") for s in range(1, 6)]
        emit_rows(_summary_csv_rows(data), [*columns, Column("open_complaints", kind="int")], opts)
    else:
        window = f"{clock.short(data['since']) if data['since'] else 'start'} – "
        window += clock.short(data["until"]) if data["until"] else "now"
        record = {"window": window, "min_group": data["min_group"]}
        sections = [
            Section(
                "suppliers",
                "By supplier department",
                _summary_table_rows(data["suppliers"], policy.min_group),
                (Column("supplier"), Column("supplier_name", "name"), *figures),
            ),
            Section(
                "pairs",
                "By customer → supplier",
                _summary_table_rows(data["pairs"], policy.min_group),
                (Column("customer"), Column("supplier"), *figures),
            ),
        ]
        fields = (Column("window"), Column("min_group", "min group (averages withheld below)", kind="int"))
        if not data["suppliers"]:
            emit_rows([], fields, opts, empty="No feedback in this window.")
            return
        emit_record(record, fields, opts, title="Satisfaction summary", sections=sections)
