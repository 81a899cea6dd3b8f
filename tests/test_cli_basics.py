"""The command line itself: version, help, usage errors, db path/check, demo, lazy imports."""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from icrm_cli import __version__
from icrm_cli.cli.app import GROUPS, load_group
from tests.conftest import Cli


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env or dict(os.environ), timeout=120
    )


def test_version(cli: Cli) -> None:
    assert cli.ok("--version").stdout.strip() == f"icrm {__version__}"


def test_python_dash_m_help() -> None:
    result = run("-m", "icrm_cli", "--help")
    assert result.returncode == 0, result.stderr
    for group in ("org", "request", "db", "demo"):
        assert group in result.stdout
    assert "\x1b[" not in result.stdout


def test_console_script_version() -> None:
    result = subprocess.run(["icrm", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["--nope"],
        ["nosuchcommand"],
        ["request", "list", "--nope"],
        ["request", "list", "--limit", "abc"],
        ["request", "list", "--format", "xml"],
        ["request", "new", "--from", "SALES"],
        ["request", "new", "--from", "SALES", "--to", "IT", "--title", "x", "--priority", "extreme"],
        ["request", "ack"],
        ["request", "ack", "abc"],
        ["request", "resolve", "1"],
        ["org", "apply"],
        ["org", "show", "--format", "yaml"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, argv: list[str], db_path: Path) -> None:
    result = cli(*argv)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert not db_path.exists()  # a usage error does not even open the database


def test_domain_error_one_line(cli: Cli, org: object) -> None:
    result = cli.fails("request", "show", "42")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")
    assert result.stdout == ""


def test_debug_shows_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "ICRM_DB": str(tmp_path / "d.db"), "ICRM_DEBUG": "1"}
    result = run("-m", "icrm_cli", "request", "show", "42", env=env)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    env.pop("ICRM_DEBUG")
    result = run("-m", "icrm_cli", "request", "show", "42", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("Error:")


def test_db_path(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    assert cli.ok("db", "path").stdout.strip() == str(db_path)
    other = tmp_path / "其他.db"
    assert cli.ok("--db", str(other), "db", "path").stdout.strip() == str(other)
    assert not other.exists()  # printing the path does not create the database


def test_db_check(cli: Cli, org: object, db_path: Path) -> None:
    out = cli.ok("db", "check").stdout
    assert "integrity:    ok" in out
    assert "foreign keys: ok" in out
    assert "(current)" in out
    assert str(db_path) in out


def test_db_option_and_url(cli: Cli, org_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "via-url.db"
    cli.ok("--db", f"sqlite:///{target}", "org", "apply", str(org_file))
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM department").fetchone()[0] >= 8
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_db_target(cli: Cli, tmp_path: Path) -> None:
    result = cli.fails("--db", str(tmp_path / "missing-dir" / "x.db"), "org", "show")
    assert "missing-dir" in result.stderr
    cli.fails("--db", str(tmp_path), "org", "show")


def _request_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM request").fetchone()[0])


def test_demo_twice_does_not_double(cli: Cli, db_path: Path) -> None:
    first = cli.ok("demo", "--requests", "60", "--no-report")
    assert "Demo data written" in first.stderr
    count = _request_count(db_path)
    assert count >= 60  # meeting action items are requests too
    listed = json.loads(cli.ok("request", "list", "--all", "--format", "json").stdout)
    statuses = {row["status"] for row in listed}
    assert "closed" in statuses and len(statuses) >= 4
    second = cli.ok("demo", "--requests", "60", "--no-report")
    assert "nothing added" in second.stderr
    assert _request_count(db_path) == count
    assert "(current)" in cli.ok("db", "check").stdout


def test_demo_refuses_other_data(cli: Cli, org: object, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        before = list(conn.iterdump())
    result = cli.fails("demo", "--requests", "10", "--no-report")
    assert "other data" in result.stderr
    with sqlite3.connect(db_path) as conn:
        assert list(conn.iterdump()) == before


HEAVY = ("sqlalchemy", "sqlmodel", "rich.table")
PROBE = """
import sys
sys.argv = ["icrm", *{argv!r}]
from icrm_cli.cli.app import main
try:
    main()
except SystemExit:
    pass
heavy = [name for name in {heavy!r} if name in sys.modules]
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
"""


@pytest.mark.parametrize("argv", [["--help"], ["request", "--help"], ["org", "--help"], ["--version"]])
def test_help_does_not_import_heavy_modules(argv: list[str]) -> None:
    result = run("-c", PROBE.format(argv=argv, heavy=HEAVY))
    assert result.returncode == 0, result.stderr
    assert "HEAVY=\n" in result.stderr, result.stderr


def test_help_importtime() -> None:
    result = run("-X", "importtime", "-m", "icrm_cli", "--help")
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "typer" in imported  # the probe works
    for name in HEAVY:
        assert name not in imported


def test_root_help_loads_no_command_group() -> None:
    """``icrm --help`` lists the groups from app.GROUPS; ``icrm org --help`` loads ``org`` alone."""
    groups = tuple(module for module, _help in GROUPS.values())
    result = run("-c", PROBE.format(argv=["--help"], heavy=groups))
    assert "HEAVY=\n" in result.stderr, result.stderr
    result = run("-c", PROBE.format(argv=["org", "--help"], heavy=groups))
    assert "HEAVY=icrm_cli.cli.org\n" in result.stderr, result.stderr


@pytest.mark.parametrize("name", list(GROUPS))
def test_root_help_shows_each_groups_own_help(name: str) -> None:
    """The help texts in app.GROUPS are the ones the groups' Typer apps declare."""
    module, text = GROUPS[name]
    assert typer.main.get_command(importlib.import_module(module).app).help == text
    assert load_group(name).name == name


def test_root_help_lists_the_groups_as_click_would(cli: Cli) -> None:
    """The listing from app.GROUPS equals Click's own, made from the loaded groups."""
    listed = cli.ok("--help").stdout
    for name in GROUPS:
        load_group(name)
    assert cli.ok("--help").stdout == listed
    commands = listed.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in commands if line[2:3] != " "] == [
        "demo",
        "inbox",
        "notify",
        "whoami",
        *GROUPS,
    ]
