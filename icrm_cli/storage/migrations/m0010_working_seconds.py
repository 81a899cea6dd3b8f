"""Working seconds of each acknowledgement and resolution (the working calendar, issue 14).

``ack_working_seconds``: working time from creation to the first
acknowledgement; ``resolve_working_seconds``: working time from creation to
resolution, waiting left out. Both are NULL while the org has no calendar (the
report then counts elapsed time) and are filled when the event happens; the
``org apply`` that sets or changes the calendar recomputes them. The weekly
report reads them in SQL, so it never loads requests into Python.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    for name in ("ack_working_seconds", "resolve_working_seconds"):
        conn.exec_driver_sql(f'ALTER TABLE request ADD COLUMN "{name}" INTEGER')
