"""How a meeting reads in chat: the RSVP prompt, invitations, reminders, details and minutes.

Each view is built from one `MeetingView` snapshot (meeting, people, agenda) loaded once per event, and
rendered in the reader's language and timezone. Every time shown is absolute (`2026-11-24 15:00 (Tue)
Asia/Shanghai`), so a misparsed "next friday" is caught by the person who typed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import meetbot
from bot.file_names import export_name
from bot.i18n import Lang, aside, t
from bot.messages import Attachment, Button, Section
from bot.timeparse import format_date, format_when
from store import attendance, repo
from store.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MeetingSeries,
    Note,
    OpenQuestion,
    Participant,
    User,
)

RSVP_EMOJI = {"yes": "✅", "no": "❌", "maybe": "🤔"}


@dataclass
class MeetingView:
    meeting: Meeting
    people: list[tuple[Participant, User]]
    agenda: list[AgendaItem]
    creator: User
    presenters: dict[int, User] = field(default_factory=dict)  # of the agenda items, by user id
    series: MeetingSeries | None = None  # the series this meeting is an occurrence of

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.meeting.timezone)

    def with_role(self, *roles: str) -> list[User]:
        return [u for p, u in self.people if p.role in roles]

    def answered(self, answer: str | None) -> list[User]:
        return [u for p, u in self.people if p.rsvp == answer]

    def signed_in(self) -> list[User]:
        """Whoever has signed in (or checked in): before the start, that answers the invitation too."""
        return [u for p, u in self.people if p.checked_in_at is not None]


def load(session: Session, meeting: Meeting) -> MeetingView:
    assert meeting.id is not None
    agenda = repo.agenda(session, meeting.id)
    wanted = {meeting.created_by_id} | {item.presenter_id for item in agenda if item.presenter_id}
    users = repo.users_by_id(session, sorted(wanted))
    series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id is not None else None
    return MeetingView(meeting, repo.participants(session, meeting.id), agenda, users[meeting.created_by_id],
                       {item.presenter_id: users[item.presenter_id] for item in agenda if item.presenter_id}, series)


def series_label(meeting: Meeting, series: MeetingSeries, lang: Lang) -> str:
    """"Standup · 3 of 10" (or "· no. 3" for a series without a count), and how to see the series."""
    ends = [n for n in (series.count, series.stop_after) if n is not None]
    if ends:
        place = t(lang, "series.place_of", index=meeting.series_index, total=min(ends))
    else:
        place = t(lang, "series.place", index=meeting.series_index)
    return f"{series.title} · {place}" + aside(lang, t(lang, "series.see", number=meeting.number))


def span(minutes: int, lang: Lang) -> str:
    """A length people read at a glance: "45 min", "2 h", "1 d 3 h" (and the Chinese equivalents)."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [t(lang, "unit.days", n=days)] if days else []
    if hours:
        parts.append(t(lang, "unit.hours", n=hours))
    if mins or not parts:
        parts.append(t(lang, "unit.minutes", n=mins))
    return " ".join(parts)


def names(users: list[User], lang: Lang) -> str:
    """People as `@name`s, listed as the language lists them (Chinese: with 、)."""
    return t(lang, "punct.list").join(f"@{u.display_name}" for u in users) or "—"


def when_line(meeting: Meeting, lang: Lang, zone: ZoneInfo) -> str:
    minutes = round((meeting.end_at - meeting.start_at).total_seconds() / 60)
    return f"{format_when(meeting.start_at.astimezone(zone), zone, lang)} · {span(minutes, lang)}"


def heading(meeting: Meeting, lang: Lang, shared: bool = False) -> str:
    """"🔒 Title  #3  (scheduled)"; `shared`: where people outside a confidential meeting read it, no title."""
    if meeting.confidential:
        title = f"🔒 #{meeting.number}" if shared else f"🔒 {meeting.title}  #{meeting.number}"
    else:
        title = f"{meeting.title}  #{meeting.number}"
    return title + t(lang, "card.status", status=t(lang, "status." + meeting.status))


