"""Use cases of repeating meetings: create a series, show it, skip one occurrence, cancel it (all of it, or
from one occurrence on), change its time of day or title from one occurrence on.

Every occurrence is an ordinary meeting with its own number (`#12`), RSVPs, reminders, check-in and minutes,
so everything that acts on one meeting (`reschedule 12` moves one occurrence alone, `show 12`, `start 12`)
works on an occurrence unchanged; a series is reached through any of its occurrences (`series 12`). Who may
change a series is `bot.access.can_edit_series`, asked through `guard`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import command_types as c
from bot import limits, views
from bot.errors import Conflict, UserError
from bot.i18n import Lang, aside_for_each_reader, t
from bot.locale import language_of
from bot.messages import Outcome, OutMessage, RefSpec, Section, Target
from bot.recurrence import Occurrence
from bot.service import guard, meetings, series_plan
from bot.service.context import Ctx
from bot.timeparse import format_date, format_when
from store import repo
from store.models import Meeting, MeetingSeries, NotificationKind, User

SHOWN = 6  # occurrences `series N` and the creation reply list
EXAMPLE = "example.new_repeat"


def new(ctx: Ctx, cmd: c.NewMeeting) -> Outcome:
    """`new …`: one meeting, or with `every …` the first occurrence of a series."""
    return create(ctx, cmd) if cmd.repeat is not None else meetings.create(ctx, cmd)


def create(ctx: Ctx, cmd: c.NewMeeting) -> Outcome:
    rule = cmd.repeat
    assert rule is not None
    duration = cmd.duration or timedelta(minutes=ctx.settings.default_duration_minutes)
    series = MeetingSeries(
        workspace_id=ctx.workspace_id, channel_id=ctx.inbound.channel, title=cmd.title, freq=rule.freq,
        interval=rule.interval, weekday=rule.weekday, nth=rule.nth, at_minute=rule.at.hour * 60 + rule.at.minute,
        duration_minutes=round(duration.total_seconds() / 60), timezone=ctx.tz.key,
        first_on=cmd.start.astimezone(ctx.tz).date(), count=rule.count, until=rule.until,
        on_holiday=rule.on_holiday, created_by_id=ctx.user_id, created_at=ctx.now,
    )
    planned = series_plan.occurrences(ctx.session, ctx.settings, series, until=ctx.now + series_plan.HORIZON,
                                      limit=SHOWN)
    first = next((o for o in planned if o.day is not None and series_plan.start_of(series, o) > ctx.now), None)
    if first is None:
        raise UserError("error.series_empty", EXAMPLE)
    number_before = repo.last_meeting_number(ctx.session, ctx.workspace_id)
    outcome = meetings.create(ctx, replace(cmd, start=series_plan.start_of(series, first), repeat=None))
    meeting = repo.meeting_by_number(ctx.session, ctx.workspace_id, number_before + 1)
    if meeting is None:  # nothing was made (the meeting's own checks asked something first)
        return outcome
    ctx.session.add(series)
    ctx.session.flush()
    meeting.series_id, meeting.series_index = series.id, first.index
    meeting.planned_on = first.planned if first.moved else None
    ctx.session.flush()
    view = views.load(ctx.session, meeting)
    outcome.messages = [rerendered(ctx, view, message) for message in outcome.messages]
    made = series_plan.extend(ctx.session, ctx.settings, series, ctx.now)
    lines = occurrence_lines(ctx, series, [meeting, *made], planned)
    outcome.messages.insert(1, ctx.reply(
        ctx.t("series.created", title=series.title, rule=describe(series, ctx.lang), ends=ends(series, ctx.lang),
              holidays=ctx.t("series.holidays." + series.on_holiday), number=meeting.number),
        sections=(Section(ctx.t("heading.series_next"), tuple(lines)),),
    ))
    return outcome


def rerendered(ctx: Ctx, view: views.MeetingView, message: OutMessage) -> OutMessage:
    """The first occurrence's card and invitations, drawn again now that it knows its series."""
    ref = message.ref
    if ref is None or ref.meeting_id != view.meeting.id:
        return message
    if ref.kind == "rsvp_prompt":
        return series_plan.card(ctx.session, ctx.settings, view, ctx.inbound.platform, view.zone)
    if ref.kind == "invitation" and ref.recipient_id is not None:
        user = ctx.session.get(User, ref.recipient_id)
        if user is not None:
            return series_plan.personal(ctx.session, ctx.settings, view, user, ctx.inbound.platform,
                                        inviter=ctx.user.display_name)
    return message


