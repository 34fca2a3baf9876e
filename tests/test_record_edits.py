"""Correcting the record (issue 12): reassign, assign, edit item, verdicts, and replies that read like commands.

Monday 2026-11-23 09:00 in Shanghai is "now" (the harness's pinned clock). An item due Friday 11-27 has its
reminders on Wednesday 11-25 (2 working days before), on Friday and on Monday 11-30 (overdue).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from bot import access, exports
from bot.command_types import EditItem
from bot.commands import parse_command
from bot.core import Core
from bot.errors import ParseError
from bot.i18n import Lang, t
from store.models import ActionItem, ActionItemEvent, Decision, Meeting, Notification, User
from tests.conftest import SHANGHAI
from tests.harness import Chat, ManualClock, Sent

FRIDAY = date(2026, 11, 27)


@pytest.fixture
def chat(core: Core, clock: ManualClock) -> Chat:
    return Chat(core, clock.now)


def item(chat: Chat, number: int = 1) -> ActionItem:
    with Session(chat.core.engine) as session:
        return session.exec(select(ActionItem).where(ActionItem.number == number)).one()


def owner_name(chat: Chat, number: int = 1) -> str | None:
    with Session(chat.core.engine) as session:
        found = session.exec(select(ActionItem).where(ActionItem.number == number)).one()
        owner = session.get(User, found.owner_id) if found.owner_id else None
        return owner.display_name if owner else None


def events(chat: Chat, number: int = 1) -> list[tuple[str, str | None, str | None, str | None]]:
    with Session(chat.core.engine) as session:
        found = session.exec(select(ActionItem).where(ActionItem.number == number)).one()
        rows = session.exec(select(ActionItemEvent).where(ActionItemEvent.action_item_id == found.id)
                            .order_by(col(ActionItemEvent.id))).all()
        return [(e.change, e.old_value, e.new_value, e.note) for e in rows]


def pending_reminders(chat: Chat, number: int = 1) -> list[tuple[str, str, str]]:
    """(kind, recipient, local day) of the item's pending reminders."""
    with Session(chat.core.engine) as session:
        found = session.exec(select(ActionItem).where(ActionItem.number == number)).one()
        rows = session.exec(select(Notification, User).where(
            Notification.action_item_id == found.id, Notification.status == "pending",
            Notification.recipient_id == User.id)).all()
        zone = chat.now.tzinfo
        return sorted((n.kind, u.display_name, f"{n.due_at.astimezone(zone):%m-%d}") for n, u in rows)


def bodies(sent: list[Sent]) -> str:
    return "\n".join(s.body for s in sent)


