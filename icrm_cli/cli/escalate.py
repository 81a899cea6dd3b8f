"""`icrm escalate`: the escalation ladder (contacts → heads → arbitration) and its cron sweep."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

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
    from icrm_cli.output import Column, Section

app = command_group(
    help="Escalation ladder: 1 interface contacts, 2 department heads, 3 arbitration by the common superior."
)

IdArg = Annotated[int, typer.Argument(help="Escalation id.", metavar="ID")]
ReasonOpt = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (recorded in the history).")]


def _columns() -> tuple[tuple[Column, ...], tuple[Column, ...], tuple[Column, ...]]:
    """List columns, person columns (who must act) and history columns."""
    from icrm_cli.output import Column

    listing = (
        Column("id", "#", kind="int", justify="right"),
        Column("request_id", "request", kind="int", justify="right"),
        Column("dept_a", "customer"),
        Column("dept_b", "supplier"),
        Column("level", kind="int", justify="right"),
        Column("status"),
        Column("reason"),
        Column("opened_at", "opened", kind="time"),
        Column("raised_at", "raised", kind="time", in_table=False),
        Column("resolved_at", "resolved", kind="time", in_table=False),
        Column("decision"),
        Column("contingency", in_table=False),
        Column("must_act", "must act"),
    )
    people = (Column("person"), Column("name"), Column("email"), Column("role"))
    history = (
        Column("at", kind="time"),
        Column("actor"),
        Column("kind"),
        Column("from_level", "from", kind="int"),
        Column("level", "to", kind="int"),
        Column("note"),
    )
    return listing, people, history


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """``must_act`` as one text cell (table and CSV); JSON keeps the list of objects."""
    from icrm_cli.domain.escalation.ladder import describe_people

    return {**row, "must_act": describe_people(row["must_act"])}


def request_section(escalations: list[dict[str, Any]], fmt: str) -> Section:
    """The escalations of one request as a section of ``request show`` (for cli/request.py)."""
    from icrm_cli.output import Column, Section

    columns = (
        Column("id", "#", kind="int", justify="right"),
        Column("level", kind="int", justify="right"),
        Column("status"),
        Column("reason"),
        Column("opened_at", "opened", kind="time"),
        Column("decision"),
        Column("must_act", "must act"),
    )
    rows = escalations if fmt == "json" else [_flat(row) for row in escalations]
    return Section("escalations", "Escalations", rows, columns)


def _confirm(fmt: ShowFormat, escalation_id: int, message: str, ctx: typer.Context) -> None:
    from icrm_cli.domain.escalation.lifecycle import escalation_detail
    from icrm_cli.output import emit_message, emit_object

    with session(ctx) as (sess, policy):
        detail = escalation_detail(sess, escalation_id)
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(detail, opts)
    else:
        emit_message(message)


@app.command("open")
def open_(
    ctx: typer.Context,
    reason: ReasonOpt,
    request_id: Annotated[
        int | None,
        typer.Option("--request", metavar="ID", help="The request (customer vs supplier)."),
    ] = None,
    between: Annotated[
        tuple[str, str] | None,
        typer.Option("--between", metavar="DEPT DEPT", help="Two departments in conflict (not one request)."),
    ] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Open an escalation at level 1 (the two interface contacts)."""
    from icrm_cli.domain.escalation.ladder import describe_people
    from icrm_cli.domain.escalation.lifecycle import escalation_dict, open_escalation

    with session(ctx, write=True) as (sess, policy):
        escalation = open_escalation(
            sess,
            policy,
            actor=state(ctx).who,
            reason=reason,
            request_id=request_id,
            between=list(between) if between else None,
        )
        created = escalation_dict(sess, escalation)
    about = f" for request #{created['request_id']}" if created["request_id"] else ""
    _confirm(
        fmt,
        created["id"],
        f"Opened escalation #{created['id']}{about} {created['dept_a']} ↔ {created['dept_b']} at level 1; "
        f"must act: {describe_people(created['must_act'])}",
        ctx,
    )


