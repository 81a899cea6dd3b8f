"""`report export`: a whole table as rows of plain values, streamed from the database cursor.

Requests are exported like `request list` (a plan: on SQLite no SQLAlchemy is
loaded), with every request key, the SLA pause columns, oldest first; the other
tables through SQLAlchemy (:mod:`icrm_cli.domain.report.export_tables`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from icrm_cli.domain.requests.query import EXPORT_KEYS, RequestFilter, request_rows
from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.plans import Reader
from icrm_cli.storage.readers import as_reader
from icrm_cli.storage.row_batches import RowStream

if TYPE_CHECKING:
    from sqlmodel import Session

TABLE_NAMES = ("requests", "feedback", "meetings", "escalations", "events")


@contextmanager
def open_export(
    executor: Reader | Session,
    table: str,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    viewer: str | None = None,
) -> Iterator[RowStream]:
    """Stream ``table`` (one of :data:`TABLE_NAMES`) oldest first, filtered on its time column.

    The rows are read while the block runs; the table name and the times are checked first.
    """
    if table not in TABLE_NAMES:
        raise InvalidValueError(f"unknown export table {table!r}: choose one of {', '.join(TABLE_NAMES)}")
    if since is not None and until is not None and since > until:
        raise InvalidValueError("--since is after --until")
    reader = as_reader(executor)
    if table == "requests":
        yield request_rows(
            reader, RequestFilter(since=since, until=until, oldest_first=True), now, EXPORT_KEYS
        )
        return
    from icrm_cli.domain.report.export_tables import table_rows

    with reader.session() as session:
        yield table_rows(session, table, now=now, since=since, until=until, viewer=viewer)
