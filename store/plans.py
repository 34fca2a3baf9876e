"""Queries for meeting plans: their people, approval steps and history, and who reviews and approves.

Kept apart from `store.repo` because plans are their own lifecycle (filed, reviewed, approved, locked), with
tables of their own that the task board, incidents and the report will join on `plan_id`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from store.models import AgendaChange, ApprovalRole, Meeting, MeetingPlan, Participant, PlanEvent, PlanPerson, PlanStep

LIVE = ("scheduled", "in_progress")


def plan_of(session: Session, meeting_id: int) -> MeetingPlan | None:
    return session.exec(select(MeetingPlan).where(MeetingPlan.meeting_id == meeting_id)).first()


def add_agenda_change(session: Session, change: AgendaChange) -> AgendaChange:
    session.add(change)
    session.flush()
    return change


def agenda_change(session: Session, workspace_id: int, number: int) -> AgendaChange | None:
    """Agenda change #number (its id) of this workspace."""
    row = session.get(AgendaChange, number)
    return row if row is not None and row.workspace_id == workspace_id else None


def people(session: Session, plan_id: int) -> list[PlanPerson]:
    return list(session.exec(select(PlanPerson).where(PlanPerson.plan_id == plan_id).order_by(col(PlanPerson.id))))


def replace_people(session: Session, plan_id: int, side: str, rows: Iterable[PlanPerson]) -> None:
    for old in session.exec(select(PlanPerson).where(PlanPerson.plan_id == plan_id, PlanPerson.side == side)):
        session.delete(old)
    session.flush()
    session.add_all(list(rows))
    session.flush()


def steps(session: Session, plan_id: int, version: int) -> list[PlanStep]:
    return list(session.exec(
        select(PlanStep).where(PlanStep.plan_id == plan_id, PlanStep.version == version).order_by(col(PlanStep.id))
    ))


def all_steps(session: Session, plan_id: int) -> list[PlanStep]:
    return list(session.exec(select(PlanStep).where(PlanStep.plan_id == plan_id).order_by(col(PlanStep.id))))


def events(session: Session, plan_id: int) -> list[PlanEvent]:
    return list(session.exec(select(PlanEvent).where(PlanEvent.plan_id == plan_id).order_by(col(PlanEvent.id))))


def add_event(
    session: Session, plan: MeetingPlan, at: datetime, action: str, actor_id: int | None,
    stage: str | None = None, note: str | None = None,
) -> None:
    assert plan.id is not None
    session.add(PlanEvent(plan_id=plan.id, at=at, actor_id=actor_id, action=action, version=plan.version,
                          stage=stage, note=note))
    session.flush()


def reviewers(session: Session, workspace_id: int, channel_id: str) -> list[int]:
    rows = session.exec(select(ApprovalRole.user_id).where(
        ApprovalRole.workspace_id == workspace_id, ApprovalRole.role == "reviewer",
        ApprovalRole.channel_id == channel_id).order_by(col(ApprovalRole.id)))
    return list(rows)


def reviewers_in_role(session: Session, workspace_id: int, role: str, channel_id: str) -> list[int]:
    """The people holding `role` in a channel (an incident type's handler: role `inc_<type>`)."""
    rows = session.exec(select(ApprovalRole.user_id).where(
        ApprovalRole.workspace_id == workspace_id, ApprovalRole.role == role,
        ApprovalRole.channel_id == channel_id).order_by(col(ApprovalRole.id)))
    return list(rows)


def personal_approver(session: Session, workspace_id: int, user_id: int) -> int | None:
    """The person's own approver (their superior), named with `config approver @boss for @them`."""
    return session.exec(select(ApprovalRole.user_id).where(
        ApprovalRole.workspace_id == workspace_id, ApprovalRole.role == "approver",
        col(ApprovalRole.channel_id).is_(None), ApprovalRole.for_user_id == user_id)).first()


def channel_approver(session: Session, workspace_id: int, channel_id: str) -> int | None:
    return session.exec(select(ApprovalRole.user_id).where(
        ApprovalRole.workspace_id == workspace_id, ApprovalRole.role == "approver",
        ApprovalRole.channel_id == channel_id, col(ApprovalRole.for_user_id).is_(None))).first()


def set_role(
    session: Session, workspace_id: int, role: str, channel_id: str | None, for_user_id: int | None,
    user_ids: list[int], set_by_id: int, now: datetime,
) -> None:
    """Replace who holds `role` in this place (a channel's reviewers or default approver, a person's approver)."""
    query = select(ApprovalRole).where(ApprovalRole.workspace_id == workspace_id, ApprovalRole.role == role)
    query = query.where(col(ApprovalRole.channel_id).is_(None) if channel_id is None
                        else ApprovalRole.channel_id == channel_id)
    query = query.where(col(ApprovalRole.for_user_id).is_(None) if for_user_id is None
                        else ApprovalRole.for_user_id == for_user_id)
    for old in session.exec(query):
        session.delete(old)
    session.flush()
    for user_id in user_ids:
        session.add(ApprovalRole(workspace_id=workspace_id, channel_id=channel_id, role=role, user_id=user_id,
                                 for_user_id=for_user_id, set_by_id=set_by_id, created_at=now))
    session.flush()


def conflicts(session: Session, meeting: Meeting, user_ids: Iterable[int]) -> list[Meeting]:
    """Important meetings, scheduled or running, that overlap `meeting` and share one of `user_ids` (or its
    place, when it names one)."""
    ids = list(user_ids)
    same_people = col(Meeting.id).in_(select(Participant.meeting_id).where(col(Participant.user_id).in_(ids)))
    same_place = (col(Meeting.location) == meeting.location) if meeting.location else None
    who = or_(same_people, same_place) if same_place is not None else same_people
    return list(session.exec(
        select(Meeting).where(
            Meeting.workspace_id == meeting.workspace_id, Meeting.id != meeting.id, col(Meeting.important).is_(True),
            col(Meeting.status).in_(LIVE), col(Meeting.start_at) < meeting.end_at,
            col(Meeting.end_at) > meeting.start_at,
            who,
        ).order_by(col(Meeting.start_at))
    ))


def waiting_for(session: Session, workspace_id: int, user_id: int) -> list[tuple[Meeting, PlanStep]]:
    """Plan steps `user_id` is to decide now (as approver, or as the superior a late step went to)."""
    rows = session.exec(
        select(Meeting, PlanStep)
        .join(MeetingPlan, col(MeetingPlan.meeting_id) == col(Meeting.id))
        .join(PlanStep, (col(PlanStep.plan_id) == col(MeetingPlan.id)) & (PlanStep.version == MeetingPlan.version))
        .where(MeetingPlan.workspace_id == workspace_id, PlanStep.status == "pending",
               or_(col(PlanStep.approver_id) == user_id, col(PlanStep.escalated_to_id) == user_id))
        .order_by(col(PlanStep.due_at))
    )
    return [(meeting, step) for meeting, step in rows]
