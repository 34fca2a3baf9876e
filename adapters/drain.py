"""Stopping without losing anything: SIGTERM (or SIGINT) drains a platform process before it exits.

The order matters. First stop taking events (close the Socket Mode or Stream connection, or let the HTTP
server stop accepting), so the platform delivers new ones to another instance or again later; then wait for
every event this process acknowledged (each holds a ticket in the adapter's `InOrder`) to finish, which
includes posting its replies: `Core.handle` posts an event's outbox rows right after its commit. Then the
scheduler's running tick finishes (`ticker.shutdown(wait=True)`) and the process exits 0. Whatever was
committed to the outbox and not posted when a process dies anyway (SIGKILL, a drain past its time) is
posted by the next process's tick once the claim's lease has passed (tests/test_outbox.py,
tests/test_exactly_once.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from adapters.ordering import InOrder

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_event() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (a second signal changes nothing). Signals reach only the main
    thread: a loop running elsewhere (a test's) gets an event that only its caller sets."""
    stop = asyncio.Event()
    if threading.current_thread() is threading.main_thread():
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop.set)
    return stop


async def finish(order: InOrder, seconds: float) -> bool:
    """Wait for the events taken so far to finish; False (and why, in the log) when `seconds` were not enough."""
    if len(order):
        log.warning("draining: %d acknowledged event(s) still being handled", len(order))
    try:
        await asyncio.wait_for(order.idle(), seconds)
    except TimeoutError:
        log.error("drain: %d event(s) unfinished after %.0f s; exiting anyway (their committed replies are "
                  "posted by the next process after the claim lease)", len(order), seconds)
        return False
    log.warning("drained: every acknowledged event handled")
    return True
