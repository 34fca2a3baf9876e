"""Every English and Chinese word the grammar knows, each concept defined once.

Word lists used to be copied next to each parser and drifted apart: 拒绝 declined an item as a command
but not as a reply, 做不了 only as a reply, and three duration-unit lists disagreed on 钟头. Here each
concept is one `Words` value, read by the subcommands, the replies to the bot and the MeetBot lines
alike, and by `bot.timeparse` for its units. A subcommand's own names are written in its registration
(`bot.service.commands`); when a name is also a reply word (done, decline, accept, verify, reopen, here),
the registration reads it from here so the two cannot part again.

All words are stored folded (lower-case, half-width), the form `tokens.fold` compares in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.board_commands import (
    IncidentKind,
    IncidentStatus,
    Phase,
    Priority,
    TaskStatus,
)
from bot.command_types import (
    AgendaAction,
    BudgetPart,
    ExportFormat,
    HolidayRule,
    ItemField,
    ItemStatus,
    MeetingField,
    PlanType,
    Role,
    RsvpAnswer,
    Verdict,
)

K = TypeVar("K")


@dataclass(frozen=True)
class Words:
    """The English and the Chinese words for one concept; `word in WORDS` asks either language."""

    en: tuple[str, ...]
    zh: tuple[str, ...] = ()

    def __contains__(self, word: object) -> bool:
        return word in self.en or word in self.zh

    def __iter__(self) -> Iterator[str]:
        return iter((*self.en, *self.zh))

    def __or__(self, other: Words) -> Words:
        return Words((*self.en, *other.en), (*self.zh, *other.zh))


# -- the slash command's own word: "/meeting list", "会议 列表"
PREFIX = Words(("meeting",), ("会议",))

# -- follow-through: commands (`decline 12 on leave`) and replies to the bot's notes (`做不了：出差`)
DONE = Words(("done",), ("完成", "已完成", "完成了"))
DECLINE = Words(("decline", "can't", "cant", "cannot"), ("无法完成", "做不了", "完成不了", "拒绝"))
DECLINE_FILLER = Words(("do",))  # "can't do: on leave"
REOPEN = Words(("reopen",), ("退回", "重开"))
ACCEPT = Words(("accept",), ("接受", "收到"))
ACCEPT_REPLY_ONLY = Words(("accepted", "ok", "okay"), ("好的", "好"))  # "ok 12" is no command
VERIFY = Words(("verify", "verified"), ("验收", "通过", "验收通过"))  # "approve" is a plan's (see PLAN below)
VERIFY_REPLY_ONLY = Words(("lgtm",))
RESOLVED = Words(("resolved", "answered"), ("已解决", "解决了", "已回答"))
CHECK_IN = Words(("here", "present"), ("到", "签到"))

# -- item status: `status 12 blocked waiting for legal`, a reply `受阻：等法务`
IN_PROGRESS = Words(("in-progress", "in_progress", "inprogress", "wip"), ("进行中",))
IN_PROGRESS_TWO_WORDS = ("in", "progress")
BLOCKED = Words(("blocked",), ("受阻",))
DELAY = Words(("delay", "delayed"), ("延期",))
DELAY_TO = Words(("to", "until"), ("到", "至"))
STATUS_WORDS: dict[ItemStatus, Words] = {"in_progress": IN_PROGRESS, "blocked": BLOCKED, "delay": DELAY}
STATUS_GLUED = ("受阻", "延期到", "延期至", "延期")  # written without a space: "受阻等法务", "延期到周五"

# -- RSVP answers, in `rsvp 3 yes` and as a bare reply to an invitation
RSVP_ANSWERS: dict[RsvpAnswer, Words] = {
    "yes": Words(("yes", "accept"), ("是", "参加")),
    "no": Words(("no", "decline"), ("否", "不参加")),
    "maybe": Words(("maybe", "tentative"), ("可能", "待定")),
    "withdraw": Words(("withdraw",), ("撤回",)),
}

# -- a new meeting: `new "Title" friday 3pm for 1h with @a host @b agenda ... goal: ... type review`
WITH = Words(("with",), ("参会", "参会人", "参加"))
AND = Words(("and",), ("和", "及", "与"))
ROLES: dict[Role, Words] = {
    "host": Words(("host",), ("主持", "主持人", "召集人")),
    "recorder": Words(("recorder",), ("记录", "记录人")),
    "optional": Words(("optional",), ("可选", "列席")),
    "required": Words(("required",), ("必须", "必选")),
}
AGENDA = Words(("agenda",), ("议程",))
PRESENTER = Words(("by",), ("主讲", "主讲人", "由", "汇报人"))  # "由 @李四 (主讲)": a trailing 主讲 is the same word
# an agenda item's expected output, with a colon: "output: signed scope" / "输出物：签字的范围"
OUTPUT = Words(("output",), ("输出物", "输出"))
GOAL = Words(("goal",), ("目标",))
OUTCOME = Words(("outcome",), ("预期成果",))
TYPE = Words(("type",), ("类型",))
MEETING_TYPES: dict[str, Words] = {  # what people call each meeting type (`type review`, `find 评审`)
    "regular": Words(("regular",), ("例会",)),
    "project": Words(("project",), ("项目",)),
    "client": Words(("client",), ("客户",)),
    "cross-team": Words(("cross-team",), ("跨部门",)),
    "decision": Words(("decision",), ("决策",)),
    "review": Words(("review",), ("评审",)),
}
CONFIDENTIAL = Words(("confidential",), ("保密",))
MATERIALS = Words(("materials",), ("材料",))  # with a colon on `new`: "materials: <link> by friday" / "材料：…"
IMPORTANT = Words(("important",), ("重要",))
LENGTH = Words((), ("时长",))  # always opens a duration
FOR = Words(("for",))  # opens a duration only when one follows
LOCATION = Words((), ("地点", "链接"))  # take the next word (quote a room with spaces)
ROOM = Words(("in", "at"))  # "in Room 5" among the title's words
LINK = Words(("at", "link"))  # before a URL
BROADCAST = Words(("here", "channel", "everyone", "all"), ("所有人",))  # literal text, never a person

# -- repeating meetings: `every other friday 3pm 10 times on holidays skip`, `每两周周五下午3点 共10次 节假日跳过`
EVERY = Words(("every", "each"))
OTHER = Words(("other", "second"))  # "every other friday", "every second friday"
WORKDAY = Words(("weekday", "weekdays", "workday", "workdays", "working-day"))
DAILY = Words(("day", "daily"))  # ambiguous alone (weekends too?): asked, never guessed
WEEKLY = Words(("weekly", "week"))
MONTHLY = Words(("monthly", "month"))
AMBIGUOUS_REPEAT = Words(("biweekly", "bimonthly"))  # twice a week, or every two weeks? asked
WEEKDAY_NAMES: dict[int, Words] = {
    0: Words(("monday", "mon", "mondays"), ("周一", "星期一", "礼拜一")),
    1: Words(("tuesday", "tue", "tues", "tuesdays"), ("周二", "星期二", "礼拜二")),
    2: Words(("wednesday", "wed", "wednesdays"), ("周三", "星期三", "礼拜三")),
    3: Words(("thursday", "thu", "thur", "thurs", "thursdays"), ("周四", "星期四", "礼拜四")),
    4: Words(("friday", "fri", "fridays"), ("周五", "星期五", "礼拜五")),
    5: Words(("saturday", "sat", "saturdays"), ("周六", "星期六", "礼拜六")),
    6: Words(("sunday", "sun", "sundays"), ("周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天")),
}
ORDINALS: dict[int, Words] = {
    1: Words(("first", "1st"), ("一", "1")),
    2: Words(("second", "2nd"), ("二", "2")),
    3: Words(("third", "3rd"), ("三", "3")),
    4: Words(("fourth", "4th"), ("四", "4")),
    -1: Words(("last",), ("最后",)),
}
REPEAT_FILLER = Words(("on", "the", "of", "month"))  # "monthly on the first monday (of the month)"
UNTIL = Words(("until", "till", "through"), ("到", "至", "直到", "截至"))
TIMES = Words(("times",), ("次",))
HOLIDAYS_WORD = Words(("holidays", "holiday"), ("节假日", "节假日时"))
HOLIDAY_RULES: dict[HolidayRule, Words] = {
    "move": Words(("move", "moved", "postpone"), ("顺延",)),
    "skip": Words(("skip", "skipped"), ("跳过",)),
}
SERIES_SCOPE: dict[str, Words] = {  # `cancel 3 series`, `cancel 3 from here` / `取消 3 系列`, `取消 3 从此次起`
    "series": Words(("series",), ("系列", "整个系列")),
    "from_here": Words(("from-here", "onwards", "onward"),
                       ("从此次起", "从本次起", "从这次起", "从现在起", "从此次开始", "从本次开始", "从这次开始",
                        "从现在开始", "及以后", "及之后", "此次及以后", "本次及以后", "这次及以后")),
}
# the same scopes said in several English words (longest first): never read as a cancel's reason
SERIES_SCOPE_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("from", "this", "occurrence", "on"), "from_here"), (("from", "this", "meeting", "on"), "from_here"),
    (("from", "this", "one", "on"), "from_here"), (("from", "here", "on"), "from_here"),
    (("from", "now", "on"), "from_here"), (("and", "the", "rest"), "from_here"), (("and", "after"), "from_here"),
    (("and", "later"), "from_here"), (("from", "here"), "from_here"),
    (("the", "whole", "series"), "series"), (("the", "entire", "series"), "series"),
    (("whole", "series"), "series"), (("entire", "series"), "series"), (("the", "series"), "series"),
    (("all", "of", "it"), "series"),
)
SERIES_EDIT = Words(("edit", "change"), ("修改", "更改"))
SERIES_FIELDS: dict[str, Words] = {"title": Words(("title",), ("标题",)), "time": Words(("time",), ("时间",))}

# -- changing a meeting: `edit 3 place Room 5`, `agenda 3 move 2 to 1`, `invite 3 @x optional`, `extend 3 30m`
EDIT_FIELDS: dict[MeetingField, Words] = {  # what `edit N <field> <value>` / `修改 N <字段> <值>` may change
    "title": Words(("title", "name"), ("标题", "名称")),
    "time": Words(("time", "when", "start"), ("时间",)),
    "place": Words(("place", "location", "room", "where"), ("地点", "会议室")),
    "link": Words(("link", "url"), ("链接", "会议链接")),
    "goal": GOAL,
    "outcome": Words(("outcome",), ("预期成果", "成果")),
}
AGENDA_ACTIONS: dict[AgendaAction, Words] = {
    "add": Words(("add",), ("添加", "增加", "加")),
    "remove": Words(("remove", "delete", "drop"), ("删除", "去掉")),
    "move": Words(("move",), ("移动", "调整")),
    "change": Words(("change", "replace"), ("变更", "更换")),
}
# `approve change 2` / `批准 变更 2`: the number after it is an agenda change's, not a plan's
AGENDA_CHANGE = Words(("change",), ("变更",))
MOVE_TO = Words(("to",), ("到", "至", "为"))  # "move 3 to 1" / "移动 3 到 1"

# -- durations: one definition of the units, for `for 1h`, agenda items' `20m` and `bot.timeparse`
HOUR_UNITS = Words(("h", "hr", "hrs", "hour", "hours"), ("小时", "个小时", "钟头", "个钟头"))
MINUTE_UNITS = Words(("m", "min", "mins", "minute", "minutes"), ("分钟", "分"))


def alternation(words: Words) -> str:
    """A regex group matching any of `words`, longest first so "hours" is never read as "hour" + "s"."""
    return "(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


# -- time: words that may open a time span ("next friday", "in 2 hours") and CJK characters a time may
# start with inside a word written without spaces ("周会明天下午3点")
TIME_LEADS = Words(("next", "this", "coming", "on", "at", "in", "the", "from"))  # "from 2 to 4pm"
CJK_TIME_START = frozenset("今明后大下这本上周星礼中晚早凌傍午夜正一二三四五六七八九十两从")  # 从: 从下午2点到4点

# -- answering the bot's warning before it creates or moves a meeting: a bare "yes" / "确认" or "no" / "取消"
CONFIRM_YES = Words(("yes", "y", "ok", "okay", "confirm", "sure", "go ahead", "yes please"),
                    ("是", "是的", "确认", "确定", "好", "好的", "可以", "行", "没问题", "继续"))
CONFIRM_NO = Words(("no", "n", "cancel", "nope", "no thanks"), ("否", "不", "不用", "不要", "不行", "取消", "算了"))

# -- action items and questions: `action @bob the spec by friday deliverable: spec doc`
DUE = Words(("by", "due"), ("截止",))  # "by"/"due" are ordinary words too: only before a date
DUE_GLUED = ("截止到", "截止于", "截止")
DUE_SUFFIXES = ("前", "内", "后")  # "周五前", "3天内" / "一周之内", "两周后": Chinese closes a due phrase
DUE_SPAN = Words(("in", "within"))  # "in 3 days", "within two weeks": the word belongs to the phrase
DELIVERABLE = Words((), ("交付物",))
DELIVERABLE_LABEL = Words(("deliverable",))  # a common English noun: a label only with a colon
BECAUSE = Words(("because",), ("因为", "理由"))
BECAUSE_GLUED = "因为"  # "采用A因为便宜"

# -- changing what was recorded: `reassign 3 @carol`, `assign 4 @bob`, `edit item 3 due friday`,
# `verdict 2.1 deferred`; a decision's verdict also opens it: `decision deferred: the budget` / `决定 暂缓：预算`
REASSIGN = Words(("reassign",), ("转交", "改派"))
ASSIGN = Words(("assign",), ("指派",))
ITEM = Words(("item", "action"), ("事项", "行动项"))  # `edit item 3 …`: an action item, not a meeting
TO_PERSON = Words(("to",), ("给",))  # `reassign 3 to @carol` / `转交 3 给 @李四`
ITEM_FIELDS: dict[ItemField, Words] = {
    "text": Words(("text",), ("内容",)),
    "due": Words(("due",), ("截止", "截止日期")),
    "deliverable": Words(("deliverable",), ("交付物",)),
}
VERDICT = Words(("verdict",), ("结论",))
VERDICTS: dict[Verdict, Words] = {  # multi-word English verdicts are matched as phrases
    "approved": Words(("approved", "approve"), ("同意", "批准", "通过", "审议通过")),
    "deferred": Words(("deferred", "defer", "postponed"), ("暂缓",)),
    "more_material": Words(("needs more material", "more material", "needs material"),
                           ("需补充材料", "需要补充材料", "补充材料")),
}

# -- plans (申报): `plan` then `key: value` fields, each key one word; `approve 3` / `reject 3 why`
PLAN_FIELDS: dict[str, Words] = {
    "name": Words(("name", "title"), ("名称", "会议名称")),
    "plan_type": Words(("type",), ("类型", "会议类型")),
    "goal": Words(("goal",), ("目标",)),
    "time": Words(("time", "when"), ("时间",)),
    "place": Words(("place", "location"), ("地点",)),
    "internal": Words(("internal",), ("内部参会", "内部参会人", "内部")),
    "deciders": Words(("decision-makers", "deciders"), ("关键决策人", "决策人")),
    "external": Words(("external", "guests"), ("外部嘉宾", "外部参会", "外部")),
    "key_guests": Words(("key-guests", "vips"), ("重要嘉宾", "关键嘉宾")),
    "budget": Words(("budget",), ("预算",)),
    "topics": Words(("topics",), ("议题",)),
    "outcomes": Words(("outcomes", "outcome"), ("预期成果", "成果")),
    "attachments": Words(("attachments", "links"), ("附件",)),
    "urgent": Words(("urgent",), ("紧急", "绿色通道")),
}
PLAN_TYPES: dict[PlanType, Words] = {
    "strategy": Words(("strategy",), ("战略会", "战略")),
    "project": Words(("project",), ("项目会", "项目")),
    "client": Words(("client",), ("客户会", "客户")),
    "launch": Words(("launch",), ("发布会", "发布")),
    "other": Words(("other",), ("其他", "其它")),
}
BUDGET_PARTS: dict[BudgetPart, Words] = {
    "venue": Words(("venue",), ("场地",)),
    "materials": Words(("materials",), ("物料",)),
    "catering": Words(("catering",), ("餐饮",)),
    "travel": Words(("travel",), ("差旅",)),
    "other": Words(("other",), ("其他", "其它")),
}
URGENT = PLAN_FIELDS["urgent"]  # also a bare word: `plan urgent name: …`
EDIT = Words(("edit",), ("修改", "编辑"))
YES_NO: dict[bool, Words] = {
    True: Words(("yes", "true", "on"), ("是", "开")),
    False: Words(("no", "false", "off"), ("否", "关")),
}

# -- reports and exports
THIS_MONTH = Words(("this",), ("本月", "这个月"))
LAST_MONTH = Words(("last",), ("上月", "上个月"))
MONTH_WORD = Words(("month",), ("月",))
MONTH_NAMES: dict[int, Words] = {
    month: Words(names)
    for month, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
}  # fmt: skip
NUMERIC_MONTH = re.compile(r"(?:(\d{4})[-/年.])?(\d{1,2})(?:月(?:份)?)?")  # "2026-11", "11月", "2026年11月份"
EXPORT_FORMATS: dict[ExportFormat, Words] = {
    "md": Words(("md", "markdown")),
    "pdf": Words(("pdf",)),
    "ics": Words(("ics", "calendar"), ("日历",)),
    "xlsx": Words(("xlsx", "excel")),
}
TRACKER = Words(("tracker", "actions"), ("跟踪表", "行动项"))

# -- `config <key> <value>`: the service's setting names
CONFIG_KEYS: dict[str, Words] = {
    "timezone": Words(("timezone", "tz"), ("时区",)),
    "language": Words(("language", "lang"), ("语言",)),
    "digest": Words(("digest",), ("汇总", "周报")),
    "holidays": Words(("holidays",), ("节假日",)),
    "reminder_hour": Words(("reminder-hour", "reminder_hour"), ("提醒时间",)),
    "reviewers": Words(("reviewers", "reviewer"), ("审核人", "资源审核人")),
    "approver": Words(("approver",), ("审批人",)),
    "incident": Words(("incident",), ("异常处理人", "异常")),
    "management": Words(("management", "mgmt"), ("管理层", "报告接收人")),
}
FOR_PERSON = Words(("for",), ("负责", "给"))  # `config approver @boss for @alice` / `设置 审批人 @王总 负责 @张三`

# -- a person's own settings: `me language zh`, `me timezone berlin` / `我的设置 语言 中文`, `我的设置 时区 上海`
ME = Words(("me", "preferences", "prefs"), ("我的设置", "个人设置"))  # 我的 alone is `mine`, 设置 is `config`
PREFERENCE_KEYS: dict[str, Words] = {"language": CONFIG_KEYS["language"], "timezone": CONFIG_KEYS["timezone"]}
LANGUAGES: dict[str, Words] = {
    "en": Words(("en", "english"), ("英文", "英语")),
    "zh": Words(("zh", "chinese"), ("中文", "汉语", "简体中文")),
}
AUTOMATIC = Words(("auto", "platform"), ("自动", "默认"))  # back to what the platform says
ZONE_ALIASES: dict[str, Words] = {  # a few cities by name, explicitly; anything else by its zoneinfo name
    "Europe/Berlin": Words(("berlin",), ("柏林",)),
    "Europe/London": Words(("london",), ("伦敦",)),
    "America/New_York": Words(("new york", "new-york", "newyork", "nyc"), ("纽约",)),
    "Asia/Shanghai": Words(("shanghai", "beijing"), ("上海", "北京")),
    "Asia/Tokyo": Words(("tokyo",), ("东京",)),
    "Asia/Singapore": Words(("singapore",), ("新加坡",)),
}


# -- the task board (任务看板), incidents (异常上报) and outcomes
PHASE = Words(("phase",), ("阶段",))
PHASES: dict[Phase, Words] = {
    "pre": Words(("pre", "before"), ("前期",)),
    "during": Words(("during",), ("中期",)),
    "post": Words(("post",), ("后期",)),
}
PRIORITY = Words(("priority",), ("优先级",))
PRIORITIES: dict[Priority, Words] = {
    "high": Words(("high",), ("高",)),
    "medium": Words(("medium",), ("中",)),
    "low": Words(("low",), ("低",)),
}
AFTER = Words(("after",), ("依赖", "前置"))
STATUS = Words(("status",), ("状态",))
TASK_STATUSES: dict[TaskStatus, Words] = {
    "not_started": Words(("not-started", "todo"), ("未开始",)),
    "in_progress": Words(("in-progress", "in_progress", "wip"), ("进行中",)),
    "done": Words(("done",), ("完成", "已完成")),
    "delayed": Words(("delayed", "delay"), ("延期", "已延期")),
}
INCIDENT_KINDS: dict[IncidentKind, Words] = {
    "equipment": Words(("equipment",), ("设备",)),
    "venue": Words(("venue",), ("场地",)),
    "catering": Words(("catering",), ("餐饮",)),
    "people": Words(("people",), ("人员",)),
    "other": Words(("other",), ("其他", "其它")),
}
IMPACT = Words(("impact",), ("影响",))
ACK = Words(("ack", "acknowledge"), ("确认", "受理"))
CLOSE = Words(("close",), ("关闭",))
CAUSE = Words(("cause",), ("原因",))
FIX = Words(("fix",), ("措施", "解决"))
INCIDENT_STATUSES: dict[IncidentStatus, Words] = {
    "in_progress": Words(("in-progress", "in_progress", "wip"), ("处理中", "进行中")),
    "handled": Words(("handled",), ("已处理",)),
    "outside": Words(("outside", "support"), ("需外部支持", "外部支持")),
}
DEPARTMENT = Words(("department", "dept"), ("部门",))
CONTACT = Words(("contact", "phone"), ("联系方式", "电话"))
SEND = Words(("send",), ("发送", "报送"))
AGAINST = Words(("against", "of"), ("目标", "对比"))


def lookup(table: Mapping[K, Words]) -> dict[str, K]:
    """A concept table turned around: each word to its concept."""
    return {word: key for key, words in table.items() for word in words}


MEETING_TYPE_WORDS = lookup(MEETING_TYPES)

# Words that may carry a colon ("goal: ...", "目标：...", "受阻：...", "决定：..."): the tokenizer splits
# "word:rest" in two and marks the word, so "goal:" can mean more than a bare "goal". Subcommand names
# join these in the registry.
LABELS = frozenset(
    word
    for words in (
        GOAL, OUTCOME, DELIVERABLE, DELIVERABLE_LABEL, BECAUSE, DUE, DONE, BLOCKED, DELAY, AGENDA, TYPE,
        LOCATION, LENGTH, WITH, PRESENTER, OUTPUT, MATERIALS, DECLINE, REOPEN, RESOLVED, *ROLES.values(),
        *EDIT_FIELDS.values(), *ITEM_FIELDS.values(), *PLAN_FIELDS.values(), IMPACT, CAUSE, FIX, DEPARTMENT, CONTACT,
    )
    for word in words
) | frozenset(phrase.split()[-1] for words in VERDICTS.values() for phrase in words)  # fmt: skip
