"""The scheduler's side of the core: turn due `Notification` rows into messages, each exactly when due.

The database is the source of truth for time. A tick claims a batch of one platform's due rows (locked `FOR
UPDATE SKIP LOCKED`, so several instances never take the same row) and marks them `sending`; the caller
posts each row's one message after that transaction and reports back with `finish`, row by row, so a crash
loses at most the one message in flight. A row whose claimer died is claimed again after the lease. A failed
post returns the row to `pending` with a growing delay, without holding up other rows. Rows that no longer
make sense (a "starts in 15 min" for a meeting that started, a reminder for an item already done) are
dropped, so a bot that was down for two days sends what is still useful, once, and nothing stale.

The messages events produce go through the same rows (`enqueue`, kind `outbox`, see `bot.outbox`): their
retries, lease and exactly-once are the reminders'. Each kind has one renderer, registered with `renders`.
The platform's `Directory` (whose manager is whose, for a late plan step's escalation) rides on the claiming
session (`session.info`, put there by `claim`), so every renderer keeps one signature.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import board_views, followup, outbox, plan_views, superiors, views
from bot.access import Directory, OpenDirectory
from bot.config import Settings
from bot.i18n import Lang, t
from bot.locale import as_lang, language_of, zone_of
from bot.messages import Button, OutMessage, RefSpec, Section, Target
from bot.timeparse import format_date, format_when
from bot.workdays import WorkCalendar, calendar_for
from store import plans, repo, scheduling
from store.models import (
    ActionItem,
    AgendaItem,
    Incident,
    Meeting,
    MeetingPlan,
    Notification,
    NotificationKind,
    OpenQuestion,
    PlanStep,
    PrepTask,
    User,
)

log = logging.getLogger(__name__)

Kind = NotificationKind
CLAIM_BATCH = 50
UNDELIVERABLE = "undeliverable: "  # prefix of a send error that retrying cannot fix
OVERRUN_GRACE = timedelta(minutes=5)  # how long past its planned end an agenda item may run before the bot says so
MAX_BACKOFF = timedelta(hours=1)
ITEM_REMINDERS = (Kind.ITEM_BEFORE, Kind.ITEM_DUE, Kind.ITEM_OVERDUE)  # stages, earliest first
QUESTION_REMINDERS = (Kind.QUESTION_DUE, Kind.QUESTION_OVERDUE)
ON_TIME_WINDOW = timedelta(weeks=4)
SUM_UP_BEFORE = timedelta(minutes=10)  # the host's "time to sum up", before a running meeting's planned end
DIGEST_GRACE = timedelta(days=1)  # a digest later than this describes a week long gone: skip to the next

Renderer = Callable[[Session, Settings, Notification, datetime], "OutMessage | None"]
"""The message a due row stands for at `now`, or None when it has gone stale."""
RENDERERS: dict[NotificationKind, Renderer] = {}
DIRECTORY = "quorum.directory"  # the `session.info` key of the platform's Directory during a claim


def renders(*kinds: NotificationKind) -> Callable[[Renderer], Renderer]:
    """Register the renderer of these kinds (a kind has exactly one)."""

    def register(renderer: Renderer) -> Renderer:
        for kind in kinds:
            assert kind not in RENDERERS, f"two renderers for {kind}"
            RENDERERS[kind] = renderer
        return renderer

    return register


@dataclass(frozen=True)
class Claim:
    """A row this process holds (`sending`) and is to post; `conversation` orders outbox rows (None: a
    scheduled row, independent of every other)."""

    notification_id: int
    message: OutMessage
    conversation: str | None = None
    kind: str = Kind.OUTBOX  # the row's NotificationKind, for whoever counts what was sent
    pointer: bool = False  # a group's pointer to the private note before it: dropped if that note is undeliverable


@dataclass(frozen=True)
class Finished:
    """How `finish` left a row: `retry_at` when it waits out a backoff, `notice` for the host when the
    recipient can never be reached."""

    retry_at: datetime | None = None
    notice: OutMessage | None = None


@dataclass(frozen=True)
class Batch:
    """What one claim took: the rows to post, and where the tick's next claim resumes (`repo.claim_due`)."""

    claims: list[Claim]
    resume_after: tuple[datetime, int] | None


