"""The Commands the grammar produces: one frozen dataclass per thing a person can ask of Quorum.

Typed words, buttons and reactions that mean the same thing all become the same Command, so the service
layer has exactly one code path per intent. Commands hold parsed values (aware datetimes, timedeltas) and
raw user text (titles, notes), never platform types.

Mentions stay unresolved here (`Mention.handle` is what the person typed: `alice`, `张三`, or a platform id
from `<@U123>`); the service resolves them against the workspace's users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from bot.board_commands import (
    ChaseSignIns,
    Countdown,
    IncidentCommand,
    MonitorReport,
    RecordOutcome,
    ShowBoard,
    ShowSignIns,
    SignIn,
    Task,
)

Role = Literal["host", "recorder", "required", "optional"]
RsvpAnswer = Literal["yes", "no", "maybe", "withdraw"]
NoteKind = Literal["info", "idea", "link"]
ItemStatus = Literal["in_progress", "blocked", "delay"]
ItemField = Literal["text", "due", "deliverable"]  # what `edit item N …` changes
Verdict = Literal["approved", "deferred", "more_material"]  # a decision's verdict (同意 / 暂缓 / 需补充材料)
RepeatFreq = Literal["workdays", "weekly", "monthly"]
HolidayRule = Literal["move", "skip"]
SURVEY_SCORES = range(1, 6)  # the satisfaction survey's scale: 1 (poor) to 5 (excellent)


@dataclass(frozen=True)
class Mention:
    """A person named in a command: `@alice`, `@张三`, or Slack's `<@U123>` / `<@U123|alice>`."""

    handle: str
    is_platform_id: bool = False  # True when it came from <@ID>: match on platform id, not display name


@dataclass(frozen=True)
class ParticipantSpec:
    who: Mention
    role: Role = "required"


@dataclass(frozen=True)
class AgendaSpec:
    title: str
    minutes: int | None = None
    presenter: Mention | None = None
    expected_output: str | None = None  # what the item should yield ("signed scope" / 输出物)


@dataclass(frozen=True)
class Repeat:
    """How a series repeats (`every other friday 3pm until 2027-03-31`: weekly, interval 2, weekday 4); read by
    `bot.grammar.repeat`, turned into dates by `bot.recurrence`."""

    freq: RepeatFreq
    at: time  # local time of day
    interval: int = 1
    weekday: int | None = None  # 0 = Monday (weekly, monthly)
    nth: int | None = None  # monthly: 1..4, or -1 for the last
    count: int | None = None  # `10 times` / `共10次`
    until: date | None = None  # `until 2027-03-31` / `到3月底`
    on_holiday: HolidayRule = "move"  # `on holidays skip` / `节假日跳过`


@dataclass(frozen=True)
class NewMeeting:
    title: str
    start: datetime  # aware, in the speaker's timezone
    duration: timedelta | None = None
    participants: tuple[ParticipantSpec, ...] = ()
    agenda: tuple[AgendaSpec, ...] = ()
    location: str | None = None  # a link or a room
    goal: str | None = None
    expected_outcome: str | None = None
    meeting_type: str | None = None  # regular / project / client / cross-team / decision / review
    confidential: bool = False
    important: bool = False  # overdue items are chased every working day
    assumed: tuple[str, ...] = ()  # defaults the time was read with ("morning" → 09:00): said in the reply
    materials: str | None = None  # `materials: <link>`: where the presenter's material goes (or is)
    materials_due: date | None = None  # `… by <date>`; None with `materials`: a working day before the meeting
    asks_materials: bool = False  # `materials:` was said (with or without a link or a date)
    repeat: Repeat | None = None  # a series: `start` is its first date by the rule, before holidays


@dataclass(frozen=True)
class ListMeetings:
    pass


@dataclass(frozen=True)
class ShowMeeting:
    number: int


@dataclass(frozen=True)
class CancelMeeting:
    number: int
    reason: str | None = None
    scope: Literal["one", "series", "from_here"] = "one"  # `cancel 3 series` / `cancel 3 from here`


@dataclass(frozen=True)
class Series:
    """`series 3` / `系列 3` shows the series meeting #3 belongs to; `series 3 edit time 10:30` / `series 3 edit
    title "Sync"` / `series 3 edit place Room 5` (`系列 3 修改 时间 上午10点半`, `系列 3 修改 地点 5号室`) changes it
    from occurrence #3 on; `detail` is a place, link, goal or expected outcome and `value` its new text."""

    number: int
    title: str | None = None
    at: time | None = None
    detail: SeriesDetail | None = None
    value: str | None = None


