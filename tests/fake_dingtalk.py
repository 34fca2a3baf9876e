"""A small, programmable DingTalk on 127.0.0.1: exactly the wire protocol Quorum's DingTalk adapter speaks.

Why this shape (bolt-python's mock Web API server, not a second DingTalk): the fake serves only the calls the
adapter makes, records what it received, and fails where the test tells it to. What it serves:

* Stream: `POST /v1.0/gateway/connections/open` (single-use ticket) and the `/gateway` websocket, carrying
  DingTalk's frames (`{"specVersion", "type", "headers", "data": "<json string>"}`) and recording the client's
  acks; SYSTEM pings every `ping_interval` seconds, as DingTalk keeps a live connection busy; `go_silent`
  (no frames, no pongs: a "zombie" gateway) and `drop_connections` for the reconnect checks.
* OAuth `POST /v1.0/oauth2/accessToken`; every OpenAPI call needs a token it issued (counted, for caching).
* Robot messages `groupMessages/send` and `oToMessages/batchSend` (with `invalidStaffIdList` and
  `flowControlledStaffIdList`), session webhook replies, oapi `media/upload`.
* The organisation's directory: oapi `topapi/v2/user/get` (token in the query, as oapi takes it) from the org
  chart the test sets (`org_person`); `refuse_contacts` answers as DingTalk does for an app without the
  Contact permission (errcode 88, sub_code 60011).
* Cards on the card platform: `POST /v1.0/card/instances/createAndDeliver` and `PUT /v1.0/card/instances`.
  `click` pushes a button's callback on the Stream card topic ONLY for a card created with
  `callbackType: "STREAM"`, as DingTalk does; the robot `interactiveCards` API is not served (404), so a
  regression to it fails the adapter tests instead of passing against a fake that is kinder than DingTalk.

Failures are injected by the test (`fail_next`: DingTalk's 403 `Forbidden.AccessDenied.QpsLimitForApi` by
default). Nothing here reads the wall clock: timestamps come from the test.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import hmac
import json
import secrets
import socket
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from tests.local_server import LocalServer

CLIENT_ID = "dingquorumtest0bot1"  # also the robot code, as for an internal app's robot
CLIENT_SECRET = "quorum-test-secret-not-a-real-one"
CORP_ID = "ding6c0ffee0d1e2f3a4b5c6d7e8f90a1b2c"
CHATBOT_USER_ID = "$:LWCP_v1:$Qu0rUmB0tUs3r1d"

TOPIC_CHATBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD_CALLBACK = "/v1.0/card/instances/callback"
OPEN_CONNECTION = "/v1.0/gateway/connections/open"
ACCESS_TOKEN = "/v1.0/oauth2/accessToken"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
OTO_BATCH_SEND = "/v1.0/robot/oToMessages/batchSend"
CARD_CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_INSTANCES = "/v1.0/card/instances"
SESSION_WEBHOOK = "/robot/sendBySession"
MEDIA_UPLOAD = "/media/upload"
USER_GET = "/topapi/v2/user/get"
QPS_LIMIT_CODE = "Forbidden.AccessDenied.QpsLimitForApi"
SESSION_TTL_MS = 90 * 60 * 1000


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: Any
    status: int


@dataclass(frozen=True)
class SentMessage:
    """A robot message accepted for `targets` (the conversation, or the staff ids it reached)."""

    kind: str  # "group" or "oto"
    targets: tuple[str, ...]
    msg_key: str
    param: dict[str, Any]


@dataclass(frozen=True)
class Reply:
    session: str
    body: dict[str, Any]

    @property
    def text(self) -> str:
        content = self.body.get(str(self.body.get("msgtype")))
        return str(content.get("text") or content.get("content") or "") if isinstance(content, dict) else ""


@dataclass
class Card:
    out_track_id: str
    template_id: str
    callback_type: str
    space: str  # the openSpaceId it was delivered to
    params: dict[str, str]
    request: dict[str, Any]
    updates: int = 0

    def buttons(self) -> list[dict[str, Any]]:
        buttons: list[dict[str, Any]] = json.loads(self.params.get("sys_full_json_obj") or "{}").get("msgButtons")
        return buttons or []


class NoStreamCallback(AssertionError):
    """The card was not created with Stream callbacks: DingTalk would never tell a Stream client of the click."""


def _error(code: str, message: str) -> dict[str, str]:
    return {"requestid": secrets.token_hex(8), "code": code, "message": message}


class FakeDingTalk(LocalServer):
    name = "fake-dingtalk"

    def __init__(self, ping_interval: float | None = None, robot_code: str = CLIENT_ID) -> None:
        super().__init__()
        self.ping_interval = ping_interval
        self.robot_code = robot_code
        self.media: dict[str, tuple[str, bytes]] = {}
        self._runner: web.AppRunner | None = None
        self._calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._tokens: set[str] = set()
        self._invalid_staff: set[str] = set()
        self._org: dict[str, dict[str, Any]] = {}  # staff id → its `topapi/v2/user/get` result
        self._contacts_refused = False
        self._flow_controlled: dict[str, int] = {}
        self._messages: list[SentMessage] = []
        self._replies: list[Reply] = []
        self._cards: dict[str, Card] = {}
        self._tickets: set[str] = set()
        self._sockets: list[tuple[web.WebSocketResponse, asyncio.BaseTransport | None]] = []
        self._connects = 0
        self._silent = False
        self._pushed: dict[str, dict[str, Any]] = {}
        self._acks: dict[str, dict[str, Any]] = {}
        self._routes: dict[tuple[str, str], Callable[[dict[str, Any], Mapping[str, str]], dict[str, Any]]] = {
            ("POST", GROUP_SEND): self._group_send,
            ("POST", OTO_BATCH_SEND): self._oto_batch_send,
            ("POST", CARD_CREATE_AND_DELIVER): self._card_create_and_deliver,
            ("PUT", CARD_INSTANCES): self._card_update,
        }

    # ---- lifecycle ----------------------------------------------------------------------------------------
    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_post(MEDIA_UPLOAD, self._media_upload)
        app.router.add_route("*", "/{tail:.*}", self._http)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        for ws, _ in list(self._sockets):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=WSCloseCode.GOING_AWAY), 2)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def endpoint(self) -> str:
        """The value for DINGTALK_OPENAPI_ENDPOINT (and DINGTALK_OAPI_ENDPOINT)."""
        return f"http://127.0.0.1:{self.port}"

    # ---- what the test programs ------------------------------------------------------------------------------
    def fail_next(self, path: str, status: int = 403, body: dict[str, Any] | None = None, times: int = 1) -> None:
        """The next `times` calls to `path` answer `status` with `body` (default: DingTalk's QPS-limit 403, or
        an internal error for 5xx)."""
        if body is None and status >= 500:
            body = _error("InternalError", "服务暂不可用")
        elif body is None:
            body = _error(QPS_LIMIT_CODE, "API调用频率超过限制")
        with self._cond:
            self._failures.setdefault(path, []).extend([(status, body)] * times)

    def slow_next(self, path: str, seconds: float, times: int = 1) -> None:
        """Answer the next `times` requests to `path` only after `seconds` (a post in flight)."""
        with self._cond:
            self._slow.setdefault(path, []).extend([seconds] * times)

    def wait_started(self, path: str, count: int = 1, timeout: float = 30.0) -> int:
        """Block until `count` requests to `path` have arrived, answered or not."""
        return self._wait(lambda: n if (n := self._started.count(path)) >= count else None, timeout,
                          f"{count} request(s) to {path}")

    def open_connections(self) -> int:
        with self._cond:
            return sum(not ws.closed for ws, _ in self._sockets)

    def invalid_staff(self, *staff_ids: str) -> None:
        """DingTalk knows none of these staff ids."""
        with self._cond:
            self._invalid_staff.update(staff_ids)

    def flow_control(self, staff_id: str, times: int = 1) -> None:
        """The next `times` private messages to `staff_id` come back in `flowControlledStaffIdList`."""
        with self._cond:
            self._flow_controlled[staff_id] = self._flow_controlled.get(staff_id, 0) + times

    def org_person(self, staff_id: str, name: str, manager: str | None = None,
                   departments: Sequence[int] = (1,)) -> None:
        """Put a person in the organisation's directory, under `manager` (a staff id)."""
        with self._cond:
            self._org[staff_id] = {"userid": staff_id, "name": name, "dept_id_list": list(departments),
                                   **({"manager_userid": manager} if manager else {})}

    def refuse_contacts(self) -> None:
        """The app was not granted the Contact permission: every directory read is refused."""
        with self._cond:
            self._contacts_refused = True

    def expire_tokens(self) -> None:
        with self._cond:
            self._tokens.clear()

    def session_webhook(self) -> str:
        return f"{self.endpoint}{SESSION_WEBHOOK}?session={secrets.token_hex(8)}"

    # ---- what the fake received ------------------------------------------------------------------------------
    def calls(self, path: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if path is None or c.path == path]

    @property
    def token_requests(self) -> int:
        return len(self.calls(ACCESS_TOKEN))

    def messages(self, kind: str | None = None, target: str | None = None) -> list[SentMessage]:
        with self._cond:
            return [m for m in self._messages if kind in (None, m.kind) and (target is None or target in m.targets)]

    def replies(self) -> list[Reply]:
        with self._cond:
            return list(self._replies)

    def cards(self) -> list[Card]:
        with self._cond:
            return [copy.deepcopy(card) for card in self._cards.values()]

    def card(self, out_track_id: str) -> Card | None:
        with self._cond:
            found = self._cards.get(out_track_id)
            return copy.deepcopy(found) if found is not None else None

    # ---- HTTP ---------------------------------------------------------------------------------------------
    async def _http(self, request: web.Request) -> web.StreamResponse:
        path, method = "/" + request.match_info["tail"], request.method
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            body = None
        token = request.headers.get("x-acs-dingtalk-access-token")
        await self._arrived(path)
        with self._cond:
            status, answer = self._answer(method, path, body, token, request.query)
            self._calls.append(Call(method, path, copy.deepcopy(body), status))
            self._cond.notify_all()
        return web.json_response(answer, status=status)

    def _answer(self, method: str, path: str, body: Any, token: str | None,
                query: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if self._failures.get(path):
            return self._failures[path].pop(0)
        if not isinstance(body, dict):
            return 400, _error("InvalidParameter", "请求体不是合法的JSON对象")
        if (method, path) == ("POST", OPEN_CONNECTION):
            if (body.get("clientId"), body.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return 401, _error("InvalidAuthentication", "clientId或clientSecret不正确")
            ticket = secrets.token_hex(12)
            self._tickets.add(ticket)
            return 200, {"endpoint": f"ws://127.0.0.1:{self.port}/gateway", "ticket": ticket}
        if (method, path) == ("POST", ACCESS_TOKEN):
            if (body.get("appKey"), body.get("appSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return 400, _error("invalidClientIdOrSecret", "无效的clientId或者clientSecret")
            token = secrets.token_hex(16)
            self._tokens.add(token)
            return 200, {"accessToken": token, "expireIn": 7200}
        if (method, path) == ("POST", SESSION_WEBHOOK):
            if body.get("msgtype") not in ("text", "markdown") or not isinstance(body.get(body["msgtype"]), dict):
                return 200, {"errcode": 40035, "errmsg": "不合法的参数"}
            self._replies.append(Reply(query.get("session", ""), body))
            return 200, {"errcode": 0, "errmsg": "ok"}
        if (method, path) == ("POST", USER_GET):
            return 200, self._user_get(body, query)
        route = self._routes.get((method, path))
        if route is None:
            return 404, _error("InvalidAction.NotFound", "Specified api is not found")
        if token not in self._tokens:
            return 401, _error("InvalidAuthentication", "不合法的access_token")
        try:
            return 200, route(body, query)
        except ValueError as problem:
            return 400, _error("InvalidParameter", str(problem))

    def _user_get(self, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        if query.get("access_token") not in self._tokens:
            return {"errcode": 40014, "errmsg": "不合法的access_token"}
        if self._contacts_refused:
            return {"errcode": 88, "errmsg": "ding talk error[subcode=60011,submsg=应用尚未开通所需的权限]",
                    "sub_code": "60011", "sub_msg": "应用尚未开通所需的权限：[qyapi_get_member]"}
        person = self._org.get(str(body.get("userid")))
        if person is None:
            return {"errcode": 60121, "errmsg": "找不到该用户"}
        return {"errcode": 0, "errmsg": "ok", "result": person, "request_id": secrets.token_hex(8)}

    def _robot_message(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if body.get("robotCode") != self.robot_code or not body.get("msgKey"):
            raise ValueError("robotCode 或 msgKey 不正确")
        if not isinstance(body.get("msgParam"), str):  # a JSON *string*, not an object
            raise ValueError("msgParam 必须是JSON字符串")
        return str(body["msgKey"]), json.loads(body["msgParam"])

    def _group_send(self, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        key, param = self._robot_message(body)
        self._messages.append(SentMessage("group", (str(body.get("openConversationId")),), key, param))
        return {"processQueryKey": secrets.token_hex(12)}

    def _oto_batch_send(self, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        key, param = self._robot_message(body)
        users = [str(u) for u in body.get("userIds") or []]
        invalid = [u for u in users if u in self._invalid_staff]
        flowed = [u for u in users if u not in invalid and self._flow_controlled.get(u, 0) > 0]
        for user in flowed:
            self._flow_controlled[user] -= 1
        reached = tuple(u for u in users if u not in invalid and u not in flowed)
        if reached:
            self._messages.append(SentMessage("oto", reached, key, param))
        return {"processQueryKey": secrets.token_hex(12), "invalidStaffIdList": invalid,
                "flowControlledStaffIdList": flowed}

    def _card_create_and_deliver(self, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        params = (body.get("cardData") or {}).get("cardParamMap")
        if not body.get("cardTemplateId") or not body.get("outTrackId") or not isinstance(params, dict):
            raise ValueError("cardTemplateId、outTrackId、cardData.cardParamMap 不能为空")
        if not all(isinstance(value, str) for value in params.values()):
            raise ValueError("cardParamMap 的值必须是字符串")
        space = str(body.get("openSpaceId") or "")
        space_type, _, space_id = space.removeprefix("dtv1.card//").partition(".")
        model = body.get({"IM_GROUP": "imGroupOpenDeliverModel", "IM_ROBOT": "imRobotOpenDeliverModel"}.get(
            space_type, "")) or {}
        if not space_id or model.get("robotCode") != self.robot_code:
            raise ValueError(f"非法的 openSpaceId {space} 或 robotCode")
        delivered = not (space_type == "IM_ROBOT" and space_id in self._invalid_staff)
        if delivered:
            self._cards[str(body["outTrackId"])] = Card(str(body["outTrackId"]), str(body["cardTemplateId"]),
                                                        str(body.get("callbackType") or ""), space, params, body)
        result = {"spaceType": space_type, "spaceId": space_id, "success": delivered,
                  **({} if delivered else {"errorMsg": "用户不存在"})}
        return {"success": True, "result": {"outTrackId": body["outTrackId"], "deliverResults": [result]}}

    def _card_update(self, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        card = self._cards.get(str(body.get("outTrackId")))
        params = (body.get("cardData") or {}).get("cardParamMap")
        if card is None or not isinstance(params, dict):
            raise ValueError(f"卡片 {body.get('outTrackId')} 不存在或缺少 cardParamMap")
        card.params = params
        card.updates += 1
        return {"success": True, "result": True}

    async def _media_upload(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        media = form.get("media")
        with self._cond:
            if request.query.get("access_token") not in self._tokens or not isinstance(media, web.FileField):
                answer: dict[str, Any] = {"errcode": 40014, "errmsg": "不合法的access_token或缺少 media"}
            else:
                media_id = f"@lA{secrets.token_hex(8)}"
                self.media[media_id] = (media.filename, media.file.read())
                answer = {"errcode": 0, "errmsg": "ok", "media_id": media_id, "type": "file"}
            self._calls.append(Call("POST", MEDIA_UPLOAD, None, 200))
        return web.json_response(answer)

    # ---- Stream -------------------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        with self._cond:
            if request.query.get("ticket") not in self._tickets:
                return web.json_response(_error("InvalidTicket", "ticket不存在或已失效"), status=401)
            self._tickets.discard(request.query["ticket"])
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        with self._cond:
            self._sockets.append((ws, request.transport))
            self._connects += 1
            self._cond.notify_all()
        pinger = asyncio.ensure_future(self._ping(ws)) if self.ping_interval else None
        try:
            async for message in ws:
                if message.type == WSMsgType.PING and not self._silent:
                    await ws.pong(message.data)
                elif message.type == WSMsgType.TEXT:
                    frame = json.loads(message.data)
                    with self._cond:
                        self._acks[str(frame.get("headers", {}).get("messageId"))] = frame
                        self._cond.notify_all()
        finally:
            if pinger is not None:
                pinger.cancel()
            with self._cond:
                self._sockets = [s for s in self._sockets if s[0] is not ws]
                self._cond.notify_all()
        return ws

    async def _ping(self, ws: web.WebSocketResponse) -> None:
        assert self.ping_interval is not None
        while not ws.closed:
            await asyncio.sleep(self.ping_interval)
            if not self._silent:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_str(json.dumps(_frame("SYSTEM", "ping", {"opaque": secrets.token_hex(8)},
                                                        secrets.token_hex(8))))

    def wait_connected(self, count: int = 1, timeout: float = 30.0) -> int:
        """Wait until `count` connections were opened in all and one is open."""
        return self._wait(lambda: self._connects if self._connects >= count and any(
            not ws.closed for ws, _ in self._sockets) else None, timeout, f"Stream connection #{count}")

    def go_silent(self) -> None:
        """Send nothing and answer no websocket ping: a gateway that hung."""
        with self._cond:
            self._silent = True

    def speak(self) -> None:
        with self._cond:
            self._silent = False

    def drop_connections(self) -> None:
        """Abort every Stream connection without a close frame, like a network failure."""
        async def drop() -> None:
            for _, transport in list(self._sockets):
                if transport is not None:
                    transport.abort()  # type: ignore[attr-defined]
        self._submit(drop(), 5.0)

    def push(self, topic: str, data: Mapping[str, Any], message_id: str | None = None) -> str:
        """One CALLBACK frame to the newest open connection; returns its messageId."""
        message_id = message_id or secrets.token_hex(10)
        frame = _frame("CALLBACK", topic, data, message_id)
        with self._cond:
            self._pushed[message_id] = frame
        self._send(frame)
        return message_id

    def redeliver(self, message_id: str) -> None:
        """The same frame again, as DingTalk re-pushes one it thinks was not acked."""
        with self._cond:
            frame = self._pushed[message_id]
        self._send(frame)

    def click(self, out_track_id: str, staff_id: str, button_id: str) -> str:
        """`staff_id` clicks a card's button: the card callback DingTalk pushes, if it pushes one at all."""
        card = self.card(out_track_id)
        if card is None or card.callback_type != "STREAM":
            raise NoStreamCallback(f"card {out_track_id} was not created with callbackType STREAM")
        button = next((b for b in card.buttons() if b.get("id") == button_id and b.get("request") is True), None)
        if button is None:
            raise AssertionError(f"card {out_track_id} has no callback button {button_id}")
        space_type, _, space_id = card.space.removeprefix("dtv1.card//").partition(".")
        content = {"cardPrivateData": {"actionIds": [button_id], "params": button.get("params") or {}}}
        return self.push(TOPIC_CARD_CALLBACK, {
            "extension": "{}", "corpId": CORP_ID, "spaceType": space_type, "userIdType": 1,
            "type": "actionCallback", "userId": staff_id, "content": json.dumps(content, ensure_ascii=False),
            "spaceId": space_id, "outTrackId": out_track_id})

    def wait_for_ack(self, message_id: str, timeout: float = 30.0) -> dict[str, Any]:
        return self._wait(lambda: self._acks.get(message_id), timeout, f"ack of frame {message_id}")

    def _send(self, frame: dict[str, Any]) -> None:
        self.wait_connected()

        async def send() -> None:
            ws = next(ws for ws, _ in reversed(self._sockets) if not ws.closed)
            await ws.send_str(json.dumps(frame, ensure_ascii=False))
        self._submit(send(), 5.0)


def _frame(kind: str, topic: str, data: Mapping[str, Any], message_id: str) -> dict[str, Any]:
    headers = {"contentType": "application/json", "messageId": message_id, "topic": topic, "time": "0"}
    return {"specVersion": "1.0", "type": kind, "headers": headers, "data": json.dumps(data, ensure_ascii=False)}


# ---- what DingTalk sends ----------------------------------------------------------------------------------
def conversation_id(seed: str) -> str:
    """A stable open conversation id (`cid…==`)."""
    return "cid" + base64.b64encode(hashlib.sha256(seed.encode()).digest()[:24]).decode()


def chatbot_message(text: str, staff_id: str, nick: str, *, now_ms: int, group: str | None = None,
                    at_users: Sequence[str] = (), session_webhook: str | None = None,
                    msg_id: str | None = None) -> dict[str, Any]:
    """A message to the robot: in `group` (an open conversation id, @robot and `at_users`) or 1:1; its session
    webhook defaults to one of the newest running fake, valid 90 minutes from `now_ms`."""
    fake = FakeDingTalk.active()
    webhook = session_webhook or (fake.session_webhook() if fake is not None else "")
    message: dict[str, Any] = {
        "conversationId": group or conversation_id(f"p2p:{staff_id}"), "chatbotCorpId": CORP_ID,
        "chatbotUserId": CHATBOT_USER_ID, "msgId": msg_id or f"msg{secrets.token_hex(10)}", "senderNick": nick,
        "isAdmin": False, "senderStaffId": staff_id, "senderId": f"$:LWCP_v1:${staff_id}", "senderCorpId": CORP_ID,
        "conversationType": "2" if group else "1", "createAt": now_ms, "robotCode": CLIENT_ID,
        "sessionWebhook": webhook, "sessionWebhookExpiredTime": now_ms + SESSION_TTL_MS,
        "text": {"content": text}, "msgtype": "text",
    }
    if group:
        message["isInAtList"] = True
        message["atUsers"] = [{"dingtalkId": CHATBOT_USER_ID},
                              *({"dingtalkId": f"$:LWCP_v1:${s}", "staffId": s} for s in at_users)]
    return message


def outgoing_sign(timestamp_ms: int | str, app_secret: str) -> str:
    """`sign` of an outgoing-robot HTTP callback: base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}"))."""
    digest = hmac.new(app_secret.encode(), f"{timestamp_ms}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def outgoing_headers(timestamp_ms: int, app_secret: str = CLIENT_SECRET) -> dict[str, str]:
    return {"timestamp": str(timestamp_ms), "sign": outgoing_sign(timestamp_ms, app_secret),
            "Content-Type": "application/json"}


class ClientThread:
    """Runs a Stream client's endless `start()` on a private loop; `stop` cancels its tasks and joins (bounded)."""

    def __init__(self, start: Callable[[], Coroutine[Any, Any, object]]) -> None:
        self._start = start
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="dingtalk-client", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._start())
        self._loop.close()

    def start(self) -> ClientThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        def cancel() -> None:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
        with contextlib.suppress(RuntimeError):  # the loop already closed
            self._loop.call_soon_threadsafe(cancel)
        self._thread.join(10)
        if self._thread.is_alive():
            raise TimeoutError("the Stream client did not stop within 10 s")
