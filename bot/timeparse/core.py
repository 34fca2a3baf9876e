"""Time expressions for meetings and action items, in English and Chinese.

`parse_when` reads a meeting start ("tomorrow 3pm", "下周五上午10点"), `parse_duration` a length ("1h30m",
"一个半小时"), `parse_due` an action item's due date ("by friday", "12月5日前"); `format_when` and
`format_date` (in `format`) print the absolute, unambiguous form the bot echoes back, so a misreading is
seen at once.

Why not plain dateparser
------------------------
dateparser 1.5 reads English well, so it does the final parse here, but not on its own. On the labelled
table in tests/timeparse_cases.py (164 expressions, 88 Chinese; `python -m bench.timeparse_accuracy`),
plain dateparser with the kindest settings we found (languages en+zh, naive local RELATIVE_BASE,
PREFER_DATES_FROM=future, RETURN_TIME_AS_PERIOD) scores en 45/76, zh 23/88; this module scores en 76/76,
zh 88/88. Both take about 1 ms per expression after warm-up on a quiet machine (4 ms on a 2-CPU machine
shared by seven jobs), most of it in dateparser. The readers in `reading` are measured on a broader
corpus; see the README. What plain gets wrong:

* Chinese: 下午3点, 今晚8点, 下周五, 两小时后, 3点 and 12月5日 without a year fail (None); 12月5日前 is
  read as "12 months and 5 days ago" and 3天前 as "3 days ago", though in a due date 前 means "by".
* A timezone-aware RELATIVE_BASE makes "3pm" parse to None, and TIMEZONE + PREFER_DATES_FROM=future moves a
  bare "3pm" said at 09:00 to tomorrow. So we hand it the speaker's wall clock as a naive base and attach the
  zone ourselves.
* "next friday" is the coming Friday, like "friday"; "friday 5pm" said on a Friday at 16:00 jumps a week
  although 17:00 today is still ahead; "dec 5" said on 5 December jumps a year; "friday next week",
  "tmrw", "3.30pm", "at 3" and "in half an hour" fail.
* "1h" is read as "in an hour", "at 3" as March, "1700000000" as a Unix timestamp, and "in 3 days at 9am"
  said at 09:00 has period "day" (the time did not move the base), hiding that a time was given.
* A bare time said on a month's last evening is the 1st of the same month ("9am" said on 30 November at
  23:00 is 1 November; on 31 December, 1 December next year), so we find the next such moment ourselves.
* "1pm-3" is a date months away (March, the "3"), "8pm - 11" is 20:00 with the end dropped, "tonight at 8"
  is 08:00, and "2 days" is two days from now (which made "delay 2 days" move a due date backwards).

Approach
--------
1. Normalise: NFKC (full-width ２点，１５：００ become ASCII), lower case, collapse spaces.
2. Offsets ("in 2 hours", "两小时后", "90 minutes from now") are `now + parse_duration(...)`, computed in
   absolute time, so they stay right across a DST change.
3. Chinese goes through a small grammar that turns it into something unambiguous for the next steps: every
   date word (明天, 下周五, 12月5日, 3天后, 5号, 月底) becomes an ISO date that we compute, every clock time
   (下午3点, 两点半, 晚上8:00) becomes HH:MM. Any Chinese character left over means "not understood" (None),
   never a guess.
4. English weekday phrases ("friday", "next friday", "friday next week") and "end of month" become ISO dates
   too, with the semantics below; "at 3" / "3 o'clock" get the working-hours reading below.
5. dateparser (English locale only: after step 3 nothing Chinese is left, and loading no other locale keeps
   the first call cheap) parses the rest: month names, "tomorrow", "noon", "3:30pm", "in 3 days at 9am".
   A duration inside the text ("tomorrow 3pm 1h") is refused first, and Unix timestamps are not parsed.
   What most starts come to by now, a day we name (today, tomorrow, an ISO date) or none plus a clock time,
   is read without it (`_plain_clock`, held to dateparser's answers by tests/test_timeparse.py): dateparser
   took about 6% of a new meeting's CPU.
6. Post-fixes: a time of day must have been given (period "time", or "time" among the parts), a month and
   day without a year take the next such day on or after today, and a coming weekday whose time has already
   passed today moves a week on.

A specialised Chinese library was considered: jionlp parsed a 10-phrase sample right but installs ~70 MB
for what is, for the phrases people type to a meeting bot, a page of regular expressions that scores 81/81
on the Chinese rows here; not worth the weight.

Semantics (what the grammar and the tests rely on)
--------------------------------------------------
* Weeks start on Monday. 下周五 / "next friday" / "friday next week" = Friday of the next calendar week
  (said on Monday 2026-11-23: 2026-12-04); 下下周五 = the week after. We deliberately read English
  "next friday" like Chinese 下周五: said on a Thursday it means eight days later, not tomorrow, which is how
  most speakers use it, and the echoed absolute date makes the other reading easy to correct.
* 周五 / 这周五 / 本周五 / "friday" / "this friday" = the coming Friday, today included; if the time given
  has already passed today, the Friday after (`parse_due` keeps today: a date is not past until tomorrow).
* 上周五 / "last friday" = Friday of the previous calendar week.
* A bare time ("3pm", "下午3点", "15:00") is the next such moment: today if still ahead, else tomorrow.
  An explicit day is kept even when past ("yesterday 3pm", "今天下午3点" said at 16:00): the caller
  reports past times itself.
* An hour with neither am/pm nor a Chinese part of day ("3点", "at 3", "3 o'clock") is read in working
  hours: 1-6 are afternoon (15:00), 7-12 morning/noon, 13-23 and 0 as written. "15:00" / "3:00" are
  always a 24-hour clock.
* A part of day without an hour ("tomorrow afternoon", "明天下午", "tonight") is no time: `parse_when`
  returns None so the bot asks (`reading.read_when` gives a default hour and says so). 中午 / "noon" is
  12:00; 晚上12点 / 午夜, a bare "midnight" and "tonight at midnight" are the 00:00 that ends the day, but
  "tomorrow at midnight" is dateparser's: the 00:00 that starts tomorrow. 1-4 o'clock said with the night
  (夜里1点, 今晚2点, 晚上1点) are the small hours after that night, never 13:00-16:00. A bare hour after
  "tonight" / "evening" / "afternoon" / "night" is after noon: "tonight at 8" is 20:00.
* A range ("1pm-3", "3-4pm", "下午3点至5点") is not a start: None (`reading.read_span` reads it). A bare
  length ("2 days", "两天") is not a due date: None (`reading.parse_delay` reads it).
* A month and day without a year ("dec 5", "12月5日") is the next such day on or after today; 今年 / 明年
  name the year (明年3月1日).
* A day of the month alone ("the 5th", "on the 22nd", 5号) is this month's, or the next month's that has one
  when it has passed; "a week from today" / "a week today" is "in a week" (dateparser counted it backwards).
* Numeric dates follow dateparser's English MDY order ("12/5" = 5 December); ISO dates are always safe.
* Wall-clock times that do not exist (a DST gap) move forward by the gap; ambiguous ones take the first.
* A date outside `bot.limits`' range (1970-2100) raises its `UserError` rather than returning None: the
  words were understood, the date is refused, and the person is told why ("by 9999-12-31").
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.limits import check_date
from bot.vocabulary import HOUR_UNITS, MINUTE_UNITS, Words, alternation

__all__ = [
    "looks_like_time",
    "parse_due",
    "parse_duration",
    "parse_when",
]

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# ---------------------------------------------------------------------------------------------------------
# Normalisation and numbers

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u2e80-\u9fff]")
# Chinese numerals as people type them in times: 三, 十五, 二十三, 两; four characters cover 二零二六.
_ZH_NUMERAL = "[零〇一二两三四五六七八九十]{1,4}"
_ZH_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))


def _normalize(text: str) -> str:
    """NFKC (full-width digits, colons and commas become ASCII), lower case, one space between words."""
    folded = unicodedata.normalize("NFKC", text).lower().replace(",", " ")
    return _SPACES.sub(" ", folded).strip(" .!?;。、")


def _zh_int(numeral: str) -> int | None:
    """An ASCII or Chinese whole number: "15", "十五", "二十", "两", "二零二六"."""
    if numeral.isascii():
        return int(numeral) if numeral.isdigit() else None
    tens, ten, ones = numeral.partition("十")
    if ten:
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return None
        high = _ZH_DIGITS.get(tens, -1) if tens else 1
        low = _ZH_DIGITS.get(ones, -1) if ones else 0
        return None if high < 0 or low < 0 else high * 10 + low
    digits = [_ZH_DIGITS.get(char) for char in numeral]
    return None if None in digits else int("".join(str(digit) for digit in digits))


def _number(word: str) -> float | None:
    if word in ("a", "an", "one"):
        return 1.0
    if word.replace(".", "", 1).isdigit():
        return float(word)
    return _zh_int(word)


# ---------------------------------------------------------------------------------------------------------
# Durations

_AMOUNT = rf"\d{{1,5}}(?:\.\d+)?|{_ZH_NUMERAL}"
_HOUR_UNIT = alternation(HOUR_UNITS)  # the grammar's one list of units
_MINUTE_UNIT = alternation(MINUTE_UNITS)
_DURATION = re.compile(
    rf"(?:(?P<hours>{_AMOUNT})\s*个?(?P<half>半)?\s*(?:{_HOUR_UNIT})|(?P<one>an?|one)\s+hour)"
    rf"(?P<and_half>\s+and\s+a\s+half)?(?:\s*(?:and\s+)?(?P<extra>{_AMOUNT})\s*(?:{_MINUTE_UNIT}))?"
    rf"|(?P<minutes>{_AMOUNT})\s*(?:{_MINUTE_UNIT})"
    rf"|(?P<half_hour>half\s+an?\s+hour|half\s+hour|an?\s+half\s+hour|半{alternation(Words((), HOUR_UNITS.zh))})"
)


def parse_duration(text: str) -> timedelta | None:
    """A length of time: "1h", "90m", "90min", "1.5 hours", "1h30m", "1 hour and 30 minutes", "an hour",
    "half an hour", "1小时", "半小时", "90分钟", "一个半小时", "两小时", "1.5小时", "1小时30分".

    Whole minutes, rounded. None for anything else, including offsets ("in 2 hours", "两小时后"), days,
    zero, and bare numbers ("30": minutes or hours?).
    """
    match = _DURATION.fullmatch(_normalize(text))
    if match is None:
        return None
    if match["half_hour"]:
        return timedelta(minutes=30)
    if match["minutes"]:
        minutes = _number(match["minutes"])
    else:
        hours = 1.0 if match["one"] else _number(match["hours"])
        extra = _number(match["extra"]) if match["extra"] else 0.0
        if hours is None or extra is None:
            return None
        half = 30 if match["half"] or match["and_half"] else 0
        minutes = hours * 60 + half + extra
    if minutes is None or round(minutes) <= 0:
        return None
    return timedelta(minutes=round(minutes))


_RELATIVE = re.compile(r"in\s+(?P<ahead>.+)|(?P<offset>.+?)\s*(?:later|from now|以后|之后|过后|后)")


def _offset(text: str) -> timedelta | None:
    """The offset in "in 2 hours", "2 hours from now", "两小时后", or None."""
    match = _RELATIVE.fullmatch(text)
    return None if match is None else parse_duration(match["ahead"] or match["offset"])


# ---------------------------------------------------------------------------------------------------------
# Calendar helpers


def _weekday_date(today: date, weekday: int, weeks_ahead: int | None) -> date:
    """The `weekday` (0 = Monday) of the calendar week `weeks_ahead` from this one; None: the coming one,
    today included."""
    if weeks_ahead is None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return today + timedelta(days=weekday - today.weekday(), weeks=weeks_ahead)


def _upcoming(month: int, day: int, today: date) -> date | None:
    """The first `month`-`day` on or after today (29 February may be years away); None if never valid."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _upcoming_day_of_month(day: int, today: date) -> date | None:
    """5号: the 5th of this month, or of the next month that has one if it has passed."""
    year, month = today.year, today.month
    for _ in range(3):
        if day <= monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _month_end(today: date, months_ahead: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 + months_ahead, 12)
    return date(year, month + 1, monthrange(year, month + 1)[1])


