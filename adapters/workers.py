"""Worker processes for an adapter's work, so the process that acks never shares its GIL with that work.

Slack wants its ack within 3 s, and an ack is only as fast as the event loop that writes it. Run in threads of
the same process, the work after the ack (parsing, the database, rendering, posting) held the GIL the loop
needed: at 50 requests in flight Quorum's ack p99 was 1.3-1.8x a bare Bolt app's (`python -m bench.slack_ack`).
Here the work runs in `count` processes, each building its own adapter (its own database engine, Web API
clients and caches) from a picklable `build`; the acking process sends a job (a method name and its arguments)
and awaits the answer, and its loop only pickles and unpickles a few kilobytes per event.
The workers are forked when the pool starts in a process with no other thread yet (`quorum slack` starts it
right after freezing its start-up heap): they share the acking process's loaded modules page for page, so a
worker adds about 20 MB (an idle `quorum slack`: 90 MB PSS alone, 110 MB with one forked worker, 179 MB with
one spawned, which imports everything again). Otherwise
(other threads running, a worker started again) they are spawned.

What stays with the caller: the order of a conversation's events (`adapters/ordering.py` sends a conversation's
next job only once its last one has answered) and the drain (a job's ticket is done when its answer comes).
Jobs are routed by key (the conversation), so a conversation's events are handled by one process; inside a
worker, jobs of different conversations run in a thread pool, as they did in the acking process before.
What a worker's core tells its observer comes back to the acking process as a note (`on_note`), so `/metrics`
counts the work wherever it ran. Workers ignore SIGTERM and SIGINT (a service manager may signal the whole
process group): they finish what they were given and exit when the acking process closes them, after its drain.
When the acking process dies without closing them (SIGKILL), they exit at once, unfinished work and all, as its
threads would have.
A worker that dies fails its unanswered jobs (their committed replies are posted by the tick after the claim
lease) and is started again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from itertools import count as numbers
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from adapters.process import settle_heap

if TYPE_CHECKING:  # a worker starts by importing this module: it loads only what its own target needs
    from bot.core import Observer, SendResult
    from bot.events import Inbound

log = logging.getLogger(__name__)

Note = tuple[Any, ...]
"""What a worker tells the acking process besides its answers: `(name, *args)`, handed to `on_note`."""
Build = Callable[[Callable[[Note], None]], Any]
"""Makes a worker's object, in the worker, given the function that sends a note to the acking process."""
LOG_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"

JOIN_SECONDS = 30.0
FORK = "fork"
RESTART_DELAY_SECONDS = 1.0
WORKER_NICENESS = 10
"""How much lower the workers' CPU priority is than the acking process's: when both want the CPU, the ack (due
within 3 s) goes first and the work (a reply nobody times to the millisecond) waits its turn. On a machine that
is not saturated each still gets a core when it wants one: the work is not slower, only second in line."""


class WorkerDied(RuntimeError):
    """The worker process handling a job exited before answering it."""


class Worker:
    """One worker process and the thread in the acking process that reads its answers."""

    def __init__(self, pool: WorkerPool, index: int, method: str, inherited: list[Connection]) -> None:
        """Start the process (`method`: fork or spawn); `inherited`: the other workers' pipe ends a forked one
        closes, so that it sees the acking process go away. The reader starts with `listen`."""
        self.pool = pool
        self.index = index
        self.pending: dict[int, Future[Any]] = {}
        self.lock = threading.Lock()  # sending, and `pending`
        context = multiprocessing.get_context("fork") if method == FORK else multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self.conn: Connection = ours
        self.process: BaseProcess = context.Process(
            target=serve, name=f"quorum-worker-{index}", daemon=True,
            args=(theirs, pool.build, logging.getLogger().level, [*inherited, ours] if method == "fork" else []))
        self.process.start()
        theirs.close()
        self.reader = threading.Thread(target=self.read, name=f"quorum-worker-{index}-answers", daemon=True)

    def listen(self) -> Worker:
        self.reader.start()
        return self

    def submit(self, job: int, method: str, args: tuple[Any, ...]) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()  # under way: an awaiting listener cancelled does not cancel the job
        with self.lock:
            self.pending[job] = future
            try:
                self.conn.send((job, method, args))
            except (OSError, ValueError) as error:  # the process is gone; `read` restarts it
                del self.pending[job]
                future.set_exception(WorkerDied(f"worker {self.index}: {error}"))
        return future

    def read(self) -> None:
        """Answers and notes until the process exits; then fail what it left unanswered."""
        try:
            while True:
                message = self.conn.recv()
                if message[0] == "note":
                    self.pool.note(message[1])
                    continue
                _, job, ok, value = message
                with self.lock:
                    future = self.pending.pop(job)
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (EOFError, OSError):
            pass
        with self.lock:
            left, self.pending = self.pending, {}
        for future in left.values():
            future.set_exception(WorkerDied(f"worker {self.index} exited (code {self.process.exitcode})"))
        self.pool.exited(self)

    def close(self) -> None:
        with self.lock, suppress(OSError, ValueError):  # already gone: nothing to tell it
            self.conn.send(None)
        self.process.join(JOIN_SECONDS)
        if self.process.is_alive():
            log.error("worker %d did not exit in %.0f s: terminated", self.index, JOIN_SECONDS)
            self.process.terminate()
            self.process.join(5)
        self.reader.join(5)
        self.conn.close()


