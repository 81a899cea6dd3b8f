"""`icrm notify`: tell each person and department channel what is new for them, once (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from icrm_cli.cli.common import ShowFormat, ShowFormatOpt, allowed, database, output_options

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="Consider events from WHEN [default: over the last run, or 24h on the first].",
    ),
]


def notify(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    since: SinceOpt = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Send each person and department channel a digest of what needs them (mail, WeCom, DingTalk...)."""
    from icrm_cli.domain.notify.run import DeliveryError, run
    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.output import Column, emit_rows, emit_text

    with database(ctx) as db:
        with db.session() as sess:
            policy = load_policy(sess)
        if not dry_run:  # an unattended job: people of the org file and services
            allowed(ctx, db, "notify", "notices")
        clock = policy.clock
        start = clock.parse(since, what="--since") if since else None
        result = run(db, now=clock.now(), since=start, dry_run=dry_run)
    opts = output_options(policy, fmt)
    rows = [d.row() for d in result.digests + result.expired]
    if opts.fmt == "json":
        if rows:
            emit_rows(rows, (), opts)
    elif dry_run:
        text = "".join(
            f"→ {row['recipient']} via {row['channel']} ({len(row['notices'])} notices)\n"
            f"  {row['title']}\n" + "".join(f"  {line}\n" for line in row["body"].splitlines()) + "\n"
            for row in rows
        )
        if text:
            emit_text(text.rstrip("\n"), opts)
    elif rows:
        columns = (
            Column("recipient"),
            Column("channel"),
            Column("count", "notices", kind="int"),
            Column("status"),
        )
        emit_rows([{**row, "count": len(row["notices"])} for row in rows], columns, opts)
    failures = result.failure_lines()
    if failures:
        raise DeliveryError(failures)
