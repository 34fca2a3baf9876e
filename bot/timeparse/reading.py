"""Readings that never guess silently: what was understood, which defaults were used, whether to ask.

`core.parse_when` / `parse_due` answer a value or None, and their callers turn None into "not understood".
That is safe but blunt, and some phrases people type all day have no single answer: "tomorrow morning"
names no hour, "Friday, December 5" names two different days (5 December 2026 is a Saturday), "3pm-4pm" is
a start and a length. The readers here return a `Reading` instead, so the bot can answer the way a person
would: "tomorrow 09:00 (morning taken as 09:00)?", "Friday or 5 December?", "I did not understand 'ish'".

They rewrite what `core` cannot read into what it can, then let `core` resolve it, so every semantic rule
(weeks start on Monday, a coming weekday whose time has passed moves a week on, working-hours reading of
a bare hour, DST) and every check the public functions make is shared:

* Parts of the day without an hour get a default hour (`DEFAULT_HOURS`) and say so in `assumed`:
  "tomorrow morning" / 明天上午 09:00, "friday afternoon" / 周五下午 14:00, 傍晚 18:00, "this evening" /
  "tonight" / 晚上 19:00, "at night" / 夜里 21:00. 中午 and "noon" are a moment (12:00), not a default;
  凌晨 / 半夜 without an hour are refused (no hour there is a safe guess).
* An hour said with a part of the day is read in it by `core` ("tonight at 8" is 20:00); one that cannot
  be in it ("tonight at 8am", "night at 2") makes the reading ambiguous, with no value: ask which.
* Ranges ("3pm-4pm", "3-4pm", "from 2 to 4pm", "8pm - 11", 明天下午3点到4点, 下午3点至5点, "Dec 5 2-4pm")
  are a `Span`: the start, read like any start, and a length up to the end, which takes the start's half
  of the day when it names none ("1pm-3" ends at 15:00) and the end's when the start names none
  ("3-4pm" starts at 15:00; "11-1pm" at 11:00). An end whose half of the day is not said may make a meeting
  up to a working day long ("9-5"); longer ("5pm to 3", 下午5点到3点) is a slip, and is asked.
* A weekday said with an explicit date must name the same day, else the reading is ambiguous and carries
  the explicit date, so the reply can show both.
* Due dates: "within a month" / 一个月内 (the same day next month, or its last day), "within a fortnight"
  (two weeks), 半个月内 / 半个月后 (fifteen days), "this weekend" / 周末 (its Sunday), 下周末前 (next week's
  Sunday), "by next week" / 下周前 (this week's Friday, or its Sunday when said at the weekend: an
  assumption said aloud), spelled-out counts ("within two weeks"), "X of next week".
* "this weekend" / 周末 as a start is its first day not yet past, with the hour said ("this weekend 10am"),
  an assumption said aloud.
* `parse_delay` reads the length in "delay 2 days" / 延期两天: the grammar moves the item's own due date by
  it; `core.parse_due` refuses a bare length, which it used to read as "2 days from now".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.timeparse import core
from bot.timeparse.core import parse_due, parse_when

__all__ = ["DEFAULT_HOURS", "Reading", "Span", "parse_delay", "read_due", "read_span", "read_when"]

Value = TypeVar("Value")

# The hour a part of the day stands for when no hour is said; the key is what `Reading.assumed` names.
DEFAULT_HOURS = {"morning": 9, "afternoon": 14, "dusk": 18, "evening": 19, "night": 21}
# What `Reading.assumed` names for the other defaults.
WEEKEND_DAY = "weekend_day"  # "this weekend" as a start: its first day not past (Saturday, or today on Sunday)
END_OF_WEEK = "end_of_week"  # "by next week" / 下周前: the Friday of this week
SAME_WEEKDAY_NEXT_WEEK = "same_weekday"  # a due "by monday" said on a Monday: next week's Monday


@dataclass(frozen=True)
class Reading(Generic[Value]):
    """What a phrase was read as.

    `value` is None when nothing usable was read. `assumed` names the defaults used (keys of
    `DEFAULT_HOURS`, `WEEKEND_DAY`, `END_OF_WEEK`): say them in the confirmation. `ambiguous` means
    the phrase names two different things: show `value` (the explicit date wins) and ask. `unread` holds
    the words not understood, to quote back. A start with neither value nor `unread` named a day but no
    time of day ("tomorrow", "this weekend"): ask for the time; one that is ambiguous without a value
    names a part of the day and an hour that clash ("tonight at 8am"): ask which. One with `other_day` is
    ambiguous because a numeric date reads both month first and day first ("5/12"): ask which of the two.
    """

    value: Value | None
    assumed: tuple[str, ...] = ()
    ambiguous: bool = False
    unread: str | None = None
    other_day: date | None = None  # a numeric date read the other way round ("5/12": 12 May, or 5 December)

    @property
    def certain(self) -> bool:
        """A value read with no default, no doubt and no leftover words: safe to act on without asking."""
        return self.value is not None and not self.assumed and not self.ambiguous and self.unread is None


@dataclass(frozen=True)
class Span:
    """A meeting said as a range: its start (aware, in the speaker's zone) and its length."""

    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        return (self.start.astimezone(UTC) + timedelta(minutes=self.minutes)).astimezone(self.start.tzinfo)


# ---------------------------------------------------------------------------------------------------------
# Rewrites shared by every reader

_EN_COUNTS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty five": 45,
    "forty-five": 45, "sixty": 60, "ninety": 90, "a couple of": 2,
}  # fmt: skip
_EN_SPELLED = re.compile(
    r"\b(" + "|".join(sorted(_EN_COUNTS, key=len, reverse=True)) + r")\s+(?=(?:minutes?|mins?|hours?|hrs?|days?"
    r"|weeks?|months?)\b)"
)
_WEEKDAY_NAMES = (
    r"monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|sunday|sun"
)
_FORTNIGHT = re.compile(r"\b(?:a|one)\s+fortnight\b")
_ZH_HALF_MONTH = re.compile(r"半个?月(?=以内|之内|内|以后|之后|过后|后)")  # 半个月内: fifteen days
_OF_WEEK = re.compile(rf"\b(?:on\s+)?(?:the\s+)?({_WEEKDAY_NAMES})\s+of\s+(this|next|last)\s+week\b")


