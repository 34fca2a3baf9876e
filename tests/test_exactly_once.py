"""The scheduler's delivery guarantee, proven with real ticker processes on one PostgreSQL database.

What `bot.jobs` promises: a due row is claimed in a transaction (`FOR UPDATE SKIP LOCKED`, marked `sending`),
posted after that transaction, and marked `sent` row by row; a row whose claimer died is claimed again after
the lease; a failed post goes back to `pending` with a growing delay and holds up no one else.
Tests inside one process cannot show the first two: that takes separate operating-system processes, each
with its own connections, racing for the same rows, and a process that dies with no chance to clean up.

1. Two tickers, 1,000 reminders due now: every reminder is printed exactly once, to its owner, and each
   process printed a real share (otherwise the run proved nothing about contention, and says so).
2. SIGKILL in the middle of a burst (420 reminders, the kill after some 210): a second ticker, started after the
   kill, sends everything the dead one had not; nothing is lost, and the duplicates (the message in flight at the
   kill, at most) are reported.
3. A failed send (in process): the other recipients still get theirs; the failing row waits out its backoff
   and then goes out once.
4. The lease is for dead claimers only (in process, deterministic): a batch claimed late in a long tick is
   not taken from the instance that is posting it.

A ticker process is `tests/ticker_process.py`: the console platform's tick alone (the tick `quorum slack` / `quorum
dingtalk` run beside their adapters). The tickers of a test share one short lease, as one deployment would. The kill
test's (LEASE_SECONDS) is 1 s, so that it finishes quickly: only one ticker is alive at a time there, and a ticker
posts every batch it claims before it claims again, so no live claim can run out from under it. The two racing
tickers' (RACE_LEASE) is 15 s: a lease shorter than the posting of one claimed batch lets the other instance take
rows from a live claimer, which is what a too-short lease does, not a failure of the claim, and on a loaded machine
(the suite on two workers beside other work) a batch of 50 took up to 5 s. (That a tick outlasting the lease does
not lose its later batches to a live rival is test 4's, in process and deterministic.) A ticker's stdout is the
platform: `[<pid>-m<N>] @<user> quorum: …`, flushed per message, so a line in the file is a message delivered even
if the process is killed right after writing it. Time starts at a fixed Monday and runs at real speed
(`running_from`, passed to the children as `--now`/`--now-at`), because leases and backoff are about elapsed
seconds, while the day itself must not depend on when CI runs.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import Engine, func
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from adapters.clock import running_from
from adapters.console import PLATFORM
from bot import followup, jobs
from bot.core import Core
from bot.messages import OutMessage
from store import repo
from store.database import make_engine, session_scope
from store.models import ActionItem, Notification, NotificationKind, User
from tests.conftest import MONDAY_9AM, make_settings, own_schema_url, python_env

# On one pytest-xdist worker, one test after another: each races real processes under leases of 1-15 s, and two
# such tests side by side would each be the other's load (the rest of the suite runs on the other worker).
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

ROWS = 1_000
KILL_ROWS = 420  # the kill test's burst: the kill lands in its middle (what is proven is nothing lost, not volume)
OWNERS = 20
LEASE_SECONDS = 1  # a dead ticker's rows are claimed again after this long
RACE_LEASE = 15  # the two racing tickers' lease: several times one batch's posting, even on a loaded machine
KILL_AFTER = 210  # deliveries; not a multiple of jobs.CLAIM_BATCH, so the kill lands inside a batch
# Bounds for a failing run only (a healthy one returns as soon as it is done), generous for a loaded machine.
TICKER_LIFETIME = 180  # seconds; `--for`, a backstop in case `finally` never runs
SETTLE_TIMEOUT = 150.0  # seconds to wait for every row to leave pending/sending
STALL_TIMEOUT = 30.0  # seconds without any row changing status: give up early
START_TIMEOUT = 45.0  # seconds for a ticker to import, migrate and reach its first claim
TIMELINE_START, TIMELINE_ORIGIN = MONDAY_9AM, time.monotonic()
CLOCK = running_from(TIMELINE_START, TIMELINE_ORIGIN)  # this process's and every ticker's clock: one timeline
HEADER = re.compile(r"^\[(?P<pid>\d+)-m\d+\] (?P<where>\S+) quorum: ", re.MULTILINE)


# ---- fixtures --------------------------------------------------------------------------------------------
@pytest.fixture
def db_url(pg_url: str) -> Iterator[str]:
    """A schema of this test's own inside the run's database: 1,000 fresh rows per test, no leftovers, and
    nothing that other PostgreSQL tests (which share `pg_url`'s schema) could count."""
    yield from own_schema_url(pg_url, "quorum_eo_")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()  # before the schema goes


@pytest.fixture
def report(record_property: Callable[[str, object], None]) -> Callable[[str, object], None]:
    """Record a measured number on the test: in junit XML and in the run's "measured" summary (tests/conftest.py;
    under pytest-xdist the number comes back from the worker with the test's report)."""
    return record_property


# ---- seeding ---------------------------------------------------------------------------------------------
def seed(engine: Engine, label: str, count: int, now: datetime) -> dict[str, str]:
    """`count` open action items due today, each with one `item_due` reminder that is already due, sent to
    the item's owner; returns {item text: "@owner"} (what a correct delivery of it looks like)."""
    expected: dict[str, str] = {}
    due_at = now - timedelta(minutes=1)
    with session_scope(engine) as session:
        ws = repo.workspace(session, PLATFORM, "local", now)
        assert ws.id is not None
        owners = [repo.upsert_user(session, ws.id, f"owner-{i:02}", f"Owner {i:02}", now) for i in range(OWNERS)]
        creator = repo.upsert_user(session, ws.id, "host", "Host", now)
        assert creator.id is not None
        items: list[tuple[ActionItem, User]] = []
        first = ws.last_action_number + 1
        ws.last_action_number += count  # what `repo.allocate_action_number` does, in one step
        for i in range(count):
            owner = owners[i % OWNERS]
            assert owner.id is not None
            item = ActionItem(
                workspace_id=ws.id, number=first + i, channel_id="general",
                text=f"{label}-{i:04}", owner_id=owner.id, creator_id=creator.id,
                due_on=now.astimezone(make_settings().zone).date(), acknowledged_at=now, created_at=now,
            )
            session.add(item)
            items.append((item, owner))
            expected[item.text] = f"@{owner.platform_user_id}"
        session.flush()
        for item, owner in items:
            followup.schedule(session, ws.id, NotificationKind.ITEM_DUE, due_at, now, action_item_id=item.id,
                              recipient_id=owner.id)
    with session_scope(engine) as session:
        rows = session.exec(select(Notification).where(Notification.status == "pending",
                                                       Notification.kind == NotificationKind.ITEM_DUE)).all()
        assert len(rows) == count  # (a caller's meeting may have rows of its own, e.g. the host's sum-up notice)
        # Rows that render to nothing are dropped, not sent; a sample must render (the tests then require
        # every row `sent`, which only a rendered and posted row becomes).
        settings = make_settings()
        assert all(jobs.render(session, settings, row, now) is not None for row in rows[:: max(1, count // 20)])
    return expected


# ---- ticker processes ------------------------------------------------------------------------------------
@dataclass
class Ticker:
    name: str
    process: subprocess.Popen[bytes]
    out: Path

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return (self.out.parent / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    def delivered(self) -> int:
        data = self.out.read_bytes()
        return len(HEADER.findall(data[: data.rfind(b"\n") + 1].decode("utf-8", errors="replace")))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def application_name(db_url: str, ticker: str) -> str:
    """`quorum-eo-<schema>-<ticker>`: unique on the server, so only this test's tickers are counted."""
    schema = str(make_url(db_url).query["options"]).split()[0].removeprefix("-csearch_path=")
    return f"quorum-eo-{schema.removeprefix('quorum_eo_')}-{ticker}"


def start_ticker(name: str, db_url: str, workdir: Path, lease: int = LEASE_SECONDS) -> Ticker:
    """`tests/ticker_process.py` on `db_url` on the test's timeline (TIMELINE_START at TIMELINE_ORIGIN), its own
    cwd (no stray .env), stdout to a file; `application_name` lets the test see it in pg_stat_activity (named
    after the test's schema too: other runs on the same server have tickers called `a` and `b` as well)."""
    url = make_url(db_url).update_query_dict({"application_name": application_name(db_url, name)})
    env = python_env(
        {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_") and k != "DATABASE_URL"},
        DATABASE_URL=url.render_as_string(hide_password=False),
        QUORUM_CLAIM_LEASE_SECONDS=str(lease),
        QUORUM_TIMEZONE="Asia/Shanghai",
        QUORUM_LANGUAGE="en",
    )
    cwd = workdir / name
    cwd.mkdir()
    out = cwd / "stdout.txt"
    with out.open("wb") as stdout, (cwd / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.ticker_process", "--interval", "0.05", "--for", str(TICKER_LIFETIME),
             "--now", TIMELINE_START.isoformat(), "--now-at", repr(TIMELINE_ORIGIN), "--files", str(cwd / "files")],
            cwd=cwd, env=env, stdout=stdout, stderr=stderr,
        )
    return Ticker(name, process, out)


def wait_until_ticking(db_url: str, tickers: list[Ticker], timeout: float = START_TIMEOUT) -> None:
    """Until every ticker is seen finishing transactions again and again on the server (a tick per interval,
    each ending in COMMIT): it has imported, migrated and is claiming."""
    url = make_url(db_url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    seen: dict[str, set[datetime]] = {application_name(db_url, t.name): set() for t in tickers}
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while any(len(changes) < 3 for changes in seen.values()):
            rows = conn.execute(
                "SELECT application_name, state_change FROM pg_stat_activity"
                " WHERE application_name = ANY(%s) AND state_change IS NOT NULL", (list(seen),)
            ).fetchall()
            for name, state_change in rows:
                seen[name].add(state_change)
            for t in tickers:
                assert t.process.poll() is None, f"ticker {t.name} exited early:\n{t.stderr()[-2000:]}"
            if time.monotonic() > deadline:
                pytest.fail(f"tickers not ticking after {timeout:.0f} s: { {k: len(v) for k, v in seen.items()} }")
            time.sleep(0.02)


def statuses(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.exec(select(Notification.status, func.count()).group_by(col(Notification.status))).all()
    return {status: n for status, n in rows}


def wait_until_settled(engine: Engine, tickers: list[Ticker], timeout: float = SETTLE_TIMEOUT) -> dict[str, int]:
    """Poll until no row is pending or sending; bounded by `timeout`, and by STALL_TIMEOUT without progress
    (the lease is a few seconds, so a healthy run never stalls that long). Returns the final status counts."""
    deadline = time.monotonic() + timeout
    last, last_change = statuses(engine), time.monotonic()
    while True:
        counts = statuses(engine)
        if not counts.get("pending") and not counts.get("sending"):
            return counts
        if counts != last:
            last, last_change = counts, time.monotonic()
        if time.monotonic() > deadline or time.monotonic() - last_change > STALL_TIMEOUT:
            errors = "\n".join(f"--- ticker {t.name} stderr (end):\n{t.stderr()[-2000:]}" for t in tickers)
            pytest.fail(f"rows still unsent: {counts}\n{errors}")
        time.sleep(0.1)


def deliveries(tickers: list[Ticker], label: str) -> list[tuple[str, str, str]]:
    """Every delivered message that is one of our reminders: (item text, where it went, which ticker)."""
    task = re.compile(rf"\b{re.escape(label)}-\d{{4}}\b")
    found: list[tuple[str, str, str]] = []
    for t in tickers:
        text = t.text()
        heads = list(HEADER.finditer(text))
        for head, following in zip(heads, [*heads[1:], None], strict=True):
            block = text[head.end() : following.start() if following else len(text)]
            assert head["pid"] == str(t.process.pid), f"{t.name}'s output has another process's message"
            names = set(task.findall(block))
            assert len(names) == 1, f"{t.name}: message {head.group(0)!r} names {names or 'no item'}"
            found.append((names.pop(), head["where"], t.name))
    return found


def attempts_of(engine: Engine, texts: Iterable[str]) -> dict[int, int]:
    """{claim count: rows} for the rows of these items (each claim adds one attempt)."""
    with session_scope(engine) as session:
        attempts = session.exec(
            select(Notification.attempts).join(ActionItem, col(ActionItem.id) == col(Notification.action_item_id))
            .where(col(ActionItem.text).in_(list(texts)))
        ).all()
    return dict(Counter(attempts))


def latest_claim(engine: Engine) -> datetime:
    """When the rows being sent now were claimed (the newest claim's stamp)."""
    with session_scope(engine) as session:
        stamp = session.exec(select(func.max(Notification.claimed_at)).where(Notification.status == "sending")).one()
    assert stamp is not None, "no row is being sent"
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def tally(found: list[tuple[str, str, str]], expected: dict[str, str]) -> tuple[list[str], dict[str, int]]:
    """(texts never delivered, {text: times} for texts delivered more than once); checks the recipients."""
    misdirected = [(text, where) for text, where, _ in found if expected.get(text) != where]
    assert misdirected == [], f"delivered to the wrong person (or unknown item): {misdirected[:5]}"
    counts = Counter(text for text, _, _ in found)
    lost = sorted(set(expected) - set(counts))
    twice = {text: n for text, n in sorted(counts.items()) if n > 1}
    return lost, twice


# ---- 1. two tickers, one database ------------------------------------------------------------------------
def test_two_tickers_send_each_of_1000_due_reminders_exactly_once(
    db_url: str, engine: Engine, tmp_path: Path, report: Callable[[str, object], None]
) -> None:
    Core(make_settings(db_url), engine)  # migrates this schema
    expected = seed(engine, "two", ROWS, CLOCK())
    tickers: list[Ticker] = []
    try:
        # Hold every row locked while the tickers start: their claims skip locked rows, so neither can take
        # them all before the other is up (process start-up takes a second or two). Once both are seen
        # claiming, the lock goes and both race for the same 1,000 rows.
        with engine.connect() as holder, holder.begin():
            holder.exec_driver_sql("SELECT id FROM notification FOR UPDATE").all()
            tickers = [start_ticker(name, db_url, tmp_path, lease=RACE_LEASE) for name in ("a", "b")]
            wait_until_ticking(db_url, tickers)
            assert statuses(engine) == {"pending": ROWS}, "a ticker took a row that was locked"
        started = time.monotonic()
        counts = wait_until_settled(engine, tickers)
        elapsed = time.monotonic() - started
    finally:
        for t in tickers:
            t.stop()
    # The tickers are the only writers after seeding: rows marked sent in *this* schema also prove the
    # children's DATABASE_URL (search_path in `options`) landed here rather than in `public`.
    assert counts == {"sent": ROWS}, counts
    found = deliveries(tickers, "two")
    lost, twice = tally(found, expected)
    per_process = Counter(name for _, _, name in found)
    report("deliveries_per_process", dict(sorted(per_process.items())))
    report("burst_seconds", round(elapsed, 2))
    assert lost == [], f"{len(lost)} reminders never delivered, e.g. {lost[:5]}"
    assert twice == {}, (
        f"{len(twice)} reminders delivered more than once, e.g. {list(twice.items())[:5]}; the burst took "
        f"{elapsed:.1f} s with a {RACE_LEASE} s lease; attempts of those rows: {attempts_of(engine, twice)} "
        "(2: claimed again after the lease although its claimer was alive; 1: two claims at once, a locking "
        "failure)"
    )
    assert len(found) == ROWS
    # Both must have done real work, or the run proved nothing about two processes contending for rows.
    # One claim batch each is the least that shows they interleaved rather than took turns by accident.
    starved = [t.name for t in tickers if per_process[t.name] < jobs.CLAIM_BATCH]
    assert starved == [], (
        f"ticker(s) {starved} delivered less than one batch ({dict(per_process)}): one process starved the "
        "other, so this run says nothing about SKIP LOCKED contention"
    )


# ---- 2. SIGKILL in the middle of a burst -----------------------------------------------------------------
def test_a_ticker_killed_mid_burst_loses_nothing(
    db_url: str, engine: Engine, tmp_path: Path, report: Callable[[str, object], None]
) -> None:
    Core(make_settings(db_url, QUORUM_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS)), engine)
    expected = seed(engine, "kill", KILL_ROWS, CLOCK())
    tickers: list[Ticker] = []
    try:
        a = start_ticker("a", db_url, tmp_path)
        tickers.append(a)
        # Bounded by progress, not by a total: on a loaded machine the 210 deliveries may take long, but a
        # ticker that delivers nothing new for a while has stalled.
        deadline, seen = time.monotonic() + START_TIMEOUT, 0
        while (delivered := a.delivered()) < KILL_AFTER:
            assert a.process.poll() is None, "ticker a exited before the kill"
            if delivered > seen:
                deadline, seen = time.monotonic() + STALL_TIMEOUT, delivered
            assert time.monotonic() < deadline, f"ticker a stalled at {delivered} deliveries"
            time.sleep(0.002)
        # Seeing a line means the kill would land right after a print, before its `sent` commits; a random
        # few milliseconds more spread the kill over the whole claim → print → finish cycle across runs.
        time.sleep(random.uniform(0, 0.02))
        os.kill(a.process.pid, signal.SIGKILL)
        a.process.wait(timeout=5)
        at_kill = statuses(engine)
        b = start_ticker("b", db_url, tmp_path)  # on the same timeline: the lease runs out for it
        tickers.append(b)
        counts = wait_until_settled(engine, tickers)
    finally:
        for t in tickers:
            t.stop()
    by_a = a.delivered()
    report("delivered_before_kill", by_a)
    report("rows_stranded_sending_at_kill", at_kill.get("sending", 0))
    assert KILL_AFTER <= by_a < KILL_ROWS, f"the kill did not land mid-burst ({by_a} of {KILL_ROWS} delivered)"
    assert at_kill.get("sending", 0) > 0, (
        f"no row was left `sending` by the kill ({at_kill}), so the lease path went untested"
    )
    assert counts == {"sent": KILL_ROWS}, counts
    found = deliveries(tickers, "kill")
    lost, twice = tally(found, expected)
    report("duplicates", sum(n - 1 for n in twice.values()))
    if twice:
        print(f"sent twice after SIGKILL: {twice}")
    assert lost == [], f"{len(lost)} reminders lost to the kill, e.g. {lost[:5]}"
    # A ticker posts one claimed row at a time: claim (commit `sending`) → print → finish (commit `sent`).
    # Only a row printed whose `sent` had not committed yet is sent again by the survivor after the lease;
    # rows claimed but not yet printed are sent once, by the survivor; rows marked sent are never claimed.
    # So one process killed once can cause at most one duplicate: the message in flight at the kill.
    assert sum(n - 1 for n in twice.values()) <= 1, f"more duplicates than the one in-flight message: {twice}"


# ---- in process: a platform stand-in -------------------------------------------------------------------
class Platform:
    """Posts everything (recording the item text), except to the recipients in `failing`: a rate limit."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.failing = failing or set()
        self.sent: list[str] = []
        self.attempts: list[str] = []

    def send(self, message: OutMessage) -> str:
        user = message.target.user or ""
        self.attempts.append(user)
        if user in self.failing:
            raise RuntimeError("ratelimited: retry after 30 s")
        self.sent.append(message.fields[0][1].split(" ", 1)[1])  # the "Item" field: "#N text"
        return f"p{len(self.attempts)}"


# ---- 3. a failed send ------------------------------------------------------------------------------------
def test_a_failed_send_backs_off_and_does_not_block_the_others(db_url: str, engine: Engine) -> None:
    core = Core(make_settings(db_url), engine)
    now = MONDAY_9AM
    expected = seed(engine, "flaky", 6, now)
    bad_text = "flaky-0000"  # owner-00's
    with session_scope(engine) as session:
        bad_id = session.exec(
            select(Notification.id).join(ActionItem, col(ActionItem.id) == col(Notification.action_item_id))
            .where(ActionItem.text == bad_text)
        ).one()
        row = session.get(Notification, bad_id)
        assert row is not None
        row.due_at = now - timedelta(minutes=2)  # the earliest due: claimed and posted before the others
    platform = Platform({"owner-00"})

    assert core.tick(now, platform.send, platform=PLATFORM) == 5
    assert platform.attempts[0] == "owner-00", "the failing recipient was not tried first"
    assert sorted(platform.sent) == sorted(set(expected) - {bad_text})
    with session_scope(engine) as session:
        bad = session.get(Notification, bad_id)
        assert bad is not None
        assert (bad.status, bad.attempts) == ("pending", 1)
        assert bad.last_error is not None and "ratelimited" in bad.last_error
        # 2 ** attempts minutes after the failure (the tick stamps it with the real time spent, a few ms at most)
        assert timedelta(0) <= bad.due_at - (now + timedelta(minutes=2)) < timedelta(seconds=5)
        backoff_until = bad.due_at
    assert statuses(engine) == {"sent": 5, "pending": 1}

    platform.failing.clear()
    platform.attempts.clear()
    assert core.tick(backoff_until - timedelta(seconds=1), platform.send, platform=PLATFORM) == 0
    assert platform.attempts == [], "retried before its backoff ran out"

    assert core.tick(backoff_until, platform.send, platform=PLATFORM) == 1
    assert core.tick(backoff_until + timedelta(minutes=5), platform.send, platform=PLATFORM) == 0
    assert Counter(platform.sent) == dict.fromkeys(expected, 1)
    with session_scope(engine) as session:
        bad = session.get(Notification, bad_id)
        assert bad is not None and (bad.status, bad.attempts) == ("sent", 2)


# ---- 4. the lease against a live claimer -----------------------------------------------------------------
def test_a_batch_claimed_late_in_a_long_tick_is_not_reclaimed_from_its_live_claimer(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick that outlasts the lease (a slow platform, a big backlog) must not let another instance take
    the batch it has just claimed: the lease is for dead claimers. Instance A's platform stalls for longer
    than the lease at the end of its first batch; when A posts the first row of its second batch, instance
    B ticks on a clock that has run on meanwhile. B must find nothing to take, and every row goes out once.

    The stall is on the clock the tick measures its own duration with (`time.monotonic` as `bot.core` reads
    it), moved on by the stall's length rather than slept through: what the tick sees is the same."""
    stalled = [0.0]  # seconds A's platform has stalled so far, on the tick's clock
    monkeypatch.setattr("bot.core.time", SimpleNamespace(monotonic=lambda: time.monotonic() + stalled[0]))
    # Longer than claiming a batch (rendering its 50 rows) and reaching its first post takes on a loaded
    # machine, which at 1 s it did not always: B's clock then runs past a correctly stamped claim as well.
    lease = 5
    settings = make_settings(db_url, QUORUM_CLAIM_LEASE_SECONDS=str(lease))
    other_engine = make_engine(db_url)  # another instance: a pool of its own
    a, b = Core(settings, engine), Core(settings, other_engine)
    expected = seed(engine, "lease", 2 * jobs.CLAIM_BATCH, CLOCK())
    platform_a, platform_b = Platform(), Platform()
    b_delivered: list[int] = []

    def send_a(message: OutMessage) -> str:
        if len(platform_a.attempts) == jobs.CLAIM_BATCH - 1:  # the last post of the first batch is slow
            stalled[0] += lease + 0.3
        if len(platform_a.attempts) == jobs.CLAIM_BATCH:  # the second batch is claimed and being posted
            # B's clock: past the tick's start + lease (where a claim stamped with the tick's start would have
            # expired), within the claim's own lease however long rendering the batch took on a loaded machine.
            b_now = latest_claim(engine) + timedelta(seconds=lease / 2)
            assert b_now > tick_started + timedelta(seconds=lease), "the second batch is stamped with the tick's start"
            b_delivered.append(b.tick(b_now, platform_b.send, platform=PLATFORM))
        return platform_a.send(message)

    try:
        tick_started = CLOCK()
        a.tick(tick_started, send_a, platform=PLATFORM)
        for _ in range(5):  # whatever is left (for a tick that claims less per call)
            if a.tick(CLOCK(), platform_a.send, platform=PLATFORM) == 0:
                break
    finally:
        other_engine.dispose()
    twice = {text: n for text, n in Counter(platform_a.sent + platform_b.sent).items() if n > 1}
    assert twice == {}, (
        f"{len(twice)} rows of A's second batch were taken by B while A was alive and posting them "
        f"(B delivered {b_delivered}); their claim is stamped with the tick's start, not the claim's time"
    )
    assert Counter(platform_a.sent + platform_b.sent) == dict.fromkeys(expected, 1)
