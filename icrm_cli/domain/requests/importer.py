"""Creating many requests from a CSV file: all rows or none, streamed.

Rows are checked and inserted in batches as they are read, in the caller's one
transaction; a bad row stops the inserting, the rest of the file is still
checked, and the error that lists the problems rolls everything back. Memory
stays flat whatever the file's size.
"""

from __future__ import annotations

import csv
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlmodel import Session

from icrm_cli.domain.access import policy as access
from icrm_cli.domain.access.identity import acting_for
from icrm_cli.domain.org.settings import PRIORITIES, Policy
from icrm_cli.domain.text import clean_text, clean_title
from icrm_cli.errors import ImportFileError, InvalidValueError
from icrm_cli.inputs import ENCODINGS_ACCEPTED, open_capped, text_reader
from icrm_cli.progress import SILENT, Tracker
from icrm_cli.safe_text import visible_one_line
from icrm_cli.storage.bulk import bulk_insert
from icrm_cli.storage.models import Department, Event, Person, Request
from icrm_cli.storage.stored_rows import SMALL_SORT_CACHE_KIB, deferred_indexes

DEFER_INDEXES_FROM = 20_000  # rows; and at least as many as the table holds

MAX_IMPORT_BYTES = 512 * 1024 * 1024
BATCH_ROWS = 5000
BYTES_PER_ROW = 80  # a typical row: to estimate a file's rows from its size
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


def _header(fields: list[str] | None, source: str) -> list[str]:
    """The column keys by position; ``""`` for a column without a name (spreadsheets add empty ones)."""
    if not fields:
        raise ImportFileError(source, ["the file is empty; expected a header row"])
    mapping: dict[str, str] = {}
    columns: list[str] = []
    problems = []
    for name in fields:
        key = "" if not name.strip() else COLUMN_ALIASES.get(name.strip().lower())
        columns.append(key or "")
        if key == "":
            continue
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
    return columns


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
    session: Session
    due_cache: dict[str, datetime] = field(default_factory=dict)
    allowed: set[tuple[str, str, str]] = field(default_factory=set)  # (from, to, owner) checked


def import_requests(
    session: Session,
    policy: Policy,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Tracker = SILENT,
) -> ImportResult:
    """Check every row of the file and insert the requests and their `created` events, or none.

    Raises :class:`ImportFileError` listing the first problems; the caller's
    transaction then rolls back whatever was inserted.
    """
    source = str(path)
    context = _context(session, policy, actor)
    start = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
    with open_capped(path, MAX_IMPORT_BYTES, lambda problem: ImportFileError(source, [problem])) as raw:
        # A load larger than what is stored builds the indexes once afterwards (cheaper than updating
        # them row by row), in the same transaction; the file's size estimates its rows.
        large = not dry_run and _estimated_rows(path) >= max(DEFER_INDEXES_FROM, start - 1)
        bulk = deferred_indexes(session, ("request", "event"), SMALL_SORT_CACHE_KIB)
        with bulk if large else nullcontext():
            progress.stage("Checking rows" if dry_run else "Importing rows")
            note = f"imported from {visible_one_line(path.name)}"
            count = _load(session, raw, source, context, start, note, dry_run, progress)
            if large:
                progress.stage("Building indexes")
    if dry_run:
        return ImportResult(count=count, first_id=None, last_id=None)
    return ImportResult(count=count, first_id=start, last_id=start + count - 1)


def _estimated_rows(path: Path) -> int:
    try:
        return path.stat().st_size // BYTES_PER_ROW if path.is_file() else 0
    except OSError:
        return 0


