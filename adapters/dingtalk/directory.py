"""DingTalk's side of the core's `Directory` port, from what each robot message says.

A DingTalk robot cannot list a group's members, so a group counts as private with unknown members: its
meetings are for their participants and the people who have written there (`bot.access`). What the platform
does say arrives on every message: `isAdmin` (the sender administers the organization) and whether the
conversation is a 1:1 chat with the robot. Both are remembered per process from the newest message, so an
admin is known as soon as they have written to the robot once.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from adapters.dingtalk.translate import DIRECT
from bot.access import Conversation


class DingTalkDirectory:
    def __init__(self) -> None:
        self._direct: dict[str, str] = {}  # a 1:1 conversation → its one person
        self._admins: dict[str, bool] = {}  # staff id → isAdmin on their newest message
        self._lock = threading.Lock()

    def observe(self, data: Mapping[str, Any]) -> None:
        """Remember what a robot message says about its sender and its conversation."""
        sender = str(data.get("senderStaffId") or data.get("senderId") or "")
        conversation = str(data.get("conversationId") or "")
        with self._lock:
            if str(data.get("conversationType")) == DIRECT and conversation:
                self._direct[conversation] = sender
            if "isAdmin" in data:
                self._admins[sender] = bool(data["isAdmin"])

    def conversation(self, workspace: str, channel: str) -> Conversation:
        with self._lock:
            person = self._direct.get(channel)
        return Conversation("direct", frozenset({person})) if person is not None else Conversation("private", None)

    def is_admin(self, workspace: str, user: str) -> bool:
        with self._lock:
            return self._admins.get(user, False)
