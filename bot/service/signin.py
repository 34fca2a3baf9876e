"""The day of the event: sign-in and the agenda countdown.

Sign-in (签到) for an event: each attendee's name, department, contact and time, taken before the start as
well as during it; the people who run the event see who has not signed in and can chase them, privately.

Signing in is the same check-in `here` records (the first time counts), so attendance in the minutes and in
the monitoring report agree (`store.attendance`; someone uninvited who only spoke is not chased); `signin` adds
the department and contact the standard's sign-in sheet asks for.
"""

from __future__ import annotations

from datetime import timedelta

from bot import board_commands as bc
from bot import board_views
from bot.i18n import t
from bot.locale import language_of
from bot.messages import Button, Outcome, OutMessage, Section
from bot.service import guard, meetings
from bot.service.context import Ctx
from store import attendance, repo


def signin(ctx: Ctx, cmd: bc.SignIn) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    guard.ensure_live(ctx, meeting, "scheduled", "in_progress")
    p = meetings.check_in(ctx, meeting)
    if cmd.department:
        p.organization = cmd.department
    if cmd.contact:
        p.contact = cmd.contact
    ctx.session.flush()
    assert p.checked_in_at is not None
    at = f"{p.checked_in_at.astimezone(ctx.tz):%H:%M}"
    details = ctx.t("signin.sep").join(x for x in (p.organization, p.contact) if x)
    return Outcome([ctx.reply(ctx.t("signin.done", number=meeting.number, at=at,
                                    details=ctx.t("signin.details", details=details) if details else ""))])


def signins(ctx: Ctx, cmd: bc.ShowSignIns) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    guard.ensure_runs_event(ctx, meeting)
    assert meeting.id is not None
    people = repo.participants(ctx.session, meeting.id)
    signed = sorted((pair for pair in people if attendance.present(pair[0])),
                    key=lambda pair: pair[0].checked_in_at or ctx.now)
    missing = [user for p, user in people if attendance.on_roll(p) and not attendance.present(p) and p.rsvp != "no"]
    lines = tuple(
        " — ".join(x for x in ("@" + user.display_name, p.organization, p.contact,
                               f"{(p.checked_in_at or ctx.now).astimezone(ctx.tz):%m-%d %H:%M}") if x)
        for p, user in signed
    )
    sections = (
        Section(ctx.t("signin.signed", n=len(signed)), lines or (ctx.t("signin.nobody"),)),
        Section(ctx.t("signin.missing", n=len(missing)),
                (ctx.t("punct.list").join("@" + u.display_name for u in missing),) if missing
                else (ctx.t("signin.everyone"),)),
    )
    buttons = (Button(ctx.t("button.chase"), f"chase {meeting.number}"),) if missing else ()
    return Outcome([ctx.reply(ctx.t("signin.intro"), title=ctx.t("signin.title", number=meeting.number,
                                                                  title=meeting.title),
                              sections=sections, buttons=buttons)])


def chase(ctx: Ctx, cmd: bc.ChaseSignIns) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    guard.ensure_runs_event(ctx, meeting)
    guard.ensure_live(ctx, meeting, "scheduled", "in_progress")
    assert meeting.id is not None
    missing = [user for p, user in repo.participants(ctx.session, meeting.id)
               if attendance.on_roll(p) and not attendance.present(p) and p.rsvp != "no" and user.id != ctx.user_id]
    messages: list[OutMessage] = [ctx.reply(ctx.t("signin.chased", number=meeting.number, who=ctx.t("punct.list").join(
        "@" + u.display_name for u in missing)) if missing else ctx.t("signin.everyone"))]
    for user in missing:
        lang = language_of(user, ctx.settings, meeting.language)
        messages.append(board_views.direct(user, lang, t(lang, "signin.please", number=meeting.number,
                                                         title=meeting.title, who=ctx.user.display_name), meeting))
    return Outcome(messages)


DELAY_LIMIT = timedelta(minutes=10)  # the standard: a delay of more than 10 minutes is flagged


def countdown(ctx: Ctx, cmd: bc.Countdown) -> Outcome:
    """`countdown 3`: the item under way and the time it has left, the next item and when it should start, and
    a flag when the agenda runs more than 10 minutes behind its plan."""
    meeting = guard.find_meeting(ctx, cmd.number)
    guard.ensure_live(ctx, meeting, "in_progress")
    assert meeting.id is not None
    items = repo.agenda(ctx.session, meeting.id)
    current = next((item for item in items if item.started_at is not None and item.ended_at is None), None)
    if current is None or current.started_at is None:
        return Outcome([ctx.reply(ctx.t("countdown.none", number=meeting.number))])
    planned_end = current.started_at + timedelta(minutes=current.planned_minutes or 0)
    left = round((planned_end - ctx.now).total_seconds() / 60)
    lines = [ctx.t("countdown.now", item=current.title, left=left) if left >= 0 else
             ctx.t("countdown.over", item=current.title, over=-left)]
    later = [item for item in items if item.position > current.position]
    if later:
        lines.append(ctx.t("countdown.next", item=later[0].title,
                           at=f"{max(planned_end, ctx.now).astimezone(ctx.tz):%H:%M}"))
    planned_start = meeting.start_at + timedelta(minutes=sum(
        item.planned_minutes or 0 for item in items if item.position < current.position))
    behind = max(ctx.now, planned_end) - (planned_start + timedelta(minutes=current.planned_minutes or 0))
    if behind > DELAY_LIMIT:
        lines.append(ctx.t("countdown.delayed", minutes=round(behind.total_seconds() / 60)))
    return Outcome([ctx.reply("\n".join(lines))])
