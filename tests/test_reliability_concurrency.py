"""Concurrent writers and online backup: several processes on one database lose nothing.

The writers are 8 real operating-system processes started at the same moment
on one SQLite file. Each runs its 100 commands through the real command line
in-process (``tests/fixtures/concurrent_writer.py``: Typer's CliRunner
against the ``icrm`` app, a fresh engine and connection per command, exactly
what a separate ``icrm`` process does). Starting a Python interpreter per
command costs about half a second, so 800 separate ``icrm`` processes would
take minutes on a small CI machine; batching keeps the test under a minute
while the competition for SQLite's write lock is still between processes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_ORG, Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WRITER = FIXTURES / "concurrent_writer.py"
WORKERS = 8
OPS = 100


def _has_command(*argv: str) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "icrm_cli", *argv, "--help"], capture_output=True, check=False
    )
    return result.returncode == 0


def _count(db: Path | str, sql: str) -> int:
    if "://" in str(db):  # PostgreSQL (the [postgresql] cases)
        import psycopg

        with psycopg.connect(str(db)) as pg:
            row = pg.execute(sql).fetchone()
            assert row is not None
            return int(row[0])
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _start_writers(db: Path | str, count: int, ops: int, extra: list[str]) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "ICRM_DB": str(db), "ICRM_USER": "zhang.wei", "PYTHONPATH": str(FIXTURES.parents[1])}
    return [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(worker), str(ops), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for worker in range(count)
    ]


def _finish(procs: list[subprocess.Popen[str]]) -> list[dict[str, object]]:
    for proc in procs:  # every worker is waiting on stdin: release them together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    summaries = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert "database is locked" not in out + err
        assert proc.returncode == 0, f"writer failed (exit {proc.returncode}):\n{out}\n{err}"
        summaries.append(json.loads(out))
    return summaries


def test_eight_processes_write_at_once_and_nothing_is_lost(cli: Cli, org: Path) -> None:
    db_path = os.environ["ICRM_DB"]  # a file, or a PostgreSQL URL
    feedback = _has_command("feedback", "give")
    requests_before = _count(db_path, "SELECT COUNT(*) FROM request")
    events_before = _count(db_path, "SELECT COUNT(*) FROM event")
    request_events_before = _count(db_path, "SELECT COUNT(*) FROM event WHERE entity = 'request'")
    feedback_before = _count(db_path, "SELECT COUNT(*) FROM feedback") if feedback else 0

    ops = OPS if "://" not in db_path else 25  # PostgreSQL: 8 x 25, as issue 12 asks (suite time)
    procs = _start_writers(db_path, WORKERS, ops, ["--feedback"] if feedback else [])
    summaries = _finish(procs)

    issued: dict[str, int] = {}
    for summary in summaries:
        assert summary["failures"] == []
        for label, n in dict(summary["issued"]).items():  # type: ignore[call-overload]
            issued[label] = issued.get(label, 0) + int(n)
    assert sum(issued.values()) == WORKERS * ops

    assert _count(db_path, "SELECT COUNT(*) FROM request") == requests_before + issued["new"]
    request_events = sum(n for label, n in issued.items() if label != "feedback")
    new_request_events = (
        _count(db_path, "SELECT COUNT(*) FROM event WHERE entity = 'request'") - request_events_before
    )
    assert new_request_events == request_events  # one event per command, none lost or doubled
    assert _count(db_path, "SELECT COUNT(*) FROM event WHERE kind = 'commented'") == issued["comment"]
    assert _count(db_path, "SELECT COUNT(*) FROM request WHERE status = 'closed'") == issued["close"]
    new_events = _count(db_path, "SELECT COUNT(*) FROM event") - events_before
    if feedback:
        assert _count(db_path, "SELECT COUNT(*) FROM feedback") == feedback_before + issued["feedback"]
        assert new_events == request_events + issued["feedback"]  # one event per feedback given
    else:
        assert new_events == request_events
    # every request's history is complete and in order: created first, one event per command
    bad = (
        "SELECT COUNT(*) FROM (SELECT r.id FROM request r JOIN event e ON e.entity = 'request' "
        "AND e.entity_id = r.id GROUP BY r.id "
        "HAVING MIN(CASE WHEN e.kind = 'created' THEN e.id END) != MIN(e.id)) AS out_of_order"
    )
    assert _count(db_path, bad) == 0
    checked = cli.ok("db", "check").stdout
    assert "integrity:    ok" in checked and "foreign keys: ok" in checked


def test_processes_creating_a_new_database_at_once_agree_on_one_schema(tmp_path: Path) -> None:
    """Several first uses race to create and migrate the same file: every one succeeds."""
    db = tmp_path / "新库.db"
    env = {**os.environ, "ICRM_DB": str(db)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "icrm_cli", "org", "apply", str(EXAMPLE_ORG)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with sqlite3.connect(db) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM icrm_migrations")]
    assert len(names) == len(set(names))


def test_backup_while_other_processes_write_is_a_consistent_copy(
    cli: Cli, org: Path, db_path: Path, tmp_path: Path
) -> None:
    procs = _start_writers(db_path, 2, OPS, [])
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    env = {**os.environ, "ICRM_DB": str(db_path)}
    backups: list[Path] = []
    # Back up repeatedly, as long as the writers are still running (at least twice).
    while len(backups) < 2 or (any(p.poll() is None for p in procs) and len(backups) < 20):
        target = tmp_path / f"备份-{len(backups)}.db"
        done = subprocess.run(
            [sys.executable, "-m", "icrm_cli", "db", "backup", str(target)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        backups.append(target)
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    for target in backups:
        assert target.stat().st_mode & 0o777 == 0o600
        assert not target.with_name(target.name + ".partial").exists()
        check = subprocess.run(
            [sys.executable, "-m", "icrm_cli", "--db", str(target), "db", "check"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        with sqlite3.connect(target) as conn:
            # a snapshot between two commits: every request has its history, no half transaction
            orphans = conn.execute(
                "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM event e "
                "WHERE e.entity = 'request' AND e.entity_id = r.id AND e.kind = 'created')"
            ).fetchone()[0]
            assert orphans == 0
            closed = conn.execute("SELECT COUNT(*) FROM request WHERE status = 'closed'").fetchone()[0]
            close_events = conn.execute("SELECT COUNT(*) FROM event WHERE kind = 'closed'").fetchone()[0]
            assert closed == close_events
    # the last backup, restored, works with the command line
    restored = backups[-1]
    assert cli.ok("--db", str(restored), "request", "list", "--format", "json").stdout.startswith("[")


@contextmanager
def _writer_holding_the_lock(db: str) -> Iterator[None]:
    """Another connection inside a write transaction, holding icrm's write lock until the block ends."""
    if "://" in db:  # PostgreSQL: the advisory lock every icrm writer takes first
        import psycopg

        from icrm_cli.storage.dialect import WRITE_LOCK

        with psycopg.connect(db) as pg:
            pg.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            yield
            pg.rollback()
        return
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_reads_do_not_wait_for_a_writer(cli: Cli, org: Path) -> None:
    """Opening a database checks its schema without the write lock: a read answers while another
    process writes (it used to wait for the writer, up to the 30 s busy timeout)."""
    with _writer_holding_the_lock(os.environ["ICRM_DB"]):
        start = time.monotonic()
        for argv in (["request", "list"], ["report", "weekly", "-f", "json"], ["org", "show"]):
            cli.ok(*argv, actor="zhang.wei")
        assert time.monotonic() - start < 10
