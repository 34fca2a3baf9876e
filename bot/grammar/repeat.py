"""How a repeating meeting is said: `every monday 10am`, `every other friday 3pm`, `monthly on the first
monday 10am`, `每周一上午10点`, `每两周周五下午3点`, `每月第一个周一上午10点`, `工作日每天上午9点半`, with an
optional end (`until 2027-03-31`, `10 times`, `到3月底`, `共10次`) and holiday rule (`on holidays skip`,
`节假日跳过`; moving to the next working day is the default).

`take_repeat` lifts these words out of `new`'s arguments before the rest is read, so the time of day
that is left (`10am`, `上午10点`) is read by `bot.timeparse` exactly as for a single meeting. A phrase that
can be read two ways (`biweekly`, `every day`, `monthly` without a day) is never guessed: the error says
what it would be understood as and asks, with an example.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from bot.command_types import HolidayRule, RepeatFreq
from bot.errors import ParseError
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, fold, number_in, text_of, word_at
from bot.timeparse import Reading, read_due
from bot.vocabulary import (
    AMBIGUOUS_REPEAT,
    DAILY,
    EVERY,
    HOLIDAY_RULES,
    HOLIDAYS_WORD,
    MONTH_NAMES,
    MONTHLY,
    ORDINALS,
    OTHER,
    REPEAT_FILLER,
    TIMES,
    UNTIL,
    WEEKDAY_NAMES,
    WEEKLY,
    WORKDAY,
    lookup,
)

EXAMPLE = "example.new_repeat"
MAX_UNTIL_WORDS = 3  # "until march 31" / "until 2027-03-31"
MAX_COUNT = 500
MIN_YEAR, MAX_YEAR = 1970, 2100  # the dates Quorum takes anywhere (bot.limits)

_WEEKDAY = lookup(WEEKDAY_NAMES)
_MONTH = lookup(MONTH_NAMES)
_ORDINAL = lookup(ORDINALS)
_HOLIDAY_RULE: dict[str, HolidayRule] = lookup(HOLIDAY_RULES)
_ZH_DAY = "[一二三四五六日天1-7]"
_ZH_WEEK = "(?:周|星期|礼拜)"
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Chinese is often written without spaces: each pattern reads the start of a word, the rest is the time
_ZH_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:工作日每天|每个?工作日(?:每天)?)"), "workdays"),
    (re.compile(rf"(?:每两周|每隔一周|隔周)的?{_ZH_WEEK}({_ZH_DAY})"), "fortnightly"),
    (re.compile(rf"每个?{_ZH_WEEK}({_ZH_DAY})"), "weekly"),
    (re.compile(rf"每个?月的?(?:第([一二三四1-4])个|(最后)一个){_ZH_WEEK}({_ZH_DAY})"), "monthly"),
    (re.compile(r"(?:每天|每日)"), "ambiguous_daily"),
    (re.compile(r"每个?月"), "ambiguous_monthly"),
    (re.compile(r"(?:每两周|每周|每隔一周)"), "ambiguous_weekly"),
)
_ZH_COUNT = re.compile(r"共?([0-9]{1,4})次")
_ZH_MONTH_END = re.compile(r"(?:([0-9]{4})年)?([0-9]{1,2})月底")
_ZH_HOLIDAY = re.compile(r"(?:遇到?|逢)?节假日(?:时)?(顺延|跳过)")
_ZH_UNTIL_GLUED = re.compile(r"(?:到|至|直到|截至)((?:[0-9]{4}年)?[0-9]{1,2}月底|[0-9]{4}[-年/.].+)")


@dataclass(frozen=True)
class RepeatWords:
    """What the repetition words said (the time of day is read with the meeting's other time words)."""

    freq: RepeatFreq
    interval: int = 1
    weekday: int | None = None
    nth: int | None = None
    count: int | None = None
    until: date | None = None
    on_holiday: HolidayRule = "move"
    said: str = ""


def _ask(doubt: str, text: str) -> ParseError:
    """A phrase with two readings (or a missing day): the reply says how it would be read and asks."""
    return ParseError(f"error.repeat_{doubt}", EXAMPLE, text=text)


def _zh_day(ch: str) -> int:
    return int(ch) - 1 if ch.isdigit() else _ZH_DAYS[ch]


class _RepeatReader:
    def __init__(self, call: Call, tokens: list[Token]) -> None:
        self.call = call
        self.tokens = tokens
        self.found: RepeatWords | None = None
        self.ends: dict[str, object] = {}

    def read(self) -> tuple[RepeatWords | None, list[Token]]:
        kept: list[Token] = []
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.quoted:
                kept.append(tok)
                i += 1
                continue
            step = self._english(i) or self._chinese(i, kept)
            if step == 0:
                kept.append(tok)
                i += 1
            else:
                i += step
        if self.found is None:  # "10 times" with nothing repeating: left for the meeting's parser to refuse
            return None, self.tokens
        found = replace(self.found, **self.ends)  # type: ignore[arg-type]
        return found, kept

    # -- English: consumes whole words

    def _english(self, i: int) -> int:
        tokens, word = self.tokens, self.tokens[i].word
        if word in AMBIGUOUS_REPEAT:
            raise _ask("biweekly", self.tokens[i].raw)
        if word in EVERY and self.found is None:
            return self._every(i)
        if word == "daily" and self.found is None:  # weekends too? asked, as `every day` is
            raise _ask("daily", self.tokens[i].raw)
        if word in MONTHLY and self.found is None and word != "month":
            return self._monthly(i, i + 1)
        if word == "weekly" and self.found is None:
            j = i + 1 + (word_at(tokens, i + 1) == "on")
            day = _WEEKDAY.get(word_at(tokens, j))
            if day is None:
                raise _ask("weekday", text_of(tokens[i : i + 2]) or word)
            return self._set(RepeatWords("weekly", weekday=day), i, j + 1)
        if self.found is None:
            return 0
        return self._english_end(i)

    def _every(self, i: int) -> int:
        tokens = self.tokens
        j, interval = i + 1, 1
        # "every other friday", "every 2 weeks on friday"
        if word_at(tokens, j) in OTHER or (word_at(tokens, j) in ("2", "two") and word_at(tokens, j + 1) == "weeks"):
            j, interval = j + 1, 2
        nxt = word_at(tokens, j)
        if nxt in WORKDAY and interval == 1:
            return self._set(RepeatWords("workdays"), i, j + 1)
        if nxt in DAILY:
            raise _ask("daily", text_of(tokens[i : j + 1]) or nxt)
        if nxt in WEEKLY or (interval == 2 and nxt == "weeks"):
            day = _WEEKDAY.get(word_at(tokens, j + 1 + (word_at(tokens, j + 1) == "on")))
            if day is None:
                raise _ask("weekday", text_of(tokens[i : j + 1]) or nxt)
            return self._set(RepeatWords("weekly", interval, day), i, j + 2 + (word_at(tokens, j + 1) == "on"))
        if nxt in MONTHLY:
            return self._monthly(i, j + 1)
        day = _WEEKDAY.get(nxt)
        if day is None:
            raise ParseError("error.repeat_unread", EXAMPLE, text=text_of(tokens[i : j + 1]) or "")
        if word_at(tokens, j + 1) in ("and", "&"):
            raise ParseError("error.repeat_one_day", EXAMPLE, text=text_of(tokens[i : j + 3]) or "")
        return self._set(RepeatWords("weekly", interval, day), i, j + 1)

    def _monthly(self, i: int, j: int) -> int:
        """`monthly on the first monday` / `every month on the last friday`."""
        tokens = self.tokens
        while word_at(tokens, j) in REPEAT_FILLER:
            j += 1
        nth, day = _ORDINAL.get(word_at(tokens, j)), _WEEKDAY.get(word_at(tokens, j + 1))
        if nth is None or day is None:
            raise _ask("monthly", text_of(tokens[i:j]) or tokens[i].raw)
        end = j + 2
        while word_at(tokens, end) in ("of", "the", "month"):
            end += 1
        return self._set(RepeatWords("monthly", 1, day, nth), i, end)

    def _english_end(self, i: int) -> int:
        tokens, word = self.tokens, self.tokens[i].word
        if word in UNTIL and word not in ("到", "至"):
            if (month_end := self._en_month_end(i + 1)) is not None:  # "until (the) end of march (2027)"
                return month_end
            for n in range(MAX_UNTIL_WORDS, 0, -1):
                if i + 1 + n > len(tokens):
                    continue
                reading = self.call.due(tokens[i + 1 : i + 1 + n])
                if reading is not None and reading.value is not None:
                    _no_day_month_doubt(reading, text_of(tokens[i + 1 : i + 1 + n]) or "")
                    return self._end(i, i + 1 + n, until=reading.value)
            raise ParseError("error.repeat_until", EXAMPLE, text=text_of(tokens[i : i + 2]) or word)
        count = number_in(tokens[i])
        if count is not None and word_at(tokens, i + 1) in TIMES:
            return self._end(i, i + 2, count=count)
        if word == "on" and word_at(tokens, i + 1) in HOLIDAYS_WORD and word_at(tokens, i + 2) in _HOLIDAY_RULE:
            return self._end(i, i + 3, on_holiday=_HOLIDAY_RULE[word_at(tokens, i + 2)])
        if word in HOLIDAYS_WORD and word_at(tokens, i + 1) in _HOLIDAY_RULE:
            return self._end(i, i + 2, on_holiday=_HOLIDAY_RULE[word_at(tokens, i + 1)])
        return 0

    def _en_month_end(self, j: int) -> int | None:
        """`until the end of march [2027]`: as `到3月底` — the last day of the next March, or of the year said."""
        tokens, start = self.tokens, j - 1
        j += word_at(tokens, j) == "the"
        if word_at(tokens, j) != "end" or word_at(tokens, j + 1) != "of" or word_at(tokens, j + 2) not in _MONTH:
            return None
        month, end = _MONTH[word_at(tokens, j + 2)], j + 3
        year = int(word_at(tokens, end)) if re.fullmatch(r"[0-9]{4}", word_at(tokens, end)) else None
        end += year is not None
        return self._end(start, end, until=self._last_day(year, month, text_of(tokens[start:end]) or ""))

    # -- Chinese: a pattern at the start of a word; what follows in the word (the time) stays

    def _chinese(self, i: int, kept: list[Token]) -> int:
        tok = self.tokens[i]
        word = fold(tok.raw)
        if self.found is None:
            for pattern, kind in _ZH_RULES:
                match = pattern.match(word)
                if match is None:
                    continue
                if kind.startswith("ambiguous_"):
                    raise _ask({"ambiguous_daily": "daily", "ambiguous_monthly": "monthly"}.get(kind, "weekday"),
                               tok.raw)
                self.found = self._zh_rule(kind, match)
                self.found = replace(self.found, said=match.group(0))
                return self._rest(i, match.end(), kept)
            return 0
        return self._chinese_end(i, word, kept)

    @staticmethod
    def _zh_rule(kind: str, match: re.Match[str]) -> RepeatWords:
        if kind == "workdays":
            return RepeatWords("workdays")
        if kind == "fortnightly":
            return RepeatWords("weekly", 2, _zh_day(match[1]))
        if kind == "weekly":
            return RepeatWords("weekly", 1, _zh_day(match[1]))
        nth = -1 if match[2] else (int(match[1]) if match[1].isdigit() else "一二三四".index(match[1]) + 1)
        return RepeatWords("monthly", 1, _zh_day(match[3]), nth)

    def _rest(self, i: int, cut: int, kept: list[Token]) -> int:
        """Keep what follows the pattern in the same word (its time, "上午10点") as a word of its own."""
        tok = self.tokens[i]
        if cut < len(tok.raw):
            rest = tok.split(cut)[1]
            self.tokens[i] = rest
            return self._trailing(i, kept)
        return 1

    def _trailing(self, i: int, kept: list[Token]) -> int:
        """An end or holiday rule glued after the time ("上午10点共10次"): split off, the time kept."""
        tok = self.tokens[i]
        word = fold(tok.raw)
        for pattern in (_ZH_COUNT, _ZH_UNTIL_GLUED, _ZH_HOLIDAY):
            match = next((m for m in pattern.finditer(word) if m.end() == len(word) and m.start() > 0), None)
            if match is not None:
                head, tail = tok.split(match.start())
                self.tokens[i] = tail
                kept.append(head)
                return 0 if self._chinese_end(i, fold(tail.raw), kept) == 0 else 1
        kept.append(tok)
        return 1

    def _chinese_end(self, i: int, word: str, kept: list[Token]) -> int:
        if (match := _ZH_COUNT.fullmatch(word)) is not None:
            return self._end(i, i + 1, count=int(match[1]))
        if (match := _ZH_HOLIDAY.fullmatch(word)) is not None:
            return self._end(i, i + 1, on_holiday=_HOLIDAY_RULE[match[1]])
        if word in HOLIDAYS_WORD and word_at(self.tokens, i + 1) in _HOLIDAY_RULE:
            return self._end(i, i + 2, on_holiday=_HOLIDAY_RULE[word_at(self.tokens, i + 1)])
        for lead in ("直到", "截至", "到", "至"):
            if word.startswith(lead) and len(word) > len(lead):
                return self._zh_until(i, word[len(lead):])
        if word in UNTIL and i + 1 < len(self.tokens):
            return self._zh_until(i, fold(self.tokens[i + 1].raw), words=2)
        return 0

    def _zh_until(self, i: int, text: str, words: int = 1) -> int:
        month_end = _ZH_MONTH_END.fullmatch(text)
        if month_end is not None:
            return self._end(i, i + words, until=self._month_end(month_end))
        reading = read_due(text, now=self.call.now, tz=self.call.tz, explain=False)
        if reading.value is None:
            raise ParseError("error.repeat_until", EXAMPLE, text=text)
        _no_day_month_doubt(reading, text)
        return self._end(i, i + words, until=reading.value)

    def _month_end(self, match: re.Match[str]) -> date:
        """`3月底`: the last day of the next March (this year's if it is still ahead); `2027年3月底` exactly."""
        return self._last_day(int(match[1]) if match[1] else None, int(match[2]), match[0])

    def _last_day(self, year: int | None, month: int, said: str) -> date:
        if not 1 <= month <= 12:
            raise ParseError("error.repeat_until", EXAMPLE, text=said)
        today = self.call.now.astimezone(self.call.tz).date()
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise ParseError("error.repeat_until", EXAMPLE, text=said)
        last = date(year or today.year, month, calendar.monthrange(year or today.year, month)[1])
        if year is None and last < today:
            last = date(today.year + 1, month, calendar.monthrange(today.year + 1, month)[1])
        return last

    # -- bookkeeping

    def _set(self, found: RepeatWords, i: int, end: int) -> int:
        self.found = replace(found, said=text_of(self.tokens[i:end]) or "")
        return end - i

    def _end(self, i: int, end: int, **what: object) -> int:
        key = next(iter(what))
        if key in self.ends:
            raise ParseError("error.unexpected_text", EXAMPLE, text=text_of(self.tokens[i:end]) or "")
        value = what[key]
        if key == "count" and not (isinstance(value, int) and 1 <= value <= MAX_COUNT):
            raise ParseError("error.repeat_count", EXAMPLE, text=text_of(self.tokens[i:end]) or "", max=MAX_COUNT)
        if key == "until" and isinstance(value, date) and value < self.call.now.astimezone(self.call.tz).date():
            raise ParseError("error.repeat_until_past", EXAMPLE, when=f"{value:%Y-%m-%d}")
        self.ends[key] = value
        return end - i


def take_repeat(call: Call, tokens: list[Token]) -> tuple[RepeatWords | None, list[Token]]:
    """The repetition said among `new`'s arguments, and the arguments without its words."""
    return _RepeatReader(call, list(tokens)).read()


def _no_day_month_doubt(reading: Reading[date], said: str) -> None:
    """A series' end said as a numeric date that reads both ways ("until 5/12") is asked about, not guessed."""
    if reading.other_day is not None and reading.value is not None:
        raise ParseError("error.day_month", EXAMPLE, text=said, when=reading.value.isoformat(),
                         other=reading.other_day.isoformat())
