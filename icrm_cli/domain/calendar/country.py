"""A country's public holidays and make-up workdays, from the ``holidays`` library.

The library's public API is used as documented: ``holidays.country_holidays(code,
years=..., language=..., categories=("public",))`` returns a date -> name mapping
of public holidays, and its ``weekend_workdays`` set holds the weekend days that
are worked instead (China's 调休, e.g. Saturdays 14 and 28 February 2026).

Years are loaded on demand, one library object per year, and cached. A make-up
workday can sit in the year before the holiday it pays for (late December for
the next New Year), so a date is checked against its own year and the next.
Years the library does not cover (before ``start_year`` or after ``end_year``)
simply have no country days: only weekends and company days apply there.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

from icrm_cli.errors import InvalidValueError

DEFAULT_LANGUAGE = "en_US"


@cache
def supported_country(code: str) -> bool:
    """Whether the holidays library knows this ISO 3166 country code (aliases included)."""
    return code in holidays.list_supported_countries(include_aliases=True)


class CountryDays:
    """Public holidays and make-up workdays of one country, loaded year by year."""

    def __init__(self, code: str, *, language: str | None = DEFAULT_LANGUAGE) -> None:
        if not supported_country(code):
            raise InvalidValueError(
                f"calendar.country: {code!r} is not a country the holidays library knows; "
                "use an ISO 3166 code such as CN"
            )
        self.code = code
        probe = holidays.country_holidays(code, years=[])
        supported = set(getattr(probe, "supported_languages", ()) or ())
        self.language = language if language in supported else None
        self.start_year: int = int(getattr(probe, "start_year", 1))
        self.end_year: int = int(getattr(probe, "end_year", 9999))
        self._years: dict[int, holidays.HolidayBase] = {}

    def covers(self, year: int) -> bool:
        """Whether the library has this country's calendar for ``year``."""
        return self.start_year <= year <= self.end_year

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on ``day`` (names joined by '; ' if several), else None."""
        name = self._year(day.year).get(day)
        return None if name is None else str(name)

    def is_makeup_workday(self, day: date) -> bool:
        """Whether ``day`` is a weekend day worked in exchange for a day off (调休)."""
        return any(day in self._year(year).weekend_workdays for year in (day.year, day.year + 1))

    def _year(self, year: int) -> holidays.HolidayBase:
        loaded = self._years.get(year)
        if loaded is None:
            years = [year] if self.covers(year) else []
            loaded = holidays.country_holidays(
                self.code,
                years=years,
                expand=False,
                language=self.language,
                categories=("public",),
            )
            self._years[year] = loaded
        return loaded
