"""Scheduling sense on the real core: each warning before `new` and `reschedule`, alone and together, the
host's answer (button, typed yes / 确认, no), who may answer, expiry, a restart in between; materials and the
host's sum-up notice.

The clock is always the test's (Monday 2026-11-23 09:00 in Shanghai, or an explicit date for China's
holidays); nothing here reads the wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.core import Core
from bot.events import Inbound, Person
from store.database import make_engine
from store.models import Meeting, MeetingMaterials, Notification, SchedulingRequest
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent

FIRST = 'new "Q3 roadmap" tomorrow 3pm for 1h with @bob'


def meetings(chat: Chat) -> dict[str, Meeting]:
    with Session(chat.core.engine) as session:
        return {m.title: m for m in session.exec(select(Meeting))}


def requests(chat: Chat) -> list[tuple[str, str]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(SchedulingRequest).order_by(col(SchedulingRequest.id)))
        return [(r.kind, r.status) for r in rows]


def lines(sent: Sent) -> list[str]:
    """The warning's reasons, as the host reads them."""
    return [line.removeprefix("• ") for section in sent.current.sections for line in section.lines]


def only(sent: list[Sent]) -> Sent:
    assert len(sent) == 1, [s.body for s in sent]
    return sent[0]


def with_zone(chat: Chat, who: str, zone: str) -> None:
    """What a platform tells us of someone: their timezone (as Slack's users.info would)."""
    event = Inbound("command", chat.platform, chat.workspace, chat.channel, Person(who, who, timezone=zone),
                    "list", handles_are_user_ids=True)
    chat.core.handle(event, chat.now, chat.send)


# ---- each warning alone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setup, command, expected",
    [
        pytest.param(FIRST, 'new "Budget" tomorrow 3:30pm with @bob',
                     ["@bob already has #1 Q3 roadmap then (15:00–16:00)."], id="clash"),
        pytest.param(None, 'new "Offsite" saturday 10am with @bob', ["2026-11-28 (Sat) is a weekend day."],
                     id="weekend"),
        pytest.param(None, 'new "Late sync" tomorrow 5:30pm with @bob',
                     ["For @carol, @bob it is 17:30–18:30 (Asia/Shanghai), outside working hours 09:00–18:00."],
                     id="hours"),
        pytest.param(None, 'new "Workshop" tomorrow 9am for 3h with @bob', ["It lasts 3 h, more than two hours."],
                     id="long"),
        pytest.param(None, 'new "Review" tomorrow 10am with @bob agenda a b c d e f',
                     ["The agenda has 6 topics, more than 5."], id="topics"),
    ],
)
def test_each_warning_alone_holds_the_meeting_back(chat: Chat, setup: str | None, command: str,
                                                   expected: list[str]) -> None:
    if setup:
        chat.command("alice", setup)
    before = set(meetings(chat))
    warning = only(chat.command("carol", command))
    assert warning.message.target.kind == "ephemeral" and warning.message.target.user == "carol"
    assert warning.message.text.startswith("⚠️ Before I create “")
    assert lines(warning) == expected
    assert [b.label for b in warning.message.buttons] == ["Create anyway", "Cancel"]
    assert "reply yes / no" in (warning.message.context or "")
    assert set(meetings(chat)) == before  # nothing is half-created
    assert requests(chat) == [("new", "pending")]


def test_a_plain_meeting_is_created_without_a_question(chat: Chat) -> None:
    posted = chat.command("alice", FIRST)
    assert posted[0].message.title == "Q3 roadmap  #1  (scheduled)" and requests(chat) == []


def test_someone_elsewhere_is_warned_about_in_their_own_timezone(chat: Chat) -> None:
    with_zone(chat, "bob", "Europe/Berlin")
    warning = only(chat.command("alice", 'new "Early" tomorrow 3pm with @bob'))  # 08:00 in Berlin
    assert lines(warning) == [
        "For @bob it is 08:00–09:00 (Europe/Berlin), outside working hours 09:00–18:00."
    ]


def test_a_clash_with_a_meeting_the_host_may_not_see_names_no_title(chat: Chat) -> None:
    chat.command("bob", 'new "Board" tomorrow 3pm with @dave confidential', channel="board")
    warning = only(chat.command("alice", 'new "Sync" tomorrow 3pm with @dave'))
    assert lines(warning) == ["@dave already has another meeting then (15:00–16:00)."]


