"""Arguments of the subcommands that change a meeting after it was announced: `edit`, `agenda`, `invite`,
`uninvite`, `extend`.

They read the same words `new` does (an agenda item's `20m by @bob output: signed scope`, roles, lengths), so
a change is typed the way the meeting was first described; `edit N time` reads its time exactly as
`reschedule` does, through `meeting_args.new_time`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from bot.command_types import (
    AgendaAction,
    AgendaSpec,
    EditAgenda,
    EditMeeting,
    ExtendMeeting,
    InvitePeople,
    MeetingField,
    Mention,
    Role,
    UninvitePeople,
)
from bot.errors import ParseError
from bot.grammar.meeting_args import new_time
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, fold, mentions_in, number_in, text_of, url_in, word_at
from bot.timeparse import parse_duration
from bot.vocabulary import (
    AGENDA_ACTIONS,
    AND,
    EDIT_FIELDS,
    MINUTE_UNITS,
    MOVE_TO,
    OUTPUT,
    PRESENTER,
    ROLES,
    WITH,
    alternation,
    lookup,
)

FIELD_WORDS: dict[str, MeetingField] = lookup(EDIT_FIELDS)
ACTION_WORDS: dict[str, AgendaAction] = lookup(AGENDA_ACTIONS)
ROLE_WORDS: dict[str, Role] = lookup(ROLES)
MINUTES = re.compile(rf"([0-9]{{1,4}}){alternation(MINUTE_UNITS)}")  # an agenda item's "20m" / "20分钟"
LONGEST_EXTENSION = timedelta(hours=12)


def edit(call: Call) -> EditMeeting:
    """`edit 3 title|time|place|link|goal|outcome <value>`."""
    number, rest = call.number(call.args)
    field = FIELD_WORDS.get(word_at(rest, 0).rstrip(":："))
    if not rest:
        raise ParseError("error.missing_edit_field", call.example, number=number)
    if field is None:
        raise ParseError("error.bad_edit_field", call.example, text=text_of(rest[:1]) or "")
    value = rest[1:]
    if field == "time":
        return EditMeeting(number, field, reschedule=new_time(call, number, value))
    text = text_of(value)
    if text is None:
        raise ParseError("error.missing_value", call.example, field=rest[0].raw.rstrip(":："))
    if field == "link":
        url = url_in(value[0])
        if url is None or len(value) > 1:
            raise ParseError("error.bad_link", call.example, text=text)
        text = url
    return EditMeeting(number, field, text)


def agenda(call: Call) -> EditAgenda:
    """`agenda 3 add "Topic" 20m by @bob output: signed scope` · `agenda 3 remove 2` · `agenda 3 move 3 to 1` ·
    `agenda 3 change "Scope" 20m by @bob; "Budget" 15m`."""
    number, rest = call.number(call.args)
    action = ACTION_WORDS.get(word_at(rest, 0))
    if not rest:
        raise ParseError("error.missing_agenda_action", call.example, number=number)
    if action is None:
        raise ParseError("error.bad_agenda_action", call.example, text=text_of(rest[:1]) or "")
    args = rest[1:]
    if action == "add":
        return EditAgenda(number, "add", item=agenda_item(call, args))
    if action == "change":
        return EditAgenda(number, "change", items=agenda_items(call, args))
    position, after = _position(call, args)
    if action == "remove":
        call.nothing_more(after)
        return EditAgenda(number, "remove", position=position)
    if after and after[0].word in MOVE_TO:
        after = after[1:]
    to, after = _position(call, after)
    call.nothing_more(after)
    return EditAgenda(number, "move", position=position, to=to)


def agenda_items(call: Call, tokens: Sequence[Token]) -> tuple[AgendaSpec, ...]:
    """A whole agenda, said as at creation: items one after another, each starting at its quoted title
    (`"Scope" 20m "Budget" 15m`) or after a `;` / `；` (`Scope 20m; Budget 15m`); a quoted text right after
    `output:` is that item's output, not a new item."""
    if not tokens:
        raise ParseError("error.missing_agenda", call.example)
    items: list[list[Token]] = [[]]
    for i, tok in enumerate(tokens):
        after_output = i > 0 and tokens[i - 1].word in OUTPUT and tokens[i - 1].colon
        semicolon = i > 0 and any(mark in tok.src[tokens[i - 1].outer_end : tok.outer_start] for mark in ";；")
        if items[-1] and (semicolon or (tok.quoted and not after_output)):
            items.append([])
        items[-1].append(tok)
    return tuple(agenda_item(call, item) for item in items)


