"""DingTalk's HTTP callback mode: signed, fresh requests only, then the same path as a Stream frame."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import time_machine
from aiohttp import web
from sqlmodel import Session, select

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import DingTalkAdapter
from adapters.dingtalk.callback import CALLBACK_PATH, callback_app, verified
from store.models import Meeting
from tests import fake_dingtalk as fd
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.local_server import wait_until


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
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{CALLBACK_PATH}", method="POST",
                                         data=json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, sqlite_file_url: str) -> Iterator[tuple[Server, DingTalkAdapter]]:
    with fd.FakeDingTalk() as fake:
        fd.patch_sdk_endpoint(monkeypatch, fake.endpoint)
        api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID)
        adapter = DingTalkAdapter(migrated_core(make_settings(sqlite_file_url)), api)
        started = Server(callback_app(adapter, fd.CLIENT_SECRET))
        yield started, adapter
        started.close()


def meetings(adapter: DingTalkAdapter) -> list[str]:
    with Session(adapter.core.engine) as session:
        return [m.title for m in session.exec(select(Meeting))]


def test_a_signed_message_is_handled_and_bad_ones_are_refused(server: tuple[Server, DingTalkAdapter]) -> None:
    http, adapter = server
    message = fd.chatbot_message(' 新建 "周会" 明天下午3点', "zhang", "张三", "2", fd.conversation_id("g"))
    # the callback checks timestamps against time.time() itself (and the adapter's clock is the real one):
    # pin the machine's clock to know what "two hours ago" is
    with time_machine.travel(MONDAY_9AM, tick=True):
        assert http.post(message, fd.outgoing_headers("wrong-secret")) == 401
        two_hours_ago = int(MONDAY_9AM.timestamp() * 1000) - 2 * 3600 * 1000
        assert http.post(message, fd.outgoing_headers(fd.CLIENT_SECRET, two_hours_ago)) == 401
        assert http.post(message, {"Content-Type": "application/json"}) == 401
        assert meetings(adapter) == []
        assert http.post(message, fd.outgoing_headers(fd.CLIENT_SECRET)) == 200
        assert wait_until(lambda: meetings(adapter)) == ["周会"]


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
