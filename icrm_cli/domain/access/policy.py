"""Who may do what: the whole rules table of "Identity and permissions" in one place.

Every command that writes asks :func:`require` before it writes. In ``enforced``
mode (the default) a refusal is one line, ``permission denied: <who> cannot
<action> <object>; <who may>``, and nothing is written. ``mode: open`` turns the
who-may rules and the separation of duties off; the integrity rules
(:func:`check_request_sides`, :func:`check_transfer`, :func:`check_owner`) hold
in every mode, for everyone.

"Members of D" are the people of D and the heads of D and of every department
above it; admins may do everything in the table, services only the unattended
jobs; a login outside the org file and a deactivated person only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from icrm_cli.domain.access.org import AccessOrg, load_access_org
from icrm_cli.errors import InvalidValueError, PermissionDeniedError

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Facts:
    """What a rule looks at: the object and its sides (department codes, person ids)."""

    object: str
    customer: str | None = None
    supplier: str | None = None
    owner: str | None = None
    requester: str | None = None
    resolver: str | None = None
    organizer: str | None = None
    departments: tuple[str, ...] = ()
    must_act: tuple[str, ...] = ()
    later: bool = False  # a due time moved later
    lowers: bool = False  # a priority lowered
    rates: bool = False  # a score or a complaint about the supplier
    customers: tuple[str, ...] = field(default=())  # survey import: every row's customer


Check = Callable[[AccessOrg, str, Facts], bool]


def _customer_side(org: AccessOrg, person: str, facts: Facts) -> bool:
    return person == facts.requester or org.is_member(person, facts.customer or "")


def _supplier_side(org: AccessOrg, person: str, facts: Facts) -> bool:
    return person == facts.owner or org.is_member(person, facts.supplier or "")


def _either_side(org: AccessOrg, person: str, facts: Facts) -> bool:
    return _customer_side(org, person, facts) or _supplier_side(org, person, facts)


def _customer_members(org: AccessOrg, person: str, facts: Facts) -> bool:
    return org.is_member(person, facts.customer or "")


def _supplier_members(org: AccessOrg, person: str, facts: Facts) -> bool:
    return org.is_member(person, facts.supplier or "")


def _meeting_side(org: AccessOrg, person: str, facts: Facts) -> bool:
    return person == facts.organizer or any(org.is_member(person, code) for code in facts.departments)


def _must_act(org: AccessOrg, person: str, facts: Facts) -> bool:
    return person in facts.must_act


def _every_customer(org: AccessOrg, person: str, facts: Facts) -> bool:
    return all(org.is_member(person, code) for code in facts.customers)


def _admins_only(org: AccessOrg, person: str, facts: Facts) -> bool:
    return False  # admins pass before the rule is asked


def _anyone_known(org: AccessOrg, person: str, facts: Facts) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One row: what is refused (``doing``), who may (``who_may``) and the test."""

    doing: str
    who_may: str
    allowed: Check


_SUPPLIER = "the supplier side ({supplier}) {verb}"
_CUSTOMER = "the customer side ({customer}) {verb}"
_MEETING = "the organizer ({organizer}) or an attending department ({departments}) does"


def _supplier_rule(doing: str, verb: str) -> Rule:
    return Rule(doing, _SUPPLIER.replace("{verb}", verb), _supplier_side)


def _customer_rule(doing: str, verb: str) -> Rule:
    return Rule(doing, _CUSTOMER.replace("{verb}", verb), _customer_side)


