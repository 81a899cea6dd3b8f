"""Events name who acted for whom, and on PostgreSQL which database login wrote them.

``by``: the admin who acted for the event's ``actor`` (``--as`` on a database
server), else null. ``db_login`` (PostgreSQL only): the server fills it with
``session_user`` (a column default, and a trigger that overrides whatever a
client sends), so the login that wrote an event is recorded by the server, not
by icrm or anyone's SQL. Idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

FILL_LOGIN = (
    "CREATE OR REPLACE FUNCTION icrm_event_db_login() RETURNS trigger AS $$ "
    "BEGIN NEW.db_login := session_user; RETURN NEW; END $$ LANGUAGE plpgsql"
)


def upgrade(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql('ALTER TABLE event ADD COLUMN IF NOT EXISTS "by" VARCHAR COLLATE "C"')
        conn.exec_driver_sql(
            'ALTER TABLE event ADD COLUMN IF NOT EXISTS db_login VARCHAR COLLATE "C" DEFAULT session_user'
        )
        conn.exec_driver_sql(FILL_LOGIN)
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS event_db_login ON event")
        conn.exec_driver_sql(
            "CREATE TRIGGER event_db_login BEFORE INSERT OR UPDATE ON event "
            "FOR EACH ROW EXECUTE FUNCTION icrm_event_db_login()"
        )
        return
    columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(event)")}
    if "by" not in columns:
        conn.exec_driver_sql('ALTER TABLE event ADD COLUMN "by" VARCHAR')
