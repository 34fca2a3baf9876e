"""`Core`: what adapters hold. One call per inbound event, one per scheduler tick, each its own session.

The order inside each call is the point: decide and write in one transaction, commit, and only then post
to the platform (a slow or failing platform never holds a database lock), then record what was posted
(message ids that later reactions, clicks and replies refer to) in a second short transaction.
Exceptions outside `bot.errors` are logged with the event that caused them and never reach the adapter's
loop; the person gets a short apology instead of silence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot import jobs, service
from bot.config import Settings
from bot.errors import Undeliverable
from bot.events import Inbound, Person
from bot.i18n import t
from bot.jobs import UNDELIVERABLE
from bot.locale import detect_language
from bot.messages import Outcome, OutMessage, Target
from store import repo
from store.database import make_engine, migrate, session_scope
from store.models import MessageRef

log = logging.getLogger(__name__)

Sender = Callable[[OutMessage], "str | None"]
"""Posts one message on the platform; returns the platform's id for it (None if it has none)."""


class Core:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        migrate(self.engine)

    def handle(self, inbound: Inbound, now: datetime, send: Sender) -> Outcome:
        try:
            with session_scope(self.engine) as session:
                outcome = service.handle(session, self.settings, inbound, now)
        except Exception:
            log.exception("failed to handle %s from %s in %s: %.200r", inbound.kind, inbound.user.platform_id,
                          inbound.channel, inbound.text)
            lang = detect_language(inbound.text) or self.settings.language
            target = Target(kind="ephemeral", channel=inbound.channel, user=inbound.user.platform_id)
            outcome = Outcome([OutMessage(target=target, text="⚠️ " + t(lang, "error.internal"), lang=lang)])
        self.deliver(outcome.messages, now, send)
        return outcome

    def tick(self, now: datetime, send: Sender, max_batches: int = 100) -> int:
        """Send everything due at `now`, batch by batch; returns how many messages were delivered."""
        delivered = 0
        started = time.monotonic()
        for _ in range(max_batches):
            # A long tick must not claim later batches "in the past": another instance would take them as
            # abandoned after the lease and post them a second time. So each batch is stamped with the
            # tick's time plus the real time spent so far (which also works under a virtual clock).
            moment = now + timedelta(seconds=time.monotonic() - started)
            with session_scope(self.engine) as session:
                claims = jobs.claim(session, self.settings, moment)
            if not claims:
                break
            for claim in claims:
                platform_id, error = self.send_one(claim.message, send)
                with session_scope(self.engine) as session:  # what was posted and that it was, in one commit
                    if platform_id is not None and claim.message.ref is not None:
                        self.remember(session, claim.message, platform_id, moment)
                    notice = jobs.finish(session, self.settings, claim.notification_id, moment, error)
                if notice is not None:  # the recipient can never be reached: tell the host, once
                    self.post(notice, moment, send)
                delivered += error is None
        return delivered

    def home(self, platform: str, workspace: str, user: Person, now: datetime) -> OutMessage:
        """The person's own page (open action items with buttons, upcoming meetings with their answer), for an
        adapter's home view; nothing is posted."""
        with session_scope(self.engine) as session:
            return service.home(session, self.settings, platform, workspace, user, now)

    def next_due(self) -> datetime | None:
        with session_scope(self.engine) as session:
            return repo.next_due_at(session)

    def deliver(self, messages: list[OutMessage], now: datetime, send: Sender) -> None:
        """Post each message; a failure is logged and does not stop the others."""
        for message in messages:
            self.post(message, now, send)

    def post(self, message: OutMessage, now: datetime, send: Sender) -> None:
        """Post one message and remember what it is about."""
        platform_id, _error = self.send_one(message, send)
        if message.ref is not None and platform_id is not None:
            with session_scope(self.engine) as session:
                self.remember(session, message, platform_id, now)

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
        ref = repo.message_ref(session, spec.workspace_id, platform_id) or MessageRef(
            workspace_id=spec.workspace_id, platform_message_id=platform_id, channel_id="", kind="", created_at=now
        )
        ref.channel_id = message.target.channel or message.target.user or ""
        ref.kind = spec.kind
        ref.meeting_id = spec.meeting_id
        ref.action_item_id = spec.action_item_id
        ref.question_id = spec.question_id
        ref.recipient_id = spec.recipient_id
        ref.created_at = now
        session.add(ref)
