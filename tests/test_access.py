"""Who may see and change what, on both sides of every path: refused where it must be, served where it should.

The rules themselves (`bot.access`) are tested as plain functions; every use case is tested through the
core's one entry point on a real SQLite database, with the console's directory standing in for what a
platform says about its channels and admins.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, create_engine, select

from adapters.console import ConsoleDirectory
from bot import access
from bot.access import Conversation, MeetingFacts, Viewer
from bot.command_types import Mention
from bot.core import Core
from bot.events import Inbound, Person
from bot.service import meetings
from bot.service.context import build_context
from store.models import ChannelWriter, Decision, Meeting, Note, Participant, User
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_engine
from tests.harness import Chat, Sent
from tests.test_console import SCRIPTS, run_console

HIDDEN = "There is no meeting #{n} that you can see."
HIDDEN_ZH = "没有你可以查看的 #{n} 号会议。"


class GroupsUnknown(ConsoleDirectory):
    """A platform that says nothing about who is in a group (DingTalk): every non-private chat is such a group."""

    def conversation(self, workspace: str, channel: str) -> Conversation:
        if channel.startswith("dm-"):
            return super().conversation(workspace, channel)
        return Conversation("private", None)


def make_chat(directory: ConsoleDirectory | None = None, **settings: str) -> Chat:
    config = make_settings(**settings)
    return Chat(Core(config, migrated_engine(config.database_url), directory or ConsoleDirectory()), MONDAY_9AM)


def chat_on(request: pytest.FixtureRequest, database: str, directory: ConsoleDirectory) -> Chat:
    """A chat on a fresh SQLite database, or on the run's migrated PostgreSQL schema, empty."""
    if database == "postgresql":
        return Chat(Core(make_settings(request.getfixturevalue("pg_migrated_url")),
                         request.getfixturevalue("pg_migrated_engine"), directory), MONDAY_9AM)
    return make_chat(directory)


@pytest.fixture
def directory() -> ConsoleDirectory:
    return ConsoleDirectory(private={"hr": frozenset({"alice", "carol", "dan"})})


@pytest.fixture
def chat(directory: ConsoleDirectory) -> Chat:
    return make_chat(directory)


def last(sent: list[Sent]) -> str:
    assert sent, "the bot said nothing"
    return sent[-1].body


def participant_names(chat: Chat, number: int) -> set[str]:
    with Session(chat.core.engine) as session:
        meeting = session.exec(select(Meeting).where(Meeting.number == number)).one()
        rows = session.exec(select(User.display_name).join(Participant, col(Participant.user_id) == col(User.id))
                            .where(Participant.meeting_id == meeting.id)).all()
        return set(rows)


# ---- the rules, as plain functions -------------------------------------------------------------------


ALICE, BOB, ERIN = Viewer(1, "alice"), Viewer(2, "bob"), Viewer(5, "erin")
PLAIN = MeetingFacts(confidential=False, creator_id=1, roles={1: "host", 2: "required"})
SECRET = MeetingFacts(confidential=True, creator_id=1, roles={1: "host", 2: "required"}, viewers=frozenset({7}))


@pytest.mark.parametrize(
    ("conversation", "written", "member"),
    [
        pytest.param(access.PUBLIC, False, True, id="public-channel-is-the-workspace"),
        pytest.param(Conversation("private", frozenset({"erin"})), False, True, id="private-member"),
        pytest.param(Conversation("private", frozenset({"bob"})), True, False, id="private-non-member"),
        pytest.param(Conversation("private", None), True, True, id="unknown-members-has-written"),
        pytest.param(Conversation("private", None), False, False, id="unknown-members-never-wrote"),
        pytest.param(Conversation("direct", frozenset({"alice"})), False, False, id="someone-elses-private-chat"),
        pytest.param(Conversation("direct", None), True, False, id="private-chat-members-unknown"),
    ],
)
def test_membership_follows_what_the_platform_says(conversation: Conversation, written: bool, member: bool) -> None:
    assert access.is_member(ERIN, conversation, written) is member


