"""Slack payload shapes → `Inbound`: every kind of event the adapter listens to, and the ones it ignores."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.translate import (
    button_click,
    message_event,
    message_key,
    neutral_text,
    person_from_user_info,
    reaction_event,
    slash_command,
    split_key,
)
from bot.events import Person

NAMES = {"U1": "alice", "U2": "bob", "U3": "Alice Smith", "U4": "bob", "U5": "here", "U6": "bob.", "U7": "所有人",
         "U8": "张三"}


def people(user_id: str) -> Person:
    return Person(user_id, NAMES.get(user_id, user_id), "Europe/Berlin", "en")


def callback(event: dict[str, Any], event_id: str = "Ev1") -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T1", "event_id": event_id, "event": event}


def test_slash_command_resolves_mentions_and_knows_direct_chats() -> None:
    inbound = slash_command(
        {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": 'new "Sync" tomorrow 3pm with <@U2|bob> <@U2>'},
        people,
    )
    assert (inbound.kind, inbound.workspace, inbound.channel, inbound.user.display_name) == ("command", "T1", "C1",
                                                                                              "alice")
    assert [p.platform_id for p in inbound.mentions] == ["U2"]
    assert inbound.text == 'new "Sync" tomorrow 3pm with @bob @bob'
    assert not inbound.is_direct
    assert slash_command({"team_id": "T1", "channel_id": "D9", "user_id": "U1", "text": "mine"}, people).is_direct


def test_a_thread_reply_names_its_parent_and_itself_by_channel_and_ts() -> None:
    event = {"type": "message", "user": "U1", "channel": "D5", "channel_type": "im", "text": "done",
             "ts": "1700000100.000200", "thread_ts": "1700000000.000100"}
    inbound = message_event(callback(event), people)
    assert inbound is not None
    assert inbound.reply_to == "D5/1700000000.000100"
    assert inbound.message_id == "D5/1700000100.000200"
    assert inbound.is_direct and inbound.event_id == "Ev1"


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "1.0",
                      "message": {"user": "U1"}}, id="edit"),
        pytest.param({"type": "message", "bot_id": "B1", "user": "UBOT", "channel": "C1", "ts": "1.0"}, id="bot"),
        pytest.param({"type": "message", "subtype": "channel_join", "user": "U1", "channel": "C1", "ts": "1.0"},
                     id="join"),
    ],
)
def test_edits_bot_posts_and_joins_are_not_messages(event: dict[str, Any]) -> None:
    assert message_event(callback(event), people) is None


def test_the_thread_parent_itself_is_not_a_reply() -> None:
    event = {"type": "message", "user": "U1", "channel": "C1", "text": "hi", "ts": "5.0", "thread_ts": "5.0"}
    inbound = message_event(callback(event), people)
    assert inbound is not None and inbound.reply_to is None


@pytest.mark.parametrize(
    ("kind", "reaction", "meaning", "removed"),
    [
        pytest.param("reaction_added", "white_check_mark", "yes", False, id="yes"),
        pytest.param("reaction_removed", "+1::skin-tone-4", "yes", True, id="removed-skin-tone"),
        pytest.param("reaction_added", "x", "no", False, id="no"),
        pytest.param("reaction_added", "thinking_face", "maybe", False, id="maybe"),
        pytest.param("reaction_added", "raising_hand::skin-tone-2", "here", False, id="here"),
        pytest.param("reaction_added", "tada", None, False, id="means-nothing"),
    ],
)
def test_reactions_arrive_as_what_they_mean(kind: str, reaction: str, meaning: str | None, removed: bool) -> None:
    event = {"type": kind, "user": "U2", "reaction": reaction,
             "item": {"type": "message", "channel": "C1", "ts": "1700000000.000100"}}
    inbound = reaction_event(callback(event), people)
    assert inbound is not None
    assert (inbound.kind, inbound.reaction, inbound.removed, inbound.message_id) == (
        "reaction", meaning, removed, "C1/1700000000.000100")


def test_a_reaction_to_a_file_is_ignored() -> None:
    event = {"type": "reaction_added", "user": "U2", "reaction": "x", "item": {"type": "file", "file": "F1"}}
    assert reaction_event(callback(event), people) is None


def test_button_click_in_a_message_and_in_app_home() -> None:
    body = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
            "container": {"type": "message", "channel_id": "C1", "message_ts": "9.1"}, "channel": {"id": "C1"}}
    inbound = button_click(body, {"value": "rsvp 3 yes"}, people, home_channel="")
    assert (inbound.kind, inbound.text, inbound.channel, inbound.reply_to) == ("button", "rsvp 3 yes", "C1", "C1/9.1")
    home = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "container": {"type": "view"}}
    inbound = button_click(home, {"value": "done 4"}, people, home_channel="D7")
    assert (inbound.channel, inbound.is_direct, inbound.reply_to, inbound.workspace) == ("D7", True, None, "T1")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param({"id": "U1", "name": "li", "tz": "Asia/Shanghai", "locale": "zh-CN",
                      "profile": {"display_name": "李雷", "real_name": "Li Lei"}},
                     Person("U1", "李雷", "Asia/Shanghai", "zh"), id="display-name-zh"),
        pytest.param({"id": "U2", "name": "anna", "tz": "Europe/Berlin", "locale": "de-DE",
                      "profile": {"display_name": "", "real_name": "Anna Berg"}},
                     Person("U2", "Anna Berg", "Europe/Berlin", "en"), id="real-name-fallback"),
        pytest.param({"id": "U3", "name": "sam", "profile": {}}, Person("U3", "sam", None, None), id="bare"),
    ],
)
def test_people_from_users_info(user: dict[str, Any], expected: Person) -> None:
    assert person_from_user_info(user) == expected


def test_message_keys_round_trip() -> None:
    assert split_key(message_key("C1", "1700000000.000100")) == ("C1", "1700000000.000100")


@pytest.mark.parametrize(
    ("slack", "neutral", "mentioned"),
    [
        pytest.param("#action <@U2> write the doc", "#action @bob write the doc", ["U2"], id="person"),
        pytest.param("ask <@U2|old-name>, <@U1>", "ask @bob, @alice", ["U2", "U1"], id="labelled-and-listed"),
        pytest.param("<@U3> and <@U3>", "@U3 and @U3", ["U3"], id="name-with-a-space-by-id"),
        pytest.param("<@U2> <@U4>", "@bob @U4", ["U2", "U4"], id="two-people-one-name"),
        pytest.param("<@U5> <@U6> <@U7>", "@U5 @U6 @U7", ["U5", "U6", "U7"], id="names-the-grammar-would-misread"),
        pytest.param("请<@U8>、<@U2>看", "请 @张三、@bob 看", ["U8", "U2"], id="chinese-name-glued"),
        pytest.param("(<@U2>), <@U2>.", "( @bob), @bob.", ["U2"], id="punctuation-around"),
        pytest.param("report <#C0GENERAL1|general> last month", "report #C0GENERAL1 last month", [],
                     id="channel-by-id"),
        pytest.param("see <https://x.io/a?b=1&amp;c=2|the doc> now", "see https://x.io/a?b=1&c=2 now", [],
                     id="link-is-its-url"),
        pytest.param("mail <mailto:a@b.io|a@b.io>", "mail a@b.io", [], id="mailto"),
        pytest.param("<!here> <!channel|channel> <!everyone>", "@here @channel @everyone", [], id="broadcasts"),
        pytest.param("ping <!subteam^S1|@eng>", "ping @eng", [], id="user-group"),
        pytest.param("at <!date^1700000000^{date}|Nov 14>", "at Nov 14", [], id="date"),
        pytest.param("1 &lt; 2 &amp;&amp; &lt;@U2&gt;", "1 < 2 && <@U2>", [], id="typed-markup-is-text"),
    ],
)
def test_the_core_gets_plain_words(slack: str, neutral: str, mentioned: list[str]) -> None:
    text, mentions = neutral_text(slack, people)
    assert text == neutral
    assert [person.platform_id for person in mentions] == mentioned
