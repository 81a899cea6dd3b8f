"""Shell completion values from the database in use: department codes, person ids, open requests.

Typer calls these while the shell completes a word (``icrm --install-completion``
sets that up). They read the database the command line names (``--db``, else
``ICRM_DB``, else the default file) through :mod:`icrm_cli.domain.completion`,
read-only: completing never creates, upgrades or locks a database, never
imports SQLAlchemy, and never prints an error; anything that goes wrong (no such
file, not a database, an old schema, a PostgreSQL URL) completes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import typer

Values = list[tuple[str, str]]


def _target(ctx: typer.Context) -> Path | None:
    from icrm_cli.storage.peek import sqlite_file

    given = ctx.find_root().params.get("db") or os.environ.get("ICRM_DB")
    if given:
        return sqlite_file(str(given))
    from platformdirs import user_data_dir  # the default file, without creating its folder

    return Path(user_data_dir("icrm", appauthor=False)) / "icrm.db"


def _quietly(ctx: typer.Context, typed: str, values: Callable[[Path, str], Values]) -> Values:
    try:
        path = _target(ctx)
        return values(path, typed) if path is not None else []
    except Exception:  # completion must stay silent, whatever happens
        return []


def department_codes(ctx: typer.Context, incomplete: str) -> Values:
    from icrm_cli.domain import completion

    return _quietly(ctx, incomplete, completion.department_codes)


def person_ids(ctx: typer.Context, incomplete: str) -> Values:
    from icrm_cli.domain import completion

    return _quietly(ctx, incomplete, completion.person_ids)


def open_request_ids(ctx: typer.Context, incomplete: str) -> Values:
    from icrm_cli.domain import completion

    return _quietly(ctx, incomplete, completion.open_request_ids)
