"""One event through all five stages on the fake Slack and the fake DingTalk, through the real adapters.

The console scripts (tests/scripts/event_en.txt, event_zh.txt) take an event from its plan to its monitoring
report; here the same loop runs where people meet it: the plan filed (Slack: the modal form; DingTalk: `key：value`
lines), rejected with a reason and resubmitted, approved by clicking Approve (a Slack `block_actions`, a DingTalk
card callback on the Stream topic) and by command, a step that times out, is reminded and escalates to the
approver's superior, a green-channel plan, tasks with a dependency and one more than 24 hours overdue, sign-in,
chase, an incident acknowledged in time and one late, outcome, survey, and the report with its targets and its
PDF and XLSX uploaded. Assertions are on what the fakes received: who, where, which words, which token.

The adapters' clock is a `ManualClock` the test moves; `ManualClock.run` ticks at every due row on the way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.dingtalk.api import DingTalkApi
from adapters.dingtalk.app import DingTalkAdapter, QuorumStreamClient
from adapters.dingtalk.translate import PLATFORM as DINGTALK
from adapters.slack import blocks, plan_form
from adapters.slack.app import SlackAdapter
from adapters.slack.translate import PLATFORM as SLACK
from store.models import Incident, Meeting, MeetingPlan, PrepTask
from tests import fake_dingtalk as fd
from tests import fake_slack as fs
from tests.conftest import make_settings, migrated_core
from tests.harness import ManualClock
from tests.local_server import wait_until
from tests.test_slack_adapter import APP_TOKEN, BOT_TOKEN, SECRET, SocketModeDriver, button

# ---- Slack ---------------------------------------------------------------------------------------------------

SLACK_PEOPLE = {"alice": "U1", "bob": "U2", "carol": "U3", "it": "U4", "boss": "U5", "ceo": "U6", "itlead": "U7"}


class SlackLoop:
    """People acting on the fake Slack through Socket Mode; each action waits until the adapter has done it."""

    def __init__(self, fake: fs.FakeSlack, adapter: SlackAdapter, clock: ManualClock) -> None:
        self.fake, self.adapter, self.clock = fake, adapter, clock
        self.driver = SocketModeDriver(fake, adapter)

    def settled(self) -> None:
        wait_until(lambda: len(self.adapter.order) == 0)

    def command(self, who: str, text: str, channel: str = "C1") -> None:
        self.driver.command(SLACK_PEOPLE[who], channel, text)
        self.settled()

    def click(self, who: str, channel: str, message: dict[str, Any], value_prefix: str) -> dict[str, Any]:
        """`who` clicks the button of `message` whose value starts with `value_prefix`; the interactive ack."""
        found = button(message, value_prefix)
        answer = self.driver.interactive(fs.block_action(SLACK_PEOPLE[who], channel, message["ts"],
                                                         found["action_id"], found["value"]))
        self.settled()
        return answer

    def advance(self, delta: timedelta) -> None:
        self.clock.run(self.adapter.core, SLACK, self.adapter.tick, delta)

    def dm(self, who: str) -> list[dict[str, Any]]:
        return self.fake.messages("D" + SLACK_PEOPLE[who])

    def last_dm(self, who: str, words: str) -> dict[str, Any]:
        found = [m for m in self.dm(who) if words in m["text"]]
        assert found, f"no DM to {who} with {words!r}: {[m['text'][:80] for m in self.dm(who)]}"
        return found[-1]

    def ephemeral(self, who: str) -> list[str]:
        return [str(c.args.get("text")) for c in self.fake.calls("chat.postEphemeral")
                if c.args.get("user") == SLACK_PEOPLE[who]]


def mention(who: str) -> str:
    return f"<@{SLACK_PEOPLE[who]}|{who}>"


@pytest.fixture
def slack(sqlite_file_url: str, clock: ManualClock) -> Iterator[SlackLoop]:
    with fs.FakeSlack() as fake:
        for name, user_id in SLACK_PEOPLE.items():
            fake.add_user(user_id, name, name.title(), tz="Asia/Shanghai", locale="en-US", display_name=name,
                          is_admin=name == "boss")
        adapter = SlackAdapter(migrated_core(make_settings(sqlite_file_url)), BOT_TOKEN, SECRET, fake.api_url,
                               clock=clock)
        loop = SlackLoop(fake, adapter, clock)
        yield loop
        loop.driver.close()


def typed(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def test_one_event_through_all_five_stages_on_slack(slack: SlackLoop) -> None:
    fake = slack.fake
    slack.command("boss", f"config reviewers {mention('it')}")
    slack.command("boss", f"config approver {mention('boss')}")
    slack.command("boss", f"config approver {mention('ceo')} for {mention('boss')}")
    slack.command("boss", f"config incident equipment {mention('itlead')}")

    # stage 1: the plan, through the form
    slack.driver.command("U1", "C1", "plan", trigger_id="trig-plan")
    view = fake.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == plan_form.PLAN_MODAL_CALLBACK and view["title"]["text"] == "Meeting plan"
    form: dict[str, Any] = {
        "name": {"name": typed("Dealer conference 2027")},
        "plan_type": {"plan_type": {"type": "static_select", "selected_option": {"value": "client"}}},
        "goal": {"goal": typed("sign 50 new dealers")},
        "date": {"date": {"type": "datepicker", "selected_date": "2026-11-30"}},
        "time": {"time": {"type": "timepicker", "selected_time": "14:00"}},
        "place": {"place": typed("Grand Hotel")},
        "internal": {"internal": {"type": "multi_users_select", "selected_users": ["U2", "U3"]}},
        "deciders": {"deciders": {"type": "multi_users_select", "selected_users": ["U3"]}},
        "external": {"external": typed("Wang Wei, ACME Corp, CEO")},
        "key_guests": {"key_guests": typed("Wang Wei")},
        "budget": {"budget": typed("50000")},
        **{f"budget_{part}": {f"budget_{part}": typed(amount)} for part, amount in
           (("venue", "20000"), ("materials", "5000"), ("catering", "15000"), ("travel", "8000"), ("other", "1000"))},
        "topics": {"topics": typed("pricing; dealer policy")},
        "outcomes": {"outcomes": typed("50 signed contracts")},
    }
    slack.driver.interactive(fs.view_submission("U1", plan_form.PLAN_MODAL_CALLBACK, "C1", form))
    slack.settled()
    review = slack.last_dm("it", "asks for your resource review")
    assert "Dealer conference 2027" in review["text"] and "add up to 49,000" in review["text"]
    assert all(m["text"].count("Dealer conference 2027") for m in slack.dm("it"))

    # it rejects with the Reject button: Slack asks the reason in a modal
    reject = button(review, "{")
    assert json.loads(reject["value"])["command"] == "reject 1"
    slack.driver.interactive(fs.block_action("U4", "DU4", review["ts"], reject["action_id"], reject["value"],
                                             trigger_id="trig-reject"))
    asked = fake.wait_for("views.open", 2)[-1].args["view"]
    assert asked["callback_id"] == blocks.ASK_MODAL_CALLBACK
    why = {blocks.ASK_BLOCK: {blocks.ASK_BLOCK: typed("the budget does not add up")}}
    slack.driver.interactive(fs.view_submission("U4", blocks.ASK_MODAL_CALLBACK, asked["private_metadata"], why))
    slack.settled()
    assert slack.dm("it")[-1]["text"] == "You rejected plan #1; its requester is told why."
    rejected = slack.last_dm("alice", "rejected plan #1")
    assert "at resource review: the budget does not add up" in rejected["text"]

    # fixed by command and resubmitted; it approves with the Approve button
    slack.command("alice", "plan 1 edit budget: 50000 venue 20000 materials 5000 catering 15000 travel 8000 "
                           "other 2000")
    slack.command("alice", "resubmit 1")
    assert slack.ephemeral("alice")[-1] == "Plan #1 is resubmitted."
    again = slack.last_dm("it", "asks for your resource review")
    assert again["ts"] != review["ts"] and "add up" not in again["text"]
    slack.click("it", "DU4", again, "approve 1")
    approved = "@it approved plan #1 “Dealer conference 2027” in resource review."
    assert approved in slack.last_dm("alice", "approved")["text"]
    to_boss = slack.last_dm("boss", "asks for your approval of the goal and budget within 1 d")
    assert "Plan #1: Dealer conference 2027" in to_boss["text"]

    # a green-channel plan, typed: two hours a step
    slack.command("alice", "plan urgent name: Press launch type: launch goal: 20 journalists attend "
                           "time: 2026-11-25 10-11am")
    assert "within 2 h" in slack.last_dm("it", "Plan #2: Press launch")["text"]
    slack.advance(timedelta(hours=2))
    assert "past its deadline" in slack.last_dm("it", "Plan #2")["text"]
    slack.command("it", "approve 2")
    slack.click("boss", "DU5", slack.last_dm("boss", "Plan #2: Press launch"), "approve 2")
    assert "Plan #2 “Press launch” is approved" in slack.last_dm("alice", "is approved")["text"]

    # boss lets plan 1 wait: reminded, then escalated to the ceo, boss's superior; the ceo approves by command
    slack.advance(timedelta(days=1, hours=10))
    reminded = slack.last_dm("boss", "Plan #1")
    assert "is past its deadline. Please decide; at 2026-11-24 21:00 (Tue)" in reminded["text"]
    escalated = slack.last_dm("ceo", "Plan #1: Dealer conference 2027")
    assert "comes to you as @boss's superior" in escalated["text"] and "@boss → <@U6>" in escalated["text"]
    assert "it was escalated to @ceo" in slack.dm("alice")[-1]["text"]
    slack.command("ceo", "approve 1 go ahead")
    assert "Plan #1 “Dealer conference 2027” is approved" in slack.last_dm("alice", "is approved")["text"]
    assert "invited you to “Dealer conference 2027”" in slack.last_dm("bob", "Dealer conference 2027")["text"]

    # stage 2: the task board, a dependency, a task more than a day late
    slack.command("alice", f"task 1 book the hall {mention('bob')} by 2026-11-26 17:00 priority high "
                           "deliverable: signed contract")
    slack.command("alice", f"task 1 print badges {mention('carol')} by 2026-11-27 12:00 after 1")
    assert "It starts when task #1 (book the hall) is done" in slack.last_dm("carol", "Task #2")["text"]
    slack.advance(timedelta(days=1))
    assert "is due in 24 hours" in slack.last_dm("bob", "Your task #1")["text"]
    slack.command("bob", "task done 1")
    assert "your task #2 (print badges) can start now" in slack.last_dm("carol", "was done by")["text"]
    slack.advance(timedelta(days=2, hours=16))
    assert "more than 24 hours overdue" in slack.last_dm("carol", "Your task #2")["text"]
    warning = slack.last_dm("alice", "Warning: task #2")  # the requester is copied
    assert "of @carol for event #1 is more than 24 hours overdue" in warning["text"]
    slack.command("alice", "board 1")
    assert "late by 25 h" in slack.ephemeral("alice")[-1]
    slack.command("carol", "task done 2")

    # stage 3: the event day: sign-in, a chase, two incidents (one acknowledged with its button in time)
    slack.advance(timedelta(days=2, minutes=40))
    slack.command("bob", "signin 1 department Sales contact 138-0000-0000")
    assert slack.ephemeral("bob")[-1] == "Signed in to #1 at 13:40 (Sales, 138-0000-0000)."
    slack.command("alice", "chase 1")
    assert "asks you to sign in to #1" in slack.last_dm("carol", "sign in")["text"]
    slack.advance(timedelta(minutes=20))
    slack.command("alice", "start 1")
    slack.command("carol", "here")  # present: signed in or checked in, never merely speaking
    slack.command("carol", "incident 1 projector is down impact: keynote waits equipment high")
    incident = slack.last_dm("itlead", "Incident #1 at #1")
    slack.advance(timedelta(minutes=5))
    slack.click("itlead", "DU7", incident, "incident ack 1")
    assert slack.dm("itlead")[-1]["text"] == "You acknowledged incident #1 after 5 min, in time."
    assert "Incident #1 was acknowledged by @itlead after 5 min." in slack.dm("carol")[-1]["text"]
    slack.command("itlead", "incident close 1 cause: loose cable fix: replaced it")
    slack.command("bob", "incident 1 lunch is late catering")
    assert "Please acknowledge by 2026-11-30 14:20" in slack.last_dm("alice", "Incident #2 at #1")["text"]
    slack.advance(timedelta(minutes=20))
    assert "5 minutes are left to acknowledge it" in slack.last_dm("alice", "Incident #2")["text"]
    assert "was not acknowledged by @alice within 15 minutes: it comes to you" in slack.last_dm(
        "boss", "Incident #2")["text"]
    slack.command("alice", "incident ack 2")
    assert slack.ephemeral("alice")[-1] == ("You acknowledged incident #2 after 20 min: later than the 15 minutes "
                                            "the standard asks.")
    slack.command("alice", "incident status 2 handled")
    slack.command("alice", "end")
    minutes = wait_until(lambda: [u for u in fake.uploads() if u.completed])
    minutes_name = "meeting-1-Dealer-conference-2027-minutes-2026-11-30.txt"
    assert [(u.filename, u.channel_id) for u in minutes] == [(minutes_name, "C1")]

    # stage 4: the survey (bob clicks a score), a rating with a comment, the outcome
    survey = slack.last_dm("bob", "How was the meeting?")
    slack.click("bob", "DU2", survey, "rate 1 5")
    assert slack.dm("bob")[-1]["text"] == "Thanks! You rated #1 5/5."
    slack.command("carol", "rate 1 4 more time for questions")
    slack.command("alice", "outcome 1 48 new dealers signed against 50")
    assert slack.ephemeral("alice")[-1] == "Outcome recorded for #1: 48 new dealers signed against 50: 96%."

    # stage 5: the monitoring report, its targets met and missed, and its files
    slack.command("alice", "monitor 1")
    report = slack.last_dm("alice", "Monitoring report of #1")  # with files: in alice's private chat
    assert "Answered within 15 min: 1 of 2 (50%) — target ≥ 90%: ❌ missed" in report["text"]
    assert "Satisfaction: 4.5 of 5 (2 answers) — target ≥ 4.5: ✅ met" in report["text"]
    assert "48 new dealers signed against 50: 96%" in report["text"]
    files = {u.filename: u for u in fake.uploads() if u.completed and u.channel_id == "DU1"}
    stem = "meeting-1-Dealer-conference-2027-monitoring-report-2026-11-30"
    assert set(files) == {f"{stem}.pdf", f"{stem}.xlsx"}
    assert all(u.thread_ts == report["ts"] for u in files.values())
    assert (files[f"{stem}.pdf"].content or b"").startswith(b"%PDF")
    assert (files[f"{stem}.xlsx"].content or b"").startswith(b"PK")  # a zip: the workbook
    # every Web API call with the workspace's bot token (the app-level token only opens Socket Mode)
    assert {c.token for c in fake.calls() if c.method != "apps.connections.open"} == {BOT_TOKEN}
    assert {c.token for c in fake.calls("apps.connections.open")} == {APP_TOKEN}
    with Session(slack.adapter.core.engine) as session:
        assert [p.state for p in session.exec(select(MeetingPlan))] == ["approved", "approved"]
        assert {t.status for t in session.exec(select(PrepTask))} == {"done"}
        assert [i.status for i in session.exec(select(Incident))] == ["closed", "handled"]
        assert session.exec(select(Meeting.status).where(Meeting.number == 1)).one() == "ended"


# ---- DingTalk ------------------------------------------------------------------------------------------------

STAFF = {"张三": "10001", "李四": "10002", "王五": "10003", "行政": "10004", "王总": "10005", "董事长": "10006",
         "小李": "10007"}
GROUP = fd.conversation_id("event-group")
AT_NAME = re.compile(r"@(\S+?)(?=[\s，。]|$)")
PLAN_ZH = "\n".join((  # as tests/scripts/event_zh.txt files it
    "申报", "名称：经销商大会", "类型：客户会", "目标：签约50家新经销商", "时间：11月30日下午2点", "地点：国际酒店",
    "内部参会：@李四 @王五", "关键决策人：@王五", "外部嘉宾：王伟，ACME公司，总经理", "重要嘉宾：王伟",
    "预算：50000 场地 20000 物料 5000 餐饮 15000 差旅 8000 其他 1000", "议题：价格政策；经销商政策",
    "预期成果：50份签约合同"))


class DingTalkLoop:
    """People writing to the robot on the fake DingTalk over Stream; each message waits until it is handled."""

    def __init__(self, fake: fd.FakeDingTalk, adapter: DingTalkAdapter, clock: ManualClock) -> None:
        self.fake, self.adapter, self.clock = fake, adapter, clock

    def settled(self) -> None:
        wait_until(lambda: len(self.adapter.order) == 0)

    def say(self, who: str, text: str, group: bool = True) -> None:
        """`who` writes `text` to the robot (@robot in the group, or 1:1); each `@名字` is an @mention."""
        at = tuple(STAFF[name] for name in AT_NAME.findall(text) if name in STAFF)
        message = fd.chatbot_message(text, STAFF[who], who, now_ms=int(self.clock.now.timestamp() * 1000),
                                     group=GROUP if group else None, at_users=at)
        self.fake.wait_for_ack(self.fake.push(fd.TOPIC_CHATBOT, message))
        self.settled()

    def click(self, who: str, card: fd.Card, command_prefix: str) -> None:
        found = next(b for b in card.buttons() if str(b["params"]["command"]).startswith(command_prefix))
        self.fake.wait_for_ack(self.fake.click(card.out_track_id, STAFF[who], str(found["id"])))
        self.settled()

    def advance(self, delta: timedelta) -> None:
        self.clock.run(self.adapter.core, DINGTALK, self.adapter.tick, delta)

    def sent(self) -> list[tuple[str, str]]:
        """Everything the robot said, in order, as (where, text): `group`, or a staff id for a 1:1 message or card."""
        said: list[tuple[str, str]] = []
        for call in self.fake.calls():
            body = call.body if isinstance(call.body, dict) else {}
            if call.status != 200:
                continue
            if call.path == fd.SESSION_WEBHOOK:
                said.append(("group", str(body["markdown"]["text"])))
            elif call.path in (fd.GROUP_SEND, fd.OTO_BATCH_SEND):
                param = json.loads(body["msgParam"])
                text = str(param.get("text") or param.get("fileName") or "")
                for where in body.get("userIds") or ["group"]:
                    said.append((str(where), text))
            elif call.path == fd.CARD_CREATE_AND_DELIVER:
                space = str(body["openSpaceId"]).removeprefix("dtv1.card//")
                where = "group" if space.startswith("IM_GROUP.") else space.removeprefix("IM_ROBOT.")
                params = body["cardData"]["cardParamMap"]
                said.append((where, f"{params['title']}\n{params['markdown']}"))
        return said

    def to(self, who: str) -> list[str]:
        return [text for where, text in self.sent() if where == STAFF[who]]

    def last_to(self, who: str, words: str) -> str:
        found = [text for text in self.to(who) if words in text]
        assert found, f"nothing to {who} with {words!r}: {[text[:80] for text in self.to(who)]}"
        return found[-1]

    def in_group(self) -> list[str]:
        return [text for where, text in self.sent() if where == "group"]

    def card(self, who: str, words: str) -> fd.Card:
        """The newest card in `who`'s 1:1 chat with the robot that says `words`."""
        space = f"dtv1.card//IM_ROBOT.{STAFF[who]}"
        cards = [c for c in self.fake.cards() if c.space == space and words in c.params["title"] + c.params["markdown"]]
        assert cards, f"no card to {who} with {words!r}"
        return cards[-1]


