"""Running the DingTalk adapter: the Stream connection (no public URL), or with `--http` the outgoing-robot
callback on a port; the scheduler tick beside either.

In `--http` mode messages arrive over HTTP, but card clicks reach only a Stream client (cards are created with
Stream callbacks), so a Stream connection subscribed to the card-callback topic alone runs beside the server.
`/healthz` and `/metrics` (`adapters/ops.py`) are on `QUORUM_OPS_ADDRESS`, and in `--http` mode on the
callback's port too. SIGTERM drains (`adapters/drain.py`): the Stream connection closes (and the callback
server stops accepting), every acknowledged frame is finished, then the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiohttp import web

from adapters import drain
from adapters.clock import Clock, system_clock
from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CARD, DingTalkAdapter, QuorumStreamClient
from adapters.dingtalk.callback import CALLBACK_PATH, callback_app
from adapters.dingtalk.translate import PLATFORM
from adapters.ops import Ops
from adapters.ops_http import add_routes, small_port
from adapters.process import settle_heap
from adapters.scheduler import start_ticker
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError

log = logging.getLogger(__name__)


def run(settings: Settings, http_port: int | None = None, host: str = "0.0.0.0",
        clock: Clock = system_clock) -> int:
    client_id = settings.dingtalk_client_id
    if not client_id or settings.dingtalk_client_secret is None:
        raise ConfigError("set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (the app's AppKey and AppSecret)")
    secret = settings.dingtalk_client_secret.get_secret_value()
    endpoint = settings.dingtalk_openapi_endpoint
    if "language" not in settings.model_fields_set:  # a DingTalk team speaks Chinese unless told otherwise
        settings = settings.model_copy(update={"language": "zh"})
    api = DingTalkApi(endpoint, client_id, secret, settings.dingtalk_robot_code or client_id,
                      settings.dingtalk_oapi_endpoint)
    adapter = DingTalkAdapter(Core(settings), api, clock)
    settle_heap()
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    try:
        if http_port is not None:
            log.warning("Quorum on DingTalk, HTTP callback on %s:%d%s", host, http_port, CALLBACK_PATH)
            stream = QuorumStreamClient(adapter, client_id, secret, endpoint, topics=(TOPIC_CARD,))
        else:
            log.warning("Quorum on DingTalk, Stream mode via %s", endpoint)
            stream = QuorumStreamClient(adapter, client_id, secret, endpoint)
        drained = asyncio.run(serve(adapter, stream, settings, (host, http_port) if http_port is not None else None))
    finally:
        ticker.shutdown(wait=True)  # a tick under way finishes its posts
    return 0 if drained else 1


async def serve(adapter: DingTalkAdapter, stream: QuorumStreamClient, settings: Settings,
                http: tuple[str, int] | None, stop: asyncio.Event | None = None) -> bool:
    """The Stream client (and with `http`, the callback server) until SIGTERM (or `stop` is set), then
    drained; True when every acknowledged frame was finished."""
    stop = stop or drain.stop_event()
    ops = Ops(adapter.core, PLATFORM, adapter.clock, lambda: stream.connected,
              timedelta(seconds=settings.outbox_stale_seconds))
    stream.on_ack = ops.observe_ack
    runner: web.AppRunner | None = None
    async with small_port(ops, settings.ops_endpoint):
        if http is not None:
            app = callback_app(adapter, stream.credential.client_secret, clock=adapter.clock)
            add_routes(app, ops)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, *http).start()
        streaming = asyncio.create_task(stream.start())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([streaming, stopping], return_when=asyncio.FIRST_COMPLETED)
        log.warning("SIGTERM: closing the Stream connection, finishing what was acknowledged")
        ops.draining = True
        for task in (streaming, stopping):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if runner is not None:
            await runner.cleanup()  # stops accepting, lets requests under way answer
        return await drain.finish(adapter.order, settings.drain_seconds)
