"""How fast Quorum acks `/meeting new` in Slack's HTTP mode, compared with a Bolt app that does nothing but ack.

Slack gives an app 3 s to answer a slash command, an event or a click with HTTP 200; a late answer shows the
user "operation_timeout" and makes Slack retry events. Quorum's listeners ack first and hand the real work
(parsing, the database, posting) on (`adapters.slack.app`), so an ack should cost about what Bolt itself costs.
It only does if that work never starves the event loop that must write the acks, and threads in one process
can: they share the GIL with the loop, and a full garbage collection stops them all. So `quorum slack` does
that work in worker processes (`adapters/workers.py`, `QUORUM_WORKER_PROCESSES`, default 1), and the ack
loop's process only pickles each event over. This measures, in the same run:

* bare: a Bolt `AsyncApp` (same construction, signing secret and uvicorn settings as Quorum's, Bolt's ASGI
  handler, a client pointed at the fake Slack) whose only `/meeting` listener is `await ack()`;
* quorum: the product, a `SlackAdapter` on the real core with a fresh SQLite file, served by
  `adapters.slack.run.http_server`, its work in `--workers` worker processes as `quorum slack` runs it
  (`--workers 0`: in threads of the servers' process, as before). Its listeners return at their ack, the rest
  in a task of their own (`process_before_response`), so its acks skip the 10 ms Bolt's default runner waits
  before it first looks for an ack; the bare app keeps Bolt's default, as an app written the plain way does;

each on uvicorn on 127.0.0.1 in a thread of this process (one event loop per server, as in production), fed
`--requests` signed slash commands (`/meeting new "Bench N" <its own working-day quarter hour> with <@U2|bob>`,
distinct titles, from
three people, round-robin over `--channels` channels: Quorum works on one event per channel at a time, so the
channels bound how many worker threads run at once) by an aiohttp client keeping at most `--concurrency`
requests in flight. A request's latency runs from sending it to reading the whole HTTP response: the ack.

After a warm-up (which also fills Bolt's auth.test cache and the people cache) the apps take turns in
`--rounds` rounds, bare first in even rounds and quorum first in odd ones, so drift and other load on the
machine land on both alike. After each Quorum round its background work is left to finish before anything
else runs (the drain, timed from the round's last ack), so the bare app never pays for Quorum's work while
Quorum's own rounds carry the backlog their acks create. At the end every measured command must have produced
its meeting in the SQLite file: a fast ack must not come at the cost of lost work. The table also counts the
generation-2 garbage collections in the servers' process during each app's rounds and the longest one, since
a full collection holds the GIL and freezes every event loop for its duration.

Slack's side (the fake Web API of `tests.fake_slack`, which Quorum's worker threads call, and the load client)
runs in a spawned child process by default, as Slack is not in the bot's process in production: here it would
take GIL time from the servers under test, and its own full collections would look like server stalls (the
child also holds its collector during a round). `--slack-in-process` puts it in this process for comparison.
Quorum's start-up heap is frozen (`adapters.process.settle_heap`, as `quorum slack` does); without it a full
collection stopped both loops for 100–145 ms once per run and put the p99 ratio at 2.4–3.7.

With the work in threads the p99 ratio was 1.28-1.35 on a quiet machine and 1.6-1.8 with other work on its two
cores; each round prints its ratio, and the end the overall one (p99 of all the rounds' latencies) and the
median of the rounds'.

Targets: p99 quorum / p99 bare <= 1.2; no Quorum ack over 3 s; every request answered 200; every command's
meeting created. Also printed: p50, p95, max, req/s (requests / wall time of that app's rounds), p99 per round,
and the CPU time the event loop thread of each app used per request (other load on the machine moves it much
less than the latencies).

Run: `python -m bench.slack_ack [--requests 1000] [--concurrency 50] [--rounds 5] [--channels 4] [--workers 1]
[--strict]`,
or `--small` (200 requests, 2 rounds) for CI. Exits 0 unless `--strict` is given and a target was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from adapters.ordering import InOrder
from adapters.process import settle_heap
from adapters.slack.app import SlackAdapter
from adapters.slack.run import EVENTS_PATH, bound_port, http_server
from bench.common import slot_start
from bot.config import Settings
from bot.core import Core
from store.models import Meeting
from tests import fake_slack as fs

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
USERS = (  # id, name, real name; U2 is the invitee, the others send the commands
    ("U1", "alice", "Alice Wang"),
    ("U2", "bob", "Bob Li"),
    ("U3", "carol", "Carol Zhang"),
    ("U4", "dave", "Dave Chen"),
)
SENDERS = ("U1", "U3", "U4")
BENCH_PREFIX = "Bench"
WARMUP_PREFIX = "Warmup"
WARMUP_REQUESTS = 20
RATIO_TARGET = 1.2
ACK_LIMIT_S = 3.0
REQUEST_TIMEOUT_S = 10.0
DRAIN_TIMEOUT_S = 300.0


# ── Slack's side: the fake Web API and the load client ───────────────────────────────────────────────────


_SLOTS = itertools.count()


def command_text(prefix: str, number: int) -> str:
    return f'new "{prefix} {number}" {slot_start(next(_SLOTS))} for 15m with <@U2|bob>'


@dataclass
class Round:
    """One burst of requests against one app: latencies in seconds (in send order), failures, wall seconds."""

    latencies: list[float]
    failures: int
    wall: float


async def deliver(url: str, bodies: Sequence[str], concurrency: int) -> Round:
    """POST signed slash-command bodies to `url`, at most `concurrency` in flight (a closed loop of workers)."""
    latencies = [0.0] * len(bodies)
    failures = 0
    pending = iter(range(len(bodies)))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for i in pending:
            body = bodies[i]
            headers = {"Content-Type": "application/x-www-form-urlencoded", **fs.sign(body, SECRET)}
            sent = time.perf_counter()
            try:
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            latencies[i] = time.perf_counter() - sent
            failures += not ok

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(min(concurrency, len(bodies)))))
        wall = time.perf_counter() - started
    return Round(latencies, failures, wall)


class SlackSideApi(Protocol):
    def start(self) -> str: ...
    def send(self, url: str, prefix: str, first: int, count: int, concurrency: int, channels: int) -> Round: ...
    def api_calls(self) -> dict[str, int]: ...
    def stop(self) -> None: ...


class SlackSide:
    """Slack in this process: a FakeSlack with a few people, and the client that delivers slash commands.

    With `quiet_gc` (in the child process only) the client holds its garbage collector during a round, so a
    full collection of its own heap cannot stall its requests and show up as a stall of the app under test.
    """

    def __init__(self, quiet_gc: bool = False) -> None:
        self.fake: fs.FakeSlack | None = None
        self.quiet_gc = quiet_gc

    def start(self) -> str:
        """Start the fake Web API; returns its base URL for the apps' clients."""
        fake = fs.FakeSlack().start()
        for user_id, name, real_name in USERS:
            fake.add_user(user_id, name, real_name, tz="Asia/Shanghai", locale="en-US", display_name=name)
        self.fake = fake
        if self.quiet_gc:
            gc.collect()
            gc.freeze()
        return fake.api_url

    def send(self, url: str, prefix: str, first: int, count: int, concurrency: int, channels: int) -> Round:
        """Deliver commands `prefix first` … `prefix first+count-1`, round-robin over channels C1 … C`channels`
        (response_urls point at the fake)."""
        bodies = [
            fs.form_body(fs.slash_command(command_text(prefix, n), SENDERS[n % len(SENDERS)], f"C{n % channels + 1}"))
            for n in range(first, first + count)
        ]
        if not self.quiet_gc:
            return asyncio.run(deliver(url, bodies, concurrency))
        gc.collect()
        gc.disable()
        try:
            return asyncio.run(deliver(url, bodies, concurrency))
        finally:
            gc.enable()

    def api_calls(self) -> dict[str, int]:
        assert self.fake is not None
        return dict(Counter(call.method for call in self.fake.calls()))

    def stop(self) -> None:
        if self.fake is not None:
            self.fake.stop()
            self.fake = None


