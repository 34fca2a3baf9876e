"""The follow-through engine, driven by the clock: nothing recorded may be forgotten.

Monday 2026-11-23 09:00 in Shanghai is "now"; an item due Friday 2026-11-27 has its reminders on
Wednesday (2 working days before), Friday (the due day) and Monday 11-30 (overdue), and escalates on
Thursday 12-03 (more than 3 working days overdue).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from store.models import ActionItem, Notification, OpenQuestion
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent


def make_chat(**settings: str) -> Chat:
    config = make_settings(**settings)
    return Chat(migrated_core(config), MONDAY_9AM)


@pytest.fixture
def chat() -> Chat:
    return make_chat(QUORUM_ADMINS="alice")  # channel settings are admins' (refusals: tests/test_access.py)


def item(chat: Chat, number: int = 1) -> ActionItem:
    with Session(chat.core.engine) as session:
        return session.exec(select(ActionItem).where(ActionItem.number == number)).one()


def local(sent: Sent, zone: ZoneInfo = SHANGHAI) -> str:
    return sent.at.astimezone(zone).strftime("%a %m-%d %H:%M")


def pending_kinds(chat: Chat) -> list[str]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Notification).where(Notification.status == "pending")).all()
        return sorted(n.kind for n in rows)


def assign(chat: Chat, text: str = "action @bob write the spec by friday") -> Sent:
    chat.command("alice", text)
    return chat.to("bob")[-1]


def test_owner_is_asked_to_accept_and_the_host_hears_if_not(chat: Chat) -> None:
    assignment = assign(chat)
    assert [b.label for b in assignment.message.buttons] == ["Accept", "Can't do", "Done"]
    told = [s for s in chat.advance(timedelta(days=1, minutes=1)) if s.message.target.user == "alice"]
    assert len(told) == 1 and "@bob hasn't accepted #1" in told[0].body
    assert local(told[0]) == "Tue 11-24 09:00"


def test_accepting_stops_the_host_notice(chat: Chat) -> None:
    assignment = assign(chat)
    chat.click("bob", assignment.id, "Accept")
    assert item(chat).acknowledged_at == chat.now
    assert [s for s in chat.advance(timedelta(days=1, hours=1)) if s.message.target.user == "alice"] == []


def test_cant_do_needs_a_reason_and_tells_the_host(chat: Chat) -> None:
    assignment = assign(chat)
    asked = chat.click("bob", assignment.id, "Can't do")
    assert "say why" in asked[0].body and item(chat).declined_reason is None
    chat.dm("bob", "can't do: on leave all week", reply_to=assignment.id)
    assert item(chat).declined_reason == "on leave all week"
    assert "can't do it — on leave all week" in chat.to("alice")[-1].body


def test_reminders_follow_working_days_at_nine_in_the_owners_timezone(chat: Chat) -> None:
    assignment = assign(chat)
    chat.click("bob", assignment.id, "Accept")
    sent = [s for s in chat.advance(timedelta(days=11)) if s.message.target.kind == "direct"]
    timeline = [(local(s), s.message.target.user, s.message.title) for s in sent]
    assert timeline == [
        ("Wed 11-25 09:00", "bob", "⏰ Action item #1"),
        ("Fri 11-27 09:00", "bob", "⏰ Action item #1"),
        ("Mon 11-30 09:00", "bob", "⏰ Action item #1"),
        ("Thu 12-03 09:00", "alice", "🚨 Overdue: action item #1"),
    ]
    assert "due on 2026-11-27 (Fri)" in sent[0].body and "due today" in sent[1].body
    assert "1 working day(s) overdue" in sent[2].body and "3 working days overdue" not in sent[3].body
    assert "is 4 working days overdue" in sent[3].body
    assert [b.value for b in sent[0].message.buttons] == ["done 1", "status 1 in progress"]


def test_the_holiday_calendar_moves_reminders() -> None:
    chat = make_chat(QUORUM_HOLIDAYS="US")
    chat.command("alice", "action @bob send the recap by 2026-11-30")  # Monday after Thanksgiving
    first = chat.advance(timedelta(days=6))
    before = [s for s in first if s.message.title == "⏰ Action item #1"]
    assert [local(s) for s in before] == ["Wed 11-25 09:00"]  # Thu 26 is Thanksgiving, Fri 27 counts once


def test_reminders_use_the_owners_own_clock() -> None:
    chat = make_chat()
    chat.command("alice", "action @bob write the spec by friday")
    chat.inbound("message", "bob", "", channel="dm-bob", is_direct=True)  # bob appears, no timezone yet
    with Session(chat.core.engine) as session:
        from store.models import User

        bob = session.exec(select(User).where(User.platform_user_id == "bob")).one()
        bob.timezone = "Europe/Berlin"
        session.add(bob)
        session.commit()
    chat.command("bob", "status 1 in progress")  # any change re-plans with bob's clock
    reminders = [s for s in chat.advance(timedelta(days=3)) if s.message.target.user == "bob"]
    assert [local(s, ZoneInfo("Europe/Berlin")) for s in reminders] == ["Wed 11-25 09:00"]


def test_done_reply_closes_and_the_requester_verifies(chat: Chat) -> None:
    assign(chat)
    reminder = chat.advance(timedelta(days=2, hours=1))[-1]
    chat.dm("bob", "done https://example.com/spec.pdf", reply_to=reminder.id)
    closed = item(chat)
    assert closed.status == "done" and closed.completed_at == chat.now
    assert closed.deliverable == "https://example.com/spec.pdf"
    request = chat.to("alice")[-1]
    assert request.message.title == "Please check #1" and "https://example.com/spec.pdf" in request.body
    assert pending_kinds(chat) == ["weekly_digest"]  # nothing more to chase
    chat.dm("alice", "ok", reply_to=request.id)
    assert item(chat).verified_at == chat.now
    assert "accepted your result" in chat.to("bob")[-1].body


def test_reopen_sends_it_back_with_the_reason_and_chasing_resumes(chat: Chat) -> None:
    assign(chat)
    chat.command("bob", "done 1")
    request = chat.to("alice")[-1]
    assert "say what is missing" in chat.click("alice", request.id, "Reopen")[0].body
    chat.dm("alice", "reopen: the budget section is missing", reply_to=request.id)
    reopened = item(chat)
    assert reopened.status == "open" and reopened.completed_at is None
    assert "the budget section is missing" in chat.to("bob")[-1].body
    assert "item_due" in pending_kinds(chat)


def test_blocked_and_delay_tell_the_host_and_move_the_reminders(chat: Chat) -> None:
    assignment = assign(chat)
    chat.dm("bob", "blocked: waiting for legal", reply_to=assignment.id)
    assert item(chat).status == "blocked" and "waiting for legal" in chat.to("alice")[-1].body
    chat.dm("bob", "延期到 12月4日", reply_to=assignment.id)
    moved = item(chat)
    assert moved.due_on == date(2026, 12, 4) and moved.original_due_on == date(2026, 11, 27)
    assert "2026-12-04" in chat.to("alice")[-1].body
    first = next(s for s in chat.advance(timedelta(days=10)) if s.message.target.user == "bob")
    assert local(first) == "Wed 12-02 09:00"


def test_only_the_owner_accepts_and_only_the_requester_verifies(chat: Chat) -> None:
    assign(chat)
    assert "Only @bob" in chat.command("mallory", "accept 1")[0].body
    chat.command("bob", "done 1")
    assert "Only @alice can sign off" in chat.command("bob", "verify 1")[0].body


def test_important_meetings_are_chased_every_working_day() -> None:
    chat = make_chat()
    chat.command("alice", 'new "Launch" today 10am with @bob important')
    chat.now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.command("alice", "action @bob fix the blocker by 2026-11-24 deliverable: patch")
    chat.command("alice", "end")
    overdue = [s for s in chat.advance(timedelta(days=7)) if "overdue" in s.body and s.message.target.user == "bob"]
    assert [local(s) for s in overdue] == ["Wed 11-25 09:00", "Thu 11-26 09:00", "Fri 11-27 09:00", "Mon 11-30 09:00"]


def test_weekly_digest_reports_overdue_due_this_week_done_and_the_on_time_rate() -> None:
    chat = make_chat()
    chat.now = datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI)  # two weeks earlier
    chat.command("alice", "action @bob old task by 2026-11-13")
    chat.command("alice", "action @carol quick task by 2026-11-12")
    chat.command("alice", "action @dave late task by 2026-11-16")
    chat.now = datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI)
    chat.command("carol", "done 2")  # on time
    chat.now = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
    chat.command("dave", "done 3")  # late
    chat.now = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    chat.command("alice", "action @carol new task by 2026-11-26")
    chat.now = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
    digests = [s for s in chat.advance(timedelta(hours=2)) if s.message.title == "📊 Weekly follow-up"]
    assert len(digests) == 1 and local(digests[0]) == "Mon 11-23 09:00"
    body = digests[0].body
    assert "2 open action item(s) in this channel, 1 overdue." in body
    assert "@bob\n  #1 old task · 10 day(s) overdue (due 2026-11-13 (Fri))" in body
    assert "#4 new task · @carol · due 2026-11-26 (Thu)" in body
    assert "#3 late task · @dave" in body  # done last week
    assert "33% on time (1 of 3)" in body  # #2 on time; #1 open past due, #3 late
    assert chat.rows(Notification) > 0
    with Session(chat.core.engine) as session:
        next_digest = session.exec(
            select(Notification).where(Notification.kind == "weekly_digest", Notification.status == "pending")
        ).one()
    assert next_digest.due_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_channels_with_nothing_open_get_no_digest(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")
    chat.command("bob", "done 1")
    assert [s for s in chat.advance(timedelta(days=8)) if s.message.target.kind == "channel"] == []


def test_confidential_items_show_no_text_in_the_digest() -> None:
    chat = make_chat()
    chat.command("alice", 'new "Salaries" today 10am with @bob confidential')
    chat.now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.command("alice", "action @bob draft the raise letters by 2026-11-25")
    chat.command("alice", "end")
    digest = next(s for s in chat.advance(timedelta(days=7)) if s.message.title == "📊 Weekly follow-up")
    assert "raise letters" not in digest.body and "(confidential meeting)" in digest.body and "@bob" in digest.body


def test_digest_in_chinese_for_a_chinese_channel() -> None:
    chat = make_chat()
    chat.command("张三", "行动 @李四 准备预算 周五前")
    digest = next(s for s in chat.advance(timedelta(days=7)) if s.message.target.kind == "channel")
    assert digest.message.title == "📊 每周行动项跟踪" and "本周到期" in digest.body


def test_open_questions_are_followed_up_and_carried_into_the_next_meeting(chat: Chat) -> None:
    chat.command("alice", "question who signs off the budget? @carol by wednesday")
    chat.command("alice", "action @bob unfinished thing by friday")
    chat.now += timedelta(hours=1)
    chat.command("alice", "start")  # an ad-hoc meeting…
    chat.command("alice", "action @bob carried task by friday")
    chat.command("alice", "end")
    follow_up = [s for s in chat.advance(timedelta(days=2, hours=1)) if s.message.target.user == "carol"]
    assert len(follow_up) == 1 and "who signs off the budget?" in follow_up[0].body
    prompt = chat.command("alice", 'new "Next sync" tomorrow 3pm with @bob')[0]
    carried = next(s for s in prompt.message.sections if s.heading and s.heading.startswith("Carried over"))
    assert any("carried task" in line for line in carried.lines)
    assert any("who signs off the budget?" in line for line in carried.lines)
    chat.dm("carol", "resolved: the CFO does", reply_to=follow_up[0].id)
    with Session(chat.core.engine) as session:
        question = session.exec(select(OpenQuestion)).one()
    assert question.resolved_at is not None and question.answer == "the CFO does"


def test_two_days_down_sends_what_fell_due_once_and_nothing_stale(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @carol')
    assign(chat, "action @bob write the spec by wednesday")  # before-reminder Mon… due Wed 09:00
    chat.now = datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI)  # back on Wednesday evening
    sent = chat.advance(timedelta(minutes=1))
    to_bob = [s for s in sent if s.message.target.user == "bob"]
    assert len(to_bob) == 1 and "due today" in to_bob[0].body  # the stacked "due in 2 days" is dropped
    assert not any("starts in" in s.body for s in sent)  # the meeting already happened
    assert any("hasn't accepted" in s.body for s in sent)  # still true, still useful
    assert chat.advance(timedelta(minutes=1)) == []


def test_a_channel_can_move_or_turn_off_its_digest(chat: Chat) -> None:
    reply = chat.command("alice", 'config digest "0 17 * * fri"')[0]
    assert "digest: 0 17 * * fri" in reply.body
    chat.command("alice", "action @bob write the spec by 2026-12-10")
    digests = [s for s in chat.advance(timedelta(days=7)) if s.message.title == "📊 Weekly follow-up"]
    assert [local(s) for s in digests] == ["Fri 11-27 17:00"]
    chat.command("alice", "config digest off")
    assert [s for s in chat.advance(timedelta(days=14)) if s.message.title == "📊 Weekly follow-up"] == []
    assert "weekly_digest" not in pending_kinds(chat)


def test_a_channel_can_use_another_holiday_calendar_and_hour(chat: Chat) -> None:
    chat.command("alice", "config holidays US")
    chat.command("alice", "config reminder-hour 10")
    chat.command("alice", "action @bob send the recap by 2026-11-30")
    first = next(s for s in chat.advance(timedelta(days=6)) if s.message.title == "⏰ Action item #1")
    assert local(first) == "Wed 11-25 10:00"  # Thanksgiving skipped, at the channel's hour


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("config colour blue", "no setting called “colour”", id="unknown-key"),
        pytest.param("config timezone Mars/Olympus", "not a valid value for timezone", id="bad-timezone"),
        pytest.param("config digest every monday", "not a valid value for digest", id="bad-cron"),
        pytest.param("config holidays XX", "not a valid value for holidays", id="bad-country"),
        pytest.param("config reminder-hour 25", "not a valid value for reminder-hour", id="bad-hour"),
        pytest.param("设置 语言 火星文", "不是语言的有效值", id="zh-bad-language"),
    ],
)
def test_bad_settings_are_refused_with_an_example(chat: Chat, text: str, expected: str) -> None:
    reply = chat.command("alice", text)[0]
    assert expected in reply.body and "/meeting" in reply.body
    assert "timezone: Asia/Shanghai" in chat.command("alice", "config")[0].body


@pytest.mark.parametrize(
    "commands, lines",
    [
        pytest.param(("config digest off", "config holidays none"),
                     ("language: English", "digest: off", "holidays: none (weekends only)", "reminder-hour: 09:00"),
                     id="en"),
        pytest.param(("设置 汇总 关闭", "设置 节假日 NONE", "设置 语言 中文"),
                     ("语言：中文", "汇总：关闭", "节假日：无（仅周末休息）", "提醒时间：09:00"), id="zh"),
    ],
)
def test_every_setting_value_is_shown_in_the_readers_language(chat: Chat, commands: tuple[str, ...],
                                                              lines: tuple[str, ...]) -> None:
    for command in commands:
        reply = chat.command("alice", command)[0].body
    assert all(line in reply.splitlines() for line in lines), reply


def test_a_bad_setting_is_named_in_the_readers_language(chat: Chat) -> None:
    assert "“火星文”不是语言的有效值。" in chat.command("alice", "设置 语言 火星文")[0].body
    assert "not a valid value for reminder-hour" in chat.command("alice", "config reminder-hour 25")[0].body
