"""Meeting plans (申报) and their approval on the real core: filing from `key: value` lines in English and
Chinese, a budget that does not add up, reviews then approval in order, reject and resubmit, a late step
reminded and escalated once, the green channel, the lock after approval, and who may see and decide.

The clock is the test's (Monday 2026-11-23 09:00 Shanghai); `chat.advance` ticks the scheduler at every due
row, as a running bot would.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.access import OpenDirectory
from bot.commands import parse_command
from bot.core import Core
from bot.errors import ParseError
from store.models import Meeting, MeetingPlan, PlanEvent, PlanStep
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent
from tests.test_console import run_event_script

PLAN_EN = """plan
name: Dealer conference 2027
type: client
goal: sign 50 new dealers
time: 2026-12-10 afternoon
place: Grand Hotel
internal: @bob @carol
decision-makers: @carol
external: Wang Wei, ACME Corp, CEO; Li Na, Beta Ltd, CFO
key-guests: Wang Wei
budget: 50000 venue 20000 materials 5000 catering 15000 travel 8000 other 2000
topics: pricing; dealer policy
outcomes: 50 signed contracts
attachments: https://example.com/plan.pdf"""

PLAN_ZH = """申报
名称：经销商大会
类型：客户会
目标：签约50家新经销商
时间：12月10日下午
内部参会：@bob @carol
外部嘉宾：王伟，ACME公司，总经理
预算：50000 场地 20000 餐饮 20000
议题：价格政策
预期成果：50份签约合同"""


@pytest.fixture
def chat() -> Chat:
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.command("boss", "config reviewers @it @admin")
    chat.command("boss", "config approver @boss")
    chat.command("boss", "config approver @ceo for @boss")
    return chat


def text(sent: list[Sent]) -> str:
    return "\n".join(s.body for s in sent)


def to(chat: Chat, who: str, sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.message.target.kind == "direct" and s.message.target.user == who]


def steps(chat: Chat) -> list[tuple[int, str, str, str]]:
    with Session(chat.core.engine) as session:
        rows = session.exec(select(PlanStep).order_by(col(PlanStep.id))).all()
        return [(s.version, s.stage, str(s.approver_id), s.status) for s in rows]


def plan_row(chat: Chat) -> tuple[str, str, bool]:
    with Session(chat.core.engine) as session:
        plan = session.exec(select(MeetingPlan)).one()
        meeting = session.get(Meeting, plan.meeting_id)
        assert meeting is not None
        return plan.state, meeting.status, plan.locked_at is not None


def history(chat: Chat) -> list[str]:
    with Session(chat.core.engine) as session:
        return [e.action for e in session.exec(select(PlanEvent).order_by(col(PlanEvent.id)))]


def approve_all(chat: Chat) -> list[Sent]:
    return [*chat.command("it", "approve 1"), *chat.command("admin", "approve 1"), *chat.command("boss", "approve 1")]


# ---- filing ------------------------------------------------------------------------------------------------

def test_a_plan_filed_from_key_value_lines_goes_to_the_reviewers(chat: Chat) -> None:
    sent = chat.command("alice", PLAN_EN)
    filed = text(sent[:1])
    assert "Plan #1 “Dealer conference 2027” is filed." in filed
    assert "When: 2026-12-10 14:00 (Thu) Asia/Shanghai" in filed
    assert "★@carol" in filed and "★Wang Wei (ACME Corp, CEO)" in filed and "Li Na (Beta Ltd, CFO)" in filed
    assert "“afternoon” taken as 14:00" in text(sent)  # never a silent guess
    assert "add up" not in text(sent)
    cards = to(chat, "it", sent) + to(chat, "admin", sent)
    assert len(cards) == 2 and all([b.label for b in c.message.buttons] == ["Approve", "Reject"] for c in cards)
    assert plan_row(chat) == ("review", "planned", False)
    assert not to(chat, "boss", sent)  # the superior comes after every review
    assert "No upcoming meetings" in text(chat.command("alice", "list"))  # a plan is not a scheduled meeting


def test_a_plan_in_chinese(chat: Chat) -> None:
    sent = chat.command("alice", PLAN_ZH)
    assert "申报 #1“经销商大会”已提交。" in text(sent)
    assert all("类型：客户会" not in s.message.text for s in sent)  # fields are rendered as label/value pairs
    assert any(("类型", "客户会") in s.message.fields for s in sent)
    assert "明细合计 40,000，与总额 50,000 不符" in text(sent)


