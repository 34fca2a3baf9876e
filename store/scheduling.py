"""Queries for scheduling sense: who is busy when, the requests waiting for a host's yes, and materials.

Kept apart from `repo` (already long) because they serve one feature: the checks before a meeting is
created or moved (`bot.service.sense`) and the materials a presenter owes before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from store.models import Meeting, MeetingMaterials, Notification, NotificationKind, Participant, SchedulingRequest

BUSY_STATUSES = ("scheduled", "in_progress")


def busy(
    session: Session, workspace_id: int, user_ids: Sequence[int], start: datetime, end: datetime,
    exclude_meeting_id: int | None = None,
) -> list[tuple[Meeting, int]]:
    """Other live meetings overlapping [start, end) that these people take part in (and have not declined),
    with whose each is, earliest first."""
    if not user_ids:
        return []
    query, params = _BUSY, {"workspace_id": workspace_id, "user_ids": list(user_ids), "start": start, "end": end}
    if exclude_meeting_id is not None:
        query, params = _BUSY_EXCEPT, params | {"exclude": exclude_meeting_id}
    return [(meeting, user_id) for meeting, user_id in session.exec(query, params=params)]


# Built once (asked before every meeting is made or moved): building it cost more than running it.
_BUSY = (
    select(Meeting, Participant.user_id)
    .join(Participant, col(Participant.meeting_id) == col(Meeting.id))
    .where(
        Meeting.workspace_id == bindparam("workspace_id"),
        col(Meeting.status).in_(BUSY_STATUSES),
        col(Meeting.start_at) < bindparam("end"),
        col(Meeting.end_at) > bindparam("start"),
        col(Participant.user_id).in_(bindparam("user_ids", expanding=True)),
        (col(Participant.rsvp).is_(None)) | (col(Participant.rsvp) != "no"),
    )
    .order_by(col(Meeting.start_at), col(Meeting.id), col(Participant.id))
)
_BUSY_EXCEPT = _BUSY.where(col(Meeting.id) != bindparam("exclude"))


def add_request(session: Session, request: SchedulingRequest) -> SchedulingRequest:
    session.add(request)
    session.flush()
    return request


def request(session: Session, workspace_id: int, request_id: int) -> SchedulingRequest | None:
    row = session.get(SchedulingRequest, request_id)
    return row if row is not None and row.workspace_id == workspace_id else None


def waiting_request(
    session: Session, workspace_id: int, requester_id: int, channel_id: str | None, now: datetime
) -> SchedulingRequest | None:
    """The newest request this person has waiting, unexpired, in this conversation (None: in any), which is
    what a typed yes answers."""
    query = select(SchedulingRequest).where(
        SchedulingRequest.workspace_id == workspace_id,
        SchedulingRequest.requester_id == requester_id,
        SchedulingRequest.status == "pending",
        col(SchedulingRequest.expires_at) > now,
    )
    if channel_id is not None:
        query = query.where(SchedulingRequest.channel_id == channel_id)
    return session.exec(query.order_by(col(SchedulingRequest.id).desc())).first()


def lapsed_request(
    session: Session, workspace_id: int, requester_id: int, channel_id: str | None, now: datetime, since: datetime
) -> SchedulingRequest | None:
    """The newest request this person left unanswered in this conversation (None: in any) that expired after
    `since` and by `now`: what a yes typed too late was meant for."""
    query = select(SchedulingRequest).where(
        SchedulingRequest.workspace_id == workspace_id,
        SchedulingRequest.requester_id == requester_id,
        SchedulingRequest.status == "pending",
        col(SchedulingRequest.expires_at) <= now,
        col(SchedulingRequest.expires_at) > since,
    )
    if channel_id is not None:
        query = query.where(SchedulingRequest.channel_id == channel_id)
    return session.exec(query.order_by(col(SchedulingRequest.id).desc())).first()


def materials(session: Session, meeting_id: int) -> MeetingMaterials | None:
    return session.exec(select(MeetingMaterials).where(MeetingMaterials.meeting_id == meeting_id)).first()


def drop_pending_kind(session: Session, meeting_id: int, kind: NotificationKind) -> int:
    """Mark a meeting's pending rows of one kind dropped (the sum-up notice once the meeting has ended)."""
    rows = session.exec(
        select(Notification).where(
            Notification.meeting_id == meeting_id, Notification.kind == kind, Notification.status == "pending"
        )
    ).all()
    for row in rows:
        row.status = "dropped"
    return len(rows)
