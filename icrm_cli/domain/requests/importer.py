"""Creating many requests from a CSV file: validate every row, then insert all or none."""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from icrm_cli.domain.org.settings import PRIORITIES, Policy
from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import ImportFileError, InvalidValueError
from icrm_cli.storage.bulk import bulk_insert
from icrm_cli.storage.models import Department, Event, Person, Request
from icrm_cli.storage.stored_rows import deferred_indexes

DEFER_INDEXES_FROM = 20_000  # rows; and at least as many as the table holds

MAX_IMPORT_BYTES = 512 * 1024 * 1024
COLUMN_ALIASES = {
    "from": "from",
    "from_dept": "from",
    "to": "to",
    "to_dept": "to",
    "title": "title",
    "description": "description",
    "owner": "owner",
    "priority": "priority",
    "due": "due",
    "due_at": "due",
}
REQUIRED = ("from", "to", "title")


@dataclass(frozen=True)
class ImportResult:
    count: int
    first_id: int | None
    last_id: int | None


def _read_text(path: Path) -> str:
    source = str(path)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportFileError(source, ["file is too large to import in one go"])
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(source, ["no such file"]) from None
    except IsADirectoryError:
        raise ImportFileError(source, ["is a directory"]) from None
    except OSError as exc:
        raise ImportFileError(source, [f"cannot read: {exc.strerror}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(source, [f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]) from None


def _header(fields: list[str] | None, source: str) -> dict[str, str]:
    if not fields:
        raise ImportFileError(source, ["the file is empty; expected a header row"])
    mapping: dict[str, str] = {}
    problems = []
    for name in fields:
        key = COLUMN_ALIASES.get((name or "").strip().lower())
        if key is None:
            problems.append(
                f"line 1: unknown column {name!r} (accepted: from, to, title, "
                "description, owner, priority, due)"
            )
        elif key in mapping.values():
            problems.append(f"line 1: column {name!r} given twice")
        else:
            mapping[name] = key
    missing = [column for column in REQUIRED if column not in mapping.values()]
    if missing:
        problems.append("line 1: missing column(s) " + ", ".join(missing))
    if problems:
        raise ImportFileError(source, problems)
    return mapping


@dataclass(frozen=True, slots=True)
class _Dept:
    code: str
    active: bool
    contact: str | None


@dataclass
class _Context:
    """What every row is checked against, loaded once."""

    departments: dict[str, _Dept]
    people: set[str]
    policy: Policy
    now: datetime
    actor: str
    due_cache: dict[str, datetime] = field(default_factory=dict)


def import_requests(
    session: Session, policy: Policy, path: Path, *, actor: str, dry_run: bool = False
) -> ImportResult:
    """Check every row of the file, then insert all requests and their `created` events, or none."""
    source = str(path)
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    fields = next(reader, None)
    mapping = _header(fields, source)
    columns = [mapping[name] for name in fields or []]  # every header name is known here
    context = _context(session, policy, actor)
    start = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
    rows: list[dict[str, Any]] = []
    problems: list[str] = []

    end = reader.line_num
    for cells in reader:
        line, end = end + 1, reader.line_num  # a row's first line, even when a cell spans lines
        stripped = list(map(str.strip, cells))
        if not any(stripped):
            continue
        if len(cells) > len(columns):
            problems.append(f"line {line}: more cells than columns")
            continue
        values = dict(zip(columns, stripped, strict=False))  # a short row leaves trailing columns out
        try:
            rows.append(_row(values, context, start + len(rows)))
        except InvalidValueError as exc:
            problems.append(f"line {line}: {exc}")
    del reader
    if problems:
        raise ImportFileError(source, problems)
    if not rows:
        raise ImportFileError(source, ["no requests in the file"])
    if dry_run:
        return ImportResult(count=len(rows), first_id=None, last_id=None)

    note = f"imported from {path.name}"
    events = [
        {
            "entity": "request",
            "entity_id": row["id"],
            "at": context.now,
            "actor": actor,
            "kind": "created",
            "note": note,
            "detail": {
                "to": "open",
                "from_dept": row["from_dept"],
                "to_dept": row["to_dept"],
                "owner": row["owner"],
            },
        }
        for row in rows
    ]
    # Executemany in the caller's one transaction: all rows and their events, or nothing. A file
    # larger than what is stored is loaded with the indexes built once afterwards (cheaper than
    # updating them row by row), in the same transaction.
    large = len(rows) >= max(DEFER_INDEXES_FROM, start - 1)
    with deferred_indexes(session, ("request", "event")) if large else nullcontext():
        bulk_insert(session, Request.__table__, rows)  # type: ignore[attr-defined]
        bulk_insert(session, Event.__table__, events)  # type: ignore[attr-defined]
    return ImportResult(count=len(rows), first_id=start, last_id=start + len(rows) - 1)


def _context(session: Session, policy: Policy, actor: str) -> _Context:
    known = [_Dept(d.code, d.active, d.contact) for d in session.execute(select(Department)).scalars()]
    departments = {d.code.casefold(): d for d in known}  # 'sales' works as on the command line
    departments.update({d.code: d for d in known})  # an exact match wins
    people = {p.id for p in session.execute(select(Person)).scalars() if p.active}
    return _Context(departments, people, policy, policy.clock.now(), actor)


def _row(values: dict[str, str], context: _Context, request_id: int) -> dict[str, Any]:
    departments = context.departments
    codes = {}
    for column in ("from", "to"):
        code = values.get(column, "")
        dept = departments.get(code) or departments.get(code.casefold())
        if dept is None:
            raise InvalidValueError(f"unknown department {code!r} in column {column!r}")
        if not dept.active:
            raise InvalidValueError(f"department {code!r} in column {column!r} is no longer active")
        codes[column] = dept.code
    priority = values.get("priority") or "normal"
    if priority not in PRIORITIES:
        raise InvalidValueError(f"invalid priority {priority!r}: choose one of {', '.join(PRIORITIES)}")
    owner = values.get("owner") or departments[codes["to"]].contact
    if values.get("owner") and owner not in context.people:
        raise InvalidValueError(f"unknown or inactive person {owner!r} in column 'owner'")
    due_text = values.get("due")
    if due_text:
        due_at = context.due_cache.get(due_text)
        if due_at is None:
            due_at = context.due_cache[due_text] = context.policy.clock.parse(
                due_text, edge="end", what="due"
            )
    else:
        due_at = context.now + context.policy.sla_for(priority).resolve
    return {
        "id": request_id,
        "title": clean_title(values.get("title")),
        "description": clean_text(values.get("description"), what="description") or None,
        "from_dept": codes["from"],
        "to_dept": codes["to"],
        "requester": context.actor,
        "owner": owner,
        "priority": priority,
        "status": "open",
        "created_at": context.now,
        "due_at": due_at,
        "paused_seconds": 0,
        "transfers": 0,
        "reopened": 0,
    }
