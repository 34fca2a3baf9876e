"""Running the Slack adapter: Socket Mode when an app token is set, else HTTP on uvicorn; the tick beside it.

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
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def build_adapter(settings: Settings, core: Core | None = None) -> SlackAdapter:
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) into .env")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError("set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode")
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    return SlackAdapter(core or Core(settings), settings.slack_bot_token.get_secret_value(), secret,
                        settings.slack_api_url)


async def run_socket_mode(adapter: SlackAdapter, app_token: str) -> None:
    handler = AsyncSocketModeHandler(adapter.app, app_token)
    await handler.start_async()  # type: ignore[no-untyped-call]


def http_server(adapter: SlackAdapter, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for Bolt's ASGI app at /slack/events (not started)."""
    config = uvicorn.Config(QuorumRequestHandler(adapter.app, path=EVENTS_PATH), host=host, port=port,
                            log_level="warning", lifespan="off")
    return uvicorn.Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (the real one when asked for port 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


def run(settings: Settings, host: str, port: int) -> int:
    adapter = build_adapter(settings)
    settle_heap()
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    try:
        if settings.slack_app_token is not None:
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
