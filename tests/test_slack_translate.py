"""Slack payload shapes → `Inbound`: every kind of event the adapter listens to, and the ones it ignores."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.translate import (
    button_click,
    message_event,
    message_key,
    person_from_user_info,
    reaction_event,
    slash_command,
    split_key,
)
from bot.events import Person


def people(user_id: str) -> Person:
    return Person(user_id, {"U1": "alice", "U2": "bob"}.get(user_id, user_id), "Europe/Berlin", "en")


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
    ("kind", "reaction", "emoji", "removed"),
    [
        pytest.param("reaction_added", "white_check_mark", "white_check_mark", False, id="added"),
        pytest.param("reaction_removed", "+1::skin-tone-4", "+1", True, id="removed-skin-tone"),
    ],
)
def test_reactions(kind: str, reaction: str, emoji: str, removed: bool) -> None:
    event = {"type": kind, "user": "U2", "reaction": reaction,
             "item": {"type": "message", "channel": "C1", "ts": "1700000000.000100"}}
    inbound = reaction_event(callback(event), people)
    assert inbound is not None
    assert (inbound.kind, inbound.emoji, inbound.removed, inbound.message_id) == (
        "reaction", emoji, removed, "C1/1700000000.000100")


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
