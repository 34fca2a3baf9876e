"""Arguments of the subcommands about meetings, their minutes and looking back, and the shared shapes.

Most subcommands take a number and little else, so the shapes (`numbered`, `with_reason`, `remark`,
`no_arguments`) are built once here and the registration picks one; the parsers that read more (a time,
an answer, a month, formats, a setting) follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from bot.command_types import (
    SURVEY_SCORES,
    CancelMeeting,
    CheckIn,
    Configure,
    ConfirmRequest,
    Export,
    ExportFormat,
    Find,
    Help,
    NameViewers,
    NextItem,
    Rate,
    Report,
    RescheduleMeeting,
    Rsvp,
    RsvpAnswer,
    ShowMeeting,
    StartMeeting,
)
from bot.errors import ParseError
from bot.grammar.board_args import incident_handler, management_people
from bot.grammar.plan_args import approval_people
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, fold, looks_numbered, mentions_in, number_in, text_of, word_at
from bot.vocabulary import (
    AND,
    CONFIG_KEYS,
    CONFIRM_NO,
    CONFIRM_YES,
    EXPORT_FORMATS,
    LAST_MONTH,
    MONTH_NAMES,
    MONTH_WORD,
    NUMERIC_MONTH,
    RSVP_ANSWERS,
    THIS_MONTH,
    TRACKER,
    lookup,
)

C = TypeVar("C")
RSVP_WORDS: dict[str, RsvpAnswer] = lookup(RSVP_ANSWERS)
MONTH_NUMBERS: dict[str, int] = lookup(MONTH_NAMES)
FORMAT_WORDS: dict[str, ExportFormat] = lookup(EXPORT_FORMATS)
CONFIG_WORDS: dict[str, str] = lookup(CONFIG_KEYS)


def no_arguments(make: Callable[[], C]) -> Callable[[Call], C]:
    """`list`, `end`, `mine`, `undo`: the subcommand word and nothing else."""

    def handler(call: Call) -> C:
        call.nothing_more(call.args)
        return make()

    return handler


def show(call: Call) -> ShowMeeting:
    return ShowMeeting(call.only_number(call.args))


def cancel(call: Call) -> CancelMeeting:
    number, rest = call.number(call.args)
    return CancelMeeting(number, text_of(rest))


def reschedule(call: Call) -> RescheduleMeeting:
    number, rest = call.number(call.args)
    return new_time(call, number, rest)


def new_time(call: Call, number: int, rest: Sequence[Token]) -> RescheduleMeeting:
    """Meeting #number's new start (a range also sets its length): `reschedule 3 …` and `edit 3 time …`."""
    if not rest:
        raise ParseError("error.missing_time", call.example)
    reading, span = call.read_start(rest)
    length = timedelta(minutes=span.minutes) if span.minutes else None
    return RescheduleMeeting(number, call.future(span.start), length, reading.assumed)


def rsvp(call: Call) -> Rsvp:
    if call.args and call.args[0].word in RSVP_WORDS:  # "rsvp yes": the number is what's missing
        raise ParseError("error.missing_number", call.example, command=call.word)
    number, rest = call.number(call.args)
    answer = RSVP_WORDS.get(word_at(rest, 0))
    if answer is None:
        raise ParseError("error.bad_rsvp_answer", call.example, text=text_of(rest[:1]) or "")
    return Rsvp(number, answer, text_of(rest[1:]))


def start(call: Call) -> StartMeeting:
    """`start 3` starts meeting 3; `start` the one due now; `start Design review` an ad-hoc meeting."""
    if call.args and looks_numbered(call.args[0]):
        return StartMeeting(number=call.only_number(call.args))
    return StartMeeting(title=text_of(call.args))


def confirm(call: Call) -> ConfirmRequest:
    """`confirm 7` goes ahead with request #7, `confirm 7 no` drops it; without a number, the newest one."""
    tokens = call.args
    number = None
    if tokens and looks_numbered(tokens[0]):
        number, tokens = call.number(tokens)
    if not tokens:
        return ConfirmRequest(number)
    if tokens[0].word not in CONFIRM_YES and tokens[0].word not in CONFIRM_NO:
        raise ParseError("error.unexpected_text", call.example, text=text_of(tokens) or "")
    call.nothing_more(tokens[1:])
    return ConfirmRequest(number, go=tokens[0].word in CONFIRM_YES)


def _optional_number(call: Call) -> int | None:
    if not call.args:
        return None
    return call.only_number(call.args)


def here(call: Call) -> CheckIn:
    return CheckIn(_optional_number(call))


def help_topic(call: Call) -> Help:
    topic = text_of(call.args)
    known = call.registry.for_word(fold(topic)) if topic else None
    return Help(known.name if known else topic)


def next_item(call: Call) -> NextItem:
    if not call.args:
        return NextItem()
    position, rest = call.number(call.args)
    call.nothing_more(rest)
    return NextItem(position)


