"""A local fake DingTalk (钉钉) that speaks DingTalk's real wire protocols, for adapter tests.

Why: the DingTalk adapter is glue between the ``dingtalk-stream`` SDK and our core. Mocking SDK objects would
only test our own beliefs about DingTalk; this fake instead serves the protocols the unmodified SDK (and plain
``requests``/``aiohttp`` calls) speak, so a test exercises the same bytes production does:

* the Stream gateway: ``POST /v1.0/gateway/connections/open`` (clientId/clientSecret/subscriptions/ua/localIp)
  returning ``{"endpoint", "ticket"}``, then the websocket ``/gateway?ticket=...`` carrying DingTalk's frames
  (``{"specVersion": "1.0", "type": "CALLBACK"|"EVENT"|"SYSTEM", "headers": {...}, "data": "<json string>"}``)
  and the client's ack frames (``{"code": 200, "headers": {"contentType", "messageId"}, "message", "data"}``),
  SYSTEM ``ping`` (with an ``opaque`` to echo) and ``disconnect`` frames, server-side drops and a silent mode;
* OAuth: ``POST /v1.0/oauth2/accessToken`` (appKey/appSecret -> accessToken/expireIn) and the legacy
  ``GET /gettoken`` (appkey/appsecret -> errcode/access_token/expires_in);
* the robot OpenAPI behind ``x-acs-dingtalk-access-token``: ``groupMessages/send``, ``oToMessages/batchSend``
  (with ``invalidStaffIdList``/``flowControlledStaffIdList``), the card-instance APIs the SDK's ``CardReplier``
  and ``AICardReplier`` use (``/v1.0/card/instances`` POST/PUT, ``/deliver``, ``/createAndDeliver``,
  ``/v1.0/card/streaming``), the robot interactive cards ``ChatbotHandler.reply_card``/``update_card`` use
  (``/v1.0/im/v1.0/robot/interactiveCards/send``, ``PUT /v1.0/im/robots/interactiveCards``), the "advanced"
  ``/v1.0/im/interactiveCards/send`` + ``PUT /v1.0/im/interactiveCards``, and ``robot/messageFiles/download``;
* ``sessionWebhook`` URLs (``/robot/sendBySession?session=...``) that record replies and expire like DingTalk's;
* failure injection (DingTalk's 403 ``Forbidden.AccessDenied.QpsLimitForApi`` throttling, 5xx, any body),
  per-user ``invalid_staff``/``flow_control``, expired tokens;
* payload builders producing the shapes DingTalk sends (chatbot messages, card callbacks, events) and the
  HTTP-mode (outgoing robot) ``timestamp``/``sign`` headers.

How the SDK is pointed here: ``dingtalk_stream.utils`` reads ``DINGTALK_OPENAPI_ENDPOINT`` ONCE, at import, and
``stream.py``/``chatbot.py``/``card_replier.py`` copy it into module globals (``DingTalkStreamClient.
OPEN_CONNECTION_API`` is even computed at class creation). Setting the variable after the first import changes
nothing, so tests use :func:`patch_sdk_endpoint` (sets the variable and rewrites those copies). The SDK does NOT
route ``upload_to_dingtalk`` (hard-coded ``https://oapi.dingtalk.com/media/upload``), replies (they go to the
message's ``sessionWebhook``), the URL returned by ``messageFiles/download``, nor ``GraphHandler.reply_markdown``
(a webhook from the graph request) through it; ``get_host_ip`` opens a UDP socket "to" 8.8.8.8 (no packet is
sent) to learn ``localIp``.

Where DingTalk is strict and strictness catches adapter bugs, the fake is strict too: OpenAPI calls need a token
the fake issued (401 ``InvalidAuthentication``), ``msgParam`` must be a JSON *string*, ``batchSend`` takes at
most 20 ``userIds``, ``robotCode`` must be the app's, tickets are single-use, session webhooks expire (errcode
300001). Error codes for malformed parameters (``MissingParameter``/``InvalidParameter``) are stand-ins: the real
ones vary per API and are not all documented.

Like ``tests/fake_slack.py``, the server runs on 127.0.0.1 with a random free port, in its own thread with its
own event loop, so sync and async tests (on any loop) can use it; every wait is bounded. :class:`SdkClientThread`
runs the SDK's never-ending ``DingTalkStreamClient.start()`` on a private loop that tests can stop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import hmac
import json
import os
import secrets
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote

from aiohttp import WSCloseCode, WSMsgType, web

from tests.local_server import LocalServer

if TYPE_CHECKING:
    import pytest

#: The app's ``clientId`` (= AppKey). For an internal app's robot, ``robotCode`` is the same string.
CLIENT_ID = "dingquorumtest0bot1"
CLIENT_SECRET = "quorum-test-secret-5f0e2b7c9d1a4e6f8b3c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9"
#: Corp ids look like ``ding`` + 32 hex digits.
CORP_ID = "ding6c0ffee0d1e2f3a4b5c6d7e8f90a1b2c"
#: The app's unified app id (``appId`` frame header / ``eventUnifiedAppId``).
UNIFIED_APP_ID = "3e1f0c55-6a2b-4c7d-9e8f-0a1b2c3d4e5f"
CHATBOT_USER_ID = "$:LWCP_v1:$Qu0rUmB0tUs3r1dXyZ9kLmN0pQrS"
BOT_NAME = "Quorum"

TOPIC_CHATBOT = "/v1.0/im/bot/messages/get"
TOPIC_CHATBOT_DELEGATE = "/v1.0/im/bot/messages/delegate"
TOPIC_CARD_CALLBACK = "/v1.0/card/instances/callback"

OPEN_CONNECTION = "/v1.0/gateway/connections/open"
GATEWAY = "/gateway"
ACCESS_TOKEN = "/v1.0/oauth2/accessToken"
LEGACY_GETTOKEN = "/gettoken"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
OTO_BATCH_SEND = "/v1.0/robot/oToMessages/batchSend"
MESSAGE_FILES_DOWNLOAD = "/v1.0/robot/messageFiles/download"
SESSION_WEBHOOK = "/robot/sendBySession"
MEDIA_UPLOAD = "/media/upload"  # oapi: multipart "media" + form "type", ?access_token= → media_id
CARD_INSTANCES = "/v1.0/card/instances"  # POST create, PUT update (CardReplier / AICardReplier)
CARD_DELIVER = "/v1.0/card/instances/deliver"
CARD_CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_STREAMING = "/v1.0/card/streaming"  # PUT (AICardReplier.streaming)
ROBOT_CARD_SEND = "/v1.0/im/v1.0/robot/interactiveCards/send"  # ChatbotHandler.reply_card
ROBOT_CARD_UPDATE = "/v1.0/im/robots/interactiveCards"  # PUT, ChatbotHandler.update_card
IM_CARD_SEND = "/v1.0/im/interactiveCards/send"  # "advanced" interactive cards (not used by the SDK)
IM_CARD_UPDATE = "/v1.0/im/interactiveCards"  # PUT

FrameType = Literal["CALLBACK", "EVENT", "SYSTEM"]
FRAME_TYPES: frozenset[str] = frozenset({"CALLBACK", "EVENT", "SYSTEM"})
#: DingTalk's documented throttling answer for the new OpenAPI (HTTP 403).
QPS_LIMIT_CODE = "Forbidden.AccessDenied.QpsLimitForApi"
#: ``batchSend`` accepts at most this many ``userIds`` per call.
MAX_BATCH_USERS = 20
#: Session webhooks live about 90 minutes after the message (``sessionWebhookExpiredTime - createAt``).
SESSION_WEBHOOK_TTL = 90 * 60.0
_SESSION_GONE = {"errcode": 300001, "errmsg": "session 不存在"}
_SESSION_MSGTYPES = frozenset({"text", "markdown", "actionCard", "feedCard", "link", "empty"})

_T = TypeVar("_T")
Handler = Callable[[dict[str, Any], Mapping[str, str]], Any]


@dataclass(frozen=True)
class Call:
    """One HTTP request as the fake received it.

    ``body`` is the decoded JSON (``None`` without a body, the raw text if it was not JSON); ``token`` is the
    ``x-acs-dingtalk-access-token`` header; ``status``/``response`` are what the fake answered.
    """

    method: str
    path: str
    query: dict[str, str]
    body: Any
    token: str | None
    status: int
    response: Any

    @property
    def param(self) -> Any:
        """``msgParam`` decoded (it travels as a JSON string), else ``None``."""
        raw = self.body.get("msgParam") if isinstance(self.body, dict) else None
        if isinstance(raw, str):
            with contextlib.suppress(ValueError):
                return json.loads(raw)
        return None


@dataclass(frozen=True)
class SentMessage:
    """A robot message accepted by ``groupMessages/send`` (kind ``group``) or ``oToMessages/batchSend`` (``oto``).

    ``targets`` holds the ``openConversationId`` or the user ids it reached (invalid and flow-controlled users
    are left out, as DingTalk leaves them out); ``param`` is ``msgParam`` decoded.
    """

    kind: Literal["group", "oto"]
    targets: tuple[str, ...]
    msg_key: str
    param: dict[str, Any]
    process_query_key: str
    robot_code: str


@dataclass(frozen=True)
class Reply:
    """A POST to a ``sessionWebhook``; ``body`` is the decoded JSON (``msgtype`` + content + ``at``)."""

    session: str
    body: dict[str, Any]
    accepted: bool

    @property
    def msgtype(self) -> str:
        return str(self.body.get("msgtype", ""))

    @property
    def text(self) -> str:
        """The visible text: ``text.content``, ``markdown.text`` or ``actionCard.text``."""
        content = self.body.get(self.msgtype)
        if isinstance(content, dict):
            return str(content.get("content", content.get("text", "")))
        return ""


@dataclass
class Card:
    """Current state of a card the app created, by ``outTrackId`` (or ``cardBizId`` for robot cards).

    ``api`` says which family created it: ``instance`` (``/v1.0/card/instances``), ``robot``
    (``/v1.0/im/v1.0/robot/interactiveCards/send``) or ``im`` (``/v1.0/im/interactiveCards/send``).
    ``data`` is ``cardParamMap`` (robot cards: the decoded ``cardData``); ``spaces`` the open space ids it was
    delivered to (``dtv1.card//IM_GROUP.<cid>``, ``dtv1.card//IM_ROBOT.<userId>``, or ``cid``/``user:`` for
    robot/im cards); ``updates`` counts PUTs, ``streams`` the streamed keys' current content.
    """

    out_track_id: str
    api: Literal["instance", "robot", "im"]
    template_id: str
    data: dict[str, Any]
    callback_type: str = ""
    callback_route_key: str = ""
    private_data: dict[str, Any] = field(default_factory=dict)
    spaces: list[str] = field(default_factory=list)
    updates: int = 0
    streams: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    failed: bool = False
    request: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Connection:
    """A Stream websocket the fake accepted: ``connection_id`` is what frames carry as ``connectionId``."""

    connection_id: str
    ticket: str
    client_id: str
    subscriptions: tuple[dict[str, str], ...]
    open: bool


@dataclass(frozen=True)
class _Failure:
    status: int
    body: Any
    method: str | None


@dataclass
class _Conn:
    ws: web.WebSocketResponse
    transport: asyncio.BaseTransport | None
    info: Connection
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class _ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.body = _error_body(code, message)


class _Answer(Exception):
    """Ends a handler with an arbitrary status and body (legacy oapi answers, session webhooks)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status = status
        self.body = body





