"""The fake Slack, checked with the real clients: slack_sdk's WebClient/AsyncWebClient, its Socket Mode client,
the websockets library, Bolt (Socket Mode and HTTP) and slack_sdk's SignatureVerifier.

If these pass, adapter tests built on the fake exercise the same protocol the production adapter speaks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

import aiohttp
import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient
from websockets.sync.client import connect as ws_connect

from tests.fake_slack import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    Call,
    FakeSlack,
    app_home_opened,
    block_action,
    event_body,
    form_body,
    interactive_body,
    message_event,
    reaction_event,
    sign,
    slash_command,
    url_verification,
    view_submission,
)

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
T = TypeVar("T")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5)


def run(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
    """Run an async test body on a fresh loop, bounded."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def eventually(probe: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# ---------------------------------------------------------------- Web API


def test_post_update_delete_round_trip_with_recorded_calls(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Agenda*"}}]
    first = client.chat_postMessage(channel="C1", text="Agenda", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])

    assert first["ok"] is True and first["channel"] == "C1"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"] == {
        "user": BOT_USER_ID, "type": "message", "ts": first["ts"], "bot_id": BOT_ID, "app_id": APP_ID,
        "text": "Agenda", "team": TEAM_ID, "blocks": blocks,
    }
    assert second["message"]["thread_ts"] == first["ts"]
    assert second["message"]["parent_user_id"] == BOT_USER_ID

    updated = client.chat_update(channel="C1", ts=first["ts"], text="Agenda (final)")
    assert updated["ts"] == first["ts"] and updated["text"] == "Agenda (final)"
    assert updated["message"]["edited"]["user"] == BOT_USER_ID
    assert fake.message("C1", first["ts"])["text"] == "Agenda (final)"  # type: ignore[index]

    assert client.chat_delete(channel="C1", ts=second["ts"]).data == {"ok": True, "channel": "C1", "ts": second["ts"]}
    assert [m["ts"] for m in fake.messages("C1")] == [first["ts"]]
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C1", ts=second["ts"], text="gone")
    assert missing.value.response["error"] == "message_not_found"

    posts = fake.calls("chat.postMessage")
    assert posts[0] == Call("chat.postMessage", {"channel": "C1", "text": "Agenda", "blocks": blocks}, BOT_TOKEN)
    assert posts[1].args["thread_ts"] == first["ts"]
    assert [c.method for c in fake.calls()] == [
        "chat.postMessage", "chat.postMessage", "chat.update", "chat.delete", "chat.update",
    ]


def test_form_json_query_and_token_placement_are_all_understood(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "divider"}]
    # form-encoded, with blocks as the JSON string slack_sdk sends
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "form", "blocks": json.dumps(blocks)})
    client.api_call("chat.postMessage", json={"channel": "C1", "text": "json", "blocks": blocks})
    client.api_call("users.info", http_verb="GET", params={"user": BOT_USER_ID})
    tokenless = WebClient(base_url=fake.api_url, timeout=5)
    tokenless.api_call("auth.test", params={"token": "xoxb-in-body"})
    with pytest.raises(SlackApiError) as unauthenticated:
        tokenless.api_call("auth.test")

    form, as_json, query, in_body, _ = fake.calls()
    assert form.args == as_json.args | {"text": "form"}
    assert form.args["blocks"] == blocks and form.token == BOT_TOKEN
    assert query.args == {"user": BOT_USER_ID}
    assert in_body.token == "xoxb-in-body" and "token" not in in_body.args
    assert unauthenticated.value.response["error"] == "not_authed"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_validation_errors_match_slack(client: WebClient) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: client.chat_postMessage(channel="C1"), "no_text"),
        (lambda: client.chat_postMessage(channel="", text="x"), "channel_not_found"),
        (lambda: client.api_call("meetings.teleport"), "unknown_method"),
    ]
    for call, error in cases:
        with pytest.raises(SlackApiError) as failure:
            call()
        assert failure.value.response.status_code == 200
        assert failure.value.response.data == {"ok": False, "error": error}


