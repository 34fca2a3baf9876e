"""Shared fixtures: real databases (a SQLite file, PostgreSQL on 127.0.0.1) and a core wired to them.

PostgreSQL tests use a schema of their own per run, so parallel runs and leftovers never collide. They
skip only when no server answers; under CI (CI=true) an unreachable server is a failure, because CI has one.

Migrations run once per session: a SQLite database in memory is migrated the first time a test needs one,
and every core gets a copy of it (sqlite3's backup API, a few milliseconds; `migrated_engine` also copies it into
a file) instead of an Alembic run (about 0.25 s of CPU each, some 300 times a run). On PostgreSQL a second
schema of the run is migrated once (`pg_migrated_engine`) and emptied after each test (DELETE of the tables
written to, sequences restarted, so each test starts as on a fresh schema). `Core` still calls `migrate`, which
finds the database at the newest revision, so the path production takes on start is the one tested. Tests of
migrating itself start empty (`sqlite_file_url`, `pg_engine`).

Under pytest-xdist every worker is a session of its own: its own template, its own schemas.

Every SQLite engine the session makes (`store.database.make_engine`, which `Core` calls too) shares one
dialect, so one cache of compiled statements: SQLAlchemy keys a compiled statement by its dialect object, and a
new engine per test meant compiling every query again in every test (half of some tests' time). A production
process has one engine, hence one warm cache, which is what the tests now have too; the SQL sent is the same.

`pytest --wall-clock=2026-12-31T23:59:30+08:00` runs the session with the machine's clock moved to that
instant (time_machine, ticking on from there), and the Python subprocesses the tests start with it
(`python_env`). Tests never read the wall clock, so the outcome must not change: `make test` proves it at a
Sunday night in UTC, a year's last seconds in Shanghai and a year the holiday calendars do not know.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import psycopg
import pytest
import sqlalchemy
import time_machine
from sqlalchemy import Engine, make_url
from sqlmodel import SQLModel

import store.database
from bot.config import Settings
from bot.core import Core
from store.database import make_engine, migrate
from tests.harness import Chat, ManualClock

ROOT = Path(__file__).resolve().parent.parent
WALL_CLOCK_SHIM = Path(__file__).parent / "wall_clock"  # its sitecustomize moves a subprocess's clock too
WALL_CLOCK_VARIABLE = "QUORUM_TEST_WALL_CLOCK"
PG_ADMIN_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Every connection of the tests' PostgreSQL URLs (and of the processes they start) commits without waiting for the
# server's WAL flush: what another connection sees, locks and conflicts are unchanged; only surviving a crash of the
# server itself is not promised, which no test is about. (A flushed commit costs ~1.5 ms here; the suite makes
# thousands: 400 serialised increments in test_store, two commits per reminder in test_exactly_once.)
PG_SESSION_OPTIONS = "-csynchronous_commit=off"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@cache
def _sqlite_dialect() -> sqlalchemy.Dialect:
    """The session's SQLite dialect, initialised (as on an engine's first connection) before any engine shares it."""
    engine = sqlalchemy.create_engine("sqlite://")
    with engine.connect():
        pass
    return engine.dialect


@cache
def _sqlite_compiled_cache() -> sqlalchemy.util.LRUCache[Any, Any]:
    """The session's cache of compiled SQLite statements: room for every statement the suite compiles."""
    return sqlalchemy.util.LRUCache(5000)


def _create_engine_sharing_sqlites_dialect(url: str, **kwargs: object) -> Engine:
    """`sqlalchemy.create_engine`, with SQLite engines given the session's one dialect (the same class, the
    same sqlite3 module and settings), so that their compiled statements are cached once for the session."""
    engine = sqlalchemy.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        assert type(engine.dialect) is type(_sqlite_dialect())
        engine.dialect = _sqlite_dialect()
        engine.update_execution_options(compiled_cache=_sqlite_compiled_cache())
    return engine


