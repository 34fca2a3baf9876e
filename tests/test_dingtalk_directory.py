"""DingTalk's answers to "who is in this chat, who is an admin", taken from the robot messages themselves, and
what they change for people: a group's meeting is for those who have written there, `isAdmin` lets an
organization's admin change the group's settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CHATBOT, DingTalkAdapter
from adapters.dingtalk.directory import DingTalkDirectory
from bot.access import Conversation
from bot.core import Core
from tests import fake_dingtalk as fd
from tests.conftest import make_settings

GROUP = fd.conversation_id("quorum-group")
OTHER_GROUP = fd.conversation_id("other-group")


def test_the_directory_remembers_what_messages_say() -> None:
    directory = DingTalkDirectory()
    directory.observe(fd.chatbot_message("hi", "li", "李四", "1", "cid-li"))
    directory.observe(fd.chatbot_message(" 帮助", "boss", "老板", "2", GROUP, is_admin=True))
    assert directory.conversation("corp", "cid-li") == Conversation("direct", frozenset({"li"}))
    assert directory.conversation("corp", GROUP) == Conversation("private", None)  # members unknown
    assert directory.is_admin("corp", "boss") and not directory.is_admin("corp", "li")
    directory.observe(fd.chatbot_message(" 帮助", "boss", "老板", "2", GROUP, is_admin=False))
    assert not directory.is_admin("corp", "boss")  # the newest message decides


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[fd.FakeDingTalk]:
    with fd.FakeDingTalk() as fake:
        fd.patch_sdk_endpoint(monkeypatch, fake.endpoint)
        yield fake


@pytest.fixture
def adapter(fake: fd.FakeDingTalk, sqlite_file_url: str) -> DingTalkAdapter:
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    return DingTalkAdapter(Core(make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh")), api)


def said(fake: fd.FakeDingTalk, adapter: DingTalkAdapter, text: str, staff: str, group: str = GROUP,
         is_admin: bool = False) -> str:
    """`staff` @robot `text` in `group`; returns what the robot answered (a reply or a card)."""
    replies, cards = len(fake.replies()), set(fake.cards())
    adapter.handle(TOPIC_CHATBOT, f"frame-{staff}-{text}",
                   fd.chatbot_message(text, staff, staff, "2", group, is_admin=is_admin))
    answers = [str(reply.body) for reply in fake.replies()[replies:]]
    return "\n".join(answers + [str(card.data) for key, card in fake.cards().items() if key not in cards])


def test_a_groups_meeting_is_for_those_who_have_written_there(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    said(fake, adapter, ' 新建 "预算会" 明天下午3点', "zhang")
    assert "没有你可以查看的 #1 号会议" in said(fake, adapter, " 查看 1", "zhao", OTHER_GROUP)
    said(fake, adapter, " 帮助", "zhao")  # zhao writes in the group once
    assert "预算会" in said(fake, adapter, " 查看 1", "zhao", OTHER_GROUP)


def test_isadmin_on_the_message_lets_an_admin_change_the_groups_settings(fake: fd.FakeDingTalk,
                                                                         adapter: DingTalkAdapter) -> None:
    assert "只有工作区管理员可以修改本频道的设置" in said(fake, adapter, " 设置 汇总 关闭", "li")
    assert "digest: off" in said(fake, adapter, " 设置 汇总 关闭", "boss", is_admin=True)
