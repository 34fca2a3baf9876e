"""Handling a conversation's events in arrival order while the work runs in worker threads.

Adapters ack first and do the work in a thread pool, so two events of one chat could finish in either
order; meeting records must not (a line said just before `end` belongs in the minutes). Each event takes a
ticket as its listener starts, before any await, and waits for the ticket before it; other conversations
never wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

Ticket = tuple["asyncio.Future[None] | None", "asyncio.Future[None]"]


class InOrder:
    """A chain of futures per conversation key: `ticket` when an event arrives, `turn` when it may run."""

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Future[None]] = {}

    def ticket(self, key: str) -> Ticket:
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        before = self._tails.get(key)
        self._tails[key] = mine
        return before, mine

    @asynccontextmanager
    async def turn(self, key: str, ticket: Ticket) -> AsyncIterator[None]:
        before, mine = ticket
        try:
            if before is not None:
                await before
            yield
        finally:
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]