def shared_title(meeting: Meeting, lang: Lang) -> str:
    """A meeting's name where people outside it may read it: a confidential one is only "🔒 (confidential)"."""
    return f"🔒 {t(lang, 'list.confidential')}" if meeting.confidential else meeting.title


def confidential_fields(view: MeetingView, lang: Lang, zone: ZoneInfo) -> tuple[tuple[str, str], ...]:
    """All a confidential meeting shows outside: when, and who hosts it."""
    return (
        (t(lang, "field.when"), when_line(view.meeting, lang, zone)),
        (t(lang, "field.host"), names(view.with_role("host"), lang)),
    )


def detail_fields(view: MeetingView, lang: Lang, zone: ZoneInfo) -> tuple[tuple[str, str], ...]:
    m = view.meeting
    rows = [
        (t(lang, "field.when"), when_line(m, lang, zone)),
        (t(lang, "field.host"), names(view.with_role("host"), lang)),
    ]
    recorders = view.with_role("recorder")
    if recorders:
        rows.append((t(lang, "field.recorder"), names(recorders, lang)))
    if view.series is not None:
        rows.append((t(lang, "field.series"), series_label(m, view.series, lang)))
    if m.location:
        rows.append((t(lang, "field.where"), m.location))
    if m.link:
        rows.append((t(lang, "field.link"), m.link))
    if m.goal:
        rows.append((t(lang, "field.goal"), m.goal))
    if m.expected_outcome:
        rows.append((t(lang, "field.outcome"), m.expected_outcome))
    if m.meeting_type != "regular":
        rows.append((t(lang, "field.type"), t(lang, "type." + m.meeting_type)))
    return tuple(rows)


def agenda_details(view: MeetingView, item: AgendaItem, lang: Lang) -> str:
    """" · by @bob · output: signed scope": who presents an item and what it should yield, when said."""
    parts = []
    presenter = view.presenters.get(item.presenter_id) if item.presenter_id else None
    if presenter is not None:
        parts.append(t(lang, "agenda.by", name=presenter.display_name))
    if item.expected_output:
        parts.append(t(lang, "agenda.output", text=item.expected_output))
    return "".join(" · " + part for part in parts)


def agenda_line(view: MeetingView, item: AgendaItem, lang: Lang) -> str:
    """"Scope (20 min) · by @bob · output: signed scope"."""
    line = item.title
    if item.planned_minutes:
        line += aside(lang, t(lang, "unit.minutes", n=item.planned_minutes))
    return line + agenda_details(view, item, lang)


def agenda_section(view: MeetingView, lang: Lang) -> tuple[Section, ...]:
    if not view.agenda:
        return ()
    lines = tuple(f"{item.position}. {agenda_line(view, item, lang)}" for item in view.agenda)
    return (Section(t(lang, "heading.agenda"), lines),)


def carry_over_section(session: Session, meeting: Meeting, lang: Lang) -> tuple[Section, ...]:
    """The previous meeting's unfinished action items and open questions, top of the agenda. For an occurrence
    of a series, the previous meeting is the series' last one held, and all its unanswered questions come
    along (also those without an owner or date); the channel's questions with a follow-up date always do."""
    series = meeting.series_id is not None
    previous = (repo.previous_occurrence(session, meeting) if series
                else repo.previous_meeting(session, meeting.workspace_id, meeting.channel_id, meeting))
    lines: list[str] = []
    questions = repo.open_questions_of_channel(session, meeting.workspace_id, meeting.channel_id)
    if previous is not None and previous.id is not None:
        actions = repo.records(session, ActionItem, previous.id)
        unfinished = [a for a in actions if a.status in repo.OPEN_ACTION_STATUSES]
        owners = repo.users_by_id(session, sorted({a.owner_id for a in unfinished if a.owner_id}))
        lines += [action_line(a, owners.get(a.owner_id) if a.owner_id else None, lang) for a in unfinished]
        if series:
            dated = {q.id for q in questions}
            undated = [q for q in repo.open_questions_of_meeting(session, previous.id) if q.id not in dated]
            questions = undated + questions
    askers = repo.users_by_id(session, sorted({q.owner_id for q in questions if q.owner_id}))
    for question in questions:
        who = f" · @{askers[question.owner_id].display_name}" if question.owner_id in askers else ""
        due = ""
        if question.follow_up_on is not None:
            due = f" · {t(lang, 'action.due', date=format_date(question.follow_up_on, lang))}"
        lines.append(f"❓ {question.text}{who}{due}")  # whose it is, as an action item's line says
    return (Section(t(lang, "heading.carry_over"), tuple(lines)),) if lines else ()