def _working_hour(hour: int) -> int | None:
    """An hour said without am/pm or part of day: 1-6 are afternoon, the rest as written."""
    if not 0 <= hour <= 23:
        return None
    return hour + 12 if 1 <= hour <= 6 else hour


# ---------------------------------------------------------------------------------------------------------
# Chinese: dates become ISO dates, clock times become HH:MM

_ZH_N = rf"\d{{1,4}}|{_ZH_NUMERAL}"
_ZH_DAY_OFFSETS = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
    "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
}  # fmt: skip
_ZH_WEEK_OFFSETS = {"上上": -2, "上": -1, "下": 1, "下下": 2}  # 这 / 本 / nothing: the coming one
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_DATE = re.compile(
    r"(?P<day>大前天|大后天|前天|昨天|昨日|今天|今日|明天|明日|后天)"
    r"|(?P<short_day>[昨今明])(?P<part>[晚早夜])"  # 今晚, 明早
    r"|(?P<week>上上|下下|上|下|这|本)?个?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7])"
    rf"|(?:(?P<year>\d{{4}}|[零〇一二三四五六七八九]{{4}})年|(?P<rel_year>今年|明年))?"
    rf"(?P<month>{_ZH_N})月(?P<mday>{_ZH_N})[日号]"
    rf"|(?P<count>{_ZH_N})个?(?P<unit>天|日|周|星期|礼拜)(?:以后|之后|过后|后)"
    rf"|(?P<dom>{_ZH_N})[日号]"
    r"|(?P<month_end>(?:本|这个?|下个?)?月底)"
)
# Part of day -> how it turns an hour into a 24-hour one (see _zh_hour).
_ZH_PARTS = {
    "凌晨": "early", "半夜": "early", "清晨": "am", "早上": "am", "早晨": "am", "上午": "am", "早": "am",
    "中午": "noon", "午后": "pm", "下午": "pm", "傍晚": "pm",
    "晚上": "night", "晚间": "night", "夜里": "night", "夜间": "night", "深夜": "night", "晚": "night",
}  # fmt: skip
_ZH_PART = "|".join(sorted(_ZH_PARTS, key=len, reverse=True))
_ZH_CLOCK = re.compile(
    rf"(?P<part>{_ZH_PART})?\s*(?P<hour>{_ZH_N})\s*[点點时]钟?"  # 3点钟
    rf"(?:\s*(?P<half>半)|\s*(?P<quarters>[一三])刻|\s*(?P<minute>{_ZH_N})\s*分?|[整正])?"  # 8点正 = 8点整
)
_ZH_COLON_CLOCK = re.compile(rf"(?P<part>{_ZH_PART})?\s*(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})")
_ZH_LONE_PART = re.compile(rf"{_ZH_PART}|午夜")
_ZH_LEAD = re.compile(r"^[在于]\s*")


