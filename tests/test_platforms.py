"""Several platforms on one database: each process claims and sends only its own platform's rows.

A console (or any process) sharing a database with `quorum slack` used to claim Slack's due reminders,
print them and mark them sent, and Slack and DingTalk on one database would have cross-posted. Here two
workspaces on two platforms share one database (a SQLite file, then PostgreSQL), each served by its own
`Core` and engine as by its own process, and a console ticks beside them; the claim stays one index range
scan on both backends (EXPLAIN).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from bot.core import Core
from store.database import make_engine
from store.models import Notification, NotificationKind, Workspace
from tests.conftest import MONDAY_9AM, make_settings, migrated_engine
from tests.harness import Chat, Sent

TWO_WEEKS = timedelta(days=14)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database shared by the processes of one test, already migrated: a SQLite file (a copy of the
    session's template), or this run's migrated PostgreSQL schema (emptied afterwards by `pg_migrated_engine`)."""
    if request.param == "sqlite":
        url = str(request.getfixturevalue("sqlite_file_url"))
        migrated_engine(url).dispose()
        yield url
    else:
        request.getfixturevalue("pg_migrated_engine")
        yield str(request.getfixturevalue("pg_migrated_url"))


@pytest.fixture
def engines(database_url: str) -> Iterator[list[Engine]]:
    """One engine per process: its own pool, as separate processes have."""
    made = [make_engine(database_url) for _ in range(3)]
    yield made
    for engine in made:
        engine.dispose()


def core_on(engine: Engine, database_url: str) -> Core:
    return Core(make_settings(database_url), engine)


def ticked(chat: Chat) -> list[Sent]:
    """Everything the scheduler sent on this platform in two weeks."""
    return chat.advance(TWO_WEEKS)


def test_each_platform_sends_its_own_reminders_once_through_its_own_sender(
    database_url: str, engines: list[Engine]
) -> None:
    slack = Chat(core_on(engines[0], database_url), MONDAY_9AM, platform="slack", workspace="T1")
    dingtalk = Chat(core_on(engines[1], database_url), MONDAY_9AM, platform="dingtalk", workspace="ding1")
    console = Chat(core_on(engines[2], database_url), MONDAY_9AM)
    slack.command("alice", "action @bob write the slack spec by friday")
    dingtalk.command("alice", "action @bob write the dingtalk spec by friday")

    assert ticked(console) == []  # a console on the same database takes nothing of theirs
    assert console.core.next_due(console.platform) is None
    from_slack, from_dingtalk = ticked(slack), ticked(dingtalk)

    assert from_slack and all("slack spec" in s.body and "dingtalk" not in s.body for s in from_slack)
    assert from_dingtalk and all("dingtalk spec" in s.body and "slack" not in s.body for s in from_dingtalk)
    with Session(engines[0]) as session:
        rows = session.exec(select(Notification, Workspace.platform).join(Workspace)
                            .where(Notification.kind != NotificationKind.OUTBOX)).all()
    assert {(row.platform, platform) for row, platform in rows} == {("slack", "slack"), ("dingtalk", "dingtalk")}
    waiting = sorted((platform, row.kind) for row, platform in rows if row.status != "sent")
    assert waiting == [("dingtalk", "weekly_digest"), ("slack", "weekly_digest")]  # the week after: not yet
    sent = Counter(platform for row, platform in rows if row.status == "sent")
    assert sent == {"slack": len(from_slack), "dingtalk": len(from_dingtalk)}  # each row once, by its own
    # not accepted, 2 days before, due, overdue, digest, escalation to the host, next week's digest
    assert len(from_slack) == len(from_dingtalk) == 7
    assert {s.body for s in from_slack} == {s.body.replace("dingtalk", "slack") for s in from_dingtalk}


def test_the_claim_is_one_index_range_scan_in_due_order(database_url: str, engines: list[Engine]) -> None:
    """EXPLAIN of the statements an idle tick runs: the claim walks (platform, status, due_at, id) and the
    lease check (platform, status, claimed_at), with no sort and no scan of the table. PostgreSQL rightly
    seq-scans a table this small, so there the planner is asked to use an index if it can (enable_seqscan
    off): an index that could not serve the query would still show a Seq Scan or a Sort."""
    core = core_on(engines[0], database_url)
    slack = Chat(core, MONDAY_9AM, platform="slack", workspace="T1")
    slack.command("alice", "action @bob write the spec by friday")
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if "FROM notification" in statement and "WHERE notification.platform = " in statement:
            statements.append((statement, parameters))

    event.listen(engines[0], "before_cursor_execute", record)
    try:
        assert core.tick(MONDAY_9AM, slack.send, platform="slack") == 0
    finally:
        event.remove(engines[0], "before_cursor_execute", record)
    assert len(statements) == 2  # due rows, then rows whose claimer died
    sqlite = engines[0].dialect.name == "sqlite"
    plans = []
    with engines[0].connect() as connection:
        if not sqlite:
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = connection.exec_driver_sql(prefix + statement.replace(" FOR UPDATE SKIP LOCKED", ""),
                                              parameters).all()
            plans.append(" | ".join(str(row[3] if sqlite else row[0]) for row in rows))
        connection.rollback()
    due, abandoned = plans
    assert "ix_notification_platform_status_due" in due, due
    assert "ix_notification_platform_status_claimed" in abandoned, abandoned
    for plan in plans:
        assert "SCAN notification" not in plan and "Seq Scan" not in plan, plan
    assert "TEMP B-TREE" not in due and "Sort" not in due, due  # the index gives the due order itself
