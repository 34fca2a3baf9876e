"""Operations, against real running adapters on 127.0.0.1: `/healthz`, `/metrics` and the SIGTERM drain.

Health and metrics run the adapters' own serving code (`serve_socket_mode`, the DingTalk `serve`) in a thread
against the local fake Slack and fake DingTalk, on a clock the test holds: healthy first, then a reply that has
waited too long, a database that went away (PostgreSQL behind a TCP proxy the test closes), a platform
connection that dropped, each a 503 saying which. The drain runs `quorum slack` and `quorum dingtalk` as
processes (`tests/platform_process.py`), sends a command whose reply the fake answers slowly, and signals
SIGTERM while that reply is in flight: the connection closes first, the reply is still posted, once, and the
process exits 0 with nothing left unsent in the outbox.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url
from sqlmodel import select

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import DingTalkAdapter, QuorumStreamClient
from adapters.dingtalk.run import serve as serve_dingtalk
from adapters.ops import Ops
from adapters.slack.run import EVENTS_PATH, build_adapter, serve_http, serve_socket_mode
from bot import outbox
from bot.config import Settings
from bot.core import Core
from bot.messages import OutMessage, Target
from store import repo
from store.database import make_engine, session_scope
from store.models import Notification, NotificationKind
from tests import fake_dingtalk as fd
from tests import fake_slack as fs
from tests.conftest import MONDAY_9AM, make_settings, own_schema_url, python_env
from tests.harness import ManualClock
from tests.local_server import Serving, free_port, listening, wait_until

BOT_TOKEN, APP_TOKEN, SECRET = "xoxb-test-token", "xapp-test-token", "test-signing-secret"
NOW_MS = int(MONDAY_9AM.timestamp() * 1000)
PROCESS_TIMEOUT = 60.0  # seconds for a platform process to start, or to drain and exit


# ---- helpers ----------------------------------------------------------------------------------------------
def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def health(base: str) -> tuple[int, dict[str, Any]]:
    status, body = get(base + "/healthz")
    return status, json.loads(body)


Scrape = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def metrics(base: str) -> Scrape:
    """Every sample of a scrape, by (name, sorted labels)."""
    status, body = get(base + "/metrics")
    assert status == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body) for sample in family.samples}


def sample(scrape: Scrape, name: str, **labels: str) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


def stale_reply(core: Core, platform: str, workspace: str, written_ago: timedelta, now: ManualClock) -> None:
    """An outbox row written `written_ago` and still not posted: it failed and waits out its backoff."""
    with session_scope(core.engine) as session:
        team = repo.workspace(session, platform, workspace, now())
        assert team.id is not None
        message = OutMessage(target=Target(kind="channel", channel="C9"), text="late", lang="en")
        row = outbox.row(team.id, platform, message, now() - written_ago)
        repo.add_notification(session, row | {"status": "pending", "due_at": now() + timedelta(minutes=5),
                                              "last_error": "HTTPError: 503"})


def scrape_when(base: str, ready: Callable[[Scrape], bool]) -> Scrape:
    """The first scrape for which `ready` holds (the adapter counts after its ack, in a worker thread)."""
    found: list[Scrape] = []

    def probe() -> bool:
        found[:] = [metrics(base)]
        return ready(found[0])

    wait_until(probe)
    return found[0]


class TcpProxy:
    """127.0.0.1:port → upstream, byte for byte, until `close` cuts every connection: a database that goes away."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.closed:  # accepted as it closed: refused after all
                    client.close()
                    return
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self.lock:
            self.closed = True
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept (close alone does not)
        self.listener.close()
        with self.lock:
            for end in self.sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()


# ---- Slack, Socket Mode, in a thread -----------------------------------------------------------------------
class RunningSlack:
    def __init__(self, fake: fs.FakeSlack, database_url: str) -> None:
        self.fake = fake
        self.clock = ManualClock(MONDAY_9AM)
        port = free_port()
        self.settings = make_settings(database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                                      SLACK_API_URL=fake.api_url, QUORUM_OPS_ADDRESS=f"127.0.0.1:{port}",
                                      QUORUM_OUTBOX_STALE_SECONDS="600", QUORUM_TICK_SECONDS="3600")
        self.adapter = build_adapter(self.settings, clock=self.clock)
        self.runner = Serving(lambda stop: serve_socket_mode(self.adapter, APP_TOKEN, self.settings, stop))
        self.base = f"http://127.0.0.1:{port}"
        fake.wait_connected()
        wait_until(lambda: listening(port) and health(self.base)[0] == 200)

    def command(self, text: str, user: str = "U1", channel: str = "C1") -> None:
        self.fake.wait_for_ack(self.fake.push("slash_commands", fs.slash_command(text, user, channel)))