def _zh_hour(hour: int, part: str | None) -> tuple[int, bool] | None:
    """(24-hour hour, whether it is on the following day) for `hour` said with a Chinese part of day."""
    kind = _ZH_PARTS.get(part or "")
    if kind is None:
        working = _working_hour(hour)
        return None if working is None else (working, False)
    if kind == "early" and 0 <= hour <= 12:
        return hour % 12, False
    if kind == "am" and 0 <= hour <= 12:
        return hour, False
    if kind == "noon" and (11 <= hour <= 12 or 1 <= hour <= 5):
        return hour + 12 if hour <= 5 else hour, False
    if kind in ("pm", "night") and 1 <= hour <= 23:
        if kind == "night" and hour == 12:
            return 0, True  # 晚上12点: midnight, which starts the next day
        if kind == "night" and hour <= 4:
            return hour, True  # 夜里1点 / 今晚2点: the small hours after that night, never 13:00
        return hour + 12 if hour < 12 else hour, False
    return None


@dataclass
class _ZhReading:
    """What the Chinese grammar found; `take_*` are `re.sub` callbacks that record and blank a match."""

    today: date
    day: date | None = None
    bump: bool = False  # a "coming weekday": move a week on if its time has passed today
    part: str | None = None  # part of day carried by 今晚 / 明早
    clock: time | None = None
    next_day: bool = False  # 晚上12点 / 午夜
    dates: int = 0
    clocks: int = 0
    invalid: bool = False

    def take_date(self, match: re.Match[str]) -> str:
        self.dates += 1
        today = self.today
        found: date | None
        if match["day"]:
            found = today + timedelta(days=_ZH_DAY_OFFSETS[match["day"]])
        elif match["short_day"]:
            found = today + timedelta(days="昨今明".index(match["short_day"]) - 1)
            self.part = "早" if match["part"] == "早" else "晚"
        elif match["weekday"]:
            weekday = match["weekday"]
            index = int(weekday) - 1 if weekday.isdigit() else _ZH_WEEKDAYS[weekday]
            weeks = _ZH_WEEK_OFFSETS.get(match["week"] or "")
            self.bump = weeks is None
            found = _weekday_date(today, index, weeks)
        elif match["mday"] and match["rel_year"]:  # 明年3月1日
            found = self._month_day(str(today.year + (match["rel_year"] == "明年")), match["month"], match["mday"])
        elif match["mday"]:
            found = self._month_day(match["year"], match["month"], match["mday"])
        elif match["count"]:
            count = _zh_int(match["count"])
            days = None if count is None else count * (1 if match["unit"] in ("天", "日") else 7)
            found = None if days is None else today + timedelta(days=days)
        elif match["dom"]:
            dom = _zh_int(match["dom"])
            found = None if dom is None or dom < 1 else _upcoming_day_of_month(dom, today)
        else:
            found = _month_end(today, 1 if "下" in match["month_end"] else 0)
        self.invalid |= found is None
        self.day = found
        return " "

    def _month_day(self, year_text: str | None, month_text: str, day_text: str) -> date | None:
        month, day = _zh_int(month_text), _zh_int(day_text)
        if month is None or day is None:
            return None
        if year_text is None:
            return _upcoming(month, day, self.today) if 1 <= month <= 12 else None
        year = _zh_int(year_text)
        try:
            return None if year is None else date(year, month, day)
        except ValueError:
            return None

    def take_clock(self, match: re.Match[str]) -> str:
        part = match["part"] or self.part
        if match.re is _ZH_COLON_CLOCK and part is None:
            return match[0]  # "15:00" with no part of day: dateparser reads it as written
        said_hour = _zh_int(match["hour"])
        hour = None if said_hour is None else _zh_hour(said_hour, part)
        groups = match.groupdict()
        minute: int | None = 0
        if groups.get("half"):
            minute = 30
        elif groups.get("quarters"):
            minute = 15 if groups["quarters"] == "一" else 45
        elif match["minute"]:
            minute = _zh_int(match["minute"])
        if hour is None or minute is None or minute > 59:
            self.invalid = True
            return " "
        self.clocks += 1
        self.clock = time(hour[0], minute)
        self.next_day |= hour[1]
        return " "

    def take_lone_part(self, match: re.Match[str]) -> str:
        if match[0] in ("中午", "午夜"):  # a moment, not a span: noon / midnight
            self.clocks += 1
            self.clock = time(12) if match[0] == "中午" else time(0)
            self.next_day |= match[0] == "午夜"
        return " "  # 下午 / 晚上 alone name no hour: no time of day

    def text(self, rest: str) -> str:
        """The reading as ISO date and HH:MM, around what the grammar left (ASCII, e.g. "3pm")."""
        pieces = []
        if self.day is not None:
            pieces.append((self.day + timedelta(days=self.next_day)).isoformat())
        if self.clock is not None:
            pieces.append(f"{self.clock:%H:%M}")
        return " ".join([*pieces, rest]).strip()


