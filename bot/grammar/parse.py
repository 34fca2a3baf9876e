"""The two entry points of the grammar, over a registry of subcommands.

* `parse_command` reads the text of `/meeting ...` (or a button value) and returns exactly one Command.
* `parse_message` reads ordinary chat and returns the commands hidden in it: MeetBot lines (`#action ...`),
  `/meeting ...` lines, short replies to the bot (`done`, `blocked: waiting for legal`, `yes`) and check-ins.

Slack slash commands, DingTalk robot messages, the console and button clicks all reach Quorum as text, so
they share this parser instead of each growing its own: a button's value is just command text
(`rsvp 12 yes`), which means a click and a typed reply cannot drift apart. The grammar is bilingual
(`cancel 3` == `取消 3`), forgiving about full-width input (`＃１２`, `目标：`) and strict about meaning:
anything it cannot act on raises `ParseError` with an i18n key and an example, never a guess.

Both are pure: the clock, the speaker's timezone and the registry come in as arguments, so every case is a
table test. `bot.commands` binds the bot's own registry for callers that do not care which one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.command_types import CheckIn, Command, EndMeeting, Help, Rsvp, StartMeeting, Undo
from bot.errors import ParseError
from bot.grammar import record_args
from bot.grammar.meeting_args import RSVP_WORDS
from bot.grammar.registry import FALLBACK_EXAMPLE, Call, Registry, Subcommand
from bot.grammar.tokens import MAX_INPUT_CHARS, TRAILING, Token, fold, text_of, tokenize, word_at
from bot.meetbot import match_command
from bot.vocabulary import CHECK_IN, DONE, PREFIX, STATUS_GLUED

MessageContext = Literal["channel", "reply", "direct"]


def _subcommand(tokens: list[Token], registry: Registry) -> tuple[Subcommand[Any], str, list[Token]]:
    """The subcommand, the word as typed and its arguments ("查看12" may be glued to its number)."""
    if tokens and tokens[0].word.removeprefix("/") in PREFIX:
        tokens = tokens[1:]
    if not tokens:
        raise ParseError("error.empty", FALLBACK_EXAMPLE)
    first = tokens[0]
    word = first.word.removeprefix("/")
    entry = registry.for_word(word)
    if entry is not None and entry.parse is not None:
        return entry, word, tokens[1:]
    glued = registry.glued(word, first.raw)  # "完成12" / "查看＃3"
    if glued is not None and glued[0].parse is not None:
        entry, alias = glued
        return entry, alias, [first.split(len(alias))[1], *tokens[1:]]
    for prefix in STATUS_GLUED:  # "延期两天" / "延期到周五": a status word glued to what it says
        entry = registry.for_word(prefix[:2])
        if entry is not None and entry.parse is not None and word.startswith(prefix) and len(word) > len(prefix):
            return entry, prefix[:2], [first.split(len(prefix))[1], *tokens[1:]]
    raise ParseError("error.unknown_subcommand", FALLBACK_EXAMPLE, word=first.raw)


def _run(entry: Subcommand[Any], call: Call) -> Command:
    assert entry.parse is not None  # _subcommand only returns parsable entries
    command: Command = entry.parse(call)
    return command


def _check_length(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError("error.too_long", limit=MAX_INPUT_CHARS)


def parse_command(text: str, *, now: datetime, tz: ZoneInfo, registry: Registry) -> Command:
    """Parse the text of `/meeting ...` (with or without the `/meeting` / `会议` word) or a button value.

    Raises ParseError (key + example key) for anything Quorum cannot act on.
    """
    _check_length(text)
    entry, word, args = _subcommand(tokenize(text, registry.labels), registry)
    return _run(entry, Call(entry.name, word, args, now, tz, registry))


# MeetBot's command names (as `bot.meetbot.match_command` spells them) that have a Quorum Command, with the
# subcommand whose example their errors show. The others MeetBot knows (#meetingname, #accepted, #rejected,
# #unchair, #nick, ...) only shape MeetBot's own minutes and stay chat here.
_MEETBOT: dict[str, tuple[str, Callable[[Call], Command]]] = {
    "startmeeting": ("start", lambda call: StartMeeting(title=text_of(call.args))),
    "endmeeting": ("end", lambda call: EndMeeting()),
    "topic": ("topic", record_args.topic),
    "info": ("info", record_args.note("info")),
    "idea": ("idea", record_args.note("idea")),
    "link": ("link", record_args.note("link")),
    "agreed": ("decision", record_args.agreed),
    "action": ("action", record_args.meetbot_action),
    "chair": ("chair", record_args.chair),
    "undo": ("undo", lambda call: Undo()),
    "help": ("help", lambda call: Help()),
}
_SLASH_LINE = re.compile(rf"[/／](?:{'|'.join(PREFIX)})(?:\s|$)", re.IGNORECASE)
_LineParse = Callable[[datetime, ZoneInfo], Command]


def _line_parser(line: str, registry: Registry) -> _LineParse | None:
    """The parse for a line opening with a MeetBot command or `/meeting`; None for a chat line.

    Like MeetBot, the command must be the line's very first character (a full-width ＃ counts).
    """
    if _SLASH_LINE.match(line):
        return lambda now, tz: parse_command(line, now=now, tz=tz, registry=registry)
    matched = match_command("#" + line[1:] if line.startswith("＃") else line)
    entry = _MEETBOT.get(matched[0]) if matched else None
    if matched is None or entry is None:
        return None
    (name, parse), word, arg = entry, "#" + matched[0], matched[1]
    return lambda now, tz: parse(Call(name, word, tokenize(arg, registry.labels), now, tz, registry))


def _command_lines(text: str, registry: Registry) -> list[str]:
    """The message's lines, with the lines after a `/meeting` line of a subcommand that `takes_lines` (a plan's
    `key: value` fields) joined to it, up to the next command line."""
    joined: list[str] = []
    open_block = False
    for line in text.splitlines():
        starts = _SLASH_LINE.match(line) is not None or line.startswith(("#", "＃"))
        if open_block and not starts:
            joined[-1] += "\n" + line
            continue
        joined.append(line)
        open_block = bool(_SLASH_LINE.match(line)) and _takes_lines(line, registry)
    return joined


def _takes_lines(line: str, registry: Registry) -> bool:
    tokens = tokenize(line, registry.labels)[1:]
    entry = registry.for_word(tokens[0].word.removeprefix("/")) if tokens else None
    return entry is not None and entry.takes_lines


def _addressed(
    tokens: list[Token], now: datetime, tz: ZoneInfo, context: MessageContext, registry: Registry
) -> Callable[[], Command] | None:
    """What a reply to the bot or a direct message asks for, as a parse still to run; None for chat."""
    word = word_at(tokens, 0)
    if word in DONE:
        done = Call("done", word, tokens[1:], now, tz, registry)
        return lambda: record_args.reply_done(done)
    status = record_args.status_word(tokens)
    if status is not None:
        found, call = status, Call("status", word, tokens, now, tz, registry)
        return lambda: record_args.set_status(call, found, None)
    follow_through = record_args.follow_through(tokens)
    if follow_through is not None:
        return lambda: follow_through
    if context == "reply" and len(tokens) == 1 and word in RSVP_WORDS:
        answer = RSVP_WORDS[word]
        return lambda: Rsvp(None, answer)
    if context == "direct":
        try:
            entry, typed, args = _subcommand(tokens, registry)
        except ParseError:  # empty or not a subcommand: just chat
            return None
        sub = Call(entry.name, typed, args, now, tz, registry)
        return lambda: _run(entry, sub)
    return None


def parse_message(
    text: str, *, now: datetime, tz: ZoneInfo, context: MessageContext, registry: Registry
) -> list[Command]:
    """The commands in a plain chat message, in order; [] when it is just chat.

    * Any context: every line starting with a MeetBot command (`#action ...`) or `/meeting ...` is one
      command; when there is at least one, the other lines are chat and nothing else is looked for.
    * "reply" / "direct": `done [note]`, `done 12`, `blocked: reason`, `delay to <date>`, `in progress`
      (and 完成 / 受阻 / 延期到 / 进行中); in "reply" also a bare yes / no / maybe (参加 / 不参加 / 待定);
      in "direct" also any subcommand without `/meeting` (errors in it are raised, unknown words are chat).
    * "channel": a bare `here` / `到` / `签到` is a check-in.

    Length: a message over MAX_INPUT_CHARS raises error.too_long only when it would be read as a command;
    long chat stays chat.
    """
    lines = [found for line in _command_lines(text, registry) if (found := _line_parser(line, registry)) is not None]
    if lines:
        _check_length(text)
        return [parse_line(now, tz) for parse_line in lines]
    if context == "channel":
        return [CheckIn()] if fold(text.strip()).rstrip(TRAILING) in CHECK_IN else []
    # The first words decide whether the message is addressed to us, so a huge one is only read in part.
    parse = _addressed(tokenize(text[:MAX_INPUT_CHARS], registry.labels), now, tz, context, registry)
    if parse is None:
        return []
    _check_length(text)
    return [parse()]
