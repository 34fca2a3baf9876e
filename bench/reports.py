"""What a `/meeting report` costs on a database that has run for two years: printed numbers, not timed tests.

The issue's target: "a monthly channel report over 10,000 meetings and 100,000 action items under 2 s on
SQLite". A report reads many meetings at once (`store.reports`: the held meetings of a period with their
counts, the action items due in it), then `bot.reports` turns them into rates and draws the weekly on-time
trend as a PNG. It stays fast only while the queries walk indexed ranges (one channel's month, one person's)
instead of the workspace's whole history, and while the work per meeting is a few grouped queries.

Measured, per backend (a SQLite file in WAL mode through `store.database.make_engine`, and PostgreSQL),
through the product's own functions in a `session_scope`, end to end including the PNG chart, after a
warm-up: median and max over `--runs` calls of

* (a) `period_report` for a typical channel-month (the non-hot channel with the median number of meetings
  that month, about 8),
* (b) `period_report` for the hot channel's month (a channel that holds 10 % of all meetings and items),
* (c) `period_report` for a person-month (`user_id`: the person in the most meetings that month),
* (d) `meeting_report` for one meeting (loaded by id, as the command does; the hot month's largest meeting).

Also printed per case: the median of the two `store.reports` queries alone (`held_meetings` + `items_due`)
and of `trend_chart` alone, the SQL statements one call runs, and EXPLAIN of every one of them (captured with
a `before_cursor_execute` listener): SQLite, never ANALYZEd (the bot does not), plans from the schema alone,
so every `SCAN` is reported, and so is a `SEARCH` on `workspace_id=?` alone (one workspace is every row);
PostgreSQL rightly seq-scans small tables, so only those of 10k+ rows count.
Target: the typical and hot monthly channel reports under 2 s on SQLite (max over the runs).

The data (one workspace; ~100 users; 50 channels, each with a team of 12–25 people, 40 for the hot one):
ended meetings spread over the 24 months before NOW in working hours, Asia/Shanghai; 4–10 participants each
(host, sometimes a recorder, required and optional; RSVPs with some unanswered; check-ins, a quarter of them
more than 5 minutes late); 2–5 agenda items with planned minutes and actual started/ended times (items
overrun or finish early, the last one sometimes not reached); 0–3 decisions, 0–2 open questions (some
resolved), survey answers from about half the attendees. Action items: 85 % recorded in a meeting (owner
among its people, due 1–21 days after it), the rest in a channel's thread; done on time, done late, open
(overdue or not yet due) or cancelled, 2 % taken back.

Loading is not measured. SQLite: SQLAlchemy Core `insert()` compiled once and run as executemany in batches,
values pre-formatted the way the column types store them (`bench.common.sqlite_writer` checks that against
the bind processors), secondary indexes dropped during the load and rebuilt after. Populated files are cached
(see `--cache-dir`) keyed by shape, generator version and migrations digest, and read in place: reports
write nothing. PostgreSQL: `COPY` into a schema of its own (`bench_reports_<shape>`, dropped after), foreign-key
triggers off and secondary indexes rebuilt after, then `VACUUM ANALYZE` (autovacuum would); an unreachable
server is skipped.

Run: `python -m bench.reports [--meetings 10000] [--items 100000] [--backends sqlite,postgres] [--strict]`,
or `--small` (1,000 meetings, 10,000 items: seconds, for CI). Exits 0 unless `--strict` and a target missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import Engine, event
from sqlmodel import Session, SQLModel

from bench.common import (
    PG_ADMIN_URL,
    Verdicts,
    migrations_digest,
    pg_schema,
    pg_unavailable,
    sqlite_bulk_loader,
    sqlite_writer,
)
from bot import reports
from bot.messages import Target
from store import models
from store import reports as queries
from store.database import make_engine, migrate, session_scope
from store.models import Meeting

GENERATOR_VERSION = 1  # bump when the generated data changes, so cached SQLite files are rebuilt
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
ZONE = ZoneInfo("Asia/Shanghai")
MONTH = (date(2026, 10, 1), date(2026, 10, 31))  # the reported month: a full, past one
MONTHS = 24
HOT_SHARE = 0.10
TARGET_S = 2.0
BATCH = 20_000
SEQ_SCAN_MIN_ROWS = 10_000
DEFAULT_CACHE = Path(os.environ.get("QUORUM_BENCH_CACHE", Path(tempfile.gettempdir()) / "quorum-bench-cache"))
HERE = Target(kind="channel", channel="bench")
LOADED_TABLES = ("workspace", "user", "channel", "meeting", "participant", "agendaitem", "decision", "openquestion",
                 "actionitem", "surveyanswer")

Row = dict[str, Any]


# ── the data ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Shape:
    meetings: int
    items: int
    users: int
    channels: int

    @property
    def label(self) -> str:
        return f"{self.meetings}m_{self.items}i_{self.users}u_{self.channels}c"


@dataclass
class Held:
    """What the item generator needs to know of a generated meeting."""

    id: int
    channel: str
    day: date
    ended_at: datetime
    host: int
    people: list[int]


@dataclass
class Generated:
    """The rows by table, and the facts the measurement picks its cases from."""

    tables: dict[str, list[Row]]
    hot_channel: str
    channel_of: dict[int, str] = field(default_factory=dict)  # meeting id → channel
    month_meetings: Counter[str] = field(default_factory=Counter)  # channel → meetings in MONTH
    month_people: Counter[int] = field(default_factory=Counter)  # user → meetings attended in MONTH
    month_size: dict[int, int] = field(default_factory=dict)  # meeting id → participants, for MONTH's meetings


def generate(shape: Shape) -> Generated:
    """Deterministic rows for `shape`, in foreign-key order."""
    rng = random.Random(f"quorum-bench-reports-{GENERATOR_VERSION}-{shape.label}")
    templates = {name: dict.fromkeys(SQLModel.metadata.tables[name].columns.keys()) for name in LOADED_TABLES}
    tables: dict[str, list[Row]] = {name: [] for name in LOADED_TABLES}

    def add(table: str, **values: Any) -> None:
        row = dict(templates[table])
        row.update(values)
        tables[table].append(row)

    today = NOW.astimezone(ZONE).date()
    first_day = today - timedelta(days=round(MONTHS * 30.44))
    channels = [f"C{k:04d}" for k in range(shape.channels)]
    hot = channels[0]
    users = list(range(1, shape.users + 1))
    weight = {u: rng.uniform(0.5, 2.0) for u in users}  # some people are in more meetings than others
    teams = {c: rng.sample(users, min(shape.users, 40 if c == hot else rng.randint(12, 25))) for c in channels}
    add("workspace", id=1, platform="slack", external_id="TBENCH", last_meeting_number=shape.meetings,
        last_action_number=shape.items, created_at=NOW - timedelta(days=800))
    for u in users:
        add("user", id=u, workspace_id=1, platform_user_id=f"U{u:05d}", display_name=f"person{u}",
            timezone=rng.choice((None, None, "Asia/Shanghai", "Europe/Berlin")),
            language=rng.choice((None, "en", "zh")), language_chosen=False, timezone_chosen=False,
            created_at=NOW - timedelta(days=800))
    for k, c in enumerate(channels):
        add("channel", id=k + 1, workspace_id=1, channel_id=c, timezone="Asia/Shanghai",
            language="zh" if k % 3 == 0 else "en", created_at=NOW - timedelta(days=800))
    generated = Generated(tables, hot)

    # meetings: working days, 09:00–17:00 in Shanghai, numbered in time order
    slots = []
    span = (today - first_day).days
    for _ in range(shape.meetings):
        day = first_day + timedelta(days=rng.randrange(span))
        while day.weekday() >= 5:
            day = first_day + timedelta(days=rng.randrange(span))
        local = datetime(day.year, day.month, day.day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)), tzinfo=ZONE)
        channel = hot if rng.random() < HOT_SHARE else rng.choice(channels[1:])
        slots.append((local.astimezone(UTC), channel))
    slots.sort()
    held: list[Held] = []
    for n, (start, channel) in enumerate(slots, start=1):
        team = teams[channel]
        size = min(len(team), rng.randint(4, 10))
        people: list[int] = []
        while len(people) < size:
            pick = rng.choices(team, [weight[u] for u in team])[0]
            if pick not in people:
                people.append(pick)
        host = people[0]
        length = rng.choice((30, 45, 60, 60, 90))
        started = start + timedelta(minutes=rng.randint(0, 5))
        ended = started + timedelta(minutes=length + rng.randint(-10, 20))
        add("meeting", id=n, workspace_id=1, number=n, channel_id=channel, title=f"Project sync {n}",
            goal="Agree the next steps", meeting_type="regular", start_at=start,
            end_at=start + timedelta(minutes=length),
            timezone="Asia/Shanghai", language="en", status="ended", confidential=rng.random() < 0.03,
            important=rng.random() < 0.05, rsvp_deadline=start - timedelta(hours=2), created_by_id=host,
            started_at=started, ended_at=ended, record_seq=rng.randint(5, 40), revision=0,
            created_at=start - timedelta(days=rng.randint(1, 10)))
        day = start.astimezone(ZONE).date()
        in_month = MONTH[0] <= day <= MONTH[1]
        generated.channel_of[n] = channel
        if in_month:
            generated.month_meetings[channel] += 1
            generated.month_size[n] = size
        attendees = []
        for position, user in enumerate(people):
            role = "host" if position == 0 else "recorder" if position == 1 and rng.random() < 0.2 else (
                "optional" if rng.random() < 0.2 else "required")
            rsvp = "yes" if position == 0 else rng.choices(("yes", "no", "maybe", None), (65, 10, 7, 18))[0]
            came = rng.random() < {"yes": 0.9, "maybe": 0.5, None: 0.3, "no": 0.03}[rsvp]
            late = rng.random() < 0.25
            offset = timedelta(minutes=rng.randint(6, 25) if late else rng.randint(-5, 5))
            checked_in = started + offset if came else None
            add("participant", id=len(tables["participant"]) + 1, meeting_id=n, user_id=user, role=role,
                is_chair=position == 0, rsvp=rsvp,
                rsvp_at=start - timedelta(hours=rng.randint(3, 48)) if rsvp else None,
                checked_in_at=checked_in, lines_said=rng.randint(0, 30) if came else 0, walked_in=False)
            if came:
                attendees.append(user)
                if in_month:
                    generated.month_people[user] += 1
        moment = started
        count = rng.randint(2, 5)
        for position in range(1, count + 1):
            planned = None if rng.random() < 0.1 else rng.choice((5, 10, 15, 20, 30))
            reached = position < count or rng.random() > 0.15
            took = timedelta(minutes=(planned or 10) * rng.uniform(0.6, 1.6))
            add("agendaitem", id=len(tables["agendaitem"]) + 1, meeting_id=n, position=position,
                title=f"Topic {position}", presenter_id=rng.choice(people), planned_minutes=planned,
                started_at=moment if reached else None, ended_at=moment + took if reached else None)
            moment += took if reached else timedelta()
        for seq in range(1, rng.choice((0, 1, 1, 2, 3)) + 1):
            add("decision", id=len(tables["decision"]) + 1, workspace_id=1, channel_id=channel, meeting_id=n, seq=seq,
                text=f"We go with option {seq}", rationale="cheaper" if seq == 1 else None, author_id=host,
                created_at=started + timedelta(minutes=10 * seq),
                removed_at=ended if rng.random() < 0.03 else None)
        for seq in range(1, rng.choice((0, 0, 1, 2)) + 1):
            resolved = ended + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.4 else None
            add("openquestion", id=len(tables["openquestion"]) + 1, workspace_id=1, channel_id=channel,
                meeting_id=n, seq=10 + seq, text="Who signs off the budget?", owner_id=rng.choice(people),
                follow_up_on=day + timedelta(days=7), resolved_at=resolved if resolved and resolved < NOW else None,
                answer="finance" if resolved else None, author_id=host, created_at=started + timedelta(minutes=20),
                removed_at=ended if rng.random() < 0.03 else None)
        for user in attendees:
            if rng.random() < 0.45:
                add("surveyanswer", id=len(tables["surveyanswer"]) + 1, meeting_id=n, user_id=user,
                    score=rng.choices((1, 2, 3, 4, 5), (3, 7, 20, 45, 25))[0], comment=None,
                    answered_at=ended + timedelta(minutes=rng.randint(1, 600)))
        held.append(Held(n, channel, day, ended, host, people))

    # action items: most recorded in a meeting, the rest in a channel's thread
    for number in range(1, shape.items + 1):
        if rng.random() < 0.85:
            meeting = rng.choice(held)
            channel, owner, creator, meeting_id = meeting.channel, rng.choice(meeting.people), meeting.host, meeting.id
            created = meeting.ended_at
            due: date | None = meeting.day + timedelta(days=rng.randint(1, 21))
        else:
            channel = hot if rng.random() < HOT_SHARE else rng.choice(channels[1:])
            owner, creator, meeting_id = rng.choice(teams[channel]), rng.choice(teams[channel]), None
            created = NOW - timedelta(days=rng.randrange(span), seconds=rng.randrange(86_400))
            due = created.astimezone(ZONE).date() + timedelta(days=rng.randint(1, 30))
        if rng.random() < 0.05:
            due = None
        completed = None
        if due is not None and due < today:
            status = rng.choices(("done", "open", "in_progress", "blocked", "cancelled"), (72, 8, 4, 3, 10))[0]
        else:
            status = rng.choices(("done", "open", "in_progress", "blocked", "cancelled"), (12, 60, 15, 5, 3))[0]
        if status == "done":
            base = due or created.astimezone(ZONE).date() + timedelta(days=7)
            shift = rng.randint(-6, 0) if rng.random() < 0.75 else rng.randint(1, 12)
            at = datetime.combine(base + timedelta(days=shift), datetime.min.time(), ZONE) + timedelta(
                hours=rng.randint(9, 19), minutes=rng.randrange(60))
            completed = min(max(at.astimezone(UTC), created + timedelta(hours=1)), NOW - timedelta(minutes=5))
        add("actionitem", id=number, workspace_id=1, number=number, channel_id=channel, meeting_id=meeting_id,
            seq=number % 40, text=f"Send the Q{number % 4 + 1} figures for project {number % 97} to finance",
            owner_id=owner, creator_id=creator, due_on=due, original_due_on=due, status=status,
            blocked_reason="waiting for legal" if status == "blocked" else None,
            acknowledged_at=created + timedelta(hours=2) if rng.random() < 0.8 else None, completed_at=completed,
            verified_at=completed + timedelta(hours=3) if completed and rng.random() < 0.4 and
            completed + timedelta(hours=3) < NOW else None,
            created_at=created, removed_at=created + timedelta(hours=1) if rng.random() < 0.02 else None)
    return generated


# ── loading ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Loaded:
    url: str
    load_seconds: float
    rows: dict[str, int]
    picks: dict[str, Any]
    note: str


def _picks(generated: Generated) -> dict[str, Any]:
    """The measured cases: a typical channel-month, the hot one, the busiest person, the largest meeting."""
    typical = sorted((n, c) for c, n in generated.month_meetings.items() if c != generated.hot_channel)
    channel = typical[len(typical) // 2][1]
    person = generated.month_people.most_common(1)[0][0]
    hot_meetings = [m for m in generated.month_size if generated.channel_of[m] == generated.hot_channel]
    meeting = max(hot_meetings, key=lambda m: (generated.month_size[m], -m))
    return {"typical": channel, "hot": generated.hot_channel, "person": person, "meeting": meeting}


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


class SqliteBackend:
    name = "sqlite"

    def __init__(self, cache_dir: Path, use_cache: bool) -> None:
        self.cache_dir = cache_dir
        self.use_cache = use_cache

    def available(self) -> str | None:
        return None

    @contextmanager
    def database(self, shape: Shape) -> Iterator[Loaded]:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        key = migrations_digest(f"reports-{GENERATOR_VERSION}")
        path = self.cache_dir / f"sqlite-reports-{shape.label}-{key}.db"
        meta_path = path.with_suffix(".json")
        note = "cached"
        if not (self.use_cache and path.exists() and meta_path.exists()):
            for stale in self.cache_dir.glob(f"sqlite-reports-{shape.label}-*"):  # older migrations or generator
                if ".building-" not in stale.name:
                    stale.unlink(missing_ok=True)
            self._build(shape, path, meta_path)
            note = "built"
        meta = json.loads(meta_path.read_text())
        try:
            yield Loaded(f"sqlite:///{path}", meta["load_seconds"], meta["rows"], meta["picks"], note)
        finally:
            if not self.use_cache:
                for leftover in (path, meta_path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)

    def _build(self, shape: Shape, path: Path, meta_path: Path) -> None:
        building = path.with_name(path.name + f".building-{os.getpid()}")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        started = time.perf_counter()
        _migrate(url)
        generated = generate(shape)
        loader = sqlite_bulk_loader(url)

        with loader.begin() as conn:
            indexes = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join(repr(t) for t in LOADED_TABLES)})"
            ).all()
            for name, _sql in indexes:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            for table in LOADED_TABLES:
                sql, convert = sqlite_writer(SQLModel.metadata.tables[table], loader)
                rows = generated.tables[table]
                for start in range(0, len(rows), BATCH):
                    conn.exec_driver_sql(sql, [convert(row) for row in rows[start:start + BATCH]])
            for _name, sql in indexes:
                conn.exec_driver_sql(sql)
        with loader.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # what make_engine sets; kept in the file
        loader.dispose()
        seconds = time.perf_counter() - started
        os.replace(building, path)
        counts = {name: len(rows) for name, rows in generated.tables.items()}
        meta_path.write_text(json.dumps({"load_seconds": seconds, "rows": counts, "picks": _picks(generated),
                                         "shape": shape.label}))


class PostgresBackend:
    name = "postgres"

    def available(self) -> str | None:
        return pg_unavailable()

    @contextmanager
    def database(self, shape: Shape) -> Iterator[Loaded]:
        schema = f"bench_reports_{shape.label}"
        with pg_schema(schema) as (_admin, url):
            started = time.perf_counter()
            _migrate(url)
            generated = generate(shape)
            note = self._load(generated, schema)
            counts = {name: len(rows) for name, rows in generated.tables.items()}
            yield Loaded(url, time.perf_counter() - started, counts, _picks(generated), note)

    def _load(self, generated: Generated, schema: str) -> str:
        note = "COPY, FK triggers off"
        with psycopg.connect(PG_ADMIN_URL, options=f"-csearch_path={schema}") as conn:
            try:
                conn.execute("SET session_replication_role = replica")  # no FK trigger per copied row
            except psycopg.Error:
                conn.rollback()
                note = "COPY, FK triggers on (not superuser)"
            indexes = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace)",
                (schema, list(LOADED_TABLES), schema),
            ).fetchall()
            for name, _definition in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            with conn.cursor() as cursor:
                for table in LOADED_TABLES:
                    columns = SQLModel.metadata.tables[table].columns
                    names = list(columns.keys())
                    moments = [i for i, c in enumerate(columns) if isinstance(c.type, models.UTCDateTime)]
                    quoted = ", ".join(f'"{c}"' for c in names)
                    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                        for row in generated.tables[table]:
                            values = [row[c] for c in names]
                            for i in moments:
                                if values[i] is not None:
                                    values[i] = values[i].astimezone(UTC).replace(tzinfo=None)  # as UTCDateTime
                            copy.write_row(values)
            for _name, definition in indexes:
                conn.execute(definition)
            for table in LOADED_TABLES:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                             f'(SELECT coalesce(max(id), 1) FROM "{table}"))')
            conn.commit()
        with psycopg.connect(PG_ADMIN_URL, options=f"-csearch_path={schema}", autocommit=True) as conn:
            for table in LOADED_TABLES:
                conn.execute(f'VACUUM ANALYZE "{table}"')
        return note


Backend = SqliteBackend | PostgresBackend


# ── measuring ────────────────────────────────────────────────────────────────────────────────────────────


class StatementLog:
    """The SQL statements an engine runs while attached, in order, each with its parameters."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        self.statements.append((statement, parameters))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


