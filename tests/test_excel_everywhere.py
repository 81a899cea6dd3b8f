"""Every CSV output takes --excel: a UTF-8 BOM so Excel reads Chinese right (issue 16.6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from icrm_cli.cli.app import app
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

BOM = b"\xef\xbb\xbf"


def _helps() -> dict[str, str]:
    """Every leaf command's --help text, walking the tree through the public Click API."""
    root = get_command(app)
    runner = CliRunner()
    found: dict[str, str] = {}

    def walk(command: Any, path: list[str]) -> None:
        context = typer.Context(command, info_name=" ".join(["icrm", *path]))
        names = command.list_commands(context) if hasattr(command, "list_commands") else []
        if names:
            for name in names:
                walk(command.get_command(context, name), [*path, name])
            return
        found[" ".join(path)] = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output

    walk(root, [])
    return found


def test_every_command_with_csv_takes_excel() -> None:
    helps = _helps()
    with_csv = {path for path, text in helps.items() if re.search(r"--format.*csv", text, re.S)}
    assert {"report weekly", "org show", "escalate sweep", "request list"} <= with_csv
    assert sorted(path for path in with_csv if "--excel" not in helps[path]) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "weekly", "--week", "2026-W46", "--format", "csv", "--excel"],
        ["org", "show", "--format", "csv", "--excel"],
        ["request", "list", "--format", "csv", "--excel"],
    ],
)
def test_excel_adds_a_bom(cli: Cli, org: object, argv: list[str]) -> None:
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    out = cli.ok(*argv).stdout_bytes
    assert out.startswith(BOM) and not out[3:].startswith(BOM)
    assert "部" in out.decode("utf-8-sig") or "开通" in out.decode("utf-8-sig")
