"""Working days from a real holiday calendar: what "2 working days before the due date", "overdue more than 3
working days" and "not confirmed within 1 working day" count.

Why not `weekday() < 5`
-----------------------
Quorum chases people, so counting the wrong days is visible at once. With a Monday-to-Friday rule:

* China's Golden Week (2026-10-01..07) would count five "working days" nobody works: an item due on
  2026-09-30 would be escalated as overdue on 2026-10-06, in the middle of the holiday.
* China moves weekends to make holidays longer (调休): 2026-09-20 (a Sunday) and 2026-10-10 (a Saturday) are
  ordinary working days, and people there expect the bot to count them and to remind on them.
* US and European teams get reminders on Thanksgiving or Christmas, and escalations that ignore them.

Sources
-------
* ``CN``: ``chinese_calendar``, which carries the State Council's yearly arrangement (holidays *and* make-up
  workdays), for the years it has data for (chinesecalendar 1.11.0: 2004-2026; outside them it raises
  NotImplementedError). The range is read from the installed package, so upgrading it extends it.
* ``CN`` outside that range (e.g. 2027 due dates while the 2027 arrangement is not yet in the package): the
  ``holidays`` package's CN calendar. For those years it has the statutory holidays (元旦, 春节 with 除夕,
  清明, 劳动节 May 1-2, 端午, 中秋, 国庆 Oct 1-3), moves the ones falling on Sat/Sun to the next weekday, and
  applies any make-up workdays it knows (none for 2027 in holidays 0.109). So the week-long breaks come
  out shorter than the arrangement the State Council will publish, and no weekend counts as a workday, but
  every statutory holiday is a day off. This is decided once per year and logged at DEBUG only.
* Any other code the ``holidays`` package supports (``US``, ``DE``, ``GB``, ``JP``, also alpha-3 such as
  ``DEU``): its national public holidays (no state or province ones) and the country's own weekend days.
* ``NONE``: Saturday and Sunday off, nothing else.
* A year a calendar cannot compute (the library raises for it): Saturday and Sunday off, logged once at
  WARNING, so a date far ahead or behind never crashes a reminder or a digest.

Holidays, not weekends
----------------------
`is_holiday` is a day off that falls on one of the country's ordinary working weekdays (a public holiday,
not a weekend). The weekly digest moves off holidays (`bot.followup`) but stays on a weekend a channel's
crontab names on purpose.

Speed
-----
A digest may ask about 100k items. Each (country, year) is computed once (``functools.lru_cache``) into a
frozenset and a sorted tuple of that year's working days: `is_workday` is one set lookup; `add_workdays`
and `workdays_between` bisect into the sorted tuples, one step per calendar year touched, however large n
or the span. No library object is built per call.

Dates, not datetimes: "which day is it" depends on the team's timezone, so callers convert first
(``moment.astimezone(tz).date()``); a datetime is refused rather than silently cut to its UTC date.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from calendar import isleap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

import chinese_calendar  # type: ignore[import-untyped]
import holidays

NO_HOLIDAYS = "NONE"

_log = logging.getLogger(__name__)

# chinese_calendar validates against exactly this range (min/max year of its holiday table).
_CN_OFFICIAL_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


class _Year(NamedTuple):
    workdays: frozenset[date]
    ordered: tuple[date, ...]


def _monday_to_friday(day: date) -> bool:
    return day.weekday() < 5


def _cn_official(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))


def _workday_rule(country: str, year: int) -> Callable[[date], bool]:
    if country == NO_HOLIDAYS:
        return _monday_to_friday
    if country == "CN":
        if year in _CN_OFFICIAL_YEARS:
            return _cn_official
        _log.debug(
            "chinese_calendar has no data for %d (it covers %d-%d); using the holidays package's CN calendar",
            year,
            _CN_OFFICIAL_YEARS.start,
            _CN_OFFICIAL_YEARS.stop - 1,
        )
    return holidays.country_holidays(country, years=year).is_working_day


@lru_cache(maxsize=512)
def _year(country: str, year: int) -> _Year:
    """The working days of `year` for a validated `country` code, built once per (country, year)."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=offset) for offset in range(366 if isleap(year) else 365)]
    try:
        is_workday = _workday_rule(country, year)
        ordered = tuple(day for day in days if is_workday(day))
    except (NotImplementedError, ValueError, KeyError, OverflowError) as exc:
        _log.warning("no %s holiday calendar for %d (%s); counting Saturday and Sunday off only", country, year, exc)
        ordered = tuple(day for day in days if _monday_to_friday(day))
    return _Year(frozenset(ordered), ordered)


