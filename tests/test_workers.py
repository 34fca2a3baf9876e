"""Worker processes (`adapters/workers.py`): the work after an ack runs outside the process that acks.

First the pool on its own (routing by key, answers, errors, notes, a worker that dies, SIGTERM), with a small
target defined here; then `quorum slack`'s shape: a Slack adapter whose every event is handled by its workers
(the in-process core made to fail, so nothing could pass without them), one conversation's events still in the
order they were said, the core's observations counted in the acking process, and the drain waiting for the
workers' replies.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, col, select

from adapters.clock import running_from
from adapters.slack.app import SlackAdapter
from adapters.workers import RESTART_DELAY_SECONDS, WorkerDied, WorkerPool
from adapters.workers import Note as WorkerNote
from bot.core import SendResult
from bot.events import Inbound
from store.models import Note
from tests import fake_slack as fs
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.local_server import wait_until
from tests.test_slack_adapter import BOT_TOKEN, SECRET, HttpDriver
from tests.worker_target import Target


@pytest.fixture
def notes() -> list[WorkerNote]:
    return []


@pytest.fixture
def pool(notes: list[WorkerNote]) -> Iterator[WorkerPool]:
    started = WorkerPool(2, Target, notes.append)
    yield started
    started.close()


def keys_for_each_worker(pool: WorkerPool) -> list[str]:
    """One key routed to each worker."""
    found: dict[int, str] = {}
    for number in range(1000):
        found.setdefault(pool.workers.index(pool.route(f"C{number}")), f"C{number}")
    return [found[index] for index in range(len(pool.workers))]


def test_a_key_always_reaches_the_same_worker_and_its_answer_comes_back(pool: WorkerPool) -> None:
    first, second = keys_for_each_worker(pool)
    pids = {key: {pool.submit(key, "pid").result(30) for _ in range(5)} for key in (first, second)}
    assert len(pids[first]) == len(pids[second]) == 1  # always the same process for a key …
    assert pids[first] != pids[second] and os.getpid() not in pids[first] | pids[second]  # … and not this one


def test_an_error_and_a_note_reach_the_caller(pool: WorkerPool, notes: list[WorkerNote]) -> None:
    async def call() -> tuple[int, BaseException | None]:
        told = await pool.call("C1", "tell", 7)
        try:
            await pool.call("C1", "fail", "no such meeting")
        except ValueError as error:
            return told, error
        return told, None

    told, error = asyncio.run(call())
    assert told == 7 and str(error) == "no such meeting"
    wait_until(lambda: notes)
    assert notes == [("told", 7)]


def test_a_worker_that_dies_fails_its_job_and_is_started_again(pool: WorkerPool,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The pause before a restart (so that a worker that cannot start is not respawned in a tight loop) is not
    # what this test is about: a tenth of it.
    monkeypatch.setattr("adapters.workers.RESTART_DELAY_SECONDS", RESTART_DELAY_SECONDS / 10)
    before = pool.submit("C1", "pid").result(30)
    with pytest.raises(WorkerDied):
        pool.submit("C1", "die").result(30)
    after = wait_until(lambda: _answer(pool, "C1"), timeout=60)
    assert after != before


def _answer(pool: WorkerPool, key: str) -> int | None:
    try:
        return int(pool.submit(key, "pid").result(30))
    except WorkerDied:  # asked before the new process was in place
        return None


def test_sigterm_leaves_a_worker_to_finish_what_it_was_given(notes: list[WorkerNote]) -> None:
    pool = WorkerPool(1, Target, notes.append)
    (worker,) = pool.workers
    pid = pool.submit("C1", "pid").result(30)
    job = pool.submit("C1", "slowly", 1.0)
    os.kill(pid, signal.SIGTERM)  # as a service manager signals the whole process group
    pool.close()
    assert job.result(0) == pid and worker.process.exitcode == 0


# ---- Slack, as `quorum slack` runs it ------------------------------------------------------------------------
class Counted:
    """The acking process's observer: what its workers' cores handled and how their posts went."""

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.results: list[SendResult] = []

    def handled(self, inbound: Inbound) -> None:
        self.kinds.append(inbound.kind)

    def delivered(self, kind: str, result: SendResult) -> None:
        self.results.append(result)


def in_process(*_: Any) -> Any:
    raise AssertionError("handled in the acking process")


def test_slack_events_are_handled_by_the_workers_in_order_and_drained(sqlite_file_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", "Alice Wang", tz="Asia/Shanghai", locale="en-US", display_name="alice")
        fake.add_user("U2", "bob", "Bob Li", tz="Asia/Shanghai", locale="en-US", display_name="bob")
        core = migrated_core(make_settings(sqlite_file_url))
        adapter = SlackAdapter(core, BOT_TOKEN, SECRET, fake.api_url, clock=running_from(MONDAY_9AM))
        counted = Counted()
        core.observer = counted
        adapter.start_workers(2)
        monkeypatch.setattr(core, "handle", in_process)
        driver = HttpDriver(adapter)
        try:
            driver.command("U1", "C1", 'new "Sync" today 9:30 with <@U2|bob>')  # soon: its start asks nothing
            driver.command("U1", "C1", "start 1")
            lines = [f"#info point {number}" for number in range(1, 7)]
            for line in lines:  # acked at once, one after the other: handled in this order
                driver.event(fs.message_event(line, "U1", "C1"))
            driver.command("U2", "C2", "help")  # another conversation, meanwhile
            # the drain: once every acknowledged event is finished, its replies are out
            asyncio.run_coroutine_threadsafe(adapter.order.idle(), driver.loop).result(60)
            assert fake.calls("chat.postEphemeral")  # the help, in C2
            assert any("Sync" in message["text"] for message in fake.messages("C1"))
            with Session(core.engine) as session:
                said = session.exec(select(Note.text).order_by(col(Note.seq))).all()
            assert list(said) == [line.removeprefix("#info ") for line in lines]
            assert counted.kinds.count("command") == 3 and counted.kinds.count("message") == len(lines)
            assert "sent" in counted.results
        finally:
            driver.close()
            adapter.stop_workers()
