"""Exports from meetings held through the core: every file is read back with a real reader (openpyxl,
pypdf, icalendar) and checked for what a person or a calendar would see in it."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import icalendar
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlmodel import Session, select

from bot import exports
from bot.i18n import Lang
from store.models import Meeting, Participant, User, Workspace
from tests.conftest import MONDAY_9AM, SHANGHAI
from tests.harness import Chat

BERLIN = ZoneInfo("Europe/Berlin")
NEW_Q3 = (
    'new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol recorder @dave agenda "Scope" 20m "Budget" 25m '
    "https://meet.example.com/q3 goal: agree the scope outcome: a signed-off plan"
)
NEW_Q3_ZH = (
    '新建 "Q3规划会" 明天下午3点 1小时 参会 @李四 @王五 记录 @赵六 议程 "范围" 20分钟 "预算" 25分钟 目标：确定Q3范围'
)
STAMP = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def record(chat: Chat, number: int = 1) -> exports.MeetingRecord:
    with Session(chat.core.engine) as session:
        meeting = session.exec(select(Meeting).where(Meeting.number == number)).one()
        return exports.load_record(session, meeting)


def rows(
    chat: Chat,
    *,
    channel_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_confidential: bool = False,
) -> list[exports.TrackerRow]:
    with Session(chat.core.engine) as session:
        workspace_id = session.exec(select(Workspace.id)).one()
        assert workspace_id is not None
        return exports.tracker_rows(
            session, workspace_id, channel_id=channel_id, since=since, until=until, zone=SHANGHAI,
            include_confidential=include_confidential,
        )


def hold_q3(chat: Chat) -> None:
    """alice hosts; bob answers yes and is 7 minutes late, carol declines with a note, dave records."""
    chat.command("alice", NEW_Q3)
    chat.command("bob", "rsvp 1 yes")
    chat.command("carol", "rsvp 1 no on leave that week")
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=7)
    chat.say("bob", "here")
    chat.say("alice", "#topic Scope")
    chat.say("bob", "#info the scope is frozen")
    chat.say("alice", "#link https://wiki.example.com/q3")
    chat.command("alice", "decision ship the MVP on Dec 1 because QA signed off")
    chat.say("alice", "#action bob to write the release notes")
    chat.command("alice", "action @carol prepare the budget by friday deliverable: budget sheet")
    chat.command("dave", "question who signs off? @alice by next monday")
    chat.now += timedelta(minutes=40)
    chat.say("alice", "#endmeeting")


def hold_q3_in_chinese(chat: Chat) -> None:
    chat.channel = "产品组"
    chat.command("张三", NEW_Q3_ZH)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("张三", "开始 1")
    chat.now += timedelta(minutes=5)
    chat.say("李四", "到")
    chat.say("张三", "#topic 范围")
    chat.say("张三", "#agreed 12月1日发布MVP")
    chat.command("张三", "行动 @王五 准备预算 周五前 交付物：预算表")
    chat.say("张三", "#endmeeting")


# ---- Markdown ----------------------------------------------------------------------------------------


def test_markdown_minutes_have_every_section_in_the_readers_timezone(chat: Chat) -> None:
    hold_q3(chat)
    text = exports.minutes_markdown(record(chat), "en", BERLIN)
    assert text.startswith("# Minutes: Q3 roadmap (#1)\n")
    for line in (
        "- **When**: 2026-11-24 08:00 (Tue) Europe/Berlin · 1 h",
        "- **Status**: ended",
        "- **Held**: 2026-11-24 08:00 (Tue) Europe/Berlin · 47 min",
        "- **Where**: https://meet.example.com/q3",
        "- **Host**: alice",
        "- **Recorder**: dave",
        "- **Goal**: agree the scope",
        "- **Expected outcome**: a signed-off plan",
        "## Participants",
        "| Name | Role | Answer | Attendance |",
        "| alice | host | Coming | present |",
        "| bob | required | Coming | 7 min late |",
        "| carol | required | Not coming (on leave that week) | absent |",
        "| dave | recorder | No answer yet | absent |",  # he spoke in the meeting, but never checked in
        "## Agenda",
        "1. Scope · 20 min",
        "2. Budget · 25 min",
        "## Decisions",
        "1. ship the MVP on Dec 1 — because QA signed off",
        "## Action items",
        "| # | Item | Owner | Due | Deliverable | Status |",
        "| 1 | bob to write the release notes | bob | — | — | open |",
        "| 2 | prepare the budget | carol | 2026-11-27 (Fri) | budget sheet | open |",
        "## Open questions",
        "| who signs off? | alice | 2026-11-30 (Mon) |",
        "## Notes and links",
        "- topic: Scope",
        "- info: the scope is frozen",
        "- link: https://wiki.example.com/q3",
    ):
        assert line in text.splitlines(), line
    assert "Confidential" not in text


def test_markdown_minutes_in_chinese(chat: Chat) -> None:
    hold_q3_in_chinese(chat)
    text = exports.minutes_markdown(record(chat), "zh", SHANGHAI)
    lines = text.splitlines()
    assert lines[0] == "# 会议纪要：Q3规划会（#1）"
    for line in (
        "- **时间**：2026-11-24 15:00（周二）Asia/Shanghai · 1 小时",
        "- **会议目标**：确定Q3范围",
        "| 李四 | 必须参会 | 未回复 | 迟到 5 分钟 |",
        "| 王五 | 必须参会 | 未回复 | 缺席 |",
        "1. 范围 · 20 分钟",
        "1. 12月1日发布MVP",
        "| 1 | 准备预算 | 王五 | 2026-11-27（周五） | 预算表 | 未开始 |",
        "## 待解决问题",
        "- 议题：范围",
    ):
        assert line in lines, line


def test_an_agenda_items_presenter_and_output_use_the_invitations_words(chat: Chat) -> None:
    chat.command("张三", '新建 "评审" 明天下午3点 参会 @李四 议程 "范围" 20分钟 主讲 @李四 输出物：签字的范围')
    text = exports.minutes_markdown(record(chat), "zh", SHANGHAI)
    assert "1. 范围 · 20 分钟 · 主讲：李四 · 输出物：签字的范围" in text


def test_a_meeting_not_yet_held_shows_every_section_and_escapes_table_cells(chat: Chat) -> None:
    chat.command("alice", 'new "Planning" tomorrow 3pm with @bob')
    text = exports.minutes_markdown(record(chat), "en", SHANGHAI)
    assert "| bob | required | No answer yet | — |" in text  # no attendance before it starts
    assert text.count("(none)") == 5  # agenda, decisions, actions, questions, notes
    assert "**Goal**: —" in text and "**Recorder**: —" in text
    item = exports.ActionEntry(7, "compare a|b\nand c", None, None, None, "blocked")
    escaped = exports.minutes_markdown(dataclasses.replace(record(chat), actions=(item,)), "en", SHANGHAI)
    assert "| 7 | compare a\\|b and c | unassigned | — | — | blocked |" in escaped


def test_confidential_and_cancelled_meetings_say_so(chat: Chat) -> None:
    chat.command("alice", 'new "Salaries" tomorrow 3pm with @bob confidential')
    chat.command("alice", "cancel 1 budget not ready")
    text = exports.minutes_markdown(record(chat), "en", SHANGHAI)
    assert "> **Confidential: for this meeting's participants only. Please don't forward.**" in text
    assert "- **Status**: cancelled: budget not ready" in text


# ---- PDF ---------------------------------------------------------------------------------------------


def fonts(reader: PdfReader) -> dict[str, tuple[str, str]]:
    found = {}
    for page in reader.pages:
        resources = cast(DictionaryObject, page["/Resources"])
        for font in cast(DictionaryObject, resources["/Font"]).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = (str(font["/Subtype"]), str(font.get("/Encoding", "")))
    return found


def test_pdf_minutes_in_english_read_back(chat: Chat) -> None:
    hold_q3(chat)
    data = exports.minutes_pdf(record(chat), "en", SHANGHAI)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("Minutes: Q3 roadmap (#1)", "7 min late", "Not coming (on leave that week)",
                     "prepare the budget", "2026-11-27 (Fri)", "because QA signed off", "who signs off?",
                     "https://wiki.example.com/q3"):
        assert expected in text, expected
    assert reader.metadata is not None and reader.metadata.title == "Minutes: Q3 roadmap (#1)"
    assert set(fonts(reader)) == {"/Helvetica", "/Helvetica-Bold"}  # no CJK font where no Chinese is


def embedded_cjk(reader: PdfReader) -> list[str]:
    """Font-file keys (/FontFile2 TrueType, /FontFile3 CFF) of the embedded CJK subsets in the document."""
    found = []
    for page in reader.pages:
        for font in cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"]).values():
            font = font.get_object()
            if exports.CJK_FONT in str(font["/BaseFont"]):
                descriptor = font["/FontDescriptor"].get_object()
                found += [k for k in ("/FontFile2", "/FontFile3") if k in descriptor and descriptor[k].get_data()]
    return found


def test_pdf_minutes_in_chinese_embed_the_cjk_font_and_read_back(chat: Chat) -> None:
    hold_q3_in_chinese(chat)
    reader = PdfReader(io.BytesIO(exports.minutes_pdf(record(chat), "zh", SHANGHAI)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("会议纪要：Q3规划会（#1）", "确定Q3范围", "迟到 5 分钟", "缺席", "准备预算", "预算表",
                     "12月1日发布MVP", "2026-11-27（周五）", "记录与链接"):
        assert expected in text, expected
    # Chinese runs are set in the packaged TrueType font, embedded as subsets: renders without a reader's fonts.
    assert embedded_cjk(reader) and set(embedded_cjk(reader)) == {"/FontFile2"}
    assert all(kind == "/TrueType" for name, (kind, _e) in fonts(reader).items() if exports.CJK_FONT in name)


def test_pdf_english_minutes_with_chinese_names_switch_fonts_per_run(chat: Chat) -> None:
    hold_q3(chat)
    renamed = dataclasses.replace(record(chat), title="Q3 roadmap 路线图")
    reader = PdfReader(io.BytesIO(exports.minutes_pdf(renamed, "en", SHANGHAI)))
    assert "Minutes: Q3 roadmap 路线图 (#1)" in reader.pages[0].extract_text()
    assert "/Helvetica" in fonts(reader) and embedded_cjk(reader)


def test_pdf_long_minutes_break_across_pages(chat: Chat) -> None:
    hold_q3(chat)
    base = record(chat)
    long = dataclasses.replace(
        base,
        decisions=tuple(exports.DecisionEntry(f"decision {i} 决定", None) for i in range(1, 121)),
        actions=(dataclasses.replace(base.actions[1], text="写预算" * 1300),),  # one cell taller than a page
    )
    languages: tuple[Lang, ...] = ("en", "zh")
    for lang in languages:
        reader = PdfReader(io.BytesIO(exports.minutes_pdf(long, lang, SHANGHAI)))
        pages = [page.extract_text() for page in reader.pages]
        assert len(pages) >= 5
        assert all(text.startswith(f"{n}\n") for n, text in enumerate(pages, 1))  # page numbers
        everything = "".join(pages)
        assert "decision 120 决定" in everything and everything.count("写预算") >= 1300


# ---- XLSX tracker ------------------------------------------------------------------------------------


def sheet_of(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_tracker_xlsx_has_the_standard_columns_and_one_row_per_item(chat: Chat) -> None:
    hold_q3(chat)
    with Session(chat.core.engine) as session:  # no command records organizations yet: set carol's directly
        carol = session.exec(select(Participant).join(User).where(User.display_name == "carol")).one()
        carol.organization = "Finance"
        session.commit()
    chat.command("bob", "status 1 blocked waiting for legal")
    chat.command("carol", "status 2 delay 2026-12-02")
    chat.now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # Tuesday 07:30 in Shanghai
    chat.command("carol", "done 2 https://example.com/budget.xlsx")
    chat.command("alice", "verify 2")

    sheet = sheet_of(exports.tracker_xlsx(rows(chat), "en"))
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("#", "Description", "Owner", "Organization", "Planned date", "Actual date", "Status",
                         "Deliverable", "Notes")
    assert len(values) == 3
    first, second = values[1], values[2]
    assert first[:4] == (1, "bob to write the release notes", "bob", None)
    assert first[4:8] == (None, None, "blocked", None)
    assert first[8] == "from #1 Q3 roadmap · blocked: waiting for legal"
    assert second[:4] == (2, "prepare the budget", "carol", "Finance")
    assert isinstance(second[4], datetime) and second[4].date() == date(2026, 12, 2)
    assert isinstance(second[5], datetime) and second[5].date() == date(2026, 12, 1)  # the day in Shanghai
    assert sheet["E3"].is_date and sheet["E3"].number_format == "yyyy-mm-dd"
    assert second[6:8] == ("done", "budget sheet — https://example.com/budget.xlsx")
    assert second[8] == (
        "from #1 Q3 roadmap · due date moved 1× (first planned 2026-11-27 (Fri)) · signed off 2026-12-01 (Tue)"
    )
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.auto_filter.ref == "A1:I3"


def test_tracker_xlsx_in_chinese(chat: Chat) -> None:
    hold_q3_in_chinese(chat)
    sheet = sheet_of(exports.tracker_xlsx(rows(chat), "zh"))
    assert sheet.title == "行动项"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("#", "事项描述", "负责人", "单位", "计划完成日期", "实际完成日期", "状态", "交付物", "备注")
    assert values[1][1:3] == ("准备预算", "王五") and values[1][6] == "未开始"
    assert len(values) == 2
    assert values[1][8] == "来自 #1 Q3规划会"


def test_tracker_rows_filter_by_channel_time_and_confidentiality(chat: Chat) -> None:
    chat.command("alice", "action @bob first by friday")
    chat.now += timedelta(days=1)
    chat.command("alice", "action @bob second by friday", channel="other")
    chat.command("alice", 'new "Salaries" tomorrow 3pm with @bob confidential')
    chat.now = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.command("alice", "action @bob secret raise by friday")
    assert [r.number for r in rows(chat)] == [1, 2]
    assert [r.number for r in rows(chat, include_confidential=True)] == [1, 2, 3]
    assert [r.number for r in rows(chat, channel_id="other")] == [2]
    assert [r.number for r in rows(chat, since=MONDAY_9AM + timedelta(hours=1))] == [2]
    assert [r.number for r in rows(chat, until=MONDAY_9AM + timedelta(hours=1))] == [1]
    assert sheet_of(exports.tracker_xlsx([], "en")).max_row == 1  # an empty tracker still has its header


# ---- iCalendar ---------------------------------------------------------------------------------------


def event_of(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return calendar, event


def test_ics_invitation_round_trips(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("bob", "rsvp 1 yes")
    chat.command("carol", "rsvp 1 maybe")
    data = exports.meeting_ics(record(chat), 0, stamp=STAMP)
    assert b"\r\nDTSTART:20261124T070000Z\r\n" in data  # UTC, written with Z
    calendar, event = event_of(data)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert event["UID"] == "meeting-1@local.console.quorum.invalid"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Q3 roadmap" and event["STATUS"] == "CONFIRMED"
    assert str(event["LOCATION"]) == "https://meet.example.com/q3" and str(event["URL"]) == str(event["LOCATION"])
    assert "Goal: agree the scope" in str(event["DESCRIPTION"]) and "1. Scope · 20 min" in str(event["DESCRIPTION"])
    organizer = cast(icalendar.vCalAddress, event["ORGANIZER"])
    assert organizer.params["CN"] == "alice" and str(organizer) == "mailto:alice@local.console.quorum.invalid"
    attendees = {a.params["CN"]: a for a in cast(list[icalendar.vCalAddress], event["ATTENDEE"])}
    assert set(attendees) == {"alice", "bob", "carol", "dave"}
    assert {name: a.params["PARTSTAT"] for name, a in attendees.items()} == {
        "alice": "ACCEPTED", "bob": "ACCEPTED", "carol": "TENTATIVE", "dave": "NEEDS-ACTION",
    }
    assert attendees["alice"].params["ROLE"] == "CHAIR" and attendees["dave"].params["ROLE"] == "REQ-PARTICIPANT"
    assert str(attendees["bob"]) == "mailto:bob@local.console.quorum.invalid"


def test_ics_reschedule_updates_the_same_event(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    _, before = event_of(exports.meeting_ics(record(chat), 0, stamp=STAMP))
    chat.command("alice", "reschedule 1 friday 10am")
    _, after = event_of(exports.meeting_ics(record(chat), 1, stamp=STAMP + timedelta(hours=1)))
    assert after["UID"] == before["UID"]
    assert after.sequence > before.sequence == 0
    assert after.decoded("DTSTART") == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_ics_for_a_cancelled_meeting_cancels_it(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("alice", "cancel 1 budget not ready")
    calendar, event = event_of(exports.meeting_ics(record(chat), 2, stamp=STAMP))
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == "meeting-1@local.console.quorum.invalid" and event["SEQUENCE"] == 2
    assert "cancelled: budget not ready" in str(event["DESCRIPTION"])
    with pytest.raises(ValueError):
        exports.meeting_ics(record(chat), -1, stamp=STAMP)


def test_ics_placeholder_addresses_and_confidential_class(chat: Chat) -> None:
    chat.channel = "产品组"
    chat.command("张三", '新建 "薪酬" 明天下午3点 参会 @李四 保密')
    _, event = event_of(exports.meeting_ics(record(chat), 0, stamp=STAMP))
    assert event["CLASS"] == "CONFIDENTIAL" and str(event["SUMMARY"]) == "薪酬"
    assert "Quorum 会议 #1" in str(event["DESCRIPTION"])
    organizer = cast(icalendar.vCalAddress, event["ORGANIZER"])
    assert organizer.params["CN"] == "张三"
    assert str(organizer) == "mailto:%E5%BC%A0%E4%B8%89@local.console.quorum.invalid"  # no e-mail is known
