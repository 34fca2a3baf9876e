"""Handling a conversation's events in arrival order while the work runs in worker threads.

Adapters ack first and do the work in a thread pool, so two events of one chat could finish in either
order; meeting records must not (a line said just before `end` belongs in the minutes). Each event takes a
ticket as its listener starts, before any await, and waits for the ticket before it; other conversations
never wait.

The tickets are also the process's record of what it acknowledged and has not finished: on SIGTERM the
adapter stops taking events and waits for `idle` (`adapters/drain.py`) before it exits.
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
        self._open: set[asyncio.Future[None]] = set()  # every ticket not done yet, whatever its key

    def ticket(self, key: str) -> Ticket:
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._open.add(mine)
        mine.add_done_callback(self._open.discard)  # O(1) on the ack path, whatever is in flight
        before = self._tails.get(key)
        self._tails[key] = mine
        return before, mine

    def __len__(self) -> int:
        """Events taken and not finished."""
        return sum(not future.done() for future in list(self._open))  # a copy: tickets come and go meanwhile

    async def idle(self) -> None:
        """Return once every event taken so far (and any taken meanwhile) has finished."""
        while waiting := [future for future in list(self._open) if not future.done()]:
            await asyncio.wait(waiting)

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