def _position(call: Call, tokens: Sequence[Token]) -> tuple[int, list[Token]]:
    if not tokens:
        raise ParseError("error.missing_agenda_position", call.example)
    position = number_in(tokens[0])
    if position is None or position < 1:
        raise ParseError("error.bad_number", call.example, text=tokens[0].raw)
    return position, list(tokens[1:])


def _detail_at(tokens: Sequence[Token], i: int) -> bool:
    """Where an agenda item's title ends: its length, `by @someone`, or `output:`."""
    tok = tokens[i]
    if tok.quoted:
        return False
    presenter = tok.word in PRESENTER and i + 1 < len(tokens) and bool(mentions_in(tokens[i + 1]))
    return bool(MINUTES.fullmatch(tok.word)) or presenter or (tok.word in OUTPUT and tok.colon)


def agenda_item(call: Call, tokens: Sequence[Token]) -> AgendaSpec:
    """`"Title" [20m] [by @presenter] [output: what it yields]`; an unquoted title runs to the first detail."""
    if not tokens or _detail_at(tokens, 0):
        raise ParseError("error.missing_agenda_title", call.example)
    if tokens[0].quoted:
        title, i = tokens[0].raw.strip(), 1
    else:
        i = next((k for k in range(len(tokens)) if _detail_at(tokens, k)), len(tokens))
        title = text_of(tokens[:i]) or ""
    minutes: int | None = None
    presenter: Mention | None = None
    output: str | None = None
    while i < len(tokens):
        word = tokens[i].word
        if minutes is None and (match := MINUTES.fullmatch(word)):
            minutes, i = int(match[1]), i + 1
        elif presenter is None and word in PRESENTER and i + 1 < len(tokens) and mentions_in(tokens[i + 1]):
            presenter, i = mentions_in(tokens[i + 1])[0], i + 2
            if word_at(tokens, i) in PRESENTER and not (i + 1 < len(tokens) and mentions_in(tokens[i + 1])):
                i += 1  # "由 @李四 主讲": the closing word of the same phrase
        elif output is None and word in OUTPUT and tokens[i].colon:
            end = next((k for k in range(i + 1, len(tokens)) if _detail_at(tokens, k)), len(tokens))
            output, i = text_of(tokens[i + 1 : end]), end
            if output is None:
                raise ParseError("error.missing_value", call.example, field=tokens[i - 1].raw)
        else:
            raise ParseError("error.unexpected_text", call.example, text=text_of(tokens[i:]) or "")
    return AgendaSpec(title, minutes, presenter, output)


def _people(call: Call, tokens: Sequence[Token]) -> tuple[tuple[Mention, ...], Role | None]:
    """The @mentions, and a role word if one is said (`optional`, `列席`); anything else is a mistake."""
    who: list[Mention] = []
    role: Role | None = None
    for tok in tokens:
        if found := mentions_in(tok):
            who.extend(found)
        elif tok.word in ROLE_WORDS and role is None:
            role = ROLE_WORDS[tok.word]
        elif tok.word not in AND and tok.word not in WITH:
            raise ParseError("error.unexpected_text", call.example, text=tok.raw)
    if not who:
        raise ParseError("error.missing_people", call.example, command=call.word)
    return tuple(dict.fromkeys(who)), role


def invite(call: Call) -> InvitePeople:
    """`invite 3 @erin @frank [optional]`: required unless a role is said."""
    number, rest = call.number(call.args)
    who, role = _people(call, rest)
    return InvitePeople(number, who, role or "required")


def uninvite(call: Call) -> UninvitePeople:
    number, rest = call.number(call.args)
    who, role = _people(call, rest)
    if role is not None:
        raise ParseError("error.unexpected_text", call.example, text=next(t.raw for t in rest if t.word in ROLE_WORDS))
    return UninvitePeople(number, who)


def extend(call: Call) -> ExtendMeeting:
    """`extend 3 30m [reason]`: a length of one word ("30m", "半小时") or two ("30 minutes"), then why."""
    number, rest = call.number(call.args)
    if not rest:
        raise ParseError("error.missing_extension", call.example)
    for size in (2, 1):
        said = text_of(rest[:size]) or ""
        by = parse_duration(fold(said)) if len(rest) >= size else None
        if by is not None:
            if by > LONGEST_EXTENSION:
                raise ParseError("error.extension_too_long", call.example, text=said)
            return ExtendMeeting(number, by, text_of(rest[size:]))
    raise ParseError("error.bad_duration", call.example, text=rest[0].raw)
