"""Slack's side of the core's `Directory` port: is a conversation private, who is in it, who is an admin.

`bot.access` decides who may see a meeting from the conversation it was created in; Slack is the one that
knows. `conversations.info` says whether a channel is public, private, a group DM or a DM;
`conversations.members` (paged) lists a private one's members; `users.info` says `is_admin` / `is_owner`.
Answers are cached for a short while: every command asks, the methods are rate limited (Tier 3/4), and a
person removed from a private channel loses its meetings within `ttl_seconds`. A conversation Slack will not
describe (the bot was never invited, it was archived) counts as private with unknown members, so its
meetings stay with their participants and the people who have written there, never the workspace.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import Conversation

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
MEMBERS_PAGE = 200  # Slack's recommended page size for conversations.members
MAX_MEMBER_PAGES = 50  # 10,000 members; a larger private channel is bounded rather than read forever
T = TypeVar("T")


class SlackDirectory:
    def __init__(self, web: WebClient, ttl_seconds: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.web = web
        self.ttl = ttl_seconds
        self.clock = clock
        self._conversations: dict[str, tuple[float, Conversation]] = {}
        self._admins: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def conversation(self, workspace: str, channel: str) -> Conversation:
        return self._cached(self._conversations, channel, lambda: self._describe(channel))

    def is_admin(self, workspace: str, user: str) -> bool:
        return self._cached(self._admins, user, lambda: self._admin(user))

    def _cached(self, cache: dict[str, tuple[float, T]], key: str, load: Callable[[], T]) -> T:
        with self._lock:
            hit = cache.get(key)
        if hit is not None and self.clock() - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            cache[key] = (self.clock(), value)
        return value

    def _describe(self, channel: str) -> Conversation:
        try:
            info: dict[str, Any] = self.web.conversations_info(channel=channel)["channel"]
        except SlackApiError as error:
            log.warning("conversations.info %s: %s; treating it as private", channel, error.response.get("error"))
            return Conversation("private", None)
        if info.get("is_im"):
            return Conversation("direct", frozenset({str(info.get("user", ""))}))
        if not (info.get("is_private") or info.get("is_mpim") or info.get("is_group")):
            return Conversation("public")
        return Conversation("private", self._members(channel))

    def _members(self, channel: str) -> frozenset[str] | None:
        members: set[str] = set()
        cursor = ""
        try:
            for _page in range(MAX_MEMBER_PAGES):
                response = self.web.conversations_members(channel=channel, limit=MEMBERS_PAGE, cursor=cursor or None)
                members.update(str(member) for member in response.get("members") or [])
                cursor = (response.get("response_metadata") or {}).get("next_cursor", "")
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("conversations.members %s: %s", channel, error.response.get("error"))
            return None
        return frozenset(members)

    def _admin(self, user: str) -> bool:
        try:
            info: dict[str, Any] = self.web.users_info(user=user)["user"]
        except SlackApiError as error:
            log.warning("users.info %s: %s; not an admin", user, error.response.get("error"))
            return False
        return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
