"""What one person may put into Quorum, checked in one place so SQLite and PostgreSQL refuse the same things.

Hostile or careless input used to be stopped only by whichever database happened to be behind the bot:
SQLite stores a NUL byte, a lone surrogate, a 10,000-character title and the year 9999; PostgreSQL refuses
the first three with an internal error, and dates near the ends of the calendar overflowed in Python on
both. So the core cleans every inbound event once (`clean_inbound`), bounds lengths and dates with a
friendly `UserError` (`check_length`, `check_date`, `check_moment`), bounds how much one message may
record (`check_command_count`: all of it or none, since a `UserError` rolls the event back), and limits
how fast one person may give commands (`RateLimiter`).

The rate limit lives in the process, not the database: it exists to stop one person flooding a channel
through the bot, not to account exactly; a bucket in memory costs no write per event on the hot path and
no migration, and with several instances a person gets at most the limit per instance, which still ends a
flood. A person who runs out is told once ("slow down") and then not answered until the bucket refills,
so the bot never becomes the amplifier of a flood it refuses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import TypeVar, cast

from bot.errors import UserError
from bot.events import Inbound, Person

T = TypeVar("T")

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
"""Dates anyone may name (meetings, due dates, searches): far from both ends of Python's calendar, so any
arithmetic on them (reminders, working days, a meeting's end, the day after) stays inside it."""

TITLE_MAX = 300  # meetings and agenda items
LOCATION_MAX = 500
HANDLE_MAX = 128  # a person's id, as a mention names it
DIGEST_CRON_MAX = 100  # a digest schedule (crontab line)
DISPLAY_NAME_MAX = 200  # the platform's name for a person: shortened, never refused (nobody typed it)
MAX_COMMANDS_PER_MESSAGE = 20

LENGTH_ERRORS = {
    TITLE_MAX: ("error.title_too_long", "example.new"),
    LOCATION_MAX: ("error.location_too_long", "example.new"),
    HANDLE_MAX: ("error.handle_too_long", "example.action"),
}


def clean_text(text: str) -> str:
    """`text` without NUL bytes and with every lone surrogate replaced by U+FFFD (a valid pair is joined)."""
    if text.isascii():
        return text.replace("\x00", "") if "\x00" in text else text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\x00", "")


def clean_person(person: Person) -> Person:
    return replace(
        person,
        platform_id=clean_text(person.platform_id),
        display_name=clean_text(person.display_name)[:DISPLAY_NAME_MAX] or clean_text(person.platform_id),
        timezone=clean_text(person.timezone) if person.timezone is not None else None,
        language=clean_text(person.language) if person.language is not None else None,
    )


def clean_fields(value: T) -> T:
    """A copy of a frozen dataclass (a submitted form's Command) with every text in it cleaned, nested
    specs and tuples included; anything else is returned as it is."""
    if isinstance(value, str):
        return cast(T, clean_text(value))
    if isinstance(value, tuple):
        return cast(T, tuple(clean_fields(item) for item in value))
    if is_dataclass(value) and not isinstance(value, type):
        return cast(T, replace(value, **{f.name: clean_fields(getattr(value, f.name)) for f in fields(value)
                                         if f.init}))
    return value


def clean_inbound(inbound: Inbound) -> Inbound:
    """The event with every text in it cleaned (what was said, who said it, whom it mentions, ids)."""

    def optional(value: str | None) -> str | None:
        return clean_text(value) if value is not None else None

    return replace(
        inbound,
        workspace=clean_text(inbound.workspace),
        channel=clean_text(inbound.channel),
        user=clean_person(inbound.user),
        text=clean_text(inbound.text),
        reply_to=optional(inbound.reply_to),
        message_id=optional(inbound.message_id),
        mentions=tuple(clean_person(person) for person in inbound.mentions),
        event_id=optional(inbound.event_id),
        command=clean_fields(inbound.command),
    )


def check_length(value: str | None, limit: int) -> None:
    """Refuse a title, location or handle longer than its column holds (the limit picks the reply)."""
    if value is not None and len(value) > limit:
        key, example = LENGTH_ERRORS[limit]
        raise UserError(key, example, limit=limit, length=len(value))


def check_meeting_text(title: str, location: str | None, agenda_titles: list[str]) -> None:
    check_length(title, TITLE_MAX)
    check_length(location, LOCATION_MAX)
    for agenda_title in agenda_titles:
        check_length(agenda_title, TITLE_MAX)


def date_out_of_range() -> UserError:
    return UserError("error.date_out_of_range", "example.date_range", first=EARLIEST_DATE.year,
                     last=LATEST_DATE.year)


def check_year(year: int) -> int:
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise date_out_of_range()
    return year


def check_date(day: date) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise date_out_of_range()
    return day


def check_moment(moment: datetime) -> datetime:
    """A date and time inside the accepted range, judged in UTC (so every zone agrees)."""
    earliest = datetime.combine(EARLIEST_DATE, time(), tzinfo=UTC)
    latest = datetime.combine(LATEST_DATE, time.max, tzinfo=UTC)
    if moment.utcoffset() is not None and not earliest <= moment <= latest:
        raise date_out_of_range()
    return moment


def check_command_count(count: int) -> None:
    """One message records at most `MAX_COMMANDS_PER_MESSAGE` things; more is refused as a whole."""
    if count > MAX_COMMANDS_PER_MESSAGE:
        raise UserError("error.too_many_commands", "example.meetbot_lines", count=count,
                        limit=MAX_COMMANDS_PER_MESSAGE)


class Verdict(Enum):
    ALLOWED = "allowed"
    WARN = "warn"  # refused, and this is the first refusal since the person last got through: say so
    SILENT = "silent"  # refused again: the person was told already


@dataclass
class Bucket:
    tokens: float
    updated: datetime
    warned: bool = False


class RateLimiter:
    """A token bucket per (platform, workspace, person): `burst` commands at once, then `per_minute`.

    Time is the event's `now` (the caller's clock), so tests and the console's virtual clock drive it.
    """

    def __init__(self, burst: int = 30, per_minute: float = 20.0, max_people: int = 100_000) -> None:
        self.burst = burst
        self.per_second = per_minute / 60.0
        self.max_people = max_people
        self._buckets: dict[tuple[str, str, str], Bucket] = {}
        self._lock = threading.Lock()

    def take(self, inbound: Inbound, now: datetime, cost: int = 1) -> Verdict:
        """Spend `cost` tokens (one per command) from the speaker's bucket, or refuse the whole event."""
        key = (inbound.platform, inbound.workspace, inbound.user.platform_id)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_people:  # bounded memory: forget everyone (all full again)
                    self._buckets.clear()
                bucket = self._buckets[key] = Bucket(float(self.burst), now)
            elapsed = max(0.0, (now - bucket.updated).total_seconds())
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
            bucket.updated = max(bucket.updated, now)
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                bucket.warned = False
                return Verdict.ALLOWED
            if bucket.warned:
                return Verdict.SILENT
            bucket.warned = True
            return Verdict.WARN
