"""The meeting day on the real core: the agenda timer, `next` by hand, and the survey after `end`.

Time moves with `chat.advance`, which ticks the scheduler at every due row like a running bot would, so
these tests see the timer messages at the virtual minute they go out, and that stale rows never go out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.commands import parse_command
from bot.core import Core
from bot.errors import ParseError
from store.database import make_engine
from store.models import AgendaItem, Notification, SurveyAnswer, User
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent

NEW = 'new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol agenda "Scope" 20m "Budget" 25m by @carol'
NEW_ZH = '新建 "Q3规划会" 明天下午3点 1小时 参会 @李四 @王五 议程 "范围" 20分钟 "预算" 25分钟 主讲 @王五'
START = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)


def started(chat: Chat, new: str = NEW, host: str = "alice", start: str = "start 1") -> Chat:
    chat.command(host, new)
    chat.now = START
    chat.command(host, start)
    return chat


def channel_since(chat: Chat, mark: int) -> list[Sent]:
    return [s for s in chat.in_channel() if int(s.id[1:]) > mark]


def last_id(chat: Chat) -> int:
    return len(chat.by_id)


def agenda(chat: Chat) -> list[AgendaItem]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(AgendaItem).order_by(col(AgendaItem.position))))


def timer_rows(chat: Chat) -> list[tuple[str, int | None, str]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Notification).where(col(Notification.kind).startswith("agenda_")))
        return sorted((n.kind, n.agenda_item_id, n.status) for n in rows)


def answers(chat: Chat) -> dict[str, tuple[int, str | None]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(SurveyAnswer, User).where(SurveyAnswer.user_id == User.id)).all()
        return {u.display_name: (a.score, a.comment) for a, u in rows}


# ---- the agenda timer ------------------------------------------------------------------------------


def test_start_begins_item_one_and_its_time_up_and_overrun_notices_come_once(chat: Chat) -> None:
    started(chat)
    first, second = agenda(chat)
    assert first.started_at == START and first.ended_at is None and second.started_at is None
    mark = last_id(chat)
    assert chat.advance(timedelta(minutes=19, seconds=59)) == []
    time_up = chat.advance(timedelta(seconds=1))
    assert [s.at for s in time_up] == [START + timedelta(minutes=20)]
    assert time_up[0].message.target.kind == "channel"
    assert time_up[0].message.text == "⏰ Time is up for “Scope”. next: Budget (25 min, @carol)"
    assert [b.value for b in time_up[0].message.buttons] == ["next 1"]
    overrun = [s for s in chat.advance(timedelta(minutes=30)) if s.message.target.kind == "channel"]  # not sum-up
    assert [(s.at, s.message.text) for s in overrun] == [
        (START + timedelta(minutes=25), "⚠️ Still on “Scope”, 5 min past its planned end. /meeting next moves on.")
    ]
    assert len(channel_since(chat, mark)) == 2  # said once, not again as the item drags on


def test_next_by_hand_keeps_the_actual_times_and_drops_the_stale_timer(chat: Chat) -> None:
    started(chat)
    chat.now += timedelta(minutes=12)
    moved = chat.command("alice", "next")
    assert moved[0].message.target.kind == "channel"
    assert moved[0].message.text == "✔️ “Scope” took 12 min. Now: Budget (25 min, @carol)"
    first, second = agenda(chat)
    assert (first.started_at, first.ended_at) == (START, START + timedelta(minutes=12))
    assert second.started_at == START + timedelta(minutes=12) and second.ended_at is None
    later = [s for s in chat.advance(timedelta(hours=1)) if s.message.target.kind == "channel"]  # not sum-up
    assert [(s.at, s.message.text.split(".")[0]) for s in later] == [
        (START + timedelta(minutes=37), "⏰ Time is up for “Budget”, the last agenda item"),
        (START + timedelta(minutes=42), "⚠️ Still on “Budget”, 5 min past its planned end"),
    ]
    assert timer_rows(chat) == [
        ("agenda_overrun", first.id, "dropped"), ("agenda_overrun", second.id, "sent"),
        ("agenda_time_up", first.id, "dropped"), ("agenda_time_up", second.id, "sent"),
    ]


def test_the_timer_button_moves_on_once_even_when_clicked_twice(chat: Chat) -> None:
    started(chat)
    button = chat.advance(timedelta(minutes=20))[0]
    chat.now += timedelta(minutes=3)
    assert chat.click("alice", button.id, "Next item")[0].message.text.startswith("✔️ “Scope” took 23 min.")
    again = chat.click("alice", button.id, "Next item")
    assert again[0].message.target.kind == "ephemeral"
    assert again[0].message.text == "The meeting has already moved on; now: Budget (25 min, @carol)"
    assert [i.ended_at for i in agenda(chat)] == [START + timedelta(minutes=23), None]


def test_end_closes_the_current_item_and_its_timer_never_goes_out(chat: Chat) -> None:
    started(chat)
    chat.now += timedelta(minutes=5)
    chat.command("alice", "end")
    first, second = agenda(chat)
    assert first.ended_at == START + timedelta(minutes=5) and second.started_at is None
    mark = last_id(chat)
    assert chat.advance(timedelta(hours=1)) == [] and channel_since(chat, mark) == []
    assert {status for _kind, _item, status in timer_rows(chat)} == {"dropped"}


def test_the_minutes_show_each_item_planned_against_actual(chat: Chat) -> None:
    started(chat, new=NEW.replace('"Budget" 25m', '"Budget" 25m "AOB"'))
    chat.now += timedelta(minutes=31)
    chat.command("alice", "next")
    assert "2. Budget: planned 25 min, actual under way" in chat.command("alice", "show 1")[0].body
    chat.now += timedelta(minutes=4)
    minutes = chat.command("alice", "end")[0].body
    assert "Agenda as held\n1. Scope: planned 20 min, actual 31 min\n2. Budget: planned 25 min, actual 4 min\n" \
           "3. AOB: planned —, actual not reached" in minutes


def test_past_the_last_item_next_says_so_then_refuses(chat: Chat) -> None:
    started(chat)
    chat.command("alice", "next")
    chat.now += timedelta(minutes=30)
    assert chat.command("alice", "next")[0].message.text == (
        "✔️ “Budget” took 30 min. That was the last agenda item. Finish with /meeting end."
    )
    refused = chat.command("alice", "next")[0].message.text
    assert refused == "⚠️ Meeting #1 is past its last agenda item. Finish with /meeting end."
    later = chat.advance(timedelta(hours=1))  # Budget's timers went stale with it; the host's sum-up still comes
    assert [(s.message.target.user, s.message.text[:1]) for s in later] == [("alice", "⏳")]


def test_only_the_editors_move_on(chat: Chat) -> None:
    started(chat)
    refused = chat.command("bob", "next")
    assert refused[0].message.text.startswith("⚠️ Only @alice")
    assert agenda(chat)[0].ended_at is None


def test_a_meeting_without_agenda_has_no_timer_and_next_explains(chat: Chat) -> None:
    chat.say("alice", "#startmeeting standup")
    assert chat.command("alice", "next")[0].message.text == "⚠️ Meeting #1 has no agenda to move through."
    assert timer_rows(chat) == []


def test_an_item_without_a_planned_length_has_no_timer(chat: Chat) -> None:
    started(chat, new='new "Sync" tomorrow 3pm with @bob agenda "Open floor" "Demo" 10m')
    assert timer_rows(chat) == []
    chat.command("alice", "next")
    assert [kind for kind, _item, _status in timer_rows(chat)] == ["agenda_overrun", "agenda_time_up"]


def test_the_timer_survives_a_restart(sqlite_file_url: str) -> None:
    settings = make_settings(sqlite_file_url)
    started(Chat(migrated_core(settings), MONDAY_9AM))
    restarted = Chat(Core(settings, make_engine(settings.database_url)), START + timedelta(minutes=1))
    assert [s.message.text.split(".")[0] for s in restarted.advance(timedelta(minutes=30))] == [
        "⏰ Time is up for “Scope”", "⚠️ Still on “Scope”, 5 min past its planned end",
    ]


def test_the_timer_in_chinese(chat: Chat) -> None:
    chat.channel = "产品组"
    started(chat, new=NEW_ZH, host="张三", start="开始 1")
    time_up = chat.advance(timedelta(minutes=20))
    assert time_up[0].message.text == "⏰「范围」时间到。下一项：预算（25 分钟，@王五）"
    assert time_up[0].message.buttons[0].label == "下一项"
    overrun = chat.advance(timedelta(minutes=5))
    assert overrun[0].message.text == "⚠️ 仍在讨论「范围」，已超出计划时间 5 分钟。/meeting 下一项 进入下一项。"
    chat.now += timedelta(minutes=1)
    assert chat.command("张三", "下一项")[0].message.text == "✔️「范围」用时 26 分钟。现在：预算（25 分钟，@王五）"


# ---- the satisfaction survey -----------------------------------------------------------------------


def ended(chat: Chat) -> list[Sent]:
    """alice (host) and bob attend; carol was invited but never checked in."""
    started(chat)
    chat.say("bob", "here")
    return chat.command("alice", "end")


def test_the_survey_goes_privately_to_the_attendees_only(chat: Chat) -> None:
    surveys = [s for s in ended(chat) if s.message.target.kind == "direct"]
    assert sorted(s.message.target.user or "" for s in surveys) == ["alice", "bob"]
    survey = surveys[0].message
    assert survey.text == "#1 Q3 roadmap has ended. How useful was it, from 1 (poor) to 5 (excellent)?"
    assert [(b.label, b.value) for b in survey.buttons] == [(str(n), f"rate 1 {n}") for n in range(1, 6)]
    assert survey.context == "Click a score, or reply with a comment: rate 1 4 too long"


def test_a_click_or_words_answer_and_a_later_answer_replaces_the_first(chat: Chat) -> None:
    ended(chat)
    survey = chat.to("bob")[-1]
    assert chat.click("bob", survey.id, "4")[0].message.text == "Thanks! You rated #1 4/5."
    assert answers(chat) == {"bob": (4, None)}
    assert chat.dm("bob", "rate 1 2 too long")[0].message.text == "Updated: you now rate #1 2/5."
    chat.command("alice", "rate 1 5")
    assert answers(chat) == {"bob": (2, "too long"), "alice": (5, None)}


def test_a_reply_to_the_survey_is_an_answer(chat: Chat) -> None:
    ended(chat)
    survey = chat.to("bob")[-1]
    assert chat.dm("bob", "3 the room was cold", reply_to=survey.id)[0].message.text == "Thanks! You rated #1 3/5."
    assert answers(chat) == {"bob": (3, "the room was cold")}
    refused = chat.dm("bob", "great meeting", reply_to=survey.id)[0].message.text
    assert refused.startswith("⚠️ “great” is not a score") and answers(chat) == {"bob": (3, "the room was cold")}


def test_a_survey_answer_in_chinese(chat: Chat) -> None:
    ended(chat)
    assert chat.dm("bob", "评分 1 4 时间太长")[0].message.text == "谢谢！你给 #1 打了 4/5 分。"
    assert answers(chat) == {"bob": (4, "时间太长")}


@pytest.mark.parametrize(
    "who, text, expected",
    [
        pytest.param("carol", "rate 1 3", "⚠️ Only people who attended meeting #1 (checked in) can rate it.\n"
                     "For example: /meeting rate 3 4 too long", id="not-an-attendee"),
        pytest.param("dave", "rate 1 3", "⚠️ Only people who attended meeting #1 (checked in) can rate it.\n"
                     "For example: /meeting rate 3 4 too long", id="not-invited"),
        pytest.param("bob", "rate 1 9", "⚠️ “9” is not a score: use a whole number from 1 (poor) to 5 (excellent).\n"
                     "For example: /meeting rate 3 4 too long", id="out-of-range"),
        pytest.param("bob", "rate 1", "⚠️ Give a score from 1 (poor) to 5 (excellent) after the meeting number.\n"
                     "For example: /meeting rate 3 4 too long", id="no-score"),
        pytest.param("bob", "评分 1 0", "⚠️ “0”不是评分：请用 1（很差）到 5（很好）的整数。\n"
                     "例如： /meeting 评分 3 4 时间太长", id="out-of-range-zh"),
    ],
)
def test_wrong_answers_are_refused_with_an_example(chat: Chat, who: str, text: str, expected: str) -> None:
    ended(chat)
    assert chat.dm(who, text)[0].message.text == expected
    assert answers(chat) == {}


def test_a_meeting_is_rated_only_once_it_has_ended(chat: Chat) -> None:
    started(chat)
    assert chat.command("alice", "rate 1 4")[0].message.text == "⚠️ Meeting #1 is in progress, so that can't be done."


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("next", "NextItem(current=None)", id="next"),
        pytest.param("下一项", "NextItem(current=None)", id="next-zh"),
        pytest.param("next 2", "NextItem(current=2)", id="next-from-item"),
        pytest.param("rate 3 4 too long", "Rate(number=3, score=4, comment='too long')", id="rate"),
        pytest.param("评分 3 4 时间太长", "Rate(number=3, score=4, comment='时间太长')", id="rate-zh"),
        pytest.param("打分＃３ ５", "Rate(number=3, score=5, comment=None)", id="rate-full-width"),
    ],
)
def test_the_grammar(text: str, expected: str) -> None:
    assert repr(parse_command(text, now=MONDAY_9AM, tz=SHANGHAI)) == expected


def test_a_score_must_be_a_whole_number_in_range() -> None:
    with pytest.raises(ParseError) as error:
        parse_command("rate 3 4.5", now=MONDAY_9AM, tz=SHANGHAI)
    assert (error.value.key, error.value.example_key) == ("error.bad_score", "example.rate")


# ---- receipt of the minutes ------------------------------------------------------------------------


def test_participants_confirm_the_minutes_and_the_host_sees_who_has_not(chat: Chat) -> None:
    minutes = ended(chat)[0]
    assert [(b.label, b.value) for b in minutes.message.buttons] == [("Got the minutes", "ack 1")]
    assert chat.click("bob", minutes.id, "Got the minutes")[0].message.text == (
        "Thanks: you have confirmed the minutes of #1."
    )
    assert chat.dm("bob", "ack 1")[0].message.text == "You had already confirmed the minutes of #1."
    report = chat.command("alice", "acks 1")[0]
    assert report.message.target.kind == "ephemeral"
    assert [line for line in report.body.splitlines() if line][:2] == [
        "Minutes of #1: 1 of 3 participants confirmed receipt.", "Not yet: @alice, @carol",
    ]
    chat.command("alice", "ack 1")
    chat.dm("carol", "ack 1")  # invited: she gets the minutes even though she never came
    assert "Everyone has confirmed." in chat.command("alice", "acks 1")[0].body


def test_receipts_in_chinese(chat: Chat) -> None:
    chat.channel = "产品组"
    started(chat, new=NEW_ZH, host="张三", start="开始 1")
    chat.command("张三", "结束")
    assert chat.dm("李四", "已阅 1")[0].message.text == "谢谢：你已确认收到 #1 的会议纪要。"
    report = chat.command("张三", "回执 1")[0].body
    assert [line for line in report.splitlines() if line][:2] == [
        "#1 的会议纪要：3 位参会人中 1 位已确认收到。", "尚未确认：@张三、@王五",
    ]


def test_receipts_are_for_participants_and_the_list_for_the_editors(chat: Chat) -> None:
    ended(chat)
    assert chat.dm("dave", "ack 1")[0].message.text == (
        "⚠️ Only participants of meeting #1 confirm its minutes.\nFor example: /meeting ack 3"
    )
    assert chat.command("bob", "acks 1")[0].message.text.startswith("⚠️ Only @alice")
    chat.command("alice", 'new "Later" tomorrow 3pm with @bob')
    assert chat.dm("bob", "ack 2")[0].message.text == "⚠️ Meeting #2 is scheduled, so that can't be done."
