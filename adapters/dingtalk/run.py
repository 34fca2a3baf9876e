"""Running the DingTalk adapter: the Stream connection (no public URL), or with `--http` the outgoing-robot
callback on a port; the scheduler tick beside either.

In `--http` mode messages arrive over HTTP, but card clicks reach only a Stream client (cards are created with
Stream callbacks), so a Stream connection subscribed to the card-callback topic alone runs beside the server.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CARD, DingTalkAdapter, QuorumStreamClient
from adapters.dingtalk.callback import CALLBACK_PATH, callback_app
from adapters.process import settle_heap
from adapters.scheduler import start_ticker
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError

log = logging.getLogger(__name__)


def run(settings: Settings, http_port: int | None = None, host: str = "0.0.0.0") -> int:
    client_id = settings.dingtalk_client_id
    if not client_id or settings.dingtalk_client_secret is None:
        raise ConfigError("set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (the app's AppKey and AppSecret)")
    secret = settings.dingtalk_client_secret.get_secret_value()
    endpoint = settings.dingtalk_openapi_endpoint
    if "language" not in settings.model_fields_set:  # a DingTalk team speaks Chinese unless told otherwise
        settings = settings.model_copy(update={"language": "zh"})
    api = DingTalkApi(endpoint, client_id, secret, settings.dingtalk_robot_code or client_id,
                      settings.dingtalk_oapi_endpoint)
    adapter = DingTalkAdapter(Core(settings), api)
    settle_heap()
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    try:
        if http_port is not None:
            log.warning("Quorum on DingTalk, HTTP callback on %s:%d%s", host, http_port, CALLBACK_PATH)
            clicks = QuorumStreamClient(adapter, client_id, secret, endpoint, topics=(TOPIC_CARD,))
            asyncio.run(serve_http(callback_app(adapter, secret), host, http_port, clicks))
        else:
            log.warning("Quorum on DingTalk, Stream mode via %s", endpoint)
            asyncio.run(QuorumStreamClient(adapter, client_id, secret, endpoint).start())
    except KeyboardInterrupt:
        pass
    finally:
        ticker.shutdown(wait=False)
    return 0


async def serve_http(app: web.Application, host: str, port: int, clicks: QuorumStreamClient) -> None:
    """The callback app on host:port and the Stream client for card clicks, until cancelled."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await clicks.start()  # runs until the process is stopped
    finally:
        await runner.cleanup()
