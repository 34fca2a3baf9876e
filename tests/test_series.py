"""Repeating meetings: how a repetition is read (English and Chinese), which dates it gives across China's
National Day holiday 2026 (10-01..07 off, Sunday 09-20 and Saturday 10-10 make-up workdays, the real dates
from chinesecalendar), and the series on the real core: occurrences made a bounded way ahead, invitations
with the previous occurrence's open work, skip, cancel from here, edit from here, who may do it.

Dates are pinned: "now" is Friday 2026-09-18 09:00 in Shanghai unless a test moves it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.command_types import CancelMeeting, NewMeeting, Repeat, Series, SkipOccurrence
from bot.commands import parse_command
from bot.core import Core
from bot.errors import ParseError
from bot.recurrence import Occurrence, plan
from bot.service.series_plan import AHEAD
from bot.workdays import calendar_for
from store.models import AgendaItem, Meeting, MeetingSeries, Participant, User
from tests.conftest import SHANGHAI, make_settings, migrated_engine
from tests.harness import Chat, Sent

FRIDAY = datetime(2026, 9, 18, 9, 0, tzinfo=SHANGHAI)
CN = calendar_for("CN")


def parsed(text: str, now: datetime = FRIDAY) -> NewMeeting:
    command = parse_command(text, now=now, tz=SHANGHAI)
    assert isinstance(command, NewMeeting)
    return command


# ---- reading the repetition ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "repeat", "first"),
    [
        pytest.param('new "Standup" every weekday 9:30 for 15m with @a @b', Repeat("workdays", time(9, 30)),
                     datetime(2026, 9, 18, 9, 30), id="en-every-weekday"),
        pytest.param('new "Sync" every monday 10am', Repeat("weekly", time(10), 1, 0),
                     datetime(2026, 9, 21, 10), id="en-every-monday"),
        pytest.param('new "Sync" every other friday 3pm', Repeat("weekly", time(15), 2, 4),
                     datetime(2026, 9, 18, 15), id="en-every-other-friday"),
        pytest.param('new "Board" monthly on the first monday 10am', Repeat("monthly", time(10), 1, 0, 1),
                     datetime(2026, 10, 5, 10), id="en-monthly-first-monday"),
        pytest.param('new "Retro" every month on the last friday 4pm', Repeat("monthly", time(16), 1, 4, -1),
                     datetime(2026, 9, 25, 16), id="en-monthly-last-friday"),
        pytest.param('new "Sync" every monday 10am until 2027-03-31', Repeat("weekly", time(10), 1, 0,
                     until=date(2027, 3, 31)), datetime(2026, 9, 21, 10), id="en-until"),
        pytest.param('new "Sync" every monday 10am 10 times on holidays skip', Repeat("weekly", time(10), 1, 0,
                     count=10, on_holiday="skip"), datetime(2026, 9, 21, 10), id="en-count-skip"),
        pytest.param('new "Sync" every 2 weeks on friday 3pm', Repeat("weekly", time(15), 2, 4),
                     datetime(2026, 9, 18, 15), id="en-every-2-weeks"),
        pytest.param('new "Sync" every two weeks on friday 3pm', Repeat("weekly", time(15), 2, 4),
                     datetime(2026, 9, 18, 15), id="en-every-two-weeks"),
        pytest.param('new "Sync" every monday 10am until the end of march', Repeat("weekly", time(10), 1, 0,
                     until=date(2027, 3, 31)), datetime(2026, 9, 21, 10), id="en-until-end-of-march"),
        pytest.param('new "Sync" every monday 10am until end of june 2027 with @a', Repeat("weekly", time(10), 1, 0,
                     until=date(2027, 6, 30)), datetime(2026, 9, 21, 10), id="en-until-end-of-june-2027"),
        pytest.param('新建 "周会" 每周一上午10点', Repeat("weekly", time(10), 1, 0),
                     datetime(2026, 9, 21, 10), id="zh-every-monday"),
        pytest.param('新建 "同步" 每两周周五下午3点', Repeat("weekly", time(15), 2, 4),
                     datetime(2026, 9, 18, 15), id="zh-every-other-friday"),
        pytest.param('新建 "月会" 每月第一个周一上午10点', Repeat("monthly", time(10), 1, 0, 1),
                     datetime(2026, 10, 5, 10), id="zh-monthly-first-monday"),
        pytest.param('新建 "站会" 工作日每天上午9点半 参会 @张三', Repeat("workdays", time(9, 30)),
                     datetime(2026, 9, 18, 9, 30), id="zh-workdays"),
        pytest.param('新建 "周会" 每周一上午10点 到3月底', Repeat("weekly", time(10), 1, 0, until=date(2027, 3, 31)),
                     datetime(2026, 9, 21, 10), id="zh-until-month-end"),
        pytest.param('新建 "周会" 每周一上午10点 共10次 节假日跳过', Repeat("weekly", time(10), 1, 0, count=10,
                     on_holiday="skip"), datetime(2026, 9, 21, 10), id="zh-count-skip"),
        pytest.param('新建 "周会" 每周五下午3点 遇节假日跳过', Repeat("weekly", time(15), 1, 4, on_holiday="skip"),
                     datetime(2026, 9, 18, 15), id="zh-遇节假日跳过"),
        pytest.param('新建 "周会" 每周一上午10点共10次', Repeat("weekly", time(10), 1, 0, count=10),
                     datetime(2026, 9, 21, 10), id="zh-count-glued"),
    ],
)
def test_repetitions_are_read(text: str, repeat: Repeat, first: datetime) -> None:
    command = parsed(text)
    assert command.repeat == repeat
    assert command.start == first.replace(tzinfo=SHANGHAI)


def test_the_title_and_the_rest_of_new_are_read_as_for_one_meeting() -> None:
    command = parsed('new "Standup" every weekday 9:30 for 15m with @a @b')
    assert command.title == "Standup" and command.duration == timedelta(minutes=15)
    assert [p.who.handle for p in command.participants] == ["a", "b"]
    assert parsed("new Standup every monday 10am with @a").title == "Standup"


def test_a_time_already_past_today_starts_the_series_tomorrow() -> None:
    assert parsed('new "Standup" every weekday 8:30').start == datetime(2026, 9, 19, 8, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param('new "S" biweekly 3pm', "error.repeat_biweekly", id="biweekly-two-readings"),
        pytest.param('new "S" every day 9am', "error.repeat_daily", id="every-day-weekends-too"),
        pytest.param('new "S" monthly 10am', "error.repeat_monthly", id="monthly-which-day"),
        pytest.param('new "S" weekly 10am', "error.repeat_weekday", id="weekly-which-day"),
        pytest.param('新建 "S" 每天上午9点', "error.repeat_daily", id="zh-every-day"),
        pytest.param('新建 "S" 每周上午10点', "error.repeat_weekday", id="zh-weekly-which-day"),
        pytest.param('新建 "S" 每月上午10点', "error.repeat_monthly", id="zh-monthly-which-day"),
        pytest.param('new "S" every monday dec 7 10am', "error.repeat_with_date", id="a-date-too"),
        pytest.param('new "S" every monday and thursday 10am', "error.repeat_one_day", id="two-days"),
        pytest.param('new "S" every blah 10am', "error.repeat_unread", id="unread"),
        pytest.param('new "S" every 2 weeks 10am', "error.repeat_weekday", id="two-weeks-no-day"),
        pytest.param('new "S" daily 9am', "error.repeat_daily", id="daily"),
        pytest.param('new "S" every 3 weeks on friday 10am', "error.repeat_unread", id="three-weeks"),
        pytest.param('new "S" every monday 10am 0 times', "error.repeat_count", id="zero-times"),
        pytest.param('new "S" every monday 10am until someday', "error.repeat_until", id="bad-until"),
        pytest.param('new "S" every monday', "error.missing_time", id="no-time"),
    ],
)
def test_doubtful_repetitions_are_asked_not_guessed(text: str, key: str) -> None:
    with pytest.raises(ParseError) as error:
        parsed(text)
    assert error.value.key == key
    assert error.value.example_key in ("example.new_repeat", "example.new")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        pytest.param("series 3", Series(3), id="show"),
        pytest.param("series 3 edit time 10:30", Series(3, at=time(10, 30)), id="edit-time"),
        pytest.param('series 3 edit title "Weekly sync"', Series(3, title="Weekly sync"), id="edit-title"),
        pytest.param("系列 3 修改 时间 上午10点半", Series(3, at=time(10, 30)), id="zh-edit-time"),
        pytest.param("skip 3 team offsite", SkipOccurrence(3, "team offsite"), id="skip"),
        pytest.param("跳过 3", SkipOccurrence(3), id="zh-skip"),
        pytest.param("cancel 3 series", CancelMeeting(3, None, "series"), id="cancel-series"),
        pytest.param("cancel 3 from here no budget", CancelMeeting(3, "no budget", "from_here"), id="from-here"),
        pytest.param("取消 3 从此次起", CancelMeeting(3, None, "from_here"), id="zh-from-here"),
        pytest.param("取消 3 系列", CancelMeeting(3, None, "series"), id="zh-series"),
        pytest.param("cancel 3 team offsite", CancelMeeting(3, "team offsite"), id="cancel-one"),
        # the other ways people say "from here" or "all of it" are a scope, never the reason of a single cancel
        pytest.param("cancel 3 from now on budget cut", CancelMeeting(3, "budget cut", "from_here"), id="from-now-on"),
        pytest.param("cancel 3 from this one on", CancelMeeting(3, None, "from_here"), id="from-this-one-on"),
        pytest.param("cancel 3 and the rest", CancelMeeting(3, None, "from_here"), id="and-the-rest"),
        pytest.param("cancel 3 the whole series", CancelMeeting(3, None, "series"), id="the-whole-series"),
        pytest.param("取消 3 从现在起 预算砍了", CancelMeeting(3, "预算砍了", "from_here"), id="zh-from-now-on"),
        pytest.param("取消 3 及以后", CancelMeeting(3, None, "from_here"), id="zh-and-after"),
    ],
)
def test_series_commands_are_read(text: str, command: object) -> None:
    assert parse_command(text, now=FRIDAY, tz=SHANGHAI) == command


def test_a_series_edit_with_a_day_is_refused() -> None:
    with pytest.raises(ParseError) as error:
        parse_command("series 3 edit time dec 7 10am", now=FRIDAY, tz=SHANGHAI)
    assert error.value.key == "error.repeat_with_date"


# ---- the dates, with China's National Day holiday --------------------------------------------------------


def days(occurrences: list[Occurrence]) -> list[tuple[int, date, date | None]]:
    return [(o.index, o.planned, o.day) for o in occurrences]


def test_a_monday_on_national_day_moves_to_the_next_working_day() -> None:
    weekly = Repeat("weekly", time(10), 1, 0, count=5)
    assert days(plan(weekly, date(2026, 9, 21), CN)) == [
        (1, date(2026, 9, 21), date(2026, 9, 21)),
        (2, date(2026, 9, 28), date(2026, 9, 28)),
        (3, date(2026, 10, 5), date(2026, 10, 8)),  # 10-01..07 off: Thursday 10-08 is the next working day
        (4, date(2026, 10, 12), date(2026, 10, 12)),
        (5, date(2026, 10, 19), date(2026, 10, 19)),
    ]


def test_skipping_holidays_still_counts_them() -> None:
    weekly = Repeat("weekly", time(10), 1, 0, count=4, on_holiday="skip")
    assert [o.day for o in plan(weekly, date(2026, 9, 21), CN)] == [
        date(2026, 9, 21), date(2026, 9, 28), None, date(2026, 10, 12)]


def test_a_move_that_would_reach_the_next_occurrence_is_a_skip() -> None:
    daily_like = Repeat("weekly", time(10), 1, 3)  # Thursdays: 10-01 would move to 10-08, the next Thursday
    assert days(plan(daily_like, date(2026, 9, 24), CN, limit=3)) == [
        (1, date(2026, 9, 24), date(2026, 9, 24)), (2, date(2026, 10, 1), None), (3, date(2026, 10, 8),
                                                                                    date(2026, 10, 8))]


def test_working_days_include_make_up_days_and_leave_out_the_holiday() -> None:
    workdays = Repeat("workdays", time(9, 30))
    dates = [o.day for o in plan(workdays, date(2026, 9, 19), CN, until=date(2026, 10, 12))]
    assert date(2026, 9, 20) in dates and date(2026, 10, 10) in dates  # make-up Sunday and Saturday
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in dates if d)  # the holiday
    assert date(2026, 9, 25) not in dates  # Mid-Autumn Festival
    assert date(2026, 10, 11) not in dates  # an ordinary Sunday


def test_the_first_monday_of_october_is_on_the_holiday() -> None:
    monthly = Repeat("monthly", time(10), 1, 0, 1, count=3)
    assert days(plan(monthly, date(2026, 10, 5), CN)) == [
        (1, date(2026, 10, 5), date(2026, 10, 8)), (2, date(2026, 11, 2), date(2026, 11, 2)),
        (3, date(2026, 12, 7), date(2026, 12, 7))]


def test_an_endless_plan_is_bounded() -> None:
    assert len(plan(Repeat("workdays", time(9)), date(2026, 9, 21), CN)) == 500


# ---- the series on the real core --------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def series_chat(request: pytest.FixtureRequest) -> Chat:
    if request.param == "postgresql":
        return Chat(Core(make_settings(request.getfixturevalue("pg_migrated_url")),
                         request.getfixturevalue("pg_migrated_engine")),
                    FRIDAY)
    config = make_settings()
    return Chat(Core(config, migrated_engine(config.database_url)), FRIDAY)


@pytest.fixture
def chat() -> Chat:
    config = make_settings()
    return Chat(Core(config, migrated_engine(config.database_url)), FRIDAY)


NEW = 'new "Weekly sync" every monday 10am for 30m with @bob @carol'


def occurrences(chat: Chat) -> list[Meeting]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(Meeting).where(col(Meeting.series_id).is_not(None))
                                 .order_by(col(Meeting.series_index))))


def body(sent: list[Sent]) -> str:
    return "\n".join(s.body for s in sent)


def test_a_weekly_series_across_national_day_with_carry_over(series_chat: Chat) -> None:
    chat = series_chat
    reply = body(chat.command("alice", NEW))
    made = occurrences(chat)
    assert [(m.number, m.series_index, m.start_at.astimezone(SHANGHAI).date()) for m in made] == [
        (1, 1, date(2026, 9, 21)), (2, 2, date(2026, 9, 28)), (3, 3, date(2026, 10, 8))]
    assert made[2].planned_on == date(2026, 10, 5)
    assert "#3 2026-10-08 10:00 (Thu) Asia/Shanghai (scheduled) — moved from 2026-10-05 (Mon)" in reply
    assert "Series: Weekly sync · no. 1 (`series 1`)" in reply
    chat.advance(timedelta(days=3, hours=1))  # Monday 09-21 10:00
    chat.command("alice", "start 1")
    chat.command("alice", "action @bob write the launch plan by 2026-10-09")
    chat.command("alice", "question who signs off the budget?")  # no owner, no date: carried over too
    chat.command("alice", "end")
    chat.command("alice", "skip 2 team offsite")
    sent = chat.advance(timedelta(days=14))  # to Monday 10-05 10:00: #3's invitation, three days ahead
    bob = [s for s in sent if s.message.target.user == "bob" and "#3" in (s.message.title or "")]
    assert len(bob) == 1
    text = bob[0].body
    assert "🏖 Moved from 2026-10-05 (Mon) (not a working day) to 2026-10-08 10:00 (Thu)" in text
    assert "#1 write the launch plan · @bob" in text and "❓ who signs off the budget?" in text
    card = [s for s in sent if s.message.target.kind == "channel" and "#3" in (s.message.title or "")]
    assert card and "Carried over" in card[0].body
    assert len([m for m in occurrences(chat) if m.status == "scheduled" and m.start_at > chat.now]) <= AHEAD


def test_carry_over_names_whose_question_it_is_and_brings_unowned_work_too(chat: Chat) -> None:
    chat.command("张三", '新建 "周会" 每周一上午10点 30分钟 参会 @李四')
    chat.advance(timedelta(days=3, hours=1))  # Monday 09-21 10:00
    chat.command("张三", "开始 1")
    chat.say("张三", "#action 订会议室")  # nobody's, no date
    chat.command("张三", "问题 预算谁批？ @李四 2026-09-25前")
    chat.command("张三", "问题 要不要外包？")  # nobody's, no date
    chat.command("张三", "结束")
    sent = chat.advance(timedelta(days=6))  # #2's invitation
    invitation = next(s for s in sent if s.message.target.user == "李四" and "#2" in (s.message.title or ""))
    assert "#1 订会议室 · 未指定负责人 · 无截止日期" in invitation.body
    assert "❓ 要不要外包？" in invitation.body
    assert "❓ 预算谁批？ · @李四 · 截止 2026-09-25（周五）" in invitation.body


def test_an_endless_series_is_made_a_bounded_way_ahead_by_the_ticks(chat: Chat) -> None:
    chat.command("alice", 'new "Standup" every weekday 9:30 for 15m with @bob')
    assert len(occurrences(chat)) == AHEAD
    chat.advance(timedelta(weeks=5))
    made = occurrences(chat)
    ahead = [m for m in made if m.start_at > chat.now]
    assert 0 < len(ahead) <= AHEAD
    holiday = [m.start_at.astimezone(SHANGHAI).date() for m in made]
    assert date(2026, 10, 10) in holiday  # the make-up Saturday has a standup
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in holiday)
    assert [m.series_index for m in made] == list(range(1, len(made) + 1))
    assert len({m.number for m in made}) == len(made)


def test_skipped_holidays_are_said_in_the_next_invitation(chat: Chat) -> None:
    reply = body(chat.command("alice", NEW + " on holidays skip"))
    assert "3. 2026-10-05 (Mon): skipped, not a working day" in reply
    starts = [m.start_at.astimezone(SHANGHAI).date() for m in occurrences(chat)]
    assert starts == [date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 12)]
    sent = chat.advance(timedelta(days=22))  # to 10-10: #3's (index 4) invitation
    bob = [s for s in sent if s.message.target.user == "bob" and "Weekly sync  #3" in (s.message.title or "")]
    assert bob and "🏖 No meeting on 2026-10-05 (Mon): not a working day." in bob[0].body


def test_a_count_is_kept(chat: Chat) -> None:
    reply = body(chat.command("alice", NEW + " 4 times"))
    assert "Weekly sync · 1 of 4" in reply
    chat.advance(timedelta(weeks=6))
    assert [m.series_index for m in occurrences(chat)] == [1, 2, 3, 4]


def test_cancel_from_here_and_the_whole_series(chat: Chat) -> None:
    chat.command("alice", NEW)
    out = body(chat.command("alice", "cancel 2 from here"))
    assert "cancelled from #2 on: #2, #3 will not take place" in out
    assert [m.status for m in occurrences(chat)] == ["scheduled", "cancelled", "cancelled"]
    chat.advance(timedelta(weeks=3))
    assert len(occurrences(chat)) == 3  # nothing more is made
    with Session(chat.core.engine) as session:
        assert session.exec(select(MeetingSeries)).one().stop_after == 1
    assert "alice cancelled #2, #3 of “Weekly sync”." in body(chat.to("bob"))


def test_cancel_the_series(chat: Chat) -> None:
    chat.command("alice", NEW)
    out = body(chat.command("alice", "cancel 2 series"))
    assert "The series “Weekly sync” is cancelled: #1, #2, #3 will not take place." in out
    with Session(chat.core.engine) as session:
        assert session.exec(select(MeetingSeries)).one().status == "cancelled"
    assert "alice cancelled #1, #2, #3 of “Weekly sync”." in body(chat.to("bob"))
    shown = body(chat.command("alice", "series 2"))  # a cancelled series promises no dates after its last
    assert "#3 2026-10-08 10:00 (Thu) Asia/Shanghai (cancelled)" in shown and "2026-10-12" not in shown


def test_cancelling_the_series_leaves_an_occurrence_whose_time_passed_unheld(chat: Chat) -> None:
    chat.command("alice", NEW)
    chat.advance(timedelta(days=4))  # past #1 (09-21 10:00), never started
    out = body(chat.command("alice", "cancel 2 series"))
    assert "is cancelled: #2, #3" in out and "#1" not in out
    assert [m.status for m in occurrences(chat)][:3] == ["scheduled", "cancelled", "cancelled"]


def test_skipping_one_says_the_next_occurrence_without_its_place_in_the_list(chat: Chat) -> None:
    chat.command("alice", NEW)
    out = body(chat.command("alice", "skip 1 team offsite"))
    assert "is skipped (team offsite). Next: #2 2026-09-28 10:00 (Mon) Asia/Shanghai (scheduled)" in out
    assert "下一次：#3 2026-10-08" in body(chat.command("alice", "跳过 2"))


def test_an_end_already_past_is_called_the_end(chat: Chat) -> None:
    with pytest.raises(ParseError) as error:
        parsed('new "S" every monday 10am until 2020-01-01')
    assert error.value.key == "error.repeat_until_past"
    assert "The series' end date (2020-01-01) is already past" in body(
        chat.command("alice", 'new "S" every monday 10am until 2020-01-01'))


def test_edit_time_and_title_from_one_occurrence_on(chat: Chat) -> None:
    chat.command("alice", NEW)
    out = body(chat.command("alice", "series 2 edit time 10:30"))
    assert "from #2 on: time 10:30 (#2, #3)" in out
    starts = [m.start_at.astimezone(SHANGHAI).time() for m in occurrences(chat)]
    assert starts == [time(10), time(10, 30), time(10, 30)]
    assert [m.revision for m in occurrences(chat)] == [0, 1, 1]
    chat.command("alice", 'series 3 edit title "Sync"')
    assert [m.title for m in occurrences(chat)] == ["Weekly sync", "Weekly sync", "Sync"]
    assert [m.revision for m in occurrences(chat)] == [0, 1, 2]  # a new title is a change calendars see too
    chat.advance(timedelta(weeks=2))
    later = occurrences(chat)[-1]
    assert later.title == "Sync" and later.start_at.astimezone(SHANGHAI).time() == time(10, 30)


def test_a_new_time_for_the_series_asks_again_whoever_had_answered(chat: Chat) -> None:
    chat.command("alice", NEW)
    invitation = next(s for s in chat.to("bob") if "Weekly sync  #1" in (s.message.title or ""))
    chat.click("bob", invitation.id, "Accept")
    chat.command("alice", "rsvp 2 yes")  # the host's own answer stays
    chat.command("bob", "rsvp 2 maybe")
    posted = chat.command("alice", "series 1 edit time 10:30")
    with Session(chat.core.engine) as session:
        answers = {(m.number, user.display_name): p.rsvp for m in occurrences(chat)
                   for p, user in session.exec(select(Participant, User).where(
                       Participant.meeting_id == m.id, Participant.user_id == User.id))}
    assert {key: value for key, value in answers.items() if value} == {  # only alice's answers are left
        (1, "alice"): "yes", (2, "alice"): "yes", (3, "alice"): "yes"}
    told = {s.message.target.user: s for s in posted if s.message.target.kind == "direct"}
    assert "Your answers for #1, #2 were for the old time, so they were cleared: please answer again." in \
        told["bob"].body and not told["bob"].message.buttons
    assert "cleared" not in told["carol"].body  # carol had not answered


def test_place_link_goal_and_outcome_change_from_one_occurrence_on(chat: Chat) -> None:
    """"Our sync moves to Room 5 from now on": the occurrences made change (and are announced), a skipped one
    too (the next is copied from it), and the ones made later carry it."""
    chat.command("alice", NEW)
    chat.command("alice", "skip 3")
    out = body(chat.command("alice", "series 2 edit place Room 5"))
    assert "“Weekly sync” from #2 on: place “Room 5” (#2, #4)." in out  # #3 is skipped
    assert "✏️ alice changed #2, #4 of “Weekly sync”: place “Room 5”." in body(chat.to("bob"))
    chat.command("alice", "series 2 edit link https://meet.example.com/sync")
    chat.command("alice", "系列 2 修改 目标：对齐进度")
    assert [(m.location, m.revision) for m in occurrences(chat)] == [
        (None, 0), ("Room 5", 3), ("Room 5", 1), ("Room 5", 3)]  # the skipped #3 changes, unannounced
    chat.advance(timedelta(weeks=3))
    later = occurrences(chat)[-1]
    assert (later.series_index or 0) > 4
    assert (later.location, later.link, later.goal) == ("Room 5", "https://meet.example.com/sync", "对齐进度")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("series 2 edit place", "“edit place”: what should change?", id="no-value"),
        pytest.param("series 2 edit colour red", "or place, link, goal or outcome and the new value", id="field"),
        pytest.param("series 2 edit link not a link", "“not a link” is not a link", id="bad-link"),
        pytest.param("系列 2 修改 颜色 红", "或“地点”“链接”“目标”“预期成果”加新内容", id="zh-field"),
    ],
)
def test_a_series_edit_that_cannot_be_read_says_what_may_change(chat: Chat, text: str, said: str) -> None:
    chat.command("alice", NEW)
    assert said in body(chat.command("alice", text))
    assert [m.revision for m in occurrences(chat)] == [0, 0, 0]


def test_a_series_notice_is_in_each_readers_language(chat: Chat) -> None:
    chat.command("alice", NEW.replace("@carol", "@张三"))
    chat.command("张三", "/meeting me language zh")
    chat.command("alice", "series 1 edit place Room 5")
    assert "✏️ alice 修改了「Weekly sync」的 #1、#2、#3：地点改为「Room 5」。" in body(chat.to("张三"))
    chat.command("alice", "series 1 edit time 10:30")
    assert "时间改为 10:30" in body(chat.to("张三"))


def test_changing_the_last_occurrence_made_does_not_repeat_the_change(chat: Chat) -> None:
    """The next occurrence is copied from the last one made: a one-off change to that one (an offsite's hall,
    its extra agenda item, a guest) must stay its own, not become the series' from then on."""
    chat.command("alice", NEW)
    chat.command("alice", "edit 3 place Offsite hall")
    chat.command("alice", 'agenda 3 add "Offsite logistics" 10m')
    chat.command("alice", "invite 3 @erin")
    chat.advance(timedelta(weeks=3))
    made = occurrences(chat)
    assert made[2].location == "Offsite hall" and len(made) > 3
    with Session(chat.core.engine) as session:
        for later in made[3:]:
            assert later.location is None
            assert session.exec(select(AgendaItem).where(AgendaItem.meeting_id == later.id)).all() == []
            people = session.exec(select(User.display_name).join(Participant, col(Participant.user_id) == User.id)
                                  .where(Participant.meeting_id == later.id)).all()
            assert sorted(people) == ["alice", "bob", "carol"]


