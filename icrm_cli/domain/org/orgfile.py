"""The org file: YAML parsed and validated as a whole before anything is written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from icrm_cli.domain.calendar import (
    CalendarSpec,
    parse_calendar_spec,
    parse_duration,
)
from icrm_cli.domain.org.orgfile_checks import cross_check
from icrm_cli.domain.org.yaml_loader import OrgYamlError, load_org_yaml
from icrm_cli.errors import InvalidValueError, OrgFileError
from icrm_cli.inputs import open_capped
from icrm_cli.safe_text import UNSAFE_ONE_LINE, visible_one_line

MAX_ORG_FILE_BYTES = 2 * 1024 * 1024
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$"
PERSON_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
CHANNEL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{0,31}://\S+$")


def _channel(value: Any) -> str:
    """A notification channel: an Apprise URL; the message never repeats it (it may hold a secret)."""
    if not isinstance(value, str) or len(value) > 2000 or not CHANNEL_PATTERN.match(value.strip()):
        raise ValueError(
            "expected a notification URL such as mailtos://user:${SMTP_PASSWORD}@smtp.example.com, "
            "wecombot://KEY, dingtalk://TOKEN or json://host/path"
        )
    return value.strip()


# An Apprise URL (``mailto://``, ``wecombot://``, ...); ``${NAME}`` takes an environment variable.
Channel = Annotated[str, BeforeValidator(_channel)]


def _duration(value: Any) -> str:
    text = str(value)
    try:
        parse_duration(text)  # the form; working units without a calendar are refused by _unit_problems
    except InvalidValueError as exc:
        raise ValueError(str(exc)) from None
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _visible_text(cls, value: Any) -> Any:
        """Names, services and every other text: no control, bidi or zero-width character."""
        for text in value if isinstance(value, list) else [value]:
            found = UNSAFE_ONE_LINE.search(text) if isinstance(text, str) else None
            if found:
                raise ValueError(
                    f"contains {visible_one_line(found.group())} (an invisible or control character)"
                )
        return value


class DepartmentSpec(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=100)
    parent: str | None = None
    head: str
    contact: str | None = None
    channel: Literal["email", "phone", "chat", "meeting"] | None = None
    services: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50
    )
    notify: list[Channel] = Field(default_factory=list)


class PersonSpec(_Strict):
    id: str = Field(pattern=PERSON_PATTERN)
    name: str = Field(min_length=1, max_length=100)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    department: str
    login: str | None = Field(default=None, pattern=PERSON_PATTERN)  # OS / database login; default: id
    notify: list[Channel] = Field(default_factory=list)


class NotifySpec(_Strict):
    email: Channel | None = None  # a mail URL without recipient: sent to each person's email


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


class AccessSpec(_Strict):
    """Who may do what: ``enforced`` (the rules table) or ``open`` (a one-person file)."""

    mode: Literal["enforced", "open"] = "enforced"
    admins: list[str] | None = Field(default=None, max_length=100)
    services: list[Annotated[str, Field(pattern=PERSON_PATTERN)]] = Field(
        default_factory=list, max_length=100
    )


class OrgSpec(_Strict):
    organization: str | None = Field(default=None, max_length=200)
    timezone: str | None = None
    departments: list[DepartmentSpec] = Field(min_length=1)
    people: list[PersonSpec] = Field(min_length=1)
    sla: dict[Literal["urgent", "high", "normal", "low"], SlaSpec] | None = None
    escalation: list[EscalationSpec] | None = None
    feedback: FeedbackSpec | None = None
    access: AccessSpec | None = None
    language: Literal["zh", "en"] | None = None
    notify: NotifySpec | None = None
    calendar: dict[str, Any] | None = None

    def channels(self) -> dict[str, Any] | None:
        """Where notices go (``icrm notify``), in storable form; None when the file names none."""
        people = {person.id: list(person.notify) for person in self.people if person.notify}
        depts = {dept.code: list(dept.notify) for dept in self.departments if dept.notify}
        email = self.notify.email if self.notify else None
        if not (people or depts or email):
            return None
        return {"email": email, "people": people, "departments": depts}

    def calendar_spec(self) -> CalendarSpec | None:
        """The validated ``calendar`` (checked by :func:`parse_org`), or None without one."""
        return None if self.calendar is None else parse_calendar_spec(self.calendar)

    def settings(self) -> dict[str, Any]:
        """The org-wide settings this file defines, in storable form."""
        spec = self.calendar_spec()
        return {
            "calendar": spec.to_mapping() if spec is not None else None,
            "organization": self.organization,
            "timezone": self.timezone,
            "sla": {p: s.model_dump() for p, s in (self.sla or {}).items()} or None,
            "escalation": [r.model_dump() for r in self.escalation] if self.escalation else None,
            "feedback": self.feedback.model_dump() if self.feedback else None,
            "language": self.language,
            "notify": self.channels(),
            "access": self.access_settings(),
        }

    def access_settings(self) -> dict[str, Any]:
        """The ``access`` section in stored form, with each login that differs from its id."""
        access = self.access or AccessSpec()
        return {
            "declared": self.access is not None,
            "mode": access.mode,
            "admins": access.admins,
            "services": list(access.services),
            "logins": {p.login: p.id for p in self.people if p.login and p.login != p.id},
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


# What each checked pattern accepts, in words (pydantic would print the regular expression).
_PATTERN_WORDS = {
    CODE_PATTERN: "1-32 ASCII letters, digits, '_' or '-', starting with a letter (e.g. SALES)",
    PERSON_PATTERN: "1-64 ASCII letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
}


def _for_a_person(error: Any) -> str:
    """A validation error in words: the value, and what is accepted (never pydantic's wording)."""
    kind, context = error["type"], error.get("ctx") or {}
    value = error.get("input")
    shown = repr(value) if isinstance(value, str | int | float) else "this value"
    if kind == "extra_forbidden":
        return "unknown key (see docs/org-file.md for the keys of this section)"
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(context.get("pattern")), "a different form")
        return f"{shown} is not accepted: use {words}"
    if kind == "string_too_long":
        return f"{shown[:60]} is too long: at most {context.get('max_length')} characters"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty"
    if kind == "too_long":
        return f"has too many items: at most {context.get('max_length')}"
    if kind == "literal_error":
        return f"{shown} is not accepted: use one of {context.get('expected')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{shown} is not accepted: use a whole number"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = context.get("ge"), context.get("le")
        return (
            f"{shown} is out of range"
            + (f" (at least {low})" if low is not None else "")
            + (f" (at most {high})" if high is not None else "")
        )
    if kind in ("string_type", "list_type", "dict_type", "model_type"):
        wanted = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping"
        )
        return f"{shown} is not accepted: expected {wanted}"
    return re.sub(r"^(Value|Assertion) error, ", "", str(error["msg"]))


def parse_org(text: str, source: str) -> OrgSpec:
    """Validate an org file's text; raises OrgFileError listing every problem."""
    try:
        raw = load_org_yaml(text)
    except OrgYamlError as exc:
        raise OrgFileError(source, [str(exc)]) from None
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
            problems.append(f"{_location(tuple(error['loc']), raw)}: {_for_a_person(error)}")
        raise OrgFileError(source, problems) from None
    problems = cross_check(spec)
    if problems:
        raise OrgFileError(source, problems)
    return spec


def read_org_file(path: Path) -> OrgSpec:
    source = str(path)
    with open_capped(path, MAX_ORG_FILE_BYTES, lambda problem: OrgFileError(source, [problem])) as raw:
        data = raw.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OrgFileError(source, [f"not UTF-8 text (byte {exc.start})"]) from None
    return parse_org(text, source)
