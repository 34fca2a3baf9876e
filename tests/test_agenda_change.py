"""`agenda N change <the new agenda>` on the real core: on an approved (locked) event it is a request the plan's
requester approves (button or `approve change N`) or rejects with a reason; on any other meeting, and for the
requester themself, it applies at once. Every participant gets the supplementary notice with the new agenda,
and the countdown reads it. Who may ask and who may decide, bad input, and both languages.

The clock is the test's (Monday 2026-11-23 09:00 Shanghai; the event is 2026-12-10 14:00).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.command_types import AgendaSpec, ApproveAgendaChange, EditAgenda, Mention, RejectAgendaChange
from bot.commands import parse_command
from bot.errors import ParseError
from store.models import AgendaChange, AgendaItem
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent
from tests.test_console import run_event_script

PLAN = ("plan name: Dealer day type: client goal: sign 50 new dealers time: 2026-12-10 14:00 place: Grand Hotel "
        "internal: @bob @carol")
EVENT_START = datetime(2026, 12, 10, 14, 0, tzinfo=SHANGHAI)
NEW_AGENDA = 'agenda 1 change "Welcome" 10m by @bob; "Dealer terms" 30m output: signed terms'


@pytest.fixture
def chat() -> Chat:
    """alice's plan #1 approved by boss (also an admin); the event runs, and alice makes bob a chair."""
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.command("boss", "config approver @boss")
    chat.command("alice", PLAN)
    chat.command("boss", "approve 1")
    chat.command("alice", 'agenda 1 change "Keynote" 20m by @alice; "Q&A" 20m')  # her own: at once
    chat.now = EVENT_START
    chat.command("alice", "start 1")
    chat.say("alice", "#chair @bob")
    return chat


def agenda(chat: Chat) -> list[tuple[str, int | None]]:
    with Session(chat.core.engine) as session:
        items = session.exec(select(AgendaItem).order_by(col(AgendaItem.position)))
        return [(i.title, i.planned_minutes) for i in items]


def changes(chat: Chat) -> list[tuple[str, str | None]]:
    with Session(chat.core.engine) as session:
        return [(r.status, r.reason) for r in session.exec(select(AgendaChange).order_by(col(AgendaChange.id)))]


def to(who: str, sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.message.target.kind == "direct" and s.message.target.user == who]


# ---- the grammar ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('agenda 3 change "Scope" 20m by @bob output: signed scope; "Budget" 15m',
                 EditAgenda(3, "change", items=(AgendaSpec("Scope", 20, Mention("bob"), "signed scope"),
                                                AgendaSpec("Budget", 15))), id="quoted-and-semicolon"),
    pytest.param("agenda 3 replace Scope 20m; Budget 15m",
                 EditAgenda(3, "change", items=(AgendaSpec("Scope", 20), AgendaSpec("Budget", 15))), id="unquoted"),
    pytest.param('agenda 3 change "Scope" 20m output: "a signed scope" "Budget"',
                 EditAgenda(3, "change", items=(AgendaSpec("Scope", 20, None, "a signed scope"), AgendaSpec("Budget"))),
                 id="quoted-output-is-no-item"),
    pytest.param("议程 3 变更 「范围」 20分钟 主讲 @李四 输出物：签字的范围；「预算」 15分钟",
                 EditAgenda(3, "change", items=(AgendaSpec("范围", 20, Mention("李四"), "签字的范围"),
                                                AgendaSpec("预算", 15))), id="zh"),
    pytest.param("approve change 2", ApproveAgendaChange(2), id="approve"),
    pytest.param("approve change 2 keep it short", ApproveAgendaChange(2, "keep it short"), id="approve-note"),
    pytest.param("批准 变更 2", ApproveAgendaChange(2), id="approve-zh"),
    pytest.param("reject change 2 the keynote comes first", RejectAgendaChange(2, "the keynote comes first"),
                 id="reject"),
    pytest.param("驳回 变更 2 主旨演讲必须在前", RejectAgendaChange(2, "主旨演讲必须在前"), id="reject-zh"),
])
def test_a_new_agenda_and_its_answers_read_like_the_rest(text: str, expected: object) -> None:
    assert parse_command(text, now=MONDAY_9AM, tz=SHANGHAI) == expected


