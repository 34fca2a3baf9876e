"""Follow-through planning: which reminders an action item, an open question or a channel needs next.

Every change to an item (created, accepted, done, delayed, reopened…) calls `replan_item`, which drops the
item's pending rows and writes the ones that follow from its state now. So the rows always match the
item, a restart loses nothing, and nothing is sent for an item that no longer needs it. Times come from
the owner's timezone and the holiday calendar (`bot.workdays`), at `QUORUM_REMINDER_HOUR`, and each row is then
placed in its recipient's civil hours, in their own timezone (`day_notice_time`, `bot.civil`):

    assigned ──1 working day──▶ host told if not accepted
    due − 2 working days ▶ reminder · due day ▶ reminder · due + 1 working day ▶ overdue
    due + 4 working days (overdue more than 3) ▶ escalation to the host and chairs, once
    (items of an important meeting: an overdue reminder every working day until done)

`plan_item` and `plan_question` are the whole rule as pure functions (an item, its owner's zone, the
channel's calendar and hour in; the stages and who gets each out), table-tested without a database;
`replan_item` / `replan_question` only load their inputs and write the rows.

Weekly digests are rows too, one per channel and week, with a `dedupe_key` so several instances can
all schedule them and only one row exists. The week's time comes from `QUORUM_DIGEST_CRON`, evaluated
by APScheduler's cron trigger in the channel's timezone, and moved off the channel's public holidays to the
next working day (`next_digest_at`); APScheduler holds no state of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session

from bot import civil
from bot.config import Settings
from bot.locale import zone_of
from bot.workdays import WorkCalendar, calendar_for
from store import repo
from store.models import ActionItem, Channel, Meeting, Notification, NotificationKind, OpenQuestion, User

Kind = NotificationKind
ITEM_OPEN = ("open", "in_progress", "blocked")
DIGEST_OFF = "off"
DIGEST_LOOKBACK_DAYS = 31  # longer than any run of days off (China's longest break is 9 days)
DIGEST_SEARCH_LIMIT = 500  # crontab times looked at per search (about two per day of that run), so it always ends
Audience = Literal["owner", "requester", "escalation"]
"""Who a planned reminder goes to: the owner; the requester (creator, else host); the host and chairs."""


@dataclass(frozen=True)
class Planned:
    """One reminder a plan calls for: what, when (aware), and to whom."""

    kind: NotificationKind
    when: datetime
    to: Audience


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's effective follow-through settings: its own overrides, else the deployment's."""

    zone: ZoneInfo
    language: str
    digest_cron: str | None  # None: no weekly digest
    holidays: str
    reminder_hour: int


def channel_settings(session: Session, settings: Settings, workspace_id: int, channel_id: str) -> ChannelSettings:
    row = repo.channel(session, workspace_id, channel_id)
    cron = (row.digest_cron if row and row.digest_cron else settings.digest_cron)
    return ChannelSettings(
        zone=ZoneInfo(row.timezone) if row else settings.zone,
        language=row.language if row else settings.language,
        digest_cron=None if cron == DIGEST_OFF else cron,
        holidays=row.holidays if row and row.holidays else settings.holidays,
        reminder_hour=row.reminder_hour if row and row.reminder_hour is not None else settings.reminder_hour,
    )


def at_hour(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), zone)


def requester(session: Session, item: ActionItem) -> User | None:
    """Who asked for the item and signs it off: its creator, or the meeting's host if the owner made it."""
    candidates = [item.creator_id]
    if item.meeting_id is not None:
        candidates += [p.user_id for p, _u in repo.participants(session, item.meeting_id) if p.role == "host"]
    for user_id in candidates:
        if user_id != item.owner_id:
            return session.get(User, user_id)
    return None


def escalation_recipients(session: Session, item: ActionItem) -> list[User]:
    """The meeting's host and chairs (or the item's creator), never the owner themself."""
    people: list[User] = []
    if item.meeting_id is not None:
        people = [u for p, u in repo.participants(session, item.meeting_id) if p.role == "host" or p.is_chair]
    if not people:
        creator = session.get(User, item.creator_id)
        people = [creator] if creator else []
    return [u for u in people if u.id != item.owner_id]


