"""Queries for the event's execution: preparation tasks (the board), incidents and recorded outcomes.

Tasks and incidents carry per-workspace numbers (`task done 7`, `incident ack 2` name no meeting), handed out
here as the next after the highest; the unique constraint refuses a duplicate should two writers race.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from store.models import Incident, MeetingResult, PrepTask, SurveyAnswer


def next_task_number(session: Session, workspace_id: int) -> int:
    found = session.exec(select(func.max(PrepTask.number)).where(PrepTask.workspace_id == workspace_id)).one()
    return int(found or 0) + 1


def next_incident_number(session: Session, workspace_id: int) -> int:
    found = session.exec(select(func.max(Incident.number)).where(Incident.workspace_id == workspace_id)).one()
    return int(found or 0) + 1


def task_by_number(session: Session, workspace_id: int, number: int) -> PrepTask | None:
    query = select(PrepTask).where(PrepTask.workspace_id == workspace_id, PrepTask.number == number)
    return session.exec(query).first()


def tasks(session: Session, meeting_id: int) -> list[PrepTask]:
    return list(session.exec(select(PrepTask).where(PrepTask.meeting_id == meeting_id).order_by(col(PrepTask.number))))


def open_tasks_of(session: Session, workspace_id: int, owner_id: int) -> list[PrepTask]:
    """A person's preparation tasks not done yet, soonest deadline first (their Home tab)."""
    return list(session.exec(select(PrepTask).where(
        PrepTask.workspace_id == workspace_id, PrepTask.owner_id == owner_id, PrepTask.status != "done",
    ).order_by(col(PrepTask.deadline))))


def waiting_on(session: Session, task_id: int) -> list[PrepTask]:
    """Tasks that start when task `task_id` is done."""
    return list(session.exec(select(PrepTask).where(PrepTask.after_id == task_id).order_by(col(PrepTask.number))))


def incident_by_number(session: Session, workspace_id: int, number: int) -> Incident | None:
    query = select(Incident).where(Incident.workspace_id == workspace_id, Incident.number == number)
    return session.exec(query).first()


def incidents(session: Session, meeting_id: int) -> list[Incident]:
    return list(session.exec(select(Incident).where(Incident.meeting_id == meeting_id).order_by(col(Incident.number))))


def results(session: Session, meeting_id: int) -> list[MeetingResult]:
    return list(session.exec(
        select(MeetingResult).where(MeetingResult.meeting_id == meeting_id).order_by(col(MeetingResult.id))))


def survey_answers(session: Session, meeting_id: int) -> list[SurveyAnswer]:
    return list(session.exec(
        select(SurveyAnswer).where(SurveyAnswer.meeting_id == meeting_id).order_by(col(SurveyAnswer.id))))