def _slack_side_process(conn: Connection) -> None:
    """The child process's loop: run SlackSide methods named by the parent until told to stop (or orphaned)."""
    side = SlackSide(quiet_gc=True)
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            name, args = message
            try:
                value = getattr(side, name)(*args)
                if isinstance(value, Round):  # plain data over the pipe: the parent's Round lives in __main__
                    value = (value.latencies, value.failures, value.wall)
                conn.send(("ok", value))
            except Exception as error:
                conn.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        side.stop()


class RemoteSlackSide:
    """SlackSide in a child process (spawned, so no thread of ours is forked), called over a pipe, bounded."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_slack_side_process, args=(child,), name="slack-side", daemon=True)
        self.process.start()
        child.close()

    def _call(self, name: str, *args: Any, timeout: float = 60.0) -> Any:
        self.conn.send((name, args))
        if not self.conn.poll(timeout):
            raise TimeoutError(f"Slack side did not answer {name} within {timeout:.0f} s")
        status, value = self.conn.recv()
        if status != "ok":
            raise RuntimeError(f"Slack side {name} failed: {value}")
        return value

    def start(self) -> str:
        return str(self._call("start"))

    def send(self, url: str, prefix: str, first: int, count: int, concurrency: int, channels: int) -> Round:
        limit = 60.0 + REQUEST_TIMEOUT_S * count / max(1, concurrency)
        latencies, failures, wall = self._call("send", url, prefix, first, count, concurrency, channels,
                                               timeout=limit)
        return Round(list(latencies), int(failures), float(wall))

    def api_calls(self) -> dict[str, int]:
        return dict(self._call("api_calls"))

    def stop(self) -> None:
        with suppress(Exception):
            self.conn.send(None)
        self.process.join(15)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self.conn.close()


# ── the apps under test ──────────────────────────────────────────────────────────────────────────────────


def bare_app(api_url: str) -> AsyncApp:
    """Bolt as Quorum builds it (a client with a bot token, request verification on), with an ack-only listener."""
    app = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url), signing_secret=SECRET)

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app.command("/meeting")(only_ack)
    return app


def bare_server(app: AsyncApp) -> uvicorn.Server:
    """uvicorn as `adapters.slack.run.http_server` configures it, with Bolt's own ASGI handler."""
    config = uvicorn.Config(AsyncSlackRequestHandler(app, path=EVENTS_PATH), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="off")
    return uvicorn.Server(config)


