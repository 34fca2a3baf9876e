"""Changing a meeting after it was announced: edit, agenda, invite, uninvite, extend, and what a reschedule or a
cancellation does to the card and to earlier answers. Every change must reach each participant as a short
supplementary notice in their language and timezone, refresh the card, replan the reminders and grow the
.ics SEQUENCE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlmodel import Session, col, select

from adapters.dingtalk.render import card, card_buttons, markdown
from adapters.slack.blocks import render
from bot.core import Core
from store.models import AgendaItem, Meeting, Notification, Participant, User
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings
from tests.harness import Chat, Sent

NEW = ('new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol recorder @dave '
       'agenda "Scope" 20m by @bob output: signed scope "Budget" 25m')
START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # tomorrow 15:00 in Shanghai


def meeting(chat: Chat) -> Meeting:
    with Session(chat.core.engine) as session:
        return session.exec(select(Meeting).where(Meeting.number == 1)).one()


def answers(chat: Chat) -> dict[str, str | None]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Participant, User).where(Participant.user_id == User.id)).all()
        return {u.display_name: p.rsvp for p, u in rows}


def agenda(chat: Chat) -> list[tuple[int, str]]:
    with Session(chat.core.engine) as session:
        items = session.exec(select(AgendaItem).order_by(col(AgendaItem.position))).all()
        return [(i.position, i.title) for i in items]


def pending(chat: Chat) -> list[tuple[str, datetime, int | None]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Notification).where(Notification.status == "pending",
                                                       Notification.kind != "outbox")).all()
        return sorted((n.kind, n.due_at, n.recipient_id) for n in rows)


def user_id(chat: Chat, name: str) -> int:
    with Session(chat.core.engine) as session:
        found = session.exec(select(User).where(User.display_name == name)).one().id
        assert found is not None
        return found


def profile(chat: Chat, name: str, *, tz: str | None = None, lang: str | None = None) -> None:
    """What the platform tells us about a person: their timezone and language."""
    with Session(chat.core.engine) as session:
        user = session.exec(select(User).where(User.display_name == name)).one()
        user.timezone, user.language = tz, lang
        session.add(user)
        session.commit()


def notices(posted: list[Sent]) -> dict[str, str]:
    """The private messages a change sent, by recipient."""
    return {s.message.target.user or "": s.body for s in posted if s.message.target.kind == "direct"}


@pytest.fixture
def planned(chat: Chat) -> Chat:
    """Meeting #1 tomorrow 15:00, hosted by alice; bob said yes."""
    chat.command("alice", NEW)
    chat.react("bob", "✅", "m1")
    return chat


def card_of(chat: Chat) -> Sent:
    return chat.by_id["m1"]


# ---- edit --------------------------------------------------------------------------------------------


def test_edit_place_tells_every_participant_and_refreshes_the_card(planned: Chat) -> None:
    posted = planned.command("alice", "edit 1 place Room 5")
    told = notices(posted)
    assert sorted(told) == ["bob", "carol", "dave"]  # everyone but alice, who made the change
    assert "📣 Supplementary notice: #1 Q3 roadmap" in told["bob"]
    assert "alice changed the meeting: place changed from “—” to “Room 5”." in told["bob"]
    assert meeting(planned).location == "Room 5" and meeting(planned).revision == 1
    assert "Where: Room 5" in card_of(planned).body and "✏️ Changed since it was announced (update 1)" in \
        card_of(planned).body
    assert card_of(planned).current.buttons  # still asking: only what changed is new
    assert any("✏️ #1 Q3 roadmap: place changed" in s.body for s in planned.in_channel())
    assert answers(planned)["bob"] == "yes"  # a new room is no reason to ask again


