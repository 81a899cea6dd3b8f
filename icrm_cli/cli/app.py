"""The root command: global options, the command groups, and the one error handler.

Only Typer and light modules are imported here, so ``icrm --help`` stays fast;
commands import the domain layer and storage when they run. The command groups
are loaded lazily with Click's documented pattern ("Lazily loading subcommands"):
the root group's ``list_commands`` names them and its ``get_command`` imports a
group's module and turns its Typer app into a command with Typer's public
``typer.main.get_command``. ``icrm report weekly`` builds the ``report`` group
alone, not the ~100 commands of all groups; ``icrm --help`` lists the groups
from :data:`GROUPS` without importing any of them.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from icrm_cli import __version__
from icrm_cli.cli import complete
from icrm_cli.cli import demo as demo_cli
from icrm_cli.cli import inbox as inbox_cli
from icrm_cli.cli import notify as notify_cli
from icrm_cli.cli import whoami as whoami_cli
from icrm_cli.cli.common import WHOLE_SUMMARY, AppState, CheckedTyper
from icrm_cli.errors import IcrmError

# The command groups in help order: name -> (module whose ``app`` is the group's Typer, the group's help).
# The help text is the one given to the group's ``typer.Typer(help=...)`` (a test keeps them equal):
# ``icrm --help`` lists the groups from here without importing their modules.
GROUPS: dict[str, tuple[str, str]] = {
    "org": ("icrm_cli.cli.org", "Departments, people, SLA and escalation rules from the org file."),
    "request": ("icrm_cli.cli.request", "Requests between departments (内部联络单) and their lifecycle."),
    "meeting": (
        "icrm_cli.cli.meeting",
        "Cross-department meetings (例会): agenda, minutes, action items, reminders, invites.",
    ),
    "feedback": (
        "icrm_cli.cli.feedback",
        "Feedback between departments: ratings, thanks, expectations, complaints, surveys.",
    ),
    "escalate": (
        "icrm_cli.cli.escalate",
        "Escalation ladder: 1 interface contacts, 2 department heads, 3 arbitration by the common superior.",
    ),
    "report": ("icrm_cli.cli.report", "The weekly report and data exports."),
    "db": ("icrm_cli.cli.db", "The database: path, health check, backup, copy."),
    "calendar": ("icrm_cli.cli.calendar", "The working calendar: which days are worked, and why."),
}

# The groups built so far in this process (a command, or a test session, builds each one once).
_BUILT: dict[str, Any] = {}


def _debug() -> bool:
    return os.environ.get("ICRM_DEBUG", "") not in ("", "0")


def _fail(lines: list[str], code: int) -> typer.Exit:
    """One ``Error:`` line (the first), then any details indented under it; nothing in them can act
    on a terminal."""
    from icrm_cli.safe_text import visible_one_line

    for index, line in enumerate(lines):
        sys.stderr.write(("Error: " if index == 0 else "  ") + visible_one_line(line) + "\n")
    sys.stderr.flush()
    return typer.Exit(code)


def _plain_message(exc: Exception) -> None:
    """A usage error's message without the validator's wording (Typer checks values with pydantic)."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and "Value error, " in message:
        exc.message = message.replace("Value error, ", "")  # type: ignore[attr-defined]


def _is_cli_exception(exc: Exception) -> bool:
    """Usage errors, exits and aborts belong to Click/Typer, which report them (exit 2 etc.)."""
    return type(exc).__module__.split(".")[0] in ("click", "typer")


def load_group(name: str) -> Any:
    """The Click command of one command group: its module imported, its Typer app turned into a command."""
    if name not in _BUILT:
        module, _help = GROUPS[name]
        command = typer.main.get_command(importlib.import_module(module).app)
        command.name = name
        _BUILT[name] = command
    return _BUILT[name]


class IcrmGroup(TyperGroup):
    """The root group: lazily loaded command groups, and one error handler.

    Every error raised by a command is mapped to one ``Error:`` line and an exit
    code. The command groups of :data:`GROUPS` are loaded on first use (see the
    module text); ``icrm --help`` lists them from their help texts alone.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in GROUPS if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in GROUPS and cmd_name not in self.commands:
            return load_group(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of ``icrm --help`` as Click writes it, without loading the groups."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = WHOLE_SUMMARY  # wrapped by the formatter, never cut off with "..."
        rows = []
        for name in names:
            command = self.commands.get(name) or _BUILT.get(name)
            if command is None:  # not loaded: a stand-in with the group's help is enough to list it
                command = TyperGroup(name=name, help=GROUPS[name][1])
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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
                _plain_message(exc)
                raise
            message = f"unexpected {type(exc).__name__}: {exc} (run with ICRM_DEBUG=1 for details)"
            raise _fail([message], 1) from None


app = CheckedTyper(
    cls=IcrmGroup,
    name="icrm",
    help="Internal customer relationship management: keep cross-department work honest.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (values: cli/complete.py)
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("demo")(demo_cli.demo)
app.command("inbox")(inbox_cli.inbox)
app.command("notify")(notify_cli.notify)
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
            autocompletion=complete.person_ids,
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


def main() -> None:
    app(prog_name="icrm")
