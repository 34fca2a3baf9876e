"""`quorum slack` / `quorum dingtalk` exactly as the command line runs them, on a clock the test chose.

For tests/test_ops.py, which signals a real process (SIGTERM drains it) and reads its exit code. The only
difference from `quorum …` is the clock: it reads `--now` at the monotonic instant `--now-at` and runs at real
speed from there (`adapters.clock.running_from`), so nothing in the process depends on the day the test runs.

Run: `python -m tests.platform_process --now ISO --now-at MONOTONIC slack` (settings from the environment).
"""

from __future__ import annotations

import argparse
from datetime import datetime

from adapters.cli import main as quorum
from adapters.clock import running_from


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--now", type=datetime.fromisoformat, required=True, help="the start (ISO, aware)")
    parser.add_argument("--now-at", type=float, required=True, help="the time.monotonic() reading at --now")
    args, rest = parser.parse_known_args(argv)
    return quorum(rest, clock=running_from(args.now, args.now_at))


if __name__ == "__main__":
    raise SystemExit(main())