def claim(session: Session, settings: Settings, platform: str, now: datetime,
          directory: Directory | None = None, after: tuple[datetime, int] | None = None) -> Batch:
    claims = []
    session.info[DIRECTORY] = directory or OpenDirectory()
    lease = timedelta(seconds=settings.claim_lease_seconds)
    for row in repo.claim_due(session, platform, now, lease, CLAIM_BATCH, after):
        assert row.id is not None
        if row.status == "pending":
            after = (row.due_at, row.id)  # in due order: the last pending row taken is the furthest
        message = render(session, settings, row, now)
        if message is None:
            row.status = "dropped"
            continue
        row.status = "sending"
        row.claimed_at = now
        row.attempts += 1
        message = addressed(session, row.workspace_id, message)
        claims.append(Claim(row.id, message, conversation_of(row), row.kind, is_pointer(row.dedupe_key)))
    return Batch(claims, after)


def directory_of(session: Session) -> Directory:
    """The platform's directory of the claim in progress (a tick without one: a platform that tells nothing)."""
    found = session.info.get(DIRECTORY)
    return found if found is not None else OpenDirectory()


def conversation_of(row: Notification) -> str | None:
    if row.kind != Kind.OUTBOX:
        return None
    return outbox_conversation(row.workspace_id, row.channel_id)


def outbox_conversation(workspace_id: int, channel_id: str | None) -> str:
    return f"{workspace_id}/{channel_id}"


def enqueue(
    session: Session, workspace_id: int, platform: str, messages: list[OutMessage], now: datetime,
    keys: Mapping[int, str] | None = None,
) -> list[Claim]:
    """Write `messages` as outbox rows, claimed by the caller, who posts them (in order) after the commit;
    `keys` gives some of them (by position) a `dedupe_key` to be found by later."""
    claims = []
    for n, message in enumerate(messages):  # one by one: the ids keep the order
        key = keys.get(n) if keys else None
        row = outbox.row(workspace_id, platform, message, now) | ({"dedupe_key": key} if key else {})
        row_id = repo.add_notification(session, row)
        claims.append(Claim(row_id, addressed(session, workspace_id, message),
                            outbox_conversation(workspace_id, row["channel_id"]), pointer=is_pointer(key)))
    return claims


def replace_pending(
    session: Session, workspace_id: int, platform: str, messages: list[OutMessage], now: datetime, *,
    due_at: datetime, key: str, meeting_id: int | None = None,
) -> None:
    """Write `messages` as outbox rows the tick posts at `due_at`, in place of the rows written under `key` that
    are still waiting: however many events write them before then, they go out once, as the last one decided.
    Rows already posted stay posted (a later call writes a new set). Callers hold the conversation's lock."""
    for stale in repo.pending_outbox(session, key, meeting_id=meeting_id):
        stale.status, stale.payload = "dropped", None
    batch = uuid.uuid4().hex  # the set's own keys: dedupe_key is unique, and posted sets keep theirs
    for n, message in enumerate(messages):
        session.add(outbox.deferred_row(workspace_id, platform, message, now, max(due_at, now),
                                        f"{key}{batch}:{n}", meeting_id))
        session.flush()  # one by one: the ids keep the order


def addressed(session: Session, workspace_id: int, message: OutMessage) -> OutMessage:
    """`message` with its team named in its target: a platform serving several teams (Slack installed in many
    workspaces) posts each with that team's own token, now or from a later tick."""
    if message.target.workspace:
        return message
    target = replace(message.target, workspace=repo.workspace_external_id(session, workspace_id))
    return replace(message, target=target)