def test_a_declined_meeting_is_no_clash(chat: Chat) -> None:
    chat.command("alice", FIRST)
    chat.command("bob", "rsvp 1 no")
    created = chat.command("carol", 'new "Budget" tomorrow 3:30pm with @bob')
    assert created[0].message.title == "Budget  #2  (scheduled)"


def test_china_s_holidays_warn_and_its_make_up_working_days_do_not() -> None:
    chat = Chat(migrated_core(make_settings(QUORUM_HOLIDAYS="CN")), datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI))
    holiday = only(chat.command("alice", 'new "Plan" 2026-10-01 10am with @bob'))
    assert lines(holiday) == ["2026-10-01 (Thu) is a public holiday."]
    make_up = chat.command("alice", 'new "Catch-up" 2026-09-20 10am with @bob')  # a Sunday people work
    assert make_up[0].message.title == "Catch-up  #1  (scheduled)"


# ---- several at once ------------------------------------------------------------------------------


def test_every_warning_is_listed_in_one_message(chat: Chat) -> None:
    with_zone(chat, "bob", "Europe/Berlin")
    warning = only(chat.command("alice", 'new "Marathon" saturday 3pm for 3h with @bob agenda a b c d e f'))
    assert lines(warning) == [  # 15:00–18:00 is within alice's day in Shanghai; bob's is 08:00–11:00
        "2026-11-28 (Sat) is a weekend day.",
        "For @bob it is 08:00–11:00 (Europe/Berlin), outside working hours 09:00–18:00.",
        "It lasts 3 h, more than two hours.",
        "The agenda has 6 topics, more than 5.",
    ]


def test_a_clash_late_hours_and_length_together(chat: Chat) -> None:
    chat.command("alice", FIRST)
    warning = only(chat.command("carol", 'new "Overlap" tomorrow 2pm for 5h with @bob'))
    assert lines(warning) == [
        "@bob already has #1 Q3 roadmap then (15:00–16:00).",
        "For @carol, @bob it is 14:00–19:00 (Asia/Shanghai), outside working hours 09:00–18:00.",
        "It lasts 5 h, more than two hours.",
    ]


# ---- the host's answer ----------------------------------------------------------------------------


def test_create_anyway_by_button_creates_it_as_said(chat: Chat) -> None:
    warning = only(chat.command("alice", 'new "Offsite" saturday 10am for 1h with @bob goal: plan 2027'))
    created = chat.click("alice", warning.id, "Create anyway")
    assert created[0].message.target.kind == "channel" and created[0].message.target.thread is None
    assert created[0].message.title == "Offsite  #1  (scheduled)"
    assert [s.message.target.user for s in created[1:]] == ["bob"]  # the invitation
    offsite = meetings(chat)["Offsite"]
    assert offsite.goal == "plan 2027" and offsite.start_at == datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    assert requests(chat) == [("new", "confirmed")]
    again = chat.click("alice", warning.id, "Create anyway")
    assert again[0].message.text == "Request #1 has already been answered (went ahead)."
    assert len(meetings(chat)) == 1


def test_typing_yes_goes_ahead_and_no_drops_it(chat: Chat) -> None:
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    created = chat.say("alice", "yes")
    assert created[0].message.title == "Offsite  #1  (scheduled)"
    chat.command("alice", 'new "Retreat" sunday 10am with @bob')
    dropped = only(chat.say("alice", "No."))
    assert dropped.message.text == "Dropped: “Retreat” was not created."
    assert set(meetings(chat)) == {"Offsite"} and requests(chat) == [("new", "confirmed"), ("new", "declined")]
    assert chat.say("alice", "yes") == []  # nothing waits any more: just chat


@pytest.mark.parametrize(("answer", "created"), [
    pytest.param("Sure!", True, id="sure"), pytest.param("go ahead", True, id="go-ahead"),
    pytest.param("yes please", True, id="yes-please"), pytest.param("确定。", True, id="zh-queding"),
    pytest.param("可以", True, id="zh-keyi"), pytest.param("行", True, id="zh-xing"),
    pytest.param("没问题", True, id="zh-no-problem"), pytest.param("不行", False, id="zh-buxing"),
    pytest.param("不要", False, id="zh-buyao"), pytest.param("no thanks", False, id="no-thanks"),
])  # fmt: skip
def test_the_ways_people_say_yes_and_no_answer_the_warning(chat: Chat, answer: str, created: bool) -> None:
    """“确定” is the commonest Chinese confirmation there is, and “sure” an English one: both were ignored as
    chat, leaving the request waiting and the asker waiting for a meeting that never came."""
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    assert chat.say("alice", answer) != []
    assert requests(chat) == [("new", "confirmed" if created else "declined")]


