"""Slack's answers to "who is in this channel, who is an admin", against the local fake Slack, and what they
change for people: a private channel's meeting is hidden from the rest of the workspace, channel settings are
for Slack's admins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.directory import MEMBERS_PAGE, SlackDirectory
from bot.access import PUBLIC, Conversation
from tests import fake_slack as fs
from tests.conftest import make_settings, migrated_core
from tests.local_server import wait_until
from tests.test_slack_adapter import BOT_TOKEN, SocketModeDriver


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[fs.FakeSlack]:
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", display_name="alice", locale="en-US")
        fake.add_user("U2", "bob", display_name="bob", locale="en-US")
        fake.add_user("U3", "carol", display_name="carol", locale="en-US")
        fake.add_user("U9", "olga", display_name="olga", locale="en-US", is_admin=True)
        fake.add_channel("CHR", "hr", is_private=True, members=["U1", "U3"])
        yield fake


def directory(fake: fs.FakeSlack, clock: Clock) -> SlackDirectory:
    return SlackDirectory(WebClient(token=BOT_TOKEN, base_url=fake.api_url), ttl_seconds=60, clock=clock)


def test_conversations_are_described_as_slack_says(fake: fs.FakeSlack) -> None:
    members = [f"U{n:04d}" for n in range(MEMBERS_PAGE * 2 + 5)]  # three pages of conversations.members
    fake.add_channel("CBIG", "board", is_private=True, members=members)
    slack = directory(fake, Clock())
    assert slack.conversation("T1", "C1") == PUBLIC
    assert slack.conversation("T1", "CHR") == Conversation("private", frozenset({"U1", "U3"}))
    assert slack.conversation("T1", "CBIG") == Conversation("private", frozenset(members))
    assert len(fake.calls("conversations.members")) == 4  # one for #hr, three pages for #board
    assert slack.conversation("T1", "DU2") == Conversation("direct", frozenset({"U2"}))
    assert slack.conversation("T1", "G404") == Conversation("private", None)  # Slack would not describe it


def test_admins_are_slacks_admins_and_answers_are_cached_briefly(fake: fs.FakeSlack) -> None:
    clock = Clock()
    slack = directory(fake, clock)
    assert slack.is_admin("T1", "U9") and not slack.is_admin("T1", "U2")
    assert not slack.is_admin("T1", "U404")  # users.info refuses: nobody's admin by default
    slack.conversation("T1", "CHR")
    slack.conversation("T1", "CHR")
    slack.is_admin("T1", "U9")
    assert len(fake.calls("conversations.info")) == 1 and len(fake.calls("users.info")) == 3
    fake.add_channel("CHR", "hr", is_private=True, members=["U1"])  # carol left #hr
    clock.now += 61
    assert slack.conversation("T1", "CHR") == Conversation("private", frozenset({"U1"}))
    assert len(fake.calls("conversations.info")) == 2


def ephemeral_texts(fake: fs.FakeSlack, user: str) -> list[str]:
    calls = fake.calls("chat.postEphemeral")
    return [str(call.args.get("text", "")) for call in calls if call.args.get("user") == user]


def test_a_private_channels_meeting_and_channel_settings_over_slack(fake: fs.FakeSlack, sqlite_file_url: str) -> None:
    adapter = SlackAdapter(migrated_core(make_settings(sqlite_file_url)), BOT_TOKEN, None, fake.api_url)
    driver = SocketModeDriver(fake, adapter)
    try:
        driver.command("U1", "CHR", 'new "Hiring plan" tomorrow 3pm goal: two offers')
        wait_until(lambda: fake.messages("CHR"))
        driver.command("U2", "C1", "show 1")
        driver.command("U3", "C1", "show 1")
        driver.command("U2", "C1", "config digest off")
        driver.command("U9", "C1", "config digest off")

        wait_until(lambda: len(ephemeral_texts(fake, "U2")) == 2 and ephemeral_texts(fake, "U3")
                   and ephemeral_texts(fake, "U9"))
    finally:
        driver.close()
    seen = {user: ephemeral_texts(fake, user) for user in ("U2", "U3", "U9")}
    assert "There is no meeting #1 that you can see." in seen["U2"][0]
    assert "Only workspace admins can change this channel's settings." in seen["U2"][1]
    assert "Hiring plan" in seen["U3"][0]
    assert "digest: off" in seen["U9"][0]
