"""Scheduling sense: before a meeting is created or moved, say what a careful assistant would ask about,
and let the person who asked go ahead or drop it.

The checks, each a line of one warning: an attendee already has a meeting then; the day is a weekend or
a public holiday (the channel's working-day calendar, so China's make-up working days count as working
days); it falls outside 09:00–18:00 for an attendee in their own timezone; it lasts more than two hours;
its agenda has more than five topics. `create` and `reschedule` each make one call here (`check_new`,
`check_move`); with nothing to say it returns None and they go on. Otherwise nothing is created or moved:
the command as it was said (`Ctx.said`: `new … every monday`, `edit 3 time …`, not just the part that
reached us) waits whole in a `SchedulingRequest` row (JSON, see `encode`) until its asker answers — a
button (`confirm 7`, `confirm 7 no`) or a typed `yes` / `是` / `确认` / `no` (`typed_answer`) — or it
expires (a day, and never after the time it asks for). Being a row, the wait survives a restart.

`start N` more than an hour before the meeting's time is held the same way (`check_start`): it says which
meeting it understood and when that is due, and starts it only on a yes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot import command_types as c
from bot import followup, recurrence, views
from bot.grammar.tokens import TRAILING, fold
from bot.i18n import labelled
from bot.locale import zone_of
from bot.messages import Button, Outcome, RefSpec, Section
from bot.service import guard, series_plan
from bot.service.context import Ctx
from bot.timeparse import format_date, format_when
from bot.vocabulary import CONFIRM_NO, CONFIRM_YES
from bot.workdays import calendar_for
from store import repo, scheduling
from store.models import Meeting, SchedulingRequest, User

EXPIRY = timedelta(hours=24)  # how long a warned-about request waits for its answer (never past its start)
WORK_START, WORK_END = time(9), time(18)
LONGEST = timedelta(hours=2)
MOST_TOPICS = 5
EARLY_START = timedelta(hours=1)  # `start N` earlier than this before the meeting's time asks first
GO_AHEAD = {"new": "button.go_ahead_new", "reschedule": "button.go_ahead_move", "start": "button.go_ahead_start"}


@dataclass(frozen=True)
class Plan:
    """What is about to be scheduled: when, for whom, and (when they are new) its length and agenda size."""

    start: datetime
    end: datetime
    attendees: Sequence[User]
    topics: int | None = None  # None: the agenda is not changing (a move)
    length_said: bool = True  # a move that keeps the length warns about it no more
    exclude_meeting_id: int | None = None  # the meeting being moved does not clash with itself


def check_new(ctx: Ctx, cmd: c.NewMeeting, attendees: Sequence[User], duration: timedelta) -> Outcome | None:
    """None when `new` may go ahead; else the warning, and the command kept for its asker's answer. For a
    series (`ctx.said` repeats) the occurrences made with the first are checked for clashes too, each line
    dated; its days and hours are the first's, and its holidays the series' own rule."""
    plan = Plan(cmd.start, cmd.start + duration, attendees, topics=len(cmd.agenda))
    heading = ctx.t("sense.ask_new", title=cmd.title, when=_when(ctx, cmd.start))
    found = warnings(ctx, plan)
    for start in _made_with(ctx, cmd.start):
        day = format_date(start.astimezone(ctx.tz).date(), ctx.lang)
        found.extend(labelled(ctx.lang, day, line) for line in _clashes(ctx, Plan(start, start + duration, attendees)))
    return _hold(ctx, "new", cmd, found, heading, plan.start) if found else None


def _made_with(ctx: Ctx, first: datetime) -> list[datetime]:
    """The starts of the occurrences a series said in `ctx.said` makes together with its first (`first`):
    `series_plan.AHEAD` in all, within its horizon (`series_plan.extend`)."""
    said = ctx.said
    if not isinstance(said, c.NewMeeting) or said.repeat is None:
        return []
    rule = said.repeat
    holidays = followup.channel_settings(ctx.session, ctx.settings, ctx.workspace_id, ctx.inbound.channel).holidays
    first_day = first.astimezone(ctx.tz).date()
    horizon = (ctx.now + series_plan.HORIZON).astimezone(ctx.tz).date()
    later = [datetime.combine(o.day, rule.at, ctx.tz)
             for o in recurrence.plan(rule, first_day, calendar_for(holidays), until=horizon,
                                      limit=series_plan.AHEAD + 1)
             if o.day is not None and o.day > first_day]
    return later[: series_plan.AHEAD - 1]


def check_move(ctx: Ctx, cmd: c.RescheduleMeeting, view: views.MeetingView, end: datetime) -> Outcome | None:
    """None when the move may go ahead; else the warning, and the command kept for its asker's answer."""
    m = view.meeting
    plan = Plan(cmd.start, end, [u for _p, u in view.people], length_said=cmd.duration is not None,
                exclude_meeting_id=m.id)
    heading = ctx.t("sense.ask_move", number=m.number, title=views.shared_title(m, ctx.lang),
                    when=_when(ctx, cmd.start))
    return _ask(ctx, "reschedule", cmd, plan, heading)