@dataclass
class Scan:
    case: str
    statement: str
    plan: str
    kind: str


@dataclass
class CaseResult:
    name: str
    meetings: int
    items: int
    first_call: float
    seconds: list[float]
    query_seconds: list[float]
    chart_seconds: list[float]
    statements: int
    scans: list[Scan]
    plans: list[str]


def explain(engine: Engine, case: str, statements: Sequence[tuple[str, Any]]) -> tuple[list[Scan], list[str]]:
    """EXPLAIN each SELECT; the full table scans (see the module docstring), and every plan in short."""
    sqlite = engine.dialect.name == "sqlite"
    scans: list[Scan] = []
    plans: list[str] = []
    sizes: dict[str, int] = {}
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            lines = [str(r[3] if sqlite else r[0]).strip() for r in rows]
            short = " ".join(statement.split())
            plans.append(f"{short[:110]}\n        → " + (" | ".join(lines) if sqlite else " | ".join(
                line for line in lines if re.search(r"Scan|Join|Sort|Aggregate", line))))
            for line in lines:
                whole = re.search(r"^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(workspace_id=\?\)$", line)
                if sqlite and whole is not None:  # one workspace is every row: a full scan in all but name
                    scans.append(Scan(case, short[:200], line, "walks the whole workspace"))
                    continue
                match = re.search(r"^SCAN (\w+)" if sqlite else r"Seq Scan on (\w+)", line)
                if match is None or match.group(1) == "CONSTANT":
                    continue
                table = match.group(1)
                if not sqlite and table not in sizes:
                    sizes[table] = int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())
                if sqlite or sizes[table] >= SEQ_SCAN_MIN_ROWS:
                    note = "full scan" if sqlite else f"full scan of {sizes[table]:,} rows"
                    scans.append(Scan(case, short[:200], re.sub(r"\s*\(cost=[^)]*\)", "", line).strip("-> "), note))
        conn.rollback()
    return scans, plans


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure_period(engine: Engine, name: str, runs: int, warmup: int, *, channel_id: str | None = None,
                   user_id: int | None = None) -> CaseResult:
    first, last = MONTH
    since = datetime.combine(first, datetime.min.time(), ZONE)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), ZONE)
    label = f"#{channel_id}" if channel_id else f"@person{user_id}"

    def report() -> None:
        with session_scope(engine) as session:
            reports.period_report(session, 1, first, last, "en", ZONE, NOW, HERE, label=label, channel_id=channel_id,
                                  user_id=user_id)

    def just_queries() -> tuple[int, int]:
        with session_scope(engine) as session:
            held = queries.held_meetings(session, 1, since, until, channel_id=channel_id, user_id=user_id)
            due = queries.items_due(session, 1, first, last, channel_id=channel_id, owner_id=user_id)
            return len(held), len(due)

    log = StatementLog(engine)
    first_call = timed(report)  # the first in this process pays for importing matplotlib (case (a))
    log.close()
    for _ in range(warmup):
        report()
    meetings, items = just_queries()
    seconds = [timed(report) for _ in range(runs)]
    query_seconds = [timed(just_queries) for _ in range(runs)]
    points = [(f"{start:%m-%d}", 50) for start, _end in reports.weeks_of(first, last)]
    chart_seconds = [timed(lambda: reports.trend_chart(points)) for _ in range(runs)]
    scans, plans = explain(engine, name, log.statements)
    return CaseResult(name, meetings, items, first_call, seconds, query_seconds, chart_seconds, len(log.statements),
                      scans, plans)


