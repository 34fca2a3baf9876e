"""A meeting's record as files people keep outside the chat: minutes (Markdown, PDF), the action tracker
(XLSX) and a calendar invitation (iCalendar).

Why: chat scrolls away. Minutes get filed in a wiki or a document system, the action tracker is the
spreadsheet a PMO reviews every week, and an `.ics` file puts the meeting into whatever calendar a
participant uses, including ones that have never heard of Slack or DingTalk.

Shape: `load_record` reads everything an export needs once, through `store.repo`, into a frozen
`MeetingRecord` of plain values (no ORM objects, so it outlives its session); every renderer after that is
a pure function of the record, the reader's language and timezone. `store.tracker.tracker_rows` / `tracker_xlsx` do the
same for a workspace's action items.

Confidentiality: the minutes functions never decide who may read. A confidential meeting's files carry a
notice (and `CLASS:CONFIDENTIAL` in the invitation), and the caller sends them only to the meeting's
participants, as `bot.service.meetings.minutes_messages` does with the chat minutes. The tracker spans many
meetings, so `tracker_rows` takes an explicit `include_confidential` flag and leaves those items out by
default.

Modules: `record` (read once), `minutes` (Markdown and PDF; `sections_pdf` for reports), `monitoring` (the
monitoring report's XLSX), `tracker` (XLSX; its rows come from
`store.tracker`), `ics` (the invitation). This package re-exports what callers use.
"""

from __future__ import annotations

from bot.exports.ics import meeting_ics
from bot.exports.minutes import CJK_FONT, minutes_markdown, minutes_pdf, sections_pdf
from bot.exports.monitoring import TargetFigure, report_xlsx
from bot.exports.record import (
    ActionEntry,
    AgendaEntry,
    Attendee,
    DecisionEntry,
    MeetingRecord,
    NoteEntry,
    Person,
    QuestionEntry,
    load_record,
)
from bot.exports.tracker import tracker_xlsx
from store.tracker import TrackerRow, tracker_rows

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
    "TargetFigure",
    "TrackerRow",
    "load_record",
    "meeting_ics",
    "minutes_markdown",
    "minutes_pdf",
    "report_xlsx",
    "sections_pdf",
    "tracker_rows",
    "tracker_xlsx",
]
