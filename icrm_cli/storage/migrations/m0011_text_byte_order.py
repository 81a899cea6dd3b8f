"""PostgreSQL: every text column sorts in byte order (``COLLATE "C"``), as SQLite's BINARY does.

The same data then lists in the same order on both databases, whatever the
server's default collation is (``en_US.UTF-8`` orders ``a``/``B`` and Chinese
names differently). Nothing to do on SQLite. Columns are found in the
catalogue, so this covers every text column of schema 0001-0006; later
migrations give new text columns ``String(collation="C")`` on PostgreSQL
(``tests/test_postgres.py`` checks that none is missed).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from icrm_cli.storage.dialect import text_columns_not_c


def upgrade(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    by_table: dict[str, list[str]] = {}
    for table, column in text_columns_not_c(conn):
        by_table.setdefault(table, []).append(column)
    for table, columns in by_table.items():
        changes = ", ".join(f'ALTER COLUMN "{column}" TYPE VARCHAR COLLATE "C"' for column in columns)
        conn.exec_driver_sql(f'ALTER TABLE "{table}" {changes}')
