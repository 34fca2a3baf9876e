"""The one grammar every adapter uses: chat text in, `Command`s out.

Slack slash commands, DingTalk robot messages, the console and button clicks all reach Quorum as text, so
they share this parser instead of each growing its own: a button's value is just command text
(`rsvp 12 yes`), which means a click and a typed reply cannot drift apart. The grammar is bilingual
(`cancel 3` == `取消 3`), forgiving about full-width input (`＃１２`, `目标：`) and strict about meaning:
anything it cannot act on raises `ParseError` with an i18n key and an example, never a guess.

Two entry points:

* `parse_command` reads the text of `/meeting ...` (or a button value) and returns exactly one Command.
* `parse_message` reads ordinary chat and returns the commands hidden in it: MeetBot lines (`#action ...`),
  `/meeting ...` lines, short replies to the bot (`done`, `blocked: waiting for legal`, `yes`) and check-ins.

Both are pure: the clock and the speaker's timezone come in as arguments, so every case is a table test.
Word-level matching runs on NFKC-folded text; titles, notes and reasons are sliced from the input as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.command_types import (
    SURVEY_SCORES,
    AcceptItem,
    AckMinutes,
    AddAction,
    AddChairs,
    AddDecision,
    AddNote,
    AddQuestion,
    AgendaSpec,
    AmendMinutes,
    CancelMeeting,
    CheckIn,
    Command,
    Configure,
    DeclineItem,
    Done,
    EndMeeting,
    Export,
    ExportFormat,
    Find,
    Help,
    ItemStatus,
    ListMeetings,
    Mention,
    Mine,
    NewMeeting,
    NextItem,
    NoteKind,
    ObjectToMinutes,
    ParticipantSpec,
    Rate,
    ReopenItem,
    Report,
    RescheduleMeeting,
    ResolveQuestion,
    Role,
    Rsvp,
    RsvpAnswer,
    SetStatus,
    SetTopic,
    ShowAcks,
    ShowMeeting,
    StartMeeting,
    Undo,
    VerifyItem,
)
from bot.errors import ParseError
from bot.meetbot import match_command
from bot.timeparse import looks_like_time, parse_due, parse_duration, parse_when

__all__ = ["MAX_INPUT_CHARS", "parse_command", "parse_message"]

MAX_INPUT_CHARS = 4000

# A time expression is at most this many words ("next friday at 10:00 am" is five) and characters, and
# one command may try at most this many spans on the time parser, so a hostile 4000-character title
# stays cheap (about 1 ms a try).
_MAX_TIME_WORDS = 6
_MAX_TIME_CHARS = 40
_MAX_TIME_TRIES = 120

# ---------------------------------------------------------------------------------------------- tokens

_QUOTES = {'"': '"', "＂": "＂", "“": "”", "「": "」", "『": "』"}
_SEPARATORS = frozenset(",，、;；")  # between words, like a space: "@alice, @bob" / "@张三、@李四"
_COLONS = ":："
# Slack's escapes stay one word even with spaces inside: <@U1|Alice Smith>, <https://x|the doc>, <!here>
_SLACK_ESCAPE = re.compile(r"<(?:[@#!]|https?://|mailto:)[^<>\n]*>", re.IGNORECASE)
_TRAILING = ".!?。！？…~"  # sentence punctuation ignored at the end of a keyword: "done!" "完成。"
_NAME_TRAILING = ".,!?:;)]}'\"。，！？：；）」』、"


def _fold(text: str) -> str:
    """The form words are compared in: full-width → ASCII (NFKC), case-insensitive."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class _Token:
    """One word of the input, remembering where it came from so free text can be sliced out as typed."""

    src: str = field(repr=False)
    start: int  # the word itself (inside the quotes when quoted)
    end: int
    outer_start: int  # including the quotes
    outer_end: int
    quoted: bool = False
    colon: bool = False  # followed by ':' — a label such as "goal:" / "目标："

    @property
    def raw(self) -> str:
        return self.src[self.start : self.end]

    @property
    def word(self) -> str:
        """The folded word for keyword matching; "" for quoted text, which is never a keyword."""
        return "" if self.quoted else _fold(self.raw).rstrip(_TRAILING)

    def split(self, at: int) -> tuple[_Token, _Token]:
        """Cut an unquoted token at character `at` of `raw` (for glued CJK: "截止周五", "查看12")."""
        cut = self.start + at
        return replace(self, end=cut, outer_end=cut), replace(self, start=cut, outer_start=cut)


def _tokenize(src: str) -> list[_Token]:
    """Split on spaces and list separators; "…", “…”, 「…」 quote (an unclosed quote is a plain character)."""
    tokens: list[_Token] = []
    unclosed: set[str] = set()  # closers known to be absent from the rest of src: keeps this linear

    def closing(i: int) -> int:
        close = _QUOTES.get(src[i])
        if close is None or close in unclosed:
            return -1
        j = src.find(close, i + 1)
        if j == -1:
            unclosed.add(close)
        return j

    i, n = 0, len(src)
    while i < n:
        if src[i].isspace() or src[i] in _SEPARATORS:
            i += 1
            continue
        j = closing(i)
        if j != -1:
            tokens.append(_Token(src, i + 1, j, i, j + 1, quoted=True))
            i = j + 1
            continue
        slack = _SLACK_ESCAPE.match(src, i)
        if slack:
            tokens.append(_Token(src, i, slack.end(), i, slack.end()))
            i = slack.end()
            continue
        j = i + 1
        while j < n and not (src[j].isspace() or src[j] in _SEPARATORS or closing(j) != -1):
            j += 1
        tok = _Token(src, i, j, i, j)
        if tok.word in _COLONS:  # "goal : text"
            if tokens:
                tokens[-1] = replace(tokens[-1], colon=True)
        else:
            tokens.extend(_split_label(tok))
        i = j
    return tokens


def _split_label(tok: _Token) -> list[_Token]:
    raw = tok.raw
    at = next((k for k, ch in enumerate(raw) if ch in _COLONS), -1)
    if at <= 0 or _fold(raw[:at]) not in _LABELS:
        return [tok]
    label, rest = tok.split(at)
    label = replace(label, colon=True)
    rest = tok.split(at + 1)[1]
    return [label, rest] if rest.raw else [label]


def _text(tokens: Sequence[_Token]) -> str | None:
    """The user's text for adjacent tokens, exactly as typed; a lone quoted token loses its quotes."""
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].quoted:
        text = tokens[0].raw
    else:
        text = tokens[0].src[tokens[0].outer_start : tokens[-1].outer_end]
    return text.strip() or None