@pytest.mark.parametrize(
    "text, column, value",
    [
        pytest.param("edit 1 title Q3 plan", "title", "Q3 plan", id="title"),
        pytest.param("edit 1 goal: agree the scope", "goal", "agree the scope", id="goal"),
        pytest.param("edit 1 outcome a signed scope", "expected_outcome", "a signed scope", id="outcome"),
        pytest.param("edit 1 link https://meet.example.com/q3", "link", "https://meet.example.com/q3", id="link"),
        pytest.param("修改 1 地点 5号会议室", "location", "5号会议室", id="zh-place"),
        pytest.param("修改 1 标题：Q3规划会", "title", "Q3规划会", id="zh-title"),
        pytest.param("修改 1 预期成果 签字的范围", "expected_outcome", "签字的范围", id="zh-outcome"),
        pytest.param("编辑 1 地点 三楼会议室", "location", "三楼会议室", id="zh-synonym-编辑"),
        pytest.param("更改 1 目标 确定范围", "goal", "确定范围", id="zh-synonym-更改"),
        pytest.param("change 1 place Room 2", "location", "Room 2", id="synonym-change"),
    ],
)
def test_each_detail_can_be_edited(planned: Chat, text: str, column: str, value: str) -> None:
    posted = planned.command("alice", text)
    assert getattr(meeting(planned), column) == value and meeting(planned).revision == 1
    assert value in notices(posted)["carol"]


def test_the_same_value_changes_nothing_and_tells_nobody(planned: Chat) -> None:
    planned.command("alice", "edit 1 place Room 5")
    again = planned.command("alice", "edit 1 place Room 5")
    assert len(again) == 1 and "already that: nothing changed" in again[0].body
    assert meeting(planned).revision == 1


def test_the_notice_is_in_each_readers_language_and_timezone(planned: Chat) -> None:
    profile(planned, "carol", tz="Europe/Berlin", lang="zh")
    posted = planned.command("alice", "extend 1 30m demo")
    told = notices(posted)
    assert "📣 补充通知：#1 Q3 roadmap" in told["carol"]
    assert "延长 30 分钟：现在结束时间为 2026-11-24 09:30（周二）Europe/Berlin。原因：demo" in told["carol"]
    assert "it now ends 2026-11-24 16:30 (Tue) Asia/Shanghai. Reason: demo" in told["bob"]


# ---- a new time is a reschedule ----------------------------------------------------------------------