def rsvp_section(view: MeetingView, lang: Lang, *, signed_in_apart: bool = False) -> Section:
    """Who answered what. With `signed_in_apart` (the reminders before the start) whoever has already signed in
    (签到) has answered by coming: a line of their own, and never among those with no answer."""
    lines = [t(lang, "rsvp.line", emoji=RSVP_EMOJI[answer], label=t(lang, "rsvp." + answer),
               names=names(view.answered(answer), lang)) for answer in ("yes", "maybe", "no")]
    signed = view.signed_in() if signed_in_apart else []
    waiting = [u for u in view.answered(None) if u not in signed]
    lines.append(t(lang, "rsvp.line", emoji="⏳", label=t(lang, "rsvp.none"), names=names(waiting, lang)))
    if signed:
        lines.append(t(lang, "rsvp.line", emoji="🖊️", label=t(lang, "rsvp.signed_in"), names=names(signed, lang)))
    return Section(t(lang, "heading.rsvp"), tuple(lines))


def rsvp_buttons(meeting: Meeting, lang: Lang) -> tuple[Button, ...]:
    return (
        Button(t(lang, "button.accept"), f"rsvp {meeting.number} yes", "primary"),
        Button(t(lang, "button.decline"), f"rsvp {meeting.number} no", "danger"),
        Button(t(lang, "button.maybe"), f"rsvp {meeting.number} maybe"),
    )


PLATFORMS_WITHOUT_REACTIONS = frozenset({"dingtalk"})  # robots there see no reactions: buttons and words only


def rsvp_context(view: MeetingView, lang: Lang, zone: ZoneInfo, platform: str) -> str:
    hint = t(lang, "rsvp.button_hint" if platform in PLATFORMS_WITHOUT_REACTIONS else "rsvp.react_hint")
    if view.meeting.rsvp_deadline is not None:
        deadline = format_when(view.meeting.rsvp_deadline.astimezone(zone), zone, lang)
        hint += " · " + t(lang, "rsvp.deadline", when=deadline)
    return hint


def role_label(p: Participant, lang: Lang) -> str:
    label = t(lang, "role." + p.role)
    return label + (" · " + t(lang, "role.chair") if p.is_chair else "")


def people_section(view: MeetingView, lang: Lang) -> Section:
    return Section(
        t(lang, "heading.participants"),
        tuple(f"@{u.display_name} — {role_label(p, lang)}" for p, u in view.people),
    )


def decision_suffix(decision: Decision, lang: Lang) -> str:
    """What follows a decision's text: its rationale and its verdict, if said."""
    suffix = f" — {t(lang, 'decision.because', text=decision.rationale)}" if decision.rationale else ""
    if decision.verdict:
        suffix += f" — {t(lang, 'decision.verdict', verdict=t(lang, 'verdict.' + decision.verdict))}"
    return suffix


def action_line(item: ActionItem, owner: User | None, lang: Lang, with_owner: bool = True) -> str:
    parts = [f"#{item.number} {item.text}"]
    if with_owner:
        parts.append(f"@{owner.display_name}" if owner else t(lang, "action.unassigned"))
    due = t(lang, "action.due", date=format_date(item.due_on, lang)) if item.due_on else t(lang, "action.no_due")
    parts.append(due)
    if item.deliverable:
        parts.append(t(lang, "action.deliverable", text=item.deliverable))
    if item.status != "open":
        parts.append(t(lang, "item_status." + item.status))
    return " · ".join(parts)


