"""Who must act on an escalation, read from the org as it is now (a new head takes over).

Level 1: both departments' interface contacts (接口人); level 2: both heads
(双方领导协调); level 3: the head of the lowest common parent department
(找双方的上级部门仲裁). A side that is itself the common ancestor arbitrates
through its own head; two departments without a common parent go to the head
of the root of the customer side (``dept_a``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from icrm_cli.storage.models import Department, Person


def ancestry(session: Session, code: str) -> list[str]:
    """``code`` and its parents up to the root, nearest first (cycle-safe)."""
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        dept = session.get(Department, current)
        current = dept.parent if dept is not None else None
    return chain


def arbiter_department(session: Session, dept_a: str, dept_b: str) -> str:
    """The lowest common parent of the two sides, else the root above ``dept_a``.

    Within one department (a meeting's action item may stay inside it) level 2 is
    already its head, so the arbiter is the head of the department above it.
    """
    chain_a = ancestry(session, dept_a)
    if dept_a == dept_b:
        return chain_a[1] if len(chain_a) > 1 else dept_a
    above_b = set(ancestry(session, dept_b))
    for code in chain_a:
        if code in above_b:
            return code
    return chain_a[-1]


def _entry(person_id: str | None, role: str, people: dict[str, Person]) -> dict[str, Any]:
    person = people.get(person_id or "")
    return {
        "person": person_id,
        "name": person.name if person else None,
        "email": person.email if person else None,
        "role": role,
    }


def _merge(entries: Iterable[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """One entry per person; a person with two roles gets both, joined."""
    merged: dict[str | None, list[str]] = {}
    for person_id, role in entries:
        merged.setdefault(person_id, []).append(role)
    return [(person_id, ", ".join(roles)) for person_id, roles in merged.items()]


def who_must_act(session: Session, dept_a: str, dept_b: str, level: int) -> list[dict[str, Any]]:
    """``[{person, name, email, role}]`` for the level, resolved from the current org."""
    sides = list(dict.fromkeys((dept_a, dept_b)))
    wanted: list[tuple[str | None, str]] = []
    if level >= 3:
        arbiter = arbiter_department(session, dept_a, dept_b)
        dept = session.get(Department, arbiter)
        wanted.append((dept.head if dept else None, f"{arbiter} arbiter"))
    else:
        for code in sides:
            dept = session.get(Department, code)
            if dept is None:
                continue
            if level == 1:
                wanted.append((dept.contact or dept.head, f"{code} contact"))
            else:
                wanted.append((dept.head, f"{code} head"))
    merged = _merge(wanted)
    ids = [person_id for person_id, _ in merged if person_id]
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))} if ids else {}
    return [_entry(person_id, role, people) for person_id, role in merged]


def describe_people(must_act: list[dict[str, Any]]) -> str:
    """``张伟 <zhang.wei@example.com>, ...`` for one-line messages."""
    parts = []
    for entry in must_act:
        label = entry["name"] or entry["person"] or "?"
        parts.append(f"{label} <{entry['email']}>" if entry["email"] else str(label))
    return ", ".join(parts)
