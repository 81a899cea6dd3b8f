"""The working calendar (issue 14): working days, working hours and working time.

One place computes working time; services call it, nothing here touches the
database or prints. Typical use::

    spec = parse_calendar_spec(org["calendar"])            # CalendarSpecError lists problems
    calendar = WorkingCalendar(spec, ZoneInfo("Asia/Shanghai"))
    due = add_duration(created, parse_duration("3wd", what="sla.high.resolve"), zone, calendar)
    calendar.working_seconds_between(created, now)
    calendar.stretches(created, min(due, now), pauses=waits)
"""

from icrm_cli.domain.calendar.country import CountryDays, supported_country
from icrm_cli.domain.calendar.durations import Duration, Kind, Unit, parse_duration
from icrm_cli.domain.calendar.local_time import (
    NonexistentTimeError,
    add_calendar,
    gap_around,
    local_date,
    localize,
)
from icrm_cli.domain.calendar.spec import CalendarSpec, CalendarSpecError, parse_calendar_spec, parse_hours
from icrm_cli.domain.calendar.working_time import (
    DayInfo,
    Stretch,
    WorkingCalendar,
    add_duration,
)

__all__ = [
    "CalendarSpec",
    "CalendarSpecError",
    "CountryDays",
    "DayInfo",
    "Duration",
    "Kind",
    "NonexistentTimeError",
    "Stretch",
    "Unit",
    "WorkingCalendar",
    "add_calendar",
    "add_duration",
    "gap_around",
    "local_date",
    "localize",
    "parse_calendar_spec",
    "parse_duration",
    "parse_hours",
    "supported_country",
]
