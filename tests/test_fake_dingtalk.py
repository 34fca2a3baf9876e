"""Tests for tests/fake_dingtalk.py, driven by the real, unmodified ``dingtalk-stream`` SDK.

Why: the fake is only worth something if the SDK the adapter uses cannot tell it from DingTalk. So these tests
run ``DingTalkStreamClient`` against it (open a connection, receive frames through registered handlers, ack,
reply through session webhooks, fetch and cache tokens, send and update cards, reconnect), and call the robot
OpenAPI the way the adapter will, with plain ``requests``. Every wait is bounded; the SDK's endless
``start()`` loop runs in :class:`SdkClientThread`, which the tests stop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import queue
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dingtalk_stream
import pytest
import requests
import websockets
from dingtalk_stream import (
    AckMessage,
    AICardReplier,
    CallbackHandler,
    CallbackMessage,
    CardCallbackMessage,
    CardReplier,
    ChatbotHandler,
    ChatbotMessage,
    DingTalkStreamClient,
    EventHandler,
    EventMessage,
)

from tests.fake_dingtalk import (
    ACCESS_TOKEN,
    CARD_DELIVER,
    CARD_INSTANCES,
    CHATBOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    CORP_ID,
    GROUP_SEND,
    LEGACY_GETTOKEN,
    OPEN_CONNECTION,
    OTO_BATCH_SEND,
    QPS_LIMIT_CODE,
    ROBOT_CARD_SEND,
    ROBOT_CARD_UPDATE,
    TOPIC_CARD_CALLBACK,
    TOPIC_CHATBOT,
    FakeDingTalk,
    SdkClientThread,
    ack_data,
    card_callback,
    chatbot_message,
    conversation_id_for,
    dingtalk_id,
    outgoing_headers,
    outgoing_sign,
    patch_sdk_endpoint,
)

TIMEOUT = 5.0
LOG = logging.getLogger("tests.fake_dingtalk")


# -------------------------------------------------------------------- fixtures and SDK-side helpers


class RecordingBot(ChatbotHandler):  # type: ignore[misc]  # the SDK is untyped
    """A ChatbotHandler that records messages and answers ``echo ...`` / ``md ...`` via the session webhook."""

    def __init__(self) -> None:
        super().__init__()
        self.received: queue.Queue[ChatbotMessage] = queue.Queue()
        self.results: queue.Queue[Any] = queue.Queue()

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        incoming = ChatbotMessage.from_dict(callback.data)
        text = incoming.text.content.strip()
        if text.startswith("echo "):
            self.results.put(self.reply_text(text.removeprefix("echo "), incoming))
        elif text.startswith("md "):
            self.results.put(self.reply_markdown("Quorum", text.removeprefix("md "), incoming))
        self.received.put(incoming)
        return AckMessage.STATUS_OK, "OK"


class RecordingCards(CallbackHandler):  # type: ignore[misc]  # the SDK is untyped
    """Parses card callbacks the way SDK users do (``CardCallbackMessage.from_dict``) and answers a card update."""

    def __init__(self) -> None:
        super().__init__()
        self.received: queue.Queue[CardCallbackMessage] = queue.Queue()

    async def process(self, callback: CallbackMessage) -> tuple[int, Any]:
        self.received.put(CardCallbackMessage.from_dict(callback.data))
        return AckMessage.STATUS_OK, {"cardData": {"cardParamMap": {"status": "done"}}}


class RecordingEvents(EventHandler):  # type: ignore[misc]  # the SDK is untyped
    def __init__(self) -> None:
        super().__init__()
        self.received: queue.Queue[EventMessage] = queue.Queue()

    async def process(self, event: EventMessage) -> tuple[int, str]:
        self.received.put(event)
        return AckMessage.STATUS_OK, "OK"


@dataclass
class Running:
    client: DingTalkStreamClient
    bot: RecordingBot
    cards: RecordingCards
    events: RecordingEvents


@pytest.fixture
def fake() -> Iterator[FakeDingTalk]:
    with FakeDingTalk() as server:
        yield server


@pytest.fixture
def sdk_at_fake(fake: FakeDingTalk, monkeypatch: pytest.MonkeyPatch) -> FakeDingTalk:
    """The SDK, already imported, re-pointed at the fake (it read DINGTALK_OPENAPI_ENDPOINT at import)."""
    patch_sdk_endpoint(monkeypatch, fake.endpoint)
    return fake


def make_client(secret: str = CLIENT_SECRET) -> DingTalkStreamClient:
    client = DingTalkStreamClient(dingtalk_stream.Credential(CLIENT_ID, secret), logger=LOG)
    # The SDK learns localIp by "connecting" a UDP socket to 8.8.8.8; keep the tests on 127.0.0.1 only.
    client.get_host_ip = lambda: "127.0.0.1"
    return client


@pytest.fixture
def running(sdk_at_fake: FakeDingTalk) -> Iterator[Running]:
    client = make_client()
    bot, cards, events = RecordingBot(), RecordingCards(), RecordingEvents()
    client.register_callback_handler(TOPIC_CHATBOT, bot)
    client.register_callback_handler(TOPIC_CARD_CALLBACK, cards)
    client.register_all_event_handler(events)
    with SdkClientThread(client) as thread:
        sdk_at_fake.wait_connected(TIMEOUT)
        yield Running(client, bot, cards, events)
    assert thread.error is None


def post(fake: FakeDingTalk, path: str, body: Any, token: str | None, method: str = "POST") -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["x-acs-dingtalk-access-token"] = token
    return requests.request(method, fake.endpoint + path, data=json.dumps(body), headers=headers, timeout=TIMEOUT)


# -------------------------------------------------------------------- endpoint plumbing


def test_sdk_reads_the_endpoint_once_at_import(fake: FakeDingTalk) -> None:
    """Set before import, DINGTALK_OPENAPI_ENDPOINT routes the SDK to the fake; set after, it changes nothing."""
    script = """