def _join(*parts: str | None) -> str | None:
    return " ".join(p for p in parts if p) or None


def _word(tokens: Sequence[_Token], i: int) -> str:
    return tokens[i].word if i < len(tokens) else ""


# ------------------------------------------------------------------------------- mentions, links, numbers

_AT = "@＠﹫"
_SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
_BROADCAST = frozenset({"here", "channel", "everyone", "all", "所有人"})  # literal text, never a person
_URL = re.compile(r"<?(https?://[^\s<>|]+)", re.IGNORECASE)
_NUMBER = re.compile(r"#?([0-9]{1,9})")


def _mentions(tok: _Token) -> tuple[Mention, ...]:
    """`@alice`, `@张三、`, `@a@b` or Slack's `<@U123|alice>`; () when the token is not a mention."""
    if tok.quoted:
        return ()
    raw = tok.raw.rstrip(_NAME_TRAILING)
    slack = _SLACK_MENTION.fullmatch(raw)
    if slack:
        return (Mention(slack[1], is_platform_id=True),)
    if not raw or raw[0] not in _AT:
        return ()
    names = [name.rstrip(_NAME_TRAILING) for name in re.split(f"[{_AT}]", raw)[1:]]
    if not all(names) or any(_fold(name) in _BROADCAST for name in names):
        return ()
    return tuple(Mention(name) for name in names)


def _url(tok: _Token) -> str | None:
    match = None if tok.quoted else _URL.match(tok.raw)
    return match[1].rstrip(_NAME_TRAILING) if match else None


def _number(tok: _Token) -> int | None:
    match = _NUMBER.fullmatch(tok.word)
    return int(match[1]) if match else None


def _looks_numbered(tok: _Token) -> bool:
    """Starts like a number ("12", "#12", "＃１２x"): worth a bad_number error rather than another reading."""
    word = tok.word
    return bool(word) and (word[0] == "#" or word[0].isdigit())


# A time span is only tried from a word that can open one: a time hint ("3pm", "friday", "明天下午3点"), a
# number, or a connector ("next friday", "in 2 hours"). Title words ("Standup", "Review") never start one,
# and long input stays cheap.
_TIME_LEADS = frozenset({"next", "this", "coming", "on", "at", "in", "the"})
# Characters where a time may begin inside a CJK word written without spaces ("周会明天下午3点").
_CJK_TIME_START = frozenset("今明后大下这本上周星礼中晚早凌傍午夜正一二三四五六七八九十两")


def _may_start_time(word: str) -> bool:
    return bool(word) and (word[0].isdigit() or word in _TIME_LEADS or looks_like_time(word))


def _time_text(tokens: Sequence[_Token]) -> str | None:
    """The folded text of a candidate time or date; None when empty or too long to be one."""
    text = _text(tokens)
    return _fold(text) if text and len(text) <= _MAX_TIME_CHARS else None


# --------------------------------------------------------------------------------------- the parse call


@dataclass(frozen=True)
class _Call:
    """One subcommand being parsed: its canonical name, the word as typed, its arguments and the clock."""

    name: str
    word: str
    args: list[_Token]
    now: datetime
    tz: ZoneInfo

    @property
    def example(self) -> str:
        return _EXAMPLES.get(self.name, "example.help")

    def number(self, tokens: Sequence[_Token]) -> tuple[int, list[_Token]]:
        """The leading meeting/item number, and the tokens after it."""
        if not tokens:
            raise ParseError("error.missing_number", self.example, command=self.word)
        number = _number(tokens[0])
        if number is None:
            raise ParseError("error.bad_number", self.example, text=tokens[0].raw)
        return number, list(tokens[1:])

    def nothing_more(self, tokens: Sequence[_Token]) -> None:
        if tokens:
            raise ParseError("error.unexpected_text", self.example, text=_text(tokens))

    def when(self, tokens: Sequence[_Token]) -> datetime | None:
        text = _time_text(tokens)
        return parse_when(text, now=self.now, tz=self.tz) if text else None

    def due(self, tokens: Sequence[_Token]) -> date | None:
        text = _time_text(tokens)
        return parse_due(text, now=self.now, tz=self.tz) if text else None

    def future(self, start: datetime) -> datetime:
        if start < self.now:
            raise ParseError("error.past_time", self.example, when=f"{start.astimezone(self.tz):%Y-%m-%d %H:%M}")
        return start


_EXAMPLES = {
    name: f"example.{name}"
    for name in (
        "new", "list", "show", "cancel", "reschedule", "rsvp", "action", "decision", "question", "done",
        "status", "help", "decline", "reopen", "config", "rate", "ack", "acks", "report", "export", "find",
        "object", "amend",
    )
}  # fmt: skip

# ------------------------------------------------------------------------------------------ new meeting

_WITH = frozenset({"with", "参会", "参会人", "参加"})
_AND = frozenset({"and", "和", "及", "与"})
_ROLES: dict[str, Role] = {
    **dict.fromkeys(("host", "主持", "主持人", "召集人"), "host"),
    **dict.fromkeys(("recorder", "记录", "记录人"), "recorder"),
    **dict.fromkeys(("optional", "可选", "列席"), "optional"),
    **dict.fromkeys(("required", "必须", "必选"), "required"),
}
_AGENDA = frozenset({"agenda", "议程"})
_PRESENTER = frozenset({"by", "主讲", "主讲人"})
_GOAL = frozenset({"goal", "目标"})
_OUTCOME = frozenset({"outcome", "预期成果"})
_TYPE = frozenset({"type", "类型"})
MEETING_TYPE_WORDS = {  # what people call each meeting type (`type review`, `find 评审`)
    "regular": "regular", "例会": "regular",
    "project": "project", "项目": "project",
    "client": "client", "客户": "client",
    "cross-team": "cross-team", "跨部门": "cross-team",
    "decision": "decision", "决策": "decision",
    "review": "review", "评审": "review",
}  # fmt: skip
_CONFIDENTIAL = frozenset({"confidential", "保密"})
_IMPORTANT = frozenset({"important", "重要"})
_LENGTH = frozenset({"时长"})
_LOCATION = frozenset({"地点", "链接"})  # take the next word (quote a room with spaces)
_MINUTE_UNIT = "(?:m|min|mins|minutes?|分钟|分)"
_MINUTES = re.compile(rf"([0-9]{{1,4}}){_MINUTE_UNIT}")  # an agenda item's "20m" / "20分钟"
_AMOUNT = re.compile(r"[0-9][0-9.]*")
_UNIT = re.compile(rf"(?:h|hr|hrs|hours?|小时|个小时|{_MINUTE_UNIT})")

