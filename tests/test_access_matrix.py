"""Every registered command against the project's four questions: who may see it, who may change it, what a
refusal says, what bad input gets.

`TABLE` holds one entry per subcommand in `bot.service.commands.COMMANDS`, and a command registered without
an entry fails `test_every_registered_command_has_an_entry`: a new command cannot ship without saying who it
refuses. For each entry:

- each refusal is tried in English and in Chinese (the command's Chinese name swapped in): the speaker alone
  reads one ⚠️ reply that says why (it names who may, or reads exactly like a meeting that does not exist) and
  what to do, the Chinese one without English words, and nothing in the database changed: every table is
  compared row by row, and the outbox gained exactly that one reply;
- a person who is allowed succeeds;
- one bad input, in both languages, gets a reply that names what was wrong and shows the command's example,
  and changes nothing either.

One world is built once (an approved event with a task and an incident, a confidential meeting tomorrow with
a named viewer, a confidential meeting that has ended with its action item and decision, one running now in
#ops, a plan waiting for approval, a weekly series, a request the bot warned about, an open question followed
up) and every case starts from its own copy of it (sqlite3's backup API), on the test's clock.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from adapters.console import ConsoleDirectory
from bot.core import Core
from bot.grammar.registry import Subcommand
from bot.i18n import Lang, t
from bot.messages import Outcome
from bot.service.commands import COMMANDS
from bot.vocabulary import Words
from store.database import make_engine
from store.models import Note, Notification
from tests.conftest import MONDAY_9AM, make_settings, migrated_engine
from tests.harness import Chat, Sent

SETTINGS = {"QUORUM_ADMINS": "boss", "QUORUM_COMMANDS_BURST": "100000"}
EVENT_PLAN = ("plan name: Dealer day type: client goal: sign 50 new dealers time: 2026-12-10 14:00 place: Grand Hotel "
              "internal: @bob @carol")
PENDING_PLAN = ("plan name: Launch day type: client goal: sign 20 new dealers time: 2026-12-17 14:00 "
                "place: Grand Hotel internal: @bob")
QUESTION = "who signs off the budget?"

# The world's numbers. Meetings: 1 the approved event (alice's, boss approves; carol reported incident 1, bob owns
# task 1), 2 "Salaries" (confidential, tomorrow, host alice with bob; lead is a named viewer), 3 "Retro"
# (confidential, ended; bob attended, carol was invited and did not come; action item 1 is bob's, decision 3.1),
# 4 "Ops" (confidential, running in #ops; lead is a named viewer), 5 a plan waiting for boss, 6… the weekly
# "Standup" series. Request 1 is alice's clashing "Clash". erin is in no meeting and no plan. The clock ends at
# 10:01, when carol has had the follow-up of the open question.
WORLD: list[tuple[str, str, str]] = [
    ("boss", "config reminder-hour 10", "general"),  # the open question is followed up at 10:00 today
    ("boss", "config approver @boss", "general"),
    ("boss", "config incident equipment @itlead", "general"),
    ("alice", EVENT_PLAN, "general"),
    ("boss", "approve 1", "general"),
    ("alice", 'new "Salaries" tomorrow 3pm with @bob confidential agenda "Bands" 20m "Raises" 10m', "general"),
    ("alice", "viewers 2 @lead", "general"),
    ("alice", 'new "Retro" today 9:30 for 10m with @bob confidential', "retro"),
    ("alice", "invite 3 @carol optional", "retro"),
    ("alice", 'new "Ops" today 9:45 for 10m with @bob confidential agenda "Status" 5m "Risks" 5m', "ops"),
    ("alice", "viewers 4 @lead", "ops"),
    ("alice", f"question {QUESTION} @carol by today", "general"),
]
LATER: list[tuple[str, str, str]] = [  # at 09:30: the retro runs and ends
    ("alice", "start 3", "retro"),
    ("bob", "here 3", "retro"),
    ("alice", "decision keep the format", "retro"),
    ("alice", "action @bob write the retro notes by friday", "retro"),
    ("alice", "end", "retro"),
]
LATEST: list[tuple[str, str, str]] = [  # at 09:45: ops starts; the rest is filed
    ("alice", "start 4", "ops"),
    ("bob", "here 4", "ops"),
    ("alice", PENDING_PLAN, "general"),
    ("alice", 'new "Standup" every monday 11am for 15m with @bob', "general"),
    ("alice", "task 1 book the hall @bob by 2026-11-25 17:00", "general"),
    ("carol", "incident 1 projector is down equipment high", "general"),
    ("alice", 'new "Clash" tomorrow 3pm with @bob', "general"),
    ("erin", "help", "general"),
    ("lead", "help", "general"),
    ("itlead", "help", "general"),
]


@dataclass(frozen=True)
class Step:
    """One thing a person types (a command, unless `private`). `zh`: its Chinese, where swapping in the command's
    Chinese name is not enough; `reply`: a reply, in the speaker's private chat, to the bot's follow-up of the
    open question."""

    who: str
    text: str
    channel: str = "general"
    zh: str | None = None
    reply: bool = False
    private: bool = False  # said in the speaker's private chat with the bot
    said: bool = False  # a line in the channel (MeetBot's `#action …`), not a command


@dataclass(frozen=True)
class Refusal:
    step: Step
    says: str
    says_zh: str


@dataclass(frozen=True)
class Allowed:
    step: Step
    says: str  # empty: MeetBot's quiet lines (`adds` says what they recorded)
    before: tuple[Step, ...] = ()
    adds: type[SQLModel] | None = None


@dataclass(frozen=True)
class Bad:
    step: Step
    says: str
    says_zh: str
    shows_example: bool = True


@dataclass(frozen=True)
class Entry:
    refused: tuple[Refusal, ...]
    allowed: tuple[Allowed, ...]
    bad: Bad
    open_to_all: str = ""  # why nobody is refused, for a command that refuses no one
    allowed_elsewhere: str = ""  # the test where an allowed person succeeds, when this world cannot set it up


HIDDEN = "There is no meeting #{n} that you can see."
HIDDEN_ZH = "没有你可以查看的 #{n} 号会议。"
ALICE_ONLY = "Only @alice can change meeting #{n} or its record."
ALICE_ONLY_ZH = "只有 @alice 可以修改 #{n} 号会议及其记录。"
NOT_RUNNER = "Only the people who run #1 can do that: @alice, its plan's approvers, or an admin."
NOT_RUNNER_ZH = "只有 #1 的组织者可以这样做：@alice、申报的审批人或管理员。"
NOT_ADMIN = "Only @boss and workspace admins can change this channel's settings."
NOT_ADMIN_ZH = "只有 @boss 和工作区管理员可以修改本频道的设置。"
NOT_INVITED = "Meeting #{n} is confidential: only the people invited to it take part. Ask @alice to invite you."
NOT_INVITED_ZH = "#{n} 号会议是保密会议，只有受邀的人可以参加。请联系 @alice 邀请你。"
NONE_RUNNING = "No meeting is running in this channel."
NONE_RUNNING_ZH = "本群没有正在进行的会议。"
NOT_A_NUMBER, NOT_A_NUMBER_ZH = "“x” is not a number.", "“x”不是编号。"
NEEDS_TEXT, NEEDS_TEXT_ZH = "” needs some text.", "”需要内容。"


def hidden(who: str, text: str, n: int, channel: str = "general") -> Refusal:
    return Refusal(Step(who, text, channel), HIDDEN.format(n=n), HIDDEN_ZH.format(n=n))


def alice_only(who: str, text: str, n: int, channel: str = "general") -> Refusal:
    return Refusal(Step(who, text, channel), ALICE_ONLY.format(n=n), ALICE_ONLY_ZH.format(n=n))


def runner_only(text: str) -> Refusal:
    return Refusal(Step("bob", text), NOT_RUNNER, NOT_RUNNER_ZH)


def admin_only(text: str) -> Refusal:
    return Refusal(Step("erin", text), NOT_ADMIN, NOT_ADMIN_ZH)


def not_running(text: str) -> Refusal:
    """An outsider of the confidential meeting running in #ops: to them nothing runs there."""
    return Refusal(Step("erin", text, "ops"), NONE_RUNNING, NONE_RUNNING_ZH)


