"""A meeting's record as files people keep outside the chat: minutes (Markdown, PDF), the action tracker
(XLSX) and a calendar invitation (iCalendar).

Why: chat scrolls away. Minutes get filed in a wiki or a document system, the action tracker is the
spreadsheet a PMO reviews every week, and an `.ics` file puts the meeting into whatever calendar a
participant uses, including ones that have never heard of Slack or DingTalk.

Shape: `load_record` reads everything an export needs once, through `store.repo`, into a frozen
`MeetingRecord` of plain values (no ORM objects, so it outlives its session); every renderer after that is
a pure function of the record, the reader's language and timezone. `tracker_rows` / `tracker_xlsx` do the
same for a workspace's action items.

Confidentiality: the minutes functions never decide who may read. A confidential meeting's files carry a
notice (and `CLASS:CONFIDENTIAL` in the invitation), and the caller sends them only to the meeting's
participants, as `bot.service.meetings.minutes_messages` does with the chat minutes. The tracker spans many
meetings, so `tracker_rows` takes an explicit `include_confidential` flag and leaves those items out by
default.

Chinese in PDFs: no CJK font file is installed where Quorum runs, so text that Helvetica's WinAnsi encoding
cannot show is set in `STSong-Light`, a standard Simplified-Chinese CID font (Adobe-GB1) that PDF readers
with Asian-language support supply themselves (Acrobat, pdf.js, MuPDF, Preview). ReportLab writes it with the
`UniGB-UCS2-H` encoding: no font file is needed and the text stays extractable (search, copy, screen
readers). The font is referenced, not embedded, so a reader without Chinese support shows blanks; characters
neither font has (emoji) are not drawn but stay in the text layer.

Calendar addresses: Quorum knows people by their platform account, never by e-mail. Organizer and
attendees are named with `CN=` and get a placeholder `mailto:` built from the platform user id under the
reserved `.invalid` domain, so no calendar ever tries to mail anyone; answers stay in the chat.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from itertools import groupby
from urllib.parse import quote
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import icalendar
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate
from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.i18n import Lang, t
from bot.service.context import as_lang
from bot.service.views import span
from bot.timeparse import format_date, format_when
from store import repo
from store.models import (
    ActionItem,
    ActionItemEvent,
    Decision,
    Meeting,
    Note,
    OpenQuestion,
    Participant,
    User,
    Workspace,
)

# ---- the record --------------------------------------------------------------------------------------


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
        ),
        agenda=tuple(
            AgendaEntry(a.title, a.planned_minutes, person(a.presenter_id), a.expected_output) for a in agenda
        ),
        notes=tuple(NoteEntry(n.kind, n.text) for n in notes),
        decisions=tuple(DecisionEntry(d.text, d.rationale) for d in decisions),
        actions=tuple(
            ActionEntry(a.number, a.text, person(a.owner_id), a.due_on, a.deliverable, a.status) for a in actions
        ),
        questions=tuple(
            QuestionEntry(q.text, person(q.owner_id), q.follow_up_on, q.resolved_at is not None, q.answer)
            for q in questions
        ),
    )


# ---- minutes: one document model, two renderers --------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    text: str


@dataclass(frozen=True)
class _Text:
    text: str
    notice: bool = False


@dataclass(frozen=True)
class _Fields:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _List:
    lines: tuple[str, ...]
    numbered: bool


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[int, ...]  # relative column widths in the PDF


_Block = _Heading | _Text | _Fields | _List | _Table


def _name(person: Person | None, lang: Lang) -> str:
    return person.name if person else t(lang, "action.unassigned")


def _names(people: Sequence[Person]) -> str:
    return ", ".join(p.name for p in people) or "—"


def _when(dt: datetime, lang: Lang, zone: ZoneInfo) -> str:
    return format_when(dt.astimezone(zone), zone, lang)


def _minutes_between(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() / 60)


def _fields(record: MeetingRecord, lang: Lang, zone: ZoneInfo) -> tuple[tuple[str, str], ...]:
    length = span(_minutes_between(record.start_at, record.end_at), lang)
    status = t(lang, "status." + record.status)
    if record.cancel_reason:
        status = t(lang, "exports.status_reason", status=status, reason=record.cancel_reason)
    rows = [
        (t(lang, "field.when"), f"{_when(record.start_at, lang, zone)} · {length}"),
        (t(lang, "field.status"), status),
    ]
    if record.started_at is not None:
        held = _when(record.started_at, lang, zone)
        if record.ended_at is not None:
            held += " · " + span(_minutes_between(record.started_at, record.ended_at), lang)
        rows.append((t(lang, "exports.held"), held))
    if record.meeting_type != "regular":
        rows.append((t(lang, "field.type"), t(lang, "type." + record.meeting_type)))
    rows += [
        (t(lang, "field.where"), record.location or "—"),
        (t(lang, "field.host"), _names(record.with_role("host"))),
        (t(lang, "field.recorder"), _names(record.with_role("recorder"))),
        (t(lang, "field.goal"), record.goal or "—"),
        (t(lang, "field.outcome"), record.expected_outcome or "—"),
    ]
    return tuple(rows)


def _attendance(a: Attendee, record: MeetingRecord, lang: Lang) -> str:
    if record.started_at is None:
        return "—"
    if a.checked_in_at is None:
        return t(lang, "exports.absent")
    late = _minutes_between(record.started_at, a.checked_in_at)
    return t(lang, "exports.late", minutes=late) if late > 0 else t(lang, "exports.present")


def _participants(record: MeetingRecord, lang: Lang) -> _Table:
    with_org = any(a.organization for a in record.attendees)
    header = [t(lang, "exports.col.name"), t(lang, "exports.col.role")]
    if with_org:
        header.append(t(lang, "exports.col.organization"))
    header += [t(lang, "exports.col.rsvp"), t(lang, "exports.col.attendance")]
    rows = []
    for a in record.attendees:
        role = t(lang, "role." + a.role) + (" · " + t(lang, "role.chair") if a.is_chair else "")
        answer = t(lang, "rsvp." + (a.rsvp or "none"))
        if a.rsvp_note:
            answer = t(lang, "exports.rsvp_note", answer=answer, note=a.rsvp_note)
        row = [a.person.name, role, *([a.organization or "—"] if with_org else []), answer]
        rows.append((*row, _attendance(a, record, lang)))
    weights = (3, 2, 2, 3, 2) if with_org else (3, 2, 3, 2)
    return _Table(tuple(header), tuple(rows), weights)


def _agenda_line(item: AgendaEntry, lang: Lang) -> str:
    parts = [item.title]
    if item.planned_minutes:
        parts.append(t(lang, "unit.minutes", n=item.planned_minutes))
    if item.presenter:
        parts.append(t(lang, "exports.presenter", name=item.presenter.name))
    if item.expected_output:
        parts.append(t(lang, "exports.expected_output", text=item.expected_output))
    return " · ".join(parts)


def _actions(record: MeetingRecord, lang: Lang) -> _Table:
    header = ("#", t(lang, "field.item"), t(lang, "exports.col.owner"), t(lang, "field.due"),
              t(lang, "field.deliverable"), t(lang, "field.status"))
    rows = tuple(
        (
            str(a.number),
            a.text,
            _name(a.owner, lang),
            format_date(a.due_on, lang) if a.due_on else "—",
            a.deliverable or "—",
            t(lang, "item_status." + a.status),
        )
        for a in record.actions
    )
    return _Table(header, rows, (1, 6, 3, 4, 4, 2))


def _questions(record: MeetingRecord, lang: Lang) -> _Table:
    header = (t(lang, "exports.col.question"), t(lang, "exports.col.owner"), t(lang, "exports.col.follow_up"))
    rows = []
    for q in record.questions:
        text = q.text
        if q.answer:
            text += " — " + t(lang, "exports.answer", text=q.answer)
        elif q.resolved:
            text += " — " + t(lang, "exports.resolved")
        owner = q.owner.name if q.owner else "—"
        rows.append((text, owner, format_date(q.follow_up_on, lang) if q.follow_up_on else "—"))
    return _Table(header, tuple(rows), (6, 2, 3))


def _minutes(record: MeetingRecord, lang: Lang, zone: ZoneInfo) -> tuple[str, list[_Block]]:
    """The standard's minutes, section by section; an empty section says "(none)" so none goes missing."""
    none = _Text(t(lang, "minutes.none"))
    blocks: list[_Block] = [_Text(t(lang, "exports.confidential"), notice=True)] if record.confidential else []
    blocks.append(_Fields(_fields(record, lang, zone)))
    sections: list[tuple[str, _List | _Table]] = [
        (t(lang, "heading.participants"), _participants(record, lang)),
        (t(lang, "heading.agenda"), _List(tuple(_agenda_line(a, lang) for a in record.agenda), numbered=True)),
        (
            t(lang, "heading.decisions"),
            _List(
                tuple(
                    d.text + (" — " + t(lang, "decision.because", text=d.rationale) if d.rationale else "")
                    for d in record.decisions
                ),
                numbered=True,
            ),
        ),
        (t(lang, "heading.actions"), _actions(record, lang)),
        (t(lang, "heading.questions"), _questions(record, lang)),
        (
            t(lang, "exports.heading.notes"),
            _List(
                tuple(t(lang, "exports.note_line", kind=t(lang, "kind." + n.kind), text=n.text) for n in record.notes),
                numbered=False,
            ),
        ),
    ]
    for heading, body in sections:
        empty = not (body.lines if isinstance(body, _List) else body.rows)
        blocks += [_Heading(heading), none if empty else body]
    return t(lang, "minutes.title", title=record.title, number=record.number), blocks


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_block(block: _Block, lang: Lang) -> str:
    match block:
        case _Heading(text):
            return f"## {text}"
        case _Text(text, notice):
            return f"> **{text}**" if notice else text
        case _Fields(rows):
            return "\n".join("- " + t(lang, "exports.field", label=f"**{k}**", value=v) for k, v in rows)
        case _List(lines, numbered):
            return "\n".join(f"{i}. {line}" if numbered else f"- {line}" for i, line in enumerate(lines, 1))
        case _Table(header, rows, _weights):
            table = [header, tuple("---" for _ in header), *rows]
            return "\n".join("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table)
    raise AssertionError(block)


def minutes_markdown(record: MeetingRecord, lang: Lang, zone: ZoneInfo) -> str:
    """The minutes as GitHub-flavoured Markdown (pipe tables), in the reader's language and timezone. User text
    is written as typed; only what would break a table row (`|`, line breaks) is escaped."""
    title, blocks = _minutes(record, lang, zone)
    return "\n\n".join([f"# {title}", *(_md_block(b, lang) for b in blocks)]) + "\n"


# ---- PDF ------------------------------------------------------------------------------------------------

CJK_FONT = "STSong-Light"  # a standard Adobe-GB1 CID font that readers supply: no font file needed


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    # Bold text (headings, labels) may hold Chinese too: the CID font has no bold, so it maps to itself.
    pdfmetrics.registerFontFamily(CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT, boldItalic=CJK_FONT)


def _latin(char: str) -> bool:
    """Can Helvetica (WinAnsi, i.e. cp1252) show this character?"""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _markup(text: str) -> tuple[str, bool]:
    """ReportLab paragraph markup for plain text: runs Helvetica can't show go to the CJK font. Also says
    whether there was such a run (those paragraphs wrap between any two characters, as Chinese does)."""
    parts: list[str] = []
    cjk = False
    for latin, run in groupby(text, key=_latin):
        chunk = escape("".join(run))
        parts.append(chunk if latin else f'<font face="{CJK_FONT}">{chunk}</font>')
        cjk = cjk or not latin
    return "".join(parts), cjk


_BODY = ParagraphStyle("quorum-body", fontName="Helvetica", fontSize=10, leading=14, spaceAfter=3)
_CELL = ParagraphStyle("quorum-cell", parent=_BODY, fontSize=9, leading=12, spaceAfter=0)
_HEAD_CELL = ParagraphStyle("quorum-head-cell", parent=_CELL, fontName="Helvetica-Bold")
_TITLE = ParagraphStyle("quorum-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=16, leading=21,
                        spaceAfter=8)
_HEADING = ParagraphStyle("quorum-heading", parent=_BODY, fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                          spaceBefore=10, spaceAfter=4, keepWithNext=1)
_NOTICE = ParagraphStyle("quorum-notice", parent=_BODY, fontName="Helvetica-Bold", textColor=colors.darkred)
_ITEM = ParagraphStyle("quorum-item", parent=_BODY, leftIndent=20, bulletIndent=2)


@cache
def _cjk_variant(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")


def _para(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    markup, cjk = _markup(text)
    return Paragraph(markup, _cjk_variant(style) if cjk else style, bulletText=bullet)


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
_PLAIN = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)])


