"""Slack payloads in, neutral `Inbound` events out: the only place that knows Slack's payload shapes.

Pure functions over the dicts Slack sends (slash command form fields, Events API `event_callback`s,
interactive `block_actions`), so every shape is tested without a network. People arrive as bare ids;
`people` resolves them (name, timezone, locale) and is cached by the caller (`users.info` is rate limited).

The core reads plain words, never Slack markup (`neutral_text`): `<@U…>` becomes `@DisplayName` with the person
in `Inbound.mentions` (the grammar pairs the two, as DingTalk's atUsers are paired), `<#C…|name>` the channel
reference `#C…` (what `report #channel` takes; `blocks` renders it back as a link), `<https://…|label>` the
URL, `<!here>` the words `@here`, and `&amp;`/`&lt;`/`&gt;` the characters they stand for. Reactions arrive
as what they mean (`adapters.reactions`).

Slack's message `ts` is unique only within a channel, so a message is named `<channel>/<ts>` everywhere the
core sees message ids (posted, reacted to, replied under, updated in place); `split_key` undoes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.reactions import meaning_of
from bot.command_types import Mention
from bot.events import Inbound, Person
from bot.grammar.tokens import mentions_in, tokenize

PLATFORM = "slack"
MARKUP = re.compile(r"<([^<>\n]*)>")  # Slack's escapes: <@U1>, <@U1|bob>, <#C1|general>, <https://x|x>, <!here>
USER_ID = re.compile(r"[UW][A-Z0-9]+")
BROADCAST_WORDS = frozenset({"here", "channel", "everyone"})  # <!here> and friends: the words, never a notice
LIST_SEPARATORS = frozenset(",，、;；")  # "<@U1>、<@U2>" needs no space to be two mentions
TRIGGER_PREFIX = "trigger:"  # slash commands are deduplicated by trigger id, kept apart from event ids
IGNORED_SUBTYPES_EXCEPT = frozenset({"thread_broadcast", "file_share"})

People = Callable[[str], Person]


def message_key(channel: str, ts: str) -> str:
    return f"{channel}/{ts}"


def split_key(key: str) -> tuple[str, str]:
    """`C123/1700000000.000100` → ("C123", "1700000000.000100")."""
    channel, _, ts = key.rpartition("/")
    return channel, ts


def neutral_text(text: str, people: People) -> tuple[str, tuple[Person, ...]]:
    """Slack's text as plain words, and the people it mentions (resolved, once each, in order).

    A person is `@` + their display name when the grammar can read that as one word and no other person in the
    text has it; otherwise `@` + their user id, which the core resolves just as well. Where Slack's markup was
    glued to a word (Chinese is written without spaces), a space keeps the mention a word of its own.
    """
    mentioned: dict[str, Person] = {}
    handles: dict[str, str] = {}
    pieces: list[str] = []
    last = 0
    for match in MARKUP.finditer(text):
        pieces.append(html.unescape(text[last : match.start()]))
        target, _, label = match[1].partition("|")
        if target.startswith("@") and USER_ID.fullmatch(target[1:]):
            user_id = target[1:]
            if user_id not in mentioned:
                mentioned[user_id] = person = people(user_id)
                name = person.display_name
                readable = name not in handles.values() and reads_as_their_mention(name)
                handles[user_id] = name if readable else user_id
            before = " " if pieces[-1] and not (pieces[-1][-1].isspace() or pieces[-1][-1] in LIST_SEPARATORS) else ""
            after = " " if text[match.end() : match.end() + 1].isalnum() else ""
            pieces.append(f"{before}@{handles[user_id]}{after}")  # "请<@U1>看" → "请 @张三 看": a word of its own
        else:
            pieces.append(html.unescape(_plain_markup(target, label)))
        last = match.end()
    pieces.append(html.unescape(text[last:]))
    return "".join(pieces), tuple(mentioned.values())


def reads_as_their_mention(name: str) -> bool:
    """Whether the grammar reads `@name` as one mention of exactly `name`: not so with a space, a list separator,
    a quote, trailing punctuation or a broadcast word ("here") in it."""
    tokens = tokenize("@" + name, labels=frozenset())
    return len(tokens) == 1 and mentions_in(tokens[0]) == (Mention(name),)


def _plain_markup(target: str, label: str) -> str:
    """One piece of Slack markup other than a person, as the words it shows."""
    if target.startswith("#"):
        return target  # "#C0GENERAL1": the channel, by id
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        if special in BROADCAST_WORDS:
            return "@" + special
        return label or "@" + special  # <!subteam^S1|@eng> → "@eng"; <!date^…|Nov 24> → "Nov 24"
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return target  # a link: the URL itself (its label is display only)


def is_direct_channel(channel: str) -> bool:
    return channel.startswith("D")


def slash_command(body: Mapping[str, Any], people: People) -> Inbound:
    """`/meeting …` as Slack posts it (form fields: team_id, channel_id, user_id, text, trigger_id).

    Slack gives a command no event id, but its `trigger_id` is unique per invocation, so a resent request
    (a retry, a replay) carries the same one and the core handles it once, like a redelivered event.
    """
    text, mentions = neutral_text(str(body.get("text") or ""), people)
    channel = str(body["channel_id"])
    return Inbound(
        kind="command",
        platform=PLATFORM,
        workspace=str(body["team_id"]),
        channel=channel,
        user=people(str(body["user_id"])),
        text=text,
        is_direct=is_direct_channel(channel),
        mentions=mentions,
        event_id=f"{TRIGGER_PREFIX}{body['trigger_id']}" if body.get("trigger_id") else None,
    )


def message_event(body: Mapping[str, Any], people: People) -> Inbound | None:
    """A person's message (channel, thread reply or DM); None for edits, bot posts and other subtypes."""
    event = body["event"]
    if event.get("bot_id") or "user" not in event:
        return None
    if event.get("subtype") and event["subtype"] not in IGNORED_SUBTYPES_EXCEPT:
        return None
    channel = str(event["channel"])
    text, mentions = neutral_text(str(event.get("text") or ""), people)
    ts = str(event["ts"])
    thread = event.get("thread_ts")
    return Inbound(
        kind="message",
        platform=PLATFORM,
        workspace=team_of(body),
        channel=channel,
        user=people(str(event["user"])),
        text=text,
        is_direct=event.get("channel_type") == "im" or is_direct_channel(channel),
        reply_to=message_key(channel, str(thread)) if thread and thread != ts else None,
        message_id=message_key(channel, ts),
        mentions=mentions,
        event_id=event_id_of(body),
        said_at=said_at(ts),
    )


