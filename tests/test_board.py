"""The event's execution on the real core: the task board (任务看板) with its reminders and dependencies,
incidents (异常上报) with their 15-minute acknowledgement, outcomes and the monitoring report against the
standard's targets; who may see and change each, and what bad input gets.

The clock is the test's (Monday 2026-11-23 09:00 Shanghai); `chat.advance` ticks the scheduler at every due
row, as a running bot would.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from adapters.dingtalk import render as dingtalk_render
from adapters.slack import blocks as slack_blocks
from bot.board_commands import AddTask, Task
from bot.command_types import AddAction, Mention
from bot.commands import parse_command
from bot.core import Core
from bot.errors import ParseError
from bot.events import Person
from store.models import Incident, MeetingResult, Notification, PrepTask
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent
from tests.test_console import run_event_script

PLAN = ("plan name: Dealer day type: client goal: sign 50 new dealers time: 2026-12-10 14:00 place: Grand Hotel "
        "internal: @bob @carol")
TASK = "task 1 book the hall @bob by 2026-11-25 17:00 priority high deliverable: signed contract"
DEADLINE = datetime(2026, 11, 25, 17, 0, tzinfo=SHANGHAI)


@pytest.fixture
def chat() -> Chat:
    """An approved plan #1 by alice (boss approves; boss is also the channel's approver, so the superior of
    anyone without their own), and incidents of type equipment routed to itlead."""
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.command("boss", "config approver @boss")
    chat.command("boss", "config incident equipment @itlead")
    chat.command("alice", PLAN)
    chat.command("boss", "approve 1")
    return chat


def text(sent: list[Sent]) -> str:
    return "\n".join(s.body for s in sent)


def to(who: str, sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.message.target.kind == "direct" and s.message.target.user == who]


def tasks(chat: Chat) -> list[PrepTask]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(PrepTask).order_by(col(PrepTask.number))))


def incidents(chat: Chat) -> list[Incident]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(Incident).order_by(col(Incident.number))))


# ---- the grammar ----------------------------------------------------------------------------------------

def test_a_task_reads_its_owner_deadline_phase_priority_dependency_and_deliverable() -> None:
    parsed = parse_command("task 1 print badges @carol by 2026-11-27 12:00 phase during priority low after 1 "
                           "deliverable: 300 badges", now=MONDAY_9AM, tz=SHANGHAI)
    assert parsed == Task(AddTask(1, "print badges", Mention("carol"), datetime(2026, 11, 27, 12, tzinfo=SHANGHAI),
                                  "during", "low", 1, "300 badges"))
    zh = parse_command("任务 1 印制胸牌 @王五 截止 11月27日12点 阶段 后期 优先级 高", now=MONDAY_9AM, tz=SHANGHAI)
    noon = datetime(2026, 11, 27, 12, tzinfo=SHANGHAI)
    assert zh == Task(AddTask(1, "印制胸牌", Mention("王五"), noon, "post", "high"))
    # 任务 without a meeting number is still an action item
    assert isinstance(parse_command("任务 @李四 整理纪要 截止周五", now=MONDAY_9AM, tz=SHANGHAI), AddAction)
    assert isinstance(parse_command("任务 1号前交报告 @李四", now=MONDAY_9AM, tz=SHANGHAI), AddAction)


@pytest.mark.parametrize(("command", "key"), [
    ("task 1 book the hall @bob @carol by friday 17:00", "error.task_one_owner"),
    ("task 1 book the hall by friday 17:00", "error.task_one_owner"),
    ("task 1 book the hall @bob", "error.task_no_deadline"),
    ("task 1 book the hall @bob by friday", "error.missing_hour"),  # to the hour: a day alone is asked about
    ("task 1 book the hall @bob by friday 17:00 priority urgent", "error.bad_choice"),
    ("task 1 book the hall @bob by friday 17:00 after soon", "error.bad_number"),
    ("task status 3 finished", "error.bad_choice"),
    ("incident close 2 replaced the cable", "error.incident_close"),
])
def test_bad_task_and_incident_input_says_what_was_wrong(command: str, key: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_command(command, now=MONDAY_9AM, tz=SHANGHAI)
    assert raised.value.key == key
    assert raised.value.example_key in ("example.task", "example.incident")


# ---- the board ------------------------------------------------------------------------------------------

def test_a_task_goes_on_the_board_and_its_owner_is_told(chat: Chat) -> None:
    sent = chat.command("alice", TASK)
    assert sent[0].message.text == ("Task #1 on the board of #1: book the hall — @bob, due 2026-11-25 17:00 (Wed) "
                                    "Asia/Shanghai (Before (preparation), high).")
    assert "is yours (from @alice): book the hall" in text(to("bob", sent))
    [row] = tasks(chat)
    assert (row.owner_id is not None, row.deadline, row.phase, row.priority, row.deliverable, row.status) == (
        True, DEADLINE, "pre", "high", "signed contract", "not_started")
    with Session(chat.core.engine) as session:
        kinds = sorted(n.kind for n in session.exec(select(Notification).where(col(Notification.task_id).is_not(None))))
    # before: bob; due: bob, boss (the executive who approved), alice (requester); overdue: bob, alice
    # and the weekly preparation check-in, which the first task starts
    assert kinds == ["prep_checkin", "task_before", "task_due", "task_due", "task_due", "task_overdue", "task_overdue"]


def test_a_plan_not_yet_approved_has_no_board() -> None:
    chat = Chat(migrated_core(make_settings()), MONDAY_9AM)
    chat.command("boss", "config approver @boss")
    chat.command("alice", PLAN)
    refused = chat.command("alice", TASK)[0].message.text
    assert refused.startswith("⚠️ #1 is still a plan: its task board, incidents and report start once it is approved.")


def test_only_the_people_who_run_the_event_add_tasks_and_only_they_or_the_owner_change_one(chat: Chat) -> None:
    assert chat.command("dave", TASK)[0].message.text.startswith("⚠️ Only the people who run #1 can do that: @alice")
    chat.command("alice", TASK)
    refused = chat.command("dave", "task done 1")[0].message.text
    assert refused.startswith("⚠️ Only the task's owner @bob or the people who run the event (@alice)")
    assert tasks(chat)[0].status == "not_started"
    assert chat.command("bob", "task status 1 in progress")[0].message.text == (
        "Task #1 (book the hall) is now in progress.")
    assert chat.command("boss", "task status 1 delayed")[0].message.text == "Task #1 (book the hall) is now delayed."
    assert chat.command("bob", "task done 1")[0].message.text == "✅ Task #1 (book the hall) is done."
    assert chat.command("bob", "task done 1")[0].message.text.startswith("⚠️ Task #1 is already done.")
    assert chat.command("bob", "task done 9")[0].message.text.startswith("⚠️ There is no task #9 that you can see.")


def test_reminders_24h_before_at_the_deadline_and_a_day_late(chat: Chat) -> None:
    chat.command("alice", TASK)
    early = chat.advance(DEADLINE - timedelta(hours=24) - chat.now)
    assert [s.message.target.user for s in early] == ["bob"]
    assert "is due in 24 hours" in early[0].body
    due = chat.advance(timedelta(hours=24))
    assert sorted(s.message.target.user or "" for s in due) == ["alice", "bob", "boss"]
    assert "reached its deadline" in text(to("bob", due)) and "For your information" in text(to("boss", due))
    late = chat.advance(timedelta(hours=24))
    assert sorted(s.message.target.user or "" for s in late) == ["alice", "bob"]
    assert "Warning: task #1 (book the hall) of @bob" in text(to("alice", late))
    board = chat.command("alice", "board 1")[0]
    assert board.message.sections[0].heading == "Late"
    assert "⚠️ late by 24 h" in board.message.sections[0].lines[0]
    assert board.message.text == "1 tasks: 0 done, 1 late."


def test_a_task_done_in_time_is_never_chased(chat: Chat) -> None:
    chat.command("alice", TASK)
    chat.command("bob", "task done 1")
    assert chat.advance(timedelta(days=5)) == []


def test_a_dependent_task_starts_when_the_one_before_is_done(chat: Chat) -> None:
    chat.command("alice", TASK)
    sent = chat.command("alice", "task 1 print badges @carol by 2026-11-27 12:00 after 1")
    assert "It starts when task #1 (book the hall) is done" in text(to("carol", sent))
    assert "(waits for #1)" in chat.command("alice", "board 1")[0].body
    done = chat.command("bob", "task done 1")
    assert to("carol", done)[0].message.text == (
        "▶️ Task #1 (book the hall) was done by @bob: your task #2 (print badges) can start now.")
    assert "waits for" not in chat.command("carol", "board 1")[0].body
    assert chat.command("alice", "task 1 x @carol by 2026-11-27 12:00 after 7")[0].message.text.startswith(
        "⚠️ There is no task #7 on the board of #1.")


def test_a_weekly_preparation_check_in_goes_to_the_channel_until_the_event(chat: Chat) -> None:
    chat.command("alice", TASK)
    chat.command("alice", "task 1 print badges @carol by 2026-12-01 12:00")
    chat.command("bob", "task done 1")
    sent = chat.advance(datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI) - chat.now)
    checkins = [s for s in sent if s.message.target.kind == "channel" and "Weekly preparation" in s.message.text]
    assert [s.at for s in checkins] == [MONDAY_9AM + timedelta(weeks=1), MONDAY_9AM + timedelta(weeks=2)]
    assert checkins[0].message.text == "🗓️ Weekly preparation check-in. 2 tasks: 1 done, 0 late."
    assert checkins[1].message.text == "🗓️ Weekly preparation check-in. 2 tasks: 1 done, 1 late."


def test_the_owners_home_page_lists_their_open_tasks(chat: Chat) -> None:
    chat.command("alice", TASK)
    chat.command("alice", "task 1 print badges @bob by 2026-11-24 12:00")
    chat.now = datetime(2026, 11, 24, 13, 0, tzinfo=SHANGHAI)
    home = chat.core.home("console", "local", Person("bob", "bob"), chat.now)
    mine = {s.heading: s.lines for s in home.sections}["My preparation tasks"]
    assert mine[0].startswith("#2 print badges — @bob — due 11-24 12:00") and "⚠️ late by 1 h" in mine[0]
    assert mine[1].startswith("#1 book the hall — @bob — due 11-25 17:00")
    chat.command("bob", "task done 1")
    chat.command("bob", "task done 2")
    home = chat.core.home("console", "local", Person("bob", "bob"), chat.now)
    assert "My preparation tasks" not in [s.heading for s in home.sections]


def test_the_board_renders_as_slack_blocks_and_a_dingtalk_card(chat: Chat) -> None:
    """The board is a neutral message: Slack shows it as blocks, DingTalk as a card, each with the late task."""
    chat.command("alice", "task 1 print badges @carol by 2026-11-23 12:00")
    chat.now = datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI)
    board = chat.command("alice", "board 1")[0].message
    blocks = json.dumps(slack_blocks.render(board)["blocks"], ensure_ascii=False)
    assert "Late" in blocks and "print badges" in blocks and "late by 3 h" in blocks
    card = json.dumps(dingtalk_render.card(board, "en"), ensure_ascii=False)
    assert "print badges" in card and "late by 3 h" in card


def test_the_board_in_chinese(chat: Chat) -> None:
    chat.command("alice", "任务 1 预订会场 @bob 截止 11月25日17点 优先级 高")
    board = chat.command("张三", "看板 1")
    assert board[0].message.lang == "zh"
    assert board[0].message.title == "📋 #1“Dealer day”任务看板"
    assert "#1 预订会场 —— @bob —— 截止 11-25 17:00 —— 高 —— 未开始" in board[0].body


# ---- incidents ------------------------------------------------------------------------------------------

def test_an_incident_is_routed_by_type_and_acknowledged_in_time(chat: Chat) -> None:
    sent = chat.command("carol", "incident 1 projector is down impact: keynote waits equipment high")
    assert sent[0].message.target.kind == "channel"
    assert sent[0].message.text == "🚨 Incident #1 at #1: projector is down (equipment, high). Handler: @itlead."
    card = to("itlead", sent)[0]
    assert [b.value for b in card.message.buttons] == ["incident ack 1"]
    chat.advance(timedelta(minutes=4))
    acked = chat.click("itlead", card.id, "Acknowledge")
    assert acked[0].message.text == "You acknowledged incident #1 after 4 min, in time."
    assert "acknowledged by @itlead after 4 min" in text(to("carol", acked))
    assert chat.advance(timedelta(hours=1)) == []  # no reminder, no escalation
    chat.command("itlead", "incident status 1 outside")
    assert incidents(chat)[0].status == "outside"
    closed = chat.command("itlead", "incident close 1 cause: loose cable fix: replaced it")
    assert closed[0].message.text == "Incident #1 is closed. Cause: loose cable. Fix: replaced it."
    row = incidents(chat)[0]
    assert (row.kind, row.severity, row.impact, row.status, row.cause, row.fix) == (
        "equipment", "high", "keynote waits", "closed", "loose cable", "replaced it")
    assert row.acked_at == MONDAY_9AM + timedelta(minutes=4) and row.closed_at is not None


def test_an_incident_not_acknowledged_is_reminded_then_escalated(chat: Chat) -> None:
    chat.command("carol", "incident 1 projector is down equipment")
    reminded = chat.advance(timedelta(minutes=10))
    assert [s.message.target.user for s in reminded] == ["itlead"]
    assert "5 minutes are left" in reminded[0].body
    escalated = chat.advance(timedelta(minutes=5))
    assert [s.message.target.user for s in escalated] == ["boss"]  # itlead's superior: the channel's approver
    assert "was not acknowledged by @itlead within 15 minutes" in escalated[0].body
    chat.advance(timedelta(minutes=5))
    late = chat.command("itlead", "incident ack 1")
    assert late[0].message.text == (
        "You acknowledged incident #1 after 20 min: later than the 15 minutes the standard asks.")
    again = chat.command("itlead", "incident ack 1")[0].message.text
    assert again.startswith("⚠️ Incident #1 was already acknowledged.")


def test_an_unrouted_type_goes_to_the_requester_and_strangers_cannot_answer(chat: Chat) -> None:
    sent = chat.command("carol", "异常上报 1 午餐没有送到 影响：延迟开场 餐饮 中")
    assert to("alice", sent) and "处理人：@alice" in sent[0].message.text
    assert chat.command("dave", "incident ack 1")[0].message.text.startswith(
        "⚠️ Only the handler @alice or the people who run the event")
    assert incidents(chat)[0].kind == "catering" and incidents(chat)[0].acked_at is None


# ---- sign-in ---------------------------------------------------------------------------------------------

def test_sign_in_before_the_start_with_department_and_contact_and_chase_the_rest(chat: Chat) -> None:
    chat.now = datetime(2026, 12, 10, 13, 40, tzinfo=SHANGHAI)
    signed = chat.command("bob", "signin 1 department Sales contact 138-0000-0000")
    assert signed[0].message.text == "Signed in to #1 at 13:40 (Sales, 138-0000-0000)."
    assert chat.command("dave", "signins 1")[0].message.text.startswith("⚠️ Only the people who run #1")
    sheet = chat.command("alice", "signins 1")[0]
    assert sheet.message.sections[0].lines == ("@bob — Sales — 138-0000-0000 — 12-10 13:40",)
    assert sheet.message.sections[1].lines == ("@alice, @carol",)
    chased = chat.click("alice", sheet.id, "Chase")
    assert chased[0].message.text == "Reminded to sign in to #1: @carol."
    assert "asks you to sign in to #1" in text(to("carol", chased))
    assert chat.command("carol", "签到登记 1 部门 市场部")[0].message.text == "已在 13:40 签到 #1（市场部）。"
    bad = chat.command("carol", "signin 1 Sales")[0].message.text
    assert bad.startswith("⚠️") and "/meeting signin 3 department Sales" in bad


def test_the_agenda_countdown_and_a_delay_over_ten_minutes() -> None:
    chat = Chat(migrated_core(make_settings()), MONDAY_9AM)
    chat.command("alice", 'new "Dealer day" tomorrow 3pm for 1h with @bob agenda "Scope" 20m "Budget" 25m')
    assert chat.command("bob", "countdown 1")[0].message.text.startswith("⚠️ Meeting #1 is scheduled")
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=15)
    assert chat.command("bob", "countdown 1")[0].message.text == "Now: Scope, 5 min left.\nNext: Budget at 15:20."
    chat.now += timedelta(minutes=20)
    assert chat.command("bob", "countdown 1")[0].message.text == (
        "Now: Scope, 15 min over its time.\nNext: Budget at 15:35.\n"
        "⚠️ The agenda is 15 min behind its plan (more than the 10 minutes the standard allows).")
    assert chat.command("bob", "倒计时 1")[0].message.text.startswith("当前：Scope，已超时 15 分钟。")


# ---- outcomes and the monitoring report -----------------------------------------------------------------

def test_the_monitoring_report_computes_its_figures_from_rows() -> None:
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.command("alice", 'new "Dealer day" tomorrow 3pm for 1h with @bob @carol agenda "Scope" 20m "Budget" 25m')
    chat.command("alice", "task 1 book the hall @bob by 2026-11-23 18:00")
    chat.command("alice", "task 1 print badges @carol by 2026-11-23 12:00")
    chat.now = datetime(2026, 11, 23, 17, 0, tzinfo=SHANGHAI)
    chat.command("bob", "task done 1")  # on time; task 2 is late
    chat.command("carol", "incident 1 mic is dead equipment")
    chat.now += timedelta(minutes=5)
    chat.command("alice", "incident ack 1")
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.say("bob", "here")
    chat.now += timedelta(minutes=35)  # Scope: 35 min against 20 planned
    chat.command("alice", "next")
    chat.now += timedelta(minutes=20)
    chat.command("alice", "end")
    chat.command("alice", "rate 1 5")
    chat.command("bob", "rate 1 4 more time for budget")
    assert chat.command("alice", "outcome 1 48 new dealers against 50")[0].message.text == (
        "Outcome recorded for #1: 48 new dealers against 50: 96%.")
    assert chat.command("bob", "outcome 1 50 dealers")[0].message.text.startswith("⚠️ Only the people who run #1")
    assert chat.rows(MeetingResult) == 1
    report = chat.command("alice", "monitor 1")[0]
    sections = {s.heading: s.lines for s in report.message.sections}
    assert "Attendance: 2 signed in of 3 planned" in sections["Overview"]
    plan = sections["Plan vs actual"]
    assert plan[0] == "Preparation: 1 of 2 tasks done on time, 1 late"
    assert plan[1] == "Agenda completion: 2 of 2 items (100%) — target ≥ 95%: ✅ met"
    assert plan[2] == "Agenda deviation over 10 min: Scope: +15 min"
    assert sections["Incidents"][-1] == "Answered within 15 min: 1 of 1 (100%) — target ≥ 90%: ✅ met"
    assert "answered in 5 min" in sections["Incidents"][0]
    assert sections["Outcomes vs goals"] == ("48 new dealers against 50: 96%",)
    assert sections["Satisfaction and suggestions"] == (
        "Satisfaction: 4.5 of 5 (2 answers) — target ≥ 4.5: ✅ met", "“more time for budget”")
    assert chat.command("carol", "monitor 1")[0].message.text.startswith("⚠️ Only the people who run #1")
    zh = chat.command("张三", "监控报告 1")
    assert zh[0].message.text.startswith("⚠️ 只有 #1 的组织者可以这样做")
    # the requester reviews it, then sends it to the management configured for the channel
    assert chat.command("alice", "monitor 1 send")[0].message.text.startswith(
        "⚠️ Nobody is configured to receive monitoring reports here")
    chat.command("boss", "config management @ceo")
    assert chat.command("boss", "monitor 1 send")[0].message.text.startswith(
        "⚠️ The report of #1 is sent by its requester @alice, after reviewing it.")
    sent = chat.command("alice", "monitor 1 send")
    assert sent[0].message.text == "The monitoring report of #1 was sent to @ceo."
    assert to("ceo", sent)[0].message.title == "📊 Monitoring report of #1 “Dealer day”"
    assert "Satisfaction: 4.5 of 5 (2 answers) — target ≥ 4.5: ✅ met" in to("ceo", sent)[0].body


# ---- the console scripts and PostgreSQL -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_console_scripts_print_their_expected_output(lang: str, tmp_path: Path) -> None:
    """tests/scripts/board_<lang>.txt: an approved event's board with a dependency and a task more than 24 hours
    overdue, an incident answered on time and one late, outcomes, the survey and the monitoring report."""
    run_event_script(f"board_{lang}", tmp_path)


def test_the_board_and_incidents_on_postgresql(pg_engine: Engine) -> None:
    chat = Chat(Core(make_settings(QUORUM_ADMINS="boss"), pg_engine), MONDAY_9AM)
    chat.command("boss", "config approver @boss")
    chat.command("boss", "config incident equipment @itlead")
    chat.command("alice", PLAN)
    chat.command("boss", "approve 1")
    chat.command("alice", TASK)
    chat.command("alice", "task 1 print badges @carol by 2026-11-27 12:00 after 1")
    assert "can start now" in text(to("carol", chat.command("bob", "task done 1")))
    chat.command("carol", "incident 1 projector is down equipment")
    assert [s.message.target.user for s in chat.advance(timedelta(minutes=15))] == ["itlead", "boss"]
    report = chat.command("alice", "monitor 1")[0].body
    assert "Preparation: 1 of 2 tasks done on time, 0 late" in report
    assert "Answered within 15 min: 0 of 1 (0%) — target ≥ 90%: ❌ missed" in report


# ---- attendance: checking in, never speaking ------------------------------------------------------------

@pytest.mark.parametrize(("lang", "minutes_line", "absent_line", "monitor_line", "monitor_words"), [
    pytest.param("en", "Present (2/3): @alice, @bob", "Absent: @carol", "Attendance: 2 signed in of 3 planned",
                 "monitor 1", id="en"),
    # the minutes are in the meeting's language (the plan was filed in English); the report in the reader's
    pytest.param("zh", "Present (2/3): @alice, @bob", "Absent: @carol", "出席：计划 3 人，签到 2 人", "监控报告 1",
                 id="zh"),
])
def test_speaking_in_the_meeting_is_not_attendance_in_the_minutes_or_the_monitoring_report(
        chat: Chat, lang: str, minutes_line: str, absent_line: str, monitor_line: str, monitor_words: str) -> None:
    """carol (invited) only speaks and reports an incident; itlead (not invited) handles it in the channel:
    neither checked in, so neither is present, and itlead is not on the roll at all."""
    if lang == "zh":
        for who in ("alice", "bob", "carol", "itlead"):
            chat.command(who, "me language zh")
    chat.now = datetime(2026, 12, 10, 14, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.command("bob", "signin 1 department Sales")
    chat.say("carol", "the projector is flickering")
    chat.command("carol", "incident 1 projector is down equipment")
    chat.command("itlead", "incident ack 1")
    chat.say("itlead", "on my way with a spare cable")
    assert chat.command("alice", "signins 1")[0].message.sections[1].lines == ("@carol",)  # itlead is not chased
    minutes = chat.command("alice", "end")[0]
    attendance = next(s.lines for s in minutes.message.sections if s.heading in ("Attendance", "出席情况"))
    assert attendance == (minutes_line, absent_line)
    report = chat.command("alice", monitor_words)[0]
    assert monitor_line in report.message.sections[0].lines