@pytest.fixture
def slack(sqlite_file_url: str) -> Iterator[RunningSlack]:
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", locale="en-US")
        running = RunningSlack(fake, sqlite_file_url)
        try:
            yield running
        finally:
            running.runner.stop()


def test_slack_is_healthy_until_a_reply_waits_too_long(slack: RunningSlack) -> None:
    status, body = health(slack.base)
    assert status == 200
    assert body == {"status": "ok", "platform": "slack", "platform_connected": True, "database": "ok",
                    "notifications_pending": 0, "outbox_oldest_pending_seconds": None, "problems": []}

    stale_reply(slack.adapter.core, "slack", fs.TEAM_ID, timedelta(minutes=9), slack.clock)
    status, body = health(slack.base)
    assert status == 200 and body["outbox_oldest_pending_seconds"] == 540.0  # late, within the 600 s allowed

    slack.clock.advance(timedelta(minutes=2))
    status, body = health(slack.base)
    assert status == 503
    assert body["status"] == "unhealthy" and body["outbox_oldest_pending_seconds"] == 660.0
    assert body["problems"] == ["outbox: a reply has waited 660 s to be posted (more than 600 s)"]


def test_slack_metrics_move_after_a_command(slack: RunningSlack) -> None:
    before = metrics(slack.base)
    assert sample(before, "quorum_events_handled_total", platform="slack", kind="command") == 0
    assert sample(before, "quorum_sends_total", platform="slack", result="sent") == 0
    assert sample(before, "quorum_database_up", platform="slack") == 1

    slack.command("help")
    slack.fake.wait_for("chat.postEphemeral")
    # handled is counted once the event's replies are posted (and counted as sends): both, or a scrape in between
    after = scrape_when(slack.base, lambda m: sample(m, "quorum_sends_total", platform="slack", result="sent") >= 1
                        and sample(m, "quorum_events_handled_total", platform="slack", kind="command") >= 1)

    assert sample(after, "quorum_events_handled_total", platform="slack", kind="command") == 1
    posted = len(slack.fake.calls("chat.postEphemeral")) + len(slack.fake.calls("chat.postMessage"))
    assert sample(after, "quorum_sends_total", platform="slack", result="sent") == posted
    assert sample(after, "quorum_sends_total", platform="slack", result="retry") == 0
    assert sample(after, "quorum_ack_seconds_count", platform="slack") == 1
    assert sample(after, "quorum_ack_seconds_bucket", platform="slack", le="3.0") == 1
    assert sample(after, "quorum_notifications_pending", platform="slack") == 0
    assert sample(after, "quorum_escalations_sent_total", platform="slack") == 0

    slack.fake.fail_next("chat.postEphemeral", status=500, times=3)  # refused: kept for the tick, counted as retry
    slack.command("help")
    slack.fake.wait_for("chat.postEphemeral", count=2)
    wait_until(lambda: sample(metrics(slack.base), "quorum_sends_total", platform="slack", result="retry") == 1)
    stuck = metrics(slack.base)
    assert sample(stuck, "quorum_notifications_pending", platform="slack") == 0  # waiting out its backoff
    slack.clock.advance(timedelta(minutes=5))
    assert sample(metrics(slack.base), "quorum_notifications_pending", platform="slack") == 1
    assert sample(metrics(slack.base), "quorum_notification_oldest_pending_seconds", platform="slack") > 0


def test_escalations_are_counted_when_sent() -> None:
    core = Core(make_settings())
    ops = Ops(core, "console", ManualClock(MONDAY_9AM), lambda: True, timedelta(minutes=10))
    ops.delivered(NotificationKind.ITEM_ESCALATION, "sent")
    ops.delivered(NotificationKind.ITEM_ESCALATION, "retry")
    ops.delivered(NotificationKind.ITEM_OVERDUE, "sent")
    assert ops.escalations.labels("console")._value.get() == 1
    assert ops.sends.labels("console", "sent")._value.get() == 2
    assert core.observer is ops