def test_edit_time_is_a_reschedule_that_clears_answers_and_asks_again(planned: Chat) -> None:
    posted = planned.command("alice", "edit 1 time friday 10am")
    new_start = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    m = meeting(planned)
    assert m.start_at == new_start and m.end_at == new_start + timedelta(hours=1) and m.revision == 1
    assert answers(planned) == {"alice": "yes", "bob": None, "carol": None, "dave": None}
    told = notices(posted)
    assert "moved #1 “Q3 roadmap” from 2026-11-24 15:00 (Tue)" in told["bob"]
    assert "Your earlier answer (“Coming”) was for the old time, so it was cleared: please answer again." in told["bob"]
    assert "earlier answer" not in told["carol"]  # carol had not answered
    bob_notice = next(s for s in posted if s.message.target.user == "bob")
    assert [b.value for b in bob_notice.message.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    assert "No answer yet: @bob, @carol, @dave" in card_of(planned).body
    # the reminders follow: nothing is left at the old time, and bob is chased again
    assert any(kind == "rsvp_chase" and who == user_id(planned, "bob") for kind, _due, who in pending(planned))
    assert ("meeting_reminder", new_start - timedelta(minutes=15), None) in pending(planned)
    assert all(due > START for _kind, due, _who in pending(planned))


def test_an_answer_on_the_invitation_from_before_a_reschedule_says_the_time_it_is_for(planned: Chat) -> None:
    """carol's first invitation is updated in place (the new time, no buttons, pointing to the notice), but a
    click that still comes from it as first shown counts (she answered), and the reply says the meeting changed
    and which time the answer is for — never silently."""
    invitation = next(s for s in planned.to("carol") if s.message.ref and s.message.ref.kind == "invitation")
    planned.command("alice", "reschedule 1 friday 10am")
    assert invitation.current.buttons == ()
    reply = planned.click("carol", invitation.id, "Accept", as_first_posted=True)
    assert "Noted: you're coming to #1 Q3 roadmap." in reply[-1].body
    assert "That invitation is out of date: #1 has changed since. Your answer is for the time it has now, " \
           "2026-11-27 10:00 (Fri) Asia/Shanghai." in reply[-1].body
    assert answers(planned)["carol"] == "yes"
    notice = next(s for s in planned.to("carol") if "Supplementary notice" in (s.message.title or ""))
    assert "out of date" not in planned.click("carol", notice.id, "Decline")[-1].body  # the new one is current


def test_reschedule_itself_asks_again_and_the_chase_reaches_who_answered_before(planned: Chat) -> None:
    planned.command("alice", "reschedule 1 friday 10am")
    chased = planned.advance(timedelta(days=3))
    assert "bob" in [s.message.target.user for s in chased if "Please answer by" in s.body]


def test_a_reschedule_typed_in_chinese_tells_in_chinese(planned: Chat) -> None:
    profile(planned, "bob", lang="zh")
    told = notices(planned.command("alice", "修改 1 时间 周五上午10点"))
    assert "你之前的回复（“参加”）针对的是原时间，已清除：请重新回复。" in told["bob"]
    assert meeting(planned).start_at == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


# ---- agenda ------------------------------------------------------------------------------------------


def test_agenda_add_move_remove(planned: Chat) -> None:
    posted = planned.command("alice", 'agenda 1 add "Risks" 10m by @carol output: a risk list')
    assert agenda(planned) == [(1, "Scope"), (2, "Budget"), (3, "Risks")]
    assert "agenda item added: Risks (10 min) · by @carol · output: a risk list" in notices(posted)["dave"]
    planned.command("alice", "agenda 1 move 3 to 1")
    assert agenda(planned) == [(1, "Risks"), (2, "Scope"), (3, "Budget")]
    posted = planned.command("alice", "agenda 1 remove 2")
    assert agenda(planned) == [(1, "Risks"), (2, "Budget")]
    assert "agenda item 2 “Scope” removed. The agenda now:\n1. Risks" in notices(posted)["bob"]
    planned.command("alice", "议程 1 移动 1 到 2")
    assert agenda(planned) == [(1, "Budget"), (2, "Risks")]
    assert meeting(planned).revision == 4
    assert "2. Risks (10 min) · by @carol · output: a risk list" in card_of(planned).body


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('agenda 1 add "Risks" 10m by@carol output: a risk list', id="glued-by"),
        pytest.param("议程 1 添加 「Risks」 10分钟 主讲@carol 输出物：a risk list", id="zh-glued-主讲"),
        pytest.param("议程 1 添加 「Risks」 10分钟 由 @carol 主讲 输出物：a risk list", id="zh-由-主讲"),
        pytest.param("议程 1 添加 「Risks」 10分钟 由@carol 输出物：a risk list", id="zh-glued-由"),
    ],
)
def test_a_presenter_is_read_however_it_is_written(planned: Chat, text: str) -> None:
    """Chinese is often typed without spaces ("主讲@李四"), and "由 @李四 (主讲)" is how it is said: the presenter
    is read, never lost inside an agenda item's title (or a new item made of the words)."""
    planned.command("alice", text)
    with Session(planned.core.engine) as session:
        item = session.exec(select(AgendaItem).where(AgendaItem.position == 3)).one()
        carol = session.exec(select(User).where(User.display_name == "carol")).one()
    assert (item.title, item.presenter_id, item.expected_output) == ("Risks", carol.id, "a risk list")
    assert len(agenda(planned)) == 3


def test_a_glued_presenter_on_a_new_meeting_is_read(chat: Chat) -> None:
    chat.command("张三", '新建 "A" 明天下午3点 1小时 参会@李四 议程 "范围" 20分钟 主讲@李四 输出物：签字的范围 '
                         '"预算" 25分钟')
    with Session(chat.core.engine) as session:
        items = session.exec(select(AgendaItem).order_by(col(AgendaItem.position))).all()
        people = session.exec(select(Participant)).all()
    assert [(i.title, i.expected_output, i.presenter_id is not None) for i in items] == [
        ("范围", "签字的范围", True), ("预算", None, False)]
    assert len(people) == 2  # 张三 and 李四


def test_an_unquoted_agenda_title_runs_to_its_details_and_an_overrun_is_said(planned: Chat) -> None:
    posted = planned.command("alice", "agenda 1 add Hiring plan review 30m")
    assert agenda(planned)[-1] == (3, "Hiring plan review")
    assert any("the agenda adds up to 75 min but the meeting is 60 min" in s.body for s in posted)


