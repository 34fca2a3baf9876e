"""A tick after downtime (issue 14): a backlog of reminders due at the same instant goes out in one tick, batch
after batch, each reminder once, and a batch whose rows had all gone stale does not end the tick.

Each batch resumes behind the last row the previous one took (`repo.claim_due`'s `after`), so the rows of a
backlog that share one due time are told apart by id alone: these tests fail if that key skipped or repeated
any of them. Run on SQLite and on PostgreSQL (row-value comparison, `SKIP LOCKED`), with a fixed `now`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event
from sqlmodel import col, select, update

from bot import jobs
from bot.core import Core
from bot.messages import OutMessage
from store.database import session_scope
from store.models import ActionItem, Notification, NotificationKind
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.test_exactly_once import seed

BACKLOG = 2 * jobs.CLAIM_BATCH + 7  # three batches, the last one short


class Recorded:
    """A platform that takes everything, and what it took."""

    def __init__(self) -> None:
        self.messages: list[OutMessage] = []

    def __call__(self, message: OutMessage) -> str:
        self.messages.append(message)
        return f"m{len(self.messages)}"

    def items(self) -> Counter[str]:
        return Counter(field[1] for m in self.messages for field in m.fields if field[1].startswith("#"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def core(request: pytest.FixtureRequest) -> Iterator[Core]:
    if request.param == "sqlite":
        yield migrated_core(make_settings())
        return
    engine: Engine = request.getfixturevalue("pg_migrated_engine")
    yield Core(make_settings(str(engine.url.render_as_string(hide_password=False))), engine)


def test_a_backlog_due_at_one_instant_goes_out_in_one_tick_each_reminder_once(core: Core) -> None:
    expected = seed(core.engine, "backlog", BACKLOG, MONDAY_9AM)  # every reminder due a minute before
    claims: list[object] = []
    event.listen(core.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, params, _ctx, _many: claims.append(params)
                 if "FROM notification" in statement and "ORDER BY notification.due_at" in statement else None)
    posted = Recorded()
    assert core.tick(MONDAY_9AM, posted, platform="console", max_batches=4) == BACKLOG
    assert len(posted.messages) == BACKLOG
    sent = posted.items()
    assert len(sent) == BACKLOG and set(sent.values()) == {1}  # every item's reminder, once
    assert sorted(m.target.user or "" for m in posted.messages) == sorted(v.lstrip("@") for v in expected.values())
    assert len(claims) == 4  # three batches and the empty fourth: each after the first resumes behind the last
    with session_scope(core.engine) as session:
        left = session.exec(select(Notification.status).where(Notification.kind == NotificationKind.ITEM_DUE)).all()
        assert set(left) == {"sent"}


def test_a_batch_of_stale_reminders_does_not_end_the_tick(core: Core) -> None:
    seed(core.engine, "stale", BACKLOG, MONDAY_9AM)
    with session_scope(core.engine) as session:  # the first batch's items were done while the bot was down
        first = session.exec(select(Notification.action_item_id).where(Notification.kind == NotificationKind.ITEM_DUE)
                             .order_by(col(Notification.due_at), col(Notification.id)).limit(jobs.CLAIM_BATCH)).all()
        session.exec(update(ActionItem).where(col(ActionItem.id).in_(first)).values(status="done"))
    posted = Recorded()
    assert core.tick(MONDAY_9AM, posted, platform="console") == BACKLOG - jobs.CLAIM_BATCH
    with session_scope(core.engine) as session:
        left = Counter(session.exec(select(Notification.status)
                                    .where(Notification.kind == NotificationKind.ITEM_DUE)).all())
        assert left == {"dropped": jobs.CLAIM_BATCH, "sent": BACKLOG - jobs.CLAIM_BATCH}