def _pdf_block(block: _Block, width: float) -> list[Flowable]:
    match block:
        case _Heading(text):
            return [_para(text, _HEADING)]
        case _Text(text, notice):
            return [_para(text, _NOTICE if notice else _BODY)]
        case _Fields(rows):
            data = [[_para(k, _HEAD_CELL), _para(v, _CELL)] for k, v in rows]
            return [Table(data, colWidths=[width * 0.25, width * 0.75], style=_PLAIN, hAlign="LEFT")]
        case _List(lines, numbered):
            return [_para(line, _ITEM, f"{i}." if numbered else "•") for i, line in enumerate(lines, 1)]
        case _Table(header, rows, weights):
            data = [[_para(c, _HEAD_CELL) for c in header], *([_para(c, _CELL) for c in row] for row in rows)]
            widths = [width * w / sum(weights) for w in weights]
            # repeatRows: the header again on every page; splitInRow: a very long cell may break across pages
            return [Table(data, colWidths=widths, style=_GRID, repeatRows=1, splitInRow=1, hAlign="LEFT")]
    raise AssertionError(block)


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, str(doc.page))
    canvas.restoreState()


def minutes_pdf(record: MeetingRecord, lang: Lang, zone: ZoneInfo) -> bytes:
    """The same minutes as an A4 PDF: wrapped paragraphs, tables whose header repeats on each page, page
    numbers. Chinese (and anything else outside WinAnsi) is set in the CID font `STSong-Light`."""
    _register_fonts()
    title, blocks = _minutes(record, lang, zone)
    buffer = io.BytesIO()
    margin = 18 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=title, author="Quorum", creator="Quorum", lang=lang, pageCompression=1,
    )
    story: list[Flowable] = [_para(title, _TITLE)]
    for block in blocks:
        story += _pdf_block(block, doc.width)
        story.append(Spacer(0, 2))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