store.database.create_engine = _create_engine_sharing_sqlites_dialect  # type: ignore[attr-defined,assignment]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--wall-clock", metavar="ISO", help="move the machine's clock to this instant (with an offset, "
                     "e.g. 2026-11-29T23:30:00+00:00) for the whole session and the subprocesses tests start")


def pytest_configure(config: pytest.Config) -> None:
    instant = config.getoption("--wall-clock")
    if instant:
        start = datetime.fromisoformat(instant)
        if start.tzinfo is None:
            raise pytest.UsageError(f"--wall-clock needs an offset or Z, like 2026-11-29T23:30:00+00:00: {instant}")
        traveller = time_machine.travel(start, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    instant = config.getoption("--wall-clock")
    return f"wall clock moved to {instant}" if instant else None


def _races_processes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("xdist_group")
    return marker is not None and marker.args[:1] == ("processes",)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `processes` tests spread evenly through the run (the first at its start), not side by side: pytest-xdist
    hands out tests in this order, one at a time, and neighbours went to both workers at once, one of them then
    idle on `_one_process_race_at_a_time`'s lock (7 to 8.5 s of a run). Every worker collects the same order."""
    racing = [item for item in items if _races_processes(item)]
    if not racing:
        return
    others = [item for item in items if not _races_processes(item)]
    step = len(others) / len(racing)
    for index, item in reversed(list(enumerate(racing))):
        others.insert(round(index * step), item)
    items[:] = others


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The numbers tests measured (`record_property`, e.g. tests/test_exactly_once.py's deliveries per process),
    at the end of the run. They travel in each test's report, so pytest-xdist's workers' numbers arrive too."""
    lines = [f"{report.nodeid.rsplit('::', 1)[-1]}: {name} = {value}"
             for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
             if report.when == "call" for name, value in report.user_properties]
    if lines:
        terminalreporter.section("measured")
        for line in lines:
            terminalreporter.write_line(line)


def python_env(base: Mapping[str, str] = os.environ, **extra: str) -> dict[str, str]:
    """`base` and `extra` for a Python subprocess running this checkout's code: PYTHONPATH to it, and, when the
    session travels (--wall-clock), the shim that moves the child's clock to where the session's clock is now."""
    env = {**base, "PYTHONPATH": str(ROOT), **extra}
    if time_machine.escape_hatch.is_travelling():
        env["PYTHONPATH"] = os.pathsep.join((str(WALL_CLOCK_SHIM), str(ROOT)))
        env[WALL_CLOCK_VARIABLE] = datetime.now(UTC).isoformat()  # the travelled clock: the child carries on from it
    return env


def make_settings(database_url: str = "sqlite://", **overrides: str) -> Settings:
    """Settings for a test: these values over the environment's, no .env file. Validated once per distinct
    arguments and environment (reading the environment for every field costs some 3 ms, and most tests make
    settings); each call gets its own copy."""
    environment = tuple(sorted(item for item in os.environ.items() if item[0] != "PYTEST_CURRENT_TEST"))
    return _settings(database_url, tuple(sorted(overrides.items())), environment).model_copy()


@cache
def _settings(database_url: str, overrides: tuple[tuple[str, str], ...],
              _environment: tuple[tuple[str, str], ...]) -> Settings:
    values = {"DATABASE_URL": database_url, "QUORUM_TIMEZONE": "Asia/Shanghai", "QUORUM_LANGUAGE": "en"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@cache
def _migrated_template() -> sqlite3.Connection:
    """The session's migrated SQLite database, in memory (built on first use, kept for the session)."""
    engine = make_engine("sqlite://")
    migrate(engine)
    connection = engine.raw_connection().driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def migrated_engine(url: str = "sqlite://") -> Engine:
    """An engine on a SQLite database at `url` (in memory, or a new file) that starts as a copy of the
    session's migrated template: what `migrate` would build, without running Alembic again."""
    engine = make_engine(url)
    with engine.connect() as connection:
        target = connection.connection.driver_connection
        assert isinstance(target, sqlite3.Connection)
        _migrated_template().backup(target)
    return engine


def migrated_core(settings: Settings) -> Core:
    """A core on its own copy of the migrated template (`settings.database_url`: SQLite in memory or a file)."""
    return Core(settings, migrated_engine(settings.database_url))


@pytest.fixture(autouse=True)
def _one_process_race_at_a_time(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Tests marked `xdist_group("processes")` start processes that race on leases and timing: they run one at a
    time across the run's workers. `--dist loadgroup` is meant to put them on one worker, but with pytest 9.2
    it silently stops grouping (pytest-xdist#1386, open), so an exclusive lock on a file the workers share
    (their common temporary folder) keeps them apart whatever the scheduler does; other tests are untouched."""
    marker = request.node.get_closest_marker("xdist_group")
    if marker is None or marker.args[:1] != ("processes",):
        yield
        return
    shared = tmp_path_factory.getbasetemp()
    folder = shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared
    with open(folder / "processes.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'quorum.db'}"


def fresh_schema_url() -> Iterator[str]:
    """A SQLAlchemy URL whose connections live in a fresh schema, dropped when the generator closes."""
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
        yield f"{base}?options=" + quote(f"-csearch_path={schema} {PG_SESSION_OPTIONS}")
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


def own_schema_url(pg_url: str, prefix: str) -> Iterator[str]:
    """`pg_url` moved into a fresh schema named `prefix` + a random suffix (in the URL's `options` as
    `-csearch_path=<schema>`), dropped when the generator closes: for a test whose rows no other test may see."""
    url = make_url(pg_url)
    admin_url = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    schema = f"{prefix}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        options = f"-csearch_path={schema} {PG_SESSION_OPTIONS}"
        yield url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The run's schema for tests that start from nothing (`pg_engine`), dropped at the end of the run."""
    yield from fresh_schema_url()


@pytest.fixture(scope="session")
def pg_migrated_url() -> Iterator[str]:
    """The run's schema at the newest revision (`pg_migrated_engine`), migrated once, dropped at the end."""
    for url in fresh_schema_url():
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


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
def pg_migrated_engine(pg_migrated_url: str) -> Iterator[Engine]:
    """An engine on a migrated PostgreSQL schema with no rows: after the test every table but Alembic's that
    has been written to is emptied and vacuumed, and the sequences used restart, which is the migrated schema a
    test would otherwise build.

    Not `TRUNCATE … RESTART IDENTITY`: a transaction that replaces relations' files always waits for its commit to
    be flushed to disk, some 60 ms idle and half a second on a busy machine, per test. DELETE (children before
    parents) and VACUUM leave the same: no rows, and a table of no pages to the planner."""
    engine = make_engine(pg_migrated_url)
    yield engine
    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL lock_timeout = '30s'")  # a connection the test leaked: fail, not hang
        tables = set(connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            " AND pg_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename)) > 0"
        ).scalars().all())  # a table whose file is still empty has had no row written
        written = [table.name for table in reversed(SQLModel.metadata.sorted_tables) if table.name in tables]
        assert set(written) == tables, f"tables the models do not know: {tables - set(written)}"
        for table in written:
            connection.exec_driver_sql(f'DELETE FROM "{table}"')
        for sequence in connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        ).scalars().all():
            connection.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
    if written:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM " + ", ".join(f'"{t}"' for t in written))
    engine.dispose()


@pytest.fixture
def core() -> Core:
    """A core on a private in-memory SQLite database, migrated."""
    return migrated_core(make_settings())


@pytest.fixture
def clock() -> ManualClock:
    """What the adapters under test take for "now": Monday 09:00 in Shanghai until the test moves it."""
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def chat(core: Core) -> Chat:
    """People talking to a core on its own in-memory database, Monday 09:00 in Shanghai."""
    return Chat(core, MONDAY_9AM)