def test_only_the_host_may_answer(chat: Chat) -> None:
    warning = only(chat.command("alice", 'new "Offsite" saturday 10am with @bob'))
    refused = only(chat.click("bob", warning.id, "Create anyway"))
    assert refused.message.target.user == "bob"
    assert refused.message.text == "⚠️ Only @alice, who asked for it, can answer this request."
    assert chat.say("bob", "yes") == []  # bob has nothing waiting: his yes is chat
    assert only(chat.command("bob", "confirm 1 no")).message.text.startswith("⚠️ Only @alice")
    assert meetings(chat) == {} and requests(chat) == [("new", "pending")]
    unknown = only(chat.command("alice", "confirm 9"))
    assert unknown.message.text == "⚠️ There is no request #9 waiting for your answer.\nFor example: /meeting confirm 7"


def test_a_request_expires(chat: Chat) -> None:
    warning = only(chat.command("alice", 'new "Offsite" saturday 10am with @bob'))
    assert "waits until 2026-11-24 09:00 (Tue) Asia/Shanghai" in (warning.message.context or "")
    chat.advance(timedelta(hours=24))
    late = only(chat.click("alice", warning.id, "Create anyway"))
    assert late.message.text.startswith("⚠️ Request #1 expired at 2026-11-24 09:00 (Tue) Asia/Shanghai")
    assert meetings(chat) == {} and requests(chat) == [("new", "expired")]
    assert chat.say("alice", "yes") == []


def test_a_typed_yes_after_the_request_expired_is_told_so_once(chat: Chat) -> None:
    """A yes typed a day late used to fall silent: nothing created, and no word why."""
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    chat.advance(timedelta(hours=25))
    late = only(chat.say("alice", "yes"))
    assert late.message.text.startswith("⚠️ Request #1 expired at 2026-11-24 09:00 (Tue) Asia/Shanghai")
    assert meetings(chat) == {} and requests(chat) == [("new", "expired")]
    assert chat.say("alice", "yes") == []  # told once; then a yes is chat again
    assert chat.say("bob", "yes") == []  # not his request


def test_a_yes_long_after_an_expired_request_is_just_chat(chat: Chat) -> None:
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    chat.advance(timedelta(days=3))
    assert chat.say("alice", "是") == []
    assert requests(chat) == [("new", "pending")]


def test_a_confirmation_after_a_restart_still_works(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'q.db'}")
    chat = Chat(Core(settings), MONDAY_9AM)
    warning = only(chat.command("alice", 'new "Offsite" saturday 10am for 90m with @bob agenda "Plan" 30m'))
    chat.core = Core(settings, make_engine(settings.database_url))  # the bot restarted
    chat.now += timedelta(hours=2)
    created = chat.click("alice", warning.id, "Create anyway")
    assert created[0].message.title == "Offsite  #1  (scheduled)"
    offsite = meetings(chat)["Offsite"]
    assert offsite.end_at - offsite.start_at == timedelta(minutes=90)


def test_a_move_is_warned_about_and_confirmed_or_dropped(chat: Chat) -> None:
    chat.command("alice", FIRST)
    warning = only(chat.command("alice", "reschedule 1 saturday 10am"))
    assert warning.message.text == (
        "⚠️ Before I move #1 Q3 roadmap to 2026-11-28 10:00 (Sat) Asia/Shanghai, please check:"
    )
    assert lines(warning) == ["2026-11-28 (Sat) is a weekend day."]
    assert [b.label for b in warning.message.buttons] == ["Move anyway", "Cancel"]
    assert meetings(chat)["Q3 roadmap"].start_at == datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    moved = chat.click("alice", warning.id, "Move anyway")
    assert any("moved" in s.message.text for s in moved)
    assert meetings(chat)["Q3 roadmap"].start_at == datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    again = only(chat.command("alice", "reschedule 1 sunday 10am"))
    assert only(chat.click("alice", again.id, "Cancel")).message.text == "Dropped: meeting #1 keeps its time."
    assert meetings(chat)["Q3 roadmap"].start_at == datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)


def test_a_move_does_not_clash_with_itself_and_a_kept_length_is_not_warned_again(chat: Chat) -> None:
    chat.command("alice", 'new "Workshop" tomorrow 9am for 3h with @bob')
    chat.say("alice", "yes")
    assert "moved" in chat.command("alice", "reschedule 1 tomorrow 10am")[-1].message.text