import json, os, sys
os.environ["DINGTALK_OPENAPI_ENDPOINT"] = sys.argv[1]
import dingtalk_stream
from dingtalk_stream import chatbot, card_replier, stream
client = dingtalk_stream.DingTalkStreamClient(dingtalk_stream.Credential(sys.argv[2], sys.argv[3]))
client.get_host_ip = lambda: "127.0.0.1"
opened = client.open_connection()
os.environ["DINGTALK_OPENAPI_ENDPOINT"] = "http://changed.invalid"
print(json.dumps({"api": stream.DingTalkStreamClient.OPEN_CONNECTION_API, "chatbot": chatbot.DINGTALK_OPENAPI_ENDPOINT,
                  "cards": card_replier.DINGTALK_OPENAPI_ENDPOINT, "opened": opened}))
"""
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    done = subprocess.run(
        [sys.executable, "-c", script, fake.endpoint, CLIENT_ID, CLIENT_SECRET],
        capture_output=True, text=True, timeout=30, env=env, cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["api"] == fake.endpoint + OPEN_CONNECTION
    assert seen["chatbot"] == seen["cards"] == fake.endpoint  # unchanged by the later setenv
    assert seen["opened"]["endpoint"] == fake.gateway_url
    assert fake.calls(OPEN_CONNECTION)[0].status == 200


def test_patch_sdk_endpoint_rewrites_the_import_time_copies(sdk_at_fake: FakeDingTalk) -> None:
    from dingtalk_stream import card_replier, chatbot, stream, utils

    for module in (utils, stream, chatbot, card_replier):
        assert sdk_at_fake.endpoint == module.DINGTALK_OPENAPI_ENDPOINT
    assert sdk_at_fake.endpoint + OPEN_CONNECTION == DingTalkStreamClient.OPEN_CONNECTION_API


# -------------------------------------------------------------------- gateway and Stream frames


def test_open_connection_issues_a_ticket_and_records_subscriptions(sdk_at_fake: FakeDingTalk) -> None:
    client = make_client()
    client.register_callback_handler(TOPIC_CHATBOT, RecordingBot())
    opened = client.open_connection()

    assert opened is not None
    assert opened["endpoint"] == f"ws://127.0.0.1:{sdk_at_fake.port}/gateway"
    assert opened["ticket"]
    assert sdk_at_fake.subscriptions == [{"type": "CALLBACK", "topic": TOPIC_CHATBOT}]
    body = sdk_at_fake.connection_opens()[0]
    assert body["clientId"] == CLIENT_ID and body["localIp"] == "127.0.0.1"
    assert body["ua"].startswith("dingtalk-sdk-python/")
    assert "clientSecret" not in body


def test_wrong_secret_is_refused_by_gateway_and_oauth(sdk_at_fake: FakeDingTalk) -> None:
    client = make_client(secret="wrong")
    client.register_callback_handler(TOPIC_CHATBOT, RecordingBot())

    assert client.open_connection() is None
    assert client.get_access_token() is None
    opened, token = sdk_at_fake.calls(OPEN_CONNECTION)[0], sdk_at_fake.calls(ACCESS_TOKEN)[0]
    assert opened.status == 401 and opened.response["code"] == "InvalidAuthentication"
    assert token.status == 400 and token.response["code"] == "invalidClientIdOrSecret"
    assert "requestid" in token.response


def test_chatbot_message_reaches_the_handler_and_the_ack_is_recorded(fake: FakeDingTalk, running: Running) -> None:
    message = chatbot_message(" 明天10点评审", sender_staff_id="staff42", sender_nick="李四",
                              conversation_type="2", at_users=["staff7"])
    frame_id = fake.push_chatbot(message)

    incoming = running.bot.received.get(timeout=TIMEOUT)
    assert incoming.text.content == " 明天10点评审"
    assert incoming.sender_staff_id == "staff42" and incoming.sender_nick == "李四"
    assert incoming.conversation_type == "2"
    assert incoming.conversation_id == conversation_id_for("staff42", group=True)
    assert incoming.is_in_at_list is True and incoming.robot_code == CLIENT_ID
    assert [(u.dingtalk_id, u.staff_id) for u in incoming.at_users] == [
        (CHATBOT_USER_ID, None), (dingtalk_id("staff7"), "staff7"),
    ]
    assert incoming.session_webhook.startswith(fake.endpoint + "/robot/sendBySession?session=")
    assert incoming.session_webhook_expired_time == fake.session_expiry_ms(incoming.session_webhook)

    ack = fake.wait_for_ack(frame_id, TIMEOUT)
    assert ack["code"] == 200 and ack["message"] == ""  # CallbackHandler.raw_process never sets message
    assert ack["headers"] == {"messageId": frame_id, "contentType": "application/json"}
    assert ack_data(ack) == {"response": "OK"}

    frame = fake.pushed()[-1]
    assert frame["specVersion"] == "1.0" and frame["type"] == "CALLBACK"
    assert frame["headers"]["topic"] == TOPIC_CHATBOT
    assert frame["headers"]["connectionId"] == fake.connection_list()[0].connection_id
    assert json.loads(frame["data"]) == message


def test_event_frames_carry_event_headers_and_are_acked(fake: FakeDingTalk, running: Running) -> None:
    frame_id = fake.push_event("chat_update_title", {"title": "新群名", "chatId": "chat1"}, event_id="ev-1")

    event = running.events.received.get(timeout=TIMEOUT)
    assert event.headers.event_type == "chat_update_title" and event.headers.event_id == "ev-1"
    assert event.headers.event_corp_id == CORP_ID
    assert event.data == {"title": "新群名", "chatId": "chat1"}
    ack = fake.wait_for_ack(frame_id, TIMEOUT)
    assert ack["message"] == "OK" and ack_data(ack) == event.data
    assert {"type": "EVENT", "topic": "*"} in fake.subscriptions


def test_system_ping_is_echoed_with_its_opaque(fake: FakeDingTalk, running: Running) -> None:
    ping_id = fake.ping()

    ack = fake.wait_for_ack(ping_id, TIMEOUT)
    sent = next(f for f in fake.pushed() if f["headers"]["messageId"] == ping_id)
    assert sent["type"] == "SYSTEM" and sent["headers"]["topic"] == "ping"
    assert ack["code"] == 200 and ack_data(ack) == json.loads(sent["data"])
    assert "opaque" in ack_data(ack)


def test_redelivered_frame_is_identical(fake: FakeDingTalk, running: Running) -> None:
    message = chatbot_message("echo 你好", sender_staff_id="staff1")
    frame_id = fake.push_chatbot(message)
    first = running.bot.received.get(timeout=TIMEOUT)
    fake.redeliver(frame_id)
    second = running.bot.received.get(timeout=TIMEOUT)

    assert first.message_id == second.message_id == message["msgId"]
    frames = [f for f in fake.pushed() if f["headers"]["messageId"] == frame_id]
    assert len(frames) == 2 and frames[0] == frames[1]


# -------------------------------------------------------------------- replies and tokens


def test_replies_go_through_the_session_webhook(fake: FakeDingTalk, running: Running) -> None:
    fake.push_chatbot(chatbot_message("echo 收到", sender_staff_id="staff9"))
    fake.push_chatbot(chatbot_message("md **加粗**", sender_staff_id="staff9"))

    replies = fake.wait_for_reply(2, TIMEOUT)
    assert [(r.msgtype, r.text, r.accepted) for r in replies] == [
        ("text", "收到", True), ("markdown", "**加粗**", True),
    ]
    assert replies[0].body["at"] == {"atUserIds": ["staff9"]}
    assert replies[1].body["markdown"]["title"] == "Quorum"
    assert running.bot.results.get(timeout=TIMEOUT) == {"errcode": 0, "errmsg": "ok"}


def test_expired_session_webhook_answers_like_dingtalk(fake: FakeDingTalk) -> None:
    webhook = chatbot_message("hi")["sessionWebhook"]
    body: dict[str, Any] = {"msgtype": "text", "text": {"content": "late"}}
    assert requests.post(webhook, json=body, timeout=TIMEOUT).json() == {"errcode": 0, "errmsg": "ok"}

    fake.expire_session(webhook)
    late = requests.post(webhook, json=body, timeout=TIMEOUT)
    assert late.status_code == 200 and late.json() == {"errcode": 300001, "errmsg": "session 不存在"}
    assert [r.accepted for r in fake.replies(webhook)] == [True, False]
    bad = requests.post(webhook.replace("session=", "session=0"), json={"msgtype": "nope"}, timeout=TIMEOUT)
    assert bad.json()["errcode"] == 300001


def test_access_token_is_fetched_once_and_cached_by_the_sdk(sdk_at_fake: FakeDingTalk) -> None:
    client = make_client()
    first, second = client.get_access_token(), client.get_access_token()

    assert first and first == second
    assert sdk_at_fake.token_requests == 1
    call = sdk_at_fake.calls(ACCESS_TOKEN)[0]
    assert call.body == {"appKey": CLIENT_ID, "appSecret": CLIENT_SECRET}
    assert call.response == {"accessToken": first, "expireIn": 7200}


def test_short_lived_token_is_refetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK keeps a token until expireIn - 300 s, so a 300 s token is fetched on every call."""
    with FakeDingTalk(expire_in=300) as short:
        patch_sdk_endpoint(monkeypatch, short.endpoint)
        client = make_client()
        assert client.get_access_token() != client.get_access_token()
        assert short.token_requests == 2


