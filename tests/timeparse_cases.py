"""Labelled time expressions, shared by tests/test_timeparse.py and `python -m bench.timeparse_accuracy`.

Expected values are wall-clock times in the speaker's own zone, so one table serves every zone. Unless a
case says otherwise it is said on Monday 2026-11-23 at 09:00. Week of reference (weeks start on Monday):
Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Sun 29 November; Mon 30 Nov, Fri 4 Dec, Sat 5 Dec.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

MON_0900 = datetime(2026, 11, 23, 9, 0)
MON_1600 = datetime(2026, 11, 23, 16, 0)  # late in the day: bare times roll over to tomorrow
FRI_1600 = datetime(2026, 11, 27, 16, 0)  # on a Friday, after 15:00
SAT_1000 = datetime(2026, 11, 28, 10, 0)
SUN_1000 = datetime(2026, 11, 29, 10, 0)
DEC05_1600 = datetime(2026, 12, 5, 16, 0)
DEC10_1100 = datetime(2026, 12, 10, 11, 0)
NOV30_2300 = datetime(2026, 11, 30, 23, 0)  # a month's last evening: a bare time is 1 December
NYE_2359 = datetime(2026, 12, 31, 23, 59)


def _nov(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


def _dec(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute)


@dataclass(frozen=True)
class WhenCase:
    id: str
    text: str
    expected: datetime | None  # parse_when's answer as wall clock in the speaker's zone
    said_at: datetime = MON_0900

    @property
    def lang(self) -> Literal["en", "zh"]:
        return "en" if self.text.isascii() else "zh"


@dataclass(frozen=True)
class DueCase:
    id: str
    text: str
    expected: date | None
    said_at: datetime = MON_0900

    @property
    def lang(self) -> Literal["en", "zh"]:
        return "en" if self.text.isascii() else "zh"


WHEN_CASES: tuple[WhenCase, ...] = (
    # Chinese
    WhenCase("zh-tomorrow-afternoon", "明天下午3点", _nov(24, 15)),
    WhenCase("zh-tomorrow-afternoon-spaced", "明天 下午3点", _nov(24, 15)),
    WhenCase("zh-day-after-tomorrow-morning", "后天上午10点", _nov(25, 10)),
    WhenCase("zh-next-week-friday", "下周五上午10点", _dec(4, 10)),
    WhenCase("zh-next-week-friday-late", "下周五上午10点", _dec(4, 10), MON_1600),
    WhenCase("zh-tonight", "今晚8点", _nov(23, 20)),
    WhenCase("zh-in-two-hours", "两小时后", _nov(23, 11)),
    WhenCase("zh-in-two-hours-late", "两小时后", _nov(23, 18), MON_1600),
    WhenCase("zh-month-day-afternoon", "12月5日下午2点", _dec(5, 14)),
    WhenCase("zh-tomorrow-colon", "明天15:00", _nov(24, 15)),
    WhenCase("zh-wednesday-half-past-two", "周三下午两点半", _nov(25, 14, 30)),
    WhenCase("zh-afternoon-3", "下午3点", _nov(23, 15)),
    WhenCase("zh-afternoon-3-late", "下午3点", _nov(24, 15), MON_1600),
    WhenCase("zh-today-half-past-four", "今天下午4点半", _nov(23, 16, 30)),
    WhenCase("zh-today-past-stays-past", "今天下午3点", _nov(23, 15), MON_1600),
    WhenCase("zh-three-days-on-morning", "大后天早上9点", _nov(26, 9)),
    WhenCase("zh-noon-12", "中午12点", _nov(23, 12)),
    WhenCase("zh-noon-12-late", "中午12点", _nov(24, 12), MON_1600),
    WhenCase("zh-evening-7", "晚上7点", _nov(23, 19)),
    WhenCase("zh-small-hours-2", "凌晨2点", _nov(24, 2)),
    WhenCase("zh-in-three-hours", "3小时后", _nov(23, 12)),
    WhenCase("zh-in-half-hour", "半小时后", _nov(23, 9, 30)),
    WhenCase("zh-in-90-minutes", "90分钟后", _nov(23, 10, 30)),
    WhenCase("zh-in-hour-and-half", "一个半小时后", _nov(23, 10, 30)),
    WhenCase("zh-full-date-colon", "2026年12月5日 14:00", _dec(5, 14)),
    WhenCase("zh-month-day-hao", "12月5号上午9点", _dec(5, 9)),
    WhenCase("zh-friday-colon", "周五 10:00", _nov(27, 10)),
    WhenCase("zh-xingqi-friday", "星期五下午3点", _nov(27, 15)),
    WhenCase("zh-this-week-friday", "本周五下午3点", _nov(27, 15)),
    WhenCase("zh-this-monday-still-ahead", "这周一上午10点", _nov(23, 10)),
    WhenCase("zh-this-monday-passed", "这周一上午10点", _nov(30, 10), MON_1600),
    WhenCase("zh-friday-passed-on-friday", "周五下午3点", _dec(4, 15), FRI_1600),
    WhenCase("zh-friday-ahead-on-friday", "周五下午5点", _nov(27, 17), FRI_1600),
    WhenCase("zh-next-monday-said-sunday", "下周一上午9点", _nov(30, 9), SUN_1000),
    WhenCase("zh-week-after-next", "下下周一上午10点", _dec(7, 10)),
    WhenCase("zh-next-ge-xingqi", "下个星期五上午10点", _dec(4, 10)),
    WhenCase("zh-xingqi-tian", "星期天上午10点", _nov(29, 10)),
    WhenCase("zh-last-week-friday", "上周五下午3点", _nov(20, 15)),
    WhenCase("zh-colon-is-24h", "明天3:00", _nov(24, 3)),
    WhenCase("zh-bare-3-is-afternoon", "明天3点", _nov(24, 15)),
    WhenCase("zh-bare-9-is-morning", "明天9点", _nov(24, 9)),
    WhenCase("zh-tomorrow-evening", "明晚8点", _nov(24, 20)),
    WhenCase("zh-numeral-half-past-ten", "十点半", _nov(23, 10, 30)),
    WhenCase("zh-quarter-past", "下午三点一刻", _nov(23, 15, 15)),
    WhenCase("zh-hour-minute", "15点30分", _nov(23, 15, 30)),
    WhenCase("zh-yesterday-stays-past", "昨天下午3点", _nov(22, 15)),
    WhenCase("zh-in-three-days-afternoon", "3天后下午2点", _nov(26, 14)),
    WhenCase("zh-midnight-tonight", "晚上12点", _nov(24, 0)),
    WhenCase("zh-midnight-tomorrow", "明天晚上12点", _nov(25, 0)),
    WhenCase("zh-iso-date-chinese-time", "2026-12-05 下午2点", _dec(5, 14)),
    WhenCase("zh-mixed-english-time", "明天 3pm", _nov(24, 15)),
    WhenCase("zh-tonight-colon", "今晚8:00", _nov(23, 20)),
    WhenCase("zh-full-width", "明天１５：００", _nov(24, 15)),
    WhenCase("zh-month-day-said-later", "12月5日下午2点", datetime(2027, 12, 5, 14), DEC10_1100),
    WhenCase("zh-month-day-only", "12月5日", None),
    WhenCase("zh-day-only", "明天", None),
    WhenCase("zh-part-of-day-only", "明天下午", None),
    WhenCase("zh-nonsense-weekday", "下下下周八", None),
    WhenCase("zh-am-15", "上午15点", None),
    WhenCase("zh-hour-25", "25点", None),
    WhenCase("zh-month-13", "13月5日下午2点", None),
    WhenCase("zh-february-30", "2月30日 10点", None),
    WhenCase("zh-trailing-duration", "明天下午3点 1小时", None),
    WhenCase("zh-duration-only", "两小时", None),
    WhenCase("zh-8-sharp", "明天8点正", _nov(24, 8)),
    WhenCase("zh-minutes-guohou", "5分钟过后", _nov(23, 9, 5)),
    WhenCase("zh-range-is-not-a-start", "下午3点至5点", None),
    WhenCase("zh-bare-time-on-month-end", "下午3点", _dec(1, 15), NOV30_2300),
    # English
    WhenCase("en-tomorrow-3pm", "tomorrow 3pm", _nov(24, 15)),
    WhenCase("en-3pm", "3pm", _nov(23, 15)),
    WhenCase("en-3pm-late", "3pm", _nov(24, 15), MON_1600),
    WhenCase("en-friday-10am", "friday 10am", _nov(27, 10)),
    WhenCase("en-next-friday", "next friday at 10:00", _dec(4, 10)),
    WhenCase("en-next-friday-said-thursday", "next friday 10am", _dec(4, 10), datetime(2026, 11, 26, 9)),
    WhenCase("en-this-friday", "this friday 3pm", _nov(27, 15)),
    WhenCase("en-friday-next-week", "friday next week 2pm", _dec(4, 14)),
    WhenCase("en-next-week-on-friday", "next week on friday 3pm", _dec(4, 15)),
    WhenCase("en-last-friday", "last friday 3pm", _nov(20, 15)),
    WhenCase("en-slash-is-month-first", "12/5 2pm", _dec(5, 14)),
    WhenCase("en-friday-passed-on-friday", "friday 3pm", _dec(4, 15), FRI_1600),
    WhenCase("en-friday-ahead-on-friday", "friday 5pm", _nov(27, 17), FRI_1600),
    WhenCase("en-in-2-hours", "in 2 hours", _nov(23, 11)),
    WhenCase("en-in-90-minutes", "in 90 minutes", _nov(23, 10, 30)),
    WhenCase("en-in-half-an-hour", "in half an hour", _nov(23, 9, 30)),
    WhenCase("en-hours-from-now", "2 hours from now", _nov(23, 11)),
    WhenCase("en-dec-5-2pm", "dec 5 2pm", _dec(5, 14)),
    WhenCase("en-dec-5-said-dec-10", "dec 5 2pm", datetime(2027, 12, 5, 14), DEC10_1100),
    WhenCase("en-dec-5-said-that-day", "dec 5 2pm", _dec(5, 14), DEC05_1600),
    WhenCase("en-iso", "2026-12-05 14:00", _dec(5, 14)),
    WhenCase("en-tomorrow-noon", "tomorrow at noon", _nov(24, 12)),
    WhenCase("en-monday-still-ahead", "monday 9:30am", _nov(23, 9, 30)),
    WhenCase("en-monday-passed", "monday 9:30am", _nov(30, 9, 30), MON_1600),
    WhenCase("en-next-monday", "next monday 10am", _nov(30, 10)),
    WhenCase("en-tonight-8pm", "tonight 8pm", _nov(23, 20)),
    WhenCase("en-noon-late", "noon", _nov(24, 12), MON_1600),
    WhenCase("en-yesterday-stays-past", "yesterday 3pm", _nov(22, 15)),
    WhenCase("en-24h", "15:00", _nov(23, 15)),
    WhenCase("en-tomorrow-330pm", "tomorrow 3:30pm", _nov(24, 15, 30)),
    WhenCase("en-tomorrow-dot-time", "tomorrow 3.30pm", _nov(24, 15, 30)),
    WhenCase("en-tmrw", "tmrw 3pm", _nov(24, 15)),
    WhenCase("en-at-3-is-afternoon", "tomorrow at 3", _nov(24, 15)),
    WhenCase("en-oclock", "friday at 10 o'clock", _nov(27, 10)),
    WhenCase("en-on-friday-at-2pm", "on friday at 2pm", _nov(27, 14)),
    WhenCase("en-day-after-tomorrow", "day after tomorrow 3pm", _nov(25, 15)),
    WhenCase("en-in-3-days-at-9am", "in 3 days at 9am", _nov(26, 9)),
    WhenCase("en-month-name", "december 5th at 2:30pm", _dec(5, 14, 30)),
    WhenCase("en-time-first", "3pm tomorrow", _nov(24, 15)),
    WhenCase("en-wed-abbrev", "Wed 3PM", _nov(25, 15)),
    WhenCase("en-day-only", "tomorrow", None),
    WhenCase("en-part-of-day-only", "tonight", None),
    WhenCase("en-duration-only", "1h", None),
    WhenCase("en-trailing-duration", "tomorrow 3pm for 1h", None),
    WhenCase("en-week-only", "next week", None),
    WhenCase("en-surrounding-words", "standup tomorrow 3pm", None),
    WhenCase("en-timestamp", "1700000000", None),
    WhenCase("en-hour-25", "at 25", None),
    WhenCase("en-banana", "banana", None),
    WhenCase("en-empty", "", None),
    WhenCase("en-tonight-at-8", "tonight at 8", _nov(23, 20)),  # was 08:00
    WhenCase("en-tonight-at-830", "tonight at 8:30", _nov(23, 20, 30)),
    WhenCase("en-tomorrow-evening-at-7", "tomorrow evening at 7", _nov(24, 19)),
    WhenCase("en-range-8pm-11", "8pm - 11", None),  # was 20:00, the end dropped
    WhenCase("en-range-1pm-3", "1pm-3", None),  # was a date months away
    WhenCase("en-range-3-4pm", "3-4pm", None),
    WhenCase("en-bare-time-on-month-end", "9am", _dec(1, 9), NOV30_2300),  # was 1 November
    WhenCase("en-bare-time-on-new-years-eve", "noon", datetime(2027, 1, 1, 12), NYE_2359),  # was 1 Dec 2027
)

DUE_CASES: tuple[DueCase, ...] = (
    # Chinese
    DueCase("due-zh-by-friday", "周五前", date(2026, 11, 27)),
    DueCase("due-zh-by-month-day", "12月5日前", date(2026, 12, 5)),
    DueCase("due-zh-next-monday", "下周一", date(2026, 11, 30)),
    DueCase("due-zh-tomorrow", "明天", date(2026, 11, 24)),
    DueCase("due-zh-within-3-days", "3天内", date(2026, 11, 26)),
    DueCase("due-zh-within-two-days", "两天内", date(2026, 11, 25)),
    DueCase("due-zh-in-3-days", "3天后", date(2026, 11, 26)),
    DueCase("due-zh-this-friday", "本周五", date(2026, 11, 27)),
    DueCase("due-zh-month-end", "月底前", date(2026, 11, 30)),
    DueCase("due-zh-next-friday-before", "下周五之前", date(2026, 12, 4)),
    DueCase("due-zh-day-of-month", "5号前", date(2026, 12, 5)),
    DueCase("due-zh-iso", "2026-12-05", date(2026, 12, 5)),
    DueCase("due-zh-monday-is-today", "周一前", date(2026, 11, 23)),
    DueCase("due-zh-friday-said-saturday", "周五", date(2026, 12, 4), SAT_1000),
    DueCase("due-zh-month-day-said-later", "12月5日", date(2027, 12, 5), DEC10_1100),
    DueCase("due-zh-with-time", "明天下午3点前", date(2026, 11, 24)),
    DueCase("due-zh-days-ago-is-not-ago", "3天前", None),
    DueCase("due-zh-week-only", "下周", None),
    # English
    DueCase("due-en-by-friday", "by friday", date(2026, 11, 27)),
    DueCase("due-en-friday", "friday", date(2026, 11, 27)),
    DueCase("due-en-by-iso", "by 2026-12-05", date(2026, 12, 5)),
    DueCase("due-en-month-day", "Dec 5", date(2026, 12, 5)),
    DueCase("due-en-month-day-said-that-day", "Dec 5", date(2026, 12, 5), DEC05_1600),
    DueCase("due-en-in-3-days", "in 3 days", date(2026, 11, 26)),
    DueCase("due-en-within-2-weeks", "within 2 weeks", date(2026, 12, 7)),
    DueCase("due-en-tomorrow", "tomorrow", date(2026, 11, 24)),
    DueCase("due-en-next-monday", "next monday", date(2026, 11, 30)),
    DueCase("due-en-end-of-month", "by end of month", date(2026, 11, 30)),
    DueCase("due-en-friday-said-saturday", "by friday", date(2026, 12, 4), SAT_1000),
    DueCase("due-en-week-only", "next week", None),
    DueCase("due-en-month-word", "may", None),
    DueCase("due-en-duration", "1h", None),
    DueCase("due-en-banana", "banana", None),
    DueCase("due-en-length-is-not-a-date", "2 days", None),  # "delay 2 days" moved a due date to now + 2
    DueCase("due-zh-length-is-not-a-date", "两天", None),
    DueCase("due-en-within-a-week", "within a week", date(2026, 11, 30)),
    DueCase("due-zh-one-week-zhinei", "一周之内", date(2026, 11, 30)),
    DueCase("due-zh-two-weeks-after", "两周后", date(2026, 12, 7)),
)
