"""A case-insensitive index on department codes: ``--to it`` finds ``IT`` in one indexed query."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_department_upper_code ON department (upper(code))"))
