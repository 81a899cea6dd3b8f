"""Drop ``ix_request_resolved``: ``ix_request_resolved_closed_due`` (0005) starts with the same column.

Every query that could use the one-column index uses the wider one as well, and
every write to the request table (most of all a large import) paid for both.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    conn.execute(text("DROP INDEX IF EXISTS ix_request_resolved"))
