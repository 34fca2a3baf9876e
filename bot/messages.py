"""What the core asks adapters to post: platform-neutral messages that each adapter renders its own way.

The core writes plain text; adapters escape it for their markup, so a title that looks like markup can never
become a mention. A person in that text is `@DisplayName` (as the edge delivered them, or as `views` names
them), and each adapter renders people its own way: as a platform mention for the people the message
notifies (`mentions`, a private message's reader), as the name typed everywhere else.
Buttons carry command text (`rsvp 3 yes`), which the adapter sends back as a `button` Inbound: a click and a
typed command share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.i18n import Lang

TargetKind = Literal["channel", "direct", "ephemeral"]
ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Target:
    """Where a message goes: a channel (optionally a thread), one person privately, or one person in a channel."""

    kind: TargetKind
    channel: str | None = None
    user: str | None = None  # platform user id, for direct and ephemeral
    thread: str | None = None  # platform message id to reply under
    workspace: str = ""  # the platform's id of the team (a Slack team id): set by the outbox when a row is posted


@dataclass(frozen=True)
class Button:
    label: str
    value: str  # command text, parsed like "/meeting <value>"
    style: ButtonStyle = "default"
    asks: str | None = None  # the command needs more words (a reason, a date): ask with this prompt, append them


@dataclass(frozen=True)
class Section:
    heading: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Attachment:
    """A file to go with a message: text in `content`, or binary (a PNG chart, a PDF) in `data`."""

    filename: str
    content: str
    data: bytes | None = None


@dataclass(frozen=True)
class RefSpec:
    """What to remember about a message once it is posted (so reactions, clicks and replies find it)."""

    kind: str  # rsvp_prompt, invitation, assignment, checkin_prompt, reminder
    workspace_id: int
    meeting_id: int | None = None
    action_item_id: int | None = None
    recipient_id: int | None = None
    question_id: int | None = None


@dataclass(frozen=True)
class OutMessage:
    target: Target
    text: str
    title: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    context: str | None = None  # small print under the message
    ref: RefSpec | None = None
    replaces: str | None = None  # platform message id to update in place
    mentions: tuple[str, ...] = ()  # platform user ids to notify
    attachments: tuple[Attachment, ...] = ()
    lang: Lang = field(kw_only=True)  # the language the core wrote it in: every message says (adapters never guess)


@dataclass
class Outcome:
    """Everything one inbound event or tick produced, delivered only after its transaction committed."""

    messages: list[OutMessage] = field(default_factory=list)
    acknowledge: str | None = None  # platform message id the adapter should mark as acted on (✅)

    def extend(self, other: Outcome) -> None:
        self.messages.extend(other.messages)
        self.acknowledge = self.acknowledge or other.acknowledge
