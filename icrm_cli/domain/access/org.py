"""The org as the access rules see it: people, the department tree, admins, services, logins.

Loaded once per session from the stored org (``org apply``) and kept in the
session's ``info`` until the session ends; a read transaction without the ORM
(the plan read path on PostgreSQL) reads the same rows through plans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.org.settings import load_settings
from icrm_cli.storage.plans import Plan, Reader

if TYPE_CHECKING:
    from sqlmodel import Session

CACHE_KEY = "icrm.access.org"
TREE = Plan("icrm_cli.domain.org.statements:tree")
PEOPLE = Plan("icrm_cli.domain.org.statements:people")


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    department: str
    active: bool


@dataclass(frozen=True)
class AccessOrg:
    """What the rules need: the tree (parents, heads), the people, and the ``access`` settings."""

    mode: str
    declared: bool
    admins: frozenset[str]
    services: frozenset[str]
    logins: dict[str, str]
    people: dict[str, Member]
    parents: dict[str, str | None]
    heads: dict[str, str | None]
    contacts: dict[str, str | None]

    @property
    def enforced(self) -> bool:
        return self.mode != "open"

    @property
    def empty(self) -> bool:
        return not self.parents

    def person(self, name: str) -> Member | None:
        """The person a name means: an id, else a login."""
        found = self.people.get(name)
        if found is None and name in self.logins:
            found = self.people.get(self.logins[name])
        return found

    def ancestry(self, code: str) -> list[str]:
        """``code`` and the departments above it, nearest first (cycle-safe)."""
        chain: list[str] = []
        node: str | None = code
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        return chain

    def is_member(self, person: str, dept: str) -> bool:
        """A member of ``dept``: belongs to it, or heads it or a department above it."""
        found = self.people.get(person)
        if found is not None and found.department == dept:
            return True
        return any(self.heads.get(code) == person for code in self.ancestry(dept))

    def heads_above(self, person: str) -> list[str]:
        """The departments ``person`` heads."""
        return [code for code, head in self.heads.items() if head == person]


def _admins(
    setting: dict[str, Any], parents: dict[str, str | None], heads: dict[str, str | None]
) -> set[str]:
    named = setting.get("admins")
    if named is not None:
        return set(named)
    return {head for code, head in heads.items() if parents.get(code) is None and head}


def load_access_org(session: Session) -> AccessOrg:
    """The org for the rules, cached for the session (``org apply`` drops the cache)."""
    cached = session.info.get(CACHE_KEY)
    if isinstance(cached, AccessOrg):
        return cached
    from sqlmodel import select

    from icrm_cli.storage.models import Department, Person

    departments = [(d.code, d.parent, d.head, d.contact, d.active) for d in session.exec(select(Department))]
    people = [(p.id, p.name, p.department, p.active) for p in session.exec(select(Person))]
    org = _access_org(load_settings(session), departments, people)
    session.info[CACHE_KEY] = org
    return org


def read_access_org(reader: Reader) -> AccessOrg:
    """The org for the rules from a read transaction without the ORM (not cached)."""
    return _access_org(load_settings(reader), reader.rows(TREE), reader.rows(PEOPLE))


def _access_org(
    settings: dict[str, Any],
    departments: Iterable[tuple[Any, ...]],
    people: Iterable[tuple[Any, ...]],
) -> AccessOrg:
    """From the settings, ``(code, parent, head, contact, active)`` and ``(id, name, department, active)``."""
    setting = settings.get("access") or {}
    parents: dict[str, str | None] = {}
    heads: dict[str, str | None] = {}
    contacts: dict[str, str | None] = {}
    for code, parent, head, contact, active in departments:
        if active:
            parents[code] = parent
            heads[code] = head
            contacts[code] = contact
    return AccessOrg(
        mode=str(setting.get("mode") or "enforced"),
        declared=bool(setting.get("declared", False)),
        admins=frozenset(_admins(setting, parents, heads)),
        services=frozenset(setting.get("services") or ()),
        logins=dict(setting.get("logins") or {}),
        people={ident: Member(ident, name, dept, bool(active)) for ident, name, dept, active in people},
        parents=parents,
        heads=heads,
        contacts=contacts,
    )


def forget(session: Session) -> None:
    """Drop the cached org (after ``org apply`` changed it)."""
    session.info.pop(CACHE_KEY, None)
