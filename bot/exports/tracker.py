"""The action tracker as the XLSX sheet a PMO reviews every week; the rows come from `store.tracker`."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import Lang, t
from bot.timeparse import format_date
from store.tracker import TrackerRow


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
