"""Org reads: the stored settings (the policy), the departments, whether a code or person id exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from icrm_cli.storage.core import DEPARTMENT, PERSON, SETTING

D = DEPARTMENT.c


def settings() -> Any:
    return select(SETTING.c.key, SETTING.c.value)


def departments() -> Any:
    """Every department, active or not, in org file order: code, name, active."""
    return select(D.code, D.name, D.active).order_by(D.position, D.code)


def department_code() -> Any:
    """The code when ``:code`` is exactly one (the usual lookup also takes other spellings)."""
    return select(D.code).where(D.code == bindparam("code"))


def person_id() -> Any:
    return select(PERSON.c.id).where(PERSON.c.id == bindparam("person"))