def test_auth_test_ephemeral_dm_and_reactions(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == (BOT_USER_ID, BOT_ID, TEAM_ID)

    ephemeral = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert set(ephemeral.data) == {"ok", "message_ts"}

    dm = client.conversations_open(users="U1")
    assert dm["channel"] == {"id": "DU1"}
    assert client.conversations_open(users=["U1"])["already_open"] is True
    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == "DU1"

    client.reactions_add(channel="C1", timestamp="1.000001", name="white_check_mark")
    assert fake.reactions("C1", "1.000001") == ["white_check_mark"]
    with pytest.raises(SlackApiError) as twice:
        client.reactions_add(channel="C1", timestamp="1.000001", name="white_check_mark")
    assert twice.value.response["error"] == "already_reacted"
    client.reactions_remove(channel="C1", timestamp="1.000001", name="white_check_mark")
    with pytest.raises(SlackApiError) as absent:
        client.reactions_remove(channel="C1", timestamp="1.000001", name="white_check_mark")
    assert absent.value.response["error"] == "no_reaction"


def test_users_info_comes_from_the_registry(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "wang.li", "王丽")
    fake.add_user("U2", "ann", tz="Europe/Berlin", locale="de-DE", display_name="Ann")

    wang = client.users_info(user="U1", include_locale=True)["user"]
    assert (wang["id"], wang["name"], wang["real_name"], wang["tz"]) == ("U1", "wang.li", "王丽", "Asia/Shanghai")
    assert wang["tz_offset"] == 8 * 3600 and wang["locale"] == "zh-CN"
    assert wang["profile"]["real_name"] == "王丽" and wang["is_bot"] is False
    ann = client.users_info(user="U2")["user"]
    assert "locale" not in ann, "Slack only sends locale with include_locale=true"
    assert ann["profile"]["display_name"] == "Ann" and ann["real_name"] == "ann"

    with pytest.raises(SlackApiError) as unknown:
        client.users_info(user="U404")
    assert unknown.value.response.data == {"ok": False, "error": "user_not_found"}


def test_views_open_update_publish(fake: FakeSlack, client: WebClient) -> None:
    modal = {"type": "modal", "callback_id": "agenda", "title": {"type": "plain_text", "text": "Agenda"},
             "private_metadata": "m-1", "blocks": []}
    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "agenda"
    assert opened["private_metadata"] == "m-1" and opened["root_view_id"] == opened["id"]

    updated = client.views_update(view_id=opened["id"], view={**modal, "private_metadata": "m-2"})["view"]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "m-2"

    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    again = client.views_publish(user_id="U1", view={"type": "home", "blocks": [{"type": "divider"}]})["view"]
    assert home["id"] == again["id"] and fake.views()[home["id"]]["blocks"] == [{"type": "divider"}]
    with pytest.raises(SlackApiError):
        client.views_open(view=modal, trigger_id="")


def test_rate_limit_answers_429_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="x")
    response = limited.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True, "only the next call fails"


def test_rate_limit_retry_handler_retries_successfully(fake: FakeSlack) -> None:
    retrying = WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5,
                         retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=429, retry_after=0)

    assert retrying.chat_postMessage(channel="C1", text="after a pause")["ok"] is True
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]


