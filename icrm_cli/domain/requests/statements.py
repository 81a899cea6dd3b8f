"""Request list statements: the selected columns per output, each filter's condition, the orders.

``request list`` puts a :class:`~icrm_cli.storage.plans.SelectPlan` together from
these parts (see :mod:`icrm_cli.domain.requests.query`), so any combination of
filters runs without a statement of its own. Parameters: ``:now``, ``:soon``,
``:since``, ``:until`` (times), ``:from_dept``, ``:to_dept``, ``:owner``, ``:mine``,
``:meeting_id``, ``:search`` (a LIKE pattern, see :func:`search_pattern`),
``:statuses``, ``:priorities`` and ``:ids`` (lists), ``:limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from icrm_cli.domain.requests.query import field_kind
from icrm_cli.domain.requests.states import FINAL, SLA_RUNNING, STATUSES
from icrm_cli.storage.core import ESCALATION, EVENT, REQUEST
from icrm_cli.storage.row_batches import Field
from icrm_cli.storage.row_stream import select_fields
from icrm_cli.storage.text_match import SEARCH_ESCAPE, contains_folded
from icrm_cli.storage.types import UTCDateTime

R = REQUEST.c
_SLA_RUNNING = tuple(sorted(SLA_RUNNING))
_ACTIVE = tuple(status for status in STATUSES if status not in FINAL)
# Sort keys of `request list --sort`, each ascending then by id; priority: urgent first.
SORTS = ("due", "created", "priority", "updated")
_PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def _time(name: str) -> BindParameter[datetime]:
    return bindparam(name, type_=UTCDateTime)


def updated_at() -> Any:
    """The time of the request's latest event (its creation when it has none)."""
    e = EVENT.c
    latest = (
        select(func.max(e.at))
        .where(e.entity == bindparam("entity", "request"), e.entity_id == R.id)
        .scalar_subquery()
    )
    return func.coalesce(latest, R.created_at, type_=R.created_at.type)


def _expression(key: str, overdue: Any) -> Any:
    if key == "overdue":
        return overdue
    return updated_at() if key == "updated_at" else R[key]


def request_fields(now: datetime | Any, keys: Sequence[str], extra: Sequence[str] = ()) -> list[Field]:
    """``keys`` (then ``extra`` stored columns) as streamed fields; ``overdue`` computed as at ``now``,
    ``updated_at`` from the events."""
    overdue = case((and_(R.status.in_(_SLA_RUNNING), R.due_at < now), 1), else_=0)
    return [Field(key, field_kind(key), _expression(key, overdue)) for key in (*keys, *extra)]


def columns(mode: str, keys: tuple[str, ...]) -> Any:
    """The request list's select: ``typed`` (stored columns, typed values, for tables) or the
    export writer's ``raw`` / ``utf8`` forms of every key (see ``row_stream.select_fields``)."""
    if mode == "typed":
        return select(*(_expression(key, None).label(key) for key in keys if key != "overdue"))
    return select_fields(request_fields(_time("now"), keys), (), (), None, utf8=mode == "utf8")


def count() -> Any:
    return select(func.count()).select_from(REQUEST)


def statuses() -> ColumnElement[bool]:
    listed: Any = bindparam("statuses", expanding=True)
    return R.status.in_(listed)


def from_dept() -> ColumnElement[bool]:
    return R.from_dept == bindparam("from_dept")


def to_dept() -> ColumnElement[bool]:
    return R.to_dept == bindparam("to_dept")


def owner() -> ColumnElement[bool]:
    return R.owner == bindparam("owner")


def priorities() -> ColumnElement[bool]:
    listed: Any = bindparam("priorities", expanding=True)
    return R.priority.in_(listed)


def active() -> ColumnElement[bool]:
    """Not final: not closed, rejected, cancelled or unachievable (the list's default). Written
    as ``IN`` the statuses that are not final, which reads the status index (``NOT IN`` cannot)."""
    listed: Any = bindparam("active", list(_ACTIVE), expanding=True)
    return R.status.in_(listed)


def mine() -> ColumnElement[bool]:
    """Requests the person ``:mine`` owns or asked for."""
    person: BindParameter[str] = bindparam("mine")
    return or_(R.owner == person, R.requester == person)


def search() -> ColumnElement[bool]:
    """Title or description contains ``:search`` (a LIKE pattern), ASCII letters in any case."""
    pattern: BindParameter[str] = bindparam("search")
    escape: BindParameter[str] = bindparam("escape", SEARCH_ESCAPE)
    return or_(contains_folded(R.title, pattern, escape), contains_folded(R.description, pattern, escape))


def overdue() -> ColumnElement[bool]:
    """Past due while the SLA clock runs."""
    return and_(R.status.in_(_SLA_RUNNING), R.due_at < _time("now"))


def due_within() -> ColumnElement[bool]:
    """Not yet due, due by ``:soon``, the SLA clock running."""
    return and_(R.status.in_(_SLA_RUNNING), R.due_at >= _time("now"), R.due_at <= _time("soon"))


def since() -> ColumnElement[bool]:
    return R.created_at >= _time("since")


def until() -> ColumnElement[bool]:
    return R.created_at <= _time("until")


def meeting_id() -> ColumnElement[bool]:
    return R.meeting_id == bindparam("meeting_id", type_=Integer)


def ids() -> ColumnElement[bool]:
    listed: Any = bindparam("ids", expanding=True)
    return R.id.in_(listed)


def escalated() -> ColumnElement[bool]:
    """Requests with an open escalation."""
    x = ESCALATION.c
    return R.id.in_(select(x.request_id).where(x.status == "open", x.request_id.is_not(None)))


def sorted_by(key: str, descending: bool) -> list[Any]:
    """``request list --sort KEY [--desc]``: ascending by ``key`` then id, or both reversed."""
    if key == "due":
        first: Any = R.due_at
    elif key == "created":
        first = R.created_at
    elif key == "priority":
        rank = [(R.priority == bindparam(f"p_{name}", name), rank) for name, rank in _PRIORITY_RANK.items()]
        first = case(*rank, else_=len(_PRIORITY_RANK))
    elif key == "updated":
        # The selected column by its label: a correlated subquery compiled on its own
        # would not be correlated (every plan's base selects `updated_at`).
        first = literal_column("updated_at")
    else:
        raise ValueError(f"unknown sort {key!r}")
    return [first.desc(), R.id.desc()] if descending else [first, R.id]


def oldest_first() -> list[Any]:
    return [R.id]


def oldest_first_in_range() -> list[Any]:
    """Oldest first, for a ``created_at`` range: ``id + 0`` is no index, so the planner reads the
    range through ``ix_request_created`` and sorts it, instead of walking the whole table in id order."""
    return [R.id + literal_column("0", Integer)]