@pytest.mark.parametrize(
    ("plan", "approve", "review_reply", "approval_reply", "told"),
    [
        pytest.param(PLAN_EN, "approve 1", "You approved plan #1 (resource review).", "You approved plan #1.",
                     "✅ @boss approved plan #1 “Dealer conference 2027”, saying “go ahead”.", id="en"),
        pytest.param(PLAN_ZH, "批准 1", "你已批准申报 #1（资源预审）。", "你已批准申报 #1。",
                     "✅ @boss 批准了申报 #1“经销商大会”，附言：“go ahead”。", id="zh"),
    ],
)
def test_an_approval_reads_naturally(chat: Chat, plan: str, approve: str, review_reply: str, approval_reply: str,
                                     told: str) -> None:
    chat.command("alice", plan)
    assert text(chat.command("it", approve)[:1]).strip() == review_reply
    chat.command("admin", approve)
    sent = chat.command("boss", approve + " go ahead")
    assert text(sent[:1]).strip() == approval_reply
    assert told in text(to(chat, "alice", sent))
    assert "approval of" not in text(sent) and "的审批" not in text(sent)


def test_a_budget_that_does_not_add_up_is_filed_and_said(chat: Chat) -> None:
    sent = chat.command("alice", PLAN_EN.replace("other 2000", "other 1000"))
    assert "The budget's parts add up to 49,000, not the total 50,000." in text(sent)
    assert plan_row(chat)[0] == "review"


