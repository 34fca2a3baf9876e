"""Process-wide start-up for the platform adapters.

`settle_heap`: once everything long-lived is loaded (modules, the adapter, the database engine), take it out
of the garbage collector's reach. About 133k objects are tracked after start-up (SQLAlchemy, Bolt, sqlmodel,
our catalogs), and a full collection walking them held the GIL for 100–145 ms, stopping the event loop that
writes Slack's acks: ack p99 was 3.4x a bare Bolt app's (`python -m bench.slack_ack`). After `gc.freeze()`
only what requests create is walked. The same pause would delay DingTalk's acks and pings. The report and
export libraries, which the core loads only on first use, are loaded here first, so they are frozen too.
"""

from __future__ import annotations

import gc
import importlib


def settle_heap() -> None:
    importlib.import_module("bot.reports")
    importlib.import_module("bot.exports")
    gc.collect()
    gc.freeze()
