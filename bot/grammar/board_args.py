"""Arguments of the execution subcommands: `task` (任务), `board` (看板), `incident` (异常上报), `outcome`
(成果) and `monitor` (监控报告).

`task 3 <text> @owner by <date hour> [phase …] [priority …] [after <task>] [deliverable: …]` is read by
its keywords: each opens a part that runs to the next keyword or person, and the words left are the task.
A deadline must name its hour (a task is due at 17:00, not "on Thursday") and is read by `bot.timeparse`,
so "Dec 3" is asked about rather than guessed. `任务` without a meeting number stays what it always was,
an action item (`任务 @李四 整理纪要 截止周五`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from bot.board_commands import (
    AckIncident,
    AddTask,
    ChaseSignIns,
    CloseIncident,
    Countdown,
    IncidentCommand,
    IncidentKind,
    MonitorReport,
    Phase,
    Priority,
    RecordOutcome,
    ReportIncident,
    SetIncidentStatus,
    SetTaskStatus,
    ShowBoard,
    ShowSignIns,
    SignIn,
    Task,
    TaskDone,
)
from bot.command_types import (
    AddAction,
    Configure,
    Mention,
)
from bot.errors import ParseError
from bot.grammar.record_args import action
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, mentions_in, number_in, text_of
from bot.vocabulary import (
    ACK,
    AFTER,
    AGAINST,
    CAUSE,
    CLOSE,
    CONTACT,
    DELIVERABLE,
    DELIVERABLE_LABEL,
    DEPARTMENT,
    DONE,
    DUE,
    FIX,
    IMPACT,
    INCIDENT_KINDS,
    INCIDENT_STATUSES,
    PHASE,
    PHASES,
    PRIORITIES,
    PRIORITY,
    SEND,
    STATUS,
    TASK_STATUSES,
    lookup,
)

PHASE_WORDS: dict[str, Phase] = lookup(PHASES)
PRIORITY_WORDS: dict[str, Priority] = lookup(PRIORITIES)
TASK_STATUS_WORDS = lookup(TASK_STATUSES)
KIND_WORDS: dict[str, IncidentKind] = lookup(INCIDENT_KINDS)
INCIDENT_STATUS_WORDS = lookup(INCIDENT_STATUSES)
FIGURE = re.compile(r"\d+(?:\.\d+)?")


def keyword_of(tok: Token) -> str | None:
    word = tok.word
    if word in DUE:
        return "by"
    if word in PHASE:
        return "phase"
    if word in PRIORITY:
        return "priority"
    if word in AFTER:
        return "after"
    if word in DELIVERABLE or (word in DELIVERABLE_LABEL and tok.colon):
        return "deliverable"
    return None


def parts_of(tokens: Sequence[Token]) -> tuple[list[Token], list[Mention], dict[str, list[Token]]]:
    """The free words, the people, and each keyword's words (up to the next keyword or person)."""
    free: list[Token] = []
    people: list[Mention] = []
    parts: dict[str, list[Token]] = {}
    current: list[Token] = free
    for tok in tokens:
        found = mentions_in(tok)
        key = keyword_of(tok)
        if found:
            people.extend(found)
            current = free
        elif key is not None and key not in parts:
            parts[key] = current = []
        else:
            current.append(tok)
    return free, people, parts


def one_word(call: Call, tokens: list[Token] | None, table: dict[str, str], example: str) -> str | None:
    if tokens is None:
        return None
    said = text_of(tokens) or ""
    if len(tokens) != 1 or tokens[0].word not in table:
        raise ParseError("error.bad_choice", example, text=said, choices=" / ".join(sorted(set(table))))
    return table[tokens[0].word]


Status = TypeVar("Status")  # a task's or an incident's


def _numbered_status(
    call: Call, tokens: Sequence[Token], table: Mapping[str, Status], choices: str, *, run_together: bool = False
) -> tuple[int, Status]:
    """`7 in-progress` after `task status` / `incident status`: the number, and the status its words name,
    joined by "-" (`in progress` reads as `in-progress`) or, `run_together`, by nothing (`未 开始` as `未开始`)."""
    number, rest = call.number(tokens)
    word = "-".join(tok.word for tok in rest)
    status = table.get(word) or (table.get(word.replace("-", "")) if run_together else None)
    if status is None:
        raise ParseError("error.bad_choice", call.example, text=text_of(rest) or "", choices=choices)
    return number, status


def task(call: Call) -> Task | AddAction:
    """`task 3 …` adds, `task done 7`, `task status 7 in-progress|delayed|not-started|done`."""
    args = list(call.args)
    if args and args[0].word in DONE:
        return Task(TaskDone(call.only_number(args[1:])))
    if args and args[0].word in STATUS:
        number, status = _numbered_status(call, args[1:], TASK_STATUS_WORDS,
                                          "not-started / in-progress / done / delayed", run_together=True)
        return Task(SetTaskStatus(number, status))
    if call.word == "任务" and (not args or number_in(args[0]) is None):
        return action(call)  # 任务 without a meeting number ("任务 1号前交报告 @李四" too): an action item, as before
    number, rest = call.number(args)
    free, people, parts = parts_of(rest)
    text = text_of(free)
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    if len(people) != 1:
        raise ParseError("error.task_one_owner", call.example, count=len(people))
    when = parts.get("by")
    if not when:
        raise ParseError("error.task_no_deadline", call.example)
    reading, span = call.read_start(when)
    deadline = call.future(span.start)
    after = parts.get("after")
    after_number = number_in(after[0]) if after and len(after) == 1 else None
    if after is not None and after_number is None:
        raise ParseError("error.bad_number", call.example, text=text_of(after) or "")
    phase = one_word(call, parts.get("phase"), dict(PHASE_WORDS), call.example) or "pre"
    priority = one_word(call, parts.get("priority"), dict(PRIORITY_WORDS), call.example) or "medium"
    deliverable = text_of(parts["deliverable"]) if "deliverable" in parts else None
    return Task(AddTask(number, text, people[0], deadline, phase, priority,  # type: ignore[arg-type]
                        after_number, deliverable, reading.assumed))


