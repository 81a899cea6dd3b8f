"""Schema upgrades lose nothing: every released schema's database opens with today's icrm.

``tests/fixtures/schema-NNNN.db`` holds a database written by each released
schema version (built once by ``tests/fixtures/make_fixtures.py``). Each is
copied, upgraded by simply using it, and compared row by row with the original.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from icrm_cli.storage import migrations
from tests.conftest import Cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RELEASED = sorted(FIXTURES.glob("schema-*.db"))


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
            if table != migrations.RECORD_TABLE
        }


def _columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def test_there_is_a_fixture_for_the_first_schema_and_for_0_1_0() -> None:
    assert [p.name for p in RELEASED][:2] == ["schema-0001.db", "schema-0005.db"]


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
def test_old_database_upgrades_and_keeps_every_row(cli: Cli, fixture: Path, tmp_path: Path) -> None:
    db = tmp_path / fixture.name
    shutil.copy(fixture, db)
    before = _rows(db)
    old_columns = {table: _columns(db, table) for table in before}

    pending = cli.ok("--db", str(db), "db", "check")  # a check changes nothing, not even the schema
    assert "upgrade pending" in pending.stdout and _rows(db) == before
    cli.ok("--db", str(db), "org", "show")  # any other command upgrades it
    check = cli.ok("--db", str(db), "db", "check")
    assert "(current)" in check.stdout and "integrity:    ok" in check.stdout
    with sqlite3.connect(db) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM icrm_migrations ORDER BY name")]
    assert applied == [m.name for m in migrations.known()]

    # Every old row is still there with the same values in the old columns.
    with sqlite3.connect(db) as conn:
        for table, rows in before.items():
            columns = ", ".join(f'"{c}"' for c in old_columns[table])
            after = sorted(conn.execute(f'SELECT {columns} FROM "{table}"').fetchall(), key=repr)
            assert after == rows, table

    # ...and readable through the command line.
    requests = json.loads(
        cli.ok("--db", str(db), "request", "list", "--format", "json", "--limit", "1000").stdout
    )
    listed = {r["id"]: r for r in requests}
    for request_id, title, status in sorted((r[0], r[1], r[8]) for r in before["request"]):
        shown = json.loads(
            cli.ok("--db", str(db), "request", "show", str(request_id), "--format", "json").stdout
        )
        assert (shown["title"], shown["status"]) == (title, status)
        stored = [e for e in before["event"] if e[1] == "request" and e[2] == request_id]
        assert len(shown["events"]) == len(stored)
        if status not in ("closed", "rejected", "cancelled", "unachievable"):
            assert listed[request_id]["title"] == title  # the default list shows unfinished work
    org = json.loads(cli.ok("--db", str(db), "org", "show", "--format", "json").stdout)
    text = json.dumps(org, ensure_ascii=False)
    for code, name, *_ in before["department"]:
        assert code in text and name in text
    people = json.loads(cli.ok("--db", str(db), "org", "show", "--people", "--format", "json").stdout)
    people_text = json.dumps(people, ensure_ascii=False)
    assert all(person_id in people_text for person_id, *_ in before["person"])

    # Meetings, feedback and escalations (schema 0002-0004 onwards) read back too.
    for meeting_id, title, *_ in before.get("meeting", []):
        shown = json.loads(cli.ok("--db", str(db), "meeting", "show", str(meeting_id), "-f", "json").stdout)
        assert shown["title"] == title and shown["actions"]
        cli.ok("--db", str(db), "meeting", "agenda", str(meeting_id), "-f", "json")
    for feedback_id, kind, *_ in before.get("feedback", []):
        shown = json.loads(cli.ok("--db", str(db), "feedback", "show", str(feedback_id), "-f", "json").stdout)
        assert shown["kind"] == kind
    for escalation_id, *_ in before.get("escalation", []):
        shown = json.loads(
            cli.ok("--db", str(db), "escalate", "show", str(escalation_id), "-f", "json").stdout
        )
        assert shown["history"] and shown["reason"]
    if before.get("survey"):
        cli.ok("--db", str(db), "feedback", "survey", "status", "--period", "2026-10")
    cli.ok("--db", str(db), "report", "weekly", "--week", "2026-W42", "-f", "json")

    # The upgraded database takes new work.
    new = cli.ok(
        "--db",
        str(db),
        "request",
        "new",
        "--from",
        "SALES",
        "--to",
        "IT",
        "--title",
        "升级后的新联络单",
        "--format",
        "json",
    )
    cli.ok("--db", str(db), "--as", "feng.kai", "request", "ack", str(json.loads(new.stdout)["id"]))


def test_upgrade_is_all_or_nothing_per_migration(tmp_path: Path) -> None:
    """A migration that fails leaves the database at the previous version, not half-way."""
    from sqlalchemy.engine import Connection

    from icrm_cli.storage.engine import make_engine

    db = tmp_path / "半.db"
    shutil.copy(RELEASED[0], db)
    before = _rows(db)
    shipped = migrations.known()

    def broken(conn: Connection) -> None:
        shipped[1].upgrade(conn)
        raise RuntimeError("power cut half-way through a migration")

    engine = make_engine(str(db))
    original = migrations.known
    try:
        migrations.known = lambda: [shipped[0], migrations.Migration(shipped[1].name, broken), *shipped[2:]]
        with pytest.raises(RuntimeError):
            migrations.upgrade(engine)
    finally:
        migrations.known = original
        engine.dispose()
    assert _rows(db) == before
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM icrm_migrations")] == [shipped[0].name]
