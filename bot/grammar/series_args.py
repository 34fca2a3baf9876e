"""Arguments of the series commands: `series 3 [edit time 10:30 | edit title "Sync"]`, `skip 3 [reason]`, and
`cancel 3 series` / `cancel 3 from here` (`取消 3 系列` / `取消 3 从此次起`) beside a plain `cancel 3 [reason]`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import time, timedelta

from bot.command_types import CancelMeeting, Series, SeriesDetail, SkipOccurrence
from bot.errors import ParseError
from bot.grammar import meeting_args
from bot.grammar.edit_args import FIELD_WORDS
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, text_of, url_in, word_at
from bot.vocabulary import SERIES_EDIT, SERIES_FIELDS, SERIES_SCOPE, SERIES_SCOPE_PHRASES, lookup

_SCOPE = lookup(SERIES_SCOPE)
_FIELD = lookup(SERIES_FIELDS)


def series(call: Call) -> Series:
    number, rest = call.number(call.args)
    if not rest:
        return Series(number)
    if rest[0].word not in SERIES_EDIT:
        raise ParseError("error.unexpected_text", call.example, text=text_of(rest) or "")
    word = word_at(rest, 1).rstrip(":：")
    field = _FIELD.get(word)
    detail = _DETAILS.get(FIELD_WORDS.get(word, "title"))
    value = rest[2:]
    if (field is None and detail is None) or not value:
        raise ParseError("error.series_edit", call.example, text=text_of(rest) or "")
    if field == "title":
        return Series(number, title=text_of(value))
    if field == "time":
        return Series(number, at=time_of_day(call, value))
    text = text_of(value) or ""
    if detail == "link":
        url = url_in(value[0])
        if url is None or len(value) > 1:
            raise ParseError("error.bad_link", call.example, text=text)
        text = url
    return Series(number, detail=detail, value=text)


_DETAILS: dict[str, SeriesDetail] = {"place": "place", "link": "link", "goal": "goal", "outcome": "outcome"}


def time_of_day(call: Call, tokens: Sequence[Token]) -> time:
    """A time of day (`10:30`, `上午10点半`); a day among the words is refused: a series keeps its days."""
    said = text_of(tokens) or ""
    reading = call.start(tokens, explain=True)
    if reading is None:
        raise ParseError("error.bad_time", call.example, text=said)
    start = call.settled_start(reading, said).start.astimezone(call.tz)
    today = call.now.astimezone(call.tz).date()
    if not today <= start.date() <= today + timedelta(days=1):
        raise ParseError("error.repeat_with_date", call.example, text=said)
    return start.time().replace(second=0, microsecond=0, tzinfo=None)


def skip(call: Call) -> SkipOccurrence:
    number, rest = call.number(call.args)
    return SkipOccurrence(number, text_of(rest))


def cancel(call: Call) -> CancelMeeting:
    """`cancel 3 [reason]`; with `series` / `from here` first, the series or the rest of it."""
    command = meeting_args.cancel(call)
    rest = call.args[1:]
    if not rest:
        return command
    for phrase, said in SERIES_SCOPE_PHRASES:  # "from now on", "the whole series": a scope, not a reason
        if tuple(word_at(rest, i) for i in range(len(phrase))) == phrase:
            return replace(command, scope="series" if said == "series" else "from_here",
                           reason=text_of(rest[len(phrase):]))
    scope = _SCOPE.get(rest[0].word)
    if scope is None:
        return command
    return replace(command, scope="series" if scope == "series" else "from_here", reason=text_of(rest[1:]))