def describe(series: MeetingSeries, lang: Lang) -> str:
    """"every Monday at 10:00", "每两周周五 15:00", "monthly on the first Monday at 10:00"."""
    hour, minute = divmod(series.at_minute, 60)
    at = f"{hour:02d}:{minute:02d}"
    if series.freq == "workdays":
        return t(lang, "series.rule.workdays", time=at)
    day = t(lang, f"weekday.{series.weekday}")
    if series.freq == "monthly":
        return t(lang, "series.rule.monthly", nth=t(lang, f"ordinal.{series.nth}"), day=day, time=at)
    return t(lang, "series.rule.weekly" if series.interval == 1 else "series.rule.fortnightly", day=day, time=at)


def ends(series: MeetingSeries, lang: Lang) -> str:
    parts = []
    if series.count is not None:
        parts.append(t(lang, "series.ends.count", n=series.count))
    if series.until is not None:
        parts.append(t(lang, "series.ends.until", date=format_date(series.until, lang)))
    if series.stop_after is not None:
        parts.append(t(lang, "series.ends.stopped", n=series.stop_after))
    return t(lang, "agenda.separator").join(parts) if parts else t(lang, "series.ends.never")


def occurrence_lines(ctx: Ctx, series: MeetingSeries, made: list[Meeting], planned: list[Occurrence]) -> list[str]:
    """The next places of the series: made occurrences by number, then what the rule says after them."""
    zone = ctx.tz
    by_index = {m.series_index: m for m in made}
    lines = []
    last_made = max((m.series_index or 0 for m in made), default=0)
    for occurrence in planned:
        meeting = by_index.get(occurrence.index)
        if meeting is not None:
            lines.append(meeting_line(ctx, meeting))
        elif occurrence.day is None:
            lines.append(ctx.t("series.line_holiday", index=occurrence.index,
                               date=format_date(occurrence.planned, ctx.lang)))
        elif occurrence.index > last_made:
            when = format_when(series_plan.start_of(series, occurrence).astimezone(zone), zone, ctx.lang)
            lines.append(ctx.t("series.line_later", index=occurrence.index, when=when)
                         + moved_note(ctx, occurrence))
        if len(lines) >= SHOWN:
            break
    return lines


def moved_note(ctx: Ctx, occurrence: Occurrence) -> str:
    return ctx.t("series.moved_note", date=format_date(occurrence.planned, ctx.lang)) if occurrence.moved else ""


def meeting_line(ctx: Ctx, meeting: Meeting, *, numbered: bool = True) -> str:
    """An occurrence as a line of the series' list ("3. #3 …"), or on its own (`numbered=False`: "#3 …")."""
    when = format_when(meeting.start_at.astimezone(ctx.tz), ctx.tz, ctx.lang)
    line = ctx.t("series.line" if numbered else "series.line_alone", index=meeting.series_index,
                 number=meeting.number, when=when, status=ctx.t("status." + meeting.status))
    if meeting.planned_on is not None:
        line += ctx.t("series.moved_note", date=format_date(meeting.planned_on, ctx.lang))
    return line


def series_of(ctx: Ctx, meeting: Meeting) -> MeetingSeries:
    series = ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id is not None else None
    if series is None:
        raise Conflict("error.not_series", number=meeting.number)
    return series


def show_or_edit(ctx: Ctx, cmd: c.Series) -> Outcome:
    if cmd.title is None and cmd.at is None and cmd.detail is None:
        return show(ctx, cmd.number)
    return edit(ctx, cmd)


