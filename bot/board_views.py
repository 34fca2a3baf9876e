"""How the execution side reads: a preparation task's line, the board (grouped by phase, with what is late),
a task reminder, an incident's line and card.

The use cases (a task added, the board asked for) and the scheduler (a reminder due, an incident not
acknowledged) show the same lines, so they are built here, below both, from rows only. The board is a
neutral `OutMessage` (title, fields, sections): Slack renders it as blocks, DingTalk as a card, the console
as text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.i18n import Lang, t
from bot.messages import Button, OutMessage, RefSpec, Section, Target
from bot.timeparse import format_when
from store import board, plans, repo
from store.models import Incident, Meeting, NotificationKind, PrepTask, User

PHASES = ("pre", "during", "post")
CHECKIN_EVERY = timedelta(weeks=1)  # the weekly preparation check-in
ACK_WINDOW = timedelta(minutes=15)  # the standard: an incident is acknowledged within 15 minutes
ACK_REMINDER = timedelta(minutes=10)  # the handler is reminded when 5 minutes are left
TASK_OFFSETS = {  # a task's reminders, from its deadline
    NotificationKind.TASK_BEFORE: -timedelta(hours=24),
    NotificationKind.TASK_DUE: timedelta(0),
    NotificationKind.TASK_OVERDUE: timedelta(hours=24),
}


def is_late(task: PrepTask, now: datetime) -> bool:
    return task.status != "done" and task.deadline < now


def on_time(task: PrepTask) -> bool:
    return task.status == "done" and task.done_at is not None and task.done_at <= task.deadline


def task_line(task: PrepTask, owner: User, after: PrepTask | None, lang: Lang, zone: ZoneInfo, now: datetime) -> str:
    due = f"{task.deadline.astimezone(zone):%m-%d %H:%M}"
    line = t(lang, "board.line", number=task.number, text=task.text, owner=owner.display_name, due=due,
             priority=t(lang, "priority." + task.priority), status=t(lang, "task_status." + task.status))
    if after is not None and after.status != "done":
        line += " " + t(lang, "board.waits", number=after.number)
    if task.deliverable:
        line += " " + t(lang, "board.deliverable", what=task.deliverable)
    if is_late(task, now):
        line += " " + t(lang, "board.late", late=late_text(now - task.deadline, lang))
    return line


def late_text(late: timedelta, lang: Lang) -> str:
    hours = int(late.total_seconds() // 3600)
    return t(lang, "unit.days", n=hours // 24) if hours >= 48 else t(lang, "unit.hours", n=max(hours, 1))


def board_message(session: Session, meeting: Meeting, lang: Lang, zone: ZoneInfo, now: datetime, target: Target
                  ) -> OutMessage:
    """The board of meeting #N: tasks by phase, what is late first."""
    assert meeting.id is not None
    rows = board.tasks(session, meeting.id)
    users = repo.users_by_id(session, sorted({task.owner_id for task in rows}))
    by_id = {task.id: task for task in rows}
    late = [task for task in rows if is_late(task, now)]
    done = sum(task.status == "done" for task in rows)

    def line(task: PrepTask) -> str:
        return task_line(task, users[task.owner_id], by_id.get(task.after_id), lang, zone, now)

    sections = []
    if late:
        sections.append(Section(t(lang, "board.late_heading"), tuple(line(task) for task in late)))
    for phase in PHASES:
        lines = tuple(line(task) for task in rows if task.phase == phase)
        if lines:
            sections.append(Section(t(lang, "phase." + phase), lines))
    text = t(lang, "board.summary", total=len(rows), done=done, late=len(late)) if rows else t(
        lang, "board.empty", number=meeting.number)
    return OutMessage(lang=lang, target=target, title=t(lang, "board.title", number=meeting.number,
                                                        title=meeting.title),
                      text=text, sections=tuple(sections), context=t(lang, "board.hint", number=meeting.number),
                      ref=RefSpec("board", meeting.workspace_id, meeting_id=meeting.id))


def executive_ids(session: Session, meeting: Meeting) -> list[int]:
    """Who is copied when a task misses its deadline: whoever approved the plan (the executive), else the
    meeting's hosts."""
    assert meeting.id is not None
    plan = plans.plan_of(session, meeting.id)
    if plan is not None and plan.id is not None:
        approvers = [s.decided_by_id for s in plans.steps(session, plan.id, plan.version)
                     if s.stage == "approval" and s.status == "approved" and s.decided_by_id]
        if approvers:
            return approvers
    return [p.user_id for p, _u in repo.participants(session, meeting.id) if p.role == "host"]


def direct(user: User, lang: Lang, text: str, meeting: Meeting, title: str | None = None,
           buttons: tuple[Button, ...] = ()) -> OutMessage:
    return OutMessage(lang=lang, target=Target(kind="direct", user=user.platform_user_id), text=text, title=title,
                      buttons=buttons, ref=RefSpec("board_note", meeting.workspace_id, meeting_id=meeting.id,
                                                   recipient_id=user.id))


def incident_line(incident: Incident, handler: User, lang: Lang, zone: ZoneInfo) -> str:
    line = t(lang, "incident.line", number=incident.number, text=incident.text,
             kind=t(lang, "incident_kind." + incident.kind), severity=t(lang, "priority." + incident.severity),
             handler=handler.display_name, status=t(lang, "incident_status." + incident.status))
    if incident.acked_at is not None:
        line += " " + t(lang, "incident.answered_in", minutes=response_minutes(incident))
    if incident.cause:
        line += " " + t(lang, "incident.cause_fix", cause=incident.cause, fix=incident.fix or "")
    return line


def response_minutes(incident: Incident) -> int:
    assert incident.acked_at is not None
    return round((incident.acked_at - incident.reported_at).total_seconds() / 60)


def incident_card(incident: Incident, meeting: Meeting, to: User, lang: Lang, zone: ZoneInfo, text: str,
                  *, overdue: bool = False) -> OutMessage:
    """An incident, privately to its handler, with Acknowledge. Once its 15 minutes are past (`overdue`, when it
    is escalated) it asks for an answer now rather than by a time already gone."""
    deadline = format_when((incident.reported_at + ACK_WINDOW).astimezone(zone), zone, lang)
    body = text + "\n" + (t(lang, "incident.ack_now") if overdue else t(lang, "incident.ack_by", when=deadline))
    return direct(to, lang, body, meeting, title=t(lang, "incident.title", number=incident.number,
                                                    meeting=meeting.number, title=meeting.title),
                  buttons=(Button(t(lang, "button.ack_incident"), f"incident ack {incident.number}", "primary"),))
