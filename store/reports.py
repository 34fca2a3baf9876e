"""The aggregate queries behind `/meeting report`: counted by the database, a few rows back per meeting.

Kept apart from `store/repo.py` (one-row reads and writes for use cases) because these read many meetings
at once: a month of a busy channel must cost a handful of grouped queries over indexed ranges, never one
query per meeting or one loaded ORM object per participant (the benchmark: a monthly channel report over
10,000 meetings and 100,000 action items in under 2 s on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from store import attendance
from store.models import ActionItem, AgendaItem, Decision, Meeting, OpenQuestion, Participant, SurveyAnswer


@dataclass(frozen=True)
class MeetingFacts:
    """One held meeting, counted: who was asked, who answered, who came, what was decided and how it felt."""

    meeting_id: int
    number: int
    title: str
    started_at: datetime | None
    ended_at: datetime | None
    invited: int = 0
    answered: int = 0
    attended: int = 0
    late: int = 0  # checked in more than LATE_AFTER after the start
    decisions: int = 0
    open_questions: int = 0
    agenda_items: int = 0
    agenda_finished: int = 0
    planned_minutes: int = 0  # of the finished items that had a planned length
    actual_minutes: float = 0.0  # of those same items
    survey_answers: int = 0
    survey_total: int = 0


@dataclass(frozen=True)
class ItemFacts:
    number: int
    text: str
    owner_id: int | None
    due_on: date | None
    status: str
    completed_at: datetime | None


LATE_AFTER_SECONDS = 5 * 60


def held_meetings(
    session: Session, workspace_id: int, since: datetime, until: datetime, *, channel_id: str | None = None,
    user_id: int | None = None,
) -> list[MeetingFacts]:
    """Meetings that started in [since, until) and were held (ended), with their counts, oldest first."""
    query = sa_select(col(Meeting.id), col(Meeting.number), col(Meeting.title), col(Meeting.started_at),
                      col(Meeting.ended_at)).where(
        col(Meeting.workspace_id) == workspace_id,
        col(Meeting.status) == "ended",
        col(Meeting.start_at) >= since,
        col(Meeting.start_at) < until,
    )
    if channel_id is not None:
        query = query.where(col(Meeting.channel_id) == channel_id)
    if user_id is not None:
        query = query.where(col(Meeting.id).in_(
            sa_select(col(Participant.meeting_id)).where(col(Participant.user_id) == user_id)))
    return _facts(session, session.execute(query.order_by(col(Meeting.start_at))).all())


def facts_of(session: Session, meeting: Meeting) -> MeetingFacts:
    """The counts of one meeting, held or not."""
    return _facts(session, [(meeting.id, meeting.number, meeting.title, meeting.started_at, meeting.ended_at)])[0]


def _facts(session: Session, rows: Sequence[Any]) -> list[MeetingFacts]:
    ids = [row[0] for row in rows]
    people = _grouped(session, ids, sa_select(
        col(Participant.meeting_id),
        func.count(),
        func.count(col(Participant.rsvp)),
        func.count(col(Participant.checked_in_at)),
    ).where(attendance.on_roll_clause()).group_by(col(Participant.meeting_id)), col(Participant.meeting_id))
    late = _late(session, rows)
    decisions = _grouped(session, ids, sa_select(col(Decision.meeting_id), func.count()).where(
        col(Decision.removed_at).is_(None)).group_by(col(Decision.meeting_id)), col(Decision.meeting_id))
    questions = _grouped(session, ids, sa_select(col(OpenQuestion.meeting_id), func.count()).where(
        col(OpenQuestion.removed_at).is_(None), col(OpenQuestion.resolved_at).is_(None)).group_by(
        col(OpenQuestion.meeting_id)), col(OpenQuestion.meeting_id))
    agenda = _grouped(session, ids, sa_select(
        col(AgendaItem.meeting_id), func.count(), func.count(col(AgendaItem.ended_at)),
    ).group_by(col(AgendaItem.meeting_id)), col(AgendaItem.meeting_id))
    timing = _agenda_timing(session, ids)
    surveys = _grouped(session, ids, sa_select(col(SurveyAnswer.meeting_id), func.count(),
                                               func.sum(col(SurveyAnswer.score))).group_by(
        col(SurveyAnswer.meeting_id)), col(SurveyAnswer.meeting_id))
    facts = []
    for meeting_id, number, title, started_at, ended_at in rows:
        invited, answered, attended = people.get(meeting_id, (0, 0, 0))
        items, finished = agenda.get(meeting_id, (0, 0))
        planned, actual = timing.get(meeting_id, (0, 0.0))
        answers, total = surveys.get(meeting_id, (0, 0))
        facts.append(MeetingFacts(
            meeting_id, number, title, started_at, ended_at, int(invited), int(answered), int(attended),
            late.get(meeting_id, 0), int(decisions.get(meeting_id, (0,))[0]),
            int(questions.get(meeting_id, (0,))[0]), int(items), int(finished), int(planned), float(actual),
            int(answers), int(total or 0),
        ))
    return facts


def _grouped(session: Session, ids: Sequence[int], query: Any, key: Any) -> dict[int, tuple[int, ...]]:
    """`query` (grouped by `key`, a meeting id column) for the given meetings: meeting id → its counts."""
    if not ids:
        return {}
    rows = session.execute(query.where(key.in_(ids)))
    return {int(row[0]): tuple(int(value or 0) for value in row[1:]) for row in rows}


def _late(session: Session, rows: Sequence[Any]) -> dict[int, int]:
    """Check-ins more than LATE_AFTER_SECONDS after the meeting started (compared in Python: portable)."""
    started = {row[0]: row[3] for row in rows if row[3] is not None}
    if not started:
        return {}
    checked_in = session.execute(
        sa_select(col(Participant.meeting_id), col(Participant.checked_in_at))
        .where(col(Participant.meeting_id).in_(list(started)), col(Participant.checked_in_at).is_not(None))
    )
    late: dict[int, int] = {}
    for meeting_id, checked_in_at in checked_in:
        if (checked_in_at - started[meeting_id]).total_seconds() > LATE_AFTER_SECONDS:
            late[meeting_id] = late.get(meeting_id, 0) + 1
    return late


def _agenda_timing(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """Per meeting: planned minutes and actual minutes of the finished items that had a planned length."""
    if not ids:
        return {}
    rows = session.execute(
        sa_select(col(AgendaItem.meeting_id), col(AgendaItem.planned_minutes), col(AgendaItem.started_at),
                  col(AgendaItem.ended_at))
        .where(col(AgendaItem.meeting_id).in_(ids), col(AgendaItem.ended_at).is_not(None),
               col(AgendaItem.started_at).is_not(None), col(AgendaItem.planned_minutes).is_not(None))
    )
    timing: dict[int, tuple[int, float]] = {}
    for meeting_id, planned, started_at, ended_at in rows:
        before = timing.get(meeting_id, (0, 0.0))
        timing[meeting_id] = (before[0] + planned, before[1] + (ended_at - started_at).total_seconds() / 60)
    return timing


def items_due(
    session: Session, workspace_id: int, first: date, last: date, *, channel_id: str | None = None,
    owner_id: int | None = None,
) -> list[ItemFacts]:
    """Action items (not cancelled or taken back) due in [first, last]: the base of an on-time rate."""
    query = sa_select(col(ActionItem.number), col(ActionItem.text), col(ActionItem.owner_id),
                      col(ActionItem.due_on), col(ActionItem.status), col(ActionItem.completed_at)).where(
        col(ActionItem.workspace_id) == workspace_id,
        col(ActionItem.removed_at).is_(None),
        col(ActionItem.status) != "cancelled",
        col(ActionItem.due_on) >= first,
        col(ActionItem.due_on) <= last,
    )
    if channel_id is not None:
        query = query.where(col(ActionItem.channel_id) == channel_id)
    if owner_id is not None:
        query = query.where(col(ActionItem.owner_id) == owner_id)
    return [ItemFacts(*row) for row in session.execute(query.order_by(col(ActionItem.due_on)))]


def items_of_meeting(session: Session, meeting_id: int) -> list[ItemFacts]:
    """The action items recorded in one meeting (not taken back), by number."""
    query = sa_select(col(ActionItem.number), col(ActionItem.text), col(ActionItem.owner_id),
                      col(ActionItem.due_on), col(ActionItem.status), col(ActionItem.completed_at)).where(
        col(ActionItem.meeting_id) == meeting_id, col(ActionItem.removed_at).is_(None))
    return [ItemFacts(*row) for row in session.execute(query.order_by(col(ActionItem.number)))]