def test_legacy_gettoken(fake: FakeDingTalk) -> None:
    ok = requests.get(fake.endpoint + LEGACY_GETTOKEN, params={"appkey": CLIENT_ID, "appsecret": CLIENT_SECRET},
                      timeout=TIMEOUT).json()
    assert ok["errcode"] == 0 and ok["expires_in"] == 7200
    bad = requests.get(fake.endpoint + LEGACY_GETTOKEN, params={"appkey": CLIENT_ID, "appsecret": "x"},
                       timeout=TIMEOUT).json()
    assert bad["errcode"] == 40089
    assert fake.legacy_token_requests == 2
    # the token is good for the new OpenAPI too
    sent = post(fake, GROUP_SEND, {"robotCode": CLIENT_ID, "openConversationId": "cid1", "msgKey": "sampleText",
                                   "msgParam": json.dumps({"content": "hi"})}, ok["access_token"])
    assert sent.status_code == 200


# -------------------------------------------------------------------- robot OpenAPI


def group_body(text: str = "会议纪要", cid: str = "cidGroup==") -> dict[str, Any]:
    return {"robotCode": CLIENT_ID, "openConversationId": cid, "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": "Quorum", "text": text}, ensure_ascii=False)}


def oto_body(*user_ids: str) -> dict[str, Any]:
    return {"robotCode": CLIENT_ID, "userIds": list(user_ids), "msgKey": "sampleText",
            "msgParam": json.dumps({"content": "提醒"}, ensure_ascii=False)}


