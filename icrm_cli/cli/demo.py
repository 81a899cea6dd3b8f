"""`icrm demo`: a realistic example database to explore icrm with."""

from __future__ import annotations

from typing import Annotated

import typer

from icrm_cli.cli.common import database, state


def demo(
    ctx: typer.Context,
    requests: Annotated[
        int,
        typer.Option("--requests", metavar="N", min=1, max=5_000_000, help="How many requests to generate."),
    ] = 3000,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Random seed: the same seed gives the same history.")
    ] = 7,
    no_report: Annotated[bool, typer.Option("--no-report", help="Only build the data.")] = False,
) -> None:
    """Fill the database with the example org and a few months of realistic activity."""
    import sys

    from icrm_cli.cli.report import print_weekly_report
    from icrm_cli.demo import run_demo
    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.output.progress import progress_bar

    with database(ctx, create=True) as db:
        with progress_bar("Demo") as bar:
            result = run_demo(db, requests=requests, seed=seed, actor=state(ctx).who, progress=bar)
        if result.created:
            sys.stderr.write(f"Demo data written to {db.target}: {result.describe()}\n")
        else:
            sys.stderr.write(f"{db.target} already holds the demo data; nothing added.\n")
        if no_report:
            return
        with db.session() as sess:
            print_weekly_report(sess, load_policy(sess))