@cache
def _weekend(country: str) -> frozenset[int]:
    """The country's ordinary weekend days (Monday = 0); Saturday and Sunday when unknown."""
    if country == NO_HOLIDAYS:
        return frozenset({5, 6})
    try:
        return frozenset(holidays.country_holidays(country).weekend)
    except (NotImplementedError, ValueError, KeyError):
        return frozenset({5, 6})


def _require_date(day: date) -> None:
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, got the datetime {day!r}; pass moment.astimezone(team_tz).date()")


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Working days for one QUORUM_HOLIDAYS code (NONE or a holidays-package code); get it from `calendar_for`."""

    country: str

    def __post_init__(self) -> None:
        if self.country != NO_HOLIDAYS and self.country not in holidays.list_supported_countries():
            raise ValueError(
                f"unknown holiday calendar {self.country!r}: set QUORUM_HOLIDAYS to a country code the holidays "
                f"package supports (ISO 3166 alpha-2 such as CN, US, DE, GB, JP, or alpha-3 such as DEU; "
                f"the list is holidays.list_supported_countries()), or to {NO_HOLIDAYS} for Sat/Sun weekends only"
            )

    def is_workday(self, day: date) -> bool:
        """Whether people work on `day` (make-up weekend days count, holidays do not)."""
        _require_date(day)
        return day in _year(self.country, day.year).workdays

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is a public holiday: off, though an ordinary weekday for the country (a weekend is
        not a holiday; a make-up workday is neither)."""
        return not self.is_workday(day) and day.weekday() not in _weekend(self.country)

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n > 0) or before it (n < 0); for n == 0, `day` itself if it is a
        working day, else the next one. `day` need not be a working day."""
        _require_date(day)
        if n == 0:
            return day if self.is_workday(day) else self.add_workdays(day, 1)
        year = day.year
        if n > 0:
            ordered = _year(self.country, year).ordered
            position = bisect_right(ordered, day)  # the first working day after `day`
            while position + n > len(ordered):
                n -= len(ordered) - position
                year += 1
                ordered = _year(self.country, year).ordered
                position = 0
            return ordered[position + n - 1]
        ordered = _year(self.country, year).ordered
        before = bisect_left(ordered, day)  # working days before `day` in its year
        while before < -n:
            n += before
            year -= 1
            ordered = _year(self.country, year).ordered
            before = len(ordered)
        return ordered[before + n]

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]: `end` counts, `start` does not; 0 if end <= start.
        E.g. an item due `start` is `workdays_between(start, today)` working days overdue."""
        _require_date(start)
        _require_date(end)
        if end <= start:
            return 0
        count = 0
        for year in range(start.year, end.year + 1):
            ordered = _year(self.country, year).ordered
            count += bisect_right(ordered, end) - bisect_right(ordered, start)
        return count


def calendar_for(country: str) -> WorkCalendar:
    """The calendar for a QUORUM_HOLIDAYS value (case and surrounding spaces ignored), one instance per code.

    Raises ValueError, saying how to write it, for a code neither NONE nor known to the holidays package."""
    return _calendar_for(country.strip().upper())


@cache
def _calendar_for(code: str) -> WorkCalendar:
    return WorkCalendar(code)
