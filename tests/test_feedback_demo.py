"""The demo's feedback part: every kind, complaints in every state, one finished survey."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SHANGHAI, Cli


def test_demo_feedback(cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from icrm_cli import demo
    from icrm_cli.demo import feedback
    from icrm_cli.storage.engine import open_database

    if not any(name == "feedback" for name, _ in demo.PARTS):
        monkeypatch.setattr(demo, "PARTS", [*demo.PARTS, ("feedback", feedback.build)])
    db = open_database(str(db_path), create=True)
    try:
        result = demo.run_demo(db, requests=800, seed=11, actor="demo")
    finally:
        db.close()
    assert result.counts["feedback"] > 50
    rows = json.loads(cli.ok("feedback", "list", "--format", "json").stdout)
    assert set(Counter(r["kind"] for r in rows)) == {"rating", "thanks", "expectation", "complaint"}
    complaints = [r for r in rows if r["kind"] == "complaint"]
    states = {(r["status"], r["responded_at"] is not None) for r in complaints}
    assert {("open", False), ("open", True), ("closed", True)} <= states
    requests = {r["id"]: r for r in json.loads(cli.ok("request", "list", "--all", "--format", "json").stdout)}
    for row in rows:
        if row["request_id"] is not None:
            request = requests[row["request_id"]]
            assert (request["from_dept"], request["to_dept"]) == (row["from_dept"], row["to_dept"])
            assert request["resolved_at"] is not None and request["resolved_at"] <= row["created_at"]
    shown = json.loads(cli.ok("feedback", "show", str(complaints[0]["id"]), "--format", "json").stdout)
    assert shown["events"][0]["kind"] == "given"
    summary = json.loads(cli.ok("feedback", "summary", "--format", "json").stdout)
    assert any(s["average"] is not None for s in summary["suppliers"])
    surveys = [e for e in rows if e["kind"] == "rating" and e["request_id"] is None]
    assert surveys
    today = datetime.now(SHANGHAI).date()
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    status = json.loads(cli.ok("feedback", "survey", "status", "--period", period, "--format", "json").stdout)
    assert status["invited"] > 5
    assert 0 < status["answered"] < status["invited"]
    answered = {p["feedback_id"] for p in status["pairs"] if p["answered"]}
    assert answered <= {r["id"] for r in surveys}
