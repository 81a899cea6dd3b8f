"""`request edit`: fix a title or description, change the priority.

Each field that changes is one ``edited`` event naming the field, the old and
the new value. A new priority moves ``due_at`` to the new SLA counted from the
creation (plus the time spent waiting), unless a due time was set by hand
(``request new --due``, an imported ``due``, or ``request due``).

Who may edit (to be enforced with the permissions work, see the contract's
"Identity and permissions"): the customer side for title and description,
either side for the priority; only the customer side lowers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.org.settings import PRIORITIES, Policy
from icrm_cli.domain.requests.lifecycle import facts, get_request
from icrm_cli.domain.requests.states import FINAL
from icrm_cli.domain.requests.working import sla_due
from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import InvalidValueError, TransitionError
from icrm_cli.storage.models import Event, Request

EDITABLE = ("title", "description", "priority")


@dataclass
class Edited:
    """The request after the edit and what changed: ``(field, old, new)``, in :data:`EDITABLE` order."""

    request: Request
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    due_moved: bool = False


def due_set_by_hand(session: Session, policy: Policy, request: Request) -> bool:
    """True when the due time was given by a person rather than computed from the SLA."""
    query = select(Event).where(Event.entity == "request", Event.entity_id == request.id)
    created: Event | None = None
    for event in session.exec(query.order_by(col(Event.id))):
        if event.kind == "due_changed":
            return True
        if event.kind == "created" and created is None:
            created = event
    source = (created.detail or {}).get("due") if created is not None else None
    if source is not None:
        return bool(source == "manual")
    # Written before the source was recorded: by hand if it is not what the SLA gave.
    return request.due_at != sla_due(session, policy, request, request.priority)


def _shown(value: Any) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def edit(
    session: Session,
    policy: Policy,
    request_id: int,
    *,
    actor: str,
    title: str | None = None,
    description: str | None = None,
    priority: str | None = None,
    reason: str | None = None,
) -> Edited:
    """Apply the given fields; unchanged values are left alone (``changes`` may be empty)."""
    if title is None and description is None and priority is None:
        raise InvalidValueError("nothing to edit: give --title, --description or --priority")
    request = get_request(session, request_id)
    if title is not None or description is not None:  # the customer side's words
        access.require(session, actor, "request edit", facts(request))
    if priority is not None and priority in PRIORITIES:  # either side; only the customer side lowers it
        lowers = PRIORITIES.index(priority) > PRIORITIES.index(request.priority)
        access.require(session, actor, "request edit priority", replace(facts(request), lowers=lowers))
    if request.status in FINAL:
        raise TransitionError(f"cannot edit request #{request.id}: it is {request.status} (final)")
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = clean_title(title)
    if description is not None:
        wanted["description"] = clean_text(description, what="description") or None
    if priority is not None:
        if priority not in PRIORITIES:
            raise InvalidValueError(f"invalid priority {priority!r}: choose one of {', '.join(PRIORITIES)}")
        wanted["priority"] = priority
    note = clean_text(reason, what="reason") or None
    now = policy.clock.now()
    result = Edited(request)
    for name in EDITABLE:
        if name not in wanted or wanted[name] == getattr(request, name):
            continue
        old, new = getattr(request, name), wanted[name]
        detail: dict[str, Any] = {"field": name, "old": old, "new": new}
        if name == "priority" and not due_set_by_hand(session, policy, request):
            due_at = sla_due(session, policy, request, new)
            if due_at != request.due_at:
                detail.update(old_due_at=request.due_at.isoformat(), due_at=due_at.isoformat())
                request.due_at = due_at
                result.due_moved = True
        setattr(request, name, new)
        result.changes.append((name, old, new))
        said = f"{name}: {_shown(old)} → {_shown(new)}" + (f" ({note})" if note else "")
        events.record(
            session,
            entity="request",
            entity_id=request_id,
            kind="edited",
            actor=actor,
            note=said,
            detail=detail,
            at=now,
        )
    if result.changes:
        session.add(request)
    return result
