"""A recording fake platform around a real `Core`: tests act as people and read what the bot posted.

It plays the adapter's part exactly as a platform would (ids for posted messages, in-place updates,
reactions and clicks on posted messages), but keeps every `OutMessage` as data so tests assert on
structure, not on console text. Time is the test's: `Chat.now`, or a `ManualClock` handed to an adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from adapters.reactions import meaning_of
from bot.core import Core
from bot.events import Inbound, Person
from bot.i18n import labelled
from bot.messages import Outcome, OutMessage


@dataclass
class ManualClock:
    """An `adapters.clock.Clock` that only the test moves: adapters and the command line read it for "now", so a
    whole loop runs on the same day whenever the suite runs."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now

    def run(self, core: Core, platform: str, tick: Callable[[], object], delta: timedelta) -> None:
        """Move on by `delta` and call an adapter's `tick` at every due time on the way, as its scheduler would
        (the console's `:advance` and `Chat.advance` for a real adapter)."""
        target = self.now + delta
        while (due := core.next_due(platform)) is not None and due <= target:
            self.now = max(self.now, due)
            tick()
        self.now = target


@dataclass
class Sent:
    id: str
    message: OutMessage
    at: datetime
    versions: list[OutMessage] = field(default_factory=list)  # in-place updates, oldest first

    @property
    def current(self) -> OutMessage:
        return self.versions[-1] if self.versions else self.message

    @property
    def body(self) -> str:
        """Everything a person would read, as one string (for `in` assertions)."""
        m = self.current
        parts = [m.title or "", m.text, *(labelled(m.lang, k, v) for k, v in m.fields)]
        for section in m.sections:
            parts.append(section.heading or "")
            parts.extend(section.lines)
        parts.extend(b.label for b in m.buttons)
        parts.append(m.context or "")
        return "\n".join(parts)


@dataclass
class Chat:
    core: Core
    now: datetime
    platform: str = "console"
    workspace: str = "local"
    channel: str = "general"
    sent: list[Sent] = field(default_factory=list)
    by_id: dict[str, Sent] = field(default_factory=dict)
    fail_sends: bool = False

    def send(self, message: OutMessage) -> str:
        if self.fail_sends:
            raise ConnectionError("platform down")
        if message.replaces is not None:
            self.by_id[message.replaces].versions.append(message)
            return message.replaces
        sent = Sent(f"m{len(self.by_id) + 1}", message, self.now)
        self.sent.append(sent)
        self.by_id[sent.id] = sent
        return sent.id

    def inbound(self, kind: str, who: str, text: str = "", **extra: object) -> Outcome:
        event = Inbound(
            kind,  # type: ignore[arg-type]
            self.platform,
            self.workspace,
            str(extra.pop("channel", self.channel)),
            Person(who, who),
            text,
            handles_are_user_ids=True,
            **extra,  # type: ignore[arg-type]
        )
        return self.core.handle(event, self.now, self.send)

    def command(self, who: str, text: str, **extra: object) -> list[Sent]:
        """`/meeting <text>` typed by `who`; returns what the bot posted in response."""
        before = len(self.sent)
        self.inbound("command", who, text, **extra)
        return self.sent[before:]

    def say(self, who: str, text: str, **extra: object) -> list[Sent]:
        before = len(self.sent)
        self.inbound("message", who, text, **extra)
        return self.sent[before:]

    def dm(self, who: str, text: str, reply_to: str | None = None) -> list[Sent]:
        return self.say(who, text, channel=f"dm-{who}", is_direct=True, reply_to=reply_to)

    def react(self, who: str, emoji: str, message_id: str, removed: bool = False) -> list[Sent]:
        before = len(self.sent)
        self.inbound("reaction", who, reaction=meaning_of(emoji), message_id=message_id, removed=removed)
        return self.sent[before:]

    def click(self, who: str, message_id: str, label: str, *, as_first_posted: bool = False) -> list[Sent]:
        """A click on a button of the message as it now is, or (`as_first_posted`) as it was first posted: a
        client that has not redrawn it yet, after the bot updated it in place."""
        sent = self.by_id[message_id]
        target = sent.message if as_first_posted else sent.current
        value = next(b.value for b in target.buttons if b.label == label)
        before = len(self.sent)
        direct = target.target.kind == "direct"
        channel = f"dm-{who}" if direct else self.channel
        self.inbound("button", who, value, channel=channel, is_direct=direct, reply_to=message_id)
        return self.sent[before:]

    def advance(self, delta: timedelta) -> list[Sent]:
        """Move the clock, ticking at every due time on the way, like the console's :advance."""
        before = len(self.sent)
        target = self.now + delta
        while (due := self.core.next_due(self.platform)) is not None and due <= target:
            self.now = max(self.now, due)
            self.core.tick(self.now, self.send, platform=self.platform)
        self.now = target
        return self.sent[before:]

    def to(self, who: str) -> list[Sent]:
        """Everything in `who`'s private chat with the bot."""
        return [
            s
            for s in self.sent
            if (s.message.target.kind == "direct" and s.message.target.user == who)
            or s.message.target.channel == f"dm-{who}"
        ]

    def in_channel(self) -> list[Sent]:
        return [s for s in self.sent if s.message.target.kind == "channel" and s.message.target.channel == self.channel]

    def rows(self, model: type) -> int:
        with Session(self.core.engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())