def test_server_error_and_error_injection(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("reactions.add", status=500, times=2)
    fake.fail_next("chat.postMessage", error="channel_not_found")
    for _ in range(2):
        with pytest.raises(SlackApiError) as broken:
            client.reactions_add(channel="C1", timestamp="1.0", name="eyes")
        assert broken.value.response.status_code == 500
    assert client.reactions_add(channel="C1", timestamp="1.0", name="eyes")["ok"] is True

    with pytest.raises(SlackApiError) as not_found:
        client.chat_postMessage(channel="C1", text="x")
    assert not_found.value.response.status_code == 200
    assert not_found.value.response.data == {"ok": False, "error": "channel_not_found"}
    assert [c.status for c in fake.calls("reactions.add")] == [500, 500, 200]


def test_files_upload_v2_round_trip(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="minutes follow")
    result = client.files_upload_v2(
        content="# Minutes\n- decided: ship", filename="minutes.md", title="Minutes",
        channel="C1", initial_comment="Here are the minutes", thread_ts=parent["ts"],
    )

    assert result["file"]["title"] == "Minutes" and result["file"]["name"] == "minutes.md"
    (upload,) = fake.uploads()
    assert upload.file_id == result["file"]["id"]
    assert upload.content == b"# Minutes\n- decided: ship" and upload.length == len(upload.content)
    assert (upload.channel_id, upload.initial_comment, upload.thread_ts) == ("C1", "Here are the minutes", parent["ts"])
    assert upload.completed is True
    assert [c.method for c in fake.calls()][1:] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


def test_async_web_client_and_async_upload(fake: FakeSlack) -> None:
    async def body() -> None:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5)
        posted = await client.chat_postMessage(channel="C1", text="async")
        assert posted["ts"] == "1700000000.000100"
        uploaded = await client.files_upload_v2(content=b"\x00\x01binary", filename="blob.bin", channel="C1")
        assert uploaded["file"]["size"] == 8
        calls = await fake.wait_for_async("files.completeUploadExternal")
        assert calls[0].args["files"] == [{"id": uploaded["file"]["id"], "title": "blob.bin"}]

    run(body())
    assert fake.uploads()[0].content == b"\x00\x01binary"


def test_wait_for_is_bounded_and_sees_calls_from_other_threads(fake: FakeSlack, client: WebClient) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"chat.postMessage called 0/1"):
        fake.wait_for("chat.postMessage", timeout=0.2)
    assert time.monotonic() - started < 2

    poster = threading.Timer(0.1, lambda: [client.chat_postMessage(channel="C1", text=str(i)) for i in range(2)])
    poster.start()
    try:
        calls = fake.wait_for("chat.postMessage", count=2, timeout=5)
    finally:
        poster.join(5)
    assert [c.args["text"] for c in calls] == ["0", "1"]


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    payload = block_action("U1", "C1", "1700000000.000100", "approve", "m-1")
    assert payload["response_url"].startswith(f"{fake.base_url}/response/")

    WebhookClient(payload["response_url"], timeout=5).send(text="Approved", replace_original=True)
    (post,) = fake.wait_for_response()
    assert post.body == {"text": "Approved", "replace_original": True}
    assert fake.responses(post.response_id) == [post]


# ---------------------------------------------------------------- Socket Mode


def test_socket_mode_client_connects_receives_envelope_and_acks(fake: FakeSlack) -> None:
    async def body() -> None:
        seen: list[dict[str, Any]] = []
        requests: list[SocketModeRequest] = []

        async def on_message(_: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None) -> None:
            seen.append(message)

        async def on_request(sm: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
            requests.append(request)
            await sm.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

        sm = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url, timeout=5))
        sm.message_listeners.append(on_message)
        sm.socket_mode_request_listeners.append(on_request)
        try:
            await sm.connect()  # type: ignore[no-untyped-call]
            assert await fake.wait_connected_async() == 1
            event = message_event("hello <@UBOT>", "U1", "C1", ts="1700000001.000200")
            envelope_id = await fake.push_async("events_api", event, retry_attempt=1, retry_reason="timeout")

            assert await fake.wait_for_ack_async(envelope_id) == {"envelope_id": envelope_id}
            await eventually(lambda: sm.last_ping_pong_time is not None)  # the fake pongs sdk-ping-pong pings
        finally:
            await sm.close()  # type: ignore[no-untyped-call]

        assert seen[0]["type"] == "hello" and seen[0]["num_connections"] == 1
        assert seen[0]["connection_info"] == {"app_id": APP_ID}
        (request,) = requests
        assert (request.type, request.envelope_id, request.payload) == ("events_api", envelope_id, event)
        assert (request.retry_attempt, request.retry_reason, request.accepts_response_payload) == (1, "timeout", False)

    run(body())
    (connections_open,) = fake.calls("apps.connections.open")
    assert connections_open.token == APP_TOKEN


