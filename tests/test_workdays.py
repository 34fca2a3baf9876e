"""bot.workdays against the real 2026 arrangements (CN from chinese_calendar, US and DE from holidays) and 2027.

CN 2026 (国务院办公厅 2025-11 notice, as in chinese_calendar 1.11.0): 春节 Feb 15-23 off, Feb 14 (Sat) and
Feb 28 (Sat) worked; 中秋 Sep 25-27 off; 国庆 Oct 1-7 off, Sep 20 (Sun) and Oct 10 (Sat) worked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]
import holidays
import pytest

from bot import workdays
from bot.workdays import WorkCalendar, calendar_for

D = date

IS_WORKDAY = [
    # CN: Golden Week and Mid-Autumn 2026 with their make-up workdays
    pytest.param("CN", D(2026, 9, 20), True, id="cn-makeup-sunday-sep20"),
    pytest.param("CN", D(2026, 9, 25), False, id="cn-mid-autumn-fri-sep25"),
    pytest.param("CN", D(2026, 9, 30), True, id="cn-wed-before-national-day"),
    pytest.param("CN", D(2026, 10, 1), False, id="cn-national-day-oct1"),
    pytest.param("CN", D(2026, 10, 5), False, id="cn-national-day-mon-oct5"),
    pytest.param("CN", D(2026, 10, 7), False, id="cn-national-day-wed-oct7"),
    pytest.param("CN", D(2026, 10, 8), True, id="cn-back-to-work-oct8"),
    pytest.param("CN", D(2026, 10, 10), True, id="cn-makeup-saturday-oct10"),
    pytest.param("CN", D(2026, 10, 11), False, id="cn-sunday-after-makeup-oct11"),
    # CN: Spring Festival 2026
    pytest.param("CN", D(2026, 2, 14), True, id="cn-makeup-saturday-feb14"),
    pytest.param("CN", D(2026, 2, 16), False, id="cn-new-years-eve-mon-feb16"),
    pytest.param("CN", D(2026, 2, 17), False, id="cn-spring-festival-feb17"),
    pytest.param("CN", D(2026, 2, 23), False, id="cn-spring-festival-last-mon-feb23"),
    pytest.param("CN", D(2026, 2, 24), True, id="cn-after-spring-festival-feb24"),
    pytest.param("CN", D(2026, 2, 28), True, id="cn-makeup-saturday-feb28"),
    # CN: an ordinary weekend, and a make-up Saturday for the next year's New Year (2012 arrangement)
    pytest.param("CN", D(2026, 11, 27), True, id="cn-ordinary-friday"),
    pytest.param("CN", D(2026, 11, 28), False, id="cn-ordinary-saturday"),
    pytest.param("CN", D(2026, 11, 29), False, id="cn-ordinary-sunday"),
    pytest.param("CN", D(2011, 12, 31), True, id="cn-makeup-saturday-2011-12-31"),
    # the one day in 2004-2026 where holidays' CN disagrees (it calls it a make-up workday): chinese_calendar wins
    pytest.param("CN", D(2005, 12, 31), False, id="cn-2005-12-31-chinese-calendar-wins"),
    # CN 2027 (past chinese_calendar's data: statutory days from holidays)
    pytest.param("CN", D(2027, 1, 1), False, id="cn-2027-new-year"),
    pytest.param("CN", D(2027, 2, 8), False, id="cn-2027-spring-festival-day3-mon"),
    pytest.param("CN", D(2027, 10, 1), False, id="cn-2027-national-day"),
    pytest.param("CN", D(2027, 3, 3), True, id="cn-2027-ordinary-wednesday"),
    pytest.param("CN", D(2027, 3, 6), False, id="cn-2027-ordinary-saturday"),
    # US: Thanksgiving 2026 and the weekend after; 2027
    pytest.param("US", D(2026, 11, 25), True, id="us-wed-before-thanksgiving"),
    pytest.param("US", D(2026, 11, 26), False, id="us-thanksgiving-2026"),
    pytest.param("US", D(2026, 11, 27), True, id="us-black-friday-is-worked"),
    pytest.param("US", D(2026, 11, 28), False, id="us-saturday"),
    pytest.param("US", D(2026, 11, 29), False, id="us-sunday"),
    pytest.param("US", D(2021, 12, 31), False, id="us-new-year-2022-observed-on-2021-12-31"),
    pytest.param("US", D(2027, 7, 5), False, id="us-2027-independence-day-observed"),
    pytest.param("US", D(2027, 11, 25), False, id="us-thanksgiving-2027"),
    pytest.param("US", D(2027, 3, 3), True, id="us-2027-ordinary-wednesday"),
    # DE: Christmas 2026, German Unity Day (a Saturday in 2026, a Friday in 2025)
    pytest.param("DE", D(2026, 12, 24), True, id="de-christmas-eve-is-worked"),
    pytest.param("DE", D(2026, 12, 25), False, id="de-christmas-day"),
    pytest.param("DE", D(2026, 12, 26), False, id="de-second-christmas-day"),
    pytest.param("DE", D(2026, 12, 28), True, id="de-monday-after-christmas"),
    pytest.param("DE", D(2026, 10, 2), True, id="de-friday-before-unity-day"),
    pytest.param("DE", D(2026, 10, 3), False, id="de-unity-day-2026-saturday"),
    pytest.param("DE", D(2025, 10, 3), False, id="de-unity-day-2025-friday"),
    # NONE: Monday to Friday, whatever the country does
    pytest.param("NONE", D(2026, 10, 1), True, id="none-cn-national-day-is-worked"),
    pytest.param("NONE", D(2026, 11, 26), True, id="none-thanksgiving-is-worked"),
    pytest.param("NONE", D(2026, 12, 25), True, id="none-christmas-is-worked"),
    pytest.param("NONE", D(2026, 10, 10), False, id="none-saturday-off"),
    pytest.param("NONE", D(2026, 9, 20), False, id="none-sunday-off"),
]


@pytest.mark.parametrize(("country", "day", "expected"), IS_WORKDAY)
def test_is_workday(country: str, day: date, expected: bool) -> None:
    assert calendar_for(country).is_workday(day) is expected


ADD_WORKDAYS = [
    # CN: across Golden Week forwards and backwards, landing on a make-up Saturday
    pytest.param("CN", D(2026, 9, 30), 1, D(2026, 10, 8), id="cn-over-golden-week"),
    pytest.param("CN", D(2026, 9, 30), 3, D(2026, 10, 10), id="cn-onto-makeup-saturday"),
    pytest.param("CN", D(2026, 9, 30), 4, D(2026, 10, 12), id="cn-past-makeup-saturday"),
    pytest.param("CN", D(2026, 10, 8), -1, D(2026, 9, 30), id="cn-back-over-golden-week"),
    pytest.param("CN", D(2026, 10, 8), -2, D(2026, 9, 29), id="cn-remind-2-before-oct8"),
    pytest.param("CN", D(2026, 10, 12), -1, D(2026, 10, 10), id="cn-back-onto-makeup-saturday"),
    pytest.param("CN", D(2026, 9, 18), 1, D(2026, 9, 20), id="cn-onto-makeup-sunday"),
    pytest.param("CN", D(2026, 2, 13), 2, D(2026, 2, 24), id="cn-over-spring-festival"),
    pytest.param("CN", D(2026, 2, 24), -1, D(2026, 2, 14), id="cn-back-over-spring-festival"),
    pytest.param("CN", D(2026, 10, 4), 1, D(2026, 10, 8), id="cn-from-inside-holiday"),
    pytest.param("CN", D(2026, 10, 4), -1, D(2026, 9, 30), id="cn-back-from-inside-holiday"),
    pytest.param("CN", D(2026, 12, 31), 1, D(2027, 1, 4), id="cn-into-2027"),
    pytest.param("CN", D(2027, 1, 4), -1, D(2026, 12, 31), id="cn-back-into-2026"),
    pytest.param("CN", D(2025, 12, 31), 248, D(2026, 12, 31), id="cn-all-248-workdays-of-2026"),
    pytest.param("CN", D(2026, 12, 31), -248, D(2025, 12, 31), id="cn-back-248-workdays"),
    # n == 0: the day itself if worked, else the next working day
    pytest.param("CN", D(2026, 11, 28), 0, D(2026, 11, 30), id="cn-zero-on-saturday"),
    pytest.param("CN", D(2026, 10, 10), 0, D(2026, 10, 10), id="cn-zero-on-makeup-saturday"),
    pytest.param("CN", D(2026, 10, 3), 0, D(2026, 10, 8), id="cn-zero-in-golden-week"),
    pytest.param("CN", D(2026, 11, 30), 0, D(2026, 11, 30), id="cn-zero-on-monday"),
    # US: across Thanksgiving
    pytest.param("US", D(2026, 11, 25), 1, D(2026, 11, 27), id="us-over-thanksgiving"),
    pytest.param("US", D(2026, 11, 30), -2, D(2026, 11, 25), id="us-back-over-thanksgiving-and-weekend"),
    pytest.param("US", D(2026, 11, 28), 0, D(2026, 11, 30), id="us-zero-on-saturday"),
    pytest.param("US", D(2026, 11, 26), 0, D(2026, 11, 27), id="us-zero-on-thanksgiving"),
    pytest.param("US", D(2027, 11, 24), 1, D(2027, 11, 26), id="us-over-thanksgiving-2027"),
    # DE: across Christmas
    pytest.param("DE", D(2026, 12, 24), 1, D(2026, 12, 28), id="de-over-christmas"),
    pytest.param("DE", D(2026, 12, 28), -1, D(2026, 12, 24), id="de-back-over-christmas"),
    # NONE
    pytest.param("NONE", D(2026, 9, 30), 1, D(2026, 10, 1), id="none-golden-week-is-worked"),
    pytest.param("NONE", D(2026, 10, 9), 1, D(2026, 10, 12), id="none-over-weekend"),
    pytest.param("NONE", D(2026, 10, 10), 0, D(2026, 10, 12), id="none-zero-on-saturday"),
]


@pytest.mark.parametrize(("country", "day", "n", "expected"), ADD_WORKDAYS)
def test_add_workdays(country: str, day: date, n: int, expected: date) -> None:
    assert calendar_for(country).add_workdays(day, n) == expected


WORKDAYS_BETWEEN = [
    pytest.param("CN", D(2026, 10, 9), D(2026, 10, 12), 2, id="cn-over-makeup-saturday"),
    pytest.param("CN", D(2026, 9, 18), D(2026, 9, 21), 2, id="cn-over-makeup-sunday"),
    pytest.param("CN", D(2026, 9, 30), D(2026, 10, 8), 1, id="cn-over-golden-week"),
    pytest.param("CN", D(2026, 10, 1), D(2026, 10, 9), 2, id="cn-start-inside-holiday"),
    pytest.param("CN", D(2026, 12, 30), D(2027, 1, 5), 3, id="cn-over-new-year-2027"),
    pytest.param("CN", D(2025, 12, 31), D(2026, 12, 31), 248, id="cn-whole-2026"),
    pytest.param("CN", D(2026, 10, 8), D(2026, 10, 8), 0, id="cn-same-day"),
    pytest.param("CN", D(2026, 10, 8), D(2026, 9, 30), 0, id="cn-end-before-start"),
    pytest.param("US", D(2026, 11, 25), D(2026, 11, 30), 2, id="us-over-thanksgiving"),
    pytest.param("DE", D(2026, 12, 23), D(2026, 12, 31), 5, id="de-over-christmas"),
    pytest.param("NONE", D(2026, 10, 9), D(2026, 10, 12), 1, id="none-over-weekend"),
    pytest.param("NONE", D(2026, 9, 30), D(2026, 10, 8), 6, id="none-golden-week-is-worked"),
]


@pytest.mark.parametrize(("country", "start", "end", "expected"), WORKDAYS_BETWEEN)
def test_workdays_between(country: str, start: date, end: date, expected: int) -> None:
    assert calendar_for(country).workdays_between(start, end) == expected


def _step_by_day(calendar: WorkCalendar, day: date, n: int) -> date:
    """add_workdays by its definition, one calendar day at a time."""
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        left -= calendar.is_workday(day)
    return day


COUNTRIES = [pytest.param(code, id=code) for code in ("CN", "US", "DE", "NONE")]
STARTS = [D(2026, 9, 19), D(2026, 10, 3), D(2026, 12, 24), D(2027, 2, 6)]


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 40, 300, -1, -2, -3, -7, -40, -300])
def test_add_workdays_agrees_with_stepping_day_by_day(country: str, n: int) -> None:
    calendar = calendar_for(country)
    for start in STARTS:
        assert calendar.add_workdays(start, n) == _step_by_day(calendar, start, n), start


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("span_days", [1, 2, 9, 45, 400, 800])
def test_workdays_between_agrees_with_counting_day_by_day(country: str, span_days: int) -> None:
    calendar = calendar_for(country)
    for start in STARTS:
        end = start + timedelta(days=span_days)
        expected = sum(calendar.is_workday(start + timedelta(days=k)) for k in range(1, span_days + 1))
        assert calendar.workdays_between(start, end) == expected, start


def test_cn_follows_chinese_calendar_where_it_has_data() -> None:
    year = workdays._CN_OFFICIAL_YEARS.stop - 1
    calendar = calendar_for("CN")
    days = [D(year, 1, 1) + timedelta(days=k) for k in range(365)]
    assert [calendar.is_workday(day) for day in days] == [chinese_calendar.is_workday(day) for day in days]


def test_cn_falls_back_to_holidays_after_chinese_calendar_data_ends(caplog: pytest.LogCaptureFixture) -> None:
    year = workdays._CN_OFFICIAL_YEARS.stop
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(year, 6, 1))
    workdays._year.cache_clear()
    reference = holidays.country_holidays("CN", years=year)
    calendar = calendar_for("CN")
    days = [D(year, 1, 1) + timedelta(days=k) for k in range(365)]
    with caplog.at_level(logging.DEBUG, logger="bot.workdays"):
        assert [calendar.is_workday(day) for day in days] == [reference.is_working_day(day) for day in days]
    assert [record.levelno for record in caplog.records] == [logging.DEBUG]


def test_chinese_calendar_covers_2004_to_at_least_2026() -> None:
    assert workdays._CN_OFFICIAL_YEARS.start == 2004
    assert workdays._CN_OFFICIAL_YEARS.stop - 1 >= 2026


@pytest.mark.parametrize(
    ("country", "year", "library_calls"),
    [
        pytest.param("US", 2026, ("holidays.country_holidays", 1), id="us-builds-holidays-once"),
        pytest.param("CN", 2026, ("chinese_calendar.is_workday", 365), id="cn-asks-each-day-once"),
    ],
)
def test_100k_lookups_build_the_year_once(
    monkeypatch: pytest.MonkeyPatch, country: str, year: int, library_calls: tuple[str, int]
) -> None:
    calls: dict[str, int] = {"holidays.country_holidays": 0, "chinese_calendar.is_workday": 0}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(holidays, "country_holidays", counting("holidays.country_holidays", holidays.country_holidays))
    monkeypatch.setattr(
        chinese_calendar, "is_workday", counting("chinese_calendar.is_workday", chinese_calendar.is_workday)
    )
    workdays._year.cache_clear()
    calendar = calendar_for(country)
    first = D(year, 1, 1)
    for k in range(100_000):
        calendar.is_workday(first + timedelta(days=k % 365))
    name, expected_calls = library_calls
    assert calls[name] == expected_calls
    info = workdays._year.cache_info()
    assert (info.misses, info.hits) == (1, 99_999)


@pytest.mark.parametrize("raw", ["cn", " CN ", "Cn"])
def test_calendar_for_normalises_and_caches(raw: str) -> None:
    calendar = calendar_for(raw)
    assert calendar.country == "CN"
    assert calendar is calendar_for("CN")


@pytest.mark.parametrize("raw", ["XX", "", "CHINA", "CN,US", "ZZZ"])
def test_unknown_code_is_refused_with_how_to_write_it(raw: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        calendar_for(raw)
    message = str(excinfo.value)
    assert repr(raw.strip().upper()) in message
    for hint in ("QUORUM_HOLIDAYS", "NONE", "CN, US, DE", "holidays.list_supported_countries()"):
        assert hint in message


def test_alpha3_code_is_accepted() -> None:
    assert calendar_for("deu").is_workday(D(2026, 12, 25)) is False


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.is_workday(datetime(2026, 10, 1, 9)), id="is_workday"),
        pytest.param(lambda c: c.add_workdays(datetime(2026, 10, 1, 9), 1), id="add_workdays"),
        pytest.param(lambda c: c.workdays_between(D(2026, 10, 1), datetime(2026, 10, 9, 9)), id="workdays_between"),
    ],
)
def test_datetime_is_refused(call: Callable[[WorkCalendar], object]) -> None:
    with pytest.raises(TypeError, match="astimezone"):
        call(calendar_for("CN"))
