"""Times and dates as people say them, read by the grammar and acted on by the service, never guessed.

The readers in `bot.timeparse.reading` are tested on their own in test_timeparse.py; this file checks
the wiring the issue asked for: ranges give a meeting its length, a default hour is said in the reply,
a phrase that names two days or a day without a time is asked about, due phrases (`in 3 days`, `3天内`,
`#action … by friday`) leave the text and set the date, `delay 2 days` moves the item's own due date,
and an action naming two owners becomes one item each. Everything is said on Monday 2026-11-23 09:00
in Shanghai (the `chat` fixture's moment), never at the wall clock's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.command_types import (
    AddAction,
    AddQuestion,
    AgendaSpec,
    Command,
    Mention,
    NewMeeting,
    RescheduleMeeting,
    SetStatus,
)
from bot.commands import parse_command, parse_message
from bot.errors import ParseError
from store.models import ActionItem, AgendaItem, Meeting
from tests.harness import Chat
from tests.test_console import SCRIPTS, run_console

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday
FRIDAY = date(2026, 11, 27)
IN_3_DAYS = date(2026, 11, 26)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def meeting_at(start: datetime, length: timedelta | None = None, title: str = "Review", **extra: Any) -> NewMeeting:
    return NewMeeting(title=title, start=start, duration=length, **extra)


BOB, CAROL, ZHANG = Mention("bob"), Mention("carol"), Mention("张三")

READ = [
    # ranges: a start and a length (an explicit `for …` wins over the range's length)
    pytest.param('new "Review" tomorrow 3pm-4pm', meeting_at(at(11, 24, 15), minutes(60)), id="range-pm-pm"),
    pytest.param('new "Review" tomorrow 3-4pm', meeting_at(at(11, 24, 15), minutes(60)), id="range-end-meridiem"),
    pytest.param('new "Review" tomorrow from 2 to 4pm', meeting_at(at(11, 24, 14), minutes(120)), id="range-from-to"),
    pytest.param('new "Review" Dec 5 2-4pm', meeting_at(at(12, 5, 14), minutes(120)), id="range-with-date"),
    pytest.param('new "Review" Dec 5 2-4pm for 30m', meeting_at(at(12, 5, 14), minutes(30)), id="range-for-wins"),
    pytest.param('new "Review" 8pm - 11', meeting_at(at(11, 23, 20), minutes(180)), id="range-8pm-11-tonight"),
    pytest.param('new "Review" tomorrow 1pm-3', meeting_at(at(11, 24, 13), minutes(120)), id="range-1pm-3"),
    pytest.param('new "评审" 明天下午3点到4点', meeting_at(at(11, 24, 15), minutes(60), "评审"), id="range-zh-dao"),
    pytest.param('new "评审" 明天下午3点至5点', meeting_at(at(11, 24, 15), minutes(120), "评审"), id="range-zh-zhi"),
    pytest.param("new 周会明天下午3点到4点", meeting_at(at(11, 24, 15), minutes(60), "周会"), id="range-zh-glued"),
    # audit of issue 12: a range that opens with "from" / 从, and a week counted from today
    pytest.param('new "Review" from 2 to 4pm', meeting_at(at(11, 23, 14), minutes(120)), id="range-opens-with-from"),
    pytest.param('new "评审" 从下午2点到4点', meeting_at(at(11, 23, 14), minutes(120), "评审"), id="range-zh-cong"),
    pytest.param("new 周会从明天下午2点到4点", meeting_at(at(11, 24, 14), minutes(120), "周会"),
                 id="range-zh-cong-glued"),
    pytest.param('new "Review" 2 weeks from today at 10am', meeting_at(at(12, 7, 10)), id="weeks-from-today"),
    pytest.param('new "Review" on the 5th at 3pm', meeting_at(at(12, 5, 15)), id="day-of-month-alone"),
    pytest.param("action @bob write the spec by a week from today",
                 AddAction("write the spec", BOB, date(2026, 11, 30)),
                 id="due-a-week-from-today"),
    # parts of the day: a default hour, said in the reply
    pytest.param('new "Review" tomorrow morning', meeting_at(at(11, 24, 9), assumed=("morning",)), id="morning"),
    pytest.param('new "评审" 明天上午', meeting_at(at(11, 24, 9), title="评审", assumed=("morning",)), id="zh-morning"),
    pytest.param('new "评审" 周五下午', meeting_at(at(11, 27, 14), title="评审", assumed=("afternoon",)),
                 id="zh-afternoon"),
    pytest.param('new "Review" tonight at 8', meeting_at(at(11, 23, 20)), id="tonight-at-8-is-20h"),
    # reschedule reads the same way
    pytest.param("reschedule 3 friday 2-3pm", RescheduleMeeting(3, at(11, 27, 14), minutes(60)), id="reschedule-range"),
    pytest.param("reschedule 3 friday morning", RescheduleMeeting(3, at(11, 27, 9), None, ("morning",)),
                 id="reschedule-default-hour"),
    pytest.param("改期 3 周五下午3点到4点", RescheduleMeeting(3, at(11, 27, 15), minutes(60)),
                 id="reschedule-zh-range"),
    # due phrases leave the text
    pytest.param("action @bob write the spec in 3 days", AddAction("write the spec", BOB, IN_3_DAYS), id="in-3-days"),
    pytest.param("action @bob write the spec within two weeks", AddAction("write the spec", BOB, date(2026, 12, 7)),
                 id="within-two-weeks"),
    pytest.param("action @bob write it in English", AddAction("write it in English", BOB), id="in-is-a-word-too"),
    pytest.param("行动 @张三 写文档 3天内", AddAction("写文档", ZHANG, IN_3_DAYS), id="zh-3-days-within"),
    pytest.param("行动 @张三 写文档3天内", AddAction("写文档", ZHANG, IN_3_DAYS), id="zh-glued-within"),
    pytest.param("行动 @张三 写文档 一周之内", AddAction("写文档", ZHANG, date(2026, 11, 30)), id="zh-within-a-week"),
    pytest.param("行动 @张三 写文档 两周后", AddAction("写文档", ZHANG, date(2026, 12, 7)), id="zh-two-weeks-after"),
    pytest.param("行动 @张三 写文档 下周前", AddAction("写文档", ZHANG, FRIDAY, due_assumed=("end_of_week",)),
                 id="zh-before-next-week-assumed"),
    # two owners: one item each
    pytest.param("action @bob @carol write the spec", AddAction("write the spec", BOB, co_owners=(CAROL,)),
                 id="two-owners"),
    pytest.param("action @bob and @carol write the spec by friday",
                 AddAction("write the spec", BOB, FRIDAY, co_owners=(CAROL,)), id="two-owners-and-due"),
    pytest.param("question who signs? @bob by next week",
                 AddQuestion("who signs?", BOB, FRIDAY, ("end_of_week",)), id="question-due-assumed"),
    pytest.param("action @bob ask @carol about it", AddAction("ask @carol about it", BOB), id="mention-in-the-text"),
    # delay: a length from the item's due date, or a date
    pytest.param("status 12 delay 2 days", SetStatus(12, "delay", delay_by=timedelta(days=2)), id="delay-length"),
    pytest.param("状态 12 延期两天", SetStatus(12, "delay", delay_by=timedelta(days=2)), id="zh-delay-length"),
    pytest.param("status 12 delay a week", SetStatus(12, "delay", delay_by=timedelta(days=7)), id="delay-a-week"),
    pytest.param("status 12 delay to friday", SetStatus(12, "delay", due=FRIDAY), id="delay-to-a-date"),
    # an agenda item's presenter and expected output are the item's, not more items
    pytest.param('new "X" tomorrow 3pm agenda "Scope" 20m by @bob output: signed scope "Budget" 10m',
                 meeting_at(at(11, 24, 15), title="X", agenda=(AgendaSpec("Scope", 20, BOB, "signed scope"),
                                                                AgendaSpec("Budget", 10))), id="agenda-output"),
    pytest.param('new "X" 明天下午3点 议程 "范围" 20分钟 主讲 @张三 输出物：签字的范围',
                 meeting_at(at(11, 24, 15), title="X", agenda=(AgendaSpec("范围", 20, ZHANG, "签字的范围"),)),
                 id="zh-agenda-output"),
    pytest.param('new "X" tomorrow 3pm agenda "Scope" output: signed scope goal: agree',
                 meeting_at(at(11, 24, 15), title="X", agenda=(AgendaSpec("Scope", None, None, "signed scope"),),
                            goal="agree"), id="agenda-output-then-goal"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), READ)
def test_phrases_read_to_commands(text: str, expected: Command) -> None:
    assert parse_command(text, now=NOW, tz=TZ) == expected


ASKED = [
    pytest.param('new "Review" Friday, December 5 3pm', "error.time_ambiguous",
                 {"text": "Friday, December 5 3pm", "when": "2026-12-05 15:00"}, id="weekday-not-the-date"),
    pytest.param('new "评审" 12月5日 周五 下午3点', "error.time_ambiguous",
                 {"text": "12月5日 周五 下午3点", "when": "2026-12-05 15:00"}, id="zh-weekday-not-the-date"),
    pytest.param('new "Review" tonight at 8am', "error.time_clash", {"text": "tonight at 8am"}, id="part-clashes"),
    pytest.param('new "Review" tomorrow', "error.missing_hour", {"text": "tomorrow"}, id="day-without-time"),
    pytest.param('new "评审" 明天', "error.missing_hour", {"text": "明天"}, id="zh-day-without-time"),
    pytest.param("reschedule 3 tomorrow", "error.missing_hour", {"text": "tomorrow"}, id="reschedule-day-only"),
    pytest.param('new "Review" tomorrow 3pm ish', "error.unexpected_text", {"text": "ish"}, id="words-left-over"),
    pytest.param('new "Review" 明天下午3点左右', "error.unread_time", {"text": "明天下午3点左右", "unread": "左右"},
                 id="zh-words-not-understood"),
    pytest.param("reschedule 3 friday 3pm sharpish", "error.unread_time",
                 {"text": "friday 3pm sharpish", "unread": "sharpish"}, id="reschedule-words-not-understood"),
    pytest.param('new "Review" blah', "error.bad_time", {"text": "blah"}, id="nothing-understood"),
    # audit of issue 12: the words quoted back are the ones typed; a due phrase or a weekday with its date
    # names a day, and the question is the hour
    pytest.param('new "Review" two weeks', "error.bad_time", {"text": "two weeks"}, id="a-length-quoted-as-typed"),
    pytest.param('new "Review" Friday, December 4', "error.missing_hour", {"text": "Friday December 4"},
                 id="weekday-and-date-without-time"),
    pytest.param('new "Review" within a month', "error.missing_hour", {"text": "within a month"},
                 id="within-a-month-day-only"),
    pytest.param('new "评审" 下周前', "error.missing_hour", {"text": "下周前"}, id="zh-before-next-week-day-only"),
    pytest.param('new "Review" 5pm to 3', "error.range_end", {"text": "5pm to 3", "end": "3"}, id="range-slip-asked"),
    pytest.param('new "评审" 下午5点到3点', "error.range_end", {"text": "下午5点到3点", "end": "3点"},
                 id="zh-range-slip-asked"),
    pytest.param("reschedule 3 4pm-3pm", "error.range_end", {"text": "4pm-3pm", "end": "3pm"}, id="range-ends-first"),
    pytest.param("action @bob the spec by Friday, December 5", "error.due_ambiguous",
                 {"text": "Friday, December 5", "when": "2026-12-05"}, id="due-weekday-not-the-date"),
    # a numeric date that reads month first and day first: 12 May or 5 December, asked, never guessed
    pytest.param('new "Review" 5/12 10am', "error.day_month", {"text": "5/12 10am", "when": "2027-05-12",
                 "other": "2026-12-05"}, id="day-month-start"),
    pytest.param("reschedule 3 12/4 2-4pm", "error.day_month", {"text": "12/4 2-4pm", "when": "2026-12-04",
                 "other": "2027-04-12"}, id="day-month-range"),
    pytest.param("action @bob the spec by 12/4", "error.day_month", {"text": "12/4", "when": "2026-12-04",
                 "other": "2027-04-12"}, id="day-month-due"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "params"), ASKED)
def test_phrases_that_are_asked_about(text: str, key: str, params: dict[str, str]) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=NOW, tz=TZ)
    assert (caught.value.key, caught.value.params) == (key, params)
    assert caught.value.example_key in ("example.new", "example.reschedule", "example.action")


MEETBOT = [
    pytest.param("#action bob write the spec by friday", AddAction("bob write the spec", None, FRIDAY), id="by-friday"),
    pytest.param("#action @bob write the spec in 3 days", AddAction("write the spec", BOB, IN_3_DAYS),
                 id="in-3-days"),
    pytest.param("#action 张三 写文档 3天内", AddAction("张三 写文档", None, IN_3_DAYS), id="zh-within"),
    pytest.param("#action bob write the spec", AddAction("bob write the spec"), id="no-date"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "expected"), MEETBOT)
def test_meetbot_action_honours_the_due_phrase(line: str, expected: AddAction) -> None:
    assert parse_message(line, now=NOW, tz=TZ, context="channel") == [expected]


def test_delay_by_a_length_in_a_reply() -> None:
    assert parse_message("延期两天", now=NOW, tz=TZ, context="reply") == [
        SetStatus(None, "delay", delay_by=timedelta(days=2))
    ]


# ---- through the service ----------------------------------------------------------------------------


def only_meeting(chat: Chat) -> Meeting:
    with Session(chat.core.engine) as session:
        return session.exec(select(Meeting)).one()


def items(chat: Chat) -> list[ActionItem]:
    with Session(chat.core.engine) as session:
        return sorted(session.exec(select(ActionItem)), key=lambda row: row.number)


def test_a_range_sets_start_and_end(chat: Chat) -> None:
    chat.command("alice", 'new "Review" tomorrow 3pm-4:30pm with @bob')
    row = only_meeting(chat)
    assert (row.end_at - row.start_at) == minutes(90)
    assert row.start_at.replace(tzinfo=None) == datetime(2026, 11, 24, 7, 0)  # 15:00 Shanghai, stored in UTC


def test_a_default_hour_is_said_in_the_reply(chat: Chat) -> None:
    posted = chat.command("alice", 'new "Review" tomorrow morning with @bob')
    assert "2026-11-24 09:00" in posted[0].body
    assert any("“morning” taken as 09:00" in sent.body for sent in posted)


def test_a_default_hour_is_said_in_chinese(chat: Chat) -> None:
    posted = chat.command("张三", '新建 "评审" 周五下午 参会 @李四')
    assert "2026-11-27 14:00" in posted[0].body
    assert any("“下午”按 14:00 计" in sent.body for sent in posted)


def test_a_weekday_that_is_not_the_dates_creates_nothing_and_asks(chat: Chat) -> None:
    posted = chat.command("alice", 'new "Review" Friday, December 5 3pm')  # 5 December 2026 is a Saturday
    assert chat.rows(Meeting) == 0
    assert "2026-12-05 15:00" in posted[0].body and "two different days" in posted[0].body
    assert "/meeting new" in posted[0].body  # an example to type


def test_a_numeric_date_read_both_ways_creates_nothing_and_asks(chat: Chat) -> None:
    posted = chat.command("alice", 'new "Review" 5/12 10am with @bob')
    assert chat.rows(Meeting) == 0
    assert "“5/12 10am” reads two ways: 2027-05-12 (month first) or 2026-12-05 (day first)" in posted[0].body
    assert "/meeting new" in posted[0].body
    series = chat.command("alice", 'new "Sync" every monday 10am until 5/12 with @bob')
    assert chat.rows(Meeting) == 0 and "reads two ways" in series[0].body
    zh = chat.command("alice", "行动 @bob 写文档 12/4前")
    assert "有两种读法：2026-12-04（月在前）或 2027-04-12（日在前）" in zh[0].body and chat.rows(ActionItem) == 0
    chat.command("alice", 'new "Review" 25/12 10am with @bob')  # only day first is a date: no question
    assert f"{only_meeting(chat).start_at.astimezone(TZ):%m-%d %H:%M}" == "12-25 10:00"


def test_a_day_without_a_time_is_asked_in_chinese(chat: Chat) -> None:
    posted = chat.command("张三", '新建 "评审" 明天')
    assert chat.rows(Meeting) == 0
    assert "几点" in posted[0].body


def test_reschedule_to_a_range_takes_its_length_and_says_the_default(chat: Chat) -> None:
    chat.command("alice", 'new "Review" tomorrow 3pm for 1h with @bob')
    chat.command("alice", "reschedule 1 friday 2-4pm")
    row = only_meeting(chat)
    assert row.end_at - row.start_at == minutes(120)
    posted = chat.command("alice", "reschedule 1 friday morning")
    assert any("“morning” taken as 09:00" in sent.body for sent in posted)
    row = only_meeting(chat)
    assert row.start_at.replace(tzinfo=None) == datetime(2026, 11, 27, 1, 0)  # 09:00 Shanghai
    assert row.end_at - row.start_at == minutes(120)  # the length stays when no range is said


def test_delay_two_days_moves_the_items_own_due_date(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")  # said on Monday: Friday the 27th
    chat.command("bob", "status 1 delay 2 days")
    assert items(chat)[0].due_on == date(2026, 11, 29)  # two days after Friday, not Wednesday


def test_delay_two_days_in_chinese(chat: Chat) -> None:
    chat.command("张三", "行动 @李四 准备预算 周五前")
    posted = chat.command("李四", "状态 1 延期两天")
    assert items(chat)[0].due_on == date(2026, 11, 29)
    assert "截止日期改为" in posted[0].body


def test_delay_by_a_length_without_a_due_date_is_refused(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec")
    posted = chat.command("bob", "status 1 delay 2 days")
    assert items(chat)[0].due_on is None
    assert "no due date to move" in posted[0].body


def test_two_owners_become_two_items_and_the_reply_says_so(chat: Chat) -> None:
    posted = chat.command("alice", "action @bob @carol write the spec in 3 days")
    rows = items(chat)
    assert [(row.number, row.text, row.due_on) for row in rows] == [
        (1, "write the spec", IN_3_DAYS),
        (2, "write the spec", IN_3_DAYS),
    ]
    assert len({row.owner_id for row in rows}) == 2
    assert any("one per owner: #1, #2" in sent.body for sent in posted)


def test_two_owners_in_chinese(chat: Chat) -> None:
    posted = chat.command("张三", "行动 @李四 @王五 写文档 3天内")
    assert [row.text for row in items(chat)] == ["写文档", "写文档"]
    assert any("拆成了 2 项" in sent.body for sent in posted)


def test_meetbot_action_by_friday_sets_the_due_date(chat: Chat) -> None:
    chat.say("alice", "#startmeeting Weekly")
    chat.say("alice", "#action @bob write the spec by friday")
    assert [(row.text, row.due_on) for row in items(chat)] == [("write the spec", FRIDAY)]


def test_a_follow_up_date_read_with_a_default_says_it(chat: Chat) -> None:
    posted = chat.command("alice", "question who signs? @bob by next week")
    assert any("“by next week” taken as this week's Friday" in sent.body for sent in posted)


def test_agenda_items_keep_their_expected_output(chat: Chat) -> None:
    chat.command("alice", 'new "Plan" tomorrow 3pm agenda "Scope" 20m by @bob output: signed scope "Budget" 10m')
    with Session(chat.core.engine) as session:
        rows = sorted(session.exec(select(AgendaItem)), key=lambda row: row.position)
    agenda = [(row.title, row.expected_output) for row in rows]
    assert agenda == [("Scope", "signed scope"), ("Budget", None)]


# ---- the console scripts: the same phrases as a person types them ------------------------------------


def test_time_phrases_in_the_console_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "time_phrases_en.txt").read_text(encoding="utf-8"), tmp_path)
    assert "When: 2026-11-24 15:00 (Tue) Asia/Shanghai · 1 h" in out  # 3-4pm
    assert "(only alice) quorum: Note: “morning” taken as 09:00." in out
    assert "I read it as 2026-12-05 15:00" in out and "“tomorrow” names a day but no time" in out
    assert "“tonight at 8am” names a part of the day and an hour that do not go together" in out
    assert "When: 2026-11-24 14:00 (Tue) Asia/Shanghai · 2 h" in out  # rescheduled to "from 2 to 4pm"
    assert "this became 2 items, one per owner: #1, #2." in out
    assert "#3 is now due 2026-11-29 (Sun)." in out  # Friday + 2 days
    assert "When: 2026-11-23 14:00 (Mon) Asia/Shanghai · 2 h" in out  # "from 2 to 4pm", opening the phrase
    assert "“5pm to 3”: I can't tell when it ends: “3” would be before the start or more than a working day" in out
    assert "#4 send the deck · @carol · due 2026-11-30 (Mon)" in out  # a week from today, not a week ago


def test_time_phrases_in_the_console_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "time_phrases_zh.txt").read_text(encoding="utf-8"), tmp_path)
    assert "时间：2026-11-24 15:00（周二）Asia/Shanghai · 1 小时" in out  # 下午3点到4点
    assert "说明：“下午”按 14:00 计。" in out
    assert "我读作 2026-12-05 15:00" in out and "“明天”只有日期，没有时间。几点？" in out
    assert "中的“左右”我没看懂" in out
    assert "时间：2026-11-24 14:00（周二）Asia/Shanghai · 2 小时" in out  # 改期 下午2点至4点
    assert "拆成了 2 项，每人一项：#1、#2。" in out
    assert "#3 截止日期改为 2026-11-29（周日）。" in out
    assert "时间：2026-11-23 14:00（周一）Asia/Shanghai · 2 小时" in out  # 从下午2点到4点
    assert "“下午5点到3点”：看不出什么时候结束：“3点”要么早于开始时间，要么比开始晚了一个工作日以上。" in out
    assert "#4 交材料 · @李四 · 截止 2026-12-08（周二）" in out  # 半个月内