def test_agenda_items_already_discussed_stay(planned: Chat) -> None:
    planned.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    planned.command("alice", "start 1")
    refusal = planned.command("alice", "agenda 1 remove 1")
    assert "“Scope” has already been discussed" in refusal[0].body
    planned.command("alice", "agenda 1 add Risks 5m")  # a running meeting's agenda still grows
    assert agenda(planned) == [(1, "Scope"), (2, "Budget"), (3, "Risks")]
    assert "Meeting #1 has no agenda item 7 (it has 3)" in planned.command("alice", "agenda 1 move 7 to 1")[0].body


# ---- people ------------------------------------------------------------------------------------------


def test_invite_sends_the_invitation_with_buttons_and_plans_the_chase(planned: Chat) -> None:
    posted = planned.command("alice", "invite 1 @erin optional")
    invitation = next(s for s in posted if s.message.target.user == "erin")
    assert "alice invited you to “Q3 roadmap” as optional." in invitation.body
    assert "1. Scope (20 min) · by @bob · output: signed scope" in invitation.body
    assert [b.value for b in invitation.message.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    assert "@erin invited (optional)." in notices(posted)["bob"]
    assert answers(planned)["erin"] is None and meeting(planned).revision == 1
    assert any(kind == "rsvp_chase" and who == user_id(planned, "erin") for kind, _d, who in pending(planned))
    planned.click("erin", invitation.id, "Accept")
    assert answers(planned)["erin"] == "yes"
    again = planned.command("alice", "邀请 1 @erin")
    assert "@erin 已在 #1 的参会人中" in again[0].body and meeting(planned).revision == 1


def test_uninvite_tells_the_person_and_stops_their_reminders(planned: Chat) -> None:
    carol = user_id(planned, "carol")
    assert any(who == carol for _k, _d, who in pending(planned))
    posted = planned.command("alice", "uninvite 1 @carol")
    told = notices(posted)
    assert "you are no longer expected" in told["carol"] and "@carol no longer invited." in told["bob"]
    assert "carol" not in answers(planned) and all(who != carol for _k, _d, who in pending(planned))
    assert "@carol" not in card_of(planned).body
    assert "@alice hosts #1, so they can't be taken off it." in planned.command("alice", "uninvite 1 @alice")[0].body
    assert "@zed 不是 #1 的参会人。" in planned.command("alice", "移除 1 @zed")[0].body


# ---- extend ------------------------------------------------------------------------------------------


def test_extend_before_and_during_the_meeting(planned: Chat) -> None:
    def reminders() -> list[tuple[str, datetime, int | None]]:
        return [row for row in pending(planned) if row[0] == "meeting_reminder"]

    before = reminders()
    posted = planned.command("alice", "extend 1 30m the demo needs more time")
    assert meeting(planned).end_at == START + timedelta(minutes=90) and meeting(planned).revision == 1
    assert "extended by 30 min: it now ends 2026-11-24 16:30 (Tue) Asia/Shanghai. Reason: the demo" in \
        notices(posted)["bob"]
    assert reminders() == before  # the start did not move, so neither did its reminders
    planned.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    planned.command("alice", "start 1")
    timers = [row for row in pending(planned) if row[0] != "sum_up"]
    sum_up = START + timedelta(minutes=90) - timedelta(minutes=10)
    assert [row[:2] for row in pending(planned) if row[0] == "sum_up"] == [("sum_up", sum_up)]
    planned.command("alice", "延长 1 半小时 讨论没结束")
    assert meeting(planned).end_at == START + timedelta(hours=2)
    assert [row for row in pending(planned) if row[0] != "sum_up"] == timers  # the agenda's timers keep running
    # the host's "time to sum up" follows the new end: ten minutes before it, not before the old one
    assert [row[:2] for row in pending(planned) if row[0] == "sum_up"] == [("sum_up", sum_up + timedelta(minutes=30))]


# ---- who may, and bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["edit 1 place Room 5", "edit 1 time friday 10am", "agenda 1 add Risks 5m", "agenda 1 remove 1",
     "invite 1 @erin", "uninvite 1 @carol", "extend 1 30m"],
)
def test_only_the_editors_change_a_meeting(planned: Chat, text: str) -> None:
    refusal = planned.command("bob", text)
    assert len(refusal) == 1 and refusal[0].message.target.kind == "ephemeral"
    assert "Only @alice, @dave can change meeting #1" in refusal[0].body
    assert meeting(planned).revision == 0 and len(agenda(planned)) == 2


