"""What every command module shares: global state, sessions, output options."""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from icrm_cli.cli.usage import PlainHelpCommand

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.domain.access.identity import Identity
    from icrm_cli.domain.org.settings import Policy
    from icrm_cli.output import OutputOptions
    from icrm_cli.storage.engine import Database
    from icrm_cli.storage.plans import Reader


class CheckedCommand(PlainHelpCommand):
    """A command that refuses an empty value for any option that takes one (``--due ''`` used to
    mean the default), naming the option, before anything runs; its help names the arguments for
    a person (``ID``, ``FILE``: see cli/usage.py)."""

    def invoke(self, ctx: Any) -> Any:
        from icrm_cli.errors import InvalidValueError

        for param in self.params:
            if getattr(param, "param_type_name", "") != "option" or getattr(param, "is_flag", False):
                continue
            value = ctx.params.get(param.name or "")
            values = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(item, str) and not item.strip() for item in values):
                name = max(param.opts, key=len)
                raise InvalidValueError(f"{name} is empty: give a value, or leave the option out")
        return super().invoke(ctx)


WHOLE_SUMMARY = 10_000  # characters: a command's summary is wrapped in the listing, never cut short


class CheckedGroup(TyperGroup):
    """A command group whose listing shows each command's whole summary, wrapped (Click cuts it to
    the terminal width with "...")."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(WHOLE_SUMMARY)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class CheckedTyper(typer.Typer):
    """A Typer app whose commands are :class:`CheckedCommand` unless they say otherwise."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", CheckedCommand)
        return super().command(*args, **kwargs)


def command_group(help: str) -> typer.Typer:
    """The Typer app of a command group, with the root's settings.

    The root loads each group with ``typer.main.get_command(group_app)`` (see
    cli/app.py), so a group carries the settings ``add_typer`` would have passed
    down: plain help (no Rich markup), no completion options, no pretty tracebacks.
    """
    return CheckedTyper(
        cls=CheckedGroup,
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
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
]
ExcelOpt = Annotated[bool, typer.Option("--excel", help="CSV with a UTF-8 BOM for Excel.")]


def default_target() -> str:
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("icrm", appauthor=False))
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # owner-only whatever the umask: it holds the database
    return str(folder / "icrm.db")


@dataclass
class AppState:
    db: str | None = None
    actor: str | None = None
    actor_source: str = "--as"  # or ICRM_USER: how ``actor`` was given
    identity: Identity | None = None

    @property
    def target(self) -> str:
        """``--db`` / ``ICRM_DB``, else the default; an empty one is a mistake, not the default."""
        from icrm_cli.errors import InvalidValueError

        if self.db is None and os.environ.get("ICRM_DB") == "":
            raise InvalidValueError("ICRM_DB is set but empty: give a database path or URL, or unset it")
        if self.db is not None and not self.db.strip():
            raise InvalidValueError("--db is empty: give a database path or URL")
        target = self.db or default_target()
        from icrm_cli.output.sink import protect
        from icrm_cli.storage.targets import database_url, sqlite_path

        path = sqlite_path(database_url(target))
        if path is not None:
            protect(path)  # no -o onto the database in use
        return target

    @property
    def asked(self) -> str | None:
        """The name given with ``--as`` / ``ICRM_USER`` (checked: a blank or malformed one is an
        error, never the OS login), if any."""
        from icrm_cli.domain.text import clean_id

        if self.actor is None:
            return None
        return clean_id(self.actor, what=self.actor_source)

    @property
    def os_login(self) -> str:
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "unknown")

    @property
    def who(self) -> str:
        """The acting person (a person id, else the login), once the session established it."""
        if self.identity is not None:
            return self.identity.actor
        return self.asked or self.os_login

    def establish(self, executor: Session | Reader) -> Identity:
        """Who is acting, from the database login or ``--as``/``ICRM_USER``/the OS login."""
        from icrm_cli.domain.access.identity import establish

        self.identity = establish(
            executor, asked=self.asked, source=self.actor_source, os_login=self.os_login
        )
        return self.identity


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


@contextmanager
def database(
    ctx: typer.Context, *, create: bool = False, upgrade: bool = True, scratch: bool = False
) -> Iterator[Database]:
    """The database in use; only ``create`` (org apply, demo) makes a new one. With ``scratch``, a
    database that does not exist yet is stood in for by an empty one in a temporary folder (a dry
    run of the first ``org apply`` shows its changes and leaves no file behind)."""
    from icrm_cli.storage.engine import open_database
    from icrm_cli.storage.targets import database_url, sqlite_path

    target = state(ctx).target
    path = sqlite_path(database_url(target))
    with tempfile.TemporaryDirectory(prefix="icrm-") as folder:
        if scratch and path is not None and not path.exists():
            target, create = str(Path(folder) / "scratch.db"), True
        db = open_database(target, create=create, upgrade=upgrade)
        try:
            yield db
        finally:
            db.close()


@contextmanager
def session(
    ctx: typer.Context,
    *,
    write: bool = False,
    create: bool = False,
    scratch: bool = False,
    needs_org: bool = True,
) -> Iterator[tuple[Session, Policy]]:
    """One transaction with the org policy loaded; commits only if the block succeeds.

    Every command but ``org apply`` (``needs_org=False``) needs an organisation in the database.
    """
    from icrm_cli.domain.org.lookups import require_org
    from icrm_cli.domain.org.settings import load_policy

    with database(ctx, create=create, scratch=scratch) as db, db.session(write=write) as sess:
        if needs_org:
            require_org(sess)
        state(ctx).establish(sess)
        yield sess, load_policy(sess)


def allowed(ctx: typer.Context, db: Database, action: str, what: str) -> None:
    """Ask the access rules before a command that works on the whole database (db copy, db backup)."""
    from icrm_cli.domain.access.policy import Facts, require

    with db.session() as sess:
        require(sess, state(ctx).establish(sess).actor, action, Facts(object=what))


@contextmanager
def reading(ctx: typer.Context) -> Iterator[tuple[Reader, Policy]]:
    """One read transaction through a plan reader, with the org policy loaded.

    For read paths written as plans (the request list, the weekly report): on
    SQLite they run without loading SQLAlchemy (see ``storage/plans.py``).
    """
    from icrm_cli.domain.org.lookups import require_org
    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.domain.reading import open_reader

    with open_reader(state(ctx).target) as reader:
        require_org(reader)
        if reader.dialect == "postgresql":  # a server login may not read as someone else either
            state(ctx).establish(reader)  # through plans: the ORM costs more than the whole read
        yield reader, load_policy(reader)


def output_options(
    policy: Policy, fmt: Enum | str = "table", output: Path | None = None, excel: bool = False
) -> OutputOptions:
    from icrm_cli.output import OutputOptions

    value = fmt.value if isinstance(fmt, Enum) else fmt
    return OutputOptions(fmt=str(value), output=output, excel=excel, clock=policy.clock)
