"""DingTalk's HTTP callback mode (the "outgoing" robot): DingTalk POSTs each message to a public URL.

Stream mode needs no public URL and is the default; this mode is for deployments that already expose one.
Every request must carry `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key=app secret,
msg="{timestamp}\\n{app secret}")) and be less than an hour old, as DingTalk documents; anything else gets
401 before its body is read as a message. The message then takes the same path as a Stream frame (ack at
once, work in arrival order), and replies go through its session webhook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time

from aiohttp import web

from adapters.dingtalk.app import TOPIC_CHATBOT, DingTalkAdapter

log = logging.getLogger(__name__)

CALLBACK_PATH = "/dingtalk/callback"
MAX_AGE_MS = 60 * 60 * 1000


def expected_sign(timestamp: str, app_secret: str) -> str:
    digest = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified(timestamp: str | None, sign: str | None, app_secret: str, now_ms: float | None = None) -> bool:
    """A genuine, fresh request: the sign matches and the timestamp is within an hour of now."""
    if not timestamp or not sign or not timestamp.isdigit():
        return False
    now = time.time() * 1000 if now_ms is None else now_ms
    if abs(now - int(timestamp)) > MAX_AGE_MS:
        return False
    return hmac.compare_digest(expected_sign(timestamp, app_secret), sign)


def callback_app(adapter: DingTalkAdapter, app_secret: str) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        if not verified(request.headers.get("timestamp"), request.headers.get("sign"), app_secret):
            log.warning("DingTalk callback with a bad or stale signature from %s", request.remote)
            return web.json_response({"error": "bad signature or timestamp"}, status=401)
        try:
            data = json.loads(await request.text())
        except ValueError:
            return web.json_response({"error": "body is not JSON"}, status=400)
        adapter.receive(TOPIC_CHATBOT, str(data.get("msgId") or ""), data)
        return web.json_response({})

    app = web.Application()
    app.router.add_post(CALLBACK_PATH, receive)
    return app