def test_inviting_someone_already_there_changes_nothing_and_says_so(planned: Chat) -> None:
    reply = planned.command("alice", "invite 1 @bob")[0].body.strip()
    assert reply == "Already taking part in #1: @bob. Nothing changed."
    assert meeting(planned).revision == 0


def test_the_recorder_may_change_it_too(planned: Chat) -> None:
    planned.command("dave", "edit 1 place Room 7")
    assert meeting(planned).location == "Room 7"


@pytest.mark.parametrize(
    "text, said, example",
    [
        pytest.param("edit 1 colour red", "I can't change “colour”", "/meeting edit 3 place Room 5", id="field"),
        pytest.param("edit 1 place", "What should the place be?", "/meeting edit 3 place", id="no-value"),
        pytest.param("edit 1 link meet dot com", "“meet dot com” is not a link", "edit 3 link https://", id="link"),
        pytest.param("edit 1 time someday", "I couldn't read “someday” as a time", "/meeting edit 3 time", id="time"),
        pytest.param("edit 1 time tomorrow", "tomorrow", "/meeting edit 3 time friday 10am", id="time-day-only"),
        pytest.param("agenda 1 shuffle", "“shuffle” is not something I can do to an agenda", "agenda 3 add",
                     id="agenda-action"),
        pytest.param("agenda 1 move 2", "Which agenda item?", "agenda 3 move 3 to 1", id="agenda-no-target"),
        pytest.param("agenda 1 add 20m", "needs a title", "agenda 3 add", id="agenda-no-title"),
        pytest.param("invite 1 erin", "I didn't understand “erin”", "/meeting invite 3 @erin", id="invite-no-at"),
        pytest.param("uninvite 1", "needs a meeting number and the people", "/meeting uninvite 3 @erin",
                     id="uninvite-nobody"),
        pytest.param("extend 1 a while", "I couldn't read “a” as a length", "/meeting extend 3 30m", id="extend"),
        pytest.param("extend 1 2d", "I couldn't read “2d” as a length", "/meeting extend 3 30m", id="extend-days"),
        pytest.param("extend 1 13h", "longer than a meeting can be extended", "extend 3 30m", id="extend-long"),
        pytest.param("extend 9 30m", "There is no meeting #9 that you can see", "", id="no-meeting"),
        pytest.param("修改 1 颜色 红", "无法修改“颜色”", "/meeting 修改 3 地点 5号会议室", id="zh-field"),
        pytest.param("议程 1 打乱", "“打乱”不是议程操作", "/meeting 议程 3 添加", id="zh-agenda"),
        pytest.param("延长 1 一会儿", "“一会儿”", "/meeting 延长 3 30分钟", id="zh-extend"),
        pytest.param("邀请 1", "需要会议编号和相关的人", "/meeting 邀请 3 @钱七 列席", id="zh-invite"),
        # nothing after the number: the reply asks what to change, never about an empty “”
        pytest.param("edit 1", "What should change in #1? Say title, time", "/meeting edit 3 place", id="no-field"),
        pytest.param("agenda 1", "What should happen to the agenda of #1?", "agenda 3 add", id="agenda-nothing"),
        pytest.param("修改 1", "要修改 #1 的什么？", "/meeting 修改 3 地点", id="zh-no-field"),
        pytest.param("议程 1", "要对 #1 的议程做什么？", "/meeting 议程 3 添加", id="zh-agenda-nothing"),
    ],
)
def test_bad_input_says_what_was_wrong_with_an_example(planned: Chat, text: str, said: str, example: str) -> None:
    reply = planned.command("alice", text)
    assert len(reply) == 1 and said in reply[0].body and example in reply[0].body, reply[0].body
    assert meeting(planned).revision == 0


def test_a_cancelled_or_ended_meeting_cannot_be_changed(planned: Chat) -> None:
    planned.command("alice", "cancel 1")
    assert "Meeting #1 is cancelled, so that can't be done." in planned.command("alice", "edit 1 place Room 5")[0].body
    assert "#1 号会议当前状态为“已取消”" in planned.command("alice", "延长 1 30分钟")[0].body