def test_participants_and_named_viewers_see_a_confidential_meeting_members_do_not() -> None:
    assert access.can_see(BOB, SECRET, in_conversation=False)
    assert access.can_see(Viewer(7, "lead"), SECRET, in_conversation=False)
    assert not access.can_see(ERIN, SECRET, in_conversation=True)
    assert not access.can_see(Viewer(5, "erin", is_admin=True), SECRET, in_conversation=True)
    assert access.can_see(ERIN, PLAIN, in_conversation=True)
    assert not access.can_see(ERIN, PLAIN, in_conversation=False)


def test_editing_closing_admins_and_personal_reports() -> None:
    chaired = MeetingFacts(confidential=False, creator_id=1, roles={1: "host", 2: "required", 3: "recorder"},
                           chairs=frozenset({2}))
    assert [access.can_edit(Viewer(uid, str(uid)), chaired) for uid in (1, 2, 3, 4)] == [True, True, True, False]
    assert access.editor_ids(chaired) == [1, 2, 3]
    assert access.can_close(BOB, owner_id=2, creator_id=1, meeting_hosts=frozenset())
    assert access.can_close(ERIN, owner_id=2, creator_id=1, meeting_hosts=frozenset({5}))
    assert not access.can_close(ERIN, owner_id=2, creator_id=1, meeting_hosts=frozenset({1}))
    assert access.is_admin(True, "bob", frozenset()) and access.is_admin(False, "bob", frozenset({"bob"}))
    assert not access.is_admin(False, "bob", frozenset({"alice"}))
    assert access.can_see_person_report(BOB, 2) and not access.can_see_person_report(ERIN, 2)
    assert access.can_see_person_report(Viewer(5, "erin", is_admin=True), 2)


def test_an_approved_events_agenda_change_is_decided_by_its_requester_or_an_admin_not_its_deciders() -> None:
    plan = access.PlanFacts(requester_id=1, deciders=frozenset({9}))
    assert access.can_decide_agenda_change(Viewer(1, "alice"), plan)
    assert access.can_decide_agenda_change(Viewer(5, "erin", is_admin=True), plan)
    assert not access.can_decide_agenda_change(Viewer(9, "boss"), plan)  # the plan's approver is not asked
    assert not access.can_decide_agenda_change(BOB, plan)


def test_taking_part_signing_off_and_resolving() -> None:
    lead = Viewer(7, "lead")  # a named viewer of SECRET
    assert access.can_see(lead, SECRET, in_conversation=False) and not access.can_join(lead, SECRET)
    assert access.can_join(BOB, SECRET) and access.can_join(ALICE, SECRET) and access.can_join(ERIN, PLAIN)
    assert access.is_participant(BOB, SECRET) and not access.is_participant(lead, SECRET)
    assert access.can_rate(BOB, frozenset({2})) and not access.can_rate(ALICE, frozenset({2}))
    assert access.can_answer_item(BOB, owner_id=2) and not access.can_answer_item(ALICE, owner_id=2)
    assert access.can_sign_off_item(ALICE, requester_id=1) and not access.can_sign_off_item(ALICE, requester_id=None)
    assert access.can_resolve_question(ERIN, owner_id=5, author_id=1) and not access.can_resolve_question(
        BOB, owner_id=5, author_id=1)
    assert access.can_send_event_report(ALICE, PLAIN) and not access.can_send_event_report(BOB, PLAIN)


# ---- a private channel's meeting -------------------------------------------------------------------


def hr_meeting(chat: Chat) -> None:
    chat.command("alice", 'new "Hiring plan" tomorrow 3pm with @carol goal: two offers', channel="hr")


@pytest.mark.parametrize(
    "text",
    ["show 1", "report 1", "export 1", "rsvp 1 yes", "here 1", "rate 1 5", "ack 1", "acks 1", "object 1 wrong",
     "cancel 1", "reschedule 1 friday 3pm"],
)
def test_a_private_channels_meeting_is_hidden_from_everyone_outside_it(chat: Chat, text: str) -> None:
    hr_meeting(chat)
    refused = chat.command("erin", text, channel="random")
    assert HIDDEN.format(n=1) in last(refused) and "Hiring plan" not in last(refused)
    assert HIDDEN.format(n=9) in last(chat.command("erin", text.replace("1", "9", 1), channel="random"))
    assert participant_names(chat, 1) == {"alice", "carol"}  # nothing joined anyone


