"""Running the DingTalk adapter: the Stream connection (no public URL) and the scheduler tick beside it."""

from __future__ import annotations

import asyncio
import logging

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import DingTalkAdapter, QuorumStreamClient
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from bot.scheduler import start_ticker

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    if not settings.dingtalk_client_id or settings.dingtalk_client_secret is None:
        raise ConfigError("set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (the app's AppKey and AppSecret)")
    secret = settings.dingtalk_client_secret.get_secret_value()
    endpoint = settings.dingtalk_openapi_endpoint
    api = DingTalkApi(endpoint, settings.dingtalk_client_id, secret,
                      settings.dingtalk_robot_code or settings.dingtalk_client_id)
    language = settings.language if "language" in settings.model_fields_set else "zh"
    adapter = DingTalkAdapter(Core(settings), api, default_language=language)
    client = QuorumStreamClient(adapter, settings.dingtalk_client_id, secret, endpoint)
    ticker = start_ticker(adapter.tick, settings.tick_seconds)
    log.warning("Quorum on DingTalk, Stream mode via %s", endpoint)
    try:
        asyncio.run(client.start())
    except KeyboardInterrupt:
        pass
    finally:
        ticker.shutdown(wait=False)
    return 0