def plan_item(item: ActionItem, zone: ZoneInfo, calendar: WorkCalendar, hour: int, settings: Settings
              ) -> list[Planned]:
    """Every reminder an item calls for in its state now, past ones included (the caller keeps the future
    ones). `zone` is the owner's, `calendar` and `hour` the channel's."""
    if item.status not in ITEM_OPEN or item.owner_id is None or item.removed_at is not None:
        return []
    plan: list[Planned] = []
    if item.acknowledged_at is None and item.declined_reason is None:
        assigned = item.created_at.astimezone(zone)
        check_day = calendar.add_workdays(assigned.date(), settings.confirm_within_workdays)
        plan.append(Planned(Kind.ITEM_CONFIRM_CHECK, datetime.combine(check_day, assigned.timetz()), "requester"))
    if item.due_on is not None:
        before = calendar.add_workdays(item.due_on, -settings.remind_before_workdays)
        if before < item.due_on:
            plan.append(Planned(Kind.ITEM_BEFORE, at_hour(before, hour, zone), "owner"))
        plan.append(Planned(Kind.ITEM_DUE, at_hour(item.due_on, hour, zone), "owner"))
        plan.append(Planned(Kind.ITEM_OVERDUE, at_hour(calendar.add_workdays(item.due_on, 1), hour, zone), "owner"))
        escalate_day = calendar.add_workdays(item.due_on, settings.escalate_after_workdays + 1)
        plan.append(Planned(Kind.ITEM_ESCALATION, at_hour(escalate_day, hour, zone), "escalation"))
    return plan


def plan_question(question: OpenQuestion, zone: ZoneInfo, calendar: WorkCalendar, hour: int) -> list[Planned]:
    """The follow-ups of an open question with an owner and a date: on the day, then the working day after."""
    if question.resolved_at or question.removed_at or question.owner_id is None or question.follow_up_on is None:
        return []
    return [
        Planned(Kind.QUESTION_DUE, at_hour(question.follow_up_on, hour, zone), "owner"),
        Planned(Kind.QUESTION_OVERDUE, at_hour(calendar.add_workdays(question.follow_up_on, 1), hour, zone), "owner"),
    ]


def replan_item(session: Session, settings: Settings, item: ActionItem, now: datetime) -> None:
    assert item.id is not None
    repo.drop_pending_for_item(session, item.id)
    owner = session.get(User, item.owner_id) if item.owner_id is not None else None
    if owner is None:
        return
    local = channel_settings(session, settings, item.workspace_id, item.channel_id)
    plan = [p for p in plan_item(item, zone_of(owner, settings), calendar_for(local.holidays), local.reminder_hour,
                                 settings) if p.when > now]
    for planned in plan:
        for user in audience(session, item, owner, planned.to):
            schedule(session, item.workspace_id, planned.kind, day_notice_time(settings, user, planned.when, now),
                     now, action_item_id=item.id, recipient_id=user.id)


def day_notice_time(settings: Settings, user: User, planned: datetime, now: datetime) -> datetime:
    """When a notice about `planned`'s day reaches `user`: inside the civil hours of their own timezone, and
    on that day of theirs if it can be (`bot.civil`: the owner's 09:00 may be a host's 03:00)."""
    zone = zone_of(user, settings)
    return civil.send_time(planned, zone, settings.civil_window, now=now, deadline=civil.end_of_day(planned, zone))


def audience(session: Session, item: ActionItem, owner: User, to: Audience) -> list[User]:
    if to == "owner":
        return [owner]
    if to == "requester":
        host = requester(session, item)
        return [host] if host is not None else []
    return escalation_recipients(session, item)


def next_daily_overdue(session: Session, settings: Settings, item: ActionItem, now: datetime) -> None:
    """Important meetings' overdue items: one more reminder on the next working day."""
    owner = session.get(User, item.owner_id) if item.owner_id else None
    if owner is None or item.status not in ITEM_OPEN:
        return
    zone = zone_of(owner, settings)
    local = channel_settings(session, settings, item.workspace_id, item.channel_id)
    day = calendar_for(local.holidays).add_workdays(now.astimezone(zone).date(), 1)
    when = day_notice_time(settings, owner, at_hour(day, local.reminder_hour, zone), now)
    schedule(session, item.workspace_id, Kind.ITEM_OVERDUE, when, now, action_item_id=item.id, recipient_id=owner.id)


def replan_question(session: Session, settings: Settings, question: OpenQuestion, now: datetime) -> None:
    assert question.id is not None
    repo.drop_pending_for_question(session, question.id)
    owner = session.get(User, question.owner_id) if question.owner_id is not None else None
    if owner is None:
        return
    local = channel_settings(session, settings, question.workspace_id, question.channel_id)
    for planned in plan_question(question, zone_of(owner, settings), calendar_for(local.holidays), local.reminder_hour):
        if planned.when > now:
            schedule(session, question.workspace_id, planned.kind, day_notice_time(settings, owner, planned.when, now),
                     now, question_id=question.id, recipient_id=owner.id)