RULES: dict[str, Rule] = {
    "request new": Rule("file {object}", "members of {customer} file its requests", _customer_members),
    "request ack": _supplier_rule("acknowledge {object}", "acknowledges"),
    "request start": _supplier_rule("start {object}", "starts work"),
    "request wait": _supplier_rule("put {object} on hold", "waits on the customer"),
    "request resume": _supplier_rule("resume {object}", "resumes"),
    "request resolve": _supplier_rule("resolve {object}", "resolves"),
    "request reject": _supplier_rule("reject {object}", "rejects"),
    "request transfer": _supplier_rule("transfer {object}", "transfers"),
    "request assign": _supplier_rule("assign {object}", "assigns"),
    "request due": Rule(
        "move the due time of {object}",
        "either side ({sides}) moves it earlier, the customer side ({customer}) later",
        _either_side,
    ),
    "request close": _customer_rule("close {object}", "confirms"),
    "request unachievable": _customer_rule("close out {object}", "closes it out"),
    "request reopen": _customer_rule("reopen {object}", "reopens"),
    "request cancel": _customer_rule("cancel {object}", "withdraws"),
    "request comment": Rule("comment on {object}", "either side ({sides}) comments", _either_side),
    "request edit": _customer_rule("edit {object}", "edits its title and description"),
    "request edit priority": Rule(
        "change the priority of {object}", "either side ({sides}) changes it", _either_side
    ),
    "escalate open": Rule("escalate {object}", "either side ({sides}) escalates", _either_side),
    "escalate raise": Rule("raise {object}", "either side ({sides}) raises it", _either_side),
    "escalate resolve": Rule(
        "resolve {object}", "who must act now ({must_act}) or an admin decides", _must_act
    ),
    "feedback give": Rule(
        "give feedback from {customer}", "members of {customer} give its feedback", _customer_members
    ),
    "feedback respond": _supplier_rule("respond to {object}", "responds"),
    "feedback close": Rule("close {object}", "the complaining side ({customer}) closes it", _customer_side),
    "feedback survey import": Rule(
        "import {object}",
        "an admin or members of every row's customer ({customers}) imports them",
        _every_customer,
    ),
    "meeting new": Rule("organize {object}", "any active person of the org file organizes", _anyone_known),
    "meeting minutes": Rule("record the minutes of {object}", _MEETING, _meeting_side),
    "meeting action": Rule("add an action item to {object}", _MEETING, _meeting_side),
    "meeting attend": Rule("record attendance of {object}", _MEETING, _meeting_side),
    "meeting cancel": Rule("cancel {object}", _MEETING, _meeting_side),
    "meeting edit": Rule("edit {object}", _MEETING, _meeting_side),
    "org apply": Rule("apply {object}", "an admin ({admins}) does", _admins_only),
    "db copy": Rule("copy {object}", "an admin ({admins}) does", _admins_only),
    "db backup": Rule("back up {object}", "an admin ({admins}) does", _admins_only),
    "escalate sweep": Rule("sweep {object}", "anyone in the org file and services do", _anyone_known),
    "feedback survey start": Rule("start {object}", "anyone in the org file and services do", _anyone_known),
    "notify": Rule("send {object}", "anyone in the org file and services do", _anyone_known),
}

# The unattended jobs: the only writes a service login may run.
JOBS = frozenset({"escalate sweep", "feedback survey start", "notify"})
SERVICE_RULE = "services run only the unattended jobs (sweep, remind, notify, survey start, reports)"
OUTSIDE_RULE = "a login outside the org file only reads"
DEACTIVATED_RULE = "a deactivated person only reads"


def describe(org: AccessOrg, actor: str) -> str:
    """``褚云 (chu.yun, FIN)``; ``cron (service)``; ``bob (not in the org file)``."""
    person = org.person(actor)
    if person is not None:
        retired = "" if person.active else ", deactivated"
        return f"{person.name} ({person.id}, {person.department}{retired})"
    if actor in org.services:
        return f"{actor} (service)"
    return f"{actor} (not in the org file)"


def _names(values: Iterable[str | None]) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v)) or "none"


def _fill(template: str, org: AccessOrg, facts: Facts) -> str:
    return template.format(
        object=facts.object,
        customer=facts.customer or "?",
        supplier=facts.supplier or "?",
        sides=_names((facts.customer, facts.supplier)),
        organizer=facts.organizer or "none",
        departments=_names(facts.departments),
        must_act=_names(facts.must_act),
        customers=_names(facts.customers),
        admins=_names(sorted(org.admins)),
    )