def test_group_and_one_to_one_sends_need_a_token(sdk_at_fake: FakeDingTalk) -> None:
    fake = sdk_at_fake
    token = make_client().get_access_token()

    group = post(fake, GROUP_SEND, group_body(), token)
    oto = post(fake, OTO_BATCH_SEND, oto_body("staff1", "staff2"), token)
    assert group.status_code == 200 and group.json()["processQueryKey"]
    assert oto.json()["invalidStaffIdList"] == [] and oto.json()["flowControlledStaffIdList"] == []
    [sent_group] = fake.messages("group")
    assert sent_group.targets == ("cidGroup==",) and sent_group.param == {"title": "Quorum", "text": "会议纪要"}
    assert fake.messages("oto")[0].targets == ("staff1", "staff2")
    assert fake.wait_for(GROUP_SEND, 1, TIMEOUT)[0].param["text"] == "会议纪要"

    for bad_token in (None, "not-a-token"):
        refused = post(fake, GROUP_SEND, group_body(), bad_token)
        assert refused.status_code == 401 and refused.json()["code"] == "InvalidAuthentication"
    fake.expire_tokens()
    assert post(fake, GROUP_SEND, group_body(), token).status_code == 401
    assert len(fake.messages()) == 2


def test_robot_api_is_strict_about_parameters(fake: FakeDingTalk) -> None:
    token = fake.issue_token()
    as_object = {**group_body(), "msgParam": {"content": "x"}}
    assert post(fake, GROUP_SEND, as_object, token).json()["code"] == "InvalidParameter"
    assert post(fake, GROUP_SEND, {**group_body(), "robotCode": "dingother"}, token).status_code == 400
    assert post(fake, OTO_BATCH_SEND, oto_body(*[f"u{i}" for i in range(21)]), token).status_code == 400
    missing = post(fake, OTO_BATCH_SEND, {"robotCode": CLIENT_ID, "msgKey": "sampleText"}, token)
    assert missing.status_code == 400 and missing.json()["code"] == "MissingParameter"
    unknown = post(fake, "/v1.0/robot/nope", {}, token)
    assert unknown.status_code == 404 and unknown.json()["code"] == "InvalidAction.NotFound"
    assert fake.messages() == []


