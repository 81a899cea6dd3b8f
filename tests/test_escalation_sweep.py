"""`icrm escalate sweep`: overdue requests climb the ladder on their own, safely, for cron."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from icrm_cli.domain.escalation.sweep import human_duration, target_rule
from icrm_cli.domain.org.settings import build_policy
from tests.conftest import FROZEN_AT, Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

ROOT = Path(__file__).resolve().parents[1]
DUE = FROZEN_AT + timedelta(days=5)  # a normal request filed at FROZEN_AT


def _request(cli: Cli, *extra: str) -> int:
    return new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "客户报表导出功能", *extra)


def _sweep(cli: Cli, *extra: str) -> str:
    return str(cli.ok("escalate", "sweep", *extra, actor="cron").stdout)


def _escalations(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, request_id, level, status FROM escalation ORDER BY id").fetchall()


def _events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM event").fetchone()[0])


def test_rules_and_durations() -> None:
    policy = build_policy({"timezone": "Asia/Shanghai"})
    due = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    assert target_rule(policy, due, due + timedelta(hours=23)) is None
    levels = [target_rule(policy, due, due + timedelta(days=d)).level for d in (1, 2, 3, 6, 7, 70)]  # type: ignore[union-attr]
    assert levels == [1, 1, 2, 2, 3, 3]
    assert human_duration(timedelta(days=3, hours=2, minutes=5)) == "3d 2h 5m"
    assert human_duration(timedelta(seconds=20)) == "0m"


def test_sweep_walks_a_request_up_the_ladder(cli: Cli, org: Path, frozen: Any, db_path: Path) -> None:
    request_id = _request(cli)
    frozen.move_to(DUE + timedelta(hours=23))
    assert _sweep(cli) == ""
    frozen.move_to(DUE + timedelta(days=1))
    assert _sweep(cli) == (
        f"request #{request_id} SALES -> DEV: level - -> 1 (overdue 1d); "
        "must act: 李娜 <li.na@example.com>, 吴涛 <wu.tao@example.com>\n"
    )
    assert _sweep(cli) == ""  # idempotent at the same moment
    frozen.move_to(DUE + timedelta(days=2))
    assert _sweep(cli) == ""  # still level 1
    frozen.move_to(DUE + timedelta(days=3, hours=2))
    assert _sweep(cli) == (
        f"request #{request_id} SALES -> DEV: level 1 -> 2 (overdue 3d 2h); "
        "must act: 张伟 <zhang.wei@example.com>, 孙浩 <sun.hao@example.com>\n"
    )
    frozen.move_to(DUE + timedelta(days=7))
    assert _sweep(cli) == (
        f"request #{request_id} SALES -> DEV: level 2 -> 3 (overdue 7d); "
        "must act: 王强 <wang.qiang@example.com>\n"
    )
    frozen.move_to(DUE + timedelta(days=40))
    assert _sweep(cli) == ""  # never past level 3
    assert _escalations(db_path) == [(1, request_id, 3, "open")]  # raised in place, never duplicated
    shown = json.loads(cli.ok("escalate", "show", "1", "--format", "json").stdout)
    assert [(h["kind"], h["level"], h["actor"]) for h in shown["history"]] == [
        ("opened", 1, "cron"),
        ("raised", 2, "cron"),
        ("raised", 3, "cron"),
    ]
    assert "自动升级" in shown["reason"]
    assert shown["opened_at"] == "2026-11-22T09:00:00+08:00"
    assert shown["raised_at"] == "2026-11-28T09:00:00+08:00"


def test_first_sweep_late_opens_at_the_level_due(cli: Cli, org: Path, frozen: Any, db_path: Path) -> None:
    request_id = _request(cli)
    frozen.move_to(DUE + timedelta(days=4))
    assert f"request #{request_id} SALES -> DEV: level - -> 2 (overdue 4d)" in _sweep(cli)
    assert _escalations(db_path) == [(1, request_id, 2, "open")]


def test_manual_level_is_never_lowered(cli: Cli, org: Path, frozen: Any, db_path: Path) -> None:
    request_id = _request(cli)
    cli.ok("escalate", "open", "--request", str(request_id), "--reason", "提前升级")
    cli.ok("escalate", "raise", "1", "--reason", "直接找负责人")
    frozen.move_to(DUE + timedelta(days=1, hours=1))
    assert _sweep(cli) == ""
    assert _escalations(db_path) == [(1, request_id, 2, "open")]


def test_waiting_time_is_not_counted(cli: Cli, org: Path, frozen: Any, db_path: Path) -> None:
    request_id = _request(cli)
    cli.ok("request", "ack", str(request_id), actor="wu.tao")
    frozen.move_to(DUE - timedelta(hours=1))
    cli.ok("request", "wait", str(request_id), "--reason", "等销售提供字段清单", actor="wu.tao")
    frozen.shift(timedelta(days=5))  # would be 4d 23h overdue if waiting counted
    assert _sweep(cli) == ""
    cli.ok("request", "resume", str(request_id), actor="wu.tao")  # due moves back by 5 days
    assert _sweep(cli) == ""
    frozen.shift(timedelta(days=1))  # 23h overdue
    assert _sweep(cli) == ""
    frozen.shift(timedelta(hours=1))
    assert "level - -> 1 (overdue 1d)" in _sweep(cli)


def test_final_requests_and_resolved_escalations_are_left_alone(
    cli: Cli, org: Path, frozen: Any, db_path: Path
) -> None:
    cancelled = _request(cli)
    decided = _request(cli)
    frozen.move_to(DUE + timedelta(days=1))
    _sweep(cli)
    assert _escalations(db_path) == [(1, cancelled, 1, "open"), (2, decided, 1, "open")]
    cli.ok("request", "cancel", str(cancelled), "--reason", "客户取消需求")
    cli.ok("escalate", "resolve", "2", "--decision", "本周内给出排期", "--contingency", "手工导出")
    frozen.move_to(DUE + timedelta(days=2))
    assert _sweep(cli) == ""  # level 1 was decided; the cancelled request is final
    frozen.move_to(DUE + timedelta(days=3))
    # Still overdue at the heads' threshold: a new escalation, the resolved one untouched.
    assert _sweep(cli).startswith(f"request #{decided} SALES -> DEV: level - -> 2")
    assert _escalations(db_path) == [
        (1, cancelled, 1, "resolved"),  # ended with its request
        (2, decided, 1, "resolved"),
        (3, decided, 2, "open"),
    ]
    frozen.move_to(DUE + timedelta(days=30))
    assert "level 2 -> 3" in _sweep(cli)
    assert _escalations(db_path)[:2] == [(1, cancelled, 1, "resolved"), (2, decided, 1, "resolved")]


def test_dry_run_prints_the_same_and_writes_nothing(cli: Cli, org: Path, frozen: Any, db_path: Path) -> None:
    first = _request(cli)
    second = _request(cli, "--priority", "urgent")
    frozen.move_to(DUE + timedelta(days=3))
    before = (db_path.read_bytes(), _events(db_path))
    dry = _sweep(cli, "--dry-run")
    assert dry.splitlines()[0].startswith(f"request #{second} SALES -> DEV: level - -> 3 (overdue 7d)")
    assert dry.splitlines()[1].startswith(f"request #{first} SALES -> DEV: level - -> 2 (overdue 3d)")
    assert _escalations(db_path) == [] and _events(db_path) == before[1]
    dry_json = json.loads(_sweep(cli, "--dry-run", "--format", "json"))
    assert [a["escalation_id"] for a in dry_json] == [None, None]
    assert _sweep(cli) == dry
    assert _sweep(cli, "--dry-run") == ""


def test_sweep_json_and_csv(cli: Cli, org: Path, frozen: Any) -> None:
    assert json.loads(_sweep(cli, "--format", "json")) == []
    assert _sweep(cli, "--format", "csv") == ""
    request_id = _request(cli)
    frozen.move_to(DUE + timedelta(days=1, hours=6))
    actions = json.loads(_sweep(cli, "--format", "json"))
    assert actions == [
        {
            "action": "opened",
            "escalation_id": 1,
            "request_id": request_id,
            "dept_a": "SALES",
            "dept_b": "DEV",
            "from_level": None,
            "to_level": 1,
            "overdue_hours": 30.0,
            "overdue_working_hours": None,  # the rules are in calendar units
            "must_act": [
                {"person": "li.na", "name": "李娜", "email": "li.na@example.com", "role": "SALES contact"},
                {"person": "wu.tao", "name": "吴涛", "email": "wu.tao@example.com", "role": "DEV contact"},
            ],
        }
    ]
    frozen.move_to(DUE + timedelta(days=3))
    csv_lines = _sweep(cli, "--format", "csv").splitlines()
    assert csv_lines[0] == (
        "action,escalation_id,request_id,dept_a,dept_b,from_level,to_level,overdue_hours,must_act"
    )
    assert csv_lines[1].startswith(f"raised,1,{request_id},SALES,DEV,1,2,72.0,")


def test_concurrent_sweeps_produce_one_escalation_per_request(
    cli: Cli, org_file: Path, db_path: Path
) -> None:
    """Two real `icrm` processes sweep the same database at once."""
    real_now = datetime.now(UTC)
    with time_machine.travel(real_now - timedelta(days=10), tick=False):
        cli.ok("org", "apply", str(org_file))
        ids = [_request(cli, "--priority", "urgent") for _ in range(6)]  # 9 days overdue by now
    env = {**os.environ, "ICRM_DB": str(db_path), "ICRM_USER": "cron", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "icrm_cli", "escalate", "sweep", "--format", "json"]
    procs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out))
    assert sorted(len(out) for out in outputs) == [0, 6]  # one did the work, the other found none
    rows = _escalations(db_path)
    assert sorted(row[1] for row in rows) == ids
    assert {row[2:] for row in rows} == {(3, "open")}
    with sqlite3.connect(db_path) as conn:
        events = conn.execute("SELECT count(*) FROM event WHERE entity = 'escalation'").fetchone()[0]
    assert events == 6