def _separation(org: AccessOrg, person: str, action: str, facts: Facts) -> str | None:
    """Separation of duties (admins included): the who-may line of a refusal, or None."""
    if action == "request close" and facts.resolver == person:
        return "the person who resolved it does not confirm it; someone else of the customer side confirms"
    if action == "request due" and facts.later and not _customer_side(org, person, facts):
        return f"only the customer side ({facts.customer}) moves a due time later"
    if action == "request edit priority" and facts.lowers and not _customer_side(org, person, facts):
        return f"only the customer side ({facts.customer}) lowers a priority"
    if action == "feedback give" and facts.rates and org.is_member(person, facts.supplier or ""):
        return f"nobody rates or complains about a department they belong to or head ({facts.supplier})"
    return None


def refusal(session: Session, actor: str, action: str, facts: Facts) -> PermissionDeniedError | None:
    """The refusal for ``actor`` doing ``action``, or None when it is allowed."""
    org = load_access_org(session)
    if not org.enforced:
        return None
    rule = RULES[action]
    doing = _fill(rule.doing, org, facts)
    who = describe(org, actor)
    person = org.person(actor)
    if person is None:
        if action == "org apply" and org.empty:
            return None  # the first org apply on an empty database: anyone
        if actor in org.services:
            return None if action in JOBS else PermissionDeniedError(who, doing, SERVICE_RULE)
        return PermissionDeniedError(who, doing, OUTSIDE_RULE)
    if not person.active:
        return PermissionDeniedError(who, doing, DEACTIVATED_RULE)
    if person.id not in org.admins and not rule.allowed(org, person.id, facts):
        return PermissionDeniedError(who, doing, _fill(rule.who_may, org, facts))
    separated = _separation(org, person.id, action, facts)
    return PermissionDeniedError(who, doing, separated) if separated else None


def require(session: Session, actor: str, action: str, facts: Facts) -> None:
    """Raise the refusal for ``actor`` doing ``action`` (see :data:`RULES`), if any."""
    denied = refusal(session, actor, action, facts)
    if denied is not None:
        raise denied


def is_admin(session: Session, actor: str) -> bool:
    """An active admin of the org file (in enforced mode; in open mode everyone counts as one)."""
    org = load_access_org(session)
    person = org.person(actor)
    return not org.enforced or (person is not None and person.active and person.id in org.admins)


# Privacy: who gave a score.

RATED = "rating"  # survey answers are recorded as ratings too


def rater_scope(session: Session, viewer: str) -> tuple[bool, str | None]:
    """``(sees every rater, the viewer's department)``: in enforced mode who gave a score is shown
    only to that person's own department and to admins."""
    org = load_access_org(session)
    person = org.person(viewer)
    if not org.enforced or (person is not None and person.active and person.id in org.admins):
        return True, None
    return False, person.department if person is not None else None


def rater_filter(session: Session, viewer: str) -> Callable[[str | None, str | None], bool]:
    """``visible(kind, author)``: whether ``viewer`` may see who gave this feedback."""
    everyone, department = rater_scope(session, viewer)
    org = load_access_org(session)

    def visible(kind: str | None, author: str | None) -> bool:
        if everyone or kind != RATED or author is None:
            return True
        person = org.people.get(author)
        return person is not None and department is not None and person.department == department

    return visible


# Integrity rules: every mode, everyone (admins included).


def check_request_sides(customer: str, supplier: str, *, meeting_item: bool = False) -> None:
    """No request from a department to itself (a meeting's action item may stay inside one)."""
    if customer == supplier and not meeting_item:
        raise InvalidValueError(
            f"a request goes from one department to another, not from {customer} to itself"
        )


def check_transfer(request_id: int | None, customer: str, target: str) -> None:
    """No transfer back to the customer."""
    if target == customer:
        raise InvalidValueError(
            f"cannot transfer request #{request_id} back to its customer {customer}; "
            "the customer cancels it instead"
        )


def check_owner(session: Session, owner: str, supplier: str) -> None:
    """An owner is a member of the supplier."""
    org = load_access_org(session)
    if not org.is_member(owner, supplier):
        person = org.people.get(owner)
        where = f"belongs to {person.department}" if person else "is not in the org file"
        raise InvalidValueError(f"owner {owner} {where}; an owner is a member of the supplier {supplier}")
