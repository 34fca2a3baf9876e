"""Engines and sessions that make SQLite safe for concurrent writers and PostgreSQL interchangeable.

pysqlite's default transaction handling starts a transaction lazily, at the first write, so two threads
can both read a row, both compute from it, and one update silently overwrites the other (measured while
planning: 339 of 2,000 read-modify-writes lost from 8 threads; WAL + busy_timeout alone lost 484). We take
transaction control away from pysqlite and open every transaction with `BEGIN IMMEDIATE`, which takes the
write lock up front; with WAL and a busy timeout the other writers wait instead of failing.
On PostgreSQL the repository locks the rows it counts from (`SELECT … FOR UPDATE`) instead.

Sessions follow SQLModel's "one session per request": `session_scope` commits on success and rolls back on
any exception. Callers must finish talking to the database before talking to a platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` transactions."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True)
    raise ValueError(f"DATABASE_URL must be sqlite:///… or postgresql+psycopg://…, not {url!r}")


def is_in_memory(url: str) -> bool:
    """An SQLite database that lives in one process's memory (no other process can open it)."""
    return url in ("sqlite://", "sqlite:///:memory:")


def _sqlite_engine(url: str) -> Engine:
    in_memory = is_in_memory(url)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates every table on an empty database).

    A database already there costs one query, not an Alembic run (about 12 ms: its environment and scripts
    load each time), which every start and every test's copy of a migrated template would pay."""
    config = _alembic_config()
    with engine.begin() as connection:
        if MigrationContext.configure(connection).get_current_revision() == _head_revision():
            return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@cache
def _head_revision() -> str | None:
    """The newest revision among the migration scripts (they do not change while the process runs)."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "23505"})  # deadlock, serialization failure, unique key


def is_retryable(error: BaseException) -> bool:
    """PostgreSQL gave up on the transaction to break a deadlock (or a serialization conflict), or another
    transaction inserted the same new row first: running the same unit of work again is correct and will
    usually succeed. Events of different conversations take their rows in different orders (a workspace
    counter, then a person; or the person first) and meet a person new to both at the same moment."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
