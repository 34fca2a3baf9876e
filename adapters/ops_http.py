"""Serving `/healthz` and `/metrics` (`adapters/ops.py`): on a small port of their own, or on an app's server.

Socket Mode and Stream mode open no port, so the process serves the two paths on `QUORUM_OPS_ADDRESS`
(aiohttp, already there for Bolt and the DingTalk callback). In HTTP mode the app's own server answers them
too (`OpsAsgi` in front of Bolt's ASGI app on uvicorn; routes added to the DingTalk callback app), so a load
balancer checks the port it sends traffic to.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from adapters.ops import HEALTH_PATH, METRICS_PATH, Ops, Reply

log = logging.getLogger(__name__)

ASGIApp = Any  # an ASGI application: async (scope, receive, send)


def _response(reply: Reply) -> web.Response:
    return web.Response(status=reply.status, body=reply.body, headers={"Content-Type": reply.content_type})


def add_routes(app: web.Application, ops: Ops) -> None:
    """Answer the two paths on an aiohttp app (the small port, or the DingTalk callback server)."""

    async def health(_request: web.Request) -> web.Response:
        return _response(await ops.health())

    async def metrics(_request: web.Request) -> web.Response:
        return _response(await ops.metrics())

    app.router.add_get(HEALTH_PATH, health)
    app.router.add_get(METRICS_PATH, metrics)


async def serve(ops: Ops, host: str, port: int) -> tuple[web.AppRunner, int]:
    """The small port, started; returns its runner (to clean up) and the bound port (port 0: any free one)."""
    app = web.Application()
    add_routes(app, ops)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = int(runner.addresses[0][1])  # the real port when asked for port 0
    log.warning("Quorum operations: http://%s:%d%s and %s", host, bound, HEALTH_PATH, METRICS_PATH)
    return runner, bound


@asynccontextmanager
async def small_port(ops: Ops, where: tuple[str, int] | None) -> AsyncIterator[int | None]:
    """The small port at `where` (`Settings.ops_endpoint`) while the block runs; yields its bound port."""
    if where is None:
        yield None
        return
    runner, port = await serve(ops, *where)
    try:
        yield port
    finally:
        await runner.cleanup()


class OpsAsgi:
    """An ASGI app answering GET /healthz and /metrics itself and handing every other request to `app`."""

    def __init__(self, ops: Ops, app: ASGIApp) -> None:
        self.ops = ops
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("method") == "GET":
            reply = await self.ops.answer(str(scope.get("path")))
            if reply is not None:
                await send({"type": "http.response.start", "status": reply.status,
                            "headers": [(b"content-type", reply.content_type.encode()),
                                        (b"content-length", str(len(reply.body)).encode())]})
                await send({"type": "http.response.body", "body": reply.body})
                return
        await self.app(scope, receive, send)