_Kind = Literal["mention", "role", "skip", "agenda", "goal", "outcome", "type", "flag", "duration", "link", "place"]


class _NewMeetingParser:
    """`new "Title" <time> [for <duration>] [with @a host @b] [agenda ...] [goal: ...] ...`.

    Keywords split the arguments into sections; the plain words left over (the "head") hold the title,
    the time, bare durations and `in <room>` / `at <room>`. Free text after `goal:` / `outcome:` runs to
    the next keyword, @mention or link (quote it to include those); so does an agenda.
    """

    def __init__(self, call: _Call) -> None:
        self.call = call
        self.tokens = call.args
        self.participants: dict[Mention, Role] = {}
        self.agenda: list[AgendaSpec] = []
        self.locations: list[tuple[int, str]] = []  # (position in the input, link or room)
        self.goal: str | None = None
        self.outcome: str | None = None
        self.meeting_type: str | None = None
        self.confidential = False
        self.important = False
        self.durations: list[tuple[timedelta, str]] = []  # with the text, to name a second one
        self.head: list[list[_Token]] = [[]]  # runs of adjacent plain words
        self.tries = _MAX_TIME_TRIES

    def parse(self) -> NewMeeting:
        if not self.tokens:
            raise ParseError("error.missing_title", self.call.example)
        self._scan()
        runs = [run for run in self.head if run]
        quoted = self._quoted_title(runs)
        title: str | None = None
        if quoted is not None:
            title, runs = quoted
        found = self._find_time(runs, glued=quoted is None)
        start = None
        if found is not None:
            start, runs = found
        if quoted is None:  # unquoted: the first run's words before the time
            title, runs = (_text(runs[0]) if runs else None), runs[1:]
        if not title:
            raise ParseError("error.missing_title", self.call.example)
        unknown = self._leftovers(runs)
        if start is None and unknown:
            raise ParseError("error.bad_time", self.call.example, text=unknown)
        if start is None:
            raise ParseError("error.missing_time", self.call.example)
        if unknown:
            raise ParseError("error.unexpected_text", self.call.example, text=unknown)
        if len(self.durations) > 1:
            raise ParseError("error.unexpected_text", self.call.example, text=self.durations[1][1])
        return NewMeeting(
            title=title,
            start=self.call.future(start),
            duration=self.durations[0][0] if self.durations else None,
            participants=tuple(ParticipantSpec(who, role) for who, role in self.participants.items()),
            agenda=tuple(self.agenda),
            location=", ".join(place for _, place in sorted(self.locations)) or None,
            goal=self.goal,
            expected_outcome=self.outcome,
            meeting_type=self.meeting_type,
            confidential=self.confidential,
            important=self.important,
        )

    # -- sections

    def _scan(self) -> None:
        i = 0
        while i < len(self.tokens):
            kind = self._kind_at(i)
            if kind is None:
                self.head[-1].append(self.tokens[i])
                i += 1
            else:
                i = self._consume(kind, i)
                if self.head[-1]:
                    self.head.append([])

    def _kind_at(self, i: int) -> _Kind | None:
        """What section starts at token i, if any (looks ahead at most two tokens, no side effects)."""
        tokens = self.tokens
        tok, word, after = tokens[i], tokens[i].word, i + 1

        def mention_at(j: int) -> bool:
            return j < len(tokens) and bool(_mentions(tokens[j]))

        if mention_at(i):
            return "mention"
        if word in _ROLES and mention_at(after):
            return "role"
        if word in _WITH and (mention_at(after) or (_word(tokens, after) in _ROLES and mention_at(after + 1))):
            return "skip"
        if word in _AND and self.participants and mention_at(after):
            return "skip"
        if word in _AGENDA and after < len(tokens):
            return "agenda"
        quoted_next = after < len(tokens) and tokens[after].quoted
        if word in _GOAL and (tok.colon or quoted_next):
            return "goal"
        if word in _OUTCOME and (tok.colon or quoted_next):
            return "outcome"
        if word in _TYPE and _word(tokens, after) in MEETING_TYPE_WORDS:
            return "type"
        if word in _CONFIDENTIAL or word in _IMPORTANT:
            return "flag"
        if word in _LENGTH or (word == "for" and self._duration_at(tokens, after) is not None):
            return "duration"
        if _url(tok) is not None or (word in ("at", "link") and after < len(tokens) and _url(tokens[after])):
            return "link"
        if word in _LOCATION and after < len(tokens):
            return "place"
        return None

    def _consume(self, kind: _Kind, i: int) -> int:
        """Record the section starting at token i; return the index after it."""
        tokens = self.tokens
        if kind == "mention":
            self._add(_mentions(tokens[i]), "required")
            return i + 1
        if kind == "role":
            self._add(_mentions(tokens[i + 1]), _ROLES[tokens[i].word])
            return i + 2
        if kind == "skip":
            return i + 1
        if kind == "agenda":
            return self._agenda(i + 1)
        if kind in ("goal", "outcome"):
            end = self._text_end(i + 1)
            text = _text(tokens[i + 1 : end])
            if kind == "goal":
                self.goal = text
            else:
                self.outcome = text
            return end
        if kind == "type":
            self.meeting_type = MEETING_TYPE_WORDS[tokens[i + 1].word]
            return i + 2
        if kind == "flag":
            if tokens[i].word in _IMPORTANT:
                self.important = True
            else:
                self.confidential = True
            return i + 1
        if kind == "duration":
            found = self._duration_at(tokens, i + 1)
            if found is None:
                raise ParseError("error.bad_duration", self.call.example, text=_text(tokens[i + 1 : i + 2]) or "")
            self.durations.append((found[0], _text(tokens[i + 1 : i + 1 + found[1]]) or ""))
            return i + 1 + found[1]
        if kind == "link":
            url = _url(tokens[i])
            if url is None:  # "at <url>" / "link <url>"
                url, i = _url(tokens[i + 1]), i + 1
            self.locations.append((tokens[i].start, url or ""))
            return i + 1
        self.locations.append((tokens[i].start, _text(tokens[i + 1 : i + 2]) or ""))  # 地点 X / 链接 X
        return i + 2

    def _add(self, mentions: tuple[Mention, ...], role: Role) -> None:
        for who in mentions:
            if role != "required" or who not in self.participants:
                self.participants[who] = role

    def _text_end(self, i: int) -> int:
        """Free text (goal, outcome) runs to the next section; a quoted text is exactly one token."""
        if i < len(self.tokens) and self.tokens[i].quoted:
            return i + 1
        while i < len(self.tokens) and self._kind_at(i) is None:
            i += 1
        return i

    def _agenda(self, i: int) -> int:
        while (found := self._agenda_item(i)) is not None:
            item, i = found
            self.agenda.append(item)
        return i

    def _agenda_item(self, i: int) -> tuple[AgendaSpec, int] | None:
        """`"Title" [20m] [by @presenter]` or a single plain word; None when no item starts at i."""
        tokens = self.tokens
        if i >= len(tokens) or _MINUTES.fullmatch(tokens[i].word):
            return None
        if not tokens[i].quoted and (self._kind_at(i) is not None or tokens[i].word in _PRESENTER):
            return None
        title, minutes, presenter, i = tokens[i].raw.strip(), None, None, i + 1
        for _ in range(2):  # minutes and presenter, in either order
            if minutes is None and (match := _MINUTES.fullmatch(_word(tokens, i))):
                minutes, i = int(match[1]), i + 1
            elif presenter is None and _word(tokens, i) in _PRESENTER and i + 1 < len(tokens):
                found = _mentions(tokens[i + 1])
                if found:
                    presenter, i = found[0], i + 2
        return AgendaSpec(title, minutes, presenter), i

    # -- title, time, leftovers

    @staticmethod
    def _quoted_title(runs: list[list[_Token]]) -> tuple[str, list[list[_Token]]] | None:
        """The first quoted plain word is the title; its run is cut in two around it."""
        for r, run in enumerate(runs):
            for k, tok in enumerate(run):
                if tok.quoted:
                    return tok.raw.strip(), [*runs[:r], run[:k], run[k + 1 :], *runs[r + 1 :]]
        return None

    def _find_time(self, runs: list[list[_Token]], *, glued: bool) -> tuple[datetime, list[list[_Token]]] | None:
        """The longest span of words parse_when accepts (earliest on ties), and the runs without it.

        With `glued`, a first run without spaced time words is searched inside its words too, for
        Chinese written without spaces ("周会明天下午3点" → "周会" + "明天下午3点").
        """
        best: tuple[int, int, int, datetime] | None = None  # run, start, end, when
        for r, run in enumerate(runs):
            for k in range(len(run)):
                found = self._longest_at(run, k)
                if found and (best is None or found[0] - k > best[2] - best[1]):
                    best = (r, k, *found)
        if best is None and glued and runs:
            split = self._glued_time(runs[0])
            if split is not None:
                runs = [split[0], *runs[1:]]
                best = (0, *split[1:])
        if best is None:
            return None
        r, k, end, when = best
        return when, [*runs[:r], runs[r][:k], runs[r][end:], *runs[r + 1 :]]

    def _longest_at(self, run: list[_Token], k: int) -> tuple[int, datetime] | None:
        """The end of the longest time span starting at word k, and its time."""
        if not _may_start_time(run[k].word):
            return None
        for end in range(min(len(run), k + _MAX_TIME_WORDS), k, -1):
            if run[end - 1].word in _TIME_LEADS:  # "10:00 in Room 5": a time never ends with a connector
                continue
            if self.tries <= 0:
                return None
            self.tries -= 1
            when = self.call.when(run[k:end])
            if when is not None:
                return end, when
        return None

    def _glued_time(self, run: list[_Token]) -> tuple[list[_Token], int, int, datetime] | None:
        """A time glued to the end of a word: the run with that word cut, and the span as for `_longest_at`."""
        for k, tok in enumerate(run):
            raw = tok.raw
            for at in range(max(1, len(raw) - _MAX_TIME_CHARS), len(raw)):
                if (raw[at] in _CJK_TIME_START or raw[at].isdigit()) and not raw[at - 1].isdigit():
                    head, tail = tok.split(at)
                    candidate = [*run[:k], head, tail, *run[k + 1 :]]
                    found = self._longest_at(candidate, k + 1)
                    if found is not None:
                        return candidate, k + 1, *found
        return None

    def _leftovers(self, runs: list[list[_Token]]) -> str | None:
        """Take bare durations and `in <room>` / `at <room>` from the remaining words; return the rest."""
        unknown: list[str] = []
        for run in runs:
            i = 0
            while i < len(run):
                found = self._duration_at(run, i)
                if found is not None:
                    self.durations.append((found[0], _text(run[i : i + found[1]]) or ""))
                    i += found[1]
                elif run[i].word in ("in", "at") and i + 1 < len(run):
                    end = next((j for j in range(i + 1, len(run)) if _duration_like(run, j)), len(run))
                    self.locations.append((run[i].start, _text(run[i + 1 : end]) or ""))
                    i = end
                else:
                    unknown.append(run[i].raw)
                    i += 1
        return " ".join(unknown) or None

    def _duration_at(self, tokens: Sequence[_Token], i: int) -> tuple[timedelta, int] | None:
        """A duration of one word ("1h", "1小时") or two ("1.5 hours"); bad_duration for a near miss."""
        if i >= len(tokens) or tokens[i].quoted:
            return None
        spans = [1, 2] if i + 1 < len(tokens) and _AMOUNT.fullmatch(tokens[i].word) else [1]
        for size in spans:
            text = _text(tokens[i : i + size]) or ""
            duration = parse_duration(_fold(text))
            if duration is not None:
                if duration <= timedelta(0):
                    raise ParseError("error.bad_duration", self.call.example, text=text)
                return duration, size
        size = _duration_like(tokens, i)
        if size:
            raise ParseError("error.bad_duration", self.call.example, text=_text(tokens[i : i + size]) or "")
        return None