@app.command("raise")
def raise_(
    ctx: typer.Context, escalation_id: IdArg, reason: ReasonOpt, fmt: ShowFormatOpt = ShowFormat.table
) -> None:
    """Move an open escalation one level up (at most level 3, arbitration)."""
    from icrm_cli.domain.escalation.ladder import describe_people
    from icrm_cli.domain.escalation.lifecycle import escalation_dict, raise_escalation

    with session(ctx, write=True) as (sess, policy):
        escalation = raise_escalation(sess, policy, escalation_id, actor=state(ctx).who, reason=reason)
        raised = escalation_dict(sess, escalation)
    _confirm(
        fmt,
        escalation_id,
        f"Escalation #{escalation_id} is now at level {raised['level']}; "
        f"must act: {describe_people(raised['must_act'])}",
        ctx,
    )


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    escalation_id: IdArg,
    decision: Annotated[
        str | None,
        typer.Option(
            "--decision", metavar="TEXT", help="What was decided (required; checked with the rest)."
        ),
    ] = None,
    contingency: Annotated[
        str | None,
        typer.Option(
            "--contingency", metavar="TEXT", help="Emergency measure / fallback plan (应急措施和备选方案)."
        ),
    ] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Close an escalation with the decision reached."""
    from icrm_cli.domain.escalation.lifecycle import resolve_escalation

    with session(ctx, write=True) as (sess, policy):
        resolve_escalation(
            sess, policy, escalation_id, actor=state(ctx).who, decision=decision, contingency=contingency
        )
    _confirm(fmt, escalation_id, f"Escalation #{escalation_id} is resolved.", ctx)


@app.command("list")
def list_(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only open escalations.")] = False,
    level: Annotated[
        int | None,
        typer.Option("--level", min=1, max=3, metavar="N", help="Only this level (1-3)."),
    ] = None,
    dept: Annotated[str | None, DeptOpt("--dept", "Only those involving this department.")] = None,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List escalations (open first, newest first) with who must act now."""
    from icrm_cli.domain.escalation.lifecycle import list_escalations
    from icrm_cli.output import emit_rows

    with session(ctx) as (sess, policy):
        rows = list_escalations(sess, open_only=open_only, level=level, dept=dept)
    opts = output_options(policy, fmt, output, excel)
    listing, _, _ = _columns()
    emit_rows(
        rows if opts.fmt == "json" else [_flat(row) for row in rows],
        listing,
        opts,
        empty="No matching escalations.",
    )


@app.command("show")
def show(ctx: typer.Context, escalation_id: IdArg, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """One escalation: who must act now (names, emails) and the history of its levels."""
    from icrm_cli.domain.escalation.lifecycle import escalation_detail
    from icrm_cli.output import Column, Section, emit_record

    with session(ctx) as (sess, policy):
        detail = escalation_detail(sess, escalation_id)
    history = detail.pop("history")
    must_act = detail.pop("must_act")
    listing, people, history_columns = _columns()
    fields = [Column(c.key, c.header, kind=c.kind) for c in listing if c.key != "must_act"]
    emit_record(
        detail,
        fields,
        output_options(policy, fmt),
        title=f"Escalation #{escalation_id} (level {detail['level']}, {detail['status']})",
        sections=[
            Section("must_act", "Who must act now", must_act, people),
            Section("history", "History", history, history_columns),
        ],
    )


@app.command("sweep")
def sweep(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be done; write nothing.")
    ] = False,
    fmt: ListFormatOpt = ListFormat.table,
    excel: ExcelOpt = False,
) -> None:
    """Escalate overdue requests by the org file's rules (for cron; prints nothing when idle)."""
    from icrm_cli.domain.escalation.sweep import sweep as run_sweep
    from icrm_cli.output import emit_object, emit_rows, emit_text

    with session(ctx, write=not dry_run) as (sess, policy):
        actions = run_sweep(sess, policy, actor=state(ctx).who, dry_run=dry_run)
    opts = output_options(policy, fmt, excel=excel)
    if opts.fmt == "json":
        emit_object([action.as_dict() for action in actions], opts)
    elif not actions:
        return
    elif opts.fmt == "csv":
        from icrm_cli.output import Column

        columns = [
            Column(key)
            for key in ("action", "escalation_id", "request_id", "dept_a", "dept_b", "from_level", "to_level")
        ] + [Column("overdue_hours", kind="float"), Column("must_act")]
        emit_rows([_flat(action.as_dict()) for action in actions], columns, opts)
    else:
        emit_text("\n".join(action.line() for action in actions), opts)