def test_invalid_staff_and_flow_control_injection(fake: FakeDingTalk) -> None:
    token = fake.issue_token()
    fake.invalid_staff("ghost")
    fake.flow_control("busy")

    first = post(fake, OTO_BATCH_SEND, oto_body("staff1", "ghost", "busy"), token).json()
    assert first["invalidStaffIdList"] == ["ghost"] and first["flowControlledStaffIdList"] == ["busy"]
    second = post(fake, OTO_BATCH_SEND, oto_body("busy"), token).json()
    assert second["flowControlledStaffIdList"] == []
    assert [m.targets for m in fake.messages("oto")] == [("staff1",), ("busy",)]


def test_throttling_and_server_errors_are_injected_in_order(fake: FakeDingTalk) -> None:
    token = fake.issue_token()
    fake.fail_next(GROUP_SEND)
    fake.fail_next(GROUP_SEND, status=500, times=2)
    fake.fail_next(OTO_BATCH_SEND, body={"code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "message": "限流"})

    statuses = [post(fake, GROUP_SEND, group_body(), token) for _ in range(4)]
    assert [r.status_code for r in statuses] == [403, 500, 500, 200]
    assert statuses[0].json()["code"] == QPS_LIMIT_CODE and statuses[1].json()["code"] == "InternalError"
    throttled = post(fake, OTO_BATCH_SEND, oto_body("staff1"), token)
    assert throttled.status_code == 403 and throttled.json()["message"] == "限流"
    assert [c.status for c in fake.calls(GROUP_SEND)] == [403, 500, 500, 200]
    assert len(fake.messages()) == 1


# -------------------------------------------------------------------- cards


def test_card_replier_creates_delivers_and_updates_a_card(sdk_at_fake: FakeDingTalk) -> None:
    fake = sdk_at_fake
    client = make_client()
    incoming = ChatbotMessage.from_dict(chatbot_message(" 开会", sender_staff_id="staff3", conversation_type="2"))
    replier = CardReplier(client, incoming)

    card_id = replier.create_and_send_card("tpl-1.schema", {"title": "评审", "status": "open"}, at_sender=True)
    assert card_id
    card = fake.card(card_id)
    assert card is not None and card.api == "instance" and card.callback_type == "STREAM"
    assert card.data == {"title": "评审", "status": "open"}
    assert card.spaces == [f"dtv1.card//IM_GROUP.{incoming.conversation_id}"]
    deliver = fake.calls(CARD_DELIVER)[0]
    assert deliver.body["imGroupOpenDeliverModel"]["atUserIds"] == {"staff3": incoming.sender_nick}

    replier.put_card_data(card_id, {"title": "评审", "status": "closed"})
    updated = fake.card(card_id)
    assert updated is not None and updated.updates == 1 and updated.data["status"] == "closed"
    assert [c.method for c in fake.calls(CARD_INSTANCES)] == ["POST", "PUT"]
    assert fake.token_requests == 1  # one token for all four calls


def test_ai_card_streams_and_finishes_in_a_one_to_one_chat(sdk_at_fake: FakeDingTalk) -> None:
    client = make_client()
    incoming = ChatbotMessage.from_dict(chatbot_message("总结", sender_staff_id="staff5"))
    ai = AICardReplier(client, incoming)

    card_id = ai.start("ai-tpl.schema", {"content": ""})
    ai.streaming(card_id, "content", "第一段", append=True, finished=False, failed=False)
    ai.streaming(card_id, "content", "，第二段", append=True, finished=False, failed=False)
    ai.finish(card_id, {"content": "第一段，第二段"})

    card = sdk_at_fake.card(card_id)
    assert card is not None and card.spaces == ["dtv1.card//IM_ROBOT.staff5"]
    assert card.streams == {"content": "第一段，第二段"}
    assert card.finished and card.data["flowStatus"] == "3"


def test_robot_interactive_card_reply_and_update(sdk_at_fake: FakeDingTalk) -> None:
    client = make_client()
    handler = ChatbotHandler()
    handler.dingtalk_client = client
    incoming = ChatbotMessage.from_dict(chatbot_message(" 卡片", sender_staff_id="staff8", conversation_type="2"))

    biz_id = handler.reply_card({"contents": [{"type": "text", "text": "v1"}]}, incoming)
    assert biz_id
    assert handler.update_card(biz_id, {"contents": [{"type": "text", "text": "v2"}]})["processQueryKey"]
    card = sdk_at_fake.card(biz_id)
    assert card is not None and card.api == "robot" and card.spaces == [incoming.conversation_id]
    assert card.data == {"contents": [{"type": "text", "text": "v2"}]} and card.updates == 1
    assert sdk_at_fake.calls(ROBOT_CARD_SEND)[0].status == sdk_at_fake.calls(ROBOT_CARD_UPDATE)[0].status == 200


def test_card_callback_reaches_the_callback_handler(fake: FakeDingTalk, running: Running) -> None:
    incoming = ChatbotMessage.from_dict(chatbot_message(" 卡片", conversation_type="2"))
    card_id = CardReplier(running.client, incoming).create_and_send_card("tpl.schema", {"status": "open"})

    frame_id = fake.push_card_callback(card_callback("staff2", card_id, {"decision": "approve"}, ["approveBtn"]))
    got = running.cards.received.get(timeout=TIMEOUT)
    assert (got.user_id, got.card_instance_id, got.corp_id) == ("staff2", card_id, CORP_ID)
    assert got.content == {"cardPrivateData": {"actionIds": ["approveBtn"], "params": {"decision": "approve"}}}
    assert got.extension == {}
    sent = json.loads(fake.pushed()[-1]["data"])
    assert sent["spaceId"] == incoming.conversation_id and sent["type"] == "actionCallback"
    ack = fake.wait_for_ack(frame_id, TIMEOUT)
    assert ack_data(ack) == {"response": {"cardData": {"cardParamMap": {"status": "done"}}}}


# -------------------------------------------------------------------- connection lifecycle


def test_dropped_connection_is_reopened_and_still_delivers(fake: FakeDingTalk, running: Running) -> None:
    fake.drop_connections()
    assert fake.wait_connected(TIMEOUT, count=2) == 2
    assert fake.total_connects == 2 and len(fake.calls(OPEN_CONNECTION)) == 2

    fake.push_chatbot(chatbot_message("after drop"))
    assert running.bot.received.get(timeout=TIMEOUT).text.content == "after drop"


def test_system_disconnect_is_acked_then_the_sdk_reconnects(fake: FakeDingTalk, running: Running) -> None:
    [disconnect_id] = fake.disconnect("persistent connection is timeout")

    assert fake.wait_for_ack(disconnect_id, TIMEOUT)["code"] == 200
    assert fake.wait_connected(TIMEOUT, count=2) == 2
    frame_id = fake.push_chatbot(chatbot_message("again"))
    assert fake.wait_for_ack(frame_id, TIMEOUT)["code"] == 200


def test_tickets_are_single_use_and_the_upgrade_can_fail(fake: FakeDingTalk) -> None:
    ticket = requests.post(fake.endpoint + OPEN_CONNECTION, timeout=TIMEOUT, json={
        "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "subscriptions": [{"type": "CALLBACK", "topic": "*"}],
    }).json()["ticket"]

    async def connect(ticket: str) -> int:
        try:
            async with websockets.connect(f"{fake.gateway_url}?ticket={ticket}", open_timeout=TIMEOUT, proxy=None):
                return 101
        except websockets.InvalidStatus as refused:
            return refused.response.status_code

    fake.fail_next("/gateway", status=503)
    assert asyncio.run(connect(ticket)) == 503
    assert asyncio.run(connect(ticket)) == 101
    assert asyncio.run(connect(ticket)) == 401  # already used


def test_silent_gateway_sends_nothing_not_even_pongs(fake: FakeDingTalk) -> None:
    fake.go_silent()
    opened = requests.post(fake.endpoint + OPEN_CONNECTION, timeout=TIMEOUT, json={
        "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "subscriptions": [{"type": "CALLBACK", "topic": "*"}],
    }).json()

    async def probe_pong_and_frames() -> tuple[bool, bool]:
        url = f"{opened['endpoint']}?ticket={opened['ticket']}"
        async with websockets.connect(url, open_timeout=TIMEOUT, ping_interval=None, proxy=None) as ws:
            await asyncio.to_thread(fake.wait_connected, TIMEOUT)
            try:
                await asyncio.wait_for(await ws.ping(), 0.5)
                ponged_while_silent = True
            except TimeoutError:
                ponged_while_silent = False
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.3)
            await asyncio.to_thread(fake.speak)
            await asyncio.wait_for(await ws.ping(), TIMEOUT)  # answered again
            await asyncio.to_thread(fake.ping)
            frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
            return ponged_while_silent, frame["headers"]["topic"] == "ping"

    assert fake.silent
    assert asyncio.run(probe_pong_and_frames()) == (False, True)
    assert not fake.silent


def test_abrupt_drop_looks_like_a_network_failure(fake: FakeDingTalk) -> None:
    opened = requests.post(fake.endpoint + OPEN_CONNECTION, timeout=TIMEOUT, json={
        "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "subscriptions": [{"type": "CALLBACK", "topic": "*"}],
    }).json()

    async def dropped() -> type[BaseException]:
        url = f"{opened['endpoint']}?ticket={opened['ticket']}"
        async with websockets.connect(url, open_timeout=TIMEOUT, proxy=None) as ws:
            await asyncio.to_thread(fake.wait_connected, TIMEOUT)
            await asyncio.to_thread(fake.drop_connections, False)
            try:
                await asyncio.wait_for(ws.recv(), TIMEOUT)
            except websockets.ConnectionClosed as closed:
                return type(closed)
        raise AssertionError("connection survived the drop")

    assert asyncio.run(dropped()) is websockets.ConnectionClosedError  # what makes the SDK back off for 10 s
    fake.wait_disconnected(TIMEOUT)
    assert fake.connections == 0


def test_ping_interval_sends_periodic_system_pings() -> None:
    with FakeDingTalk(ping_interval=0.05) as fake:
        opened = requests.post(fake.endpoint + OPEN_CONNECTION, timeout=TIMEOUT, json={
            "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "subscriptions": [{"type": "EVENT", "topic": "*"}],
        }).json()

        async def two_pings() -> list[str]:
            url = f"{opened['endpoint']}?ticket={opened['ticket']}"
            async with websockets.connect(url, open_timeout=TIMEOUT, proxy=None) as ws:
                frames = [json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT)) for _ in range(2)]
                return [f["headers"]["topic"] for f in frames]

        assert asyncio.run(two_pings()) == ["ping", "ping"]