def test_a_confidential_meeting_change_is_not_said_in_the_channel(chat: Chat) -> None:
    chat.command("alice", 'new "Layoffs" tomorrow 3pm with @bob confidential')
    posted = chat.command("alice", "edit 1 title Reorganisation")
    in_channel = [s for s in posted if s.message.target.kind == "channel"]
    assert all("Reorganisation" not in s.body and "Layoffs" not in s.body for s in in_channel)
    assert "title changed from “Layoffs” to “Reorganisation”" in notices(posted)["bob"]


# ---- the calendar file, the card, and the minutes ----------------------------------------------------


def test_each_change_grows_the_ics_sequence(planned: Chat) -> None:
    for text in ("edit 1 link https://meet.example.com/q3", "agenda 1 remove 2", "invite 1 @erin",
                 "extend 1 15m", "edit 1 time friday 10am"):
        planned.command("alice", text)
    ics = planned.command("alice", "export 1 ics")[0].message.attachments[0]
    event = next(iter(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")))
    assert event.decoded("SEQUENCE") == 5
    assert str(event.get("URL")) == "https://meet.example.com/q3"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=75)


def test_a_cancelled_card_says_so_and_stops_asking(planned: Chat) -> None:
    planned.command("alice", "cancel 1 offsite")
    cancelled = card_of(planned).current
    assert cancelled.buttons == () and "Will you come?" not in card_of(planned).body
    assert "❌ Cancelled (offsite): nothing to answer any more." in cancelled.text
    # Slack: no actions block; DingTalk: no card buttons and no words to type for an answer
    blocks = render(cancelled)["blocks"]
    assert "actions" not in [b["type"] for b in blocks]
    assert "Cancelled (offsite)" in str(blocks) and "Will you come" not in str(blocks)
    assert card_buttons(card(cancelled, "en")) == []
    assert "rsvp" not in str(markdown(cancelled, "en"))
    # and the same card still open asks, with its three buttons
    planned.command("alice", 'new "Retro" friday 3pm with @bob')
    open_card = next(s for s in planned.in_channel() if "Retro" in s.body).current
    assert "actions" in [b["type"] for b in render(open_card)["blocks"]]


def test_presenter_and_output_in_the_invitation_and_the_minutes(planned: Chat) -> None:
    assert "1. Scope (20 min) · by @bob · output: signed scope" in planned.to("bob")[0].body
    planned.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    planned.command("alice", "start 1")
    minutes = planned.say("alice", "#endmeeting")
    body = next(s.body for s in minutes if "Minutes" in s.body)
    assert "1. Scope: planned 20 min, actual 0 min · by @bob · output: signed scope" in body


def test_output_in_chinese_is_not_an_agenda_item(chat: Chat) -> None:
    chat.command("alice", '新建 "周会" 明天下午3点 参会 @张三 '
                          '议程 "范围" 20分钟 主讲 @张三 输出物：签字的范围 "预算" 25分钟')
    assert agenda(chat) == [(1, "范围"), (2, "预算")]
    assert "1. 范围（20 分钟） · 主讲 @张三 · 输出物：签字的范围" in chat.to("张三")[0].body


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_every_kind_of_change_on_both_databases(request: pytest.FixtureRequest, database: str) -> None:
    """Rows deleted (an agenda item, a participant) and renumbered the same way on SQLite and PostgreSQL."""
    if database == "postgresql":
        chat = Chat(Core(make_settings(request.getfixturevalue("pg_migrated_url")),
                         request.getfixturevalue("pg_migrated_engine")),
                    MONDAY_9AM)
    else:
        chat = request.getfixturevalue("chat")
    chat.command("alice", NEW)
    for text in ("edit 1 goal: agree the scope", 'agenda 1 add "Risks" 10m', "agenda 1 move 3 to 1",
                 "agenda 1 remove 2", "invite 1 @erin", "uninvite 1 @carol", "extend 1 1h", "edit 1 time friday 10am"):
        chat.command("alice", text)
    m = meeting(chat)
    assert (m.goal, m.revision, m.end_at - m.start_at) == ("agree the scope", 8, timedelta(hours=2))
    assert agenda(chat) == [(1, "Risks"), (2, "Budget")]
    assert sorted(answers(chat)) == ["alice", "bob", "dave", "erin"]
