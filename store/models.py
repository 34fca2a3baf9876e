"""Quorum's tables, as SQLModel classes: the database is the source of truth for meetings, records and time.

Every row hangs off a `Workspace` (one platform + one team) and every query filters on it, so one team never
sees another's data. Meetings and action items also carry a per-workspace `number`: people type `show 3`,
not a global id that would leak how busy other teams are.

Times are stored as UTC through `UTCDateTime` (naive UTC in the database, aware UTC in Python), so SQLite and
PostgreSQL behave the same and nothing downstream ever compares naive with aware values. Records are never
deleted by `#undo` or a cancel: they get `removed_at` / a status, so nothing a person wrote is silently lost.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database; refuses naive input so no bug hides."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    """A `sa_column` for an aware-UTC timestamp field."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Workspace(SQLModel, table=True):
    """One team on one platform (a Slack workspace, a DingTalk corp, the local console)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    external_id: str = Field(max_length=128)
    last_meeting_number: int = 0  # counters behind the per-workspace numbers people type
    last_action_number: int = 0
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class User(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    platform_user_id: str = Field(max_length=128)
    display_name: str = Field(max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=8)
    # set by the person's own `/meeting me language|timezone`: the platform's profile no longer overwrites it
    language_chosen: bool = False
    timezone_chosen: bool = False
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MeetingSeries(SQLModel, table=True):
    """A repeating meeting's rule (`every monday 10am`, `每月第一个周一上午10点`). Each occurrence is a `Meeting` of
    its own (own number, RSVPs, reminders, record); the series makes them a bounded way ahead and the
    scheduler makes the next ones, so an endless series never means endless rows."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    channel_id: str = Field(max_length=128)
    title: str = Field(max_length=300)
    freq: str = Field(max_length=16)  # workdays, weekly, monthly
    interval: int = 1  # every other week: 2
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None  # monthly: the nth weekday of the month (1..4, -1: the last)
    at_minute: int  # local time of day, minutes after midnight
    duration_minutes: int
    timezone: str = Field(max_length=64)
    first_on: date  # the rule's first date (its anchor)
    count: int | None = None  # `10 times`
    until: date | None = None  # `until 2027-03-31`
    on_holiday: str = Field(default="move", max_length=8)  # move (to the next working day), skip
    stop_after: int | None = None  # `cancel N from here`: no occurrence after this index
    status: str = Field(default="active", max_length=16)  # active, cancelled
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Meeting(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_meeting_channel_status", "workspace_id", "channel_id", "status"),
        Index("ix_meeting_channel_start", "workspace_id", "channel_id", "start_at"),  # reports by period
        Index("ix_meeting_start", "workspace_id", "start_at"),  # a person's report, search by date
        UniqueConstraint("series_id", "series_index"),  # each place of a series is made once
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    channel_id: str = Field(max_length=128)
    title: str = Field(max_length=300)
    goal: str | None = None
    expected_outcome: str | None = None
    meeting_type: str = Field(default="regular", max_length=32)
    start_at: datetime = Field(sa_column=utc_column(nullable=False))
    end_at: datetime = Field(sa_column=utc_column(nullable=False))
    timezone: str = Field(max_length=64)
    language: str = Field(default="en", max_length=8)  # of its shared posts, and of readers we know nothing of
    location: str | None = Field(default=None, max_length=500)
    link: str | None = Field(default=None, max_length=500)  # the video call's URL (`edit 3 link https://…`)
    status: str = Field(default="scheduled", max_length=16)  # planned, scheduled, in_progress, ended, cancelled
    confidential: bool = False
    important: bool = False  # its action items are chased every working day once overdue
    rsvp_deadline: datetime | None = Field(default=None, sa_column=utc_column())
    created_by_id: int = Field(foreign_key="user.id")
    started_at: datetime | None = Field(default=None, sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())
    cancel_reason: str | None = None
    record_seq: int = 0  # last sequence number handed to a record row of this meeting (orders #undo)
    revision: int = 0  # grows with every change people are told of: the .ics SEQUENCE calendars update by
    series_id: int | None = Field(default=None, foreign_key="meetingseries.id", index=True)
    series_index: int | None = None  # 1 for a series' first occurrence
    planned_on: date | None = None  # the series' date when a holiday moved or skipped this occurrence
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default="required", max_length=16)  # host, recorder, required, optional
    is_chair: bool = False
    organization: str | None = Field(default=None, max_length=200)  # their department, said at sign-in
    contact: str | None = Field(default=None, max_length=200)  # a phone or address, said at sign-in
    rsvp: str | None = Field(default=None, max_length=8)  # yes, no, maybe; None: no answer
    rsvp_at: datetime | None = Field(default=None, sa_column=utc_column())
    rsvp_note: str | None = None
    checked_in_at: datetime | None = Field(default=None, sa_column=utc_column())
    lines_said: int = 0
    # joined by speaking in the running meeting, uninvited: their lines count (MeetBot's people), but they are
    # on the attendance roll only once they check in (`store.attendance`)
    walked_in: bool = False
    minutes_acked_at: datetime | None = Field(default=None, sa_column=utc_column())  # "got the minutes"


class AgendaItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    title: str = Field(max_length=300)
    presenter_id: int | None = Field(default=None, foreign_key="user.id")
    planned_minutes: int | None = None
    expected_output: str | None = None
    # What really happened, for the minutes and for the agenda timer: the item being discussed is the one
    # started and not yet ended (`start` starts item 1, `next` moves on, `end` closes the current one).
    started_at: datetime | None = Field(default=None, sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())


class AgendaChange(SQLModel, table=True):
    """A new agenda the host asked for on a meeting whose plan was approved (locked), waiting for the plan's
    requester (or an admin) to approve or reject it; its id is the number people answer with (`approve
    change 7`). `items` is the new agenda as it was said (JSON, `bot.service.sense.encode`), so nothing changes
    until the approval. `status`: pending → approved | rejected."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    asked_by_id: int = Field(foreign_key="user.id")
    items: str
    status: str = Field(default="pending", max_length=16)
    reason: str | None = None  # why it was rejected
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Note(SQLModel, table=True):
    """MeetBot's #topic, #info, #idea and #link lines."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    seq: int
    kind: str = Field(max_length=8)  # topic, info, idea, link
    text: str
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column())


class Decision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    channel_id: str = Field(max_length=128)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    seq: int = 0
    text: str
    rationale: str | None = None
    verdict: str | None = Field(default=None, max_length=16)  # approved, deferred, more_material; None: unsaid
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column())


class OpenQuestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    channel_id: str = Field(max_length=128)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    seq: int = 0
    text: str
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    follow_up_on: date | None = None
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column())
    answer: str | None = None
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column())