def test_warnings_and_answers_in_chinese(chat: Chat) -> None:
    warning = only(chat.command("张三", '新建 "团建" 周六上午10点 3小时 参会 @李四'))
    assert warning.message.text == "⚠️ 创建「团建」（2026-11-28 10:00（周六）Asia/Shanghai）之前，请先确认："
    assert lines(warning) == ["2026-11-28（周六）是周末。", "会议时长 3 小时，超过两小时。"]
    assert [b.label for b in warning.message.buttons] == ["仍然创建", "取消"]
    created = chat.say("张三", "确认")
    assert created[0].message.title is not None and "团建" in created[0].message.title
    chat.command("张三", '新建 "复盘" 周日上午10点 参会 @李四')
    assert only(chat.say("张三", "取消")).message.text == "已取消：没有创建「复盘」。"
    refused = only(chat.command("李四", "确认 2"))
    assert refused.message.text == "⚠️ 只有提出请求的 @张三 可以答复这个请求。"


# ---- materials ------------------------------------------------------------------------------------


def materials_row(chat: Chat) -> MeetingMaterials:
    with Session(chat.core.engine) as session:
        return session.exec(select(MeetingMaterials)).one()


def test_materials_remind_the_presenter_then_reach_everyone(chat: Chat) -> None:
    chat.command("alice", 'new "Q3 roadmap" thursday 3pm with @bob @carol agenda "Scope" 20m by @bob '
                          "materials: https://example.com/q3 by wednesday")
    owed = materials_row(chat)
    assert (owed.link, owed.due_on.isoformat(), owed.posted_at) == ("https://example.com/q3", "2026-11-25", None)
    reminded = [s for s in chat.advance(timedelta(days=1, hours=1)) if "materials" in s.message.text]
    assert [(s.at, s.message.target.user) for s in reminded] == [(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI), "bob")]
    assert reminded[0].message.text.startswith("📎 The materials for #1 Q3 roadmap (2026-11-26 15:00 (Thu)")
    assert "are due by 2026-11-25 (Wed)" in reminded[0].message.text
    assert reminded[0].message.text.endswith("Where they go: https://example.com/q3")
    refused = only(chat.command("carol", "materials 1 https://example.com/mine"))
    assert refused.message.text == "⚠️ Only @bob, @alice can post the materials of meeting #1."
    posted = chat.command("bob", "materials 1 https://example.com/deck")
    assert posted[0].message.text == "Sent the materials of #1 to 2 participant(s)."
    assert {s.message.target.user: s.message.text for s in posted[1:]} == {
        "alice": "📎 Materials for #1 Q3 roadmap from @bob: https://example.com/deck",
        "carol": "📎 Materials for #1 Q3 roadmap from @bob: https://example.com/deck",
    }
    assert materials_row(chat).posted_at == chat.now


def test_materials_due_after_the_meeting_are_refused_not_kept_silently(chat: Chat) -> None:
    """`materials: … by next friday` on a Thursday meeting was stored, and no one was ever reminded."""
    refused = only(chat.command("alice", 'new "Late" thursday 10am with @bob '
                                         "materials: https://ex.com/d by next friday"))
    assert refused.message.text == ("⚠️ The materials would be due 2026-12-04 (Fri), after the meeting "
                                     "(2026-11-26 (Thu)): give a date on or before the meeting's day.\n"
                                     'For example: /meeting new "Q3 roadmap" tomorrow 3pm for 1h with @alice @bob')
    assert meetings(chat) == {}
    chat.command("alice", 'new "Review" thursday 10am with @bob materials: https://ex.com/d')
    later = only(chat.command("alice", "materials 1 by next friday @bob"))
    assert later.message.text.startswith("⚠️ The materials would be due 2026-12-04 (Fri), after the meeting")
    assert materials_row(chat).due_on.isoformat() == "2026-11-25"


def test_materials_due_after_the_meeting_in_chinese(chat: Chat) -> None:
    refused = only(chat.command("张三", '新建 "评审" 周四上午10点 参会 @李四 材料：https://ex.com/d 截止 下周五'))
    assert refused.message.text.startswith("⚠️ 材料截止日期 2026-12-04（周五）晚于会议日期 2026-11-26（周四）：")