def test_slack_http_mode_answers_on_its_own_port_and_drains(sqlite_file_url: str) -> None:
    """HTTP mode: /healthz and /metrics beside /slack/events on the app's port; stopping (what SIGTERM does)
    lets uvicorn answer what it has and finishes the reply still in flight before returning."""
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", locale="en-US")
        port = free_port()
        settings = make_settings(sqlite_file_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                                 SLACK_API_URL=fake.api_url, QUORUM_OPS_ADDRESS="off", QUORUM_TICK_SECONDS="3600")
        adapter = build_adapter(settings, clock=ManualClock(MONDAY_9AM))
        runner = Serving(lambda stop: serve_http(adapter, "127.0.0.1", port, settings, stop))
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: listening(port))
            assert health(base)[1]["platform_connected"] is True
            in_flight = fake.hold_next("chat.postEphemeral")
            body = fs.form_body(fs.slash_command("help", "U1", "C1"))
            request = urllib.request.Request(base + EVENTS_PATH, data=body.encode(), method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded", **fs.sign(body, SECRET)})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            fake.wait_started("chat.postEphemeral")
            assert sample(metrics(base), "quorum_ack_seconds_count", platform="slack") == 1

            def answer_once_stopping() -> None:  # Slack answers the reply only once stopping has closed the port
                wait_until(lambda: not listening(port))
                in_flight.set()

            threading.Thread(target=answer_once_stopping, daemon=True).start()
        finally:
            drained = runner.stop()
    assert drained
    assert in_flight.is_set()  # the reply was still in flight when the server stopped listening
    (reply,) = fake.calls("chat.postEphemeral")
    assert reply.status == 200
    assert unsent(sqlite_file_url) == []


# ---- a database that goes away (PostgreSQL behind a proxy) --------------------------------------------------
@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A schema of this test's own (the test leaves rows behind that no other test should count)."""
    yield from own_schema_url(pg_url, "quorum_ops_")


@pytest.mark.postgres
def test_slack_is_unhealthy_when_the_database_goes_away(pg_schema_url: str) -> None:
    url = make_url(pg_schema_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    with fs.FakeSlack() as fake:
        running = RunningSlack(fake, through)
        try:
            assert health(running.base)[0] == 200
            proxy.close()
            status, body = health(running.base)
            assert status == 503
            assert body["database"] == "unreachable" and body["platform_connected"] is True
            assert len(body["problems"]) == 1 and str(body["problems"][0]).startswith("database: OperationalError")
            assert sample(metrics(running.base), "quorum_database_up", platform="slack") == 0
        finally:
            running.runner.stop()
            running.adapter.core.engine.dispose()
            proxy.close()


# ---- DingTalk, Stream mode, in a thread ---------------------------------------------------------------------
def test_dingtalk_health_and_metrics(sqlite_file_url: str) -> None:
    with fd.FakeDingTalk(ping_interval=0.2) as fake:
        port = free_port()
        settings = make_settings(sqlite_file_url, QUORUM_OPS_ADDRESS=f"127.0.0.1:{port}", QUORUM_LANGUAGE="zh",
                                 QUORUM_TICK_SECONDS="3600")
        api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
        adapter = DingTalkAdapter(Core(settings), api, clock=ManualClock(MONDAY_9AM))
        stream = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, idle_seconds=30)
        runner = Serving(lambda stop: serve_dingtalk(adapter, stream, settings, None, stop))
        base = f"http://127.0.0.1:{port}"
        try:
            fake.wait_connected()
            wait_until(lambda: listening(port) and health(base)[0] == 200)
            assert health(base)[1]["platform_connected"] is True

            message = fd.chatbot_message("帮助", "zhang", "张三", now_ms=NOW_MS, group=fd.conversation_id("g"))
            fake.wait_for_ack(fake.push(fd.TOPIC_CHATBOT, message))
            wait_until(lambda: fake.replies() or fake.messages())
            scrape = scrape_when(base, lambda m: sample(m, "quorum_sends_total", platform="dingtalk",
                                                        result="sent") >= 1  # and, once they are counted:
                                 and sample(m, "quorum_events_handled_total", platform="dingtalk", kind="message") >= 1)
            assert sample(scrape, "quorum_events_handled_total", platform="dingtalk", kind="message") == 1
            assert sample(scrape, "quorum_ack_seconds_count", platform="dingtalk") == 1

            fake.stop()  # DingTalk goes away: the connection drops, the client keeps trying
            wait_until(lambda: health(base)[0] == 503)
            body = health(base)[1]
            assert body["problems"] == ["platform: not connected to dingtalk"] and body["database"] == "ok"
        finally:
            runner.stop()


# ---- SIGTERM drains a real process --------------------------------------------------------------------------
def start_process(platform: str, env: dict[str, str], log: Path, now: datetime = MONDAY_9AM,
                  args: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.platform_process", "--now", now.isoformat(),
             "--now-at", str(time.monotonic()), platform, *args],
            env=python_env(os.environ, **env), stdout=out, stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent)


