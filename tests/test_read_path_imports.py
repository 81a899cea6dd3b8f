"""The everyday read commands stay light on an org with a country calendar (issue 11 speed targets).

`request list` and `report weekly` need neither the ORM, nor pydantic, nor the
holidays library: their queries are compiled plans, working hours are stored
with each request, and the country's calendar is loaded only when a day is
looked up. Typer 0.29 validates every option with pydantic (about 0.1 s a
command), which is why pyproject.toml keeps Typer below it; this test fails if
either comes back.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.dbtargets import PgServer
from tests.probe import probe

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "holidays")


@pytest.fixture
def calendar_org(cli: Cli, tmp_path: Path) -> Path:
    """The shipped example org, China's calendar included, with a few requests."""
    example = ROOT / "examples" / "org.yaml"
    assert "country: CN" in example.read_text(encoding="utf-8")
    cli.ok("org", "apply", str(example))
    for title in ("开通VPN账号", "报价单审核"):
        cli.ok("--as", "zhang.wei", "request", "new", "--from", "SALES", "--to", "IT", "--title", title)
    return example


def _probe(argv: list[str], heavy: tuple[str, ...] = HEAVY, user: str | None = "zhang.wei") -> list[str]:
    """The heavy modules ``icrm argv`` loads (it must succeed)."""
    env = {**os.environ, "ICRM_USER": user or ""}
    if user is None:  # on a server: the login reads as itself
        del env["ICRM_USER"]
    result = probe(argv, heavy, env)
    assert result.code == 0, result.stderr
    return result.loaded


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "list", "--overdue", "--limit", "50", "--format", "json"],
        ["request", "list", "--format", "csv"],
        ["report", "weekly", "--format", "json"],
    ],
)
def test_read_commands_load_no_orm_validation_or_holidays(calendar_org: Path, argv: list[str]) -> None:
    assert _probe(argv) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "list", "--overdue", "--limit", "50", "--format", "json"],
        ["report", "weekly", "--format", "json"],
    ],
)
def test_on_postgres_the_read_commands_load_no_orm(
    cli: Cli, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """A server read needs SQLAlchemy and the driver, but establishing who reads needs no ORM (0.3 s)."""
    url = pg_server.create(f"light_{argv[0]}")
    cli.ok("--db", url, "org", "apply", str(ROOT / "examples" / "org.yaml"))
    monkeypatch.setenv("ICRM_DB", url)
    assert _probe(argv, heavy=("sqlmodel", "pydantic", "icrm_cli.storage.models"), user=None) == []


def test_the_probe_sees_the_holidays_library_where_a_day_is_looked_up(calendar_org: Path) -> None:
    """`calendar show` asks the country's calendar: the probe would notice a lazy path turned eager."""
    assert "holidays" in _probe(["calendar", "show", "--days", "3"])
