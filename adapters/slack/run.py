"""Running the Slack adapter: Socket Mode when an app token is set, else HTTP on uvicorn; the tick beside it.

Installed through OAuth (`SLACK_CLIENT_ID` / `SLACK_CLIENT_SECRET`), the HTTP server also serves
`/slack/install` and `/slack/oauth_redirect`; with an app token too, events come over Socket Mode and the HTTP
server runs beside it for the install pages only.

Both modes share one `SlackAdapter` and one scheduler thread (APScheduler interval job calling
`Core.tick`). `serve_http` returns the bound port, so tests and benchmarks can ask for port 0.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters.process import settle_heap
from adapters.scheduler import start_ticker
from adapters.slack.app import QuorumRequestHandler, SlackAdapter
from adapters.slack.install import INSTALL_PATH
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def build_adapter(settings: Settings, core: Core | None = None) -> SlackAdapter:
    """One workspace with SLACK_BOT_TOKEN, or any workspace that installs it (SLACK_CLIENT_ID and _SECRET)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if settings.slack_oauth:
        if token:
            raise ConfigError("set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID / SLACK_CLIENT_SECRET "
                              "(install in any workspace), not both")
        if secret is None:
            raise ConfigError("the OAuth install runs over HTTP: set SLACK_SIGNING_SECRET (Basic Information)")
        return SlackAdapter(core or Core(settings), None, secret, settings.slack_api_url)
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) into .env, or set "
                          "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install Quorum in any workspace")
    if settings.slack_app_token is None and secret is None:
        raise ConfigError("set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode")
    return SlackAdapter(core or Core(settings), token, secret, settings.slack_api_url)


async def run_socket_mode(adapter: SlackAdapter, app_token: str) -> None:
    handler = AsyncSocketModeHandler(adapter.app, app_token)
    await handler.start_async()  # type: ignore[no-untyped-call]


async def run_both(adapter: SlackAdapter, app_token: str, server: uvicorn.Server) -> None:
    """Socket Mode for events, and the HTTP server beside it for `/slack/install` and the OAuth redirect."""
    await asyncio.gather(run_socket_mode(adapter, app_token), server.serve())


def http_server(adapter: SlackAdapter, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for Bolt's ASGI app at /slack/events (not started)."""
    handler = QuorumRequestHandler(adapter.app, EVENTS_PATH, adapter.signing_secret)
    config = uvicorn.Config(handler, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (the real one when asked for port 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


def run(settings: Settings, host: str, port: int) -> int:
    adapter = build_adapter(settings)
    settle_heap()
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    try:
        if settings.slack_app_token is not None and adapter.installations is not None:
            log.warning("Quorum on Slack, Socket Mode; install pages on %s:%d%s", host, port, INSTALL_PATH)
            server = http_server(adapter, host, port)
            asyncio.run(run_both(adapter, settings.slack_app_token.get_secret_value(), server))
        elif settings.slack_app_token is not None:
            log.warning("Quorum on Slack, Socket Mode")
            asyncio.run(run_socket_mode(adapter, settings.slack_app_token.get_secret_value()))
        else:
            log.warning("Quorum on Slack, HTTP mode on %s:%d%s", host, port, EVENTS_PATH)
            http_server(adapter, host, port).run()
    except KeyboardInterrupt:
        pass
    finally:
        ticker.shutdown(wait=False)
    return 0
