"""What the operations endpoints read from the database: is it there, and what does the bot still owe people.

`/healthz` and `/metrics` (`adapters/ops.py`) ask often, so every query here is an aggregate over a narrow
range of an existing index, never a scan of the future: one platform's rows that are owed now (pending and
due, or being sent), and its outbox rows that failed and wait out their backoff (pending with a
`claimed_at`; a row never attempted has none). A million reminders due next month cost nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, text
from sqlmodel import Session, col, select

from store.models import Notification, NotificationKind


@dataclass(frozen=True)
class Backlog:
    """`owed`: rows whose time has come and that are not sent yet; `oldest_due`: the earliest of their due
    times; `oldest_outbox`: when the oldest unsent reply (an outbox row, owed or retrying) was written."""

    owed: int
    oldest_due: datetime | None
    oldest_outbox: datetime | None


def ping(session: Session) -> None:
    """One round trip; raises when the database does not answer."""
    session.exec(select(text("1"))).one()


def backlog(session: Session, platform: str, now: datetime) -> Backlog:
    outbox_created = func.min(case((col(Notification.kind) == NotificationKind.OUTBOX, col(Notification.created_at))))
    owed_count, owed_due, owed_outbox = session.exec(
        select(func.count(), func.min(Notification.due_at), outbox_created)
        .where(Notification.platform == platform, Notification.status == "pending", col(Notification.due_at) <= now)
    ).one()
    sending_count, sending_due, sending_outbox = session.exec(
        select(func.count(), func.min(Notification.due_at), outbox_created)
        .where(Notification.platform == platform, Notification.status == "sending")
    ).one()
    retrying = session.exec(
        select(func.min(Notification.created_at))
        .where(Notification.platform == platform, Notification.status == "pending",
               col(Notification.claimed_at).is_not(None), Notification.kind == NotificationKind.OUTBOX)
    ).one()
    dues = [d for d in (owed_due, sending_due) if d is not None]
    outboxes = [d for d in (owed_outbox, sending_outbox, retrying) if d is not None]
    return Backlog(owed_count + sending_count, min(dues, default=None), min(outboxes, default=None))
