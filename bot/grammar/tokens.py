"""Words of the input that remember where they came from, and what a single word can be.

The grammar compares words folded (NFKC, case-insensitive: `＃１２` is `#12`, `DONE` is `done`) but slices
titles, notes and reasons from the input exactly as typed, so a token keeps both. Quotes ("…", “…”, 「…」)
make one token of many words; list separators (`,` `，` `、`) count as spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.command_types import Mention
from bot.timeparse import looks_like_time
from bot.vocabulary import BROADCAST, TIME_LEADS

MAX_INPUT_CHARS = 4000

# A time expression is at most this many words ("next friday at 10:00 am" is five) and characters, and
# one command may try at most this many spans on the time parser, so a hostile 4000-character title
# stays cheap (about 1 ms a try).
MAX_TIME_WORDS = 6
MAX_TIME_CHARS = 40
MAX_TIME_TRIES = 120

QUOTES = {'"': '"', "＂": "＂", "“": "”", "「": "」", "『": "』"}
SEPARATORS = frozenset(",，、;；")  # between words, like a space: "@alice, @bob" / "@张三、@李四"
COLONS = ":："
TRAILING = ".!?。！？…~"  # sentence punctuation ignored at the end of a keyword: "done!" "完成。"
NAME_TRAILING = ".,!?:;)]}'\"。，！？：；）」』、"


def fold(text: str) -> str:
    """The form words are compared in: full-width → ASCII (NFKC), case-insensitive."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Token:
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
        return "" if self.quoted else fold(self.raw).rstrip(TRAILING)

    def split(self, at: int) -> tuple[Token, Token]:
        """Cut an unquoted token at character `at` of `raw` (for glued CJK: "截止周五", "查看12")."""
        cut = self.start + at
        return replace(self, end=cut, outer_end=cut), replace(self, start=cut, outer_start=cut)


def tokenize(src: str, labels: frozenset[str]) -> list[Token]:
    """Split on spaces and list separators; "…", “…”, 「…」 quote (an unclosed quote is a plain character)."""
    tokens: list[Token] = []
    unclosed: set[str] = set()  # closers known to be absent from the rest of src: keeps this linear

    def closing(i: int) -> int:
        close = QUOTES.get(src[i])
        if close is None or close in unclosed:
            return -1
        j = src.find(close, i + 1)
        if j == -1:
            unclosed.add(close)
        return j

    i, n = 0, len(src)
    while i < n:
        if src[i].isspace() or src[i] in SEPARATORS:
            i += 1
            continue
        j = closing(i)
        if j != -1:
            tokens.append(Token(src, i + 1, j, i, j + 1, quoted=True))
            i = j + 1
            continue
        j = i + 1
        while j < n and not (src[j].isspace() or src[j] in SEPARATORS or closing(j) != -1):
            j += 1
        tok = Token(src, i, j, i, j)
        if tok.word in COLONS:  # "goal : text"
            if tokens:
                tokens[-1] = replace(tokens[-1], colon=True)
        else:
            tokens.extend(part for label in split_label(tok, labels) for part in split_mention(label, labels))
        i = j
    return tokens


def split_mention(tok: Token, labels: frozenset[str]) -> list[Token]:
    """A keyword glued to the person it names ("主讲@李四", "参会@张三", "by@bob"), as Chinese is often written
    without spaces: two words, so the keyword is read as one and the person is not lost in a title."""
    raw = tok.raw
    at = next((k for k, ch in enumerate(raw) if ch in AT), -1)
    if tok.quoted or tok.colon or at <= 0 or at == len(raw) - 1 or fold(raw[:at]) not in labels:
        return [tok]
    return list(tok.split(at))


def split_label(tok: Token, labels: frozenset[str]) -> list[Token]:
    raw = tok.raw
    at = next((k for k, ch in enumerate(raw) if ch in COLONS), -1)
    if at <= 0 or fold(raw[:at]) not in labels:
        return [tok]
    label, rest = tok.split(at)
    label = replace(label, colon=True)
    rest = tok.split(at + 1)[1]
    return [label, rest] if rest.raw else [label]


def text_of(tokens: Sequence[Token]) -> str | None:
    """The user's text for adjacent tokens, exactly as typed; a lone quoted token loses its quotes."""
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].quoted:
        text = tokens[0].raw
    else:
        text = tokens[0].src[tokens[0].outer_start : tokens[-1].outer_end]
    return text.strip() or None


def join_texts(*parts: str | None) -> str | None:
    return " ".join(p for p in parts if p) or None


def word_at(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].word if i < len(tokens) else ""


# ------------------------------------------------------------------------------- mentions, links, numbers

AT = "@＠﹫"
URL = re.compile(r"<?(https?://[^\s<>|]+)", re.IGNORECASE)
NUMBER = re.compile(r"#?([0-9]{1,9})")


def mentions_in(tok: Token) -> tuple[Mention, ...]:
    """`@alice`, `@张三、` or `@a@b`; () when the token is not a mention. Platforms hand over people this way
    too: each adapter turns its own markup into `@name` plus `Inbound.mentions` before the core reads it."""
    if tok.quoted:
        return ()
    raw = tok.raw.rstrip(NAME_TRAILING)
    if not raw or raw[0] not in AT:
        return ()
    names = [name.rstrip(NAME_TRAILING) for name in re.split(f"[{AT}]", raw)[1:]]
    if not all(names) or any(fold(name) in BROADCAST for name in names):
        return ()
    return tuple(Mention(name) for name in names)


def url_in(tok: Token) -> str | None:
    match = None if tok.quoted else URL.match(tok.raw)
    return match[1].rstrip(NAME_TRAILING) if match else None


def number_in(tok: Token) -> int | None:
    match = NUMBER.fullmatch(tok.word)
    return int(match[1]) if match else None


def looks_numbered(tok: Token) -> bool:
    """Starts like a number ("12", "#12", "＃１２x"): worth a bad_number error rather than another reading."""
    word = tok.word
    return bool(word) and (word[0] == "#" or word[0].isdigit())


def may_start_time(word: str) -> bool:
    """A time span is only tried from a word that can open one: a time hint ("3pm", "friday", "明天下午3点"),
    a number, or a connector ("next friday", "in 2 hours"). Title words ("Standup") never start one."""
    return bool(word) and (word[0].isdigit() or word in TIME_LEADS or looks_like_time(word))


def time_text(tokens: Sequence[Token]) -> str | None:
    """The folded text of a candidate time or date; None when empty or too long to be one."""
    text = text_of(tokens)
    return fold(text) if text and len(text) <= MAX_TIME_CHARS else None