def ok(who: str, text: str, says: str, channel: str = "general", before: tuple[Step, ...] = (),
       adds: type[SQLModel] | None = None) -> tuple[Allowed, ...]:
    return (Allowed(Step(who, text, channel), says, before, adds),)


def bad(who: str, text: str, says: str, says_zh: str, channel: str = "general") -> Bad:
    return Bad(Step(who, text, channel), says, says_zh)


ITEM_EDITORS = "Only @bob, @alice can reassign or edit action item #1."
ITEM_EDITORS_ZH = "只有 @bob、@alice 可以转交或修改 #1 号行动项。"
ITEM_CLOSERS = "Only @alice, @bob can change action item #1."
ITEM_CLOSERS_ZH = "只有 @alice、@bob 可以修改 #1 号行动项。"
BOB_DONE = (Step("bob", "done 1"),)
NO_CHANGE, NO_CHANGE_ZH = "There is no agenda change #9 that you can see.", "没有你能看到的议程变更 #9。"
SERIES_ALICE = "Only @alice can change the series of meeting #6."
SERIES_ALICE_ZH = "只有 @alice 可以修改 #6 号会议所属的系列。"

TABLE: dict[str, Entry] = {
    # -- meetings
    "new": Entry((), ok("erin", 'new "Budget" friday 3pm with @bob', "Budget"),
                 bad("alice", 'new "Budget"', "I couldn't find a start time", "没有找到开始时间"),
                 open_to_all="anyone may call a meeting"),
    "list": Entry((), ok("erin", "list", "Upcoming meetings"),
                  bad("alice", "list everything", "I didn't understand “everything”", "我没看懂“everything”"),
                  open_to_all="it lists only what the reader may see (a confidential one as a lock)"),
    "show": Entry((hidden("erin", "show 2", 2),), ok("lead", "show 2", "Salaries"),
                  bad("alice", "show x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "rsvp": Entry((hidden("erin", "rsvp 2 yes", 2),
                   Refusal(Step("lead", "rsvp 2 yes"), NOT_INVITED.format(n=2), NOT_INVITED_ZH.format(n=2))),
                  ok("bob", "rsvp 2 no travelling", "#2 Salaries"),
                  bad("bob", "rsvp 2 perhaps", "“perhaps” is not an answer", "“perhaps”不是有效回复")),
    "reschedule": Entry((alice_only("bob", "reschedule 2 friday 3pm", 2), hidden("erin", "reschedule 2 friday 3pm", 2)),
                        ok("alice", "reschedule 2 friday 3pm", "2026-11-27 15:00"),
                        bad("alice", "reschedule 2 someday", "I couldn't read “someday” as a time",
                            "无法识别时间“someday”")),
    "cancel": Entry((alice_only("bob", "cancel 2", 2), hidden("erin", "cancel 3", 3)),
                    ok("alice", "cancel 2 no longer needed", "cancelled"),
                    bad("alice", "cancel x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "series": Entry((Refusal(Step("bob", "series 6 edit time 10:30"), SERIES_ALICE, SERIES_ALICE_ZH),
                     hidden("erin", "series 3", 3)),
                    ok("alice", "series 6 edit time 10:30", "10:30"),
                    bad("alice", "series x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "skip": Entry((Refusal(Step("bob", "skip 6"), SERIES_ALICE, SERIES_ALICE_ZH),),
                  ok("alice", "skip 6 team offsite", "#6"),
                  bad("alice", "skip x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "edit": Entry((alice_only("bob", "edit 2 place Room 5", 2), hidden("erin", "edit 2 place Room 5", 2)),
                  ok("alice", "edit 2 place Room 5", "Room 5"),
                  bad("alice", "edit 2 colour blue", "I can't change “colour”", "无法修改“colour”")),
    "agenda": Entry((alice_only("bob", 'agenda 2 add "Risks" 10m', 2), alice_only("bob", "agenda 2 remove 1", 2),
                     alice_only("bob", "agenda 2 move 2 to 1", 2)),
                    (*ok("alice", 'agenda 2 add "Risks" 10m', "Risks"), *ok("alice", "agenda 2 remove 1", "Bands"),
                     *ok("alice", "agenda 2 move 2 to 1", "Raises")),
                    bad("alice", "agenda 2 shuffle", "“shuffle” is not something I can do to an agenda",
                        "“shuffle”不是议程操作")),
    "invite": Entry((alice_only("bob", "invite 2 @erin", 2), hidden("erin", "invite 2 @erin", 2)),
                    ok("alice", "invite 2 @carol optional", "@carol invited"),
                    bad("alice", "invite 2 erin", "I didn't understand “erin”", "我没看懂“erin”")),
    "uninvite": Entry((alice_only("bob", "uninvite 2 @bob", 2),),
                      ok("alice", "uninvite 2 @bob", "@bob"),
                      bad("alice", "uninvite 2", "needs a meeting number and the people", "需要会议编号和相关的人")),
    "extend": Entry((alice_only("bob", "extend 4 30m", 4, "ops"), hidden("erin", "extend 4 30m", 4, "ops")),
                    ok("alice", "extend 4 30m the demo needs more time", "30", "ops"),
                    bad("alice", "extend 4 forever", "I couldn't read “forever” as a length", "无法识别时长“forever”")),
    "start": Entry((alice_only("bob", "start 2", 2), hidden("erin", "start 2", 2)),
                   ok("alice", "start 6", "has started"),  # 59 minutes early: under the hour that asks first
                   bad("alice", "start 2 now", "I didn't understand “now”", "我没看懂“now”")),
    "here": Entry((hidden("erin", "here 4", 4, "ops"),
                   Refusal(Step("lead", "here 4", "ops"), NOT_INVITED.format(n=4), NOT_INVITED_ZH.format(n=4))),
                  ok("bob", "here 4", "checked in to #4", "ops"),
                  bad("alice", "here x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "next": Entry((alice_only("bob", "next", 4, "ops"), not_running("next")),
                  ok("alice", "next", "Risks", "ops"),
                  bad("alice", "next x", NOT_A_NUMBER, NOT_A_NUMBER_ZH, "ops")),
    "end": Entry((alice_only("bob", "end", 4, "ops"), not_running("end")),
                 ok("alice", "end", "has ended", "ops"),
                 bad("alice", "end now", "I didn't understand “now”", "我没看懂“now”", "ops")),
    "rate": Entry((hidden("erin", "rate 3 5", 3),
                   Refusal(Step("carol", "rate 3 5"), "Only people who attended meeting #3 (checked in) can rate it.",
                           "只有签到参加了会议 #3 的人才能评分。")),
                  ok("bob", "rate 3 5 good", "#3"),
                  bad("bob", "rate 3 9", "“9” is not a score", "“9”不是评分")),
    "ack": Entry((hidden("erin", "ack 3", 3),
                  Refusal(Step("lead", "ack 2"), "Only participants of meeting #2 confirm its minutes.",
                          "只有会议 #2 的参会人才能确认其会议纪要。")),
                 ok("bob", "ack 3", "confirmed the minutes of #3"),
                 bad("bob", "ack x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "acks": Entry((alice_only("bob", "acks 3", 3), hidden("erin", "acks 3", 3)),
                  ok("alice", "acks 3", "#3"),
                  bad("alice", "acks", "needs a number", "需要编号")),
    "object": Entry((hidden("erin", "object 3 wrong", 3),
                     Refusal(Step("lead", "object 2 wrong"),
                             "Only participants of meeting #2 can object to its minutes.",
                             "只有 #2 的参会人可以对纪要提出异议。")),
                    ok("bob", "object 3 the format was not agreed", "went to the host"),
                    bad("bob", "object 3", NEEDS_TEXT, NEEDS_TEXT_ZH)),
    "amend": Entry((alice_only("bob", "amend 3 format: changed", 3), hidden("erin", "amend 3 format: changed", 3)),
                   ok("alice", "amend 3 format: changed", "format: changed"),
                   bad("alice", "amend 3", NEEDS_TEXT, NEEDS_TEXT_ZH)),
    "viewers": Entry((alice_only("bob", "viewers 2 @erin", 2), hidden("erin", "viewers 2 @erin", 2)),
                     ok("alice", "viewers 2 @carol", "Named as viewers of meeting #2: @carol"),
                     bad("alice", "viewers 2", "needs a meeting number and the people", "需要会议编号和相关的人")),
    "confirm": Entry((Refusal(Step("bob", "confirm 1"), "Only @alice, who asked for it, can answer this request.",
                              "只有提出请求的 @alice 可以答复这个请求。"),),
                     ok("alice", "confirm 1", "Clash"),
                     bad("alice", "confirm x", "I didn't understand “x”", "我没看懂“x”")),
    "materials": Entry((Refusal(Step("bob", "materials 2 https://example.com/deck"),
                                "Only @alice can post the materials of meeting #2.",
                                "只有 @alice 可以发布 #2 号会议的材料。"),
                        hidden("erin", "materials 2 https://example.com/deck", 2)),
                       ok("alice", "materials 2 https://example.com/deck", "https://example.com/deck"),
                       bad("alice", "materials 2", "Say what to do with the materials", "请说明材料要做什么")),
    "mine": Entry((), ok("bob", "mine", "#1"),
                  bad("bob", "mine all", "I didn't understand “all”", "我没看懂“all”"),
                  open_to_all="it shows the speaker's own meetings and items only"),
    # -- plans
    "plan": Entry((hidden_plan := Refusal(Step("bob", "plan 5"), "There is no plan #5 that you can see.",
                                          "没有你可以查看的 #5 号申报。"),
                   Refusal(Step("boss", "plan 5 edit budget: 60000 venue 30000 catering 30000"),
                           "Only @alice, who filed plan #5, can change or resubmit it.",
                           "只有申报人 @alice 可以修改或重新提交申报 #5。")),
                  (*ok("erin", PENDING_PLAN.replace("Launch", "Erin's"), "is filed"),
                   *ok("alice", "plan 5 edit budget: 60000 venue 30000 catering 30000", "#5")),
                  bad("erin", "plan name: X", "A plan needs type, goal, time", "申报还缺：类型、目标、时间。")),
    "approve": Entry((Refusal(Step("alice", "approve 5"), "Plan #5 is waiting for @boss, not for you.",
                              "申报 #5 正在等待 @boss 审批，不是你。"), hidden_plan),
                     ok("boss", "approve 5", "You approved"),
                     bad("boss", "approve x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "reject": Entry((Refusal(Step("alice", "reject 5 no travel line"), "Plan #5 is waiting for @boss, not for you.",
                             "申报 #5 正在等待 @boss 审批，不是你。"),),
                    ok("boss", "reject 5 the budget has no travel line", "#5"),
                    bad("boss", "reject 5", "A rejection needs its reason", "驳回必须说明原因")),
    "resubmit": Entry((Refusal(Step("boss", "resubmit 5"), "Only @alice, who filed plan #5, can change or resubmit it.",
                               "只有申报人 @alice 可以修改或重新提交申报 #5。"),),
                      ok("alice", "resubmit 5", "#5", before=(Step("boss", "reject 5 no travel line"),)),
                      bad("alice", "resubmit x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    # A pending agenda change needs an approved event running with a chair (tests/test_agenda_change.py): this
    # world has none, so here each refuses a change it cannot see and reads bad input; the rest is there.
    "approve_change": Entry((Refusal(Step("erin", "approve change 9"), NO_CHANGE, NO_CHANGE_ZH),),
                            (), bad("alice", "approve change x", NOT_A_NUMBER, NOT_A_NUMBER_ZH),
                            allowed_elsewhere="test_agenda_change.py::test_a_chair_asks_the_requester_approves_by_button_and_everyone_gets_the_new_agenda"),
    "reject_change": Entry((Refusal(Step("erin", "reject change 9 keep it"), NO_CHANGE, NO_CHANGE_ZH),), (),
                           bad("alice", "reject change 1", "A rejection needs its reason", "驳回必须说明原因"),
                           allowed_elsewhere="test_agenda_change.py::test_a_rejection_needs_its_reason_and_the_chair_is_told_it"),
    # -- the event
    "task": Entry((runner_only("task 1 print badges @carol by 2026-11-27 12:00"),
                   Refusal(Step("carol", "task done 1"),
                           "Only the task's owner @bob or the people who run the event (@alice) can change it.",
                           "只有任务负责人 @bob 或活动组织者（@alice）可以修改它。")),
                  (*ok("alice", "task 1 print badges @carol by 2026-11-27 12:00", "Task #2"),
                   *ok("bob", "task done 1", "#1")),
                  bad("alice", "task 1 book the hall", "A task has exactly one owner", "每个任务只有一位负责人")),
    "board": Entry((hidden("bob", "board 5", 5),), ok("erin", "board 1", "book the hall"),
                   bad("erin", "board x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "incident": Entry((hidden("erin", "incident 5 the hall is flooded equipment high", 5),
                       Refusal(Step("carol", "incident ack 1"),
                               "Only the handler @itlead or the people who run the event (@alice) can answer this "
                               "incident.", "只有处理人 @itlead 或活动组织者（@alice）可以处理这个异常。")),
                      (*ok("erin", "incident 1 the mic is down equipment high", "Incident #2"),
                       *ok("itlead", "incident ack 1", "#1")),
                      bad("carol", "incident 1", NEEDS_TEXT, NEEDS_TEXT_ZH)),
    "outcome": Entry((runner_only("outcome 1 48 new dealers signed against 50"),),
                     ok("alice", "outcome 1 48 new dealers signed against 50", "48"),
                     bad("alice", "outcome 1", NEEDS_TEXT, NEEDS_TEXT_ZH)),
    "signin": Entry((hidden("erin", "signin 2", 2),
                     Refusal(Step("lead", "signin 2"), NOT_INVITED.format(n=2), NOT_INVITED_ZH.format(n=2))),
                    ok("bob", "signin 2 department Sales", "Signed in to #2"),
                    bad("bob", "signin x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "signins": Entry((runner_only("signins 1"),), ok("alice", "signins 1", "@bob"),
                     bad("alice", "signins x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "chase": Entry((runner_only("chase 1"),), ok("alice", "chase 1", "@bob"),
                   bad("alice", "chase x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "countdown": Entry((hidden("erin", "countdown 4", 4, "ops"),), ok("bob", "countdown 4", "Status", "ops"),
                       bad("bob", "countdown x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "monitor": Entry((runner_only("monitor 1"),
                      Refusal(Step("boss", "monitor 1 send"),
                              "The report of #1 is sent by its requester @alice, after reviewing it.",
                              "#1 的报告由申报人 @alice 审阅后发送。")),
                     ok("alice", "monitor 1", "#1"),
                     bad("alice", "monitor x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    # -- records
    "action": Entry((), ok("bob", "action @alice send the deck by friday", "send the deck", "ops"),
                    bad("bob", "action", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops"),
                    open_to_all="anyone records an action item; an outsider's stands alone, outside the meeting"),
    "decision": Entry((alice_only("bob", "decision ship it", 4, "ops"),),
                      ok("alice", "decision ship it", "Decision: ship it", "ops"),
                      bad("alice", "decision", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    "question": Entry((), ok("bob", "question who pays?", "who pays?", "ops"),
                      bad("bob", "question", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops"),
                      open_to_all="anyone asks a question; an outsider's stands alone, outside the meeting"),
    "verdict": Entry((Refusal(Step("carol", "verdict 3.1 approved"),
                              "Only @alice can set the verdict of this decision.",
                              "只有 @alice 可以给这条决议下结论。"),
                      hidden("erin", "verdict 3.1 approved", 3)),
                     ok("alice", "verdict 3.1 approved", "keep the format"),
                     bad("alice", "verdict 3.1 maybe", "“maybe” is not a verdict", "“maybe”不是结论")),
    "reassign": Entry((Refusal(Step("carol", "reassign 1 @carol"), ITEM_EDITORS, ITEM_EDITORS_ZH),
                       Refusal(Step("erin", "reassign 1 @erin"), "There is no action item #1 that you can see.",
                               "没有你可以查看的 #1 号行动项。")),
                      ok("bob", "reassign 1 @carol bob is on leave", "@carol"),
                      bad("bob", "reassign 1 carol", "needs an @person after the number", "需要在编号后 @ 一个人")),
    "assign": Entry((Refusal(Step("carol", "assign 1 @carol"), ITEM_EDITORS, ITEM_EDITORS_ZH),),
                    ok("alice", "assign 2 @carol", "@carol", "ops",  # item 2: a MeetBot line's, without an owner
                       before=(Step("alice", "#action update the risks by friday", "ops", said=True),)),
                    bad("alice", "assign 1", "needs an @person after the number", "需要在编号后 @ 一个人")),
    "edit_item": Entry((Refusal(Step("carol", "edit item 1 due 2026-12-04"), ITEM_EDITORS, ITEM_EDITORS_ZH),),
                       ok("alice", "edit item 1 due 2026-12-04", "2026-12-04"),
                       bad("alice", "edit item 1 colour blue", "say what to change", "请说明要改什么")),
    "done": Entry((Refusal(Step("carol", "done 1"), ITEM_CLOSERS, ITEM_CLOSERS_ZH),),
                  ok("bob", "done 1", "is done"),
                  bad("bob", "done x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "status": Entry((Refusal(Step("carol", "status 1 blocked waiting"), ITEM_CLOSERS, ITEM_CLOSERS_ZH),),
                    ok("bob", "status 1 blocked waiting for legal", "#1"),
                    bad("bob", "status 1 sleepy", "I couldn't read “sleepy” as a status", "无法识别状态“sleepy”")),
    "delay": Entry((Refusal(Step("carol", "delay 1 2 days"), ITEM_CLOSERS, ITEM_CLOSERS_ZH),),
                   ok("bob", "delay 1 to 2026-12-04", "2026-12-04"),
                   bad("bob", "delay 1 sometime", "I couldn't read “1 sometime” as a due date", "无法识别截止日期")),
    "topic": Entry((alice_only("bob", "topic budget", 4, "ops"), not_running("topic budget")),
                   ok("alice", "topic budget", "budget", "ops"),
                   bad("alice", "topic", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    # -- follow-through
    "accept": Entry((Refusal(Step("carol", "accept 1"), "Only @bob can change action item #1.",
                             "只有 @bob 可以修改 #1 号行动项。"),),
                    ok("bob", "accept 1", "#1"),
                    bad("bob", "accept x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "decline": Entry((Refusal(Step("carol", "decline 1 on leave"), "Only @bob can change action item #1.",
                              "只有 @bob 可以修改 #1 号行动项。"),),
                     ok("bob", "decline 1 on leave until the 5th", "#1"),
                     bad("bob", "decline 1", "Please say why you can't do #1.", "请说明无法完成 #1 的原因。")),
    "verify": Entry((Refusal(Step("carol", "verify 1"), "Only @alice can sign off action item #1.",
                             "只有 @alice 可以验收 #1 号行动项。"),),
                    ok("alice", "verify 1", "#1", before=BOB_DONE),
                    bad("alice", "verify x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "reopen": Entry((Refusal(Step("carol", "reopen 1 broken"), "Only @alice can sign off action item #1.",
                             "只有 @alice 可以验收 #1 号行动项。"),),
                    ok("alice", "reopen 1 the notes are missing", "#1", before=BOB_DONE),
                    bad("alice", "reopen x", NOT_A_NUMBER, NOT_A_NUMBER_ZH)),
    "config": Entry((admin_only('config digest "0 9 * * fri"'), admin_only("config reviewers @erin"),
                     admin_only("config approver @erin"), admin_only("config incident equipment @erin")),
                    (*ok("boss", 'config digest "0 9 * * fri"', "digest: 0 9 * * fri"),
                     *ok("boss", "config reviewers @itlead", "@itlead"), *ok("boss", "config approver @lead", "@lead"),
                     *ok("boss", "config incident equipment @lead", "Saved."), *ok("erin", "config", "timezone:")),
                    bad("boss", "config colour blue", "There is no setting called “colour”", "没有名为“colour”的设置")),
    "me": Entry((), ok("erin", "me timezone Europe/Berlin", "Europe/Berlin"),
                bad("erin", "me colour blue", "“colour” is not one of your settings", "“colour”不是你的设置项"),
                open_to_all="each person changes only their own language and timezone"),
    # -- looking back
    "report": Entry((Refusal(Step("erin", "report @bob"),
                             "Only @bob, @boss and workspace admins can see @bob's report.",
                             "只有 @bob、@boss 和工作区管理员可以查看 @bob 的报告。"),
                     hidden("erin", "report 3", 3)),
                    ok("bob", "report @bob", "@bob"),
                    bad("bob", "report @bob someday", "I couldn't read “someday” as a month", "无法识别月份“someday”")),
    "export": Entry((hidden("erin", "export 3", 3),), ok("bob", "export 3", "Retro"),
                    bad("bob", "export 3 docx", "I can export md, pdf or ics, not “docx”", "不支持“docx”")),
    "find": Entry((), ok("erin", "find standup", "Standup"),
                  bad("erin", "find", "What should I look for?", "要查找什么？"),
                  open_to_all="it finds only what the reader may see"),
    "help": Entry((), ok("erin", "help", "Type /meeting"),
                  Bad(Step("erin", "help nonsense"), "Type /meeting", "输入 /meeting", shows_example=False),
                  open_to_all="help is for everyone (an unknown topic gets the whole of it)"),
    "info": Entry((not_running("info the venue is booked"),),
                  ok("bob", "info the venue is booked", "", "ops", adds=Note),
                  bad("bob", "info", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    "idea": Entry((not_running("idea a shared calendar"),),
                  ok("bob", "idea a shared calendar", "", "ops", adds=Note),
                  bad("bob", "idea", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    "link": Entry((not_running("link https://example.com/spec"),),
                  ok("bob", "link https://example.com/spec", "", "ops", adds=Note),
                  bad("bob", "link", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    "undo": Entry((alice_only("bob", "undo", 4, "ops"), not_running("undo")),
                  ok("alice", "undo", "the venue is booked", "ops",
                     before=(Step("bob", "info the venue is booked", "ops"),)),
                  bad("alice", "undo 3", "I didn't understand “3”", "我没看懂“3”", "ops")),
    "chair": Entry((alice_only("bob", "chair @bob", 4, "ops"), not_running("chair @erin")),
                   ok("alice", "chair @bob", "@bob", "ops"),
                   bad("alice", "chair", NEEDS_TEXT, NEEDS_TEXT_ZH, "ops")),
    "resolved": Entry((Refusal(Step("erin", "resolved: the CFO does", zh="已解决：财务总监", reply=True),
                               "Only @carol, @alice (the question's owner or the person who asked it) can resolve it.",
                               "只有 @carol、@alice（问题的负责人或提问人）可以标记解决。"),),
                      (Allowed(Step("carol", "resolved: the CFO does", reply=True), QUESTION),),
                      Bad(Step("carol", "resolved: the CFO does", zh="已解决：财务总监", private=True),
                          "Which question? Reply to its follow-up reminder.", "是哪个问题？请回复对应的跟进提醒。",
                          shows_example=False)),
}


# ---- the world, and a copy of it for each case --------------------------------------------------------------


@dataclass
class World:
    engine: Engine
    chat: Chat
    question_prompt: str  # the id of the bot's follow-up of the open question, in carol's private chat


def run_all(chat: Chat, steps: list[tuple[str, str, str]]) -> None:
    for who, text, channel in steps:
        replies = chat.command(who, text, channel=channel)
        assert replies and not any(s.body.lstrip().startswith("⚠️ ") and s.message.target.user == who
                                   and "Before I create" not in s.body for s in replies), (text, replies)


@cache
def world() -> World:
    core = Core(make_settings(**SETTINGS), migrated_engine(), ConsoleDirectory())
    chat = Chat(core, MONDAY_9AM)
    run_all(chat, WORLD)
    chat.advance(timedelta(minutes=30))
    run_all(chat, LATER)
    chat.advance(timedelta(minutes=15))
    run_all(chat, LATEST)
    chat.advance(timedelta(minutes=16))
    prompt = next(s for s in chat.to("carol") if QUESTION in s.body and s.message.ref is not None
                  and s.message.ref.question_id is not None)
    return World(core.engine, chat, prompt.id)


def copy_of(source: Engine) -> Engine:
    engine = make_engine("sqlite://")
    with source.connect() as original, engine.connect() as copy:
        origin, target = original.connection.driver_connection, copy.connection.driver_connection
        assert isinstance(origin, sqlite3.Connection) and isinstance(target, sqlite3.Connection)
        origin.backup(target)
    return engine


def fresh() -> tuple[Chat, str]:
    """A chat on its own copy of the world, at the world's time, knowing the messages the world posted."""
    built = world()
    core = Core(make_settings(**SETTINGS), copy_of(built.engine), ConsoleDirectory())
    chat = Chat(core, built.chat.now, sent=list(built.chat.sent), by_id=dict(built.chat.by_id))
    return chat, built.question_prompt


@cache
def rows_of_fresh() -> dict[str, list[tuple[Any, ...]]]:
    """`snapshot` of what `fresh` starts from, taken once: every copy is a byte-for-byte backup of the same world,
    which no test writes to. (Were a copy ever to differ, the comparison with it would fail, not pass.)"""
    return snapshot(fresh()[0].core.engine)


def in_language(step: Step, lang: Lang) -> str:
    """The step's words in `lang`: Chinese swaps in the command's Chinese name (its arguments may stay)."""
    if lang == "en":
        return step.text
    if step.zh is not None:
        return step.zh
    word, _, rest = step.text.partition(" ")
    entry = COMMANDS.for_word(word)
    assert entry is not None and entry.words.zh, step.text
    return f"{entry.words.zh[0]} {rest}".strip()


def run(chat: Chat, step: Step, prompt: str, lang: Lang = "en") -> list[Sent]:
    text = in_language(step, lang)
    if step.reply:
        return chat.dm(step.who, text, reply_to=prompt)
    if step.private:
        return chat.dm(step.who, text)
    if step.said:
        return chat.say(step.who, text, channel=step.channel)
    return chat.command(step.who, text, channel=step.channel)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as plain tuples in a stable order."""
    with engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in SQLModel.metadata.sorted_tables}


def assert_nothing_changed(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> None:
    """The same rows everywhere, but for one new outbox row: the reply itself."""
    outbox = str(Notification.__tablename__)
    for table, rows in before.items():
        if table != outbox:
            assert after[table] == rows, f"{table} changed"
    old = before[outbox]
    new = [row for row in after[outbox] if row not in old]
    assert len(after[outbox]) == len(old) + 1 and len(new) == 1, "the outbox holds more than the reply"
    assert all(row in after[outbox] for row in old), "an outbox row changed"


LATIN_OUTSIDE_NAMES = re.compile(r"[A-Za-z]")


def assert_chinese_only(text: str) -> None:
    """No English in a Chinese reply: mentions, the example's `/meeting …` line and quoted input aside."""
    words = re.sub(r"@\S+|/meeting.*|“[^”]*”|#\d+(\.\d+)?", "", text)
    assert not LATIN_OUTSIDE_NAMES.search(words), f"English in a Chinese reply: {text!r}"
    assert ", " not in words, f"an ASCII comma in a Chinese reply: {text!r}"


# ---- the table's own rule ------------------------------------------------------------------------------------


def test_every_registered_command_has_an_entry() -> None:
    assert set(TABLE) == {entry.name for entry in COMMANDS}


@dataclass(frozen=True)
class Frobnicate:
    """A command nobody wrote a table entry for."""


def test_a_command_registered_without_an_entry_is_caught() -> None:
    unlisted = Subcommand("frobnicate", Words(("frobnicate",)), Frobnicate, None, lambda ctx, command: Outcome())
    with COMMANDS.adding(unlisted):
        assert set(TABLE) ^ {entry.name for entry in COMMANDS} == {"frobnicate"}


def test_every_entry_refuses_someone_or_says_why_nobody() -> None:
    for name, entry in TABLE.items():
        assert bool(entry.refused) != bool(entry.open_to_all), name
        assert bool(entry.allowed) != bool(entry.allowed_elsewhere), name


# ---- the cases -------------------------------------------------------------------------------------------


REFUSALS = [pytest.param(name, refusal, lang, id=f"{name}-{refusal.step.who}-{refusal.step.text[:30]}-{lang}")
            for name, entry in TABLE.items() for refusal in entry.refused for lang in ("en", "zh")]


@pytest.mark.parametrize(("name", "refusal", "lang"), REFUSALS)
def test_a_refusal_says_why_and_what_to_do_and_changes_nothing(name: str, refusal: Refusal, lang: Lang) -> None:
    chat, prompt = fresh()
    before = rows_of_fresh()
    sent = run(chat, refusal.step, prompt, lang)
    assert len(sent) == 1, [s.body for s in sent]
    (reply,) = sent
    assert reply.message.target.user == refusal.step.who and reply.message.target.kind in ("ephemeral", "direct")
    assert reply.body.lstrip().startswith("⚠️ ")
    assert (refusal.says if lang == "en" else refusal.says_zh) in reply.body
    example = t(lang, "error.for_example", example="").strip()
    assert "@" in reply.body or example in reply.body  # who may, or what to type instead
    if lang == "zh":
        assert_chinese_only(reply.body)
    assert_nothing_changed(before, snapshot(chat.core.engine))


ALLOWED = [pytest.param(name, allowed, id=f"{name}-{allowed.step.who}-{allowed.step.text[:30]}")
           for name, entry in TABLE.items() for allowed in entry.allowed]


@pytest.mark.parametrize(("name", "allowed"), ALLOWED)
def test_a_person_who_may_succeeds(name: str, allowed: Allowed) -> None:
    chat, prompt = fresh()
    for step in allowed.before:
        assert not any(s.body.lstrip().startswith("⚠️ ") for s in run(chat, step, prompt)), step
    rows = chat.rows(allowed.adds) if allowed.adds else 0
    sent = run(chat, allowed.step, prompt)
    mine = [s for s in sent if s.message.target.user == allowed.step.who]
    assert not any(s.body.lstrip().startswith("⚠️ ") for s in mine), [s.body for s in mine]
    if allowed.says:
        assert allowed.says in "\n".join(s.body for s in sent)
    if allowed.adds:
        assert chat.rows(allowed.adds) == rows + 1


BAD = [pytest.param(name, lang, id=f"{name}-{lang}") for name in TABLE for lang in ("en", "zh")]


@pytest.mark.parametrize(("name", "lang"), BAD)
def test_bad_input_says_what_was_wrong_with_an_example(name: str, lang: Lang) -> None:
    case = TABLE[name].bad
    chat, _prompt = fresh()
    before = rows_of_fresh()
    sent = run(chat, case.step, "", lang)
    assert len(sent) == 1, [s.body for s in sent]
    body = sent[0].body
    assert (case.says if lang == "en" else case.says_zh) in body
    if case.shows_example:
        entry = COMMANDS.named(name)
        assert entry is not None
        assert body.lstrip().startswith("⚠️ ") and t(lang, entry.example_key) in body
    assert_nothing_changed(before, snapshot(chat.core.engine))
