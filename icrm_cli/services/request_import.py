"""Creating many requests from a CSV file: validate every row, then insert all or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from icrm_cli.errors import ImportFileError, InvalidValueError
from icrm_cli.services.policy import PRIORITIES, Policy
from icrm_cli.services.text import clean_text, clean_title
from icrm_cli.storage.models import Department, Event, Person, Request

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


def import_requests(
    session: Session, policy: Policy, path: Path, *, actor: str, dry_run: bool = False
) -> ImportResult:
    source = str(path)
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    fields = next(reader, None)
    mapping = _header(fields, source)
    columns = [mapping.get(name) for name in fields or []]

    known = list(session.execute(select(Department)).scalars())
    departments = {d.code.casefold(): d for d in known}  # 'sales' works as on the command line
    departments.update({d.code: d for d in known})  # an exact match wins
    active_people = {p.id for p in session.execute(select(Person)).scalars() if p.active}
    clock = policy.clock
    now = clock.now()
    due_cache: dict[str, datetime] = {}
    rows: list[dict[str, Any]] = []
    problems: list[str] = []

    end = reader.line_num
    for cells in reader:
        line, end = end + 1, reader.line_num  # a row's first line, even when a cell spans lines
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(f"line {line}: more cells than columns")
            continue
        values = {key: cell.strip() for key, cell in zip(columns, cells, strict=False) if key}
        try:
            rows.append(_row(values, departments, active_people, policy, now, due_cache))
        except InvalidValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise ImportFileError(source, problems)
    if not rows:
        raise ImportFileError(source, ["no requests in the file"])
    if dry_run:
        return ImportResult(count=len(rows), first_id=None, last_id=None)

    start = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
    note = f"imported from {path.name}"
    request_rows, event_rows = [], []
    for offset, row in enumerate(rows):
        request_id = start + offset
        request_rows.append({**row, "id": request_id, "requester": actor})
        event_rows.append(
            {
                "entity": "request",
                "entity_id": request_id,
                "at": now,
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
        )
    for chunk in range(0, len(request_rows), 20_000):
        session.execute(insert(Request), request_rows[chunk : chunk + 20_000])
        session.execute(insert(Event), event_rows[chunk : chunk + 20_000])
    return ImportResult(count=len(rows), first_id=start, last_id=start + len(rows) - 1)


def _row(
    values: dict[str, str],
    departments: dict[str, Department],
    people: set[str],
    policy: Policy,
    now: datetime,
    due_cache: dict[str, datetime],
) -> dict[str, Any]:
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
    if values.get("owner") and owner not in people:
        raise InvalidValueError(f"unknown or inactive person {owner!r} in column 'owner'")
    due_text = values.get("due")
    if due_text:
        due_at = due_cache.get(due_text)
        if due_at is None:
            due_at = policy.clock.parse(due_text, edge="end", what="due")
            due_cache[due_text] = due_at
    else:
        due_at = now + policy.sla_for(priority).resolve
    return {
        "title": clean_title(values.get("title")),
        "description": clean_text(values.get("description"), what="description") or None,
        "from_dept": codes["from"],
        "to_dept": codes["to"],
        "owner": owner,
        "priority": priority,
        "status": "open",
        "created_at": now,
        "due_at": due_at,
        "paused_seconds": 0,
        "transfers": 0,
        "reopened": 0,
    }
