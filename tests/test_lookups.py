"""Department codes and person ids typed on the command line: one light query each, in any case for codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli, new_request
from tests.probe import probe

ORM = ("sqlalchemy", "sqlmodel")


@pytest.fixture
def filed(cli: Cli, org: object) -> int:
    request_id = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    cli.ok("request", "list")  # the schema is current before a probe
    return request_id


def test_a_department_code_in_any_case(cli: Cli, filed: int) -> None:
    upper = json.loads(cli.ok("request", "list", "--to", "IT", "--format", "json").stdout)
    lower = json.loads(cli.ok("request", "list", "--to", "it", "--format", "json").stdout)
    mixed = json.loads(cli.ok("request", "list", "--from", "Sales", "--format", "json").stdout)
    assert [row["id"] for row in lower] == [row["id"] for row in upper] == [filed]
    assert [row["id"] for row in mixed] == [filed]
    assert lower[0]["to_dept"] == "IT"


def test_a_lower_case_code_takes_the_light_path(filed: int) -> None:
    result = probe(["request", "list", "--to", "it", "--format", "csv"], ORM)
    assert result.code == 0 and result.loaded == [], result.stderr
    assert f"\n{filed},開".replace("開", "") in result.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--owner", "ghost"], "Error: unknown person 'ghost' (see 'icrm org show')"),
        (["--to", "NOPE"], "Error: unknown department 'NOPE' (see 'icrm org show')"),
        (["--owner", "ZHANG.WEI"], "Error: unknown person 'ZHANG.WEI' (see 'icrm org show')"),
    ],
)
def test_an_unknown_name_is_one_error_without_the_orm(filed: int, argv: list[str], message: str) -> None:
    result = probe(["request", "list", *argv], ORM)
    assert result.code == 1 and result.loaded == [], result.stderr
    assert result.stderr.splitlines() == [message]
    assert result.stdout == ""


def test_the_weekly_report_takes_a_code_in_any_case(cli: Cli, filed: int) -> None:
    report = json.loads(cli.ok("report", "weekly", "--dept", "it", "--format", "json").stdout)
    assert [row["department"] for row in report["departments"]] == ["IT"]
