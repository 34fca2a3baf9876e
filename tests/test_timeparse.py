"""bot.timeparse against a fixed clock, in two zones.

The single-answer functions run on the labelled table in timeparse_cases.py; the readers (`read_when`,
`read_span`, `read_due`) on the corpus in timeparse_corpus.py, with the wall clock pinned far from every
`now` the corpus says its phrases at, so an answer that leaked the real clock would fail.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.timeparse import (
    Reading,
    Span,
    format_date,
    format_when,
    looks_like_time,
    parse_delay,
    parse_due,
    parse_duration,
    parse_when,
    read_due,
    read_span,
    read_when,
)
from tests.timeparse_cases import DUE_CASES, MON_0900, WHEN_CASES, DueCase, WhenCase
from tests.timeparse_corpus import CORPUS, Answer, Phrase, judge, read

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [pytest.param(SHANGHAI, id="shanghai"), pytest.param(BERLIN, id="berlin")]


def test_case_table_is_big_enough_and_half_chinese() -> None:
    assert len(WHEN_CASES) >= 60
    assert sum(case.lang == "zh" for case in WHEN_CASES) * 2 >= len(WHEN_CASES)
    ids = [case.id for case in WHEN_CASES] + [case.id for case in DUE_CASES]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in WHEN_CASES])
def test_parse_when(case: WhenCase, tz: ZoneInfo) -> None:
    result = parse_when(case.text, now=case.said_at.replace(tzinfo=tz), tz=tz)
    if case.expected is None:
        assert result is None
    else:
        assert result is not None
        assert (result.replace(tzinfo=None), result.tzinfo) == (case.expected, tz)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in DUE_CASES])
def test_parse_due(case: DueCase, tz: ZoneInfo) -> None:
    assert parse_due(case.text, now=case.said_at.replace(tzinfo=tz), tz=tz) == case.expected


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("text", ["明天下午3点", "3pm", "两小时后", "周五 10:00"])
def test_now_in_another_zone_is_converted_first(text: str, tz: ZoneInfo) -> None:
    local_now = MON_0900.replace(tzinfo=tz)
    expected = parse_when(text, now=local_now, tz=tz)
    assert expected is not None
    assert parse_when(text, now=local_now.astimezone(UTC), tz=tz) == expected


def test_late_utc_now_is_already_tomorrow_in_shanghai() -> None:
    # 2026-11-23 17:00 UTC is 01:00 on Tuesday the 24th in Shanghai: "明天" is Wednesday.
    now = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert parse_when("明天下午3点", now=now, tz=SHANGHAI) == datetime(2026, 11, 25, 15, tzinfo=SHANGHAI)
    assert parse_due("明天", now=now, tz=SHANGHAI) == date(2026, 11, 25)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("3pm", now=MON_0900, tz=SHANGHAI)
    with pytest.raises(ValueError, match="aware"):
        parse_due("friday", now=MON_0900, tz=SHANGHAI)


def test_offsets_are_absolute_across_a_dst_change() -> None:
    # Berlin falls back at 03:00 CEST on 2026-10-25: 01:30 CEST + 2 h is 02:30 CET, not 03:30.
    now = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    result = parse_when("in 2 hours", now=now, tz=BERLIN)
    assert result is not None
    assert result.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=2)
    assert result.strftime("%H:%M %Z") == "02:30 CET"


def test_wall_time_in_a_dst_gap_moves_forward() -> None:
    # Berlin springs forward at 02:00 on 2027-03-28: 02:30 does not exist and becomes 03:30 CEST.
    now = datetime(2027, 3, 27, 9, 0, tzinfo=BERLIN)
    result = parse_when("明天凌晨2点半", now=now, tz=BERLIN)
    assert result is not None
    assert result.strftime("%Y-%m-%d %H:%M %Z") == "2027-03-28 03:30 CEST"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("banana", id="banana"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("下下下周八", id="zh-nonsense"),
        pytest.param("明天 周五 下午3点", id="zh-two-dates"),
        pytest.param("下午3点 晚上8点", id="zh-two-times"),
        pytest.param("香蕉下午3点", id="zh-unknown-word"),
        pytest.param("3", id="bare-number"),
    ],
)
def test_unparseable_is_none(text: str) -> None:
    now = MON_0900.replace(tzinfo=SHANGHAI)
    assert parse_when(text, now=now, tz=SHANGHAI) is None
    assert parse_due(text, now=now, tz=SHANGHAI) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        pytest.param("1h", 60, id="1h"),
        pytest.param("90m", 90, id="90m"),
        pytest.param("90min", 90, id="90min"),
        pytest.param("90 mins", 90, id="90-mins"),
        pytest.param("1.5 hours", 90, id="1.5-hours"),
        pytest.param("1 hour", 60, id="1-hour"),
        pytest.param("2 hrs", 120, id="2-hrs"),
        pytest.param("45 minutes", 45, id="45-minutes"),
        pytest.param("1h30m", 90, id="1h30m"),
        pytest.param("1h 30m", 90, id="1h-30m"),
        pytest.param("1 hour and 30 minutes", 90, id="hour-and-minutes"),
        pytest.param("an hour", 60, id="an-hour"),
        pytest.param("half an hour", 30, id="half-an-hour"),
        pytest.param("an hour and a half", 90, id="hour-and-a-half"),
        pytest.param("2H", 120, id="upper-case"),
        pytest.param("1小时", 60, id="zh-1-hour"),
        pytest.param("半小时", 30, id="zh-half-hour"),
        pytest.param("半个小时", 30, id="zh-half-ge-hour"),
        pytest.param("90分钟", 90, id="zh-90-minutes"),
        pytest.param("45分", 45, id="zh-45-fen"),
        pytest.param("十五分钟", 15, id="zh-numeral-minutes"),
        pytest.param("一个半小时", 90, id="zh-hour-and-half"),
        pytest.param("1个半小时", 90, id="zh-digit-hour-and-half"),
        pytest.param("两小时", 120, id="zh-two-hours"),
        pytest.param("两个小时", 120, id="zh-two-ge-hours"),
        pytest.param("1.5小时", 90, id="zh-decimal-hours"),
        pytest.param("1小时30分钟", 90, id="zh-hours-minutes"),
        pytest.param("１小时", 60, id="zh-full-width-digit"),
    ],
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("两小时后", id="zh-offset"),
        pytest.param("两小时以后", id="zh-offset-yihou"),
        pytest.param("1小时前", id="zh-ago"),
        pytest.param("in 2 hours", id="en-offset"),
        pytest.param("2 hours later", id="en-later"),
        pytest.param("2 hours ago", id="en-ago"),
        pytest.param("3pm", id="time"),
        pytest.param("明天", id="zh-day"),
        pytest.param("1 day", id="days"),
        pytest.param("0m", id="zero"),
        pytest.param("30", id="bare-number"),
        pytest.param("1.5", id="bare-decimal"),
        pytest.param("ah", id="interjection"),
        pytest.param("h", id="unit-only"),
        pytest.param("banana", id="banana"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_duration_rejects(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("dt", "lang", "expected"),
    [
        pytest.param(
            datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI),
            "en",
            "2026-11-24 15:00 (Tue) Asia/Shanghai",
            id="en",
        ),
        pytest.param(
            datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI),
            "zh",
            "2026-11-24 15:00（周二）Asia/Shanghai",
            id="zh",
        ),
        pytest.param(  # 07:00 UTC is 15:00 in Shanghai
            datetime(2026, 11, 24, 7, 0, tzinfo=UTC),
            "en",
            "2026-11-24 15:00 (Tue) Asia/Shanghai",
            id="converted",
        ),
        pytest.param(  # 20:30 UTC on Monday is already Tuesday in Shanghai
            datetime(2026, 11, 23, 20, 30, tzinfo=UTC),
            "zh",
            "2026-11-24 04:30（周二）Asia/Shanghai",
            id="next-day",
        ),
    ],
)
def test_format_when(dt: datetime, lang: str, expected: str) -> None:
    assert format_when(dt, SHANGHAI, "zh" if lang == "zh" else "en") == expected


def test_format_when_berlin() -> None:
    dt = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    assert format_when(dt, BERLIN, "en") == "2026-11-24 08:00 (Tue) Europe/Berlin"
    assert format_when(dt, BERLIN, "zh") == "2026-11-24 08:00（周二）Europe/Berlin"


def test_format_when_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_when(datetime(2026, 11, 24, 15, 0), SHANGHAI, "en")


@pytest.mark.parametrize(
    ("d", "en", "zh"),
    [
        pytest.param(date(2026, 12, 5), "2026-12-05 (Sat)", "2026-12-05（周六）", id="saturday"),
        pytest.param(date(2026, 12, 6), "2026-12-06 (Sun)", "2026-12-06（周日）", id="sunday"),
        pytest.param(date(2026, 11, 23), "2026-11-23 (Mon)", "2026-11-23（周一）", id="monday"),
    ],
)
def test_format_date(d: date, en: str, zh: str) -> None:
    assert format_date(d, "en") == en
    assert format_date(d, "zh") == zh


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param("3pm", True, id="3pm"),
        pytest.param("9:30am", True, id="9:30am"),
        pytest.param("15:00", True, id="24h"),
        pytest.param("tomorrow", True, id="tomorrow"),
        pytest.param("Friday", True, id="friday"),
        pytest.param("dec", True, id="month"),
        pytest.param("2026-12-05", True, id="iso"),
        pytest.param("12/5", True, id="slash"),
        pytest.param("明天下午3点", True, id="zh-datetime"),
        pytest.param("周五", True, id="zh-weekday"),
        pytest.param("两小时后", True, id="zh-offset"),
        pytest.param("12月5日", True, id="zh-month-day"),
        pytest.param("3天内", True, id="zh-within-days"),
        pytest.param("一周之内", True, id="zh-within-week"),
        pytest.param("一个月内", True, id="zh-within-month"),
        pytest.param("两周后", True, id="zh-weeks-later"),
        pytest.param("下周前", True, id="zh-before-next-week"),
        pytest.param("周末前", True, id="zh-weekend"),
        pytest.param("weekend", True, id="weekend"),
        pytest.param("standup", False, id="word"),
        pytest.param("at", False, id="connector"),
        pytest.param("1h", False, id="duration"),
        pytest.param("30", False, id="number"),
        pytest.param("周会", False, id="zh-word"),
        pytest.param("1小时", False, id="zh-duration"),
    ],
)
def test_looks_like_time(token: str, expected: bool) -> None:
    assert looks_like_time(token) is expected


# ---------------------------------------------------------------------------------------------------------
# The readers, on the corpus

# Far from every `now` in the corpus, in another year and season: a reader that read the wall clock would
# be caught by the phrases said on New Year's Eve or 29 February.
WALL_CLOCK = datetime(2031, 7, 15, 3, 33, tzinfo=UTC)
ISSUE_FAILURES = ("tonight at 8", "8pm - 11", "1pm-3", "in 3 days", "3天内", "Friday, December 5")


def test_corpus_is_broad_and_covers_the_reported_failures() -> None:
    assert len(CORPUS) >= 300
    for lang in ("en", "zh"):
        kinds = {phrase.kind for phrase in CORPUS if phrase.lang == lang}
        assert kinds == {"start", "span", "due"}
        assert sum(phrase.lang == lang for phrase in CORPUS) >= 120
    ids = [phrase.id for phrase in CORPUS]
    assert len(set(ids)) == len(ids)
    texts = {phrase.text for phrase in CORPUS}
    assert set(ISSUE_FAILURES) <= texts
    hostile = {phrase.said_at for phrase in CORPUS}
    assert {datetime(2026, 11, 29, 23, 30), datetime(2026, 12, 31, 23, 59), datetime(2028, 2, 29, 10)} <= hostile


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("phrase", [pytest.param(phrase, id=phrase.id) for phrase in CORPUS])
def test_corpus_reading(phrase: Phrase, tz: ZoneInfo) -> None:
    with time_machine.travel(WALL_CLOCK, tick=False):
        answer = read(phrase, tz)
    if phrase.ask:
        assert (answer.value, answer.asks) == (phrase.expected, True)
    elif phrase.expected is None or phrase.gap:
        assert answer.value is None or answer.asks
    else:
        assert answer == Answer(phrase.expected, phrase.assumed, asks=False)


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        pytest.param(Answer(datetime(2026, 11, 23, 20), (), asks=False), "right", id="right"),
        pytest.param(Answer(datetime(2026, 11, 23, 8), (), asks=False), "wrong", id="silent-misread"),
        pytest.param(Answer(datetime(2026, 11, 23, 20), ("evening",), asks=False), "wrong", id="unsaid-default"),
        pytest.param(Answer(None, (), asks=False), "refused or asked", id="refused"),
        pytest.param(Answer(datetime(2026, 11, 23, 8), (), asks=True), "refused or asked", id="asked"),
    ],
)
def test_judge(answer: Answer, verdict: str) -> None:
    phrase = Phrase("tonight", "start", "tonight at 8", datetime(2026, 11, 23, 20))
    assert judge(phrase, answer) == verdict


def test_judge_asking_is_right_only_where_asking_is_expected() -> None:
    contradiction = Phrase("d", "due", "Friday, December 5", date(2026, 12, 5), ask=True)
    assert judge(contradiction, Answer(date(2026, 12, 5), (), asks=True)) == "right"
    assert judge(contradiction, Answer(date(2026, 12, 5), (), asks=False)) == "wrong"
    assert judge(contradiction, Answer(date(2026, 12, 4), (), asks=True)) == "refused or asked"
    not_read_yet = Phrase("g", "due", "within a fortnight", date(2026, 12, 7), gap=True)
    assert judge(not_read_yet, Answer(None, (), asks=False)) == "refused or asked"
    assert judge(not_read_yet, Answer(date(2026, 12, 7), (), asks=False)) == "right"
    nonsense = Phrase("n", "due", "banana", None)
    assert judge(nonsense, Answer(None, (), asks=False)) == "right"
    assert judge(nonsense, Answer(date(2026, 12, 5), (), asks=False)) == "wrong"


# ---------------------------------------------------------------------------------------------------------
# The readers: what they say besides the value

NOW = MON_0900.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        pytest.param("tomorrow 3pm ish", "ish", id="en-trailing"),
        pytest.param("maybe tomorrow 3pm", "maybe", id="en-leading"),
        pytest.param("明天下午3点左右", "左右", id="zh-trailing"),
        pytest.param("banana", "banana", id="nothing-read"),
        pytest.param("8pm - 11", "- 11", id="range-end"),
    ],
)
def test_read_when_names_the_words_not_understood(text: str, unread: str) -> None:
    assert read_when(text, now=NOW, tz=SHANGHAI) == Reading(None, unread=unread)


@pytest.mark.parametrize("text", ["tomorrow", "明天", "this weekend", "周末", "friday of next week"])
def test_a_day_without_a_time_is_neither_read_nor_unread(text: str) -> None:
    # The bot asks for the time instead of quoting words back.
    assert read_when(text, now=NOW, tz=SHANGHAI) == Reading(None)


@pytest.mark.parametrize("text", ["tonight at 8am", "this morning at 8pm", "night at 2", "tonight at 12"])
def test_a_part_of_day_that_clashes_with_the_hour_is_asked(text: str) -> None:
    assert read_when(text, now=NOW, tz=SHANGHAI) == Reading(None, ambiguous=True)
    assert parse_when(text, now=NOW, tz=SHANGHAI) is None


def test_certain_only_without_defaults_doubts_or_leftovers() -> None:
    value = datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)
    assert Reading(value).certain
    assert not Reading(value, assumed=("morning",)).certain
    assert not Reading(value, ambiguous=True).certain
    assert not Reading(value, unread="ish").certain
    assert not Reading[datetime](None).certain


def test_span_length_is_absolute_across_a_dst_change() -> None:
    # Berlin falls back at 03:00 CEST on 2026-10-25: 01:00 CEST to 04:00 CET is four hours.
    now = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    reading = read_span("tomorrow 1am-4am", now=now, tz=BERLIN)
    assert reading.value is not None
    assert reading.value.minutes == 240
    assert reading.value.end.strftime("%Y-%m-%d %H:%M %Z") == "2026-10-25 04:00 CET"


def test_span_end_is_in_the_start_zone() -> None:
    span = Span(datetime(2026, 11, 23, 23, 0, tzinfo=SHANGHAI), 90)
    assert span.end == datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI)
    assert span.end.tzinfo is SHANGHAI


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("8pm-10am", id="end-half-a-day-away"),
        pytest.param("3pm-3pm", id="no-length"),
        pytest.param("明天下午3点到25点", id="zh-hour-25"),
        pytest.param("3pm-13pm", id="13pm"),
    ],
)
def test_read_span_asks_rather_than_guessing_a_length(text: str) -> None:
    reading = read_span(text, now=NOW, tz=SHANGHAI)
    assert reading.value is None
    assert reading.unread is not None or reading.ambiguous


def test_read_due_keeps_core_semantics_in_other_zones() -> None:
    # 17:00 UTC on Monday is 01:00 on Tuesday in Shanghai: "3天内" counts from Tuesday.
    now = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert read_due("3天内", now=now, tz=SHANGHAI) == Reading(date(2026, 11, 27))
    assert read_due("3天内", now=now, tz=BERLIN) == Reading(date(2026, 11, 26))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        pytest.param("2 days", 2, id="en-days"),
        pytest.param("by 2 days", 2, id="en-by-days"),
        pytest.param("two days", 2, id="en-spelled"),
        pytest.param("a week", 7, id="en-a-week"),
        pytest.param("3 weeks", 21, id="en-weeks"),
        pytest.param("两天", 2, id="zh-two-days"),
        pytest.param("1周", 7, id="zh-week"),
        pytest.param("三个星期", 21, id="zh-weeks"),
    ],
)
def test_parse_delay(text: str, days: int) -> None:
    assert parse_delay(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["to friday", "friday", "0 days", "2 hours", "周五", "", "banana"])
def test_parse_delay_rejects(text: str) -> None:
    assert parse_delay(text) is None


_CLOCKS = ["3pm", "3 pm", "12am", "12pm", "11:59pm", "9:05am", "00:30", "15:00", "3:00", "23:59", "7am", "1:30 pm",
           "13pm", "0am", "24:00", "9:60", "3"]
_DAYS = ["", "today ", "tomorrow ", "2026-12-05 ", "2027-02-28 ", "2026-02-30 "]
_SAID_AT = [datetime(2026, 11, 23, 9, 0), datetime(2026, 11, 30, 23, 59), datetime(2026, 12, 31, 15, 0),
            datetime(2026, 12, 31, 0, 15)]


@pytest.mark.parametrize("local_now", _SAID_AT, ids=lambda moment: f"{moment:%m%d-%H%M}")
def test_the_plain_clock_reading_is_dateparsers(local_now: datetime) -> None:
    """`_resolve` reads "day + clock time" itself, without dateparser: each such phrase must read as dateparser
    reads it (the same moment, or not read at all), and phrases it does not take still go to dateparser."""
    from bot.timeparse import core

    taken = 0
    for day in _DAYS:
        for at in ("", "at "):
            for clock in _CLOCKS:
                text = f"{day}{at}{clock}"
                plain = core._plain_clock(text, local_now)
                if plain is None:
                    continue
                taken += 1
                by_dateparser = core._dateparser(text, local_now, bump=False)
                assert by_dateparser is not None and by_dateparser.has_time, text
                assert plain == by_dateparser.value, text
    assert taken == 120  # 5 real days × "at" or not × 12 real clock times: the comparison is not vacuous
    assert core._plain_clock("friday 3pm", local_now) is None
    assert core._plain_clock("3", local_now) is None
    assert core._plain_clock("13pm", local_now) is None
