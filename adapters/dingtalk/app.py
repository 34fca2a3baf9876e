"""Quorum on DingTalk (钉钉): a Stream-mode robot whose frames are acked at once and handled in order.

Why this shape:
- The SDK's `DingTalkStreamClient.start` opens the connection with a blocking `requests.post` that has no
  timeout, inside the event loop, and acks a frame only after its handler finished. `QuorumStreamClient`
  opens the connection in a worker thread with a timeout, acks every frame at once (the work follows in a
  worker thread, conversation by conversation in arrival order, `adapters.ordering`), and reconnects a
  connection that has been silent for `idle_seconds` (a "zombie" connection that pongs but delivers
  nothing, a failure reported by other DingTalk bots) as well as one that drops.
- Redelivered frames carry the same ids; the core records them with the effects (`Inbound.event_id`).
- DingTalk has no reactions for robots, so every message with buttons is a card-platform card created with
  Stream callbacks, whose clicks come back on the card-callback topic; where cards are refused (the app
  lacks the card permission) the same message goes as markdown with the words to type. Everything else is
  markdown, split where DingTalk limits message size. Public replies to a group go through its session
  webhook while it lives (so @mentions notify) and only when the webhook is on DingTalk's own hosts;
  proactive messages through the robot OpenAPI (`adapters.dingtalk.api`). What the core says to one person
  only (a private note, Slack's ephemeral message) goes to their 1:1 chat with the robot, never to the group
  (`send`).
- The clock is injected (`clock`), so tests run the whole loop at a chosen moment and never read the wall
  clock; production passes nothing and gets UTC now.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote_plus

import dingtalk_stream
import requests
import websockets
from dingtalk_stream import AckMessage, CallbackMessage

from adapters.clock import Clock, system_clock
from adapters.dingtalk import render
from adapters.dingtalk.api import TIMEOUT_SECONDS, DingTalkApi, DingTalkError, Throttled
from adapters.dingtalk.directory import DingTalkDirectory
from adapters.dingtalk.translate import PLATFORM, chatbot_message, person
from adapters.ordering import InOrder
from bot.core import Core
from bot.errors import Undeliverable
from bot.events import Inbound
from bot.i18n import Lang
from bot.messages import OutMessage

log = logging.getLogger(__name__)

TOPIC_CHATBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD = "/v1.0/card/instances/callback"
IDLE_SECONDS = 60.0  # DingTalk pings every few seconds: this much silence is a dead connection
RECONNECT_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
WEBHOOK_MARGIN_MS = 60_000  # don't use a session webhook in its last minute


def card_id_for(where: str, direct: bool) -> str:
    """A card's `outTrackId`: unique, and naming the conversation its clicks are said in (a click says only
    this): where it was posted, or, for a private note's card in a 1:1 chat, the group it answers."""
    return f"{secrets.token_hex(6)}|{where}|{'d' if direct else 'g'}"


def card_place(card_id: str) -> tuple[str, bool] | None:
    """(conversation or staff id, whether 1:1) of a card id from `card_id_for`; None for any other id."""
    parts = card_id.split("|")
    if len(parts) != 3 or parts[2] not in ("d", "g") or not parts[1]:
        return None
    return parts[1], parts[2] == "d"