def test_socket_mode_disconnect_message_makes_the_client_reconnect(fake: FakeSlack) -> None:
    async def body() -> None:
        sm = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url, timeout=5))
        try:
            await sm.connect()  # type: ignore[no-untyped-call]
            await fake.wait_connected_async()
            await asyncio.to_thread(fake.disconnect, "refresh_requested")
            assert await fake.wait_connected_async(count=2) == 2
            await eventually(lambda: fake.connections == 1)
        finally:
            await sm.close()  # type: ignore[no-untyped-call]

    run(body())
    assert len(fake.calls("apps.connections.open")) == 2


def test_raw_websocket_protocol_envelope_shapes_and_ack_payload(fake: FakeSlack) -> None:
    with ws_connect(fake.socket_mode_url(), open_timeout=5, close_timeout=2) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert "host" in hello["debug_info"]

        command = slash_command("new standup", "U1", "C1")
        envelope_id = fake.push("slash_commands", command)
        envelope = json.loads(ws.recv(timeout=5))
        assert envelope == {
            "envelope_id": envelope_id, "payload": command, "type": "slash_commands", "accepts_response_payload": True,
        }
        ws.send(json.dumps({"envelope_id": envelope_id, "payload": {"text": "Standup created"}}))
        assert fake.wait_for_ack(envelope_id) == {"envelope_id": envelope_id, "payload": {"text": "Standup created"}}

        fake.push("interactive", view_submission("U1", "agenda"))
        assert json.loads(ws.recv(timeout=5))["accepts_response_payload"] is True
        fake.push("interactive", block_action("U1", "C1", "1.000100", "approve", "v"))
        clicked = json.loads(ws.recv(timeout=5))
        assert clicked["accepts_response_payload"] is False and "retry_attempt" not in clicked

        fake.disconnect("warning")
        assert json.loads(ws.recv(timeout=5)) == {
            "type": "disconnect", "reason": "warning", "debug_info": {"host": "applink-fake-slack"},
        }
    assert [e["type"] for e in fake.pushed()] == ["slash_commands", "interactive", "interactive"]


def test_socket_mode_rejects_unknown_tickets_and_bot_tokens(fake: FakeSlack, client: WebClient) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"ws://127.0.0.1:{fake.port}/socket-mode?ticket=forged")
            assert refused.value.status == 401

    run(body())
    with pytest.raises(SlackApiError) as wrong_token:
        client.apps_connections_open(app_token=BOT_TOKEN)
    assert wrong_token.value.response["error"] == "not_allowed_token_type"
    url = client.apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith(f"ws://127.0.0.1:{fake.port}/socket-mode?ticket=")


def test_push_without_a_connection_times_out(fake: FakeSlack) -> None:
    with pytest.raises(TimeoutError):
        fake.push("events_api", message_event("hi", "U1", "C1"), timeout=0.2)
    with pytest.raises(ValueError, match="envelope type"):
        fake.push("hello", {})  # type: ignore[arg-type]


