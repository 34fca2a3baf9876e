"""Slack payloads in, neutral `Inbound` events out: the only place that knows Slack's payload shapes.

Pure functions over the dicts Slack sends (slash command form fields, Events API `event_callback`s,
interactive `block_actions`), so every shape is tested without a network. People arrive as bare ids;
`people` resolves them (name, timezone, locale) and is cached by the caller (`users.info` is rate limited).

Slack's message `ts` is unique only within a channel, so a message is named `<channel>/<ts>` everywhere the
core sees message ids (posted, reacted to, replied under, updated in place); `split_key` undoes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.events import Inbound, Person

PLATFORM = "slack"
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
TRIGGER_PREFIX = "trigger:"  # slash commands are deduplicated by trigger id, kept apart from event ids
IGNORED_SUBTYPES_EXCEPT = frozenset({"thread_broadcast", "file_share"})

People = Callable[[str], Person]


def message_key(channel: str, ts: str) -> str:
    return f"{channel}/{ts}"


def split_key(key: str) -> tuple[str, str]:
    """`C123/1700000000.000100` → ("C123", "1700000000.000100")."""
    channel, _, ts = key.rpartition("/")
    return channel, ts


def mentioned(text: str, people: People) -> tuple[Person, ...]:
    """Everyone `<@U…>`-mentioned in `text`, resolved, once each, in order."""
    ids = dict.fromkeys(USER_MENTION.findall(text))
    return tuple(people(user_id) for user_id in ids)


def is_direct_channel(channel: str) -> bool:
    return channel.startswith("D")


def slash_command(body: Mapping[str, Any], people: People) -> Inbound:
    """`/meeting …` as Slack posts it (form fields: team_id, channel_id, user_id, text, trigger_id).

    Slack gives a command no event id, but its `trigger_id` is unique per invocation, so a resent request
    (a retry, a replay) carries the same one and the core handles it once, like a redelivered event.
    """
    text = str(body.get("text") or "")
    channel = str(body["channel_id"])
    return Inbound(
        kind="command",
        platform=PLATFORM,
        workspace=str(body["team_id"]),
        channel=channel,
        user=people(str(body["user_id"])),
        text=text,
        is_direct=is_direct_channel(channel),
        mentions=mentioned(text, people),
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
    text = str(event.get("text") or "")
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
        mentions=mentioned(text, people),
        event_id=event_id_of(body),
    )


def reaction_event(body: Mapping[str, Any], people: People) -> Inbound | None:
    """`reaction_added` / `reaction_removed` on a message; skin tones are the same answer."""
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
        emoji=str(event["reaction"]).split("::", 1)[0],
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
