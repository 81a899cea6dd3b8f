"""Request list statements: the selected columns per output, each filter's condition, the orders.

``request list`` puts a :class:`~icrm_cli.storage.plans.SelectPlan` together from
these parts (see :mod:`icrm_cli.domain.requests.query`), so any combination of
filters runs without a statement of its own. Parameters: ``:now``, ``:soon``,
``:since``, ``:until`` (times), ``:from_dept``, ``:to_dept``, ``:owner``,
``:meeting_id``, ``:statuses`` and ``:ids`` (lists), ``:limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, literal_column, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from icrm_cli.domain.requests.query import field_kind
from icrm_cli.domain.requests.states import SLA_RUNNING
from icrm_cli.storage.core import ESCALATION, REQUEST
from icrm_cli.storage.row_batches import Field
from icrm_cli.storage.row_stream import select_fields
from icrm_cli.storage.types import UTCDateTime

R = REQUEST.c
_SLA_RUNNING = tuple(sorted(SLA_RUNNING))


def _time(name: str) -> BindParameter[datetime]:
    return bindparam(name, type_=UTCDateTime)


def request_fields(now: datetime | Any, keys: Sequence[str], extra: Sequence[str] = ()) -> list[Field]:
    """``keys`` (then ``extra`` stored columns) as streamed fields; ``overdue`` computed as at ``now``."""
    overdue = case((and_(R.status.in_(_SLA_RUNNING), R.due_at < now), 1), else_=0)
    return [Field(key, field_kind(key), overdue if key == "overdue" else R[key]) for key in (*keys, *extra)]


def columns(mode: str, keys: tuple[str, ...]) -> Any:
    """The request list's select: ``typed`` (stored columns, typed values, for tables) or the
    export writer's ``raw`` / ``utf8`` forms of every key (see ``row_stream.select_fields``)."""
    if mode == "typed":
        return select(*(R[key] for key in keys if key != "overdue"))
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


def urgent_first() -> list[Any]:
    """Overdue and due-soon lists: the most urgent first."""
    return [R.due_at, R.id]


def newest_first() -> list[Any]:
    return [R.id.desc()]


def oldest_first() -> list[Any]:
    return [R.id]


def oldest_first_in_range() -> list[Any]:
    """Oldest first, for a ``created_at`` range: ``id + 0`` is no index, so the planner reads the
    range through ``ix_request_created`` and sorts it, instead of walking the whole table in id order."""
    return [R.id + literal_column("0", Integer)]