def stopped(process: subprocess.Popen[bytes], log: Path) -> int:
    try:
        return process.wait(PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_if_running(process)
        raise AssertionError("the process did not exit after SIGTERM:\n" + log.read_text()) from None


def kill_if_running(process: subprocess.Popen[bytes]) -> None:
    """What a test leaves of its platform process, whatever failed: nothing."""
    if process.poll() is None:
        process.kill()
        process.wait(10)


def unsent(database_url: str) -> list[Notification]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return list(session.exec(select(Notification).where(Notification.status != "sent")).all())
    finally:
        engine.dispose()


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_sigterm_drains_quorum_slack(tmp_path: Path, mode: str) -> None:
    database_url = f"sqlite:///{tmp_path / 'quorum.db'}"
    log = tmp_path / "slack.log"
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", locale="en-US")
        ops_port, app_port = free_port(), free_port()
        env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake.api_url,
               "QUORUM_OPS_ADDRESS": f"127.0.0.1:{ops_port}", "QUORUM_TICK_SECONDS": "3600", "QUORUM_LANGUAGE": "en"}
        env |= {"SLACK_APP_TOKEN": APP_TOKEN} if mode == "socket" else {"SLACK_SIGNING_SECRET": SECRET}
        process = start_process("slack", env, log, args=("--host", "127.0.0.1", "--port", str(app_port)))
        try:
            wait_until(lambda: listening(ops_port) and health(f"http://127.0.0.1:{ops_port}")[0] == 200,
                       timeout=PROCESS_TIMEOUT)
            in_flight = fake.hold_next("chat.postEphemeral")  # Slack answers when the test lets it
            command = fs.slash_command("help", "U1", "C1")
            if mode == "socket":
                fake.wait_for_ack(fake.push("slash_commands", command))
            else:
                body = fs.form_body(command)
                request = urllib.request.Request(f"http://127.0.0.1:{app_port}{EVENTS_PATH}", data=body.encode(),
                                                 method="POST", headers={
                                                     "Content-Type": "application/x-www-form-urlencoded",
                                                     **fs.sign(body, SECRET)})
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200  # the ack
            fake.wait_started("chat.postEphemeral")  # the reply is in flight, Slack slow to answer

            process.send_signal(signal.SIGTERM)
            if mode == "socket":  # first: no more events taken (the connection is closed) …
                wait_until(lambda: fake.open_connections() == 0)
            else:
                wait_until(lambda: not listening(app_port))
            assert fake.calls("chat.postEphemeral") == []  # … while the reply is still on its way
            in_flight.set()
            code = stopped(process, log)
        finally:
            kill_if_running(process)
    assert code == 0, log.read_text()
    (reply,) = fake.calls("chat.postEphemeral")
    assert reply.status == 200 and reply.args["user"] == "U1"
    assert unsent(database_url) == []
    assert "drained: every acknowledged event handled" in log.read_text()


