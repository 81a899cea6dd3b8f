"""Reading requests: filtered lists (streamed, through a reader), one request with its history.

The list runs as a :class:`~icrm_cli.storage.plans.SelectPlan` put together from
the parts in :mod:`icrm_cli.domain.requests.statements`: on SQLite no SQLAlchemy
is loaded to list requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.org.lookups import department_code, person_id
from icrm_cli.domain.requests.states import SLA_RUNNING, STATUSES
from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.db_errors import OUT_OF_RANGE
from icrm_cli.storage.plans import Plan, Reader, SelectPlan, first
from icrm_cli.storage.readers import as_reader
from icrm_cli.storage.row_batches import Batches, RowStream

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.storage.models import Request

REQUEST_KEYS = (
    "id",
    "title",
    "description",
    "from_dept",
    "to_dept",
    "requester",
    "owner",
    "priority",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "overdue",
    "transfers",
    "reopened",
    "meeting_id",
)
_STORED_KEYS = tuple(key for key in REQUEST_KEYS if key != "overdue")
_INT_KEYS = frozenset({"id", "transfers", "reopened", "meeting_id", "paused_seconds"})

MAX_LIMIT = 2**63 - 1  # SQLite's largest integer
_Q = "icrm_cli.domain.requests.statements"
COUNT = Plan(f"{_Q}:count")
FILTERS = {
    name: Plan(f"{_Q}:{name}")
    for name in (
        "statuses",
        "from_dept",
        "to_dept",
        "owner",
        "overdue",
        "due_within",
        "since",
        "until",
        "meeting_id",
        "ids",
        "escalated",
    )
}
URGENT_FIRST, NEWEST_FIRST = Plan(f"{_Q}:urgent_first"), Plan(f"{_Q}:newest_first")
OLDEST_FIRST, OLDEST_FIRST_IN_RANGE = Plan(f"{_Q}:oldest_first"), Plan(f"{_Q}:oldest_first_in_range")
# `report export requests`: every key, then the SLA pause columns, oldest first.
EXPORT_KEYS = (*REQUEST_KEYS, "paused_seconds", "waiting_since")
MODES = ("typed", "raw", "utf8")


def field_kind(key: str) -> str:
    """The kind of a request key for the export writers (``row_batches.Field``)."""
    if key == "overdue":
        return "bool"
    if key in _INT_KEYS:
        return "int"
    return "time" if key.endswith(("_at", "_since")) else "text"


def columns_plan(mode: str, keys: tuple[str, ...] = REQUEST_KEYS) -> Plan:
    return Plan(f"{_Q}:columns", (mode, _STORED_KEYS if mode == "typed" else keys))


SHIPPED = (
    *((columns_plan(mode), "base") for mode in MODES),
    *((columns_plan(mode, EXPORT_KEYS), "base") for mode in ("raw", "utf8")),
    (COUNT, "base"),
    *((plan, "where") for plan in FILTERS.values()),
    (URGENT_FIRST, "order"),
    (NEWEST_FIRST, "order"),
    (OLDEST_FIRST, "order"),
    (OLDEST_FIRST_IN_RANGE, "order"),
)


@dataclass
class RequestFilter:
    statuses: Sequence[str] = ()
    from_dept: str | None = None
    to_dept: str | None = None
    owner: str | None = None
    overdue: bool = False
    due_within: timedelta | None = None
    since: datetime | None = None
    until: datetime | None = None
    meeting_id: int | None = None
    escalated: bool = False
    ids: Sequence[int] = field(default_factory=tuple)
    limit: int | None = None
    oldest_first: bool = False  # else the list's order (see _plan)


def request_dict(request: Request, now: datetime) -> dict[str, Any]:
    """The contract's JSON object for one request."""
    from icrm_cli.domain.requests.lifecycle import is_overdue

    values = {key: getattr(request, key) for key in _STORED_KEYS}
    values["overdue"] = is_overdue(request, now)
    return {key: values[key] for key in REQUEST_KEYS}


