"""DingTalk's HTTP callback mode (the "outgoing" robot): DingTalk POSTs each message to a public URL.

Stream mode needs no public URL and is the default; this mode is for deployments that already expose one.
Every request must carry `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key=app secret,
msg="{timestamp}\\n{app secret}")) and be less than an hour old, as DingTalk documents; anything else gets
401 before its body is read as a message. The message then takes the same path as a Stream frame (ack at
once, work in arrival order), and replies go through its session webhook (only if it is DingTalk's: see
`DingTalkApi.trusted_webhook`).

Replays. The sign covers the timestamp, not the body, so a captured (timestamp, sign) pair would carry any
body for an hour. Each pair is accepted once: `SeenSigns` remembers the pairs of the last hour (older ones
fail the freshness check anyway) in memory, bounded by `MAX_REMEMBERED`; when that many fresh pairs are
remembered, new requests are refused (503, DingTalk retries) rather than forgetting a pair that could then be
replayed. In memory, not in the database, because this mode is one process behind one URL; several instances
should use Stream mode, where DingTalk authenticates the connection and there is no sign to replay. (A replay
of the same message with the same `msgId` is also dropped by the core's event record.)
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import logging
import threading

from aiohttp import web

from adapters.clock import Clock, system_clock
from adapters.dingtalk.app import TOPIC_CHATBOT, DingTalkAdapter

log = logging.getLogger(__name__)

CALLBACK_PATH = "/dingtalk/callback"
MAX_AGE_MS = 60 * 60 * 1000
MAX_REMEMBERED = 100_000  # fresh pairs kept; DingTalk's robot rate limits stay far below this per hour


def expected_sign(timestamp: str, app_secret: str) -> str:
    digest = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified(timestamp: str | None, sign: str | None, app_secret: str, now_ms: float) -> bool:
    """A genuine, fresh request: the sign matches and the timestamp is within an hour of now."""
    if not timestamp or not sign or not timestamp.isdigit():
        return False
    if abs(now_ms - int(timestamp)) > MAX_AGE_MS:
        return False
    return hmac.compare_digest(expected_sign(timestamp, app_secret), sign)


class SeenSigns:
    """The (timestamp, sign) pairs accepted in the last hour, each usable once: a set for the lookup and a heap
    by timestamp to forget a pair once it is too old to pass `verified` again."""

    def __init__(self, capacity: int = MAX_REMEMBERED) -> None:
        self.capacity = capacity
        self._seen: set[tuple[str, str]] = set()
        self._by_age: list[tuple[int, tuple[str, str]]] = []
        self._lock = threading.Lock()

    def first_use(self, timestamp: str, sign: str, now_ms: float) -> bool | None:
        """True the first time a pair is seen, False for a replay, None when full of fresh pairs."""
        with self._lock:
            while self._by_age and self._by_age[0][0] < now_ms - MAX_AGE_MS:
                self._seen.discard(heapq.heappop(self._by_age)[1])
            pair = (timestamp, sign)
            if pair in self._seen:
                return False
            if len(self._seen) >= self.capacity:
                return None
            self._seen.add(pair)
            heapq.heappush(self._by_age, (int(timestamp), pair))
            return True

    def __len__(self) -> int:
        return len(self._seen)


def callback_app(adapter: DingTalkAdapter, app_secret: str, seen: SeenSigns | None = None,
                 clock: Clock = system_clock) -> web.Application:
    signs = seen if seen is not None else SeenSigns()

    async def receive(request: web.Request) -> web.Response:
        now_ms = clock().timestamp() * 1000
        timestamp, sign = request.headers.get("timestamp"), request.headers.get("sign")
        if not verified(timestamp, sign, app_secret, now_ms):
            log.warning("DingTalk callback with a bad or stale signature from %s", request.remote)
            return web.json_response({"error": "bad signature or timestamp"}, status=401)
        assert timestamp is not None and sign is not None
        first = signs.first_use(timestamp, sign, now_ms)
        if first is False:
            log.warning("DingTalk callback replayed a used signature from %s", request.remote)
            return web.json_response({"error": "signature already used"}, status=401)
        if first is None:
            log.error("DingTalk callback: %d signatures of the last hour remembered; refusing more", len(signs))
            return web.json_response({"error": "busy"}, status=503)
        try:
            data = json.loads(await request.text())
        except ValueError:
            return web.json_response({"error": "body is not JSON"}, status=400)
        if not isinstance(data, dict):
            return web.json_response({"error": "body is not a JSON object"}, status=400)
        adapter.receive(TOPIC_CHATBOT, str(data.get("msgId") or ""), data)
        return web.json_response({})

    app = web.Application()
    app.router.add_post(CALLBACK_PATH, receive)
    return app
