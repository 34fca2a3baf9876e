"""What one `/meeting new` costs in CPU, through the product's own path (`Core.handle`), on a SQLite file.

Issue 14 asks to halve the CPU of `/meeting new` (about 16 ms: six transactions, dateparser, two posts) and to
show it measured: timings are noisy on a shared machine, instruction counts are not, so this prints both.

* ms/command: wall and process CPU over `--count` commands (distinct titles and people, one channel),
  after `--warmup` commands that fill SQLAlchemy's statement caches and dateparser's.
* with `--callgrind`: instructions per command under `valgrind --tool=callgrind`, as the difference between a
  child run of `--count` commands and one of none (both after the warm-up), divided by `--count`; the same
  twice on an idle or a busy machine.
* with `--profile`: the top of a cProfile of the timed commands, by cumulative time.

Run: `python -m bench.new_meeting [--count 200] [--callgrind] [--profile]`; `--small` for CI (40 commands).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from bot.events import Inbound, Person
from bot.messages import OutMessage
from store.database import make_engine

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Asia/Shanghai
TEXT = 'new "Bench {n}" tomorrow 3pm with @bob{n} @carol{n}'  # people of their own: no clash to confirm


class Sink:
    """A platform that accepts every post."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: OutMessage) -> str:
        self.count += 1
        return f"m{self.count}"


def run(db: Path, warmup: int, count: int, profile: bool) -> tuple[float, float, int, cProfile.Profile | None]:
    """`warmup` then `count` commands on a fresh database; wall and CPU seconds of the `count`, posts made."""
    url = f"sqlite:///{db}"
    settings = Settings(_env_file=None, DATABASE_URL=url, QUORUM_TIMEZONE="Asia/Shanghai", QUORUM_LANGUAGE="en")
    engine = make_engine(url)
    try:
        core = Core(settings, engine)
        sink = Sink()

        def command(n: int) -> None:
            host = Person(f"alice{n}", f"alice{n}")
            inbound = Inbound("command", "console", "local", "general", host, TEXT.format(n=n),
                              handles_are_user_ids=True)
            core.handle(inbound, NOW, sink)

        for n in range(warmup):
            command(n)
        before = sink.count
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        for n in range(warmup, warmup + count):
            command(n)
        if profiler is not None:
            profiler.disable()
        return time.perf_counter() - started, time.process_time() - cpu, sink.count - before, profiler
    finally:
        engine.dispose()


def instructions(count: int, warmup: int) -> int:
    """Instructions a child run of `count` commands (after `warmup`) executes under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", sys.executable, "-m",
             "bench.new_meeting", "--child", "--count", str(count), "--warmup", str(warmup)],
            capture_output=True, text=True, check=False,
        )
    if child.returncode:
        raise RuntimeError(f"the callgrind child failed ({child.returncode}): {child.stderr[-2000:]}")
    match = re.search(r"Collected : (\d+)", child.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count from callgrind: {child.stderr[-500:]}")
    return int(match.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.new_meeting", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="timed commands")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--small", action="store_true", help="CI size: --count 40")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions per command")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the timed commands")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.small:
        args.count = 40
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, posts, profiler = run(Path(tmp) / "bench.db", args.warmup, args.count, args.profile)
    if args.child:
        return 0
    print(f"/meeting new through Core.handle on SQLite: {args.count} commands after {args.warmup} warm-up, "
          f"{posts / max(args.count, 1):.1f} posts each")
    print(f"  {wall / args.count * 1000:.2f} ms/command wall, {cpu / args.count * 1000:.2f} ms/command CPU")
    if args.callgrind:
        per = (instructions(args.count, args.warmup) - instructions(0, args.warmup)) / args.count
        print(f"  {per / 1e6:.1f} M instructions/command (callgrind, {args.count} commands minus none)")
    if profiler is not None:
        print("  profile (cumulative, top 25):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