def test_moving_one_occurrence_is_reschedule(chat: Chat) -> None:
    chat.command("alice", NEW)
    chat.command("alice", "reschedule 2 tuesday 3pm")
    starts = [m.start_at.astimezone(SHANGHAI) for m in occurrences(chat)]
    assert starts[1] == datetime(2026, 9, 22, 15, tzinfo=SHANGHAI)
    assert starts[2] == datetime(2026, 10, 8, 10, tzinfo=SHANGHAI)


def test_who_may_change_a_series(chat: Chat) -> None:
    chat.command("alice", NEW + " recorder @dave")
    refused = body(chat.command("bob", "skip 2"))
    assert "Only @alice" in refused and "can change the series of meeting #2" in refused
    assert "skipped" in body(chat.command("dave", "skip 2"))  # a recorder may
    assert "skip" in body(chat.command("carol", "series 2")).lower()  # anyone who sees it may look
    assert occurrences(chat)[1].status == "cancelled"


def test_a_single_meeting_is_no_series(chat: Chat) -> None:
    chat.command("alice", 'new "Review" monday 3pm')  # not tomorrow: a Saturday would wait for a yes
    assert "Meeting #1 is not part of a series." in body(chat.command("alice", "series 1"))
    assert "Meeting #1 is not part of a series." in body(chat.command("alice", "skip 1"))
    assert "There is no meeting #9" in body(chat.command("alice", "series 9"))


