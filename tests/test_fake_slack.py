"""The fake Slack, checked with the real clients (slack_sdk's WebClient and Socket Mode client, Bolt, slack_sdk's
SignatureVerifier): if these pass, adapter tests built on it speak the protocol production speaks."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.fake_slack import (
    FakeSlack,
    block_action,
    event_body,
    form_body,
    interactive_body,
    message_event,
    sign,
    slash_command,
)

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_user("U1", "alice", "Alice Wang", tz="Europe/Berlin", locale="de-DE", display_name="ali")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5)


def test_posts_updates_reactions_and_people_are_kept_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Agenda*"}}]
    posted = client.chat_postMessage(channel="C1", text="Agenda", blocks=blocks)
    client.chat_update(channel="C1", ts=posted["ts"], text="Agenda (edited)", blocks=[])
    dm = client.conversations_open(users="U1")["channel"]["id"]
    client.chat_postMessage(channel=dm, text="just you", thread_ts=posted["ts"])
    client.reactions_add(channel="C1", timestamp=posted["ts"], name="white_check_mark")

    assert fake.messages("C1") == [{"ts": posted["ts"], "text": "Agenda (edited)", "blocks": [], "user": "UBOT",
                                    "thread_ts": None}]
    assert [m["text"] for m in fake.messages("DU1")] == ["just you"]
    assert fake.reactions("C1", posted["ts"]) == ["white_check_mark"]
    assert fake.calls("chat.postMessage")[0].args["blocks"] == blocks  # JSON arguments decoded, as sent
    assert fake.calls("chat.postMessage")[0].token == BOT_TOKEN
    assert client.users_info(user="U1", include_locale=True)["user"]["locale"] == "de-DE"
    assert "locale" not in client.users_info(user="U1")["user"]  # as Slack: only when asked for


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda c: c.chat_update(channel="C1", ts="1.0", text="x"), "message_not_found", id="update"),
        pytest.param(lambda c: c.users_info(user="U9"), "user_not_found", id="stranger"),
        pytest.param(lambda c: c.api_call("chat.scheduleMessage"), "unknown_method", id="unserved-method"),
        pytest.param(lambda c: WebClient(base_url=c.base_url).chat_postMessage(channel="C1", text="x"),
                     "not_authed", id="no-token"),
    ],
)
def test_mistakes_the_adapter_could_make_are_refused_as_slack_does(
    client: WebClient, call: Any, error: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        call(client)
    assert refused.value.response["error"] == error


def test_injected_failures_answer_the_next_calls_only(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    fake.fail_next("reactions.add", status=503, times=2)
    fake.fail_next("chat.update", error="cant_update_message")
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="x")
    assert (limited.value.response.status_code, limited.value.response.headers["Retry-After"]) == (429, "7")
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.reactions_add(channel="C1", timestamp="1.0", name="eyes")
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert refused.value.response.status_code == 200 and refused.value.response["error"] == "cant_update_message"
    assert [c.status for c in fake.calls("reactions.add")] == [503, 503]
    fake.reply_next("auth.test", 200, {"ok": True, "team_id": "T9", "user_id": "U9"})
    assert client.auth_test()["team_id"] == "T9"


def test_slack_sdk_waits_out_a_429_and_tries_again(fake: FakeSlack) -> None:
    retrying = WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5,
                         retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    assert retrying.chat_postMessage(channel="C1", text="after a pause")["ok"] is True
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]


def test_files_upload_v2_round_trip(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="minutes follow")
    client.files_upload_v2(content="# Minutes", filename="minutes.md", channel="C1", thread_ts=parent["ts"])
    (upload,) = fake.uploads()
    assert (upload.filename, upload.content, upload.channel_id, upload.thread_ts, upload.completed) == (
        "minutes.md", b"# Minutes", "C1", parent["ts"], True)


def test_socket_mode_pushes_envelopes_and_records_acks(fake: FakeSlack) -> None:
    requests: list[SocketModeRequest] = []

    async def body() -> str:
        async def on_request(sm: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
            requests.append(request)
            await sm.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

        sm = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url, timeout=5))
        sm.socket_mode_request_listeners.append(on_request)
        try:
            await sm.connect()  # type: ignore[no-untyped-call]
            await asyncio.to_thread(fake.wait_connected)
            event = message_event("hello", "U1", "C1", ts="1700000001.000200")
            envelope = await asyncio.to_thread(fake.push, "events_api", event, 2, "timeout")
            assert await asyncio.to_thread(fake.wait_for_ack, envelope) == {"envelope_id": envelope}
            return envelope
        finally:
            await sm.close()  # type: ignore[no-untyped-call]

    envelope = asyncio.run(asyncio.wait_for(body(), 20))
    (request,) = requests
    assert (request.type, request.envelope_id, request.retry_attempt, request.retry_reason) == (
        "events_api", envelope, 2, "timeout")
    assert request.payload["event"]["text"] == "hello"
    assert fake.calls("apps.connections.open")[0].token == APP_TOKEN


def test_push_without_a_connection_is_bounded(fake: FakeSlack) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        fake.push("events_api", message_event("hi", "U1", "C1"), timeout=0.2)
    assert time.monotonic() - started < 2


def test_signed_bodies_are_what_bolt_and_slack_sdk_accept(fake: FakeSlack, client: WebClient) -> None:
    body = form_body(slash_command("agenda add budget", "U1", "C1"))
    headers = sign(body, SECRET)
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(body, sign(body, SECRET, timestamp=1531420618))

    app = App(signing_secret=SECRET, client=client)
    app.command("/meeting")(lambda ack, command: ack(f"ok {command['text']}"))
    app.action("approve")(lambda ack: ack())
    app.event("message")(lambda: None)

    def post(body: str, content_type: str, secret: str = SECRET) -> Any:
        headers: dict[str, str | Sequence[str]] = {**sign(body, secret), "Content-Type": content_type}
        return app.dispatch(BoltRequest(body=body, headers=headers))

    form = "application/x-www-form-urlencoded"
    assert (post(body, form).status, post(body, form).body) == (200, "ok agenda add budget")
    assert post(interactive_body(block_action("U1", "C1", "1.000100", "approve", "v")), form).status == 200
    assert post(event_body(message_event("hi", "U1", "C1")), "application/json").status == 200
    assert post(body, form, secret="wrong").status == 401


def test_oauth_install_wire(fake: FakeSlack) -> None:
    """The authorize page sends the browser back with a code; slack_sdk's `oauth_v2_access` (client id and
    secret as HTTP Basic auth) exchanges it once for the team's token; `auth.test` answers for each token."""
    fake.client = ("1111.2222", "dummy-secret")
    fake.redirect_url = "http://127.0.0.1:9/slack/oauth_redirect"
    team = fake.install_next("TB", "Beta Ltd", "xoxb-dummy-b")

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    with pytest.raises(urllib.error.HTTPError) as found:
        urllib.request.build_opener(Stop).open(f"{fake.authorize_url}?client_id=1111.2222&state=s1", timeout=5)
    location = urllib.parse.urlsplit(found.value.headers["Location"])
    query = dict(urllib.parse.parse_qsl(location.query))
    assert location.path == "/slack/oauth_redirect" and query["state"] == "s1"

    web = WebClient(base_url=fake.api_url)
    with pytest.raises(SlackApiError, match="invalid_client"):
        web.oauth_v2_access(client_id="1111.2222", client_secret="wrong", code=query["code"])
    fake.install_next("TB", "Beta Ltd", "xoxb-dummy-b")
    with pytest.raises(urllib.error.HTTPError) as found:
        urllib.request.build_opener(Stop).open(f"{fake.authorize_url}?client_id=1111.2222&state=s2", timeout=5)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(found.value.headers["Location"]).query))["code"]
    answer = web.oauth_v2_access(client_id="1111.2222", client_secret="dummy-secret", code=code)
    assert (answer["access_token"], answer["team"]["id"]) == ("xoxb-dummy-b", "TB")
    with pytest.raises(SlackApiError, match="invalid_code"):  # a code works once
        web.oauth_v2_access(client_id="1111.2222", client_secret="dummy-secret", code=code)
    assert WebClient(token=team.bot_token, base_url=fake.api_url).auth_test()["team_id"] == "TB"
    assert WebClient(token=BOT_TOKEN, base_url=fake.api_url).auth_test()["team_id"] == "T1"
