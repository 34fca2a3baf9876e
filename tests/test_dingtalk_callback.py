"""DingTalk's HTTP callback mode: signed, fresh requests only, each signature once, then the same path as a
Stream frame. The app's clock is fixed (MONDAY_9AM); nothing here reads the wall clock."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from aiohttp import web
from sqlmodel import Session, col, select

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CARD, DingTalkAdapter, QuorumStreamClient
from adapters.dingtalk.callback import CALLBACK_PATH, MAX_AGE_MS, SeenSigns, callback_app, verified
from adapters.dingtalk.run import serve
from store.models import Meeting
from tests import fake_dingtalk as fd
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.local_server import Serving, free_port, listening, wait_until


class Server:
    """The callback app on 127.0.0.1, in a thread with its own loop."""

    def __init__(self, app: web.Application) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def post(self, body: dict[str, object], headers: dict[str, str]) -> int:
        return self.post_raw(json.dumps(body).encode(), headers)

    def post_raw(self, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{CALLBACK_PATH}", method="POST",
                                         data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


Served = tuple[Server, DingTalkAdapter, fd.FakeDingTalk]
NOW = MONDAY_9AM
NOW_MS = int(NOW.timestamp() * 1000)
GROUP = fd.conversation_id("g")


@pytest.fixture
def server(sqlite_file_url: str) -> Iterator[Served]:
    with fd.FakeDingTalk() as fake:
        api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
        adapter = DingTalkAdapter(migrated_core(make_settings(sqlite_file_url)), api, clock=lambda: NOW)
        started = Server(callback_app(adapter, fd.CLIENT_SECRET, clock=lambda: NOW))
        yield started, adapter, fake
        started.close()


def meetings(adapter: DingTalkAdapter) -> list[str]:
    with Session(adapter.core.engine) as session:
        return [m.title for m in session.exec(select(Meeting).order_by(col(Meeting.id)))]


def new_meeting(title: str, when: str = "明天下午3点") -> dict[str, object]:
    return fd.chatbot_message(f' 新建 "{title}" {when}', "zhang", "张三", now_ms=NOW_MS, group=GROUP)


def test_a_signed_message_is_handled_and_bad_ones_are_refused(server: Served) -> None:
    http, adapter, _ = server
    message = new_meeting("周会")
    assert http.post(message, fd.outgoing_headers(NOW_MS, "wrong-secret")) == 401
    assert http.post(message, fd.outgoing_headers(NOW_MS - 2 * 3600 * 1000)) == 401
    assert http.post(message, {"Content-Type": "application/json"}) == 401
    assert meetings(adapter) == []
    assert http.post(message, fd.outgoing_headers(NOW_MS)) == 200
    assert wait_until(lambda: meetings(adapter)) == ["周会"]


def test_a_captured_signature_works_once(server: Served) -> None:
    """The sign covers the timestamp, not the body: replaying the pair with another body is refused."""
    http, adapter, _ = server
    headers = fd.outgoing_headers(NOW_MS - 1000)
    assert http.post(new_meeting("周会"), headers) == 200
    assert wait_until(lambda: meetings(adapter)) == ["周会"]
    assert http.post(new_meeting("伪造的会"), headers) == 401
    assert http.post(new_meeting("周会"), headers) == 401
    # a new pair is fine (at another hour: the same one would clash with 周会 and wait for 张三's yes)
    assert http.post(new_meeting("第二个会", "明天下午4点"), fd.outgoing_headers(NOW_MS)) == 200
    assert wait_until(lambda: len(meetings(adapter)) == 2 and meetings(adapter)) == ["周会", "第二个会"]


@pytest.mark.parametrize("foreign", [True, False], ids=["foreign-webhook-ignored", "dingtalk-webhook-used"])
def test_the_reply_goes_to_a_dingtalk_webhook_only(server: Served, foreign: bool) -> None:
    """A signed body may still name any reply URL: one off DingTalk's hosts is ignored, the OpenAPI answers."""
    http, _, fake = server
    with fd.FakeDingTalk() as elsewhere:  # a local server this adapter was not configured with
        webhook = elsewhere.session_webhook() if foreign else fake.session_webhook()
        message = fd.chatbot_message(" 帮助", "zhang", "张三", now_ms=NOW_MS, group=GROUP, session_webhook=webhook)
        assert http.post(message, fd.outgoing_headers(NOW_MS)) == 200
        wait_until(lambda: fake.messages("oto", "zhang"))  # help, to the one who asked, in his 1:1 chat
        # the group's pointer to it: by the webhook when it is DingTalk's, else through the OpenAPI
        wait_until(lambda: fake.replies() or fake.messages("group"))
        assert elsewhere.calls() == []
        assert bool(fake.replies()) is not foreign and bool(fake.messages("group", GROUP)) is foreign


