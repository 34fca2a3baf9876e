"""What adapters hand to the core: one neutral `Inbound` per thing a person did on a platform.

Modelled on hcoop-meetbot's small frozen `Context`/`Message` classes: adapters fill these from Slack,
DingTalk or the console, and the core never sees a platform type. `kind` says how the person acted; the
same intent arriving as a typed command, a button or a reaction becomes the same Command later on.

Everything here is already neutral: `text` holds plain words (a person as `@DisplayName`, paired with
`mentions`; no `<@U…>` or other platform markup), a reaction is what it means (`reaction`), not an emoji
name, and a platform form that already says exactly what to do arrives as a parsed `command`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.command_types import Command

InboundKind = Literal["command", "message", "reaction", "button"]
ReactionMeaning = Literal["yes", "no", "maybe", "here"]
"""What a reaction says; the adapter maps its platform's emoji (✅ is "yes", 🙋 "here"); any other is None."""


@dataclass(frozen=True)
class Person:
    """Someone on a platform, as far as the adapter knows them."""

    platform_id: str
    display_name: str
    timezone: str | None = None  # IANA name, when the platform tells
    language: str | None = None  # "en" / "zh", when the platform tells


@dataclass(frozen=True)
class Inbound:
    kind: InboundKind
    platform: str
    workspace: str
    channel: str  # where it happened; for a private chat, that chat's id
    user: Person
    text: str = ""  # the command text (after /meeting), the message, or a button's value
    is_direct: bool = False  # a private chat with the bot
    addressed: bool = False  # said to the bot in a group (DingTalk's @robot): read like a private message
    reply_to: str | None = None  # the bot message this replies to (thread parent), if any
    message_id: str | None = None  # reaction: the message reacted to; message: its own id
    reaction: ReactionMeaning | None = None  # kind "reaction": what the reaction means
    removed: bool = False  # the reaction was taken back
    mentions: tuple[Person, ...] = ()  # people the platform resolved in `text`
    handles_are_user_ids: bool = False  # console: "@alice" IS the user id; platforms must resolve names
    event_id: str | None = None  # the platform's id for this delivery; a redelivery with the same id is ignored
    command: Command | None = None  # a submitted form, already a Command: used instead of parsing `text`
    said_at: datetime | None = None  # when the platform says it was said (Slack `ts`, DingTalk `createAt`), UTC