def test_materials_default_to_a_working_day_before_and_the_host_can_ask_someone_else(chat: Chat) -> None:
    chat.command("alice", 'new "Review" next monday 10am with @bob materials:')  # 2026-11-30: due Friday the 27th
    assert materials_row(chat).due_on.isoformat() == "2026-11-27"
    asked = chat.command("alice", "materials 1 by thursday @carol")
    assert asked[0].message.text == "Asked @carol for the materials of #1 by 2026-11-26 (Thu)."
    assert asked[1].message.target.user == "carol" and asked[1].message.text.startswith("📎 @alice asks you for")
    refused = only(chat.command("bob", "materials 1 by friday @bob"))
    assert refused.message.text.startswith("⚠️ Only @alice can change meeting #1")
    sent = chat.advance(timedelta(days=3))
    assert [(s.at, s.message.target.user) for s in sent if "materials" in s.message.text] == [
        (datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI), "carol")
    ]


def test_posted_materials_are_never_chased(chat: Chat) -> None:
    chat.command("alice", 'new "Q3 roadmap" thursday 3pm with @bob materials: by wednesday')
    chat.command("alice", "materials 1 https://example.com/deck")
    assert [s for s in chat.advance(timedelta(days=3)) if "materials" in s.message.text] == []


def test_materials_in_chinese(chat: Chat) -> None:
    chat.command("张三", '新建 "规划" 周四下午3点 参会 @李四 材料：https://example.com/q3 截止 周三')
    assert materials_row(chat).due_on.isoformat() == "2026-11-25"
    posted = chat.command("张三", "材料 1 https://example.com/deck")
    assert posted[0].message.text == "已把 #1 的材料发给 1 位参会人。"
    bad = only(chat.command("张三", "材料 1"))
    assert bad.message.text.startswith("⚠️ 请说明材料要做什么")


# ---- sum up ---------------------------------------------------------------------------------------


def test_the_host_is_told_to_sum_up_ten_minutes_before_the_planned_end(chat: Chat) -> None:
    chat.command("alice", FIRST)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    sent = chat.advance(timedelta(minutes=55))
    notice = only([s for s in sent if s.message.text.startswith("⏳")])
    assert (notice.at, notice.message.target.kind, notice.message.target.user) == (
        datetime(2026, 11, 24, 15, 50, tzinfo=SHANGHAI), "direct", "alice")
    assert notice.message.text == (
        "⏳ #1 Q3 roadmap is planned to end at 16:00: 10 minutes left. Time to sum up: read back the decisions, "
        "and each action item with its owner and date."
    )


def test_a_meeting_ended_early_gets_no_sum_up_notice(chat: Chat) -> None:
    chat.command("张三", '新建 "周会" 明天下午3点 1小时 参会 @李四')
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("张三", "开始 1")
    chat.now += timedelta(minutes=30)
    chat.command("张三", "结束")
    assert [s for s in chat.advance(timedelta(hours=1)) if s.message.text.startswith("⏳")] == []
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Notification).where(Notification.kind == "sum_up")).all()
        assert [r.status for r in rows] == ["dropped"]


def test_the_sum_up_notice_in_chinese(chat: Chat) -> None:
    chat.command("张三", '新建 "周会" 明天下午3点 1小时 参会 @李四')
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("张三", "开始 1")
    notice = only([s for s in chat.advance(timedelta(hours=1)) if s.message.text.startswith("⏳")])
    assert notice.message.text.startswith("⏳ #1“周会”计划于 16:00 结束，还剩 10 分钟。该总结了")


def test_a_yes_in_the_private_chat_answers_a_warning_from_a_group(chat: Chat) -> None:
    """DingTalk shows a warning's card in the host's private chat: a yes typed there answers it."""
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    created = chat.dm("alice", "yes")
    assert created[0].message.target.channel == "general" and created[0].message.title == "Offsite  #1  (scheduled)"
    assert meetings(chat)["Offsite"].channel_id == "general"


def test_a_yes_to_an_invitation_is_still_an_answer_to_it(chat: Chat) -> None:
    chat.command("bob", 'new "Standup" tomorrow 10am with @alice')
    invitation = next(s for s in chat.to("alice") if s.message.buttons)
    chat.command("alice", 'new "Offsite" saturday 10am with @bob')
    chat.dm("alice", "yes", reply_to=invitation.id)
    assert set(meetings(chat)) == {"Standup"} and requests(chat) == [("new", "pending")]


def test_edit_time_is_a_move_and_is_checked_the_same_way(chat: Chat) -> None:
    chat.command("alice", FIRST)
    warning = only(chat.command("alice", "edit 1 time saturday 10am"))
    assert lines(warning) == ["2026-11-28 (Sat) is a weekend day."]
    assert meetings(chat)["Q3 roadmap"].start_at == datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.say("alice", "yes")
    assert meetings(chat)["Q3 roadmap"].start_at == datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)


