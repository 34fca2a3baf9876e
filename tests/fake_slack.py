"""A local fake Slack that speaks Slack's real wire protocols, for adapter tests.

Why: the Slack adapter is glue between slack_sdk/Bolt and our core. Mocking slack_sdk objects would only test
our own beliefs about Slack; this fake instead serves the protocols the unmodified clients speak, so a test
exercises the same bytes production does:

* the Web API at ``http://127.0.0.1:<port>/api/<method>`` (form, JSON or query arguments, bearer tokens,
  HTTP 429 + ``Retry-After``, 5xx, ``ok: false`` errors) with realistic responses and a record of every call;
* the files_upload_v2 flow (``files.getUploadURLExternal`` -> upload URL -> ``files.completeUploadExternal``);
* the Socket Mode websocket (``apps.connections.open`` ticket URL, ``hello``, envelopes, acks, ping/pong,
  ``disconnect``), as slack_sdk's Socket Mode clients expect it;
* ``response_url`` endpoints that record what the app posts to them;
* payload builders producing the shapes Slack sends (``event_callback``, slash-command form fields,
  ``block_actions``, ``view_submission``) and HTTP-mode helpers signing bodies with the real v0 scheme.

It is in the spirit of opsdroid's ExternalAPIMockServer and bolt-python's mock web API server. The server runs
on 127.0.0.1 with a random free port, in its own thread with its own event loop, so sync tests and async tests
(on any loop) can both use it; every wait is bounded by a timeout. Async tests should use the ``*_async``
twins so they never block their own loop while the client under test needs it.

Where Slack is strict and strictness catches adapter bugs, the fake is strict too: a token is required
(``not_authed``), ``chat.update``/``chat.delete`` need a message the fake issued (``message_not_found``),
``users.info`` includes ``locale`` only with ``include_locale``, ``apps.connections.open`` needs an ``xapp-``
token. Views are lenient: ``views.update`` accepts any ``view_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import mimetypes
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.web_request import FileField

from tests.local_server import LocalServer

TEAM_ID = "T1"
TEAM_DOMAIN = "quorum-test"
APP_ID = "A1"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
BOT_NAME = "quorum"
#: The deprecated verification token Slack still puts into payloads.
VERIFICATION_TOKEN = "verification-token"

EnvelopeType = Literal["events_api", "slash_commands", "interactive"]
ENVELOPE_TYPES: frozenset[str] = frozenset({"events_api", "slash_commands", "interactive"})
#: Interactive payload types whose ack may carry a response payload (``response_action``, options).
_INTERACTIVE_WITH_RESPONSE = frozenset({"view_submission", "block_suggestion"})
#: Arguments Slack documents as JSON; form-encoded requests carry them as JSON strings.
_JSON_ARGS = frozenset({"blocks", "attachments", "view", "files", "metadata", "unfurls", "user_auth_blocks"})

_T = TypeVar("_T")
ApiResult = dict[str, Any]
ApiHandler = Callable[[dict[str, Any], str], ApiResult]


@dataclass(frozen=True)
class Call:
    """One Web API request as the fake received it.

    ``args`` merges query string and body; JSON-typed arguments (``blocks``, ``view``, ...) are decoded even when
    they arrived form-encoded, so assertions read the same for every client. ``status`` is the HTTP status the
    fake answered with (429/5xx for injected failures).
    """

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200


@dataclass(frozen=True)
class Upload:
    """A file sent through files_upload_v2: bytes posted to the upload URL, completion fields once completed."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    channels: tuple[str, ...] = ()
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass(frozen=True)
class ResponsePost:
    """A POST to a ``response_url`` minted by the fake; ``body`` is the decoded JSON (or form ``payload``)."""

    response_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int


class _SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


_IDS = itertools.count(1)



