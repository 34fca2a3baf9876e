"""The scheduler's side of the core: turn due `Notification` rows into messages, exactly when due.

The database is the source of truth for time. A tick claims what is due (rows locked `FOR UPDATE SKIP
LOCKED`, so several instances never take the same row), marks them `sending`, and returns the messages;
the caller posts them after the transaction and reports back with `finish`. A row whose claimer died is
claimed again after `LEASE`. A failed post returns the row to `pending` with a growing delay. Notices that
no longer make sense (a "starts in 15 min" for a meeting that started, ended or was cancelled) are dropped,
so a bot that was down for two days sends what is still useful, once, and nothing stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.i18n import t
from bot.messages import OutMessage, RefSpec, Target
from bot.service import views
from bot.service.context import as_lang, language_of, zone_of
from bot.timeparse import format_when
from store import repo
from store.models import Meeting, Notification

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 200
MAX_BACKOFF = timedelta(hours=1)


@dataclass
class Claim:
    notification_id: int
    messages: list[OutMessage] = field(default_factory=list)


def claim(session: Session, settings: Settings, now: datetime) -> list[Claim]:
    claims = []
    for row in repo.claim_due(session, now, LEASE, CLAIM_BATCH):
        assert row.id is not None
        messages = render(session, settings, row, now)
        if messages:
            row.status = "sending"
            row.claimed_at = now
            row.attempts += 1
            claims.append(Claim(row.id, messages))
        else:
            row.status = "dropped"
    return claims


def finish(session: Session, notification_id: int, now: datetime, delivered: bool) -> None:
    row = repo.notification(session, notification_id)
    if row is None or row.status != "sending":
        return
    if delivered:
        row.status = "sent"
        row.sent_at = now
    else:
        row.status = "pending"
        row.due_at = now + min(MAX_BACKOFF, timedelta(minutes=2 ** min(row.attempts, 10)))


def render(session: Session, settings: Settings, row: Notification, now: datetime) -> list[OutMessage]:
    """The messages a due row stands for, or [] when it has gone stale."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    if meeting is None or meeting.status != "scheduled" or meeting.start_at <= now:
        return []
    view = views.load(session, meeting)
    if row.kind == "meeting_reminder":
        return [meeting_reminder(settings, view, now)]
    if row.kind == "rsvp_chase" and meeting.rsvp_deadline is not None and meeting.rsvp_deadline > now:
        return rsvp_chase(settings, view)
    return []


def meeting_reminder(settings: Settings, view: views.MeetingView, now: datetime) -> OutMessage:
    m = view.meeting
    lang, zone = as_lang(m.language), zone_of(view.creator, settings)
    minutes_left = round((m.start_at - now).total_seconds() / 60)
    waiting = view.answered(None)
    text = t(lang, "reminder.starts", number=m.number, title=m.title, left=views.span(minutes_left, lang))
    if waiting:
        text += "\n" + t(lang, "reminder.waiting", names=views.names(waiting))
    return OutMessage(
        target=Target(kind="channel", channel=m.channel_id),
        text=text,
        fields=views.detail_fields(view, lang, zone),
        sections=(views.rsvp_section(view, lang),),
        mentions=tuple(u.platform_user_id for _p, u in view.people if _p.rsvp != "no"),
    )


def rsvp_chase(settings: Settings, view: views.MeetingView) -> list[OutMessage]:
    m = view.meeting
    assert m.rsvp_deadline is not None
    messages = []
    for _p, user in view.people:
        if _p.rsvp is not None:
            continue
        lang, zone = language_of(user, settings, m.language), zone_of(user, settings)
        messages.append(
            OutMessage(
                target=Target(kind="direct", user=user.platform_user_id),
                title=views.heading(m, lang),
                text=t(
                    lang,
                    "reminder.rsvp_chase",
                    title=m.title,
                    when=format_when(m.start_at.astimezone(zone), zone, lang),
                    deadline=format_when(m.rsvp_deadline.astimezone(zone), zone, lang),
                ),
                buttons=views.rsvp_buttons(m, lang),
                ref=RefSpec("invitation", m.workspace_id, meeting_id=m.id, recipient_id=user.id),
            )
        )
    return messages
