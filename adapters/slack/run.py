"""Running the Slack adapter: Socket Mode when an app token is set, else HTTP on uvicorn; the tick beside it.

Both modes share one `SlackAdapter` and one scheduler thread (APScheduler interval job calling
`Core.tick`). `serve_http` returns the bound port, so tests and benchmarks can ask for port 0.
`/healthz` and `/metrics` (`adapters/ops.py`) are on `QUORUM_OPS_ADDRESS` in both modes, and in HTTP mode
on the app's port too. SIGTERM drains (`adapters/drain.py`): the Socket Mode connection is closed, or
uvicorn stops accepting, then every acknowledged event is finished before the process exits 0.
Installed through OAuth (`SLACK_CLIENT_ID` / `SLACK_CLIENT_SECRET`), the HTTP server also serves
`/slack/install` and `/slack/oauth_redirect`; with an app token too, events come over Socket Mode and an HTTP
server on the app's port runs beside it (in a thread of its own, so SIGTERM stays the drain's) for the
install pages.
The work after each ack runs in `QUORUM_WORKER_PROCESSES` worker processes (`SlackAdapter.start_workers`), the
tick too; they are stopped after the drain and the last tick, so what they were given is finished first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from datetime import timedelta

import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters import drain
from adapters.clock import Clock, system_clock
from adapters.ops import Ops
from adapters.ops_http import OpsAsgi, small_port
from adapters.process import settle_heap
from adapters.scheduler import start_ticker
from adapters.slack.app import QuorumRequestHandler, SlackAdapter
from adapters.slack.install import INSTALL_PATH
from adapters.slack.translate import PLATFORM
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from store.database import is_in_memory

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def build_adapter(settings: Settings, core: Core | None = None, clock: Clock = system_clock) -> SlackAdapter:
    """One workspace with SLACK_BOT_TOKEN, or any workspace that installs it (SLACK_CLIENT_ID and _SECRET)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if settings.slack_oauth:
        if token:
            raise ConfigError("set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID / SLACK_CLIENT_SECRET "
                              "(install in any workspace), not both")
        if secret is None:
            raise ConfigError("the OAuth install runs over HTTP: set SLACK_SIGNING_SECRET (Basic Information)")
        return SlackAdapter(core or Core(settings), None, secret, settings.slack_api_url, clock)
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) into .env, or set "
                          "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install Quorum in any workspace")
    if settings.slack_app_token is None and secret is None:
        raise ConfigError("set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode")
    return SlackAdapter(core or Core(settings), token, secret, settings.slack_api_url, clock)


def build_ops(adapter: SlackAdapter, settings: Settings, connected: Callable[[], bool]) -> Ops:
    """The process's health and metrics; its ack histogram fed by the app (`AckTimedApp`)."""
    ops = Ops(adapter.core, PLATFORM, adapter.clock, connected, timedelta(seconds=settings.outbox_stale_seconds))
    adapter.app.on_ack = ops.observe_ack
    return ops


def socket_connected(handler: AsyncSocketModeHandler) -> bool:
    """Whether the Socket Mode connection is up (what the client's async `is_connected` checks, read as is)."""
    client = handler.client
    session = client.current_session
    return not client.closed and not client.stale and session is not None and not session.closed


async def serve_socket_mode(adapter: SlackAdapter, app_token: str, settings: Settings,
                            stop: asyncio.Event | None = None, pages: uvicorn.Server | None = None) -> bool:
    """Socket Mode until SIGTERM (or `stop` is set), then drained; True when everything acknowledged was
    finished. `pages`: the OAuth install pages' server, run beside it."""
    stop = stop or drain.stop_event()
    handler = AsyncSocketModeHandler(adapter.app, app_token)
    ops = build_ops(adapter, settings, lambda: socket_connected(handler))
    pages_thread = threading.Thread(target=lambda: asyncio.run(pages.serve()), name="slack-install-pages",
                                    daemon=True) if pages is not None else None
    async with small_port(ops, settings.ops_endpoint):
        if pages_thread is not None:
            pages_thread.start()
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await stop.wait()
        log.warning("SIGTERM: closing the Socket Mode connection, finishing what was acknowledged")
        ops.draining = True
        await handler.close_async()  # type: ignore[no-untyped-call]
        if pages is not None and pages_thread is not None:
            pages.should_exit = True
            await asyncio.to_thread(pages_thread.join, PAGES_STOP_SECONDS)
        return await drain.finish(adapter.order, settings.drain_seconds)