@pytest.mark.parametrize(("text", "key", "example"), [
    pytest.param("agenda 3 change", "error.missing_agenda", "example.agenda", id="no-agenda"),
    pytest.param("agenda 3 change Scope 20m Budget 15m", "error.unexpected_text", "example.agenda",
                 id="two-unquoted-items-without-a-semicolon"),
    pytest.param("agenda 3 rearrange 2", "error.bad_agenda_action", "example.agenda", id="unknown-action"),
    pytest.param("reject change 2", "error.reject_change_reason", "example.reject_change", id="reject-without-reason"),
    pytest.param("驳回 变更 2", "error.reject_change_reason", "example.reject_change", id="reject-without-reason-zh"),
    pytest.param("approve change two", "error.bad_number", "example.approve_change", id="approve-no-number"),
])
def test_bad_input_names_what_was_wrong_with_an_example(text: str, key: str, example: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=MONDAY_9AM, tz=SHANGHAI)
    assert (caught.value.key, caught.value.example_key) == (key, example)


# ---- a meeting without a plan: its editors change it at once ---------------------------------------------

def test_without_a_plan_the_host_changes_the_agenda_at_once_and_everyone_is_told() -> None:
    chat = Chat(migrated_core(make_settings()), MONDAY_9AM)
    chat.command("alice", 'new "Weekly" tomorrow 3pm for 1h with @bob @carol agenda "Status" 10m "Risks" 10m')
    sent = chat.command("alice", 'agenda 1 change "Risks" 15m by @carol; "Status" 10m; "Hiring" 30m')
    assert agenda(chat) == [("Risks", 15), ("Status", 10), ("Hiring", 30)] and changes(chat) == []
    notices = to("bob", sent)
    assert notices[0].message.title == "📣 Supplementary notice: #1 Weekly"
    assert notices[0].message.text == (
        "alice changed the meeting: new agenda. The agenda now:\n"
        "1. Risks (15 min) · by @carol\n2. Status (10 min)\n3. Hiring (30 min)")
    assert [s.message.target.user for s in sent if s.message.target.kind == "direct"] == ["bob", "carol"]
    assert "55 min" not in "".join(s.body for s in sent)  # 55 of 60 minutes: no overrun warning
    refused = chat.command("bob", 'agenda 1 change "Bob time" 60m')[0]
    assert refused.message.text == "⚠️ Only @alice can change meeting #1 or its record."
    assert agenda(chat)[0] == ("Risks", 15)


def test_a_change_during_the_meeting_keeps_what_was_discussed_and_the_countdown_reads_the_new_agenda() -> None:
    chat = Chat(migrated_core(make_settings()), MONDAY_9AM)
    chat.command("alice", 'new "Weekly" tomorrow 3pm for 1h with @bob agenda "Status" 10m "Risks" 10m')
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=5)
    chat.command("alice", 'agenda 1 change "Hiring" 20m; "Risks" 5m')
    assert agenda(chat) == [("Status", 10), ("Hiring", 20), ("Risks", 5)]  # Status is under way: it stays
    assert chat.command("bob", "countdown 1")[0].message.text == "Now: Status, 5 min left.\nNext: Hiring at 15:10."


# ---- an approved event: the requester decides ------------------------------------------------------------

def test_the_requesters_own_change_applies_at_once(chat: Chat) -> None:
    assert agenda(chat) == [("Keynote", 20), ("Q&A", 20)] and changes(chat) == []


def test_a_chair_asks_the_requester_approves_by_button_and_everyone_gets_the_new_agenda(chat: Chat) -> None:
    sent = chat.command("bob", NEW_AGENDA)
    asked = sent[0]
    assert asked.message.text == ("Agenda change #1 for #1 is asked: @alice, who filed the plan, approves it. "
                                  "Everyone gets the new agenda once it is approved.")
    assert asked.message.sections[0].lines == ("1. Keynote (20 min) · by @alice", "2. Welcome (10 min) · by @bob",
                                               "3. Dealer terms (30 min) · output: signed terms")
    card = to("alice", sent)[0]
    assert card.message.text.startswith("bob asks to change the agenda of #1 Dealer day (2026-12-10 14:00 (Thu)")
    assert [s.heading for s in card.message.sections] == ["Agenda now", "New agenda"]
    assert [b.value for b in card.message.buttons] == ["approve change 1", "reject change 1"]
    assert card.message.context == "approve change 1 [note] · reject change 1 <reason>"
    assert agenda(chat) == [("Keynote", 20), ("Q&A", 20)]  # nothing changes before the approval

    refused = chat.command("carol", "approve change 1")[0]
    assert refused.message.text == "⚠️ Only @alice, who filed plan #1, or an admin can approve a change to its agenda."
    approved = chat.click("alice", card.id, "Approve")
    assert approved[0].message.text == "You approved agenda change #1: everyone in #1 gets the new agenda."
    assert agenda(chat) == [("Keynote", 20), ("Welcome", 10), ("Dealer terms", 30)]
    assert changes(chat) == [("approved", None)]
    notices = {s.message.target.user: s.message.text for s in approved if (s.message.title or "").startswith("📣")}
    assert set(notices) == {"bob", "carol"}
    assert notices["carol"] == (
        "alice changed the meeting: new agenda (change #1, asked by @bob, approved). The agenda now:\n"
        "1. Keynote (20 min) · by @alice\n2. Welcome (10 min) · by @bob\n"
        "3. Dealer terms (30 min) · output: signed terms")
    chat.now += timedelta(minutes=5)
    assert chat.command("carol", "countdown 1")[0].message.text == "Now: Keynote, 15 min left.\nNext: Welcome at 14:20."
    again = chat.command("alice", "approve change 1")[0]
    assert again.message.text == "⚠️ Agenda change #1 has already been answered (approved)."


