"""Escalations (升级): open, raise, resolve, and read them back with who must act now.

Every change records an event (entity ``escalation``) with actor and time; the
history of an escalation is read back from those events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.escalation.ladder import who_must_act
from icrm_cli.domain.org.apply import get_department
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.requests.lifecycle import get_request
from icrm_cli.domain.requests.states import FINAL
from icrm_cli.domain.text import clean_text, required_text
from icrm_cli.errors import ConflictError, InvalidValueError, NotFoundError, TransitionError
from icrm_cli.storage.models.escalation import MAX_LEVEL, Escalation

ENTITY = "escalation"
ESCALATION_KEYS = (
    "id",
    "request_id",
    "dept_a",
    "dept_b",
    "level",
    "status",
    "reason",
    "opened_at",
    "raised_at",
    "resolved_at",
    "decision",
    "contingency",
    "must_act",
)
_STORED_KEYS = tuple(key for key in ESCALATION_KEYS if key != "must_act")


def get_escalation(session: Session, escalation_id: int) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise NotFoundError(f"unknown escalation #{escalation_id}")
    return escalation


def open_for_request(session: Session, request_id: int) -> Escalation | None:
    """The open escalation of a request, if any."""
    query = select(Escalation).where(
        col(Escalation.request_id) == request_id, col(Escalation.status) == "open"
    )
    return session.exec(query).first()


def _open_between(session: Session, dept_a: str, dept_b: str) -> Escalation | None:
    """The open escalation between two departments that is not tied to a request, if any."""
    pair = or_(
        and_(col(Escalation.dept_a) == dept_a, col(Escalation.dept_b) == dept_b),
        and_(col(Escalation.dept_a) == dept_b, col(Escalation.dept_b) == dept_a),
    )
    query = select(Escalation).where(col(Escalation.request_id).is_(None), Escalation.status == "open", pair)
    return session.execute(query).scalars().first()


def _sides_of_request(session: Session, request_id: int) -> tuple[int, str, str]:
    request = get_request(session, request_id)
    assert request.id is not None
    if request.status in FINAL:
        raise TransitionError(f"cannot escalate request #{request.id}: it is {request.status} (final)")
    existing = open_for_request(session, request.id)
    if existing is not None:
        raise ConflictError(
            f"request #{request.id} already has open escalation #{existing.id} (level {existing.level}); "
            f"raise that one instead: icrm escalate raise {existing.id} --reason ..."
        )
    return request.id, request.from_dept, request.to_dept


def _sides_between(session: Session, between: Sequence[str]) -> tuple[str, str]:
    if len(between) != 2:
        raise InvalidValueError("--between takes exactly two departments")
    dept_a = get_department(session, between[0]).code
    dept_b = get_department(session, between[1]).code
    if dept_a == dept_b:
        raise InvalidValueError(f"--between needs two different departments, got {dept_a} twice")
    existing = _open_between(session, dept_a, dept_b)
    if existing is not None:
        raise ConflictError(
            f"escalation #{existing.id} between {existing.dept_a} and {existing.dept_b} is already open "
            f"(level {existing.level}); raise that one instead: "
            f"icrm escalate raise {existing.id} --reason ..."
        )
    return dept_a, dept_b


def open_escalation(
    session: Session,
    policy: Policy,
    *,
    actor: str,
    reason: str,
    request_id: int | None = None,
    between: Sequence[str] | None = None,
    level: int = 1,
    now: datetime | None = None,
    detail: dict[str, Any] | None = None,
    job: bool = False,
) -> Escalation:
    """Open an escalation for a request (customer vs supplier) or between two departments.

    ``job``: the sweep opens it (the sweep itself was checked).
    """
    if (request_id is None) == (not between):
        raise InvalidValueError("give either --request ID or --between DEPT DEPT")
    if not 1 <= level <= MAX_LEVEL:
        raise InvalidValueError(f"level must be between 1 and {MAX_LEVEL}")
    text = required_text(reason, what="reason")
    now = now or policy.clock.now()
    if request_id is not None:
        linked, dept_a, dept_b = _sides_of_request(session, request_id)
    else:
        linked = None
        dept_a, dept_b = _sides_between(session, between or ())
    if not job:
        what = f"request #{linked}" if linked is not None else f"between {dept_a} and {dept_b}"
        about = access.Facts(object=what, customer=dept_a, supplier=dept_b)
        access.require(session, actor, "escalate open", about)
    escalation = Escalation(
        request_id=linked,
        dept_a=dept_a,
        dept_b=dept_b,
        level=level,
        status="open",
        reason=text,
        opened_at=now,
        opened_by=actor,
    )
    session.add(escalation)
    session.flush()
    assert escalation.id is not None
    events.record(
        session,
        entity=ENTITY,
        entity_id=escalation.id,
        kind="opened",
        actor=actor,
        note=text,
        at=now,
        detail={"request_id": linked, "dept_a": dept_a, "dept_b": dept_b, "level": level, **(detail or {})},
    )
    return escalation


def _facts(escalation: Escalation) -> access.Facts:
    return access.Facts(
        object=f"escalation #{escalation.id}", customer=escalation.dept_a, supplier=escalation.dept_b
    )


def _require_open(escalation: Escalation, command: str) -> None:
    if escalation.status != "open":
        raise TransitionError(f"cannot {command} escalation #{escalation.id}: it is {escalation.status}")


def raise_escalation(
    session: Session,
    policy: Policy,
    escalation_id: int,
    *,
    actor: str,
    reason: str,
    to_level: int | None = None,
    now: datetime | None = None,
    detail: dict[str, Any] | None = None,
    job: bool = False,
) -> Escalation:
    """One level up (or straight to ``to_level``); past level 3 is an error (``job``: by the sweep)."""
    escalation = get_escalation(session, escalation_id)
    if not job:
        access.require(session, actor, "escalate raise", _facts(escalation))
    _require_open(escalation, "raise")
    before = escalation.level
    target = before + 1 if to_level is None else to_level
    if target > MAX_LEVEL:
        raise InvalidValueError(
            f"escalation #{escalation.id} is already at level {before}, the top of the ladder "
            f"(arbitration); resolve it with a decision"
        )
    if target <= before:
        raise InvalidValueError(f"escalation #{escalation.id} is already at level {before}")
    text = required_text(reason, what="reason")
    now = now or policy.clock.now()
    escalation.level = target
    escalation.raised_at = now
    session.add(escalation)
    events.record(
        session,
        entity=ENTITY,
        entity_id=escalation_id,
        kind="raised",
        actor=actor,
        note=text,
        at=now,
        detail={"from_level": before, "level": target, **(detail or {})},
    )
    return escalation


def resolve_escalation(
    session: Session,
    policy: Policy,
    escalation_id: int,
    *,
    actor: str,
    decision: str | None,
    contingency: str | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Record the decision (and the emergency measure / fallback plan, 应急措施和备选方案)."""
    escalation = get_escalation(session, escalation_id)
    must_act = who_must_act(session, escalation.dept_a, escalation.dept_b, escalation.level)
    about = access.Facts(
        object=f"escalation #{escalation.id}",
        customer=escalation.dept_a,
        supplier=escalation.dept_b,
        must_act=tuple(str(entry["person"]) for entry in must_act if entry["person"]),
    )
    access.require(session, actor, "escalate resolve", about)
    _require_open(escalation, "resolve")
    decided = required_text(decision, what="decision")
    fallback = clean_text(contingency, what="contingency plan") or None
    now = now or policy.clock.now()
    escalation.status = "resolved"
    escalation.resolved_at = now
    escalation.decision = decided
    escalation.contingency = fallback
    session.add(escalation)
    events.record(
        session,
        entity=ENTITY,
        entity_id=escalation_id,
        kind="resolved",
        actor=actor,
        note=decided,
        at=now,
        detail={"level": escalation.level, "contingency": fallback},
    )
    return escalation


