"""The queries the core needs, each taking the session first; the only place that builds SQL.

Every function that reads people's data takes a workspace id, so no caller can forget the scope.
Rows that several writers may count from (the workspace's number counters, a meeting's record sequence)
are read `FOR NO KEY UPDATE`, which PostgreSQL honours and SQLite replaces with its `BEGIN IMMEDIATE` lock.
Not `FOR UPDATE`: every row inserted that refers to the workspace (an event's dedupe row, a new person)
takes a key-share lock on it, which `FOR UPDATE` waits for, so two events that had each inserted one
deadlocked on the counter; `FOR NO KEY UPDATE` does not conflict with key-share locks.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, bindparam, case, func, inspect, null, or_, text, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from store.models import (
    ActionItem,
    ActionItemEvent,
    AgendaItem,
    Channel,
    Decision,
    InboundEvent,
    Meeting,
    MeetingSeries,
    MeetingViewer,
    MessageRef,
    Note,
    Notification,
    NotificationKind,
    OpenQuestion,
    Participant,
    SurveyAnswer,
    User,
    Workspace,
)

OPEN_ACTION_STATUSES = ("open", "in_progress", "blocked")
LIVE_MEETING_STATUSES = ("scheduled", "in_progress")
RecordRow = Note | Decision | OpenQuestion | ActionItem


def lock_conversation(session: Session, platform: str, workspace: str, channel: str) -> None:
    """Hold the conversation until this transaction ends, so instances sharing the database apply its
    events one at a time (a PostgreSQL transaction-level advisory lock on a 64-bit hash of its name).
    SQLite needs nothing: every transaction there already starts with the database's one write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    name = f"{platform}\x1f{workspace}\x1f{channel}".encode()
    key = int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


_Row = TypeVar("_Row")


def _known(session: Session, key: tuple[Any, ...]) -> Any:
    """A row this session already looked up by `key` (not by primary key, so the identity map cannot tell),
    while it is still in the database as far as the session knows: a rollback forgets what it inserted."""
    found = session.info.get(key)
    return found if found is not None and inspect(found).persistent else None


def _remember(session: Session, key: tuple[Any, ...], row: _Row) -> _Row:
    session.info[key] = row
    return row


# The look-ups every event makes, built once: building a statement and its cache key cost twice what running
# it on SQLite does (measured for issue 14: 0.2 ms a query built each time, 0.06 ms prebuilt).
_WORKSPACE = select(Workspace).where(Workspace.platform == bindparam("platform"),
                                     Workspace.external_id == bindparam("external_id"))
_USER_BY_PLATFORM_ID = select(User).where(User.workspace_id == bindparam("workspace_id"),
                                          User.platform_user_id == bindparam("platform_user_id"))
_USER_BY_NAME = (select(User).where(User.workspace_id == bindparam("workspace_id"),
                                    func.lower(User.display_name) == bindparam("name"))
                 .order_by(col(User.id)))
_LOCKED_WORKSPACE = (select(Workspace).where(Workspace.id == bindparam("workspace_id"))
                     .with_for_update(key_share=True).execution_options(populate_existing=True))
_RUNNING_MEETING = select(Meeting).where(Meeting.workspace_id == bindparam("workspace_id"),
                                         Meeting.channel_id == bindparam("channel_id"),
                                         Meeting.status == "in_progress")


def workspace(session: Session, platform: str, external_id: str, now: datetime) -> Workspace:
    """The workspace, created on first sight; asked for by the event's context and again by its outbox rows,
    so a session reads it once."""
    key = ("workspace", platform, external_id)
    known: Workspace | None = _known(session, key)
    if known is not None:
        return known
    found = session.exec(_WORKSPACE, params={"platform": platform, "external_id": external_id}).first()
    if found is not None:
        return _remember(session, key, found)
    created = Workspace(platform=platform, external_id=external_id, created_at=now)
    session.add(created)
    session.flush()
    return _remember(session, key, created)


def workspace_external_id(session: Session, workspace_id: int) -> str:
    """The platform's own id of a workspace (a Slack team id), which a platform's sender needs to pick the
    team's token; loaded once per session (the identity map)."""
    found = session.get(Workspace, workspace_id)
    return found.external_id if found is not None else ""


def user_by_platform_id(session: Session, workspace_id: int, platform_user_id: str) -> User | None:
    return session.exec(_USER_BY_PLATFORM_ID,
                        params={"workspace_id": workspace_id, "platform_user_id": platform_user_id}).first()