def test_a_warned_about_series_is_created_as_a_series(chat: Chat) -> None:
    warning = only(chat.command("alice", 'new "Evening sync" every monday 7pm with @bob'))
    assert lines(warning) == [
        "For @alice, @bob it is 19:00–20:00 (Asia/Shanghai), outside working hours 09:00–18:00."
    ]
    chat.click("alice", warning.id, "Create anyway")
    with Session(chat.core.engine) as session:
        made = session.exec(select(Meeting).where(col(Meeting.series_id).is_not(None))).all()
    assert len(made) > 1 and {m.title for m in made} == {"Evening sync"}


def test_a_series_is_checked_for_clashes_on_the_occurrences_it_makes_now(chat: Chat) -> None:
    """Its second occurrence fell on another meeting of both people and was made without a word."""
    chat.command("alice", 'new "Board" 2026-12-03 2pm with @carol')
    warning = only(chat.command("alice", 'new "Weekly" every thursday 2pm with @carol'))
    assert lines(warning) == [
        "2026-12-03 (Thu): @alice already has #1 Board then (14:00–15:00).",
        "2026-12-03 (Thu): @carol already has #1 Board then (14:00–15:00).",
    ]
    chat.click("alice", warning.id, "Create anyway")
    with Session(chat.core.engine) as session:
        made = session.exec(select(Meeting).where(col(Meeting.series_id).is_not(None))).all()
    assert [m.start_at.astimezone(SHANGHAI).day for m in made] == [26, 3, 10]


def test_a_series_clash_in_chinese_and_one_beyond_what_is_made_now_is_not_named(chat: Chat) -> None:
    chat.command("张三", '新建 "董事会" 2026-12-03 下午2点 参会 @李四')
    chat.command("张三", '新建 "远期" 2026-12-17 下午2点 参会 @李四')  # the fourth Thursday: not made yet
    warning = only(chat.command("张三", '新建 "周会" 每周四下午2点 参会 @李四'))
    assert lines(warning) == [
        "2026-12-03（周四）：@张三 那时已有 #1 董事会（14:00–15:00）。",
        "2026-12-03（周四）：@李四 那时已有 #1 董事会（14:00–15:00）。",
    ]


# ---- starting long before the meeting's time -------------------------------------------------------------


def test_starting_more_than_an_hour_early_says_what_was_understood_and_waits_for_a_yes(chat: Chat) -> None:
    chat.command("alice", FIRST)  # tomorrow 15:00; it is Monday 09:00, 30 hours before
    warning = only(chat.command("alice", "start 1"))
    assert warning.message.text == (
        "⚠️ Start #1 Q3 roadmap now? It is scheduled for 2026-11-24 15:00 (Tue) Asia/Shanghai.")
    assert lines(warning) == ["That is 1 d 6 h before its time."]
    assert [b.label for b in warning.message.buttons] == ["Start now", "Cancel"]
    assert meetings(chat)["Q3 roadmap"].status == "scheduled"
    assert only(chat.say("alice", "no")).message.text == "Dropped: meeting #1 was not started; it keeps its time."
    assert meetings(chat)["Q3 roadmap"].status == "scheduled"
    again = only(chat.command("alice", "start 1"))
    started = chat.click("alice", again.id, "Start now")
    assert "#1" in started[-1].body and meetings(chat)["Q3 roadmap"].status == "in_progress"
    assert requests(chat) == [("start", "declined"), ("start", "confirmed")]


def test_starting_within_the_hour_before_needs_no_yes(chat: Chat) -> None:
    chat.command("alice", FIRST)
    chat.now = datetime(2026, 11, 24, 14, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    assert meetings(chat)["Q3 roadmap"].status == "in_progress" and requests(chat) == []


def test_an_early_start_in_chinese(chat: Chat) -> None:
    chat.command("张三", '新建 "周会" 明天下午3点 参会 @李四')
    warning = only(chat.command("张三", "开始 1"))
    assert warning.message.text == "⚠️ 现在就开始 #1 周会吗？它原定于 2026-11-24 15:00（周二）Asia/Shanghai。"
    assert lines(warning) == ["比原定时间早 1 天 6 小时。"]
    assert [b.label for b in warning.message.buttons] == ["现在开始", "取消"]
    chat.say("张三", "确认")
    assert meetings(chat)["周会"].status == "in_progress"
