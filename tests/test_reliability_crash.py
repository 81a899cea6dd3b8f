"""Crash safety: a command killed with SIGKILL half-way leaves all or nothing.

The import runs as a real ``icrm`` process. We wait until its transaction has
started spilling pages into the write-ahead log (the ``-wal`` file grows),
then kill it with SIGKILL, which no code can intercept. SQLite must then roll
the unfinished transaction back on the next open, and icrm must not have
committed any part of the import on its own.
"""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

ROWS = 50_000
PAIRS = [("SALES", "IT"), ("MKT", "FIN"), ("CS", "HR"), ("DEV", "QA"), ("PUR", "WH")]

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
    pytest.mark.open_mode,  # not about who may act
]


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "title", "priority"])
        for n in range(rows):
            from_dept, to_dept = PAIRS[n % len(PAIRS)]
            writer.writerow([from_dept, to_dept, f"批量导入第{n}条：请协助核对", "normal"])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_when_wal_grows(argv: list[str], db: Path, *, grow_by: int) -> int:
    """Run ``icrm argv``; SIGKILL it once the db's -wal file has grown by ``grow_by`` bytes."""
    wal = db.with_name(db.name + "-wal")
    start = _size(wal)
    env = {**os.environ, "ICRM_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "icrm_cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        while proc.poll() is None:
            if _size(wal) >= start + grow_by:
                proc.send_signal(signal.SIGKILL)
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.005)  # a short wait on the process itself, not on the clock
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_import_killed_half_way_leaves_all_or_nothing_and_can_be_rerun(
    cli: Cli, org: Path, db_path: Path, tmp_path: Path
) -> None:
    data = tmp_path / "批量联络单.csv"
    _write_csv(data, ROWS)
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "导入前已有的联络单")
    requests_before = _count(db_path, "SELECT COUNT(*) FROM request")
    events_before = _count(db_path, "SELECT COUNT(*) FROM event")

    code = _kill_when_wal_grows(["request", "import", str(data)], db_path, grow_by=1_000_000)
    assert code == -signal.SIGKILL, "the import finished before it could be killed"

    # The next user of the database finds it intact, without the half-done import.
    assert _integrity(db_path) == "ok"
    check = cli.ok("db", "check")
    assert "integrity:    ok" in check.stdout
    requests_after = _count(db_path, "SELECT COUNT(*) FROM request")
    assert requests_after in (requests_before, requests_before + ROWS)
    assert _count(db_path, "SELECT COUNT(*) FROM event") - events_before == requests_after - requests_before

    # Running the same import again simply works (and adds exactly one more batch).
    cli.ok("request", "import", str(data))
    assert _count(db_path, "SELECT COUNT(*) FROM request") == requests_after + ROWS
    assert (
        _count(db_path, "SELECT COUNT(*) FROM event") - events_before
        == requests_after - requests_before + ROWS
    )
    assert _integrity(db_path) == "ok"


SWEEP_ROWS = 2_000


def test_escalation_sweep_killed_half_way_leaves_no_half_applied_escalation(
    cli: Cli, org: Path, db_path: Path, tmp_path: Path
) -> None:
    data = tmp_path / "逾期.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "title", "due"])
        for n in range(SWEEP_ROWS):
            from_dept, to_dept = PAIRS[n % len(PAIRS)]
            writer.writerow([from_dept, to_dept, f"早已逾期的联络单{n}", "2020-01-01"])
    cli.ok("request", "import", str(data))
    escalation_events = "SELECT COUNT(*) FROM event WHERE entity = 'escalation'"
    events_before = _count(db_path, "SELECT COUNT(*) FROM event")

    code = _kill_when_wal_grows(["escalate", "sweep"], db_path, grow_by=100_000)
    assert code == -signal.SIGKILL, "the sweep finished before it could be killed"

    assert _integrity(db_path) == "ok"
    escalations = _count(db_path, "SELECT COUNT(*) FROM escalation")
    assert escalations in (0, SWEEP_ROWS)
    assert _count(db_path, escalation_events) == escalations  # each with its history, nothing half done
    assert _count(db_path, "SELECT COUNT(*) FROM event") - events_before == escalations

    cli.ok("escalate", "sweep")  # the next cron run does the whole job
    assert _count(db_path, "SELECT COUNT(*) FROM escalation") == SWEEP_ROWS
    assert _integrity(db_path) == "ok"
