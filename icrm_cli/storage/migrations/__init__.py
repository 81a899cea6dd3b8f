"""Append-only, named schema migrations.

Each migration is a module ``mNNNN_name.py`` in this package with a function
``upgrade(conn)``. They run in name order when a database is opened; each runs
in its own transaction together with the row that records it, so a crash
leaves either the old or the new schema, never half of one. A migration, once
released, is never edited: it defines its own frozen tables instead of
importing today's models.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, inspect, select
from sqlalchemy.engine import Connection, Engine

from icrm_cli.storage.schema_names import RECORD_TABLE as RECORD_TABLE
from icrm_cli.storage.schema_names import check_not_newer, shipped_modules
from icrm_cli.storage.schema_names import shipped_names as shipped_names

_record_metadata = MetaData()
records = Table(
    RECORD_TABLE,
    _record_metadata,
    Column("name", String, primary_key=True),
    Column("applied_at", String, nullable=False),
)


@dataclass(frozen=True)
class Migration:
    name: str
    upgrade: Callable[[Connection], None]


def known() -> list[Migration]:
    """Every migration shipped with this version, oldest first."""
    found = []
    for module_name in shipped_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        found.append(Migration(name=module_name[1:], upgrade=module.upgrade))
    return sorted(found, key=lambda migration: migration.name)


def applied(conn: Connection) -> list[str]:
    if not inspect(conn).has_table(RECORD_TABLE):
        return []
    return [row[0] for row in conn.execute(select(records.c.name).order_by(records.c.name))]


def pending(engine: Engine) -> list[Migration]:
    shipped = known()
    with engine.connect() as conn:
        done = applied(conn)
    check_not_newer(done, [m.name for m in shipped])
    return [migration for migration in shipped if migration.name not in set(done)]


def is_current(engine: Engine) -> bool:
    """True when every shipped migration is applied: one cheap query, nothing imported.

    Raises :class:`SchemaTooNewError` for a database written by a newer icrm.
    """
    with engine.connect() as conn:
        done = applied(conn)
    shipped = shipped_names()
    check_not_newer(done, shipped)
    return set(shipped) <= set(done)


def upgrade(engine: Engine, *, stop_before: str | None = None) -> list[str]:
    """Apply every pending migration; returns the names applied.

    ``stop_before`` (for building old databases in tests) stops at the first migration whose
    name sorts at or after it: ``"0006"`` applies everything up to ``0005_...``.
    """
    if is_current(engine) or not pending(engine):
        return []
    ran: list[str] = []
    for migration in known():
        if stop_before is not None and migration.name >= stop_before:
            break
        with engine.begin() as conn:  # re-checked under the write lock: another process may have won
            done = applied(conn)
            check_not_newer(done, [m.name for m in known()])
            if migration.name in done:
                continue
            _record_metadata.create_all(conn, checkfirst=True)
            migration.upgrade(conn)
            conn.execute(
                records.insert().values(
                    name=migration.name, applied_at=datetime.now(UTC).isoformat(timespec="seconds")
                )
            )
            ran.append(migration.name)
    return ran


def current(engine: Engine) -> str | None:
    """The newest applied migration, i.e. the schema version."""
    with engine.connect() as conn:
        done = applied(conn)
    return done[-1] if done else None