def _translate_zh(text: str, today: date) -> tuple[str, bool] | None:
    """`text` with its Chinese date and time words replaced, and whether it named a coming weekday.
    None if some Chinese is not understood or it names two dates or two times."""
    if not _CJK.search(text):
        return text, False
    reading = _ZhReading(today)
    rest = _ZH_LEAD.sub("", text)
    rest = _ZH_DATE.sub(reading.take_date, rest)
    rest = _ZH_CLOCK.sub(reading.take_clock, rest)
    rest = _ZH_COLON_CLOCK.sub(reading.take_clock, rest)
    rest = _ZH_LONE_PART.sub(reading.take_lone_part, rest)
    if reading.invalid or reading.dates > 1 or reading.clocks > 1 or _CJK.search(rest):
        return None
    return reading.text(_SPACES.sub(" ", rest).strip()), reading.bump


# ---------------------------------------------------------------------------------------------------------
# English: weekday phrases, end of month, bare hours, small spelling fixes

_EN_WEEKDAY = re.compile(
    r"\b(?:(?P<rel>this|next|coming|last)\s+(?:week\s+(?:on\s+)?)?)?"
    r"(?P<weekday>monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)\b"
    r"(?:\s+(?P<week>this|next|last)\s+week)?"
)
_EN_WEEK_OFFSETS = {"next": 1, "last": -1}  # this / coming / nothing: the coming one
_EN_MONTH_END = re.compile(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?month|eom)\b")
# "at 3", "3 o'clock": an hour with no am/pm and no minutes.
_EN_BARE_HOUR = re.compile(
    r"\bat\s+(?P<at>\d{1,2})(?:\s*o['’]?clock)?(?![\d:.])(?!\s*[ap]\.?m\b)|\b(?P<oclock>\d{1,2})\s*o['’]?clock\b"
)
# "a week from today", "2 days from today", "a week today": dateparser counted these backwards (a week ago),
# so they become "in a week" first (`_FROM_TODAY`, which `reading` applies too, before its own readings).
_FROM_TODAY = re.compile(r"\b(an?|one|\d{1,3})\s+(days?|weeks?|months?)\s+(?:from\s+)?today\b")
_EN_SPELLING = (
    (re.compile(r"\b(?:tmrw|tmr)\b"), "tomorrow"),
    (re.compile(r"\bmidday\b"), "noon"),
    (re.compile(r"\b(\d{1,2})\.(\d{2})\s*([ap]m)\b"), r"\1:\2\3"),  # 3.30pm
    (_FROM_TODAY, r"in \1 \2"),
    # "tonight at midnight": the midnight that ends tonight (a bare "midnight"), not the one that began today
    (re.compile(r"\b(?:(?:at\s+)?midnight\s+tonight|tonight\s+at\s+midnight)\b"), "midnight"),
)
# "the 5th", "on the 22nd": a day of the month with no month named, like 5号 (this month's, or the next
# month's that has one if it has passed). dateparser took "5th" for May and "1st" for January.
_EN_ORDINAL_DAY = re.compile(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")
_EN_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
# "tonight at 8", "tomorrow morning at 10:30": an hour said with a part of the day is read in it (20:00,
# 10:30), and one that cannot be in it ("tonight at 8am", "night at 2", "tonight at 12") is refused.
_EN_PART = re.compile(r"\b(morning|afternoon|evening|tonight|night)\b")
_EN_PART_HOURS = {
    "morning": range(1, 12), "afternoon": range(12, 19), "evening": range(17, 24), "tonight": range(17, 24),
    "night": range(18, 24),
}  # fmt: skip
# "tonight 8", "8 tonight": a lone hour beside a part of the day is its hour ("tonight at 8"); not a range
# ("tonight 8-10"), a clock ("8:30"), a meridiem or a length ("tonight 2 hours").
_PART_LONE_HOUR = re.compile(
    r"\b(tonight|evening|night|morning|afternoon)\s+(\d{1,2})\b(?![:.\d]|\s*(?:[ap]\.?m\b|o['’]?clock|-|–|~|to\b|h\b|hours?\b|hrs?\b|m\b|min))"
)
_LONE_HOUR_PART = re.compile(r"(?<![\d:.@-])(?<!\bat\s)\b(\d{1,2})\s+(tonight)\b")
_EN_MERIDIEM_CLOCK = re.compile(r"\b(\d{1,2})(?::\d{2})?\s*([ap])\.?m\b")
# "1pm-3", "8pm - 11", "3-4pm", "2 to 4pm": a range, which is a start plus a length (`read_span`), never
# a start. The lookarounds keep ISO dates ("2026-12-05") and slashes ("12/5") out.
_EN_RANGE = re.compile(
    r"(?<![\d/-])\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:-|–|—|~|\bto\b|\buntil\b|\btill\b)\s*\d{1,2}(?![\d/-])"
)
_EN_PLAIN_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b(?!\s*[ap]\.?m\b)")
# Only a time of day, no date: we find the next such moment ourselves, because dateparser's "future" turns
# "9am" said on a month's last evening into the 1st of the same month (or of December next year).
_EN_TIME_ONLY = re.compile(r"(?:at\s+)?(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?|noon|midnight)")
# A duration inside a start time ("tomorrow 3pm 1h"): dateparser would read "1h" as "in an hour".
_DURATION_TOKEN = re.compile(r"\b\d+(?:\.\d+)?\s*(?:h|hrs?|hours?|m|mins?|minutes?)\b")


def _part_hour(part: str | None, said: int) -> int | None:
    """The 24-hour hour for `said` (no am/pm) after a part of the day; without one, the working-hours
    reading. None if the part leaves no hour or two."""
    if part is None:
        return _working_hour(said)
    if said > 12:
        return said  # a 24-hour clock says itself
    fits = {hour for hour in (said % 12, said % 12 + 12) if hour in _EN_PART_HOURS[part]}
    return fits.pop() if len(fits) == 1 else None


def _part_of_day_clash(text: str) -> bool:
    """An English part of the day with an hour that cannot be in it: "tonight at 8am", "this morning at
    8pm", "night at 2". Such a phrase names two times; `reading.read_when` asks which."""
    part = _EN_PART.search(text)
    if part is None:
        return False
    allowed = _EN_PART_HOURS[part[1]]
    for clock in _EN_MERIDIEM_CLOCK.finditer(text):
        hour = int(clock[1]) % 12 + (12 if clock[2] == "p" else 0)
        if hour not in allowed:
            return True
    bare = [int(match["at"] or match["oclock"]) for match in _EN_BARE_HOUR.finditer(text)]
    bare += [int(match[1]) for match in _EN_PLAIN_CLOCK.finditer(text)]
    return any(_part_hour(part[1], said) is None for said in bare)


def _rewrite_en(text: str, today: date) -> tuple[str, bool] | None:
    """`text` with weekday phrases and "end of month" as ISO dates and bare hours as HH:00, and whether it
    named a coming weekday; None if a part of the day and an hour clash."""
    bump = False
    text = _PART_LONE_HOUR.sub(r"\1 at \2", _LONE_HOUR_PART.sub(r"at \1 \2", text))  # "tonight 8" = "tonight at 8"
    if _part_of_day_clash(text):
        return None
    part_match = _EN_PART.search(text)
    part = None if part_match is None else part_match[1]

    def weekday(match: re.Match[str]) -> str:
        nonlocal bump
        index = _WEEKDAYS_EN.index(match["weekday"][:3].title())
        weeks = _EN_WEEK_OFFSETS.get(match["rel"] or "", _EN_WEEK_OFFSETS.get(match["week"] or ""))
        bump |= weeks is None
        return _weekday_date(today, index, weeks).isoformat()

    def bare_hour(match: re.Match[str]) -> str:
        hour = _part_hour(part, int(match["at"] or match["oclock"]))
        return match[0] if hour is None else f"at {hour:02d}:00"

    def part_clock(match: re.Match[str]) -> str:  # "tonight at 8:30"
        hour = _part_hour(part, int(match[1]))
        return match[0] if hour is None else f"{hour:02d}:{match[2]}"

    def ordinal_day(match: re.Match[str]) -> str:  # "the 5th"; an impossible day stays as said, unread
        found = _upcoming_day_of_month(int(match[1]), today) if int(match[1]) >= 1 else None
        return match[0] if found is None else found.isoformat()

    for pattern, replacement in _EN_SPELLING:
        text = pattern.sub(replacement, text)
    if part is not None:
        text = _EN_PLAIN_CLOCK.sub(part_clock, text)
    text = _EN_WEEKDAY.sub(weekday, text)
    text = _EN_MONTH_END.sub(_month_end(today, 0).isoformat(), text)
    if not _EN_MONTH_NAME.search(text):
        text = _EN_ORDINAL_DAY.sub(ordinal_day, text)
    return _EN_BARE_HOUR.sub(bare_hour, text), bump


# ---------------------------------------------------------------------------------------------------------
# Resolution


@dataclass(frozen=True)
class _Found:
    value: datetime  # naive: the speaker's wall clock
    has_time: bool  # a time of day was said
    is_date: bool  # it names one day (not "next week", "may")
    bump: bool


def _resolve(text: str, local_now: datetime) -> _Found | None:
    today = local_now.date()
    translated = _translate_zh(text, today)
    if translated is None:
        return None
    english, zh_bump = translated
    rewritten = _rewrite_en(english, today)
    if rewritten is None:
        return None
    english, en_bump = rewritten
    if not english or _DURATION_TOKEN.search(english) or _EN_RANGE.search(english):
        return None
    plain = _plain_clock(english, local_now)
    if plain is not None:
        return _Found(plain, has_time=True, is_date=True, bump=zh_bump or en_bump)
    return _dateparser(english, local_now, zh_bump or en_bump)


# What most starts come to after the steps above ("tomorrow 3pm"; 明天下午3点 is "2026-11-24 15:00"): a day
# we name or none, and a clock time. Read here as dateparser reads it (tests/test_timeparse.py holds the two
# to the same answers), at a fiftieth of its cost; anything else goes to dateparser.
_PLAIN_CLOCK = re.compile(
    r"(?:(?P<day>today|tomorrow|\d{4}-\d{2}-\d{2})\s+)?(?:at\s+)?"
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<meridiem>am|pm)?"
)


