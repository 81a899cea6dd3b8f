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
from icrm_cli.domain.org.settings import PRIORITIES
from icrm_cli.domain.requests.states import SLA_RUNNING, STATUSES
from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.db_errors import OUT_OF_RANGE
from icrm_cli.storage.like import like_pattern
from icrm_cli.storage.plans import Plan, Reader, SelectPlan, first
from icrm_cli.storage.readers import as_reader
from icrm_cli.storage.row_batches import Batches, RowStream

if TYPE_CHECKING:
    from sqlmodel import Session

    from icrm_cli.storage.models import Request
    from icrm_cli.storage.split_scan import SplitScan

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
    "updated_at",
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
        "priorities",
        "active",
        "mine",
        "search",
    )
}
SORTS = ("due", "created", "priority", "updated")  # `--sort`; each ascending, ties by id
SORTED = {(key, desc): Plan(f"{_Q}:sorted_by", (key, desc)) for key in SORTS for desc in (False, True)}
OLDEST_FIRST, OLDEST_FIRST_IN_RANGE = Plan(f"{_Q}:oldest_first"), Plan(f"{_Q}:oldest_first_in_range")
# `report export requests`: the stored keys (not the computed `updated_at`), then the SLA pause
# columns, oldest first.
EXPORT_KEYS = (*(key for key in REQUEST_KEYS if key != "updated_at"), "paused_seconds", "waiting_since")
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
    *((plan, "order") for plan in SORTED.values()),
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
    due_by: datetime | None = None  # --due-within on the org's clock (working units too)
    since: datetime | None = None
    until: datetime | None = None
    meeting_id: int | None = None
    escalated: bool = False
    ids: Sequence[int] = field(default_factory=tuple)
    priorities: Sequence[str] = ()
    active: bool = False  # not final (the command's default without --all / --status)
    mine: str | None = None  # a person: requests they own or asked for
    search: str | None = None  # a substring of title or description
    sort: str = "due"
    desc: bool = False
    limit: int | None = None
    oldest_first: bool = False  # else the list's order: `sort`, then id (see _plan)


def request_dict(request: Request, now: datetime) -> dict[str, Any]:
    """The contract's JSON object for one request (``updated_at`` read from its session's events)."""
    from sqlalchemy.orm import object_session

    from icrm_cli.domain.requests.lifecycle import is_overdue

    values = {key: getattr(request, key) for key in _STORED_KEYS if key != "updated_at"}
    values["overdue"] = is_overdue(request, now)
    session = object_session(request)
    values["updated_at"] = latest_event_at(session, request) if session is not None else request.created_at
    return {key: values[key] for key in REQUEST_KEYS}


def latest_event_at(session: Any, request: Request) -> datetime:
    """The time of the request's latest event (its creation time when it has none)."""
    from sqlmodel import func, select

    from icrm_cli.storage.models import Event

    query = select(func.max(Event.at)).where(Event.entity == "request", Event.entity_id == request.id)
    latest: datetime | None = session.exec(query).one()
    return latest if latest is not None else request.created_at


def _conditions(reader: Reader, filt: RequestFilter, now: datetime) -> tuple[list[str], dict[str, Any]]:
    """The names of the filter parts that apply and their parameters; bad values are errors."""
    for status in filt.statuses:
        if status not in STATUSES:
            raise InvalidValueError(f"unknown status {status!r}: choose from {', '.join(STATUSES)}")
    for priority in filt.priorities:
        if priority not in PRIORITIES:
            raise InvalidValueError(f"unknown priority {priority!r}: choose from {', '.join(PRIORITIES)}")
    if filt.sort not in SORTS:
        raise InvalidValueError(f"unknown sort {filt.sort!r}: choose from {', '.join(SORTS)}")
    params: dict[str, Any] = {"now": now}
    if filt.statuses:
        params["statuses"] = list(filt.statuses)
    if filt.priorities:
        params["priorities"] = list(filt.priorities)
    if filt.mine:
        params["mine"] = person_id(reader, filt.mine)
    if filt.search is not None:
        params["search"] = like_pattern(filt.search)
    if filt.from_dept:
        params["from_dept"] = department_code(reader, filt.from_dept)
    if filt.to_dept:
        params["to_dept"] = department_code(reader, filt.to_dept)
    if filt.owner:
        params["owner"] = person_id(reader, filt.owner)
    if filt.since is not None and filt.until is not None and filt.since > filt.until:
        raise InvalidValueError("--since is after --until")
    if filt.limit is not None and filt.limit < 1:
        raise InvalidValueError("--limit must be at least 1 (0 on the command line: no limit)")
    if filt.limit is not None and filt.limit > MAX_LIMIT:
        raise InvalidValueError(OUT_OF_RANGE)  # before a CSV header is written, not at the first row
    if filt.due_by is not None:
        params["soon"] = filt.due_by
    elif filt.due_within is not None:
        params["soon"] = now + filt.due_within
    for name in ("since", "until", "meeting_id"):
        if getattr(filt, name) is not None:
            params[name] = getattr(filt, name)
    if filt.ids:
        params["ids"] = list(filt.ids)
    if filt.limit is not None:
        params["limit"] = filt.limit
    flags = {
        "overdue": filt.overdue,
        "escalated": filt.escalated,
        "due_within": "soon" in params,
        "active": filt.active,
    }
    names = [name for name in FILTERS if flags.get(name, name in params)]
    return names, params


def _plan(
    mode: str, names: list[str], filt: RequestFilter, keys: tuple[str, ...] = REQUEST_KEYS
) -> SelectPlan:
    """The list's order: ``filt.sort`` then id, ascending unless ``filt.desc`` (exports oldest first)."""
    if filt.oldest_first:
        ranged = filt.since is not None or filt.until is not None
        order = OLDEST_FIRST_IN_RANGE if ranged else OLDEST_FIRST
    else:
        order = SORTED[filt.sort, filt.desc]
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


def count_requests(executor: Reader | Session, filt: RequestFilter, now: datetime) -> int:
    """How many requests match ``filt``, whatever its limit."""
    reader = as_reader(executor)
    names, params = _conditions(reader, filt, now)
    counted = SelectPlan(base=COUNT, where=tuple(FILTERS[name] for name in names))
    return int(first(reader, counted, params) or 0)


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

    def split(utf8: bool, rows: int) -> SplitScan | None:
        return reader.split(_plan("utf8" if utf8 else "raw", names, filt, keys), params, rows)

    kinds = [field_kind(key) for key in keys]
    sqlite = reader.dialect == "sqlite"
    return RowStream(
        list(keys), kinds, total, Batches(batches, can_utf8=sqlite, split=split if sqlite else None)
    )


def _edit(detail: dict[str, Any] | None) -> dict[str, Any]:
    """``field``, ``old``, ``new`` of an ``edited`` event (None for other events)."""
    found = detail or {}
    return {key: found.get(key) if "field" in found else None for key in ("field", "old", "new")}


def request_detail(session: Session, request_id: int, now: datetime) -> dict[str, Any]:
    """One request with its events (``{at, actor, kind, note, from_dept, to_dept, field, old, new}``,
    oldest first; the departments say where a transfer moved the request, ``field``/``old``/``new``
    what an edit changed, null for other events) and escalations."""
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
            **_edit(event.detail),
        }
        for event in events.history(session, "request", request_id)
    ]
    detail["escalations"] = escalations_for_request(session, request_id)
    return detail