def _load(
    session: Session,
    raw: IO[bytes],
    source: str,
    context: _Context,
    start: int,
    note: str,
    dry_run: bool,
    progress: Tracker = SILENT,
) -> int:
    """Read, check and (unless ``dry_run`` or a row was bad) insert every row; the number of rows."""
    text = text_reader(raw)
    if text is None:
        raise ImportFileError(source, [f"line 1: not text in an encoding icrm reads: {ENCODINGS_ACCEPTED}"])
    reader = csv.reader(text)
    problems: list[str] = []
    batch: list[dict[str, Any]] = []
    count = 0
    try:
        fields = next(reader, None)
        columns = _header(fields, source)
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num  # a row's first line, even when a cell spans lines
            problem = _check_cells(cells, columns)
            if problem is None:
                values = {key: cell.strip() for key, cell in zip(columns, cells, strict=False) if key}
                if not any(values.values()):
                    continue
                try:
                    batch.append(_row(values, context, start + count))
                    count += 1
                except InvalidValueError as exc:
                    problem = str(exc)
            if problem is not None:
                problems.append(f"line {line}: {problem}")
                batch.clear()  # nothing more is inserted; the rest is only checked
            if len(batch) >= BATCH_ROWS:
                progress.advance(len(batch))
                _insert(session, batch, context, note, dry_run or bool(problems))
    except UnicodeDecodeError:
        line = reader.line_num + 1
        problems.append(f"line {line}: not {text.encoding} text like the lines before it")
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: not valid CSV ({exc})")
    finally:
        text.detach()  # the caller closes the file
    if problems:
        raise ImportFileError(source, problems)
    if not count:
        raise ImportFileError(source, ["no requests in the file"])
    _insert(session, batch, context, note, dry_run)
    return count


def _check_cells(cells: list[str], columns: list[str]) -> str | None:
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        return "more cells than columns"
    for key, cell in zip(columns, cells, strict=False):
        if not key and cell.strip():
            return f"a value ({cell.strip()[:40]!r}) in a column without a name"
    return None


def _insert(session: Session, batch: list[dict[str, Any]], context: _Context, note: str, skip: bool) -> None:
    """Insert a batch of checked rows and their `created` events, then empty it."""
    if not skip and batch:
        events = [
            {
                "entity": "request",
                "entity_id": row["id"],
                "at": context.now,
                "actor": context.actor,
                "by": acting_for(session),
                "kind": "created",
                "note": note,
                "detail": {
                    "to": "open",
                    "from_dept": row["from_dept"],
                    "to_dept": row["to_dept"],
                    "owner": row["owner"],
                    "due": _due_source(row, context),
                },
            }
            for row in batch
        ]
        bulk_insert(session, Request.__table__, batch)  # type: ignore[attr-defined]
        bulk_insert(session, Event.__table__, events)  # type: ignore[attr-defined]
    batch.clear()


def _due_source(row: dict[str, Any], context: _Context) -> str:
    """``sla`` when the row's due time is the SLA's (no ``due`` given), else ``manual``."""
    key = f"\0{row['priority']}"  # the SLA due time of the priority, cached by _row
    sla_due = context.due_cache.get(key) or context.policy.due_for(row["priority"], context.now)
    return "sla" if row["due_at"] == sla_due else "manual"


def _context(session: Session, policy: Policy, actor: str) -> _Context:
    known = [_Dept(d.code, d.active, d.contact) for d in session.execute(select(Department)).scalars()]
    departments = {d.code.casefold(): d for d in known}  # 'sales' works as on the command line
    departments.update({d.code: d for d in known})  # an exact match wins
    people = {p.id for p in session.execute(select(Person)).scalars() if p.active}
    return _Context(departments, people, policy, policy.clock.now(), actor, session)


def _check_as_new(context: _Context, customer: str, supplier: str, owner: str) -> None:
    """Each row as ``request new`` would check it (once per customer, supplier and owner)."""
    key = (customer, supplier, owner)
    if key in context.allowed:
        return
    access.check_request_sides(customer, supplier)
    about = access.Facts(
        object=f"a request from {customer} to {supplier}", customer=customer, supplier=supplier
    )
    access.require(context.session, context.actor, "request new", about)
    if owner:
        access.check_owner(context.session, owner, supplier)
    context.allowed.add(key)


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
    _check_as_new(context, codes["from"], codes["to"], values.get("owner") or "")
    due_text = values.get("due")
    if due_text:
        due_at = context.due_cache.get(due_text)
        if due_at is None:
            due_at = context.due_cache[due_text] = context.policy.clock.parse(
                due_text, edge="end", what="due"
            )
    else:
        key = f"\0{priority}"  # same creation time for every row: one due time per priority
        due_at = context.due_cache.get(key)
        if due_at is None:
            due_at = context.due_cache[key] = context.policy.due_for(priority, context.now)
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