@dataclass(frozen=True)
class SkipOccurrence:
    """`skip 3 [reason]` / `跳过 3`: occurrence #3 does not take place; the series goes on."""

    number: int
    reason: str | None = None


@dataclass(frozen=True)
class RescheduleMeeting:
    number: int
    start: datetime  # aware
    duration: timedelta | None = None  # a range was said ("tomorrow 3-4pm"): the new length
    assumed: tuple[str, ...] = ()  # defaults the time was read with: said in the reply


MeetingField = Literal["title", "time", "place", "link", "goal", "outcome"]
SeriesDetail = Literal["place", "link", "goal", "outcome"]  # what a series' edit changes beside title and time
AgendaAction = Literal["add", "remove", "move", "change"]


@dataclass(frozen=True)
class EditMeeting:
    """`edit 3 place Room 5` / `修改 3 地点 5号会议室`: one detail of a meeting; `time` carries the reschedule
    (the time is read like `reschedule`'s, and acted on by the same use case)."""

    number: int
    field: MeetingField
    value: str = ""
    reschedule: RescheduleMeeting | None = None


@dataclass(frozen=True)
class EditAgenda:
    """`agenda 3 add "Risks" 10m by @bob output: a list` · `agenda 3 remove 2` · `agenda 3 move 3 to 1` ·
    `agenda 3 change "Scope" 20m; "Budget" 15m` (the whole agenda still to come, said as at creation)."""

    number: int
    action: AgendaAction
    item: AgendaSpec | None = None  # add
    position: int | None = None  # remove, move: the item's number on the agenda
    to: int | None = None  # move: where it goes
    items: tuple[AgendaSpec, ...] = ()  # change: the new agenda


@dataclass(frozen=True)
class _MeetingPeople:
    """What the commands that name people for meeting #number share (invite, uninvite, viewers)."""

    number: int
    who: tuple[Mention, ...]


@dataclass(frozen=True)
class InvitePeople(_MeetingPeople):
    """`invite 3 @erin [optional]` / `邀请 3 @钱七 列席`: more participants, each invited privately."""

    role: Role = "required"


@dataclass(frozen=True)
class UninvitePeople(_MeetingPeople):
    """`uninvite 3 @erin` / `移除 3 @钱七`: participants no longer expected; each is told."""


@dataclass(frozen=True)
class ExtendMeeting:
    """`extend 3 30m the demo runs long` / `延长 3 30分钟 演示时间不够`: the end moves, the start stays."""

    number: int
    by: timedelta
    reason: str | None = None


@dataclass(frozen=True)
class Rsvp:
    number: int | None  # None: the meeting the replied-to / reacted-to message belongs to
    answer: RsvpAnswer
    note: str | None = None


@dataclass(frozen=True)
class StartMeeting:
    number: int | None = None  # None with a title: an ad-hoc meeting (MeetBot's #startmeeting)
    title: str | None = None


@dataclass(frozen=True)
class EndMeeting:
    pass


@dataclass(frozen=True)
class NextItem:
    """`next` / `下一项`: the running meeting moves on to its next agenda item.

    The timer's button says which item it moves on from (`next 2`), so a second click, or two people
    clicking at once, cannot skip an item; typed without a number it moves on from whatever is current.
    """

    current: int | None = None  # the agenda position being left


@dataclass(frozen=True)
class ObjectToMinutes:
    """`object 3 the budget was not agreed` / `异议 3 预算并未通过`: goes to the host, within the window."""

    number: int
    text: str


@dataclass(frozen=True)
class AmendMinutes:
    """`amend 3 budget: postponed to the next meeting` / `修正 3 ...`: the host's correction, posted."""

    number: int
    text: str


@dataclass(frozen=True)
class Report:
    """`report 3` (one meeting), `report [#channel] [month]` (a channel, this one by default), `report @bob
    [month]` (a person); `month` is (year, month), None for the current one."""

    number: int | None = None
    person: Mention | None = None
    channel: str | None = None
    month: tuple[int, int] | None = None


ExportFormat = Literal["md", "pdf", "ics", "xlsx"]


@dataclass(frozen=True)
class Export:
    """`export 3 [md|pdf|ics]` (a meeting's minutes or invitation), `export tracker` (the channel's action
    tracker as XLSX)."""

    number: int | None
    formats: tuple[ExportFormat, ...]


@dataclass(frozen=True)
class Find:
    """`find <words | date | type>`: past meetings and their records, newest first."""

    query: str


@dataclass(frozen=True)
class Rate:
    """`rate 3 4 too long` / `评分 3 4 时间太长`, or a survey button: an attendee's satisfaction (1–5)."""

    number: int
    score: int
    comment: str | None = None