def user_by_name(session: Session, workspace_id: int, name: str) -> User | None:
    return session.exec(_USER_BY_NAME, params={"workspace_id": workspace_id, "name": name.lower()}).first()


def upsert_user(
    session: Session,
    workspace_id: int,
    platform_user_id: str,
    display_name: str,
    now: datetime,
    timezone: str | None = None,
    language: str | None = None,
) -> User:
    """The user with this platform id, created on first sight; fresher names and the platform's settings win,
    except a language or timezone the person chose themselves (`store.preferences`)."""
    user = user_by_platform_id(session, workspace_id, platform_user_id)
    if user is None:
        return add_user(session, workspace_id, platform_user_id, display_name, now, timezone, language)
    if display_name and display_name != user.display_name and display_name != platform_user_id:
        user.display_name = display_name
    if not user.timezone_chosen:
        user.timezone = timezone or user.timezone
    if not user.language_chosen:
        user.language = language or user.language
    return user


def add_user(
    session: Session,
    workspace_id: int,
    platform_user_id: str,
    display_name: str,
    now: datetime,
    timezone: str | None = None,
    language: str | None = None,
) -> User:
    """A user seen for the first time (the caller looked for the platform id already)."""
    user = User(workspace_id=workspace_id, platform_user_id=platform_user_id, display_name=display_name,
                timezone=timezone, language=language, created_at=now)
    session.add(user)
    session.flush()
    return user


def users_by_id(session: Session, ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))) if u.id is not None}


def allocate_meeting_number(session: Session, workspace_id: int) -> int:
    ws = _locked_workspace(session, workspace_id)
    ws.last_meeting_number += 1
    return ws.last_meeting_number


def last_meeting_number(session: Session, workspace_id: int) -> int:
    """The number the workspace's newest meeting got (0 before the first)."""
    found = session.get(Workspace, workspace_id)
    return found.last_meeting_number if found is not None else 0


def allocate_action_number(session: Session, workspace_id: int) -> int:
    ws = _locked_workspace(session, workspace_id)
    ws.last_action_number += 1
    return ws.last_action_number


def _locked_workspace(session: Session, workspace_id: int) -> Workspace:
    # populate_existing: the identity map may hold a copy read before the lock; the locked read replaces it
    return session.exec(_LOCKED_WORKSPACE, params={"workspace_id": workspace_id}).one()


def meeting_by_number(session: Session, workspace_id: int, number: int) -> Meeting | None:
    return session.exec(
        select(Meeting).where(Meeting.workspace_id == workspace_id, Meeting.number == number)
    ).first()


def lock_meeting(session: Session, meeting: Meeting) -> Meeting:
    """Re-read `meeting` under a row lock before bumping its record sequence."""
    locked = session.exec(select(Meeting).where(Meeting.id == meeting.id).with_for_update(key_share=True)).one()
    session.refresh(locked)
    return locked


def running_meeting(session: Session, workspace_id: int, channel_id: str) -> Meeting | None:
    return session.exec(_RUNNING_MEETING, params={"workspace_id": workspace_id, "channel_id": channel_id}).first()


def ended_since(session: Session, workspace_id: int, channel_id: str, since: datetime) -> Meeting | None:
    """The meeting of this channel that ended last, if it ended at or after `since`."""
    return session.exec(
        select(Meeting).where(
            Meeting.workspace_id == workspace_id,
            Meeting.channel_id == channel_id,
            Meeting.status == "ended",
            col(Meeting.ended_at) >= since,
        ).order_by(col(Meeting.ended_at).desc())
    ).first()


def upcoming_meetings(
    session: Session, workspace_id: int, channel_id: str | None, now: datetime, limit: int = 20
) -> list[Meeting]:
    """Meetings not yet ended or cancelled, in this channel (or the whole workspace), soonest first."""
    query = select(Meeting).where(
        Meeting.workspace_id == workspace_id,
        col(Meeting.status).in_(LIVE_MEETING_STATUSES),
        or_(col(Meeting.status) == "in_progress", col(Meeting.end_at) >= now),
    )
    if channel_id is not None:
        query = query.where(Meeting.channel_id == channel_id)
    return list(session.exec(query.order_by(col(Meeting.start_at)).limit(limit)))


