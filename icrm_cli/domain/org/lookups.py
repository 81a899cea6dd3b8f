"""Department codes and person ids as typed on the command line, checked through a reader.

Each is one indexed query (codes in any letter case, ids exactly); an unknown one
is the same error the ORM lookups of :mod:`icrm_cli.domain.org.apply` raise, without
loading the ORM.
"""

from __future__ import annotations

from typing import Any

from icrm_cli.errors import NotFoundError
from icrm_cli.storage.plans import Plan, Reader, first
from icrm_cli.storage.readers import as_reader

DEPARTMENT_CODE = Plan("icrm_cli.domain.org.statements:department_code")
PERSON_ID = Plan("icrm_cli.domain.org.statements:person_id")
ANY_DEPARTMENT = Plan("icrm_cli.domain.org.statements:any_department")
SHIPPED = ((DEPARTMENT_CODE, "statement"), (PERSON_ID, "statement"), (ANY_DEPARTMENT, "statement"))


def require_org(executor: Any) -> None:
    """Refuse to work on a database that holds no organisation yet (a mistyped ``--db``, most likely)."""
    if first(as_reader(executor), ANY_DEPARTMENT) is None:
        raise NotFoundError(
            "this database has no organisation yet: run 'icrm org apply FILE' (or 'icrm demo') first"
        )


def unknown_department(code: str) -> NotFoundError:
    return NotFoundError(f"unknown department {code!r} (see 'icrm org show')")


def unknown_person(ident: str) -> NotFoundError:
    return NotFoundError(f"unknown person {ident!r} (see 'icrm org show')")


def department_code(reader: Reader, code: str) -> str:
    """The stored code of department ``code`` in any letter case (active or not)."""
    found = first(reader, DEPARTMENT_CODE, {"code": code})
    if found is None:
        raise unknown_department(code)
    return str(found)


def person_id(reader: Reader, ident: str) -> str:
    """The id of person ``ident`` (active or not)."""
    found = first(reader, PERSON_ID, {"person": ident})
    if found is None:
        raise unknown_person(ident)
    return str(found)
