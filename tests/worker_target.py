"""What tests/test_workers.py's worker processes run: a module of its own, so a spawned worker imports little."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from adapters.workers import Note


class Target:
    """Answers with its process id, fails, tells, dies or takes its time, as a test asks."""

    def __init__(self, note: Callable[[Note], None]) -> None:
        self.note = note

    def pid(self) -> int:
        return os.getpid()

    def fail(self, words: str) -> None:
        raise ValueError(words)

    def tell(self, value: int) -> int:
        self.note(("told", value))
        return value

    def die(self) -> None:
        os._exit(3)

    def slowly(self, seconds: float) -> int:
        time.sleep(seconds)
        return os.getpid()