def test_members_of_the_private_channel_still_see_its_meeting_from_anywhere(chat: Chat) -> None:
    hr_meeting(chat)
    assert "two offers" in last(chat.command("dan", "show 1", channel="random"))  # a member, not invited
    assert "you're coming to #1 Hiring plan" in last(chat.command("dan", "rsvp 1 yes", channel="random"))
    assert "two offers" in last(chat.command("carol", "show 1", channel="general"))


def test_find_and_list_show_only_what_the_reader_may_see(chat: Chat) -> None:
    hr_meeting(chat)
    chat.command("alice", 'new "Hiring retro" tomorrow 5pm', channel="general")
    chat.command("alice", 'new "Hiring salaries" tomorrow 4pm with @bob confidential', channel="general")
    outsider = last(chat.command("erin", "find hiring", channel="random"))
    assert "Hiring retro" in outsider and "Hiring plan" not in outsider and "salaries" not in outsider
    member = last(chat.command("dan", "find hiring", channel="random"))
    assert "Hiring retro" in member and "Hiring plan" in member and "salaries" not in member
    assert "Hiring salaries" in last(chat.command("bob", "find hiring", channel="random"))
    listed = last(chat.command("erin", "list", channel="general"))
    assert "Hiring retro" in listed and "🔒 (confidential meeting)" in listed and "salaries" not in listed


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_find_reads_past_pages_of_hidden_matches_on_both_databases(request: pytest.FixtureRequest, database: str,
                                                                   directory: ConsoleDirectory) -> None:
    chat = chat_on(request, database, directory)
    settings, engine = chat.core.settings, chat.core.engine
    for day in range(1, 4):
        chat.command("alice", f'new "Plan open {day}" 2026-12-0{day} 3pm', channel="general")
    # newer, and hidden from erin: the first page of matches is all #hr's (working days: no weekend warning)
    for day in (7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 21, 22):
        chat.command("alice", f'new "Plan hr {day}" 2026-12-{day:02d} 3pm', channel="hr")
    chat.command("alice", 'new "Plan secret" 2026-12-25 3pm confidential', channel="general")
    outsider = last(chat.command("erin", "find plan", channel="random"))
    assert [f"Plan open {day}" in outsider for day in (1, 2, 3)] == [True] * 3
    assert "Plan hr" not in outsider and "secret" not in outsider
    member = last(chat.command("dan", "find plan", channel="random"))
    assert member.count("Plan hr") == 10 and "Plan open" not in member  # the newest ten
    with Session(engine) as session:
        inbound = Inbound("command", "console", "local", "general", Person("alice", "alice"), handles_are_user_ids=True)
        meetings.add_viewers(build_context(session, settings, inbound, chat.now, directory), 16, [Mention("erin")])
        session.commit()
    assert "Plan secret" in last(chat.command("erin", "find secret", channel="random"))


def test_a_channel_report_is_for_the_channels_members(chat: Chat) -> None:
    hr_meeting(chat)
    assert "There is no channel #hr that you can see." in last(chat.command("erin", "report #hr", channel="random"))
    assert "Report" in last(chat.command("dan", "report #hr", channel="random"))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_group_the_platform_says_nothing_about_counts_those_who_have_written_there(
    request: pytest.FixtureRequest, database: str
) -> None:
    chat = chat_on(request, database, GroupsUnknown())
    chat.command("alice", 'new "Offsite" tomorrow 3pm', channel="team")
    assert HIDDEN.format(n=1) in last(chat.command("bob", "show 1", channel="other"))
    chat.say("bob", "morning all", channel="team")
    assert "Offsite" in last(chat.command("bob", "show 1", channel="other"))
    assert chat.rows(ChannelWriter) == 3  # alice in #team, bob in #other and in #team: each once
    chat.say("bob", "again", channel="team")
    assert chat.rows(ChannelWriter) == 3


# ---- a confidential meeting -------------------------------------------------------------------------


SALARIES = 'new "Salaries" tomorrow 3pm for 1h with @bob goal: agree raises agenda "Bands" 20m confidential'