def _rewrite(text: str) -> str:
    """Spelled-out counts as digits ("two weeks" → "2 weeks"), "a week from today" → "in a week", "friday of
    next week" → "friday next week"."""
    text = _EN_SPELLED.sub(lambda match: f"{_EN_COUNTS[match[1]]} ", text)
    text = core._FROM_TODAY.sub(r"in \1 \2", text)
    text = _FORTNIGHT.sub("2 weeks", text)
    text = _ZH_HALF_MONTH.sub("15天", text)
    return _OF_WEEK.sub(lambda match: match[1] if match[2] == "this" else f"{match[1]} {match[2]} week", text)


def _local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


# ---------------------------------------------------------------------------------------------------------
# Numeric dates that read both ways

# "5/12", "12/4/2026": month first or day first (a year first, "2026/12/4", is never in doubt).
_SLASH_DATE = re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?(?![\d/])")


def _other_day(normalized: str, read: date, today: date) -> date | None:
    """The day `read` would be if its numeric date were read the other way round ("5/12" read as 12 May:
    5 December), when both are dates and differ; None when the words leave no doubt ("25/12", "12/12",
    "2026-12-05", "Dec 5"). A Berlin reader means day first, a New York one month first, and nothing in a
    chat says which: the reader is asked rather than given half a year's error."""
    match = _SLASH_DATE.search(normalized)
    if match is None:
        return None
    first, second = int(match["first"]), int(match["second"])
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return None
    month, day = (first, second) if (read.month, read.day) == (second, first) else (second, first)
    if match["year"]:
        try:
            other: date | None = date(read.year, month, day)
        except ValueError:
            return None
    else:
        other = core._upcoming(month, day, today)
    return other if other is not None and other >= today else None  # a day already past is no reading


def _doubted(reading: Reading[Value], text: str, read: date | None, today: date) -> Reading[Value]:
    if read is None or ("/" not in text and "／" not in text):  # the common case, at no cost: nothing to doubt
        return reading
    other = _other_day(_rewrite(core._normalize(text)), read, today)
    return reading if other is None else replace(reading, ambiguous=True, other_day=other)


