"""Org reads: the stored settings (the policy), the departments, whether a code or person id exists,
and what the access rules need (the tree, the people, the database login)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select

from icrm_cli.storage.core import DEPARTMENT, PERSON, SETTING

D = DEPARTMENT.c


def settings() -> Any:
    return select(SETTING.c.key, SETTING.c.value)


def departments() -> Any:
    """Every department, active or not, in org file order: code, name, active."""
    return select(D.code, D.name, D.active).order_by(D.position, D.code)


def department_code() -> Any:
    """The stored code of ``:code`` in any letter case (through ``ix_department_upper_code``);
    an exact match first should two codes differ in case only."""
    code: BindParameter[str] = bindparam("code")
    return (
        select(D.code)
        .where(func.upper(D.code) == func.upper(code))
        .order_by((D.code == code).desc(), D.code)
        .limit(1)
    )


def any_department() -> Any:
    """One department, if there is any (whether an org was ever applied)."""
    return select(D.code).limit(1)


def person_id() -> Any:
    """The id when ``:person`` is exactly one (ids are compared exactly)."""
    return select(PERSON.c.id).where(PERSON.c.id == bindparam("person"))


def tree() -> Any:
    """Every department with its place in the tree: code, parent, head, contact, active."""
    return select(D.code, D.parent, D.head, D.contact, D.active)


def people() -> Any:
    """Every person: id, name, department, active."""
    P = PERSON.c
    return select(P.id, P.name, P.department, P.active)


def login() -> Any:
    """The database login (PostgreSQL's ``current_user``)."""
    return select(func.current_user())