@pytest.fixture
def dingtalk(sqlite_file_url: str, clock: ManualClock) -> Iterator[DingTalkLoop]:
    with fd.FakeDingTalk(ping_interval=0.2) as fake:
        for name, staff_id in STAFF.items():  # the org chart: 张三 reports to 王总, 王总 to 董事长
            manager = {"张三": "王总", "王总": "董事长"}.get(name)
            fake.org_person(staff_id, name, manager=STAFF[manager] if manager else None)
        api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
        settings = make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh", QUORUM_ADMINS=STAFF["王总"])
        adapter = DingTalkAdapter(migrated_core(settings), api, clock=clock)
        client = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, idle_seconds=5.0)
        runner = fd.ClientThread(client.start).start()
        fake.wait_connected()
        yield DingTalkLoop(fake, adapter, clock)
        runner.stop()


def test_one_event_through_all_five_stages_on_dingtalk(dingtalk: DingTalkLoop) -> None:
    talk, fake = dingtalk, dingtalk.fake
    talk.say("王总", "设置 审核人 @行政")
    talk.say("王总", "设置 异常处理人 设备 @小李")

    # stage 1: the plan, as key：value lines; 张三's approver is his manager in the org chart, 王总
    talk.say("张三", PLAN_ZH)
    review = talk.card("行政", "请你在 12 小时内完成资源预审")
    assert "**外部嘉宾**：★王伟（ACME公司，总经理）" in review.params["markdown"]
    assert "资源预审：@行政 — 待处理（截止 2026-11-23 21:00（周一）Asia/Shanghai）" in review.params["markdown"]
    assert "审批：@王总 — 等待中" in review.params["markdown"]
    assert "`/meeting 驳回 1` + 你的回答" in review.params["markdown"]  # a reason is typed: in Chinese words
    assert [b["text"] for b in review.buttons()] == ["批准"]
    talk.say("行政", "驳回 1 预算明细不符", group=False)
    assert "在资源预审环节驳回了申报 #1“经销商大会”：预算明细不符" in talk.last_to("张三", "驳回")

    # fixed and resubmitted; 行政 approves by clicking 批准 on the new card (a callback on the Stream topic)
    talk.say("张三", "申报 1 修改 预算：50000 场地 20000 物料 5000 餐饮 15000 差旅 8000 其他 2000")
    talk.say("张三", "重新提交 1")
    again = talk.card("行政", "请你在 12 小时内完成资源预审")
    assert again.out_track_id != review.out_track_id and "不符" not in again.params["markdown"]
    talk.click("行政", again, "approve 1")
    assert "你已批准申报 #1（资源预审）。" in talk.to("行政")
    assert "请你在 1 天内审批目标与预算" in talk.card("王总", "经销商大会").params["markdown"]

    # a green-channel plan: two hours a step, reminded when the first runs out
    talk.say("张三", "申报 紧急 名称：新品发布会 类型：发布会 目标：20家媒体到场 时间：11月25日上午10点到11点")
    assert "请你在 2 小时内完成资源预审" in talk.last_to("行政", "新品发布会")
    talk.advance(timedelta(hours=2))
    assert "资源预审已超过截止时间" in talk.last_to("行政", "新品发布会")
    talk.say("行政", "批准 2")
    talk.click("王总", talk.card("王总", "新品发布会"), "approve 2")
    assert "🎉 申报 #2“新品发布会”已批准" in talk.last_to("张三", "新品发布会")

    # 王总 lets plan 1 wait: reminded, then escalated to 董事长, his manager in the org chart, who has never
    # written to the robot: named as the org chart names him
    talk.advance(timedelta(days=1, hours=10))
    assert "审批已超过截止时间，请尽快处理" in talk.last_to("王总", "经销商大会")
    escalated = talk.card("董事长", "经销商大会").params["markdown"]
    assert "作为 @王总 的上级请你在 2026-11-25 21:00（周三）Asia/Shanghai 前处理" in escalated
    assert "审批：@王总 → @董事长 — 待处理（截止 2026-11-25 21:00（周三）Asia/Shanghai）" in escalated
    told = ("⏰ 你的申报 #1 的审批（@王总）已超时，已升级给 @董事长，"
            "新的截止时间为 2026-11-25 21:00（周三）Asia/Shanghai。")
    assert told in talk.to("张三")
    talk.say("董事长", "批准 1 同意", group=False)
    assert "🎉 申报 #1“经销商大会”已批准" in talk.last_to("张三", "经销商大会")

    # stage 2: the task board; the hall is booked by 小李, from outside the event's group
    talk.say("张三", "任务 1 预订会场 @小李 截止 11月26日17点 优先级 高 交付物 签好的合同")
    talk.say("张三", "任务 1 印制胸牌 @王五 截止 11月27日12点 依赖 1")
    assert "它在任务 #1（预订会场）完成后开始" in talk.last_to("王五", "任务 #2")
    talk.advance(timedelta(days=1))
    talk.say("小李", "任务 完成 1", group=False)  # from his chat with the robot: he never wrote in the group
    assert "▶️ 任务 #1（预订会场）已由 @小李 完成：你的任务 #2（印制胸牌）现在可以开始。" in talk.to("王五")
    talk.advance(timedelta(days=2, hours=16))
    assert "已逾期超过 24 小时" in talk.last_to("王五", "任务 #2")
    assert "⚠️ 预警：@王五 在活动 #1 的任务 #2（印制胸牌）已逾期超过 24 小时" in talk.last_to("张三", "预警")
    talk.say("张三", "看板 1")  # a reply to the one who asked: in his 1:1 chat with the robot, not the group
    assert "已逾期 25 小时" in talk.to("张三")[-1] and not any("已逾期 25 小时" in text for text in talk.in_group())
    talk.say("王五", "任务 完成 2")

    # stage 3: the event day
    talk.advance(timedelta(days=2, minutes=40))
    talk.say("李四", "签到登记 1 部门 销售部 联系方式 138-0000-0000")
    assert "已在 13:40 签到 #1（销售部，138-0000-0000）。" in talk.to("李四")  # his phone number: only to him
    assert not any("138-0000-0000" in text for text in talk.in_group())
    talk.say("张三", "催签到 1")
    assert "请你签到 #1“经销商大会”" in talk.last_to("王五", "签到")
    talk.advance(timedelta(minutes=20))
    talk.say("张三", "开始 1")
    talk.say("王五", "到")  # present means signed in or checked in
    talk.say("王五", "异常上报 1 投影仪无法使用 影响：主旨演讲推迟 设备 高")
    incident = talk.card("小李", "投影仪无法使用")
    talk.advance(timedelta(minutes=5))
    talk.click("小李", incident, "incident ack 1")  # from his chat with the robot: he never wrote in the group
    assert talk.to("小李")[-1] == "你在 5 分钟后确认了异常 #1，响应及时。"
    assert "异常 #1 已由 @小李 在 5 分钟后确认。" in talk.to("王五")
    talk.say("小李", "异常上报 关闭 1 原因：线松了 措施：已更换")
    talk.say("李四", "异常上报 1 午餐送晚了 餐饮")
    talk.advance(timedelta(minutes=20))
    assert "还剩 5 分钟" in talk.last_to("张三", "异常 #2")
    assert "@张三 未在 15 分钟内确认，现转给你" in talk.last_to("王总", "异常 #2")
    talk.say("张三", "异常上报 确认 2")
    assert "你在 20 分钟后确认了异常 #2：超过标准要求的 15 分钟。" in talk.to("张三")
    talk.say("张三", "异常上报 状态 2 已处理")
    talk.say("张三", "结束")
    assert any("出席（3/3）：@张三、@李四、@王五" in text for text in talk.in_group())

    # stage 4: the survey (李四 clicks a score on his card), a rating with a comment, the outcome
    talk.click("李四", talk.card("李四", "这次会议怎么样"), "rate 1 5")
    assert talk.to("李四")[-1] == "谢谢！你给 #1 打了 5/5 分。"
    talk.say("王五", "评分 1 4 提问时间太短")
    talk.say("张三", "成果 1 签约48家新经销商 目标 50")
    assert "已记录 #1 的成果：签约48家新经销商，目标 50，达成 96%。" in talk.to("张三")

    # stage 5: the monitoring report with its targets, and its files uploaded to 张三
    talk.say("张三", "监控报告 1")  # the report, with its files, to the one who asked for it
    report = talk.last_to("张三", "15 分钟内响应")
    assert not any("15 分钟内响应" in text for text in talk.in_group())
    assert "15 分钟内响应：2 起中 1 起（50%）—— 目标 ≥ 90%：❌ 未达标" in report
    assert "满意度：4.5 / 5（2 份）—— 目标 ≥ 4.5：✅ 达标" in report
    stem = "会议1-经销商大会-监控报告-2026-11-30"
    files = [m for m in fake.messages("oto", STAFF["张三"]) if m.msg_key == "sampleFile"]
    assert [(m.param["fileName"], m.param["fileType"]) for m in files] == [(f"{stem}.pdf", "pdf"),
                                                                           (f"{stem}.xlsx", "xlsx")]
    uploaded = {name: data for name, data in fake.media.values()}
    assert uploaded[f"{stem}.pdf"].startswith(b"%PDF") and uploaded[f"{stem}.xlsx"].startswith(b"PK")
    assert fake.token_requests == 1  # one access token, fetched once and sent on every call

    # everything the robot said reads as Chinese: full-width punctuation, no English words
    said = "\n".join(text for _where, text in talk.sent())
    assert not re.findall(r"[\u4e00-\u9fff*]: |[\u4e00-\u9fff] \(|[\u4e00-\u9fff]\)|, @", said)
    english = set(re.findall(r"[A-Za-z]{3,}", said)) - {  # names, file types, MeetBot's #words, a crontab line
        "Asia", "Shanghai", "ACME", "meeting", "minutes", "txt", "pdf", "xlsx", "topic", "info", "agreed", "action",
        "idea", "link", "undo", "endmeeting", "crontab", "mon"}
    assert not english, english
    with Session(talk.adapter.core.engine) as session:
        assert [p.state for p in session.exec(select(MeetingPlan))] == ["approved", "approved"]
        assert [i.status for i in session.exec(select(Incident))] == ["closed", "handled"]
