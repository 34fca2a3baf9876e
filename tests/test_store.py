"""The store on real databases: migrations, scoping, and no lost update under concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel, select

from bot import followup
from store import repo
from store.database import make_engine, migrate, session_scope
from store.models import Meeting, Notification, User
from tests.conftest import make_settings, migrated_engine

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
WRITERS = 8
# Enough for the property: with the counter row's lock taken out (no FOR UPDATE on PostgreSQL, no BEGIN IMMEDIATE on
# SQLite), 8 writers of 50 lost 275 to 346 of their 400 increments in every one of 10 runs (250 each lost ~1,600
# of 2,000, and took five times as long).
INCREMENTS_EACH = 50


def hammer_counter(engine: Engine) -> list[int]:
    """8 threads each allocate 50 action numbers (read-modify-write of one counter row)."""
    with session_scope(engine) as session:
        ws_id = repo.workspace(session, "console", "local", NOW).id
    assert ws_id is not None
    numbers: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(INCREMENTS_EACH):
                with session_scope(engine) as session:
                    number = repo.allocate_action_number(session, ws_id)
                with lock:
                    numbers.append(number)
        except BaseException as error:  # surfaced below; a thread's exception would vanish otherwise
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return numbers


def migrated(backend: str, request: pytest.FixtureRequest) -> Engine:
    """A migrated database with no rows: a SQLite file copied from the session's template, or the run's migrated
    PostgreSQL schema (emptied after the test). `migrate` still runs on it and finds it at the newest revision,
    as `Core` does; migrating from nothing is `test_migrations_match_the_models`'."""
    if backend == "sqlite":
        engine = migrated_engine(request.getfixturevalue("sqlite_file_url"))
    else:
        engine = request.getfixturevalue("pg_migrated_engine")
    migrate(engine)
    return engine


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_writers_lose_no_update(backend: str, request: pytest.FixtureRequest) -> None:
    engine = migrated(backend, request)
    numbers = hammer_counter(engine)
    total = WRITERS * INCREMENTS_EACH
    assert sorted(numbers) == list(range(1, total + 1)), "a number was handed out twice or skipped"
    with session_scope(engine) as session:
        assert repo.workspace(session, "console", "local", NOW).last_action_number == total


def test_sqlite_runs_in_wal_mode_with_busy_timeout(sqlite_file_url: str) -> None:
    engine = make_engine(sqlite_file_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_sqlite_transactions_take_the_write_lock_up_front(sqlite_file_url: str) -> None:
    engine = migrated_engine(sqlite_file_url)
    path = sqlite_file_url.removeprefix("sqlite:///")
    with session_scope(engine) as session:
        repo.workspace(session, "console", "local", NOW)  # a read first: BEGIN IMMEDIATE locks already
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_match_the_models(backend: str, request: pytest.FixtureRequest) -> None:
    engine = (
        make_engine(request.getfixturevalue("sqlite_file_url"))
        if backend == "sqlite"
        else request.getfixturevalue("pg_engine")
    )
    migrate(engine)
    migrate(engine)  # a second run is a no-op
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert [d for d in diff if not _is_datetime_type_noise(d)] == []
    assert "notification" in inspect(engine).get_table_names()


def _is_datetime_type_noise(diff: object) -> bool:
    """Our UTCDateTime is stored as a plain DATETIME; autogenerate reports that as a type change."""
    return isinstance(diff, list) and all(entry[0] == "modify_type" for entry in diff)


def test_rows_are_scoped_by_workspace() -> None:
    engine = migrated_engine()
    with session_scope(engine) as session:
        slack = repo.workspace(session, "slack", "T1", NOW)
        other = repo.workspace(session, "slack", "T2", NOW)
        assert slack.id and other.id
        for ws_id in (slack.id, other.id):
            user = repo.upsert_user(session, ws_id, "U1", "alice", NOW)
            assert user.id is not None
            session.add(Meeting(workspace_id=ws_id, number=repo.allocate_meeting_number(session, ws_id),
                                channel_id="C1", title=f"team {ws_id}", start_at=NOW, end_at=NOW, timezone="UTC",
                                created_by_id=user.id, created_at=NOW))
    with session_scope(engine) as session:
        first = repo.meeting_by_number(session, slack.id, 1)
        second = repo.meeting_by_number(session, other.id, 1)
        assert first is not None and second is not None
        assert first.title == f"team {slack.id}" and second.title == f"team {other.id}"
        assert repo.user_by_platform_id(session, slack.id, "U1") is not None
        assert len(session.exec(select(User)).all()) == 2


def test_naive_datetimes_are_refused() -> None:
    engine = migrated_engine()
    with pytest.raises(Exception, match="naive datetime"), session_scope(engine) as session:
        repo.workspace(session, "console", "x", datetime(2026, 1, 1))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_weekly_digest_scheduled_by_many_writers_at_once_exists_once(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """Every new action item schedules its channel's next digest, on every instance; `ON CONFLICT DO NOTHING`
    on the dedupe key must leave exactly one row, with no writer failing."""
    engine = migrated(backend, request)
    settings = make_settings()
    with session_scope(engine) as session:
        ws_id = repo.workspace(session, "console", "local", NOW).id
    assert ws_id is not None
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(20):
                with session_scope(engine) as session:
                    followup.ensure_digest(session, settings, ws_id, "C-team", NOW)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(engine) as session:
        rows = session.exec(select(Notification).where(Notification.kind == "weekly_digest")).all()
    assert len(rows) == 1
    assert rows[0].channel_id == "C-team" and rows[0].status == "pending"
    # Monday 09:00 in the default timezone (Asia/Shanghai) after NOW (Monday 09:00 there): next Monday.
    assert rows[0].due_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_event_id_is_a_first_delivery_once(backend: str, request: pytest.FixtureRequest) -> None:
    """The redelivery guard must say "seen" on every database (PostgreSQL reports rowcount -1 here)."""
    engine = migrated(backend, request)
    with session_scope(engine) as session:
        ws_id = repo.workspace(session, "slack", "T1", NOW).id
    assert ws_id is not None
    answers = []
    for event_id in ("Ev1", "Ev1", "Ev2"):
        with session_scope(engine) as session:
            answers.append(repo.first_delivery(session, ws_id, event_id, NOW))
    assert answers == [True, False, True]
