"""What every command module shares: global state, sessions, output options."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.output import OutputOptions
    from icrm_cli.services.policy import Policy
    from icrm_cli.storage.engine import Database
    from icrm_cli.storage.plans import Reader


def command_group(help: str) -> typer.Typer:
    """The Typer app of a command group, with the root's settings.

    The root loads each group with ``typer.main.get_command(group_app)`` (see
    cli/app.py), so a group carries the settings ``add_typer`` would have passed
    down: plain help (no Rich markup), no completion options, no pretty tracebacks.
    """
    return typer.Typer(
        help=help,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


class DocFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


ListFormatOpt = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]
ShowFormatOpt = Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")]
DocFormatOpt = Annotated[DocFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE instead of stdout.", dir_okay=False),
]
ExcelOpt = Annotated[bool, typer.Option("--excel", help="CSV with a UTF-8 BOM for Excel.")]


def default_target() -> str:
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("icrm", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "icrm.db")


@dataclass
class AppState:
    db: str | None = None
    actor: str | None = None

    @property
    def target(self) -> str:
        """``--db`` / ``ICRM_DB``, else the default; an empty one is a mistake, not the default."""
        from icrm_cli.errors import InvalidValueError

        if self.db is None and os.environ.get("ICRM_DB") == "":
            raise InvalidValueError("ICRM_DB is set but empty: give a database path or URL, or unset it")
        if self.db is not None and not self.db.strip():
            raise InvalidValueError("--db is empty: give a database path or URL")
        return self.db or default_target()

    @property
    def who(self) -> str:
        if self.actor and self.actor.strip():
            return self.actor.strip()
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "unknown")


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


@contextmanager
def database(ctx: typer.Context) -> Iterator[Database]:
    from icrm_cli.storage.engine import open_database

    db = open_database(state(ctx).target)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def session(ctx: typer.Context, *, write: bool = False) -> Iterator[tuple[Session, Policy]]:
    """One transaction with the org policy loaded; commits only if the block succeeds."""
    from icrm_cli.services.policy import load_policy

    with database(ctx) as db, db.session(write=write) as sess:
        yield sess, load_policy(sess)


@contextmanager
def reading(ctx: typer.Context) -> Iterator[tuple[Reader, Policy]]:
    """One read transaction through a plan reader, with the org policy loaded.

    For read paths written as plans (the request list, the weekly report): on
    SQLite they run without loading SQLAlchemy (see ``storage/plans.py``).
    """
    from icrm_cli.services.policy import load_policy
    from icrm_cli.storage.readers import open_reader

    with open_reader(state(ctx).target) as reader:
        yield reader, load_policy(reader)


def output_options(
    policy: Policy, fmt: Enum | str = "table", output: Path | None = None, excel: bool = False
) -> OutputOptions:
    from icrm_cli.output import OutputOptions

    value = fmt.value if isinstance(fmt, Enum) else fmt
    return OutputOptions(fmt=str(value), output=output, excel=excel, clock=policy.clock)
