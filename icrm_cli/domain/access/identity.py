"""Who is acting: the database login on PostgreSQL, ``--as``/``ICRM_USER`` or the OS login on SQLite.

A server authenticates its logins, so on PostgreSQL the acting person is the
login (``current_user``) mapped through the org file's ``login`` keys; naming
someone else with ``--as``/``ICRM_USER`` is refused unless the login is an
admin's, and then the events record the admin as ``by``. A SQLite file has
nobody to authenticate anyone: the name given (or the OS login) is taken as
it is, and the file is as safe as its file permissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.access.org import AccessOrg, load_access_org, read_access_org
from icrm_cli.domain.access.policy import describe
from icrm_cli.errors import NotFoundError, PermissionDeniedError
from icrm_cli.storage.plans import Plan, Reader, first
from icrm_cli.storage.readers import as_reader

if TYPE_CHECKING:
    from sqlmodel import Session

BY_KEY = "icrm.by"
LOGIN = Plan("icrm_cli.domain.org.statements:login")
DATABASE_LOGIN = "database login"
OS_LOGIN = "os login"


@dataclass(frozen=True)
class Identity:
    """The acting person (``actor``: a person id, else the login or name as given) and how we know."""

    actor: str
    via: str
    by: str | None = None

    def as_dict(self, org: AccessOrg) -> dict[str, Any]:
        """``whoami``: person, name, department, roles, via (person fields null for non-persons)."""
        person = org.person(self.actor)
        roles: list[str] = []
        if person is not None:
            roles.append("member")
            if person.id in org.contacts.values():
                roles.append("contact")
            if org.heads_above(person.id):
                roles.append("head")
            if person.id in org.admins:
                roles.append("admin")
        elif self.actor in org.services:
            roles.append("service")
        return {
            "person": person.id if person else None,
            "name": person.name if person else None,
            "department": person.department if person else None,
            "roles": roles,
            "via": self.via,
            "login": self.actor if person is None else None,
            "by": self.by,
            "mode": org.mode,
        }


def _resolve(org: AccessOrg, name: str) -> str:
    """A person id for a name that is an id or a login, else the name as it is."""
    person = org.person(name)
    return person.id if person is not None else name


def establish(executor: Session | Reader, *, asked: str | None, source: str, os_login: str) -> Identity:
    """The identity for this transaction; ``source`` is ``--as`` or ``ICRM_USER`` (how ``asked`` came).

    ``executor`` is an ORM session, whose events then record ``by``, or a plan reader (a read
    transaction that loads no ORM: the read path on PostgreSQL).
    """
    if isinstance(executor, Reader):
        return _establish(executor, read_access_org(executor), asked=asked, source=source, os_login=os_login)
    org = load_access_org(executor)
    identity = _establish(as_reader(executor), org, asked=asked, source=source, os_login=os_login)
    executor.info[BY_KEY] = identity.by
    return identity


def _establish(reader: Reader, org: AccessOrg, *, asked: str | None, source: str, os_login: str) -> Identity:
    if reader.dialect != "postgresql":
        if asked:
            return Identity(_resolve(org, asked), source)
        return Identity(_resolve(org, os_login), OS_LOGIN)
    login = str(first(reader, LOGIN))
    me = _resolve(org, login)
    if not asked or _resolve(org, asked) == me or org.empty:  # no org yet: nobody to act for
        return Identity(me, DATABASE_LOGIN)
    if not org.enforced:
        return Identity(_resolve(org, asked), source)
    person = org.person(me)
    if person is None or not person.active or person.id not in org.admins:
        raise PermissionDeniedError(
            describe(org, me), f"act as {asked}", "on a database server only an admin acts for someone else"
        )
    target = org.person(asked)
    if target is None:
        raise NotFoundError(f"unknown person {asked!r} (see 'icrm org show')")
    return Identity(target.id, source, by=person.id)


def acting_for(session: Session) -> str | None:
    """The admin acting for the event's actor in this session, else None (see :func:`establish`)."""
    value = session.info.get(BY_KEY)
    return value if isinstance(value, str) else None