def read_when(text: str, *, now: datetime, tz: ZoneInfo, explain: bool = True) -> Reading[datetime]:
    """A meeting start (`_read_when`), asked about when a numeric date reads both ways (`_other_day`)."""
    reading = _read_when(text, now=now, tz=tz, explain=explain)
    read = None if reading.value is None else reading.value.date()
    return _doubted(reading, text, read, _local_today(now, tz))


def read_span(text: str, *, now: datetime, tz: ZoneInfo) -> Reading[Span]:
    """A range (`_read_span`), asked about when a numeric date reads both ways (`_other_day`)."""
    reading = _read_span(text, now=now, tz=tz)
    read = None if reading.value is None else reading.value.start.date()
    return _doubted(reading, text, read, _local_today(now, tz))


def read_due(text: str, *, now: datetime, tz: ZoneInfo, explain: bool = True) -> Reading[date]:
    """A due date (`_read_due`), asked about when a numeric date reads both ways (`_other_day`)."""
    reading = _read_due(text, now=now, tz=tz, explain=explain)
    return _doubted(reading, text, reading.value, _local_today(now, tz))


# ---------------------------------------------------------------------------------------------------------
# A weekday said with an explicit date

_EN_WEEKDAY = re.compile(rf"\b(?:on\s+)?({_WEEKDAY_NAMES})\b\s*")
_EN_EXPLICIT_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}\b"
)
_ZH_WEEKDAY = re.compile(r"[(（]?(?:周|星期|礼拜)([一二三四五六日天1-7])[)）]?")
_ZH_EXPLICIT_DATE = re.compile(r"月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]|\d{4}-\d{1,2}-\d{1,2}")
_BARE_DUE_WEEKDAY = re.compile(rf"(?:on\s+)?(?:{_WEEKDAY_NAMES})|(?:周|星期|礼拜)[一二三四五六日天1-7]")
_ZH_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _said_weekday(text: str) -> tuple[int, str] | None:
    """The weekday (0 = Monday) said beside an explicit date, and the text without it; None if not both."""
    match = _EN_WEEKDAY.search(text)
    if match is not None and _EN_EXPLICIT_DATE.search(text):
        index = core._WEEKDAYS_EN.index(match[1][:3].title())
        return index, (text[: match.start()] + text[match.end() :]).strip()
    zh = _ZH_WEEKDAY.search(text)
    if zh is not None and _ZH_EXPLICIT_DATE.search(text):
        said = zh[1]
        index = int(said) - 1 if said.isdigit() else _ZH_WEEKDAY_INDEX[said]
        return index, (text[: zh.start()] + " " + text[zh.end() :]).strip()
    return None


# ---------------------------------------------------------------------------------------------------------
# Parts of the day without an hour

_EN_LONE_PART = re.compile(r"\b(?P<lead>this\s+|in\s+the\s+|at\s+)?(?P<part>morning|afternoon|evening|night|tonight)\b")
_EN_PART_KEYS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "tonight": "evening",
                 "night": "night"}  # fmt: skip
# An hour for the part of the day: "at 8", "8:30", "8 o'clock", "8pm", or a lone "8" ("tonight 8").
_EN_HOUR = re.compile(
    r"\bat\s+\d|\d\s*o['’]?clock|\d:\d\d|\d\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b|(?:^|\s)\d{1,2}(?:\s|$)"
)
_EN_DAY_WORD = re.compile(rf"\b(?:today|tomorrow|tmrw|tmr|yesterday|{_WEEKDAY_NAMES})\b|\d")
_ZH_PART_DEFAULTS = {
    "上午": ("morning", "上午9点"), "早上": ("morning", "早上9点"), "早晨": ("morning", "早晨9点"),
    "清晨": ("morning", "早上9点"), "早": ("morning", "早9点"), "下午": ("afternoon", "下午2点"),
    "午后": ("afternoon", "下午2点"), "傍晚": ("dusk", "傍晚6点"), "晚上": ("evening", "晚上7点"),
    "晚间": ("evening", "晚上7点"), "晚": ("evening", "晚7点"), "夜里": ("night", "晚上9点"),
    "夜间": ("night", "晚上9点"), "深夜": ("night", "晚上9点"),
}  # fmt: skip
_ZH_LONE_PART = re.compile(
    "(" + "|".join(sorted(_ZH_PART_DEFAULTS, key=len, reverse=True)) + r")(?!\s*(?:\d|[零〇一二两三四五六七八九十]|:))"
)
_ZH_HOUR = re.compile(r"[点點时:]|中午|午夜")