def _duration_like(tokens: Sequence[_Token], i: int) -> int:
    """How many words at i are shaped like a duration ("1..5h" one, "0 hours" two), 0 if none."""
    word = _word(tokens, i)
    amount = _AMOUNT.match(word)
    if amount and _UNIT.fullmatch(word[amount.end() :]):
        return 1
    return 2 if amount and amount.end() == len(word) and _UNIT.fullmatch(_word(tokens, i + 1)) else 0


# ------------------------------------------------------------------------------------------ subcommands


def _new(call: _Call) -> NewMeeting:
    return _NewMeetingParser(call).parse()


def _no_arguments(make: Callable[[], Command]) -> Callable[[_Call], Command]:
    def handler(call: _Call) -> Command:
        call.nothing_more(call.args)
        return make()

    return handler


def _show(call: _Call) -> ShowMeeting:
    number, rest = call.number(call.args)
    call.nothing_more(rest)
    return ShowMeeting(number)


def _cancel(call: _Call) -> CancelMeeting:
    number, rest = call.number(call.args)
    return CancelMeeting(number, _text(rest))


def _reschedule(call: _Call) -> RescheduleMeeting:
    number, rest = call.number(call.args)
    if not rest:
        raise ParseError("error.missing_time", call.example)
    start = call.when(rest)
    if start is None:
        raise ParseError("error.bad_time", call.example, text=_text(rest))
    return RescheduleMeeting(number, call.future(start))


