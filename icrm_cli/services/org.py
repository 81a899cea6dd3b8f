"""Applying the org file and reading the organisation back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from icrm_cli.errors import InvalidValueError, NotFoundError
from icrm_cli.services import events
from icrm_cli.services.orgfile import OrgSpec
from icrm_cli.services.policy import load_settings
from icrm_cli.storage.models import Department, Person, Setting


@dataclass
class OrgChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

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
        if differs:
            for name, value in differs.items():
                setattr(row, name, value)
            changes.updated.append(f"{label} {ident}")
    return [row for ident, row in existing.items() if ident not in wanted]


def _retire(session: Session, rows: list[Any], key: str, label: str, changes: OrgChanges) -> None:
    """Delete what nothing references; deactivate what history still points at."""
    for row in rows:
        ident = getattr(row, key)
        model = type(row)
        savepoint = session.begin_nested()
        try:
            session.execute(delete(model).where(getattr(model, key) == ident))
            savepoint.commit()
            session.expunge(row)
            changes.removed.append(f"{label} {ident}")
        except IntegrityError:
            savepoint.rollback()
            if row.active:
                row.active = False
                changes.deactivated.append(f"{label} {ident}")


def apply_org(session: Session, spec: OrgSpec, *, actor: str, dry_run: bool = False) -> OrgChanges:
    """Bring departments, people and settings in line with the org file.

    With ``dry_run`` the same changes are computed and then rolled back.
    """
    autoflush, session.autoflush = session.autoflush, False
    try:
        return _apply(session, spec, actor=actor, dry_run=dry_run)
    finally:
        session.autoflush = autoflush


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
    _retire(session, stale_people, "id", "person", changes)
    _retire(session, stale_depts, "code", "department", changes)

    stored = load_settings(session)
    for key, value in spec.settings().items():
        if stored.get(key) != value:
            existing = session.get(Setting, key)
            if existing is None:
                session.add(Setting(key=key, value=value))
            else:
                existing.value = value
            changes.updated.append(f"setting {key}")
    session.flush()
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


@dataclass(frozen=True)
class OrgView:
    organization: str | None
    timezone: str | None
    departments: list[dict[str, Any]]
    people: list[dict[str, Any]]


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
    return OrgView(
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
            }
            for person in people
        ],
    )


def get_department(session: Session, code: str, *, active: bool = True) -> Department:
    """A department by code; unknown or (with ``active``) retired ones are errors."""
    dept = session.get(Department, code)
    if dept is None:
        dept = session.exec(select(Department).where(col(Department.code).ilike(code))).first()
    if dept is None:
        raise NotFoundError(f"unknown department {code!r} (see 'icrm org show')")
    if active and not dept.active:
        raise InvalidValueError(f"department {dept.code!r} is no longer active")
    return dept


def get_person(session: Session, ident: str, *, active: bool = True) -> Person:
    person = session.get(Person, ident)
    if person is None:
        raise NotFoundError(f"unknown person {ident!r} (see 'icrm org show')")
    if active and not person.active:
        raise InvalidValueError(f"person {ident!r} is no longer active")
    return person


def person_department(session: Session, ident: str) -> str | None:
    """The department of a person id, or None for actors outside the org file."""
    person = session.get(Person, ident)
    return person.department if person else None
