"""A scheduler process for tests/test_exactly_once.py: the console platform's tick alone, on the test's timeline.

`quorum slack` and `quorum dingtalk` run the same tick beside their adapters; what the exactly-once tests need
is several operating-system processes racing for one database's rows, and one that can be SIGKILLed, with a
platform whose every delivery is visible. The console adapter is that platform: it prints each message to
stdout as `[<pid>-m<N>] @<user> quorum: …` and flushes, so a line in the file is a message delivered.

Run: `python -m tests.ticker_process --interval 0.05 --for 60 --now ISO --now-at MONOTONIC --files DIR` with
DATABASE_URL set; the clock reads `--now` at the monotonic instant `--now-at` and runs at real speed, so
several tickers started one after another share one timeline.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from adapters.clock import running_from
from adapters.console import PLATFORM, ConsoleAdapter
from bot.config import Settings
from bot.core import Core


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, required=True, help="seconds between ticks")
    parser.add_argument("--for", dest="duration", type=float, required=True, help="stop after this many seconds")
    parser.add_argument("--now", type=datetime.fromisoformat, required=True, help="the timeline's start (ISO, aware)")
    parser.add_argument("--now-at", type=float, required=True, help="the time.monotonic() reading at --now")
    parser.add_argument("--files", type=Path, required=True, help="folder for attachments")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings()
    core = Core(settings)
    clock = running_from(args.now, args.now_at)
    adapter = ConsoleAdapter(core, sys.stdout, clock(), settings.zone, args.files,
                             id_prefix=f"{os.getpid()}-m")
    stop_at = time.monotonic() + args.duration
    while time.monotonic() < stop_at:
        adapter.now = clock()
        core.tick(adapter.now, adapter.send, platform=PLATFORM)
        time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
