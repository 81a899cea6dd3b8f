"""`icrm inbox`: what needs me now (a team lead's morning)."""

from __future__ import annotations

import typer

from icrm_cli.cli.common import ShowFormat, ShowFormatOpt, output_options, session, state

TITLES = {
    "to_acknowledge": "To acknowledge",
    "overdue": "Overdue",
    "due_soon": "Due within 24 hours",
    "to_confirm": "Resolved, to confirm",
    "complaints": "Complaints",
    "escalations": "Escalations where you must act",
    "meetings": "Meetings today and tomorrow",
    "actions": "Action items",
}


def inbox(ctx: typer.Context, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """What needs you now: requests to act on, complaints, escalations, meetings and action items."""
    from icrm_cli.domain.inbox.sections import inbox as read_inbox
    from icrm_cli.output import emit_message, emit_object, emit_rows
    from icrm_cli.output.columns import INBOX_COLUMNS

    with session(ctx) as (sess, policy):
        clock = policy.clock
        found = read_inbox(sess, state(ctx).who, clock, clock.now())
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(found, opts)
        return
    shown = [(name, rows) for name, rows in found.items() if rows]
    if not shown:
        emit_message("Nothing needs you now.")
        return
    for name, rows in shown:
        emit_rows(rows, INBOX_COLUMNS[name], opts, title=f"{TITLES[name]} ({len(rows)})")
