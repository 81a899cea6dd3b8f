"""Recording the audit trail; every state change goes through :func:`record`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.domain.access.identity import acting_for
from icrm_cli.storage.models import Event
from icrm_cli.timeutil import Clock


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    kind: str,
    actor: str,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    event = Event(
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        actor=actor,
        note=note,
        detail=detail,
        at=at or Clock().now(),
        by=acting_for(session),
    )
    session.add(event)
    return event


def history(session: Session, entity: str, entity_id: int) -> list[Event]:
    """Events of one object, oldest first."""
    query = select(Event).where(Event.entity == entity, Event.entity_id == entity_id).order_by(col(Event.id))
    return list(session.exec(query))