def assign_bob(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")


# -- reassign


def test_reassign_gives_the_item_and_its_reminders_to_the_new_owner(chat: Chat) -> None:
    assign_bob(chat)
    chat.click("bob", chat.to("bob")[-1].id, "Accept")
    assert ("item_before", "bob", "11-25") in pending_reminders(chat)
    said = chat.command("alice", "reassign 1 @carol bob is on leave")
    assert "🔁 #1 moves from @bob to @carol" in said[0].body and "bob is on leave" in said[0].body
    note = chat.to("carol")[-1]
    assert note.message.title == "New action item #1"
    assert [b.label for b in note.message.buttons] == ["Accept", "Can't do", "Done"]
    assert "gave #1 “write the spec” to @carol: it is no longer yours" in chat.to("bob")[-1].body
    got = item(chat)
    assert owner_name(chat) == "carol" and got.acknowledged_at is None  # carol accepts anew
    assert pending_reminders(chat) == [  # carol is chased; alice hears if carol does not accept
        ("item_before", "carol", "11-25"), ("item_confirm_check", "alice", "11-24"), ("item_due", "carol", "11-27"),
        ("item_escalation", "alice", "12-03"), ("item_overdue", "carol", "11-30")]
    owner_change = events(chat)[-1]
    assert owner_change[0] == "owner" and owner_change[3] == "bob is on leave"
    # Wednesday's reminder reaches carol, not bob
    wednesday = chat.advance(timedelta(days=2, hours=1))
    assert any(s.message.target.user == "carol" and "#1" in s.body for s in wednesday)
    assert not any(s.message.target.user == "bob" for s in wednesday)
    # carol's "done" reply to her note closes the item; bob's old note no longer does
    refused = chat.dm("bob", "done", reply_to=chat.to("bob")[0].id)
    assert "Only" in refused[0].body and item(chat).status == "open"
    chat.dm("carol", "done", reply_to=note.id)
    assert item(chat).status == "done"


def test_the_owner_may_hand_over_and_the_requester_is_told(chat: Chat) -> None:
    assign_bob(chat)
    chat.dm("bob", "reassign 1 @carol")
    assert owner_name(chat) == "carol"
    news = chat.to("alice")[-1]
    assert "News from bob on #1" in news.body and "moves from @bob to @carol" in news.body


def test_only_owner_creator_or_meeting_editors_reassign(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob @carol @dave recorder @erin')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("bob", "#action @carol book the room")
    refused = chat.command("dave", "reassign 1 @dave")
    assert "⚠️ Only @carol, @bob, @alice, @erin can reassign or edit action item #1." in refused[0].body
    assert owner_name(chat) == "carol"
    chat.command("erin", "reassign 1 @dave")  # the meeting's recorder changes its record
    assert owner_name(chat) == "dave"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("reassign 1", "needs an @person after the number", id="no-person"),
        pytest.param("reassign 1 @carol @dave", "An action item has a single owner", id="two-people"),
        pytest.param("reassign one @carol", "“one” is not a number", id="bad-number"),
        pytest.param("reassign 1 @bob", "#1 already belongs to @bob.", id="same-owner"),
        pytest.param("reassign 9 @carol", "no action item #9", id="unknown"),
        pytest.param("转交 1", "需要在编号后 @ 一个人", id="zh-no-person"),
    ],
)
def test_reassign_bad_input_says_what_is_wrong(chat: Chat, text: str, expected: str) -> None:
    assign_bob(chat)
    reply = chat.command("alice", text)[0].body
    assert expected in reply.replace("No action item", "no action item")
    assert owner_name(chat) == "bob"


def test_reassign_bad_input_shows_an_example(chat: Chat) -> None:
    assign_bob(chat)
    assert "/meeting reassign 12 @carol bob is on leave" in chat.command("alice", "reassign 1")[0].body
    assert "/meeting 转交 12 @李四 张三休假" in chat.command("alice", "转交 1")[0].body