def meetings_of_user(session: Session, user_id: int, now: datetime, limit: int = 20) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .join(Participant, col(Participant.meeting_id) == col(Meeting.id))
            .where(
                Participant.user_id == user_id,
                col(Meeting.status).in_(LIVE_MEETING_STATUSES),
                col(Meeting.end_at) >= now,
            )
            .order_by(col(Meeting.start_at))
            .limit(limit)
        )
    )


def participants(session: Session, meeting_id: int) -> list[tuple[Participant, User]]:
    rows = session.exec(
        select(Participant, User)
        .join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting_id)
        .order_by(col(Participant.id))
    )
    return [(p, u) for p, u in rows]


def participant(session: Session, meeting_id: int, user_id: int) -> Participant | None:
    return session.exec(
        select(Participant).where(Participant.meeting_id == meeting_id, Participant.user_id == user_id)
    ).first()


def agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(col(AgendaItem.position))
        )
    )


def survey_answer(session: Session, meeting_id: int, user_id: int) -> SurveyAnswer | None:
    return session.exec(
        select(SurveyAnswer).where(SurveyAnswer.meeting_id == meeting_id, SurveyAnswer.user_id == user_id)
    ).first()


RecordT = TypeVar("RecordT", Note, Decision, OpenQuestion, ActionItem)


def records(session: Session, model: type[RecordT], meeting_id: int) -> list[RecordT]:
    """A meeting's notes, decisions, questions or action items, in the order they were said (the platform's
    time for each, `created_at`; the sequence number among lines of the same moment)."""
    return list(session.exec(_live_records(model, meeting_id).order_by(col(model.created_at), col(model.seq))))


def _live_records(model: type[RecordT], meeting_id: int) -> SelectOfScalar[RecordT]:
    return select(model).where(model.meeting_id == meeting_id, col(model.removed_at).is_(None))


def last_record(session: Session, meeting_id: int) -> RecordRow | None:
    """The newest record row of a meeting, of any kind, that `#undo` may take back."""
    newest: list[RecordRow | None] = [
        _newest(session, Note, meeting_id),
        _newest(session, Decision, meeting_id),
        _newest(session, OpenQuestion, meeting_id),
        _newest(session, ActionItem, meeting_id),
    ]
    return max((row for row in newest if row is not None), key=lambda row: row.seq, default=None)


def _newest(session: Session, model: type[RecordT], meeting_id: int) -> RecordT | None:
    return session.exec(_live_records(model, meeting_id).order_by(col(model.seq).desc())).first()


def action_by_number(session: Session, workspace_id: int, number: int) -> ActionItem | None:
    return session.exec(
        select(ActionItem).where(
            ActionItem.workspace_id == workspace_id,
            ActionItem.number == number,
            col(ActionItem.removed_at).is_(None),
        )
    ).first()


def open_actions_of_owner(session: Session, workspace_id: int, owner_id: int) -> list[ActionItem]:
    return list(
        session.exec(
            select(ActionItem)
            .where(
                ActionItem.workspace_id == workspace_id,
                ActionItem.owner_id == owner_id,
                col(ActionItem.status).in_(OPEN_ACTION_STATUSES),
                col(ActionItem.removed_at).is_(None),
            )
            .order_by(col(ActionItem.due_on), col(ActionItem.number))
        )
    )


def add_action_event(
    session: Session,
    item: ActionItem,
    now: datetime,
    actor_id: int | None,
    change: str,
    old_value: str | None = None,
    new_value: str | None = None,
    note: str | None = None,
) -> None:
    assert item.id is not None
    session.add(
        ActionItemEvent(
            action_item_id=item.id,
            at=now,
            actor_id=actor_id,
            change=change,
            old_value=old_value,
            new_value=new_value,
            note=note,
        )
    )


def action_history(session: Session, item_id: int) -> list[ActionItemEvent]:
    return list(
        session.exec(
            select(ActionItemEvent)
            .where(ActionItemEvent.action_item_id == item_id)
            .order_by(col(ActionItemEvent.id))
        )
    )


def message_ref(session: Session, workspace_id: int, platform_message_id: str) -> MessageRef | None:
    return session.exec(
        select(MessageRef).where(
            MessageRef.workspace_id == workspace_id, MessageRef.platform_message_id == platform_message_id
        )
    ).first()


