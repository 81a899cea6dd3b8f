"""Satisfaction summary: per supplier department and per (customer, supplier) pair.

Plain SQL aggregates with GROUP BY (SUM/COUNT/CASE only, so they run the same
on SQLite and PostgreSQL); averages are computed from sum and count here.
An average (and the score distribution) over fewer than ``policy.min_group``
ratings is withheld so that small groups stay anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.models import Department
from icrm_cli.storage.models.feedback import Feedback

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Figures:
    count: int
    total: int
    distribution: tuple[int, ...]
    open_complaints: int

    def as_dict(self, min_group: int) -> dict[str, Any]:
        shown = self.count >= min_group
        return {
            "count": self.count,
            "average": round(self.total / self.count, 2) if shown and self.count else None,
            "distribution": {str(s): n for s, n in zip(SCORES, self.distribution, strict=True)}
            if shown
            else None,
            "open_complaints": self.open_complaints,
        }


def _aggregate(session: Session, group: list[Any], where: list[Any]) -> dict[tuple[str, ...], Figures]:
    table = Feedback.__table__.c  # type: ignore[attr-defined]
    columns = [
        func.count(table.score),
        func.coalesce(func.sum(table.score), 0),
        *(func.sum(case((table.score == s, 1), else_=0)) for s in SCORES),
        func.sum(case((and_(table.kind == "complaint", table.status == "open"), 1), else_=0)),
    ]
    query = select(*group, *columns).where(*where).group_by(*group)
    found: dict[tuple[str, ...], Figures] = {}
    for row in session.execute(query):
        key = tuple(row[: len(group)])
        values = [int(v or 0) for v in row[len(group) :]]
        found[key] = Figures(
            count=values[0], total=values[1], distribution=tuple(values[2:7]), open_complaints=values[7]
        )
    return found


def summary(
    session: Session,
    *,
    min_group: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """``{since, until, min_group, suppliers: [...], pairs: [...]}`` over feedback created in the window."""
    if since is not None and until is not None and since > until:
        raise InvalidValueError("--since is after --until")
    table = Feedback.__table__.c  # type: ignore[attr-defined]
    where: list[Any] = []
    if since is not None:
        where.append(table.created_at >= since)
    if until is not None:
        where.append(table.created_at <= until)
    names = {d.code: d.name for d in session.execute(select(Department)).scalars()}
    position = {d.code: d.position for d in session.execute(select(Department)).scalars()}

    def order(code: str) -> tuple[int, str]:
        return (position.get(code, 10**6), code)

    suppliers = _aggregate(session, [table.to_dept], where)
    pairs = _aggregate(session, [table.to_dept, table.from_dept], where)
    return {
        "since": since,
        "until": until,
        "min_group": min_group,
        "suppliers": [
            {"supplier": code, "supplier_name": names.get(code), **figures.as_dict(min_group)}
            for (code,), figures in sorted(suppliers.items(), key=lambda item: order(item[0][0]))
        ],
        "pairs": [
            {
                "customer": customer,
                "customer_name": names.get(customer),
                "supplier": supplier,
                "supplier_name": names.get(supplier),
                **figures.as_dict(min_group),
            }
            for (supplier, customer), figures in sorted(
                pairs.items(), key=lambda item: (order(item[0][0]), order(item[0][1]))
            )
        ],
    }