class Served:
    """A uvicorn server running on its own event loop in a thread of this process."""

    def __init__(self, name: str, server: uvicorn.Server) -> None:
        self.name = name
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name=f"uvicorn-{name}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"{name}: uvicorn did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{bound_port(server)}{EVENTS_PATH}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve())
            self.loop.run_until_complete(_settle(30))
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
        finally:
            self.loop.close()

    def loop_cpu(self) -> float:
        """CPU seconds this server's event loop thread has used so far (other load on the machine moves it much less
        than the latencies)."""

        async def used() -> float:
            return time.thread_time()

        return asyncio.run_coroutine_threadsafe(used(), self.loop).result(10)

    def unfinished(self, order: InOrder) -> int:
        """Events acknowledged on this server's loop and not finished yet (their replies not all posted)."""

        async def count() -> int:
            return len(order)

        return asyncio.run_coroutine_threadsafe(count(), self.loop).result(10)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(45)


async def _settle(timeout: float) -> None:
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    if others:
        await asyncio.wait(others, timeout=timeout)


def count_meetings(engine: Engine, prefix: str) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Meeting)
                                .where(col(Meeting.title).startswith(prefix + " "))).one())


@dataclass
class Drain:
    seconds: float
    done: bool


def drain(served: Served, adapter: SlackAdapter, prefix: str, expected: int,
          timeout: float = DRAIN_TIMEOUT_S) -> Drain:
    """Wait (bounded) until every acknowledged event is finished (`adapter.order`, what SIGTERM's drain waits
    for) and `expected` `prefix` meetings exist."""
    started = time.perf_counter()
    while True:
        if served.unfinished(adapter.order) == 0 and count_meetings(adapter.core.engine, prefix) >= expected:
            return Drain(time.perf_counter() - started, True)
        if time.perf_counter() - started > timeout:
            return Drain(time.perf_counter() - started, False)
        time.sleep(0.01)


