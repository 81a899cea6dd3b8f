"""Satisfaction surveys (内部客户满意度调查) run through a spreadsheet.

``start`` invites every (customer, supplier) pair with at least one request
resolved in the window; ``export`` gives one row per pair to fill in;
``import_answers`` records each scored row as ``rating`` feedback, all rows or
none; ``status`` counts invited and answered pairs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.feedback.entries import FeedbackInput, give, parse_score
from icrm_cli.domain.org.settings import Policy
from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import ConflictError, ImportFileError, InvalidValueError, NotFoundError
from icrm_cli.inputs import ENCODINGS_ACCEPTED, decode_text, open_capped
from icrm_cli.storage.models import Department, Request
from icrm_cli.storage.models.feedback import Survey, SurveyInvitation
from icrm_cli.timeutil import Clock

EXPORT_HEADER = (
    "period",
    "customer",
    "customer_name",
    "supplier",
    "supplier_name",
    "requests",
    "score",
    "comment",
)
MAX_SURVEY_BYTES = 16 * 1024 * 1024
PERIOD_FORMS = "2026-Q4 (a quarter), 2026-11 (a month) or 2026 (a year)"


def period_window(period: str, clock: Clock) -> tuple[datetime, datetime] | None:
    """The window a period name like ``2026-Q4``, ``2026-11`` or ``2026`` stands for, if any."""
    text = period.strip().upper()
    if match := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        year, quarter = int(match.group(1)), int(match.group(2))
        first, months = date(year, 3 * quarter - 2, 1), 3
    elif match := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text):
        first, months = date(int(match.group(1)), int(match.group(2)), 1), 1
    elif re.fullmatch(r"\d{4}", text):
        first, months = date(int(text), 1, 1), 12
    else:
        return None
    month_index = first.year * 12 + first.month - 1 + months
    after = date(month_index // 12, month_index % 12 + 1, 1)
    return clock.day_start(first), clock.day_start(after) - timedelta(seconds=1)


def _window(
    period: str, since: datetime | None, until: datetime | None, clock: Clock
) -> tuple[datetime, datetime]:
    derived = period_window(period, clock)
    if since is None or until is None:
        if derived is None:
            raise InvalidValueError(
                f"give --since and --until, or name the period as {PERIOD_FORMS} to take the window from it"
            )
        since = since or derived[0]
        until = until or derived[1]
    if since > until:
        raise InvalidValueError("--since is after --until")
    return since, until


def get_survey(session: Session, period: str) -> Survey:
    query = select(Survey).where(col(Survey.period) == period.strip())
    survey: Survey | None = session.execute(query).scalar_one_or_none()
    if survey is None:
        raise NotFoundError(
            f"no survey for period {period.strip()!r} (start one with 'icrm feedback survey start')"
        )
    return survey


def resolved_pairs(session: Session, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
    """(customer, supplier, requests) with at least one request resolved within [since, until]."""
    table = Request.__table__.c  # type: ignore[attr-defined]
    query = (
        select(table.from_dept, table.to_dept, func.count())
        .where(table.resolved_at >= since, table.resolved_at <= until, table.from_dept != table.to_dept)
        .group_by(table.from_dept, table.to_dept)
        .order_by(table.from_dept, table.to_dept)
    )
    return [(str(a), str(b), int(n)) for a, b, n in session.execute(query)]


def start(
    session: Session,
    policy: Policy,
    *,
    period: str,
    since: datetime | None,
    until: datetime | None,
    actor: str,
    now: datetime | None = None,
) -> tuple[Survey, int]:
    """Record the survey and its invitations; returns the survey and the number of pairs."""
    now = now or policy.clock.now()
    access.require(session, actor, "feedback survey start", access.Facts(object="a survey"))
    name = clean_title(period, what="period name")
    if session.execute(select(col(Survey.id)).where(col(Survey.period) == name)).first() is not None:
        raise ConflictError(
            f"a survey for period {name!r} already exists (see 'icrm feedback survey status')"
        )
    since, until = _window(name, since, until, policy.clock)
    pairs = resolved_pairs(session, since, until)
    if not pairs:
        raise InvalidValueError(
            f"no requests were resolved between {policy.clock.iso(since)} and {policy.clock.iso(until)}; "
            "nobody to survey"
        )
    survey = Survey(period=name, since=since, until=until, created_at=now, created_by=actor)
    session.add(survey)
    session.flush()
    assert survey.id is not None
    for customer, supplier, count in pairs:
        session.add(
            SurveyInvitation(survey_id=survey.id, customer=customer, supplier=supplier, requests=count)
        )
    events.record(
        session,
        entity="survey",
        entity_id=survey.id,
        kind="started",
        actor=actor,
        at=now,
        detail={
            "period": name,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "invited": len(pairs),
        },
    )
    return survey, len(pairs)


def _invitations(session: Session, survey: Survey) -> list[SurveyInvitation]:
    query = (
        select(SurveyInvitation)
        .where(col(SurveyInvitation.survey_id) == survey.id)
        .order_by(col(SurveyInvitation.customer), col(SurveyInvitation.supplier))
    )
    return list(session.execute(query).scalars())


def export_rows(session: Session, period: str) -> list[dict[str, Any]]:
    """One row per invited pair, ``score`` and ``comment`` empty to fill in."""
    survey = get_survey(session, period)
    names = {d.code: d.name for d in session.execute(select(Department)).scalars()}
    return [
        {
            "period": survey.period,
            "customer": inv.customer,
            "customer_name": names.get(inv.customer),
            "supplier": inv.supplier,
            "supplier_name": names.get(inv.supplier),
            "requests": inv.requests,
            "score": None,
            "comment": None,
        }
        for inv in _invitations(session, survey)
    ]


def _read(path: Path) -> str:
    source = str(path)
    with open_capped(path, MAX_SURVEY_BYTES, lambda problem: ImportFileError(source, [problem])) as raw:
        data = raw.read()
    text = decode_text(data)
    if text is None:
        raise ImportFileError(source, [f"line 1: not text in an encoding icrm reads: {ENCODINGS_ACCEPTED}"])
    if not text.strip():
        raise ImportFileError(
            source, ["line 1: the file is empty; expected the header " + ",".join(EXPORT_HEADER)]
        )
    return text


def _trimmed(cells: list[str]) -> list[str]:
    """A row without the empty cells a spreadsheet adds after the last column."""
    end = len(cells)
    while end > len(EXPORT_HEADER) and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


@dataclass(frozen=True)
class ImportedAnswers:
    answered: int
    skipped: int
    periods: tuple[str, ...]


def _unquote(cell: str) -> str:
    """Undo the export's formula guard (a leading ' before =, +, -, @)."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@" else cell


