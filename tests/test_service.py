"""Every use case through the core's one entry point, on a real (in-memory SQLite) database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.errors import Undeliverable
from bot.messages import OutMessage
from store.models import ActionItem, ActionItemEvent, Decision, InboundEvent, Meeting, Notification, Participant, User
from tests.conftest import SHANGHAI
from tests.harness import Chat

NEW_Q3 = 'new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol recorder @dave agenda "Scope" 20m "Budget" 25m'


def meeting(chat: Chat, number: int = 1) -> Meeting:
    with Session(chat.core.engine) as session:
        return session.exec(select(Meeting).where(Meeting.number == number)).one()


def people(chat: Chat) -> dict[str, Participant]:
    from store.models import User

    with Session(chat.core.engine) as session:
        rows = session.exec(select(Participant, User).where(Participant.user_id == User.id)).all()
        return {u.display_name: p for p, u in rows}


def pending(chat: Chat) -> list[tuple[str, datetime]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(Notification).where(Notification.status == "pending")).all()
        return sorted((n.kind, n.due_at) for n in rows)


def action(chat: Chat, number: int) -> ActionItem:
    with Session(chat.core.engine) as session:
        return session.exec(select(ActionItem).where(ActionItem.number == number)).one()


# ---- create ----------------------------------------------------------------------------------------


def test_create_posts_a_prompt_invites_everyone_and_schedules_reminders(chat: Chat) -> None:
    posted = chat.command("alice", NEW_Q3)
    prompt = posted[0]
    assert prompt.message.target.kind == "channel"
    assert [b.value for b in prompt.message.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    assert "2026-11-24 15:00 (Tue) Asia/Shanghai" in prompt.body
    assert "1. Scope (20 min)" in prompt.body and "2. Budget (25 min)" in prompt.body
    assert sorted(s.message.target.user or "" for s in posted[1:]) == ["bob", "carol", "dave"]
    assert "as recorder" in chat.to("dave")[0].body
    roles = {name: p.role for name, p in people(chat).items()}
    assert roles == {"alice": "host", "bob": "required", "carol": "required", "dave": "recorder"}
    start = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 15:00 Shanghai
    assert pending(chat) == [
        ("meeting_reminder", start - timedelta(hours=24)),
        ("meeting_reminder", start - timedelta(minutes=15)),
        *[("rsvp_chase", start - timedelta(hours=28))] * 3,  # bob, carol, dave: 4 h before the deadline
    ]


def test_create_in_chinese_replies_in_chinese(chat: Chat) -> None:
    posted = chat.command("张三", '新建 "Q3规划会" 明天下午3点 1小时 参会 @李四 @王五')
    assert "2026-11-24 15:00（周二）Asia/Shanghai" in posted[0].body
    assert "参加" in [b.label for b in posted[0].message.buttons]
    assert {name for name in people(chat)} == {"张三", "李四", "王五"}


def test_agenda_longer_than_the_meeting_is_flagged(chat: Chat) -> None:
    posted = chat.command("alice", 'new "Short" tomorrow 3pm for 30m with @bob agenda "A" 20m "B" 25m')
    assert any("45 min" in s.body and "30 min" in s.body for s in posted)


# ---- RSVP --------------------------------------------------------------------------------------------


def test_rsvp_by_command_button_and_reaction_updates_the_prompt_in_place(chat: Chat) -> None:
    prompt = chat.command("alice", NEW_Q3)[0]
    chat.command("bob", "rsvp 1 yes")
    invitation = chat.to("carol")[0]
    chat.click("carol", invitation.id, "Maybe")
    chat.react("dave", "x", prompt.id)
    answers = {name: p.rsvp for name, p in people(chat).items()}
    assert answers == {"alice": "yes", "bob": "yes", "carol": "maybe", "dave": "no"}
    assert len(prompt.versions) == 3
    body = prompt.body
    assert "✅ Coming: @alice, @bob" in body and "🤔 Maybe: @carol" in body and "❌ Not coming: @dave" in body


def test_changing_and_withdrawing_an_answer(chat: Chat) -> None:
    prompt = chat.command("alice", NEW_Q3)[0]
    chat.react("bob", "white_check_mark", prompt.id)
    chat.react("bob", "thinking_face", prompt.id)
    assert people(chat)["bob"].rsvp == "maybe"
    chat.react("bob", "white_check_mark", prompt.id, removed=True)  # not the current answer: no effect
    assert people(chat)["bob"].rsvp == "maybe"
    chat.react("bob", "thinking_face", prompt.id, removed=True)
    assert people(chat)["bob"].rsvp is None
    assert "⏳ No answer yet: @bob" in prompt.body


def test_rsvp_with_a_note_and_a_reply_in_a_private_chat(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("bob", "rsvp 1 no on leave that week")
    assert people(chat)["bob"].rsvp_note == "on leave that week"
    invitation = chat.to("carol")[0]
    chat.dm("carol", "yes", reply_to=invitation.id)
    assert people(chat)["carol"].rsvp == "yes"


def test_uninvited_person_who_answers_joins_as_optional(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("erin", "rsvp 1 yes")
    assert people(chat)["erin"].role == "optional"


# ---- reminders ---------------------------------------------------------------------------------------


def test_reminders_go_out_on_time_and_chase_only_non_responders(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("bob", "rsvp 1 yes")
    chased = chat.advance(timedelta(hours=2))  # 11:00: the RSVP chase
    assert sorted(s.message.target.user or "" for s in chased) == ["carol", "dave"]
    assert all("please answer by 2026-11-23 15:00" in s.body.lower() for s in chased)
    day_before = chat.advance(timedelta(hours=4))  # 15:00 Monday: 24 h before
    assert len(day_before) == 1 and "starts in 1 d" in day_before[0].body
    assert "Still no answer from @carol, @dave" in day_before[0].body
    quarter = chat.advance(timedelta(hours=23, minutes=50))
    assert [s.at.astimezone(SHANGHAI).strftime("%H:%M") for s in quarter] == ["14:45"]
    assert "starts in 15 min" in quarter[0].body
    assert pending(chat) == []


@pytest.mark.parametrize(
    ("new", "signin", "waiting", "signed"),
    [
        pytest.param('new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol', "signin 1 department Sales",
                     "Still no answer from @carol.", "🖊️ Signed in: @bob", id="en"),
        pytest.param('新建 "Q3规划会" 明天下午3点 1小时 参会 @bob @carol', "签到登记 1 部门 销售部",
                     "仍未回复：@carol。", "🖊️ 已签到：@bob", id="zh"),
    ],
)
def test_the_day_before_reminder_leaves_out_whoever_has_signed_in(chat: Chat, new: str, signin: str, waiting: str,
                                                                  signed: str) -> None:
    """bob signed in early and never answered the invitation: he is not chased, not @mentioned, not "no answer"."""
    chat.command("alice", new)
    chat.now += timedelta(hours=1)
    chat.command("bob", signin)
    chased = chat.advance(timedelta(hours=1))  # 11:00: the RSVP chase, to carol only
    assert [s.message.target.user for s in chased] == ["carol"]
    day_before = chat.advance(timedelta(hours=4))  # 15:00 Monday: 24 h before
    assert len(day_before) == 1
    reminder = day_before[0].message
    assert waiting in reminder.text and "@bob" not in reminder.text
    assert "bob" not in reminder.mentions and "carol" in reminder.mentions
    rsvp = reminder.sections[-1].lines
    assert rsvp[-1] == signed and "@bob" not in "\n".join(rsvp[:-1]) and "@carol" in rsvp[-2]


def test_reschedule_moves_reminders_and_tells_everyone(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    posted = chat.command("alice", "reschedule 1 friday 10am")
    new_start = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert meeting(chat).start_at == new_start
    assert ("meeting_reminder", new_start - timedelta(minutes=15)) in pending(chat)
    assert all(due > datetime(2026, 11, 25, tzinfo=UTC) for _kind, due in pending(chat))
    told = sorted(s.message.target.user or "" for s in posted if s.message.target.kind == "direct")
    assert told == ["bob", "carol", "dave"]
    assert "2026-11-27 10:00 (Fri)" in chat.to("bob")[-1].body


def test_cancel_drops_reminders_and_tells_everyone(chat: Chat) -> None:
    prompt = chat.command("alice", NEW_Q3)[0]
    chat.command("alice", "cancel 1 budget not ready")
    assert meeting(chat).status == "cancelled"
    assert pending(chat) == []
    assert chat.advance(timedelta(days=3)) == []
    assert "budget not ready" in chat.to("bob")[-1].body
    assert prompt.current.buttons == ()  # no more answering a cancelled meeting


def test_a_bot_down_for_days_sends_nothing_stale(chat: Chat) -> None:
    chat.command("alice", 'new "Later" wednesday 3pm with @bob')
    chat.now += timedelta(days=2, hours=6, minutes=55)  # Wednesday 15:55: the meeting has started
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 0
    assert pending(chat) == []


def test_a_reminder_that_fell_due_during_downtime_is_sent_once(chat: Chat) -> None:
    chat.command("alice", 'new "Later" wednesday 3pm with @bob')
    chat.now += timedelta(days=1, hours=12)  # Tuesday 21:00: past the 24 h mark, before the start
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 1
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 0
    assert "starts in 18 h" in chat.sent[-1].body


def test_a_failed_send_stays_pending_and_is_retried(chat: Chat) -> None:
    chat.command("alice", 'new "Later" wednesday 3pm with @bob')
    chat.now += timedelta(days=1, hours=12)
    chat.fail_sends = True
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 0
    assert [kind for kind, _due in pending(chat)].count("meeting_reminder") == 2
    chat.fail_sends = False
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 0  # backoff: not yet
    chat.now += timedelta(minutes=3)
    assert chat.core.tick(chat.now, chat.send, platform=chat.platform) == 1


# ---- running a meeting ---------------------------------------------------------------------------------


def run_meeting(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")


def test_start_posts_a_check_in_prompt_and_records_attendance(chat: Chat) -> None:
    run_meeting(chat)
    checkin = chat.in_channel()[-1]
    assert checkin.message.buttons[0].value == "here 1"
    chat.now += timedelta(minutes=7)
    replies = chat.say("bob", "here")
    assert "7 min late" in replies[0].body
    chat.react("carol", "raised_hand", checkin.id)
    present = {name for name, p in people(chat).items() if p.checked_in_at}
    assert present == {"alice", "bob", "carol"}


def test_record_and_end_posts_minutes(chat: Chat) -> None:
    run_meeting(chat)
    chat.say("bob", "here")
    chat.say("alice", "#topic Scope")
    chat.say("bob", "#info the scope is frozen")
    chat.say("alice", "#agreed ship the MVP on Dec 1")
    chat.say("alice", "#action bob to write the release notes")
    chat.command("alice", "action @carol prepare the budget by friday deliverable: budget sheet")
    chat.command("dave", "question who signs off? @alice")
    minutes = chat.say("alice", "#endmeeting")[0]  # then the attendees' surveys, privately
    body = minutes.body
    assert minutes.message.target.kind == "channel"
    assert "ship the MVP on Dec 1" in body
    assert "#2 prepare the budget · due 2026-11-27 (Fri) · deliverable: budget sheet" in body
    assert "who signs off? · @alice" in body
    # dave only spoke (a question): attendance is checking in, not speaking
    assert "Present (2/4): @alice, @bob" in body and "Absent: @carol, @dave" in body
    text = minutes.message.attachments[0].content
    assert "Action Items, by person\n-----------------------\n* bob\n  * bob to write the release notes" in text
    assert "* carol\n  * carol: prepare the budget" in text
    assert meeting(chat).status == "ended"


def test_meetbot_action_owner_comes_from_names_in_the_text(chat: Chat) -> None:
    run_meeting(chat)
    chat.say("alice", "#action carol and bob to review the spec")
    chat.say("alice", "#action somebody to book a room")
    assert action(chat, 1).owner_id is not None
    with Session(chat.core.engine) as session:
        from store.models import User

        owner = session.get(User, action(chat, 1).owner_id)
        assert owner is not None and owner.display_name == "carol"
    assert action(chat, 2).owner_id is None


def test_undo_takes_back_the_newest_record(chat: Chat) -> None:
    run_meeting(chat)
    chat.say("alice", "#agreed keep it")
    chat.say("alice", "#action bob to edit #175")
    posted = chat.say("alice", "#undo")
    assert "bob to edit #175" in posted[-1].body
    assert action(chat, 1).status == "cancelled" and action(chat, 1).removed_at is not None
    chat.say("alice", "#undo")
    with Session(chat.core.engine) as session:
        assert session.exec(select(Decision)).one().removed_at is not None


def test_confidential_minutes_go_only_to_participants(chat: Chat) -> None:
    chat.command("alice", 'new "Salaries" tomorrow 3pm with @bob confidential')
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.say("alice", "#agreed raise budget by 5%")
    chat.say("alice", "#endmeeting")
    channel_minutes = [s for s in chat.in_channel() if s.message.attachments or "Decisions" in s.body]
    assert channel_minutes == []
    assert "minutes went to its participants privately" in chat.in_channel()[-1].body
    bob_minutes = chat.to("bob")[-1]
    assert "raise budget by 5%" in bob_minutes.body and bob_minutes.message.attachments
    refused = chat.command("erin", "show 1")
    assert "no meeting #1 that you can see" in refused[0].body


# ---- action items ---------------------------------------------------------------------------------


def test_done_by_replying_to_the_assignment(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")
    assignment = chat.to("bob")[-1]
    assert [b.value for b in assignment.message.buttons] == ["accept 1", "decline 1", "done 1"]
    chat.dm("bob", "done https://example.com/spec", reply_to=assignment.id)
    item = action(chat, 1)
    assert item.status == "done" and item.completed_at == chat.now
    assert item.deliverable == "https://example.com/spec"


def test_done_in_a_private_chat_closes_the_newest_assigned_item(chat: Chat) -> None:
    chat.command("alice", "action @bob first thing by friday")
    chat.command("alice", "action @bob second thing by friday")
    chat.dm("bob", "完成")
    assert action(chat, 2).status == "done" and action(chat, 1).status == "open"
    assert "已完成" in chat.to("bob")[-1].body


def test_status_changes_keep_history(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")
    chat.command("bob", "status 1 blocked waiting for legal")
    assert action(chat, 1).status == "blocked" and action(chat, 1).blocked_reason == "waiting for legal"
    chat.command("bob", "status 1 delay next friday")
    item = action(chat, 1)
    assert str(item.due_on) == "2026-12-04" and str(item.original_due_on) == "2026-11-27"
    with Session(chat.core.engine) as session:
        changes = [e.change for e in session.exec(select(ActionItemEvent))]
    assert changes == ["created", "status", "due"]


def test_mine_lists_open_items_and_upcoming_meetings(chat: Chat) -> None:
    chat.command("alice", NEW_Q3)
    chat.command("alice", "action @bob write the spec by friday")
    reply = chat.command("bob", "mine")[0]
    assert "#1 write the spec · due 2026-11-27 (Fri)" in reply.body
    assert "#1 Q3 roadmap — 2026-11-24 15:00 (Tue) Asia/Shanghai · No answer yet" in reply.body


# ---- permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, text",
    [
        pytest.param("bob", "cancel 1", id="cancel"),
        pytest.param("bob", "reschedule 1 friday 10am", id="reschedule"),
        pytest.param("bob", "start 1", id="start"),
    ],
)
def test_only_host_recorder_or_chairs_edit_a_meeting(chat: Chat, who: str, text: str) -> None:
    chat.command("alice", NEW_Q3)
    chat.now = datetime(2026, 11, 24, 14, 50, tzinfo=SHANGHAI)
    refusal = chat.command(who, text)
    assert len(refusal) == 1 and refusal[0].message.target.kind == "ephemeral"
    assert "Only @alice, @dave can change meeting #1" in refusal[0].body
    assert meeting(chat).status == "scheduled"


def test_only_chairs_record_decisions_and_end(chat: Chat) -> None:
    run_meeting(chat)
    assert "Only" in chat.say("bob", "#agreed bob decides")[0].body
    assert "Only" in chat.say("bob", "#endmeeting")[0].body
    chat.say("alice", "#chair bob")
    chat.say("bob", "#agreed now bob may")
    with Session(chat.core.engine) as session:
        assert [d.text for d in session.exec(select(Decision))] == ["now bob may"]


def test_only_owner_creator_or_host_close_an_item(chat: Chat) -> None:
    chat.command("alice", "action @bob write the spec by friday")
    refusal = chat.command("mallory", "done 1")
    assert "Only @alice, @bob can change action item #1" in refusal[0].body
    assert action(chat, 1).status == "open"


# ---- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("frobnicate 3", "I don't know “frobnicate”", id="unknown-subcommand"),
        pytest.param("new tomorrow 3pm", "needs a title", id="missing-title"),
        pytest.param('new "Sync" at banana o\'clock', "start time", id="unparseable-time"),
        pytest.param('new "Sync" yesterday 3pm', "in the past", id="past-time"),
        pytest.param("show 99", "no meeting #99", id="unknown-meeting"),
        pytest.param("new " + "x" * 10_000, "too long", id="ten-thousand-characters"),
        pytest.param("", "Tell me what to do", id="empty"),
        pytest.param("新建 明天下午3点", "标题", id="zh-missing-title"),
    ],
)
def test_bad_input_gets_a_clear_reply_with_an_example_and_writes_nothing(chat: Chat, text: str, expected: str) -> None:
    replies = chat.command("alice", text)
    assert len(replies) == 1
    reply = replies[0]
    assert reply.message.target.kind == "ephemeral"
    assert expected in reply.body
    assert "/meeting" in reply.body  # the example
    assert chat.rows(Meeting) == 0
    with Session(chat.core.engine) as session:  # the reply itself is the only row: sent, through the outbox
        rows = session.exec(select(Notification.kind, Notification.status)).all()
    assert [tuple(row) for row in rows] == [("outbox", "sent")]


def test_mention_injection_is_kept_as_plain_text(chat: Chat) -> None:
    posted = chat.command("alice", 'new "<!channel> party <!here>" tomorrow 3pm with @bob')
    assert meeting(chat).title == "<!channel> party <!here>"
    assert posted[0].message.mentions == ()  # nothing asks the platform to notify the whole channel


def test_a_failing_use_case_is_logged_and_answered_and_the_next_event_works(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.service import meetings

    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(meetings, "list_meetings", explode)
    reply = chat.command("alice", "list")
    assert "something went wrong" in reply[0].body
    assert "boom" in caplog.text and "alice" in caplog.text
    monkeypatch.undo()
    assert "No upcoming meetings" in chat.command("alice", "list")[0].body


def test_a_redelivered_event_has_one_effect(chat: Chat) -> None:
    """Slack retries an event it thinks was lost; the same event id must not record a second action item."""
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')
    first = chat.say("alice", "#action @bob send the notes", event_id="Ev01")
    again = chat.say("alice", "#action @bob send the notes", event_id="Ev01")
    other = chat.say("alice", "#action @bob send the notes", event_id="Ev02")
    assert first and not again and other
    assert chat.rows(ActionItem) == 2
    assert chat.rows(InboundEvent) == 2


def test_a_group_message_addressed_to_the_bot_reads_like_a_private_one(chat: Chat) -> None:
    """DingTalk delivers only @robot messages from groups: no "/meeting" is needed, and nothing goes unanswered."""
    created = chat.say("alice", '新建 "周会" 明天上午10点 参会 @bob', addressed=True)
    assert any("周会" in s.body for s in created)
    assert chat.rows(Meeting) == 1
    chat.say("alice", "开始 1", addressed=True)
    chat.say("alice", "确认", addressed=True)  # a day before its time: start asks first
    answer = chat.say("bob", "到", addressed=True)  # a check-in, not an error
    assert not any("⚠️" in s.body for s in answer)
    with Session(chat.core.engine) as session:
        bob = session.exec(select(Participant).join(User).where(User.platform_user_id == "bob")).one()
    assert bob.checked_in_at is not None
    recorded = chat.say("alice", "#action @bob 写纪要", addressed=True)
    assert chat.rows(ActionItem) == 1 and recorded
    puzzled = chat.say("alice", "今天天气不错", addressed=True)
    assert len(puzzled) == 1 and "⚠️" in puzzled[0].body


def test_a_reminder_that_can_never_arrive_fails_once_and_the_host_is_told(chat: Chat) -> None:
    """DingTalk's invalidStaffIdList: retrying cannot help, so no backoff loop; the host hears of it."""
    chat.command("alice", 'new "Sync" tomorrow 3pm with @bob')
    chat.command("alice", "start 1")
    chat.say("alice", "yes")  # a day before its time: start asks first
    chat.say("alice", "/meeting action @bob send the notes by friday")
    real_send = chat.send

    def send(message: OutMessage) -> str:
        if message.target.user == "bob":
            raise Undeliverable("DingTalk knows no staff id 'bob'")
        return real_send(message)

    chat.send = send  # type: ignore[method-assign]
    sent = chat.advance(timedelta(days=7))
    to_alice = [s.body for s in sent if s.message.target.user == "alice" and "can't reach bob" in s.body]
    assert len(to_alice) == 1 and "#1 send the notes" in to_alice[0]
    with Session(chat.core.engine) as session:
        failed = session.exec(select(Notification).where(Notification.status == "failed")).all()
        retried = session.exec(select(Notification).where(Notification.attempts > 1)).all()
    assert len(failed) == 1 and not retried