def show(ctx: Ctx, number: int) -> Outcome:
    meeting = guard.find_meeting(ctx, number)
    series = series_of(ctx, meeting)
    assert series.id is not None
    made = repo.series_occurrences(ctx.session, series.id)
    upcoming = [m for m in made if m.end_at > ctx.now or m.status == "in_progress"]
    first_index = min((m.series_index or 0 for m in upcoming), default=(made[-1].series_index or 0) + 1)
    last_made = max((m.series_index or 0 for m in made), default=0)
    planned = [o for o in series_plan.occurrences(ctx.session, ctx.settings, series,
                                                  limit=first_index + SHOWN) if o.index >= first_index
               and (series.status == "active" or o.index <= last_made)]  # a cancelled series makes no more
    lines = occurrence_lines(ctx, series, upcoming, planned) or [ctx.t("series.none_ahead")]
    creator = repo.users_by_id(ctx.session, [series.created_by_id])[series.created_by_id]
    status = ctx.t("series.status." + series.status)
    return Outcome([ctx.reply(
        ctx.t("series.show", title=series.title),  # only to the speaker, who may see the meeting
        fields=((ctx.t("field.repeats"), describe(series, ctx.lang)), (ctx.t("field.ends"), ends(series, ctx.lang)),
                (ctx.t("field.holidays"), ctx.t("series.holidays." + series.on_holiday)),
                (ctx.t("field.created_by"), f"@{creator.display_name} · {status}")),
        sections=(Section(ctx.t("heading.series_next"), tuple(lines)),),
        context=ctx.t("series.hint", number=meeting.number),
    )])


def editable(ctx: Ctx, number: int) -> tuple[Meeting, MeetingSeries, views.MeetingView]:
    meeting = guard.find_meeting(ctx, number)
    series = series_of(ctx, meeting)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit_series(ctx, view, series.created_by_id)
    return meeting, series, view


def ahead_from(ctx: Ctx, series: MeetingSeries, meeting: Meeting) -> list[Meeting]:
    """The occurrences from `meeting` on that have not taken place yet (nor were due to: one whose time passed
    unheld is left as it is)."""
    assert series.id is not None
    return [m for m in repo.series_occurrences(ctx.session, series.id)
            if (m.series_index or 0) >= (meeting.series_index or 0) and m.status == "scheduled"
            and m.start_at > ctx.now]


def notices(ctx: Ctx, changed: list[Meeting], key: str,
            in_lang: Callable[[Lang], dict[str, object]] | None = None,
            asked_again: dict[int, list[Meeting]] | None = None, **params: object) -> list[OutMessage]:
    """One private note per person taking part in any of `changed` (not the speaker), in their language
    (`in_lang` gives the parameters that are words of that language); `asked_again`: whose answers a new time
    cleared, for which occurrences — they are asked again (with the buttons when it is one occurrence: the note is
    then that occurrence's invitation, so an answer on an older one is known to be out of date)."""
    people: dict[int, User] = {}
    for m in changed:
        assert m.id is not None
        people.update({u.id: u for _p, u in repo.participants(ctx.session, m.id) if u.id and u.id != ctx.user_id})
    out = []
    for user in people.values():
        lang = language_of(user, ctx.settings, changed[0].language)
        numbers = t(lang, "punct.list").join(f"#{m.number}" for m in changed)
        text = t(lang, key, who=ctx.user.display_name, numbers=numbers, title=changed[0].title, **params,
                 **(in_lang(lang) if in_lang else {}))
        cleared = (asked_again or {}).get(user.id or 0, [])
        if cleared:
            text += "\n" + t(lang, "series.answer_cleared" if len(cleared) == 1 else "series.answers_cleared",
                             numbers=t(lang, "punct.list").join(f"#{m.number}" for m in cleared))
        asks = cleared[0] if len(cleared) == 1 else None  # with the buttons, it is that occurrence's invitation
        out.append(OutMessage(lang=lang, target=Target(kind="direct", user=user.platform_user_id), text=text,
                              buttons=views.rsvp_buttons(asks, lang) if asks else (),
                              ref=RefSpec("invitation", ctx.workspace_id, meeting_id=asks.id, recipient_id=user.id)
                              if asks else None))
    return out