def said_at(ts: str) -> datetime | None:
    """Slack's `ts` ("1700000000.000100") is the message's time in Unix seconds: when it was said."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def reaction_event(body: Mapping[str, Any], people: People) -> Inbound | None:
    """`reaction_added` / `reaction_removed` on a message, as what it means; skin tones are the same answer."""
    event = body["event"]
    item = event.get("item") or {}
    if item.get("type") != "message":
        return None
    channel = str(item["channel"])
    return Inbound(
        kind="reaction",
        platform=PLATFORM,
        workspace=team_of(body),
        channel=channel,
        user=people(str(event["user"])),
        is_direct=is_direct_channel(channel),
        message_id=message_key(channel, str(item["ts"])),
        reaction=meaning_of(str(event["reaction"])),
        removed=event.get("type") == "reaction_removed",
        event_id=event_id_of(body),
    )


def button_click(body: Mapping[str, Any], action: Mapping[str, Any], people: People, home_channel: str) -> Inbound:
    """A click on one of our buttons: its value is command text. A click in App Home (no message) answers in
    the person's private chat with the bot, `home_channel`."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or home_channel)
    message_ts = container.get("message_ts")
    return Inbound(
        kind="button",
        platform=PLATFORM,
        workspace=team_of(body),
        channel=channel,
        user=people(str(body["user"]["id"])),
        text=str(action.get("value") or ""),
        is_direct=is_direct_channel(channel),
        reply_to=message_key(channel, str(message_ts)) if message_ts else None,
    )


def team_of(body: Mapping[str, Any]) -> str:
    team = body.get("team_id") or body.get("team") or (body.get("user") or {}).get("team_id")
    if isinstance(team, Mapping):
        team = team.get("id")
    return str(team or "")


def event_id_of(body: Mapping[str, Any]) -> str | None:
    event_id = body.get("event_id")
    return str(event_id) if event_id else None


def person_from_user_info(user: Mapping[str, Any]) -> Person:
    """A `users.info` user: display name (else real name, else handle), IANA timezone, zh/en from locale."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    locale = str(user.get("locale") or "")
    language = "zh" if locale.lower().startswith("zh") else "en" if locale else None
    return Person(str(user["id"]), str(name or user["id"]), user.get("tz") or None, language)