def test_bolt_socket_mode_app_understands_every_payload_builder(fake: FakeSlack, client: WebClient) -> None:
    """Bolt routes each built payload to the right listener, so the shapes are the ones Slack sends."""
    bot_message = client.chat_postMessage(channel="C1", text="Approve the agenda?")
    received: dict[str, Any] = {}

    async def body() -> None:
        app = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5))

        @app.command("/meeting")
        async def on_command(ack: Callable[..., Awaitable[None]], respond: Callable[..., Awaitable[Any]],
                             say: Callable[..., Awaitable[Any]], command: dict[str, Any]) -> None:
            await ack(f"Starting: {command['text']}")
            await respond("Only you see this")
            await say("Meeting started")

        @app.action("approve")
        async def on_approve(ack: Callable[..., Awaitable[None]], body: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            await client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"],
                                     text=f"Approved by <@{body['user']['id']}>: {body['actions'][0]['value']}")

        @app.view("agenda")
        async def on_submit(ack: Callable[..., Awaitable[None]], view: dict[str, Any]) -> None:
            topic = view["state"]["values"]["topic"]["topic_input"]["value"]
            await ack(response_action="errors", errors={"topic": f"{topic} is taken"})

        @app.message("standup")
        async def on_message(message: dict[str, Any], say: Callable[..., Awaitable[Any]]) -> None:
            await say(text="On it", thread_ts=message["ts"])

        @app.event("reaction_added")
        async def on_reaction(event: dict[str, Any]) -> None:
            received["reaction"] = event

        @app.event("app_home_opened")
        async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
            await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

        handler = AsyncSocketModeHandler(app, APP_TOKEN)
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
            await fake.wait_connected_async()

            command_id = await fake.push_async("slash_commands", slash_command("weekly sync", "U1", "C1"))
            assert (await fake.wait_for_ack_async(command_id))["payload"] == {"text": "Starting: weekly sync"}
            (private,) = await fake.wait_for_response_async()
            assert private.body["text"] == "Only you see this"

            click_id = await fake.push_async(
                "interactive", block_action("U1", "C1", bot_message["ts"], "approve", "agenda-7")
            )
            assert await fake.wait_for_ack_async(click_id) == {"envelope_id": click_id}
            await fake.wait_for_async("chat.update")

            state = {"topic": {"topic_input": {"type": "plain_text_input", "value": "Budget"}}}
            submit_id = await fake.push_async("interactive", view_submission("U1", "agenda", "m-1", state))
            assert (await fake.wait_for_ack_async(submit_id))["payload"] == {
                "response_action": "errors", "errors": {"topic": "Budget is taken"},
            }

            user_message = message_event("standup now", "U2", "C1", ts="1700000100.000100")
            await fake.push_async("events_api", user_message)
            await fake.push_async("events_api", reaction_event(True, "eyes", "U2", "C1", bot_message["ts"]))
            await fake.push_async("events_api", app_home_opened("U2"))
            await fake.wait_for_async("views.publish")
            await fake.wait_for_async("chat.postMessage", count=3)  # setup post + say + say-in-thread
            await eventually(lambda: "reaction" in received)
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    run(body())
    said = {c.args["text"]: c.args for c in fake.calls("chat.postMessage")}
    assert said["Meeting started"]["channel"] == "C1"
    assert said["On it"]["thread_ts"] == "1700000100.000100"
    assert fake.message("C1", bot_message["ts"])["text"] == "Approved by <@U1>: agenda-7"  # type: ignore[index]
    assert received["reaction"]["item"] == {"type": "message", "channel": "C1", "ts": bot_message["ts"]}
    assert fake.calls("views.publish")[0].args["user_id"] == "U2"


# ---------------------------------------------------------------- HTTP mode and payload shapes


def test_sign_verifies_with_slack_sdk_and_wrong_secret_fails() -> None:
    body = form_body(slash_command("agenda add budget", "U1", "C1", response_url="https://hooks.slack.com/x"))
    headers = sign(body, SECRET)
    verifier = SignatureVerifier(SECRET)

    assert verifier.is_valid_request(body, headers)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + "&x=1", headers)
    stale = sign(body, SECRET, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, stale), "Slack rejects requests older than five minutes"
    expected = hmac.new(SECRET.encode(), b"v0:1531420618:{}", hashlib.sha256).hexdigest()
    assert sign("{}", SECRET, timestamp=1531420618) == {
        "X-Slack-Signature": f"v0={expected}", "X-Slack-Request-Timestamp": "1531420618",
    }


