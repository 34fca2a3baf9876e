"""How a meeting plan reads: its fields, its budget (and whether the breakdown adds up), its approval steps
and history, and the card an approver gets with Approve / Reject.

Both the use cases (a plan filed, approved, rejected) and the scheduler (a late step reminded or escalated)
show the same card, so it is built here, below both, from rows only.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import views
from bot.i18n import Lang, t
from bot.messages import Button, OutMessage, RefSpec, Section, Target
from bot.timeparse import format_when
from store import plans, repo
from store.models import Meeting, MeetingPlan, PlanPerson, PlanStep, User

STEP_WINDOWS = {"review": timedelta(hours=12), "approval": timedelta(hours=24)}
URGENT_WINDOW = timedelta(hours=2)  # the green channel: every step
BUDGET_PARTS = ("venue", "materials", "catering", "travel", "other")


def step_window(plan: MeetingPlan, stage: str) -> timedelta:
    return URGENT_WINDOW if plan.urgent else STEP_WINDOWS[stage]


def escalation_delay(plan: MeetingPlan, stage: str) -> timedelta:
    """How long after a missed deadline the approver's superior is asked: half the step's window."""
    return step_window(plan, stage) / 2


def money(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"{whole:,}" if rest == 0 else f"{cents / 100:,.2f}"


def budget_parts(plan: MeetingPlan) -> list[tuple[str, int]]:
    found = ((part, getattr(plan, f"budget_{part}")) for part in BUDGET_PARTS)
    return [(part, cents) for part, cents in found if cents is not None]


def budget_gap(plan: MeetingPlan) -> int | None:
    """The breakdown's sum, when there is a breakdown and it is not the total."""
    parts = budget_parts(plan)
    if plan.budget_total is None or not parts:
        return None
    added = sum(cents for _part, cents in parts)
    return added if added != plan.budget_total else None


def budget_text(plan: MeetingPlan, lang: Lang) -> str | None:
    if plan.budget_total is None:
        return None
    parts = budget_parts(plan)
    text = money(plan.budget_total)
    if parts:
        listed = t(lang, "plan.sep").join(f"{t(lang, 'budget.' + p)} {money(c)}" for p, c in parts)
        text += t(lang, "punct.aside", text=listed)
    gap = budget_gap(plan)
    if gap is not None:
        text += " ⚠️ " + t(lang, "plan.budget_gap", parts=money(gap), total=money(plan.budget_total))
    return text


def person_text(person: PlanPerson, lang: Lang) -> str:
    star = "★" if person.key else ""
    if person.side == "internal":
        return f"{star}@{person.name}"
    return star + person.name + t(lang, "punct.aside", text=f"{person.company}{t(lang, 'plan.sep')}{person.title}")


def state_label(plan: MeetingPlan, lang: Lang) -> str:
    return t(lang, "plan.state." + plan.state)


def fields(session: Session, meeting: Meeting, plan: MeetingPlan, lang: Lang, zone: ZoneInfo) -> tuple[
        tuple[str, str], ...]:
    assert plan.id is not None
    people = plans.people(session, plan.id)
    sep, urgent = t(lang, "plan.sep"), t(lang, "plan.urgent")
    rows = [
        (t(lang, "plan.field.type"), t(lang, "plan.type." + meeting.meeting_type)),
        (t(lang, "field.goal"), meeting.goal or "—"),
        (t(lang, "field.when"), views.when_line(meeting, lang, zone)),
        (t(lang, "field.where"), meeting.location or "—"),
        (t(lang, "plan.field.internal"), sep.join(person_text(p, lang) for p in people if p.side == "internal") or "—"),
        (t(lang, "plan.field.external"), sep.join(person_text(p, lang) for p in people if p.side == "external") or "—"),
        (t(lang, "plan.field.budget"), budget_text(plan, lang) or "—"),
        (t(lang, "plan.field.topics"), plan.topics or "—"),
        (t(lang, "field.outcome"), meeting.expected_outcome or "—"),
        (t(lang, "plan.field.attachments"), " ".join((plan.attachments or "").split()) or "—"),
        (t(lang, "plan.field.state"), state_label(plan, lang) + (" · " + urgent if plan.urgent else "")),
    ]
    return tuple((label, value) for label, value in rows if value != "—" or label == t(lang, "field.goal"))


def heading(meeting: Meeting, lang: Lang) -> str:
    return t(lang, "plan.heading", number=meeting.number, title=meeting.title)


