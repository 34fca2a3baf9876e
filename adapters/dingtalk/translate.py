"""DingTalk robot messages in, neutral `Inbound` events out: the only place that knows their JSON shape.

A group only delivers messages that @mention the robot, so every group message is addressed to Quorum
(`Inbound.addressed`): `@Quorum 新建 "周会" 明天上午10点 参会 @张三` needs no `/meeting`. The leading `/` and
the word `meeting` / `会议` are accepted and dropped. People are staff ids (what the robot OpenAPI sends to
and @mentions by); a message's `atUsers` carry staff ids without names, in the order the names appear in
the text, which is how `@张三` becomes a person. Chinese is the default language of a DingTalk deployment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.events import Inbound, Person

PLATFORM = "dingtalk"
DIRECT = "1"  # conversationType: "1" a 1:1 chat with the robot, "2" a group
_PREFIX = re.compile(r"^\s*/?\s*(?:(?:meeting|会议)(?=\s|$))?\s*", re.IGNORECASE)
_AT_NAME = re.compile(r"[@＠]([^\s@＠,，、:：;；]+)")


def person(staff_id: str, nick: str | None) -> Person:
    """DingTalk tells neither timezone nor language: the words people type decide, else the deployment's
    default (Chinese for `quorum dingtalk` unless QUORUM_LANGUAGE says otherwise)."""
    return Person(staff_id, nick or staff_id)


def command_text(content: str) -> str:
    """The words after an optional `/` and `meeting` / `会议`."""
    return _PREFIX.sub("", content, count=1).strip()


def mentioned(text: str, data: Mapping[str, Any]) -> tuple[Person, ...]:
    """`@名字` in the text paired, in order, with the staff ids DingTalk lists in `atUsers` (the robot left out)."""
    robot = data.get("chatbotUserId")
    staff_ids = [
        str(u["staffId"]) for u in data.get("atUsers") or [] if u.get("staffId") and u.get("dingtalkId") != robot
    ]
    names = _AT_NAME.findall(text)
    return tuple(person(staff_id, name) for name, staff_id in zip(names, staff_ids, strict=False))


def chatbot_message(data: Mapping[str, Any]) -> Inbound | None:
    """A text message to the robot (1:1, or @robot in a group); None for pictures, files and the like."""
    if data.get("msgtype", "text") != "text":
        return None
    content = str((data.get("text") or {}).get("content") or "")
    text = command_text(content) or "help"  # a bare "@Quorum" or "/meeting" asks what it can do
    sender = str(data.get("senderStaffId") or data.get("senderId") or "")
    direct = str(data.get("conversationType")) == DIRECT
    msg_id = data.get("msgId")
    return Inbound(
        kind="message",
        platform=PLATFORM,
        workspace=str(data.get("chatbotCorpId") or data.get("senderCorpId") or ""),
        channel=str(data.get("conversationId") or ""),
        user=person(sender, data.get("senderNick")),
        text=text,
        is_direct=direct,
        addressed=not direct,
        message_id=str(msg_id) if msg_id else None,
        mentions=mentioned(text, data),
        event_id=f"msg:{msg_id}" if msg_id else None,
        said_at=said_at(data.get("createAt")),
    )


def said_at(create_at: object) -> datetime | None:
    """`createAt` is when the message was sent, in Unix milliseconds."""
    try:
        return datetime.fromtimestamp(int(str(create_at)) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None
