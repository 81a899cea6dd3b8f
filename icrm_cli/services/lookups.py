"""Department codes and person ids as typed on the command line, checked through a reader.

An exact code or id is confirmed with one light query; anything else (another
spelling, an unknown name) takes the usual ORM lookup, which resolves it or
raises the usual error.
"""

from __future__ import annotations

from icrm_cli.storage.plans import Plan, Reader, first

DEPARTMENT_CODE = Plan("icrm_cli.services.queries.org:department_code")
PERSON_ID = Plan("icrm_cli.services.queries.org:person_id")
SHIPPED = ((DEPARTMENT_CODE, "statement"), (PERSON_ID, "statement"))


def department_code(reader: Reader, code: str) -> str:
    """The stored code of department ``code`` (active or not); unknown ones are a NotFoundError."""
    found = first(reader, DEPARTMENT_CODE, {"code": code})
    if found is not None:
        return str(found)
    from icrm_cli.services.org import get_department

    with reader.session() as session:
        return get_department(session, code, active=False).code


def person_id(reader: Reader, ident: str) -> str:
    """The id of person ``ident`` (active or not); unknown ones are a NotFoundError."""
    found = first(reader, PERSON_ID, {"person": ident})
    if found is not None:
        return str(found)
    from icrm_cli.services.org import get_person

    with reader.session() as session:
        return get_person(session, ident, active=False).id
