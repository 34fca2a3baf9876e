"""DingTalk robot messages → `Inbound`: prefixes, groups vs 1:1, and @names paired with staff ids."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.dingtalk.translate import chatbot_message, command_text


def robot_message(content: str, conversation_type: str = "2", **extra: Any) -> dict[str, Any]:
    return {
        "msgtype": "text", "text": {"content": content}, "conversationType": conversation_type,
        "conversationId": "cidGroup==", "senderStaffId": "staff-zhang", "senderNick": "张三", "msgId": "msg1",
        "chatbotUserId": "$:robot", "chatbotCorpId": "ding-corp", **extra,
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param('/meeting new "Q3" tomorrow 3pm', 'new "Q3" tomorrow 3pm', id="slash-meeting"),
        pytest.param(' 会议 新建 "周会" 明天上午10点', '新建 "周会" 明天上午10点', id="会议-word"),
        pytest.param('新建 "周会" 明天上午10点', '新建 "周会" 明天上午10点', id="bare"),
        pytest.param("/list", "list", id="slash-only"),
        pytest.param("会议室订好了吗", "会议室订好了吗", id="word-inside-chat-kept"),
        pytest.param("meetings list", "meetings list", id="not-the-word"),
    ],
)
def test_prefixes_are_optional(content: str, expected: str) -> None:
    assert command_text(content) == expected


def test_a_group_message_is_addressed_and_names_become_people() -> None:
    data = robot_message(" 新建 \"周会\" 明天上午10点 参会 @李四 @王五",
                         atUsers=[{"dingtalkId": "$:robot"}, {"dingtalkId": "$:li", "staffId": "staff-li"},
                                  {"dingtalkId": "$:wang", "staffId": "staff-wang"}])
    inbound = chatbot_message(data)
    assert inbound is not None
    assert (inbound.kind, inbound.addressed, inbound.is_direct, inbound.channel) == ("message", True, False,
                                                                                      "cidGroup==")
    assert [(p.platform_id, p.display_name) for p in inbound.mentions] == [("staff-li", "李四"),
                                                                            ("staff-wang", "王五")]
    assert (inbound.user.platform_id, inbound.user.display_name) == ("staff-zhang", "张三")
    assert inbound.event_id == "msg:msg1" and inbound.workspace == "ding-corp"


def test_a_one_to_one_message_is_direct() -> None:
    inbound = chatbot_message(robot_message("完成", conversation_type="1"))
    assert inbound is not None and inbound.is_direct and not inbound.addressed and inbound.text == "完成"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(robot_message("", msgtype="picture"), id="picture"),
    ],
)
def test_nothing_to_read(data: dict[str, Any]) -> None:
    assert chatbot_message(data) is None


@pytest.mark.parametrize("content", [pytest.param("  ", id="bare-mention"), pytest.param("/meeting", id="prefix")])
def test_an_empty_message_asks_for_help(content: str) -> None:
    inbound = chatbot_message(robot_message(content))
    assert inbound is not None and inbound.text == "help"
