"""Feedback between departments: give, read, and the complaint follow-up (respond, close).

Kinds (see :data:`FEEDBACK_KINDS`): ``rating`` is a bare score; ``thanks`` is
behaviour - impact - thanks (行为—影响—感谢); ``expectation`` is behaviour - impact -
expectation (行为—影响—期待); a ``complaint`` stays open until it has been answered
by the supplier and confirmed closed by the customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.org.apply import get_department
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.requests.lifecycle import get_request
from icrm_cli.domain.requests.states import FINAL
from icrm_cli.domain.text import clean_text
from icrm_cli.errors import InvalidValueError, NotFoundError, TransitionError
from icrm_cli.storage.models.feedback import FEEDBACK_KINDS, Feedback

FEEDBACK_KEYS = (
    "id",
    "kind",
    "from_dept",
    "to_dept",
    "score",
    "request_id",
    "behavior",
    "impact",
    "expectation",
    "note",
    "author",
    "created_at",
    "status",
    "responded_at",
    "response",
    "closed_at",
)
RATEABLE = FINAL | {"resolved"}
SCORE_RULE = "a whole number 1..5"


def parse_score(value: object, *, what: str = "score") -> int:
    """1..5 from an int or text like ``'4'`` (or ``'4.0'``); 0, 6, 3.5 and 'good' are errors."""
    if isinstance(value, bool):
        raise InvalidValueError(f"invalid {what} {value!r}: expected {SCORE_RULE}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        whole, dot, zeros = text.partition(".")
        if dot and zeros and set(zeros) == {"0"}:
            text = whole  # "4.0": how a spreadsheet may write a whole number
        if not text.isdigit() or not text.isascii():
            raise InvalidValueError(f"invalid {what} {text!r}: expected {SCORE_RULE}")
        number = int(text)
    if not 1 <= number <= 5:
        raise InvalidValueError(f"invalid {what} {number}: expected {SCORE_RULE}")
    return number


def feedback_dict(item: Feedback) -> dict[str, Any]:
    """The contract's JSON object for one piece of feedback."""
    return {key: getattr(item, key) for key in FEEDBACK_KEYS}


def get_feedback(session: Session, feedback_id: int) -> Feedback:
    item = session.get(Feedback, feedback_id)
    if item is None:
        raise NotFoundError(f"unknown feedback #{feedback_id}")
    return item


@dataclass(frozen=True)
class FeedbackInput:
    """What ``feedback give`` carries; text parts are cleaned and checked per kind."""

    kind: str = "rating"
    from_dept: str | None = None
    to_dept: str | None = None
    score: object = None
    request_id: int | None = None
    behavior: str | None = None
    impact: str | None = None
    expectation: str | None = None
    note: str | None = None


def _text(value: str | None, what: str) -> str | None:
    return clean_text(value, what=what) or None


def _parties(session: Session, given: FeedbackInput) -> tuple[str, str, int | None]:
    """Customer and supplier codes, defaulted from and checked against ``--request``."""
    from_code = get_department(session, given.from_dept).code if given.from_dept else None
    to_code = get_department(session, given.to_dept).code if given.to_dept else None
    if given.request_id is None:
        if from_code is None or to_code is None:
            missing = " and ".join(o for o, v in (("--from", from_code), ("--to", to_code)) if v is None)
            raise InvalidValueError(f"{missing} required (or give --request ID to take them from it)")
        return from_code, to_code, None
    request = get_request(session, given.request_id)
    for option, value, expected, role in (
        ("--from", from_code, request.from_dept, "customer"),
        ("--to", to_code, request.to_dept, "supplier"),
    ):
        if value is not None and value != expected:
            raise InvalidValueError(
                f"{option} {value} does not match request #{request.id}, whose {role} is {expected}"
            )
    if request.status not in RATEABLE:
        raise TransitionError(
            f"cannot give feedback on request #{request.id}: it is {request.status} "
            "(feedback is possible once it is resolved, closed, rejected, cancelled or unachievable)"
        )
    return request.from_dept, request.to_dept, request.id


