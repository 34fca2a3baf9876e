"""Property-based fuzz of the grammar and the service: whatever anyone types, no internal error.

The property is the errors contract (`bot/errors.py`): any input either works or becomes a friendly
`UserError` reply. So the grammar may only return or raise `UserError`, and the core, fed random events
(typed commands, chat lines, button values, reactions on posted messages) from random people in random
channels while the clock moves and the scheduler ticks, must never answer with "error.internal" and never
raise out of a tick, on SQLite and on PostgreSQL.

Inputs are built from the bot's own vocabulary (every word of the help and example texts in both
catalogs), the edges that broke it before (extreme dates, NUL bytes, lone surrogates, over-long words,
huge numbers) and arbitrary Unicode. Runs are deterministic (`derandomize`, no example database). The suite
runs 200 examples of the grammar and 50 of the core per database (a core example plays up to six events on a
real database and ticks through the days between them: at 200 the two took a tenth of the suite's time);
`FUZZ_EXAMPLES` sets both, and `make fuzz` runs 100,000.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from bot.commands import parse_command, parse_message
from bot.core import Core
from bot.errors import UserError
from bot.events import ReactionMeaning
from bot.i18n import CATALOGS, t
from bot.timeparse import looks_like_time
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_engine
from tests.harness import Chat

EXAMPLES = os.environ.get("FUZZ_EXAMPLES")


def fuzz(default: int) -> settings:
    """`default` examples per test (per database for the core), or FUZZ_EXAMPLES when set."""
    return settings(max_examples=int(EXAMPLES or default), derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


VOCABULARY = sorted({
    word
    for catalog in CATALOGS.values()
    for key, template in catalog.items()
    if key.startswith(("example.", "help."))
    for word in re.split(r"[\s·—]+", template)
    if word and "{" not in word
})
EDGES = [
    "9999-12-31", "0001-01-01", "2100-12-31 23:59", "1970-01-01", "in 99999 hours", "99999h", "99999 minutes",
    "in 9999 weeks", "9999天内", "\x00", "\ud800", "\udfff", "\ud83d\ude00", "\u202e", "x" * 400, "@" + "h" * 200,
    '"', "“", "”", "\n", "#", "@", "#action", "#agreed", "#info", "#startmeeting", "#endmeeting", "#undo",
    "#chair", "#topic", "#link", "10" * 15, "-1", "0", "3", "1", "2", "@alice", "@bob", "@carol", "<@U1>",
    "会议", "/meeting", "done", "到", "yes", "no", "maybe", "ok", "好", "\t", "  ", "＃3", "３",
]
EXAMPLE_LINES = sorted({
    line.strip()
    for catalog in CATALOGS.values()
    for key, template in catalog.items()
    if key.startswith("example.") and "{" not in template
    for line in template.split(" · ")
})
TIMES = st.sampled_from([
    "9999-12-31", "0001-01-01", "2100-12-31", "2101-01-01", "1969-12-31", "1970-01-01 00:00", "2100-12-31 23:59",
    "in 99999 hours", "99999 minutes later", "in 9999 weeks", "9999天内", "9999年12月31日", "tomorrow 3pm",
    "friday", "dec 5", "2/29", "12/31/9999", "明天下午3点", "yesterday 3pm", "in 2 hours", "noon", "midnight",
])
TOKEN = st.one_of(TIMES, st.sampled_from(VOCABULARY), st.sampled_from(EDGES), st.text(max_size=8),
                  st.integers(min_value=-10, max_value=10**22).map(str))


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """A correct command from the catalogs' examples with a few words replaced, inserted or dropped:
    mostly well-formed, so the fuzz reaches the use cases, not only the parser's refusals."""
    words = draw(st.sampled_from(EXAMPLE_LINES)).split(" ")
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(words)))
        change = draw(st.sampled_from(["replace", "insert", "drop"]))
        if change == "insert" or at == len(words):
            words.insert(at, draw(TOKEN))
        elif change == "replace":
            words[at] = draw(TOKEN)
        else:
            del words[at]
    return " ".join(words)


@st.composite
def retimed_example(draw: st.DrawFn) -> str:
    """A correct command from the catalogs' examples at another time: the dates that broke the bot."""
    words = draw(st.sampled_from([line for line in EXAMPLE_LINES if any(map(looks_like_time, line.split()))]))
    time = draw(TIMES)
    return " ".join(time if looks_like_time(word) else word for word in words.split(" "))


TEXT = st.one_of(mutated_example(), retimed_example(), st.lists(TOKEN, max_size=14).map(" ".join))
CONTEXTS: tuple[Literal["channel", "reply", "direct"], ...] = ("channel", "reply", "direct")
INTERNAL = [t("en", "error.internal"), t("zh", "error.internal")]


@given(text=TEXT)
@fuzz(200)
def test_the_grammar_parses_or_explains(text: str) -> None:
    with contextlib.suppress(UserError):
        parse_command(text, now=MONDAY_9AM, tz=SHANGHAI)
    for context in CONTEXTS:
        with contextlib.suppress(UserError):
            parse_message(text, now=MONDAY_9AM, tz=SHANGHAI, context=context)


@dataclass(frozen=True)
class Event:
    kind: str
    who: str
    channel: str
    text: str
    on_message: int  # the n-th message the bot posted (reactions, replies, clicks refer to it); 0: none
    reaction: ReactionMeaning | None  # what the platform says the reaction means; None: nothing
    wait_seconds: int


EVENTS = st.lists(st.builds(
    Event,
    kind=st.sampled_from(["command", "command", "message", "message", "button", "reaction"]),
    who=st.sampled_from(["alice", "bob", "carol", "dave"]),
    channel=st.sampled_from(["general", "general", "hr", "dm"]),
    text=TEXT,
    on_message=st.integers(min_value=0, max_value=40),
    reaction=st.sampled_from(["yes", "no", "maybe", "here", None]),
    wait_seconds=st.sampled_from([0, 1, 60, 3600, 86400, 3 * 86400]),
), min_size=1, max_size=6)


@pytest.fixture(params=["sqlite", "postgresql"])
def chat(request: pytest.FixtureRequest) -> Iterator[Chat]:
    """One bot for all of a test's examples: later events meet what earlier ones created."""
    engine: Engine = (request.getfixturevalue("pg_migrated_engine") if request.param == "postgresql"
                      else migrated_engine("sqlite://"))
    yield Chat(Core(make_settings(), engine), MONDAY_9AM)


def play(chat: Chat, event: Event) -> None:
    direct = event.channel == "dm"
    channel = f"dm-{event.who}" if direct else event.channel
    posted = chat.sent[event.on_message - 1].id if 0 < event.on_message <= len(chat.sent) else None
    if event.kind == "reaction":
        outcome = chat.inbound("reaction", event.who, channel=channel, is_direct=direct, reaction=event.reaction,
                               message_id=posted or "m0", removed=event.wait_seconds == 1)
    else:
        outcome = chat.inbound(event.kind, event.who, event.text, channel=channel, is_direct=direct,
                               reply_to=posted)
    for message in outcome.messages:
        assert not any(internal in message.text for internal in INTERNAL), (event, message.text)


@given(events=EVENTS)
@fuzz(50)
def test_the_core_answers_anything_without_an_internal_error(chat: Chat, events: list[Event]) -> None:
    for event in events:
        play(chat, event)
        if event.wait_seconds:
            chat.advance(timedelta(seconds=event.wait_seconds))  # ticks at every due time on the way