PAGES_STOP_SECONDS = 5.0


def http_server(adapter: SlackAdapter, host: str, port: int, ops: Ops | None = None) -> uvicorn.Server:
    """A uvicorn server for Bolt's ASGI app at /slack/events, and `ops`'s two paths if given (not started)."""
    handler = QuorumRequestHandler(adapter.app, EVENTS_PATH, adapter.signing_secret)
    app = OpsAsgi(ops, handler) if ops is not None else handler
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


async def serve_http(adapter: SlackAdapter, host: str, port: int, settings: Settings,
                     stop: asyncio.Event | None = None) -> bool:
    """HTTP mode until SIGTERM (or `stop` is set): uvicorn stops accepting and answers what it has, then the
    acknowledged work is drained. True when all of it was finished."""
    server: uvicorn.Server | None = None
    ops = build_ops(adapter, settings, lambda: server is not None and server.started and not server.should_exit)
    server = http_server(adapter, host, port, ops)
    if threading.current_thread() is threading.main_thread():
        # uvicorn takes SIGTERM while it serves and raises it again once it has stopped: let that second one
        # pass, the drain below decides when the process ends.
        for sig in drain.STOP_SIGNALS:
            signal.signal(sig, lambda *_: None)

    async def stop_on(event: asyncio.Event, server: uvicorn.Server) -> None:
        await event.wait()
        server.should_exit = True

    stopper = asyncio.create_task(stop_on(stop, server)) if stop is not None else None
    async with small_port(ops, settings.ops_endpoint):
        await server.serve()
        log.warning("SIGTERM: HTTP server stopped, finishing what was acknowledged")
        ops.draining = True
        if stopper is not None:
            stopper.cancel()
        return await drain.finish(adapter.order, settings.drain_seconds)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (the real one when asked for port 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


def worker_processes(settings: Settings) -> int:
    """How many processes do the work after the acks: `QUORUM_WORKER_PROCESSES`, but none when the database
    lives in this process's memory (no worker could open it)."""
    if settings.worker_processes and is_in_memory(settings.database_url):
        log.warning("QUORUM_WORKER_PROCESSES=%d ignored: an in-memory database is this process's alone",
                    settings.worker_processes)
        return 0
    return settings.worker_processes


def run(settings: Settings, host: str, port: int, clock: Clock = system_clock) -> int:
    adapter = build_adapter(settings, clock=clock)
    settle_heap()  # before the workers are forked, so that they share the frozen heap's pages
    if workers := worker_processes(settings):
        adapter.start_workers(workers)
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    drained = False
    try:
        if settings.slack_app_token is not None:
            pages = http_server(adapter, host, port) if adapter.installations is not None else None
            log.warning("Quorum on Slack, Socket Mode%s",
                        f"; install pages on {host}:{port}{INSTALL_PATH}" if pages is not None else "")
            drained = asyncio.run(serve_socket_mode(adapter, settings.slack_app_token.get_secret_value(), settings,
                                                    pages=pages))
        else:
            log.warning("Quorum on Slack, HTTP mode on %s:%d%s", host, port, EVENTS_PATH)
            drained = asyncio.run(serve_http(adapter, host, port, settings))
    finally:
        ticker.shutdown(wait=True)  # a tick under way finishes its posts
        adapter.stop_workers()  # after the drain and the tick: nothing is left for them
    return 0 if drained else 1
