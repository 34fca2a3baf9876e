"""The transactional outbox: every message an event produces is a `Notification` row before it is posted.

`Core.handle` writes the event's messages here inside the event's own transaction, so the effects and what
the bot owes people about them commit together or not at all. The rows are written already claimed by the
writing process (`sending`, `claimed_at` = the event's time): it posts them right after the commit, so a
reply costs no extra latency, and no other instance's tick takes them meanwhile. A post that fails puts
its row back to `pending` with the scheduler's backoff (`jobs.finish`) and the tick retries it like any
reminder; a writer that dies before posting leaves rows that other instances take after the lease.
A message that should wait (the minutes amended by late lines, posted once their window closes) is written
`pending` with a later `due_at` instead, for the tick; a later event may replace it before then
(`jobs.replace_pending`).

Messages are stored whole, as JSON from pydantic over the `OutMessage` dataclasses (new fields serialize
without a change here; binary attachments travel as base64). A card update (`replaces`) retried late is
still right to send: it carries the whole card as it was decided, and updating in place is idempotent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.messages import OutMessage
from store.models import Notification, NotificationKind


class _Envelope(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    message: OutMessage


POINTER_KEY = "pointer:"  # dedupe_key prefix of a group's pointer to a private note (`bot.pointer`)


def encode(message: OutMessage) -> str:
    return _Envelope(message=message).model_dump_json()


def decode(payload: str) -> OutMessage:
    return _Envelope.model_validate_json(payload).message


def conversation(message: OutMessage) -> str:
    """Where a message is read: a channel (ephemeral notes and thread replies are read there too), or a
    person's private chat, as `@` + their platform id. Order is kept per conversation."""
    target = message.target
    if target.kind == "direct":
        return f"@{target.user}"
    return target.channel or f"@{target.user}"


def deferred_row(workspace_id: int, platform: str, message: OutMessage, now: datetime, due_at: datetime,
                 key: str, meeting_id: int | None) -> Notification:
    """An outbox row left `pending` until `due_at` for the tick to post: a message that a later event of the same
    kind may still replace (found again by `key`, a prefix of its `dedupe_key`)."""
    values = row(workspace_id, platform, message, now) | {
        "status": "pending", "claimed_at": None, "attempts": 0, "due_at": due_at, "dedupe_key": key}
    if meeting_id is not None:
        values["meeting_id"] = meeting_id
    return Notification(**values)


def row(workspace_id: int, platform: str, message: OutMessage, now: datetime) -> dict[str, Any]:
    """The outbox row for `message` (its columns' values), claimed by the process writing it (it posts it right
    after the commit). What the message is about (its `ref`) is kept in the row's columns too: the host of an
    unreachable person is found from them, and a meeting purged takes its rows with it."""
    ref = message.ref
    return {
        "workspace_id": workspace_id, "platform": platform, "kind": NotificationKind.OUTBOX.value, "due_at": now,
        "created_at": now, "channel_id": conversation(message)[:128], "payload": encode(message),
        "status": "sending", "claimed_at": now, "attempts": 1, "meeting_id": ref.meeting_id if ref else None,
        "action_item_id": ref.action_item_id if ref else None, "question_id": ref.question_id if ref else None,
        "recipient_id": ref.recipient_id if ref else None,
    }
