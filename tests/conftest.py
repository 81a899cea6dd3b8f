"""Shared fixtures: every test gets its own database file and a fixed actor.

``cli`` drives the real command line (Typer's CliRunner) against that file;
``frozen`` stops the clock at a known moment (time-machine, never sleep).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from typer.testing import CliRunner, Result

from icrm_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ORG = ROOT / "examples" / "org.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-11-16 09:00 in Shanghai: a working morning, ISO week 2026-W47.
FROZEN_AT = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)


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
def org_file(tmp_path: Path) -> Path:
    """A private copy of the example org file."""
    target = tmp_path / "org.yaml"
    shutil.copy(EXAMPLE_ORG, target)
    return target


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    """The clock stands still at FROZEN_AT; move it with ``frozen.move_to`` / ``frozen.shift``."""
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def org(cli: Cli, org_file: Path, frozen: time_machine.Coordinates) -> Path:
    """The example org applied, with the clock frozen."""
    cli.ok("org", "apply", str(org_file))
    return org_file


def new_request(cli: Cli, *args: str, actor: str | None = None) -> int:
    """File a request and return its id (via the JSON output)."""
    import json

    result = cli.ok("request", "new", *args, "--format", "json", actor=actor)
    return int(json.loads(result.stdout)["id"])
