"""Each person on their own clock and in their own language (issue 12): the digest skips public holidays,
private notices land in the recipient's civil hours, minutes files show the meeting's local time, one line in
another language does not switch someone's reminders, and the console's `:user` profiles reach people named
before they speak. Every date is pinned; the clock is the test's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot import civil, followup, workdays
from bot.events import Person
from bot.workdays import calendar_for
from store.models import User
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent
from tests.test_console import run_console

BERLIN = ZoneInfo("Europe/Berlin")
DIGEST = "📊 Weekly follow-up"
CIVIL = make_settings().civil_window  # 08:00-21:00
NEAR_MEETING = make_settings().meeting_notice_window  # 07:00-23:00: a reminder minutes before a meeting


def make_chat(now: datetime = MONDAY_9AM) -> Chat:
    return Chat(migrated_core(make_settings()), now)


def local(sent: Sent, zone: ZoneInfo = SHANGHAI) -> str:
    return sent.at.astimezone(zone).strftime("%a %m-%d %H:%M")


def set_timezone(chat: Chat, who: str, zone: str) -> None:
    with Session(chat.core.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == who)).one()
        user.timezone = zone
        session.add(user)
        session.commit()


def stored_language(chat: Chat, who: str) -> str | None:
    with Session(chat.core.engine) as session:
        return session.exec(select(User).where(User.platform_user_id == who)).one().language


# ---- the weekly digest and public holidays -------------------------------------------------------------


def test_the_digest_on_a_holiday_monday_goes_out_on_the_next_working_day() -> None:
    chat = make_chat(datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI))  # the Monday before National Day
    chat.command("alice", "action @bob write the spec by 2026-10-20")
    digests = [s for s in chat.advance(timedelta(days=15)) if s.message.title == DIGEST]
    # Mon 10-05 is a holiday (Oct 1-7); Thu 10-08 is the first working day; the series then goes on as usual
    assert [local(s) for s in digests] == ["Thu 10-08 09:00", "Mon 10-12 09:00"]


@pytest.mark.parametrize(
    "after, expected",
    [
        pytest.param(datetime(2026, 9, 29, 10, 0), datetime(2026, 10, 8, 9, 0), id="before-the-break"),
        pytest.param(datetime(2026, 10, 6, 10, 0), datetime(2026, 10, 8, 9, 0), id="inside-the-break"),
        pytest.param(datetime(2026, 10, 8, 8, 59), datetime(2026, 10, 8, 9, 0), id="on-the-moved-day"),
        pytest.param(datetime(2026, 10, 8, 9, 1), datetime(2026, 10, 12, 9, 0), id="after-the-moved-one"),
        pytest.param(datetime(2026, 9, 14, 10, 0), datetime(2026, 9, 21, 9, 0), id="an-ordinary-week"),
        pytest.param(datetime(2150, 1, 1, 0, 0), datetime(2150, 1, 5, 9, 0), id="a-year-no-calendar-knows"),
    ],
)
def test_next_digest_moves_off_holidays(after: datetime, expected: datetime) -> None:
    local_settings = followup.ChannelSettings(SHANGHAI, "en", "0 9 * * mon", "CN", 9)
    assert followup.next_digest_at(local_settings, after.replace(tzinfo=SHANGHAI)) == expected.replace(tzinfo=SHANGHAI)


def test_a_weekend_the_crontab_names_stays_but_a_holiday_moves() -> None:
    local_settings = followup.ChannelSettings(SHANGHAI, "en", "0 9 * * sat", "CN", 9)
    fires = [datetime(2026, 9, 14, tzinfo=SHANGHAI)]
    for _ in range(5):
        found = followup.next_digest_at(local_settings, fires[-1] + timedelta(minutes=1))
        assert found is not None
        fires.append(found)
    # Sat 10-03 is a holiday that falls on a weekend: not moved; Sat 10-10 is a make-up workday
    assert [f.date() for f in fires[1:]] == [date(2026, 9, 19), date(2026, 9, 26), date(2026, 10, 3),
                                             date(2026, 10, 10), date(2026, 10, 17)]


def test_a_year_the_calendar_cannot_compute_counts_weekends_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_rule = workdays._workday_rule

    def no_data_for_2031(country: str, year: int) -> Callable[[date], bool]:
        if year == 2031:
            raise NotImplementedError("no data for 2031")
        return real_rule(country, year)

    workdays._year.cache_clear()
    monkeypatch.setattr(workdays, "_workday_rule", no_data_for_2031)
    try:
        cn = calendar_for("CN")
        assert cn.is_workday(date(2031, 10, 6)) and not cn.is_workday(date(2031, 10, 4))  # Mon / Sat
        assert not cn.is_holiday(date(2031, 10, 1))
        local_settings = followup.ChannelSettings(SHANGHAI, "en", "0 9 * * mon", "CN", 9)
        after = datetime(2031, 9, 30, 10, 0, tzinfo=SHANGHAI)
        assert followup.next_digest_at(local_settings, after) == datetime(2031, 10, 6, 9, 0, tzinfo=SHANGHAI)
    finally:
        workdays._year.cache_clear()


# ---- civil hours ------------------------------------------------------------------------------------------


def at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    "planned, deadline, window, expected",
    [
        pytest.param(at(24, 10), None, CIVIL, at(24, 10), id="inside-kept"),
        pytest.param(at(24, 4), None, CIVIL, at(24, 8), id="early-moves-to-8"),
        pytest.param(at(24, 22, 30), None, CIVIL, at(25, 8), id="late-moves-to-the-next-morning"),
        pytest.param(at(24, 21), None, CIVIL, at(24, 21), id="the-end-is-inside"),
        pytest.param(at(24, 4), at(24, 8), CIVIL, at(23, 21), id="a-deadline-moves-it-back"),
        pytest.param(at(24, 22, 30), at(25, 0), CIVIL, at(24, 21), id="a-days-notice-stays-on-its-day"),
        pytest.param(at(24, 7, 15), at(24, 7, 30), NEAR_MEETING, at(24, 7, 15), id="before-a-0730-meeting-kept"),
        pytest.param(at(24, 5, 45), at(24, 6), NEAR_MEETING, at(23, 23), id="before-a-0600-call-the-evening-before"),
        pytest.param(at(24, 6, 50), at(24, 7, 5), NEAR_MEETING, at(24, 7), id="before-a-0705-meeting-at-7"),
    ],
)
def test_send_time(planned: datetime, deadline: datetime | None, window: civil.Window, expected: datetime) -> None:
    assert civil.send_time(planned, BERLIN, window, now=at(20, 12), deadline=deadline) == expected


def test_when_nothing_civil_is_left_before_the_deadline_the_planned_time_stays() -> None:
    assert civil.send_time(at(24, 4), BERLIN, CIVIL, now=at(23, 21, 30), deadline=at(24, 8)) == at(24, 4)


def test_civil_hours_may_be_written_short() -> None:
    assert make_settings(QUORUM_CIVIL_HOURS="8-21").civil_window == CIVIL


@pytest.mark.parametrize("spec", ["21:00-08:00", "morning", "08:00-25:00"])
def test_civil_hours_setting_is_checked(spec: str) -> None:
    with pytest.raises(ValueError, match="08:00-21:00"):
        make_settings(QUORUM_CIVIL_HOURS=spec)


def test_a_berlin_attendee_of_a_shanghai_meeting_is_chased_in_berlins_civil_hours() -> None:
    chat = make_chat()
    berlin_bob = Person("bob", "bob", "Europe/Berlin")
    chat.command("alice", 'new "Sync" 2026-11-25 3pm for 1h with @bob @carol', mentions=(berlin_bob,))
    chat.say("alice", "yes")  # 08:00 in Berlin is outside 09-18 there: the host is warned and confirms
    sent = chat.advance(timedelta(days=2))
    chases = {s.message.target.user: s for s in sent if "Please answer by" in s.body}
    # deadline Tue 15:00 Shanghai = 08:00 Berlin; the chase 4 h before would be 04:00 in Berlin
    assert local(chases["bob"], BERLIN) == "Mon 11-23 21:00"
    assert "2026-11-24 08:00 (Tue) Europe/Berlin" in chases["bob"].body  # the deadline, on bob's clock
    assert local(chases["carol"]) == "Tue 11-24 11:00"  # in Shanghai 11:00 is civil: unchanged


def test_a_berlin_host_hears_of_an_unaccepted_item_in_berlins_morning() -> None:
    chat = make_chat()
    chat.command("alice", "mine")  # alice appears
    set_timezone(chat, "alice", "Europe/Berlin")
    chat.command("alice", "action @bob write the spec by 2026-12-04")
    notices = [s for s in chat.advance(timedelta(days=2)) if s.message.target.user == "alice"]
    # the check falls due a working day after the assignment on bob's clock: Tue 09:00 Shanghai = 02:00 Berlin
    assert [local(s, BERLIN) for s in notices] == ["Tue 11-24 08:00"]
    assert "@bob hasn't accepted #1 “write the spec” yet." in notices[0].body


# ---- minutes files in local time ---------------------------------------------------------------------------


def test_the_minutes_file_shows_the_meetings_local_time_and_names_its_zone() -> None:
    chat = make_chat()
    chat.command("alice", 'new "Review" today 10am for 1h with @bob')
    chat.now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=5)
    chat.say("bob", "#info the scope is frozen")
    chat.now += timedelta(minutes=25)
    minutes = chat.say("alice", "#endmeeting")[0]
    text = next(a.content for a in minutes.message.attachments if a.filename.endswith(".txt"))
    assert "Meeting started by alice at 10:00:00 Asia/Shanghai (UTC+08:00)." in text
    assert "* the scope is frozen  (bob, 10:05:00)" in text
    assert "Meeting ended at 10:30:00 Asia/Shanghai (UTC+08:00)." in text
    assert " UTC." not in text and "02:00:00" not in text
    set_timezone(chat, "alice", "Europe/Berlin")  # whoever exports it, the file keeps the meeting's clock
    export = chat.command("alice", "export 1 md")[0]
    markdown = export.message.attachments[0].content
    assert "2026-11-23 10:00 (Mon) Asia/Shanghai" in markdown and "Europe/Berlin" not in markdown


# ---- a person's language -------------------------------------------------------------------------------------


def test_one_chinese_line_gets_a_chinese_answer_but_reminders_stay_english() -> None:
    chat = make_chat()
    chat.command("alice", "action @bob write the spec by 2026-11-27")
    chat.dm("bob", "in progress")
    reply = chat.command("bob", "我的", channel="dm-bob", is_direct=True)[0]
    assert "行动项" in reply.body or "会议" in reply.body  # answered in Chinese
    assert stored_language(chat, "bob") is None  # nothing said in a message is stored as bob's language
    reminder = next(s for s in chat.advance(timedelta(days=3)) if s.message.target.user == "bob")
    assert local(reminder) == "Wed 11-25 09:00" and reminder.message.lang == "en"
    assert reminder.message.title == "⏰ Action item #1"


def test_a_language_the_platform_gives_is_kept_whatever_one_message_says() -> None:
    chat = make_chat()
    chinese_bob = Person("bob", "bob", None, "zh")
    chat.command("alice", "action @bob write the spec by 2026-11-27", mentions=(chinese_bob,))
    reply = chat.dm("bob", "in progress please")[0]
    assert reply.message.lang == "en"  # he wrote English: he is answered in English
    assert stored_language(chat, "bob") == "zh"
    reminder = next(s for s in chat.advance(timedelta(days=3)) if s.message.target.user == "bob")
    assert reminder.message.lang == "zh"


# ---- the console's :user profiles ------------------------------------------------------------------------------


def test_a_console_profile_applies_to_a_person_mentioned_before_they_speak(tmp_path: Path) -> None:
    out = run_console(
        ":now 2026-11-23 09:00\n"
        ":user bob tz=Europe/Berlin lang=zh\n"
        'alice> /meeting new "Sync" tomorrow 3pm for 1h with @bob @carol\n'
        "alice> yes\n",  # 08:00 in Berlin: the host is warned, and confirms
        tmp_path,
    )
    bob = out[out.index("@bob quorum:"):]
    assert "邀请你" in bob.split("\n[m")[0] and "2026-11-24 08:00（周二）Europe/Berlin" in bob.split("\n[m")[0]
    carol = out[out.index("@carol quorum:"):].split("\n[m")[0]
    assert "invited you" in carol and "Asia/Shanghai" in carol
