"""Slack on 127.0.0.1, cut to the wire protocol Quorum's adapter speaks, for tests that assert on what it sent.

Modelled on bolt-python's mock Web API server: small canned answers, a record of every request, and whatever
a test needs to go wrong injected by that test (`fail_next`: 429 with Retry-After, 5xx, `ok: false` codes),
instead of a second implementation of Slack. It serves:

* the Web API methods the adapter and Bolt call (`/api/<method>`, form, JSON or multipart, bearer token);
  posted messages are kept (with updates) and the bot's reactions, so a test reads the channel as people see it;
* the three steps of `files_upload_v2` (upload URL, bytes, completion);
* Socket Mode: `apps.connections.open` hands out a ticket URL; the websocket says `hello`, `push` sends an
  envelope (with `retry_attempt` for events) and every ack is recorded;
* the OAuth install: `/oauth/v2/authorize` sends the browser back to the app's redirect with a one-time code
  for the team a test named (`install_next`), `oauth.v2.access` exchanges that code (with the app's client
  id and secret, as HTTP Basic auth) for the team's bot token, and `auth.test` answers for each token;
* payload builders in the shapes Slack sends, and `sign` for HTTP mode's v0 signatures.

Strict only where strictness caught adapter bugs: a token is required, `chat.update` needs a message the fake
posted, `apps.connections.open` needs an app-level token.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web

from tests.local_server import LocalServer

TEAM_ID = "T1"
APP_ID = "A1"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
NOWHERE = "http://127.0.0.1:9"  # response_url in payloads: the discard port, as the adapter never answers there
EnvelopeType = Literal["events_api", "slash_commands", "interactive"]
_JSON_ARGS = frozenset({"blocks", "view", "files"})  # form-encoded requests carry these as JSON strings
_TS = itertools.count(1)


def new_ts() -> str:
    """A fresh Slack-shaped timestamp, increasing within the run (not from the clock)."""
    return f"1700000000.{next(_TS):06d}"


# How long a wait for the adapter may take before the test fails: a bound, not a delay (a healthy run returns at
# once), and loose enough for a loaded machine (the suite on two workers beside other work missed 5 s once).
WAIT = 15.0


@dataclass(frozen=True)
class Call:
    """One Web API request: arguments from query and body (JSON arguments decoded), token, the status answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200