def _conditions(reader: Reader, filt: RequestFilter, now: datetime) -> tuple[list[str], dict[str, Any]]:
    """The names of the filter parts that apply and their parameters; bad values are errors."""
    for status in filt.statuses:
        if status not in STATUSES:
            raise InvalidValueError(f"unknown status {status!r}: choose from {', '.join(STATUSES)}")
    params: dict[str, Any] = {"now": now}
    if filt.statuses:
        params["statuses"] = list(filt.statuses)
    if filt.from_dept:
        params["from_dept"] = department_code(reader, filt.from_dept)
    if filt.to_dept:
        params["to_dept"] = department_code(reader, filt.to_dept)
    if filt.owner:
        params["owner"] = person_id(reader, filt.owner)
    if filt.since is not None and filt.until is not None and filt.since > filt.until:
        raise InvalidValueError("--since is after --until")
    if filt.limit is not None and filt.limit < 1:
        raise InvalidValueError("--limit must be at least 1")
    if filt.limit is not None and filt.limit > MAX_LIMIT:
        raise InvalidValueError(OUT_OF_RANGE)  # before a CSV header is written, not at the first row
    if filt.due_within is not None:
        params["soon"] = now + filt.due_within
    for name in ("since", "until", "meeting_id"):
        if getattr(filt, name) is not None:
            params[name] = getattr(filt, name)
    if filt.ids:
        params["ids"] = list(filt.ids)
    if filt.limit is not None:
        params["limit"] = filt.limit
    flags = {"overdue": filt.overdue, "escalated": filt.escalated, "due_within": "soon" in params}
    names = [name for name in FILTERS if flags.get(name, name in params)]
    return names, params


def _plan(
    mode: str, names: list[str], filt: RequestFilter, keys: tuple[str, ...] = REQUEST_KEYS
) -> SelectPlan:
    """Overdue and due-soon lists come most urgent first; others newest first (exports oldest first)."""
    if filt.oldest_first:
        ranged = filt.since is not None or filt.until is not None
        order = OLDEST_FIRST_IN_RANGE if ranged else OLDEST_FIRST
    else:
        order = URGENT_FIRST if filt.overdue or filt.due_within is not None else NEWEST_FIRST
    return SelectPlan(
        base=columns_plan(mode, keys),
        where=tuple(FILTERS[name] for name in names),
        order=order,
        limit=filt.limit is not None,
    )


def iter_requests(executor: Reader | Session, filt: RequestFilter, now: datetime) -> Iterator[dict[str, Any]]:
    """Matching requests as dicts of typed values (aware datetimes), streamed from the cursor.

    The filter is checked (and unknown departments or people reported) before
    the first row is read.
    """
    reader = as_reader(executor)
    names, params = _conditions(reader, filt, now)
    rows = reader.rows(_plan("typed", names, filt), params)
    return _dicts(rows, now)


def _dicts(rows: Iterator[tuple[Any, ...]], now: datetime) -> Iterator[dict[str, Any]]:
    running = SLA_RUNNING
    for row in rows:
        values = dict(zip(_STORED_KEYS, row, strict=True))
        values["overdue"] = values["status"] in running and values["due_at"] < now
        yield {key: values[key] for key in REQUEST_KEYS}


def request_rows(
    executor: Reader | Session, filt: RequestFilter, now: datetime, keys: tuple[str, ...] = REQUEST_KEYS
) -> RowStream:
    """Matching requests as plain rows of ``keys`` (:data:`REQUEST_KEYS` or :data:`EXPORT_KEYS`),
    for CSV and JSON.

    Same rows and order as :func:`iter_requests`; the filter is checked before
    anything is read.
    """
    reader = as_reader(executor)
    names, params = _conditions(reader, filt, now)

    def total() -> int:
        counted = SelectPlan(base=COUNT, where=tuple(FILTERS[name] for name in names))
        found = int(first(reader, counted, params) or 0)
        return found if filt.limit is None else min(found, filt.limit)

    def batches(utf8: bool) -> Iterator[list[Sequence[Any]]]:
        mode = "utf8" if utf8 else "raw"
        for batch in reader.batches(_plan(mode, names, filt, keys), params):
            yield list(batch)

    kinds = [field_kind(key) for key in keys]
    return RowStream(list(keys), kinds, total, Batches(batches, can_utf8=reader.dialect == "sqlite"))


def request_detail(session: Session, request_id: int, now: datetime) -> dict[str, Any]:
    """One request with its events (``{at, actor, kind, note, from_dept, to_dept}``, oldest first; the
    departments say where a transfer moved the request, null for other events) and escalations."""
    from icrm_cli.domain import events
    from icrm_cli.domain.escalation.lifecycle import escalations_for_request
    from icrm_cli.domain.requests.lifecycle import get_request

    request = get_request(session, request_id)
    detail = request_dict(request, now)
    detail["events"] = [
        {
            "at": event.at,
            "actor": event.actor,
            "by": event.by,
            "kind": event.kind,
            "note": event.note,
            "from_dept": (event.detail or {}).get("from_dept") if event.kind == "transferred" else None,
            "to_dept": (event.detail or {}).get("to_dept") if event.kind == "transferred" else None,
        }
        for event in events.history(session, "request", request_id)
    ]
    detail["escalations"] = escalations_for_request(session, request_id)
    return detail
