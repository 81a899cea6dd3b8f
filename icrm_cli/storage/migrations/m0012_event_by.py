"""Events name who acted for whom, and on PostgreSQL which database login wrote them.

``by``: the admin who acted for the event's ``actor`` (``--as`` on a database
server), else null. ``db_login`` (PostgreSQL only): the server fills it with
``session_user`` as a column default, so the login that wrote an event is
recorded by the server, not by icrm.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql('ALTER TABLE event ADD COLUMN "by" VARCHAR COLLATE "C"')
        conn.exec_driver_sql('ALTER TABLE event ADD COLUMN db_login VARCHAR COLLATE "C" DEFAULT session_user')
        return
    conn.exec_driver_sql('ALTER TABLE event ADD COLUMN "by" VARCHAR')