def board(call: Call) -> ShowBoard:
    return ShowBoard(call.only_number(call.args))


def incident(call: Call) -> IncidentCommand:
    """`incident 3 <what> [impact …] [equipment|venue|…] [high|medium|low]`, `incident ack 2`,
    `incident status 2 handled|in-progress|outside`, `incident close 2 cause: … fix: …`."""
    args = list(call.args)
    if args and args[0].word in ACK:
        return IncidentCommand(AckIncident(call.only_number(args[1:])))
    if args and args[0].word in STATUS:
        number, status = _numbered_status(call, args[1:], INCIDENT_STATUS_WORDS, "in-progress / handled / outside")
        return IncidentCommand(SetIncidentStatus(number, status))
    if args and args[0].word in CLOSE:
        number, rest = call.number(args[1:])
        cause = [k for k, tok in enumerate(rest) if tok.word in CAUSE]
        fix = [k for k, tok in enumerate(rest) if tok.word in FIX]
        if not cause or not fix or fix[0] < cause[0]:
            raise ParseError("error.incident_close", call.example)
        cause_text, fix_text = text_of(rest[cause[0] + 1 : fix[0]]), text_of(rest[fix[0] + 1 :])
        if cause_text is None or fix_text is None:
            raise ParseError("error.incident_close", call.example)
        return IncidentCommand(CloseIncident(number, cause_text, fix_text))
    number, rest = call.number(args)
    kind: IncidentKind = "other"
    severity: Priority = "medium"
    words: list[Token] = []
    impact: list[Token] | None = None
    for tok in rest:
        if tok.word in IMPACT and impact is None:
            impact = []
        elif tok.word in KIND_WORDS and not tok.quoted and kind == "other" and KIND_WORDS[tok.word] != "other":
            kind = KIND_WORDS[tok.word]
        elif tok.word in PRIORITY_WORDS and severity == "medium":
            severity = PRIORITY_WORDS[tok.word]
        else:
            (words if impact is None else impact).append(tok)
    text = text_of(words)
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return IncidentCommand(ReportIncident(number, text, kind, text_of(impact or []), severity))


def incident_handler(tokens: Sequence[Token]) -> Configure:
    """`config incident equipment @it-lead` / `设置 异常处理人 设备 @王工`: one type, one handler."""
    kind = KIND_WORDS.get(tokens[0].word) if tokens else None
    people = [m for tok in tokens[1:] for m in mentions_in(tok)]
    if kind is None or len(people) != 1 or len(tokens) != 2:
        raise ParseError("error.config_incident", "example.config_incident", text=text_of(tokens) or "")
    return Configure("incident", kind, tuple(people))


def figure(text: str | None) -> float | None:
    match = FIGURE.search(text or "")
    return float(match[0]) if match else None


def outcome(call: Call) -> RecordOutcome:
    """`outcome 3 48 new dealers against 50`: the first figure of each side makes the share."""
    number, rest = call.number(call.args)
    cut = next((k for k in range(len(rest) - 1, 0, -1)
                if rest[k].word in AGAINST and k + 1 < len(rest) and figure(rest[k + 1].raw) is not None), None)
    said = text_of(rest if cut is None else rest[:cut])
    if said is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    target_text = None if cut is None else text_of(rest[cut + 1 :])
    return RecordOutcome(number, said, figure(said), figure(target_text), target_text)


def monitor(call: Call) -> MonitorReport:
    """`monitor 3`, `monitor 3 send`."""
    number, rest = call.number(call.args)
    send = bool(rest) and rest[0].word in SEND
    call.nothing_more(rest[1:] if send else rest)
    return MonitorReport(number, send)


def management_people(tokens: Sequence[Token]) -> Configure:
    """`config management @ceo @coo`: who gets the monitoring reports of this channel's events."""
    people = tuple(m for tok in tokens for m in mentions_in(tok))
    if not people or len(people) != len(tokens):
        raise ParseError("error.config_people", "example.config_management", text=text_of(tokens) or "")
    return Configure("management", text_of(tokens), people)


def signin(call: Call) -> SignIn:
    """`signin 3 [department …] [contact …]` (签到登记 3 部门 … 联系方式 …), in either order."""
    number, rest = call.number(call.args)
    found: dict[str, list[Token]] = {}
    current: list[Token] | None = None
    for tok in rest:
        key = "department" if tok.word in DEPARTMENT else "contact" if tok.word in CONTACT else None
        if key is not None and key not in found:
            found[key] = current = []
        elif current is None:
            raise ParseError("error.unexpected_text", call.example, text=text_of(rest) or "")
        else:
            current.append(tok)
    return SignIn(number, text_of(found.get("department", [])), text_of(found.get("contact", [])))


def signins(call: Call) -> ShowSignIns:
    return ShowSignIns(call.only_number(call.args))


def chase(call: Call) -> ChaseSignIns:
    return ChaseSignIns(call.only_number(call.args))


def countdown(call: Call) -> Countdown:
    return Countdown(call.only_number(call.args))
