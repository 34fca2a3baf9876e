"""A meeting's record read once into plain frozen values, so every export renders outside the session.

`load_record` reads through `store.repo` only; nothing here decides who may read (see the package docstring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.i18n import Lang
from bot.locale import as_lang
from store import attendance, repo
from store.models import ActionItem, Decision, Meeting, Note, OpenQuestion, Workspace


@dataclass(frozen=True)
class Person:
    name: str
    platform_user_id: str


@dataclass(frozen=True)
class Attendee:
    person: Person
    role: str  # host, recorder, required, optional
    is_chair: bool
    organization: str | None
    rsvp: str | None  # yes, no, maybe; None: no answer
    rsvp_note: str | None
    checked_in_at: datetime | None


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    planned_minutes: int | None
    presenter: Person | None
    expected_output: str | None


@dataclass(frozen=True)
class NoteEntry:
    kind: str  # topic, info, idea, link
    text: str


@dataclass(frozen=True)
class DecisionEntry:
    text: str
    rationale: str | None
    verdict: str | None = None  # approved, deferred, more_material


@dataclass(frozen=True)
class ActionEntry:
    number: int
    text: str
    owner: Person | None
    due_on: date | None
    deliverable: str | None
    status: str


@dataclass(frozen=True)
class QuestionEntry:
    text: str
    owner: Person | None
    follow_up_on: date | None
    resolved: bool
    answer: str | None


@dataclass(frozen=True)
class MeetingRecord:
    """Everything the exports show of one meeting, as plain values read in one go."""

    uid: str  # stable for the meeting's whole life: calendars update the event that has it
    address_domain: str  # of the placeholder mailto: addresses, one per workspace
    number: int
    title: str
    goal: str | None
    expected_outcome: str | None
    meeting_type: str
    status: str  # scheduled, in_progress, ended, cancelled
    cancel_reason: str | None
    confidential: bool
    language: Lang  # of its shared posts (and of the invitation's description)
    start_at: datetime  # aware UTC, as scheduled
    end_at: datetime
    started_at: datetime | None  # as held
    ended_at: datetime | None
    location: str | None  # a link or a room
    link: str | None  # the video call's URL, when one was given apart from the room
    organizer: Person  # the first host, else whoever created the meeting
    attendees: tuple[Attendee, ...]
    agenda: tuple[AgendaEntry, ...]
    notes: tuple[NoteEntry, ...]
    decisions: tuple[DecisionEntry, ...]
    actions: tuple[ActionEntry, ...]
    questions: tuple[QuestionEntry, ...]

    def with_role(self, role: str) -> list[Person]:
        return [a.person for a in self.attendees if a.role == role]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def load_record(session: Session, meeting: Meeting) -> MeetingRecord:
    """Read a meeting and its record through `store.repo`. The workspace row (for the UID and the
    placeholder address domain) is read with `session.get`, the one thing repo has no function for."""
    assert meeting.id is not None
    workspace = session.get(Workspace, meeting.workspace_id)
    assert workspace is not None
    people = repo.participants(session, meeting.id)
    agenda = repo.agenda(session, meeting.id)
    notes = repo.records(session, Note, meeting.id)
    decisions = repo.records(session, Decision, meeting.id)
    actions = repo.records(session, ActionItem, meeting.id)
    questions = repo.records(session, OpenQuestion, meeting.id)
    wanted = {meeting.created_by_id} | {a.presenter_id for a in agenda if a.presenter_id}
    wanted |= {a.owner_id for a in actions if a.owner_id} | {q.owner_id for q in questions if q.owner_id}
    users = repo.users_by_id(session, sorted(wanted))

    def person(user_id: int | None) -> Person | None:
        user = users.get(user_id) if user_id is not None else None
        return Person(user.display_name, user.platform_user_id) if user else None

    hosts = [Person(u.display_name, u.platform_user_id) for p, u in people if p.role == "host"]
    creator = person(meeting.created_by_id)
    assert creator is not None
    domain = f"{_slug(workspace.external_id)}.{_slug(workspace.platform)}.quorum.invalid"
    return MeetingRecord(
        uid=f"meeting-{meeting.number}@{domain}",
        address_domain=domain,
        number=meeting.number,
        title=meeting.title,
        goal=meeting.goal,
        expected_outcome=meeting.expected_outcome,
        meeting_type=meeting.meeting_type,
        status=meeting.status,
        cancel_reason=meeting.cancel_reason,
        confidential=meeting.confidential,
        language=as_lang(meeting.language),
        start_at=meeting.start_at,
        end_at=meeting.end_at,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        location=meeting.location,
        link=meeting.link,
        organizer=hosts[0] if hosts else creator,
        attendees=tuple(
            Attendee(
                Person(u.display_name, u.platform_user_id),
                p.role,
                p.is_chair,
                p.organization,
                p.rsvp,
                p.rsvp_note,
                p.checked_in_at,
            )
            for p, u in people
            if attendance.on_roll(p)
        ),
        agenda=tuple(
            AgendaEntry(a.title, a.planned_minutes, person(a.presenter_id), a.expected_output) for a in agenda
        ),
        notes=tuple(NoteEntry(n.kind, n.text) for n in notes),
        decisions=tuple(DecisionEntry(d.text, d.rationale, d.verdict) for d in decisions),
        actions=tuple(
            ActionEntry(a.number, a.text, person(a.owner_id), a.due_on, a.deliverable, a.status) for a in actions
        ),
        questions=tuple(
            QuestionEntry(q.text, person(q.owner_id), q.follow_up_on, q.resolved_at is not None, q.answer)
            for q in questions
        ),
    )
