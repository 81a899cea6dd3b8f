"""What keeps `report weekly` fast, checked without timing anything.

The report and the request list run precompiled plans (``storage/plans.py``)
with the standard library's ``sqlite3``, and the report writes its JSON with the
C encoder; a process running them imports neither SQLAlchemy, nor pydantic, nor
Rich (the report), nor the command groups it does not use.
"""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import JSON
from sqlalchemy.sql import TableClause
from sqlalchemy.types import TypeDecorator

from icrm_cli.output.report_json import report_json
from icrm_cli.output.values import json_value
from icrm_cli.storage import core
from icrm_cli.storage.types import UTCDateTime
from icrm_cli.timeutil import Clock, zone_from_name
from tests.conftest import Cli, new_request
from tests.probe import probe

CORE_TABLES = list(core.ALL)


def _python_type(type_: Any) -> Any:
    return (type_.impl if isinstance(type_, TypeDecorator) else type_).python_type


@pytest.mark.parametrize("described", CORE_TABLES, ids=lambda table: table.name)
def test_core_descriptions_match_the_models(described: TableClause) -> None:
    """Every column the report reads exists in the model's table, with the same type."""
    from sqlmodel import SQLModel

    importlib.import_module("icrm_cli.storage.models")
    model = SQLModel.metadata.tables[described.name]
    for column in described.columns:
        assert column.name in model.columns, f"{described.name}.{column.name} is not in the model"
        wanted = model.columns[column.name].type
        where = f"{described.name}.{column.name}: {column.type!r} vs the model's {wanted!r}"
        assert _python_type(column.type) is _python_type(wanted), where
        if isinstance(wanted, UTCDateTime | JSON):  # types that convert values: the very same
            assert type(column.type) is type(wanted), where


UNWANTED = (
    "sqlalchemy",
    "sqlmodel",
    "sqlalchemy.orm",
    "rich",
    "yaml",
    "icrm_cli.storage.models",
    "icrm_cli.domain.org.apply",
    "icrm_cli.cli.request",
    "icrm_cli.storage.migrations.m0001_initial",
)


def _probe(argv: list[str], unwanted: tuple[str, ...] = UNWANTED) -> list[str]:
    """Which of ``unwanted`` ``icrm argv`` loads, run in a fresh process (it must succeed)."""
    result = probe(argv, unwanted)
    assert result.code == 0, result.stderr
    return result.loaded


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "html"])
def test_weekly_report_imports_only_what_it_needs(cli: Cli, org: object, fmt: str) -> None:
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    cli.ok("report", "weekly", "--format", "json")  # the schema is current before the probe
    assert _probe(["report", "weekly", "--week", "2026-W47", "--format", fmt]) == []


def test_report_json_is_the_same_document_as_emit_object() -> None:
    clock = Clock(zone_from_name("Asia/Shanghai"))
    moment = datetime(2026, 11, 16, 1, 30, tzinfo=UTC)
    data: dict[str, Any] = {
        "week": "2026-W47",
        "start": moment,
        "dept": None,
        "min_group": 3,
        "departments": [
            {"department": "IT", "name": '信息部 "IT"\n', "on_time_rate": 66.7, "change": {"received": -1}},
            {"department": "HR", "name": "人力", "on_time_rate": None, "change": {"received": None}},
        ],
        "totals": {"received": 3, "change": {"received": 2, "satisfaction": -0.25}},
        "matrix": {
            "departments": ["IT", "HR"],
            "cells": [{"customer": "HR", "supplier": "IT", "requests": 1}],
        },
        "kicked_balls": [{"id": 7, "created_at": moment, "title": "=SUM(A1)"}],
        "meetings": [],
        "trend": [{"week": "2026-W46", "satisfaction": 4.5}],
        "empty": {},
        "nested": [[1, 2], []],
    }
    text = report_json(data, clock)
    assert text.endswith("}\n")
    assert json.loads(text) == json_value(data, clock)
    assert '"start": "2026-11-16T09:30:00+08:00"' in text
    assert '    {"department": "IT", ' in text  # one row a line


# What a plan-based read command never needs on SQLite (see storage/plans.py). pydantic is not
# listed: Typer itself coerces option values with pydantic (Typer >= 0.2x), and icrm uses Typer as it is.
READ_PATH_UNWANTED = ("sqlalchemy", "sqlmodel", "icrm_cli.storage.plan_compiler")


def test_weekly_report_to_a_file_imports_no_orm(cli: Cli, org: object, tmp_path: Any) -> None:
    cli.ok("report", "weekly", "--format", "json")  # the schema is current before the probe
    out = tmp_path / "weekly.csv"
    argv = ["report", "weekly", "--week", "2026-W47", "--format", "csv", "-o", str(out)]
    assert _probe(argv, READ_PATH_UNWANTED) == []
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "list", "--overdue", "--limit", "5"],
        ["request", "list", "--to", "IT", "--status", "open", "--format", "csv"],
        ["request", "list", "--escalated", "--since", "2026-11-01", "--format", "json"],
        ["report", "export", "requests", "--since", "2026-11-01"],
    ],
    ids=["overdue", "csv", "json", "export"],
)
def test_request_list_runs_plans_without_sqlalchemy(cli: Cli, org: object, argv: list[str]) -> None:
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    assert _probe(argv, READ_PATH_UNWANTED) == []