@dataclass
class Record:
    notes: list[Note]
    decisions: list[Decision]
    actions: list[ActionItem]
    questions: list[OpenQuestion]
    users: dict[int, User]


def load_record(session: Session, meeting: Meeting) -> Record:
    assert meeting.id is not None
    notes = repo.records(session, Note, meeting.id)
    decisions = repo.records(session, Decision, meeting.id)
    actions = repo.records(session, ActionItem, meeting.id)
    questions = repo.records(session, OpenQuestion, meeting.id)
    user_ids = {a.owner_id for a in actions if a.owner_id} | {q.owner_id for q in questions if q.owner_id}
    user_ids |= {n.author_id for n in notes} | {d.author_id for d in decisions} | {a.creator_id for a in actions}
    return Record(notes, decisions, actions, questions, repo.users_by_id(session, sorted(user_ids)))


def agenda_held_section(view: MeetingView, lang: Lang) -> tuple[Section, ...]:
    """Each agenda item's planned against actual length: where the meeting's time really went."""
    if not any(item.started_at for item in view.agenda):
        return agenda_section(view, lang)  # never reached: the plan, with presenters and outputs
    lines = []
    for item in view.agenda:
        planned = t(lang, "unit.minutes", n=item.planned_minutes) if item.planned_minutes else "—"
        if item.started_at is None:
            actual = t(lang, "agenda.not_reached")
        elif item.ended_at is None:
            actual = t(lang, "agenda.under_way")
        else:
            actual = t(lang, "unit.minutes", n=round((item.ended_at - item.started_at).total_seconds() / 60))
        held = t(lang, "agenda.held", position=item.position, title=item.title, planned=planned, actual=actual)
        lines.append(held + agenda_details(view, item, lang))
    return (Section(t(lang, "heading.agenda_held"), tuple(lines)),)


def minutes_sections(view: MeetingView, record: Record, lang: Lang) -> tuple[Section, ...]:
    """The standard's minutes: attendance, goal, decisions, actions by person, open questions, links."""
    m = view.meeting
    roll = [(p, u) for p, u in view.people if attendance.on_roll(p)]
    present = [u for p, u in roll if attendance.present(p)]
    absent = [(p, u) for p, u in roll if not attendance.present(p)]
    absent_lines = [
        f"@{u.display_name}" + (aside(lang, p.rsvp_note) if p.rsvp_note else "") for p, u in absent
    ]
    sections = [
        Section(
            t(lang, "heading.attendance"),
            (
                t(lang, "minutes.present", names=names(present, lang), n=len(present), total=len(roll)),
                t(lang, "minutes.absent", names=t(lang, "punct.list").join(absent_lines) or "—"),
            ),
        )
    ]
    sections.extend(agenda_held_section(view, lang))
    if m.goal:
        sections.append(Section(t(lang, "field.goal"), (m.goal,)))
    sections.append(
        Section(
            t(lang, "heading.decisions"),
            tuple(f"{k}. {d.text}{decision_suffix(d, lang)}" for k, d in enumerate(record.decisions, start=1))
            or (t(lang, "minutes.none"),),
        )
    )
    by_owner: dict[str, list[str]] = {}
    for item in record.actions:
        owner = record.users.get(item.owner_id) if item.owner_id else None
        key = f"@{owner.display_name}" if owner else t(lang, "action.unassigned")
        by_owner.setdefault(key, []).append("  • " + action_line(item, owner, lang, with_owner=False))
    action_lines = [line for owner, items in sorted(by_owner.items()) for line in (owner, *items)]
    sections.append(Section(t(lang, "heading.actions"), tuple(action_lines) or (t(lang, "minutes.none"),)))
    question_lines = []
    for q in record.questions:
        owner = record.users.get(q.owner_id) if q.owner_id else None
        line = q.text + (f" · @{owner.display_name}" if owner else "")
        if q.follow_up_on:
            line += " · " + t(lang, "action.due", date=format_date(q.follow_up_on, lang))
        question_lines.append(line)
    if question_lines:
        sections.append(Section(t(lang, "heading.questions"), tuple(question_lines)))
    links = [n.text for n in record.notes if n.kind == "link"]
    if links:
        sections.append(Section(t(lang, "heading.links"), tuple(links)))
    return tuple(sections)


