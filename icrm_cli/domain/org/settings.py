"""Org-wide policy: time zone, SLA per priority, escalation rules, feedback settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from icrm_cli.storage.plans import Plan
from icrm_cli.storage.readers import as_reader
from icrm_cli.timeutil import Clock, parse_duration, zone_from_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from icrm_cli.storage.plans import Reader

PRIORITIES = ("urgent", "high", "normal", "low")

DEFAULT_SLA: dict[str, dict[str, str]] = {
    "urgent": {"ack": "2h", "resolve": "1d"},
    "high": {"ack": "4h", "resolve": "3d"},
    "normal": {"ack": "1d", "resolve": "5d"},
    "low": {"ack": "2d", "resolve": "10d"},
}
DEFAULT_ESCALATION: list[dict[str, Any]] = [
    {"overdue": "1d", "level": 1},
    {"overdue": "3d", "level": 2},
    {"overdue": "7d", "level": 3},
]
DEFAULT_MIN_GROUP = 3

SETTINGS = Plan("icrm_cli.domain.org.statements:settings")
SHIPPED = ((SETTINGS, "statement"),)


@dataclass(frozen=True)
class Sla:
    ack: timedelta
    resolve: timedelta


@dataclass(frozen=True)
class EscalationRule:
    overdue: timedelta
    level: int


@dataclass(frozen=True)
class Policy:
    organization: str | None = None
    timezone: str | None = None
    sla: dict[str, Sla] = field(default_factory=dict)
    escalation: tuple[EscalationRule, ...] = ()
    min_group: int = DEFAULT_MIN_GROUP

    @property
    def clock(self) -> Clock:
        return Clock(zone_from_name(self.timezone))

    def sla_for(self, priority: str) -> Sla:
        return self.sla[priority]


def build_policy(settings: dict[str, Any]) -> Policy:
    """A Policy from stored settings, defaults filling whatever is missing."""
    sla_raw = {**DEFAULT_SLA, **(settings.get("sla") or {})}
    sla = {
        priority: Sla(
            ack=parse_duration(sla_raw[priority]["ack"]),
            resolve=parse_duration(sla_raw[priority]["resolve"]),
        )
        for priority in PRIORITIES
    }
    rules_raw = settings.get("escalation") or DEFAULT_ESCALATION
    rules = tuple(
        sorted(
            (EscalationRule(parse_duration(rule["overdue"]), int(rule["level"])) for rule in rules_raw),
            key=lambda rule: rule.overdue,
        )
    )
    feedback = settings.get("feedback") or {}
    return Policy(
        organization=settings.get("organization"),
        timezone=settings.get("timezone"),
        sla=sla,
        escalation=rules,
        min_group=int(feedback.get("min_group", DEFAULT_MIN_GROUP)),
    )


def load_settings(executor: Reader | Session | Connection) -> dict[str, Any]:
    return dict(as_reader(executor).rows(SETTINGS))


def load_policy(executor: Reader | Session | Connection) -> Policy:
    return build_policy(load_settings(executor))