def _default_hour(text: str, now: datetime, tz: ZoneInfo) -> tuple[str, str] | None:
    """`text` with a part of the day that names no hour given its default hour, and the part's key. In
    English, what is left beside the part must name a day by itself ("the morning after" is refused)."""
    if core._CJK.search(text):
        lone = _ZH_LONE_PART.search(text)
        if lone is None or _ZH_HOUR.search(text):
            return None
        key, replacement = _ZH_PART_DEFAULTS[lone[1]]
        return text[: lone.start()] + replacement + text[lone.end() :], key
    match = _EN_LONE_PART.search(text)
    if match is None:
        return None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    if _EN_HOUR.search(rest):
        return None  # the hour is there: core reads "tonight at 8" itself
    key = _EN_PART_KEYS[match["part"]]
    today = "today " if (match["part"] == "tonight" or match["lead"] == "this ") else ""
    if today and _EN_DAY_WORD.search(rest):
        return None  # "tomorrow tonight": two days
    if rest and parse_due(rest, now=now, tz=tz) is None:
        return None
    return f"{today}{rest} {DEFAULT_HOURS[key]:02d}:00".strip().replace("  ", " "), key


# ---------------------------------------------------------------------------------------------------------
# Words not understood


def _unread(text: str, reads: Callable[[str], bool]) -> str:
    """The shortest run of words (of characters, in Chinese written without spaces) at either end whose
    removal makes `reads` accept the rest, up to six each way; the whole text if none does."""
    words = text.split() if " " in text else list(text)
    joiner = " " if " " in text else ""
    for cut in range(1, min(len(words), 7)):
        if reads(joiner.join(words[:-cut])):
            return joiner.join(words[-cut:])
        if reads(joiner.join(words[cut:])):
            return joiner.join(words[:cut])
    return text


# ---------------------------------------------------------------------------------------------------------
# Starts


def _read_when(text: str, *, now: datetime, tz: ZoneInfo, explain: bool = True) -> Reading[datetime]:
    """A meeting start, as `core.parse_when` reads it, plus defaults for parts of the day, weekday checks,
    "X of next week", spelled-out counts; a range is refused here (its end is `unread`): use `read_span`.

    `explain=False` skips telling why nothing was read (`unread` is then the whole text, even for a day
    without a time): a grammar trying many spans of a sentence only needs to know which ones read, and
    the telling costs up to a dozen readings."""
    said = core._normalize(text)
    normalized = _rewrite(said)
    if not normalized:
        return Reading(None)
    span = _range(normalized)
    if span is not None:
        return Reading(None, unread=normalized[span.end("start") :].strip())
    checked = _said_weekday(normalized)
    if checked is not None:
        weekday, rest = checked
        value = _when(rest, now, tz)
        if value is None:  # "Friday, December 4": a day without a time when the date reads
            return Reading(None) if explain and parse_due(rest, now=now, tz=tz) else _refused(said, now, tz, explain)
        return Reading(value[0], assumed=value[1], ambiguous=value[0].weekday() != weekday)
    weekend = _WEEKEND.search(normalized)
    if weekend is not None:
        saturday = core._weekday_date(_local_today(now, tz), 5, None)
        sunday = core._weekday_date(_local_today(now, tz), 6, None)
        day = sunday if sunday < saturday else saturday  # said on a Sunday: today
        replaced = f"{normalized[: weekend.start()]} {day.isoformat()} {normalized[weekend.end() :]}".strip()
        found = _when(replaced, now, tz)
        if found is not None:
            return Reading(found[0], (WEEKEND_DAY, *found[1]))
        return Reading(None) if parse_due(replaced, now=now, tz=tz) else _refused(said, now, tz, explain)
    found = _when(normalized, now, tz)
    if found is not None:
        return Reading(found[0], assumed=found[1])
    if core._part_of_day_clash(normalized):
        return Reading(None, ambiguous=True)  # "tonight at 8am": which of the two?
    return _refused(said, now, tz, explain)


def _when(text: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, tuple[str, ...]] | None:
    value = parse_when(text, now=now, tz=tz)
    if value is not None:
        return value, ()
    defaulted = _default_hour(text, now, tz)
    if defaulted is None:
        return None
    value = parse_when(defaulted[0], now=now, tz=tz)
    return None if value is None else (value, (defaulted[1],))


