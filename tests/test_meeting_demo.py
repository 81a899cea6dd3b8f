"""The demo's meeting part: weekly series with minutes, open and overdue action items, a reminder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli


def test_demo_meetings(cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from icrm_cli import demo
    from icrm_cli.demo import meetings

    if not any(name == "meetings" for name, _ in demo.PARTS):
        monkeypatch.setattr(demo, "PARTS", [*demo.PARTS, ("meetings", meetings.build)])
    from icrm_cli.storage.engine import open_database

    db = open_database(str(db_path), create=True)
    try:
        result = demo.run_demo(db, requests=500, seed=7, actor="demo")
    finally:
        db.close()
    assert result.counts["meetings"] > 20
    listed = json.loads(cli.ok("meeting", "list", "--series", "例会-产销协调", "--format", "json").stdout)
    assert {m["status"] for m in listed} >= {"held", "scheduled"}
    held = [m for m in listed if m["status"] == "held"]
    assert all(m["notes"] and m["decisions"] for m in held)
    assert sum(m["open_actions"] for m in held) > 0
    reminders = json.loads(cli.ok("meeting", "remind", "--format", "json").stdout)
    assert reminders and all(r["recipients"] for r in reminders)
    upcoming = [m for m in listed if m["status"] == "scheduled"]
    data = json.loads(cli.ok("meeting", "agenda", str(upcoming[-1]["id"]), "--format", "json").stdout)
    assert data["carried_over"]
    overdue = json.loads(cli.ok("request", "list", "--overdue", "--format", "json").stdout)
    assert any(r["meeting_id"] for r in overdue)
    # Action items go to another department at the table, never back to the organiser's own.
    every = json.loads(cli.ok("request", "list", "--all", "--format", "json").stdout)
    items = [r for r in every if r["meeting_id"]]
    assert items and all(r["from_dept"] != r["to_dept"] for r in items)
    assert {r["to_dept"] for r in items} >= {"DEV", "PUR", "WH", "QA", "IT", "CS"}
    cli.ok("meeting", "show", str(held[0]["id"]), "--format", "markdown")