def render(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """The message a due row stands for, or None when it has gone stale (or is of a kind this version
    does not know: it is then marked failed, not retried by every tick)."""
    try:
        kind = Kind(row.kind)
    except ValueError:
        log.error("notification %s has an unknown kind %r; marking it failed", row.id, row.kind)
        row.status, row.last_error = "failed", f"unknown kind {row.kind!r}"
        return None
    return RENDERERS[kind](session, settings, row, now)


def finish(
    session: Session, settings: Settings, notification_id: int, now: datetime, error: str | None
) -> Finished:
    """Record how the post went; a delivered row may schedule what follows it. A row that can never be
    delivered is marked failed, with the notice for the person who should know."""
    if error is None and repo.mark_sent(session, notification_id, now):
        return Finished()  # the usual case, without loading the row
    row = repo.notification(session, notification_id)
    if row is None or row.status != "sending":
        return Finished()
    if error is not None and error.startswith(UNDELIVERABLE):
        row.status = "failed"
        row.last_error = error[:500]
        if row.action_item_id is not None and row.recipient_id is not None:  # its later reminders would fail too
            repo.drop_pending_to(session, row.action_item_id, row.recipient_id)
        return Finished(notice=undeliverable_notice(session, settings, row, error.removeprefix(UNDELIVERABLE)))
    if error is not None:
        row.status = "pending"
        row.last_error = error[:500]
        row.due_at = now + min(MAX_BACKOFF, timedelta(minutes=2 ** min(row.attempts, 10)))
        if row.kind == Kind.OUTBOX:
            repo.delay_followers(session, row, row.due_at)
        return Finished(retry_at=row.due_at)
    row.status = "sent"
    row.sent_at = now
    if row.kind == Kind.OUTBOX:
        row.payload = None  # it is on the platform now; an attachment kept twice is only weight
    if row.kind == Kind.ITEM_OVERDUE and row.action_item_id is not None:
        item = session.get(ActionItem, row.action_item_id)
        meeting = followup.meeting_of(session, item) if item else None
        if item is not None and meeting is not None and meeting.important:
            followup.next_daily_overdue(session, settings, item, now)
    return Finished()


def is_pointer(dedupe_key: str | None) -> bool:
    return dedupe_key is not None and dedupe_key.startswith(outbox.POINTER_KEY)


def drop(session: Session, notification_id: int) -> None:
    """Give up a claimed row unposted: what it says is no longer true (a pointer to a note nobody got)."""
    row = repo.notification(session, notification_id)
    if row is not None and row.status == "sending":
        row.status, row.payload = "dropped", None


def hold(session: Session, notification_id: int, until: datetime) -> None:
    """Give back a claimed row, unposted, until `until`: an earlier message to its conversation failed and
    must go first. Its claim was not an attempt."""
    row = repo.notification(session, notification_id)
    if row is None or row.status != "sending":
        return
    row.status = "pending"
    row.attempts = max(0, row.attempts - 1)
    row.due_at = max(row.due_at, until)


def undeliverable_notice(session: Session, settings: Settings, row: Notification, reason: str) -> OutMessage | None:
    """Tell the host (else the item's creator) privately that someone never got a message, and what it was."""
    message = outbox.decode(row.payload) if row.kind == Kind.OUTBOX and row.payload else None
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    if recipient is None and message is not None and message.target.kind != "channel" and message.target.user:
        recipient = repo.user_by_platform_id(session, row.workspace_id, message.target.user)
    item = session.get(ActionItem, row.action_item_id) if row.action_item_id else None
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    if meeting is None and item is not None:
        meeting = followup.meeting_of(session, item)
    hosts = followup.escalation_recipients(session, item) if item is not None else []
    if not hosts and meeting is not None and meeting.id is not None:
        hosts = [u for p, u in repo.participants(session, meeting.id) if p.role == "host"]
    host = next((h for h in hosts if recipient is None or h.id != recipient.id), None)
    if host is None:
        return None
    lang = language_of(host, settings)
    if item is not None:
        what = f"#{item.number} {item.text}"
    elif message is not None:
        what = (message.title or message.text).splitlines()[0][:120] if (message.title or message.text) else row.kind
    else:
        what = meeting.title if meeting is not None else row.kind
    who = recipient.display_name if recipient is not None else t(lang, "action.unassigned")
    return OutMessage(lang=lang, target=Target(kind="direct", user=host.platform_user_id),
                      text="⚠️ " + t(lang, "undeliverable.notice", who=who, what=what, reason=reason[:200]))


@renders(Kind.OUTBOX)
def outbox_message(_session: Session, _settings: Settings, row: Notification, _now: datetime) -> OutMessage | None:
    """An event's message, as it was decided: still right to send late (a card update carries the whole card)."""
    if row.payload is None:
        return None
    return outbox.decode(row.payload)


@renders(Kind.WEEKLY_DIGEST)
def claim_digest(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """Render a due digest and schedule the channel's next one: the series goes on from the claim, whatever
    becomes of this send, and stops only when the channel has nothing open."""
    assert row.channel_id is not None
    local = followup.channel_settings(session, settings, row.workspace_id, row.channel_id)
    message = weekly_digest(session, row, local, now)
    if message is not None or repo.channel_has_open_actions(session, row.workspace_id, row.channel_id):
        followup.ensure_digest(session, settings, row.workspace_id, row.channel_id, now, local)
    return message


@renders(Kind.AGENDA_TIME_UP, Kind.AGENDA_OVERRUN)
def agenda_timer(session: Session, _settings: Settings, row: Notification, _now: datetime) -> OutMessage | None:
    """The channel message a due timer row stands for; None when its item is no longer being discussed."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    item = session.get(AgendaItem, row.agenda_item_id) if row.agenda_item_id else None
    if meeting is None or item is None or meeting.status != "in_progress" or item.ended_at is not None:
        return None
    lang = as_lang(meeting.language)
    target = Target(kind="channel", channel=meeting.channel_id)
    if meeting.confidential:  # agenda titles are the meeting's content: its host hears the timer privately
        host = session.get(User, meeting.created_by_id)
        assert host is not None
        target = Target(kind="direct", user=host.platform_user_id)
    if row.kind == Kind.AGENDA_OVERRUN:
        late = round(OVERRUN_GRACE.total_seconds() / 60)
        return OutMessage(lang=lang, target=target, text=t(lang, "agenda.overrun", title=item.title, minutes=late))
    assert meeting.id is not None
    following = next((i for i in repo.agenda(session, meeting.id) if i.position > item.position), None)
    button = (Button(t(lang, "button.next_item"), f"next {item.position}", "primary"),)
    if following is None:
        text = t(lang, "agenda.time_up_last", title=item.title)
        return OutMessage(lang=lang, target=target, text=text, buttons=button)
    label = views.agenda_label(following, views.presenter_of(session, following), lang)
    text = t(lang, "agenda.time_up", title=item.title, item=label)
    return OutMessage(lang=lang, target=target, text=text, buttons=button)


@renders(Kind.SUM_UP)
def sum_up_notice(session: Session, settings: Settings, row: Notification, _now: datetime) -> OutMessage | None:
    """To a host, privately: the meeting is to end in ten minutes, time to read back what was decided."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    host = session.get(User, row.recipient_id) if row.recipient_id else None
    if meeting is None or host is None or meeting.status != "in_progress":
        return None
    lang, zone = language_of(host, settings, meeting.language), zone_of(host, settings)
    minutes = round(SUM_UP_BEFORE.total_seconds() / 60)
    return OutMessage(lang=lang, target=Target(kind="direct", user=host.platform_user_id),
                      text="⏳ " + t(lang, "sum_up.text", number=meeting.number, title=meeting.title, minutes=minutes,
                                    end=f"{meeting.end_at.astimezone(zone):%H:%M}"))


@renders(Kind.MATERIALS_DUE)
def materials_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """To the presenter, privately: the meeting's materials are due and not posted yet."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    presenter = session.get(User, row.recipient_id) if row.recipient_id else None
    owed = scheduling.materials(session, meeting.id) if meeting is not None and meeting.id is not None else None
    if meeting is None or presenter is None or owed is None or owed.posted_at is not None:
        return None
    if meeting.status != "scheduled" or meeting.start_at <= now or owed.presenter_id != presenter.id:
        return None
    lang, zone = language_of(presenter, settings, meeting.language), zone_of(presenter, settings)
    where = "\n" + t(lang, "materials.where", link=owed.link) if owed.link else ""
    return OutMessage(lang=lang, target=Target(kind="direct", user=presenter.platform_user_id),
                      text="📎 " + t(lang, "materials.remind", number=meeting.number, title=meeting.title,
                                    date=format_date(owed.due_on, lang),
                                    when=format_when(meeting.start_at.astimezone(zone), zone, lang)) + where)


@renders(Kind.MEETING_REMINDER, Kind.RSVP_CHASE)
def meeting_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    if meeting is None or meeting.status != "scheduled" or meeting.start_at <= now:
        return None
    view = views.load(session, meeting)
    if row.kind == Kind.MEETING_REMINDER:
        return meeting_reminder(view, now)
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    return rsvp_chase(settings, view, recipient, now)


@renders(*QUESTION_REMINDERS)
def question_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    question = session.get(OpenQuestion, row.question_id) if row.question_id else None
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    if question is None or question.resolved_at or question.removed_at or recipient is None:
        return None
    later = QUESTION_REMINDERS[QUESTION_REMINDERS.index(Kind(row.kind)) + 1 :]
    if later and repo.later_stage_due(session, later, now, question_id=question.id):
        return None  # after downtime, only the newest of a question's stacked reminders is worth sending
    return question_reminder(session, settings, question, recipient)


def late_plan_step(session: Session, row: Notification) -> tuple[Meeting, MeetingPlan, PlanStep] | None:
    """The still-pending step of the plan's current submission this row was scheduled for, if it is one."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    found = plans.plan_of(session, meeting.id) if meeting is not None and meeting.id is not None else None
    if meeting is None or found is None or found.id is None:
        return None
    for step in plans.steps(session, found.id, found.version):
        if step.status != "pending" or step.approver_id != row.recipient_id or step.opened_at is None:
            continue
        deadline = plan_views.first_deadline(found, step)  # an escalation moves `due_at`; the rows keep the first
        due = deadline if row.kind == Kind.PLAN_STEP_OVERDUE else deadline + plan_views.escalation_delay(
            found, step.stage)
        if due == row.due_at:  # a row of an earlier submission never matches the current step's clock
            return meeting, found, step
    return None


@renders(Kind.PLAN_STEP_OVERDUE, Kind.PLAN_STEP_ESCALATION, Kind.PLAN_STEP_LATE_NOTICE)
def plan_step_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """A step past its deadline: its approver is reminded; half a window later the approver's superior gets
    the plan to decide (once), and the requester is told."""
    found = late_plan_step(session, row)
    if found is None:
        return None
    meeting, plan, step = found
    approver, requester = session.get(User, step.approver_id), session.get(User, meeting.created_by_id)
    assert approver is not None and requester is not None
    superior_id = superiors.superior_of(session, directory_of(session), meeting.workspace_id, step.approver_id,
                                        meeting.channel_id, now)
    superior = session.get(User, superior_id) if superior_id else None

    def stage_of(lang: Lang) -> str:
        return t(lang, "plan.stage." + step.stage)

    if row.kind == Kind.PLAN_STEP_OVERDUE:
        plans.add_event(session, plan, now, "reminded", None, step.stage)
        lang, zone = language_of(approver, settings, meeting.language), zone_of(approver, settings)
        text = t(lang, "plan.overdue", stage=stage_of(lang), who=requester.display_name,
                 later=format_when((now + plan_views.escalation_delay(plan, step.stage)).astimezone(zone), zone, lang))
        return plan_views.step_card(session, meeting, plan, step, approver, lang, zone, text)
    new_deadline = plan_views.escalated_deadline(plan, step)  # the same whichever of the two rows goes first
    if row.kind == Kind.PLAN_STEP_LATE_NOTICE:
        lang, zone = language_of(requester, settings, meeting.language), zone_of(requester, settings)
        key = "plan.late_escalated" if superior else "plan.late_no_superior"
        return plan_views.note_to(requester, lang, t(
            lang, key, number=meeting.number, stage=stage_of(lang), who=approver.display_name,
            superior=superior.display_name if superior else "",
            due=format_when(new_deadline.astimezone(zone), zone, lang)), meeting)
    if superior is None or step.escalated_to_id is not None:
        return None
    step.escalated_to_id, step.due_at = superior.id, new_deadline
    plans.add_event(session, plan, now, "escalated", None, step.stage, "@" + superior.display_name)
    lang, zone = language_of(superior, settings, meeting.language), zone_of(superior, settings)
    text = t(lang, "plan.escalated", stage=stage_of(lang), who=approver.display_name, requester=requester.display_name,
             due=format_when(new_deadline.astimezone(zone), zone, lang))
    return plan_views.step_card(session, meeting, plan, step, superior, lang, zone, text)


@renders(*board_views.TASK_OFFSETS)
def task_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """A preparation task not done: 24 h ahead to its owner; at the deadline to the owner, the executive and the
    requester; a day late a warning to the owner and the requester. Stale once done or its deadline moved."""
    task = session.get(PrepTask, row.task_id) if row.task_id else None
    if task is None or task.status == "done" or task.deadline + board_views.TASK_OFFSETS[Kind(row.kind)] != row.due_at:
        return None
    meeting, to = session.get(Meeting, task.meeting_id), session.get(User, row.recipient_id)
    owner = session.get(User, task.owner_id)
    assert meeting is not None and to is not None and owner is not None
    lang, zone = language_of(to, settings, meeting.language), zone_of(to, settings)
    whose = "own" if to.id == task.owner_id else "copy"
    text = t(lang, f"task.{row.kind}.{whose}", number=task.number, text=task.text, owner=owner.display_name,
             meeting=meeting.number, due=format_when(task.deadline.astimezone(zone), zone, lang))
    return board_views.direct(to, lang, text, meeting)


@renders(Kind.PREP_CHECKIN)
def prep_checkin(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """Weekly until the event: its board in its channel (the next week's row is written here, while the event is
    still ahead)."""
    task = session.get(PrepTask, row.task_id) if row.task_id else None
    meeting = session.get(Meeting, task.meeting_id) if task is not None else None
    if meeting is None or meeting.status != "scheduled" or meeting.start_at <= now:
        return None
    following = row.due_at + board_views.CHECKIN_EVERY
    if following < meeting.start_at:
        followup.schedule(session, row.workspace_id, Kind.PREP_CHECKIN, following, now, task_id=row.task_id,
                          channel_id=row.channel_id)
    local = followup.channel_settings(session, settings, meeting.workspace_id, meeting.channel_id)
    lang = as_lang(local.language)
    message = board_views.board_message(session, meeting, lang, local.zone, now,
                                        Target(kind="channel", channel=meeting.channel_id))
    return replace(message, text=t(lang, "board.checkin") + " " + message.text)


@renders(Kind.INCIDENT_ACK_REMIND, Kind.INCIDENT_ESCALATION)
def incident_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """An incident not acknowledged: its handler is reminded; at 15 minutes the requester (or, when the handler
    has a superior, configured or in the org chart, that superior) gets it, once, with the handler named."""
    incident = session.get(Incident, row.incident_id) if row.incident_id else None
    if incident is None or incident.acked_at is not None or incident.status == "closed":
        return None
    meeting, handler = session.get(Meeting, incident.meeting_id), session.get(User, incident.handler_id)
    assert meeting is not None and handler is not None
    if row.kind == Kind.INCIDENT_ACK_REMIND:
        lang, zone = language_of(handler, settings, meeting.language), zone_of(handler, settings)
        return board_views.incident_card(incident, meeting, handler, lang, zone, t(
            lang, "incident.remind", number=incident.number, text=incident.text))
    superior = superiors.superior_of(session, directory_of(session), meeting.workspace_id, handler.id or 0,
                                     meeting.channel_id, now)
    to = session.get(User, superior or meeting.created_by_id)
    assert to is not None
    incident.escalated_at = now
    lang, zone = language_of(to, settings, meeting.language), zone_of(to, settings)
    return board_views.incident_card(incident, meeting, to, lang, zone, t(
        lang, "incident.escalated", number=incident.number, text=incident.text, handler=handler.display_name),
        overdue=True)


def open_item_and_recipient(session: Session, row: Notification) -> tuple[ActionItem, User] | None:
    item = session.get(ActionItem, row.action_item_id) if row.action_item_id else None
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    if item is None or item.status not in followup.ITEM_OPEN or item.removed_at or recipient is None:
        return None
    return item, recipient


@renders(Kind.ITEM_CONFIRM_CHECK)
def confirm_check_notice(session: Session, settings: Settings, row: Notification, _now: datetime) -> OutMessage | None:
    found = open_item_and_recipient(session, row)
    if found is None or found[0].acknowledged_at or found[0].declined_reason:
        return None
    return confirm_check(session, settings, *found)


@renders(Kind.ITEM_ESCALATION)
def escalation_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    found = open_item_and_recipient(session, row)
    return None if found is None else escalation(session, settings, *found, now)


@renders(*ITEM_REMINDERS)
def item_notice(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    found = open_item_and_recipient(session, row)
    if found is None or found[1].id != found[0].owner_id:
        return None
    item, owner = found
    kind = Kind(row.kind)
    later = ITEM_REMINDERS[ITEM_REMINDERS.index(kind) + 1 :]
    if later and repo.later_stage_due(session, later, now, item_id=item.id):
        return None  # after downtime, only the newest of an item's stacked reminders is worth sending
    return item_reminder(session, settings, item, owner, kind, now)


def meeting_reminder(view: views.MeetingView, now: datetime) -> OutMessage:
    m = view.meeting
    lang, zone = as_lang(m.language), view.zone
    minutes_left = round((m.start_at - now).total_seconds() / 60)
    signed = view.signed_in()
    waiting = [u for u in view.answered(None) if u not in signed]  # signing in early answers the invitation
    shared = views.shared_title(m, lang)  # the channel reads it: a confidential meeting keeps its subject
    text = t(lang, "reminder.starts", number=m.number, title=shared, left=views.span(minutes_left, lang))
    if waiting and not m.confidential:
        text += "\n" + t(lang, "reminder.waiting", names=views.names(waiting, lang))
    return OutMessage(lang=lang,
        target=Target(kind="channel", channel=m.channel_id),
        text=text,
        fields=views.confidential_fields(view, lang, zone) if m.confidential else views.detail_fields(view, lang, zone),
        sections=() if m.confidential else (views.rsvp_section(view, lang, signed_in_apart=True),),
        mentions=tuple(u.platform_user_id for p, u in view.people if p.rsvp != "no" and p.checked_in_at is None),
    )


def rsvp_chase(settings: Settings, view: views.MeetingView, user: User | None, now: datetime) -> OutMessage | None:
    m = view.meeting
    answered = {u.id for p, u in view.people if p.rsvp is not None or p.checked_in_at is not None}
    if user is None or user.id in answered or m.rsvp_deadline is None or m.rsvp_deadline <= now:
        return None
    if user.id not in {u.id for _p, u in view.people}:
        return None
    lang, zone = language_of(user, settings, m.language), zone_of(user, settings)
    return OutMessage(lang=lang,
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


def conversation_language(session: Session, item: ActionItem | OpenQuestion) -> str | None:
    """The language of where the item was born: its meeting's, else its channel's."""
    meeting = followup.meeting_of(session, item)
    if meeting is not None:
        return meeting.language
    channel = repo.channel(session, item.workspace_id, item.channel_id)
    return channel.language if channel else None


def item_calendar(session: Session, settings: Settings, item: ActionItem) -> WorkCalendar:
    return calendar_for(followup.channel_settings(session, settings, item.workspace_id, item.channel_id).holidays)


def item_fields(session: Session, item: ActionItem, lang: Lang) -> tuple[tuple[str, str], ...]:
    meeting = followup.meeting_of(session, item)
    rows = [(t(lang, "field.item"), f"#{item.number} {item.text}")]
    if meeting is not None:
        rows.append((t(lang, "field.meeting"), f"#{meeting.number} {meeting.title}"))
    rows.append((t(lang, "field.due"), format_date(item.due_on, lang) if item.due_on else t(lang, "action.no_due")))
    if item.deliverable:
        rows.append((t(lang, "field.deliverable"), item.deliverable))
    if item.status != "open":
        rows.append((t(lang, "field.status"), t(lang, "item_status." + item.status)))
    return tuple(rows)


def item_reminder(
    session: Session, settings: Settings, item: ActionItem, owner: User, kind: NotificationKind, now: datetime
) -> OutMessage:
    lang = language_of(owner, settings, conversation_language(session, item))
    assert item.due_on is not None
    due = format_date(item.due_on, lang)
    if kind == Kind.ITEM_OVERDUE:
        today = now.astimezone(zone_of(owner, settings)).date()
        late = item_calendar(session, settings, item).workdays_between(item.due_on, today)
        text = t(lang, "remind.overdue", number=item.number, date=due, days=max(late, 1))
    elif kind == Kind.ITEM_DUE:
        text = t(lang, "remind.due_today", number=item.number)
    else:
        text = t(lang, "remind.before", number=item.number, date=due)
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=owner.platform_user_id),
        title=t(lang, "remind.title", number=item.number),
        text=text,
        fields=item_fields(session, item, lang),
        buttons=(
            Button(t(lang, "button.done"), f"done {item.number}", "primary"),
            Button(t(lang, "button.in_progress"), f"status {item.number} in progress"),
        ),
        context=t(lang, "remind.hint"),
        ref=RefSpec("reminder", item.workspace_id, action_item_id=item.id, recipient_id=owner.id),
    )


def confirm_check(session: Session, settings: Settings, item: ActionItem, host: User) -> OutMessage:
    lang = language_of(host, settings, conversation_language(session, item))
    owner = session.get(User, item.owner_id) if item.owner_id else None
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=host.platform_user_id),
        text=t(lang, "remind.not_accepted", number=item.number, text=item.text,
               owner=owner.display_name if owner else "?"),
        fields=item_fields(session, item, lang),
    )


def escalation(session: Session, settings: Settings, item: ActionItem, to: User, now: datetime) -> OutMessage:
    lang = language_of(to, settings, conversation_language(session, item))
    owner = session.get(User, item.owner_id) if item.owner_id else None
    assert item.due_on is not None
    late = item_calendar(session, settings, item).workdays_between(
        item.due_on, now.astimezone(zone_of(to, settings)).date()
    )
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=to.platform_user_id),
        title=t(lang, "escalate.title", number=item.number),
        text=t(lang, "escalate.text", number=item.number, text=item.text, days=late,
               owner=owner.display_name if owner else "?", date=format_date(item.due_on, lang)),
        fields=item_fields(session, item, lang),
    )


