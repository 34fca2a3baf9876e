"""One registration per subcommand: its names in both languages, parser, handler, help line and example.

A command used to live in seven places (its type, the parse table, the examples, the service's dispatch,
the help topics, two catalogs and the README) and only mypy noticed a missed one. Now `Subcommand` holds
everything but the catalog text, and every consumer reads the `Registry`: the parser finds the words,
`dispatch` the handler, `help` and README's table the help keys, tests the examples.

The registry is a plain object, not module state: `bot.service.commands` builds the one the bot uses, and
`Registry.adding` registers an extra subcommand for the length of a `with` block (what a test does to
prove that a new command needs nothing but its registration and catalog lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.errors import ParseError
from bot.grammar.tokens import NUMBER, Token, fold, number_in, text_of, time_text
from bot.timeparse import Reading, Span, read_due, read_span, read_when
from bot.vocabulary import LABELS, Words

if TYPE_CHECKING:  # handlers are service functions; the grammar only stores them, so no runtime import
    from bot.messages import Outcome
    from bot.service.context import Ctx

C = TypeVar("C")
FALLBACK_EXAMPLE = "example.help"


def same_words(one: str, other: str) -> bool:
    """Whether two texts say the same words (case, width and punctuation aside): an `unread` that is the
    whole phrase is better said as "couldn't read it as a time"."""
    return re.findall(r"\w+", fold(one)) == re.findall(r"\w+", fold(other))


@dataclass(frozen=True)
class Call:
    """One subcommand being parsed: its canonical name, the word as typed, its arguments and the clock."""

    name: str
    word: str
    args: list[Token]
    now: datetime
    tz: ZoneInfo
    registry: Registry = field(repr=False)

    @property
    def example(self) -> str:
        """The catalog key of the example shown with any error in this subcommand."""
        entry = self.registry.named(self.name)
        return entry.example_key if entry is not None else FALLBACK_EXAMPLE

    def number(self, tokens: Sequence[Token]) -> tuple[int, list[Token]]:
        """The leading meeting/item number, and the tokens after it."""
        if not tokens:
            raise ParseError("error.missing_number", self.example, command=self.word)
        number = number_in(tokens[0])
        if number is None:
            raise ParseError("error.bad_number", self.example, text=tokens[0].raw)
        return number, list(tokens[1:])

    def nothing_more(self, tokens: Sequence[Token]) -> None:
        if tokens:
            raise ParseError("error.unexpected_text", self.example, text=text_of(tokens))

    def only_number(self, tokens: Sequence[Token]) -> int:
        """`tokens` are a number and nothing else (`show 3`, `task done 7`): that number."""
        number, rest = self.number(tokens)
        self.nothing_more(rest)
        return number

    def start(self, tokens: Sequence[Token], *, explain: bool = False) -> Reading[Span] | None:
        """A meeting's start, or a range ("3pm-4pm": start and length); `minutes` is 0 when no range was
        said. None when the words are empty or too long to be a time. `explain` names the words not
        understood (slower: only for the final answer, not for each span tried)."""
        text = time_text(tokens)
        if text is None:
            return None
        span = read_span(text, now=self.now, tz=self.tz)
        if span.value is not None or span.ambiguous:
            return span
        when = read_when(text, now=self.now, tz=self.tz, explain=explain)
        value = None if when.value is None else Span(when.value, 0)
        return Reading(value, when.assumed, when.ambiguous, when.unread, when.other_day)

    def due(self, tokens: Sequence[Token]) -> Reading[date] | None:
        text = time_text(tokens)
        return read_due(text, now=self.now, tz=self.tz, explain=False) if text else None

    def settled_start(self, reading: Reading[Span], said: str) -> Span:
        """The span of a start that is safe to act on (defaults allowed: the reply says them), or the
        question to ask: the reading and an example when it names two things, the time when it names a
        day only, the words not understood otherwise."""
        if reading.other_day is not None and reading.value is not None:
            raise ParseError("error.day_month", self.example, text=said, when=reading.value.start.date().isoformat(),
                             other=reading.other_day.isoformat())
        if reading.ambiguous and reading.value is not None:
            when = f"{reading.value.start.astimezone(self.tz):%Y-%m-%d %H:%M}"
            raise ParseError("error.time_ambiguous", self.example, text=said, when=when)
        if reading.ambiguous and reading.unread is not None:  # a range whose end cannot be placed: "5pm to 3"
            raise ParseError("error.range_end", self.example, text=said, end=reading.unread)
        if reading.ambiguous:
            raise ParseError("error.time_clash", self.example, text=said)
        if reading.value is None and reading.unread is None:
            raise ParseError("error.missing_hour", self.example, text=said)
        if reading.value is None and reading.unread is not None and not same_words(reading.unread, said):
            raise ParseError("error.unread_time", self.example, text=said, unread=reading.unread)
        if reading.value is None:
            raise ParseError("error.bad_time", self.example, text=said)
        return reading.value

    def read_start(self, tokens: Sequence[Token]) -> tuple[Reading[Span], Span]:
        """The start said in `tokens` and its span, settled as `settled_start` says; an error when the words
        are empty or too long to be a time."""
        said = text_of(tokens) or ""
        reading = self.start(tokens, explain=True)
        if reading is None:
            raise ParseError("error.bad_time", self.example, text=said)
        return reading, self.settled_start(reading, said)

    def future(self, start: datetime) -> datetime:
        if start < self.now:
            raise ParseError("error.past_time", self.example, when=f"{start.astimezone(self.tz):%Y-%m-%d %H:%M}")
        return start


@dataclass(frozen=True)
class Subcommand(Generic[C]):
    """Everything about one subcommand except its catalog text.

    `parse` None: the command is reached only another way (a reply such as "resolved: …"), but it still
    needs its handler. `topic` None: left out of `help` (MeetBot's lines share one help line). The help
    and example keys default to `help.<name>` / `example.<name>`; the example holds one or more commands
    separated by " · ", each of which must parse to `command` (a test checks both languages). `takes_lines`:
    in a chat message, the lines after the `/meeting` line belong to it rather than being chat.
    """

    name: str
    words: Words
    command: type[C]
    parse: Callable[[Call], C] | None
    handle: Callable[[Ctx, C], Outcome]
    topic: str | None = None
    help_key: str = ""
    example_key: str = ""
    takes_lines: bool = False  # the lines after `/meeting <name>` in a message are its own (`key: value` fields)

    def __post_init__(self) -> None:
        object.__setattr__(self, "help_key", self.help_key or f"help.{self.name}")
        object.__setattr__(self, "example_key", self.example_key or f"example.{self.name}")


class Registry:
    """The subcommands in registration order (which is also their order in `help` within a topic)."""

    def __init__(self, subcommands: Iterable[Subcommand[Any]], topics: Sequence[str]) -> None:
        self.topics = tuple(topics)
        self._entries = list(subcommands)
        self._index()

    def _index(self) -> None:
        self._by_word: dict[str, Subcommand[Any]] = {}
        self._by_name: dict[str, Subcommand[Any]] = {}
        self._by_type: dict[type, Subcommand[Any]] = {}
        for entry in self._entries:
            if entry.name in self._by_name:
                raise ValueError(f"subcommand {entry.name!r} is registered twice")
            if entry.topic is not None and entry.topic not in self.topics:
                raise ValueError(f"subcommand {entry.name!r} has an unknown help topic {entry.topic!r}")
            self._by_name[entry.name] = entry
            for word in entry.words:
                if word in self._by_word:
                    raise ValueError(f"{word!r} names both {self._by_word[word].name!r} and {entry.name!r}")
                self._by_word[word] = entry
            known = self._by_type.setdefault(entry.command, entry)
            if known.handle is not entry.handle:
                raise ValueError(f"{entry.command.__name__} has two handlers ({known.name!r}, {entry.name!r})")
        self.labels = LABELS | frozenset(self._by_word)

    def __iter__(self) -> Iterator[Subcommand[Any]]:
        return iter(self._entries)

    def named(self, name: str) -> Subcommand[Any] | None:
        return self._by_name.get(name)

    def for_word(self, word: str) -> Subcommand[Any] | None:
        """The subcommand a folded word invokes."""
        return self._by_word.get(word)

    def glued(self, word: str, raw: str) -> tuple[Subcommand[Any], str] | None:
        """A subcommand word glued to its number ("完成12", "查看＃3"): the subcommand and the word."""
        for alias, entry in self._by_word.items():
            if word.startswith(alias) and NUMBER.fullmatch(word[len(alias) :]) and raw.startswith(alias):
                return entry, alias
        return None

    def for_command(self, command: object) -> Subcommand[Any]:
        """The registration whose handler acts on this command."""
        entry = self._by_type.get(type(command))
        if entry is None:
            raise LookupError(f"no subcommand handles {type(command).__name__}")
        return entry

    def in_topic(self, topic: str) -> list[Subcommand[Any]]:
        return [entry for entry in self._entries if entry.topic == topic]

    @contextmanager
    def adding(self, *extra: Subcommand[Any]) -> Iterator[Registry]:
        """Register `extra` subcommands until the block ends (a plugin, or a test's fixture)."""
        before = list(self._entries)
        self._entries.extend(extra)
        try:
            self._index()
            yield self
        finally:
            self._entries = before
            self._index()