def _plain_clock(english: str, local_now: datetime) -> datetime | None:
    """The wall-clock moment of a day and a clock time, as dateparser gives it; None for any other text."""
    match = _PLAIN_CLOCK.fullmatch(english)
    if match is None or (match["minute"] is None and match["meridiem"] is None):
        return None  # a bare number is no time
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["meridiem"] is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["meridiem"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    today = local_now.date()
    day = match["day"]
    if day is None:  # the next such moment: today if still ahead, else tomorrow
        moment = datetime.combine(today, time(hour, minute))
        return moment + timedelta(days=moment < local_now)
    try:
        on = today if day == "today" else today + timedelta(days=1) if day == "tomorrow" else date.fromisoformat(day)
    except ValueError:
        return None
    return datetime.combine(on, time(hour, minute))


def _dateparser(english: str, local_now: datetime, bump: bool) -> _Found | None:
    """dateparser's reading of what is left in English, with the post-fixes of the module docstring."""
    today = local_now.date()
    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": local_now,  # naive on purpose: see the module docstring
            "PREFER_DATES_FROM": "future",
            "RETURN_TIME_AS_PERIOD": True,
            "PARSERS": ["relative-time", "absolute-time"],  # no Unix timestamps
        },
    )
    data = parser.get_date_data(english)
    if data.date_obj is None:
        return None
    value = data.date_obj
    if _EN_TIME_ONLY.fullmatch(english):
        value = datetime.combine(today, value.time())
        value += timedelta(days=value < local_now)
    parts: tuple[str, ...] = vars(data).get("parts", ())  # new in dateparser 1.5, not in its stubs yet
    if "month" in parts and "day" in parts and "year" not in parts:
        upcoming = _upcoming(value.month, value.day, today)
        value = value if upcoming is None else datetime.combine(upcoming, value.time())
    # period is "day" for "in 3 days at 9am" said at 09:00 (the time did not move the base), so ask parts
    # too; "part_of_day" ("tonight", "tomorrow afternoon") has a time in parts but none was said.
    period = str(data.period)
    has_time = period == "time" or (period == "day" and "time" in parts)
    return _Found(value, has_time, period in ("day", "time", "part_of_day"), bump)