def _now_ms() -> int:
    return int(time.time() * 1000)


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


def _error_body(code: str, message: str) -> dict[str, str]:
    """The new OpenAPI's error body: ``{"requestid", "code", "message"}``."""
    return {"requestid": _request_id(), "code": code, "message": message}


def _compact(value: Any) -> str:
    """JSON as DingTalk writes it: no spaces, UTF-8 text left as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _digest(seed: str, size: int) -> bytes:
    return hashlib.sha256(seed.encode("utf-8")).digest()[:size]


def new_frame_message_id() -> str:
    """A frame ``messageId`` shaped like DingTalk's (``213f1d00_853_187b7df781f_225d``)."""
    return f"{secrets.token_hex(4)}_{secrets.randbelow(1000)}_{_now_ms():x}_{secrets.token_hex(2)}"


def new_msg_id() -> str:
    """A chatbot ``msgId`` (``msg`` + base64 of 16 bytes, e.g. ``msgBjXREkdlZkfTfrIiQomjAw==``)."""
    return "msg" + _b64(secrets.token_bytes(16))


def conversation_id(seed: str) -> str:
    """A stable ``cid...==`` conversation id (DingTalk's open conversation id shape) derived from ``seed``."""
    return "cid" + _b64(_digest("cid:" + seed, 32))


def dingtalk_id(staff_id: str) -> str:
    """The ``$:LWCP_v1:$...`` id DingTalk shows for a staff member (``senderId``/``atUsers[].dingtalkId``)."""
    return "$:LWCP_v1:$" + _b64(_digest("uid:" + staff_id, 16))


def _space_of(open_space_id: str) -> tuple[str, str]:
    """``dtv1.card//IM_GROUP.cid...`` -> (``IM_GROUP``, ``cid...``)."""
    rest = open_space_id.removeprefix("dtv1.card//")
    space_type, _, space_id = rest.partition(".")
    return space_type, space_id