def test_a_closed_item_is_not_reassigned(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("bob", "done 1")
    assert "already" in chat.command("alice", "reassign 1 @carol")[0].body
    assert owner_name(chat) == "bob"


def test_reassign_in_chinese(chat: Chat) -> None:
    chat.command("张三", "行动 @李四 准备预算 周五前")
    said = chat.command("张三", "转交 1 给 @王五 李四出差")
    assert "🔁 #1 由 @李四 转交给 @王五" in said[0].body
    assert "已将 #1「准备预算」转交给 @王五" in chat.to("李四")[-1].body
    assert chat.to("王五")[-1].message.title == "新的行动项 #1"
    chat.command("张三", "改派 1 @李四")
    assert owner_name(chat) == "李四"


# -- assign


def test_assign_gives_an_unowned_meetbot_action_an_owner(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("alice", "#action somebody books the room by friday")
    assert owner_name(chat) is None and pending_reminders(chat) == []
    assert "has no owner yet: give it one with assign" in chat.command("alice", "reassign 1 @bob")[0].body
    said = chat.command("alice", "assign 1 @bob")
    assert "👤 #1 now belongs to @bob" in said[0].body
    assert chat.to("bob")[-1].message.title == "New action item #1"
    assert owner_name(chat) == "bob" and ("item_before", "bob", "11-25") in pending_reminders(chat)
    assert events(chat)[-1][:2] == ("owner", None)
    assert "already belongs to @bob: use reassign" in chat.command("alice", "assign 1 @carol")[0].body


def test_an_unowned_item_cannot_be_declined_or_accepted_and_the_reply_says_who_assigns_it(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("alice", "#action book the room")
    refused = chat.command("bob", "decline 1 on leave")[0].body
    assert "Action item #1 has no owner yet: the meeting's host, recorder or chairs give it one" in refused
    assert "/meeting assign 12 @bob" in refused and "Only —" not in refused
    assert "#1 号行动项还没有负责人" in chat.command("bob", "接受 1")[0].body
    assert item(chat).declined_reason is None


def test_assign_is_for_the_creator_and_the_meetings_editors(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob @carol')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("bob", "#action book the room")
    refused = chat.command("carol", "指派 1 @carol")
    assert "只有 @bob、@alice 可以转交或修改 #1 号行动项。" in refused[0].body
    chat.command("alice", "指派 1 @carol")
    assert owner_name(chat) == "carol"
    extra = chat.command("alice", "指派 1 @bob 现在")[0].body
    assert "我没看懂“现在”。" in extra and "/meeting 指派 12 @王五" in extra and owner_name(chat) == "carol"


# -- edit item


def test_edit_due_replans_reminders_and_tells_the_owner(chat: Chat) -> None:
    assign_bob(chat)
    said = chat.command("alice", "edit item 1 due next wednesday")
    assert "✏️ #1: due date changed from “2026-11-27 (Fri)” to “2026-12-02 (Wed)”." in said[0].body
    got = item(chat)
    assert got.due_on == date(2026, 12, 2) and got.original_due_on == date(2026, 12, 2)  # a correction
    reminders = pending_reminders(chat)
    assert ("item_due", "bob", "12-02") in reminders and ("item_before", "bob", "11-25") not in reminders
    assert ("item_before", "bob", "11-30") in reminders
    told = chat.to("bob")[-1].body
    assert "alice changed your action item #1: due date “2026-11-27 (Fri)” → “2026-12-02 (Wed)”" in told
    assert events(chat)[-1] == ("due", "2026-11-27", "2026-12-02", "edit")


@pytest.mark.parametrize("text", ["edit action 1 text write the full spec", "编辑 事项 1 内容 write the full spec",
                                  "修改 行动项 1 内容 write the full spec"])
def test_an_item_is_named_the_way_people_say_it(chat: Chat, text: str) -> None:
    assign_bob(chat)
    chat.command("alice", text)
    assert item(chat).text == "write the full spec"


def test_edit_due_says_what_it_assumed_and_refuses_what_it_cannot_read(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("alice", "edit item 1 due in 3 days")
    assert item(chat).due_on == date(2026, 11, 26)
    assumed = chat.command("alice", "edit item 1 due by next week")
    assert item(chat).due_on == FRIDAY and "“by next week” taken as this week's Friday" in bodies(assumed)
    bad = chat.command("alice", "edit item 1 due someday soon")[0].body
    assert "I couldn't read “someday soon” as a due date." in bad and "/meeting edit item 12 due next friday" in bad
    clash = chat.command("alice", "edit item 1 due Friday, December 5")[0].body
    assert "names two different days" in clash and "I read it as 2026-12-05" in clash
    assert item(chat).due_on == FRIDAY
    assert "#1 already says that" in chat.command("alice", "edit item 1 due friday")[0].body


@pytest.mark.parametrize(("text", "note"), [
    ("action @bob send the deck by monday", "a weekday that is today taken as next week's"),
    ("行动 @bob 发材料 周一前", "所说的星期几就是今天，按下周的这一天计"),
])
def test_a_deadline_naming_todays_weekday_is_next_weeks_and_says_so(chat: Chat, text: str, note: str) -> None:
    assert chat.now.weekday() == 0  # the chat's Monday
    said = chat.command("alice", text)
    assert item(chat).due_on == date(2026, 11, 30) and note in bodies(said)
    chat.command("alice", "edit item 1 due this monday")
    assert item(chat).due_on == date(2026, 11, 23)


def test_edit_text_and_deliverable(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("alice", "edit item 1 text write the API part of the spec")
    chat.command("alice", "edit item 1 deliverable: spec doc in the wiki")
    got = item(chat)
    assert (got.text, got.deliverable) == ("write the API part of the spec", "spec doc in the wiki")
    assert "text “write the spec” → “write the API part of the spec”" in chat.to("bob")[-2].body
    assert [e[0] for e in events(chat)][-2:] == ["text", "deliverable"]
    assert "already says that" in chat.command("alice", "edit item 1 deliverable spec doc in the wiki")[0].body


def test_edit_item_in_chinese(chat: Chat) -> None:
    chat.command("张三", "行动 @李四 准备预算 周五前")
    said = chat.command("张三", "修改 事项 1 截止 下周三")
    assert "✏️ #1：截止日期由“2026-11-27（周五）”改为“2026-12-02（周三）”。" in said[0].body
    chat.command("张三", "修改 事项 1 内容：准备第三季度预算")
    chat.command("张三", "修改 事项 1 交付物 预算表")
    got = item(chat)
    assert (got.text, got.deliverable, got.due_on) == ("准备第三季度预算", "预算表", date(2026, 12, 2))
    assert "张三 修改了你的行动项 #1" in chat.to("李四")[-1].body


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        pytest.param("alice", "edit item one due friday", "“one” is not a number", id="bad-number"),
        pytest.param("alice", "edit item 1 colour red", "say what to change — text, due or deliverable", id="field"),
        pytest.param("alice", "edit item 1 text", "What should the text be? Give the new value", id="no-text"),
        # nothing to read: the reply names what is missing, never an empty “”
        pytest.param("alice", "edit item 1", "What should change in action item #1? Say text, due", id="no-field"),
        pytest.param("alice", "edit item 1 due", "What should the due date be? Give the new value", id="no-due"),
        pytest.param("alice", "修改 事项 1", "要修改 #1 号行动项的什么？", id="zh-no-field"),
        pytest.param("alice", "修改 事项 1 截止", "截止要改成什么？", id="zh-no-due"),
        pytest.param("carol", "edit item 1 text mine now", "Only @bob, @alice can reassign or edit", id="refused"),
        pytest.param("alice", "修改 事项 1 颜色 红", "请说明要改什么", id="zh-field"),
    ],
)
def test_edit_item_refusals_and_bad_input(chat: Chat, who: str, text: str, expected: str) -> None:
    assign_bob(chat)
    assert expected in chat.command(who, text)[0].body
    assert item(chat).text == "write the spec"


# -- #action naming two owners


def test_a_meetbot_action_naming_two_owners_makes_one_item_each(chat: Chat) -> None:
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob @carol')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    said = chat.say("alice", "#action @bob @carol write the spec by friday")
    assert [(item(chat, n).text, owner_name(chat, n), item(chat, n).due_on) for n in (1, 2)] == [
        ("write the spec", "bob", FRIDAY), ("write the spec", "carol", FRIDAY)]
    assert "this became 2 items, one per owner: #1, #2" in bodies(said)
    assert chat.to("bob")[-1].message.title == "New action item #1"
    assert chat.to("carol")[-1].message.title == "New action item #2"


def test_a_meetbot_action_naming_two_owners_in_chinese(chat: Chat) -> None:
    chat.command("张三", '新建 "周会" 明天下午3点 参会 @李四 @王五')
    chat.command("张三", "开始 1")
    chat.say("张三", "确认")  # 比原定时间早一天：先确认
    said = chat.say("张三", "#action @李四、@王五 写方案 周五前")
    assert [(item(chat, n).text, owner_name(chat, n)) for n in (1, 2)] == [("写方案", "李四"), ("写方案", "王五")]
    assert "每人一项：#1、#2。" in bodies(said)  # numbers listed as Chinese lists them


# -- verdicts


def verdicts(chat: Chat) -> list[tuple[str, str | None]]:
    with Session(chat.core.engine) as session:
        return [(d.text, d.verdict) for d in session.exec(select(Decision).order_by(col(Decision.seq)))]


def test_a_decision_carries_its_verdict_into_the_post_minutes_and_export(chat: Chat) -> None:
    chat.command("alice", 'new "Budget review" tomorrow 3pm with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    posted = chat.say("alice", "#agreed deferred: the Q3 budget")
    assert "✅ Decision: the Q3 budget — verdict: deferred" in posted[0].body
    assert "Decision 1.1" in posted[0].body
    chat.command("alice", "decision hire two contractors because the backlog grew")
    chat.command("alice", "decision needs more material: a second office")
    assert verdicts(chat) == [("the Q3 budget", "deferred"), ("hire two contractors", None),
                              ("a second office", "more_material")]
    said = chat.command("alice", "verdict 1.2 approved")
    assert "⚖️ Decision 1.2 “hire two contractors”: approved." in said[0].body
    minutes = chat.command("alice", "end")
    text = bodies(minutes)
    assert "1. the Q3 budget — verdict: deferred" in text
    assert "2. hire two contractors — because the backlog grew — verdict: approved" in text
    assert "3. a second office — verdict: needs more material" in text
    with Session(chat.core.engine) as session:
        record = exports.load_record(session, session.exec(select(Meeting)).one())
    markdown = exports.minutes_markdown(record, "en", chat.now.tzinfo)  # type: ignore[arg-type]
    assert "the Q3 budget — verdict: deferred" in markdown
    zh = exports.minutes_markdown(record, "zh", chat.now.tzinfo)  # type: ignore[arg-type]
    assert "结论：暂缓" in zh and "结论：需补充材料" in zh
    # after the meeting, its host may still set a verdict
    chat.command("alice", "verdict 1 3 approved")
    assert verdicts(chat)[2] == ("a second office", "approved")


def test_verdicts_in_chinese(chat: Chat) -> None:
    chat.command("张三", '新建 "预算会" 明天下午3点 参会 @李四')
    chat.command("张三", "开始 1")
    chat.say("张三", "确认")  # 比原定时间早一天：先确认
    assert "✅ 决议：第三季度预算 — 结论：暂缓" in chat.say("张三", "#agreed 暂缓：第三季度预算")[0].body
    chat.command("张三", "决定 需补充材料：新办公室")
    said = chat.command("张三", "结论 1.2 同意")
    assert "⚖️ 决议 1.2「新办公室」：同意。" in said[0].body
    assert verdicts(chat) == [("第三季度预算", "deferred"), ("新办公室", "approved")]
    chat.command("张三", "决议 通过：招聘方案")  # 通过 is how a meeting says "approved" too
    chat.command("张三", "决议 暂缓 招聘")  # no colon: the decision's own words, not a verdict
    assert verdicts(chat)[2:] == [("招聘方案", "approved"), ("暂缓 招聘", None)]


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        pytest.param("bob", "verdict 1.1 approved", "Only @alice can set the verdict of this decision.", id="refused"),
        pytest.param("alice", "verdict 1.1 maybe", "“maybe” is not a verdict: say approved, deferred or needs more "
                     "material.\nFor example: /meeting verdict 3.2 deferred", id="bad-verdict"),
        pytest.param("alice", "verdict 1.5 approved", "Meeting #1 has 1 decision(s): there is no decision 1.5.",
                     id="no-such-decision"),
        pytest.param("alice", "verdict 1.1 deferred", "That decision is already deferred.", id="unchanged"),
        pytest.param("alice", "verdict 7.1 approved", "no meeting #7", id="no-meeting"),
        pytest.param("alice", "结论 1.1 也许", "“也许”不是结论：请写“同意”“暂缓”或“需补充材料”。", id="zh-bad-verdict"),
        pytest.param("alice", "verdict 1.1", "Which verdict for decision 1.1? Say approved", id="no-verdict"),
        pytest.param("alice", "结论 1.1", "决议 1.1 的结论是什么？", id="zh-no-verdict"),
    ],
)
def test_verdict_refusals_and_bad_input(chat: Chat, who: str, text: str, expected: str) -> None:
    chat.command("alice", 'new "Budget review" tomorrow 3pm with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("alice", "#agreed deferred: the Q3 budget")
    reply = chat.command(who, text)[0]
    assert expected in reply.body or expected in f"{reply.message.text}\n{reply.message.context}"
    assert verdicts(chat) == [("the Q3 budget", "deferred")]


# -- replies in a private chat read like commands


def test_reopen_with_a_number_in_a_private_chat(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("bob", "done 1")
    chat.dm("alice", "reopen 1 the section is missing")
    assert item(chat).status == "open"
    assert "the section is missing" in chat.to("bob")[-1].body
    assert events(chat)[-1] == ("status", "done", "open", "the section is missing")


def test_decline_with_a_number_keeps_only_the_reason(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("alice", "action @bob book the room by friday")
    chat.dm("bob", "decline 1 on leave")
    assert item(chat, 1).declined_reason == "on leave" and item(chat, 2).declined_reason is None
    chat.dm("bob", "can't do: 2 trips that week")  # after a colon a number is part of the reason
    assert item(chat, 2).declined_reason == "2 trips that week"


def test_delay_two_days_as_a_reply_and_as_a_command(chat: Chat) -> None:
    assign_bob(chat)
    chat.dm("bob", "延期两天")
    assert item(chat).due_on == FRIDAY + timedelta(days=2)
    chat.command("alice", "延期 1 两天")
    assert item(chat).due_on == FRIDAY + timedelta(days=4)
    chat.command("alice", "delay 1 to 2026-12-10")
    assert item(chat).due_on == date(2026, 12, 10)
    chat.command("bob", "延期1 到12月11日")
    assert item(chat).due_on == date(2026, 12, 11)
    which = chat.command("alice", "delay 2 days")[0].body  # in a channel, with no reply: which one?
    assert "Which action item?" in which


def test_a_reassigned_item_no_longer_answers_the_old_owners_private_replies(chat: Chat) -> None:
    assign_bob(chat)
    chat.command("alice", "reassign 1 @carol")
    refused = chat.dm("bob", "done")
    assert "Which action item?" in refused[0].body and item(chat).status == "open"


# -- the rules themselves (bot/access.py), without a database

MEETING = access.MeetingFacts(confidential=False, creator_id=1, roles={2: "host", 3: "recorder", 4: "required"},
                              chairs=frozenset({5}))


@pytest.mark.parametrize(
    ("user", "meeting", "allowed"),
    [
        pytest.param(10, MEETING, True, id="owner"),
        pytest.param(11, MEETING, True, id="creator"),
        pytest.param(2, MEETING, True, id="host"),
        pytest.param(3, MEETING, True, id="recorder"),
        pytest.param(5, MEETING, True, id="chair"),
        pytest.param(4, MEETING, False, id="participant"),
        pytest.param(2, None, False, id="no-meeting-no-host"),
    ],
)
def test_who_may_change_an_item(user: int, meeting: access.MeetingFacts | None, allowed: bool) -> None:
    assert access.can_change_item(access.Viewer(user, f"u{user}"), 10, 11, meeting) is allowed


def test_who_may_set_a_verdict() -> None:
    assert access.can_change_decision(access.Viewer(3, "u3"), 4, MEETING)  # the recorder
    assert not access.can_change_decision(access.Viewer(4, "u4"), 4, MEETING)  # its author, a plain participant
    assert access.can_change_decision(access.Viewer(4, "u4"), 4, None)  # a lone decision: its author
    assert not access.can_change_decision(access.Viewer(2, "u2"), 4, None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_edit_item_examples_correct_an_action_item(lang: Lang, clock: ManualClock) -> None:
    """`edit item …` is reached through `edit` (which also changes meetings): its examples must parse to it."""
    for text in t(lang, "example.edit_item").split(" · "):
        assert isinstance(parse_command(text.strip(), now=clock.now, tz=SHANGHAI), EditItem), text
    with pytest.raises(ParseError) as raised:
        parse_command("edit item 3 colour red", now=clock.now, tz=SHANGHAI)
    assert raised.value.example_key == "example.edit_item"
