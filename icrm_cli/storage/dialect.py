"""Everything that differs between SQLite and PostgreSQL, in one place.

The rest of icrm writes portable SQLAlchemy. What must differ:

- connecting: the driver (psycopg 3, the ``icrm[postgres]`` extra), and errors
  that name host and database, never the password;
- write transactions: SQLite's ``BEGIN IMMEDIATE`` takes the one write lock
  at the start; on PostgreSQL a write transaction takes one transaction-level
  advisory lock (:data:`WRITE_LOCK`) as its first statement, so writers queue
  the same way and a read-check-write sequence never loses an update. Readers
  are never blocked. Migrations run in such transactions too, so two first
  runs at once are safe;
- text order: columns use the ``"C"`` collation (byte order, as SQLite's
  BINARY), set by migration 0007;
- a consistent snapshot for ``db copy`` (``REPEATABLE READ``), moving id
  sequences past copied ids, and the planner's statistics of the copied tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from icrm_cli.errors import DatabaseError
from icrm_cli.storage.db_errors import BUSY_TIMEOUT_MS, DRIVER_HINT

IMMEDIATE = "icrm_immediate"
# pg_advisory_xact_lock key: "icrm" in ASCII; one lock for every icrm write transaction.
WRITE_LOCK = 0x6963726D


def require_driver(url: str) -> None:
    """Refuse a PostgreSQL URL when psycopg 3 is missing, with the install line."""
    if not url.startswith("postgresql"):
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseError(DRIVER_HINT) from None


def connect_args(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"timeout": BUSY_TIMEOUT_MS / 1000}
    if url.startswith("postgresql"):
        # No server-side prepared statements: a schema upgrade by another process (two first runs
        # at once) must not leave this connection with a cached plan of the old column types.
        return {"connect_timeout": 10, "application_name": "icrm", "prepare_threshold": None}
    return {}


def install_postgres_hooks(engine: Engine) -> None:
    """Writers take :data:`WRITE_LOCK` (waiting at most the busy timeout), as BEGIN IMMEDIATE does."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(IMMEDIATE, False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def snapshot(conn: Connection) -> Connection:
    """``conn`` set up to read one consistent snapshot over many statements."""
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return conn  # SQLite: one read transaction is one snapshot (WAL)


def gather_statistics(conn: Connection, tables: list[str]) -> None:
    """Give PostgreSQL's planner statistics of tables just filled in bulk (``ANALYZE``; SQLite: nothing).

    Until the tables are analysed (by autovacuum, which may come late or be off) the planner
    guesses their sizes: on a copied database of 1,000,000 requests the weekly report then picked
    a slower plan or compiled one with JIT. Runs inside the copy's transaction, which sees its
    own rows, so the statistics are committed with the data.
    """
    if conn.dialect.name == "postgresql" and tables:
        conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{name}"' for name in tables))


def defer_foreign_keys(conn: Connection) -> None:
    """Let a bulk copy insert rows before the rows they point to (checked at commit, SQLite)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def move_sequence(conn: Connection, table: str, column: str = "id") -> None:
    """Ids made after a copy continue after the copied ones (PostgreSQL sequences; SQLite: max+1)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), "
            f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
        ),
        {"table": table, "column": column},
    )


def text_columns_not_c(conn: Connection) -> list[tuple[str, str]]:
    """``(table, column)`` of text columns in the current schema that do not sort in byte order."""
    rows = conn.execute(
        text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "WHERE c.table_schema = current_schema() "
            "AND c.data_type IN ('character varying', 'text', 'character') "
            "AND COALESCE(c.collation_name, '') <> 'C' ORDER BY 1, 2"
        )
    )
    return [(str(row[0]), str(row[1])) for row in rows]


def server_check(conn: Connection) -> tuple[str, int]:
    """PostgreSQL's own checks: invalid indexes, and foreign keys not validated (count of problems)."""
    invalid = conn.execute(
        text(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready) ORDER BY 1"
        )
    ).scalars()
    names = list(invalid)
    unvalidated = conn.execute(
        text(
            "SELECT COUNT(*) FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace "
            "WHERE n.nspname = current_schema() AND con.contype = 'f' AND NOT con.convalidated"
        )
    ).scalar_one()
    integrity = "ok" if not names else "invalid indexes: " + ", ".join(names[:5])
    return integrity, int(unvalidated)
