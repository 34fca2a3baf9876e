"""The console adapter: Quorum in a terminal, or driven by a script with a virtual clock.

It is the reference adapter: everything a platform adapter does (turn what people do into `Inbound`
events, render `OutMessage`s, remember message ids for reactions/clicks/replies, run the scheduler) happens
here in plain text, so the whole meeting loop can be tried with no tokens and tested end to end.

Script protocol (one line each; README has the full table):
    alice> TEXT                 alice says TEXT in the current channel ("/meeting …" is the slash command)
    :channel NAME               switch the current channel
    :dm alice TEXT              alice writes to the bot privately
    :react alice EMOJI m7       alice reacts to message m7 (`:unreact` takes it back)
    :reply alice m7 TEXT        alice replies to message m7 (in its thread, or in her private chat)
    :click alice m7 1 [ANSWER]  alice clicks button 1 of message m7 (ANSWER: what a button asks for)
    :now 2026-11-23 09:00       set the virtual clock (in --tz)
    :advance 1d2h30m            move the clock, running every scheduler tick due on the way
    :user alice tz=Europe/Berlin lang=zh admin=yes   what the platform would tell us about alice
    :members hr alice carol     #hr is a private channel with these members (channels never named: public)
A line ending in a backslash goes on in the next one (a message of several lines: a plan's `key: value` fields).
Bot output lines start with the message id and where it went: `[m7] #general quorum: …`,
`[m8] @bob quorum: …`, `[m9] #general (only alice) quorum: …`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.reactions import meaning_of
from bot.access import PUBLIC, Conversation
from bot.core import Core
from bot.events import Inbound, Person
from bot.i18n import t
from bot.messages import OutMessage

PLATFORM = "console"
WORKSPACE = "local"
BOT_NAME = "quorum"
SPEAKER = re.compile(r"^(?P<name>[^\s>:][^\s>]*)>\s?(?P<text>.*)$", re.DOTALL)
DURATION_PART = re.compile(r"(\d+)\s*([dhm])")
DURATION_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}


class ScriptError(ValueError):
    """A script line that does not follow the console protocol."""


def parse_advance(spec: str) -> timedelta:
    """`1d2h30m` → timedelta; anything else is a ScriptError."""
    compact = spec.replace(" ", "").lower()
    parts = DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ScriptError(f"cannot read {spec!r} as a duration; write e.g. 1d2h30m")
    return sum((int(n) * DURATION_UNITS[u] for n, u in parts), timedelta())


@dataclass
class Posted:
    message: OutMessage
    channel: str  # the conversation it is in: a channel name, or "dm-<user>" for a private chat
    direct_user: str | None


@dataclass
class ConsoleDirectory:
    """The console's answer to the core's `Directory` port, set by the script: which channels are private
    (and who is in them) and who is an admin. A private chat `dm-alice` is alice's alone."""

    private: dict[str, frozenset[str]] = field(default_factory=dict)
    admins: set[str] = field(default_factory=set)

    def conversation(self, workspace: str, channel: str) -> Conversation:
        if channel.startswith("dm-"):
            return Conversation("direct", frozenset({channel.removeprefix("dm-")}))
        members = self.private.get(channel)
        return PUBLIC if members is None else Conversation("private", members)

    def is_admin(self, workspace: str, user: str) -> bool:
        return user in self.admins

    def manager_of(self, workspace: str, user: str) -> str | None:
        return None  # approvers come from `config approver` alone

    def name_of(self, workspace: str, user: str) -> str | None:
        return None