def latest_ref(session: Session, workspace_id: int, kind: str, meeting_id: int) -> MessageRef | None:
    return session.exec(
        select(MessageRef)
        .where(MessageRef.workspace_id == workspace_id, MessageRef.kind == kind, MessageRef.meeting_id == meeting_id)
        .order_by(col(MessageRef.id).desc())
    ).first()


def invitation_refs(session: Session, workspace_id: int, meeting_id: int) -> list[MessageRef]:
    """Every private invitation to a meeting that was posted (the first one, a reschedule's notice, an answer
    chase), oldest first: what to update in place when the meeting is cancelled or moved."""
    return list(session.exec(
        select(MessageRef)
        .where(MessageRef.workspace_id == workspace_id, MessageRef.kind == "invitation",
               MessageRef.meeting_id == meeting_id, col(MessageRef.recipient_id).is_not(None))
        .order_by(col(MessageRef.id))
    ))


def superseded(session: Session, ref: MessageRef) -> bool:
    """A private invitation that a newer one to the same person about the same meeting replaced (a reschedule
    sends one with the new time): answering the old one answers a meeting that is no longer as it says."""
    if ref.kind != "invitation" or ref.meeting_id is None or ref.recipient_id is None or ref.id is None:
        return False
    return session.exec(
        select(MessageRef.id).where(MessageRef.workspace_id == ref.workspace_id, MessageRef.kind == "invitation",
                                    MessageRef.meeting_id == ref.meeting_id,
                                    MessageRef.recipient_id == ref.recipient_id, col(MessageRef.id) > ref.id)
    ).first() is not None


def newest_assigned_to(session: Session, workspace_id: int, recipient_id: int) -> ActionItem | None:
    """The newest still-open action item the bot wrote to this person about privately."""
    return session.exec(
        select(ActionItem)
        .join(MessageRef, col(MessageRef.action_item_id) == col(ActionItem.id))
        .where(
            MessageRef.workspace_id == workspace_id,
            MessageRef.recipient_id == recipient_id,
            ActionItem.owner_id == recipient_id,  # not one reassigned to someone else since
            col(MessageRef.kind).in_(("assignment", "reminder")),
            col(ActionItem.status).in_(OPEN_ACTION_STATUSES),
            col(ActionItem.removed_at).is_(None),
        )
        .order_by(col(MessageRef.id).desc())
    ).first()


def drop_pending(session: Session, meeting_id: int) -> int:
    """Mark every pending notification of a meeting dropped (cancelled, rescheduled or started)."""
    return _drop(session, col(Notification.meeting_id) == meeting_id)


def has_pending(session: Session, meeting_id: int, kind: str) -> bool:
    """Whether a meeting still has a row of `kind` waiting to go out."""
    return session.exec(select(Notification.id).where(
        Notification.meeting_id == meeting_id, Notification.kind == kind, Notification.status == "pending")
    ).first() is not None
def drop_pending_to_in_meeting(session: Session, meeting_id: int, recipient_id: int) -> int:
    """Drop what is still to go to one person about one meeting (they are no longer invited)."""
    return _drop(session, and_(col(Notification.meeting_id) == meeting_id,
                               col(Notification.recipient_id) == recipient_id))


def remove_participant(session: Session, participant: Participant) -> None:
    session.delete(participant)
    session.flush()


def remove_agenda_item(session: Session, item: AgendaItem) -> None:
    """Delete an agenda item that never started (one that did is part of the record, and stays)."""
    session.delete(item)
    session.flush()


def drop_pending_digests(session: Session, workspace_id: int, channel_id: str) -> int:
    return _drop(
        session,
        (col(Notification.workspace_id) == workspace_id)
        & (col(Notification.channel_id) == channel_id)
        & (col(Notification.kind) == NotificationKind.WEEKLY_DIGEST),
    )


def drop_pending_for_item(session: Session, item_id: int) -> int:
    return _drop(session, col(Notification.action_item_id) == item_id)


def drop_pending_to(session: Session, item_id: int, recipient_id: int) -> int:
    """Drop what is still to go to one person about one item (they cannot be reached)."""
    return _drop(session, and_(col(Notification.action_item_id) == item_id,
                               col(Notification.recipient_id) == recipient_id))


def drop_pending_for_question(session: Session, question_id: int) -> int:
    return _drop(session, col(Notification.question_id) == question_id)


