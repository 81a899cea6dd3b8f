"""Help names every argument for a person (``ID``, ``FILE``, ``PERSON...``), never by a Python type.

Issue 16: the usage line showed ``{ID}`` and the Arguments section ``ID <int>``,
``file <path>``, ``PERSON... <list[str]>``. Every command's ``--help`` is read here
as a person reads it, through the command line (icrm_cli/cli/usage.py writes it).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from icrm_cli.cli.usage import PlainHelpCommand
from tests.conftest import Cli, command_tree

TREE = command_tree()
# A Python type or Typer's braces where a person's word belongs: <int>, <path>, <list[str]>, {ID}.
PLACEHOLDER = re.compile(r"<\w[\w\[\], ]*>|[{}]|list\[")
PERSONS_WORD = re.compile(r"[A-Z][A-Z_]*(\.\.\.)?")


def usage(text: str) -> str:
    """The usage line (with any continuation lines), without ``Usage:``."""
    block = text.split("Usage:", 1)[1].split("\n\n", 1)[0]
    return " ".join(block.split())


def argument_lines(text: str) -> list[str]:
    """The lines of the Arguments section (none when the command takes no argument)."""
    if "\nArguments:\n" not in text:
        return []
    return text.split("\nArguments:\n", 1)[1].split("\n\n", 1)[0].splitlines()


def argument_rows(text: str) -> list[str]:
    return [line.strip() for line in argument_lines(text)]


def argument_names(text: str) -> list[str]:
    """The name column of the Arguments section (a wrapped help line is indented further)."""
    return [line.split()[0] for line in argument_lines(text) if line[2:3] != " "]


def arguments(path: tuple[str, ...]) -> list[Any]:
    return [param for param in TREE[path].params if param.param_type_name == "argument"]


@pytest.mark.parametrize("path", list(TREE), ids=lambda path: " ".join(path) or "icrm")
def test_help_shows_no_python_type_for_an_argument(cli: Cli, path: tuple[str, ...]) -> None:
    shown = cli.ok(*path, "--help").stdout
    line, rows = usage(shown), argument_rows(shown)
    assert not PLACEHOLDER.search(line), line
    assert not [row for row in rows if PLACEHOLDER.search(row)], rows
    names = argument_names(shown)
    assert len(names) == len(arguments(path))
    for name in names:
        assert PERSONS_WORD.fullmatch(name), name
        assert line.endswith(name) or f" {name} " in line, (name, line)


@pytest.mark.parametrize("path", [path for path in TREE if arguments(path)], ids=" ".join)
def test_every_argument_is_declared_with_a_persons_word(path: tuple[str, ...]) -> None:
    for param in arguments(path):
        assert param.metavar and PERSONS_WORD.fullmatch(param.metavar), (path, param.name)


def test_request_show_names_its_id(cli: Cli) -> None:
    shown = cli.ok("request", "show", "--help").stdout
    assert shown.startswith("Usage: icrm request show [OPTIONS] ID\n")
    assert argument_rows(shown) == ["ID  Request id.  [required]"]


def test_several_arguments_and_several_values(cli: Cli) -> None:
    shown = cli.ok("meeting", "attend", "--help").stdout
    assert usage(shown) == "icrm meeting attend [OPTIONS] ID PERSON..."
    assert argument_rows(shown) == [
        "ID         Meeting id.  [required]",
        "PERSON...  Person ids.  [required]",
    ]
    shown = cli.ok("request", "comment", "--help").stdout
    assert usage(shown) == "icrm request comment [OPTIONS] ID TEXT"
    assert argument_rows(shown) == ["ID    Request id.  [required]", "TEXT  The comment.  [required]"]
    assert argument_rows(cli.ok("org", "apply", "--help").stdout) == [
        "FILE  The org file (YAML).  [required]"
    ]


def test_a_usage_error_shows_the_same_usage_line(cli: Cli) -> None:
    result = cli("request", "show")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: icrm request show [OPTIONS] ID\n")
    assert "Missing argument 'ID'" in result.stderr


def test_optional_arguments_are_in_brackets() -> None:
    app = typer.Typer(rich_markup_mode=None, add_completion=False)

    @app.command(cls=PlainHelpCommand)
    def main(
        name: Annotated[str, typer.Argument(help="Whose.", metavar="NAME")] = "all",
        files: Annotated[list[str] | None, typer.Argument(help="Which.")] = None,
    ) -> None:
        """Optional arguments."""

    shown = CliRunner().invoke(app, ["--help"], prog_name="tool").stdout
    assert usage(shown) == "tool [OPTIONS] [NAME] [FILES...]"
    assert argument_names(shown) == ["NAME", "FILES..."]
    rows = argument_rows(shown)
    assert rows[0].startswith("NAME      Whose.") and rows[1].startswith("FILES...  Which.")
    assert not [row for row in rows if PLACEHOLDER.search(row)], rows