class DingTalkAdapter:
    """Frames in, the core in between, robot messages and cards out; one robot of one organization."""

    def __init__(self, core: Core, api: DingTalkApi, clock: Clock = system_clock) -> None:
        self.core = core
        self.api = api
        self.clock = clock
        self.order = InOrder()
        self._webhooks: dict[str, tuple[str, int]] = {}  # conversation → (session webhook, expiry in ms)
        self.directory = DingTalkDirectory(api)  # admins and 1:1 chats as the messages say; managers as the org chart
        core.directory = self.directory
        core.notes_in_private_chat = True  # `send`: a private note goes to the 1:1 chat; the group is pointed to it

    # ---- inbound ------------------------------------------------------------------------------------
    def receive(self, topic: str, frame_id: str, data: Mapping[str, Any]) -> None:
        """Called in the event loop as a frame arrives (before its ack): queue its work in arrival order."""
        place = card_place(str(data.get("outTrackId") or ""))
        key = str(data.get("conversationId") or (place[0] if place else ""))  # a click waits behind its card's chat
        ticket = self.order.ticket(key)
        inbound = chatbot_message(data) if topic == TOPIC_CHATBOT else None
        if inbound is not None and not self.core.admit():  # past capacity: say so now, not minutes later
            ticket[1].set_result(None)
            busy = asyncio.to_thread(self.core.busy, inbound, self.clock(), self.send)
            asyncio.get_running_loop().create_task(busy)
            return
        admitted = inbound is not None

        async def work() -> None:
            try:
                async with self.order.turn(key, ticket):
                    await asyncio.to_thread(self.handle, topic, frame_id, dict(data))
            except Exception:
                log.exception("DingTalk frame %s on %s failed", frame_id, topic)
            finally:
                if admitted:
                    self.core.release()

        asyncio.get_running_loop().create_task(work())

    def handle(self, topic: str, frame_id: str, data: dict[str, Any]) -> None:
        if topic == TOPIC_CHATBOT:
            self.directory.observe(data)
        inbound = chatbot_message(data) if topic == TOPIC_CHATBOT else self.card_click(frame_id, data)
        if inbound is None:
            return
        webhook = str(data.get("sessionWebhook") or "")
        if webhook and self.api.trusted_webhook(webhook):
            self._webhooks[inbound.channel] = (webhook, int(data.get("sessionWebhookExpiredTime") or 0))
        elif webhook:  # not DingTalk's: answer through the OpenAPI instead
            log.warning("DingTalk message %s names a reply URL off DingTalk's hosts; ignoring it", frame_id)
        self.core.handle(inbound, self.clock(), self.send)

    def card_click(self, frame_id: str, data: Mapping[str, Any]) -> Inbound | None:
        """A card button: its command, said where the card is (the card id names the conversation)."""
        value = render.button_value_from_callback(data)
        card_id = str(data.get("outTrackId") or "")
        place = card_place(card_id)
        if value is None or place is None:
            return None
        channel, direct = place
        return Inbound(kind="button", platform=PLATFORM, workspace=str(data.get("corpId") or ""), channel=channel,
                       user=person(str(data.get("userId") or ""), None), text=value, is_direct=direct,
                       reply_to=card_id, event_id=f"card:{frame_id}")

    # ---- outbound -----------------------------------------------------------------------------------
    def send(self, message: OutMessage) -> str | None:
        """Post one message (or update a card in place); returns its id. Raises when DingTalk refuses, so a
        scheduled message stays pending (`Throttled`) or is given up (`Undeliverable`).

        A message for one person (`direct`, and `ephemeral`: a note Slack shows "only visible to you" in the
        channel) goes to that person's 1:1 chat with the robot (`send_direct`, a card by staff id), never through
        a group's session webhook or to the group: DingTalk has no "visible only to one member" message for a
        robot, and everyone in the group would read it. A private send that DingTalk refuses raises like any
        other (throttled: retried by the tick; no such person: undeliverable, the host told); it never falls
        back to the group. The core says in the group where the answer went (`bot.pointer`)."""
        lang = message.lang
        if message.replaces is not None:
            return self.update(message, lang)
        target = message.target
        private = target.kind != "channel"
        where = (target.user if private else target.channel) or ""
        if not where:
            raise Undeliverable(f"no {'person' if private else 'conversation'} to send to: {target}")
        mentions = tuple(message.mentions)
        if message.buttons:
            try:
                return self.send_card(message, lang, private, where, mentions)
            except Throttled:
                raise
            except DingTalkError as error:  # no cards here (permissions, edition): the words to type instead
                log.warning("DingTalk refused a card (%s); sending markdown with the words to type", error)
        parts = render.markdown(message, lang, mentions)
        files = [a for a in message.attachments if a.data is not None]  # PDF, XLSX, charts: as DingTalk files
        for attachment in message.attachments:  # minutes and the like: as messages, split to fit
            if attachment.data is None:
                parts += render.markdown(OutMessage(lang=lang, target=target, title=attachment.filename,
                                                    text=attachment.content), lang)
        sent_id = ""
        for title, text in parts:
            webhook = None if private else self._webhook(where)  # a session webhook posts to the whole group
            if webhook is not None:
                self.api.reply_by_session(webhook, title, text, mentions)
                sent_id = f"reply:{secrets.token_hex(6)}"
            elif private:
                sent_id = self.api.send_direct(where, "sampleMarkdown", {"title": title, "text": text})
            else:
                sent_id = self.api.send_group(where, "sampleMarkdown", {"title": title, "text": text})
        for attachment in files:
            assert attachment.data is not None
            param = {"mediaId": self.api.upload_file(attachment.filename, attachment.data),
                     "fileName": attachment.filename, "fileType": attachment.filename.rpartition(".")[2] or "file"}
            if private:
                self.api.send_direct(where, "sampleFile", param)
            else:
                self.api.send_group(where, "sampleFile", param)
        return sent_id or None

    def send_card(self, message: OutMessage, lang: Lang, private: bool, where: str, mentions: tuple[str, ...]) -> str:
        """A card in the group, or in one person's 1:1 chat with the robot. A private note's card (`ephemeral`:
        a warning asking its asker yes or no, `mine` with its Done buttons) is delivered to the person's 1:1
        chat, but its id names the group it answers, so its clicks are said there, as a click on Slack's
        ephemeral message is said in its channel."""
        card = render.card(message, lang)
        target = message.target
        if target.kind == "ephemeral" and target.channel:
            card_id = card_id_for(target.channel, direct=False)
        else:
            card_id = card_id_for(where, private)
        if private:
            self.api.send_card(card_id, card, staff_id=where)
        else:
            self.api.send_card(card_id, card, conversation_id=where, mention_ids=mentions)
        return card_id

    def update(self, message: OutMessage, lang: Lang) -> str:
        """A message drawn again in place (`replaces`: a meeting's card, a private invitation the meeting's
        cancellation or move made out of date), with or without buttons: a card is updated through the card
        platform (`PUT /v1.0/card/instances`), in a group or a 1:1 chat alike. A markdown message (what went where
        cards were refused, or through a session webhook) cannot be edited on DingTalk: then nothing is sent (no
        second message in its place) and the id comes back as it was, so the update counts as done; the core's
        other messages (the change's notice) say what changed."""
        assert message.replaces is not None
        if card_place(message.replaces) is None:
            log.info("DingTalk message %s is not a card and cannot be edited; left as it is", message.replaces)
            return message.replaces
        self.api.update_card(message.replaces, render.card(message, lang))
        return message.replaces

    def _webhook(self, conversation: str) -> str | None:
        found = self._webhooks.get(conversation)
        if found is None or found[1] - WEBHOOK_MARGIN_MS < self.clock().timestamp() * 1000:
            return None
        return found[0]

    def tick(self) -> int:
        return self.core.tick(self.clock(), self.send, platform=PLATFORM)


