"""`icrm request`: the liaison slip between departments and its lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from icrm_cli.cli import complete
from icrm_cli.cli.common import (
    ShowFormat,
    ShowFormatOpt,
    command_group,
    output_options,
    session,
    state,
)
from icrm_cli.cli.request_list import DeptOpt, Priority, list_
from icrm_cli.cli.request_why import why

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.domain.org.settings import Policy
    from icrm_cli.storage.models import Request
    from icrm_cli.timeutil import Clock

app = command_group(help="Requests between departments (内部联络单) and their lifecycle.")


IdArg = Annotated[
    int, typer.Argument(help="Request id.", metavar="ID", autocompletion=complete.open_request_ids)
]
ReasonOpt = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (recorded in the history).")]


@app.command("new")
def new(
    ctx: typer.Context,
    from_dept: Annotated[str, DeptOpt("--from", "Customer department (who asks).")],
    to_dept: Annotated[str, DeptOpt("--to", "Supplier department (who serves).")],
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="What is asked, in one line.")],
    description: Annotated[str | None, typer.Option("--description", metavar="TEXT", help="Details.")] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="PERSON",
            help="Person responsible [default: the supplier's interface contact].",
            autocompletion=complete.person_ids,
        ),
    ] = None,
    priority: Annotated[
        Priority, typer.Option("--priority", help="Sets the default due time via the SLA.")
    ] = Priority.normal,
    due: Annotated[
        str | None,
        typer.Option("--due", metavar="WHEN", help="When it must be resolved [default: SLA resolve time]."),
    ] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """File a request from one department to another."""
    from icrm_cli.domain.requests import lifecycle as requests
    from icrm_cli.domain.requests.query import request_dict
    from icrm_cli.output import emit_message, emit_object

    with session(ctx, write=True) as (sess, policy):
        clock = policy.clock
        due_at = clock.parse(due, edge="end", what="--due") if due else None
        request = requests.create(
            sess,
            policy,
            actor=state(ctx).who,
            from_dept=from_dept,
            to_dept=to_dept,
            title=title,
            description=description,
            owner=owner,
            priority=priority.value,
            due=due_at,
        )
        created = request_dict(request, clock.now())
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(created, opts)
    else:
        emit_message(
            f"Created request #{created['id']} {created['from_dept']} → {created['to_dept']} "
            f"(owner {created['owner']}, due {clock.short(created['due_at'])})"
        )


app.command("list")(list_)
app.command("why")(why)


@app.command("show")
def show(ctx: typer.Context, request_id: IdArg, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """One request with its full history."""
    from icrm_cli.cli.escalate import request_section
    from icrm_cli.domain.requests.query import request_detail
    from icrm_cli.output import Section, emit_record
    from icrm_cli.output.columns import EVENT_COLUMNS, REQUEST_FIELDS

    with session(ctx) as (sess, policy):
        detail = request_detail(sess, request_id, policy.clock.now())
    history = detail.pop("events")
    escalations = detail.pop("escalations")
    emit_record(
        detail,
        REQUEST_FIELDS,
        output_options(policy, fmt),
        title=f"Request #{request_id}: {detail['title']}",
        sections=[
            Section("events", "History", history, EVENT_COLUMNS),
            request_section(escalations, fmt.value),
        ],
    )


def _change(
    ctx: typer.Context,
    action: Callable[[Session, Policy, str], Request],
    describe: Callable[[Request, Clock], str],
) -> None:
    """Run one change in one transaction and confirm it on stdout."""
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        request = action(sess, policy, state(ctx).who)
        message = describe(request, policy.clock)
    emit_message(message)


def _step(
    ctx: typer.Context,
    request_id: int,
    command: str,
    note: str | None = None,
    to_dept: str | None = None,
) -> None:
    from icrm_cli.domain.requests.lifecycle import transition

    def action(sess: Session, policy: Policy, actor: str) -> Request:
        return transition(sess, policy, request_id, command, actor=actor, note=note, to_dept=to_dept)

    _change(ctx, action, lambda r, _clock: f"Request #{r.id} is now {r.status}.")


@app.command("ack")
def ack(ctx: typer.Context, request_id: IdArg) -> None:
    """Acknowledge a request sent to your department (open → acknowledged)."""
    _step(ctx, request_id, "ack")


@app.command("start")
def start(ctx: typer.Context, request_id: IdArg) -> None:
    """Start work (open/acknowledged → in_progress)."""
    _step(ctx, request_id, "start")


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    request_id: IdArg,
    note: Annotated[
        str, typer.Option("--note", metavar="TEXT", help="The result, reported back to the customer.")
    ],
) -> None:
    """Report the result back (→ resolved); the customer then closes or reopens."""
    _step(ctx, request_id, "resolve", note)


@app.command("close")
def close(
    ctx: typer.Context,
    request_id: IdArg,
    unachievable: Annotated[
        bool,
        typer.Option("--unachievable", help="Formal close-out of work that cannot be done (善后处理)."),
    ] = False,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help="Close-out note (required with --unachievable)."),
    ] = None,
) -> None:
    """The customer confirms a resolved request (→ closed), or closes it out as unachievable."""
    if unachievable:
        _step(ctx, request_id, "unachievable", note)
    else:
        _step(ctx, request_id, "close", note)


@app.command("reopen")
def reopen(ctx: typer.Context, request_id: IdArg, reason: ReasonOpt) -> None:
    """The customer is not satisfied with the result (resolved → in_progress)."""
    _step(ctx, request_id, "reopen", reason)


@app.command("reject")
def reject(ctx: typer.Context, request_id: IdArg, reason: ReasonOpt) -> None:
    """The supplier declines the request (final)."""
    _step(ctx, request_id, "reject", reason)


@app.command("cancel")
def cancel(ctx: typer.Context, request_id: IdArg, reason: ReasonOpt) -> None:
    """The customer withdraws the request (final)."""
    _step(ctx, request_id, "cancel", reason)


@app.command("wait")
def wait(ctx: typer.Context, request_id: IdArg, reason: ReasonOpt) -> None:
    """Wait on the customer; the SLA clock pauses until resume."""
    _step(ctx, request_id, "wait", reason)


@app.command("resume")
def resume(ctx: typer.Context, request_id: IdArg) -> None:
    """Resume work; the due time moves back by the time spent waiting."""
    _step(ctx, request_id, "resume")


@app.command("transfer")
def transfer(
    ctx: typer.Context,
    request_id: IdArg,
    to_dept: Annotated[str, DeptOpt("--to", "The department that should serve it.")],
    reason: ReasonOpt,
) -> None:
    """Hand the request to another department; its interface contact becomes the owner."""
    _step(ctx, request_id, "transfer", reason, to_dept=to_dept)


@app.command("assign")
def assign(
    ctx: typer.Context,
    request_id: IdArg,
    owner: Annotated[
        str,
        typer.Option(
            "--owner", metavar="PERSON", help="The new owner (person id).", autocompletion=complete.person_ids
        ),
    ],
) -> None:
    """Give the request a new owner."""
    from icrm_cli.domain.requests.lifecycle import assign as assign_owner

    _change(
        ctx,
        lambda s, p, a: assign_owner(s, p, request_id, owner=owner, actor=a),
        lambda r, _clock: f"Request #{r.id} is now owned by {r.owner}.",
    )


@app.command("due")
def due(
    ctx: typer.Context,
    request_id: IdArg,
    when: Annotated[str, typer.Option("--due", metavar="WHEN", help="The new due time.")],
    reason: ReasonOpt,
) -> None:
    """Move the due time (with a reason, kept in the history)."""
    from icrm_cli.domain.requests.lifecycle import change_due

    def action(sess: Session, policy: Policy, actor: str) -> Request:
        at = policy.clock.parse(when, edge="end", what="--due")
        return change_due(sess, policy, request_id, due=at, reason=reason, actor=actor)

    _change(ctx, action, lambda r, clock: f"Request #{r.id} is now due {clock.short(r.due_at)}.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    request_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="A new title.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="A new description.")
    ] = None,
    priority: Annotated[
        Priority | None,
        typer.Option("--priority", help="A new priority; the SLA due time follows unless set by hand."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why (recorded in the history).")
    ] = None,
) -> None:
    """Fix the title or description, or change the priority (each change is kept in the history)."""
    if title is None and description is None and priority is None:
        raise typer.BadParameter(
            "give at least one of --title, --description, --priority", ctx, param_hint="'edit'"
        )
    from icrm_cli.domain.requests.edit import edit as edit_request
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        result = edit_request(
            sess,
            policy,
            request_id,
            actor=state(ctx).who,
            title=title,
            description=description,
            priority=priority.value if priority else None,
            reason=reason,
        )
        request, clock = result.request, policy.clock
        names = ", ".join(name for name, _old, _new in result.changes)
        due = f"; now due {clock.short(request.due_at)}" if result.due_moved else ""
    emit_message(f"Request #{request_id}: edited {names}{due}." if result.changes else "no change")


@app.command("comment")
def comment(
    ctx: typer.Context,
    request_id: IdArg,
    text: Annotated[str, typer.Argument(help="The comment.", metavar="TEXT")],
) -> None:
    """Add a comment to the request's history."""
    from icrm_cli.domain.requests.lifecycle import comment as add_comment

    _change(
        ctx,
        lambda s, p, a: add_comment(s, p, request_id, text=text, actor=a),
        lambda r, _clock: f"Comment added to request #{r.id}.",
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns from,to,title[,description,owner,priority,due].", metavar="FILE"
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, write nothing.")] = False,
) -> None:
    """Create many requests from a CSV file: all rows or none."""
    from icrm_cli.domain.requests.importer import import_requests
    from icrm_cli.output import emit_message
    from icrm_cli.output.progress import progress_bar
    from icrm_cli.wording import counted

    with progress_bar("Importing") as bar, session(ctx, write=True) as (sess, policy):
        result = import_requests(sess, policy, file, actor=state(ctx).who, dry_run=dry_run, progress=bar)
    if dry_run:
        emit_message(
            f"{file}: {counted(result.count, 'request')} would be imported (dry run, nothing written)"
        )
    else:
        ids = f"#{result.first_id}" if result.count == 1 else f"#{result.first_id}–#{result.last_id}"
        emit_message(f"{file}: imported {counted(result.count, 'request')} ({ids})")