# ---- the action tracker ---------------------------------------------------------------------------------

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

    One query through the session (store.repo has none that joins owner, meeting, the owner's organization and
    the count of due-date changes; a tracker of thousands of items must not cost a query per item)."""
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


def _tracker_notes(row: TrackerRow, lang: Lang) -> str | None:
    notes = []
    if row.meeting_number is not None:
        notes.append(t(lang, "exports.note.meeting", number=row.meeting_number, title=row.meeting_title))
    if row.status == "blocked" and row.blocked_reason:
        notes.append(t(lang, "exports.note.blocked", reason=row.blocked_reason))
    if row.declined_reason:
        notes.append(t(lang, "exports.note.declined", reason=row.declined_reason))
    if row.due_changes and row.first_planned:
        notes.append(t(lang, "exports.note.delays", n=row.due_changes, date=format_date(row.first_planned, lang)))
    if row.verified_on:
        notes.append(t(lang, "exports.note.verified", date=format_date(row.verified_on, lang)))
    return " · ".join(notes) or None


_TRACKER_KEYS = (
    "exports.col.description",
    "exports.col.owner",
    "exports.col.organization",
    "exports.col.planned",
    "exports.col.actual",
    "field.status",
    "field.deliverable",
    "exports.col.notes",
)
_TRACKER_WIDTHS = (6, 40, 16, 18, 14, 14, 12, 30, 40)  # "#" first, then the columns above


def tracker_xlsx(items: Sequence[TrackerRow], lang: Lang) -> bytes:
    """The action tracker as one XLSX sheet: "#" and the standard's columns (description, owner, organization,
    planned date, actual date, status, deliverable, notes), a frozen bold header with filters, real dates."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = t(lang, "heading.actions")[:31]  # Excel's limit
    sheet.append(["#", *(t(lang, key) for key in _TRACKER_KEYS)])
    for row in items:
        sheet.append(
            [
                row.number,
                row.description,
                row.owner or t(lang, "action.unassigned"),
                row.organization,
                row.planned_date,
                row.actual_date,
                t(lang, "item_status." + row.status),
                row.deliverable,
                _tracker_notes(row, lang),
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in ("E", "F"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    for column in ("B", "H", "I"):
        for cell in sheet[column][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(_TRACKER_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- the calendar invitation ------------------------------------------------------------------------------

_PARTSTAT = {"yes": "ACCEPTED", "no": "DECLINED", "maybe": "TENTATIVE", None: "NEEDS-ACTION"}
_ICS_ROLE = {"host": "CHAIR", "optional": "OPT-PARTICIPANT"}  # recorder, required: REQ-PARTICIPANT


def _address(person: Person, domain: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{quote(person.platform_user_id, safe='')}@{domain}")
    address.params["CN"] = person.name
    return address


def _description(record: MeetingRecord) -> str:
    lang = record.language
    lines = [t(lang, "exports.ics.meeting", number=record.number)]
    if record.cancel_reason:
        lines.append(t(lang, "exports.status_reason", status=t(lang, "status.cancelled"), reason=record.cancel_reason))
    for key, value in (("field.goal", record.goal), ("field.outcome", record.expected_outcome)):
        if value:
            lines.append(t(lang, "exports.field", label=t(lang, key), value=value))
    if record.agenda:
        lines.append(t(lang, "heading.agenda"))
        lines += [f"{i}. {_agenda_line(a, lang)}" for i, a in enumerate(record.agenda, 1)]
    if record.location:
        lines.append(t(lang, "exports.field", label=t(lang, "field.where"), value=record.location))
    return "\n".join(lines)


def meeting_ics(record: MeetingRecord, sequence: int, *, stamp: datetime) -> bytes:
    """An iTIP invitation (RFC 5545/5546) for the meeting, one VEVENT in UTC.

    The UID never changes for a meeting; pass a `sequence` that grows with every reschedule or cancellation,
    so calendars update the event they already have instead of adding a second one. A cancelled meeting is
    `METHOD:CANCEL` with `STATUS:CANCELLED`; anything else `METHOD:REQUEST`. `stamp` is DTSTAMP, when this
    invitation was made: the caller's `now` (this module reads no clock, so the same record gives the same file)."""
    if sequence < 0:
        raise ValueError("sequence must be >= 0")
    cancelled = record.status == "cancelled"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Quorum//Quorum meeting bot//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", record.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", record.start_at.astimezone(UTC))
    event.add("dtend", record.end_at.astimezone(UTC))
    event.add("summary", record.title)
    event.add("description", _description(record))
    if record.location:
        event.add("location", record.location)
        if record.location.startswith(("https://", "http://")):
            event.add("url", record.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "CONFIDENTIAL" if record.confidential else "PUBLIC")
    event.add("organizer", _address(record.organizer, record.address_domain))
    for a in record.attendees:
        address = _address(a.person, record.address_domain)
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "CHAIR" if a.is_chair else _ICS_ROLE.get(a.role, "REQ-PARTICIPANT")
        address.params["PARTSTAT"] = _PARTSTAT[a.rsvp]
        event.add("attendee", address)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()  # typed Any by icalendar
    return data


__all__ = [
    "CJK_FONT",
    "ActionEntry",
    "AgendaEntry",
    "Attendee",
    "DecisionEntry",
    "MeetingRecord",
    "NoteEntry",
    "Person",
    "QuestionEntry",
    "TrackerRow",
    "load_record",
    "meeting_ics",
    "minutes_markdown",
    "minutes_pdf",
    "tracker_rows",
    "tracker_xlsx",
]