def test_malformed_bodies_are_refused_without_a_trace(server: Served) -> None:
    http, adapter, _ = server
    assert http.post_raw(b"not json", fd.outgoing_headers(NOW_MS)) == 400
    assert http.post_raw(b"[1, 2]", fd.outgoing_headers(NOW_MS - 1)) == 400
    assert meetings(adapter) == []


def test_seen_signs_forget_a_pair_once_it_is_stale_and_refuse_when_full() -> None:
    seen = SeenSigns(capacity=2)
    assert seen.first_use("1000", "a", now_ms=1000) is True
    assert seen.first_use("1000", "a", now_ms=2000) is False
    assert seen.first_use("1500", "b", now_ms=2000) is True
    assert seen.first_use("1600", "c", now_ms=2000) is None  # full of fresh pairs: refuse, forget nothing
    later = 1000 + MAX_AGE_MS + 1  # "a" could no longer pass the freshness check
    assert seen.first_use("1600", "c", now_ms=later) is True and len(seen) == 2
    assert seen.first_use("1500", "b", now_ms=later) is False


@pytest.mark.parametrize(
    ("offset_ms", "ok"),
    [
        pytest.param(0, True, id="now"),
        pytest.param(-59 * 60 * 1000, True, id="59-min-old"),
        pytest.param(-61 * 60 * 1000, False, id="61-min-old"),
        pytest.param(61 * 60 * 1000, False, id="from-the-future"),
    ],
)
def test_the_one_hour_window(offset_ms: int, ok: bool) -> None:
    now = 1_800_000_000_000
    stamp = str(now + offset_ms)
    assert verified(stamp, fd.outgoing_sign(stamp, "s3cret"), "s3cret", now_ms=now) is ok


def test_http_mode_receives_messages_over_http_and_card_clicks_over_stream(sqlite_file_url: str) -> None:
    with fd.FakeDingTalk(ping_interval=0.2) as fake:
        api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
        adapter = DingTalkAdapter(migrated_core(make_settings(sqlite_file_url)), api, clock=lambda: NOW)
        port = free_port()
        clicks = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, topics=(TOPIC_CARD,))
        settings = make_settings(sqlite_file_url, QUORUM_OPS_ADDRESS="off")
        runner = Serving(lambda stop: serve(adapter, clicks, settings, ("127.0.0.1", port), stop))
        try:
            fake.wait_connected()
            wait_until(lambda: listening(port))  # the stream may connect before the HTTP server has bound
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as health:
                assert json.loads(health.read())["status"] == "ok"  # operations on the callback's own port too
            (opened,) = fake.calls(fd.OPEN_CONNECTION)
            assert opened.body["subscriptions"] == [{"type": "CALLBACK", "topic": TOPIC_CARD}]
            request = urllib.request.Request(f"http://127.0.0.1:{port}{CALLBACK_PATH}", method="POST",
                                             data=json.dumps(new_meeting("周会")).encode(),
                                             headers=fd.outgoing_headers(NOW_MS))
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            card = wait_until(lambda: fake.cards())[0]
            yes = next(b["id"] for b in card.buttons() if b["params"]["command"].startswith("rsvp 1 yes"))
            fake.click(card.out_track_id, "li", yes)
            wait_until(lambda: (updated := fake.card(card.out_track_id)) is not None and updated.updates >= 1)
        finally:
            runner.stop()
