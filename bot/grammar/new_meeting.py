"""`new`: the one subcommand with a sentence for arguments, so it has a parser of its own.

`new "Q3 roadmap" tomorrow 3pm for 1h with @alice host @carol agenda "Scope" 20m goal: agree the scope` —
keywords (from `vocabulary`) open sections; whatever is left holds the title, the time and the room.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from bot.command_types import AgendaSpec, Mention, NewMeeting, ParticipantSpec, Repeat, Role
from bot.errors import ParseError
from bot.grammar.record_args import materials_by, materials_terms
from bot.grammar.registry import Call, same_words
from bot.grammar.repeat import RepeatWords, take_repeat
from bot.grammar.tokens import (
    MAX_TIME_CHARS,
    MAX_TIME_TRIES,
    MAX_TIME_WORDS,
    Token,
    fold,
    may_start_time,
    mentions_in,
    text_of,
    url_in,
    word_at,
)
from bot.recurrence import first_date
from bot.timeparse import Reading, Span, parse_duration, read_when
from bot.vocabulary import (
    AGENDA,
    AND,
    CJK_TIME_START,
    CONFIDENTIAL,
    FOR,
    GOAL,
    HOUR_UNITS,
    IMPORTANT,
    LENGTH,
    LINK,
    LOCATION,
    MATERIALS,
    MEETING_TYPE_WORDS,
    MINUTE_UNITS,
    OUTCOME,
    OUTPUT,
    PRESENTER,
    ROLES,
    ROOM,
    TIME_LEADS,
    TYPE,
    WITH,
    alternation,
    lookup,
)

ROLE_WORDS: dict[str, Role] = lookup(ROLES)
_MINUTES = re.compile(rf"([0-9]{{1,4}}){alternation(MINUTE_UNITS)}")  # an agenda item's "20m" / "20分钟"
_AMOUNT = re.compile(r"[0-9][0-9.]*")
_UNIT = re.compile(alternation(HOUR_UNITS | MINUTE_UNITS))

_Found = tuple[int, Reading[Span]]  # the end of a span of words, and how it reads
_Kind = Literal["mention", "role", "skip", "agenda", "goal", "outcome", "type", "flag", "duration", "link", "place",
                "materials"]


class _NewMeetingParser:
    """`new "Title" <time> [for <duration>] [with @a host @b] [agenda ...] [goal: ...] ...`.

    Keywords split the arguments into sections; the plain words left over (the "head") hold the title,
    the time, bare durations and `in <room>` / `at <room>`. Free text after `goal:` / `outcome:` runs to
    the next keyword, @mention or link (quote it to include those); so does an agenda.
    """

    def __init__(self, call: Call) -> None:
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
        self.materials: tuple[str | None, date | None] | None = None  # `materials: <link> by <date>`
        self.durations: list[tuple[timedelta, str]] = []  # with the text, to name a second one
        self.head: list[list[Token]] = [[]]  # runs of adjacent plain words
        self.tries = MAX_TIME_TRIES

    def parse(self) -> NewMeeting:
        if not self.tokens:
            raise ParseError("error.missing_title", self.call.example)
        repeat, self.tokens = take_repeat(self.call, self.tokens)
        self._scan()
        runs = [run for run in self.head if run]
        quoted = self._quoted_title(runs)
        title: str | None = None
        if quoted is not None:
            title, runs = quoted
        found = self._find_time(runs, glued=quoted is None)
        reading: Reading[Span] | None = None
        said = ""
        if found is not None:
            reading, said, runs = found
        if quoted is None:  # unquoted: the first run's words before the time
            title, runs = (text_of(runs[0]) if runs else None), runs[1:]
        if not title:
            raise ParseError("error.missing_title", self.call.example)
        unknown = self._leftovers(runs)
        if (reading is None or reading.value is None) and unknown:
            self._explain_unread(f"{said} {unknown}".strip())
        if reading is None:
            raise ParseError("error.missing_time", self.call.example)
        span = self.call.settled_start(reading, said)
        if unknown:
            raise ParseError("error.unexpected_text", self.call.example, text=unknown)
        if len(self.durations) > 1:
            raise ParseError("error.unexpected_text", self.call.example, text=self.durations[1][1])
        duration = self.durations[0][0] if self.durations else None
        rule = self._rule(repeat, span.start, said) if repeat is not None else None
        start = self._first(rule) if rule is not None else self.call.future(span.start)
        if self.materials is not None and self.materials[1] is not None:
            materials_by(self.call, self.materials[1], start.astimezone(self.call.tz).date())
        return NewMeeting(
            title=title,
            start=start,
            duration=duration or (timedelta(minutes=span.minutes) if span.minutes else None),
            participants=tuple(ParticipantSpec(who, role) for who, role in self.participants.items()),
            agenda=tuple(self.agenda),
            location=", ".join(place for _, place in sorted(self.locations)) or None,
            goal=self.goal,
            expected_outcome=self.outcome,
            meeting_type=self.meeting_type,
            confidential=self.confidential,
            important=self.important,
            assumed=reading.assumed,
            materials=self.materials[0] if self.materials else None,
            materials_due=self.materials[1] if self.materials else None,
            asks_materials=self.materials is not None,
            repeat=rule,
        )

    def _rule(self, repeat: RepeatWords, start: datetime, said: str) -> Repeat:
        """The series' rule, its time of day from the time words; a date among them ("every monday dec 7
        10am") is refused rather than guessed at."""
        local, today = start.astimezone(self.call.tz), self.call.now.astimezone(self.call.tz).date()
        if not today <= local.date() <= today + timedelta(days=1):
            raise ParseError("error.repeat_with_date", "example.new_repeat", text=said)
        return Repeat(repeat.freq, local.time().replace(second=0, microsecond=0, tzinfo=None), repeat.interval,
                      repeat.weekday, repeat.nth, repeat.count, repeat.until, repeat.on_holiday)

    def _first(self, rule: Repeat) -> datetime:
        """The series' first date by its rule (holidays are the service's: the channel's calendar decides)."""
        now = self.call.now.astimezone(self.call.tz)
        return datetime.combine(first_date(rule, now), rule.at, tzinfo=self.call.tz)

    def _explain_unread(self, text: str) -> None:
        """The words where a start should be did not read: ask for the time when they name a day only,
        else say which words were not understood (all of them, when none read)."""
        if len(text) > MAX_TIME_CHARS:  # too long to be a time: not worth reading for the words it missed
            raise ParseError("error.bad_time", self.call.example, text=text)
        reading = read_when(text, now=self.call.now, tz=self.call.tz)
        if reading.value is None and reading.unread is None and not reading.ambiguous:
            raise ParseError("error.missing_hour", self.call.example, text=text)  # "tomorrow": at what time?
        unread = reading.unread
        if unread is None or same_words(unread, text):
            raise ParseError("error.bad_time", self.call.example, text=text)
        raise ParseError("error.unread_time", self.call.example, text=text, unread=unread)

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
            return j < len(tokens) and bool(mentions_in(tokens[j]))

        if mention_at(i):
            return "mention"
        if word in ROLE_WORDS and mention_at(after):
            return "role"
        if word in WITH and (mention_at(after) or (word_at(tokens, after) in ROLE_WORDS and mention_at(after + 1))):
            return "skip"
        if word in AND and self.participants and mention_at(after):
            return "skip"
        if word in AGENDA and after < len(tokens):
            return "agenda"
        quoted_next = after < len(tokens) and tokens[after].quoted
        if word in MATERIALS and tok.colon:
            return "materials"
        if word in GOAL and (tok.colon or quoted_next):
            return "goal"
        if word in OUTCOME and (tok.colon or quoted_next):
            return "outcome"
        if word in TYPE and word_at(tokens, after) in MEETING_TYPE_WORDS:
            return "type"
        if word in CONFIDENTIAL or word in IMPORTANT:
            return "flag"
        if word in LENGTH or (word in FOR and self._duration_at(tokens, after) is not None):
            return "duration"
        if url_in(tok) is not None or (word in LINK and after < len(tokens) and url_in(tokens[after])):
            return "link"
        if word in LOCATION and after < len(tokens):
            return "place"
        return None

    def _consume(self, kind: _Kind, i: int) -> int:
        """Record the section starting at token i; return the index after it."""
        tokens = self.tokens
        if kind == "mention":
            self._add(mentions_in(tokens[i]), "required")
            return i + 1
        if kind == "role":
            self._add(mentions_in(tokens[i + 1]), ROLE_WORDS[tokens[i].word])
            return i + 2
        if kind == "skip":
            return i + 1
        if kind == "agenda":
            return self._agenda(i + 1)
        if kind in ("goal", "outcome"):
            end = self._text_end(i + 1)
            text = text_of(tokens[i + 1 : end])
            if kind == "goal":
                self.goal = text
            else:
                self.outcome = text
            return end
        if kind == "materials":  # `materials: <link> by <date>`, each part optional
            end = i + 2 if i + 1 < len(tokens) and url_in(tokens[i + 1]) else i + 1
            while end < len(tokens) and not tokens[end].quoted and self._kind_at(end) is None:
                end += 1
            self.materials = materials_terms(self.call, tokens[i + 1 : end])
            return end
        if kind == "type":
            self.meeting_type = MEETING_TYPE_WORDS[tokens[i + 1].word]
            return i + 2
        if kind == "flag":
            if tokens[i].word in IMPORTANT:
                self.important = True
            else:
                self.confidential = True
            return i + 1
        if kind == "duration":
            found = self._duration_at(tokens, i + 1)
            if found is None:
                raise ParseError("error.bad_duration", self.call.example, text=text_of(tokens[i + 1 : i + 2]) or "")
            self.durations.append((found[0], text_of(tokens[i + 1 : i + 1 + found[1]]) or ""))
            return i + 1 + found[1]
        if kind == "link":
            url = url_in(tokens[i])
            if url is None:  # "at <url>" / "link <url>"
                url, i = url_in(tokens[i + 1]), i + 1
            self.locations.append((tokens[i].start, url or ""))
            return i + 1
        self.locations.append((tokens[i].start, text_of(tokens[i + 1 : i + 2]) or ""))  # 地点 X / 链接 X
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
        """`"Title" [20m] [by @presenter] [output: what it yields]` or a single plain word; None when no
        item starts at i (a keyword, `output:` included, never becomes an item)."""
        tokens = self.tokens
        if i >= len(tokens) or _MINUTES.fullmatch(tokens[i].word):
            return None
        if not tokens[i].quoted and (self._kind_at(i) is not None or self._detail_at(i)):
            return None
        title, i = tokens[i].raw.strip(), i + 1
        minutes: int | None = None
        presenter: Mention | None = None
        output: str | None = None
        for _ in range(3):  # minutes, presenter and output, in any order
            if minutes is None and (match := _MINUTES.fullmatch(word_at(tokens, i))):
                minutes, i = int(match[1]), i + 1
            elif presenter is None and word_at(tokens, i) in PRESENTER and i + 1 < len(tokens):
                found = mentions_in(tokens[i + 1])
                if found:
                    presenter, i = found[0], i + 2
                    if word_at(tokens, i) in PRESENTER and not (i + 1 < len(tokens) and mentions_in(tokens[i + 1])):
                        i += 1  # "由 @李四 主讲": the closing word of the same phrase
            elif output is None and word_at(tokens, i) in OUTPUT and tokens[i].colon:
                end = self._output_end(i + 1)
                output, i = text_of(tokens[i + 1 : end]), end
        return AgendaSpec(title, minutes, presenter, output), i

    def _detail_at(self, i: int) -> bool:
        """A presenter or output label, which belongs to the item before it."""
        return self.tokens[i].word in PRESENTER or (self.tokens[i].word in OUTPUT and self.tokens[i].colon)

    def _output_end(self, i: int) -> int:
        """An item's output runs to the next quoted item title, keyword or item detail (quote it to say
        more than that)."""
        tokens = self.tokens
        if i < len(tokens) and tokens[i].quoted:
            return i + 1
        while i < len(tokens) and not tokens[i].quoted and self._kind_at(i) is None and not self._detail_at(i):
            if _MINUTES.fullmatch(tokens[i].word):
                break
            i += 1
        return i

    # -- title, time, leftovers

    @staticmethod
    def _quoted_title(runs: list[list[Token]]) -> tuple[str, list[list[Token]]] | None:
        """The first quoted plain word is the title; its run is cut in two around it."""
        for r, run in enumerate(runs):
            for k, tok in enumerate(run):
                if tok.quoted:
                    return tok.raw.strip(), [*runs[:r], run[:k], run[k + 1 :], *runs[r + 1 :]]
        return None

    def _find_time(
        self, runs: list[list[Token]], *, glued: bool
    ) -> tuple[Reading[Span], str, list[list[Token]]] | None:
        """The longest span of words read as a start or a range (or as two times, to ask which; earliest on
        ties), the words as typed, and the runs without them. A day without a time ("tomorrow") is left
        over, and `_explain_unread` asks for the hour.

        With `glued`, a first run without spaced time words is searched inside its words too, for
        Chinese written without spaces ("周会明天下午3点" → "周会" + "明天下午3点").
        """
        best: tuple[int, int, _Found] | None = None  # run, start, (end, reading)
        for r, run in enumerate(runs):
            for k in range(len(run)):
                found = self._longest_at(run, k, longer_than=0 if best is None else best[2][0] - best[1])
                if found and (best is None or found[0] - k > best[2][0] - best[1]):
                    best = (r, k, found)
        if best is None and glued and runs:
            split = self._glued_time(runs[0])
            if split is not None:
                runs = [split[0], *runs[1:]]
                best = (0, split[1], split[2])
        if best is None:
            return None
        r, k, (end, reading) = best
        return reading, text_of(runs[r][k:end]) or "", [*runs[:r], runs[r][:k], runs[r][end:], *runs[r + 1 :]]

    def _longest_at(self, run: list[Token], k: int, longer_than: int = 0) -> _Found | None:
        """The end of the longest span starting at word k that reads as a start, and its reading; spans of
        `longer_than` words or fewer are not tried (one that long was found already: it would not win)."""
        if not may_start_time(run[k].word):
            return None
        for end in range(min(len(run), k + MAX_TIME_WORDS), k + longer_than, -1):
            if run[end - 1].word in TIME_LEADS:  # "10:00 in Room 5": a time never ends with a connector
                continue
            if self.tries <= 0:
                return None
            self.tries -= 1
            reading = self.call.start(run[k:end])
            if reading is not None and (reading.value is not None or reading.ambiguous):
                return end, reading
        return None

    def _glued_time(self, run: list[Token]) -> tuple[list[Token], int, _Found] | None:
        """A time glued to the end of a word: the run with that word cut, and the span as for `_longest_at`."""
        for k, tok in enumerate(run):
            raw = tok.raw
            for at in range(max(1, len(raw) - MAX_TIME_CHARS), len(raw)):
                if (raw[at] in CJK_TIME_START or raw[at].isdigit()) and not raw[at - 1].isdigit():
                    head, tail = tok.split(at)
                    candidate = [*run[:k], head, tail, *run[k + 1 :]]
                    found = self._longest_at(candidate, k + 1)
                    if found is not None:
                        return candidate, k + 1, found
        return None

    def _leftovers(self, runs: list[list[Token]]) -> str | None:
        """Take bare durations and `in <room>` / `at <room>` from the remaining words; return the rest."""
        unknown: list[str] = []
        for run in runs:
            i = 0
            while i < len(run):
                found = self._duration_at(run, i)
                if found is not None:
                    self.durations.append((found[0], text_of(run[i : i + found[1]]) or ""))
                    i += found[1]
                elif run[i].word in ROOM and i + 1 < len(run):
                    end = next((j for j in range(i + 1, len(run)) if _duration_like(run, j)), len(run))
                    self.locations.append((run[i].start, text_of(run[i + 1 : end]) or ""))
                    i = end
                else:
                    unknown.append(run[i].raw)
                    i += 1
        return " ".join(unknown) or None

    def _duration_at(self, tokens: Sequence[Token], i: int) -> tuple[timedelta, int] | None:
        """A duration of one word ("1h", "1小时") or two ("1.5 hours"); bad_duration for a near miss."""
        if i >= len(tokens) or tokens[i].quoted:
            return None
        spans = [1, 2] if i + 1 < len(tokens) and _AMOUNT.fullmatch(tokens[i].word) else [1]
        for size in spans:
            text = text_of(tokens[i : i + size]) or ""
            duration = parse_duration(fold(text))
            if duration is not None:
                if duration <= timedelta(0):
                    raise ParseError("error.bad_duration", self.call.example, text=text)
                return duration, size
        size = _duration_like(tokens, i)
        if size:
            raise ParseError("error.bad_duration", self.call.example, text=text_of(tokens[i : i + size]) or "")
        return None


def _duration_like(tokens: Sequence[Token], i: int) -> int:
    """How many words at i are shaped like a duration ("1..5h" one, "0 hours" two), 0 if none."""
    word = word_at(tokens, i)
    amount = _AMOUNT.match(word)
    if amount and _UNIT.fullmatch(word[amount.end() :]):
        return 1
    return 2 if amount and amount.end() == len(word) and _UNIT.fullmatch(word_at(tokens, i + 1)) else 0


# ------------------------------------------------------------------------------------------ subcommands


def new_meeting(call: Call) -> NewMeeting:
    return _NewMeetingParser(call).parse()
