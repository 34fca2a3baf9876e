"""`report`, `export` and `find` through the grammar and the core, in both languages."""

from __future__ import annotations

import io
from datetime import timedelta

import icalendar
import openpyxl
import pytest

from store.models import MinutesRemark
from tests.conftest import MONDAY_9AM
from tests.harness import Chat


def held(chat: Chat, title: str = "Q3 roadmap", confidential: bool = False) -> None:
    flag = " confidential" if confidential else ""
    chat.command("alice", f'new "{title}" today 10am for 1h with @bob agenda "Scope" 20m{flag}')
    chat.now = MONDAY_9AM + timedelta(hours=1)
    chat.command("alice", "start")
    chat.say("bob", "here")
    chat.say("alice", "#agreed cut the budget by 10%")
    chat.command("alice", "action @bob write the spec by wednesday")
    chat.now += timedelta(minutes=30)
    chat.command("alice", "end")


def test_report_on_one_meeting_and_on_the_channels_month(chat: Chat) -> None:
    held(chat)
    one = chat.command("alice", "report 1")[0]
    assert one.message.title == "📈 Report: #1 Q3 roadmap" and "Attendance: 100% (2 of 2)" in one.body
    month = chat.command("alice", "report this month")[0]
    assert month.message.target.kind == "channel" and "Meetings held: 1" in month.body
    assert month.message.attachments[0].filename == "on-time-trend.png"
    person = chat.command("bob", "报告 @bob 本月")[0]  # one's own report; someone else's is refused (test_access)
    assert person.message.target.kind == "direct" and "召开会议：1" in person.body


def test_a_report_before_the_meeting_and_bad_months_say_what_is_wrong(chat: Chat) -> None:
    chat.command("alice", 'new "Later" tomorrow 3pm with @bob')
    assert "has not been held yet" in chat.command("alice", "report 1")[0].body
    bad = chat.command("alice", "report smarch")[0].body
    assert "couldn't read “smarch” as a month" in bad and "For example: /meeting report 3" in bad


def test_export_minutes_calendar_and_tracker(chat: Chat) -> None:
    held(chat)
    files = chat.command("alice", "export 1")[0].message.attachments
    assert [f.filename for f in files] == ["meeting-1-Q3-roadmap-minutes-2026-11-23.md",
                                           "meeting-1-Q3-roadmap-minutes-2026-11-23.pdf"]
    assert "cut the budget by 10%" in files[0].content and (files[1].data or b"").startswith(b"%PDF")
    chinese = chat.command("alice", "导出 1 md")[0].message.attachments
    assert [f.filename for f in chinese] == ["会议1-Q3-roadmap-会议纪要-2026-11-23.md"]
    chat.command("alice", 'new "Retro" tomorrow 3pm with @bob')
    chat.command("alice", "reschedule 2 friday 10am")
    ics = chat.command("alice", "export 2 ics")[0].message.attachments[0]
    assert ics.filename == "meeting-2-Retro-invitation-2026-11-27.ics"  # dated where the meeting now is
    event = next(iter(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")))
    assert event.decoded("SEQUENCE") == 1  # rescheduled once: calendars replace the old event
    tracker = chat.command("alice", "导出 跟踪表")[0].message.attachments[0]
    sheet = openpyxl.load_workbook(io.BytesIO(tracker.data or b"")).active
    assert sheet is not None and sheet.max_row == 2  # the header and the spec
    assert "I can export md, pdf or ics, not “docx”" in chat.command("alice", "export 1 docx")[0].body


def test_a_confidential_meeting_stays_private(chat: Chat) -> None:
    held(chat, "Layoffs", confidential=True)
    report = chat.command("alice", "report 1")[0]
    assert report.message.target.kind == "direct"
    assert "There is no meeting #1 that you can see." in chat.command("dave", "report 1")[0].body
    assert "No meeting you can see" in chat.command("dave", "find layoffs")[0].body
    assert "#1 Layoffs" in chat.command("bob", "find layoffs")[0].body


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param("budget", True, id="a-decision"),
        pytest.param("spec", True, id="an-action-item"),
        pytest.param("ROADMAP", True, id="the-title-any-case"),
        pytest.param("today", True, id="a-date"),
        pytest.param("regular", True, id="a-type"),
        pytest.param("评审", False, id="another-type"),
        pytest.param("giraffe", False, id="nothing"),
    ],
)
def test_find(chat: Chat, query: str, found: bool) -> None:
    held(chat)
    answer = chat.command("alice", f"find {query}")[0].body
    assert ("#1 Q3 roadmap" in answer) is found


def test_an_objection_within_the_window_reaches_the_host_who_amends(chat: Chat) -> None:
    held(chat)
    minutes = next(s for s in chat.in_channel() if s.message.title and "Minutes" in s.message.title)
    assert "Object within 12 h: /meeting object 1" in (minutes.message.context or "")
    chat.now += timedelta(hours=2)
    assert "went to the host" in chat.command("bob", "object 1 the budget cut was 5%, not 10%")[0].body
    to_alice = chat.to("alice")[-1]
    assert "@bob objects to the minutes of #1 Q3 roadmap: the budget cut was 5%, not 10%" in to_alice.body
    assert "/meeting amend 1" in to_alice.body
    assert "Only @alice can change meeting #1" in chat.command("bob", "amend 1 budget cut 5%")[0].body
    assert chat.rows(MinutesRemark) == 1
    posted = chat.command("alice", "amend 1 budget cut 5%")[0]
    assert posted.message.target.kind == "channel"
    assert posted.body.strip() == "📝 The minutes of #1 Q3 roadmap were amended by @alice: budget cut 5%"
    assert chat.rows(MinutesRemark) == 2


def test_objections_close_after_the_window_and_need_a_participant(chat: Chat) -> None:
    held(chat)
    assert "Only participants of meeting #1 can object" in chat.command("dave", "object 1 wrong")[0].body
    chat.now += timedelta(hours=13)
    late = chat.command("bob", "异议 1 预算并未通过")[0].body
    assert "只能在会议结束后 12 小时内提出异议" in late
    assert chat.rows(MinutesRemark) == 0
