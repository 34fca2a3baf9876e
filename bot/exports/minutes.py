"""Minutes: one document model (headings, text, fields, lists, tables) and two renderers, Markdown and PDF.

Chinese in PDFs: text that Helvetica's WinAnsi encoding cannot show is set in WenQuanYi Micro Hei, a
TrueType CJK font (Apache-2.0 / GPLv3 with font exception) shipped by the PyPI package `paperang-p2-fonts-cjk`,
a declared dependency, so a fresh install has it without system packages. ReportLab embeds the subset of glyphs
a document uses (`/FontFile2`), so the PDF renders in any reader, with or without Chinese fonts of its own,
and the text stays extractable (search, copy, screen readers). Characters neither font has (emoji such as the
report's ✅) are left out of the PDF: drawn they would be blank boxes and extract as NUL. `sections_pdf`
sets reports (the monitoring report) the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import as_file, files
from itertools import groupby
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate

from bot.exports.record import AgendaEntry, Attendee, DecisionEntry, MeetingRecord, Person
from bot.i18n import Lang, t
from bot.timeparse import format_date, format_when
from bot.views import span


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
        *([(t(lang, "field.link"), record.link)] if record.link else []),
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


def agenda_line(item: AgendaEntry, lang: Lang) -> str:
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


def _decision_line(d: DecisionEntry, lang: Lang) -> str:
    """A decision with its rationale and verdict, as said."""
    line = d.text + (" — " + t(lang, "decision.because", text=d.rationale) if d.rationale else "")
    verdict = t(lang, "decision.verdict", verdict=t(lang, "verdict." + d.verdict)) if d.verdict else ""
    return line + (" — " + verdict if verdict else "")


def _minutes(record: MeetingRecord, lang: Lang, zone: ZoneInfo) -> tuple[str, list[_Block]]:
    """The standard's minutes, section by section; an empty section says "(none)" so none goes missing."""
    none = _Text(t(lang, "minutes.none"))
    blocks: list[_Block] = [_Text(t(lang, "exports.confidential"), notice=True)] if record.confidential else []
    blocks.append(_Fields(_fields(record, lang, zone)))
    sections: list[tuple[str, _List | _Table]] = [
        (t(lang, "heading.participants"), _participants(record, lang)),
        (t(lang, "heading.agenda"), _List(tuple(agenda_line(a, lang) for a in record.agenda), numbered=True)),
        (
            t(lang, "heading.decisions"),
            _List(tuple(_decision_line(d, lang) for d in record.decisions), numbered=True),
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

CJK_FONT = "WenQuanYiMicroHei"  # registered from the packaged TrueType collection, embedded as subsets
_CJK_FILE = files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"


@cache
def _register_fonts() -> None:
    with as_file(_CJK_FILE) as path:  # read whole at registration: the path need not outlive this block
        pdfmetrics.registerFont(TTFont(CJK_FONT, path, subfontIndex=0))
    # Bold text (headings, labels) may hold Chinese too: the font has no bold, so it maps to itself.
    pdfmetrics.registerFontFamily(CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT, boldItalic=CJK_FONT)


@cache
def _cjk_glyphs() -> frozenset[int]:
    """The code points the CJK font can draw."""
    _register_fonts()
    font = pdfmetrics.getFont(CJK_FONT)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)


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
        chars = "".join(run)
        chunk = escape(chars if latin else "".join(c for c in chars if ord(c) in _cjk_glyphs()))
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
    numbers. Chinese (and anything else outside WinAnsi) is set in the embedded CJK TrueType font."""
    title, blocks = _minutes(record, lang, zone)
    return _document_pdf(title, blocks, lang)


def sections_pdf(title: str, intro: str, sections: Sequence[tuple[str | None, Sequence[str]]], lang: Lang) -> bytes:
    """A report shown in chat (title, intro, headed sections of lines) as the same kind of A4 PDF."""
    blocks: list[_Block] = [_Text(intro)]
    for heading, lines in sections:
        if heading:
            blocks.append(_Heading(heading))
        blocks.append(_List(tuple(lines), numbered=False))
    return _document_pdf(title, blocks, lang)


def _document_pdf(title: str, blocks: Sequence[_Block], lang: Lang) -> bytes:
    _register_fonts()
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
