"""`Core`: what adapters hold. One call per inbound event, one per scheduler tick, each its own session.

The order inside each call is the point: decide and write in one transaction, commit, and only then post
to the platform (a slow or failing platform never holds a database lock), then record what was posted
(message ids that later reactions, clicks and replies refer to) in a second short transaction.
What an event says is written in its transaction as outbox rows (`jobs.enqueue`), posted by the handling
process right after the commit; a message the platform refuses stays pending and the tick retries it, like
a reminder. An event's messages to one conversation go out in order: after one fails, the rest wait for it.
Every tick is for one platform, named by whoever holds that platform's sender: a process never claims (or
posts through the wrong platform) another platform's rows.
Several instances may share one PostgreSQL database: each event's transaction starts by taking its
conversation's advisory lock (`repo.lock_conversation`), so one conversation's events are applied one at a time
across processes (in the order they get the lock; what the minutes say follows the platform's times, see
`service.records`). The outbox claims (`jobs.claim`) already make every reminder go out once.
An instance does not queue commands without bound: adapters `admit` each command as it arrives (Slack's slash
commands, every DingTalk message; Slack channel chatter is meeting record and is queued), and past
`max_in_flight` waiting or being handled the person gets `busy` ("try again in a moment", through the
outbox like any answer) at once instead of a reply that comes minutes later or never.
Exceptions outside `bot.errors` are logged with the event that caused them and never reach the adapter's
loop; the person gets a short apology instead of silence.
What happened is told to an `Observer` at these two edges (an event handled, a row posted or not), so an
adapter can count it (`adapters/ops.py`) without the core knowing how.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from bot import jobs, pointer, service
from bot.access import Directory, OpenDirectory
from bot.config import Settings
from bot.errors import Undeliverable
from bot.events import Inbound, Person
from bot.i18n import t
from bot.jobs import UNDELIVERABLE, Claim
from bot.limits import RateLimiter
from bot.locale import detect_language
from bot.messages import Outcome, OutMessage, Target
from store import preferences, repo
from store.database import is_retryable, make_engine, migrate, session_scope

log = logging.getLogger(__name__)

TRANSACTION_ATTEMPTS = 5  # an event's transaction, when PostgreSQL aborts it to break a deadlock

Sender = Callable[[OutMessage], "str | None"]
"""Posts one message on the platform; returns the platform's id for it (None if it has none)."""

SendResult = Literal["sent", "retry", "failed"]


class Observer(Protocol):
    """Told what the core did: every event handled, and how every claimed row's post went."""

    def handled(self, inbound: Inbound) -> None: ...

    def delivered(self, kind: str, result: SendResult) -> None: ...


class Unobserved:
    """The observer of a core nobody counts (the console, tests, benchmarks)."""

    def handled(self, inbound: Inbound) -> None:
        pass

    def delivered(self, kind: str, result: SendResult) -> None:
        pass