@dataclass
class ConsoleAdapter:
    core: Core
    out: TextIO
    now: datetime
    tz: ZoneInfo
    files_dir: Path
    channel: str = "general"
    people: dict[str, Person] = field(default_factory=dict)
    profiles: dict[str, Person] = field(default_factory=dict)  # those a `:user` line described
    posted: dict[str, Posted] = field(default_factory=dict)
    counter: int = 0
    user_counter: int = 0
    id_prefix: str = "m"  # several processes on one database need ids that don't collide
    directory: ConsoleDirectory = field(default_factory=ConsoleDirectory)

    def __post_init__(self) -> None:
        self.core.directory = self.directory  # the console is the platform: the script says who is where

    # ---- input -----------------------------------------------------------------------------------
    def run_line(self, line: str) -> None:
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("//"):
            return
        try:
            if line.startswith(":"):
                self.directive(line)
                return
            match = SPEAKER.match(line)
            if match is None:
                raise ScriptError("start the line with a speaker (alice> …) or a directive (:dm, :advance …)")
            self.say(match["name"], match["text"])
        except ScriptError as error:
            self.out.write(f"!! {error}\n")

    def say(self, name: str, text: str, channel: str | None = None, reply_to: str | None = None) -> None:
        channel = channel or self.channel
        direct = channel.startswith("dm-")
        stripped = text.strip()
        if stripped.lower().startswith("/meeting") or stripped.startswith("/会议"):
            command_text = stripped.split(maxsplit=1)[1] if len(stripped.split(maxsplit=1)) > 1 else ""
            self.dispatch(Inbound("command", PLATFORM, WORKSPACE, channel, self.person(name), command_text,
                                  is_direct=direct, mentions=self.mentioned(command_text), handles_are_user_ids=True))
            return
        self.user_counter += 1
        self.dispatch(
            Inbound("message", PLATFORM, WORKSPACE, channel, self.person(name), text, is_direct=direct,
                    reply_to=reply_to, message_id=f"u{self.user_counter}", mentions=self.mentioned(text),
                    handles_are_user_ids=True)
        )

    def directive(self, line: str) -> None:
        name, _, raw = line[1:].partition(" ")
        handlers = {
            "channel": self.cmd_channel,
            "dm": self.cmd_dm,
            "react": self.cmd_react,
            "unreact": self.cmd_react,
            "reply": self.cmd_reply,
            "click": self.cmd_click,
            "now": self.cmd_now,
            "advance": self.cmd_advance,
            "user": self.cmd_user,
            "members": self.cmd_members,
        }
        handler = handlers.get(name)
        if handler is None:
            raise ScriptError(f"unknown directive :{name}; known: " + ", ".join(":" + h for h in handlers))
        handler(name, raw.strip())

    def cmd_channel(self, _name: str, raw: str) -> None:
        args = raw.split()
        if len(args) != 1:
            raise ScriptError("usage: :channel NAME")
        self.channel = args[0].lstrip("#")

    def cmd_dm(self, _name: str, raw: str) -> None:
        parts = raw.split(maxsplit=1)
        if len(parts) != 2:
            raise ScriptError("usage: :dm alice TEXT")
        self.say(parts[0], parts[1], channel=f"dm-{parts[0]}")

    def cmd_react(self, name: str, raw: str) -> None:
        args = raw.split()
        if len(args) != 3:
            raise ScriptError(f"usage: :{name} alice EMOJI m7")
        who, emoji, message_id = args
        posted = self.find(message_id)
        self.dispatch(
            Inbound("reaction", PLATFORM, WORKSPACE, posted.channel, self.person(who), reaction=meaning_of(emoji),
                    message_id=message_id, removed=name == "unreact", is_direct=posted.direct_user is not None,
                    handles_are_user_ids=True)
        )

    def cmd_reply(self, _name: str, raw: str) -> None:
        parts = raw.split(maxsplit=2)
        if len(parts) != 3:
            raise ScriptError("usage: :reply alice m7 TEXT")
        who, message_id, text = parts
        posted = self.find(message_id)
        self.say(who, text, channel=posted.channel, reply_to=message_id)

    def cmd_click(self, _name: str, raw: str) -> None:
        args = raw.split(maxsplit=3)
        if len(args) < 3 or not args[2].isdigit():
            raise ScriptError("usage: :click alice m7 1 [ANSWER, for a button that asks]")
        who, message_id, index = args[0], args[1], int(args[2])
        posted = self.find(message_id)
        buttons = posted.message.buttons
        if not 1 <= index <= len(buttons):
            raise ScriptError(f"{message_id} has {len(buttons)} button(s)")
        button = buttons[index - 1]
        answer = args[3] if len(args) == 4 else ""
        if button.asks and not answer:
            raise ScriptError(f"button {index} asks “{button.asks}”: add the answer, e.g. :click {who} {message_id} "
                              f"{index} waiting for legal")
        self.dispatch(
            Inbound("button", PLATFORM, WORKSPACE, posted.channel, self.person(who), f"{button.value} {answer}".strip(),
                    is_direct=posted.direct_user is not None, reply_to=message_id, handles_are_user_ids=True)
        )

    def cmd_now(self, _name: str, raw: str) -> None:
        try:
            local = datetime.strptime(raw, "%Y-%m-%d %H:%M")
        except ValueError as error:
            raise ScriptError("usage: :now 2026-11-23 09:00") from error
        self.now = local.replace(tzinfo=self.tz)

    def cmd_advance(self, _name: str, raw: str) -> None:
        target = self.now + parse_advance(raw)
        while (due := self.core.next_due(PLATFORM)) is not None and due <= target:
            self.now = max(self.now, due)
            self.out.write(f"-- {self.now.astimezone(self.tz):%Y-%m-%d %H:%M} {self.tz.key} --\n")
            self.core.tick(self.now, self.send, platform=PLATFORM)
        self.now = target

    def cmd_user(self, _name: str, raw: str) -> None:
        args = raw.split()
        if not args:
            raise ScriptError("usage: :user alice tz=Europe/Berlin lang=zh")
        settings = dict(arg.split("=", 1) for arg in args[1:] if "=" in arg)
        unknown = set(settings) - {"tz", "lang", "name", "admin"}
        if unknown:
            raise ScriptError(f"unknown setting(s) {sorted(unknown)}; use tz=, lang=, name=, admin=yes|no")
        if "admin" in settings:
            if settings["admin"] not in ("yes", "no"):
                raise ScriptError("usage: :user alice admin=yes (or admin=no)")
            if settings["admin"] == "yes":
                self.directory.admins.add(args[0])
            else:
                self.directory.admins.discard(args[0])
        current = self.person(args[0])
        self.people[args[0]] = self.profiles[args[0]] = Person(
            args[0], settings.get("name", current.display_name), settings.get("tz", current.timezone),
            settings.get("lang", current.language),
        )

    def cmd_members(self, _name: str, raw: str) -> None:
        args = raw.split()
        if len(args) < 2:
            raise ScriptError("usage: :members hr alice carol (makes #hr a private channel with these members)")
        self.directory.private[args[0].lstrip("#")] = frozenset(name.lstrip("@") for name in args[1:])

    def mentioned(self, text: str) -> tuple[Person, ...]:
        """The people with a `:user` profile whose @name is in `text`, as a platform resolves mentions: so a
        profile (timezone, language) applies to someone named before they have said a word."""
        return tuple(
            person for name, person in self.profiles.items()
            if re.search(f"[@＠]{re.escape(name)}(?![\\w-]|\\.\\w)", text)
        )

    def person(self, name: str) -> Person:
        return self.people.setdefault(name, Person(name, name))

    def find(self, message_id: str) -> Posted:
        posted = self.posted.get(message_id)
        if posted is None:
            raise ScriptError(f"no bot message {message_id}")
        return posted

    def dispatch(self, inbound: Inbound) -> None:
        outcome = self.core.handle(inbound, self.now, self.send)
        if outcome.acknowledge:
            self.out.write(f"     ✅ {BOT_NAME} reacted to {inbound.user.platform_id}'s message\n")

    # ---- output ----------------------------------------------------------------------------------
    def send(self, message: OutMessage) -> str:
        target = message.target
        if message.replaces is not None:
            message_id, edited = message.replaces, " (edited)"
        else:
            self.counter += 1
            message_id, edited = f"{self.id_prefix}{self.counter}", ""
        channel = f"dm-{target.user}" if target.kind == "direct" else target.channel or self.channel
        direct_user = channel.removeprefix("dm-") if channel.startswith("dm-") else None
        if direct_user is not None:
            where = f"@{direct_user}"
        else:
            where = f"#{channel}"
            if target.kind == "ephemeral" and not direct_user:
                where += f" (only {target.user})"
            if target.thread:
                where += f" (thread {target.thread})"
        self.posted[message_id] = Posted(message, channel, direct_user)
        self.out.write(f"[{message_id}] {where} {BOT_NAME}{edited}: {render_text(message)}\n")
        self.out.flush()  # a line printed is a message delivered, even if the process dies next
        for attachment in message.attachments:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / attachment.filename
            if attachment.data is not None:
                path.write_bytes(attachment.data)
            else:
                path.write_text(attachment.content, encoding="utf-8")
            self.out.write(f"     📎 {attachment.filename} → {path}\n")
        return message_id


def render_text(message: OutMessage) -> str:
    """Plain-text rendering: title, text, fields, sections, numbered buttons, small print."""
    lines: list[str] = []
    if message.title:
        lines.append(f"*{message.title}*")
    lines.extend(message.text.splitlines() or [""])
    colon = t(message.lang, "punct.colon")  # "：" in Chinese
    lines.extend(f"{label}{colon}{value}" for label, value in message.fields)
    for section in message.sections:
        if section.heading:
            lines.append(section.heading + colon.rstrip())
        lines.extend(f"  {line}" for line in section.lines)
    if message.buttons:
        lines.append(" ".join(f"({i}) {b.label}" for i, b in enumerate(message.buttons, start=1)))
    if message.context:
        lines.append(t(message.lang, "punct.paren", text=message.context))
    return "\n     ".join(lines)


def run_script(adapter: ConsoleAdapter, source: TextIO) -> None:
    pending = ""
    for line in source:
        text = line.rstrip("\n")
        if text.endswith("\\"):  # the message goes on in the next line
            pending += text[:-1].rstrip() + "\n"
            continue
        adapter.run_line(pending + text)
        pending = ""
    if pending:
        adapter.run_line(pending.rstrip("\n"))