def question_reminder(session: Session, settings: Settings, question: OpenQuestion, owner: User) -> OutMessage:
    lang = language_of(owner, settings, conversation_language(session, question))
    meeting = followup.meeting_of(session, question)
    origin = f"#{meeting.number} {meeting.title}" if meeting else question.channel_id
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=owner.platform_user_id),
        title=t(lang, "question.title"),
        text=t(lang, "question.remind", text=question.text, origin=origin),
        context=t(lang, "question.hint"),
        ref=RefSpec("question", question.workspace_id, recipient_id=owner.id, question_id=question.id),
    )


def weekly_digest(
    session: Session, row: Notification, local: followup.ChannelSettings, now: datetime
) -> OutMessage | None:
    """Overdue by owner, due this week, done last week and the 4-week on-time rate, for one channel; None
    when it is stale (a later digest of the channel has fallen due since) or the channel has nothing open."""
    assert row.channel_id is not None
    ws, channel_id = row.workspace_id, row.channel_id
    if local.digest_cron is None:
        return None  # turned off for this channel since it was scheduled
    later = followup.next_digest_at(local, row.due_at + timedelta(minutes=1))
    if now - row.due_at > DIGEST_GRACE or (later is not None and later <= now):
        return None
    lang, zone = as_lang(local.language), local.zone
    today = now.astimezone(zone).date()
    week_end = today + timedelta(days=6 - today.weekday())
    done_since = now - timedelta(days=7)
    window_start = (now - ON_TIME_WINDOW).astimezone(zone).date()
    window_end = today - timedelta(days=1)
    items = repo.channel_digest_items(session, ws, channel_id, done_since, window_start, window_end)
    open_items = [i for i in items if i.status in followup.ITEM_OPEN]
    if not open_items:
        return None  # channels with nothing open get nothing
    done = sorted(
        (i for i in items if i.status == "done" and i.completed_at and i.completed_at >= done_since),
        key=lambda i: i.completed_at or now,
    )
    due_window = [i for i in items if i.due_on and window_start <= i.due_on <= window_end and i.status != "cancelled"]

    def line(item: repo.DigestItem, extra: str) -> str:
        text = t(lang, "digest.hidden") if item.confidential else item.text
        return f"#{item.number} {text} · {extra}"

    overdue_owners = tuple(sorted({i.owner_platform_id for i in open_items
                                   if i.owner_platform_id and i.due_on is not None and i.due_on < today}))

    def owner_name(item: repo.DigestItem) -> str:
        return f"@{item.owner_name}" if item.owner_name else t(lang, "action.unassigned")

    overdue: dict[str, list[str]] = {}
    for item in open_items:
        if item.due_on is not None and item.due_on < today:
            days = (today - item.due_on).days
            overdue.setdefault(owner_name(item), []).append(
                "  " + line(item, t(lang, "digest.days_overdue", days=days, date=format_date(item.due_on, lang)))
            )
    this_week = [
        line(i, f"{owner_name(i)} · {t(lang, 'action.due', date=format_date(i.due_on, lang))}")
        for i in open_items
        if i.due_on is not None and today <= i.due_on <= week_end
    ]
    finished = [line(i, owner_name(i)) for i in done]
    on_time = sum(
        1 for i in due_window if i.completed_at and i.due_on and i.completed_at.astimezone(zone).date() <= i.due_on
    )
    rate = (
        t(lang, "digest.rate", percent=round(100 * on_time / len(due_window)), on_time=on_time, total=len(due_window))
        if due_window
        else t(lang, "digest.no_rate")
    )
    none = (t(lang, "minutes.none"),)
    return OutMessage(lang=lang,
        target=Target(kind="channel", channel=channel_id),
        mentions=overdue_owners,  # the people whose items are overdue are told, not just the channel
        title=t(lang, "digest.title"),
        text=t(lang, "digest.text", open=len(open_items), overdue=sum(len(v) for v in overdue.values())),
        sections=(
            Section(t(lang, "digest.overdue"), tuple(x for o, v in sorted(overdue.items()) for x in (o, *v)) or none),
            Section(t(lang, "digest.this_week"), tuple(this_week) or none),
            Section(t(lang, "digest.done"), tuple(finished) or none),
            Section(t(lang, "digest.on_time"), (rate,)),
        ),
    )
