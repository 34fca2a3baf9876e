"""Hostile input through the real core, on SQLite and on PostgreSQL: both must refuse and accept the same.

Each case used to crash (an internal error, or PostgreSQL refusing what SQLite stored): extreme dates,
NUL bytes and lone surrogates, over-long titles, locations and handles, one message recording hundreds of
things, one person sending commands without pause.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.command_types import AgendaSpec, NewMeeting
from bot.core import Core
from bot.events import Inbound, Person
from bot.limits import MAX_COMMANDS_PER_MESSAGE, RateLimiter, clean_text
from store.models import ActionItem, Meeting, User
from tests.conftest import MONDAY_9AM, make_settings, migrated_engine
from tests.harness import Chat, Sent


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, sqlite_file_url: str) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_migrated_engine")
        return
    sqlite = migrated_engine(sqlite_file_url)
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def chat(engine: Engine) -> Chat:
    url = engine.url.render_as_string(hide_password=False)
    return Chat(Core(make_settings(url, QUORUM_ADMINS="alice"), engine), MONDAY_9AM)  # alice may change settings


def only(sent: list[Sent]) -> str:
    assert len(sent) == 1, [s.body for s in sent]
    return sent[0].body


def titles(chat: Chat) -> list[str]:
    with Session(chat.core.engine) as session:
        return [m.title for m in sorted(session.exec(select(Meeting)), key=lambda m: m.number)]


def item_count(chat: Chat) -> int:
    with Session(chat.core.engine) as session:
        return len(session.exec(select(ActionItem)).all())


@pytest.mark.parametrize("text", [
    pytest.param("action @bob write it by 9999-12-31", id="due-9999"),
    pytest.param("action @bob write it by 0001-01-01", id="due-0001"),
    pytest.param("find 9999-12-31", id="find-9999"),
    pytest.param("find 0001-01-01", id="find-0001"),
    pytest.param('new "x" 9999-12-31 23:59', id="new-9999"),
    pytest.param('new "x" 0001-01-01 00:30', id="new-0001"),
    pytest.param("reschedule 1 9999-12-31 10:00", id="reschedule-9999"),
    pytest.param("report 0000-11", id="report-year-0"),
    pytest.param("report 9999-12", id="report-9999"),
])
def test_extreme_dates_get_a_clear_reply(chat: Chat, text: str) -> None:
    chat.command("alice", 'new "Plan" tomorrow 3pm')
    reply = only(chat.command("alice", text))
    assert "from 1970 to 2100" in reply and "2026-12-31" in reply  # the range, and an example inside it
    assert titles(chat) == ["Plan"] and item_count(chat) == 0


def test_extreme_dates_are_explained_in_chinese(chat: Chat) -> None:
    reply = only(chat.command("alice", "查找 9999-12-31"))
    assert "1970 年到 2100 年" in reply and "例如" in reply


def test_dates_at_the_edges_of_the_range_work(chat: Chat) -> None:
    chat.command("alice", "action @bob write it by 2100-12-31")
    assert item_count(chat) == 1


def test_nul_bytes_and_lone_surrogates_are_cleaned_before_they_reach_the_database(chat: Chat) -> None:
    chat.command("alice", 'new "Bud\x00get \ud800review" tomorrow 3pm')
    assert titles(chat) == ["Budget \ufffdreview"]


def test_a_submitted_form_is_cleaned_like_typed_text(chat: Chat) -> None:
    form = NewMeeting(title="Form\x00 \udc00title", start=chat.now + timedelta(days=1),
                      agenda=(AgendaSpec("Sco\x00pe", 10),))
    event = Inbound("command", chat.platform, chat.workspace, chat.channel, Person("alice", "alice"), command=form)
    chat.core.handle(event, chat.now, chat.send)
    assert titles(chat) == ["Form \ufffdtitle"]


def test_a_surrogate_in_a_display_name_does_not_break_that_person(chat: Chat) -> None:
    odd = Person("U9", "Eve\udc80")
    for title, hour in (("One", "3pm"), ("Two", "4pm")):  # not at one time: the second would wait for a yes
        chat.core.handle(chat_event(chat, odd, f'new "{title}" tomorrow {hour}'), chat.now, chat.send)
    assert titles(chat) == ["One", "Two"]
    with Session(chat.core.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == "U9")).one()
    assert user.display_name == "Eve\ufffd"


def test_a_mentioned_person_with_a_surrogate_in_the_name_is_stored_cleaned(chat: Chat) -> None:
    bob = Person("U2", "bo\ud83db")
    chat.inbound("command", "alice", 'new "Sync" tomorrow 3pm with @U2', mentions=(bob,))
    with Session(chat.core.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == "U2")).one()
    assert user.display_name == "bo\ufffdb"


def chat_event(chat: Chat, person: Person, text: str) -> Inbound:
    return Inbound("command", chat.platform, chat.workspace, chat.channel, person, text)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('new "{}" tomorrow 3pm'.format("t" * 301), "at most 300", id="title"),
    pytest.param('new "Plan" tomorrow 3pm in {}'.format("r" * 501), "at most 500", id="location"),
    pytest.param("action @{} write it".format("h" * 129), "at most 128", id="handle"),
    pytest.param("#startmeeting {}".format("t" * 301), "at most 300", id="meetbot-title"),
])
def test_over_long_text_is_refused_alike_on_both_databases(chat: Chat, text: str, expected: str) -> None:
    send = chat.say if text.startswith("#") else chat.command
    reply = only(send("alice", text))
    assert expected in reply and "For example" in reply
    assert titles(chat) == [] and item_count(chat) == 0


def test_an_over_long_digest_schedule_is_refused_alike_on_both_databases(chat: Chat) -> None:
    every_minute = ",".join(str(minute) for minute in range(60)) + " * * * *"  # valid crontab, 174 characters
    reply = only(chat.command("alice", f'config digest "{every_minute}"'))
    assert "is not a valid value for digest" in reply and "For example" in reply


def test_a_timezone_name_longer_than_a_file_name_is_refused(chat: Chat) -> None:
    reply = only(chat.command("alice", "config timezone Asia/" + "x" * 300))
    assert "is not a valid value for timezone" in reply and "For example" in reply


def test_text_at_the_limits_is_stored(chat: Chat) -> None:
    chat.command("alice", 'new "{}" tomorrow 3pm in {} with @{}'.format("t" * 300, "r" * 500, "h" * 128))
    assert titles(chat) == ["t" * 300]


def test_one_message_records_at_most_the_limit_and_all_or_nothing(chat: Chat) -> None:
    chat.say("alice", "#startmeeting Standup")
    lines = "\n".join(f"#action @bob task {n}" for n in range(MAX_COMMANDS_PER_MESSAGE + 1))
    reply = only(chat.say("alice", lines))
    assert f"holds {MAX_COMMANDS_PER_MESSAGE + 1} commands" in reply and "Nothing was recorded" in reply
    assert item_count(chat) == 0
    chat.say("alice", "\n".join(f"#action @bob task {n}" for n in range(MAX_COMMANDS_PER_MESSAGE)))
    assert item_count(chat) == MAX_COMMANDS_PER_MESSAGE


def test_a_person_who_floods_is_told_once_to_slow_down_then_refused_quietly(chat: Chat) -> None:
    limiter = chat.core.limiter
    answered = [bool(chat.command("mallory", "list")) for _ in range(limiter.burst)]
    assert all(answered)
    assert "faster than I can take them" in only(chat.command("mallory", "list"))
    assert chat.command("mallory", "list") == []  # told once; silence after that
    assert chat.command("alice", "list")  # others are not affected
    chat.now += timedelta(seconds=10)  # the bucket refills at its rate
    assert chat.command("mallory", "list")


def test_the_limiter_refills_to_its_burst_and_no_further() -> None:
    limiter = RateLimiter(burst=2, per_minute=60)
    event = Inbound("command", "console", "local", "general", Person("U1", "u"), "list")
    assert [limiter.take(event, MONDAY_9AM).value for _ in range(4)] == ["allowed", "allowed", "warn", "silent"]
    later = MONDAY_9AM + timedelta(hours=1)
    assert [limiter.take(event, later).value for _ in range(3)] == ["allowed", "allowed", "warn"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("plain", "plain"),
    ("a\x00b", "ab"),
    ("\ud83d\ude00", "😀"),  # a valid pair, split in two code points, is joined
    ("x\udfffy", "x\ufffdy"),
    ("中\x00文\ud800", "中文\ufffd"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