def test_a_rejection_needs_its_reason_and_the_chair_is_told_it(chat: Chat) -> None:
    chat.command("bob", NEW_AGENDA)
    sent = chat.command("alice", "reject change 1 the keynote must end with the Q&A")
    assert sent[0].message.text == ("You rejected agenda change #1: #1 keeps its agenda, and the host is told why.")
    told = to("bob", sent)[0].message.text
    assert told == ("alice rejected your agenda change #1 for #1: the keynote must end with the Q&A. "
                    "The agenda stays as it was.")
    assert to("carol", sent) == []  # a rejected request changes nothing anyone needs to hear of
    assert agenda(chat) == [("Keynote", 20), ("Q&A", 20)] and changes(chat) == [
        ("rejected", "the keynote must end with the Q&A")]


def test_an_admin_may_stand_in_for_the_requester(chat: Chat) -> None:
    chat.command("bob", NEW_AGENDA)
    assert chat.command("boss", "approve change 1")[0].message.text.startswith("You approved agenda change #1")
    assert agenda(chat)[1] == ("Welcome", 10)


def test_who_may_ask_and_what_an_approved_event_refuses(chat: Chat) -> None:
    refused = chat.command("carol", NEW_AGENDA)[0]  # a participant, not running the meeting
    assert refused.message.text == "⚠️ Only @alice, @bob can change meeting #1 or its record."
    locked = chat.command("bob", 'agenda 1 add "Lunch" 30m')[0]
    assert locked.message.text == (
        "⚠️ #1 is an approved plan: its agenda changes only with its requester's approval. Ask for the whole new "
        "agenda with /meeting agenda 1 change <items>.\nFor example: /meeting agenda 3 change \"Scope\" 20m by @bob "
        "output: signed scope; \"Budget\" 15m")
    missing = chat.command("alice", "approve change 7")[0]
    assert missing.message.text.startswith("⚠️ There is no agenda change #7 that you can see.")
    chat.command("alice", "end")
    chat.command("bob", NEW_AGENDA)
    assert changes(chat) == []  # an ended meeting's agenda is the record


def test_a_change_asked_before_the_meeting_ended_cannot_be_approved_after(chat: Chat) -> None:
    chat.command("bob", NEW_AGENDA)
    chat.command("alice", "end")
    late = chat.command("alice", "approve change 1")[0]
    assert late.message.text.startswith("⚠️ Meeting #1 is ended")
    assert changes(chat) == [("pending", None)]


def test_the_request_and_its_answers_in_chinese(chat: Chat) -> None:
    for who in ("alice", "bob", "carol"):
        chat.command(who, "me language zh")
    sent = chat.command("bob", "议程 1 变更 「欢迎」 10分钟 主讲 @bob；「经销政策」 30分钟 输出物：签字的政策")
    assert sent[0].message.text == "已提出 #1 的议程变更 #1：由申报人 @alice 审批。批准后所有参会人都会收到新议程。"
    card = to("alice", sent)[0]
    assert [b.label for b in card.message.buttons] == ["批准", "驳回"]
    assert card.message.context == "批准 变更 1 [备注] · 驳回 变更 1 <原因>"
    assert chat.command("alice", "驳回 变更 1")[0].message.text.startswith("⚠️ 驳回必须说明原因")
    approved = chat.command("alice", "批准 变更 1")
    assert approved[0].message.text == "你批准了议程变更 #1：#1 的所有参会人都会收到新议程。"
    carol = to("carol", approved)[0].message.text
    assert carol.startswith("alice 变更了会议：议程已变更（变更 #1，由 @bob 提出，已批准）。现在的议程：\n")
    assert carol.endswith("\n2. 欢迎（10 分钟） · 主讲 @bob\n3. 经销政策（30 分钟） · 输出物：签字的政策")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_console_scripts_print_their_expected_output(lang: str, tmp_path: Path) -> None:
    """tests/scripts/agenda_change_<lang>.txt: a plain meeting's change at once; an approved event's change asked
    by its chair, refused to a participant, rejected with a reason, asked again and approved."""
    run_event_script(f"agenda_change_{lang}", tmp_path)
