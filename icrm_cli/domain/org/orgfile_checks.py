"""The org file's checks across keys, after each key passed its own: references between
departments and people, parent cycles, where heads sit, identities, units and their order."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from icrm_cli.domain.calendar import (
    CalendarSpec,
    CalendarSpecError,
    Duration,
    parse_calendar_spec,
    parse_duration,
)
from icrm_cli.domain.org.settings import nominal
from icrm_cli.errors import InvalidValueError
from icrm_cli.timeutil import zone_from_name

if TYPE_CHECKING:
    from icrm_cli.domain.org.orgfile import OrgSpec


def cross_check(spec: OrgSpec) -> list[str]:
    """Problems that span keys: references, cycles, placement, units and their order."""
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
    problems += _head_placement(spec, parents) + _access_names(spec)
    calendar: CalendarSpec | None = None
    if spec.calendar is not None:
        try:
            calendar = parse_calendar_spec(spec.calendar)
        except CalendarSpecError as exc:
            problems += exc.lines()
    units = _unit_problems(spec)
    problems += units
    if not units and (calendar is not None or spec.calendar is None):
        workday = calendar.workday_seconds if calendar is not None else 0
        problems += _sla_order(spec, workday) + _escalation_order(spec, workday)
    if spec.timezone:
        try:
            zone_from_name(spec.timezone)
        except InvalidValueError as exc:
            problems.append(f"timezone: {exc}")
    return problems


def _head_placement(spec: OrgSpec, parents: dict[str, str | None]) -> list[str]:
    """A head belongs to the department or to one above it (a head of several leads them from above)."""
    home = {person.id: person.department for person in spec.people}
    problems = []
    for index, dept in enumerate(spec.departments):
        allowed: list[str] = []
        seen: set[str] = set()
        node: str | None = dept.code
        while node is not None and node not in seen:
            seen.add(node)
            allowed.append(node)
            node = parents.get(node)
        where = home.get(dept.head)
        if where is not None and where not in allowed:
            problems.append(
                f"departments[{index}] ({dept.code}).head: {dept.head!r} belongs to {where}, "
                f"not to {dept.code} or a department above it ({', '.join(allowed[1:]) or 'none'})"
            )
    return problems


def _access_names(spec: OrgSpec) -> list[str]:
    """Admins are people; ids, logins and service names each name one identity."""
    problems: list[str] = []
    ids = {person.id for person in spec.people}
    admins = spec.access.admins if spec.access is not None else None
    services = spec.access.services if spec.access is not None else []
    for admin in admins or []:
        if admin not in ids:
            problems.append(f"access.admins: {admin!r} is not listed under people")
    owner: dict[str, str] = {person.id: f"person {person.id}" for person in spec.people}
    for index, person in enumerate(spec.people):
        if person.login and person.login != person.id:
            taken = owner.get(person.login)
            if taken is not None:
                problems.append(f"people[{index}] ({person.id}).login: {person.login!r} is also {taken}")
            owner[person.login] = f"the login of {person.id}"
    for service in services:
        taken = owner.get(service)
        if taken is not None:
            problems.append(f"access.services: {service!r} is also {taken}")
        owner[service] = f"service {service}"
    return problems


def _unit_problems(spec: OrgSpec) -> list[str]:
    """Working units need a calendar; each ack/resolve pair and the escalation list keep to one kind."""
    has_calendar = spec.calendar is not None
    problems: list[str] = []
    durations: list[tuple[str, str]] = []
    for priority, sla in (spec.sla or {}).items():
        durations += [(f"sla.{priority}.ack", sla.ack), (f"sla.{priority}.resolve", sla.resolve)]
    durations += [
        (f"escalation[{index}].overdue", rule.overdue) for index, rule in enumerate(spec.escalation or [])
    ]
    for where, text in durations:
        try:
            parse_duration(text, what=where, has_calendar=has_calendar)
        except InvalidValueError as exc:
            problems.append(str(exc))  # names the key: "invalid sla.high.resolve '3wd': ..."
    if problems:
        return problems
    for priority, sla in (spec.sla or {}).items():
        if _kind(sla.ack) != _kind(sla.resolve):
            problems.append(
                f"sla.{priority}: ack ({sla.ack}) and resolve ({sla.resolve}) mix working units (wh, wd) "
                "and calendar units (m, h, d, w); write both in one kind"
            )
    kinds = {_kind(rule.overdue) for rule in spec.escalation or []}
    if len(kinds) > 1:
        shown = ", ".join(rule.overdue for rule in spec.escalation or [])
        problems.append(
            f"escalation: the rules mix working units (wh, wd) and calendar units (m, h, d, w) ({shown}); "
            "write them all in one kind"
        )
    return problems


def _kind(text: str) -> str:
    return parse_duration(text).kind


def _span(text: str, workday_seconds: int) -> int:
    """A duration's length for ordering rules of one kind: working seconds, or nominal seconds."""
    duration: Duration = parse_duration(text)
    if duration.unit == "wd":
        return duration.amount * workday_seconds
    return int(nominal(duration).total_seconds())


def _sla_order(spec: OrgSpec, workday: int) -> list[str]:
    problems = []
    for priority, sla in (spec.sla or {}).items():
        if _span(sla.ack, workday) > _span(sla.resolve, workday):
            problems.append(
                f"sla.{priority}: ack ({sla.ack}) is longer than resolve ({sla.resolve}); "
                "acknowledging comes first"
            )
    return problems


def _escalation_order(spec: OrgSpec, workday: int) -> list[str]:
    rules = sorted(enumerate(spec.escalation or []), key=lambda item: item[1].level)
    problems = []
    for (_, lower), (index, higher) in pairwise(rules):
        if higher.level == lower.level:
            problems.append(f"escalation[{index}]: level {higher.level} is given twice")
        elif _span(higher.overdue, workday) <= _span(lower.overdue, workday):
            problems.append(
                f"escalation[{index}].overdue: level {higher.level} at {higher.overdue} overdue must come "
                f"later than level {lower.level} at {lower.overdue}"
            )
    return problems