def _refused(said: str, now: datetime, tz: ZoneInfo, explain: bool) -> Reading[datetime]:
    """Nothing to act on: a day without a time of day (no `unread`: ask for the time; any due date names a
    day, "within a month" and 下周前 too), or words to quote as they were typed (`said`, normalised but not
    rewritten: "two weeks", not "2 weeks")."""
    if not explain:
        return Reading(None, unread=_rewrite(said))
    if read_due(said, now=now, tz=tz, explain=False).value is not None:
        return Reading(None)
    return Reading(None, unread=_unread(said, lambda rest: rest != "" and _when(_rewrite(rest), now, tz) is not None))


# ---------------------------------------------------------------------------------------------------------
# Ranges

_SEPARATOR = r"\s*(?:-|–|—|~|～|\bto\b|\buntil\b|\btill\b|到|至)\s*"
_ZH_PARTS = "|".join(sorted(core._ZH_PARTS, key=len, reverse=True))
_EN_CLOCK = r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?:(?P<meridiem>[ap])\.?m\.?)?"
_ZH_CLOCK = (
    rf"(?P<part>{_ZH_PARTS})?\s*(?P<zh_hour>{core._ZH_N})\s*[点點时]钟?"
    rf"(?:\s*(?P<half>半)|\s*(?P<quarters>[一三])刻|\s*(?P<zh_minute>{core._ZH_N})\s*分?|[整正])?"
)
_END = rf"(?:{_EN_CLOCK}|{_ZH_CLOCK}|(?P<noon>noon|中午))"
_RANGE = re.compile(rf"(?:from\s+|从\s*)?(?P<start>.+?){_SEPARATOR}(?P<end>{_END})")
_ZH_FROM = re.compile(r"从\s*")  # 明天从下午2点到4点
_BARE_START = re.compile(r"(?:^|(?<=\s))(?:at\s+)?(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?$")
_FROM = re.compile(r"\bfrom\s*$")
# 下午3-4点: the start's 点 is left out.
_ZH_HOURLESS = re.compile(rf"(?<![\d:零〇一二两三四五六七八九十])(?:{core._ZH_N})$")
_MONTH_TAIL = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$")
_START_MERIDIEM = re.compile(r"(?P<meridiem>[ap])\.?m\.?$")
_ZH_NEXT_WEEKEND = re.compile(r"下个?(?:周末|礼拜末)")
_WEEKEND = re.compile(r"\b(?:this\s+|the\s+)?weekend\b|(?:这个?|本)?周末")


_ISO_HEAD = re.compile(r"\d{4}(?:-\d{1,2})?$")  # "2026-12-05" is a date, not 2026-12 to 05


def _range(text: str) -> re.Match[str] | None:
    match = _RANGE.fullmatch(text)
    return None if match is None or _ISO_HEAD.search(match["start"]) else match


@dataclass(frozen=True)
class _Clock:
    """The end of a range: hour and minute; `fixed` if the hour is certain (a 24-hour hour, or its half of
    the day was said: am/pm, noon, a Chinese part of the day), `half_said` for the latter."""

    hour: int
    minute: int
    fixed: bool
    half_said: bool = False


def _end_clock(match: re.Match[str]) -> _Clock | None:
    clock = _said_end_clock(match)
    return clock if clock is not None and 0 <= clock.hour <= 23 and 0 <= clock.minute <= 59 else None


def _said_end_clock(match: re.Match[str]) -> _Clock | None:
    if match["noon"]:
        return _Clock(12, 0, fixed=True, half_said=True)
    if match["hour"] is not None:
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if match["meridiem"]:
            if not 1 <= hour <= 12:
                return None
            return _Clock(hour % 12 + (12 if match["meridiem"] == "p" else 0), minute, fixed=True, half_said=True)
        return _Clock(hour, minute, fixed=hour > 12 or hour == 0)
    said = core._zh_int(match["zh_hour"])
    if said is None:
        return None
    minute_text = match["zh_minute"]
    minute = 30 if match["half"] else 15 if match["quarters"] == "一" else 45 if match["quarters"] else 0
    if minute_text:
        minute = core._zh_int(minute_text) or 0
    if match["part"]:
        in_part = core._zh_hour(said, match["part"])
        return None if in_part is None else _Clock(in_part[0] % 24, minute, fixed=True, half_said=True)
    return _Clock(said, minute, fixed=said > 12 or said == 0)


