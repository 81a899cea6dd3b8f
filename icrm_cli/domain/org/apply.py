"""Applying the org file and reading the organisation back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, literal, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from icrm_cli.domain import events
from icrm_cli.domain.access import policy as access
from icrm_cli.domain.access.org import forget
from icrm_cli.domain.notify.channels import ChannelBook, mask_url, masked_list
from icrm_cli.domain.org.lookups import unknown_department, unknown_person
from icrm_cli.domain.org.orgfile import OrgSpec
from icrm_cli.domain.org.settings import build_policy, load_settings
from icrm_cli.domain.requests.states import UNRESOLVED
from icrm_cli.domain.requests.working import recompute_working_seconds
from icrm_cli.errors import InvalidValueError
from icrm_cli.storage.models import Department, Person, Request, Setting


@dataclass
class OrgChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Unresolved requests a deactivated person owns or a deactivated department must serve:
    # ``(request id, title, owner, supplier)``. Not a change; work someone must hand on.
    orphaned: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deactivated or self.removed)

    def as_rows(self) -> list[dict[str, str]]:
        rows = []
        for change in ("added", "updated", "deactivated", "removed"):
            for item in getattr(self, change):
                kind, _, ident = item.partition(" ")
                rows.append({"change": change, "kind": kind, "id": ident})
        return rows


def _department_values(spec: OrgSpec) -> dict[str, dict[str, Any]]:
    return {
        dept.code: {
            "name": dept.name,
            "parent": dept.parent,
            "head": dept.head,
            "contact": dept.contact or dept.head,
            "channel": dept.channel,
            "services": list(dept.services),
            "position": index,
            "active": True,
        }
        for index, dept in enumerate(spec.departments)
    }


def _person_values(spec: OrgSpec) -> dict[str, dict[str, Any]]:
    return {
        person.id: {
            "name": person.name,
            "email": person.email,
            "department": person.department,
            "position": index,
            "active": True,
        }
        for index, person in enumerate(spec.people)
    }


def _sync(
    session: Session,
    model: type[Department] | type[Person],
    key: str,
    wanted: dict[str, dict[str, Any]],
    label: str,
    changes: OrgChanges,
) -> list[Any]:
    """Add and update rows; return the rows the file no longer lists."""
    existing = {getattr(row, key): row for row in session.exec(select(model))}
    for ident, values in wanted.items():
        row = existing.get(ident)
        if row is None:
            session.add(model(**{key: ident, **values}))
            changes.added.append(f"{label} {ident}")
            continue
        differs = {name: value for name, value in values.items() if getattr(row, name) != value}
        for name, value in differs.items():
            setattr(row, name, value)
        if set(differs) - {"position"}:  # moving up when another entry is removed is no news
            changes.updated.append(f"{label} {ident}")
    return [row for ident, row in existing.items() if ident not in wanted]


def _named_elsewhere(session: Session, person: str, leaving: str) -> bool:
    """Whether a department other than ``leaving`` names ``person`` as its head or contact."""
    query = select(Department.code).where(
        col(Department.code) != leaving,
        or_(col(Department.head) == person, col(Department.contact) == person),
    )
    return session.exec(query).first() is not None


def _deactivate(row: Department | Person, changes: OrgChanges) -> None:
    if row.active:
        row.active = False
        label = f"department {row.code}" if isinstance(row, Department) else f"person {row.id}"
        changes.deactivated.append(label)


def _delete(session: Session, rows: list[Department | Person]) -> bool:
    """Delete the rows together (people before their department); False if anything refers to them."""
    savepoint = session.begin_nested()
    try:
        for row in rows:
            if isinstance(row, Department):
                session.execute(delete(Department).where(col(Department.code) == row.code))
            else:
                session.execute(delete(Person).where(col(Person.id) == row.id))
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return False
    for row in rows:
        session.expunge(row)
    return True


def _retire_person(session: Session, person: Person, changes: OrgChanges) -> None:
    """Delete a person nothing refers to; deactivate one that history or a department names."""
    if not _named_elsewhere(session, person.id, leaving="") and _delete(session, [person]):
        changes.removed.append(f"person {person.id}")
    else:
        _deactivate(person, changes)


def _retire_department(session: Session, dept: Department, people: list[Person], changes: OrgChanges) -> None:
    """Delete the department with its people if nothing refers to them, else deactivate it."""
    # Someone another department still names keeps this one alive (the delete fails on them).
    leaving = [p for p in people if not _named_elsewhere(session, p.id, leaving=dept.code)]
    if _delete(session, [*leaving, dept]):
        changes.removed.extend([*(f"person {p.id}" for p in leaving), f"department {dept.code}"])
        return
    _deactivate(dept, changes)
    for person in people:
        _retire_person(session, person, changes)


def apply_org(session: Session, spec: OrgSpec, *, actor: str, dry_run: bool = False) -> OrgChanges:
    """Bring departments, people and settings in line with the org file.

    With ``dry_run`` the same changes are computed and then rolled back.
    """
    # Asked before anything is written; previewing (--dry-run) and an apply that changes nothing
    # write nothing, so anyone may run them. A refusal raised after the changes were computed
    # leaves the caller's transaction to roll them back.
    refused = (
        None if dry_run else access.refusal(session, actor, "org apply", access.Facts(object="the org file"))
    )
    autoflush, session.autoflush = session.autoflush, False
    try:
        changes = _apply(session, spec, actor=actor, dry_run=dry_run or refused is not None)
    finally:
        session.autoflush = autoflush
        forget(session)
    if refused is not None and changes.changed:
        raise refused
    return changes


def _apply(session: Session, spec: OrgSpec, *, actor: str, dry_run: bool) -> OrgChanges:
    changes = OrgChanges()
    # Departments first without parents so that new parents exist before children point at them.
    wanted_depts = _department_values(spec)
    stale_depts = _sync(session, Department, "code", wanted_depts, "department", changes)
    session.flush()
    stale_people = _sync(session, Person, "id", _person_values(spec), "person", changes)
    session.flush()
    for dept in stale_depts:  # a retired department no longer anchors the tree
        dept.parent = None
    session.flush()
    # A department leaves with its people when nothing else refers to them; a person who is
    # still the head or contact of a department that stays (a deactivated one keeps its
    # head for history) is deactivated, never deleted.
    by_dept: dict[str, list[Person]] = {}
    for person in stale_people:
        by_dept.setdefault(person.department, []).append(person)
    stale_codes = {dept.code for dept in stale_depts}
    for person in (p for code, group in by_dept.items() if code not in stale_codes for p in group):
        _retire_person(session, person, changes)
    for dept in stale_depts:
        _retire_department(session, dept, by_dept.get(dept.code, []), changes)

    changes.orphaned = _orphaned_work(session, changes)
    stored = load_settings(session)
    wanted = spec.settings()
    clock_changed = any(stored.get(key) != wanted[key] for key in ("calendar", "timezone"))
    for key, value in wanted.items():
        if stored.get(key) != value:
            existing = session.get(Setting, key)
            if existing is None:
                session.add(Setting(key=key, value=value))
            else:
                existing.value = value
            changes.updated.append(f"setting {key}")
    session.flush()
    if clock_changed and (wanted["calendar"] is not None or stored.get("calendar") is not None):
        # Due times stay; the report's stored working seconds follow the new calendar.
        recomputed = recompute_working_seconds(session, build_policy({**stored, **wanted}))
        if recomputed:
            changes.updated.append(f"working seconds of {recomputed} requests")
    if changes.changed:
        events.record(
            session,
            entity="org",
            entity_id=0,
            kind="org_applied",
            actor=actor,
            note=None,
            detail={
                "added": changes.added,
                "updated": changes.updated,
                "deactivated": changes.deactivated,
                "removed": changes.removed,
            },
        )
    if dry_run:
        session.rollback()
    return changes


def _orphaned_work(session: Session, changes: OrgChanges) -> list[tuple[int, str, str, str]]:
    people = [item.partition(" ")[2] for item in changes.deactivated if item.startswith("person ")]
    depts = [item.partition(" ")[2] for item in changes.deactivated if item.startswith("department ")]
    if not people and not depts:
        return []
    query = (
        select(Request.id, Request.title, Request.owner, Request.to_dept)
        .where(col(Request.status).in_(sorted(UNRESOLVED)))
        .where(or_(col(Request.owner).in_(people), col(Request.to_dept).in_(depts)))
        .order_by(col(Request.id))
    )
    return [(int(rid), str(title), str(owner), str(to)) for rid, title, owner, to in session.execute(query)]


@dataclass(frozen=True)
class OrgView:
    organization: str | None
    timezone: str | None
    departments: list[dict[str, Any]]
    people: list[dict[str, Any]]
    language: str | None = None
    notify: dict[str, Any] | None = None  # the org-wide channels, secrets hidden


def _depth_first(departments: list[Department]) -> list[tuple[Department, int]]:
    children: dict[str | None, list[Department]] = {}
    codes = {dept.code for dept in departments}
    for dept in departments:
        parent = dept.parent if dept.parent in codes else None
        children.setdefault(parent, []).append(dept)
    ordered: list[tuple[Department, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for dept in sorted(children.get(parent, []), key=lambda d: d.position):
            ordered.append((dept, depth))
            walk(dept.code, depth + 1)

    walk(None, 0)
    return ordered


def show_org(session: Session) -> OrgView:
    settings = load_settings(session)
    departments = list(session.exec(select(Department)))
    people = session.exec(select(Person).order_by(col(Person.active).desc(), col(Person.position)))
    book = ChannelBook.from_settings(settings)
    return OrgView(
        language=settings.get("language"),
        notify={"email": mask_url(book.email)} if book.email else None,
        organization=settings.get("organization"),
        timezone=settings.get("timezone"),
        departments=[
            {
                "code": dept.code,
                "name": dept.name,
                "parent": dept.parent,
                "depth": depth,
                "head": dept.head,
                "contact": dept.contact,
                "channel": dept.channel,
                "services": list(dept.services or []),
                "active": dept.active,
                "notify": masked_list(book.departments.get(dept.code)),
            }
            for dept, depth in _depth_first(departments)
        ],
        people=[
            {
                "id": person.id,
                "name": person.name,
                "email": person.email,
                "department": person.department,
                "active": person.active,
                "notify": masked_list(book.people.get(person.id)),
            }
            for person in people
        ],
    )


def get_department(session: Session, code: str, *, active: bool = True) -> Department:
    """A department by code; unknown or (with ``active``) retired ones are errors."""
    dept = session.get(Department, code)
    if dept is None:
        upper = func.upper(col(Department.code)) == func.upper(literal(code))
        dept = session.exec(select(Department).where(upper).order_by(col(Department.code))).first()
    if dept is None:
        raise unknown_department(code)
    if active and not dept.active:
        raise InvalidValueError(f"department {dept.code!r} is no longer active")
    return dept


def get_person(session: Session, ident: str, *, active: bool = True) -> Person:
    person = session.get(Person, ident)
    if person is None:
        raise unknown_person(ident)
    if active and not person.active:
        raise InvalidValueError(f"person {ident!r} is no longer active")
    return person


def person_department(session: Session, ident: str) -> str | None:
    """The department of a person id, or None for actors outside the org file."""
    person = session.get(Person, ident)
    return person.department if person else None