_ANSWERS: dict[str, RsvpAnswer] = {
    **dict.fromkeys(("yes", "accept", "是", "参加"), "yes"),
    **dict.fromkeys(("no", "decline", "否", "不参加"), "no"),
    **dict.fromkeys(("maybe", "tentative", "可能", "待定"), "maybe"),
    **dict.fromkeys(("withdraw", "撤回"), "withdraw"),
}


def _rsvp(call: _Call) -> Rsvp:
    if call.args and call.args[0].word in _ANSWERS:  # "rsvp yes": the number is what's missing
        raise ParseError("error.missing_number", call.example, command=call.word)
    number, rest = call.number(call.args)
    answer = _ANSWERS.get(_word(rest, 0))
    if answer is None:
        raise ParseError("error.bad_rsvp_answer", call.example, text=_text(rest[:1]) or "")
    return Rsvp(number, answer, _text(rest[1:]))


def _start(call: _Call) -> StartMeeting:
    """`start 3` starts meeting 3; `start` the one due now; `start Design review` an ad-hoc meeting."""
    if call.args and _looks_numbered(call.args[0]):
        number, rest = call.number(call.args)
        call.nothing_more(rest)
        return StartMeeting(number=number)
    return StartMeeting(title=_text(call.args))


def _optional_number(call: _Call) -> int | None:
    if not call.args:
        return None
    number, rest = call.number(call.args)
    call.nothing_more(rest)
    return number


def _here(call: _Call) -> CheckIn:
    return CheckIn(_optional_number(call))


def _help(call: _Call) -> Help:
    topic = _text(call.args)
    known = _SUBCOMMANDS.get(_fold(topic)) if topic else None
    return Help(known[0] if known else topic)


def _required_text(call: _Call, tokens: Sequence[_Token]) -> str:
    text = _text(tokens)
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return text


def _owner(tokens: list[_Token]) -> tuple[Mention | None, list[_Token], list[_Token]]:
    """The first @mention, and the tokens before and after it."""
    for k, tok in enumerate(tokens):
        found = _mentions(tok)
        if found:
            return found[0], tokens[:k], tokens[k + 1 :]
    return None, tokens, []


_DUE = frozenset({"by", "due", "截止"})
_DUE_GLUED = ("截止到", "截止于", "截止")


def _take_due(call: _Call, tokens: list[_Token]) -> tuple[list[_Token], date | None]:
    """A trailing `by <date>` / `due <date>` / `截止 <日期>` / `周五前`, and the tokens before it.

    `by` and `due` are ordinary English words too ("by hand"), so they only name a due date when what
    follows parses or starts like a date; `截止` always does.
    """
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        glued = next((p for p in _DUE_GLUED if tok.raw.startswith(p) and len(tok.raw) > len(p)), None)
        if tok.word not in _DUE and glued is None:
            continue
        expr = [tok.split(len(glued))[1], *tokens[k + 1 :]] if glued else tokens[k + 1 :]
        due = call.due(expr)
        if due is not None:
            return tokens[:k], due
        if tok.word not in ("by", "due") or (expr and looks_like_time(expr[0].raw)):
            raise ParseError("error.bad_due", call.example, text=_text(expr) or "")
        break
    if tokens and tokens[-1].word.endswith("前"):
        due = call.due(tokens[-1:])
        if due is not None:
            return tokens[:-1], due
    return tokens, None


def _cut(tokens: list[_Token], words: frozenset[str], glued: str = "") -> tuple[list[_Token], list[_Token]] | None:
    """Split at the first keyword in `words` (or, for CJK, at `glued` inside a word: "采用A因为便宜")."""
    for k, tok in enumerate(tokens):
        if tok.word in words:
            return tokens[:k], tokens[k + 1 :]
        at = tok.raw.find(glued) if glued and not tok.quoted else -1
        if at != -1:
            before, rest = tok.split(at)
            after = rest.split(len(glued))[1]
            return [*tokens[:k], *([before] if before.raw else [])], [
                *([after] if after.raw else []),
                *tokens[k + 1 :],
            ]
    return None


_DELIVERABLE = frozenset({"交付物"})  # "deliverable" only with a colon: it is a common English noun


def _action(call: _Call) -> AddAction:
    if not call.args:
        raise ParseError("error.missing_text", call.example, command=call.word)
    body, deliverable = list(call.args), list[_Token]()
    for k, tok in enumerate(body):
        if tok.word in _DELIVERABLE or (tok.word == "deliverable" and tok.colon):
            body, deliverable = body[:k], body[k + 1 :]
            break
    owner, before, after = _owner(body)
    body, due = _take_due(call, [*before, *after])
    if due is None and deliverable:
        deliverable, due = _take_due(call, deliverable)
    text = _join(_text(body[: len(before)]), _text(body[len(before) :]))  # the owner sat between
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    if owner is None:
        raise ParseError("error.missing_owner", call.example)
    return AddAction(text, owner, due, _text(deliverable))


_BECAUSE = frozenset({"because", "因为", "理由"})


def _decision(call: _Call) -> AddDecision:
    parts = _cut(call.args, _BECAUSE, glued="因为")
    text, rationale = (parts[0], parts[1]) if parts else (call.args, [])
    return AddDecision(_required_text(call, text), _text(rationale))


def _question(call: _Call) -> AddQuestion:
    owner, before, after = _owner(call.args)
    body, due = _take_due(call, [*before, *after])
    text = _join(_text(body[: len(before)]), _text(body[len(before) :]))
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddQuestion(text, owner, due)


def _done(call: _Call) -> Done:
    number, rest = call.number(call.args)
    return Done(number, _text(rest))


_DONE = frozenset({"done", "完成", "已完成", "完成了"})
_IN_PROGRESS = frozenset({"in-progress", "in_progress", "inprogress", "wip", "进行中"})
_BLOCKED = frozenset({"blocked", "受阻"})
_DELAY = frozenset({"delay", "delayed", "延期"})
_DELAY_TO = frozenset({"to", "until", "到", "至"})
_STATUS_GLUED = ("受阻", "延期到", "延期至", "延期")