def rate(call: Call) -> Rate:
    """`rate <meeting> <1-5> [comment]`: the score is checked here, so a typo never reaches the survey."""
    number, rest = call.number(call.args)
    if not rest:
        raise ParseError("error.missing_score", call.example)
    score = number_in(rest[0])
    if score is None or score not in SURVEY_SCORES:
        raise ParseError("error.bad_score", call.example, text=rest[0].raw)
    return Rate(number, score, text_of(rest[1:]))


def month_of(call: Call, tokens: Sequence[Token]) -> tuple[int, int] | None:
    """The month in "2026-11", "11月", "2026年11月", "november 2026", "last month" / "上个月"; None: this one."""
    words = [t.word for t in tokens if t.word not in MONTH_WORD]
    if not words:
        return None
    today = call.now.astimezone(call.tz).date()
    if words[0] in THIS_MONTH:
        return today.year, today.month
    if words[0] in LAST_MONTH:
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if words[0] in MONTH_NUMBERS:
        year = int(words[1]) if len(words) > 1 and words[1].isdigit() and len(words[1]) == 4 else None
        month = MONTH_NUMBERS[words[0]]
        return year or (today.year if month <= today.month else today.year - 1), month
    found = NUMERIC_MONTH.fullmatch(words[0])
    if found and 1 <= int(found[2]) <= 12:
        month = int(found[2])
        year = int(found[1]) if found[1] else (today.year if month <= today.month else today.year - 1)
        return year, month
    raise ParseError("error.bad_month", call.example, text=text_of(tokens))


def report(call: Call) -> Report:
    """`report 3`, `report [#channel] [month]`, `report @bob [month]`."""
    args = list(call.args)
    if args and number_in(args[0]) is not None:  # "report 3" / "report #3": a meeting ("11月" is a month)
        number, rest = call.number(args)
        call.nothing_more(rest)
        return Report(number=number)
    if args and (found := mentions_in(args[0])):
        return Report(person=found[0], month=month_of(call, args[1:]))
    if args and (channel := re.fullmatch(r"#(\S+)", args[0].raw)):
        return Report(channel=channel[1], month=month_of(call, args[1:]))
    return Report(month=month_of(call, args))


def export(call: Call) -> Export:
    """`export 3 [md|pdf|ics]` (minutes as Markdown and PDF by default), `export tracker` (XLSX)."""
    if call.args and call.args[0].word in TRACKER:
        call.nothing_more(call.args[1:])
        return Export(None, ("xlsx",))
    number, rest = call.number(call.args)
    formats = []
    for token in rest:
        found = FORMAT_WORDS.get(token.word)
        if found is None or found == "xlsx":
            raise ParseError("error.bad_format", call.example, text=token.raw)
        formats.append(found)
    return Export(number, tuple(dict.fromkeys(formats)) or ("md", "pdf"))


def remark(make: Callable[[int, str], C]) -> Callable[[Call], C]:
    """`object 3 <what>` / `amend 3 <what>`: a meeting number, then the words that matter."""

    def handler(call: Call) -> C:
        number, rest = call.number(call.args)
        if not rest:
            raise ParseError("error.missing_text", call.example, command=call.word)
        return make(number, text_of(rest) or "")

    return handler


def viewers(call: Call) -> NameViewers:
    """`viewers 3 @boss @lead`: a meeting number, then the people (mentions only: a viewer must be someone)."""
    number, rest = call.number(call.args)
    who = tuple(mention for tok in rest for mention in mentions_in(tok))
    if not who or any(not mentions_in(tok) and tok.word not in AND for tok in rest):
        raise ParseError("error.missing_people", call.example, command=call.word)
    return NameViewers(number, who)


def find(call: Call) -> Find:
    if not call.args:
        raise ParseError("error.missing_query", call.example)
    return Find(text_of(call.args) or "")


def numbered(make: Callable[[int], C]) -> Callable[[Call], C]:
    """`accept 3`, `verify 3`, `ack 3`: a number and nothing else."""

    def handler(call: Call) -> C:
        return make(call.only_number(call.args))

    return handler


def with_reason(make: Callable[[int, str | None], C]) -> Callable[[Call], C]:
    """`decline 3 on leave` / `reopen 3 the link is broken`: a number, then the reason."""

    def handler(call: Call) -> C:
        number, rest = call.number(call.args)
        return make(number, text_of(rest))

    return handler


def config(call: Call) -> Configure:
    """`config` or `config <key> <value>`; the value is checked by the service, which knows what is valid."""
    if not call.args:
        return Configure()
    key = CONFIG_WORDS.get(call.args[0].word)
    if key is None:
        raise ParseError("error.bad_config_key", call.example, text=call.args[0].raw)
    if key in ("reviewers", "approver"):
        return approval_people(call, key, call.args[1:])
    if key == "incident":
        return incident_handler(call.args[1:])
    if key == "management":
        return management_people(call.args[1:])
    value = text_of(call.args[1:])
    if value is None:
        raise ParseError("error.missing_text", call.example, command=call.args[0].raw)
    return Configure(key, value)
