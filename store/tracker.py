"""The action tracker's rows: a workspace's action items with owner, meeting, organization and how often
their due date moved, in one query (a tracker of thousands of items must not cost a query per item)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from store.models import ActionItem, ActionItemEvent, Meeting, Participant, User

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class TrackerRow:
    """One action item as the tracker lists it; language-neutral (statuses are codes), dates as dates."""

    number: int
    description: str
    owner: str | None
    organization: str | None  # the owner's, as recorded on the meeting that gave them the item
    planned_date: date | None  # the current due date
    actual_date: date | None  # the day it was done, in the reader's timezone
    status: str  # open, in_progress, blocked, done, cancelled
    deliverable: str | None
    meeting_number: int | None
    meeting_title: str | None
    first_planned: date | None  # the due date it was given first
    due_changes: int  # how often the due date moved
    blocked_reason: str | None
    declined_reason: str | None
    verified_on: date | None  # the requester's sign-off


def tracker_rows(
    session: Session,
    workspace_id: int,
    *,
    channel_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    zone: ZoneInfo = _UTC,
    include_confidential: bool = False,
) -> list[TrackerRow]:
    """A workspace's action items (those `#undo` took back excepted), by number; optionally one channel's, and
    those recorded in [since, until). Items of confidential meetings only with `include_confidential`: pass
    it only when everyone who gets the file may read them. `zone` decides on which day a completion falls.

    One query: owner, meeting, the owner's organization and the count of due-date changes joined."""
    changes = (
        sa_select(col(ActionItemEvent.action_item_id).label("item_id"), func.count().label("n"))
        .join(ActionItem, col(ActionItem.id) == col(ActionItemEvent.action_item_id))
        .where(col(ActionItem.workspace_id) == workspace_id, col(ActionItemEvent.change) == "due")
        .group_by(col(ActionItemEvent.action_item_id))
        .subquery()
    )
    query = (
        sa_select(
            ActionItem,
            col(User.display_name),
            col(Participant.organization),
            col(Meeting.number),
            col(Meeting.title),
            changes.c.n,
        )
        .outerjoin(User, col(User.id) == col(ActionItem.owner_id))
        .outerjoin(Meeting, col(Meeting.id) == col(ActionItem.meeting_id))
        .outerjoin(
            Participant,
            and_(
                col(Participant.meeting_id) == col(ActionItem.meeting_id),
                col(Participant.user_id) == col(ActionItem.owner_id),
            ),
        )
        .outerjoin(changes, changes.c.item_id == col(ActionItem.id))
        .where(col(ActionItem.workspace_id) == workspace_id, col(ActionItem.removed_at).is_(None))
        .order_by(col(ActionItem.number))
    )
    if channel_id is not None:
        query = query.where(col(ActionItem.channel_id) == channel_id)
    if since is not None:
        query = query.where(col(ActionItem.created_at) >= since)
    if until is not None:
        query = query.where(col(ActionItem.created_at) < until)
    if not include_confidential:
        query = query.where(or_(col(ActionItem.meeting_id).is_(None), col(Meeting.confidential).is_(False)))

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment else None

    return [
        TrackerRow(
            number=item.number,
            description=item.text,
            owner=owner,
            organization=organization,
            planned_date=item.due_on,
            actual_date=day(item.completed_at),
            status=item.status,
            deliverable=item.deliverable,
            meeting_number=meeting_number,
            meeting_title=meeting_title,
            first_planned=item.original_due_on,
            due_changes=due_changes or 0,
            blocked_reason=item.blocked_reason,
            declined_reason=item.declined_reason,
            verified_on=day(item.verified_at),
        )
        for item, owner, organization, meeting_number, meeting_title, due_changes in session.execute(query)
    ]