def _drop(session: Session, condition: ColumnElement[bool]) -> int:
    """Drop the pending scheduled rows matching `condition`. Outbox rows are never dropped: they carry what an
    event already said (an assignment note is no less owed because the item's date changed since)."""
    pending = session.exec(
        select(Notification).where(condition, Notification.status == "pending",
                                   Notification.kind != NotificationKind.OUTBOX)
    ).all()
    for notification in pending:
        notification.status = "dropped"
    return len(pending)


def later_stage_due(
    session: Session, kinds: Sequence[str], now: datetime, *, item_id: int | None = None,
    question_id: int | None = None,
) -> bool:
    """Is a later reminder of the same item (or question) also due (the bot was down)? Then the earlier one is
    stale."""
    about = (col(Notification.action_item_id) == item_id if item_id is not None
             else col(Notification.question_id) == question_id)
    return (
        session.exec(
            select(Notification.id).where(
                about,
                Notification.status == "pending",
                col(Notification.kind).in_(kinds),
                col(Notification.due_at) <= now,
            )
        ).first()
        is not None
    )


_NOTIFICATION_TABLE = Notification.__table__  # type: ignore[attr-defined]
_INBOUND_EVENT_TABLE = InboundEvent.__table__  # type: ignore[attr-defined]
def _insert_unless_present(session: Session, table: Any, values: dict[str, Any], unique: Sequence[str]) -> bool:
    """INSERT … ON CONFLICT (unique) DO NOTHING, in the session's dialect; True when the row went in. Two
    instances inserting the same key at once need no savepoint: PostgreSQL makes the second wait, then skip."""
    statement = _insert_ignoring(session.get_bind().dialect.name, table, tuple(unique))
    return session.execute(statement, values).first() is not None  # RETURNING: rowcount is -1 through the ORM


@functools.cache
def _insert_ignoring(dialect: str, table: Any, unique: tuple[str, ...]) -> Any:
    """Built once per table: many digests and events are inserted per tick, and building cost as much as running."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


_MESSAGE_REF_TABLE = MessageRef.__table__  # type: ignore[attr-defined]
_REF_FIELDS = ("channel_id", "kind", "meeting_id", "action_item_id", "question_id", "recipient_id", "created_at")


def record_message_ref(session: Session, values: dict[str, Any]) -> None:
    """What a posted message is about, keyed by the platform's id for it: one INSERT … ON CONFLICT DO UPDATE (an
    id the platform hands out again replaces the old record), not a read and then a write, after every post."""
    session.execute(_upsert_message_ref(session.get_bind().dialect.name), values)


@functools.cache
def _upsert_message_ref(dialect: str) -> Any:
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_MESSAGE_REF_TABLE)
    return insert.on_conflict_do_update(index_elements=["workspace_id", "platform_message_id"],
                                        set_={name: insert.excluded[name] for name in _REF_FIELDS})


def mark_sent(session: Session, notification_id: int, now: datetime) -> bool:
    """The common end of a post, in one UPDATE: a claimed row (`sending`) is `sent`, an outbox row's payload
    dropped. False, and nothing changed, for a row not claimed any more or one whose sending schedules what
    follows it (an overdue reminder): `jobs.finish` reads those whole."""
    return session.execute(_MARK_SENT, {"row_id": notification_id, "sent_now": now}).first() is not None


_MARK_SENT = (
    _NOTIFICATION_TABLE.update()
    .where(_NOTIFICATION_TABLE.c.id == bindparam("row_id"), _NOTIFICATION_TABLE.c.status == "sending",
           _NOTIFICATION_TABLE.c.kind != NotificationKind.ITEM_OVERDUE.value)
    .values(status="sent", sent_at=bindparam("sent_now"),
            payload=case((_NOTIFICATION_TABLE.c.kind == NotificationKind.OUTBOX.value, null()),
                         else_=_NOTIFICATION_TABLE.c.payload))
    .returning(_NOTIFICATION_TABLE.c.id)
)


def add_notification(session: Session, values: dict[str, Any]) -> int:
    """Insert a `notification` row from its columns' values and return its id: a single INSERT, without an ORM
    object and its share of a flush (a new meeting writes seven of these, and the ORM cost more than the SQL)."""
    return int(session.execute(_INSERT_NOTIFICATION, values).scalar_one())


_INSERT_NOTIFICATION = _NOTIFICATION_TABLE.insert().returning(_NOTIFICATION_TABLE.c.id)


def add_notification_once(session: Session, row: Notification) -> None:
    """Insert a row that carries a `dedupe_key`, unless one with that key exists."""
    assert row.dedupe_key is not None
    _insert_unless_present(session, _NOTIFICATION_TABLE, row.model_dump(exclude={"id"}), ["dedupe_key"])


def first_delivery(session: Session, workspace_id: int, event_id: str, now: datetime) -> bool:
    """Record a platform event id; False when it was recorded before."""
    return _insert_unless_present(session, _INBOUND_EVENT_TABLE,
                                  {"workspace_id": workspace_id, "event_id": event_id, "received_at": now},
                                  ["workspace_id", "event_id"])


_CHANNEL = select(Channel).where(Channel.workspace_id == bindparam("workspace_id"),
                                 Channel.channel_id == bindparam("channel_id"))


def channel(session: Session, workspace_id: int, channel_id: str) -> Channel | None:
    """A channel's own settings; read once per session (a new meeting asks for its calendar, then records
    the channel's clock)."""
    key = ("channel", workspace_id, channel_id)
    known: Channel | None = _known(session, key)
    if known is not None:
        return known
    found = session.exec(_CHANNEL, params={"workspace_id": workspace_id, "channel_id": channel_id}).first()
    return None if found is None else _remember(session, key, found)


