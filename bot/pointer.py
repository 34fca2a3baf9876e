"""Where a private note went, said in the group: for a platform that delivers a note for one person in their
private chat with the bot (DingTalk: a robot cannot show one member of a group a message the others do not
see, so `ephemeral` goes to the person's 1:1 chat, `adapters.dingtalk.app`).

Why a pointer at all: on Slack the answer to `show 3` appears where it was asked ("only visible to you"); on
DingTalk it appears in another chat, and someone who typed in a busy group and sees nothing there would type it
again. Why so little of one: it says only that the answer went to the private chat and whom it is for — no word
of the answer (a confidential meeting's details, someone's own action items, a refusal stay private), in the
language the answer is in, as an outbox row like every message (after the private note, in the same
conversation, so it waits behind a throttled note and never overtakes it). And at most once per person per
group in `WINDOW`, so a busy group is not filled with them: the row's `dedupe_key` names the person, the group
and the window it was written in, and the event holds its conversation's lock (`repo.lock_conversation`), so
two instances cannot both decide it is the first. A note that turns out undeliverable (the person cannot be
reached privately) takes its pointer with it (`Core.deliver`): the group is never told of an answer nobody got.
An answer the tick posts later (a reminder, the busy notice,
the apology for a failure) brings no pointer: the pointer is for the person who just typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import outbox
from bot.events import Inbound
from bot.i18n import t
from bot.messages import OutMessage, Target
from store import repo

WINDOW = timedelta(hours=6)  # at most one pointer per person per group in this long


@dataclass(frozen=True)
class Pointer:
    message: OutMessage
    key: str  # its outbox row's dedupe_key


def window_key(workspace_id: int, channel: str, user: str, window: int) -> str:
    """The dedupe_key of a pointer to `user` in `channel` written in window number `window` (of `WINDOW`)."""
    who = hashlib.sha256(f"{workspace_id}\n{channel}\n{user}".encode()).hexdigest()[:40]
    return f"{outbox.POINTER_KEY}{who}:{window}"


def pointer(session: Session, workspace_id: int, inbound: Inbound, messages: list[OutMessage],
            now: datetime) -> Pointer | None:
    """The group's pointer to the private chat where the speaker's answer went, when `messages` hold a private
    note to them from a group and none was said there in the last `WINDOW`; else None."""
    user = inbound.user.platform_id
    note = next((m for m in messages if m.target.kind == "ephemeral" and m.target.user == user
                 and m.target.channel == inbound.channel), None)
    if note is None or inbound.is_direct or not inbound.channel:
        return None
    window = int(now.timestamp() // WINDOW.total_seconds())
    earlier = repo.outbox_keyed(session, window_key(workspace_id, inbound.channel, user, window - 1))
    if repo.outbox_keyed(session, window_key(workspace_id, inbound.channel, user, window)) is not None or (
            earlier is not None and earlier.created_at > now - WINDOW):
        return None
    known = repo.user_by_platform_id(session, workspace_id, user)  # a click names no one: their name as stored
    who = known.display_name if known is not None else inbound.user.display_name
    text = "📩 " + t(note.lang, "note.answered_privately", who=who)
    message = OutMessage(target=Target(kind="channel", channel=inbound.channel), text=text, lang=note.lang)
    return Pointer(message, window_key(workspace_id, inbound.channel, user, window))
