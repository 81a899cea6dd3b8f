"""Department codes and person ids as typed on the command line, checked through a reader.

An exact code or id is confirmed with one light query; anything else (another
spelling, an unknown name) takes the usual ORM lookup, which resolves it or
raises the usual error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from icrm_cli.storage.plans import Plan, Reader, first

if TYPE_CHECKING:
    from sqlmodel import Session

DEPARTMENT_CODE = Plan("icrm_cli.domain.org.statements:department_code")
PERSON_ID = Plan("icrm_cli.domain.org.statements:person_id")
SHIPPED = ((DEPARTMENT_CODE, "statement"), (PERSON_ID, "statement"))


def _exact_or_usual(
    reader: Reader, plan: Plan, params: dict[str, str], usual: Callable[[Session], str]
) -> str:
    """The exact match found by ``plan``, else what the usual ORM lookup ``usual`` resolves or raises."""
    found = first(reader, plan, params)
    if found is not None:
        return str(found)
    with reader.session() as session:
        return usual(session)


def department_code(reader: Reader, code: str) -> str:
    """The stored code of department ``code`` (active or not); unknown ones are a NotFoundError."""

    def usual(session: Session) -> str:
        from icrm_cli.domain.org.apply import get_department  # the ORM: only when the light query missed

        return get_department(session, code, active=False).code

    return _exact_or_usual(reader, DEPARTMENT_CODE, {"code": code}, usual)


def person_id(reader: Reader, ident: str) -> str:
    """The id of person ``ident`` (active or not); unknown ones are a NotFoundError."""

    def usual(session: Session) -> str:
        from icrm_cli.domain.org.apply import get_person

        return get_person(session, ident, active=False).id

    return _exact_or_usual(reader, PERSON_ID, {"person": ident}, usual)
