"""The migrations produce exactly the models' schema; an old database is upgraded in place."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import icrm_cli.storage.models as models_package
from icrm_cli.storage import migrations
from icrm_cli.storage.engine import make_engine, open_database
from tests.conftest import Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

IGNORED = {migrations.RECORD_TABLE}


def _all_models() -> MetaData:
    """Every table of every module under icrm_cli.storage.models (other helpers add modules)."""
    for info in pkgutil.iter_modules(models_package.__path__):
        importlib.import_module(f"{models_package.__name__}.{info.name}")
    return SQLModel.metadata


def _affinity(type_: Any) -> str:
    """SQLite's view of a column type, enough to catch a TEXT column that should be INTEGER."""
    name = str(type_).upper()
    if "INT" in name or "BOOL" in name:
        return "INTEGER"
    if "CHAR" in name or "TEXT" in name or "CLOB" in name or "JSON" in name or "DATETIME" in name:
        return "TEXT"
    return name


def _model_schema() -> dict[str, Any]:
    engine = make_engine("sqlite://")  # compile the models' types the SQLite way
    dialect = engine.dialect
    schema: dict[str, Any] = {}
    for table in _all_models().sorted_tables:
        if table.name in IGNORED:
            continue
        columns = {
            c.name: (
                _affinity(c.type.compile(dialect=dialect)),
                bool(c.nullable) and not c.primary_key,
                c.primary_key,
            )
            for c in table.columns
        }
        indexes = {(ix.name, tuple(c.name for c in ix.columns), bool(ix.unique)) for ix in table.indexes}
        fks = {(fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys}
        schema[table.name] = {"columns": columns, "indexes": indexes, "fks": fks}
    return schema


def _database_schema(engine: Engine) -> dict[str, Any]:
    inspector = inspect(engine)
    schema: dict[str, Any] = {}
    for name in inspector.get_table_names():
        if name in IGNORED:
            continue
        pk = set(inspector.get_pk_constraint(name)["constrained_columns"])
        columns = {
            c["name"]: (_affinity(c["type"]), bool(c["nullable"]) and c["name"] not in pk, c["name"] in pk)
            for c in inspector.get_columns(name)
        }
        indexes = {
            (ix["name"], tuple(ix["column_names"]), bool(ix["unique"])) for ix in inspector.get_indexes(name)
        }
        fks = {
            (col, fk["referred_table"], ref)
            for fk in inspector.get_foreign_keys(name)
            for col, ref in zip(fk["constrained_columns"], fk["referred_columns"], strict=True)
        }
        schema[name] = {"columns": columns, "indexes": indexes, "fks": fks}
    return schema


def test_migrations_match_models(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "fresh.db"), create=True)
    try:
        actual = _database_schema(db.engine)
    finally:
        db.close()
    wanted = _model_schema()
    assert sorted(actual) == sorted(wanted), "tables differ"
    for table in wanted:
        for part in ("columns", "indexes", "fks"):
            assert actual[table][part] == wanted[table][part], f"{table}: {part} differ"


def test_migration_names_are_ordered_and_unique() -> None:
    names = [m.name for m in migrations.known()]
    assert names == sorted(names)
    numbers = [name[:4] for name in names]
    assert len(set(numbers)) == len(numbers)
    assert names[0] == "0001_initial"