class Core:
    def __init__(self, settings: Settings, engine: Engine | None = None, directory: Directory | None = None) -> None:
        self.settings = settings
        self.directory: Directory = directory or OpenDirectory()  # the platform's answer to "who is in here"
        # the platform delivers a private note in the person's private chat, not where it was asked (DingTalk):
        # the group is told where the answer went (`bot.pointer`); its adapter sets this
        self.notes_in_private_chat = False
        self.observer: Observer = Unobserved()  # an adapter that counts sets its own
        self.engine = engine or make_engine(settings.database_url)
        # per process: see bot.limits for why not in the database
        self.limiter = RateLimiter(settings.commands_burst, settings.commands_per_minute)
        self.in_flight = 0  # events admitted and not yet released (adapters count them as they arrive)
        self._in_flight_lock = threading.Lock()
        migrate(self.engine)

    def admit(self) -> bool:
        """Count one more event waiting or being handled; False (and not counted) when `max_in_flight` are:
        the adapter answers `busy` instead of queueing it. Every True is paired with one `release`."""
        with self._in_flight_lock:
            if self.in_flight >= self.settings.max_in_flight:
                return False
            self.in_flight += 1
            return True

    def release(self) -> None:
        with self._in_flight_lock:
            self.in_flight -= 1

    def busy(self, inbound: Inbound, now: datetime, send: Sender) -> Outcome:
        """Tell the person this instance is too busy to take `inbound` (which is not handled): one short
        outbox row, posted at once."""
        lang = detect_language(inbound.text) or self.settings.language
        target = Target(kind="ephemeral", channel=inbound.channel, user=inbound.user.platform_id)
        outcome = Outcome([OutMessage(target=target, text="⏳ " + t(lang, "error.busy"), lang=lang)])
        claims = self.enqueue_apart(inbound, outcome.messages, now)
        if claims is None:
            self.send_one(outcome.messages[0], send)
        else:
            self.deliver(claims, now, send)
        return outcome

    def handle(self, inbound: Inbound, now: datetime, send: Sender) -> Outcome:
        """Decide and record what `inbound` means and what to say, in one commit; then say it through `send`
        (the platform `inbound` came from)."""
        try:
            outcome, claims = self.decide(inbound, now)
        except Exception:
            log.exception("failed to handle %s from %s in %s: %.200r", inbound.kind, inbound.user.platform_id,
                          inbound.channel, inbound.text)
            lang = detect_language(inbound.text) or self.settings.language
            target = Target(kind="ephemeral", channel=inbound.channel, user=inbound.user.platform_id,
                            workspace=inbound.workspace)
            outcome = Outcome([OutMessage(target=target, text="⚠️ " + t(lang, "error.internal"), lang=lang)])
            apology = self.enqueue_apart(inbound, outcome.messages, now)
            if apology is None:  # the database itself failed: the apology, at least, without a row
                self.send_one(outcome.messages[0], send)
                self.observer.handled(inbound)
                return outcome
            claims = apology
        self.deliver(claims, now, send)
        self.observer.handled(inbound)
        return outcome

    def decide(self, inbound: Inbound, now: datetime) -> tuple[Outcome, list[Claim]]:
        """The event's transaction, run again when PostgreSQL broke a deadlock by aborting it."""
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                with session_scope(self.engine) as session:
                    repo.lock_conversation(session, inbound.platform, inbound.workspace, inbound.channel)
                    outcome = service.handle(session, self.settings, inbound, now, self.directory,
                                             limiter=self.limiter)
                    return outcome, self.enqueue(session, inbound, outcome.messages, now,
                                                 point=self.notes_in_private_chat)
            except Exception as error:
                if attempt == TRANSACTION_ATTEMPTS or not is_retryable(error):
                    raise
                log.info("retrying %s in %s after %s", inbound.kind, inbound.channel, type(error.__cause__).__name__)
        raise AssertionError("unreachable")

    def tick(self, now: datetime, send: Sender, *, platform: str, max_batches: int = 100) -> int:
        """Send `platform`'s rows due at `now` through `send`, batch by batch; returns how many were delivered."""
        delivered = 0
        started = time.monotonic()
        after: tuple[datetime, int] | None = None  # each batch resumes behind the last (see repo.claim_due)
        for _ in range(max_batches):
            # A long tick must not claim later batches "in the past": another instance would take them as
            # abandoned after the lease and post them a second time. So each batch is stamped with the
            # tick's time plus the real time spent so far (which also works under a virtual clock).
            moment = now + timedelta(seconds=time.monotonic() - started)
            with session_scope(self.engine) as session:
                batch = jobs.claim(session, self.settings, platform, moment, self.directory, after)
            if not batch.claims and batch.resume_after == after:
                break
            after = batch.resume_after
            delivered += self.deliver(batch.claims, moment, send)
        return delivered

    def home(self, platform: str, workspace: str, user: Person, now: datetime) -> OutMessage:
        """The person's own page (open action items with buttons, upcoming meetings with their answer), for an
        adapter's home view; nothing is posted."""
        with session_scope(self.engine) as session:
            return service.home(session, self.settings, platform, workspace, user, now)

    def profile(self, platform: str, workspace: str, person: Person) -> Person:
        """`person` as the platform tells, with the language and timezone they chose themselves over it: what an
        adapter reads a form in before any event reaches the core."""
        with session_scope(self.engine) as session:
            language, timezone = preferences.chosen(session, platform, workspace, person.platform_id)
        return replace(person, language=language or person.language, timezone=timezone or person.timezone)

    def next_due(self, platform: str) -> datetime | None:
        with session_scope(self.engine) as session:
            return repo.next_due_at(session, platform)

    @staticmethod
    def enqueue(session: Session, inbound: Inbound, messages: list[OutMessage], now: datetime,
                point: bool = False) -> list[Claim]:
        """`messages` as outbox rows; with `point`, and a private note among them said in a group, the group's
        pointer to it after them (appended to `messages`, see `bot.pointer`)."""
        if not messages:
            return []
        workspace = repo.workspace(session, inbound.platform, inbound.workspace, now)
        assert workspace.id is not None
        found = pointer.pointer(session, workspace.id, inbound, messages, now) if point else None
        if found is None:
            return jobs.enqueue(session, workspace.id, inbound.platform, messages, now)
        messages.append(found.message)
        return jobs.enqueue(session, workspace.id, inbound.platform, messages, now, {len(messages) - 1: found.key})

    def enqueue_apart(self, inbound: Inbound, messages: list[OutMessage], now: datetime) -> list[Claim] | None:
        """Outbox rows in a transaction of their own (the event's was rolled back); None if that fails too."""
        try:
            with session_scope(self.engine) as session:
                return self.enqueue(session, inbound, messages, now)
        except Exception:
            log.exception("could not write the apology to the outbox either")
            return None

    def deliver(self, claims: list[Claim], now: datetime, send: Sender) -> int:
        """Post each claimed row in order and record how it went, row by row (a crash loses at most the one in
        flight); returns how many went out. A failure holds back the later rows of its conversation."""
        delivered = 0
        waiting: dict[str, datetime] = {}  # conversation → when its failed message is retried
        unreachable: set[str | None] = set()  # conversations where a private note could never be delivered
        for claim in claims:
            if claim.pointer and claim.conversation in unreachable:  # it would point to a note nobody got
                with session_scope(self.engine) as session:
                    jobs.drop(session, claim.notification_id)
                continue
            if claim.conversation is not None and claim.conversation in waiting:
                with session_scope(self.engine) as session:
                    jobs.hold(session, claim.notification_id, waiting[claim.conversation])
                continue
            platform_id, error = self.send_one(claim.message, send)
            try:
                with session_scope(self.engine) as session:  # what was posted and that it was, in one commit
                    if platform_id is not None and claim.message.ref is not None:
                        self.remember(session, claim.message, platform_id, now)
                    finished = jobs.finish(session, self.settings, claim.notification_id, now, error)
                    notices = ([] if finished.notice is None
                               else self.enqueue_notice(session, claim, finished.notice, now))
            except Exception:  # the row stays `sending`: it is posted again after the lease (logged, not lost)
                log.exception("could not record how notification %s went", claim.notification_id)
                continue
            self.observer.delivered(claim.kind, "sent" if error is None else
                                    "retry" if finished.retry_at is not None else "failed")
            if finished.retry_at is not None and claim.conversation is not None:
                waiting[claim.conversation] = finished.retry_at
            if error is not None and error.startswith(UNDELIVERABLE):
                unreachable.add(claim.conversation)
            delivered += error is None
            self.deliver(notices, now, send)  # a notice has no host of its own: this never goes deeper
        return delivered

    @staticmethod
    def enqueue_notice(session: Session, about: Claim, notice: OutMessage, now: datetime) -> list[Claim]:
        """The host's notice that someone cannot be reached: an outbox row of the same workspace and platform."""
        row = repo.notification(session, about.notification_id)
        assert row is not None
        return jobs.enqueue(session, row.workspace_id, row.platform, [notice], now)

    @staticmethod
    def send_one(message: OutMessage, send: Sender) -> tuple[str | None, str | None]:
        """Post one message; returns the platform's id for it and the error (None when it went out)."""
        try:
            return send(message), None
        except Undeliverable as error:
            log.warning("undeliverable to %s: %s", message.target, error)
            return None, f"{UNDELIVERABLE}{error}"
        except Exception as error:
            log.exception("failed to post to %s", message.target)
            return None, f"{type(error).__name__}: {error}"

    @staticmethod
    def remember(session: Session, message: OutMessage, platform_id: str, now: datetime) -> None:
        """Record what a posted message is about; an id the platform hands out again replaces the old record
        (the console's ids restart with each run; platforms never reuse one)."""
        spec = message.ref
        assert spec is not None
        repo.record_message_ref(session, {
            "workspace_id": spec.workspace_id, "platform_message_id": platform_id,
            "channel_id": message.target.channel or message.target.user or "", "kind": spec.kind,
            "meeting_id": spec.meeting_id, "action_item_id": spec.action_item_id, "question_id": spec.question_id,
            "recipient_id": spec.recipient_id, "created_at": now,
        })
