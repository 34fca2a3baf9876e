"""DingTalk's answers to "who is in this chat, who is an admin", taken from the robot messages themselves, and
what they change for people: a group's meeting is for those who have written there, `isAdmin` lets an
organization's admin change the group's settings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CARD, TOPIC_CHATBOT, DingTalkAdapter
from adapters.dingtalk.directory import DingTalkDirectory
from bot.access import Conversation
from tests import fake_dingtalk as fd
from tests.conftest import MONDAY_9AM, make_settings, migrated_core

GROUP = fd.conversation_id("quorum-group")
OTHER_GROUP = fd.conversation_id("other-group")
NOW_MS = int(MONDAY_9AM.timestamp() * 1000)


def message(text: str, staff: str, group: str | None, is_admin: bool = False) -> dict[str, Any]:
    """A robot message as DingTalk sends it, saying (as it does on every message) whether the sender is an admin."""
    data = fd.chatbot_message(text, staff, staff, now_ms=NOW_MS, group=group)
    data["isAdmin"] = is_admin
    return data


def test_the_directory_remembers_what_messages_say() -> None:
    directory = DingTalkDirectory()
    private_chat = message("hi", "li", None)
    directory.observe(private_chat)
    directory.observe(message(" 帮助", "boss", GROUP, is_admin=True))
    assert directory.conversation("corp", private_chat["conversationId"]) == Conversation("direct", frozenset({"li"}))
    assert directory.conversation("corp", GROUP) == Conversation("private", None)  # members unknown
    assert directory.is_admin("corp", "boss") and not directory.is_admin("corp", "li")
    directory.observe(message(" 帮助", "boss", GROUP, is_admin=False))
    assert not directory.is_admin("corp", "boss")  # the newest message decides


@pytest.fixture
def fake() -> Iterator[fd.FakeDingTalk]:
    with fd.FakeDingTalk() as fake:
        yield fake


@pytest.fixture
def adapter(fake: fd.FakeDingTalk, sqlite_file_url: str) -> DingTalkAdapter:
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    core = migrated_core(make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh"))
    return DingTalkAdapter(core, api, clock=lambda: MONDAY_9AM)


def said(fake: fd.FakeDingTalk, adapter: DingTalkAdapter, text: str, staff: str, group: str = GROUP,
         is_admin: bool = False) -> str:
    """`staff` @robot `text` in `group`; returns what the robot answered (a reply or a card)."""
    replies, cards = len(fake.replies()), {card.out_track_id for card in fake.cards()}
    adapter.handle(TOPIC_CHATBOT, f"frame-{staff}-{text}", message(text, staff, group, is_admin))
    answers = [str(reply.body) for reply in fake.replies()[replies:]]
    return "\n".join(answers + [str(card.params) for card in fake.cards() if card.out_track_id not in cards])


def test_a_groups_meeting_is_for_those_who_have_written_there(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    said(fake, adapter, ' 新建 "预算会" 明天下午3点', "zhang")
    assert "没有你可以查看的 #1 号会议" in said(fake, adapter, " 查看 1", "zhao", OTHER_GROUP)
    said(fake, adapter, " 帮助", "zhao")  # zhao writes in the group once
    assert "预算会" in said(fake, adapter, " 查看 1", "zhao", OTHER_GROUP)


def test_clicking_a_card_in_the_group_counts_as_being_there(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    said(fake, adapter, ' 新建 "预算会" 明天下午3点', "zhang")
    card = fake.cards()[0]
    yes = next(b["id"] for b in card.buttons() if b["params"]["command"].startswith("rsvp 1 yes"))
    assert "没有你可以查看的 #1 号会议" in said(fake, adapter, " 查看 1", "li", OTHER_GROUP)
    button = next(b for b in card.buttons() if b["id"] == yes)
    space_type, _, space_id = card.space.removeprefix("dtv1.card//").partition(".")
    content = {"cardPrivateData": {"actionIds": [yes], "params": button["params"]}}
    adapter.handle(TOPIC_CARD, "click-li", {  # the callback DingTalk delivers over Stream (as the fake's click)
        "corpId": fd.CORP_ID, "spaceType": space_type, "type": "actionCallback", "userId": "li",
        "content": json.dumps(content, ensure_ascii=False), "spaceId": space_id, "outTrackId": card.out_track_id})
    assert "预算会" in said(fake, adapter, " 查看 1", "li", OTHER_GROUP)


def test_isadmin_on_the_message_lets_an_admin_change_the_groups_settings(fake: fd.FakeDingTalk,
                                                                         adapter: DingTalkAdapter) -> None:
    assert "只有工作区管理员可以修改本频道的设置" in said(fake, adapter, " 设置 汇总 关闭", "li")
    assert "digest: off" in said(fake, adapter, " 设置 汇总 关闭", "boss", is_admin=True)