# ── measuring and reporting ──────────────────────────────────────────────────────────────────────────────


@dataclass
class Series:
    rounds: list[Round] = field(default_factory=list)
    collections: list[tuple[int, float]] = field(default_factory=list)  # (generation, seconds) during its rounds
    loop_cpu: float = 0.0  # CPU seconds its event loop's thread used during its rounds

    @property
    def full_collections(self) -> list[float]:
        return [seconds for generation, seconds in self.collections if generation == 2]

    @property
    def latencies(self) -> list[float]:
        return [latency for r in self.rounds for latency in r.latencies]

    @property
    def failures(self) -> int:
        return sum(r.failures for r in self.rounds)

    @property
    def rate(self) -> float:
        return len(self.latencies) / sum(r.wall for r in self.rounds)

    @property
    def loop_cpu_per_request(self) -> float:
        return self.loop_cpu / len(self.latencies)


class GcWatch:
    """Garbage collections in this process (the servers' process) and how long each held the GIL."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, float]] = []
        self._started = 0.0

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seen.append((info["generation"], time.perf_counter() - self._started))

    def take(self) -> list[tuple[int, float]]:
        taken, self.seen = self.seen, []
        return taken


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


@dataclass
class Verdicts:
    failed: list[str] = field(default_factory=list)

    def check(self, label: str, ok: bool, detail: str) -> str:
        if not ok:
            self.failed.append(label)
        return f"    {'PASS' if ok else 'FAIL'}  {label}: {detail}"


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@dataclass
class Measured:
    series: dict[str, Series]
    drains: list[Drain]
    meetings: int
    calls: dict[str, int]


def measure(slack: SlackSideApi, requests: int, concurrency: int, rounds: int, channels: int,
            workers: int) -> Measured:
    """Start Slack's side and both apps, warm up, run the alternating rounds; everything stopped on the way out."""
    with tempfile.TemporaryDirectory(prefix="quorum-slack-ack-") as tmp, GcWatch() as watch:
        servers: list[Served] = []
        adapter: SlackAdapter | None = None
        try:
            api_url = slack.start()
            # three people send every command here: a load test of the acks, not of the per-person limit
            settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{Path(tmp) / 'quorum.db'}",
                                QUORUM_TIMEZONE="Asia/Shanghai", QUORUM_LANGUAGE="en",
                                QUORUM_COMMANDS_BURST=1_000_000, QUORUM_COMMANDS_PER_MINUTE=1_000_000)
            adapter = SlackAdapter(Core(settings), BOT_TOKEN, SECRET, api_url)
            if workers:  # as `quorum slack` starts them: forked from a frozen heap, before any server thread
                settle_heap()
                adapter.start_workers(workers)
            engine = adapter.core.engine
            servers.append(Served("bare", bare_server(bare_app(api_url))))
            servers.append(Served("quorum", http_server(adapter, "127.0.0.1", 0)))
            bare, quorum = servers
            settle_heap()  # as `quorum slack` does once it is built, before the first request

            warm = [slack.send(s.url, WARMUP_PREFIX, 0, WARMUP_REQUESTS, min(10, concurrency), channels)
                    for s in servers]
            warm_drain = drain(quorum, adapter, WARMUP_PREFIX, WARMUP_REQUESTS)
            started = f"{workers} worker(s) {adapter.workers.start_method}ed" if adapter.workers else "no workers"
            print(f"  warm-up: {WARMUP_REQUESTS} requests each (failed: bare {warm[0].failures}, quorum "
                  f"{warm[1].failures}); Quorum's work ({started}) drained in {warm_drain.seconds:.2f} s", flush=True)
            series = {"bare": Series(), "quorum": Series()}
            drains: list[Drain] = []
            first = 0
            for number, count in enumerate(split(requests, rounds)):
                order = ("bare", "quorum") if number % 2 == 0 else ("quorum", "bare")
                latest_full: dict[str, list[float]] = {}
                for name in order:
                    served = bare if name == "bare" else quorum
                    watch.take()
                    cpu_before = served.loop_cpu()
                    result = slack.send(served.url, BENCH_PREFIX, first, count, concurrency, channels)
                    series[name].loop_cpu += served.loop_cpu() - cpu_before
                    series[name].rounds.append(result)
                    collected = watch.take()
                    series[name].collections += collected
                    latest_full[name] = [seconds for generation, seconds in collected if generation == 2]
                    if name == "quorum":
                        drains.append(drain(quorum, adapter, BENCH_PREFIX, first + count))
                first += count
                parts = []
                for name in ("bare", "quorum"):
                    latest = series[name].rounds[-1]
                    pauses = "".join(f", full GC {seconds * 1000:.0f} ms" for seconds in latest_full[name])
                    parts.append(f"{name} p99 {ms(percentile(latest.latencies, 99)).strip()} ms{pauses}")
                ratio = round_ratios(series)[-1]
                print(f"  round {number + 1}/{rounds}: {count} each, {order[0]} first; {', '.join(parts)}; "
                      f"p99 ratio {ratio:.2f}; Quorum's work drained {drains[-1].seconds:.2f} s after its last ack",
                      flush=True)
            return Measured(series, drains, count_meetings(engine, BENCH_PREFIX), slack.api_calls())
        finally:
            for served in reversed(servers):
                served.stop()
            if adapter is not None:
                adapter.stop_workers()
            slack.stop()
            gc.unfreeze()


