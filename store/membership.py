"""The queries access needs: a meeting's named viewers, and who has written in a group.

Kept apart from `store.repo` because they serve one concern (`bot.access` decides; this only loads), and so
that the visibility filter of a search can be stated next to the rows it reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from store.models import ChannelWriter, MeetingViewer, Participant
from store.repo import _insert_unless_present as insert_unless_present

_CHANNEL_WRITER_TABLE = ChannelWriter.__table__  # type: ignore[attr-defined]


def roles(session: Session, meeting_id: int) -> list[tuple[int, str, bool]]:
    """(user id, role, is chair) of each participant: what access needs, without loading the people."""
    rows = session.exec(select(Participant.user_id, Participant.role, Participant.is_chair)
                        .where(Participant.meeting_id == meeting_id)).all()
    return [(user_id, role, is_chair) for user_id, role, is_chair in rows]


def viewer_ids(session: Session, meeting_id: int) -> frozenset[int]:
    return frozenset(session.exec(select(MeetingViewer.user_id).where(MeetingViewer.meeting_id == meeting_id)))


def add_viewer(session: Session, meeting_id: int, user_id: int, named_by_id: int, now: datetime) -> bool:
    """Name `user_id` a viewer of the meeting; False when they already were one."""
    if user_id in viewer_ids(session, meeting_id):
        return False
    session.add(MeetingViewer(meeting_id=meeting_id, user_id=user_id, named_by_id=named_by_id, created_at=now))
    session.flush()
    return True


def viewers_of_meetings(session: Session, meeting_ids: list[int]) -> dict[int, frozenset[int]]:
    rows = session.exec(
        select(MeetingViewer.meeting_id, MeetingViewer.user_id).where(col(MeetingViewer.meeting_id).in_(meeting_ids))
    ).all()
    found: dict[int, set[int]] = {}
    for meeting_id, user_id in rows:
        found.setdefault(meeting_id, set()).add(user_id)
    return {meeting_id: frozenset(users) for meeting_id, users in found.items()}


def record_writer(session: Session, workspace_id: int, channel_id: str, user_id: int, now: datetime) -> None:
    """Remember that `user_id` has written in `channel_id` (once: later messages change nothing)."""
    insert_unless_present(session, _CHANNEL_WRITER_TABLE,
                          {"workspace_id": workspace_id, "channel_id": channel_id, "user_id": user_id,
                           "first_at": now},
                          ["workspace_id", "channel_id", "user_id"])


def has_written(session: Session, workspace_id: int, channel_id: str, user_id: int) -> bool:
    return session.exec(
        select(ChannelWriter.id).where(ChannelWriter.workspace_id == workspace_id,
                                       ChannelWriter.channel_id == channel_id, ChannelWriter.user_id == user_id)
    ).first() is not None
