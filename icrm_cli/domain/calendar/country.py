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

The library is imported, and the country loaded, only when a day is first asked
about: loading a country costs 0.1-0.2 s (the library imports every country's
module), which commands that never compute working time (``request list``,
``report weekly`` from stored working seconds) should not pay.
"""

from __future__ import annotations

from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING

from icrm_cli.errors import InvalidValueError

if TYPE_CHECKING:
    import holidays

DEFAULT_LANGUAGE = "en_US"


@cache
def supported_country(code: str) -> bool:
    """Whether the holidays library knows this ISO 3166 country code (aliases included)."""
    import holidays

    return code in holidays.list_supported_countries(include_aliases=True)


class CountryDays:
    """Public holidays and make-up workdays of one country, loaded year by year."""

    def __init__(self, code: str, *, language: str | None = DEFAULT_LANGUAGE) -> None:
        self.code = code
        self.wanted_language = language
        self._years: dict[int, holidays.HolidayBase] = {}

    @cached_property
    def _probe(self) -> holidays.HolidayBase:
        """The library's calendar of this country for no year: its languages and years covered."""
        import holidays

        if not supported_country(self.code):
            raise InvalidValueError(
                f"calendar.country: {self.code!r} is not a country the holidays library knows; "
                "use an ISO 3166 code such as CN"
            )
        return holidays.country_holidays(self.code, years=[])

    @cached_property
    def language(self) -> str | None:
        supported = set(getattr(self._probe, "supported_languages", ()) or ())
        return self.wanted_language if self.wanted_language in supported else None

    @cached_property
    def start_year(self) -> int:
        return int(getattr(self._probe, "start_year", 1))

    @cached_property
    def end_year(self) -> int:
        return int(getattr(self._probe, "end_year", 9999))

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
            import holidays

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
