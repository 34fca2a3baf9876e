"""Shared fixtures: real databases (a SQLite file, PostgreSQL on 127.0.0.1) and a core wired to them.

PostgreSQL tests use a schema of their own per run, so parallel runs and leftovers never collide. They
skip only when no server answers; under CI (CI=true) an unreachable server is a failure, because CI has one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.core import Core
from store.database import make_engine
from tests.harness import Chat, ManualClock

PG_ADMIN_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def make_settings(database_url: str = "sqlite://", **overrides: str) -> Settings:
    values = {"DATABASE_URL": database_url, "QUORUM_TIMEZONE": "Asia/Shanghai", "QUORUM_LANGUAGE": "en"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'quorum.db'}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A SQLAlchemy URL whose connections live in a fresh schema, dropped at the end of the run."""
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} in CI: {error}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_ADMIN_URL}")
    schema = f"quorum_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    base = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    with engine.begin() as connection:
        tables = connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars().all()
        if tables:
            connection.exec_driver_sql("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    engine.dispose()


@pytest.fixture
def core() -> Core:
    """A core on a private in-memory SQLite database, migrated."""
    settings = make_settings()
    return Core(settings, make_engine(settings.database_url))


@pytest.fixture
def clock() -> ManualClock:
    """What the adapters under test take for "now": Monday 09:00 in Shanghai until the test moves it."""
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def chat(core: Core) -> Chat:
    """People talking to a core on its own in-memory database, Monday 09:00 in Shanghai."""
    return Chat(core, MONDAY_9AM)