def add_channel(session: Session, row: Channel) -> Channel:
    session.add(row)
    session.flush()
    return _remember(session, ("channel", row.workspace_id, row.channel_id), row)


def channel_has_open_actions(session: Session, workspace_id: int, channel_id: str) -> bool:
    return (
        session.exec(
            select(ActionItem.id).where(
                ActionItem.workspace_id == workspace_id,
                ActionItem.channel_id == channel_id,
                col(ActionItem.status).in_(OPEN_ACTION_STATUSES),
                col(ActionItem.removed_at).is_(None),
            )
        ).first()
        is not None
    )


@dataclass(frozen=True)
class DigestItem:
    """One action item as the weekly digest shows it: the columns it needs, not a loaded ORM object (a digest
    reads every item of a channel, and 1,000 channels' digests fall due in the same minute)."""

    number: int
    text: str
    owner_name: str | None
    owner_platform_id: str | None
    due_on: date | None
    status: str
    completed_at: datetime | None
    confidential: bool


# Built once with bind parameters: 1,000 channels' digests fall due in the same minute, and building the
# statement anew for each cost as much as running it.
_DIGEST_ITEMS = (
    sa_select(
        col(ActionItem.number),
        col(ActionItem.text),
        col(User.display_name),
        col(User.platform_user_id),
        col(ActionItem.due_on),
        col(ActionItem.status),
        col(ActionItem.completed_at),
        col(Meeting.confidential),
    )
    .outerjoin(User, col(User.id) == ActionItem.owner_id)
    .outerjoin(Meeting, col(Meeting.id) == ActionItem.meeting_id)
    .where(
        col(ActionItem.workspace_id) == bindparam("workspace_id"),
        col(ActionItem.channel_id) == bindparam("channel_id"),
        col(ActionItem.removed_at).is_(None),
        or_(
            col(ActionItem.status).in_(OPEN_ACTION_STATUSES),
            and_(col(ActionItem.status) == "done", col(ActionItem.completed_at) >= bindparam("done_since")),
            and_(
                col(ActionItem.due_on).between(bindparam("due_from"), bindparam("due_to")),
                col(ActionItem.status) != "cancelled",
            ),
        ),
    )
    .order_by(col(ActionItem.due_on), col(ActionItem.number))
)


def channel_digest_items(
    session: Session, workspace_id: int, channel_id: str, done_since: datetime, due_from: date, due_to: date
) -> list[DigestItem]:
    """In one query, what a channel's digest counts: its open items, those done since `done_since`, and
    those due in [due_from, due_to] whatever their status but cancelled (the on-time rate's base)."""
    rows = session.execute(
        _DIGEST_ITEMS,
        {"workspace_id": workspace_id, "channel_id": channel_id, "done_since": done_since, "due_from": due_from,
         "due_to": due_to},
    )
    return [
        DigestItem(number, text, owner_name, owner_id, due_on, status, completed_at, bool(confidential))
        for number, text, owner_name, owner_id, due_on, status, completed_at, confidential in rows
    ]