def warnings(ctx: Ctx, plan: Plan) -> list[str]:
    """Every reason to think twice about `plan`, in the speaker's language; [] when there is none."""
    found = _clashes(ctx, plan)
    local = plan.start.astimezone(ctx.tz).date()
    holidays = followup.channel_settings(ctx.session, ctx.settings, ctx.workspace_id, ctx.inbound.channel).holidays
    if not calendar_for(holidays).is_workday(local):
        key = "sense.weekend" if local.weekday() >= 5 else "sense.holiday"
        found.append(ctx.t(key, date=format_date(local, ctx.lang)))
    found.extend(_late_hours(ctx, plan))
    minutes = round((plan.end - plan.start).total_seconds() / 60)
    if plan.length_said and plan.end - plan.start > LONGEST:
        found.append(ctx.t("sense.long", length=views.span(minutes, ctx.lang)))
    if plan.topics is not None and plan.topics > MOST_TOPICS:
        found.append(ctx.t("sense.topics", n=plan.topics, most=MOST_TOPICS))
    return found


def _clashes(ctx: Ctx, plan: Plan) -> list[str]:
    people = {u.id: u for u in plan.attendees if u.id is not None}
    lines = []
    for meeting, user_id in scheduling.busy(ctx.session, ctx.workspace_id, list(people), plan.start, plan.end,
                                            plan.exclude_meeting_id):
        span = f"{meeting.start_at.astimezone(ctx.tz):%H:%M}–{meeting.end_at.astimezone(ctx.tz):%H:%M}"
        name = people[user_id].display_name
        if guard.may_see(ctx, meeting):  # a meeting the host may not see is only "another meeting"
            lines.append(ctx.t("sense.clash", name=name, number=meeting.number, title=meeting.title, span=span))
        else:
            lines.append(ctx.t("sense.clash_hidden", name=name, span=span))
    return lines


def _late_hours(ctx: Ctx, plan: Plan) -> list[str]:
    """One line per timezone in which the meeting runs outside working hours for someone."""
    by_zone: dict[str, list[User]] = {}
    for user in plan.attendees:
        zone = zone_of(user, ctx.settings)
        start, end = plan.start.astimezone(zone), plan.end.astimezone(zone)
        opens = datetime.combine(start.date(), WORK_START, zone)
        closes = datetime.combine(start.date(), WORK_END, zone)
        if start < opens or end > closes:
            by_zone.setdefault(zone.key, []).append(user)
    lines = []
    for key, users in by_zone.items():
        zone = zone_of(users[0], ctx.settings)
        span = f"{plan.start.astimezone(zone):%H:%M}–{plan.end.astimezone(zone):%H:%M}"
        lines.append(ctx.t("sense.hours", names=views.names(users, ctx.lang), span=span, zone=key,
                           opens=f"{WORK_START:%H:%M}", closes=f"{WORK_END:%H:%M}"))
    return lines


def check_start(ctx: Ctx, cmd: c.StartMeeting, meeting: Meeting) -> Outcome | None:
    """None when the meeting may start now; else, more than EARLY_START before its time, what was understood
    (which meeting, its time, how early), kept for its asker's yes: `start 3` typed for tomorrow's meeting is
    more often the wrong number than a wish to start a day early."""
    early = meeting.start_at - ctx.now
    if early <= EARLY_START:
        return None
    heading = ctx.t("sense.ask_start", number=meeting.number, title=views.shared_title(meeting, ctx.lang),
                    when=_when(ctx, meeting.start_at))
    ahead = views.span(round(early.total_seconds() / 60), ctx.lang)
    return _hold(ctx, "start", cmd, [ctx.t("sense.early", length=ahead)], heading, meeting.start_at)