MustActCache = dict[tuple[str, str, int], list[dict[str, Any]]]


def escalation_dict(
    session: Session, escalation: Escalation, cache: MustActCache | None = None
) -> dict[str, Any]:
    """The contract's JSON object; ``must_act`` resolved from the org as it is now (empty once resolved)."""
    values: dict[str, Any] = {key: getattr(escalation, key) for key in _STORED_KEYS}
    key = (escalation.dept_a, escalation.dept_b, escalation.level)
    if escalation.status != "open":
        must_act: list[dict[str, Any]] = []  # a resolved escalation needs nobody any more
    elif cache is not None and key in cache:
        must_act = cache[key]
    else:
        must_act = who_must_act(session, *key)
        if cache is not None:
            cache[key] = must_act
    values["must_act"] = [dict(entry) for entry in must_act]
    return values


def escalation_history(session: Session, escalation_id: int) -> list[dict[str, Any]]:
    """``[{at, actor, kind, from_level, level, note}]`` oldest first."""
    rows = []
    for event in events.history(session, ENTITY, escalation_id):
        detail = event.detail or {}
        rows.append(
            {
                "at": event.at,
                "actor": event.actor,
                "by": event.by,
                "kind": event.kind,
                "from_level": detail.get("from_level"),
                "level": detail.get("level"),
                "note": event.note,
            }
        )
    return rows


def escalation_detail(session: Session, escalation_id: int) -> dict[str, Any]:
    escalation = get_escalation(session, escalation_id)
    detail = escalation_dict(session, escalation)
    detail["history"] = escalation_history(session, escalation_id)
    return detail


def list_escalations(
    session: Session,
    *,
    open_only: bool = False,
    level: int | None = None,
    dept: str | None = None,
) -> list[dict[str, Any]]:
    """Escalations, open ones first, then newest first."""
    query = select(Escalation)
    if open_only:
        query = query.where(col(Escalation.status) == "open")
    if level is not None:
        if not 1 <= level <= MAX_LEVEL:
            raise InvalidValueError(f"--level must be between 1 and {MAX_LEVEL}")
        query = query.where(col(Escalation.level) == level)
    if dept:
        code = get_department(session, dept, active=False).code
        query = query.where(or_(col(Escalation.dept_a) == code, col(Escalation.dept_b) == code))
    query = query.order_by(col(Escalation.status), col(Escalation.id).desc())
    cache: MustActCache = {}
    return [escalation_dict(session, e, cache) for e in session.exec(query)]


# --- for other commands: request show / request list --escalated / meeting agenda ---


def escalations_for_request(session: Session, request_id: int) -> list[dict[str, Any]]:
    """The request's escalations (oldest first) as contract objects, for ``request show``."""
    query = select(Escalation).where(col(Escalation.request_id) == request_id).order_by(col(Escalation.id))
    cache: MustActCache = {}
    return [escalation_dict(session, e, cache) for e in session.exec(query)]


def open_escalations_between(session: Session, depts: Sequence[str]) -> list[dict[str, Any]]:
    """Open escalations whose two sides are both among ``depts`` (meeting agenda), highest level first."""
    codes = list(depts)
    if not codes:
        return []
    query = (
        select(Escalation)
        .where(col(Escalation.status) == "open")
        .where(col(Escalation.dept_a).in_(codes), col(Escalation.dept_b).in_(codes))
        .order_by(col(Escalation.level).desc(), col(Escalation.opened_at), col(Escalation.id))
    )
    cache: MustActCache = {}
    return [escalation_dict(session, e, cache) for e in session.exec(query)]
