"""DingTalk's answers to "who is in this chat, who is an admin", taken from the robot messages themselves, and
what they change for people: a group's meeting is for those who have written there, `isAdmin` lets an
organization's admin change the group's settings. And "who is this person's manager", from the organisation's
directory (`topapi/v2/user/get`, cached): a plan goes to the requester's manager when no approver is
configured, and a refused Contact permission means "unknown", never a crash."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import TOPIC_CARD, TOPIC_CHATBOT, DingTalkAdapter
from adapters.dingtalk.directory import DingTalkDirectory
from bot.access import Conversation
from tests import fake_dingtalk as fd
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.test_plans import PLAN_ZH

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
    """`staff` @robot `text` in `group`; returns what the robot answered (a reply or a card in the group, or a
    message or card in `staff`'s 1:1 chat with the robot, where an answer for them alone goes)."""
    replies, cards = len(fake.replies()), {card.out_track_id for card in fake.cards()}
    private = len(fake.messages("oto", staff))
    adapter.handle(TOPIC_CHATBOT, f"frame-{staff}-{text}", message(text, staff, group, is_admin))
    answers = [str(reply.body) for reply in fake.replies()[replies:]]
    answers += [str(sent.param) for sent in fake.messages("oto", staff)[private:]]
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
    assert "汇总：关闭" in said(fake, adapter, " 设置 汇总 关闭", "boss", is_admin=True)  # the group speaks Chinese


# ---- the organisation's directory: managers ----------------------------------------------------------------

PLAN = PLAN_ZH.replace("内部参会：@bob @carol\n", "")


def directory_on(fake: fd.FakeDingTalk, clock: list[float] | None = None) -> DingTalkDirectory:
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    moment = clock if clock is not None else [0.0]
    return DingTalkDirectory(api, ttl_seconds=60, max_people=2, clock=lambda: moment[0])


def test_a_manager_is_asked_once_then_cached_until_the_ttl(fake: fd.FakeDingTalk) -> None:
    fake.org_person("li", "李雷", manager="han")
    fake.org_person("han", "韩梅梅")
    clock = [0.0]
    directory = directory_on(fake, clock)
    assert directory.manager_of("corp", "li") == "han" and directory.manager_of("corp", "li") == "han"
    assert directory.manager_of("corp", "han") is None  # the top of the chart
    assert len(fake.calls(fd.USER_GET)) == 2  # two lookups of li, one call
    clock[0] = 61.0
    assert directory.manager_of("corp", "li") == "han" and len(fake.calls(fd.USER_GET)) == 3
    directory.manager_of("corp", "ghost")  # a third person pushes the oldest out (max_people=2)
    directory.manager_of("corp", "han")
    assert len(fake.calls(fd.USER_GET)) == 5
    assert DingTalkDirectory().manager_of("corp", "li") is None  # no API: no org chart


def test_a_refused_contact_permission_means_unknown_logged_once(fake: fd.FakeDingTalk,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    fake.org_person("li", "李雷", manager="han")
    fake.refuse_contacts()
    directory = directory_on(fake)
    with caplog.at_level(logging.WARNING, logger="adapters.dingtalk.directory"):
        assert directory.manager_of("corp", "li") is None and directory.manager_of("corp", "li") is None
        assert directory.manager_of("corp", "zhao") is None
    assert len(fake.calls(fd.USER_GET)) == 2  # the refusal is cached like an answer
    assert len([r for r in caplog.records if "60011" in r.getMessage()]) == 1


def test_a_throttled_org_chart_is_asked_again_next_time(fake: fd.FakeDingTalk) -> None:
    fake.org_person("li", "李雷", manager="han")
    fake.fail_next(fd.USER_GET, status=503)
    directory = directory_on(fake)
    assert directory.manager_of("corp", "li") is None  # unknown for now, not remembered
    assert directory.manager_of("corp", "li") == "han"


def test_a_plan_goes_to_the_requesters_manager_in_the_org_chart(fake: fd.FakeDingTalk,
                                                                adapter: DingTalkAdapter) -> None:
    fake.org_person("li", "李雷", manager="han")
    fake.org_person("han", "韩梅梅")
    said(fake, adapter, " 帮助", "wang")  # known to Quorum, so @wang names him
    assert "@wang" in said(fake, adapter, " 设置 审批人 @wang", "boss", is_admin=True)  # the group's default
    filed = said(fake, adapter, " " + PLAN, "li")
    assert [c.space for c in fake.cards() if "IM_ROBOT" in c.space] == ["dtv1.card//IM_ROBOT.han"]
    assert "@韩梅梅" in filed and "@han" not in filed  # never written to the robot: named as the org chart names her
    said(fake, adapter, " " + PLAN, "li")  # a second plan: the manager and her name are cached
    assert len(fake.calls(fd.USER_GET)) == 2  # li's entry (her manager), han's (her name)


def test_a_configured_approver_wins_and_a_refusal_falls_back_to_the_default(fake: fd.FakeDingTalk,
                                                                           adapter: DingTalkAdapter) -> None:
    fake.org_person("li", "李雷", manager="han")
    fake.org_person("zhao", "赵", manager="han")
    said(fake, adapter, " 帮助", "wang")
    said(fake, adapter, " 帮助", "li")
    assert "已保存" in said(fake, adapter, " 设置 审批人 @wang 负责 @li", "boss", is_admin=True)
    said(fake, adapter, " " + PLAN, "li")
    assert [c.space for c in fake.cards() if "IM_ROBOT" in c.space] == ["dtv1.card//IM_ROBOT.wang"]
    fake.refuse_contacts()
    assert "暂缓" in said(fake, adapter, " " + PLAN, "zhao")  # no manager known, no default: held, said so
    assert "@wang" in said(fake, adapter, " 设置 审批人 @wang", "boss", is_admin=True)
    said(fake, adapter, " 重新提交 2", "zhao")
    assert [c.space for c in fake.cards() if "IM_ROBOT" in c.space][-1] == "dtv1.card//IM_ROBOT.wang"