def previous_meeting(session: Session, workspace_id: int, channel_id: str, before: Meeting) -> Meeting | None:
    """The last meeting held in this channel before `before` (for carrying its open work over)."""
    assert before.id is not None  # a meeting written already (`!= NULL` would match nothing)
    return session.exec(_PREVIOUS_MEETING,
                        params={"workspace_id": workspace_id, "channel_id": channel_id, "before": before.id}).first()


_PREVIOUS_MEETING = (
    select(Meeting)
    .where(Meeting.workspace_id == bindparam("workspace_id"), Meeting.channel_id == bindparam("channel_id"),
           Meeting.status == "ended", col(Meeting.id) != bindparam("before"))
    .order_by(col(Meeting.ended_at).desc())
)


def lock_series(session: Session, series_id: int) -> MeetingSeries | None:
    """A series re-read under a row lock: two instances extending it at once make each occurrence once."""
    return session.exec(select(MeetingSeries).where(MeetingSeries.id == series_id).with_for_update()).first()


def series_occurrences(session: Session, series_id: int) -> list[Meeting]:
    """A series' occurrences made so far, in the series' order."""
    return list(session.exec(select(Meeting).where(Meeting.series_id == series_id)
                             .order_by(col(Meeting.series_index))))


def previous_occurrence(session: Session, meeting: Meeting) -> Meeting | None:
    """The last occurrence of `meeting`'s series held before it (for carrying its open work over)."""
    return session.exec(
        select(Meeting)
        .where(Meeting.series_id == meeting.series_id, Meeting.status == "ended",
               col(Meeting.series_index) < meeting.series_index)
        .order_by(col(Meeting.series_index).desc())
    ).first()


def open_questions_of_meeting(session: Session, meeting_id: int) -> list[OpenQuestion]:
    """A meeting's unanswered questions, with or without an owner or a follow-up date."""
    return list(session.exec(_live_records(OpenQuestion, meeting_id).where(col(OpenQuestion.resolved_at).is_(None))
                             .order_by(col(OpenQuestion.seq))))


def open_questions_of_channel(session: Session, workspace_id: int, channel_id: str) -> list[OpenQuestion]:
    return list(session.exec(_OPEN_QUESTIONS_OF_CHANNEL, params={"workspace_id": workspace_id,
                                                                  "channel_id": channel_id}))


_OPEN_QUESTIONS_OF_CHANNEL = (
    select(OpenQuestion)
    .where(
        OpenQuestion.workspace_id == bindparam("workspace_id"),
        OpenQuestion.channel_id == bindparam("channel_id"),
        col(OpenQuestion.resolved_at).is_(None),
        col(OpenQuestion.removed_at).is_(None),
        col(OpenQuestion.follow_up_on).is_not(None),
    )
    .order_by(col(OpenQuestion.follow_up_on))
)