def patch_sdk_endpoint(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Point an already-imported ``dingtalk_stream`` SDK at ``endpoint`` (e.g. ``fake.endpoint``).

    Sets ``DINGTALK_OPENAPI_ENDPOINT`` (for code importing the SDK later, and subprocesses) and rewrites the
    copies the SDK made at import time: every ``dingtalk_stream.*`` module global named
    ``DINGTALK_OPENAPI_ENDPOINT`` and ``DingTalkStreamClient.OPEN_CONNECTION_API``. Also keeps 127.0.0.1 off
    any proxy (``websockets`` >= 14 honours proxy variables). monkeypatch undoes it all after the test.
    """
    import dingtalk_stream  # noqa: F401  (loads every submodule that copies the endpoint)
    from dingtalk_stream.stream import DingTalkStreamClient

    monkeypatch.setenv("DINGTALK_OPENAPI_ENDPOINT", endpoint)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, ",".join(filter(None, ["127.0.0.1", "localhost", os.environ.get(var, "")])))
    for name, module in list(sys.modules.items()):
        if (name == "dingtalk_stream" or name.startswith("dingtalk_stream.")) and hasattr(
            module, "DINGTALK_OPENAPI_ENDPOINT"
        ):
            monkeypatch.setattr(module, "DINGTALK_OPENAPI_ENDPOINT", endpoint)
    monkeypatch.setattr(DingTalkStreamClient, "OPEN_CONNECTION_API", endpoint + OPEN_CONNECTION)


class FakeDingTalk(LocalServer):
    """A DingTalk org with one internal app on 127.0.0.1: Stream gateway, OAuth, robot OpenAPI, cards, webhooks.

    Use as ``with FakeDingTalk() as fake:`` or ``fake = FakeDingTalk().start()`` ... ``fake.stop()``; put
    ``fake.endpoint`` in ``DINGTALK_OPENAPI_ENDPOINT`` (see :func:`patch_sdk_endpoint`). The app is
    ``CLIENT_ID``/``CLIENT_SECRET`` whose robot code is ``CLIENT_ID`` in corp ``CORP_ID``.
    ``ping_interval`` makes the gateway send a SYSTEM ``ping`` to each connection that often (off by default).
    """

    name = "fake-dingtalk"

    def __init__(
        self,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        *,
        robot_code: str | None = None,
        expire_in: int = 7200,
        ping_interval: float | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.robot_code = robot_code or client_id
        self.expire_in = expire_in
        self.ping_interval = ping_interval
        self.media: dict[str, tuple[str, bytes]] = {}  # media_id → (file name, bytes) uploaded to oapi
        super().__init__()
        self._runner: web.AppRunner | None = None
        # HTTP state, guarded by _cond
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._tokens: dict[str, float] = {}
        self._invalid_staff: set[str] = set()
        self._flow_controlled: dict[str, int] = {}
        self._messages: list[SentMessage] = []
        self._sessions: dict[str, float] = {}
        self._replies: list[Reply] = []
        self._cards: dict[str, Card] = {}
        self._files: dict[str, bytes] = {}
        # Stream state, guarded by _cond
        self._tickets: dict[str, dict[str, Any]] = {}
        self._opens: list[dict[str, Any]] = []
        self._conns: list[_Conn] = []
        self._connects = 0
        self._silent = False
        self._answer_pings = True
        self._pushed: list[dict[str, Any]] = []
        self._received: list[dict[str, Any]] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._routes: dict[tuple[str, str], tuple[Handler, bool]] = {
            ("POST", OPEN_CONNECTION): (self._open_connection, False),
            ("POST", ACCESS_TOKEN): (self._access_token, False),
            ("GET", LEGACY_GETTOKEN): (self._legacy_gettoken, False),
            ("POST", SESSION_WEBHOOK): (self._send_by_session, False),
            ("POST", GROUP_SEND): (self._group_send, True),
            ("POST", OTO_BATCH_SEND): (self._oto_batch_send, True),
            ("POST", MESSAGE_FILES_DOWNLOAD): (self._message_files_download, True),
            ("POST", CARD_INSTANCES): (self._card_create, True),
            ("PUT", CARD_INSTANCES): (self._card_update, True),
            ("POST", CARD_DELIVER): (self._card_deliver, True),
            ("POST", CARD_CREATE_AND_DELIVER): (self._card_create_and_deliver, True),
            ("PUT", CARD_STREAMING): (self._card_streaming, True),
            ("POST", ROBOT_CARD_SEND): (self._robot_card_send, True),
            ("PUT", ROBOT_CARD_UPDATE): (self._robot_card_update, True),
            ("POST", IM_CARD_SEND): (self._im_card_send, True),
            ("PUT", IM_CARD_UPDATE): (self._im_card_update, True),
        }

    # ---------------------------------------------------------------- lifecycle

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get(GATEWAY, self._handle_gateway)
        app.router.add_get("/files/{code}", self._handle_file)
        app.router.add_post(MEDIA_UPLOAD, self._handle_media_upload)
        app.router.add_route("*", "/{tail:.*}", self._handle_http)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner

    async def _shutdown(self) -> None:
        with self._cond:
            conns = list(self._conns)
        for conn in conns:
            for task in conn.tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown"), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


    # ---------------------------------------------------------------- addresses

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``DINGTALK_OPENAPI_ENDPOINT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        """The websocket endpoint ``connections/open`` hands out (before ``?ticket=``)."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY}"

    def new_session_webhook(self, expires_at_ms: int | None = None) -> str:
        """A ``sessionWebhook`` URL the fake accepts until ``expires_at_ms`` (default: 90 minutes from now)."""
        session = secrets.token_hex(16)
        expires = expires_at_ms if expires_at_ms is not None else _now_ms() + int(SESSION_WEBHOOK_TTL * 1000)
        with self._cond:
            self._sessions[session] = expires / 1000
        return f"{self.endpoint}{SESSION_WEBHOOK}?session={session}"

    def session_expiry_ms(self, session_webhook: str) -> int | None:
        """When a webhook minted here expires (epoch ms), for ``sessionWebhookExpiredTime``."""
        session = session_webhook.rpartition("session=")[2]
        with self._cond:
            expires = self._sessions.get(session)
        return None if expires is None else int(expires * 1000)

    def expire_session(self, session_webhook: str) -> None:
        """Make a session webhook answer ``{"errcode": 300001, "errmsg": "session 不存在"}`` from now on."""
        session = session_webhook.rpartition("session=")[2]
        with self._cond:
            self._sessions[session] = 0.0

    # ---------------------------------------------------------------- test set-up

    def issue_token(self) -> str:
        """An access token valid for ``expire_in`` seconds, without an HTTP call (for direct API tests)."""
        with self._cond:
            return self._issue_token()

    def expire_tokens(self) -> None:
        """Invalidate every issued token: OpenAPI calls answer 401 ``InvalidAuthentication`` until a new one."""
        with self._cond:
            self._tokens.clear()

    def invalid_staff(self, *user_ids: str) -> None:
        """These user ids are unknown: ``batchSend`` lists them in ``invalidStaffIdList`` and skips them."""
        with self._cond:
            self._invalid_staff.update(user_ids)

    def flow_control(self, user_id: str, times: int = 1) -> None:
        """The next ``times`` ``batchSend`` calls including ``user_id`` list it in ``flowControlledStaffIdList``."""
        with self._cond:
            self._flow_controlled[user_id] = self._flow_controlled.get(user_id, 0) + times

    def add_file(self, download_code: str, content: bytes) -> None:
        """Bytes served for a ``downloadCode`` (``messageFiles/download`` -> ``downloadUrl`` on the fake)."""
        with self._cond:
            self._files[download_code] = content

    def fail_next(
        self,
        path: str,
        status: int | None = None,
        times: int = 1,
        *,
        body: Any = None,
        method: str | None = None,
    ) -> None:
        """Make the next ``times`` requests to ``path`` (optionally only ``method``) fail.

        ``fail_next(p)``: HTTP 403 ``{"code": "Forbidden.AccessDenied.QpsLimitForApi", ...}``, DingTalk's
        throttling answer. ``fail_next(p, status=429|500|503, times=n)``: that status with a DingTalk-shaped
        body (QPS code for 403/429, ``InvalidAuthentication`` for 401, ``ServiceUnavailable``/``InternalError``
        for 5xx). ``fail_next(p, body={"code": ..., "message": ...})``: that body (``requestid`` added) with
        ``status`` or, by default, 403 for ``Forbidden.*`` codes, 401 for ``InvalidAuthentication``, else 400.
        Works for ``/gateway`` too (the websocket upgrade fails). Failures queue up in order.
        """
        if body is None:
            status = 403 if status is None else status
            if status in (403, 429):
                body = _error_body(QPS_LIMIT_CODE, "API调用频率超过限制")
            elif status == 401:
                body = _error_body("InvalidAuthentication", "不合法的access_token")
            elif status >= 500:
                code = "ServiceUnavailable" if status == 503 else "InternalError"
                body = _error_body(code, "服务暂不可用，请稍后重试")
            else:
                body = _error_body("InvalidParameter", "参数错误")
        else:
            if isinstance(body, dict) and "code" in body:
                body = {"requestid": _request_id(), **body}
            if status is None:
                code = str(body.get("code", "")) if isinstance(body, dict) else ""
                status = 403 if code.startswith("Forbidden") else 401 if code == "InvalidAuthentication" else 400
        with self._cond:
            self._failures.setdefault(path, []).extend(
                _Failure(status, copy.deepcopy(body), method.upper() if method else None) for _ in range(times)
            )

    def clear(self) -> None:
        """Forget recorded calls, connection opens, messages, replies, pushes and acks (tokens, sessions, cards,
        injected failures and sockets stay)."""
        with self._cond:
            self._calls.clear()
            self._messages.clear()
            self._replies.clear()
            self._pushed.clear()
            self._received.clear()
            self._acks.clear()
            self._opens.clear()

    # ---------------------------------------------------------------- records

    def calls(self, path: str | None = None, method: str | None = None) -> list[Call]:
        """Recorded HTTP requests in arrival order, all of them or those to ``path`` (and ``method``)."""
        with self._cond:
            return [c for c in self._calls if self._matches(c, path, method)]

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0, method: str | None = None) -> list[Call]:
        """Wait until ``path`` was requested at least ``count`` times; returns all those calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if self._matches(c, path, method)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{c.method} {c.path}" for c in self._calls]
                    raise TimeoutError(f"{path} requested {len(found)}/{count} times in {timeout}s; calls: {seen}")
                self._cond.wait(min(remaining, 0.1))

    @staticmethod
    def _matches(call: Call, path: str | None, method: str | None) -> bool:
        return (path is None or call.path == path) and (method is None or call.method == method.upper())

    @property
    def token_requests(self) -> int:
        """How many times ``/v1.0/oauth2/accessToken`` was called (successful or not)."""
        return len(self.calls(ACCESS_TOKEN))

    @property
    def legacy_token_requests(self) -> int:
        """How many times the legacy ``/gettoken`` was called."""
        return len(self.calls(LEGACY_GETTOKEN))

    def connection_opens(self) -> list[dict[str, Any]]:
        """Bodies of accepted ``connections/open`` requests (clientId, subscriptions, ua, localIp; no secret)."""
        with self._cond:
            return copy.deepcopy(self._opens)

    @property
    def subscriptions(self) -> list[dict[str, str]]:
        """``subscriptions`` of the latest accepted ``connections/open`` (``[]`` before any)."""
        with self._cond:
            return copy.deepcopy(self._opens[-1].get("subscriptions", [])) if self._opens else []

    def messages(self, kind: Literal["group", "oto"] | None = None, target: str | None = None) -> list[SentMessage]:
        """Robot messages accepted so far, optionally of one ``kind`` or reaching ``target``."""
        with self._cond:
            return [m for m in self._messages
                    if (kind is None or m.kind == kind) and (target is None or target in m.targets)]

    def replies(self, session: str | None = None) -> list[Reply]:
        """Posts to session webhooks (``session`` is the hex id or the full webhook URL)."""
        if session is not None:
            session = session.rpartition("session=")[2]
        with self._cond:
            return [r for r in self._replies if session is None or r.session == session]

    def wait_for_reply(self, count: int = 1, timeout: float = 5.0) -> list[Reply]:
        """Wait until at least ``count`` posts reached session webhooks; returns all of them."""
        return self._wait(lambda: list(self._replies) if len(self._replies) >= count else None, timeout,
                          f"{count} session webhook replies")

    def cards(self) -> dict[str, Card]:
        """Cards by ``outTrackId``/``cardBizId`` (copies of their current state)."""
        with self._cond:
            return {k: copy.deepcopy(v) for k, v in self._cards.items()}

    def card(self, out_track_id: str) -> Card | None:
        with self._cond:
            found = self._cards.get(out_track_id)
            return copy.deepcopy(found) if found is not None else None


    # ---------------------------------------------------------------- Stream websocket

    @property
    def connections(self) -> int:
        """Number of currently open Stream connections."""
        with self._cond:
            return sum(1 for c in self._conns if not c.ws.closed)

    @property
    def total_connects(self) -> int:
        """Number of Stream connections established since start (reconnects count)."""
        with self._cond:
            return self._connects

    def connection_list(self) -> list[Connection]:
        """Every connection still tracked (open ones; closed ones are dropped from the list)."""
        with self._cond:
            return [self._snapshot(c) for c in self._conns]

    @staticmethod
    def _snapshot(conn: _Conn) -> Connection:
        info = conn.info
        return Connection(info.connection_id, info.ticket, info.client_id, info.subscriptions, not conn.ws.closed)

    def wait_connected(self, timeout: float = 5.0, count: int = 1) -> int:
        """Wait until ``count`` connections were established in total and one is open; returns the total."""
        return self._wait(
            lambda: self._connects if self._connects >= count and any(not c.ws.closed for c in self._conns) else None,
            timeout,
            f"Stream connection #{count}",
        )

    def wait_disconnected(self, timeout: float = 5.0) -> None:
        """Wait until no Stream connection is open."""
        self._wait(lambda: True if not any(not c.ws.closed for c in self._conns) else None, timeout,
                   "moment without open Stream connections")

    def go_silent(self, answer_pings: bool = False) -> None:
        """Keep accepting connections but send nothing: no frames, no SYSTEM pings, and (by default) no pongs
        to websocket pings either, like a gateway that hung. ``push`` raises meanwhile. Undo with
        :meth:`speak`."""
        with self._cond:
            self._silent = True
            self._answer_pings = answer_pings

    def speak(self) -> None:
        """Leave silent mode."""
        with self._cond:
            self._silent = False
            self._answer_pings = True

    @property
    def silent(self) -> bool:
        with self._cond:
            return self._silent

    def push(
        self,
        topic: str,
        data: Mapping[str, Any] | str,
        message_id: str | None = None,
        type: FrameType = "CALLBACK",
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send one frame to the newest open connection; returns its ``messageId``.

        ``data`` (a mapping, or an already encoded string) travels as a JSON string in ``data``, as DingTalk
        does. ``headers`` adds or overrides frame headers (``EVENT`` frames get ``eventBornTime``,
        ``eventCorpId``, ``eventId``, ``eventType`` = topic and ``eventUnifiedAppId`` by default). Waits (bounded)
        for a connection first. Each frame goes to one connection, as DingTalk balances across an app's clients.
        """
        if type not in FRAME_TYPES:
            raise ValueError(f"unknown frame type {type!r}")
        message_id = message_id or new_frame_message_id()
        frame = self._frame(type, topic, data, message_id, headers)
        self.wait_connected(timeout)
        self._submit(self._send_newest(frame), timeout)
        return message_id

    def push_chatbot(self, message: Mapping[str, Any], message_id: str | None = None, *, timeout: float = 5.0) -> str:
        """Push a chatbot message (see :func:`chatbot_message`) on ``/v1.0/im/bot/messages/get``."""
        return self.push(TOPIC_CHATBOT, message, message_id, "CALLBACK", timeout=timeout)

    def push_card_callback(
        self, callback: Mapping[str, Any], message_id: str | None = None, *, timeout: float = 5.0
    ) -> str:
        """Push a card action (see :func:`card_callback`) on ``/v1.0/card/instances/callback``."""
        return self.push(TOPIC_CARD_CALLBACK, callback, message_id, "CALLBACK", timeout=timeout)

    def push_event(
        self,
        event_type: str,
        data: Mapping[str, Any],
        message_id: str | None = None,
        *,
        event_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push an ``EVENT`` frame (e.g. ``chat_update_title``) with DingTalk's event headers."""
        headers = {"eventId": event_id or secrets.token_hex(16), "eventType": event_type, "topic": "*"}
        return self.push(event_type, data, message_id, "EVENT", headers=headers, timeout=timeout)

    def redeliver(self, message_id: str, timeout: float = 5.0) -> None:
        """Send a pushed frame again, unchanged, as DingTalk re-pushes frames that were not acked in time."""
        with self._cond:
            frame = next((f for f in reversed(self._pushed) if f["headers"].get("messageId") == message_id), None)
        if frame is None:
            raise KeyError(f"no pushed frame with messageId {message_id}")
        self.wait_connected(timeout)
        self._submit(self._send_newest(copy.deepcopy(frame)), timeout)

    def ping(self, timeout: float = 5.0) -> str:
        """Send a SYSTEM ``ping`` (data ``{"opaque": ...}``) to the newest connection; returns its messageId.

        The client must echo it: ``{"code": 200, "headers": {..., "messageId"}, "data": "{\\"opaque\\": ...}"}``.
        """
        message_id = secrets.token_hex(13)
        frame = self._frame("SYSTEM", "ping", {"opaque": str(uuid.uuid4())}, message_id, None)
        self.wait_connected(timeout)
        self._submit(self._send_newest(frame), timeout)
        return message_id

    def disconnect(self, reason: str = "persistent connection is timeout", timeout: float = 5.0) -> list[str]:
        """Send the SYSTEM ``disconnect`` frame to every open connection; returns the messageIds.

        The SDK acks it and closes its websocket, then opens a new connection.
        """
        ids: list[str] = []
        with self._cond:
            conns = [c for c in self._conns if not c.ws.closed]
        for conn in conns:
            message_id = secrets.token_hex(13)
            frame = self._frame("SYSTEM", "disconnect", {"reason": reason}, message_id, None)
            self._submit(self._send_to(conn, frame), timeout)
            ids.append(message_id)
        return ids

    def drop_connections(self, clean: bool = True, timeout: float = 5.0) -> None:
        """Close every Stream connection from the server side.

        ``clean=True`` sends a close frame (code 1000): the SDK's read loop ends normally and it reconnects at
        once. ``clean=False`` aborts the TCP connection without one, like a network failure: the SDK sees
        ``ConnectionClosedError`` and sleeps 10 s before reconnecting.
        """
        self._submit(self._close_all(clean), timeout)

    def pushed(self) -> list[dict[str, Any]]:
        """Frames sent so far (SYSTEM ones included), as sent."""
        with self._cond:
            return copy.deepcopy(self._pushed)

    def received(self) -> list[dict[str, Any]]:
        """Every JSON frame the clients sent over the Stream websocket (acks included)."""
        with self._cond:
            return copy.deepcopy(self._received)

    def acks(self) -> dict[str, dict[str, Any]]:
        """Ack frames by ``headers.messageId``, as the client sent them (``data`` is a JSON string)."""
        with self._cond:
            return copy.deepcopy(self._acks)

    def wait_for_ack(self, message_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the ack of frame ``message_id``; returns it (see :func:`ack_data` to decode ``data``)."""
        return copy.deepcopy(self._wait(lambda: self._acks.get(message_id), timeout, f"ack for frame {message_id}"))

    def _frame(
        self,
        frame_type: str,
        topic: str,
        data: Mapping[str, Any] | str,
        message_id: str,
        extra: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        headers: dict[str, str] = {}
        if frame_type != "SYSTEM":
            headers["appId"] = UNIFIED_APP_ID
            headers["connectionId"] = ""  # filled with the target connection's id when sent
        headers["contentType"] = "application/json"
        if frame_type == "EVENT":
            headers.update({
                "eventBornTime": str(_now_ms()),
                "eventCorpId": CORP_ID,
                "eventId": secrets.token_hex(16),
                "eventType": topic,
                "eventUnifiedAppId": UNIFIED_APP_ID,
            })
        headers.update({"messageId": message_id, "time": str(_now_ms()), "topic": topic})
        headers.update(extra or {})
        encoded = data if isinstance(data, str) else _compact(dict(data))
        return {"specVersion": "1.0", "type": frame_type, "headers": headers, "data": encoded}

    async def _send_newest(self, frame: dict[str, Any]) -> None:
        with self._cond:
            open_conns = [c for c in self._conns if not c.ws.closed]
        if not open_conns:
            raise ConnectionError("no open Stream connection")
        await self._send_to(open_conns[-1], frame)

    async def _send_to(self, conn: _Conn, frame: dict[str, Any]) -> None:
        with self._cond:
            if self._silent:
                raise RuntimeError("FakeDingTalk is silent; call speak() before pushing")
            if "connectionId" in frame["headers"]:
                frame["headers"]["connectionId"] = conn.info.connection_id
            self._pushed.append(copy.deepcopy(frame))
        await conn.ws.send_str(_compact(frame))

    async def _close_all(self, clean: bool) -> None:
        with self._cond:
            open_conns = [c for c in self._conns if not c.ws.closed]
        for conn in open_conns:
            if clean:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=WSCloseCode.OK, message=b"server closed"), 2)
            elif conn.transport is not None:
                conn.transport.abort()  # type: ignore[attr-defined]

    async def _ping_loop(self, conn: _Conn, interval: float) -> None:
        while not conn.ws.closed:
            await asyncio.sleep(interval)
            if self.silent or conn.ws.closed:
                continue
            frame = self._frame("SYSTEM", "ping", {"opaque": str(uuid.uuid4())}, secrets.token_hex(13), None)
            with contextlib.suppress(Exception):
                await self._send_to(conn, frame)

    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._cond:
            failure = self._take_failure(GATEWAY, "GET")
            opened = None if failure else self._tickets.pop(ticket, None)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status)
        if opened is None:
            return web.json_response(_error_body("InvalidTicket", "ticket不存在或已失效"), status=401)
        ws = web.WebSocketResponse(autoping=False, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        info = Connection(
            connection_id=str(uuid.uuid4()),
            ticket=ticket,
            client_id=str(opened.get("clientId", "")),
            subscriptions=tuple(opened.get("subscriptions", [])),
            open=True,
        )
        conn = _Conn(ws, request.transport, info)
        if self.ping_interval:
            conn.tasks.append(asyncio.ensure_future(self._ping_loop(conn, self.ping_interval)))
        with self._cond:
            self._conns.append(conn)
            self._connects += 1
            self._cond.notify_all()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.PING:
                    with self._cond:
                        answer = self._answer_pings
                    if answer:
                        await ws.pong(msg.data)
                    continue
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                with self._cond:
                    self._received.append(data)
                    headers = data.get("headers")
                    if "code" in data and isinstance(headers, dict) and headers.get("messageId"):
                        self._acks[str(headers["messageId"])] = data
                    self._cond.notify_all()
        finally:
            for task in conn.tasks:
                task.cancel()
            with self._cond:
                if conn in self._conns:
                    self._conns.remove(conn)
                self._cond.notify_all()
        return ws

    # ---------------------------------------------------------------- async twins

    async def wait_for_async(
        self, path: str, count: int = 1, timeout: float = 5.0, method: str | None = None
    ) -> list[Call]:
        return await asyncio.to_thread(self.wait_for, path, count, timeout, method)

    async def wait_for_ack_async(self, message_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return await asyncio.to_thread(self.wait_for_ack, message_id, timeout)

    async def wait_connected_async(self, timeout: float = 5.0, count: int = 1) -> int:
        return await asyncio.to_thread(self.wait_connected, timeout, count)

    async def wait_for_reply_async(self, count: int = 1, timeout: float = 5.0) -> list[Reply]:
        return await asyncio.to_thread(self.wait_for_reply, count, timeout)

    async def push_async(
        self,
        topic: str,
        data: Mapping[str, Any] | str,
        message_id: str | None = None,
        type: FrameType = "CALLBACK",
        *,
        timeout: float = 5.0,
    ) -> str:
        return await asyncio.to_thread(lambda: self.push(topic, data, message_id, type, timeout=timeout))

    # ---------------------------------------------------------------- HTTP endpoints

    def _take_failure(self, path: str, method: str) -> _Failure | None:
        queued = self._failures.get(path)
        if not queued:
            return None
        for i, failure in enumerate(queued):
            if failure.method is None or failure.method == method:
                return queued.pop(i)
        return None

    async def _handle_media_upload(self, request: web.Request) -> web.StreamResponse:
        """oapi's `media/upload` (multipart, not JSON): the uploaded bytes are kept, a `media_id` comes back."""
        token = request.query.get("access_token")
        form = await request.post()
        media = form.get("media")
        with self._cond:
            if not self._token_valid(token):
                status, response = 200, {"errcode": 40014, "errmsg": "不合法的access_token"}
            elif not isinstance(media, web.FileField):
                status, response = 200, {"errcode": 40004, "errmsg": "缺少参数 media"}
            else:
                media_id = f"@lA{secrets.token_hex(8)}"
                self.media[media_id] = (media.filename, media.file.read())
                status, response = 200, {"errcode": 0, "errmsg": "ok", "media_id": media_id,
                                         "type": str(form.get("type") or "file"), "created_at": _now_ms()}
            self._calls.append(Call("POST", MEDIA_UPLOAD, dict(request.query), None, token, status, response))
            self._cond.notify_all()
        return web.json_response(response, status=status, dumps=_compact)

    async def _handle_http(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method.upper()
        query = dict(request.query)
        raw = await request.read()
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body, bad_json = raw.decode("utf-8", "replace"), True
        token = request.headers.get("x-acs-dingtalk-access-token") or query.get("access_token")

        status: int
        response: Any
        with self._cond:
            failure = self._take_failure(path, method)
            if failure is not None:
                status, response = failure.status, failure.body
            else:
                route = self._routes.get((method, path))
                try:
                    if route is None:
                        raise _ApiError(404, "InvalidAction.NotFound",
                                        "Specified api is not found, please check your url and method.")
                    handler, needs_token = route
                    if needs_token and not self._token_valid(token):
                        raise _ApiError(401, "InvalidAuthentication", "不合法的access_token")
                    if bad_json or (body is not None and not isinstance(body, dict)):
                        if path == SESSION_WEBHOOK:
                            raise _Answer(200, {"errcode": 40035, "errmsg": "缺少参数 json"})
                        raise _ApiError(400, "InvalidParameter", "请求体不是合法的JSON对象")
                    status, response = 200, handler(body or {}, query)
                except _ApiError as problem:
                    status, response = problem.status, problem.body
                except _Answer as answer:
                    status, response = answer.status, answer.body
            self._calls.append(Call(method, path, query, copy.deepcopy(body), token, status, copy.deepcopy(response)))
            self._cond.notify_all()
        return web.json_response(response, status=status, dumps=_compact)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        with self._cond:
            content = self._files.get(request.match_info["code"])
        if content is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=content, content_type="application/octet-stream")

    # ---------------------------------------------------------------- handlers (called under _cond)

    def _issue_token(self) -> str:
        token = secrets.token_hex(16)
        self._tokens[token] = time.time() + self.expire_in
        return token

    def _token_valid(self, token: str | None) -> bool:
        return bool(token) and self._tokens.get(str(token), 0.0) > time.time()

    @staticmethod
    def _require(args: Mapping[str, Any], *names: str) -> None:
        for name in names:
            if args.get(name) in (None, "", [], {}):
                raise _ApiError(400, "MissingParameter", f"缺少参数 {name}")

    def _check_robot(self, args: Mapping[str, Any]) -> None:
        if str(args.get("robotCode")) != self.robot_code:
            raise _ApiError(400, "resource.not.found", f"robot {args.get('robotCode')} 不存在")

    @staticmethod
    def _json_string(args: Mapping[str, Any], name: str) -> dict[str, Any]:
        raw = args.get(name)
        if not isinstance(raw, str):
            raise _ApiError(400, "InvalidParameter", f"{name} 必须是JSON字符串")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise _ApiError(400, "InvalidParameter", f"{name} 不是合法的JSON") from None
        if not isinstance(parsed, dict):
            raise _ApiError(400, "InvalidParameter", f"{name} 必须是JSON对象")
        return parsed

    @staticmethod
    def _process_query_key() -> str:
        return _b64(secrets.token_bytes(24))

    def _open_connection(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        if args.get("clientId") != self.client_id or args.get("clientSecret") != self.client_secret:
            raise _ApiError(401, "InvalidAuthentication", "clientId或clientSecret不正确")
        subscriptions = args.get("subscriptions")
        if not isinstance(subscriptions, list):
            raise _ApiError(400, "InvalidParameter", "subscriptions 必须是数组")
        for sub in subscriptions:
            if not isinstance(sub, dict) or sub.get("type") not in FRAME_TYPES or not sub.get("topic"):
                raise _ApiError(400, "InvalidParameter", f"非法的订阅 {sub!r}")
        ticket = str(uuid.uuid4())
        recorded = {k: copy.deepcopy(v) for k, v in args.items() if k != "clientSecret"}
        self._tickets[ticket] = recorded
        self._opens.append(recorded)
        return {"endpoint": self.gateway_url, "ticket": ticket}

    def _access_token(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        if args.get("appKey") != self.client_id or args.get("appSecret") != self.client_secret:
            raise _ApiError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        return {"accessToken": self._issue_token(), "expireIn": self.expire_in}

    def _legacy_gettoken(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        if query.get("appkey") != self.client_id or query.get("appsecret") != self.client_secret:
            raise _Answer(200, {"errcode": 40089, "errmsg": "不合法的appKey或appSecret"})
        return {"errcode": 0, "access_token": self._issue_token(), "errmsg": "ok", "expires_in": self.expire_in}

    def _send_by_session(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        session = query.get("session", "")
        expires = self._sessions.get(session)
        accepted = expires is not None and expires > time.time()
        msgtype = args.get("msgtype")
        if accepted and (msgtype not in _SESSION_MSGTYPES or not isinstance(args.get(msgtype), dict | None)):
            raise _Answer(200, {"errcode": 40035, "errmsg": f"不合法的参数 msgtype={msgtype}"})
        self._replies.append(Reply(session, copy.deepcopy(args), accepted))
        return {"errcode": 0, "errmsg": "ok"} if accepted else dict(_SESSION_GONE)

    def _group_send(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        self._require(args, "robotCode", "openConversationId", "msgKey", "msgParam")
        self._check_robot(args)
        param = self._json_string(args, "msgParam")
        key = self._process_query_key()
        target = str(args["openConversationId"])
        self._messages.append(SentMessage("group", (target,), str(args["msgKey"]), param, key, self.robot_code))
        return {"processQueryKey": key}

    def _oto_batch_send(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        self._require(args, "robotCode", "userIds", "msgKey", "msgParam")
        self._check_robot(args)
        user_ids = args["userIds"]
        if not isinstance(user_ids, list) or not all(isinstance(u, str) for u in user_ids):
            raise _ApiError(400, "InvalidParameter", "userIds 必须是字符串数组")
        if len(user_ids) > MAX_BATCH_USERS:
            raise _ApiError(400, "InvalidParameter", f"userIds 最多 {MAX_BATCH_USERS} 个")
        param = self._json_string(args, "msgParam")
        invalid = [u for u in user_ids if u in self._invalid_staff]
        flowed: list[str] = []
        for user in user_ids:
            if user not in invalid and self._flow_controlled.get(user, 0) > 0:
                self._flow_controlled[user] -= 1
                flowed.append(user)
        reached = tuple(u for u in user_ids if u not in invalid and u not in flowed)
        key = self._process_query_key()
        if reached:
            self._messages.append(SentMessage("oto", reached, str(args["msgKey"]), param, key, self.robot_code))
        return {"processQueryKey": key, "invalidStaffIdList": invalid, "flowControlledStaffIdList": flowed}

    def _message_files_download(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        self._require(args, "robotCode", "downloadCode")
        self._check_robot(args)
        code = str(args["downloadCode"])
        return {"downloadUrl": f"{self.endpoint}/files/{quote(code, safe='')}"}

    # cards ---------------------------------------------------------------

    def _existing_card(self, args: Mapping[str, Any], key: str = "outTrackId") -> Card:
        self._require(args, key)
        card = self._cards.get(str(args[key]))
        if card is None:
            raise _ApiError(400, "InvalidParameter", f"卡片 {args[key]} 不存在")
        return card

    @staticmethod
    def _options(args: Mapping[str, Any], name: str) -> dict[str, Any]:
        options = args.get(name) or {}
        if not isinstance(options, dict):
            raise _ApiError(400, "InvalidParameter", f"{name} 必须是对象")
        return options

    @staticmethod
    def _param_map(args: Mapping[str, Any]) -> dict[str, Any]:
        card_data = args.get("cardData")
        if not isinstance(card_data, dict) or not isinstance(card_data.get("cardParamMap", {}), dict):
            raise _ApiError(400, "InvalidParameter", "cardData.cardParamMap 必须是对象")
        return dict(card_data.get("cardParamMap", {}))

    def _create_instance(self, args: dict[str, Any]) -> Card:
        self._require(args, "cardTemplateId", "outTrackId", "cardData")
        card = Card(
            out_track_id=str(args["outTrackId"]),
            api="instance",
            template_id=str(args["cardTemplateId"]),
            data=self._param_map(args),
            callback_type=str(args.get("callbackType", "")),
            callback_route_key=str(args.get("callbackRouteKey", "")),
            private_data=copy.deepcopy(args.get("privateData") or {}),
            request=copy.deepcopy(args),
        )
        self._cards[card.out_track_id] = card
        return card

    def _deliver(self, card: Card, args: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._require(args, "openSpaceId")
        results: list[dict[str, Any]] = []
        for open_space_id in str(args["openSpaceId"]).split(";"):
            space_type, space_id = _space_of(open_space_id.strip())
            if space_type == "IM_GROUP":
                model = args.get("imGroupOpenDeliverModel")
                if not isinstance(model, dict) or not model.get("robotCode"):
                    raise _ApiError(400, "InvalidParameter", "imGroupOpenDeliverModel.robotCode 不能为空")
                self._check_robot(model)
            elif space_type == "IM_ROBOT":
                if not isinstance(args.get("imRobotOpenDeliverModel"), dict):
                    raise _ApiError(400, "InvalidParameter", "imRobotOpenDeliverModel 不能为空")
            elif not space_type or not space_id:
                raise _ApiError(400, "InvalidParameter", f"非法的 openSpaceId {open_space_id}")
            card.spaces.append(open_space_id.strip())
            results.append({"spaceType": space_type, "spaceId": space_id, "success": True,
                            "carrierId": secrets.token_hex(12)})
        return results

    def _card_create(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._create_instance(args)
        return {"success": True, "result": card.out_track_id}

    def _card_deliver(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._existing_card(args)
        return {"success": True, "result": self._deliver(card, args)}

    def _card_create_and_deliver(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._create_instance(args)
        results = self._deliver(card, args)
        return {"success": True, "result": {"outTrackId": card.out_track_id, "deliverResults": results}}

    def _card_update(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._existing_card(args)
        options = self._options(args, "cardUpdateOptions")
        if "cardData" in args:
            params = self._param_map(args)
            card.data = {**card.data, **params} if options.get("updateCardDataByKey") else params
        if isinstance(args.get("privateData"), dict):
            if options.get("updatePrivateDataByKey"):
                card.private_data.update(copy.deepcopy(args["privateData"]))
            else:
                card.private_data = copy.deepcopy(args["privateData"])
        card.updates += 1
        status = str(card.data.get("flowStatus", ""))
        card.finished = card.finished or status == "3"
        card.failed = card.failed or status == "5"
        return {"success": True, "result": True}

    def _card_streaming(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._existing_card(args)
        self._require(args, "key", "guid")
        key, content = str(args["key"]), str(args.get("content", ""))
        card.streams[key] = content if args.get("isFull") else card.streams.get(key, "") + content
        card.data[key] = card.streams[key]
        card.finished = card.finished or bool(args.get("isFinalize"))
        card.failed = card.failed or bool(args.get("isError"))
        return {"success": True, "result": True}

    def _robot_card_send(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        self._require(args, "cardTemplateId", "robotCode", "cardData", "cardBizId")
        self._check_robot(args)
        data = self._json_string(args, "cardData")
        if args.get("openConversationId"):
            space = str(args["openConversationId"])
        elif args.get("singleChatReceiver"):
            receiver = self._json_string(args, "singleChatReceiver")
            space = "user:" + str(receiver.get("userId") or receiver.get("userid") or "")
        else:
            raise _ApiError(400, "MissingParameter", "openConversationId 与 singleChatReceiver 不能同时为空")
        card = Card(str(args["cardBizId"]), "robot", str(args["cardTemplateId"]), data, spaces=[space],
                    request=copy.deepcopy(args))
        self._cards[card.out_track_id] = card
        return {"processQueryKey": self._process_query_key()}

    def _robot_card_update(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._existing_card(args, "cardBizId")
        card.data = self._json_string(args, "cardData")
        card.updates += 1
        return {"processQueryKey": self._process_query_key()}

    def _im_card_send(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        self._require(args, "cardTemplateId", "outTrackId", "cardData")
        if args.get("robotCode"):
            self._check_robot(args)
        if args.get("openConversationId"):
            spaces = [str(args["openConversationId"])]
        elif args.get("receiverUserIdList"):
            spaces = ["user:" + str(u) for u in args["receiverUserIdList"]]
        else:
            raise _ApiError(400, "MissingParameter", "openConversationId 与 receiverUserIdList 不能同时为空")
        card = Card(str(args["outTrackId"]), "im", str(args["cardTemplateId"]), self._param_map(args),
                    callback_route_key=str(args.get("callbackRouteKey", "")),
                    private_data=copy.deepcopy(args.get("privateData") or {}), spaces=spaces,
                    request=copy.deepcopy(args))
        self._cards[card.out_track_id] = card
        return {"success": True, "result": {"processQueryKey": self._process_query_key()}}

    def _im_card_update(self, args: dict[str, Any], query: Mapping[str, str]) -> Any:
        card = self._existing_card(args)
        options = self._options(args, "cardOptions")
        if "cardData" in args:
            params = self._param_map(args)
            card.data = {**card.data, **params} if options.get("updateCardDataByKey") else params
        if isinstance(args.get("privateData"), dict):
            card.private_data.update(copy.deepcopy(args["privateData"]))
        card.updates += 1
        return {"success": True}


# -------------------------------------------------------------------- running the SDK client


class SdkClientThread:
    """Runs ``DingTalkStreamClient.start()`` (an endless reconnect loop) on a private event loop in a thread.

    ``start()`` catches ``CancelledError`` and sleeps, so one ``task.cancel()`` does not stop it; :meth:`stop`
    cancels repeatedly until the task ends (bounded), then cancels the SDK's leftover tasks and joins.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.error: BaseException | None = None

    def start(self) -> SdkClientThread:
        self._thread = threading.Thread(target=self._run, name="dingtalk-sdk-client", daemon=True)
        self._thread.start()
        if not self._ready.wait(5):
            raise TimeoutError("SDK client loop did not start")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            self._task = loop.create_task(self.client.start())
            self._ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(self._task)
        except BaseException as error:  # surfaced through .error for the test to assert on
            self.error = error
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            with contextlib.suppress(BaseException):
                loop.run_until_complete(asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), 5))
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _cancel_until_done(self) -> None:
        task = self._task
        for _ in range(250):
            if task is None or task.done():
                return
            task.cancel()
            await asyncio.sleep(0.02)

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(self._cancel_until_done(), loop)
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"SDK client thread still running after {timeout}s")

    def __enter__(self) -> SdkClientThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# -------------------------------------------------------------------- payload builders


def ack_data(ack: Mapping[str, Any]) -> Any:
    """Decode an ack frame's ``data`` (a JSON string) — e.g. ``{"response": "OK"}`` from a CallbackHandler."""
    raw = ack.get("data")
    if isinstance(raw, str) and raw:
        with contextlib.suppress(ValueError):
            return json.loads(raw)
    return raw


def _session_webhook(expires_at_ms: int) -> str:
    fake = FakeDingTalk.active()
    if fake is not None:
        return fake.new_session_webhook(expires_at_ms)
    return f"https://oapi.dingtalk.com{SESSION_WEBHOOK}?session={secrets.token_hex(16)}"


def chatbot_message(
    text: str,
    sender_staff_id: str = "manager1234",
    sender_nick: str = "张三",
    conversation_type: Literal["1", "2"] = "1",
    conversation_id: str | None = None,
    at_users: Sequence[str] = (),
    is_in_at_list: bool | None = None,
    msg_id: str | None = None,
    session_webhook: str | None = None,
    robot_code: str = CLIENT_ID,
    *,
    conversation_title: str = "Quorum 测试群",
    create_at: int | None = None,
    is_admin: bool = False,
    corp_id: str = CORP_ID,
    chatbot_user_id: str = CHATBOT_USER_ID,
    session_ttl: float = SESSION_WEBHOOK_TTL,
    sender_platform: str = "Mac",
) -> dict[str, Any]:
    """The ``data`` of a chatbot message frame (topic ``/v1.0/im/bot/messages/get``), as DingTalk sends it.

    ``conversation_type`` ``"1"`` is a 1:1 chat, ``"2"`` a group; ``conversationId`` is the open conversation
    id (``cid...==``; there is no separate ``openConversationId`` field — ``groupMessages/send`` and the card
    APIs take this value). A group message that @-mentions the robot has ``isInAtList: true`` and ``atUsers``
    listing the robot (``dingtalkId`` only) plus each mentioned person in ``at_users`` (``dingtalkId`` and
    ``staffId``); 1:1 messages carry neither, nor ``conversationTitle``. DingTalk strips the ``@robot`` text
    itself, which usually leaves a leading space (``" ss"``): pass ``text`` as the user would see it arrive.
    ``sessionWebhook`` defaults to one minted by the most recently started :class:`FakeDingTalk`, so replies
    are recorded; it expires ``session_ttl`` seconds (90 min) after ``createAt``.
    """
    created = create_at if create_at is not None else _now_ms()
    expires = created + int(session_ttl * 1000)
    group = conversation_type == "2"
    cid = conversation_id or conversation_id_for(sender_staff_id, group)
    message: dict[str, Any] = {"conversationId": cid}
    if group:
        in_at_list = True if is_in_at_list is None else is_in_at_list
        mentions: list[dict[str, str]] = [{"dingtalkId": chatbot_user_id}] if in_at_list else []
        mentions += [{"dingtalkId": dingtalk_id(s), "staffId": s} for s in at_users]
        message["atUsers"] = mentions
    elif at_users or is_in_at_list is not None:
        raise ValueError("1:1 chatbot messages carry neither atUsers nor isInAtList")
    message.update({
        "chatbotCorpId": corp_id,
        "chatbotUserId": chatbot_user_id,
        "msgId": msg_id or new_msg_id(),
        "senderNick": sender_nick,
        "isAdmin": is_admin,
        "senderStaffId": sender_staff_id,
        "sessionWebhookExpiredTime": expires,
        "createAt": created,
        "senderCorpId": corp_id,
        "conversationType": conversation_type,
        "senderId": dingtalk_id(sender_staff_id),
        "senderPlatform": sender_platform,
    })
    if group:
        message["conversationTitle"] = conversation_title
        message["isInAtList"] = in_at_list
    message.update({
        "sessionWebhook": session_webhook or _session_webhook(expires),
        "text": {"content": text},
        "robotCode": robot_code,
        "msgtype": "text",
    })
    return message


def conversation_id_for(sender_staff_id: str, group: bool = False) -> str:
    """Default ``conversationId``: the sender's 1:1 chat with the robot, or one shared test group."""
    return conversation_id("group:quorum-test" if group else f"p2p:{sender_staff_id}")


def card_callback(
    user_id: str,
    out_track_id: str,
    params: Mapping[str, Any] | None = None,
    action_ids: Sequence[str] = ("submit",),
    corp_id: str = CORP_ID,
    *,
    space_type: str = "IM",
    space_id: str | None = None,
    extension: Mapping[str, Any] | None = None,
    user_id_type: int = 1,
) -> dict[str, Any]:
    """The ``data`` of a card callback frame (topic ``/v1.0/card/instances/callback``) for a button or form.

    ``content`` and ``extension`` are JSON *strings* (``CardCallbackMessage.from_dict`` decodes both);
    ``content`` is ``{"cardPrivateData": {"actionIds": [...], "params": {...}}}``. ``space_id`` defaults to
    where the most recently started :class:`FakeDingTalk` delivered ``out_track_id``, if it knows the card.
    """
    if space_id is None:
        fake = FakeDingTalk.active()
        card = fake.card(out_track_id) if fake is not None else None
        space = card.spaces[0] if card is not None and card.spaces else ""
        space_id = _space_of(space)[1] if space.startswith("dtv1.card//") else space.removeprefix("user:")
    content = {"cardPrivateData": {"actionIds": list(action_ids), "params": dict(params or {})}}
    return {
        "extension": _compact(dict(extension or {})),
        "corpId": corp_id,
        "spaceType": space_type,
        "userIdType": user_id_type,
        "type": "actionCallback",
        "userId": user_id,
        "content": _compact(content),
        "spaceId": space_id,
        "outTrackId": out_track_id,
    }


# -------------------------------------------------------------------- HTTP (outgoing robot) mode helpers


def outgoing_sign(timestamp_ms: int | str, app_secret: str) -> str:
    """``sign`` of an outgoing-robot HTTP callback: base64(HMAC-SHA256(app_secret, f"{timestamp}\\n{app_secret}"))."""
    message = f"{timestamp_ms}\n{app_secret}".encode()
    return _b64(hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).digest())


def outgoing_headers(app_secret: str = CLIENT_SECRET, timestamp_ms: int | None = None) -> dict[str, str]:
    """The ``timestamp`` and ``sign`` headers DingTalk puts on an outgoing-robot HTTP POST."""
    ts = _now_ms() if timestamp_ms is None else timestamp_ms
    return {"timestamp": str(ts), "sign": outgoing_sign(ts, app_secret), "Content-Type": "application/json"}