def steps_section(session: Session, plan: MeetingPlan, lang: Lang, zone: ZoneInfo) -> Section:
    assert plan.id is not None
    lines = []
    current = plans.steps(session, plan.id, plan.version)
    users = repo.users_by_id(session, sorted({s.approver_id for s in current}
                                             | {s.escalated_to_id for s in current if s.escalated_to_id}))
    for step in current:
        who = "@" + users[step.approver_id].display_name
        if step.escalated_to_id:
            who += " → @" + users[step.escalated_to_id].display_name
        stage, status = t(lang, "plan.stage." + step.stage), t(lang, "plan.step." + step.status)
        line = f"{stage}{t(lang, 'punct.colon')}{who} — {status}"
        if step.status == "pending" and step.due_at is not None:
            line += t(lang, "plan.step.due", when=format_when(step.due_at.astimezone(zone), zone, lang))
        if step.note:
            line += f" “{step.note}”"
        lines.append(line)
    return Section(t(lang, "plan.steps"), tuple(lines) or (t(lang, "plan.no_steps"),))


def history_section(session: Session, plan: MeetingPlan, lang: Lang, zone: ZoneInfo) -> Section:
    assert plan.id is not None
    events = plans.events(session, plan.id)
    users = repo.users_by_id(session, sorted({e.actor_id for e in events if e.actor_id}))
    lines = []
    for event in events:
        actor = f" @{users[event.actor_id].display_name}" if event.actor_id else ""
        stage = t(lang, "punct.aside", text=t(lang, "plan.stage." + event.stage)) if event.stage else ""
        note = t(lang, "punct.colon") + event.note if event.note else ""
        when = f"{event.at.astimezone(zone):%Y-%m-%d %H:%M}"
        lines.append(f"{when} v{event.version}{actor} {t(lang, 'plan.event.' + event.action)}{stage}{note}")
    return Section(t(lang, "plan.history"), tuple(lines))


def conflict_lines(meetings: list[Meeting], lang: Lang, zone: ZoneInfo) -> tuple[str, ...]:
    return tuple(
        t(lang, "plan.conflict", number=m.number, title=m.title, when=views.when_line(m, lang, zone)) for m in meetings
    )


def decision_buttons(meeting: Meeting, lang: Lang) -> tuple[Button, ...]:
    return (
        Button(t(lang, "button.approve"), f"approve {meeting.number}", "primary"),
        Button(t(lang, "button.reject"), t(lang, "plan.reject_command", number=meeting.number), "danger",
               asks=t(lang, "plan.reject_asks")),  # a card with no form shows the words to type: in the reader's words
    )


def step_card(
    session: Session, meeting: Meeting, plan: MeetingPlan, step: PlanStep, to: User, lang: Lang, zone: ZoneInfo,
    text: str,
) -> OutMessage:
    """The plan, privately to whoever decides `step` now, with Approve / Reject and any clash found."""
    assert meeting.id is not None and plan.id is not None
    clashes = plans.conflicts(session, meeting, [uid for uid, _ in _participant_ids(session, meeting)])
    sections = [steps_section(session, plan, lang, zone)]
    if clashes:
        sections.insert(0, Section(t(lang, "plan.conflicts"), conflict_lines(clashes, lang, zone)))
    return OutMessage(
        lang=lang,
        target=Target(kind="direct", user=to.platform_user_id),
        title=heading(meeting, lang),
        text=text,
        fields=fields(session, meeting, plan, lang, zone),
        sections=tuple(sections),
        buttons=decision_buttons(meeting, lang),
        context=t(lang, "plan.decide_hint", number=meeting.number),
        ref=RefSpec("plan_step", meeting.workspace_id, meeting_id=meeting.id, recipient_id=to.id),
    )


def _participant_ids(session: Session, meeting: Meeting) -> list[tuple[int, str]]:
    assert meeting.id is not None
    return [(p.user_id, p.role) for p, _user in repo.participants(session, meeting.id)]


def note_to(user: User, lang: Lang, text: str, meeting: Meeting) -> OutMessage:
    """A private line about a plan to someone who is not the speaker (the requester, mostly)."""
    return OutMessage(lang=lang, target=Target(kind="direct", user=user.platform_user_id), text=text,
                      ref=RefSpec("plan_note", meeting.workspace_id, meeting_id=meeting.id, recipient_id=user.id))
