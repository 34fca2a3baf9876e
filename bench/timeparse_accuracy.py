"""Accuracy and speed of bot.timeparse against plain dateparser, on the labelled table the tests use.

Run from the repository root: `python -m bench.timeparse_accuracy` (or `make bench`). Deterministic: every
case carries its own fixed "now"; all are said in Asia/Shanghai (the tests cover Europe/Berlin too).

Plain dateparser gets the kindest settings we found: the languages restricted to en and zh, the speaker's
wall clock as a naive RELATIVE_BASE, PREFER_DATES_FROM=future, and RETURN_TIME_AS_PERIOD so that a start
time counts only when a time of day was parsed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.timeparse import parse_due, parse_when
from tests.timeparse_cases import DUE_CASES, WHEN_CASES, DueCase, WhenCase

TZ = ZoneInfo("Asia/Shanghai")
TIMING_ROUNDS = 10

Case = WhenCase | DueCase
Answer = datetime | date | None


def _plain(case: Case) -> Answer:
    parser = DateDataParser(
        languages=["en", "zh"],
        settings={
            "RELATIVE_BASE": case.said_at,
            "PREFER_DATES_FROM": "future",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(case.text)
    if data.date_obj is None:
        return None
    if isinstance(case, DueCase):
        return data.date_obj.date()
    return data.date_obj if data.period == "time" else None


def _quorum(case: Case) -> Answer:
    now = case.said_at.replace(tzinfo=TZ)
    if isinstance(case, DueCase):
        return parse_due(case.text, now=now, tz=TZ)
    found = parse_when(case.text, now=now, tz=TZ)
    return None if found is None else found.replace(tzinfo=None)


def _report(name: str, parse: Callable[[Case], Answer], cases: Sequence[Case]) -> list[str]:
    """Print one accuracy line and one timing line; return the misses."""
    right = {"en": 0, "zh": 0}
    total = {"en": 0, "zh": 0}
    misses = []
    for case in cases:  # also the warm-up for the timing below
        answer = parse(case)
        total[case.lang] += 1
        if answer == case.expected:
            right[case.lang] += 1
        else:
            misses.append(f"  {case.text!r}: expected {case.expected}, got {answer}")
    start = time.perf_counter()
    for _ in range(TIMING_ROUNDS):
        for case in cases:
            parse(case)
    mean_ms = (time.perf_counter() - start) / (TIMING_ROUNDS * len(cases)) * 1000
    print(f"{name}: en {right['en']}/{total['en']}, zh {right['zh']}/{total['zh']}")
    print(f"{name}: mean {mean_ms:.2f} ms per expression")
    return misses


def main() -> None:
    cases: list[Case] = [*WHEN_CASES, *DUE_CASES]
    counts = f"{len(WHEN_CASES)} start times, {len(DUE_CASES)} due dates"
    print(f"{len(cases)} expressions ({counts}), said in {TZ.key}")
    _report("plain dateparser", _plain, cases)
    misses = _report("quorum timeparse", _quorum, cases)
    if misses:
        print("quorum timeparse misses:", *misses, sep="\n")


if __name__ == "__main__":
    main()