def _read_span(text: str, *, now: datetime, tz: ZoneInfo) -> Reading[Span]:
    """A range said as start and end ("3pm-4pm", "明天下午3点到4点"): a `Span`; value None when `text`
    is not a range or its start cannot be read (then `unread` says which words). Up to 12 hours."""
    normalized = _rewrite(core._normalize(text))
    match = _range(normalized)
    if match is None:
        return Reading(None, unread=normalized or None)
    end = _end_clock(match)
    start_text = match["start"]
    if end is None:
        return Reading(None, unread=match["end"])
    starts = _starts(start_text, end)
    if starts is None:
        return Reading(None, unread=normalized)
    for candidate in starts:
        start = read_when(candidate, now=now, tz=tz)
        if start.value is None:
            return Reading(None, unread=start.unread or start_text)
        minutes = _length(start.value, end, tz)
        if minutes is not None:
            return Reading(Span(start.value, minutes), assumed=start.assumed, ambiguous=start.ambiguous)
    return Reading(None, ambiguous=True, unread=match["end"])


def _starts(start_text: str, end: _Clock) -> list[str] | None:
    """The start phrases to try, in order, for a range's start; None if it is not a time ("dec 4-5")."""
    bare = _BARE_START.search(start_text)
    if core._CJK.search(start_text):
        start_text = _ZH_FROM.sub("", start_text).strip()
        return [start_text + "点" if _ZH_HOURLESS.search(start_text) else start_text]  # 下午3-4点
    if bare is None:
        return [start_text] if _START_MERIDIEM.search(start_text) or ":" in start_text else None
    hour, minute = int(bare["hour"]), bare["minute"] or "00"
    lead = _FROM.sub("", start_text[: bare.start()]).strip()
    if _MONTH_TAIL.search(lead):
        return None  # "dec 4-5": days, not hours
    if hour > 12 or hour == 0:
        halves = [hour]
    elif (part := core._EN_PART.search(lead)) is not None:  # "tonight 8-10"
        halves = [core._part_hour(part[1], hour) or hour]
    elif end.half_said:
        # "3-4pm", "from 2 to 4pm", "dec 5 2-4pm": the end's half of the day if that keeps the start before
        # the end, else the other half ("11-1pm").
        halves = [hour % 12 + 12, hour % 12] if end.hour >= 12 else [hour % 12, hour % 12 + 12]
    elif bare["minute"]:
        halves = [hour]  # "3:00-4:00": a clock with minutes is a 24-hour clock, as in `core`
    else:
        halves = [core._working_hour(hour) or hour]  # "3-4": working hours, as in `core`
    return [f"{lead} {half:02d}:{minute}".strip() for half in halves]


_WORKING_DAY_MINUTES = 8 * 60  # "9-5"


def _length(start: datetime, end: _Clock, tz: ZoneInfo) -> int | None:
    """Minutes from `start` to the first `end` after it: the end's half of the day is the one that follows
    the start when it was not said ("1pm-3" → 15:00). None if that is a day or more, or not after start."""
    wall = start.replace(tzinfo=None)
    hours = [end.hour] if end.fixed else [end.hour % 12, end.hour % 12 + 12]
    for day in (0, 1):
        for hour in hours:
            end_wall = datetime.combine(wall.date() + timedelta(days=day), wall.time()).replace(
                hour=hour, minute=end.minute
            )
            if end_wall > wall:
                # In UTC: between two datetimes of one zone, Python subtracts wall clocks, blind to DST.
                elapsed = core._attach(end_wall, tz).astimezone(UTC) - start.astimezone(UTC)
                minutes = round(elapsed.total_seconds() / 60)
                # Longer than 12 hours ("8pm-10:30") is asked; so is an end whose half of the day was not said
                # that makes a meeting longer than a working day: "5pm to 3", 下午5点到3点 are slips, not 10 hours.
                longest = 12 * 60 if end.fixed else _WORKING_DAY_MINUTES
                return minutes if 0 < minutes <= longest else None
    return None


# ---------------------------------------------------------------------------------------------------------
# Due dates