def import_answers(
    session: Session, policy: Policy, path: Path, *, actor: str, now: datetime | None = None
) -> ImportedAnswers:
    """Record every scored row as ``rating`` feedback of its survey: all rows or none."""
    now = now or policy.clock.now()
    source = str(path)
    reader = csv.reader(io.StringIO(_read(path), newline=""))
    header = [cell.strip().lower() for cell in _trimmed(next(reader, []))]
    if tuple(header) != EXPORT_HEADER:
        raise ImportFileError(
            source,
            [f"line 1: the header must be exactly {','.join(EXPORT_HEADER)} (found {','.join(header)})"],
        )
    surveys: dict[str, tuple[Survey, dict[tuple[str, str], SurveyInvitation]]] = {}
    problems: list[str] = []
    answers: list[tuple[int, SurveyInvitation, int, str | None]] = []
    seen: dict[tuple[int, str, str], int] = {}
    skipped = 0
    end = reader.line_num
    for cells in reader:
        line, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        cells = _trimmed(cells)
        if len(cells) != len(EXPORT_HEADER):
            problems.append(f"line {line}: {len(cells)} cells, expected {len(EXPORT_HEADER)}")
            continue
        values = dict(zip(EXPORT_HEADER, (_unquote(cell.strip()) for cell in cells), strict=True))
        if not values["score"]:
            skipped += 1
            continue
        try:
            period = values["period"]
            if period not in surveys:
                survey = get_survey(session, period)
                surveys[period] = (
                    survey,
                    {
                        (i.customer.casefold(), i.supplier.casefold()): i
                        for i in _invitations(session, survey)
                    },
                )
            survey, invited = surveys[period]
            pair = (values["customer"], values["supplier"])
            invitation = invited.get((pair[0].casefold(), pair[1].casefold()))
            if invitation is None:
                raise InvalidValueError(f"{pair[0]} → {pair[1]} was not invited in survey {period!r}")
            score = parse_score(values["score"])
            comment = clean_text(values["comment"], what="comment") or None
            assert survey.id is not None
            key = (survey.id, invitation.customer, invitation.supplier)
            if key in seen:
                raise InvalidValueError(
                    f"duplicate answer for {pair[0]} → {pair[1]} (first on line {seen[key]})"
                )
            if invitation.feedback_id is not None:
                raise InvalidValueError(
                    f"{pair[0]} → {pair[1]} already answered in survey {period!r} "
                    f"(feedback #{invitation.feedback_id})"
                )
            seen[key] = line
            answers.append((line, invitation, score, comment))
        except (InvalidValueError, NotFoundError) as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise ImportFileError(source, problems)
    if not answers:
        raise ImportFileError(source, ["no row has a score; nothing to import"])
    customers = tuple(sorted({invitation.customer for _, invitation, _, _ in answers}))
    access.require(
        session, actor, "feedback survey import", access.Facts(object="survey answers", customers=customers)
    )
    clerk = access.is_admin(session, actor)  # an admin records answers the customer sides gave
    for line, invitation, score, comment in answers:
        given = FeedbackInput(
            kind="rating",
            from_dept=invitation.customer,
            to_dept=invitation.supplier,
            score=score,
            note=comment,
        )
        try:
            item = give(
                session, policy, given, actor=actor, now=now, survey_id=invitation.survey_id, check=not clerk
            )
        except (InvalidValueError, NotFoundError) as exc:
            problems.append(f"line {line}: {exc}")
            continue
        invitation.feedback_id = item.id
        session.add(invitation)
    if problems:
        raise ImportFileError(source, problems)
    for period, (survey, _) in surveys.items():
        assert survey.id is not None
        count = sum(1 for _, inv, _, _ in answers if inv.survey_id == survey.id)
        events.record(
            session,
            entity="survey",
            entity_id=survey.id,
            kind="answers_imported",
            actor=actor,
            at=now,
            note=source,
            detail={"period": period, "answers": count},
        )
    return ImportedAnswers(answered=len(answers), skipped=skipped, periods=tuple(surveys))


def survey_status(session: Session, period: str) -> dict[str, Any]:
    """Invited and answered pairs and the response rate (answered / invited, 0..1)."""
    survey = get_survey(session, period)
    invitations = _invitations(session, survey)
    answered = sum(1 for inv in invitations if inv.feedback_id is not None)
    return {
        "period": survey.period,
        "since": survey.since,
        "until": survey.until,
        "started_at": survey.created_at,
        "started_by": survey.created_by,
        "invited": len(invitations),
        "answered": answered,
        "response_rate": round(answered / len(invitations), 3) if invitations else None,
        "pairs": [
            {
                "customer": inv.customer,
                "supplier": inv.supplier,
                "requests": inv.requests,
                "answered": inv.feedback_id is not None,
                "feedback_id": inv.feedback_id,
            }
            for inv in invitations
        ],
    }