class WorkerPool:
    """`count` processes, each running `build(note)`'s object; `submit(key, method, *args)` calls
    `getattr(obj, method)(*args)` in the process `key` routes to."""

    def __init__(self, count: int, build: Build, on_note: Callable[[Note], None] | None = None) -> None:
        if count < 1:
            raise ValueError("a worker pool needs at least one process")
        self.build = build
        self.on_note = on_note
        self._jobs = numbers()
        self._closing = False
        self._lock = threading.Lock()
        method = "fork" if FORK in multiprocessing.get_all_start_methods() and threading.active_count() == 1 \
            else "spawn"
        self.start_method = method
        started: list[Worker] = []
        for index in range(count):  # every process before any reader thread: forking, this process has no other
            started.append(Worker(self, index, method, [worker.conn for worker in started]))
        self.workers = [worker.listen() for worker in started]

    def route(self, key: str) -> Worker:
        """A key's worker: always the same one for a key (a conversation), spread evenly over the workers."""
        return self.workers[zlib.crc32(key.encode()) % len(self.workers)]

    def submit(self, key: str, method: str, *args: Any) -> Future[Any]:
        return self.route(key).submit(next(self._jobs), method, args)

    async def call(self, key: str, method: str, *args: Any) -> Any:
        """`submit` from an event loop: awaits the answer without blocking the loop."""
        return await asyncio.wrap_future(self.submit(key, method, *args))

    def broadcast(self, method: str, *args: Any) -> None:
        """Call `method` in every worker (a cache to drop everywhere); not waited for."""
        for worker in list(self.workers):
            worker.submit(next(self._jobs), method, args)

    def note(self, note: Note) -> None:
        if self.on_note is not None:
            try:
                self.on_note(note)
            except Exception:
                log.exception("a worker's note %.200r was not taken", note)

    def exited(self, worker: Worker) -> None:
        with self._lock:
            if self._closing:
                return
            log.error("worker %d exited unexpectedly (code %s); starting it again", worker.index,
                      worker.process.exitcode)
        time.sleep(RESTART_DELAY_SECONDS)  # one that cannot start (no database) is not respawned in a tight loop
        with self._lock:
            if not self._closing:  # spawned: this process runs threads now, and a fork would copy their locks
                self.workers[worker.index] = Worker(self, worker.index, "spawn", []).listen()

    def close(self) -> None:
        """Let every worker finish the jobs it was given, then stop it (after the caller's drain)."""
        with self._lock:
            self._closing = True
        for worker in self.workers:
            worker.close()


def serve(conn: Connection, build: Build, log_level: int, inherited: list[Connection]) -> None:
    """A worker process: build the object, then run each job in a thread and send its answer, until told to stop."""
    for other in inherited:  # a forked worker's copies of the acking process's pipe ends
        other.close()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    if not logging.getLogger().handlers:  # spawned (a forked worker has the acking process's logging)
        logging.basicConfig(level=log_level, format=LOG_FORMAT)
    send_lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with send_lock, suppress(OSError, ValueError):  # the acking process is gone: nobody to tell
            conn.send(message)

    target = build(lambda note: send(("note", note)))
    # As the acking process does: no full collection walks the start-up heap in the middle of a reply. A forked
    # worker's inherited heap was frozen before the fork and is not walked here either, so its pages stay shared.
    settle_heap()
    threads = ThreadPoolExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4), thread_name_prefix="job")

    def run(job: int, method: str, args: tuple[Any, ...]) -> None:
        try:
            value = getattr(target, method)(*args)
        except Exception as error:
            log.exception("worker job %s failed", method)
            send(("answer", job, False, _picklable(error)))
        else:
            send(("answer", job, True, value))

    try:
        while (message := conn.recv()) is not None:
            threads.submit(run, *message)
    except EOFError:
        # The acking process died without closing us (SIGKILL, a crash): die with it, as its threads would
        # have. What it acknowledged and committed is posted by the next process's tick after the claim lease.
        os._exit(1)
    threads.shutdown(wait=True)
    conn.close()


def _picklable(error: Exception) -> Exception:
    """`error` itself when it survives the trip to the acking process, else its words in a RuntimeError."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class NotingObserver:
    """A worker's core's observer: tells each observation to the acking process, whose observer counts it."""

    def __init__(self, note: Callable[[Note], None]) -> None:
        self.note = note

    def handled(self, inbound: Inbound) -> None:
        self.note(("handled", inbound))

    def delivered(self, kind: str, result: SendResult) -> None:
        self.note(("delivered", kind, result))


def observe(observer: Observer, note: Note) -> None:
    """Hand a `NotingObserver`'s note to `observer`, as if the core it came from were this process's."""
    match note:
        case ("handled", inbound):
            observer.handled(inbound)
        case ("delivered", kind, result):
            observer.delivered(kind, result)
        case _:
            log.warning("a worker's note %.200r is not an observation", note)