def claim_due(session: Session, platform: str, now: datetime, lease: timedelta, limit: int,
              after: tuple[datetime, int] | None = None) -> list[Notification]:
    """One platform's pending rows whose time has come (in due order, an event's messages in the order they
    were written), then its rows whose claimer died, locked for this transaction.

    Two index range scans, (platform, status, due_at, id) and (platform, status, claimed_at), rather than one
    OR or a join to the workspace, so an idle tick costs the same with a million future rows as with ten, and
    another platform's backlog (its process down) costs nothing. `SKIP LOCKED` lets several instances tick
    at once on PostgreSQL without taking the same row.

    `after`: the (due_at, id) of the last pending row the tick's previous batch took. The range then starts
    behind it instead of at the oldest due time. On PostgreSQL the rows a tick has already taken stay in that
    part of the index as dead entries, which scans cannot skip while any other transaction is open (a long
    report, a backup): walking them again made each batch of a long catch-up slower than the one before (1M
    items, a transaction held open: 1.6 ms a claim at first, 5.4 ms after 3,000 sent; 1.6 ms with the key).
    A row left behind the key (another instance held it) is the next tick's.
    """
    pending: list[ColumnElement[bool]] = [col(Notification.platform) == platform, col(Notification.status) == "pending",
                                          col(Notification.due_at) <= now]
    if after is not None:
        pending.append(tuple_(col(Notification.due_at), col(Notification.id)) > after)
    due = list(
        session.exec(
            select(Notification)
            .where(*pending)
            .order_by(col(Notification.due_at), col(Notification.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )
    if len(due) < limit:
        due += session.exec(
            select(Notification)
            .where(Notification.platform == platform, Notification.status == "sending",
                   col(Notification.claimed_at) <= now - lease)
            .order_by(col(Notification.claimed_at), col(Notification.id))
            .limit(limit - len(due))
            .with_for_update(skip_locked=True)
        ).all()
    return due


def pending_outbox(session: Session, key: str, *, meeting_id: int | None) -> list[Notification]:
    """The outbox rows still waiting whose dedupe_key starts with `key` (narrowed to one meeting's rows by the
    meeting index when given)."""
    query = select(Notification).where(
        Notification.kind == NotificationKind.OUTBOX, Notification.status == "pending",
        col(Notification.dedupe_key).startswith(key, autoescape=True),
    )
    if meeting_id is not None:
        query = query.where(Notification.meeting_id == meeting_id)
    return list(session.exec(query.order_by(col(Notification.id))).all())


def delay_followers(session: Session, row: Notification, until: datetime) -> int:
    """Hold back the pending outbox rows written after `row` to the same conversation until `until`, so they
    cannot overtake it while it waits out its backoff. Only rows due in [row written, until) can be behind it:
    a narrow range of the due index."""
    assert row.kind == NotificationKind.OUTBOX
    followers = session.exec(
        select(Notification).where(
            Notification.platform == row.platform, Notification.status == "pending",
            col(Notification.due_at) >= row.created_at, col(Notification.due_at) < until,
            Notification.kind == NotificationKind.OUTBOX, Notification.workspace_id == row.workspace_id,
            Notification.channel_id == row.channel_id, col(Notification.id) > row.id,
        )
    ).all()
    for follower in followers:
        follower.due_at = until
    return len(followers)


def platform_of(session: Session, workspace_id: int) -> str:
    """The platform of a workspace (usually from the session's identity map: the event loaded it)."""
    found = session.get(Workspace, workspace_id)
    assert found is not None, f"no workspace {workspace_id}"
    return found.platform


def notification(session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def outbox_keyed(session: Session, key: str) -> Notification | None:
    """The row written under `dedupe_key` `key` (its unique index), whatever became of it."""
    return session.exec(select(Notification).where(Notification.dedupe_key == key)).first()


def next_due_at(session: Session, platform: str) -> datetime | None:
    return session.exec(
        select(func.min(Notification.due_at)).where(Notification.platform == platform,
                                                    Notification.status == "pending")
    ).first()


def search_meetings(
    session: Session, workspace_id: int, *, words: str | None = None, since: datetime | None = None,
    until: datetime | None = None, meeting_type: str | None = None, limit: int = 10, offset: int = 0,
    viewer_id: int,
) -> list[Meeting]:
    """Past and planned meetings matching all given filters, newest first, leaving out confidential meetings
    `viewer_id` is not in (as participant, creator or named viewer); the caller applies the rest of
    `bot.access` (channel membership comes from the platform). `words` match the title, a decision or an
    action item of the meeting, case-insensitively."""
    query = select(Meeting).where(Meeting.workspace_id == workspace_id, Meeting.status != "cancelled")
    if words:
        pattern = f"%{words}%"
        query = query.where(or_(
            col(Meeting.title).ilike(pattern),
            col(Meeting.id).in_(select(Decision.meeting_id).where(col(Decision.text).ilike(pattern),
                                                                  col(Decision.removed_at).is_(None))),
            col(Meeting.id).in_(select(ActionItem.meeting_id).where(col(ActionItem.text).ilike(pattern),
                                                                    col(ActionItem.removed_at).is_(None))),
        ))
    if since is not None:
        query = query.where(col(Meeting.start_at) >= since)
    if until is not None:
        query = query.where(col(Meeting.start_at) < until)
    if meeting_type is not None:
        query = query.where(Meeting.meeting_type == meeting_type)
    visible = or_(
        col(Meeting.confidential).is_(False),
        col(Meeting.created_by_id) == viewer_id,
        col(Meeting.id).in_(select(Participant.meeting_id).where(Participant.user_id == viewer_id)),
        col(Meeting.id).in_(select(MeetingViewer.meeting_id).where(MeetingViewer.user_id == viewer_id)),
    )
    ordered = query.where(visible).order_by(col(Meeting.start_at).desc(), col(Meeting.id).desc())
    return list(session.exec(ordered.offset(offset).limit(limit)))