def round_ratios(series: dict[str, Series]) -> list[float]:
    """p99 quorum / p99 bare of each round both apps have run."""
    return [percentile(q.latencies, 99) / percentile(b.latencies, 99)
            for q, b in zip(series["quorum"].rounds, series["bare"].rounds, strict=False)]


def report(measured: Measured, requests: int, verdicts: Verdicts) -> None:
    series, drains = measured.series, measured.drains
    print(f"\n  {'app':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8} "
          f"{'failed':>6} │ {'full GCs':>8} {'longest':>8} │ {'loop CPU':>8}")
    print("  " + "─" * 105)
    stats: dict[str, dict[str, float]] = {}
    for name, data in series.items():
        values = data.latencies
        stats[name] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99),
                       "max": max(values)}
        s = stats[name]
        full = data.full_collections
        print(f"  {name:<8} {len(values):>8,} {ms(s['p50'])} {ms(s['p95'])} {ms(s['p99'])} {ms(s['max'])} "
              f"{data.rate:>8,.0f} {data.failures:>6} │ {len(full):>8} {ms(max(full, default=0.0))} │ "
              f"{data.loop_cpu_per_request * 1e6:>5.0f} µs")
    ratios = {key: stats["quorum"][key] / stats["bare"][key] for key in ("p50", "p95", "p99", "max")}
    print(f"  {'q / bare':<8} {'':>8} {ratios['p50']:>8.2f} {ratios['p95']:>8.2f} {ratios['p99']:>8.2f} "
          f"{ratios['max']:>8.2f} {series['quorum'].rate / series['bare'].rate:>8.2f} {'':>6} │ {'':>8} {'':>8} │ "
          f"{series['quorum'].loop_cpu_per_request / series['bare'].loop_cpu_per_request:>8.2f}")
    per_round = {name: [percentile(r.latencies, 99) for r in data.rounds] for name, data in series.items()}
    each_round = round_ratios(series)
    print("  (latency: send to full HTTP response, i.e. the ack; req/s: requests / wall time of the app's rounds;\n"
          "   full GCs: generation-2 collections in the servers' process during the app's rounds, and the longest,\n"
          "   in ms, for which every thread, the event loops included, stood still; loop CPU: CPU time of the app's\n"
          "   event loop thread per request during its rounds, which other load on the machine moves much less)")
    print("  p99 per round, ms: " + "; ".join(
        f"{name} {', '.join(f'{v * 1000:.0f}' for v in values)}" for name, values in per_round.items())
          + f"; p99 ratio per round {', '.join(f'{r:.2f}' for r in each_round)} "
          f"(median {statistics.median(each_round):.2f}), overall {ratios['p99']:.2f}")
    drained = sum(d.seconds for d in drains)
    quorum_wall = sum(r.wall for r in series["quorum"].rounds)
    print(f"  Quorum's background work: {measured.meetings:,}/{requests:,} meetings created; it finished "
          f"{drained:.2f} s after the last acks in all (longest {max(d.seconds for d in drains):.2f} s), so "
          f"{requests / (quorum_wall + drained):,.0f} commands/s end to end against ~{series['quorum'].rate:,.0f} "
          f"acks/s")
    print("  Web API calls to the fake Slack (both apps, warm-up included): "
          + ", ".join(f"{method} {n:,}" for method, n in sorted(measured.calls.items())))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  1-minute load average at the end: {load:.2f} on {os.cpu_count()} CPUs (other work on the machine "
          f"lands on either app's rounds; rerun when it is high)")

    print("  targets:")
    print(verdicts.check(f"p99 ratio quorum/bare <= {RATIO_TARGET:g}", ratios["p99"] <= RATIO_TARGET,
                         f"{ratios['p99']:.2f} ({ms(stats['quorum']['p99']).strip()} / "
                         f"{ms(stats['bare']['p99']).strip()} ms)"))
    print(verdicts.check(f"no ack over {ACK_LIMIT_S:g} s", stats["quorum"]["max"] < ACK_LIMIT_S,
                         f"quorum max {ms(stats['quorum']['max']).strip()} ms "
                         f"(bare {ms(stats['bare']['max']).strip()} ms)"))
    print(verdicts.check("every request answered 200", series["quorum"].failures + series["bare"].failures == 0,
                         f"{series['quorum'].failures} quorum, {series['bare'].failures} bare failed"))
    all_drained = all(d.done for d in drains)
    print(verdicts.check("every command's meeting created", measured.meetings == requests and all_drained,
                         f"{measured.meetings:,} of {requests:,}"
                         + ("" if all_drained else f"; a drain timed out after {DRAIN_TIMEOUT_S:g} s")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slack_ack", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per app")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight at most")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the requests are split into")
    parser.add_argument("--channels", type=int, default=4,
                        help="channels the commands come from (Quorum works on one command per channel at a time)")
    parser.add_argument("--workers", type=int, default=Settings(_env_file=None).worker_processes,
                        help="Quorum's worker processes (QUORUM_WORKER_PROCESSES; 0: its work in threads of the "
                             "servers' process); default as `quorum slack`")
    parser.add_argument("--small", action="store_true", help="CI size: 200 requests in 2 rounds")
    parser.add_argument("--slack-in-process", action="store_true",
                        help="run the fake Slack and the client in this process instead of a child process")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.small:
        args.requests, args.rounds = 200, 2
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    if min(args.requests, args.concurrency, args.channels) < 1 or not 1 <= args.rounds <= args.requests:
        parser.error("--requests, --concurrency, --rounds and --channels must be positive, rounds <= requests")

    print(f"Slack ack benchmark: {args.requests:,} `/meeting new` per app, {args.concurrency} in flight, "
          f"{args.rounds} alternating rounds, {args.channels} channels, {args.workers} Quorum worker "
          f"process(es); Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, "
          f"default executor {min(32, (os.cpu_count() or 1) + 4)} threads, GC thresholds {gc.get_threshold()}; "
          f"Slack side {'in this process' if args.slack_in_process else 'in a child process'}", flush=True)
    started = time.perf_counter()
    slack: SlackSideApi = SlackSide() if args.slack_in_process else RemoteSlackSide()
    measured = measure(slack, args.requests, args.concurrency, args.rounds, args.channels, args.workers)
    verdicts = Verdicts()
    report(measured, args.requests, verdicts)
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s; "
          + (f"FAILED: {', '.join(verdicts.failed)}" if verdicts.failed else "all targets met"), flush=True)
    return 1 if args.strict and verdicts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
