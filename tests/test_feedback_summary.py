"""`icrm feedback summary`: counts, averages, distribution, open complaints, the small-group rule."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def rate(cli: Cli, frm: str, to: str, *scores: int) -> None:
    for score in scores:
        cli.ok("feedback", "give", "--from", frm, "--to", to, "--score", str(score))


def summary(cli: Cli, *args: str) -> dict[str, Any]:
    return dict(json.loads(cli.ok("feedback", "summary", *args, "--format", "json").stdout))


def test_averages_distribution_and_small_groups(cli: Cli, org: Path) -> None:
    rate(cli, "SALES", "DEV", 4, 5, 3)
    rate(cli, "MKT", "DEV", 2, 2)
    cli.ok("feedback", "give", "--from", "CS", "--to", "DEV", "--kind", "complaint", "--note", "版本回退")
    rate(cli, "SALES", "WH", 5)
    data = summary(cli)
    assert data["min_group"] == 3
    dev, wh = data["suppliers"]
    assert dev == {
        "supplier": "DEV",
        "supplier_name": "软件开发部",
        "count": 5,
        "average": 3.2,
        "distribution": {"1": 0, "2": 2, "3": 1, "4": 1, "5": 1},
        "open_complaints": 1,
    }
    assert (wh["supplier"], wh["count"], wh["average"], wh["distribution"]) == ("WH", 1, None, None)
    pairs = {(p["customer"], p["supplier"]): p for p in data["pairs"]}
    assert pairs[("SALES", "DEV")]["average"] == 4.0
    assert pairs[("SALES", "DEV")]["customer_name"] == "销售部"
    assert (pairs[("MKT", "DEV")]["count"], pairs[("MKT", "DEV")]["average"]) == (2, None)
    assert (pairs[("CS", "DEV")]["count"], pairs[("CS", "DEV")]["open_complaints"]) == (0, 1)
    table = cli.ok("feedback", "summary").stdout
    assert "3.20" in table and "4.00" in table and "n<3" in table
    assert "2.00" not in table  # the MKT → DEV average stays hidden
    csv_lines = cli.ok("feedback", "summary", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("level,customer,customer_name,supplier,supplier_name,count,average")
    assert "supplier,,,DEV,软件开发部,5,3.2,0,2,1,1,1,1" in csv_lines


def test_min_group_comes_from_the_org_file(cli: Cli, org: Path) -> None:
    text = org.read_text(encoding="utf-8")
    assert "\n  min_group: 3\n" in text
    org.write_text(text.replace("\n  min_group: 3\n", "\n  min_group: 2\n"), encoding="utf-8")
    cli.ok("org", "apply", str(org))
    rate(cli, "MKT", "DEV", 2, 3)
    rate(cli, "SALES", "DEV", 5)
    data = summary(cli)
    pairs = {(p["customer"], p["supplier"]): p["average"] for p in data["pairs"]}
    assert pairs == {("MKT", "DEV"): 2.5, ("SALES", "DEV"): None}
    assert "n<2" in cli.ok("feedback", "summary").stdout


def test_window(cli: Cli, org: Path, frozen: Any) -> None:
    rate(cli, "SALES", "DEV", 1, 1, 1)
    frozen.shift(timedelta(days=7))
    rate(cli, "SALES", "DEV", 5, 5, 5)
    assert summary(cli)["suppliers"][0]["average"] == 3.0
    assert summary(cli, "--since", "2026-11-17")["suppliers"][0]["average"] == 5.0
    assert summary(cli, "--until", "2026-11-16")["suppliers"][0]["average"] == 1.0
    assert summary(cli, "--since", "2027-01-01")["suppliers"] == []
    assert "No feedback" in cli.ok("feedback", "summary", "--since", "2027-01-01").stdout
    cli.fails("feedback", "summary", "--since", "2026-11-20", "--until", "2026-11-01")
    cli.fails("feedback", "summary", "--since", "上周")
