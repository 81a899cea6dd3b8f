"""The demo's escalation part: every level, decisions and contingency plans, consistent with the sweep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli


def test_demo_escalations(cli: Cli, db_path: Path, frozen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from icrm_cli import demo
    from icrm_cli.demo import escalations
    from icrm_cli.storage.engine import open_database

    if not any(name == "escalations" for name, _ in demo.PARTS):
        monkeypatch.setattr(demo, "PARTS", [*demo.PARTS, ("escalations", escalations.build)])
    db = open_database(str(db_path), create=True)
    try:
        result = demo.run_demo(db, requests=3000, seed=7, actor="demo")
    finally:
        db.close()
    assert result.counts["escalations"] > 50
    rows = json.loads(cli.ok("escalate", "list", "--format", "json").stdout)
    assert {(r["level"], r["status"]) for r in rows} >= {
        (level, status) for level in (1, 2, 3) for status in ("open", "resolved")
    }
    resolved = [r for r in rows if r["status"] == "resolved"]
    assert all(r["decision"] and r["resolved_at"] for r in resolved)
    assert any(r["contingency"] for r in resolved) and any(not r["contingency"] for r in resolved)
    assert any(r["request_id"] is None for r in rows)
    assert all(r["dept_a"] != r["dept_b"] for r in rows)  # only conflicts between two departments
    # Each open request escalation belongs to a request that is overdue now, at the level the rules give.
    overdue = {r["id"] for r in json.loads(cli.ok("request", "list", "--overdue", "-f", "json").stdout)}
    open_ids = {r["request_id"] for r in rows if r["status"] == "open" and r["request_id"]}
    assert open_ids and open_ids <= overdue
    # As if the hourly sweep had run all along: nothing is left for it to do now.
    assert cli.ok("escalate", "sweep", "--dry-run").stdout == ""
    shown = json.loads(cli.ok("escalate", "show", str(rows[0]["id"]), "--format", "json").stdout)
    times = [h["at"] for h in shown["history"]]
    assert times == sorted(times) and shown["history"][0]["kind"] == "opened"
