"""Where "now" comes from: the one place the real time is read for the core.

The core never reads the clock: every use case and tick takes `now`. The loops around it (the Slack and
DingTalk adapters, the console and the ticker) ask a `Clock` instead of calling `datetime.now`, so a test or a
replay can say what time it is, and the same code runs on the real clock in production. (Checks of a platform's
own timestamps, a request signature's age or a session webhook's expiry, compare with the machine's time
directly: they are about the platform's clock, not the meeting's.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, in UTC (what every loop uses unless told otherwise)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RunningFrom:
    """A clock that reads `start` at the monotonic instant `origin` and runs at real speed from there. Monotonic,
    so neither a change of the machine's time nor a test that moves it makes it jump; and one machine's processes
    share the monotonic clock, so processes given the same `start` and `origin` agree (it is picklable, so a
    worker process (`adapters/workers.py`) is given the very clock of the process that started it)."""

    start: datetime
    origin: float

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


def running_from(start: datetime, origin: float | None = None) -> Clock:
    """`RunningFrom` `start`, from `origin` (default: now)."""
    return RunningFrom(start, time.monotonic() if origin is None else origin)