@dataclass(frozen=True)
class Canned:
    """An answer a test queued for a method's next call."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Team:
    """A workspace the app can be installed in, and the bot token it gets there."""

    id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str


@dataclass
class Upload:
    filename: str
    content: bytes | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    completed: bool = False


class FakeSlack(LocalServer):
    """Workspace `T1`, bot user `UBOT`. `with FakeSlack() as fake:`; `WebClient(base_url=fake.api_url)`."""

    name = "fake-slack"

    def __init__(self) -> None:
        super().__init__()
        self._runner: web.AppRunner | None = None
        self._calls: list[Call] = []
        self._canned: dict[str, list[Canned]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}  # conversations.info / .members
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._reactions: set[tuple[str, str, str]] = set()
        self._uploads: dict[str, Upload] = {}
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._connects = 0
        self._acks: dict[str, dict[str, Any]] = {}
        self._teams: dict[str, Team] = {}  # by bot token
        self._installing: Team | None = None
        self._codes: dict[str, Team] = {}
        self.client: tuple[str, str] | None = None  # the app's (client id, client secret), when it has them
        self.redirect_url: str | None = None  # the app's configured Redirect URL (the manifest's redirect_urls)

    # ------------------------------------------------------------------------------------ set-up by tests

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"  # slack_sdk wants the trailing slash

    def add_user(self, id: str, name: str, real_name: str | None = None, tz: str = "Asia/Shanghai",
                 locale: str = "zh-CN", *, display_name: str = "", is_admin: bool = False) -> None:
        """A person `users.info` knows (`locale` only when asked for with `include_locale`, as Slack does)."""
        profile = {"real_name": real_name or name, "display_name": display_name}
        with self._cond:
            self._users[id] = {"id": id, "team_id": TEAM_ID, "name": name, "real_name": real_name or name,
                               "tz": tz, "locale": locale, "profile": profile, "is_admin": is_admin,
                               "is_owner": False}

    def add_channel(self, id: str, name: str, *, is_private: bool = False, members: Sequence[str] = ()) -> None:
        """A channel `conversations.info` and `conversations.members` describe. Ids never added: `D<user>` is
        that user's DM (as `conversations.open` names them), `C…` a public channel."""
        with self._cond:
            self._channels[id] = {"id": id, "name": name, "is_channel": not is_private, "is_group": is_private,
                                  "is_im": False, "is_mpim": False, "is_private": is_private,
                                  "members": list(members)}

    @property
    def authorize_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth/v2/authorize"

    def install_next(self, team_id: str, name: str, bot_token: str) -> Team:
        """The next visit to the authorize page installs the app in this team, which gets `bot_token`."""
        team = Team(team_id, name, bot_token, f"UBOT{team_id}", f"BBOT{team_id}")
        with self._cond:
            self._teams[bot_token] = self._installing = team
        return team

    def reply_next(self, method: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
                   times: int = 1) -> None:
        """Answer the next `times` calls of `method` with exactly this."""
        with self._cond:
            self._canned.setdefault(method, []).extend([Canned(status, body, headers or {})] * times)

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1, *,
                  error: str | None = None) -> None:
        """429 `ratelimited` with `Retry-After`, a 5xx `internal_error`, or (with `error`) HTTP 200 `ok: false`."""
        if error is not None:
            self.reply_next(method, 200, {"ok": False, "error": error}, times=times)
        elif status == 429:
            self.reply_next(method, 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)},
                            times)
        else:
            self.reply_next(method, status, {"ok": False, "error": "internal_error"}, times=times)

    # ------------------------------------------------------------------------------------- what happened

    def open_connections(self) -> int:
        """Socket Mode connections open now."""
        return len(self._open())

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next `times` calls of `method` only after `seconds` (a slow Slack, a request in flight)."""
        with self._cond:
            self._slow.setdefault(method, []).extend([seconds] * times)

    def wait_started(self, method: str, count: int = 1, timeout: float = WAIT) -> int:
        """Block until `count` requests of `method` have arrived, answered or not."""
        return self._wait(lambda: n if (n := self._started.count(method)) >= count else None, timeout,
                          f"{count} {method} request(s)")

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [call for call in self._calls if method is None or call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = WAIT) -> list[Call]:
        """All calls of `method`, once there are at least `count` (bounded)."""
        return self._wait(lambda: self.calls(method) if len(self.calls(method)) >= count else None, timeout,
                          f"{count} {method} call(s)")

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The bot's messages in `channel` as they stand now (updates applied), oldest first."""
        with self._cond:
            return [dict(m) for (where, _ts), m in sorted(self._messages.items()) if where == channel]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._cond:
            found = self._messages.get((channel, ts))
            return dict(found) if found is not None else None

    def reactions(self, channel: str, ts: str) -> list[str]:
        with self._cond:
            return sorted(name for where, at, name in self._reactions if (where, at) == (channel, ts))

    def uploads(self) -> list[Upload]:
        with self._cond:
            return list(self._uploads.values())

    # ---------------------------------------------------------------------------------------- Socket Mode

    def wait_connected(self, timeout: float = WAIT, count: int = 1) -> int:
        """Wait until `count` connections were made in all and one is open; returns how many were made."""
        return self._wait(lambda: self._connects if self._connects >= count and self._open() else None, timeout,
                          f"Socket Mode connection #{count}")

    def push(self, envelope_type: EnvelopeType, payload: Mapping[str, Any], retry_attempt: int = 0,
             retry_reason: str = "", timeout: float = WAIT) -> str:
        """Send an envelope on the newest connection, as Slack does; returns its `envelope_id`."""
        envelope: dict[str, Any] = {
            "envelope_id": str(uuid.uuid4()), "type": envelope_type, "payload": dict(payload),
            "accepts_response_payload": envelope_type != "events_api",
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        self.wait_connected(timeout)

        async def send() -> None:
            await self._open()[-1].send_str(json.dumps(envelope))

        self._submit(send(), timeout)
        return str(envelope["envelope_id"])

    def wait_for_ack(self, envelope_id: str, timeout: float = WAIT) -> dict[str, Any]:
        """The client's ack of an envelope (with its `payload`, when the ack answered something)."""
        return self._wait(lambda: self._acks.get(envelope_id), timeout, f"ack of {envelope_id}")

    def _open(self) -> list[web.WebSocketResponse]:
        with self._cond:
            return [ws for ws in self._sockets if not ws.closed]

    async def _socket_mode(self, request: web.Request) -> web.StreamResponse:
        with self._cond:
            if request.query.get("ticket") not in self._tickets:
                return web.Response(status=401)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": len(self._open()) + 1,
                                      "connection_info": {"app_id": APP_ID}}))
        with self._cond:
            self._sockets.append(ws)
            self._connects += 1
            self._cond.notify_all()
        async for message in ws:
            if message.type == WSMsgType.TEXT and "envelope_id" in (ack := json.loads(message.data)):
                with self._cond:
                    self._acks[str(ack["envelope_id"])] = ack
                    self._cond.notify_all()
        return ws

    # ---------------------------------------------------------------------------------------- the server

    async def _serve(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket-mode", self._socket_mode)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        for ws in self._open():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 2)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args |= await request.json()
        elif request.content_type == "multipart/form-data":
            args |= {key: value for key, value in (await request.post()).items() if isinstance(value, str)}
        else:
            args |= parse_qsl(await request.text(), keep_blank_values=True)
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            args |= {"client_id": client_id, "client_secret": secret}
            authorization = ""
        token = str(args.pop("token", "")) or authorization.removeprefix("Bearer ")
        for key in _JSON_ARGS & args.keys():
            if isinstance(args[key], str):
                args[key] = json.loads(args[key])
        await self._arrived(method)
        with self._cond:
            queued = self._canned.get(method)
            canned = queued.pop(0) if queued else None
            if canned is None:
                authed = token or method == "oauth.v2.access"
                body = self._answer(method, args, token) if authed else {"ok": False, "error": "not_authed"}
                canned = Canned(200, body)
            self._calls.append(Call(method, args, token or None, canned.status))
            self._cond.notify_all()
        return web.json_response(canned.body, status=canned.status, headers=canned.headers)

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        """The person clicked "Allow": back to the app's redirect URL with a code for the team being installed."""
        with self._cond:
            team, client = self._installing, self.client
            if team is None or client is None or request.query.get("client_id") != client[0]:
                return web.Response(status=400, text="invalid_client_id or no team to install")
            code = "code-" + uuid.uuid4().hex
            self._codes[code] = team
        redirect = request.query.get("redirect_uri") or self.redirect_url
        target = f"{redirect}?{urlencode({'code': code, 'state': request.query.get('state', '')})}"
        raise web.HTTPFound(target)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        content = await request.read()
        with self._cond:
            upload = self._uploads.get(request.match_info["file_id"])
            if upload is None:
                return web.Response(status=404)
            upload.content = content
        return web.Response(text=f"OK - {len(content)}")

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        """Slack's answer to a call (under the lock): the fields the adapter, Bolt and slack_sdk read."""
        ok: dict[str, Any] = {"ok": True}
        match method:
            case "auth.test":
                team = self._teams.get(token)  # an installed team's token; any other token is workspace T1's
                if team is None:
                    return ok | {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
                return ok | {"team_id": team.id, "team": team.name, "user_id": team.bot_user_id, "bot_id": team.bot_id}
            case "oauth.v2.access":
                installed = self._codes.pop(str(args.get("code")), None)  # a code works once
                if self.client is None or (args.get("client_id"), args.get("client_secret")) != self.client:
                    return {"ok": False, "error": "invalid_client"}
                if installed is None:
                    return {"ok": False, "error": "invalid_code"}
                return ok | {"access_token": installed.bot_token, "token_type": "bot", "scope": "commands,chat:write",
                             "bot_user_id": installed.bot_user_id, "app_id": APP_ID, "enterprise": None,
                             "is_enterprise_install": False, "team": {"id": installed.id, "name": installed.name},
                             "authed_user": {"id": "UINSTALLER"}}
            case "chat.postMessage":
                channel = str(args["channel"])
                channel = f"D{channel}" if channel[0] in "UW" else channel  # to a user: their DM with the bot
                ts = new_ts()
                self._messages[(channel, ts)] = message = {"ts": ts, "text": args.get("text", ""),
                                                           "blocks": args.get("blocks", []), "user": BOT_USER_ID,
                                                           "thread_ts": args.get("thread_ts")}
                return ok | {"channel": channel, "ts": ts, "message": message}
            case "chat.update":
                key = (str(args.get("channel")), str(args.get("ts")))
                if key not in self._messages:
                    return {"ok": False, "error": "message_not_found"}
                self._messages[key] |= {"text": args.get("text", ""), "blocks": args.get("blocks", [])}
                return ok | {"channel": key[0], "ts": key[1]}
            case "chat.postEphemeral":
                return ok | {"message_ts": new_ts()}
            case "reactions.add":
                reaction = (str(args["channel"]), str(args["timestamp"]), str(args["name"]))
                if reaction in self._reactions:
                    return {"ok": False, "error": "already_reacted"}
                self._reactions.add(reaction)
                return ok
            case "conversations.open":
                return ok | {"channel": {"id": f"D{args['users']}"}}
            case "users.info":
                user = self._users.get(str(args.get("user")))
                if user is None:
                    return {"ok": False, "error": "user_not_found"}
                with_locale = str(args.get("include_locale")).lower() in ("1", "true")
                return ok | {"user": user if with_locale else {k: v for k, v in user.items() if k != "locale"}}
            case "conversations.info":
                channel = str(args.get("channel"))
                if channel in self._channels:
                    return ok | {"channel": {k: v for k, v in self._channels[channel].items() if k != "members"}}
                if channel.startswith("D"):
                    return ok | {"channel": {"id": channel, "is_im": True, "user": channel[1:]}}
                if channel.startswith("C"):
                    return ok | {"channel": {"id": channel, "is_channel": True, "is_private": False}}
                return {"ok": False, "error": "channel_not_found"}
            case "conversations.members":  # paged: `limit` per page, the next offset as `next_cursor`
                found = self._channels.get(str(args.get("channel")))
                if found is None:
                    return {"ok": False, "error": "channel_not_found"}
                start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
                more = start + limit < len(found["members"])
                return ok | {"members": found["members"][start:start + limit],
                             "response_metadata": {"next_cursor": str(start + limit) if more else ""}}
            case "views.open" | "views.publish":
                return ok | {"view": {**args["view"], "id": "V" + uuid.uuid4().hex[:10].upper()}}
            case "files.getUploadURLExternal":
                file_id = "F" + uuid.uuid4().hex[:10].upper()
                self._uploads[file_id] = Upload(str(args["filename"]))
                return ok | {"file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
            case "files.completeUploadExternal":
                for item in args["files"]:
                    upload = self._uploads[item["id"]]
                    upload.channel_id, upload.thread_ts = args.get("channel_id"), args.get("thread_ts")
                    upload.completed = upload.content is not None
                return ok | {"files": [{"id": item["id"]} for item in args["files"]]}
            case "apps.connections.open":
                ticket = str(uuid.uuid4())
                self._tickets.add(ticket)
                return ok | {"url": f"ws://127.0.0.1:{self.port}/socket-mode?ticket={ticket}"}
        return {"ok": False, "error": "unknown_method"}


# ---------------------------------------------------------------------------------- payloads Slack sends


def event_callback(event: Mapping[str, Any], event_id: str | None = None, team: str = TEAM_ID) -> dict[str, Any]:
    """An inner event as the Events API wraps it (HTTP body, or an `events_api` envelope's payload)."""
    return {"type": "event_callback", "team_id": team, "api_app_id": APP_ID, "event": dict(event),
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(), "event_time": 1700000000,
            "authorizations": [{"team_id": team, "user_id": BOT_USER_ID, "is_bot": True}]}


def app_uninstalled(team: str) -> dict[str, Any]:
    return event_callback({"type": "app_uninstalled", "event_ts": new_ts()}, team=team)


def tokens_revoked(team: str, bot_user: str) -> dict[str, Any]:
    return event_callback({"type": "tokens_revoked", "tokens": {"bot": [bot_user]}, "event_ts": new_ts()},
                          team=team)


def message_event(text: str, user: str, channel: str, ts: str | None = None, thread_ts: str | None = None,
                  channel_type: Literal["channel", "group", "im", "mpim"] = "channel",
                  team: str = TEAM_ID) -> dict[str, Any]:
    """Someone typing in a channel, a thread or a DM."""
    ts = ts or new_ts()
    event = {"type": "message", "text": text, "user": user, "ts": ts, "channel": channel, "event_ts": ts,
             "channel_type": channel_type, "team": team}
    return event_callback(event | ({"thread_ts": thread_ts} if thread_ts else {}), team=team)


def reaction_event(added: bool, reaction: str, user: str, channel: str, item_ts: str) -> dict[str, Any]:
    return event_callback({"type": "reaction_added" if added else "reaction_removed", "user": user,
                           "reaction": reaction, "item": {"type": "message", "channel": channel, "ts": item_ts},
                           "event_ts": new_ts()})


def app_home_opened(user: str) -> dict[str, Any]:
    return event_callback({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                           "event_ts": new_ts()})


def slash_command(text: str, user_id: str, channel_id: str, trigger_id: str | None = None,
                  team: str = TEAM_ID) -> dict[str, str]:
    """`/meeting <text>`'s form fields (an HTTP body, or a `slash_commands` envelope's payload)."""
    return {"token": "verification-token", "team_id": team, "channel_id": channel_id, "user_id": user_id,
            "user_name": user_id.lower(), "command": "/meeting", "text": text, "api_app_id": APP_ID,
            "response_url": f"{NOWHERE}/commands", "trigger_id": trigger_id or uuid.uuid4().hex}


def block_action(user: str, channel: str, message_ts: str, action_id: str, value: str,
                 trigger_id: str | None = None) -> dict[str, Any]:
    """A click on a button of the bot's message."""
    return {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
            "api_app_id": APP_ID, "trigger_id": trigger_id or uuid.uuid4().hex,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel}, "message": {"ts": message_ts}, "response_url": f"{NOWHERE}/actions",
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "action_ts": new_ts()}]}


def view_submission(user: str, callback_id: str, private_metadata: str,
                    state_values: Mapping[str, Any]) -> dict[str, Any]:
    """A modal's submit; `state_values` is `{block_id: {action_id: {"type": …, "value": …}}}`."""
    return {"type": "view_submission", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
            "api_app_id": APP_ID, "trigger_id": uuid.uuid4().hex,
            "view": {"id": "V1", "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
                     "state": {"values": dict(state_values)}}}


# ------------------------------------------------------------------------------------------- HTTP mode


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers. Bolt checks the timestamp against its own clock, so the default is now."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Signature": f"v0={digest}", "X-Slack-Request-Timestamp": str(stamp)}


def form_body(fields: Mapping[str, str]) -> str:
    """A slash command's body (`application/x-www-form-urlencoded`)."""
    return urlencode(dict(fields))


def interactive_body(payload: Mapping[str, Any]) -> str:
    """An interactive payload's body: `payload=<json>`, form-encoded."""
    return urlencode({"payload": json.dumps(payload)})


def event_body(callback: Mapping[str, Any]) -> str:
    return json.dumps(callback)
