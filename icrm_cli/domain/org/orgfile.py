"""The org file: YAML parsed and validated as a whole before anything is written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from icrm_cli.errors import InvalidValueError, OrgFileError
from icrm_cli.timeutil import parse_duration, zone_from_name

MAX_ORG_FILE_BYTES = 2 * 1024 * 1024
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$"
PERSON_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"


def _duration(value: Any) -> str:
    text = str(value)
    try:
        parse_duration(text)
    except InvalidValueError as exc:
        raise ValueError(str(exc)) from None
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DepartmentSpec(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=100)
    parent: str | None = None
    head: str
    contact: str | None = None
    channel: Literal["email", "phone", "chat", "meeting"] | None = None
    services: list[str] = Field(default_factory=list)


class PersonSpec(_Strict):
    id: str = Field(pattern=PERSON_PATTERN)
    name: str = Field(min_length=1, max_length=100)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    department: str


class SlaSpec(_Strict):
    ack: str
    resolve: str

    _check = field_validator("ack", "resolve", mode="before")(_duration)


class EscalationSpec(_Strict):
    overdue: str
    level: int = Field(ge=1, le=3)

    _check = field_validator("overdue", mode="before")(_duration)


class FeedbackSpec(_Strict):
    min_group: int = Field(default=3, ge=1, le=100)


class OrgSpec(_Strict):
    organization: str | None = None
    timezone: str | None = None
    departments: list[DepartmentSpec] = Field(min_length=1)
    people: list[PersonSpec] = Field(min_length=1)
    sla: dict[Literal["urgent", "high", "normal", "low"], SlaSpec] | None = None
    escalation: list[EscalationSpec] | None = None
    feedback: FeedbackSpec | None = None

    def settings(self) -> dict[str, Any]:
        """The org-wide settings this file defines, in storable form."""
        return {
            "organization": self.organization,
            "timezone": self.timezone,
            "sla": {p: s.model_dump() for p, s in (self.sla or {}).items()} or None,
            "escalation": [r.model_dump() for r in self.escalation] if self.escalation else None,
            "feedback": self.feedback.model_dump() if self.feedback else None,
        }


def _location(loc: tuple[int | str, ...], raw: Any) -> str:
    """``('departments', 2, 'parent')`` -> ``departments[2] (SALES).parent``."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict):
                    ident = node.get("code") or node.get("id")
                    if ident is not None:
                        label += f" ({ident})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "file"


def _cross_check(spec: OrgSpec) -> list[str]:
    problems: list[str] = []
    codes = [dept.code for dept in spec.departments]
    people = [person.id for person in spec.people]
    for kind, values in (("department code", codes), ("person id", people)):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                problems.append(f"duplicate {kind} {value!r}")
            seen.add(value)
    known_depts, known_people = set(codes), set(people)
    parents: dict[str, str | None] = {}
    for index, dept in enumerate(spec.departments):
        where = f"departments[{index}] ({dept.code})"
        if dept.parent is not None and dept.parent not in known_depts:
            problems.append(f"{where}.parent: unknown department {dept.parent!r}")
        for role in ("head", "contact"):
            person = getattr(dept, role)
            if person is not None and person not in known_people:
                problems.append(f"{where}.{role}: {person!r} is not listed under people")
        parents[dept.code] = dept.parent
    for index, person in enumerate(spec.people):
        if person.department not in known_depts:
            problems.append(
                f"people[{index}] ({person.id}).department: unknown department {person.department!r}"
            )
    reported: set[str] = set()
    for code in codes:
        chain, node = [code], parents.get(code)
        while node is not None and node in parents:
            if node in chain:
                cycle = [*chain[chain.index(node) :], node]
                key = min(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append("departments: cycle in parents: " + " -> ".join(cycle))
                break
            chain.append(node)
            node = parents.get(node)
    if spec.timezone:
        try:
            zone_from_name(spec.timezone)
        except InvalidValueError as exc:
            problems.append(f"timezone: {exc}")
    return problems


def parse_org(text: str, source: str) -> OrgSpec:
    """Validate an org file's text; raises OrgFileError listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except RecursionError:
        raise OrgFileError(source, ["nested too deeply to be an org file"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise OrgFileError(source, [f"invalid YAML{where}: {problem}"]) from None
    if not isinstance(raw, dict):
        raise OrgFileError(source, ["expected a mapping with 'departments' and 'people'"])
    try:
        spec = OrgSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = re.sub(r"^Value error, ", "", error["msg"])
            problems.append(f"{_location(tuple(error['loc']), raw)}: {message}")
        raise OrgFileError(source, problems) from None
    problems = _cross_check(spec)
    if problems:
        raise OrgFileError(source, problems)
    return spec


def read_org_file(path: Path) -> OrgSpec:
    source = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise OrgFileError(source, ["is a directory, not an org file"])
        if size > MAX_ORG_FILE_BYTES:
            raise OrgFileError(
                source, [f"file is {size} bytes; an org file may be at most {MAX_ORG_FILE_BYTES}"]
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise OrgFileError(source, ["no such file"]) from None
    except OSError as exc:
        raise OrgFileError(source, [f"cannot read: {exc.strerror}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OrgFileError(source, [f"not UTF-8 text (byte {exc.start})"]) from None
    return parse_org(text, source)
