"""Org-wide policy: time zone, working calendar, SLA per priority, escalation rules, feedback settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.calendar import (
    CalendarSpec,
    Duration,
    WorkingCalendar,
    add_duration,
    parse_calendar_spec,
    parse_duration,
)
from icrm_cli.storage.plans import Plan
from icrm_cli.storage.readers import as_reader
from icrm_cli.timeutil import Clock, zone_from_name

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
    ack: Duration
    resolve: Duration


@dataclass(frozen=True)
class EscalationRule:
    overdue: Duration
    level: int


@dataclass(frozen=True)
class Policy:
    organization: str | None = None
    timezone: str | None = None
    sla: dict[str, Sla] = field(default_factory=dict)
    escalation: tuple[EscalationRule, ...] = ()
    min_group: int = DEFAULT_MIN_GROUP
    calendar_spec: CalendarSpec | None = None

    @cached_property
    def calendar(self) -> WorkingCalendar | None:
        """The org's working calendar in its zone, or None (every duration is calendar time)."""
        if self.calendar_spec is None:
            return None
        return WorkingCalendar(self.calendar_spec, Clock(zone_from_name(self.timezone)).tz)

    @cached_property
    def clock(self) -> Clock:
        return Clock(zone_from_name(self.timezone), calendar=self.calendar)

    @property
    def tz(self) -> tzinfo:
        return self.clock.tz

    @property
    def hours_basis(self) -> str:
        """What the report's hours to acknowledge / resolve count: ``working`` or ``elapsed``."""
        return "working" if self.calendar_spec is not None else "elapsed"

    def sla_for(self, priority: str) -> Sla:
        return self.sla[priority]

    def add(self, start: datetime, duration: Duration, *, what: str = "duration") -> datetime:
        """``start`` plus ``duration`` on the org's clock (working units on its calendar)."""
        return add_duration(start, duration, self.tz, self.calendar, what=what)

    def due_for(self, priority: str, created: datetime) -> datetime:
        """The SLA due time of a request of ``priority`` filed at ``created``."""
        return self.add(created, self.sla_for(priority).resolve, what=f"sla.{priority}.resolve")

    def escalation_at(self, due: datetime, rule: EscalationRule) -> datetime:
        """The instant a request due at ``due`` reaches ``rule``: overdue by its threshold in its own unit."""
        return self.add(due, rule.overdue, what="escalation.overdue")

    def working_seconds(self, start: datetime, end: datetime, pauses: Any = ()) -> int | None:
        """Working seconds in [start, end) minus ``pauses``; None without a calendar."""
        if self.calendar is None:
            return None
        return self.calendar.working_seconds_between(start, end, pauses=pauses)


def least_elapsed(duration: Duration, workday_seconds: int = 0) -> timedelta:
    """A lower bound of the elapsed time ``duration`` spans from any start (for SQL pre-filters).

    Working time passes no faster than the wall clock; a local day is at least
    22 hours (no zone shifts more than two hours at once).
    """
    if duration.unit == "wd":
        return timedelta(seconds=duration.amount * workday_seconds)
    if duration.unit == "wh":
        return timedelta(hours=duration.amount)
    if duration.unit in ("d", "w"):
        days = duration.amount * (7 if duration.unit == "w" else 1)
        return timedelta(hours=days * 24 - 2)
    return nominal(duration)


def nominal(duration: Duration) -> timedelta:
    """Calendar units as elapsed time (``1d`` = 24 h); working units as the same count of hours/days."""
    size = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "wh": 3600, "wd": 86400}[duration.unit]
    return timedelta(seconds=duration.amount * size)


def build_policy(settings: dict[str, Any]) -> Policy:
    """A Policy from stored settings, defaults filling whatever is missing."""
    raw_calendar = settings.get("calendar")
    # Stored settings were checked by `org apply`; the country is not asked of the library again.
    spec = parse_calendar_spec(raw_calendar, check_country=False) if raw_calendar is not None else None
    has_calendar = spec is not None
    sla_raw = {**DEFAULT_SLA, **(settings.get("sla") or {})}
    sla = {
        priority: Sla(
            ack=parse_duration(
                str(sla_raw[priority]["ack"]), what=f"sla.{priority}.ack", has_calendar=has_calendar
            ),
            resolve=parse_duration(
                str(sla_raw[priority]["resolve"]), what=f"sla.{priority}.resolve", has_calendar=has_calendar
            ),
        )
        for priority in PRIORITIES
    }
    rules_raw = settings.get("escalation") or DEFAULT_ESCALATION
    rules = tuple(
        sorted(
            (
                EscalationRule(
                    parse_duration(
                        str(rule["overdue"]), what="escalation.overdue", has_calendar=has_calendar
                    ),
                    int(rule["level"]),
                )
                for rule in rules_raw
            ),
            key=lambda rule: rule.level,
        )
    )
    feedback = settings.get("feedback") or {}
    return Policy(
        organization=settings.get("organization"),
        timezone=settings.get("timezone"),
        sla=sla,
        escalation=rules,
        min_group=int(feedback.get("min_group", DEFAULT_MIN_GROUP)),
        calendar_spec=spec,
    )


def load_settings(executor: Reader | Session | Connection) -> dict[str, Any]:
    return dict(as_reader(executor).rows(SETTINGS))


def load_policy(executor: Reader | Session | Connection) -> Policy:
    return build_policy(load_settings(executor))
