"""The weekly report on the working clock: `hours_basis`, stored working seconds, recomputed on apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Cli, new_request
from tests.test_calendar_requests import SHANGHAI, local, org_text

PLAIN_SLA = """sla:
  urgent: {ack: 2h, resolve: 1d}
  high:   {ack: 4h, resolve: 3d}
  normal: {ack: 1d, resolve: 5d}
  low:    {ack: 2d, resolve: 10d}
"""


def _apply(cli: Cli, tmp_path: Path, **kwargs: str) -> str:
    path = tmp_path / "org-report.yaml"
    path.write_text(org_text(**kwargs), encoding="utf-8")
    return str(cli.ok("org", "apply", str(path), actor="wang.qiang").stdout)


def _it(cli: Cli) -> tuple[str, dict[str, Any]]:
    report = json.loads(cli.ok("report", "weekly", "--week", "2026-W47", "--format", "json").stdout)
    row = next(r for r in report["departments"] if r["department"] == "IT")
    return report["hours_basis"], row


def test_hours_to_acknowledge_and_resolve_follow_the_calendar(
    cli: Cli, org: Path, frozen: Any, tmp_path: Path
) -> None:
    frozen.move_to(local(SHANGHAI, 2026, 11, 16, 8))
    _apply(cli, tmp_path)
    frozen.move_to(local(SHANGHAI, 2026, 11, 16, 9))
    rid = new_request(cli, "--from", "HR", "--to", "IT", "--title", "入职电脑", "--priority", "high")
    frozen.move_to(local(SHANGHAI, 2026, 11, 16, 11))
    cli.ok("request", "ack", str(rid))
    frozen.move_to(local(SHANGHAI, 2026, 11, 16, 17))
    cli.ok("request", "wait", str(rid), "--reason", "等审批")
    frozen.move_to(local(SHANGHAI, 2026, 11, 17, 9, 30))
    cli.ok("request", "resume", str(rid))
    frozen.move_to(local(SHANGHAI, 2026, 11, 17, 10))
    cli.ok("request", "resolve", str(rid), "--note", "已配好")
    frozen.move_to(local(SHANGHAI, 2026, 11, 23, 9))
    # Ack: 09:00-11:00 = 2 working hours. Resolve: Mon 7.5 h + Tue 1 h, less the 1.5 h waited.
    basis, row = _it(cli)
    assert basis == "working"
    assert (row["median_ack_hours"], row["median_resolve_hours"]) == (2.0, 7.0)

    out = _apply(cli, tmp_path, calendar='calendar: {country: CN, hours: "09:00-18:00"}')
    assert "working seconds of 1 requests" in out
    basis, row = _it(cli)  # no lunch break: Mon 9 h + Tue 1 h, less 1.5 h waited
    assert (row["median_ack_hours"], row["median_resolve_hours"]) == (2.0, 8.5)

    _apply(cli, tmp_path, calendar="", sla=PLAIN_SLA)
    basis, row = _it(cli)  # elapsed: 25 h less the 16.5 h waited (17:00 to 09:30)
    assert basis == "elapsed"
    assert (row["median_ack_hours"], row["median_resolve_hours"]) == (2.0, 8.5)
