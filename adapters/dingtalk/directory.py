"""DingTalk's side of the core's `Directory` port: what each robot message says, and the organisation's own
directory (who is whose manager) where the app may read it.

A DingTalk robot cannot list a group's members, so a group counts as private with unknown members: its
meetings are for their participants and the people who have written there (`bot.access`). What the platform
does say arrives on every message: `isAdmin` (the sender administers the organization) and whether the
conversation is a 1:1 chat with the robot. Both are remembered per process from the newest message, so an
admin is known as soon as they have written to the robot once.

A person's manager (for the approval of their meeting plans, and the escalation of a late step) and their name
(how a manager who has never written to the robot is shown) come from `topapi/v2/user/get`, cached for an hour
in a bounded map: a plan and its escalation cost one call per person.
An organisation that has not granted the Contact permission (README) answers with an error: the manager is
then unknown (cached like an answer, so the refusal is not asked again each time), logged once per kind of
refusal, and never a crash; configured approvers and the channel default still apply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import requests

from adapters.dingtalk.api import DingTalkApi, DingTalkError, OrgRefused
from adapters.dingtalk.translate import DIRECT
from bot.access import Conversation

log = logging.getLogger(__name__)
ORG_CACHE_SECONDS = 3600.0
ORG_CACHE_SIZE = 4096  # people; the oldest answer goes first


class DingTalkDirectory:
    def __init__(self, api: DingTalkApi | None = None, ttl_seconds: float = ORG_CACHE_SECONDS,
                 max_people: int = ORG_CACHE_SIZE, clock: Callable[[], float] = time.monotonic) -> None:
        self.api = api  # None: no org chart (a robot without API credentials), every manager unknown
        self.ttl = ttl_seconds
        self.max_people = max_people
        self.clock = clock
        self._direct: dict[str, str] = {}  # a 1:1 conversation → its one person
        self._admins: dict[str, bool] = {}  # staff id → isAdmin on their newest message
        # staff id → (when, (name, manager's staff id)) as the org chart said
        self._people: OrderedDict[str, tuple[float, tuple[str | None, str | None]]] = OrderedDict()
        self._logged: set[str] = set()  # kinds of refusal already logged
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

    def manager_of(self, workspace: str, user: str) -> str | None:
        """The staff id of `user`'s manager (`manager_userid`), None when DingTalk names none or refuses."""
        entry = self._entry(user)
        return entry[1] if entry is not None else None

    def name_of(self, workspace: str, user: str) -> str | None:
        """`user`'s name in the org chart (a manager who has never written to the robot is shown by it)."""
        entry = self._entry(user)
        return entry[0] if entry is not None else None

    def _entry(self, user: str) -> tuple[str | None, str | None] | None:
        """(name, manager's staff id) of `user` in the org chart, cached; None while DingTalk does not answer."""
        if self.api is None or not user:
            return None
        with self._lock:
            hit = self._people.get(user)
        if hit is not None and self.clock() - hit[0] < self.ttl:
            return hit[1]
        try:
            detail = self.api.user_detail(user)
            entry = (str(detail.get("name") or "") or None, str(detail.get("manager_userid") or "") or None)
        except OrgRefused as refused:
            self._log_once(refused.code, "DingTalk refused the org chart (%s): managers are unknown; grant the "
                           "Contact permission named in the README", refused)
            entry = (None, None)
        except (DingTalkError, requests.RequestException) as error:  # throttled, down: ask again next time
            self._log_once(type(error).__name__, "DingTalk's org chart did not answer (%s); manager unknown", error)
            return None
        with self._lock:
            self._people[user] = (self.clock(), entry)
            self._people.move_to_end(user)
            while len(self._people) > self.max_people:
                self._people.popitem(last=False)
        return entry

    def _log_once(self, kind: str, message: str, error: Exception) -> None:
        with self._lock:
            first = kind not in self._logged
            self._logged.add(kind)
        if first:
            log.warning(message, error)