def skip(ctx: Ctx, cmd: c.SkipOccurrence) -> Outcome:
    meeting, series, _view = editable(ctx, cmd.number)
    guard.ensure_live(ctx, meeting, "scheduled")
    meeting.status = "cancelled"
    meeting.revision += 1
    meeting.cancel_reason = cmd.reason
    assert meeting.id is not None
    repo.drop_pending(ctx.session, meeting.id)
    ctx.session.flush()
    series_plan.extend(ctx.session, ctx.settings, series, ctx.now)
    following = next((m for m in ahead_from(ctx, series, meeting)), None)
    nxt = meeting_line(ctx, following, numbered=False) if following is not None else ctx.t("series.none_ahead")
    reason = aside_for_each_reader(cmd.reason) if cmd.reason else ""
    when = format_when(meeting.start_at.astimezone(ctx.tz), ctx.tz, ctx.lang)
    outcome = Outcome(meetings.refreshed_prompt(ctx, meeting) + meetings.outdated_invitations(ctx, meeting))
    outcome.messages.append(ctx.post(ctx.t("skip.done", number=meeting.number, title=views.shared_title(
        meeting, ctx.lang), when=when, reason=reason, next=nxt)))
    outcome.messages += notices(ctx, [meeting], "skip.notice", reason=reason)
    return outcome


def cancel(ctx: Ctx, cmd: c.CancelMeeting) -> Outcome:
    """`cancel 3` cancels one meeting; `cancel 3 series` / `cancel 3 from here` a series or its rest."""
    if cmd.scope == "one":
        return meetings.cancel(ctx, cmd)
    meeting, series, _view = editable(ctx, cmd.number)
    targets = ahead_from(ctx, series, meeting) if cmd.scope == "from_here" else [  # one whose time passed unheld
        m for m in repo.series_occurrences(ctx.session, series.id or 0)  # is left as it is, as from here leaves it
        if m.status == "scheduled" and m.start_at > ctx.now]
    if cmd.scope == "series" or (meeting.series_index or 0) <= 1:
        series.status = "cancelled"
    else:
        series.stop_after = (meeting.series_index or 1) - 1
    outcome = Outcome()
    for m in targets:
        m.status = "cancelled"
        m.revision += 1
        m.cancel_reason = cmd.reason
        assert m.id is not None
        repo.drop_pending(ctx.session, m.id)
        ctx.session.flush()
        outcome.messages += meetings.refreshed_prompt(ctx, m) + meetings.outdated_invitations(ctx, m)
    reason = aside_for_each_reader(cmd.reason) if cmd.reason else ""
    numbers = ctx.t("punct.list").join(f"#{m.number}" for m in targets) or "—"
    key = "series.cancelled" if series.status == "cancelled" else "series.cancelled_from"
    title = views.shared_title(meeting, ctx.lang)
    outcome.messages.append(ctx.post(ctx.t(key, title=title, number=meeting.number, numbers=numbers, reason=reason)))
    if targets:
        outcome.messages += notices(ctx, targets, "series.cancel_notice", reason=reason)
    return outcome