class _Handler(dingtalk_stream.CallbackHandler):  # type: ignore[misc]
    """Acks at once; the adapter does the work after."""

    def __init__(self, adapter: DingTalkAdapter, topic: str) -> None:
        super().__init__()
        self.adapter = adapter
        self.topic = topic

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        data = message.data if isinstance(message.data, dict) else json.loads(message.data or "{}")
        self.adapter.receive(self.topic, str(message.headers.message_id), data)
        return AckMessage.STATUS_OK, "OK"


class QuorumStreamClient(dingtalk_stream.DingTalkStreamClient):  # type: ignore[misc]
    """The SDK's stream client, with a connection opened off the event loop (with a timeout), quick
    reconnects with backoff, and an idle watchdog."""

    def __init__(self, adapter: DingTalkAdapter, client_id: str, client_secret: str, endpoint: str,
                 idle_seconds: float = IDLE_SECONDS, topics: tuple[str, ...] = (TOPIC_CHATBOT, TOPIC_CARD)) -> None:
        super().__init__(dingtalk_stream.Credential(client_id, client_secret))
        self.endpoint = endpoint.rstrip("/")
        self.idle_seconds = idle_seconds
        self.connects = 0
        self.connected = False  # a websocket is open and reading (for /healthz)
        self.on_ack: Callable[[float], None] | None = None  # seconds from a callback frame's arrival to its ack
        for topic in topics:
            self.register_callback_handler(topic, _Handler(adapter, topic))

    def open_connection(self) -> dict[str, Any] | None:
        topics = [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map]
        try:
            response = requests.post(f"{self.endpoint}/v1.0/gateway/connections/open", timeout=TIMEOUT_SECONDS,
                                     json={"clientId": self.credential.client_id,
                                           "clientSecret": self.credential.client_secret,
                                           "subscriptions": topics, "ua": "quorum", "localIp": "127.0.0.1"})
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body
        except (requests.RequestException, ValueError) as error:
            log.error("DingTalk: opening the stream connection failed: %s", error)
            return None

    async def start(self) -> None:
        self.pre_start()
        failures = 0
        while True:
            connection = await asyncio.to_thread(self.open_connection)
            if connection is None:
                await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
                failures += 1
                continue
            uri = f'{connection["endpoint"]}?ticket={quote_plus(connection["ticket"])}'
            try:
                async with websockets.connect(uri) as websocket:
                    self.websocket = websocket
                    self.connects += 1
                    self.connected = True
                    failures = 0
                    try:
                        await self._read(websocket)
                    finally:
                        self.connected = False
            except (OSError, websockets.exceptions.WebSocketException) as error:
                log.warning("DingTalk: stream connection lost (%s); reconnecting", error)
                await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
                failures += 1

    async def _read(self, websocket: Any) -> None:
        while True:
            try:
                raw = await asyncio.wait_for(websocket.recv(), timeout=self.idle_seconds)
            except TimeoutError:
                log.warning("DingTalk: no frame for %.0f s; reconnecting", self.idle_seconds)
                await websocket.close()
                return
            arrived = time.perf_counter()
            frame = json.loads(raw)
            result = await self.route_message(frame)  # a callback's ack is sent in here, before its work
            if self.on_ack is not None and frame.get("type") == "CALLBACK":
                self.on_ack(time.perf_counter() - arrived)
            if result == self.TAG_DISCONNECT:
                await websocket.close()
                return