@dataclass(frozen=True)
class AckMinutes:
    """`ack 3` / `已阅 3`, or the button on the minutes: the speaker has received meeting #3's minutes."""

    number: int


@dataclass(frozen=True)
class ShowAcks:
    """`acks 3` / `回执 3`: who of meeting #3's participants has not confirmed the minutes yet."""

    number: int


@dataclass(frozen=True)
class CheckIn:
    """"here" / "到" / the check-in button: the speaker is present."""

    number: int | None = None


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class AddAction:
    text: str
    owner: Mention | None = None  # explicit @owner; None: owners by name in the text (MeetBot rule)
    due: date | None = None
    deliverable: str | None = None
    co_owners: tuple[Mention, ...] = ()  # more owners named: each gets an item of their own
    due_assumed: tuple[str, ...] = ()  # defaults the due date was read with ("by next week": Friday)


@dataclass(frozen=True)
class AddDecision:
    text: str
    rationale: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class SetVerdict:
    """`verdict 3.2 deferred` / `结论 3.2 暂缓`: decision 2 of meeting #3 (as its minutes number it) gets a verdict."""

    meeting: int
    decision: int
    verdict: Verdict


@dataclass(frozen=True)
class _ItemOwnerChange:
    """What `assign` and `reassign` share: action item #number gets `who` as its owner."""

    number: int
    who: Mention


@dataclass(frozen=True)
class ReassignItem(_ItemOwnerChange):
    """`reassign 3 @carol [why]` / `转交 3 @李四`: action item #3 changes owner; both are told."""

    note: str | None = None


@dataclass(frozen=True)
class AssignItem(_ItemOwnerChange):
    """`assign 4 @bob` / `指派 4 @王五`: an action item nobody owns (a MeetBot #action naming no one) gets one."""


@dataclass(frozen=True)
class EditItem:
    """`edit item 3 text|due|deliverable <value>` / `修改 事项 3 内容|截止|交付物 …`."""

    number: int
    field: ItemField
    text: str | None = None  # the new text or deliverable
    due: date | None = None
    due_assumed: tuple[str, ...] = ()  # defaults the due date was read with: said in the reply


@dataclass(frozen=True)
class AddQuestion:
    text: str
    owner: Mention | None = None
    due: date | None = None
    due_assumed: tuple[str, ...] = ()  # defaults the follow-up date was read with: said in the reply


@dataclass(frozen=True)
class AddNote:
    """MeetBot's #info / #idea / #link."""

    kind: NoteKind
    text: str


@dataclass(frozen=True)
class SetTopic:
    text: str


@dataclass(frozen=True)
class AddChairs:
    who: tuple[Mention, ...]


@dataclass(frozen=True)
class NameViewers(_MeetingPeople):
    """`viewers 3 @boss`: people who may read meeting #3 (and get its minutes) without taking part."""


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Done:
    number: int | None = None  # None: the action item of the replied-to reminder
    note: str | None = None  # text or link after "done": kept as the deliverable


@dataclass(frozen=True)
class SetStatus:
    number: int | None
    status: ItemStatus
    reason: str | None = None  # for blocked
    due: date | None = None  # for delay to a date
    delay_by: timedelta | None = None  # for "delay 2 days": from the item's current due date


@dataclass(frozen=True)
class AcceptItem:
    """The owner takes the action item on ("accept" / "收到", or the Accept button)."""

    number: int | None = None


@dataclass(frozen=True)
class DeclineItem:
    """The owner can't do it, and says why; the host decides what happens next."""

    number: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class VerifyItem:
    """The requester signs off a done item."""

    number: int | None = None


@dataclass(frozen=True)
class ReopenItem:
    """The requester sends a done item back, with the reason."""

    number: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ResolveQuestion:
    """A reply to an open question's follow-up: it is answered (the answer is kept)."""

    answer: str | None = None


@dataclass(frozen=True)
class ConfirmRequest:
    """`confirm 7` / `确认 7` (the warning's button, or a typed yes): go ahead with request #7 that the bot
    warned about; `confirm 7 no` drops it. `number` None: the speaker's newest request in this conversation."""

    number: int | None = None
    go: bool = True


@dataclass(frozen=True)
class ShareMaterials:
    """`materials 3 <link> [by <date>] [@presenter]`: the presenter posts the link (everyone is sent it), or
    the host says who owes it and by when."""

    number: int
    link: str | None = None
    due: date | None = None
    presenter: Mention | None = None


