"""Retention: what `quorum purge` may delete, and deleting it, never silently.

Teams must keep meeting records for at least two years (`QUORUM_RETENTION_MONTHS`, default and minimum 24).
Nothing is deleted on a timer: `quorum purge` lists the meetings that started before the cut-off and ended or
were cancelled, with what goes with them, and deletes only when asked (`--yes`). A meeting that still has an
open action item or an unresolved question is kept whatever its age, and listed as kept: deleting it would
lose work nobody has finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from store.models import (
    ActionItem,
    ActionItemEvent,
    AgendaChange,
    AgendaItem,
    Decision,
    Meeting,
    MeetingMaterials,
    MeetingViewer,
    MessageRef,
    MinutesRemark,
    Note,
    Notification,
    OpenQuestion,
    Participant,
    SurveyAnswer,
)

OPEN_ITEMS = ("open", "in_progress", "blocked")


@dataclass(frozen=True)
class Candidate:
    meeting_id: int
    workspace_id: int
    number: int
    title: str
    start_at: datetime
    action_items: int
    unfinished: int  # open action items and unresolved questions: such a meeting is kept


def candidates(session: Session, before: datetime) -> list[Candidate]:
    """Meetings that started before `before` and are over (ended or cancelled), oldest first."""
    items = (sa_select(func.count()).where(col(ActionItem.meeting_id) == col(Meeting.id))
             .correlate(Meeting).scalar_subquery())
    open_items = (sa_select(func.count()).where(col(ActionItem.meeting_id) == col(Meeting.id),
                                                col(ActionItem.status).in_(OPEN_ITEMS),
                                                col(ActionItem.removed_at).is_(None))
                  .correlate(Meeting).scalar_subquery())
    open_questions = (sa_select(func.count()).where(col(OpenQuestion.meeting_id) == col(Meeting.id),
                                                    col(OpenQuestion.resolved_at).is_(None),
                                                    col(OpenQuestion.removed_at).is_(None))
                      .correlate(Meeting).scalar_subquery())
    rows = session.execute(
        sa_select(col(Meeting.id), col(Meeting.workspace_id), col(Meeting.number), col(Meeting.title),
                  col(Meeting.start_at), items, open_items + open_questions)
        .where(col(Meeting.start_at) < before, col(Meeting.status).in_(("ended", "cancelled")))
        .order_by(col(Meeting.start_at))
    )
    return [Candidate(*row) for row in rows]


def purge(session: Session, meeting_ids: Sequence[int]) -> int:
    """Delete these meetings and everything that hangs off them; returns how many rows went in all."""
    if not meeting_ids:
        return 0
    ids = list(meeting_ids)
    items = sa_select(col(ActionItem.id)).where(col(ActionItem.meeting_id).in_(ids))
    questions = sa_select(col(OpenQuestion.id)).where(col(OpenQuestion.meeting_id).in_(ids))
    agenda = sa_select(col(AgendaItem.id)).where(col(AgendaItem.meeting_id).in_(ids))
    statements = [
        delete(ActionItemEvent).where(col(ActionItemEvent.action_item_id).in_(items)),
        delete(Notification).where(or_(col(Notification.meeting_id).in_(ids),
                                       col(Notification.action_item_id).in_(items),
                                       col(Notification.question_id).in_(questions),
                                       col(Notification.agenda_item_id).in_(agenda))),
        delete(MessageRef).where(or_(col(MessageRef.meeting_id).in_(ids), col(MessageRef.action_item_id).in_(items),
                                     col(MessageRef.question_id).in_(questions))),
        delete(ActionItem).where(col(ActionItem.meeting_id).in_(ids)),
        delete(OpenQuestion).where(col(OpenQuestion.meeting_id).in_(ids)),
        delete(Decision).where(col(Decision.meeting_id).in_(ids)),
        delete(Note).where(col(Note.meeting_id).in_(ids)),
        delete(AgendaItem).where(col(AgendaItem.meeting_id).in_(ids)),
        delete(AgendaChange).where(col(AgendaChange.meeting_id).in_(ids)),
        delete(Participant).where(col(Participant.meeting_id).in_(ids)),
        delete(SurveyAnswer).where(col(SurveyAnswer.meeting_id).in_(ids)),
        delete(MinutesRemark).where(col(MinutesRemark.meeting_id).in_(ids)),
        delete(MeetingViewer).where(col(MeetingViewer.meeting_id).in_(ids)),
        delete(MeetingMaterials).where(col(MeetingMaterials.meeting_id).in_(ids)),
        delete(Meeting).where(col(Meeting.id).in_(ids)),
    ]
    deleted = 0
    for statement in statements:
        result: Any = session.execute(statement)
        deleted += int(result.rowcount or 0)
    return deleted
