"""`icrm db`: where the database is, whether it is healthy, backups, and copying it elsewhere."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from icrm_cli.cli.common import allowed, command_group, database, state
from icrm_cli.wording import counted

app = command_group(help="The database: path, health check, backup, copy.")


class CopyFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the database target in use (a URL's password shown as ***)."""
    from icrm_cli.output import emit_message
    from icrm_cli.storage.targets import shown

    emit_message(shown(state(ctx).target))


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Integrity check, foreign keys and schema version; exit 1 if anything is wrong."""
    from icrm_cli.errors import DatabaseError
    from icrm_cli.output import emit_message
    from icrm_cli.storage.maintenance import check as run_check

    with database(ctx, upgrade=False) as db:  # a check changes nothing, not even the schema
        result = run_check(db)
    emit_message(f"database:     {result.target}")
    emit_message(
        f"schema:       {result.schema_version}"
        + (
            f" (upgrade pending: {', '.join(result.pending)}; the next command that writes applies it)"
            if result.pending
            else " (current)"
        )
    )
    if result.foreign_objects:
        emit_message(f"not icrm's:   {', '.join(result.foreign_objects)}")
    emit_message(f"integrity:    {result.integrity}")
    problems = result.foreign_key_problems
    emit_message(f"foreign keys: {f'{problems} problems' if problems else 'ok'}")
    if not result.ok:
        raise DatabaseError("database check failed")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy.", metavar="FILE")],
) -> None:
    """Online backup, safe while others write (SQLite; on PostgreSQL use pg_dump)."""
    from icrm_cli.errors import InvalidValueError
    from icrm_cli.output import emit_message
    from icrm_cli.storage.maintenance import backup as run_backup
    from icrm_cli.storage.targets import database_url, is_postgres, server_of

    url = database_url(state(ctx).target)
    if is_postgres(url):
        host, name = server_of(url)
        raise InvalidValueError(
            f"db backup copies SQLite files; back up PostgreSQL database {name!r} on {host} "
            f"with pg_dump (e.g. pg_dump -Fc -f {_shown(file)} {name})"
        )
    with database(ctx, upgrade=False) as db:
        allowed(ctx, db, "db backup", "the database")
        size = run_backup(db, file)
    emit_message(f"Backed up {_shown(db.target)} to {_shown(file)} ({size} bytes).")


@app.command("copy")
def copy(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="An empty database: a SQLite file or a URL.", metavar="TARGET")
    ],
    fmt: Annotated[CopyFormat, typer.Option("--format", "-f", help="Output format.")] = CopyFormat.table,
) -> None:
    """Copy the whole database in use into an empty TARGET (file or URL), ids kept."""
    import json

    from icrm_cli.output import emit_message
    from icrm_cli.storage.copy import copy_database

    if not target.strip():
        from icrm_cli.errors import InvalidValueError

        raise InvalidValueError("TARGET is empty: give a database path or URL")
    from icrm_cli.output.progress import progress_bar

    with database(ctx) as db:
        allowed(ctx, db, "db copy", "the database")
        with progress_bar("Copying rows") as bar:
            copied = copy_database(db, target, progress=bar.advance)
    if fmt is CopyFormat.json:
        emit_message(json.dumps([{"table": c.table, "rows": c.rows} for c in copied], ensure_ascii=False))
        return
    width = max(len(c.table) for c in copied)
    for c in copied:
        emit_message(f"{c.table:<{width}}  {c.rows:>10}")
    from icrm_cli.storage.targets import shown

    total = sum(c.rows for c in copied)
    emit_message(f"Copied {counted(total, 'row')} in {counted(len(copied), 'table')} into {shown(target)}.")


def _shown(path: object) -> str:
    """A path as printable text, even when its name is not valid UTF-8."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