def meetbot_action_text(item: ActionItem, record: Record) -> str:
    """MeetBot files actions under the names in their text; name an @owner that the text leaves out."""
    owner = record.users.get(item.owner_id) if item.owner_id else None
    if owner is None or meetbot.owners_in(item.text, [owner.display_name]):
        return item.text
    return f"{owner.display_name}: {item.text}"


def meetbot_minutes(view: MeetingView, record: Record, channel_name: str) -> Attachment:
    """The same minutes in MeetBot's .txt layout, for people and tools that know that format."""
    m = view.meeting
    entries: list[tuple[int, datetime, str, str, str]] = []  # seq, at, kind, text, nick
    for n in record.notes:
        entries.append((n.seq, n.created_at, n.kind, n.text, record.users[n.author_id].display_name))
    for d in record.decisions:
        said = f"{d.text} ({t('en', 'verdict.' + d.verdict)})" if d.verdict else d.text  # MeetBot's layout is English
        entries.append((d.seq, d.created_at, "agreed", said, record.users[d.author_id].display_name))
    actions = [meetbot_action_text(a, record) for a in record.actions]
    for a, text in zip(record.actions, actions, strict=True):
        entries.append((a.seq, a.created_at, "action", text, record.users[a.creator_id].display_name))
    topics: list[meetbot.MinutesTopic] = []
    current_title: str | None = None
    current_nick = view.creator.display_name
    current_at = m.started_at or m.start_at
    items: list[meetbot.MinutesItem] = []
    for _seq, at, kind, text, nick in sorted(entries, key=lambda e: (e[1], e[0])):  # as said, not as handled
        if kind == "topic":
            if current_title is not None or items:
                topics.append(meetbot.MinutesTopic(current_title, current_nick, current_at, tuple(items)))
            current_title, current_nick, current_at, items = text, nick, at, []
        else:
            items.append(meetbot.MinutesItem(kind, text, nick, at))  # type: ignore[arg-type]
    if current_title is not None or items:
        topics.append(meetbot.MinutesTopic(current_title, current_nick, current_at, tuple(items)))
    people = meetbot.order_people((u.display_name, p.lines_said) for p, u in view.people)
    doc = meetbot.MinutesDoc(
        channel=channel_name,
        title=m.title,
        started_by=view.creator.display_name,
        start=m.started_at or m.start_at,
        end=m.ended_at or m.end_at,
        topics=tuple(topics),
        actions=tuple(actions),
        people=people,
        zone=view.zone,  # a file people keep: the meeting's local times, its zone named
    )
    return Attachment(export_name(m, "minutes", "en", "txt"), meetbot.render_minutes_txt(doc))  # MeetBot's is English


def agenda_label(item: AgendaItem, presenter: User | None, lang: Lang) -> str:
    """"Budget (25 min, @carol)": the title, then whatever of its length and presenter is known."""
    details = []
    if item.planned_minutes:
        details.append(t(lang, "unit.minutes", n=item.planned_minutes))
    if presenter is not None:
        details.append(f"@{presenter.display_name}")
    if not details:
        return item.title
    return t(lang, "agenda.item", title=item.title, details=t(lang, "agenda.separator").join(details))


def presenter_of(session: Session, item: AgendaItem) -> User | None:
    return session.get(User, item.presenter_id) if item.presenter_id else None