_EN_MONTHS = re.compile(r"(?:in|within)\s+(?P<count>\d{1,2}|an?|one)\s+months?")
_ZH_MONTHS = re.compile(rf"(?P<count>\d{{1,2}}|{core._ZH_NUMERAL})\s*个月(?P<mode>以内|之内|内|以后|之后|过后|后)")
_BY_NEXT_WEEK = re.compile(r"(?:by|before)\s+next\s+week|下(?:个)?(?:周|星期|礼拜)(?:之前|以前|前)")
_DUE_LEAD = re.compile(r"^(?:due\s+|by\s+|before\s+|no later than\s+)")
_DUE_TRAIL = re.compile(r"(?:之前|以前|前)$")


def _months_ahead(today: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 January + 1 month = 28/29 February)."""
    last = core._month_end(today, months)
    return last.replace(day=min(today.day, last.day))


def _read_due(text: str, *, now: datetime, tz: ZoneInfo, explain: bool = True) -> Reading[date]:
    """An action item's due date, as `core.parse_due` reads it, plus months ("within a month", 一个月内),
    "this weekend" / 周末 (its Sunday), "by next week" / 下周前 (this week's Friday, assumed), today's own
    weekday ("by monday" on a Monday: next week's, assumed), a weekday check beside an explicit date,
    spelled-out counts and "X of next week". `explain=False` as in `read_when`: `unread` is then the whole
    text."""
    said = core._normalize(text)
    normalized = _rewrite(said)
    today = _local_today(now, tz)
    if not normalized:
        return Reading(None)
    months = _EN_MONTHS.fullmatch(normalized) or _ZH_MONTHS.fullmatch(normalized)
    if months is not None:
        count = core._number(months["count"])
        return Reading(None if count is None else _months_ahead(today, int(count)))
    if _BY_NEXT_WEEK.fullmatch(normalized):
        friday = core._weekday_date(today, 4, 0)
        return Reading(friday if friday >= today else core._weekday_date(today, 6, 0), assumed=(END_OF_WEEK,))
    bare = _DUE_TRAIL.sub("", _DUE_LEAD.sub("", normalized))
    if _WEEKEND.fullmatch(bare):
        return Reading(core._weekday_date(today, 6, None))
    if _ZH_NEXT_WEEKEND.fullmatch(bare):  # 下周末前: the Sunday of next week
        return Reading(core._weekday_date(today, 6, 1))
    checked = _said_weekday(normalized)
    if checked is not None:
        weekday, rest = checked
        value = parse_due(rest, now=now, tz=tz)
        if value is None:
            return _due_refused(said, now, tz, explain)
        return Reading(value, ambiguous=value.weekday() != weekday)
    value = parse_due(normalized, now=now, tz=tz)
    if value == today and _BARE_DUE_WEEKDAY.fullmatch(bare):
        # Nobody sets a deadline of today by naming today's weekday ("by today" says that): next week's.
        return Reading(value + timedelta(days=7), assumed=(SAME_WEEKDAY_NEXT_WEEK,))
    return _due_refused(said, now, tz, explain) if value is None else Reading(value)


def _due_refused(said: str, now: datetime, tz: ZoneInfo, explain: bool) -> Reading[date]:
    """Words to quote as typed (see `_refused`)."""
    if not explain:
        return Reading(None, unread=_rewrite(said))
    return Reading(None, unread=_unread(
        said, lambda rest: rest != "" and parse_due(_rewrite(rest), now=now, tz=tz) is not None))


_DELAY = re.compile(
    rf"(?:by\s+)?(?P<count>\d{{1,3}}|an?|one|{core._ZH_NUMERAL})\s*个?(?P<unit>days?|weeks?|天|日|周|星期|礼拜)"
)


def parse_delay(text: str) -> timedelta | None:
    """The length in "delay 2 days" / "延期两天" / "delay a week" / "延期1周" (the words after the verb):
    whole days, to add to the item's current due date. None for anything else ("to friday" is a date:
    `read_due`)."""
    match = _DELAY.fullmatch(_rewrite(core._normalize(text)))
    if match is None:
        return None
    count = core._number(match["count"])
    if count is None or count < 1:
        return None
    return timedelta(days=int(count) * (1 if match["unit"] in ("day", "days", "天", "日") else 7))