class ActionItem(SQLModel, table=True):
    """One deliverable with exactly one owner (None only for a MeetBot #action that names nobody)."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_action_owner_status", "workspace_id", "owner_id", "status"),
        Index("ix_action_channel_status", "workspace_id", "channel_id", "status"),
        Index("ix_action_channel_due", "workspace_id", "channel_id", "due_on"),  # reports: a month of due dates
        Index("ix_action_owner_due", "workspace_id", "owner_id", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    channel_id: str = Field(max_length=128)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    seq: int = 0
    text: str
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    creator_id: int = Field(foreign_key="user.id")
    due_on: date | None = None
    original_due_on: date | None = None
    deliverable: str | None = None
    status: str = Field(default="open", max_length=16)  # open, in_progress, blocked, done, cancelled
    blocked_reason: str | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column())
    declined_reason: str | None = None  # the owner said they can't do it; the host decides what next
    completed_at: datetime | None = Field(default=None, sa_column=utc_column())
    verified_at: datetime | None = Field(default=None, sa_column=utc_column())  # the requester's sign-off
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column())


class ActionItemEvent(SQLModel, table=True):
    """The history of an action item: every change, who made it and when."""

    id: int | None = Field(default=None, primary_key=True)
    action_item_id: int = Field(foreign_key="actionitem.id", index=True)
    at: datetime = Field(sa_column=utc_column(nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    change: str = Field(max_length=32)  # created, status, due, deliverable, text, owner, removed, …
    old_value: str | None = None
    new_value: str | None = None
    note: str | None = None


class NotificationKind(StrEnum):
    """What a `Notification` row stands for; the values are the strings stored in `notification.kind`."""

    MEETING_REMINDER = "meeting_reminder"
    RSVP_CHASE = "rsvp_chase"
    AGENDA_TIME_UP = "agenda_time_up"
    AGENDA_OVERRUN = "agenda_overrun"
    ITEM_CONFIRM_CHECK = "item_confirm_check"
    ITEM_BEFORE = "item_before"
    ITEM_DUE = "item_due"
    ITEM_OVERDUE = "item_overdue"
    ITEM_ESCALATION = "item_escalation"
    QUESTION_DUE = "question_due"
    QUESTION_OVERDUE = "question_overdue"
    WEEKLY_DIGEST = "weekly_digest"
    MATERIALS_DUE = "materials_due"  # the presenter has not posted a meeting's materials yet
    SUM_UP = "sum_up"  # ten minutes before a running meeting's planned end, to its hosts
    SERIES_INVITATION = "series_invitation"  # an occurrence's invitation (channel card, or one participant)
    OUTBOX = "outbox"  # a message an event produced, carried whole in `payload`
    PLAN_STEP_OVERDUE = "plan_step_overdue"  # an approval step's deadline passed: its approver is reminded
    PLAN_STEP_ESCALATION = "plan_step_escalation"  # later still: the approver's own superior is asked, once
    PLAN_STEP_LATE_NOTICE = "plan_step_late_notice"  # the requester is told of the escalation
    TASK_BEFORE = "task_before"  # 24 h before a preparation task's deadline: its owner
    TASK_DUE = "task_due"  # at the deadline, not done: the owner, copying the executive and the requester
    TASK_OVERDUE = "task_overdue"  # more than 24 h late: a warning to the owner, copying the requester
    PREP_CHECKIN = "prep_checkin"  # weekly until the event: the board posted to the event's channel
    INCIDENT_ACK_REMIND = "incident_ack_remind"  # 15 min without acknowledgement: the handler is reminded
    INCIDENT_ESCALATION = "incident_escalation"  # 15 min after that: the requester (and handler's superior)


class Notification(SQLModel, table=True):
    """One message to one place that must go out at `due_at`: the scheduler's only state, and the outbox.

    `status`: pending → sending (claimed by one instance at `claimed_at`) → sent; back to pending, later,
    when the send failed; dropped when it no longer makes sense (meeting cancelled or started, item done,
    the agenda moved on); failed when the platform says it can never be delivered (the host is told).
    One row per recipient, so one failing recipient never holds up the others. `dedupe_key` makes
    scheduling idempotent where several instances might schedule the same thing (weekly digests).

    Every message an event produces is a row too (kind `outbox`, the message serialized in `payload`,
    `channel_id` naming the conversation it goes to), written with the event's effects: one table, so one
    claim, one lease, one backoff and one exactly-once argument serve reminders and replies alike, and an
    idle tick still costs two index probes. Reminders are rendered when due (they must see the state then);
    an event's message was decided when the event happened, so it is stored whole.

    `platform` (the workspace's, copied so the claim needs no join) scopes every claim: a process sends only
    its own platforms' rows, through its own platform's sender.
    """

    __table_args__ = (
        Index("ix_notification_platform_status_due", "platform", "status", "due_at", "id"),
        Index("ix_notification_platform_status_claimed", "platform", "status", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    platform: str = Field(max_length=32)
    kind: str = Field(max_length=32)  # a NotificationKind value
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    action_item_id: int | None = Field(default=None, foreign_key="actionitem.id", index=True)
    question_id: int | None = Field(default=None, foreign_key="openquestion.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id")  # agenda timers: stale once ended
    task_id: int | None = Field(default=None, foreign_key="preptask.id")  # a preparation task's reminders
    incident_id: int | None = Field(default=None, foreign_key="incident.id")  # an incident's ack clock
    recipient_id: int | None = Field(default=None, foreign_key="user.id")  # None: the channel
    channel_id: str | None = Field(default=None, max_length=128)  # outbox: the conversation (channel, or @person)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    payload: str | None = None  # outbox: the message as JSON, until it is sent
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    last_error: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MinutesRemark(SQLModel, table=True):
    """After the minutes: a participant's objection (within the objection window) or the host's amendment."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=16)  # objection, amendment
    text: str
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class SurveyAnswer(SQLModel, table=True):
    """One attendee's satisfaction with one ended meeting; answering again replaces the answer."""

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    score: int  # 1 (poor) to 5 (excellent)
    comment: str | None = None
    answered_at: datetime = Field(sa_column=utc_column(nullable=False))


class Channel(SQLModel, table=True):
    """What we know of a channel: its clock and language, and the settings it overrides (None: default)."""

    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    channel_id: str = Field(max_length=128)
    timezone: str = Field(max_length=64)
    language: str = Field(default="en", max_length=8)
    digest_cron: str | None = Field(default=None, max_length=100)  # "off" turns the weekly digest off
    holidays: str | None = Field(default=None, max_length=16)
    reminder_hour: int | None = None
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class InboundEvent(SQLModel, table=True):
    """A platform event already handled. Platforms redeliver (Slack retries an event it thinks was not
    acknowledged, Socket Mode after a reconnect); the row is written in the same transaction as the event's
    effects, so a redelivery, even to another instance, finds it and does nothing."""

    __table_args__ = (UniqueConstraint("workspace_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    event_id: str = Field(max_length=200)
    received_at: datetime = Field(sa_column=utc_column(nullable=False))


class MessageRef(SQLModel, table=True):
    """What a message the bot posted was about, so a reaction, click or reply to it finds its target."""

    __table_args__ = (UniqueConstraint("workspace_id", "platform_message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    platform_message_id: str = Field(max_length=200)
    channel_id: str = Field(max_length=128)
    kind: str = Field(max_length=32)  # rsvp_prompt, invitation, assignment, checkin_prompt, reminder
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    action_item_id: int | None = Field(default=None, foreign_key="actionitem.id")
    question_id: int | None = Field(default=None, foreign_key="openquestion.id")
    recipient_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MeetingViewer(SQLModel, table=True):
    """Someone the host named to see a meeting without taking part (the "relevant leaders" who get a
    confidential meeting's minutes): they may read it, and are never counted as attending."""

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    named_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class ChannelWriter(SQLModel, table=True):
    """Who has written in a group whose members the platform does not tell (DingTalk): for such a group,
    they are the members who may see its meetings. Recorded only for those groups."""

    __table_args__ = (UniqueConstraint("workspace_id", "channel_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    channel_id: str = Field(max_length=128)
    user_id: int = Field(foreign_key="user.id")
    first_at: datetime = Field(sa_column=utc_column(nullable=False))


class SchedulingRequest(SQLModel, table=True):
    """A new meeting or a move the bot warned about (a clash, a holiday, late hours, …), waiting for the
    person who asked to say yes or no. The command waits here whole (`command`, JSON), not as a half-made
    meeting, so nothing exists until the yes, and a yes after a restart still finds it; `expires_at` ends
    the wait. `status`: pending → confirmed | declined | expired."""

    __table_args__ = (Index("ix_schedulingrequest_asker", "workspace_id", "requester_id", "channel_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    requester_id: int = Field(foreign_key="user.id")
    channel_id: str = Field(max_length=128)
    is_direct: bool = False
    language: str = Field(default="en", max_length=8)
    kind: str = Field(max_length=16)  # new, reschedule
    command: str  # the Command as JSON, run as it was said once confirmed
    status: str = Field(default="pending", max_length=16)
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MeetingMaterials(SQLModel, table=True):
    """What a meeting's presenter is to send before it (`materials: <link> by <date>`): where, by when, and
    whether it has arrived (`posted_at`; the participants got the link then)."""

    __table_args__ = (UniqueConstraint("meeting_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    presenter_id: int = Field(foreign_key="user.id")
    link: str | None = Field(default=None, max_length=2000)
    due_on: date
    posted_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class MeetingPlan(SQLModel, table=True):
    """A meeting plan (申报): the meeting itself is a `Meeting` in status "planned" until approved; this row
    holds what the plan adds (type, budget, topics, links) and where its approval stands. Preparation tasks,
    incidents and the monitoring report hang off it by `plan_id`."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    state: str = Field(default="draft", max_length=16)  # draft, review, approval, rejected, approved
    version: int = 0  # grows with each submission; approval steps belong to one version
    urgent: bool = False  # the green channel (绿色通道): each step has 2 hours
    budget_total: int | None = Field(default=None, sa_type=BigInteger)  # cents
    budget_venue: int | None = Field(default=None, sa_type=BigInteger)
    budget_materials: int | None = Field(default=None, sa_type=BigInteger)
    budget_catering: int | None = Field(default=None, sa_type=BigInteger)
    budget_travel: int | None = Field(default=None, sa_type=BigInteger)
    budget_other: int | None = Field(default=None, sa_type=BigInteger)
    topics: str | None = None
    attachments: str | None = None  # links, one a line
    submitted_at: datetime | None = Field(default=None, sa_column=utc_column())
    locked_at: datetime | None = Field(default=None, sa_column=utc_column())  # approved: changes need approval
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class PlanPerson(SQLModel, table=True):
    """An expected attendee of a plan: internal (a chat user, also a `Participant`) or an external guest
    (a name with company and title); `key` marks key decision makers and key guests."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="meetingplan.id", index=True)
    side: str = Field(max_length=8)  # internal, external
    user_id: int | None = Field(default=None, foreign_key="user.id")
    name: str = Field(max_length=200)
    company: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    key: bool = False


class PlanStep(SQLModel, table=True):
    """One approval step of one submission: a resource pre-review (one per reviewer, side by side) or the
    superior's approval (after every review). `due_at` is set when the step opens."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="meetingplan.id", index=True)
    version: int
    stage: str = Field(max_length=16)  # review, approval
    approver_id: int = Field(foreign_key="user.id")
    status: str = Field(default="waiting", max_length=16)  # waiting, pending, approved, rejected, cancelled
    opened_at: datetime | None = Field(default=None, sa_column=utc_column())
    due_at: datetime | None = Field(default=None, sa_column=utc_column())
    escalated_to_id: int | None = Field(default=None, foreign_key="user.id")
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    note: str | None = None


class PlanEvent(SQLModel, table=True):
    """The history of a plan: every submission, decision, reminder, escalation and change, never removed."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="meetingplan.id", index=True)
    at: datetime = Field(sa_column=utc_column(nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=16)  # filed, submitted, approved, rejected, edited, reminded, escalated, ...
    version: int = 0
    stage: str | None = Field(default=None, max_length=16)
    note: str | None = None


class ApprovalRole(SQLModel, table=True):
    """Who reviews and who approves: a channel's resource reviewers, a channel's default approver, or (no
    channel) a person's own approver, which is also their superior for escalations."""

    __table_args__ = (Index("ix_approvalrole_lookup", "workspace_id", "role", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    channel_id: str | None = Field(default=None, max_length=128)  # None: workspace-wide (a person's approver)
    role: str = Field(max_length=16)  # reviewer, approver
    user_id: int = Field(foreign_key="user.id")
    for_user_id: int | None = Field(default=None, foreign_key="user.id")
    set_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class PrepTask(SQLModel, table=True):
    """A preparation task on an approved meeting's board (任务看板): one owner (a lead owner when several
    departments share it), a deadline to the hour, a phase, a priority, an optional task it waits for, a
    deliverable and a status. `number` is per workspace, so `task done 7` needs no meeting number."""

    __table_args__ = (UniqueConstraint("workspace_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str
    owner_id: int = Field(foreign_key="user.id")
    deadline: datetime = Field(sa_column=utc_column(nullable=False))
    phase: str = Field(default="pre", max_length=8)  # pre, during, post
    priority: str = Field(default="medium", max_length=8)  # high, medium, low
    after_id: int | None = Field(default=None, foreign_key="preptask.id")  # starts when that task is done
    deliverable: str | None = None
    status: str = Field(default="not_started", max_length=16)  # not_started, in_progress, done, delayed
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=utc_column())


class Incident(SQLModel, table=True):
    """An incident on the day (异常上报), routed by type to a handler who must acknowledge within 15 minutes;
    every time is kept, so the monitoring report can say how fast each was answered."""

    __table_args__ = (UniqueConstraint("workspace_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    kind: str = Field(default="other", max_length=16)  # equipment, venue, catering, people, other
    text: str
    impact: str | None = None
    severity: str = Field(default="medium", max_length=8)  # high, medium, low
    reporter_id: int = Field(foreign_key="user.id")
    handler_id: int = Field(foreign_key="user.id")
    status: str = Field(default="open", max_length=16)  # open, in_progress, handled, outside, closed
    reported_at: datetime = Field(sa_column=utc_column(nullable=False))
    acked_at: datetime | None = Field(default=None, sa_column=utc_column())
    escalated_at: datetime | None = Field(default=None, sa_column=utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    cause: str | None = None
    fix: str | None = None


class MeetingResult(SQLModel, table=True):
    """An outcome recorded against the goal (`outcome 3 48 new dealers against 50`): the numbers when said."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str
    achieved: float | None = None
    target: float | None = None
    target_text: str | None = None
    recorded_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


# Slack installations (the OAuth install for any workspace): the tables slack_sdk's SQLAlchemy installation and
# OAuth state stores read and write, column for column (tests/test_slack_oauth.py holds them to slack_sdk's own
# definitions). They are declared here so Alembic builds them with everything else; only slack_sdk's stores
# touch them. Uninstalling deletes a team's rows here and nothing else: its meetings stay (store/retention.py).
SLACK_INSTALLATIONS = Table(
    "slack_installations", SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

SLACK_BOTS = Table(
    "slack_bots", SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

SLACK_OAUTH_STATES = Table(
    "slack_oauth_states", SQLModel.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
