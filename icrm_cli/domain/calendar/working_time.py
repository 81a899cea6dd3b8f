"""The working clock: which days are worked, and working time between instants.

One module computes working time; everything else calls it. Pure logic: no
database, no output. Instants are aware datetimes (results in UTC, as stored);
days and working hours are read in the org's time zone.

Decisions (contract, "Working calendar"):

- W is the working seconds of one workday on the local clock; ``Nwd`` is N x W
  of working time, ``Nwh`` is N hours of it;
- adding working time gives the *earliest* instant at which that much working
  time has passed, so time outside working hours counts from the start of the
  next window and a sum that fills a window exactly ends at the window's end
  (Saturday 23:00 + 1wd = Monday 18:00);
- company days override the country's, which override weekends;
- the work walks day by day over cached day windows, never minute by minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from icrm_cli.domain.calendar.country import DEFAULT_LANGUAGE, CountryDays
from icrm_cli.domain.calendar.durations import Duration
from icrm_cli.domain.calendar.local_time import add_calendar, local_date, localize, require_aware
from icrm_cli.domain.calendar.spec import WEEKDAYS, CalendarSpec, parse_calendar_spec
from icrm_cli.errors import InvalidValueError

DayWhy = Literal[
    "workday", "weekend", "public holiday", "make-up workday", "company holiday", "company workday"
]
Interval = tuple[datetime, datetime]

WORKING_HOURS = "working hours"
NIGHT = "night"
LUNCH_BREAK = "lunch break"
BREAK = "break"
WAITING = "waiting"
_ONE_DAY = timedelta(days=1)
_NO_TIME = timedelta(0)
_MAX_IDLE_DAYS = 3 * 366  # a calendar that never works again is a bug, not a long wait
_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class DayInfo:
    """One local date: worked or not, and why (``calendar show``)."""

    date: date
    workday: bool
    why: DayWhy
    name: str | None = None  # the public holiday's name, if one falls on this date

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    def as_dict(self) -> dict[str, object]:
        """The ``calendar show`` JSON object: keys date, weekday, workday, why, name."""
        return {
            "date": self.date.isoformat(),
            "weekday": self.weekday,
            "workday": self.workday,
            "why": self.why,
            "name": self.name,
        }


@dataclass(frozen=True)
class Stretch:
    """A stretch of time that counted as working time or did not, and why."""

    start: datetime
    end: datetime
    counted: bool
    why: str

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def seconds(self) -> int:
        """Whole seconds (exact for the whole-second instants icrm stores)."""
        return (self.end - self.start) // timedelta(seconds=1)


@dataclass(frozen=True)
class _Day:
    info: DayInfo
    start: datetime  # local midnight, UTC
    end: datetime  # the next local midnight, UTC
    windows: tuple[Interval, ...]  # working windows, UTC, ordered, within [start, end]


class WorkingCalendar:
    """A :class:`CalendarSpec` read in one time zone; caches one entry per local date used."""

    def __init__(self, spec: CalendarSpec, tz: tzinfo, *, language: str | None = DEFAULT_LANGUAGE) -> None:
        self.spec = spec
        self.tz = tz
        self.country = CountryDays(spec.country, language=language) if spec.country else None
        self._days: dict[date, _Day] = {}
        gaps = len(spec.hours) - 1
        self._gap_why = LUNCH_BREAK if gaps == 1 else BREAK

    @classmethod
    def from_mapping(
        cls,
        raw: Mapping[str, object],
        tz: tzinfo,
        *,
        key: str = "calendar",
        language: str | None = DEFAULT_LANGUAGE,
    ) -> WorkingCalendar:
        """Validate an org file's ``calendar:`` mapping and read it in ``tz``."""
        return cls(parse_calendar_spec(raw, key=key), tz, language=language)

    @property
    def workday_seconds(self) -> int:
        """W: the working seconds of one workday (27000 for 09:00-12:00,13:30-18:00)."""
        return self.spec.workday_seconds

    def working_seconds(self, duration: Duration) -> int:
        """The working seconds a ``wd``/``wh`` duration stands for (N x W, N x 3600)."""
        if duration.unit == "wd":
            return duration.amount * self.workday_seconds
        if duration.unit == "wh":
            return duration.amount * 3600
        raise ValueError(f"{duration} is calendar time, not working time")

    # -- days ------------------------------------------------------------------

    def day(self, day: date) -> DayInfo:
        """Whether ``day`` is worked, and why (company days, then the country's, then weekends)."""
        return self._day(day).info

    def days(self, first: date, count: int) -> list[DayInfo]:
        """``count`` consecutive days from ``first`` (``calendar show``)."""
        return [self.day(first + timedelta(days=offset)) for offset in range(count)]

    def windows(self, day: date) -> tuple[Interval, ...]:
        """The working windows of a local date as UTC instants (empty on days off)."""
        return self._day(day).windows

    def _classify(self, day: date) -> DayInfo:
        name = self.country.holiday_name(day) if self.country else None
        if day in self.spec.holidays:
            return DayInfo(day, False, "company holiday", name)
        if day in self.spec.workdays:
            return DayInfo(day, True, "company workday", name)
        if name is not None:
            return DayInfo(day, False, "public holiday", name)
        if self.country and self.country.is_makeup_workday(day):
            return DayInfo(day, True, "make-up workday", None)
        if day.weekday() in self.spec.weekend:
            return DayInfo(day, False, "weekend", None)
        return DayInfo(day, True, "workday", None)

    def _day(self, day: date) -> _Day:
        cached = self._days.get(day)
        if cached is not None:
            return cached
        info = self._classify(day)
        midnight = datetime.combine(day, time.min)
        start = localize(midnight, self.tz, typed=False)
        end = max(start, localize(midnight + _ONE_DAY, self.tz, typed=False))
        windows: list[Interval] = []
        if info.workday:
            floor = start
            for first, last in self.spec.hours:
                begin = max(floor, self._at(midnight, first))
                finish = min(end, max(begin, self._at(midnight, last)))
                if finish > begin:
                    windows.append((begin, finish))
                floor = max(floor, finish)
        if len(self._days) >= _CACHE_LIMIT:
            self._days.clear()
        entry = _Day(info, start, end, tuple(windows))
        self._days[day] = entry
        return entry

    def _at(self, midnight: datetime, seconds: int) -> datetime:
        """A computed local clock time of a day (a gap moves it forward), in UTC."""
        return localize(midnight + timedelta(seconds=seconds), self.tz, typed=False)

    def _walk(self, start: datetime) -> Iterator[_Day]:
        """Local days from the one holding ``start`` onwards."""
        day = local_date(start, self.tz)
        idle = 0
        while True:
            entry = self._day(day)
            idle = 0 if entry.windows else idle + 1
            if idle > _MAX_IDLE_DAYS:
                raise InvalidValueError(
                    f"the working calendar has no working hours for {_MAX_IDLE_DAYS} days after {day}"
                )
            yield entry
            day += _ONE_DAY

    # -- working time ----------------------------------------------------------

    def add_working(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant at which ``seconds`` of working time have passed since ``start``."""
        require_aware(start)
        if seconds < 0:
            raise ValueError(f"cannot add negative working time ({seconds} s)")
        current = start.astimezone(UTC)
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return current
        for entry in self._walk(current):
            for begin, finish in entry.windows:
                if finish <= current:
                    continue
                begin = max(begin, current)
                available = finish - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        raise AssertionError("unreachable: _walk is endless")  # pragma: no cover

    def add(self, start: datetime, duration: Duration) -> datetime:
        """``start`` plus a duration of either kind (working units on this calendar)."""
        if duration.kind == "working":
            return self.add_working(start, self.working_seconds(duration))
        return add_calendar(start, duration.amount, duration.unit, self.tz)

    def working_time_between(self, a: datetime, b: datetime, *, pauses: Iterable[Interval] = ()) -> timedelta:
        """Exact working time in [a, b), minus any in ``pauses`` (zero when b <= a)."""
        require_aware(a)
        require_aware(b)
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b <= a:
            return _NO_TIME
        total = self._between(a, b)
        for begin, finish in _merge(pauses, a, b):
            total -= self._between(begin, finish)
        return total

    def working_seconds_between(self, a: datetime, b: datetime, *, pauses: Iterable[Interval] = ()) -> int:
        """Whole working seconds in [a, b) (minus ``pauses``); 0 when b <= a."""
        return self.working_time_between(a, b, pauses=pauses) // timedelta(seconds=1)

    def _between(self, a: datetime, b: datetime) -> timedelta:
        total = _NO_TIME
        for entry in self._walk(a):
            if entry.start >= b:
                break
            for begin, finish in entry.windows:
                low, high = max(begin, a), min(finish, b)
                if high > low:
                    total += high - low
        return total

    def stretches(
        self, a: datetime, b: datetime, *, pauses: Iterable[Interval] = (), pause_why: str = WAITING
    ) -> list[Stretch]:
        """[a, b) cut into stretches that counted as working time or did not, and why.

        Neighbours with the same reason are merged. Time inside ``pauses``
        (waiting) never counts and says ``pause_why``. The counted seconds add
        up to :meth:`working_seconds_between` with the same pauses.
        """
        require_aware(a)
        require_aware(b)
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b <= a:
            return []
        pieces: list[Stretch] = []
        for entry in self._walk(a):
            if entry.start >= b:
                break
            for piece in self._pieces(entry):
                low, high = max(piece.start, a), min(piece.end, b)
                if high > low:
                    pieces.append(Stretch(low, high, piece.counted, piece.why))
        return _merge_neighbours(_apply_pauses(pieces, _merge(pauses, a, b), pause_why))

    def _pieces(self, entry: _Day) -> list[Stretch]:
        info = entry.info
        if not entry.windows:
            return [Stretch(entry.start, entry.end, False, _day_off_why(info))]
        counted = WORKING_HOURS if info.why == "workday" else f"{WORKING_HOURS} ({info.why})"
        pieces: list[Stretch] = []
        previous = entry.start
        for index, (begin, finish) in enumerate(entry.windows):
            if begin > previous:
                pieces.append(Stretch(previous, begin, False, NIGHT if index == 0 else self._gap_why))
            pieces.append(Stretch(begin, finish, True, counted))
            previous = finish
        if entry.end > previous:
            pieces.append(Stretch(previous, entry.end, False, NIGHT))
        return pieces


def add_duration(
    start: datetime,
    duration: Duration,
    tz: tzinfo,
    calendar: WorkingCalendar | None = None,
    *,
    what: str = "duration",
) -> datetime:
    """``start`` plus ``duration``: working units on ``calendar``, calendar units in ``tz``.

    Working units without a calendar are an error naming ``what``.
    """
    if duration.kind == "working":
        if calendar is None:
            raise InvalidValueError(
                f"invalid {what} {str(duration)!r}: working units (wh, wd) need a 'calendar' "
                "section in the org file"
            )
        return calendar.add(start, duration)
    return add_calendar(start, duration.amount, duration.unit, tz)


def _day_off_why(info: DayInfo) -> str:
    if info.why == "public holiday" and info.name:
        return info.name
    return info.why


def _merge(intervals: Iterable[Interval], low: datetime, high: datetime) -> list[Interval]:
    """Intervals clipped to [low, high), sorted, overlapping and touching ones joined."""
    clipped = sorted(
        (max(begin.astimezone(UTC), low), min(finish.astimezone(UTC), high)) for begin, finish in intervals
    )
    merged: list[Interval] = []
    for begin, finish in clipped:
        if finish <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def _apply_pauses(pieces: Sequence[Stretch], pauses: Sequence[Interval], why: str) -> list[Stretch]:
    """Pieces with the parts inside pauses replaced by uncounted ``why`` stretches."""
    if not pauses:
        return list(pieces)
    result: list[Stretch] = []
    for piece in pieces:
        cursor = piece.start
        for begin, finish in pauses:
            if finish <= cursor or begin >= piece.end:
                continue
            if begin > cursor:
                result.append(Stretch(cursor, begin, piece.counted, piece.why))
            cursor = min(finish, piece.end)
            result.append(Stretch(max(begin, piece.start), cursor, False, why))
        if cursor < piece.end:
            result.append(Stretch(cursor, piece.end, piece.counted, piece.why))
    return result


def _merge_neighbours(pieces: Sequence[Stretch]) -> list[Stretch]:
    merged: list[Stretch] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last and last.end == piece.start and (last.counted, last.why) == (piece.counted, piece.why):
            merged[-1] = Stretch(last.start, piece.end, last.counted, last.why)
        else:
            merged.append(piece)
    return merged