def _check_parts(kind: str, parts: dict[str, str | None], score: int | None) -> None:
    needed = {
        "rating": (),
        "thanks": ("behavior", "impact"),
        "expectation": ("behavior", "impact", "expectation"),
        "complaint": (),
    }[kind]
    missing = [f"--{name}" for name in needed if not parts[name]]
    if missing:
        raise InvalidValueError(f"{kind} feedback needs {', '.join(missing)}")
    if kind == "rating" and score is None:
        raise InvalidValueError("a rating needs --score (1..5)")
    if kind == "complaint" and not (parts["note"] or (parts["behavior"] and parts["impact"])):
        raise InvalidValueError("a complaint needs --note, or --behavior and --impact")
    if kind != "expectation" and parts["expectation"]:
        raise InvalidValueError(f"--expectation belongs to expectation feedback, not {kind}")


def give(
    session: Session,
    policy: Policy,
    given: FeedbackInput,
    *,
    actor: str,
    now: datetime | None = None,
    survey_id: int | None = None,
    check: bool = True,
) -> Feedback:
    """Record one piece of feedback (and open the follow-up of a complaint).

    ``check=False``: the caller asked the access rules already (a survey import).
    """
    now = now or policy.clock.now()
    if given.kind not in FEEDBACK_KINDS:
        raise InvalidValueError(f"unknown kind {given.kind!r}: choose one of {', '.join(FEEDBACK_KINDS)}")
    score = None if given.score is None else parse_score(given.score)
    parts = {
        "behavior": _text(given.behavior, "behavior"),
        "impact": _text(given.impact, "impact"),
        "expectation": _text(given.expectation, "expectation"),
        "note": _text(given.note, "note"),
    }
    _check_parts(given.kind, parts, score)
    from_code, to_code, request_id = _parties(session, given)
    if from_code == to_code:
        raise InvalidValueError(f"feedback goes from one department to another, not {from_code} to itself")
    if check:
        rates = score is not None or given.kind in ("rating", "complaint")
        about = access.Facts(
            object=f"feedback about {to_code}", customer=from_code, supplier=to_code, rates=rates
        )
        access.require(session, actor, "feedback give", about)
    item = Feedback(
        kind=given.kind,
        from_dept=from_code,
        to_dept=to_code,
        score=score,
        request_id=request_id,
        author=actor,
        created_at=now,
        status="open" if given.kind == "complaint" else None,
        survey_id=survey_id,
        behavior=parts["behavior"],
        impact=parts["impact"],
        expectation=parts["expectation"],
        note=parts["note"],
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    detail: dict[str, Any] = {"kind": item.kind, "from_dept": from_code, "to_dept": to_code, "score": score}
    if request_id is not None:
        detail["request_id"] = request_id
    if survey_id is not None:
        detail["survey_id"] = survey_id
    if item.status:
        detail["to"] = item.status
    events.record(
        session, entity="feedback", entity_id=item.id, kind="given", actor=actor, at=now, detail=detail
    )
    return item


def _complaint(session: Session, feedback_id: int, command: str) -> Feedback:
    item = get_feedback(session, feedback_id)
    if item.kind != "complaint":
        raise InvalidValueError(
            f"cannot {command} feedback #{item.id}: it is {item.kind} feedback "
            "(only complaints are followed up)"
        )
    return item


def _facts(item: Feedback) -> access.Facts:
    return access.Facts(
        object=f"complaint #{item.id}", customer=item.from_dept, supplier=item.to_dept, requester=item.author
    )


def respond(
    session: Session,
    policy: Policy,
    feedback_id: int,
    *,
    note: str,
    actor: str,
    now: datetime | None = None,
) -> Feedback:
    """The supplier answers a complaint (again if needed); the latest answer is kept on the row."""
    now = now or policy.clock.now()
    item = _complaint(session, feedback_id, "respond to")
    access.require(session, actor, "feedback respond", _facts(item))
    if item.status == "closed":
        raise TransitionError(f"cannot respond to complaint #{item.id}: it is closed")
    answer = clean_text(note, what="response")
    if not answer:
        raise InvalidValueError("a response needs --note")
    first = item.responded_at is None
    item.response = answer
    item.responded_at = now
    session.add(item)
    assert item.id is not None
    events.record(
        session,
        entity="feedback",
        entity_id=item.id,
        kind="responded" if first else "responded_again",
        actor=actor,
        at=now,
        note=answer,
    )
    return item


def close(
    session: Session, policy: Policy, feedback_id: int, *, actor: str, now: datetime | None = None
) -> Feedback:
    """The complaining side confirms the complaint was followed up and is done."""
    now = now or policy.clock.now()
    item = _complaint(session, feedback_id, "close")
    access.require(session, actor, "feedback close", _facts(item))
    if item.status == "closed":
        raise TransitionError(f"cannot close complaint #{item.id}: it is already closed")
    if item.responded_at is None:
        raise TransitionError(
            f"cannot close complaint #{item.id}: it has no response yet "
            f"({item.to_dept} must respond first: icrm feedback respond {item.id} --note ...)"
        )
    item.status = "closed"
    item.closed_at = now
    session.add(item)
    assert item.id is not None
    events.record(
        session,
        entity="feedback",
        entity_id=item.id,
        kind="closed",
        actor=actor,
        at=now,
        detail={"from": "open", "to": "closed"},
    )
    return item


@dataclass
class FeedbackFilter:
    to_dept: str | None = None
    from_dept: str | None = None
    kind: str | None = None
    open_only: bool = False
    since: datetime | None = None
    until: datetime | None = None


def iter_feedback(
    session: Session, filt: FeedbackFilter, now: datetime, *, viewer: str | None = None
) -> Iterator[dict[str, Any]]:
    """Matching feedback, newest first (``--open``: oldest complaint first, with age and answer state).

    With ``viewer``, who gave a score is null unless the access rules let the viewer see it.
    """
    visible = access.rater_filter(session, viewer) if viewer is not None else None
    table = Feedback.__table__.c  # type: ignore[attr-defined]
    clauses: list[Any] = []
    if filt.kind is not None and filt.kind not in FEEDBACK_KINDS:
        raise InvalidValueError(f"unknown kind {filt.kind!r}: choose one of {', '.join(FEEDBACK_KINDS)}")
    if filt.to_dept:
        clauses.append(table.to_dept == get_department(session, filt.to_dept, active=False).code)
    if filt.from_dept:
        clauses.append(table.from_dept == get_department(session, filt.from_dept, active=False).code)
    if filt.kind:
        clauses.append(table.kind == filt.kind)
    if filt.open_only:
        clauses.append(table.kind == "complaint")
        clauses.append(table.status == "open")
    if filt.since is not None and filt.until is not None and filt.since > filt.until:
        raise InvalidValueError("--since is after --until")
    if filt.since is not None:
        clauses.append(table.created_at >= filt.since)
    if filt.until is not None:
        clauses.append(table.created_at <= filt.until)
    columns = [table[key] for key in FEEDBACK_KEYS]
    query = select(*columns).where(*clauses)
    query = query.order_by(table.created_at, table.id) if filt.open_only else query.order_by(table.id.desc())
    for row in session.execute(query.execution_options(yield_per=2000)):
        values = dict(zip(FEEDBACK_KEYS, row, strict=True))
        if visible is not None and not visible(values["kind"], values["author"]):
            values["author"] = None
        if filt.open_only:
            values["age_days"] = round((now - values["created_at"]).total_seconds() / 86400, 1)
            values["responded"] = values["responded_at"] is not None
        yield values


def feedback_detail(session: Session, feedback_id: int, *, viewer: str | None = None) -> dict[str, Any]:
    """One piece of feedback with its history (``{at, actor, by, kind, note}``, oldest first).

    With ``viewer``, who gave a score (``author``, the actor who gave it) is null unless the
    access rules let the viewer see it.
    """
    detail = feedback_dict(get_feedback(session, feedback_id))
    hidden = viewer is not None and not access.rater_filter(session, viewer)(detail["kind"], detail["author"])
    detail["events"] = [
        {
            "at": e.at,
            "actor": None if hidden and e.kind == "given" else e.actor,
            "by": None if hidden and e.kind == "given" else e.by,
            "kind": e.kind,
            "note": e.note,
        }
        for e in events.history(session, "feedback", feedback_id)
    ]
    if hidden:
        detail["author"] = None
    return detail
