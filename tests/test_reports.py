"""Report figures checked against meetings whose numbers are known, run through the real core."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.messages import Target
from bot.reports import meeting_report, on_time, period_report, trend_chart, weeks_of
from store import reports as queries
from store.models import Meeting
from tests.conftest import MONDAY_9AM, SHANGHAI
from tests.harness import Chat

HERE = Target(kind="channel", channel="general")


def held_meeting(chat: Chat) -> None:
    """alice hosts, bob and carol are invited, dave optional; bob answers yes, carol no, dave nothing.
    alice and bob attend (bob 10 min late); one decision; three items: done on time, done late, open overdue;
    agenda: Scope planned 20 ran 30, Budget planned 25 never reached; survey: alice 4, bob 5."""
    chat.command("alice", 'new "Q3 roadmap" today 10am for 1h with @bob @carol optional @dave '
                          'agenda "Scope" 20m "Budget" 25m')
    chat.command("bob", "rsvp 1 yes")
    chat.command("carol", "rsvp 1 no on leave")
    chat.now = MONDAY_9AM + timedelta(hours=1)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=10)
    chat.say("bob", "here")
    chat.say("alice", "#agreed ship on Dec 1")
    chat.command("alice", "action @bob write the spec by wednesday")
    chat.command("alice", "action @bob book the room by tuesday")
    chat.command("alice", "action @alice send the deck by tuesday")
    chat.now += timedelta(minutes=20)
    chat.command("alice", "end")
    chat.command("alice", "rate 1 4")
    chat.command("bob", "rate 1 5")
    chat.now = MONDAY_9AM + timedelta(days=1, hours=2)  # Tuesday 11:00
    chat.dm("bob", "done 2")  # due Tuesday, done Tuesday: on time
    chat.now = MONDAY_9AM + timedelta(days=3)  # Thursday
    chat.dm("bob", "done 1")  # due Wednesday, done Thursday: late
    # alice's #3 (due Tuesday) stays open: late by Thursday


def test_one_meeting_report(chat: Chat) -> None:
    held_meeting(chat)
    with Session(chat.core.engine) as session:
        meeting = session.exec(select(Meeting)).one()
        facts = queries.facts_of(session, meeting)
        report = meeting_report(session, meeting, "en", SHANGHAI, chat.now, HERE)
    assert (facts.invited, facts.answered, facts.attended, facts.late) == (4, 3, 2, 1)
    assert (facts.decisions, facts.agenda_items, facts.agenda_finished) == (1, 2, 1)
    assert (facts.survey_answers, facts.survey_total) == (2, 9)
    fields = dict(report.fields)
    assert fields["Attendance"] == "50% (2 of 4)"
    assert fields["RSVP response"] == "75% (3 of 4)"
    assert fields["Late arrivals"] == "1"
    assert fields["Action items"] == "1 on time · 2 late · 0 open"
    assert fields["Satisfaction"] == "4.5 / 5 (2 answer(s))"
    assert report.text == "1 of 2 agenda item(s) finished."
    assert report.sections[0].lines == ("Scope: 30 min of 20 planned (+10)", "Budget: not reached")


def test_a_month_of_a_channel_with_its_weekly_trend(chat: Chat) -> None:
    held_meeting(chat)
    first, last = MONDAY_9AM.date().replace(day=1), MONDAY_9AM.date().replace(day=30)
    with Session(chat.core.engine) as session:
        report = period_report(session, 1, first, last, "zh", SHANGHAI, chat.now, HERE, label="#general",
                               channel_id="general")
    fields = dict(report.fields)
    assert fields["召开会议"] == "1"
    assert fields["出席率"] == "50%（4 中 2）"
    assert fields["按时完成率"] == "33%（3 中 1）"
    assert report.attachments[0].data is not None and report.attachments[0].data.startswith(b"\x89PNG")
    trend = dict(zip([w[0] for w in weeks_of(first, last)], report.sections[0].lines, strict=True))
    this_week = MONDAY_9AM.date()
    assert trend[this_week].endswith("33%（3 中 1）")


def test_on_time_counts_in_the_readers_timezone() -> None:
    from datetime import UTC, date, datetime

    friday = date(2026, 11, 27)
    # 23:30 UTC on Friday is Saturday 07:30 in Shanghai: late there
    done_late = queries.ItemFacts(1, "x", None, friday, "done", datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    done_in_time = queries.ItemFacts(2, "y", None, friday, "done", datetime(2026, 11, 27, 15, 59, tzinfo=UTC))
    open_not_due = queries.ItemFacts(3, "z", None, date(2026, 12, 4), "open", None)
    result = on_time([done_late, done_in_time, open_not_due], date(2026, 11, 30), SHANGHAI)
    assert (result.on_time, result.late, result.pending) == (1, 1, 1)


def test_weeks_and_the_chart() -> None:
    from datetime import date

    weeks = weeks_of(date(2026, 11, 1), date(2026, 11, 30))
    assert weeks[0] == (date(2026, 11, 1), date(2026, 11, 1)) and weeks[-1] == (date(2026, 11, 30), date(2026, 11, 30))
    assert sum((end - start).days + 1 for start, end in weeks) == 30
    assert trend_chart([("11-02", 50), ("11-09", None), ("11-16", 100)]).startswith(b"\x89PNG")