@pytest.mark.parametrize(
    ("changed", "key", "example"),
    [
        pytest.param(("type: client", "type: party"), "error.plan_type", "example.plan", id="bad-type"),
        pytest.param(("goal: sign 50 new dealers", "goal: more dealers"), "error.plan_goal_number", "example.plan",
                     id="goal-without-number"),
        pytest.param(("Li Na, Beta Ltd, CFO", "Li Na"), "error.plan_guest", "example.plan", id="guest-no-company"),
        pytest.param(("budget: 50000", "budget: lots"), "error.plan_budget", "example.plan", id="bad-budget"),
        pytest.param(("time: 2026-12-10 afternoon", "time: 2026-12-10"), "error.missing_hour", "example.plan",
                     id="day-without-time"),
        pytest.param(("name: Dealer conference 2027\n", ""), "error.plan_missing", "example.plan", id="no-name"),
    ],
)
def test_bad_plan_input_says_what_is_wrong(changed: tuple[str, str], key: str, example: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(PLAN_EN.replace(*changed), now=MONDAY_9AM, tz=SHANGHAI)
    assert (caught.value.key, caught.value.example_key) == (key, example)


def test_bad_input_gets_an_example_in_both_languages(chat: Chat) -> None:
    en = text(chat.command("alice", "plan name: X type: party"))
    assert "“party” is not a plan type" in en and "For example: /meeting plan name: Dealer day" in en
    zh = text(chat.command("alice", "申报 名称：经销商大会 类型：聚会"))
    assert "“聚会”不是会议类型" in zh and "/meeting 申报 名称：经销商大会" in zh


def test_missing_fields_are_named_in_the_readers_language(chat: Chat) -> None:
    assert "A plan needs type, goal, time." in text(chat.command("alice", "plan name: X"))
    assert "申报还缺：类型、目标、时间。" in text(chat.command("alice", "申报 名称：经销商大会"))


def test_a_plan_in_a_dingtalk_message_takes_the_lines_after_the_command(chat: Chat) -> None:
    sent = chat.say("alice", "/meeting " + PLAN_EN)
    assert "Plan #1 “Dealer conference 2027” is filed." in text(sent)
    sent = chat.say("carol", PLAN_ZH, addressed=True)  # "@Quorum 申报\n名称：…" in a DingTalk group
    assert "申报 #2“经销商大会”已提交。" in text(sent)


def test_a_budget_too_long_to_be_one_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(PLAN_EN.replace("budget: 50000", "budget: " + "9" * 400), now=MONDAY_9AM, tz=SHANGHAI)
    assert caught.value.key == "error.plan_budget"


# ---- approval ----------------------------------------------------------------------------------------------

def test_reviews_then_the_superior_then_the_meeting_is_scheduled_and_locked(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    assert "waiting for @boss" not in text(chat.command("boss", "approve 1"))  # not boss's turn yet
    sent = chat.command("it", "approve 1 room booked")
    assert "“room booked”" in text(to(chat, "alice", sent))
    sent = chat.command("admin", "approve 1")
    assert len(to(chat, "boss", sent)) == 1 and plan_row(chat) == ("approval", "planned", False)
    sent = chat.command("boss", "approve 1")
    assert "is approved: the meeting is scheduled and the plan is locked" in text(to(chat, "alice", sent))
    assert plan_row(chat) == ("approved", "scheduled", True)
    assert to(chat, "bob", sent) and to(chat, "carol", sent)  # invitations go out only now
    assert history(chat) == ["filed", "submitted", "approved", "approved", "approved", "locked"]


def test_mine_lists_the_plans_waiting_for_my_decision(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    mine = text(chat.command("it", "mine"))
    assert "Plans waiting for your decision" in mine and "#1 Dealer conference 2027 — resource review, due" in mine
    assert "Plans waiting" not in text(chat.command("boss", "mine"))  # not boss's turn yet
    assert "待你审批的申报" in text(chat.command("admin", "我的"))


def test_only_the_step_approver_decides(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    refused = text(chat.command("boss", "approve 1"))
    assert "Plan #1 is waiting for @it, @admin, not for you." in refused or "waiting for @admin, @it" in refused
    assert "There is no plan #1 that you can see." in text(chat.command("dave", "plan 1"))
    assert "There is no plan #1 that you can see." in text(chat.command("dave", "approve 1"))
    assert "There is no meeting #1 that you can see." in text(chat.command("dave", "show 1"))
    assert "There is no plan #7 that you can see." in text(chat.command("alice", "plan 7"))
    assert "Dealer conference 2027" in text(chat.command("boss", "plan 1"))  # an admin (and the approver) sees it
    assert "Only @alice, who filed plan #1, can change" in text(chat.command("it", "plan 1 edit place: Expo"))


def test_reject_needs_a_reason_and_goes_back_to_the_requester_who_resubmits(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    assert "A rejection needs its reason" in text(chat.command("admin", "reject 1"))
    sent = chat.command("admin", "reject 1 catering quote missing")
    assert "rejected plan #1 “Dealer conference 2027” at resource review: catering quote missing" in text(
        to(chat, "alice", sent))
    assert plan_row(chat)[0] == "rejected"
    assert "not waiting for a decision" in text(chat.command("it", "approve 1"))
    assert "resubmit 1" in text(chat.command("alice", "plan 1 edit budget: 50000 venue 20000 catering 30000"))
    sent = chat.command("alice", "resubmit 1")
    assert len(to(chat, "it", sent)) == 1 and len(to(chat, "admin", sent)) == 1
    assert [s[0] for s in steps(chat)] == [1, 1, 1, 2, 2, 2]
    approve_all(chat)
    assert plan_row(chat) == ("approved", "scheduled", True)


def test_a_late_step_is_reminded_then_escalated_once_and_the_requester_told(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    chat.command("it", "approve 1")
    chat.command("admin", "approve 1")  # boss's 24 h start at 09:00 Monday
    sent = chat.advance(timedelta(hours=23, minutes=59))
    assert not to(chat, "boss", sent)
    sent = chat.advance(timedelta(minutes=1))
    assert "past its deadline" in text(to(chat, "boss", sent))
    sent = chat.advance(timedelta(hours=12))  # half a window later: the superior, once
    assert "comes to you as @boss's superior" in text(to(chat, "ceo", sent))
    assert "it was escalated to @ceo" in text(to(chat, "alice", sent))
    assert not chat.advance(timedelta(days=3))
    sent = chat.command("ceo", "approve 1 go")
    assert plan_row(chat) == ("approved", "scheduled", True)
    assert history(chat)[-4:] == ["reminded", "escalated", "approved", "locked"]


@pytest.mark.parametrize(
    ("plan", "approve", "show", "old", "new", "notice"),
    [
        pytest.param(PLAN_EN, "approve 1", "plan 1", "(due 2026-11-24 09:00 (Tue) Asia/Shanghai)",
                     "(due 2026-11-25 21:00 (Wed) Asia/Shanghai)",
                     "it was escalated to @ceo, who has until 2026-11-25 21:00 (Wed) Asia/Shanghai", id="en"),
        pytest.param(PLAN_ZH, "批准 1", "申报 1", "（截止 2026-11-24 09:00（周二）Asia/Shanghai）",
                     "（截止 2026-11-25 21:00（周三）Asia/Shanghai）",
                     "已升级给 @ceo，新的截止时间为 2026-11-25 21:00（周三）Asia/Shanghai", id="zh"),
    ],
)
def test_an_escalated_step_shows_its_new_deadline(chat: Chat, plan: str, approve: str, show: str, old: str, new: str,
                                                  notice: str) -> None:
    """boss's 24 h run out Tuesday 09:00; at 21:00 the step goes to ceo with a window of its own, to Wednesday
    21:00: the superior's card, the requester's notice and the plan's view all say so, never the missed one."""
    chat.command("alice", plan)
    chat.command("it", approve)
    chat.command("admin", approve)
    chat.advance(timedelta(hours=24))
    sent = chat.advance(timedelta(hours=12))
    card = text(to(chat, "ceo", sent))
    assert new in card and old not in card
    assert notice in text(to(chat, "alice", sent))
    view = text(chat.command("alice", show))
    assert new in view and old not in view
    assert not chat.advance(timedelta(days=3))  # escalated once: no second reminder or escalation
    chat.command("ceo", approve)
    assert plan_row(chat)[0] == "approved"


def test_the_green_channel_gives_each_step_two_hours(chat: Chat) -> None:
    chat.command("alice", PLAN_EN.replace("plan\n", "plan urgent\n"))
    sent = chat.advance(timedelta(hours=2))
    assert "past its deadline" in text(to(chat, "it", sent)) and "past its deadline" in text(to(chat, "admin", sent))
    sent = chat.advance(timedelta(hours=1))  # a reviewer with no approver of their own: the channel's approver
    assert "by @it is late: it was escalated to @boss" in text(to(chat, "alice", sent))
    assert len(to(chat, "boss", sent)) == 2


def test_a_plan_without_an_approver_is_held_until_one_is_set() -> None:
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    assert "No approver is set for you here" in text(chat.command("alice", PLAN_EN))
    assert plan_row(chat)[0] == "draft"
    chat.command("boss", "config approver @boss")
    assert to(chat, "boss", chat.command("alice", "resubmit 1"))


def test_changing_an_approved_plan_needs_approval_again(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    approve_all(chat)
    sent = chat.command("alice", "plan 1 edit place: Expo Center")
    assert "was approved and locked: the change sends it through approval again" in text(sent)
    assert plan_row(chat) == ("review", "planned", False)
    assert "No upcoming meetings" in text(chat.command("alice", "list"))


def test_an_approved_plan_is_not_changed_around_its_lock(chat: Chat) -> None:
    chat.command("alice", PLAN_EN)
    approve_all(chat)
    for change in ("reschedule 1 2026-12-11 3pm", "edit 1 place Expo Center"):
        assert "is an approved plan and is locked" in text(chat.command("alice", change)), change
    # its agenda changes as a whole, by `agenda 1 change` (which its requester approves)
    refused = text(chat.command("alice", 'agenda 1 add "Risks" 10m'))
    assert "Ask for the whole new agenda with /meeting agenda 1 change" in refused
    assert "已锁定" in text(chat.command("alice", "改期 1 12月11日下午3点"))
    assert plan_row(chat) == ("approved", "scheduled", True)


def test_only_admins_configure_approvers(chat: Chat) -> None:
    assert "Only" in text(chat.command("alice", "config approver @alice"))
    assert "Name one approver." in text(chat.command("boss", "config approver @a @b"))
    assert "cannot be their own approver" in text(chat.command("boss", "config approver @boss for @boss"))


def test_approval_shows_a_clash_with_an_important_meeting(chat: Chat) -> None:
    chat.command("carol", 'new "Board" 2026-12-10 2pm for 2h with @bob important')
    chat.command("alice", PLAN_EN)
    sent = [*chat.command("it", "approve 2"), *chat.command("admin", "approve 2")]
    assert "Clashes with important meetings" in text(to(chat, "boss", sent))
    sent = chat.command("boss", "approve 2")
    assert "#1 Board" in text(to(chat, "alice", sent)) and "Clashes with important meetings" in text(sent)


# ---- the console scripts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_console_scripts_print_their_expected_output(lang: str, tmp_path: Path) -> None:
    """tests/scripts/plans_<lang>.txt: one plan rejected, resubmitted, escalated and approved; a green-channel
    plan reminded after 2 hours. The whole output is compared with plans_<lang>.expected."""
    run_event_script(f"plans_{lang}", tmp_path)


def test_the_approval_loop_on_postgresql(pg_migrated_engine: Engine) -> None:
    """The same queries (steps of the current version, approvers, clashes, budgets past 2^31 cents) on PostgreSQL."""
    chat = Chat(Core(make_settings(QUORUM_ADMINS="boss"), pg_migrated_engine), MONDAY_9AM)
    chat.command("boss", "config reviewers @it")
    chat.command("boss", "config approver @boss")
    chat.command("boss", "config approver @ceo for @boss")
    chat.command("alice", PLAN_EN.replace("budget: 50000 venue 20000", "budget: 50000000 venue 49970000"))
    chat.command("it", "approve 1")
    assert "Plans waiting for your decision" in text(chat.command("boss", "mine"))
    sent = chat.advance(timedelta(hours=36))
    assert "comes to you as @boss's superior" in text(to(chat, "ceo", sent))
    chat.command("ceo", "approve 1")
    assert plan_row(chat) == ("approved", "scheduled", True)
    with Session(pg_migrated_engine) as session:
        assert session.exec(select(MeetingPlan)).one().budget_total == 5_000_000_000


def test_help_for_a_command_shows_its_topic_in_either_language(chat: Chat) -> None:
    (en,) = chat.command("alice", "help plan")
    assert [s.heading for s in en.message.sections] == ["Meeting plans and approval"]
    (zh,) = chat.command("alice", "帮助 申报")
    assert [s.heading for s in zh.message.sections] == ["会议申报与审批"]


# ---- the organisation's own directory ----------------------------------------------------------------------

class OrgChart(OpenDirectory):
    """A platform whose org chart names managers (DingTalk's, on the core's port); counts the questions."""

    def __init__(self, managers: dict[str, str]) -> None:
        self.managers = managers
        self.asked: list[str] = []

    def manager_of(self, workspace: str, user: str) -> str | None:
        self.asked.append(user)
        return self.managers.get(user)


@pytest.fixture
def org_chat() -> Chat:
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.core.directory = OrgChart({"alice": "dora", "dora": "vp", "erin": "dora"})
    chat.command("boss", "config approver @boss")  # the channel's default
    return chat


def test_with_no_approver_of_their_own_a_plan_goes_to_the_requesters_manager(org_chat: Chat) -> None:
    sent = org_chat.command("alice", PLAN_EN)
    assert len(to(org_chat, "dora", sent)) == 1 and not to(org_chat, "boss", sent)
    assert "asks for your approval" in text(to(org_chat, "dora", sent))
    assert "Dealer conference 2027" in text(org_chat.command("dora", "plan 1"))  # the manager may see it
    org_chat.command("dora", "approve 1")
    assert plan_row(org_chat) == ("approved", "scheduled", True)


def test_a_configured_approver_wins_over_the_org_chart(org_chat: Chat) -> None:
    org_chat.command("boss", "config approver @ceo for @alice")
    sent = org_chat.command("alice", PLAN_EN)
    assert len(to(org_chat, "ceo", sent)) == 1 and not to(org_chat, "dora", sent)
    sent = org_chat.command("frank", PLAN_EN)  # no manager in the org chart: the channel's default
    assert len(to(org_chat, "boss", sent)) == 1


def test_a_late_step_escalates_to_the_approvers_own_manager(org_chat: Chat) -> None:
    org_chat.command("alice", PLAN_EN)
    org_chat.advance(timedelta(hours=24))
    sent = org_chat.advance(timedelta(hours=12))
    assert "comes to you as @dora's superior" in text(to(org_chat, "vp", sent))
    assert "it was escalated to @vp" in text(to(org_chat, "alice", sent))
    org_chat.command("vp", "approve 1")
    assert plan_row(org_chat) == ("approved", "scheduled", True)


def test_without_an_org_chart_nothing_changes() -> None:
    chat = Chat(migrated_core(make_settings()), MONDAY_9AM)  # Slack and the console: no org chart
    assert isinstance(chat.core.directory, OpenDirectory) and chat.core.directory.manager_of("T", "alice") is None
    sent = chat.command("alice", PLAN_EN)  # no approver of alice's own, no channel default: held, as before
    assert "No approver is set for you here, so plan #1 is held." in text(sent)