def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, int | str) and str(value).lower() in {"1", "true"})


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _split_csv(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _decode_json_args(args: dict[str, Any]) -> dict[str, Any]:
    decoded = dict(args)
    for key in _JSON_ARGS & decoded.keys():
        value = decoded[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                decoded[key] = json.loads(value)
    return decoded


class FakeSlack(LocalServer):
    """A Slack workspace on 127.0.0.1: Web API, Socket Mode, upload and response URLs, with records of it all.

    Use as ``with FakeSlack() as fake:`` or ``fake = FakeSlack().start()`` ... ``fake.stop()``. The workspace is
    team ``T1`` with app ``A1`` whose bot user is ``UBOT`` (bot id ``BBOT``).
    """

    name = "fake-slack"

    def __init__(self) -> None:
        super().__init__()
        self._runner: web.AppRunner | None = None
        # Web API state, guarded by _cond
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}  # conversations.info / .members
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._reactions: set[tuple[str, str, str]] = set()
        self._opened_dms: set[str] = set()
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._uploads: dict[str, Upload] = {}
        self._responses: list[ResponsePost] = []
        self._ts_counter = itertools.count(1)
        # Socket Mode state, guarded by _cond
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._connects = 0
        self._pushed: list[dict[str, Any]] = []
        self._received: list[dict[str, Any]] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._methods: dict[str, ApiHandler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
        }
        self.add_user(BOT_USER_ID, BOT_NAME, "Quorum", tz="America/Los_Angeles", locale="en-US", is_bot=True)

    # ---------------------------------------------------------------- lifecycle

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_post("/response/{response_id}", self._handle_response_url)
        app.router.add_get("/socket-mode", self._handle_socket_mode)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner

    async def _shutdown(self) -> None:
        with self._cond:
            sockets = list(self._sockets)
        for ws in sockets:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown"), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


    # ---------------------------------------------------------------- addresses

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """For ``WebClient(base_url=fake.api_url)``; ends with ``/`` as slack_sdk requires."""
        return f"{self.base_url}/api/"

    def socket_mode_url(self) -> str:
        """Issue a ticket and return the websocket URL, as ``apps.connections.open`` does."""
        ticket = str(uuid.uuid4())
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/socket-mode?ticket={ticket}"

    def new_response_url(self) -> str:
        """A ``response_url`` whose POSTs the fake records (see :meth:`responses`)."""
        return f"{self.base_url}/response/{next(_IDS)}{secrets.token_hex(4)}"

    # ---------------------------------------------------------------- test set-up

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "Asia/Shanghai",
        locale: str = "zh-CN",
        *,
        display_name: str = "",
        is_bot: bool = False,
        is_admin: bool = False,
    ) -> dict[str, Any]:
        """Register a user for ``users.info``; returns the stored user object (without ``locale``)."""
        real = real_name if real_name is not None else name
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        user: dict[str, Any] = {
            "id": id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": now.tzname() or tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": {
                "real_name": real,
                "real_name_normalized": real,
                "display_name": display_name,
                "display_name_normalized": display_name,
                "team": TEAM_ID,
                "image_48": f"https://avatars.slack-edge.com/{id}_48.png",
            },
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
        }
        if is_bot:
            user["profile"]["bot_id"] = BOT_ID
        with self._cond:
            self._users[id] = {**user, "locale": locale}
        return user

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        retry_after: int = 1,
        times: int = 1,
        *,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``fail_next(m)`` / ``fail_next(m, status=429, retry_after=1)``: HTTP 429, ``Retry-After`` header, body
        ``{"ok": false, "error": "ratelimited"}``. ``fail_next(m, status=500, times=n)``: HTTP 500 with
        ``{"ok": false, "error": "internal_error"}``. ``fail_next(m, error="channel_not_found")``: HTTP 200 with
        ``{"ok": false, "error": ...}``. Failures queue up in order.
        """
        if status is None:
            status = 200 if error is not None else 429
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error" if status >= 500 else "fatal_error"
        with self._cond:
            self._failures.setdefault(method, []).extend(_Failure(status, error, retry_after) for _ in range(times))

    def clear(self) -> None:
        """Forget recorded calls, uploads, responses, pushes and acks (users, messages and sockets stay)."""
        with self._cond:
            self._calls.clear()
            self._uploads.clear()
            self._responses.clear()
            self._pushed.clear()
            self._received.clear()
            self._acks.clear()

    # ---------------------------------------------------------------- records

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded Web API calls in arrival order, all of them or those of ``method``."""
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``method`` was called at least ``count`` times; returns all its calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self._calls]
                    raise TimeoutError(f"{method} called {len(found)}/{count} times in {timeout}s; calls: {seen}")
                self._cond.wait(min(remaining, 0.1))

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current state of messages the bot posted (after updates, without deleted ones)."""
        with self._cond:
            return [dict(m) for (ch, _), m in self._messages.items() if channel is None or ch == channel]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._cond:
            found = self._messages.get((channel, ts))
            return dict(found) if found is not None else None

    def reactions(self, channel: str, ts: str) -> list[str]:
        """Reaction names the bot currently has on a message."""
        with self._cond:
            return sorted(name for ch, t, name in self._reactions if ch == channel and t == ts)

    def views(self) -> dict[str, dict[str, Any]]:
        """Views opened, updated or published, by view id."""
        with self._cond:
            return {k: dict(v) for k, v in self._views.items()}

    def uploads(self) -> list[Upload]:
        with self._cond:
            return list(self._uploads.values())

    def responses(self, response_id: str | None = None) -> list[ResponsePost]:
        with self._cond:
            return [r for r in self._responses if response_id is None or r.response_id == response_id]

    def wait_for_response(self, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        """Wait until at least ``count`` posts reached ``response_url`` endpoints; returns all of them."""
        return self._wait(lambda: list(self._responses) if len(self._responses) >= count else None, timeout,
                          f"{count} response_url posts")


    # ---------------------------------------------------------------- Socket Mode

    @property
    def connections(self) -> int:
        """Number of currently open Socket Mode connections."""
        with self._cond:
            return sum(1 for ws in self._sockets if not ws.closed)

    @property
    def total_connects(self) -> int:
        """Number of Socket Mode connections established since start (reconnects count)."""
        with self._cond:
            return self._connects

    def wait_connected(self, timeout: float = 5.0, count: int = 1) -> int:
        """Wait until ``count`` connections were established in total and one is open; returns the total."""
        return self._wait(
            lambda: self._connects if self._connects >= count and any(not ws.closed for ws in self._sockets) else None,
            timeout,
            f"Socket Mode connection #{count}",
        )

    def push(
        self,
        envelope_type: EnvelopeType,
        payload: Mapping[str, Any],
        retry_attempt: int = 0,
        retry_reason: str = "",
        *,
        accepts_response_payload: bool | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send an envelope to the newest open Socket Mode connection; returns its ``envelope_id``.

        Like Slack, each envelope goes to one connection, and only ``events_api`` envelopes carry
        ``retry_attempt``/``retry_reason``. ``accepts_response_payload`` defaults as Slack sets it: true for
        slash commands, ``view_submission`` and ``block_suggestion``, false otherwise. Waits (bounded) for a
        connection first.
        """
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {envelope_type!r}")
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or (
                envelope_type == "interactive" and payload.get("type") in _INTERACTIVE_WITH_RESPONSE
            )
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": dict(payload),
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self.wait_connected(timeout)
        self._submit(self._send_newest(envelope), timeout)
        with self._cond:
            self._pushed.append(envelope)
        return envelope_id

    def pushed(self) -> list[dict[str, Any]]:
        """Envelopes sent so far."""
        with self._cond:
            return list(self._pushed)

    def received(self) -> list[dict[str, Any]]:
        """Every JSON message the clients sent over Socket Mode (acks included)."""
        with self._cond:
            return list(self._received)

    def acks(self) -> dict[str, dict[str, Any]]:
        """Acks by envelope id: ``{"envelope_id": ..., "payload": ...?}`` as the client sent them."""
        with self._cond:
            return dict(self._acks)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return self._wait(lambda: self._acks.get(envelope_id), timeout, f"ack for envelope {envelope_id}")

    def disconnect(self, reason: str = "refresh_requested", timeout: float = 5.0) -> None:
        """Send Slack's ``disconnect`` message (``warning``, ``refresh_requested``, ``link_disabled``...) to all."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-slack"}}
        self._submit(self._send_all(message), timeout)

    def drop_connections(self, timeout: float = 5.0) -> None:
        """Close every Socket Mode connection from the server side, as a network drop or a refresh does."""
        self._submit(self._close_all(), timeout)

    async def _send_newest(self, message: dict[str, Any]) -> None:
        with self._cond:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        if not open_sockets:
            raise ConnectionError("no open Socket Mode connection")
        await open_sockets[-1].send_str(json.dumps(message))

    async def _send_all(self, message: dict[str, Any]) -> None:
        with self._cond:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in open_sockets:
            await ws.send_str(json.dumps(message))

    async def _close_all(self) -> None:
        with self._cond:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in open_sockets:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=WSCloseCode.OK, message=b"refresh"), 2)

    async def _handle_socket_mode(self, request: web.Request) -> web.StreamResponse:
        with self._cond:
            known = request.query.get("ticket", "") in self._tickets
        if not known:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True, timeout=2.0)  # autoping answers slack_sdk's sdk-ping-pong pings
        await ws.prepare(request)
        with self._cond:
            num = sum(1 for s in self._sockets if not s.closed) + 1
        hello = {
            "type": "hello",
            "num_connections": num,
            "debug_info": {"host": "applink-fake-slack", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await ws.send_str(json.dumps(hello))
        with self._cond:
            self._sockets.append(ws)
            self._connects += 1
            self._cond.notify_all()
        try:
            async for msg in ws:
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
                    if "envelope_id" in data:
                        self._acks[str(data["envelope_id"])] = data
                    self._cond.notify_all()
        finally:
            with self._cond:
                if ws in self._sockets:
                    self._sockets.remove(ws)
                self._cond.notify_all()
        return ws

    # ---------------------------------------------------------------- async twins

    async def wait_for_async(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        return await asyncio.to_thread(self.wait_for, method, count, timeout)

    async def wait_for_ack_async(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return await asyncio.to_thread(self.wait_for_ack, envelope_id, timeout)

    async def wait_connected_async(self, timeout: float = 5.0, count: int = 1) -> int:
        return await asyncio.to_thread(self.wait_connected, timeout, count)

    async def wait_for_response_async(self, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        return await asyncio.to_thread(self.wait_for_response, count, timeout)

    async def push_async(
        self,
        envelope_type: EnvelopeType,
        payload: Mapping[str, Any],
        retry_attempt: int = 0,
        retry_reason: str = "",
        *,
        accepts_response_payload: bool | None = None,
        timeout: float = 5.0,
    ) -> str:
        return await asyncio.to_thread(
            lambda: self.push(
                envelope_type, payload, retry_attempt, retry_reason,
                accepts_response_payload=accepts_response_payload, timeout=timeout,
            )
        )

    # ---------------------------------------------------------------- HTTP endpoints

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "multipart/form-data":
            form = await request.post()
            for key, value in form.items():
                args[key] = value.file.read() if isinstance(value, FileField) else value
        else:
            body = await request.read()
            if request.content_type == "application/json":
                try:
                    parsed = json.loads(body or b"{}")
                except ValueError:
                    return web.json_response({"ok": False, "error": "invalid_json"})
                if isinstance(parsed, dict):
                    args.update(parsed)
            elif body:
                args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        token = _str_or_none(args.pop("token", None))
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip() or token
        args = _decode_json_args(args)

        with self._cond:
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
            if failure is not None:
                self._calls.append(Call(method, args, token, failure.status))
                self._cond.notify_all()
            else:
                handler = self._methods.get(method)
                try:
                    if handler is None:
                        raise _SlackError("unknown_method")
                    if not token:
                        raise _SlackError("not_authed")
                    result = handler(args, token)
                except _SlackError as problem:
                    result = {"ok": False, "error": problem.error}
                self._calls.append(Call(method, args, token))
                self._cond.notify_all()
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else None
            return web.json_response({"ok": False, "error": failure.error}, status=failure.status, headers=headers)
        return web.json_response(result)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        content = await request.read()
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None:
                return web.Response(status=404, text="Not Found", content_type="text/plain")
            self._uploads[file_id] = replace(upload, content=content)
            self._cond.notify_all()
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body: dict[str, Any]
        try:
            parsed = json.loads(raw or b"{}")
            body = parsed if isinstance(parsed, dict) else {"value": parsed}
        except ValueError:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in form else dict(form)
        with self._cond:
            self._responses.append(ResponsePost(request.match_info["response_id"], body))
            self._cond.notify_all()
        return web.json_response({"ok": True})

    # ---------------------------------------------------------------- Web API methods (called under _cond)

    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_000 + next(self._ts_counter) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _resolve_channel(channel: str) -> str:
        """Posting to a user id lands in the DM with that user, whose id ``conversations.open`` reports."""
        return f"D{channel}" if channel[:1] in ("U", "W") else channel

    def _message_key(self, args: dict[str, Any], ts_arg: str = "ts") -> tuple[str, str]:
        channel, ts = args.get("channel"), args.get(ts_arg)
        if not channel:
            raise _SlackError("channel_not_found")
        if not ts:
            raise _SlackError("message_not_found")
        key = (self._resolve_channel(str(channel)), str(ts))
        if key not in self._messages:
            raise _SlackError("message_not_found")
        return key

    @staticmethod
    def _require_content(args: dict[str, Any]) -> None:
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            raise _SlackError("no_text")

    def _auth_test(self, args: dict[str, Any], token: str) -> ApiResult:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Quorum Test",
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: dict[str, Any], token: str) -> ApiResult:
        if not args.get("channel"):
            raise _SlackError("channel_not_found")
        self._require_content(args)
        channel = self._resolve_channel(str(args["channel"]))
        ts = self._next_ts()
        message: dict[str, Any] = {
            "user": BOT_USER_ID,
            "type": "message",
            "ts": ts,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": str(args.get("text") or ""),
            "team": TEAM_ID,
        }
        for key in ("blocks", "attachments", "metadata"):
            if args.get(key):
                message[key] = args[key]
        if args.get("thread_ts"):
            thread_ts = str(args["thread_ts"])
            message["thread_ts"] = thread_ts
            parent = self._messages.get((channel, thread_ts))
            if parent is not None:
                message["parent_user_id"] = parent["user"]
        self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    def _chat_update(self, args: dict[str, Any], token: str) -> ApiResult:
        key = self._message_key(args)
        self._require_content(args)
        message = dict(self._messages[key])
        if "text" in args:
            message["text"] = str(args["text"] or "")
        for k in ("blocks", "attachments", "metadata"):
            if k in args:
                message[k] = args[k]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        self._messages[key] = message
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"], "message": dict(message)}

    def _chat_post_ephemeral(self, args: dict[str, Any], token: str) -> ApiResult:
        if not args.get("channel"):
            raise _SlackError("channel_not_found")
        if not args.get("user"):
            raise _SlackError("user_not_in_channel")
        self._require_content(args)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_delete(self, args: dict[str, Any], token: str) -> ApiResult:
        key = self._message_key(args)
        del self._messages[key]
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _reaction_key(self, args: dict[str, Any]) -> tuple[str, str, str]:
        name = str(args.get("name") or "").strip(":")
        if not name:
            raise _SlackError("invalid_name")
        if not args.get("channel") or not args.get("timestamp"):
            raise _SlackError("no_item_specified")
        return (self._resolve_channel(str(args["channel"])), str(args["timestamp"]), name)

    def _reactions_add(self, args: dict[str, Any], token: str) -> ApiResult:
        key = self._reaction_key(args)
        if key in self._reactions:
            raise _SlackError("already_reacted")
        self._reactions.add(key)
        return {"ok": True}

    def _reactions_remove(self, args: dict[str, Any], token: str) -> ApiResult:
        key = self._reaction_key(args)
        if key not in self._reactions:
            raise _SlackError("no_reaction")
        self._reactions.remove(key)
        return {"ok": True}

    def _conversations_open(self, args: dict[str, Any], token: str) -> ApiResult:
        if args.get("channel"):
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": str(args["channel"])}}
        users = _split_csv(args.get("users"))
        if not users:
            raise _SlackError("users_list_not_supplied")
        channel_id = f"D{users[0]}" if len(users) == 1 else "G" + "".join(sorted(users))
        already = channel_id in self._opened_dms
        self._opened_dms.add(channel_id)
        result: ApiResult = {"ok": True, "channel": {"id": channel_id}}
        if already:
            result.update({"no_op": True, "already_open": True})
        return result

    def add_channel(self, id: str, name: str, *, is_private: bool = False, members: Sequence[str] = ()) -> None:
        """Register a channel for ``conversations.info`` and ``conversations.members``."""
        with self._cond:
            self._channels[id] = {"id": id, "name": name, "is_channel": not is_private, "is_group": is_private,
                                  "is_im": False, "is_mpim": False, "is_private": is_private,
                                  "members": list(members)}

    def _conversations_info(self, args: dict[str, Any], token: str) -> ApiResult:
        """Registered channels as registered; a ``D<user>`` id is that user's DM (as ``conversations.open``
        names them); a ``C…`` id never registered is a public channel; anything else is not found."""
        channel = str(args.get("channel") or "")
        stored = self._channels.get(channel)
        if stored is not None:
            return {"ok": True, "channel": {k: v for k, v in stored.items() if k != "members"}}
        if channel.startswith("D"):
            return {"ok": True, "channel": {"id": channel, "is_im": True, "user": channel[1:]}}
        if channel.startswith("C"):
            return {"ok": True, "channel": {"id": channel, "is_channel": True, "is_private": False, "is_im": False}}
        raise _SlackError("channel_not_found")

    def _conversations_members(self, args: dict[str, Any], token: str) -> ApiResult:
        """Paged like Slack: ``limit`` per page, ``response_metadata.next_cursor`` (the next offset) until ""."""
        stored = self._channels.get(str(args.get("channel") or ""))
        if stored is None:
            raise _SlackError("channel_not_found")
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page = stored["members"][start:start + limit]
        more = start + limit < len(stored["members"])
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _users_info(self, args: dict[str, Any], token: str) -> ApiResult:
        stored = self._users.get(str(args.get("user") or ""))
        if stored is None:
            raise _SlackError("user_not_found")
        user = json.loads(json.dumps(stored))
        if not _truthy(args.get("include_locale")):
            user.pop("locale", None)
        return {"ok": True, "user": user}

    def _store_view(self, view: Any, view_id: str, *, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        if not isinstance(view, dict) or "type" not in view:
            raise _SlackError("invalid_arguments")
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "app_id": APP_ID,
            "external_id": view.get("external_id", previous["external_id"] if previous else ""),
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = stored
        return dict(stored)

    @staticmethod
    def _new_view_id() -> str:
        return "V" + secrets.token_hex(5).upper()

    def _views_open(self, args: dict[str, Any], token: str) -> ApiResult:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            raise _SlackError("invalid_arguments")
        return {"ok": True, "view": self._store_view(args.get("view"), self._new_view_id())}

    def _views_update(self, args: dict[str, Any], token: str) -> ApiResult:
        view_id = _str_or_none(args.get("view_id"))
        external_id = _str_or_none(args.get("external_id"))
        if view_id is None and external_id is not None:
            view_id = next((k for k, v in self._views.items() if v.get("external_id") == external_id), None)
            if view_id is None:
                raise _SlackError("not_found")
        if view_id is None:
            raise _SlackError("invalid_arguments")
        return {"ok": True, "view": self._store_view(args.get("view"), view_id, previous=self._views.get(view_id))}

    def _views_publish(self, args: dict[str, Any], token: str) -> ApiResult:
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise _SlackError("invalid_arguments")
        view_id = self._home_views.get(user_id) or self._new_view_id()
        view = self._store_view(args.get("view"), view_id, previous=self._views.get(view_id))
        self._home_views[user_id] = view_id
        return {"ok": True, "view": view}

    def _files_get_upload_url_external(self, args: dict[str, Any], token: str) -> ApiResult:
        filename, length = args.get("filename"), args.get("length")
        if not filename or length in (None, ""):
            raise _SlackError("invalid_arguments")
        file_id = "F" + secrets.token_hex(5).upper()
        self._uploads[file_id] = Upload(file_id=file_id, filename=str(filename), length=int(length))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict[str, Any], token: str) -> ApiResult:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise _SlackError("invalid_arguments")
        channel_id = _str_or_none(args.get("channel_id"))
        channels = tuple(_split_csv(args.get("channels")))
        shared = ([channel_id] if channel_id else []) + list(channels)
        results: list[dict[str, Any]] = []
        for item in files:
            file_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            upload = self._uploads.get(file_id)
            if upload is None or upload.content is None:
                raise _SlackError("file_not_found")
            title = _str_or_none(item.get("title")) or upload.filename
            self._uploads[file_id] = replace(
                upload,
                title=title,
                channel_id=channel_id,
                channels=channels,
                initial_comment=_str_or_none(args.get("initial_comment")),
                thread_ts=_str_or_none(args.get("thread_ts")),
                completed=True,
            )
            mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
            results.append({
                "id": file_id,
                "created": int(time.time()),
                "timestamp": int(time.time()),
                "name": upload.filename,
                "title": title,
                "mimetype": mimetype,
                "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "binary",
                "user": BOT_USER_ID,
                "size": len(upload.content),
                "url_private": f"https://files.slack.com/files-pri/{TEAM_ID}-{file_id}/{upload.filename}",
                "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}/{upload.filename}",
                "channels": [c for c in shared if c[:1] == "C"],
                "ims": [c for c in shared if c[:1] == "D"],
                "groups": [c for c in shared if c[:1] == "G"],
            })
        return {"ok": True, "files": results}

    def _apps_connections_open(self, args: dict[str, Any], token: str) -> ApiResult:
        if not token.startswith("xapp-"):
            raise _SlackError("not_allowed_token_type")
        return {"ok": True, "url": self.socket_mode_url()}


# -------------------------------------------------------------------- payload builders

_TS_LOCK = threading.Lock()
_last_ts = 0


def new_ts() -> str:
    """A fresh Slack timestamp (``"1763000000.123456"``) from the wall clock, strictly increasing per process."""
    global _last_ts
    with _TS_LOCK:
        _last_ts = max(_last_ts + 1, int(time.time() * 1_000_000))
        micros = _last_ts
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_event_id() -> str:
    return "Ev" + secrets.token_hex(5).upper()


def new_trigger_id() -> str:
    return f"{int(time.time() * 1000)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def _response_url(kind: str, team_id: str) -> str:
    fake = FakeSlack.active()
    if fake is not None:
        return fake.new_response_url()
    return f"https://hooks.slack.com/{kind}/{team_id}/{secrets.randbelow(10**13)}/{secrets.token_urlsafe(18)}"


def _rich_text(text: str) -> list[dict[str, Any]]:
    """The ``rich_text`` block Slack's clients attach to typed messages, with ``<@U..>`` as user elements."""
    elements: list[dict[str, Any]] = []
    for i, part in enumerate(re.split(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", text)):
        if i % 2:
            elements.append({"type": "user", "user_id": part})
        elif part:
            elements.append({"type": "text", "text": part})
    return [{"type": "rich_text", "block_id": secrets.token_urlsafe(4)[:5],
             "elements": [{"type": "rich_text_section", "elements": elements}]}]


def event_callback(
    event: Mapping[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    event_time: int | None = None,
) -> dict[str, Any]:
    """Wrap an inner event the way the Events API delivers it (HTTP body or ``events_api`` envelope payload)."""
    if event_time is None:
        event_ts = event.get("event_ts") or event.get("ts")
        event_time = int(float(event_ts)) if event_ts else int(time.time())
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time,
        "authorizations": [
            {"enterprise_id": None, "team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True,
             "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }


def message_event(
    text: str,
    user: str,
    channel: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: Literal["channel", "group", "im", "mpim"] = "channel",
    event_id: str | None = None,
    *,
    team_id: str = TEAM_ID,
    parent_user_id: str | None = None,
    bot_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event (a user typing in a channel or DM) wrapped in an ``event_callback``."""
    ts = ts or new_ts()
    event: dict[str, Any] = {"type": "message", "text": text, "user": user, "ts": ts, "team": team_id}
    if bot_id is None:
        event["client_msg_id"] = str(uuid.uuid4())
        event["blocks"] = _rich_text(text)
    else:
        event["bot_id"] = bot_id
        event["app_id"] = APP_ID
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if parent_user_id is not None:
            event["parent_user_id"] = parent_user_id
    event.update({"channel": channel, "event_ts": ts, "channel_type": channel_type})
    return event_callback(event, event_id=event_id, team_id=team_id)


def app_mention(
    text: str,
    user: str,
    channel: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
    *,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """An ``app_mention`` event (text normally contains ``<@UBOT>``) wrapped in an ``event_callback``."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()), "type": "app_mention", "text": text, "user": user, "ts": ts,
        "blocks": _rich_text(text), "team": team_id,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event.update({"channel": channel, "event_ts": ts})
    return event_callback(event, event_id=event_id, team_id=team_id)


def reaction_event(
    added: bool,
    reaction: str,
    user: str,
    channel: str,
    item_ts: str,
    event_id: str | None = None,
    *,
    item_user: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A ``reaction_added``/``reaction_removed`` event on a message, wrapped in an ``event_callback``."""
    event: dict[str, Any] = {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": reaction.strip(":"),
        "item": {"type": "message", "channel": channel, "ts": item_ts},
    }
    if item_user is not None:
        event["item_user"] = item_user
    event["event_ts"] = new_ts()
    return event_callback(event, event_id=event_id, team_id=team_id)


def app_home_opened(
    user: str,
    event_id: str | None = None,
    *,
    channel: str | None = None,
    tab: Literal["home", "messages"] = "home",
    view: Mapping[str, Any] | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """An ``app_home_opened`` event; ``view`` is present only when a Home view was published before."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel or f"D{user}", "tab": tab}
    if view is not None:
        event["view"] = dict(view)
    event["event_ts"] = new_ts()
    return event_callback(event, event_id=event_id, team_id=team_id)


def slash_command(
    text: str,
    user_id: str,
    channel_id: str,
    team_id: str = TEAM_ID,
    command: str = "/meeting",
    trigger_id: str | None = None,
    *,
    user_name: str | None = None,
    channel_name: str | None = None,
    response_url: str | None = None,
) -> dict[str, str]:
    """The form fields of a slash command, as Slack posts them (HTTP) or puts them in a ``slash_commands`` payload.

    ``response_url`` defaults to one on the most recently started :class:`FakeSlack`, so replies are recorded.
    """
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else "general"
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(),
    }


def block_action(
    user: str,
    channel: str,
    message_ts: str,
    action_id: str,
    value: str,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    *,
    block_id: str | None = None,
    button_text: str = "Button",
    message: Mapping[str, Any] | None = None,
    thread_ts: str | None = None,
    user_name: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a button click on a bot message.

    ``message`` defaults to the message as the most recently started :class:`FakeSlack` stores it (Slack sends
    the message's current state), else a minimal bot message. ``response_url`` defaults to a recorded one.
    """
    if message is None:
        fake = FakeSlack.active()
        stored = fake.message(channel, message_ts) if fake is not None else None
        message = stored or {
            "user": BOT_USER_ID, "type": "message", "ts": message_ts, "bot_id": BOT_ID, "app_id": APP_ID,
            "text": "", "team": team_id, "blocks": [],
        }
    container: dict[str, Any] = {
        "type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
    name = user_name or user.lower()
    return {
        "type": "block_actions",
        "user": {"id": user, "username": name, "name": name, "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "message": dict(message),
        "state": {"values": {}},
        "response_url": response_url or _response_url("actions", team_id),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id or secrets.token_urlsafe(4)[:5],
                "text": {"type": "plain_text", "text": button_text, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": new_ts(),
            }
        ],
    }


def view_submission(
    user: str,
    callback_id: str,
    private_metadata: str = "",
    state_values: Mapping[str, Any] | None = None,
    view_id: str | None = None,
    *,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "Quorum",
    external_id: str = "",
    user_name: str | None = None,
    response_urls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``view_submission`` payload for a modal.

    ``state_values`` is Slack's shape: ``{block_id: {action_id: {"type": "plain_text_input", "value": "..."}}}``.
    """
    view_id = view_id or "V" + secrets.token_hex(5).upper()
    name = user_name or user.lower()
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {"id": user, "username": name, "name": name, "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": dict(state_values or {})},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": external_id,
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def url_verification(challenge: str | None = None) -> dict[str, str]:
    """The Events API handshake body Slack posts when the Request URL is saved."""
    challenge = challenge or secrets.token_urlsafe(24)
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


# -------------------------------------------------------------------- HTTP mode helpers


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """``X-Slack-Signature`` (v0 HMAC-SHA256 of ``v0:{ts}:{body}``) and ``X-Slack-Request-Timestamp`` headers."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Signature": f"v0={digest}", "X-Slack-Request-Timestamp": str(ts)}


def form_body(fields: Mapping[str, str]) -> str:
    """``application/x-www-form-urlencoded`` body, as Slack posts slash commands."""
    return urlencode(dict(fields))


def interactive_body(payload: Mapping[str, Any]) -> str:
    """``payload=<json>`` urlencoded, as Slack posts interactivity payloads."""
    return urlencode({"payload": json.dumps(payload)})


def event_body(event_callback: Mapping[str, Any]) -> str:
    """The JSON body Slack posts to the Events API Request URL."""
    return json.dumps(event_callback)
