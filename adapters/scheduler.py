"""The real-time clock for `Core.tick`: one APScheduler interval job, one error path.

APScheduler only says *when to look*; what is due lives in the database (`Notification.due_at`), so a
restart, a second instance or a missed run loses nothing. We never give APScheduler a job store of its own
(shared SQLAlchemy job stores ran one reminder three times across processes and silently dropped jobs that
fell due during downtime, with the default 1 s misfire grace). Like python-telegram-bot's JobQueue, every
run funnels through `_run_safely`, so an exception is logged and the next tick still happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def _run_safely(tick: Callable[[], object]) -> None:
    try:
        tick()
    except Exception:
        log.exception("scheduler tick failed; the next tick will retry what is still due")


def start_ticker(tick: Callable[[], object], seconds: int) -> BackgroundScheduler:
    """Call `tick` every `seconds` (never two at once; late runs coalesce) until the scheduler is shut down."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _run_safely,
        "interval",
        seconds=seconds,
        args=[tick],
        id="quorum-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
