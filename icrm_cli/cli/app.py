"""The root command: global options, the command groups, and the one error handler.

Only Typer and light modules are imported here, so ``icrm --help`` stays fast;
commands import the domain layer and storage when they run. The command groups
are imported and turned into Click groups only when used (``icrm report weekly``
builds the ``report`` group alone, not the ~100 commands of all groups).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from icrm_cli import __version__
from icrm_cli.cli import demo as demo_cli
from icrm_cli.cli import whoami as whoami_cli
from icrm_cli.cli.coercion import install as install_plain_coercion
from icrm_cli.cli.common import AppState
from icrm_cli.errors import IcrmError

# The command groups in help order: name -> module whose ``app`` is the group's Typer.
GROUPS = {
    "org": "icrm_cli.cli.org",
    "request": "icrm_cli.cli.request",
    "meeting": "icrm_cli.cli.meeting",
    "feedback": "icrm_cli.cli.feedback",
    "escalate": "icrm_cli.cli.escalate",
    "report": "icrm_cli.cli.report",
    "db": "icrm_cli.cli.db",
}


def _debug() -> bool:
    return os.environ.get("ICRM_DEBUG", "") not in ("", "0")


def _fail(lines: list[str], code: int) -> typer.Exit:
    for line in lines:
        sys.stderr.write(f"Error: {line}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def _is_cli_exception(exc: Exception) -> bool:
    """Usage errors, exits and aborts belong to Click/Typer, which report them (exit 2 etc.)."""
    return type(exc).__module__.split(".")[0] in ("click", "typer")


def _group_info(name: str) -> Any:
    from typer.models import TyperInfo

    return TyperInfo(importlib.import_module(GROUPS[name]).app, name=name)


def _build_group(name: str) -> Any:
    """The Click group of one command group, built as ``app.add_typer(module.app, name=name)`` would."""
    from typer.main import get_group_from_info

    return get_group_from_info(
        _group_info(name),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )


def _group_summary(name: str) -> Any:
    """A stand-in with the group's name and help only: enough for the command list of ``icrm --help``."""
    from typer.main import solve_typer_info_defaults

    solved = solve_typer_info_defaults(_group_info(name))
    return TyperGroup(
        name=name,
        help=solved.help,
        short_help=solved.short_help,
        hidden=solved.hidden,
        deprecated=solved.deprecated,
    )


class LazyCommands(MutableMapping[str, Any]):
    """The root's sub-commands: a group is imported and built on first lookup.

    Looking up one name (what running a command does) builds that group only;
    iterating the names does not build anything; reading every value (``--help``,
    tests walking the tree) builds them all.
    """

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built: dict[str, Any] = dict(built)
        self._names = [*self._built, *(name for name in GROUPS if name not in self._built)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in GROUPS:
                raise KeyError(name)
            self._built[name] = _build_group(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def summary(self, name: str) -> Any:
        """The command if built, else a stand-in for listing it (see :func:`_group_summary`)."""
        if name in self._built or name not in GROUPS:
            return self._built.get(name)
        return _group_summary(name)

    def __len__(self) -> int:
        return len(self._names)


class IcrmGroup(TyperGroup):
    """Maps every error raised by a command to one ``Error:`` line and an exit code.

    Its sub-commands are a :class:`LazyCommands`: a command group is built when
    it is used, and ``icrm --help`` lists the groups from their help texts alone.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names; nothing is built

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and isinstance(self.commands, LazyCommands):
            return self.commands.summary(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True  # `icrm --help` lists the groups without building their commands
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except IcrmError as exc:
            if _debug():
                raise
            raise _fail(exc.lines(), exc.exit_code) from None
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            raise _fail(["interrupted; nothing was changed"], 130) from None
        except Exception as exc:
            if _debug() or _is_cli_exception(exc):
                raise
            message = f"unexpected {type(exc).__name__}: {exc} (run with ICRM_DEBUG=1 for details)"
            raise _fail([message], 1) from None


app = typer.Typer(
    cls=IcrmGroup,
    name="icrm",
    help="Internal customer relationship management: keep cross-department work honest.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("demo")(demo_cli.demo)
app.command("whoami")(whoami_cli.whoami)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"icrm {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="ICRM_DB",
            metavar="TARGET",
            help="SQLite file or SQLAlchemy URL [default: icrm.db in the user data directory].",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="ICRM_USER",
            metavar="PERSON",
            help="Who is acting (a person id or login) [default: your login name; "
            "on PostgreSQL the database login].",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Internal customer relationship management: keep cross-department work honest."""
    given = ctx.get_parameter_source("actor")
    source = "ICRM_USER" if getattr(given, "name", None) == "ENVIRONMENT" else "--as"
    ctx.obj = AppState(db=db, actor=actor, actor_source=source)


# Plain values (text, numbers, flags, paths, choices) are coerced without importing pydantic.
install_plain_coercion()


def main() -> None:
    app(prog_name="icrm")