@dataclass(frozen=True)
class Configure:
    """`config` shows the channel's settings; `config KEY VALUE` changes one (validated by the service).
    `config reviewers @a @b` / `config approver @boss [for @alice]` name people instead of a value."""

    key: str | None = None
    value: str | None = None
    people: tuple[Mention, ...] = ()
    for_whom: Mention | None = None


PlanType = Literal["strategy", "project", "client", "launch", "other"]
BudgetPart = Literal["venue", "materials", "catering", "travel", "other"]


@dataclass(frozen=True)
class Guest:
    """An external guest of a plan: not a chat user, so a name with company and title."""

    name: str
    company: str
    title: str


@dataclass(frozen=True)
class Budget:
    """A plan's budget in cents: the total and whatever breakdown was given (the parts may not add up: the
    service says so rather than refusing)."""

    total: int
    parts: tuple[tuple[BudgetPart, int], ...] = ()


@dataclass(frozen=True)
class PlanFields:
    """The `key: value` fields of a plan, as filed or as changed by `plan N edit`; None: not given."""

    name: str | None = None
    plan_type: PlanType | None = None
    goal: str | None = None
    start: datetime | None = None  # aware; the proposed time
    duration: timedelta | None = None  # from a range ("2-5pm")
    assumed: tuple[str, ...] = ()  # defaults the time was read with: said in the reply
    place: str | None = None
    internal: tuple[Mention, ...] | None = None
    deciders: tuple[Mention, ...] | None = None  # key decision makers, among the internal attendees
    external: tuple[Guest, ...] | None = None
    key_guests: tuple[str, ...] | None = None  # names of external guests
    budget: Budget | None = None
    topics: str | None = None
    outcomes: str | None = None
    attachments: tuple[str, ...] | None = None
    urgent: bool | None = None  # the green channel (绿色通道): 2 hours a step


@dataclass(frozen=True)
class Plan:
    """`plan key: value …` files a plan; `plan 3` shows plan #3; `plan 3 edit key: value` changes it."""

    number: int | None = None
    fields: PlanFields | None = None


@dataclass(frozen=True)
class _PlanStep:
    """What the commands that move plan #number through its approval steps share."""

    number: int


@dataclass(frozen=True)
class ResubmitPlan(_PlanStep):
    """`resubmit 3` / `重新提交 3`: the requester sends a rejected (or draft) plan to its approvers again."""


@dataclass(frozen=True)
class ApprovePlan(_PlanStep):
    """The step's approver (or the superior it was escalated to) approves, with an optional note."""

    note: str | None = None


@dataclass(frozen=True)
class RejectPlan(_PlanStep):
    """A rejection always has its reason: the requester needs it to edit and resubmit."""

    reason: str


@dataclass(frozen=True)
class ApproveAgendaChange:
    """`approve change 2`: the plan's requester (or an admin) lets agenda change #2 of an approved event through."""

    number: int  # the change's number, not the meeting's
    note: str | None = None


@dataclass(frozen=True)
class RejectAgendaChange:
    """`reject change 2 <reason>`: the agenda stays; the host who asked is told why."""

    number: int
    reason: str


@dataclass(frozen=True)
class MyPreferences:
    """`me` shows the speaker's own language and timezone; `me language zh` / `me timezone Europe/Berlin` sets
    one (`value` already checked: "en"/"zh" or a zoneinfo name; None goes back to the platform's)."""

    key: Literal["language", "timezone"] | None = None
    value: str | None = None


Command = (
    NewMeeting
    | ListMeetings
    | ShowMeeting
    | CancelMeeting
    | Series
    | SkipOccurrence
    | RescheduleMeeting
    | Rsvp
    | StartMeeting
    | EndMeeting
    | NextItem
    | Rate
    | Report
    | ObjectToMinutes
    | AmendMinutes
    | Export
    | Find
    | AckMinutes
    | ShowAcks
    | CheckIn
    | Mine
    | Help
    | AddAction
    | AddDecision
    | SetVerdict
    | ReassignItem
    | AssignItem
    | EditItem
    | AddQuestion
    | AddNote
    | SetTopic
    | AddChairs
    | NameViewers
    | Undo
    | Done
    | SetStatus
    | AcceptItem
    | DeclineItem
    | VerifyItem
    | ReopenItem
    | ResolveQuestion
    | Configure
    | ConfirmRequest
    | ShareMaterials
    | Plan
    | ResubmitPlan
    | ApprovePlan
    | RejectPlan
    | ApproveAgendaChange
    | RejectAgendaChange
    | Task
    | ShowBoard
    | IncidentCommand
    | RecordOutcome
    | MonitorReport
    | SignIn
    | ShowSignIns
    | ChaseSignIns
    | Countdown
    | MyPreferences
)

