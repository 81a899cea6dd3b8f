"""The organisation: departments, people and org-wide settings from the org file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Department(SQLModel, table=True):
    __tablename__ = "department"

    code: str = Field(primary_key=True, max_length=32)
    name: str
    parent: str | None = Field(default=None, foreign_key="department.code", index=True)
    head: str | None = None
    contact: str | None = None
    channel: str | None = None
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0
    active: bool = True


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: str = Field(primary_key=True, max_length=64)
    name: str
    email: str | None = None
    department: str = Field(foreign_key="department.code", index=True)
    position: int = 0
    active: bool = True


class Setting(SQLModel, table=True):
    """Org-wide settings (organization, timezone, sla, escalation, feedback) as JSON."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON, nullable=True))