def edit(ctx: Ctx, cmd: c.Series) -> Outcome:
    """The series' title, time of day, place, link, goal or expected outcome, from occurrence #N on: the
    occurrences already made change (each one's reminders follow, calendars see a new revision), and so do the
    ones made later (a title and time live on the series; the rest is copied from the occurrence before)."""
    meeting, series, _view = editable(ctx, cmd.number)
    targets = ahead_from(ctx, series, meeting)
    if not targets:
        raise Conflict("error.meeting_state", number=meeting.number, status=ctx.t("status." + meeting.status))
    zone = ZoneInfo(series.timezone)
    outcome = Outcome()
    asked_again: dict[int, list[Meeting]] = {}
    if cmd.title is not None:
        limits.check_length(cmd.title, limits.TITLE_MAX)
        series.title = cmd.title
        for m in targets:
            m.title = cmd.title
            m.revision += 1  # calendars that imported its .ics update the event they have
        what = ctx.t("series.edit.title", value=cmd.title)
    elif cmd.detail is not None:
        value = cmd.value or ""
        if cmd.detail in ("place", "link"):
            limits.check_length(value, limits.LOCATION_MAX)
        column = {"place": "location", "outcome": "expected_outcome"}.get(cmd.detail, cmd.detail)
        later = [m for m in repo.series_occurrences(ctx.session, series.id or 0)  # skipped ones too: the next
                 if (m.series_index or 0) >= (meeting.series_index or 0) and m.start_at > ctx.now]  # copies
        for m in later:
            setattr(m, column, value)
        for m in targets:
            m.revision += 1
        what = ctx.t("series.edit.detail", field=ctx.t("edit_field." + cmd.detail), value=value)
    else:
        assert cmd.at is not None
        series.at_minute = cmd.at.hour * 60 + cmd.at.minute
        targets = [m for m in targets if moved_start(m, cmd.at, zone) > ctx.now]
        for m in targets:
            for user_id in meetings.clear_answers(ctx, views.load(ctx.session, m)):  # a yes to 10:00 is no
                asked_again.setdefault(user_id, []).append(m)  # yes to 10:30: asked again
            length = m.end_at - m.start_at
            m.start_at = moved_start(m, cmd.at, zone)
            m.end_at = m.start_at + length
            m.revision += 1
            assert m.id is not None
            invited = not repo.has_pending(ctx.session, m.id, NotificationKind.SERIES_INVITATION)
            repo.drop_pending(ctx.session, m.id)
            ctx.session.flush()
            series_plan.schedule(ctx.session, ctx.settings, m, ctx.now, m.start_at - series_plan.INVITE_BEFORE,
                                 invite=not invited)
        what = ctx.t("series.edit.time", value=f"{cmd.at:%H:%M}")
    ctx.session.flush()
    for m in targets:
        outcome.messages += meetings.refreshed_prompt(ctx, m)
        if cmd.at is not None:  # who is asked again about `m` on the notice below: the rest on the invitation
            asked = {user_id for user_id, cleared in asked_again.items() if [o.id for o in cleared] == [m.id]}
            outcome.messages += meetings.outdated_invitations(ctx, m, asked)
    numbers = ctx.t("punct.list").join(f"#{m.number}" for m in targets) or "—"
    outcome.messages.append(ctx.post(ctx.t("series.edited", title=series.title, number=meeting.number, what=what,
                                           numbers=numbers)))
    if targets:
        outcome.messages += notices(ctx, targets, "series.edit_notice",
                                    in_lang=lambda lang: {"what": series_change(cmd, lang)}, asked_again=asked_again)
    return outcome


def series_change(cmd: c.Series, lang: Lang) -> str:
    """What a series' edit changed, in a reader's language."""
    if cmd.title is not None:
        return t(lang, "series.edit.title", value=cmd.title)
    if cmd.detail is not None:
        return t(lang, "series.edit.detail", field=t(lang, "edit_field." + cmd.detail), value=cmd.value or "")
    assert cmd.at is not None
    return t(lang, "series.edit.time", value=f"{cmd.at:%H:%M}")


def reschedule(ctx: Ctx, cmd: c.RescheduleMeeting) -> Outcome:
    """`reschedule N` as for any meeting; an occurrence whose invitation had not gone out yet still gets it
    (the reschedule drops the meeting's pending rows), due as before relative to its new time."""
    meeting = repo.meeting_by_number(ctx.session, ctx.workspace_id, cmd.number)
    waiting = (meeting is not None and meeting.id is not None and meeting.series_id is not None
               and repo.has_pending(ctx.session, meeting.id, NotificationKind.SERIES_INVITATION))
    outcome = meetings.reschedule(ctx, cmd)
    if waiting and meeting is not None:
        due = max(ctx.now, min(meeting.start_at - series_plan.LAST_CALL, meeting.start_at - series_plan.INVITE_BEFORE))
        series_plan.send_invitations(ctx.session, meeting, due, ctx.now)
    return outcome


def moved_start(meeting: Meeting, at: time, zone: ZoneInfo) -> datetime:
    day = meeting.start_at.astimezone(zone).date()
    return datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=zone)
