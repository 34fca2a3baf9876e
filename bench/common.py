"""What the benchmarks share: the PostgreSQL server they may use, a schema of their own on it, cache keys
for populated SQLite files, fast loading into SQLite, PASS/FAIL lines for targets, and meeting times the bot
creates without a warning."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import Date, Engine, Table, create_engine, event, insert

from store import models
from store.database import MIGRATIONS_DIR

PG_ADMIN_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

Row = dict[str, Any]


def pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be used (None: it can)."""
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return f"no PostgreSQL server reachable at {PG_ADMIN_URL} ({str(error).strip().splitlines()[0]})"
    return None


@contextmanager
def pg_schema(schema: str) -> Iterator[tuple[psycopg.Connection[Any], str]]:
    """A fresh schema (dropped before and after) and the SQLAlchemy URL that works inside it."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            base = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
            yield admin, f"{base}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def migrations_digest(seed: str) -> str:
    """Part of a cached database's name: a new migration (or generator, `seed`) means a new file."""
    digest = hashlib.sha1(seed.encode())
    for path in sorted(MIGRATIONS_DIR.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class Verdicts:
    failed: list[str] = field(default_factory=list)

    def check(self, label: str, ok: bool, detail: str) -> str:
        if not ok:
            self.failed.append(label)
        return f"    {'PASS' if ok else 'FAIL'}  {label}: {detail}"


def sqlite_bulk_loader(url: str) -> Engine:
    """An engine for loading a benchmark's SQLite file fast: no journal, no fsync, a large cache, no foreign-key
    checks. For loading only; the bot's own engine (`store.database.make_engine`) measures afterwards."""
    loader = create_engine(url)

    @event.listens_for(loader, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                       "foreign_keys=OFF"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return loader


def sqlite_writer(table: Table, engine: Engine) -> tuple[str, Callable[[Row], tuple[Any, ...]]]:
    """`insert(table)` compiled once, and a row → parameters function that stores values exactly as the column
    types' own bind processors do (checked here), minus their per-value overhead: 3x faster loads."""
    sql = str(insert(table).compile(dialect=engine.dialect))
    columns = list(table.columns.keys())
    if f"({', '.join(columns)})" not in sql.replace('"', ""):
        raise RuntimeError(f"unexpected column order in {sql}")
    moments = {i for i, c in enumerate(table.columns) if isinstance(c.type, models.UTCDateTime)}
    days = {i for i, c in enumerate(table.columns) if isinstance(c.type, Date)}
    sample_moment, sample_day = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), date(2026, 1, 2)
    moment_processor = models.UTCDateTime().dialect_impl(engine.dialect).bind_processor(engine.dialect)
    day_processor = Date().dialect_impl(engine.dialect).bind_processor(engine.dialect)
    assert moment_processor is not None and day_processor is not None
    if moment_processor(sample_moment) != sqlite_moment(sample_moment) or day_processor(sample_day) != str(sample_day):
        raise RuntimeError("SQLAlchemy's SQLite storage format changed; fix sqlite_moment")

    def convert(row: Row) -> tuple[Any, ...]:
        values = [row[c] for c in columns]
        for i in moments:
            if values[i] is not None:
                values[i] = sqlite_moment(values[i])
        for i in days:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        return tuple(values)

    return sql, convert


def sqlite_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


SLOTS_PER_DAY = 36  # quarter hours from 09:00 to 18:00
DAYS_PER_MARCH = 20  # March has at least 21 weekdays and no public holiday in China


def slot_start(slot: int) -> str:
    """A quarter hour of its own for each command: the bot warns about a clash, a weekend, a holiday or an hour
    outside 09:00-18:00 instead of creating the meeting, so every command gets a free working-day slot (weekdays
    of March from 2030 on) and is created at once."""
    year, rest = 2030 + slot // (SLOTS_PER_DAY * DAYS_PER_MARCH), slot % (SLOTS_PER_DAY * DAYS_PER_MARCH)
    weekdays = [d for d in (date(year, 3, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5]
    day, quarter = weekdays[rest // SLOTS_PER_DAY], rest % SLOTS_PER_DAY
    return f"{day.isoformat()} {9 + quarter // 4:02}:{15 * (quarter % 4):02}"