# -------------------------------------------------------------------- builders


def test_chatbot_message_shapes_round_trip_through_the_sdk() -> None:
    single = chatbot_message("hello", sender_staff_id="staff1", msg_id="msgFixed==", create_at=1_700_000_000_000)
    assert single["conversationType"] == "1" and "atUsers" not in single and "isInAtList" not in single
    assert "conversationTitle" not in single and single["sessionWebhookExpiredTime"] == 1_700_005_400_000
    assert single["conversationId"].startswith("cid") and single["senderId"].startswith("$:LWCP_v1:$")
    assert single["sessionWebhook"].startswith("https://oapi.dingtalk.com/robot/sendBySession?session=")
    parsed = ChatbotMessage.from_dict(single)
    assert parsed.message_id == "msgFixed==" and parsed.get_text_list() == ["hello"]
    assert parsed.extensions["senderPlatform"] == "Mac"

    group = chatbot_message(" hi", conversation_type="2", is_in_at_list=False)
    assert group["atUsers"] == [] and group["isInAtList"] is False and group["conversationTitle"]
    with pytest.raises(ValueError):
        chatbot_message("x", at_users=["staff1"])


def test_card_callback_shape() -> None:
    callback = card_callback("staff1", "track-1", {"k": "v"}, space_id="cidX")
    assert isinstance(callback["content"], str) and isinstance(callback["extension"], str)
    parsed = CardCallbackMessage.from_dict(callback)
    assert parsed.card_instance_id == "track-1" and parsed.content["cardPrivateData"]["params"] == {"k": "v"}
    assert callback["spaceId"] == "cidX" and callback["userIdType"] == 1


def test_outgoing_robot_signature() -> None:
    secret, ts = "this-is-secret", 1_700_000_000_000
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert outgoing_sign(ts, secret) == expected == outgoing_sign(str(ts), secret)
    headers = outgoing_headers(secret, ts)
    assert headers["timestamp"] == str(ts) and headers["sign"] == expected
