"""The scheduler benchmark's data: realistic workspaces, meetings, action items and their notification rows,
generated once per shape and loaded fast (SQLite executemany without secondary indexes, PostgreSQL COPY);
populated SQLite files are cached. `bench.scheduler` measures on what this module loads (its docstring
says what the data looks like and why)."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Table
from sqlmodel import SQLModel

from bench.common import (
    PG_ADMIN_URL,
    Row,
    migrations_digest,
    pg_schema,
    pg_unavailable,
    sqlite_bulk_loader,
    sqlite_writer,
)
from bot import followup
from bot.config import Settings
from bot.core import Core
from bot.workdays import calendar_for
from store import models
from store.database import make_engine

GENERATOR_VERSION = 2  # bump when the generated data changes, so cached SQLite files are rebuilt
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # Monday 08:30 in Shanghai, before the 09:00 reminders
PLATFORM = "slack"  # every generated workspace's: the tick claims this platform's rows
BATCH = 20_000
DEFAULT_CACHE = Path(os.environ.get("QUORUM_BENCH_CACHE", Path(tempfile.gettempdir()) / "quorum-bench-cache"))

USER_ZONES: tuple[str | None, ...] = (None, "Asia/Shanghai", "Europe/Berlin", "America/New_York")
USER_ZONE_WEIGHTS = (50, 25, 15, 10)
CHANNEL_ZONES = ("Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin", "America/New_York")
OPEN = ("open", "in_progress", "blocked")
LOADED_TABLES = ("workspace", "user", "channel", "meeting", "participant", "actionitem", "notification")



# ── what to populate ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Shape:
    """How many of everything; items go to workspaces in blocks of 20 so every workspace gets the same mix."""

    kind: str  # "size" (idle and due-1000 runs) or "digest" (its 1,000 digests are due at NOW)
    items: int
    workspaces: int
    channels_per_ws: int
    users_per_ws: int
    meetings_per_ws: int

    @property
    def label(self) -> str:
        return f"{self.kind}_{self.items}_{self.channels}"

    @property
    def channels(self) -> int:
        return self.workspaces * self.channels_per_ws

    @property
    def open_items(self) -> int:
        return 16 * (self.items // 20) + min(self.items % 20, 16)  # item i is open when i % 20 < 16


def size_shape(items: int) -> Shape:
    workspaces = max(4, items // 10_000)
    per_ws = math.ceil(items / workspaces)
    return Shape("size", items, workspaces, max(5, per_ws // 500), max(20, per_ws // 25), max(2, per_ws // 25))


def digest_shape(channels: int, open_items: int) -> Shape:
    workspaces = 10 if channels % 10 == 0 else 1
    items = open_items * 20 // 16
    per_ws = math.ceil(items / workspaces)
    shape = Shape("digest", items, workspaces, channels // workspaces, max(20, per_ws // 25), max(2, per_ws // 25))
    if shape.open_items != open_items or shape.channels != channels:
        raise SystemExit(f"digest: use a multiple of 16 open items and of 10 channels, not {open_items}/{channels}")
    return shape


# ── the data ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PastMeeting:
    id: int
    channel_id: str
    host: int
    chair: int
    others: tuple[int, ...]
    important: bool


class Generator:
    """Deterministic rows for a shape, yielded as (table, batch) in foreign-key order."""

    def __init__(self, shape: Shape, settings: Settings) -> None:
        self.shape = shape
        self.settings = settings
        self.rng = random.Random(f"quorum-bench-{GENERATOR_VERSION}-{shape.label}")
        self.calendar = calendar_for(settings.holidays)
        self.today = NOW.astimezone(settings.zone).date()
        self.templates = {name: dict.fromkeys(SQLModel.metadata.tables[name].columns.keys()) for name in LOADED_TABLES}
        self.zones: dict[str | None, ZoneInfo] = {z: ZoneInfo(z) if z else settings.zone for z in USER_ZONES}
        self.user_zone: list[ZoneInfo] = [settings.zone]  # by user id (index 0 unused)
        self.channel_ids: list[list[str]] = []
        self.past_meetings: list[list[PastMeeting]] = []
        self.stage_memo: dict[tuple[date, str], list[tuple[str, datetime]]] = {}
        self.next_notification_id = 0
        self.counts: dict[str, int] = dict.fromkeys(LOADED_TABLES, 0)
        self.pending = 0

    def row(self, table: str, **values: Any) -> Row:
        row = dict(self.templates[table])
        row.update(values)
        self.counts[table] += 1
        return row

    def user_id(self, w: int, k: int) -> int:
        return w * self.shape.users_per_ws + k + 1

    def batches(self) -> Iterator[tuple[str, list[Row]]]:
        yield "workspace", self.workspaces()
        yield from _chunked("user", self.users())
        yield from _chunked("channel", self.channels())
        meetings: list[Row] = []
        participants: list[Row] = []
        notes: list[Row] = []
        for meeting, people, reminders in self.meetings():
            meetings.append(meeting)
            participants += people
            notes += reminders
        yield from _chunked("meeting", iter(meetings))
        yield from _chunked("participant", iter(participants))
        notes += self.digests()
        yield from _chunked("notification", iter(notes))
        items: list[Row] = []
        notes = []
        for item, rows in self.items():
            items.append(item)
            notes += rows
            if len(items) >= BATCH:
                yield "actionitem", items
                yield from _chunked("notification", iter(notes))
                items, notes = [], []
        if items:
            yield "actionitem", items
            yield from _chunked("notification", iter(notes))

    def items_per_ws(self) -> list[int]:
        counts = [0] * self.shape.workspaces
        for block in range(math.ceil(self.shape.items / 20)):
            counts[block % self.shape.workspaces] += min(20, self.shape.items - 20 * block)
        return counts

    def workspaces(self) -> list[Row]:
        per_ws = self.items_per_ws()
        return [
            self.row("workspace", id=w + 1, platform=PLATFORM, external_id=f"T{w + 1:06d}",
                     last_meeting_number=self.shape.meetings_per_ws, last_action_number=per_ws[w],
                     created_at=NOW - timedelta(days=400))
            for w in range(self.shape.workspaces)
        ]

    def users(self) -> Iterator[Row]:
        rng = self.rng
        for w in range(self.shape.workspaces):
            for k in range(self.shape.users_per_ws):
                zone = rng.choices(USER_ZONES, USER_ZONE_WEIGHTS)[0]
                self.user_zone.append(self.zones[zone])
                yield self.row("user", id=self.user_id(w, k), workspace_id=w + 1,
                               platform_user_id=f"U{w + 1:05d}{k:05d}", display_name=f"person{w + 1}_{k}",
                               timezone=zone, language=rng.choice((None, None, "en", "zh")),
                               language_chosen=False, timezone_chosen=False, created_at=NOW - timedelta(days=300))

    def channels(self) -> Iterator[Row]:
        for w in range(self.shape.workspaces):
            ids = [f"C{w + 1:05d}X{k:04d}" for k in range(self.shape.channels_per_ws)]
            self.channel_ids.append(ids)
            for k, channel_id in enumerate(ids):
                yield self.row("channel", id=w * self.shape.channels_per_ws + k + 1, workspace_id=w + 1,
                               channel_id=channel_id, timezone=CHANNEL_ZONES[k % len(CHANNEL_ZONES)],
                               language="zh" if k % 3 == 0 else "en", created_at=NOW - timedelta(days=300))

    def meetings(self) -> Iterator[tuple[Row, list[Row], list[Row]]]:
        rng, settings = self.rng, self.settings
        participant_id = 0
        for w in range(self.shape.workspaces):
            past: list[PastMeeting] = []
            for k in range(self.shape.meetings_per_ws):
                meeting_id = w * self.shape.meetings_per_ws + k + 1
                channel_id = rng.choice(self.channel_ids[w])
                people = [self.user_id(w, u) for u in rng.sample(range(self.shape.users_per_ws), 4)]
                host, chair = people[0], people[1]
                upcoming = rng.random() < 0.05
                important = rng.random() < 0.05
                if upcoming:
                    start = (NOW + timedelta(days=rng.randint(2, 14))).replace(hour=rng.randint(1, 9), minute=0)
                else:
                    start = NOW - timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 8))
                end = start + timedelta(hours=1)
                deadline = start - settings.rsvp_deadline_offset if upcoming else None
                meeting = self.row(
                    "meeting", id=meeting_id, workspace_id=w + 1, number=k + 1, channel_id=channel_id,
                    title=f"Weekly sync {k + 1}", goal="Agree the next steps", meeting_type="regular", start_at=start,
                    end_at=end, timezone="Asia/Shanghai", language="en", status="scheduled" if upcoming else "ended",
                    confidential=rng.random() < 0.05, important=important, rsvp_deadline=deadline,
                    created_by_id=host, started_at=None if upcoming else start, ended_at=None if upcoming else end,
                    record_seq=0 if upcoming else 12, revision=0, created_at=start - timedelta(days=3),
                )
                rows = []
                for position, user in enumerate(people):
                    participant_id += 1
                    rows.append(self.row(
                        "participant", id=participant_id, meeting_id=meeting_id, user_id=user,
                        role="host" if position == 0 else "required", is_chair=position == 1,
                        rsvp=None if upcoming else "yes", lines_said=0 if upcoming else rng.randint(0, 30),
                        walked_in=False,
                    ))
                reminders = []
                if upcoming:
                    for offset in settings.reminder_offsets:
                        reminders.append(self.notification(w + 1, "meeting_reminder", start - offset, "pending",
                                                           meeting_id=meeting_id, channel_id=channel_id))
                    assert deadline is not None
                    for user in people[1:]:
                        reminders.append(self.notification(w + 1, "rsvp_chase", deadline - settings.rsvp_chase_offset,
                                                           "pending", meeting_id=meeting_id, recipient_id=user))
                else:
                    past.append(PastMeeting(meeting_id, channel_id, host, chair, tuple(people[2:]), important))
                yield meeting, rows, reminders
            self.past_meetings.append(past)

    def digests(self) -> Iterator[Row]:
        """Per channel: three past weeks sent, and the next one pending (or, for the digest shape, due now)."""
        fires: dict[str, datetime] = {}
        for w, ids in enumerate(self.channel_ids):
            for k, channel_id in enumerate(ids):
                zone = CHANNEL_ZONES[k % len(CHANNEL_ZONES)]
                if zone not in fires:
                    trigger = CronTrigger.from_crontab(self.settings.digest_cron, timezone=ZoneInfo(zone))
                    fire = trigger.get_next_fire_time(None, NOW)
                    assert fire is not None
                    fires[zone] = fire.astimezone(UTC)
                upcoming = NOW - timedelta(minutes=1) if self.shape.kind == "digest" else fires[zone]
                for weeks_back in (3, 2, 1, 0):
                    due = upcoming - timedelta(weeks=weeks_back)
                    key = f"digest:{w + 1}:{channel_id}:{due:%Y-%m-%dT%H:%M}"
                    yield self.notification(w + 1, "weekly_digest", due, "pending" if weeks_back == 0 else "sent",
                                            channel_id=channel_id, dedupe_key=key)

    def notification(self, workspace_id: int, kind: str, due_at: datetime, status: str, **refs: Any) -> Row:
        self.next_notification_id += 1
        sent = status == "sent"
        self.pending += status == "pending"
        return self.row(
            "notification", id=self.next_notification_id, workspace_id=workspace_id, platform=PLATFORM, kind=kind,
            due_at=due_at, status=status, attempts=1 if sent else 0, claimed_at=due_at if sent else None,
            sent_at=due_at + timedelta(seconds=2) if sent else None, created_at=min(due_at, NOW) - timedelta(days=2),
            **refs,
        )

    def stages(self, due_on: date, zone: ZoneInfo) -> list[tuple[str, datetime]]:
        """The reminder times `followup.replan_item` plans for an item due on `due_on`, in UTC."""
        key = (due_on, zone.key)
        if key not in self.stage_memo:
            s, hour, cal = self.settings, self.settings.reminder_hour, self.calendar
            plan = []
            before = cal.add_workdays(due_on, -s.remind_before_workdays)
            if before < due_on:
                plan.append(("item_before", followup.at_hour(before, hour, zone)))
            plan.append(("item_due", followup.at_hour(due_on, hour, zone)))
            plan.append(("item_overdue", followup.at_hour(cal.add_workdays(due_on, 1), hour, zone)))
            escalate = cal.add_workdays(due_on, s.escalate_after_workdays + 1)
            plan.append(("item_escalation", followup.at_hour(escalate, hour, zone)))
            self.stage_memo[key] = [(kind, when.astimezone(UTC)) for kind, when in plan]
        return self.stage_memo[key]

    def items(self) -> Iterator[tuple[Row, list[Row]]]:
        rng, shape = self.rng, self.shape
        numbers = [0] * shape.workspaces
        for i in range(shape.items):
            w = (i // 20) % shape.workspaces
            numbers[w] += 1
            item_id, ws = i + 1, w + 1
            meeting = rng.choice(self.past_meetings[w]) if self.past_meetings[w] and rng.random() < 0.7 else None
            if meeting is not None:
                channel_id, creator = meeting.channel_id, meeting.host
                owner = rng.choice((meeting.chair, *meeting.others))
            else:
                channel_id = rng.choice(self.channel_ids[w])
                owner = self.user_id(w, rng.randrange(shape.users_per_ws))
                creator = self.user_id(w, rng.randrange(shape.users_per_ws))
            zone = self.user_zone[owner]
            mix = i % 20
            completed_at = acknowledged_at = verified_at = closed_at = None
            due_on: date | None
            if mix < 16:
                status = rng.choices(OPEN, (70, 22, 8))[0]
                roll = rng.random()
                if roll < 0.05:
                    due_on, created_at = None, NOW - timedelta(days=rng.randint(1, 30), seconds=rng.randint(0, 86_399))
                elif roll < 0.17:  # overdue
                    late = rng.randint(1, 25)
                    due_on = self.today - timedelta(days=late)
                    created_at = NOW - timedelta(days=late + rng.randint(3, 20), seconds=rng.randint(0, 86_399))
                else:
                    due_on = self.today + timedelta(days=rng.randint(1, 90))
                    created_at = NOW - timedelta(days=rng.randint(1, 21), seconds=rng.randint(0, 86_399))
                if rng.random() < 0.7:
                    acknowledged_at = min(created_at + timedelta(seconds=rng.randint(600, 86_400)), NOW)
            else:
                status = "done" if mix < 19 else "cancelled"
                due_on = self.today + timedelta(days=rng.randint(-40, 5))
                created_at = NOW - timedelta(days=max(0, (self.today - due_on).days) + rng.randint(3, 20))
                acknowledged_at = created_at + timedelta(hours=2)
                if status == "done":
                    finished = followup.at_hour(due_on + timedelta(days=rng.randint(-4, 2)), 15, zone)
                    finished = min(finished, NOW - timedelta(hours=1))
                    closed_at = completed_at = max(finished, created_at + timedelta(hours=3))
                    if rng.random() < 0.5:
                        verified_at = min(completed_at + timedelta(hours=2), NOW)
                else:
                    closed_at = min(created_at + timedelta(days=rng.randint(1, 5)), NOW - timedelta(hours=1))
            number = numbers[w]
            item = self.row(
                "actionitem", id=item_id, workspace_id=ws, number=number, channel_id=channel_id,
                meeting_id=meeting.id if meeting else None, seq=number % 40, owner_id=owner, creator_id=creator,
                text=f"Send the Q{number % 4 + 1} figures for project {number % 97} to finance", due_on=due_on,
                original_due_on=due_on, deliverable="a spreadsheet" if number % 3 == 0 else None, status=status,
                blocked_reason="waiting for legal" if status == "blocked" else None, acknowledged_at=acknowledged_at,
                completed_at=completed_at, verified_at=verified_at, created_at=created_at,
            )
            yield item, self.item_notifications(ws, item_id, status, owner, creator, meeting, zone, due_on,
                                                created_at, acknowledged_at, closed_at)

    def item_notifications(
        self, ws: int, item_id: int, status: str, owner: int, creator: int, meeting: PastMeeting | None,
        zone: ZoneInfo, due_on: date | None, created_at: datetime, acknowledged_at: datetime | None,
        closed_at: datetime | None,
    ) -> list[Row]:
        is_open = status in OPEN

        def state(when: datetime, gone_at: datetime | None) -> str:
            if gone_at is not None:
                return "sent" if when <= gone_at else "dropped"
            return "pending" if when > NOW else "sent"

        rows = []
        if self.rng.random() < 0.3:  # the "not accepted yet" check to the host, one working day after assignment
            assigned = created_at.astimezone(zone)
            when = datetime.combine(self.calendar.add_workdays(assigned.date(), 1), assigned.timetz()).astimezone(UTC)
            host = creator if creator != owner else (meeting.host if meeting else None)
            if host is not None and host != owner:
                rows.append(self.notification(ws, "item_confirm_check", when, state(when, closed_at or acknowledged_at),
                                              action_item_id=item_id, recipient_id=host))
        if due_on is None:
            return rows
        escalate_to = [u for u in ((meeting.host, meeting.chair) if meeting else (creator,)) if u != owner]
        for kind, when in self.stages(due_on, zone):
            for user in escalate_to if kind == "item_escalation" else [owner]:
                rows.append(self.notification(ws, kind, when, state(when, closed_at),
                                              action_item_id=item_id, recipient_id=user))
        if is_open and meeting is not None and meeting.important and due_on < self.today:
            day = self.calendar.add_workdays(NOW.astimezone(zone).date(), 1)  # the daily chase of important items
            when = followup.at_hour(day, self.settings.reminder_hour, zone).astimezone(UTC)
            rows.append(self.notification(ws, "item_overdue", when, "pending", action_item_id=item_id,
                                          recipient_id=owner))
        return rows


def _chunked(table: str, rows: Iterator[Row]) -> Iterator[tuple[str, list[Row]]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield table, batch
            batch = []
    if batch:
        yield table, batch


# ── loading ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Loaded:
    """A populated database ready to measure."""

    url: str
    load_seconds: float
    rows: dict[str, int]
    note: str = ""


def bench_settings(url: str) -> Settings:
    return Settings(_env_file=None, DATABASE_URL=url, QUORUM_TIMEZONE="Asia/Shanghai",
                    QUORUM_LANGUAGE="en")


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _prepare_schema(url: str) -> None:
    """Create the tables through the product's migrations, exactly as `Core` does on start."""
    engine = make_engine(url)
    try:
        Core(bench_settings(url), engine)
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
        template = self.cache_dir / f"sqlite-{shape.label}-{migrations_digest(str(GENERATOR_VERSION))}.db"
        meta_path = template.with_suffix(".json")
        if not (self.use_cache and template.exists() and meta_path.exists()):
            self._build(shape, template, meta_path)
            note = "built"
        else:
            note = "cached"
        meta = json.loads(meta_path.read_text())
        work_dir = Path(tempfile.mkdtemp(prefix="work-", dir=self.cache_dir))
        try:
            work = work_dir / "quorum.db"
            started = time.perf_counter()
            shutil.copyfile(template, work)
            note += f", copied in {time.perf_counter() - started:.1f} s"
            yield Loaded(f"sqlite:///{work}", meta["load_seconds"], meta["rows"], note)
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
            if not self.use_cache:
                template.unlink(missing_ok=True)
                meta_path.unlink(missing_ok=True)

    def _build(self, shape: Shape, template: Path, meta_path: Path) -> None:
        building = template.with_name(template.name + f".building-{os.getpid()}")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        started = time.perf_counter()
        _prepare_schema(url)
        loader = sqlite_bulk_loader(url)

        generator = Generator(shape, bench_settings(url))
        with loader.begin() as conn:
            indexes = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join(repr(t) for t in LOADED_TABLES)})"
            ).all()
            for name, _sql in indexes:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            writers = {name: sqlite_writer(_table(name), loader) for name in LOADED_TABLES}
            for table, batch in generator.batches():
                sql, convert = writers[table]
                conn.exec_driver_sql(sql, [convert(row) for row in batch])
            for _name, sql in indexes:
                conn.exec_driver_sql(sql)
        with loader.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # what make_engine sets; kept in the file
        loader.dispose()
        seconds = time.perf_counter() - started
        os.replace(building, template)
        meta_path.write_text(json.dumps({"load_seconds": seconds, "rows": generator.counts, "shape": shape.label}))


class PostgresBackend:
    name = "postgres"

    def available(self) -> str | None:
        return pg_unavailable()

    @contextmanager
    def database(self, shape: Shape) -> Iterator[Loaded]:
        schema = f"bench_{shape.label}_{os.getpid()}"  # several benches may share one server
        with pg_schema(schema) as (_admin, url):
            started = time.perf_counter()
            _prepare_schema(url)
            rows, note = self._load(shape, schema, url)
            yield Loaded(url, time.perf_counter() - started, rows, note)

    def _load(self, shape: Shape, schema: str, url: str) -> tuple[dict[str, int], str]:
        generator = Generator(shape, bench_settings(url))
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
                for table, batch in generator.batches():
                    columns = list(_table(table).columns.keys())
                    moments = [i for i, c in enumerate(_table(table).columns) if isinstance(c.type, models.UTCDateTime)]
                    quoted = ", ".join(f'"{c}"' for c in columns)
                    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                        for row in batch:
                            values = [row[c] for c in columns]
                            for i in moments:
                                if values[i] is not None:
                                    values[i] = values[i].replace(tzinfo=None)  # naive UTC, as UTCDateTime stores
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
        return generator.counts, note


Backend = SqliteBackend | PostgresBackend