def _local_now(now: datetime, tz: ZoneInfo) -> datetime:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(tz).replace(tzinfo=None)


def _attach(wall: datetime, tz: ZoneInfo) -> datetime:
    """`wall` in `tz`; a wall time in a DST gap moves forward by the gap."""
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A meeting start said by someone in `tz` at `now` (aware, any zone): an aware datetime in `tz`.

    Accepts one whole time expression, spaces allowed ("tomorrow 3pm", "明天 下午3点", "on friday at 2pm",
    "in 2 hours", "两小时后"), and nothing else: surrounding words, or a duration ("tomorrow 3pm 1h"),
    give None. None also when there is no time of day ("tomorrow", "明天下午"). Past results are returned
    as they are ("yesterday 3pm"). Semantics: see the module docstring.
    """
    local_now = _local_now(now, tz)
    normalized = _normalize(text)
    offset = _offset(normalized)
    if offset is not None:
        moment = (now.astimezone(UTC) + offset).astimezone(tz)
        check_date(moment.date())
        return moment
    found = _resolve(normalized, local_now)
    if found is None or not found.has_time:
        return None
    value = found.value
    check_date(value.date())  # before any arithmetic: 9999-12-31 plus a week, or 0001-01-01 in UTC, overflow
    if found.bump and value < local_now:
        value += timedelta(weeks=1)
    return _attach(value, tz)


_DUE_LEAD = re.compile(r"^(?:no later than|due by|due on|due|by|before|until|till|截止到|截止|截至|到)\s*")
_DUE_TRAIL = re.compile(r"\s*(?:之前|以前|前|为止)$")  # "by", never "ago"
_DAYS_LENGTH = re.compile(rf"(?:\d{{1,4}}|an?|one|{_ZH_NUMERAL})\s*个?(?:days?|weeks?|天|日|周|星期|礼拜)")
_WITHIN = re.compile(
    r"(?:in|within)\s+(?P<en>\d{1,4}|an?|one)\s*(?P<en_unit>days?|weeks?)"
    rf"|(?P<zh>\d{{1,4}}|{_ZH_NUMERAL})\s*个?(?P<zh_unit>天|日|周|星期|礼拜)(?:以内|之内|内)"
)


def parse_due(text: str, *, now: datetime, tz: ZoneInfo) -> date | None:
    """An action item's due date, said by someone in `tz` at `now`: the date in `tz`.

    "by friday", "friday", "Dec 5", "by 2026-12-05", "in 3 days", "within 2 weeks", "tomorrow",
    "next monday", "end of month", "周五前", "12月5日前", "下周一", "明天", "3天内", "3天后", "本周五",
    "月底前", "5号前". A trailing 前 / 之前 / 以前 means "by", never "ago" ("3天前" is None, not three days
    ago). A coming weekday includes today. None for vague spans ("next week", "下周").
    """
    local_now = _local_now(now, tz)
    today = local_now.date()
    normalized = _DUE_TRAIL.sub("", _DUE_LEAD.sub("", _normalize(text)))
    within = _WITHIN.fullmatch(normalized)
    if within is not None:
        count = _number(within["en"]) if within["en"] else _zh_int(within["zh"])
        unit = within["en_unit"] or within["zh_unit"]
        if count is None:
            return None
        return check_date(today + timedelta(days=int(count) * (1 if unit in ("day", "days", "天", "日") else 7)))
    offset = _offset(normalized)
    if offset is not None:
        return check_date((now.astimezone(UTC) + offset).astimezone(tz).date())
    if parse_duration(normalized) is not None or _DAYS_LENGTH.fullmatch(normalized):
        return None  # a length ("2 days", "两天"): `delay 2 days` shifts the due date, see `parse_delay`
    found = _resolve(normalized, local_now)
    if found is None or not found.is_date:
        return None
    return check_date(found.value.date())


# ---------------------------------------------------------------------------------------------------------
# Hints

_HINT_WORDS = frozenset({
    "today", "tonight", "tomorrow", "tmrw", "tmr", "yesterday", "noon", "midnight", "midday", "eom", "weekend",
    "monday", "mon", "tuesday", "tues", "tue", "wednesday", "weds", "wed", "thursday", "thurs", "thur", "thu",
    "friday", "fri", "saturday", "sat", "sunday", "sun",
    "january", "jan", "february", "feb", "march", "mar", "april", "apr", "may", "june", "jun", "july", "jul",
    "august", "aug", "september", "sept", "sep", "october", "oct", "november", "nov", "december", "dec",
})  # fmt: skip
_HINT_EN = re.compile(
    r"\d{1,2}(?:[:.]\d{2})?(?:am|pm)|\d{1,2}:\d{2}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
)
_HINT_ZH = re.compile(
    rf"[今明后昨前]天|[今明昨][晚早]|(?:周|星期|礼拜)[一二三四五六日天1-7]|{_ZH_PART}|午夜"
    rf"|(?:\d|[零〇一二两三四五六七八九十])\s*[点點]|\d\s*时|月(?:{_ZH_N})[日号]|(?:{_ZH_N})[日号]"
    r"|(?:小时|钟头|分钟|天|周|星期|个月)(?:以后|之后|过后|后|以内|之内|内)|月底|周末|下周前"
)


def looks_like_time(token: str) -> bool:
    """A cheap hint that one whitespace-separated token belongs to a time expression: "3pm", "15:00",
    "tomorrow", "fri", "dec", "2026-12-05", "12/5", "明天下午3点", "周五", "两小时后".

    Connectors ("at", "on", "in", "next", "this") and numbers alone are not hints; a hint is not a parse,
    so confirm with `parse_when` / `parse_due`.
    """
    normalized = _normalize(token)
    return (
        normalized in _HINT_WORDS
        or _HINT_EN.fullmatch(normalized) is not None
        or _HINT_ZH.search(normalized) is not None
    )
