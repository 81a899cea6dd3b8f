"""The root command: global options, the command groups, and the one error handler.

Only Typer and light modules are imported here, so ``icrm --help`` stays fast;
commands import the domain layer and storage when they run.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from icrm_cli import __version__
from icrm_cli.cli import db as db_cli
from icrm_cli.cli import demo as demo_cli
from icrm_cli.cli import escalate as escalate_cli
from icrm_cli.cli import feedback as feedback_cli
from icrm_cli.cli import meeting as meeting_cli
from icrm_cli.cli import org as org_cli
from icrm_cli.cli import report as report_cli
from icrm_cli.cli import request as request_cli
from icrm_cli.cli.common import AppState
from icrm_cli.errors import IcrmError


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


class IcrmGroup(TyperGroup):
    """Maps every error raised by a command to one ``Error:`` line and an exit code."""

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
app.add_typer(org_cli.app, name="org")
app.add_typer(request_cli.app, name="request")
app.add_typer(meeting_cli.app, name="meeting")
app.add_typer(feedback_cli.app, name="feedback")
app.add_typer(escalate_cli.app, name="escalate")
app.add_typer(report_cli.app, name="report")
app.add_typer(db_cli.app, name="db")
app.command("demo")(demo_cli.demo)


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
            help="Who is acting (a person id) [default: your login name].",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Internal customer relationship management: keep cross-department work honest."""
    ctx.obj = AppState(db=db, actor=actor)


def main() -> None:
    app(prog_name="icrm")
