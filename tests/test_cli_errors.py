"""Usage and input errors as a person meets them (issue 16, items 5, 12 and 13)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "new", "--from", "SALES", "--to", "IT", "--title", "x", "--due", ""],
        ["request", "new", "--from", "SALES", "--to", "IT", "--title", "x", "--owner", " "],
        ["request", "list", "--search", ""],
        ["meeting", "new", "--title", "周会", "--at", "tomorrow", "--dept", ""],
        ["report", "weekly", "--dept", ""],
    ],
    ids=["due", "owner", "search", "dept-list", "report-dept"],
)
def test_an_empty_value_is_an_error_naming_the_option(cli: Cli, org: object, argv: list[str]) -> None:
    option = next(arg for arg, value in pairwise(argv) if not value.strip())
    result = cli.fails(*argv)
    assert result.stderr.strip() == f"Error: {option} is empty: give a value, or leave the option out"
    assert cli.ok("request", "list", "--format", "csv").stdout.count("\n") == 1  # nothing written


def test_a_missing_required_option_exits_2(cli: Cli, org: object) -> None:
    result = cli.fails("feedback", "give", "--to", "IT", "--score", "3", code=2)
    assert "--from" in result.stderr and "--request" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["org", "apply"], ["request", "import"], ["feedback", "survey", "import"]],
)
def test_a_missing_file_and_a_directory_both_exit_1(
    cli: Cli, org: object, tmp_path: Path, argv: list[str]
) -> None:
    assert "no such file" in cli.fails(*argv, str(tmp_path / "missing.file")).stderr
    assert "directory" in cli.fails(*argv, str(tmp_path)).stderr


def test_a_directory_as_an_output_file_exits_1(cli: Cli, org: object, tmp_path: Path) -> None:
    assert "directory" in cli.fails("db", "backup", str(tmp_path), actor="wang.qiang").stderr  # an admin
    assert "directory" in cli.fails("report", "weekly", "-o", str(tmp_path)).stderr


def test_a_bad_import_is_one_error_line_then_the_problems(cli: Cli, org: object, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("from,to,title\nSALES,NOPE,x\nSALES,IT,\n", encoding="utf-8")
    lines = cli.fails("request", "import", str(path)).stderr.splitlines()
    assert lines == [
        f"Error: {path}: 2 problems; nothing imported",
        "  line 2: unknown department 'NOPE' in column 'to'",
        "  line 3: the title must not be empty",
    ]


def test_a_choice_error_has_no_validator_wording(cli: Cli, org: object) -> None:
    result = cli.fails("request", "list", "--status", "done", code=2)
    assert "'done' is not one of 'open'" in result.stderr and "Value error" not in result.stderr


def test_help_names_what_an_option_takes(cli: Cli) -> None:
    shown = cli.ok("request", "new", "--help").stdout + cli.ok("meeting", "new", "--help").stdout
    assert "--from DEPT" in shown and "--due WHEN" in shown and "--dept DEPT" in shown
    assert "<str>" not in shown and "list[str]" not in shown
