"""The arithmetic of repeating meetings: which dates a rule gives, and where public holidays move them.

The rule's own dates come from python-dateutil's `rrule` (weekly with an interval, the nth weekday of a
month), which is well kept and handles month lengths and "every other week" exactly; this module adds only
what rrule cannot know: the working-day calendar (`bot.workdays`, with China's make-up workdays).

- `workdays` (`every weekday`, `工作日每天`) is every working day of the calendar: a make-up Saturday has a
  meeting, a holiday has none (there is nothing to move).
- `weekly` / `monthly`: a date that is not a working day is moved to the next working day, or skipped, as
  the series says. A moved occurrence never reaches the series' next date (it is skipped instead), so two
  occurrences never fall on one day and the order never changes. A series on a Saturday or Sunday is
  held on its day: only working days' holidays move meetings.

Everything is bounded: a plan stops at the series' count, its end date, the caller's horizon, and at
`MAX_SCAN` rule dates whatever they say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil import rrule

from bot.command_types import Repeat
from bot.workdays import WorkCalendar

MAX_SCAN = 3000  # rule dates looked at in one plan, at most (a weekday series for ten years is ~2,600)
MAX_OCCURRENCES = 500  # a series with an end may have at most this many occurrences


@dataclass(frozen=True)
class Occurrence:
    """One place in a series: its index (1-based), the rule's date, and the day it happens (None: skipped)."""

    index: int
    planned: date
    day: date | None

    @property
    def moved(self) -> bool:
        return self.day is not None and self.day != self.planned


def rule_dates(rule: Repeat, first: date) -> rrule.rrule:
    """The rule's own dates from `first` on (its anchor), before holidays and ends (both applied by `plan`)."""
    start = datetime.combine(first, time())
    if rule.freq == "workdays":
        return rrule.rrule(rrule.DAILY, dtstart=start)
    assert rule.weekday is not None
    if rule.freq == "weekly":
        return rrule.rrule(rrule.WEEKLY, dtstart=start, interval=rule.interval, byweekday=rule.weekday)
    return rrule.rrule(rrule.MONTHLY, dtstart=start, interval=rule.interval,
                       byweekday=rrule.weekday(rule.weekday)(rule.nth or 1))


def first_date(rule: Repeat, now: datetime) -> date:
    """The anchor: the first date of the rule whose meeting time (in `now`'s timezone) is still ahead."""
    assert now.tzinfo is not None
    today = now.date()
    start_today = datetime.combine(today, rule.at, tzinfo=now.tzinfo) > now
    dtstart = today if start_today else today + timedelta(days=1)
    probe = rule_dates(Repeat(rule.freq, rule.at, 1, rule.weekday, rule.nth), dtstart)
    found = probe.after(datetime.combine(dtstart, time()), inc=True)
    assert found is not None
    return found.date()


def plan(rule: Repeat, first: date, calendar: WorkCalendar, *, until: date | None = None,
         stop_after: int | None = None, limit: int = MAX_OCCURRENCES) -> list[Occurrence]:
    """The series' occurrences from its anchor, at most `limit`, none after `until` (the caller's horizon, as
    well as the series' own end), counted the way `10 times` counts: a skipped date is one of the ten."""
    last = min((d for d in (until, rule.until) if d is not None), default=None)
    cap = min(n for n in (limit, rule.count, stop_after, MAX_OCCURRENCES) if n is not None)
    raw = [d.date() for d in islice(rule_dates(rule, first), MAX_SCAN)]
    out: list[Occurrence] = []
    for i, day in enumerate(raw):
        if len(out) >= cap or (last is not None and day > last):
            break
        if rule.freq == "workdays":
            if calendar.is_workday(day):
                out.append(Occurrence(len(out) + 1, day, day))
            continue
        if calendar.is_workday(day) or day.weekday() >= 5:  # a Saturday series is not moved off Saturdays
            out.append(Occurrence(len(out) + 1, day, day))
            continue
        moved = calendar.add_workdays(day, 1) if rule.on_holiday == "move" else None
        following = raw[i + 1] if i + 1 < len(raw) else None
        if moved is not None and following is not None and moved >= following:
            moved = None  # it would reach the next occurrence: skipped instead
        out.append(Occurrence(len(out) + 1, day, moved))
    return out