def measure_meeting(engine: Engine, name: str, meeting_id: int, runs: int, warmup: int) -> CaseResult:
    def report() -> None:
        with session_scope(engine) as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            reports.meeting_report(session, meeting, "en", ZONE, NOW, HERE)

    def just_queries() -> None:
        with session_scope(engine) as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            queries.facts_of(session, meeting)
            queries.items_of_meeting(session, meeting_id)

    log = StatementLog(engine)
    first_call = timed(report)  # the first in this process pays for importing matplotlib (case (a))
    log.close()
    for _ in range(warmup):
        report()
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        facts = queries.facts_of(session, meeting)
        items = len(queries.items_of_meeting(session, meeting_id))
    seconds = [timed(report) for _ in range(runs)]
    query_seconds = [timed(just_queries) for _ in range(runs)]
    scans, plans = explain(engine, name, log.statements)
    return CaseResult(f"{name} ({facts.invited} people)", 1, items, first_call, seconds, query_seconds, [],
                      len(log.statements), scans, plans)


def run(backend: Backend, shape: Shape, runs: int, warmup: int) -> tuple[Loaded, list[CaseResult]]:
    with backend.database(shape) as loaded:
        print(f"  {backend.name}: loaded ({loaded.load_seconds:.1f} s, {loaded.note}); measuring…", flush=True)
        engine = make_engine(loaded.url)
        try:
            picks = loaded.picks
            results = [
                measure_period(engine, "(a) typical channel-month", runs, warmup, channel_id=picks["typical"]),
                measure_period(engine, "(b) hot channel-month", runs, warmup, channel_id=picks["hot"]),
                measure_period(engine, "(c) person-month", runs, warmup, user_id=picks["person"]),
                measure_meeting(engine, "(d) one meeting", picks["meeting"], runs, warmup),
            ]
        finally:
            engine.dispose()
        return loaded, results


