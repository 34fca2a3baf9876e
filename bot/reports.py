"""How well meetings and their follow-up went: `/meeting report N`, `report #channel [month]`, `report @person`.

The standards our users follow end with a review: attendance, RSVP response, agenda overruns, on-time
completion, satisfaction. Numbers come from `store.reports` (counted by the database); this module turns
them into rates and words, and draws the weekly on-time trend as a PNG where the platform shows images.
An action item is on time when it was completed on or before its due date in the reader's timezone; an open
item past its due date is late already.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from matplotlib.figure import Figure
from sqlmodel import Session

from bot import views
from bot.i18n import Lang, t
from bot.messages import Attachment, OutMessage, Section, Target
from bot.timeparse import format_date
from store import reports as queries
from store.models import Meeting

DONE = "done"


@dataclass(frozen=True)
class OnTime:
    on_time: int = 0
    late: int = 0  # done after the due date, or still open past it
    pending: int = 0  # open, not yet due

    @property
    def decided(self) -> int:
        return self.on_time + self.late


def on_time(items: Sequence[queries.ItemFacts], today: date, zone: ZoneInfo) -> OnTime:
    on, late, pending = 0, 0, 0
    for item in items:
        if item.due_on is None:
            continue
        if item.status == DONE and item.completed_at is not None:
            if item.completed_at.astimezone(zone).date() <= item.due_on:
                on += 1
            else:
                late += 1
        elif item.due_on < today:
            late += 1
        else:
            pending += 1
    return OnTime(on, late, pending)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def rate(lang: Lang, part: int, whole: int) -> str:
    value = percent(part, whole)
    return t(lang, "report.rate", percent=value, part=part, whole=whole) if value is not None else "—"


def meeting_report(session: Session, meeting: Meeting, lang: Lang, zone: ZoneInfo, now: datetime,
                   target: Target) -> OutMessage:
    """One meeting: attendance, RSVP response, agenda items finished and time over/under, decisions, action
    items on time / late / open, satisfaction, open questions."""
    assert meeting.id is not None
    if meeting.status != "ended":
        return OutMessage(
            lang=lang, target=target, text=t(lang, "report.not_held", number=meeting.number, title=meeting.title))
    facts = queries.facts_of(session, meeting)
    view = views.load(session, meeting)
    items = queries.items_of_meeting(session, meeting.id)
    done_on_time = on_time(items, now.astimezone(zone).date(), zone)
    agenda_lines = []
    for item in view.agenda:
        if item.started_at is None:
            agenda_lines.append(t(lang, "report.agenda_skipped", title=item.title))
            continue
        actual = round(((item.ended_at or now) - item.started_at).total_seconds() / 60)
        delta = actual - item.planned_minutes if item.planned_minutes is not None else None
        agenda_lines.append(t(lang, "report.agenda_item", title=item.title, actual=actual,
                              planned=item.planned_minutes if item.planned_minutes is not None else "—",
                              delta=f"{delta:+d}" if delta is not None else "—"))
    satisfaction = (t(lang, "report.satisfaction", score=f"{facts.survey_total / facts.survey_answers:.1f}",
                      n=facts.survey_answers) if facts.survey_answers else t(lang, "report.no_survey"))
    fields = (
        (t(lang, "report.attendance"), rate(lang, facts.attended, facts.invited)),
        (t(lang, "report.rsvp"), rate(lang, facts.answered, facts.invited)),
        (t(lang, "report.late"), str(facts.late)),
        (t(lang, "report.decisions"), str(facts.decisions)),
        (t(lang, "report.actions"), t(lang, "report.actions_value", on_time=done_on_time.on_time,
                                     late=done_on_time.late, open=done_on_time.pending)),
        (t(lang, "report.open_questions"), str(facts.open_questions)),
        (t(lang, "report.satisfaction_label"), satisfaction),
    )
    return OutMessage(lang=lang,
        target=target,
        title=t(lang, "report.meeting_title", number=meeting.number, title=meeting.title),
        text=t(lang, "report.agenda_summary", finished=facts.agenda_finished, total=facts.agenda_items),
        fields=fields,
        sections=(Section(t(lang, "heading.agenda"), tuple(agenda_lines) or (t(lang, "minutes.none"),)),),
    )


def weeks_of(first: date, last: date) -> list[tuple[date, date]]:
    """Monday-to-Sunday weeks that overlap [first, last], clipped to it."""
    start = first
    weeks = []
    while start <= last:
        end = min(last, start + timedelta(days=6 - start.weekday()))
        weeks.append((start, end))
        start = end + timedelta(days=1)
    return weeks


def period_report(
    session: Session, workspace_id: int, first: date, last: date, lang: Lang, zone: ZoneInfo, now: datetime,
    target: Target, *, label: str, channel_id: str | None = None, user_id: int | None = None,
) -> OutMessage:
    """A channel's or a person's meetings and follow-up over [first, last], with the weekly on-time trend."""
    since = datetime.combine(first, datetime.min.time(), zone)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    meetings = queries.held_meetings(session, workspace_id, since, until, channel_id=channel_id, user_id=user_id)
    items = queries.items_due(session, workspace_id, first, last, channel_id=channel_id, owner_id=user_id)
    today = now.astimezone(zone).date()
    overall = on_time(items, today, zone)
    invited = sum(m.invited for m in meetings)
    planned = sum(m.planned_minutes for m in meetings)
    actual = sum(m.actual_minutes for m in meetings)
    answers = sum(m.survey_answers for m in meetings)
    trend = []
    for start, end in weeks_of(first, last):
        week = on_time([i for i in items if i.due_on is not None and start <= i.due_on <= end], today, zone)
        trend.append((start, week))
    trend_lines = tuple(
        t(lang, "report.week", week=format_date(start, lang), rate=rate(lang, week.on_time, week.decided))
        for start, week in trend
    )
    fields = (
        (t(lang, "report.meetings_held"), str(len(meetings))),
        (t(lang, "report.attendance"), rate(lang, sum(m.attended for m in meetings), invited)),
        (t(lang, "report.rsvp"), rate(lang, sum(m.answered for m in meetings), invited)),
        (t(lang, "report.overrun"), t(lang, "report.overrun_value", minutes=f"{actual - planned:+.0f}")
         if planned else "—"),
        (t(lang, "report.on_time"), rate(lang, overall.on_time, overall.decided)),
        (t(lang, "report.actions"), t(lang, "report.actions_value", on_time=overall.on_time, late=overall.late,
                                     open=overall.pending)),
        (t(lang, "report.satisfaction_label"),
         t(lang, "report.satisfaction", score=f"{sum(m.survey_total for m in meetings) / answers:.1f}", n=answers)
         if answers else t(lang, "report.no_survey")),
    )
    chart = trend_chart([(f"{start:%m-%d}", percent(week.on_time, week.decided)) for start, week in trend])
    return OutMessage(lang=lang,
        target=target,
        title=t(lang, "report.period_title", label=label, first=format_date(first, lang), last=format_date(last, lang)),
        text=t(lang, "report.period_text", meetings=len(meetings), items=len(items)),
        fields=fields,
        sections=(Section(t(lang, "report.trend"), trend_lines or (t(lang, "minutes.none"),)),),
        attachments=(Attachment("on-time-trend.png", "", data=chart),),
    )


def trend_chart(points: Sequence[tuple[str, int | None]]) -> bytes:
    """A small line chart of the weekly on-time rate (weeks with nothing due are gaps), as PNG bytes. Its
    words are ASCII (week starts as MM-DD): servers rarely have a CJK font, and the message around it says
    the rest in the reader's language."""
    figure = Figure(figsize=(6, 2.6), dpi=100)  # not pyplot: its global state is not safe in worker threads
    figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.15)  # fixed: tight_layout cost 15 ms more
    axes = figure.add_subplot()
    labels = [label for label, _value in points]
    values = [float("nan") if value is None else value for _label, value in points]
    axes.plot(range(len(points)), values, marker="o")
    axes.set_xticks(range(len(points)), labels, fontsize=8)
    axes.set_ylim(0, 105)
    axes.set_ylabel("on time %")
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