def _ask(ctx: Ctx, kind: str, cmd: c.NewMeeting | c.RescheduleMeeting, plan: Plan, heading: str) -> Outcome | None:
    found = warnings(ctx, plan)
    return _hold(ctx, kind, cmd, found, heading, plan.start) if found else None


def _hold(ctx: Ctx, kind: str, cmd: c.Command, found: list[str], heading: str, until: datetime) -> Outcome:
    """The command kept whole for its asker's answer (never past `until`), and the warning that asks it."""
    request = scheduling.add_request(ctx.session, SchedulingRequest(
        workspace_id=ctx.workspace_id, requester_id=ctx.user_id, channel_id=ctx.inbound.channel,
        is_direct=ctx.inbound.is_direct, language=ctx.lang, kind=kind, command=encode(ctx.said or cmd),
        expires_at=min(ctx.now + EXPIRY, until), created_at=ctx.now,
    ))
    go = ctx.t(GO_AHEAD[kind])
    return Outcome([ctx.reply(
        "⚠️ " + heading,
        sections=(Section(None, tuple(f"• {line}" for line in found)),),
        buttons=(Button(go, f"confirm {request.id}", "primary"),
                 Button(ctx.t("button.drop_request"), f"confirm {request.id} no", "danger")),
        context=ctx.t("sense.hint", number=request.id, expires=_when(ctx, request.expires_at)),
        ref=RefSpec("sense_request", ctx.workspace_id, recipient_id=ctx.user_id),
    )])


def typed_answer(ctx: Ctx) -> c.ConfirmRequest | None:
    """A bare yes / 是 / 确认 or no / 取消 from someone whose request waits in this conversation (or anywhere,
    said in their private chat with the bot, where DingTalk shows them the warning's card) answers it; one
    typed in a group within a day after their request there expired unanswered is told so; from anyone
    else, or with nothing waiting, it is whatever it was before."""
    word = fold(ctx.inbound.text.strip()).rstrip(TRAILING)
    if word not in CONFIRM_YES and word not in CONFIRM_NO:
        return None
    replied = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to) if ctx.inbound.reply_to else None
    if replied is not None and replied.kind != "sense_request":
        return None  # a yes to an invitation (or any other message of ours) answers that message
    where = None if ctx.inbound.is_direct else ctx.inbound.channel
    waiting = scheduling.waiting_request(ctx.session, ctx.workspace_id, ctx.user_id, where, ctx.now)
    if waiting is None and where is not None:
        # a yes typed too late in the conversation it was asked in: `confirm` says the request expired (once:
        # it is then marked so). Not in a private chat, where a bare yes may answer an invitation.
        waiting = scheduling.lapsed_request(ctx.session, ctx.workspace_id, ctx.user_id, where, ctx.now,
                                            since=ctx.now - EXPIRY)
    return None if waiting is None else c.ConfirmRequest(waiting.id, go=word in CONFIRM_YES)


def _when(ctx: Ctx, moment: datetime) -> str:
    return format_when(moment.astimezone(ctx.tz), ctx.tz, ctx.lang)


# -- a Command as JSON, so a request survives a restart exactly as it was said


def encode(command: object) -> str:
    return json.dumps(_plain(command), ensure_ascii=False)


def decode(text: str) -> Any:
    return _value(json.loads(text))


def _plain(value: object) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__, "fields": {f.name: _plain(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, tuple):
        return {"tuple": [_plain(item) for item in value]}
    return value


def _value(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    if "type" in data:
        cls = getattr(c, data["type"])  # only Command types and their parts (`bot.command_types`) are read
        return cls(**{name: _value(value) for name, value in data["fields"].items()})
    if "datetime" in data:
        return datetime.fromisoformat(data["datetime"])
    if "date" in data:
        return date.fromisoformat(data["date"])
    if "time" in data:
        return time.fromisoformat(data["time"])
    if "seconds" in data:
        return timedelta(seconds=data["seconds"])
    return tuple(_value(item) for item in data["tuple"])
