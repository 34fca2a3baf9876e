"""Accuracy and speed of bot.timeparse against plain dateparser, on two labelled sets.

Run from the repository root: `python -m bench.timeparse_accuracy` (or `make bench`). Deterministic: every
phrase carries its own fixed "now", and the wall clock is pinned to it with time_machine wherever a parser
might read it; all are said in Asia/Shanghai (the tests cover Europe/Berlin too).

1. The table the tests use for the single-answer functions (`parse_when`, `parse_due`;
   tests/timeparse_cases.py): right or not, per language.
2. The corpus of phrases as people say them (tests/timeparse_corpus.py: starts, ranges, due dates, in English
   and Chinese, said at hostile moments), read by Quorum's readers (`read_when`, `read_span`, `read_due`).
   Each answer is right, wrong, or refused-or-asked; a "silent misread" is a wrong answer given without
   asking, the failure that matters, and must stay at 0 for Quorum.

Plain dateparser gets the kindest settings we found: the languages restricted to en and zh, the speaker's
wall clock as a naive RELATIVE_BASE, PREFER_DATES_FROM=future, and RETURN_TIME_AS_PERIOD so that a start
time counts only when a time of day was parsed. It has no ranges and never asks: on a range it is scored
on its start alone (generously: it cannot give the length), and where the corpus expects a question any
answer it gives is a silent misread.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from dateparser.date import DateDataParser

from bot.timeparse import parse_due, parse_when
from tests.timeparse_cases import DUE_CASES, WHEN_CASES, DueCase, WhenCase
from tests.timeparse_corpus import CORPUS, Answer, Phrase, Verdict, judge, read

TZ = ZoneInfo("Asia/Shanghai")
TIMING_ROUNDS = 10

Case = WhenCase | DueCase
Result = datetime | date | None


def _plain_date_data(text: str, said_at: datetime) -> tuple[datetime | None, bool]:
    """dateparser's value and whether a time of day was parsed, with the clock pinned to `said_at`."""
    parser = DateDataParser(
        languages=["en", "zh"],
        settings={"RELATIVE_BASE": said_at, "PREFER_DATES_FROM": "future", "RETURN_TIME_AS_PERIOD": True},
    )
    with time_machine.travel(said_at.replace(tzinfo=TZ), tick=False):
        data = parser.get_date_data(text)
    return data.date_obj, data.period == "time"


def _plain(case: Case) -> Result:
    value, has_time = _plain_date_data(case.text, case.said_at)
    if value is None:
        return None
    if isinstance(case, DueCase):
        return value.date()
    return value if has_time else None


def _quorum(case: Case) -> Result:
    now = case.said_at.replace(tzinfo=TZ)
    if isinstance(case, DueCase):
        return parse_due(case.text, now=now, tz=TZ)
    found = parse_when(case.text, now=now, tz=TZ)
    return None if found is None else found.replace(tzinfo=None)


def _mean_ms(parse: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(TIMING_ROUNDS):
        parse()
    return (time.perf_counter() - start) / (TIMING_ROUNDS * count) * 1000


def _report_table(name: str, parse: Callable[[Case], Result], cases: Sequence[Case]) -> list[str]:
    """Print one accuracy line and one timing line for the table; return the misses."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for case in cases:  # also the warm-up for the timing below
        answer = parse(case)
        total[case.lang] += 1
        if answer == case.expected:
            right[case.lang] += 1
        else:
            misses.append(f"  {case.text!r}: expected {case.expected}, got {answer}")
    mean_ms = _mean_ms(lambda: [parse(case) for case in cases], len(cases))
    print(f"  {name}: en {right['en']}/{total['en']}, zh {right['zh']}/{total['zh']}; mean {mean_ms:.2f} ms")
    return misses


def _plain_answer(phrase: Phrase) -> Answer:
    value, has_time = _plain_date_data(phrase.text, phrase.said_at)
    if value is None:
        return Answer(None, (), asks=False)
    if phrase.kind == "due":
        return Answer(value.date(), phrase.assumed, asks=False)
    if not has_time:
        return Answer(None, (), asks=False)
    if phrase.kind == "span":  # scored on the start alone: dateparser has no length to give
        minutes = phrase.expected[1] if isinstance(phrase.expected, tuple) else 0
        return Answer((value, minutes), (), asks=False)
    return Answer(value, phrase.assumed, asks=False)  # a default hour, if right, counts as said


def _quorum_answer(phrase: Phrase) -> Answer:
    with time_machine.travel(phrase.said_at.replace(tzinfo=TZ), tick=False):
        return read(phrase, TZ)


def _report_corpus(name: str, answer: Callable[[Phrase], Answer]) -> list[str]:
    """Print right / wrong / refused-or-asked per language and the silent misreads; return the misses."""
    verdicts: dict[str, Counter[Verdict]] = {"en": Counter(), "zh": Counter()}
    misses = []
    for phrase in CORPUS:
        given = answer(phrase)
        verdict = judge(phrase, given)
        verdicts[phrase.lang][verdict] += 1
        if verdict != "right":
            misses.append(f"  {verdict}: {phrase.text!r} ({phrase.id}): expected {phrase.expected}, got {given}")
    for lang, counts in verdicts.items():
        total = sum(counts.values())
        print(
            f"  {name} {lang}: right {counts['right']}/{total}, wrong {counts['wrong']},"
            f" refused or asked {counts['refused or asked']}"
        )
    silent = sum(counts["wrong"] for counts in verdicts.values())
    mean_ms = _mean_ms(lambda: [read(phrase, TZ) for phrase in CORPUS], len(CORPUS))
    print(f"  {name}: silent misreads {silent}" + (f"; mean {mean_ms:.2f} ms" if name == "quorum" else ""))
    return misses


def main() -> None:
    cases: list[Case] = [*WHEN_CASES, *DUE_CASES]
    print(f"Table: {len(cases)} expressions ({len(WHEN_CASES)} start times, {len(DUE_CASES)} due dates), {TZ.key}")
    _report_table("plain dateparser", _plain, cases)
    table_misses = _report_table("quorum parse_when/parse_due", _quorum, cases)
    kinds = Counter(phrase.kind for phrase in CORPUS)
    langs = Counter(phrase.lang for phrase in CORPUS)
    print(
        f"Corpus: {len(CORPUS)} phrases ({kinds['start']} starts, {kinds['span']} ranges, {kinds['due']} due"
        f" dates; en {langs['en']}, zh {langs['zh']}), {TZ.key}"
    )
    _report_corpus("plain dateparser", _plain_answer)
    corpus_misses = _report_corpus("quorum", _quorum_answer)
    if table_misses or corpus_misses:
        print("quorum misses:", *table_misses, *corpus_misses, sep="\n")


if __name__ == "__main__":
    main()
