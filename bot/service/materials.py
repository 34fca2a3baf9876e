"""A meeting's materials: who owes them by when, the reminder if they are late, and the link to everyone
once they arrive.

`new … materials: <link> by <date>` (材料：… 截止 …) says materials are expected: from the first agenda item's
presenter, else the host, by the date given or one working day before the meeting (the channel's working-day
calendar). `materials 3 by friday @bob` changes who and when (those who may change the meeting); `materials 3
<link>` from the presenter (or an editor) posts the link to every participant. Until then a
`MATERIALS_DUE` row reminds the presenter the working day before the date (`bot.jobs` renders it);
`schedule` plans it again whenever the meeting's reminders are planned again (a move).
"""

from __future__ import annotations

from datetime import date, datetime

from bot import command_types as c
from bot import followup, views
from bot.errors import UserError
from bot.i18n import t
from bot.locale import language_of, zone_of
from bot.messages import Outcome, OutMessage, Target
from bot.service import guard
from bot.service.context import Ctx
from bot.timeparse import format_date
from bot.workdays import WorkCalendar, calendar_for
from store import repo, scheduling
from store.models import Meeting, MeetingMaterials, NotificationKind, User


def attach(ctx: Ctx, meeting: Meeting, cmd: c.NewMeeting) -> None:
    """`materials:` on `new`: what is expected, from whom, by when (rows only; `schedule` plans the reminder)."""
    if not cmd.asks_materials:
        return
    assert meeting.id is not None
    agenda = repo.agenda(ctx.session, meeting.id)
    presenter_id = next((item.presenter_id for item in agenda if item.presenter_id is not None), None)
    if presenter_id is None:
        presenter_id = next(p.user_id for p, _u in repo.participants(ctx.session, meeting.id) if p.role == "host")
    ctx.session.add(MeetingMaterials(meeting_id=meeting.id, presenter_id=presenter_id, link=cmd.materials,
                                     due_on=cmd.materials_due or default_due(ctx, meeting), created_at=ctx.now))
    ctx.session.flush()


def default_due(ctx: Ctx, meeting: Meeting) -> date:
    """One working day before the meeting's day."""
    return _calendar(ctx, meeting).add_workdays(meeting.start_at.astimezone(ctx.tz).date(), -1)


def schedule(ctx: Ctx, meeting: Meeting) -> None:
    """The presenter's reminder, at the reminder hour of the working day before the due date in their
    timezone (on the day itself when that has passed); none once posted or when both have passed."""
    assert meeting.id is not None
    owed = scheduling.materials(ctx.session, meeting.id)
    scheduling.drop_pending_kind(ctx.session, meeting.id, NotificationKind.MATERIALS_DUE)
    presenter = ctx.session.get(User, owed.presenter_id) if owed is not None else None
    if owed is None or owed.posted_at is not None or presenter is None:
        return
    hour = followup.channel_settings(ctx.session, ctx.settings, ctx.workspace_id, meeting.channel_id).reminder_hour
    zone = zone_of(presenter, ctx.settings)
    days = (_calendar(ctx, meeting).add_workdays(owed.due_on, -1), owed.due_on)
    when: datetime | None = next((at for day in days if (at := followup.at_hour(day, hour, zone)) > ctx.now), None)
    if when is not None and when < meeting.start_at:
        followup.schedule(ctx.session, ctx.workspace_id, NotificationKind.MATERIALS_DUE, when, ctx.now,
                          meeting_id=meeting.id, recipient_id=presenter.id)


def share(ctx: Ctx, cmd: c.ShareMaterials) -> Outcome:
    """`materials 3 …`: a date or a presenter sets what is owed (editors); a link alone posts it (the presenter)."""
    meeting = guard.find_meeting(ctx, cmd.number)
    guard.ensure_live(ctx, meeting, "scheduled", "in_progress")
    view = views.load(ctx.session, meeting)
    assert meeting.id is not None
    owed = scheduling.materials(ctx.session, meeting.id)
    if cmd.due is not None or cmd.presenter is not None:
        guard.ensure_can_edit(ctx, view)
        day = meeting.start_at.astimezone(ctx.tz).date()
        if cmd.due is not None and cmd.due > day:  # never asked for: the reminder would fall after the meeting
            raise UserError("error.materials_after_meeting", "example.materials",
                            date=format_date(cmd.due, ctx.lang), day=format_date(day, ctx.lang))
        return _ask_for(ctx, meeting, owed, cmd)
    presenter = ctx.session.get(User, owed.presenter_id) if owed is not None else None
    guard.ensure_may_share_materials(ctx, view, presenter)
    if owed is None:
        owed = MeetingMaterials(meeting_id=meeting.id, presenter_id=ctx.user_id, due_on=default_due(ctx, meeting),
                                created_at=ctx.now)
        ctx.session.add(owed)
    owed.link, owed.posted_at = cmd.link, ctx.now
    ctx.session.flush()
    schedule(ctx, meeting)  # drops the reminder
    readers = [u for _p, u in view.people if u.id != ctx.user_id]
    messages = [ctx.reply(ctx.t("materials.posted", number=meeting.number, n=len(readers)))]
    for user in readers:
        lang = language_of(user, ctx.settings, meeting.language)
        messages.append(OutMessage(lang=lang, target=Target(kind="direct", user=user.platform_user_id),
                                   text="📎 " + t(lang, "materials.arrived", number=meeting.number, title=meeting.title,
                                                 who=ctx.user.display_name, link=cmd.link)))
    return Outcome(messages)


def _ask_for(ctx: Ctx, meeting: Meeting, owed: MeetingMaterials | None, cmd: c.ShareMaterials) -> Outcome:
    assert meeting.id is not None
    presenter = ctx.resolve(cmd.presenter) if cmd.presenter is not None else ctx.user
    assert presenter.id is not None
    if owed is None:
        owed = MeetingMaterials(meeting_id=meeting.id, presenter_id=presenter.id, due_on=default_due(ctx, meeting),
                                created_at=ctx.now)
        ctx.session.add(owed)
    if cmd.presenter is not None:
        owed.presenter_id = presenter.id
    owed.due_on = cmd.due or owed.due_on
    owed.link = cmd.link or owed.link
    owed.posted_at = None
    ctx.session.flush()
    schedule(ctx, meeting)
    who = ctx.session.get(User, owed.presenter_id)
    assert who is not None
    messages = [ctx.reply(ctx.t("materials.asked", number=meeting.number, name=who.display_name,
                                date=format_date(owed.due_on, ctx.lang)))]
    if who.id != ctx.user_id:
        lang = language_of(who, ctx.settings, meeting.language)
        messages.append(OutMessage(lang=lang, target=Target(kind="direct", user=who.platform_user_id),
                                   text="📎 " + t(lang, "materials.request", who=ctx.user.display_name,
                                                 number=meeting.number, title=meeting.title,
                                                 date=format_date(owed.due_on, lang))))
    return Outcome(messages)


def _calendar(ctx: Ctx, meeting: Meeting) -> WorkCalendar:
    return calendar_for(followup.channel_settings(ctx.session, ctx.settings, ctx.workspace_id,
                                                  meeting.channel_id).holidays)