def _status_word(tokens: list[_Token]) -> tuple[ItemStatus, list[_Token]] | None:
    """Recognise `in progress` / `blocked` / `delay` (进行中 / 受阻 / 延期, glued or not) and what follows."""
    if not tokens:
        return None
    first = tokens[0]
    glued = next((p for p in _STATUS_GLUED if first.raw.startswith(p) and len(first.raw) > len(p)), None)
    if glued:  # "受阻等法务" / "延期到周五"
        word, rest = glued[:2], [first.split(len(glued))[1], *tokens[1:]]
    elif first.word == "in" and _word(tokens, 1) == "progress":
        word, rest = "进行中", tokens[2:]
    else:
        word, rest = first.word, tokens[1:]
    if word in _IN_PROGRESS:
        return "in_progress", rest
    if word in _BLOCKED:
        return "blocked", rest
    if word in _DELAY:
        return "delay", rest[1:] if rest and rest[0].word in _DELAY_TO else rest
    return None


def _set_status(call: _Call, found: tuple[ItemStatus, list[_Token]], number: int | None) -> SetStatus:
    """The SetStatus for a recognised status word; the text after it is the reason (or the new due date)."""
    status, rest = found
    if status != "delay":
        return SetStatus(number, status, reason=_text(rest))
    if not rest:
        raise ParseError("error.bad_status", call.example, text=call.word)
    due = call.due(rest)
    if due is None:
        raise ParseError("error.bad_due", call.example, text=_text(rest) or "")
    return SetStatus(number, "delay", due=due)


def _status(call: _Call) -> SetStatus:
    number, rest = call.number(call.args)
    found = _status_word(rest)
    if found is None:
        raise ParseError("error.bad_status", call.example, text=_text(rest) or "")
    return _set_status(replace(call, word=rest[0].word), found, number)


def _next(call: _Call) -> NextItem:
    if not call.args:
        return NextItem()
    position, rest = call.number(call.args)
    call.nothing_more(rest)
    return NextItem(position)


def _rate(call: _Call) -> Rate:
    """`rate <meeting> <1-5> [comment]`: the score is checked here, so a typo never reaches the survey."""
    number, rest = call.number(call.args)
    if not rest:
        raise ParseError("error.missing_score", call.example)
    score = _number(rest[0])
    if score is None or score not in SURVEY_SCORES:
        raise ParseError("error.bad_score", call.example, text=rest[0].raw)
    return Rate(number, score, _text(rest[1:]))


_SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
_THIS_MONTH = frozenset({"this", "本月", "这个月"})
_LAST_MONTH = frozenset({"last", "上月", "上个月"})
_MONTH_WORD = frozenset({"month", "月"})
_MONTH_NAMES = {name: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_NUMERIC_MONTH = re.compile(r"(?:(\d{4})[-/年.])?(\d{1,2})(?:月(?:份)?)?")


def _month(call: _Call, tokens: Sequence[_Token]) -> tuple[int, int] | None:
    """"2026-11", "11月", "2026年11月", "november 2026", "last month" / "上个月", "this month"; None: this one."""
    words = [t.word for t in tokens if t.word not in _MONTH_WORD]
    if not words:
        return None
    today = call.now.astimezone(call.tz).date()
    if words[0] in _THIS_MONTH:
        return today.year, today.month
    if words[0] in _LAST_MONTH:
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if words[0] in _MONTH_NAMES:
        year = int(words[1]) if len(words) > 1 and words[1].isdigit() and len(words[1]) == 4 else None
        month = _MONTH_NAMES[words[0]]
        return year or (today.year if month <= today.month else today.year - 1), month
    found = _NUMERIC_MONTH.fullmatch(words[0])
    if found and 1 <= int(found[2]) <= 12:
        month = int(found[2])
        year = int(found[1]) if found[1] else (today.year if month <= today.month else today.year - 1)
        return year, month
    raise ParseError("error.bad_month", call.example, text=_text(tokens))


def _report(call: _Call) -> Report:
    """`report 3`, `report [#channel] [month]`, `report @bob [month]`."""
    args = list(call.args)
    if args and _number(args[0]) is not None:  # "report 3" / "report #3": a meeting ("11月" is a month)
        number, rest = call.number(args)
        call.nothing_more(rest)
        return Report(number=number)
    if args and (found := _mentions(args[0])):
        return Report(person=found[0], month=_month(call, args[1:]))
    if args and (channel := _SLACK_CHANNEL.fullmatch(args[0].raw) or re.fullmatch(r"#(\S+)", args[0].raw)):
        return Report(channel=channel[1], month=_month(call, args[1:]))
    return Report(month=_month(call, args))


_FORMATS: dict[str, ExportFormat] = {"md": "md", "markdown": "md", "pdf": "pdf", "ics": "ics", "calendar": "ics",
                                     "日历": "ics", "xlsx": "xlsx", "excel": "xlsx"}
_TRACKER = frozenset({"tracker", "actions", "跟踪表", "行动项"})


def _export(call: _Call) -> Export:
    """`export 3 [md|pdf|ics]` (minutes as Markdown and PDF by default), `export tracker` (XLSX)."""
    if call.args and call.args[0].word in _TRACKER:
        call.nothing_more(call.args[1:])
        return Export(None, ("xlsx",))
    number, rest = call.number(call.args)
    formats = []
    for token in rest:
        found = _FORMATS.get(token.word)
        if found is None or found == "xlsx":
            raise ParseError("error.bad_format", call.example, text=token.raw)
        formats.append(found)
    return Export(number, tuple(dict.fromkeys(formats)) or ("md", "pdf"))


def _remark(make: Callable[[int, str], Command]) -> Callable[[_Call], Command]:
    """`object 3 <what>` / `amend 3 <what>`: a meeting number, then the words that matter."""

    def handler(call: _Call) -> Command:
        number, rest = call.number(call.args)
        if not rest:
            raise ParseError("error.missing_text", call.example, command=call.word)
        return make(number, _text(rest) or "")

    return handler


def _find(call: _Call) -> Find:
    if not call.args:
        raise ParseError("error.missing_query", call.example)
    return Find(_text(call.args) or "")


def _numbered(make: Callable[[int | None], Command]) -> Callable[[_Call], Command]:
    """`accept 3` / `verify 3`: a number and nothing else."""

    def handler(call: _Call) -> Command:
        number, rest = call.number(call.args)
        call.nothing_more(rest)
        return make(number)

    return handler


def _meeting_number(make: Callable[[int], Command]) -> Callable[[_Call], Command]:
    """`ack 3` / `acks 3`: a meeting number, which these commands cannot do without."""

    def handler(call: _Call) -> Command:
        number, rest = call.number(call.args)
        call.nothing_more(rest)
        return make(number)

    return handler


def _with_reason(make: Callable[[int | None, str | None], Command]) -> Callable[[_Call], Command]:
    """`decline 3 on leave` / `reopen 3 the link is broken`: a number, then the reason."""

    def handler(call: _Call) -> Command:
        number, rest = call.number(call.args)
        return make(number, _text(rest))

    return handler


_CONFIG_KEYS = {
    "timezone": "timezone", "tz": "timezone", "时区": "timezone",
    "language": "language", "lang": "language", "语言": "language",
    "digest": "digest", "汇总": "digest", "周报": "digest",
    "holidays": "holidays", "节假日": "holidays",
    "reminder-hour": "reminder_hour", "reminder_hour": "reminder_hour", "提醒时间": "reminder_hour",
}  # fmt: skip


def _config(call: _Call) -> Configure:
    """`config` or `config <key> <value>`; the value is checked by the service, which knows what is valid."""
    if not call.args:
        return Configure()
    key = _CONFIG_KEYS.get(call.args[0].word)
    if key is None:
        raise ParseError("error.bad_config_key", call.example, text=call.args[0].raw)
    value = _text(call.args[1:])
    if value is None:
        raise ParseError("error.missing_text", call.example, command=call.args[0].raw)
    return Configure(key, value)


def _note(kind: NoteKind) -> Callable[[_Call], AddNote]:
    def handler(call: _Call) -> AddNote:
        return AddNote(kind, _required_text(call, call.args))

    return handler


def _topic(call: _Call) -> SetTopic:
    return SetTopic(_required_text(call, call.args))


def _chair(call: _Call) -> AddChairs:
    """`chair @a @b`; MeetBot habit allows bare names (`#chair alice bob`)."""
    who: list[Mention] = []
    for tok in call.args:
        if tok.word not in _AND:
            who.extend(_mentions(tok) or (Mention(tok.raw.lstrip(_AT).rstrip(_NAME_TRAILING)),))
    if not who:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddChairs(tuple(who))


# Replies to the bot that carry a reason or answer after them ("can't do: on leave", "退回：链接打不开").
_CANT = frozenset({"can't", "cant", "cannot", "decline", "无法完成", "做不了", "完成不了"})
_REOPEN = frozenset({"reopen", "退回", "重开"})
_RESOLVED = frozenset({"resolved", "answered", "已解决", "解决了", "已回答"})

_Handler = Callable[[_Call], Command]

# canonical name, handler, every word that invokes it (folded: lower-case, half-width)
_TABLE: tuple[tuple[str, _Handler, tuple[str, ...]], ...] = (
    ("new", _new, ("new", "新建", "创建")),
    ("list", _no_arguments(ListMeetings), ("list", "列表", "会议列表")),
    ("show", _show, ("show", "查看")),
    ("cancel", _cancel, ("cancel", "取消")),
    ("reschedule", _reschedule, ("reschedule", "改期")),
    ("rsvp", _rsvp, ("rsvp", "回复")),
    ("start", _start, ("start", "开始")),
    ("end", _no_arguments(EndMeeting), ("end", "结束")),
    ("next", _next, ("next", "下一项", "下一个")),
    ("rate", _rate, ("rate", "评分", "打分")),
    ("ack", _meeting_number(AckMinutes), ("ack", "已阅", "确认收到")),  # 收到 N is already accept N (an action item)
    ("acks", _meeting_number(ShowAcks), ("acks", "回执")),
    ("report", _report, ("report", "报告", "报表")),
    ("export", _export, ("export", "导出")),
    ("find", _find, ("find", "search", "查找", "搜索")),
    ("object", _remark(ObjectToMinutes), ("object", "objection", "异议")),
    ("amend", _remark(AmendMinutes), ("amend", "修正", "更正")),
    ("mine", _no_arguments(Mine), ("mine", "我的")),
    ("help", _help, ("help", "帮助")),
    ("here", _here, ("here", "present", "到", "签到")),
    ("action", _action, ("action", "行动", "待办", "任务", "todo")),
    ("decision", _decision, ("decision", "决定", "决策", "决议", "agreed")),
    ("question", _question, ("question", "问题")),
    ("done", _done, ("done", "完成")),
    ("status", _status, ("status", "状态")),
    ("topic", _topic, ("topic", "主题")),
    ("info", _note("info"), ("info", "信息")),
    ("idea", _note("idea"), ("idea", "想法")),
    ("link", _note("link"), ("link", "链接")),
    ("undo", _no_arguments(Undo), ("undo", "撤销")),
    ("chair", _chair, ("chair", "主持")),
    ("accept", _numbered(AcceptItem), ("accept", "接受", "收到")),
    ("decline", _with_reason(DeclineItem), ("decline", "无法完成", "拒绝")),
    ("verify", _numbered(VerifyItem), ("verify", "验收", "通过")),
    ("reopen", _with_reason(ReopenItem), ("reopen", "退回", "重开")),
    ("config", _config, ("config", "settings", "设置", "配置")),
)
_SUBCOMMANDS: dict[str, tuple[str, _Handler]] = {
    alias: (name, handler) for name, handler, aliases in _TABLE for alias in aliases
}
_PREFIXES = frozenset({"meeting", "会议"})  # "/meeting list", "会议 列表": the slash command's own word

# Words that may carry a colon ("goal: ...", "目标：...", "受阻：...", "决定：..."): the tokenizer splits
# "word:rest" in two and marks the word, so "goal:" can mean more than a bare "goal".
_LABELS = frozenset(_SUBCOMMANDS).union(
    _GOAL, _OUTCOME, _DELIVERABLE, {"deliverable"}, _BECAUSE, _DUE, _DONE, _BLOCKED, _DELAY, _AGENDA, _TYPE,
    _LOCATION, _LENGTH, _WITH, _ROLES, _PRESENTER, _CANT, _REOPEN, _RESOLVED,
)  # fmt: skip


def _subcommand(tokens: list[_Token]) -> tuple[str, _Handler, str, list[_Token]]:
    """The subcommand's name, handler, word as typed and arguments ("查看12" may be glued to its number)."""
    if tokens and tokens[0].word.removeprefix("/") in _PREFIXES:
        tokens = tokens[1:]
    if not tokens:
        raise ParseError("error.empty", "example.help")
    first = tokens[0]
    word = first.word.removeprefix("/")
    if word in _SUBCOMMANDS:
        return *_SUBCOMMANDS[word], word, tokens[1:]
    for alias, entry in _SUBCOMMANDS.items():  # "完成12" / "查看＃3"
        if word.startswith(alias) and _NUMBER.fullmatch(word[len(alias) :]) and first.raw.startswith(alias):
            return *entry, alias, [first.split(len(alias))[1], *tokens[1:]]
    raise ParseError("error.unknown_subcommand", "example.help", word=first.raw)


def _check_length(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError("error.too_long", limit=MAX_INPUT_CHARS)


def parse_command(text: str, *, now: datetime, tz: ZoneInfo) -> Command:
    """Parse the text of `/meeting ...` (with or without the `/meeting` / `会议` word) or a button value.

    Raises ParseError (key + example key) for anything Quorum cannot act on.
    """
    _check_length(text)
    name, handler, word, args = _subcommand(_tokenize(text))
    return handler(_Call(name, word, args, now, tz))


# ------------------------------------------------------------------------------------------ chat messages


def _meetbot_action(call: _Call) -> AddAction:
    """MeetBot's `#action` keeps its text whole; an @mention in it, if any, is the owner."""
    owner = next((found[0] for tok in call.args if (found := _mentions(tok))), None)
    return AddAction(_required_text(call, call.args), owner)


def _agreed(call: _Call) -> AddDecision:
    return AddDecision(_required_text(call, call.args))


# MeetBot's command names (as `bot.meetbot.match_command` spells them) that have a Quorum Command. The
# others it knows (#meetingname, #accepted, #rejected, #unchair, #nick, ...) only shape MeetBot's own
# minutes and stay chat here.
_MEETBOT: dict[str, tuple[str, _Handler]] = {
    "startmeeting": ("start", lambda call: StartMeeting(title=_text(call.args))),
    "endmeeting": ("end", lambda call: EndMeeting()),
    "topic": ("topic", _topic),
    "info": ("info", _note("info")),
    "idea": ("idea", _note("idea")),
    "link": ("link", _note("link")),
    "agreed": ("decision", _agreed),
    "action": ("action", _meetbot_action),
    "chair": ("chair", _chair),
    "undo": ("undo", lambda call: Undo()),
    "help": ("help", lambda call: Help()),
}
_SLASH_LINE = re.compile(r"[/／](?:meeting|会议)(?:\s|$)", re.IGNORECASE)
_LineParse = Callable[[datetime, ZoneInfo], Command]


def _line_parser(line: str) -> _LineParse | None:
    """The parse for a line opening with a MeetBot command or `/meeting`; None for a chat line.

    Like MeetBot, the command must be the line's very first character (a full-width ＃ counts).
    """
    if _SLASH_LINE.match(line):
        return lambda now, tz: parse_command(line, now=now, tz=tz)
    matched = match_command("#" + line[1:] if line.startswith("＃") else line)
    entry = _MEETBOT.get(matched[0]) if matched else None
    if matched is None or entry is None:
        return None
    (name, handler), word, arg = entry, "#" + matched[0], matched[1]
    return lambda now, tz: handler(_Call(name, word, _tokenize(arg), now, tz))


_CHECK_IN = frozenset({"here", "present", "到", "签到"})
# Answers to the bot's private notes about an action item or question (the service reads them against
# what was replied to: "accept" on an invitation is a yes, on a finished item a sign-off).
_ACCEPT = frozenset({"accept", "accepted", "ok", "okay", "接受", "收到", "好的", "好"})
_VERIFY = frozenset({"verified", "approve", "approved", "lgtm", "验收", "通过", "验收通过"})


def _follow_through(tokens: list[_Token]) -> Command | None:
    """accept / can't do: reason / verified / reopen: reason / resolved: answer — or None."""
    word = _word(tokens, 0)
    if word in _ACCEPT and len(tokens) == 1:
        return AcceptItem()
    if word in _CANT:
        rest = tokens[1:]
        if rest and rest[0].word.rstrip(_COLONS) == "do":
            rest = rest[1:]
        return DeclineItem(reason=_text(rest))
    if word in _VERIFY and len(tokens) == 1:
        return VerifyItem()
    if word in _REOPEN:
        return ReopenItem(reason=_text(tokens[1:]))
    if word in _RESOLVED:
        return ResolveQuestion(_text(tokens[1:]))
    return None


def _reply_done(call: _Call) -> Done:
    number = _number(call.args[0]) if call.args else None
    return Done(number, _text(call.args[1:] if number is not None else call.args))


def _addressed(
    tokens: list[_Token], now: datetime, tz: ZoneInfo, context: Literal["reply", "direct"]
) -> Callable[[], Command] | None:
    """What a reply to the bot or a direct message asks for, as a parse still to run; None for chat."""
    word = _word(tokens, 0)
    if word in _DONE:
        done = _Call("done", word, tokens[1:], now, tz)
        return lambda: _reply_done(done)
    status = _status_word(tokens)
    if status is not None:
        found, call = status, _Call("status", word, tokens, now, tz)
        return lambda: _set_status(call, found, None)
    follow_through = _follow_through(tokens)
    if follow_through is not None:
        return lambda: follow_through
    if context == "reply" and len(tokens) == 1 and word in _ANSWERS:
        answer = _ANSWERS[word]
        return lambda: Rsvp(None, answer)
    if context == "direct":
        try:
            name, handler, typed, args = _subcommand(tokens)
        except ParseError:  # empty or not a subcommand: just chat
            return None
        sub = _Call(name, typed, args, now, tz)
        return lambda: handler(sub)
    return None


def parse_message(
    text: str, *, now: datetime, tz: ZoneInfo, context: Literal["channel", "reply", "direct"]
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
    lines = [found for line in text.splitlines() if (found := _line_parser(line)) is not None]
    if lines:
        _check_length(text)
        return [parse_line(now, tz) for parse_line in lines]
    if context == "channel":
        return [CheckIn()] if _fold(text.strip()).rstrip(_TRAILING) in _CHECK_IN else []
    # The first words decide whether the message is addressed to us, so a huge one is only read in part.
    parse = _addressed(_tokenize(text[:MAX_INPUT_CHARS]), now, tz, context)
    if parse is None:
        return []
    _check_length(text)
    return [parse()]
