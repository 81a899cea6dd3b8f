"""Shared fixtures: every test gets its own database file and a fixed actor.

``cli`` drives the real command line (Typer's CliRunner) against that file;
``frozen`` stops the clock at a known moment (time-machine, never sleep).

The suite stays fast without changing what it drives: the root command loads
each command group once per process (icrm_cli/cli/app.py), and the ``org``
fixture copies a database in which the example org was applied once (by the
real ``icrm org apply``, at the frozen time) instead of applying it again.

Only public APIs of Typer and Click are used: ``typer.testing.CliRunner``
invokes ``app``, and :func:`command_tree` walks the commands with Click's
``list_commands``/``get_command``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
import typer
import typer.main
from typer.testing import CliRunner, Result

from icrm_cli.cli.app import app

pytest_plugins = ["tests.dbtargets"]  # the behaviour suites on SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parents[1]
DEMO_ORG = ROOT / "examples" / "org.yaml"
_WORKING_CLOCK = DEMO_ORG.read_text(encoding="utf-8").partition("# The working calendar")
_CALENDAR_TIME = """sla:
  urgent: {ack: 2h, resolve: 1d}
  high:   {ack: 4h, resolve: 3d}
  normal: {ack: 1d, resolve: 5d}
  low:    {ack: 2d, resolve: 10d}

escalation:
  - {overdue: 1d, level: 1}
  - {overdue: 3d, level: 2}
  - {overdue: 7d, level: 3}

feedback:"""


def _calendar_time_org() -> Path:
    """The example org (examples/org.yaml) without its working calendar: SLAs in calendar time.

    Most suites check wall-clock arithmetic (due = created + 3 days); the working
    calendar has its own suites (tests/test_calendar_*.py) and the demo runs on it.
    """
    head, marker, rest = _WORKING_CLOCK
    assert marker, "examples/org.yaml has no working calendar section"
    text = head + _CALENDAR_TIME + rest.partition("feedback:")[2]
    path = Path(tempfile.mkdtemp(prefix="icrm-example-org-")) / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


EXAMPLE_ORG = _calendar_time_org()  # the example org on calendar time (see _calendar_time_org)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-11-16 09:00 in Shanghai: a working morning, ISO week 2026-W47.
FROZEN_AT = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)


def command_tree() -> dict[tuple[str, ...], Any]:
    """Every command of ``icrm`` by its path (``("request", "new")``), groups included; the root is ``()``.

    Walked as Click's help and completion do, through each group's ``list_commands``
    and ``get_command`` (the root's command groups are loaded lazily).
    """
    root = typer.main.get_command(app)
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found[path] = command
        if hasattr(command, "list_commands"):
            ctx = typer.Context(command, info_name=path[-1] if path else "icrm")
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), (*path, name))

    walk(root, ())
    return found


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test: its own database file, actor, no colour, wide tables."""
    db = tmp_path / "icrm.db"
    monkeypatch.setenv("ICRM_DB", str(db))
    monkeypatch.setenv("ICRM_USER", "zhang.wei")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("ICRM_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return db


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return isolated_env


@dataclass
class Cli:
    runner: CliRunner

    def __call__(self, *args: str, input: str | None = None, actor: str | None = None) -> Result:
        argv = [str(a) for a in args]
        if actor is not None:
            argv = ["--as", actor, *argv]
        return self.runner.invoke(app, argv, input=input, catch_exceptions=False)

    def ok(self, *args: str, actor: str | None = None) -> Result:
        """Run and insist on exit 0 (shows stderr when it fails)."""
        result = self(*args, actor=actor)
        assert result.exit_code == 0, (
            f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def fails(self, *args: str, code: int = 1, actor: str | None = None) -> Result:
        """Run and insist on a clean failure: the exit code and one Error: line, no traceback."""
        result = self(*args, actor=actor)
        assert result.exit_code == code, (
            f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        )
        assert "Traceback" not in result.stderr + result.stdout
        assert "Error:" in result.stderr
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli(CliRunner())


@pytest.fixture
def org_file(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A private copy of the example org file (``mode: open`` under ``@pytest.mark.open_mode``)."""
    target = tmp_path / "org.yaml"
    shutil.copy(EXAMPLE_ORG, target)
    if request.node.get_closest_marker("open_mode"):
        text = target.read_text(encoding="utf-8").replace("mode: enforced", "mode: open")
        target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    """The clock stands still at FROZEN_AT; move it with ``frozen.move_to`` / ``frozen.shift``."""
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def org_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database in which ``icrm org apply examples/org.yaml`` ran once at FROZEN_AT."""
    template = tmp_path_factory.mktemp("template") / "org.db"
    with pytest.MonkeyPatch.context() as patch, time_machine.travel(FROZEN_AT, tick=False):
        patch.setenv("ICRM_DB", str(template))
        patch.setenv("ICRM_USER", "zhang.wei")
        Cli(CliRunner()).ok("org", "apply", str(EXAMPLE_ORG))
    return template


@pytest.fixture
def org(org_file: Path, org_template: Path, db_path: Path, frozen: time_machine.Traveller) -> Path:
    """The example org applied, with the clock frozen (a copy of ``org_template``)."""
    with sqlite3.connect(org_template) as source, sqlite3.connect(db_path) as target:
        source.backup(target)
    source.close()
    target.close()
    db_path.chmod(0o600)
    return org_file


@pytest.fixture
def open_org(org: Path, db_backend: str) -> Path:
    """The example org in ``mode: open``, for behaviour tests that are not about who may act."""
    if db_backend == "postgresql":
        import psycopg

        with psycopg.connect(os.environ["ICRM_DB"], autocommit=True) as server:
            server.execute(OPEN_PG.encode())
    else:
        with sqlite3.connect(os.environ["ICRM_DB"]) as conn:
            conn.execute(OPEN_SQLITE)
        conn.close()
    return org


@pytest.fixture(autouse=True)
def _open_mode_for_marked(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.open_mode``: tests that are not about who may act run the example org in open mode."""
    if request.node.get_closest_marker("open_mode") and "org" in request.fixturenames:
        request.getfixturevalue("open_org")


OPEN_SQLITE = "UPDATE setting SET value = json_set(value, '$.mode', 'open') WHERE key = 'access'"
OPEN_PG = (
    "UPDATE setting SET value = jsonb_set(value::jsonb, '{mode}', '\"open\"')::json WHERE key = 'access'"
)


def new_request(cli: Cli, *args: str, actor: str | None = None) -> int:
    """File a request and return its id (via the JSON output)."""
    import json

    result = cli.ok("request", "new", *args, "--format", "json", actor=actor)
    return int(json.loads(result.stdout)["id"])
