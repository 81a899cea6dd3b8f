"""``icrm calendar show``: the org's working calendar, day by day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icrm_cli.errors import InvalidValueError

if TYPE_CHECKING:
    from icrm_cli.domain.org.settings import Policy

NO_CALENDAR = (
    "the org has no working calendar: add a 'calendar' section to the org file "
    "(see docs/calendar.md) and run 'icrm org apply'"
)


def calendar_days(policy: Policy, start: str | None, count: int) -> list[dict[str, Any]]:
    """``count`` days from ``start`` (a date or time form; default today): the JSON objects
    ``{date, weekday, workday, why, name}``."""
    calendar = policy.calendar
    if calendar is None:
        raise InvalidValueError(NO_CALENDAR)
    if not 1 <= count <= 366:
        raise InvalidValueError(f"invalid --days {count}: expected 1 to 366")
    clock = policy.clock
    first = clock.local(clock.parse(start, what="--from")).date() if start else clock.today()
    return [day.as_dict() for day in calendar.days(first, count)]
