"""The outbox: what an event says is written with its effects, posted at once, and retried when refused.

A platform that refuses a post (DingTalk's 403 QpsLimit, Slack's 429 after its retries, a 5xx) used to lose
an event's message; only scheduled reminders were retried. Here a `RefusingChat` refuses chosen posts the
way such a platform does, and the tests check that every message still arrives once, in order, through
the scheduler's tick and backoff, and that its message reference works when it finally arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from bot import jobs, outbox, service
from bot.core import Core
from bot.errors import Undeliverable
from bot.messages import Attachment, Button, OutMessage, RefSpec, Section, Target
from store import repo
from store.database import session_scope
from store.models import ActionItem, Notification, NotificationKind
from tests.conftest import MONDAY_9AM
from tests.harness import Chat

BACKOFF = timedelta(minutes=2)  # the first retry: 2 ** 1 minutes after a failed first attempt


@dataclass
class Refusal:
    """Refuse the next post that `matches`, once, with `error`."""

    matches: Callable[[OutMessage], bool]
    error: Exception


@dataclass
class RefusingChat(Chat):
    refusals: list[Refusal] = field(default_factory=list)
    attempts: list[OutMessage] = field(default_factory=list)

    def send(self, message: OutMessage) -> str:
        self.attempts.append(message)
        for refusal in self.refusals:
            if refusal.matches(message):
                self.refusals.remove(refusal)
                raise refusal.error
        return super().send(message)


def to(user: str) -> Callable[[OutMessage], bool]:
    return lambda message: message.target.kind == "direct" and message.target.user == user


def in_channel(message: OutMessage) -> bool:
    return message.target.kind == "channel"


def outbox_rows(chat: Chat) -> list[Notification]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(Notification).where(Notification.kind == NotificationKind.OUTBOX)
                                 .order_by(col(Notification.id))).all())


@pytest.fixture
def chat(core: Core) -> RefusingChat:
    return RefusingChat(core, MONDAY_9AM)


def test_a_throttled_direct_message_is_delivered_later_by_the_tick_exactly_once(chat: RefusingChat) -> None:
    chat.refusals.append(Refusal(to("bob"), RuntimeError("HTTP 403 Forbidden.AccessDenied.QpsLimitForApi")))
    replies = chat.command("alice", "action @bob write the spec by friday")
    assert [s.message.target.kind for s in replies] == ["channel"]  # the reply is not held up
    assert chat.to("bob") == []
    waiting = [row for row in outbox_rows(chat) if row.status == "pending"]
    assert len(waiting) == 1
    assert waiting[0].due_at == MONDAY_9AM + BACKOFF and waiting[0].attempts == 1
    assert waiting[0].last_error is not None and "QpsLimit" in waiting[0].last_error

    assert chat.advance(BACKOFF - timedelta(seconds=1)) == []  # not before its backoff
    later = chat.advance(timedelta(seconds=1))
    assert [s.message.target.user for s in later] == ["bob"]
    assert "write the spec" in later[0].body
    assert [b.label for b in later[0].message.buttons] == ["Accept", "Can't do", "Done"]
    assert chat.advance(timedelta(hours=1)) == []  # once
    assert [(row.status, row.payload) for row in outbox_rows(chat)] == [("sent", None)] * len(outbox_rows(chat))

    chat.click("bob", later[0].id, "Accept")  # the late message was remembered: its buttons work
    with Session(chat.core.engine) as session:
        assert session.exec(select(ActionItem)).one().acknowledged_at == chat.now


def test_a_refused_channel_reply_is_retried_with_backoff(chat: RefusingChat) -> None:
    for _ in range(2):  # Slack answers 500 twice: the second retry waits 4 minutes
        chat.refusals.append(Refusal(in_channel, RuntimeError("SlackApiError: HTTP 500 internal_error")))
    assert chat.command("alice", "action @bob write the spec by friday") == [
        s for s in chat.sent if s.message.target.user == "bob"
    ]
    assert chat.advance(BACKOFF) == []  # the first retry is refused too
    row = next(r for r in outbox_rows(chat) if r.status == "pending")
    # 4 minutes after the retry (the tick stamps its time plus the real time it has spent, microseconds here)
    assert row.attempts == 2 and timedelta(0) <= row.due_at - (MONDAY_9AM + 3 * BACKOFF) < timedelta(seconds=1)
    posted = chat.advance(2 * BACKOFF + timedelta(seconds=1))
    assert [s.message.target.channel for s in posted] == ["general"]
    assert "write the spec" in posted[0].body
    assert sum(1 for m in chat.attempts if in_channel(m)) == 3


def test_an_events_messages_to_one_conversation_keep_their_order(chat: RefusingChat) -> None:
    """The first of three messages to #general is refused: the other two wait for it, even those of the
    same event already claimed, and all three go out in the order they were written; a message to another
    conversation is not held up."""
    chat.command("alice", "help")  # the workspace exists
    with session_scope(chat.core.engine) as session:
        workspace = repo.workspace(session, chat.platform, chat.workspace, chat.now)
        assert workspace.id is not None
        said = [OutMessage(
            lang="en", target=Target(kind="channel", channel="general"), text=f"part {n}") for n in (1, 2, 3)]
        aside = OutMessage(lang="en", target=Target(kind="direct", user="bob"), text="meanwhile")
        claims = jobs.enqueue(session, workspace.id, chat.platform, [said[0], aside, said[1], said[2]], chat.now)
    chat.refusals.append(Refusal(in_channel, RuntimeError("HTTP 429 ratelimited")))
    before = len(chat.sent)
    assert chat.core.deliver(claims, chat.now, chat.send) == 1
    assert [s.message.text for s in chat.sent[before:]] == ["meanwhile"]
    later = chat.advance(BACKOFF)
    assert [s.message.text for s in later] == ["part 1", "part 2", "part 3"]
    rows = {row.id: row for row in outbox_rows(chat)}
    assert [rows[c.notification_id].attempts for c in claims] == [2, 1, 1, 1]  # a held claim is no attempt


def test_a_failed_message_moves_the_pending_ones_behind_it_to_its_retry_time(chat: RefusingChat) -> None:
    """Followers not in the failing process's hands (pending rows, e.g. beyond its claim batch) are moved in
    the database, so no tick can take them before the message they follow."""
    chat.command("alice", "help")
    with session_scope(chat.core.engine) as session:
        workspace = repo.workspace(session, chat.platform, chat.workspace, chat.now)
        assert workspace.id is not None
        said = [OutMessage(
            lang="en", target=Target(kind="channel", channel="general"), text=f"part {n}") for n in (1, 2)]
        first, second = jobs.enqueue(session, workspace.id, chat.platform, said, chat.now)
        elsewhere = jobs.enqueue(session, workspace.id, chat.platform,
                                 [OutMessage(
                                     lang="en", target=Target(kind="channel", channel="random"), text="x")], chat.now)
    with session_scope(chat.core.engine) as session:
        for claim in (second, *elsewhere):
            jobs.hold(session, claim.notification_id, chat.now)
    with session_scope(chat.core.engine) as session:
        finished = jobs.finish(session, chat.core.settings, first.notification_id, chat.now, "RuntimeError: 429")
    rows = {row.id: row for row in outbox_rows(chat)}
    assert finished.retry_at == chat.now + BACKOFF
    assert rows[second.notification_id].due_at == finished.retry_at
    assert rows[elsewhere[0].notification_id].due_at == chat.now  # another conversation: not held


def test_a_card_update_retried_late_still_updates_the_card(chat: RefusingChat) -> None:
    prompt = chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')[0]
    chat.refusals.append(Refusal(lambda m: m.replaces == prompt.id, RuntimeError("HTTP 503")))
    chat.command("bob", "rsvp 1 yes")
    assert prompt.versions == []
    chat.advance(BACKOFF)
    assert len(prompt.versions) == 1 and "✅ Coming: @alice, @bob" in prompt.body


def test_a_message_that_can_never_arrive_tells_the_host_once(chat: RefusingChat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')
    chat.refusals.append(Refusal(to("bob"), Undeliverable("DingTalk knows no staff id 'bob'")))
    chat.command("alice", "action @bob send the notes by friday")
    notices = [s for s in chat.to("alice") if "can't reach" in s.body]
    assert len(notices) == 1 and "send the notes" in notices[0].body and "bob" in notices[0].body
    assert [r.status for r in outbox_rows(chat) if r.status != "sent"] == ["failed"]
    assert not any("can't reach" in s.body for s in chat.advance(timedelta(hours=1)))


def test_an_internal_error_still_replies_and_the_apology_is_retried(
    chat: RefusingChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(service, "handle", broken)
    chat.refusals.append(Refusal(lambda m: m.target.kind == "ephemeral", RuntimeError("HTTP 502")))
    assert chat.command("alice", "list") == []
    retried = chat.advance(BACKOFF)
    assert len(retried) == 1 and retried[0].message.target.user == "alice" and "⚠️" in retried[0].body
    assert [row.status for row in outbox_rows(chat)] == ["sent"]


def test_rows_of_a_process_that_died_before_posting_go_out_after_the_lease(chat: RefusingChat) -> None:
    """The event committed its rows (claimed by the writer) and the writer died: another instance's tick
    leaves them alone for the lease, then sends each once."""
    chat.command("alice", "help")
    lease = timedelta(seconds=chat.core.settings.claim_lease_seconds)
    with session_scope(chat.core.engine) as session:
        workspace = repo.workspace(session, chat.platform, chat.workspace, chat.now)
        assert workspace.id is not None
        jobs.enqueue(session, workspace.id, chat.platform,
                     [OutMessage(lang="en", target=Target(kind="channel", channel="general"), text="orphan")], chat.now)
    assert chat.core.tick(chat.now + lease - timedelta(seconds=1), chat.send, platform=chat.platform) == 0
    assert chat.core.tick(chat.now + lease, chat.send, platform=chat.platform) == 1
    assert chat.core.tick(chat.now + 2 * lease, chat.send, platform=chat.platform) == 0
    assert [s.message.text for s in chat.sent].count("orphan") == 1


def test_a_message_survives_the_outbox_whole() -> None:
    pdf = bytes(range(256)) * 4  # every byte value: binary attachments must not pass through text
    message = OutMessage(lang="en",
        target=Target(kind="channel", channel="C1", thread="C1/1.2"), text="minutes\nline 2 — 纪要", title="T",
        fields=(("a", "b"),), sections=(Section("h", ("x", "y")), Section(None, ())),
        buttons=(Button("Yes", "rsvp 1 yes", "primary", asks="why?"),), context="small",
        ref=RefSpec("minutes", 7, meeting_id=1, action_item_id=2, recipient_id=3, question_id=4), replaces="C1/0.1",
        mentions=("U1", "U2"), attachments=(Attachment("m.pdf", "", pdf), Attachment("m.md", "# 纪要")),
    )
    assert outbox.decode(outbox.encode(message)) == message
    row = outbox.row(7, "slack", message, MONDAY_9AM)
    assert (row["platform"], row["channel_id"], row["meeting_id"], row["recipient_id"]) == ("slack", "C1", 1, 3)
    assert outbox.conversation(OutMessage(lang="en", target=Target(kind="direct", user="U9"), text="")) == "@U9"


def test_every_notification_kind_has_exactly_one_renderer() -> None:
    assert set(jobs.RENDERERS) == set(NotificationKind)