def test_its_channel_card_shows_the_lock_the_time_and_the_host_only(chat: Chat) -> None:
    card = chat.command("alice", SALARIES)[0]
    assert card.message.target.kind == "channel"
    assert card.message.title == "🔒 #1  (scheduled)"
    assert "2026-11-24 15:00 (Tue) Asia/Shanghai" in card.body and "Host: @alice" in card.body
    assert not any(word in card.body for word in ("Salaries", "raises", "Bands", "@bob"))
    assert "Salaries" in chat.to("bob")[0].body  # the invitation says what it is


def test_a_confidential_meeting_refuses_outsiders_and_speaking_never_makes_a_participant(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    started = chat.command("alice", "start 1")
    assert not any("Salaries" in s.body or "Bands" in s.body for s in started if s.message.target.kind == "channel")
    chat.say("erin", "what is this meeting?")
    chat.say("erin", "#info I was here")
    chat.command("erin", "list")
    assert chat.command("erin", "here") == []  # no meeting they may see runs here: just chat
    assert HIDDEN.format(n=1) in last(chat.command("erin", "here 1", channel="random"))
    assert participant_names(chat, 1) == {"alice", "bob"}
    assert chat.rows(Note) == 0  # an outsider's line stands alone; it never enters the record
    assert "Checked in to #1" in last(chat.command("bob", "here 1"))
    for text in ("show 1", "report 1", "export 1", "rate 1 5", "ack 1", "object 1 no"):
        assert HIDDEN.format(n=1) in last(chat.command("erin", text)), text


def test_what_is_recorded_in_it_goes_to_the_one_who_typed_it_never_the_channel(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    before = len(chat.in_channel())
    decided = chat.command("alice", "decision raise bands by 5%")
    acted = chat.say("alice", "#action @bob write the raise letters by friday")
    topic = chat.say("alice", "#topic bands")
    assert len(chat.in_channel()) == before  # nothing of it reached the channel
    for reply in (decided[0], acted[0], topic[0]):
        assert reply.message.target.kind == "ephemeral" and reply.message.target.user == "alice"
    assert "raise letters" in chat.to("bob")[-1].body  # the owner is told privately
    with Session(chat.core.engine) as session:
        assert session.exec(select(Decision.text)).one() == "raise bands by 5%"


def test_its_action_items_are_hidden_from_outsiders_as_the_meeting_is(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.say("alice", "#action @bob write the raise letters by friday")
    chat.command("alice", "action @carol book the hr room by friday", channel="hr")
    for who, text in (("erin", "done 1"), ("erin", "status 1 blocked waiting"), ("erin", "done 2")):
        refused = last(chat.command(who, text, channel="random"))
        assert f"There is no action item #{text.split()[1]} that you can see." in refused and "raise" not in refused
    assert "Only @alice, @carol can change" in last(chat.command("dan", "done 2", channel="hr"))  # #hr's member
    assert "no action item #1 that you can see" in last(chat.command("carol", "done 1"))  # not in the meeting
    done = chat.command("bob", "done 1")[0]  # its owner closes it, and only they read that it is done
    assert "is done" in done.body and done.message.target.kind == "ephemeral"


def test_named_viewers_may_read_it_and_get_its_minutes_and_only_editors_name_them(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    assert HIDDEN.format(n=1) in last(chat.command("lead", "show 1"))
    refused = last(chat.command("bob", "viewers 1 @lead"))  # a participant, not an editor
    assert "alice" in refused and HIDDEN.format(n=1) not in refused
    assert HIDDEN.format(n=1) in last(chat.command("erin", "viewers 1 @erin"))  # an outsider learns nothing
    assert HIDDEN.format(n=1) in last(chat.command("lead", "show 1"))  # neither refusal named anyone
    named = chat.command("alice", "viewers 1 @lead")
    assert "Named as viewers of meeting #1: @lead" in named[0].body and named[0].message.target.kind == "ephemeral"
    assert named[1].message.target.user == "lead" and "Salaries" in named[1].body
    assert "agree raises" in last(chat.command("lead", "show 1"))
    assert HIDDEN.format(n=1) in last(chat.command("erin", "show 1"))
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.command("alice", "end")
    assert any("Minutes: Salaries" in s.body for s in chat.to("lead"))
    chat.command("alice", "amend 1 bands: postponed")
    assert "bands: postponed" in chat.to("lead")[-1].body  # amendments follow the minutes
    assert participant_names(chat, 1) == {"alice", "bob"}  # a viewer is not counted as taking part


def test_its_reminders_and_agenda_timers_keep_its_subject_out_of_the_channel(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    reminders = chat.advance(timedelta(days=1, hours=5, minutes=50))
    in_channel = [s for s in reminders if s.message.target.kind == "channel"]
    assert in_channel and all("Salaries" not in s.body and "raises" not in s.body for s in in_channel)
    chat.command("alice", "start 1")
    timers = chat.advance(timedelta(minutes=21))
    assert [s.message.target.kind for s in timers] == ["direct"] and "Bands" in timers[0].body


# ---- admins and personal reports --------------------------------------------------------------------


def test_channel_settings_are_for_admins_and_the_refusal_says_who_can(directory: ConsoleDirectory) -> None:
    chat = make_chat(directory, QUORUM_ADMINS="olga")
    refused = last(chat.command("erin", 'config digest "* * * * *"'))
    assert "Only @olga and workspace admins can change this channel's settings." in refused
    assert "timezone: Asia/Shanghai" in last(chat.command("erin", "config"))  # reading them is for anyone
    assert "digest: 0 17 * * fri" in last(chat.command("olga", 'config digest "0 17 * * fri"'))
    directory.admins.add("pat")  # what the platform says of pat
    assert "holidays: US" in last(chat.command("pat", "config holidays US"))
    zh = last(chat.command("erin", "设置 时区 Europe/Berlin"))
    assert "只有 @olga 和工作区管理员可以修改本频道的设置。" in zh


@pytest.mark.parametrize(
    ("admins", "en", "zh"),
    [
        pytest.param("", "Only @bob and workspace admins can see @bob's report.",
                     "只有 @bob 本人和工作区管理员可以查看 @bob 的报告。", id="platform-admins"),
        pytest.param("boss", "Only @bob, @boss and workspace admins can see @bob's report.",
                     "只有 @bob、@boss 和工作区管理员可以查看 @bob 的报告。", id="one-named"),
        pytest.param("olga,boss", "Only @bob, @boss, @olga and workspace admins can see @bob's report.",
                     "只有 @bob、@boss、@olga 和工作区管理员可以查看 @bob 的报告。", id="two-named"),
    ],
)
def test_a_refusal_lists_who_can_see_a_report_as_each_language_lists_people(
        directory: ConsoleDirectory, admins: str, en: str, zh: str) -> None:
    """The person first, then the admins `QUORUM_ADMINS` names, then the platform's admins: one list, with one
    "and" (和) before its last entry, and no stray space in Chinese."""
    chat = make_chat(directory, QUORUM_ADMINS=admins)
    assert last(chat.command("erin", "report @bob")).strip() == f"⚠️ {en}"
    assert last(chat.command("erin", "报告 @bob")).strip() == f"⚠️ {zh}"
    names = "、".join(f"@{a}" for a in sorted(admins.split(","))) if admins else ""
    assert last(chat.command("erin", "设置 时区 Europe/Berlin")).strip() == (
        f"⚠️ 只有 {names} 和工作区管理员可以修改本频道的设置。" if names else "⚠️ 只有工作区管理员可以修改本频道的设置。")


def test_a_persons_report_is_for_that_person_and_admins(directory: ConsoleDirectory) -> None:
    chat = make_chat(directory)
    assert "Only @bob and workspace admins can see @bob's report." in last(chat.command("erin", "report @bob"))
    assert "只有 @bob 本人和工作区管理员可以查看 @bob 的报告。" in last(chat.command("erin", "报告 @bob"))
    assert chat.command("bob", "report @bob")[0].message.target.kind == "direct"
    directory.admins.add("olga")
    assert chat.command("olga", "report @bob")[0].message.target.kind == "direct"


def test_a_hidden_meeting_reads_the_same_in_chinese(chat: Chat) -> None:
    hr_meeting(chat)
    assert HIDDEN_ZH.format(n=1) in last(chat.command("erin", "查看 1", channel="random"))
    assert HIDDEN_ZH.format(n=9) in last(chat.command("erin", "查看 9", channel="random"))


# ---- the curious colleague, end to end on the console ------------------------------------------------


def console_participants(tmp_path: Path) -> list[str]:
    """Every participant row of the console's database, by name (one per meeting taken part in)."""
    with Session(create_engine(f"sqlite:///{tmp_path / 'q.db'}")) as session:
        query = select(User.display_name).join(Participant, col(Participant.user_id) == col(User.id))
        return list(session.exec(query).all())


def test_the_curious_colleague_in_english(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "access_en.txt").read_text(encoding="utf-8"), tmp_path, "--now", "2026-11-23 09:00")
    assert "[m3] #general quorum: *🔒 #2  (scheduled)*" in out and "Salaries" not in out.split("[m4]")[0]
    refusals = re.findall(r"\[m\d+\] #random \(only erin\) quorum: ⚠️ (.*)", out)
    assert refusals == [HIDDEN.format(n=2)] + [HIDDEN.format(n=1)] * 3 + [
        "No meeting you can see matches “hiring”.", HIDDEN.format(n=1),
        "Only workspace admins can change this channel's settings.",
        "Only @bob and workspace admins can see @bob's report.",
    ]
    assert "[m15] #random (only carol) quorum: *Hiring plan  #1  (scheduled)*" in out  # a member of #hr
    assert "#general (only alice) quorum: ✅ Decision: raise bands by 5%" in out
    assert "#general (only olga) quorum: Saved." in out and "digest: off" in out
    assert not list((tmp_path / "files").glob("meeting-1-*"))  # erin's export of #1 was refused
    people = console_participants(tmp_path)
    assert sorted(people) == ["alice", "alice", "bob", "carol"]  # erin joined nothing


def test_the_curious_colleague_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "access_zh.txt").read_text(encoding="utf-8"), tmp_path, "--now", "2026-11-23 09:00")
    assert "[m3] #综合 quorum: *🔒 #2（待召开）*" in out and "薪酬" not in out.split("[m4]")[0]
    refusals = re.findall(r"\[m\d+\] #闲聊 \(only 赵六\) quorum: ⚠️ (.*)", out)
    assert refusals == [HIDDEN_ZH.format(n=2)] + [HIDDEN_ZH.format(n=1)] * 3 + [
        "没有你可见的会议与“招聘”匹配。", HIDDEN_ZH.format(n=1), "只有工作区管理员可以修改本频道的设置。",
        "只有 @王五 本人和工作区管理员可以查看 @王五 的报告。",
    ]
    assert "[m15] #闲聊 (only 李四) quorum: *招聘计划  #1（待召开）*" in out
    assert "#综合 (only 张三) quorum: ✅ 决议：调薪5%" in out
    assert "#综合 (only 管理员) quorum: 已保存。" in out
    people = console_participants(tmp_path)
    assert sorted(people) == sorted(["张三", "张三", "李四", "王五"])  # 赵六 joined nothing


def test_console_directives_say_what_is_wrong(tmp_path: Path) -> None:
    out = run_console(":members hr\n:user alice admin=maybe\n", tmp_path)
    assert "!! usage: :members hr alice carol" in out and "!! usage: :user alice admin=yes (or admin=no)" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("viewers 1", "needs a meeting number and the people", id="no-people"),
        pytest.param("viewers @lead", "/meeting viewers 3 @boss", id="no-number"),
        pytest.param("viewers 1 the boss", "needs a meeting number and the people", id="names-without-at"),
        pytest.param("查阅人 1", "需要会议编号和相关的人", id="zh-no-people"),
    ],
)
def test_naming_viewers_with_bad_input_says_what_is_wrong_with_an_example(chat: Chat, text: str, expected: str) -> None:
    chat.command("alice", SALARIES)
    reply = last(chat.command("alice", text))
    assert expected in reply and ("/meeting viewers 3 @boss" in reply or "/meeting 查阅人 3 @领导" in reply)


def test_viewers_in_chinese(chat: Chat) -> None:
    chat.command("alice", SALARIES)
    named = chat.command("alice", "查阅人 1 @lead")
    assert "已将 @lead 设为 #1 号会议的查阅人" in named[0].body
    assert "agree raises" in last(chat.command("lead", "show 1"))
