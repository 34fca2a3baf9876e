"""The command grammar, as tables: text in, whole Command dataclasses (or ParseError key + example) out.

Every case is said at the same moment, Monday 2026-11-23 09:00 in Asia/Shanghai, so expected times are exact.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest

from bot.command_types import (
    AddAction,
    AddChairs,
    AddDecision,
    AddNote,
    AddQuestion,
    AgendaSpec,
    CancelMeeting,
    CheckIn,
    Command,
    Done,
    EndMeeting,
    Help,
    ListMeetings,
    Mention,
    Mine,
    NewMeeting,
    ParticipantSpec,
    RescheduleMeeting,
    Role,
    Rsvp,
    SetStatus,
    SetTopic,
    ShowMeeting,
    StartMeeting,
    Undo,
)
from bot.commands import MAX_INPUT_CHARS, parse_command, parse_message
from bot.errors import ParseError

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday
HOUR = timedelta(hours=1)
Context = Literal["channel", "reply", "direct"]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def who(handle: str, role: Role = "required") -> ParticipantSpec:
    return ParticipantSpec(Mention(handle), role)


TOMORROW_3PM = at(11, 24, 15)
FRIDAY = date(2026, 11, 27)

# ------------------------------------------------------------------------------------------ parse_command

ENGLISH = [
    pytest.param(
        'new "Q3 roadmap" tomorrow 3pm for 1h with @alice @bob host @carol agenda "Scope" 20m "Budget" 25m',
        NewMeeting(
            "Q3 roadmap",
            TOMORROW_3PM,
            HOUR,
            participants=(who("alice"), who("bob"), who("carol", "host")),
            agenda=(AgendaSpec("Scope", 20), AgendaSpec("Budget", 25)),
        ),
        id="new-full",
    ),
    pytest.param("new Standup tomorrow 9am", NewMeeting("Standup", at(11, 24, 9)), id="new-unquoted-title"),
    pytest.param(
        "new Prep for launch tomorrow 3pm", NewMeeting("Prep for launch", TOMORROW_3PM), id="new-for-in-title"
    ),
    pytest.param(
        "new Review next friday at 10:00 in Room-5 https://zoom.us/j/1 goal: decide scope type decision confidential",
        NewMeeting(
            "Review",
            at(12, 4, 10),
            location="Room-5, https://zoom.us/j/1",
            goal="decide scope",
            meeting_type="decision",
            confidential=True,
        ),
        id="new-room-link-goal-type",
    ),
    pytest.param(
        'new "Payload review" tomorrow 3pm goal "ship with love" outcome: a decision',
        NewMeeting("Payload review", TOMORROW_3PM, goal="ship with love", expected_outcome="a decision"),
        id="new-quoted-goal-keeps-keywords",
    ),
    pytest.param(
        'new "payload review with love" tomorrow 3pm with @alice',
        NewMeeting("payload review with love", TOMORROW_3PM, participants=(who("alice"),)),
        id="new-keywords-inside-quotes",
    ),
    pytest.param(
        "new Sync tomorrow 3pm with @alice, @bob and @carol optional @dave recorder @erin",
        NewMeeting(
            "Sync",
            TOMORROW_3PM,
            participants=(
                who("alice"),
                who("bob"),
                who("carol"),
                who("dave", "optional"),
                who("erin", "recorder"),
            ),
        ),
        id="new-roles-apply-to-next-mention",
    ),
    pytest.param(
        'new "Sync" tomorrow 3pm agenda intro "Deep dive" 30min by @bob wrapup',
        NewMeeting(
            "Sync",
            TOMORROW_3PM,
            agenda=(AgendaSpec("intro"), AgendaSpec("Deep dive", 30, Mention("bob")), AgendaSpec("wrapup")),
        ),
        id="new-agenda-presenter",
    ),
    pytest.param(
        'new "Retro" friday 4pm for 90 minutes link https://meet.google.com/abc-defg',
        NewMeeting("Retro", at(11, 27, 16), timedelta(minutes=90), location="https://meet.google.com/abc-defg"),
        id="new-link",
    ),
    pytest.param('new "Fire drill" in 2 hours', NewMeeting("Fire drill", at(11, 23, 11)), id="new-relative"),
    pytest.param(
        'new "Q3 roadmap tomorrow 3pm', NewMeeting('"Q3 roadmap', TOMORROW_3PM), id="new-unclosed-quote-literal"
    ),
    pytest.param("list", ListMeetings(), id="list"),
    pytest.param("/meeting list", ListMeetings(), id="list-with-slash-word"),
    pytest.param("show #12", ShowMeeting(12), id="show-hash"),
    pytest.param("cancel 3 budget moved, sorry", CancelMeeting(3, "budget moved, sorry"), id="cancel-reason"),
    pytest.param("reschedule 3 friday 4pm", RescheduleMeeting(3, at(11, 27, 16)), id="reschedule"),
    pytest.param("rsvp 12 yes", Rsvp(12, "yes"), id="rsvp-button-value"),
    pytest.param(
        "/meeting rsvp 12 decline stuck in traffic", Rsvp(12, "no", "stuck in traffic"), id="rsvp-decline-note"
    ),
    pytest.param("rsvp 12 tentative", Rsvp(12, "maybe"), id="rsvp-tentative"),
    pytest.param("RSVP #12 Withdraw", Rsvp(12, "withdraw"), id="rsvp-withdraw-any-case"),
    pytest.param("start", StartMeeting(), id="start-bare"),
    pytest.param("start 3", StartMeeting(number=3), id="start-number"),
    pytest.param("start Design review", StartMeeting(title="Design review"), id="start-adhoc-title"),
    pytest.param("end", EndMeeting(), id="end"),
    pytest.param("mine", Mine(), id="mine"),
    pytest.param("help new", Help("new"), id="help-topic"),
    pytest.param("here 3", CheckIn(3), id="here-number"),
    pytest.param(
        "action @alice send the deck by friday",
        AddAction("send the deck", Mention("alice"), FRIDAY),
        id="action-by",
    ),
    pytest.param(
        "action send the deck @alice by next monday deliverable: slides",
        AddAction("send the deck", Mention("alice"), date(2026, 11, 30), "slides"),
        id="action-owner-mid-text-deliverable",
    ),
    pytest.param(
        "action @alice write it by hand",
        AddAction("write it by hand", Mention("alice")),
        id="action-by-not-a-date",
    ),
    pytest.param(
        "todo @bob fix login", AddAction("fix login", Mention("bob")), id="todo-alias"
    ),
    pytest.param("decision Ship v2 because users asked", AddDecision("Ship v2", "users asked"), id="decision-because"),
    pytest.param("agreed go with postgres", AddDecision("go with postgres"), id="agreed-alias"),
    pytest.param(
        "question who owns infra? @bob by friday",
        AddQuestion("who owns infra?", Mention("bob"), FRIDAY),
        id="question-owner-due",
    ),
    pytest.param("done 12 shipped https://x/pr/1", Done(12, "shipped https://x/pr/1"), id="done-note"),
    pytest.param("status 12 in progress", SetStatus(12, "in_progress"), id="status-in-progress"),
    pytest.param(
        "status 12 blocked waiting on legal",
        SetStatus(12, "blocked", reason="waiting on legal"),
        id="status-blocked",
    ),
    pytest.param("status 12 delay to next monday", SetStatus(12, "delay", due=date(2026, 11, 30)), id="status-delay"),
    pytest.param("topic Budget", SetTopic("Budget"), id="topic"),
    pytest.param("info the numbers are in", AddNote("info", "the numbers are in"), id="info"),
    pytest.param("idea use a queue", AddNote("idea", "use a queue"), id="idea"),
    pytest.param("link https://x.y/z", AddNote("link", "https://x.y/z"), id="link"),
    pytest.param("undo", Undo(), id="undo"),
    pytest.param("chair @alice bob", AddChairs((Mention("alice"), Mention("bob"))), id="chair-with-bare-name"),
]

CHINESE = [
    pytest.param(
        '新建 "Q3规划会" 明天下午3点 1小时 参会 @张三 @李四',
        NewMeeting("Q3规划会", TOMORROW_3PM, HOUR, participants=(who("张三"), who("李四"))),
        id="zh-new-full",
    ),
    pytest.param("新建 周会明天下午3点", NewMeeting("周会", TOMORROW_3PM), id="zh-new-glued-time"),
    pytest.param(
        "新建 Q3规划会 明天 下午3点 时长 1小时", NewMeeting("Q3规划会", TOMORROW_3PM, HOUR), id="zh-new-spaced-time"
    ),
    pytest.param(
        "新建 “评审会” 明天 下午3点 主持人：@王五 记录 @赵六 可选 @钱七 议程 “方案” 20分钟 主讲 @王五 “预算” "
        "地点 3楼 目标：确定方案 预期成果：定稿 类型 评审 保密",
        NewMeeting(
            "评审会",
            TOMORROW_3PM,
            participants=(who("王五", "host"), who("赵六", "recorder"), who("钱七", "optional")),
            agenda=(AgendaSpec("方案", 20, Mention("王五")), AgendaSpec("预算")),
            location="3楼",
            goal="确定方案",
            expected_outcome="定稿",
            meeting_type="review",
            confidential=True,
        ),
        id="zh-new-everything",
    ),
    pytest.param(
        "新建 「客户拜访」 下周五上午10点 九十分钟 参会人 @张三、@李四 类型 客户",
        NewMeeting(
            "客户拜访",
            at(12, 4, 10),
            timedelta(minutes=90),
            participants=(who("张三"), who("李四")),
            meeting_type="client",
        ),
        id="zh-new-corner-quotes",
    ),
    pytest.param(
        "创建 “例会” 周五 15:00 类型 例会", NewMeeting("例会", at(11, 27, 15), meeting_type="regular"), id="zh-create"
    ),
    pytest.param("新建 “周会” 明天下午３点", NewMeeting("周会", TOMORROW_3PM), id="zh-new-fullwidth-digit"),
    pytest.param(
        "新建 周会 明天 下午3点 参会 @张三 必须 @李四 列席 @王五",
        NewMeeting("周会", TOMORROW_3PM, participants=(who("张三"), who("李四"), who("王五", "optional"))),
        id="zh-new-roles",
    ),
    pytest.param(
        "创建 “跨部门同步” 下周一 上午10点 时长 半小时 类型 跨部门 链接 https://meeting.example/abc",
        NewMeeting(
            "跨部门同步",
            at(11, 30, 10),
            timedelta(minutes=30),
            location="https://meeting.example/abc",
            meeting_type="cross-team",
        ),
        id="zh-new-link-half-hour",
    ),
    pytest.param(
        "新建 “决策会” 后天 上午9点半 召集人 @张三 记录人 @李四 预期成果 “定方案” 类型 决策",
        NewMeeting(
            "决策会",
            at(11, 25, 9, 30),
            participants=(who("张三", "host"), who("李四", "recorder")),
            expected_outcome="定方案",
            meeting_type="decision",
        ),
        id="zh-new-convener-outcome",
    ),
    pytest.param("列表", ListMeetings(), id="zh-list"),
    pytest.param("会议列表", ListMeetings(), id="zh-list-long"),
    pytest.param("/会议 列表", ListMeetings(), id="zh-list-with-slash-word"),
    pytest.param("查看 ＃１２", ShowMeeting(12), id="zh-show-fullwidth"),
    pytest.param("查看12", ShowMeeting(12), id="zh-show-glued"),
    pytest.param("取消\u3000３\u3000预算调整", CancelMeeting(3, "预算调整"), id="zh-cancel-ideographic-space"),
    pytest.param("改期 3 周五下午4点", RescheduleMeeting(3, at(11, 27, 16)), id="zh-reschedule"),
    pytest.param("回复 12 参加", Rsvp(12, "yes"), id="zh-rsvp-yes"),
    pytest.param("回复 12 不参加 出差", Rsvp(12, "no", "出差"), id="zh-rsvp-no-note"),
    pytest.param("回复 12 待定", Rsvp(12, "maybe"), id="zh-rsvp-maybe"),
    pytest.param("回复 12 撤回", Rsvp(12, "withdraw"), id="zh-rsvp-withdraw"),
    pytest.param("回复 12 是", Rsvp(12, "yes"), id="zh-rsvp-shi"),
    pytest.param("/会议 回复 12 否 出差", Rsvp(12, "no", "出差"), id="zh-rsvp-button-with-slash-word"),
    pytest.param("开始 设计评审", StartMeeting(title="设计评审"), id="zh-start-adhoc"),
    pytest.param("开始 #3", StartMeeting(number=3), id="zh-start"),
    pytest.param("结束", EndMeeting(), id="zh-end"),
    pytest.param("我的", Mine(), id="zh-mine"),
    pytest.param("帮助 新建", Help("new"), id="zh-help-topic-canonical"),
    pytest.param("帮助", Help(), id="zh-help"),
    pytest.param("到 3", CheckIn(3), id="zh-checkin-number"),
    pytest.param("签到", CheckIn(), id="zh-checkin"),
    pytest.param(
        "行动 @张三 准备预算 周五前 交付物：预算表",
        AddAction("准备预算", Mention("张三"), FRIDAY, "预算表"),
        id="zh-action-due-deliverable",
    ),
    pytest.param(
        "待办 @张三 准备预算 截止 12月5日",
        AddAction("准备预算", Mention("张三"), date(2026, 12, 5)),
        id="zh-todo-deadline",
    ),
    pytest.param(
        "任务 @李四 整理纪要 截止周五", AddAction("整理纪要", Mention("李四"), FRIDAY), id="zh-task-glued-deadline"
    ),
    pytest.param("决定 采用方案A 因为 成本低", AddDecision("采用方案A", "成本低"), id="zh-decision-because"),
    pytest.param("决议 采用方案A，因为成本低", AddDecision("采用方案A", "成本低"), id="zh-decision-glued-because"),
    pytest.param("决策 采用方案A 理由：成本低", AddDecision("采用方案A", "成本低"), id="zh-decision-reason-label"),
    pytest.param("决定：采用方案A", AddDecision("采用方案A"), id="zh-decision-colon"),
    pytest.param(
        "问题 谁负责部署 @王五 截止 周五", AddQuestion("谁负责部署", Mention("王五"), FRIDAY), id="zh-question"
    ),
    pytest.param("问题 预算够吗", AddQuestion("预算够吗"), id="zh-question-bare"),
    pytest.param("完成 12 已上线", Done(12, "已上线"), id="zh-done"),
    pytest.param("状态 12 进行中", SetStatus(12, "in_progress"), id="zh-status-in-progress"),
    pytest.param("状态 12 受阻：等法务", SetStatus(12, "blocked", reason="等法务"), id="zh-status-blocked"),
    pytest.param("状态 12 延期到周五", SetStatus(12, "delay", due=FRIDAY), id="zh-status-delay-glued"),
    pytest.param("主题 预算", SetTopic("预算"), id="zh-topic"),
    pytest.param("信息 数字已更新", AddNote("info", "数字已更新"), id="zh-info"),
    pytest.param("想法 用队列", AddNote("idea", "用队列"), id="zh-idea"),
    pytest.param("链接 https://x.y/z", AddNote("link", "https://x.y/z"), id="zh-link"),
    pytest.param("撤销", Undo(), id="zh-undo"),
    pytest.param("主持 @张三 @李四", AddChairs((Mention("张三"), Mention("李四"))), id="zh-chair"),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH + CHINESE)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text, now=NOW, tz=TZ) == expected


ERRORS = [
    pytest.param("", "error.empty", "example.help", {}, id="empty"),
    pytest.param("/meeting", "error.empty", "example.help", {}, id="only-slash-word"),
    pytest.param("frobnicate 3", "error.unknown_subcommand", "example.help", {"word": "frobnicate"}, id="unknown"),
    pytest.param("new", "error.missing_title", "example.new", {}, id="new-nothing"),
    pytest.param('new "" tomorrow 3pm', "error.missing_title", "example.new", {}, id="new-empty-quotes"),
    pytest.param("new tomorrow 3pm", "error.missing_title", "example.new", {}, id="new-only-time"),
    pytest.param("new Q3 roadmap", "error.missing_time", "example.new", {}, id="new-no-time"),
    pytest.param('new "Sync" blah', "error.bad_time", "example.new", {"text": "blah"}, id="new-bad-time"),
    pytest.param(
        'new "x" yesterday 3pm',
        "error.past_time",
        "example.new",
        {"when": "2026-11-22 15:00"},
        id="new-past",
    ),
    pytest.param(
        '新建 "x" 今天上午8点',
        "error.past_time",
        "example.new",
        {"when": "2026-11-23 08:00"},
        id="zh-new-past-today",
    ),
    pytest.param(
        'new "x" tomorrow 3pm for 0h', "error.bad_duration", "example.new", {"text": "0h"}, id="new-zero-length"
    ),
    pytest.param(
        '新建 "x" 明天下午3点 时长 很久', "error.bad_duration", "example.new", {"text": "很久"}, id="zh-new-bad-length"
    ),
    pytest.param(
        'new "x" tomorrow 3pm type standup',
        "error.unexpected_text",
        "example.new",
        {"text": "type standup"},
        id="new-unknown-type",
    ),
    pytest.param("show", "error.missing_number", "example.show", {"command": "show"}, id="show-no-number"),
    pytest.param("show abc", "error.bad_number", "example.show", {"text": "abc"}, id="show-bad-number"),
    pytest.param("查看 十二", "error.bad_number", "example.show", {"text": "十二"}, id="zh-show-bad-number"),
    pytest.param("取消", "error.missing_number", "example.cancel", {"command": "取消"}, id="zh-cancel-no-number"),
    pytest.param("reschedule 3", "error.missing_time", "example.reschedule", {}, id="reschedule-no-time"),
    pytest.param(
        "reschedule 3 someday", "error.bad_time", "example.reschedule", {"text": "someday"}, id="reschedule-bad"
    ),
    pytest.param(
        "改期 3 昨天下午4点",
        "error.past_time",
        "example.reschedule",
        {"when": "2026-11-22 16:00"},
        id="zh-reschedule-past",
    ),
    pytest.param("rsvp 12 perhaps", "error.bad_rsvp_answer", "example.rsvp", {"text": "perhaps"}, id="rsvp-bad"),
    pytest.param("rsvp yes", "error.missing_number", "example.rsvp", {"command": "rsvp"}, id="rsvp-no-number"),
    pytest.param("回复 12", "error.bad_rsvp_answer", "example.rsvp", {"text": ""}, id="zh-rsvp-no-answer"),
    pytest.param("action", "error.missing_text", "example.action", {"command": "action"}, id="action-empty"),
    pytest.param("行动 @张三", "error.missing_text", "example.action", {"command": "行动"}, id="zh-action-no-text"),
    pytest.param("action buy milk", "error.missing_owner", "example.action", {}, id="action-no-owner"),
    pytest.param(
        "action @alice ship by 2026-02-30",
        "error.bad_due",
        "example.action",
        {"text": "2026-02-30"},
        id="action-bad-due",
    ),
    pytest.param(
        "行动 @张三 整理 截止 很久以后", "error.bad_due", "example.action", {"text": "很久以后"}, id="zh-action-bad-due"
    ),
    pytest.param("decision", "error.missing_text", "example.decision", {"command": "decision"}, id="decision-empty"),
    pytest.param("问题", "error.missing_text", "example.question", {"command": "问题"}, id="zh-question-empty"),
    pytest.param("done", "error.missing_number", "example.done", {"command": "done"}, id="done-no-number"),
    pytest.param("status 12 paused", "error.bad_status", "example.status", {"text": "paused"}, id="status-bad"),
    pytest.param("状态 12 延期 某天", "error.bad_due", "example.status", {"text": "某天"}, id="zh-status-bad-date"),
    pytest.param("list all", "error.unexpected_text", "example.list", {"text": "all"}, id="list-extra-words"),
    pytest.param("topic", "error.missing_text", "example.topic", {"command": "topic"}, id="topic-empty"),
    pytest.param(
        "x" * (MAX_INPUT_CHARS + 1), "error.too_long", "example.help", {"limit": MAX_INPUT_CHARS}, id="too-long"
    ),
]


@pytest.mark.parametrize(("text", "key", "example_key", "params"), ERRORS)
def test_parse_command_errors(text: str, key: str, example_key: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=NOW, tz=TZ)
    assert (caught.value.key, caught.value.example_key, caught.value.params) == (key, example_key, params)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rsvp 7 yes", Rsvp(7, "yes")),
        ("rsvp 7 no", Rsvp(7, "no")),
        ("rsvp 7 maybe", Rsvp(7, "maybe")),
        ("here 7", CheckIn(7)),
        ("done 7", Done(7)),
    ],
)
def test_button_values_the_service_sends(value: str, expected: Command) -> None:
    assert parse_command(value, now=NOW, tz=TZ) == expected


def test_time_depends_only_on_the_given_now() -> None:
    evening = datetime(2026, 11, 23, 16, 0, tzinfo=TZ)
    assert parse_command("reschedule 3 3pm", now=evening, tz=TZ) == RescheduleMeeting(3, at(11, 24, 15))
    assert parse_command("reschedule 3 3pm", now=NOW, tz=TZ) == RescheduleMeeting(3, at(11, 23, 15))


def test_now_in_another_zone_is_read_in_the_speakers_zone() -> None:
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    assert parse_command('new "x" tomorrow 3pm', now=utc_now, tz=TZ) == NewMeeting("x", TOMORROW_3PM)


# ------------------------------------------------------------------------ mention injection, huge input


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "new <!channel> party tomorrow 3pm", NewMeeting("<!channel> party", TOMORROW_3PM), id="slack-channel"
        ),
        pytest.param(
            'new "<!here> all hands" tomorrow 3pm', NewMeeting("<!here> all hands", TOMORROW_3PM), id="slack-here"
        ),
        pytest.param(
            "new Party @here @channel tomorrow 3pm",
            NewMeeting("Party @here @channel", TOMORROW_3PM),
            id="at-here-is-not-a-person",
        ),
        pytest.param(
            "action <!here> @bob do it", AddAction("<!here> do it", Mention("bob")), id="action-text-keeps-it"
        ),
    ],
)
def test_broadcast_mentions_stay_literal_text(text: str, expected: Command) -> None:
    assert parse_command(text, now=NOW, tz=TZ) == expected


def test_ten_thousand_characters() -> None:
    huge = "x" * 10_000
    with pytest.raises(ParseError) as caught:
        parse_command(f"new {huge} tomorrow 3pm", now=NOW, tz=TZ)
    assert (caught.value.key, caught.value.params) == ("error.too_long", {"limit": MAX_INPUT_CHARS})
    assert parse_message(huge, now=NOW, tz=TZ, context="channel") == []
    assert parse_message("hello " * 2_000, now=NOW, tz=TZ, context="direct") == []
    commands: list[tuple[str, Context]] = [
        (f"#action {huge}", "channel"),
        (f"done {huge}", "reply"),
        (f"new {huge}", "direct"),
    ]
    for text, context in commands:
        with pytest.raises(ParseError) as caught:
            parse_message(text, now=NOW, tz=TZ, context=context)
        assert caught.value.key == "error.too_long"


def test_longest_allowed_title() -> None:
    title = "a" * (MAX_INPUT_CHARS - 30)
    assert parse_command(f'new "{title}" tomorrow 3pm', now=NOW, tz=TZ) == NewMeeting(title, TOMORROW_3PM)


@pytest.mark.parametrize(
    "text",
    [
        "new " + "1 " * 1_990,
        "new " + "明" * 3_990,
        "new " + "tomorrow " * 440,
        "new x " + "agenda " * 560,
        "new " + "“" * 3_990,
        "action @a " + "by " * 1_300,
    ],
    ids=["numbers", "cjk-blob", "time-words", "agenda-words", "open-quotes", "by-words"],
)
def test_hostile_input_ends_in_an_answer(text: str) -> None:
    try:
        parse_command(text, now=NOW, tz=TZ)
    except ParseError as error:
        assert error.key.startswith("error.")


# ------------------------------------------------------------------------------------------ parse_message

MEETBOT_MINUTES = "\n".join(
    [
        "#info numbers are in",
        "#idea use a queue",
        "#link https://x.y",
        "just chatting about #action items",
        "#agreed ship it",
        "#agree also this",
        "#action @alice send deck",
        "#ACTION bob to review",
        "#chair alice @bob",
        "#undo",
    ]
)

MESSAGES = [
    pytest.param("#startmeeting Weekly sync", "channel", [StartMeeting(title="Weekly sync")], id="startmeeting-title"),
    pytest.param("#startmeeting", "channel", [StartMeeting()], id="startmeeting-bare"),
    pytest.param("#endmeeting", "channel", [EndMeeting()], id="endmeeting"),
    pytest.param("#TOPIC Budget", "channel", [SetTopic("Budget")], id="topic-any-case"),
    pytest.param(
        MEETBOT_MINUTES,
        "channel",
        [
            AddNote("info", "numbers are in"),
            AddNote("idea", "use a queue"),
            AddNote("link", "https://x.y"),
            AddDecision("ship it"),
            AddDecision("also this"),
            AddAction("send deck", Mention("alice")),
            AddAction("bob to review"),
            AddChairs((Mention("alice"), Mention("bob"))),
            Undo(),
        ],
        id="multi-line-meetbot",
    ),
    pytest.param("proposed #action do stuff", "channel", [], id="mid-line-is-chat"),
    pytest.param("#proposed #agreed ship it", "channel", [], id="proposed-is-chat"),
    pytest.param("  #action indented", "channel", [], id="indented-is-chat"),
    pytest.param("#meetingname foo", "channel", [], id="meetbot-only-command-is-chat"),
    pytest.param(
        "＃action 全角井号 @张三", "channel", [AddAction("全角井号", Mention("张三"))], id="zh-fullwidth-hash"
    ),
    pytest.param(
        "#action <!channel> ping everyone",
        "channel",
        [AddAction("<!channel> ping everyone")],
        id="meetbot-broadcast-literal",
    ),
    pytest.param("hello\n/meeting list\n/会议 查看 3", "channel", [ListMeetings(), ShowMeeting(3)], id="slash-lines"),
    pytest.param("#agreed 采用方案A", "reply", [AddDecision("采用方案A")], id="meetbot-in-reply"),
    pytest.param("here", "channel", [CheckIn()], id="checkin-here"),
    pytest.param("present", "channel", [CheckIn()], id="checkin-present"),
    pytest.param("到！", "channel", [CheckIn()], id="zh-checkin-punctuated"),
    pytest.param("签到", "channel", [CheckIn()], id="zh-checkin"),
    pytest.param("done", "channel", [], id="done-in-channel-is-chat"),
    pytest.param("here we go", "channel", [], id="here-in-a-sentence-is-chat"),
    pytest.param("yes", "channel", [], id="yes-in-channel-is-chat"),
    pytest.param("done", "reply", [Done()], id="reply-done"),
    pytest.param("Done!", "reply", [Done()], id="reply-done-punctuated"),
    pytest.param("done https://x/pr/1", "reply", [Done(note="https://x/pr/1")], id="reply-done-link"),
    pytest.param("done 12", "reply", [Done(12)], id="reply-done-number"),
    pytest.param("完成", "reply", [Done()], id="zh-reply-done"),
    pytest.param("完成了", "reply", [Done()], id="zh-reply-done-le"),
    pytest.param("已完成，链接 https://x/pr/1", "reply", [Done(note="链接 https://x/pr/1")], id="zh-reply-done-note"),
    pytest.param("完成 12", "reply", [Done(12)], id="zh-reply-done-number"),
    pytest.param(
        "blocked: waiting for legal",
        "reply",
        [SetStatus(None, "blocked", "waiting for legal")],
        id="reply-blocked-colon",
    ),
    pytest.param(
        "blocked waiting for legal", "reply", [SetStatus(None, "blocked", "waiting for legal")], id="reply-blocked"
    ),
    pytest.param("受阻：等法务", "reply", [SetStatus(None, "blocked", "等法务")], id="zh-reply-blocked-colon"),
    pytest.param("受阻 等法务", "reply", [SetStatus(None, "blocked", "等法务")], id="zh-reply-blocked"),
    pytest.param("delay to friday", "reply", [SetStatus(None, "delay", due=FRIDAY)], id="reply-delay"),
    pytest.param("延期到 周五", "reply", [SetStatus(None, "delay", due=FRIDAY)], id="zh-reply-delay"),
    pytest.param(
        "延期至12月5日", "reply", [SetStatus(None, "delay", due=date(2026, 12, 5))], id="zh-reply-delay-glued"
    ),
    pytest.param("in progress", "reply", [SetStatus(None, "in_progress")], id="reply-in-progress"),
    pytest.param("进行中", "reply", [SetStatus(None, "in_progress")], id="zh-reply-in-progress"),
    pytest.param("yes", "reply", [Rsvp(None, "yes")], id="reply-yes"),
    pytest.param("no", "reply", [Rsvp(None, "no")], id="reply-no"),
    pytest.param("maybe", "reply", [Rsvp(None, "maybe")], id="reply-maybe"),
    pytest.param("参加", "reply", [Rsvp(None, "yes")], id="zh-reply-yes"),
    pytest.param("不参加", "reply", [Rsvp(None, "no")], id="zh-reply-no"),
    pytest.param("待定", "reply", [Rsvp(None, "maybe")], id="zh-reply-maybe"),
    pytest.param("no problem, thanks", "reply", [], id="reply-chat"),
    pytest.param("list", "reply", [], id="reply-subcommand-is-chat"),
    pytest.param("done", "direct", [Done()], id="direct-done"),
    pytest.param(
        "blocked: waiting for legal", "direct", [SetStatus(None, "blocked", "waiting for legal")], id="direct-blocked"
    ),
    pytest.param("list", "direct", [ListMeetings()], id="direct-list"),
    pytest.param("我的", "direct", [Mine()], id="zh-direct-mine"),
    pytest.param(
        '新建 "周会" 明天下午3点', "direct", [NewMeeting("周会", TOMORROW_3PM)], id="zh-direct-new-without-slash"
    ),
    pytest.param("hello bot", "direct", [], id="direct-chat"),
    pytest.param("yes", "direct", [], id="direct-yes-is-chat"),
    pytest.param("", "direct", [], id="direct-empty"),
]


@pytest.mark.parametrize(("text", "context", "expected"), MESSAGES)
def test_parse_message(text: str, context: Context, expected: list[Command]) -> None:
    assert parse_message(text, now=NOW, tz=TZ, context=context) == expected


MESSAGE_ERRORS = [
    pytest.param("#topic", "channel", "error.missing_text", "example.topic", id="meetbot-topic-empty"),
    pytest.param("#action", "channel", "error.missing_text", "example.action", id="meetbot-action-empty"),
    pytest.param("/meeting frobnicate", "channel", "error.unknown_subcommand", "example.help", id="slash-unknown"),
    pytest.param("delay to someday", "reply", "error.bad_due", "example.status", id="reply-delay-bad-date"),
    pytest.param("延期", "reply", "error.bad_status", "example.status", id="zh-reply-delay-no-date"),
    pytest.param("新建 周会", "direct", "error.missing_time", "example.new", id="zh-direct-new-no-time"),
    pytest.param("show abc", "direct", "error.bad_number", "example.show", id="direct-bad-number"),
]


@pytest.mark.parametrize(("text", "context", "key", "example_key"), MESSAGE_ERRORS)
def test_parse_message_errors(text: str, context: Context, key: str, example_key: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_message(text, now=NOW, tz=TZ, context=context)
    assert (caught.value.key, caught.value.example_key) == (key, example_key)