def test_a_reply_committed_by_a_killed_process_is_posted_by_the_next_one(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to drain: the acknowledged command's reply, committed to the outbox, is posted by
    the next process once the dead one's claim lease has passed."""
    database_url = f"sqlite:///{tmp_path / 'quorum.db'}"
    log = tmp_path / "slack.log"
    lease = 60
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", locale="en-US")
        env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
               "SLACK_API_URL": fake.api_url, "QUORUM_OPS_ADDRESS": "off", "QUORUM_TICK_SECONDS": "1",
               "QUORUM_CLAIM_LEASE_SECONDS": str(lease), "QUORUM_LANGUAGE": "en"}
        first = start_process("slack", env, log)
        try:
            fake.wait_connected(timeout=PROCESS_TIMEOUT)
            in_flight = fake.hold_next("chat.postEphemeral")
            fake.wait_for_ack(fake.push("slash_commands", fs.slash_command("help", "U1", "C1")))
            fake.wait_started("chat.postEphemeral")
            first.kill()
            first.wait(10)
            in_flight.set()  # Slack answers a process that is gone
            (row,) = unsent(database_url)
            assert row.status == "sending" and row.kind == NotificationKind.OUTBOX
            second = start_process("slack", env, log, now=MONDAY_9AM + timedelta(seconds=lease + 30))
            try:
                fake.wait_started("chat.postEphemeral", count=2, timeout=PROCESS_TIMEOUT)
                wait_until(lambda: not unsent(database_url), timeout=PROCESS_TIMEOUT)
                second.send_signal(signal.SIGTERM)
                assert stopped(second, log) == 0
            finally:
                if second.poll() is None:
                    second.kill()
                    second.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(10)
    posted = [call for call in fake.calls("chat.postEphemeral") if call.status == 200]
    assert posted and posted[-1].args["user"] == "U1"


def test_sigterm_drains_quorum_dingtalk(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'quorum.db'}"
    log = tmp_path / "dingtalk.log"
    with fd.FakeDingTalk(ping_interval=0.2) as fake:
        port = free_port()
        process = start_process("dingtalk", {
            "DATABASE_URL": database_url, "DINGTALK_CLIENT_ID": fd.CLIENT_ID,
            "DINGTALK_CLIENT_SECRET": fd.CLIENT_SECRET, "DINGTALK_OPENAPI_ENDPOINT": fake.endpoint,
            "DINGTALK_OAPI_ENDPOINT": fake.endpoint, "QUORUM_OPS_ADDRESS": f"127.0.0.1:{port}",
            "QUORUM_TICK_SECONDS": "3600"}, log)
        try:
            fake.wait_connected(timeout=PROCESS_TIMEOUT)
            in_flight = fake.hold_next(fd.SESSION_WEBHOOK)  # DingTalk answers when the test lets it
            message = fd.chatbot_message("帮助", "zhang", "张三", now_ms=NOW_MS, group=fd.conversation_id("g"))
            fake.wait_for_ack(fake.push(fd.TOPIC_CHATBOT, message))
            fake.wait_started(fd.SESSION_WEBHOOK)

            process.send_signal(signal.SIGTERM)
            wait_until(lambda: not fake.open_connections())
            assert fake.replies() == []
            in_flight.set()
            code = stopped(process, log)
        finally:
            kill_if_running(process)
    assert code == 0, log.read_text()
    assert len(fake.replies()) == 1
    assert unsent(database_url) == []


def test_the_ops_address_setting() -> None:
    assert make_settings().ops_endpoint == ("127.0.0.1", 9102)
    assert make_settings(QUORUM_OPS_ADDRESS="0.0.0.0:9200").ops_endpoint == ("0.0.0.0", 9200)
    assert make_settings(QUORUM_OPS_ADDRESS="off").ops_endpoint is None
    with pytest.raises(ValueError, match=r"127\.0\.0\.1:9102"):
        Settings(_env_file=None, QUORUM_OPS_ADDRESS="9102")


def test_an_empty_setting_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """docker compose passes every line of .env on, empty ones as "": an empty SLACK_APP_TOKEN is no token (HTTP
    mode), not an empty one (Socket Mode, refused by Slack)."""
    monkeypatch.setenv("SLACK_APP_TOKEN", "")
    monkeypatch.setenv("QUORUM_TICK_SECONDS", "")
    settings = Settings(_env_file=None)
    assert settings.slack_app_token is None and settings.tick_seconds == 30


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    """docker compose reads .env, which people copy from .env.example: a setting missing there is one nobody finds."""
    root = Path(__file__).resolve().parent.parent
    example, readme = (root / ".env.example").read_text(), (root / "README.md").read_text()
    for field in Settings.model_fields.values():
        assert f"\n{field.alias}=" in example, field.alias
        assert f"`{field.alias}`" in readme, field.alias