# ── reporting ────────────────────────────────────────────────────────────────────────────────────────────


def ms(values: Sequence[float]) -> str:
    return f"{1000 * statistics.median(values):8.1f}" if values else f"{'—':>8}"


def report(backend: str, shape: Shape, loaded: Loaded, results: list[CaseResult], verdicts: Verdicts,
           verbose: bool) -> None:
    print(f"\n== {backend}: {shape.meetings:,} meetings, {shape.items:,} action items, {shape.users} users, "
          f"{shape.channels} channels; month {MONTH[0]:%Y-%m} ==")
    header = (f"  {'case':<34} {'meetings':>8} {'items':>6} │ {'1st ms':>7} │ {'median ms':>9} {'max ms':>8} │ "
              f"{'queries ms':>10} {'chart ms':>8} │ {'SQL':>4}")
    print(header)
    print("  " + "─" * (len(header) - 2))
    for r in results:
        print(f"  {r.name:<34} {r.meetings:>8,} {r.items:>6,} │ {1000 * r.first_call:7.0f} │ {ms(r.seconds):>9} "
              f"{1000 * max(r.seconds):8.1f} │ "
              f"{ms(r.query_seconds):>10} {ms(r.chart_seconds)} │ {r.statements:>4}")
    print("  (1st: the case's first call, before the warm-up; (a)'s, the process's first report, imports matplotlib;"
          f"\n   median and max over {len(results[0].seconds)} calls after a warm-up, each in its own session_scope;"
          "\n   queries: store.reports alone (held_meetings + items_due; facts_of + items_of_meeting for (d));"
          "\n   chart: trend_chart alone; SQL: statements one call runs; items: due in the month / of the meeting)")
    rows = ", ".join(f"{name} {count:,}" for name, count in loaded.rows.items())
    print(f"  load (not measured): {loaded.load_seconds:.1f} s ({loaded.note}); rows: {rows}")
    print("  targets:")
    for r in results[:2]:
        worst = max(r.seconds)
        if backend == "sqlite":
            print(verdicts.check(f"sqlite monthly channel report < {TARGET_S:g} s, {r.name}", worst < TARGET_S,
                                 f"max {worst:.3f} s, median {statistics.median(r.seconds):.3f} s"))
        else:
            print(f"    info  {backend} {r.name}: max {worst:.3f} s (the {TARGET_S:g} s target is SQLite's)")
    scans = [s for r in results for s in r.scans]
    checked = sum(len(r.plans) for r in results)
    if scans:
        print(f"  full table scans in EXPLAIN ({checked} statements checked):")
        cases: dict[tuple[str, str, str], list[str]] = {}
        for scan in scans:
            cases.setdefault((scan.kind, scan.plan, scan.statement), []).append(scan.case[:3])
        for (kind, plan, statement), names in cases.items():
            print(f"    {kind} in {', '.join(dict.fromkeys(names))}: {plan}\n        {statement}")
    else:
        print(f"  no full table scan in EXPLAIN ({checked} statements checked)")
    if verbose:
        print("  plans:")
        for r in results:
            seen: set[str] = set()
            for plan in r.plans:
                if plan not in seen:
                    seen.add(plan)
                    print(f"    [{r.name}] {plan}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--small", action="store_true", help="CI size: 1,000 meetings, 10,000 items, 5 runs")
    parser.add_argument("--runs", type=int, default=10, help="timed calls per case (after a warm-up)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="populated SQLite files")
    parser.add_argument("--no-cache", action="store_true", help="rebuild the SQLite file and delete it after")
    parser.add_argument("--plans", action="store_true", help="print every statement's plan")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.small:
        args.meetings, args.items, args.users, args.channels, args.runs = 1_000, 10_000, 40, 10, 5
    shape = Shape(args.meetings, args.items, args.users, args.channels)
    backends: list[Backend] = []
    for name in (b.strip() for b in args.backends.split(",") if b.strip()):
        if name == "sqlite":
            backends.append(SqliteBackend(args.cache_dir, not args.no_cache))
        elif name == "postgres":
            backends.append(PostgresBackend())
        else:
            parser.error(f"unknown backend {name!r}")
    print(f"Report benchmark: {shape.meetings:,} meetings over {MONTHS} months, {shape.items:,} action items; "
          f"{args.runs} runs after {args.warmup} warm-up; NOW={NOW:%F %R} UTC", flush=True)
    verdicts = Verdicts()
    started = time.perf_counter()
    for backend in backends:
        skip = backend.available()
        if skip is not None:
            print(f"\n== {backend.name} ==\n  SKIPPED: {skip}", flush=True)
            continue
        loaded, results = run(backend, shape, args.runs, args.warmup)
        report(backend.name, shape, loaded, results, verdicts, args.plans)
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s; "
          + (f"FAILED: {', '.join(verdicts.failed)}" if verdicts.failed else "all targets met"), flush=True)
    return 1 if args.strict and verdicts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
