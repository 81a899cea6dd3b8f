"""An escalation follows its request: a transfer moves it to the new supplier, an end ends it.

Called by the request lifecycle in the same transaction as the request's own
change, so the escalation never drifts from its request (``escalate raise``
naming the old supplier's head, ``escalate list --open`` showing people who
"must act" on a request that is long done).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.storage.models.escalation import Escalation

ENTITY = "escalation"


def _open_of(session: Session, request_id: int) -> Escalation | None:
    query = select(Escalation).where(
        col(Escalation.request_id) == request_id, col(Escalation.status) == "open"
    )
    return session.exec(query).first()


def follow_transfer(
    session: Session, request_id: int, *, old_supplier: str, new_supplier: str, actor: str, now: datetime
) -> None:
    """The request's open escalation now stands between its customer and the new supplier."""
    escalation = _open_of(session, request_id)
    if escalation is None or escalation.id is None:
        return
    escalation.dept_b = new_supplier
    session.add(escalation)
    events.record(
        session,
        entity=ENTITY,
        entity_id=escalation.id,
        kind="transferred",
        actor=actor,
        note=f"request #{request_id} transferred from {old_supplier} to {new_supplier}",
        at=now,
        detail={"level": escalation.level, "from_dept": old_supplier, "to_dept": new_supplier},
    )


def end_with_request(session: Session, request_id: int, *, status: str, actor: str, now: datetime) -> None:
    """The request was resolved or ended: its open escalation is resolved with it, saying why."""
    escalation = _open_of(session, request_id)
    if escalation is None or escalation.id is None:
        return
    reason = f"request #{request_id} {status}"
    escalation.status = "resolved"
    escalation.resolved_at = now
    escalation.decision = reason
    session.add(escalation)
    events.record(
        session,
        entity=ENTITY,
        entity_id=escalation.id,
        kind="ended_with_request",
        actor=actor,
        note=reason,
        at=now,
        detail={"level": escalation.level, "request_status": status},
    )