def test_bolt_http_mode_accepts_signed_bodies_and_rejects_bad_signatures(fake: FakeSlack) -> None:
    app = App(signing_secret=SECRET, client=WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=5))
    app.command("/meeting")(lambda ack, command: ack(f"ok {command['user_id']} {command['text']}"))
    app.action("approve")(lambda ack: ack())
    app.event("message")(lambda: None)

    def post(body: str, content_type: str, secret: str = SECRET) -> Any:
        headers: dict[str, str | Sequence[str]] = {**sign(body, secret), "Content-Type": content_type}
        return app.dispatch(BoltRequest(body=body, headers=headers))

    form = "application/x-www-form-urlencoded"
    command = post(form_body(slash_command("a b&c=d", "U1", "C1")), form)
    assert (command.status, command.body) == (200, "ok U1 a b&c=d")
    assert post(interactive_body(block_action("U1", "C1", "1.000100", "approve", "v")), form).status == 200
    assert post(event_body(message_event("hi", "U1", "C1")), "application/json").status == 200
    challenge = url_verification("c-123")
    assert json.loads(post(event_body(challenge), "application/json").body) == {"challenge": "c-123"}
    assert post(form_body(slash_command("x", "U1", "C1")), form, secret="wrong").status == 401


def test_payload_builders_produce_slack_shapes(fake: FakeSlack, client: WebClient) -> None:
    dm = message_event("<@UBOT> help", "U1", "DU1", ts="1700000002.000100", thread_ts="1700000001.000100",
                       channel_type="im", event_id="Ev1")
    assert dm["type"] == "event_callback" and dm["event_id"] == "Ev1" and dm["event_time"] == 1700000002
    assert (dm["team_id"], dm["api_app_id"]) == (TEAM_ID, APP_ID)
    assert dm["authorizations"][0] == {"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                       "is_bot": True, "is_enterprise_install": False}
    event = dm["event"]
    assert (event["type"], event["channel_type"], event["thread_ts"], event["event_ts"]) == (
        "message", "im", "1700000001.000100", "1700000002.000100")
    assert event["blocks"][0]["elements"][0]["elements"] == [
        {"type": "user", "user_id": "UBOT"}, {"type": "text", "text": " help"},
    ]

    removed = reaction_event(False, ":tada:", "U1", "C1", "1.000100")["event"]
    assert (removed["type"], removed["reaction"]) == ("reaction_removed", "tada")
    home = app_home_opened("U1", event_id="Ev2")
    assert home["event"] | {"event_ts": "-"} == {"type": "app_home_opened", "user": "U1", "channel": "DU1",
                                                 "tab": "home", "event_ts": "-"}

    command = slash_command("new retro", "U1", "C1", trigger_id="9.9.abc")
    assert all(isinstance(v, str) for v in command.values())
    assert (command["command"], command["trigger_id"], command["team_id"]) == ("/meeting", "9.9.abc", TEAM_ID)

    posted = client.chat_postMessage(channel="C1", text="Vote", blocks=[{"type": "divider"}])
    click = block_action("U1", "C1", posted["ts"], "vote", "yes", trigger_id="1.2.3")
    assert click["message"]["blocks"] == [{"type": "divider"}], "the message comes from the fake's store"
    assert click["container"] == {"type": "message", "message_ts": posted["ts"], "channel_id": "C1",
                                  "is_ephemeral": False}
    assert click["actions"][0]["action_id"] == "vote" and click["actions"][0]["value"] == "yes"
    assert click["trigger_id"] == "1.2.3" and click["user"]["id"] == "U1"

    state = {"b": {"a": {"type": "plain_text_input", "value": "v"}}}
    submitted = view_submission("U1", "agenda", "meeting=7", state, view_id="V1")
    assert submitted["view"]["id"] == "V1" and submitted["view"]["callback_id"] == "agenda"
    assert submitted["view"]["private_metadata"] == "meeting=7" and submitted["view"]["state"] == {"values": state}
