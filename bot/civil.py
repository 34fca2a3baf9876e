"""Civil hours: when a private notice may reach a person, in THEIR timezone, not the meeting's or the server's.

Why
---
A Berlin attendee of a 15:00 Shanghai meeting got the RSVP chase at 04:00: the chase was planned as "deadline
minus 4 hours" on the meeting's clock. Every notice sent to one person (RSVP chase, action-item reminders,
escalations, "not accepted yet", question follow-ups, and reminders before a meeting sent to a person) is
placed here, once, with the recipient's zone (`bot.locale.zone_of`: their own, else the deployment's).

The rule
--------
* The civil window is `QUORUM_CIVIL_HOURS` (default 08:00-21:00, both ends included) in the recipient's zone.
  A notice planned inside it keeps its time; one planned outside moves forward to the next start of the
  window (04:00 → 08:00; 22:30 → 08:00 the next morning).
* A notice that must arrive before a moment (`deadline`: the RSVP deadline, the end of the day a day's
  reminder is for, the start of the meeting a reminder announces) and would be pushed to or past it moves
  back instead, to the last civil moment before its planned time (the window's end the evening before:
  21:00). If even that has passed (`now`), the deadline wins and the planned time is kept: a late notice
  that still helps beats a civil one that comes too late.
* A reminder minutes before a meeting the person attends uses the wider `QUORUM_MEETING_NOTICE_HOURS`
  (default 07:00-23:00) with the meeting's start as its deadline: someone who attends a 07:30 meeting wants
  the 07:15 reminder, but not one at 05:45 for a 06:00 call, which moves back to 23:00 the evening before.

Notices are placed when they are planned (each has its recipient then), so the scheduler's tick stays a
plain "send what is due". Messages that answer something a person just did (a reply, an invitation sent as
the meeting is created) are not notices planned ahead and go at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Window:
    """Local hours, `start` to `end` inclusive, within one day (start < end)."""

    start: time
    end: time

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        return self.start <= moment.astimezone(zone).time() <= self.end


def read_window(spec: str) -> Window:
    """Read "08:00-21:00" (or "8-21"); raise ValueError saying how to write it."""
    try:
        first, last = (part.strip() for part in spec.split("-"))
        start, end = _read_time(first), _read_time(last)
    except ValueError:
        raise ValueError(f"cannot read {spec!r} as hours; write e.g. 08:00-21:00") from None
    if start >= end:
        raise ValueError(f"hours {spec!r} must start before they end, within one day; e.g. 08:00-21:00")
    return Window(start, end)


def _read_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def next_inside(moment: datetime, zone: ZoneInfo, window: Window) -> datetime:
    """`moment` if it is inside the window, else the window's next start."""
    local = moment.astimezone(zone)
    if window.contains(moment, zone):
        return moment
    day = local.date() if local.time() < window.start else local.date() + timedelta(days=1)
    return _at(day, window.start, zone)


def last_inside(moment: datetime, zone: ZoneInfo, window: Window) -> datetime:
    """`moment` if it is inside the window, else the window's last end before it."""
    local = moment.astimezone(zone)
    if window.contains(moment, zone):
        return moment
    day = local.date() if local.time() > window.end else local.date() - timedelta(days=1)
    return _at(day, window.end, zone)


def send_time(planned: datetime, zone: ZoneInfo, window: Window, *, now: datetime,
              deadline: datetime | None = None) -> datetime:
    """When a notice planned for `planned` goes to a person in `zone` (the rule in the module docstring)."""
    forward = next_inside(planned, zone, window)
    if deadline is None or forward < deadline:
        return forward
    back = last_inside(planned, zone, window)
    return back if back > now else planned


def end_of_day(moment: datetime, zone: ZoneInfo) -> datetime:
    """The local midnight after `moment`: the deadline of a notice about `moment`'s day."""
    day: date = moment.astimezone(zone).date() + timedelta(days=1)
    return _at(day, time(), zone)


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, zone)