def _first_schema_db(path: Path) -> None:
    """A database as the first release left it: only 0001 applied, with some history."""
    engine = make_engine(str(path), create=True)
    known = migrations.known()
    if len(known) > 1:
        migrations.upgrade(engine, stop_before=known[1].name)
    else:
        migrations.upgrade(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM icrm_migrations")] == ["0001_initial"]
        conn.executemany(
            "INSERT INTO department (code, name, parent, head, contact, channel, services, position, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [
                ("GM", "总经办", None, "wang.qiang", "wang.qiang", "meeting", "[]", 0),
                ("IT", "信息技术部", "GM", "feng.kai", "feng.kai", "chat", '["账号开通"]', 1),
            ],
        )
        conn.executemany(
            "INSERT INTO person (id, name, email, department, position, active) VALUES (?, ?, ?, ?, ?, 1)",
            [
                ("wang.qiang", "王强", "wang.qiang@example.com", "GM", 0),
                ("feng.kai", "冯凯", "feng.kai@example.com", "IT", 1),
            ],
        )
        conn.execute(
            "INSERT INTO setting (key, value) VALUES ('timezone', ?), ('organization', ?)",
            (json.dumps("Asia/Shanghai"), json.dumps("旧版公司", ensure_ascii=False)),
        )
        conn.execute(
            "INSERT INTO request (id, title, description, from_dept, to_dept, requester, owner, priority,"
            " status, created_at, acknowledged_at, due_at, paused_seconds, transfers, reopened)"
            " VALUES (1, '旧数据库里的单子', '迁移前', 'GM', 'IT', 'wang.qiang', 'feng.kai', 'high',"
            " 'acknowledged', '2026-11-10 01:00:00.000000', '2026-11-10 02:00:00.000000',"
            " '2026-11-13 01:00:00.000000', 0, 1, 0)"
        )
        conn.execute(
            "INSERT INTO event (entity, entity_id, at, actor, kind, note, detail)"
            " VALUES ('request', 1, '2026-11-10 01:00:00.000000', 'wang.qiang', 'created', NULL, '{}')"
        )


def test_upgrade_from_first_schema(cli: Cli, db_path: Path) -> None:
    _first_schema_db(db_path)
    shown = json.loads(cli.ok("request", "show", "1", "--format", "json").stdout)  # upgrades on open
    assert shown["title"] == "旧数据库里的单子"
    assert shown["status"] == "acknowledged" and shown["transfers"] == 1
    assert shown["created_at"] == "2026-11-10T09:00:00+08:00"
    assert shown["due_at"] == "2026-11-13T09:00:00+08:00"
    assert shown["events"] == [
        {
            "at": "2026-11-10T09:00:00+08:00",
            "actor": "wang.qiang",
            "by": None,
            "kind": "created",
            "note": None,
            "from_dept": None,
            "to_dept": None,
            "field": None,
            "old": None,
            "new": None,
        }
    ]
    org = json.loads(cli.ok("org", "show", "--format", "json").stdout)
    assert org["organization"] == "旧版公司"
    assert [d["code"] for d in org["departments"]] == ["GM", "IT"]
    with sqlite3.connect(db_path) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM icrm_migrations ORDER BY name")]
    assert applied == [m.name for m in migrations.known()]
    assert "(current)" in cli.ok("db", "check").stdout
    # The upgraded database has the same schema as a fresh one.
    engine = make_engine(str(db_path))
    try:
        upgraded = _database_schema(engine)
    finally:
        engine.dispose()
    assert upgraded == _model_schema()
    # And it keeps working: the old request moves on.
    cli.ok("request", "start", "1", actor="feng.kai")


def test_newer_schema_is_refused(cli: Cli, org: Path, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO icrm_migrations (name, applied_at) VALUES ('9999_future', 'x')")
    before = db_path.read_bytes()
    result = cli.fails("org", "show")
    assert "newer" in result.stderr
    assert db_path.read_bytes() == before


def test_current_schema_is_checked_without_importing_migrations(tmp_path: Path) -> None:
    """Opening a current database reads the applied names once; the migrations are not loaded."""
    engine = make_engine(str(tmp_path / "current.db"), create=True)
    try:
        assert not migrations.is_current(engine)
        assert migrations.shipped_names() == [m.name for m in migrations.known()]
        migrations.upgrade(engine)
        assert migrations.is_current(engine)
        assert migrations.upgrade(engine) == []
    finally:
        engine.dispose()
    probe = (
        "import sys\n"
        "from icrm_cli.storage.engine import open_database\n"
        f"open_database({str(tmp_path / 'current.db')!r}, create=True).close()\n"
        "print(sorted(name for name in sys.modules if '.migrations.m0' in name))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