def next_digest_at(local: ChannelSettings, after: datetime) -> datetime | None:
    """When the channel's weekly digest next falls due at or after `after` (None: digests are off for it).

    A crontab time on a public holiday of the channel's calendar moves to the next working day, same local
    time (2026-10-05, a Monday of China's National Day break, goes out on Thursday the 8th). So a crontab
    time before `after` may still be due after it, if it lies in the run of days off just before (or around)
    `after`: the search starts at that run's first day and skips, day by day, what cannot be the answer.
    A weekend the crontab names on purpose stays (`WorkCalendar.is_holiday` is false for weekends)."""
    if local.digest_cron is None:
        return None
    zone, calendar = local.zone, calendar_for(local.holidays)
    trigger = CronTrigger.from_crontab(local.digest_cron, timezone=zone)
    after_local = after.astimezone(zone)
    first_day = after_local.date()
    for _ in range(DIGEST_LOOKBACK_DAYS):
        if calendar.is_workday(first_day - timedelta(days=1)):
            break
        first_day -= timedelta(days=1)
    best: datetime | None = None
    fire: datetime | None = trigger.get_next_fire_time(None, min(after, datetime.combine(first_day, time(), zone)))
    for _ in range(DIGEST_SEARCH_LIMIT):
        if fire is None or (best is not None and fire >= best):
            break  # a crontab time is never moved earlier: nothing later can beat `best`
        moved = off_holiday(fire, zone, calendar)
        if moved >= after and (best is None or moved < best):
            best = moved
        day = fire.astimezone(zone).date()
        next_day = datetime.combine(day + timedelta(days=1), time(), zone)
        if moved == fire:  # an ordinary day: its later times are no better, or still before `after`
            if moved >= after:
                break
            resume = next_day if day < after_local.date() else after
        elif moved < after:  # a holiday's times land on the same working day: only the later ones can reach it
            same_time = datetime.combine(day, after_local.time(), zone)
            resume = same_time if same_time > fire else next_day
        else:
            resume = next_day
        fire = trigger.get_next_fire_time(None, resume)
    return best


def off_holiday(moment: datetime, zone: ZoneInfo, calendar: WorkCalendar) -> datetime:
    """`moment`, or the same local time on the next working day if it falls on a public holiday."""
    local = moment.astimezone(zone)
    if not calendar.is_holiday(local.date()):
        return moment
    return datetime.combine(calendar.add_workdays(local.date(), 1), local.time(), zone)


def ensure_digest(
    session: Session,
    settings: Settings,
    workspace_id: int,
    channel_id: str,
    now: datetime,
    local: ChannelSettings | None = None,
) -> None:
    """Make sure the channel's next weekly digest is scheduled (idempotent across instances: the row's
    `dedupe_key` names the channel and the minute, and a second insert of it does nothing)."""
    local = local or channel_settings(session, settings, workspace_id, channel_id)
    fire = next_digest_at(local, now + timedelta(minutes=1))  # never in the minute the first item appears
    if fire is None:
        return
    key = f"digest:{workspace_id}:{channel_id}:{fire.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H:%M}"
    repo.add_notification_once(
        session,
        Notification(workspace_id=workspace_id, platform=repo.platform_of(session, workspace_id),
                     kind=Kind.WEEKLY_DIGEST, due_at=fire, created_at=now, channel_id=channel_id, dedupe_key=key),
    )


def remember_channel(session: Session, workspace_id: int, channel_id: str, zone: ZoneInfo, lang: str,
                     now: datetime) -> Channel:
    """The channel's clock and language, set by the first meeting or item created in it."""
    return repo.channel(session, workspace_id, channel_id) or repo.add_channel(
        session, Channel(workspace_id=workspace_id, channel_id=channel_id, timezone=zone.key, language=lang,
                         created_at=now)
    )


def schedule(
    session: Session,
    workspace_id: int,
    kind: NotificationKind,
    when: datetime,
    now: datetime,
    *,
    meeting_id: int | None = None,
    action_item_id: int | None = None,
    question_id: int | None = None,
    agenda_item_id: int | None = None,
    recipient_id: int | None = None,
    channel_id: str | None = None,
    dedupe_key: str | None = None,
    task_id: int | None = None,
    incident_id: int | None = None,
) -> None:
    """A row the tick sends at `when`, written now (after whatever the session holds that it may refer to)."""
    session.flush()
    repo.add_notification(session, {
        "workspace_id": workspace_id, "platform": repo.platform_of(session, workspace_id), "kind": kind.value,
        "due_at": when, "created_at": now, "meeting_id": meeting_id, "action_item_id": action_item_id,
        "question_id": question_id, "agenda_item_id": agenda_item_id, "recipient_id": recipient_id,
        "channel_id": channel_id, "dedupe_key": dedupe_key, "task_id": task_id, "incident_id": incident_id,
    })


def meeting_of(session: Session, item: ActionItem | OpenQuestion) -> Meeting | None:
    return session.get(Meeting, item.meeting_id) if item.meeting_id else None
