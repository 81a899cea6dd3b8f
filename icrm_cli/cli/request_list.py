"""`icrm request list`: find requests by department, person, status, priority and text."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from icrm_cli.cli import complete
from icrm_cli.cli.common import (
    ExcelOpt,
    ListFormat,
    ListFormatOpt,
    OutputOpt,
    output_options,
    reading,
    state,
)

TABLE_PAGE = 50  # rows a table shows without --limit


class Priority(StrEnum):
    urgent = "urgent"
    high = "high"
    normal = "normal"
    low = "low"


class Status(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    waiting = "waiting"
    resolved = "resolved"
    closed = "closed"
    rejected = "rejected"
    cancelled = "cancelled"
    unachievable = "unachievable"


class SortKey(StrEnum):
    due = "due"
    created = "created"
    priority = "priority"
    updated = "updated"


def DeptOpt(name: str, help: str) -> Any:
    """A department option that completes department codes."""
    return typer.Option(name, help=help, metavar="DEPT", autocompletion=complete.department_codes)


def list_(
    ctx: typer.Context,
    status: Annotated[
        list[Status] | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="Only these statuses (repeatable): open, acknowledged, in_progress, waiting, resolved, "
            "closed, rejected, cancelled, unachievable.",
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Every status [default: not closed, rejected, cancelled, unachievable]."),
    ] = False,
    from_dept: Annotated[str | None, DeptOpt("--from", "Customer department.")] = None,
    to_dept: Annotated[str | None, DeptOpt("--to", "Supplier department.")] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", metavar="PERSON", help="Owner (person id).", autocompletion=complete.person_ids
        ),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Requests I own or asked for.")] = False,
    priority: Annotated[
        list[Priority] | None,
        typer.Option(
            "--priority",
            metavar="PRIORITY",
            help="Only these priorities (repeatable): urgent, high, normal, low.",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Title or description contains TEXT (any case).", metavar="TEXT"),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Past due and not resolved.")] = False,
    due_within: Annotated[
        str | None,
        typer.Option(
            "--due-within",
            metavar="DURATION",
            help="Not resolved and due within this time from now, e.g. 4h.",
        ),
    ] = None,
    escalated: Annotated[
        bool, typer.Option("--escalated", help="Only requests with an open escalation.")
    ] = False,
    since: Annotated[str | None, typer.Option("--since", metavar="WHEN", help="Created at or after.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="WHEN", help="Created at or before.")
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order by (then by id).")] = SortKey.due,
    desc: Annotated[bool, typer.Option("--desc", help="Reverse the order.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            help=f"At most N rows; 0: no limit [default: {TABLE_PAGE} in a table, else all].",
        ),
    ] = None,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List active requests, soonest due first (see --all, --sort, --desc)."""
    if mine and owner is not None:
        raise typer.BadParameter("cannot be used together with --owner", ctx, param_hint="'--mine'")
    if show_all and status:
        raise typer.BadParameter("cannot be used together with --status", ctx, param_hint="'--all'")
    from icrm_cli.domain.requests.query import RequestFilter, count_requests, iter_requests, request_rows
    from icrm_cli.errors import InvalidValueError
    from icrm_cli.output import emit_message, emit_rows
    from icrm_cli.output.columns import REQUEST_COLUMNS
    from icrm_cli.timeutil import parse_duration

    if search is not None and not search.strip():
        raise InvalidValueError("--search is empty: give the text to look for")
    if limit is not None and limit < 0:
        raise InvalidValueError("--limit must be 0 (no limit) or more")
    table = fmt is ListFormat.table
    rows_limit = (TABLE_PAGE if table else None) if limit is None else (limit or None)
    with reading(ctx) as (reader, policy):
        clock = policy.clock
        now = clock.now()
        filt = RequestFilter(
            statuses=[s.value for s in status or []],
            active=not show_all and not status,
            from_dept=from_dept,
            to_dept=to_dept,
            owner=owner,
            mine=state(ctx).who if mine else None,
            priorities=[p.value for p in priority or []],
            search=search,
            overdue=overdue,
            escalated=escalated,
            due_within=parse_duration(due_within, what="--due-within") if due_within else None,
            since=clock.parse(since, edge="start", what="--since") if since else None,
            until=clock.parse(until, edge="end", what="--until") if until else None,
            sort=sort.value,
            desc=desc,
            limit=rows_limit,
        )
        opts = output_options(policy, fmt, output, excel)
        if not table:
            # Streamed from the cursor by the export writer: constant memory at any row count.
            from icrm_cli.output.report_export import write_export

            rows = request_rows(reader, filt, now)
            write_export(rows.keys, rows.kinds, rows.batches, opts, total=rows.total, label="requests")
            return
        shown = list(iter_requests(reader, filt, now))
        more = 0
        if rows_limit is not None and len(shown) == rows_limit:
            more = count_requests(reader, filt, now) - rows_limit
        emit_rows(shown, REQUEST_COLUMNS, opts, empty="No matching requests.")
    if more > 0:
        emit_message(f"{more} more: --limit 0 or --format csv")
