"""`icrm db`: where the database is, whether it is healthy, and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icrm_cli.cli.common import command_group, database, state

app = command_group(help="The database: path, health check, backup.")


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the database target in use."""
    from icrm_cli.output import emit_message

    emit_message(state(ctx).target)


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Integrity check, foreign keys and schema version; exit 1 if anything is wrong."""
    from icrm_cli.errors import DatabaseError
    from icrm_cli.output import emit_message
    from icrm_cli.services.maintenance import check as run_check

    with database(ctx) as db:
        result = run_check(db)
    emit_message(f"database:     {result.target}")
    emit_message(
        f"schema:       {result.schema_version}"
        + (f" (pending: {', '.join(result.pending)})" if result.pending else " (current)")
    )
    emit_message(f"integrity:    {result.integrity}")
    problems = result.foreign_key_problems
    emit_message(f"foreign keys: {f'{problems} problems' if problems else 'ok'}")
    if not result.ok:
        raise DatabaseError("database check failed")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy.", dir_okay=False)],
) -> None:
    """Online backup, safe while others write."""
    from icrm_cli.output import emit_message
    from icrm_cli.services.maintenance import backup as run_backup

    with database(ctx) as db:
        size = run_backup(db, file)
    emit_message(f"Backed up {_shown(state(ctx).target)} to {_shown(file)} ({size} bytes).")


def _shown(path: object) -> str:
    """A path as printable text, even when its name is not valid UTF-8."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