def test_chinese_replies(chat: Chat) -> None:
    reply = body(chat.command("张三", '新建 "周会" 每周一上午10点 30分钟 参会 @李四 共10次'))
    assert "「周会」：每周一 10:00；结束：共10次" in reply
    assert "系列：周会 · 第1次（共10次）（`系列 1`）" in reply
    assert "从此次起" in body(chat.command("张三", "系列 1"))
    edited = chat.command("张三", "系列 1 修改 时间 上午10点半")  # numbers in a row as Chinese lists them
    assert "从 #1 起：时间改为 10:30（#1、#2、#3）。" in body(edited)
    assert "✏️ 张三 修改了「周会」的 #1、#2、#3：时间改为 10:30。" in body(chat.to("李四"))
    created = chat.command("张三", '新建 "月会" 每周二下午4点 参会 @李四 共10次 到2027-03-31')
    assert "结束：共10次，到2027-03-31" in body(created)


def test_a_moved_occurrence_still_gets_its_invitation(chat: Chat) -> None:
    chat.command("alice", NEW)
    chat.command("alice", "reschedule 2 tuesday 3pm")
    sent = chat.advance(timedelta(days=4))  # #2's invitation: three days before Tuesday 09-22 15:00
    assert any(s.message.target.user == "bob" and "Weekly sync  #2" in (s.message.title or "") for s in sent)
