"""The meeting day: the agenda timer, moving on by hand, the satisfaction survey and minutes receipts.

The timer is `Notification` rows like every other timed message: when an agenda item starts, its "time is
up" and "still on it 5 minutes later" rows are written with their `due_at`, and the scheduler tick sends
them. A row names its agenda item, and renders to nothing once that item has ended or the meeting is over,
so moving on early, ending the meeting, a restart or a second instance never makes the bot announce an item
nobody is on. What actually happened (each item's start and end) is kept on the item itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot import command_types as c
from bot import followup, views
from bot.errors import Conflict, NotAllowed
from bot.i18n import t
from bot.jobs import OVERRUN_GRACE, SUM_UP_BEFORE
from bot.locale import as_lang, language_of
from bot.messages import Button, Outcome, OutMessage, RefSpec, Section, Target
from bot.service import guard
from bot.service.context import Ctx
from store import repo
from store.models import AgendaItem, Meeting, MinutesRemark, NotificationKind, SurveyAnswer

TIME_UP = NotificationKind.AGENDA_TIME_UP
OVERRUN = NotificationKind.AGENDA_OVERRUN
TIMER_KINDS = (TIME_UP, OVERRUN)


def current_item(agenda: list[AgendaItem]) -> AgendaItem | None:
    """The item being discussed: started and not yet ended (at most one is, as only `next` starts one)."""
    return next((i for i in agenda if i.started_at is not None and i.ended_at is None), None)


def begin_item(session: Session, meeting: Meeting, item: AgendaItem, now: datetime) -> None:
    """Start `item` now and write its timer rows (none when it has no planned length)."""
    item.started_at = now
    if item.planned_minutes is None:
        return
    planned_end = now + timedelta(minutes=item.planned_minutes)
    for kind, due in ((TIME_UP, planned_end), (OVERRUN, planned_end + OVERRUN_GRACE)):
        followup.schedule(session, meeting.workspace_id, kind, due, now, meeting_id=meeting.id,
                          agenda_item_id=item.id, channel_id=meeting.channel_id)


def start_agenda(ctx: Ctx, meeting: Meeting) -> None:
    """`start`: the first agenda item begins with the meeting."""
    assert meeting.id is not None
    agenda = repo.agenda(ctx.session, meeting.id)
    if agenda:
        begin_item(ctx.session, meeting, agenda[0], ctx.now)


def schedule_sum_up(ctx: Ctx, meeting: Meeting) -> None:
    """`start`: each host is told ten minutes before the planned end that it is time to sum up (dropped at
    `end`; none when the meeting starts that late)."""
    assert meeting.id is not None
    when = meeting.end_at - SUM_UP_BEFORE
    if when <= ctx.now:
        return
    for p, _user in repo.participants(ctx.session, meeting.id):
        if p.role == "host":
            followup.schedule(ctx.session, ctx.workspace_id, NotificationKind.SUM_UP, when, ctx.now,
                              meeting_id=meeting.id, recipient_id=p.user_id)


def close_agenda(ctx: Ctx, meeting: Meeting) -> None:
    """`end`: the item still under discussion ends with the meeting (its timer rows go stale with it)."""
    assert meeting.id is not None
    item = current_item(repo.agenda(ctx.session, meeting.id))
    if item is not None:
        item.ended_at = ctx.now


def actual_minutes(item: AgendaItem) -> int:
    assert item.started_at is not None and item.ended_at is not None
    return round((item.ended_at - item.started_at).total_seconds() / 60)


def next_item(ctx: Ctx, cmd: c.NextItem) -> Outcome:
    """Close the current agenda item and start the following one; the editors decide when to move on."""
    running = repo.running_meeting(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    if running is None:
        raise Conflict("error.none_running")
    meeting = repo.lock_meeting(ctx.session, running)  # two clicks at once: the second sees the first's move
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    if not view.agenda:
        raise Conflict("error.no_agenda", number=meeting.number)
    item = current_item(view.agenda)
    if item is None:
        raise Conflict("error.agenda_over", number=meeting.number)
    if cmd.current is not None and cmd.current != item.position:
        label = views.agenda_label(item, views.presenter_of(ctx.session, item), ctx.lang)
        return Outcome([ctx.reply(ctx.t("agenda.already_moved", item=label))])
    item.ended_at = ctx.now
    following = next((i for i in view.agenda if i.position > item.position and i.started_at is None), None)
    channel = Target(kind="channel", channel=meeting.channel_id)  # the whole room, even when a click replied
    if meeting.confidential:  # agenda titles are the meeting's content: only the one who moved on reads them
        channel = ctx.reply("").target
    if following is None:
        text = ctx.t("agenda.finished", title=item.title, minutes=actual_minutes(item))
        return Outcome([OutMessage(lang=ctx.lang, target=channel, text=text)])
    begin_item(ctx.session, meeting, following, ctx.now)
    label = views.agenda_label(following, views.presenter_of(ctx.session, following), ctx.lang)
    text = ctx.t("agenda.moved", title=item.title, minutes=actual_minutes(item), item=label)
    return Outcome([OutMessage(lang=ctx.lang, target=channel, text=text)])


def survey_messages(ctx: Ctx, view: views.MeetingView) -> list[OutMessage]:
    """After `end`, privately to each attendee who checked in: 1–5 buttons, and how to add a comment."""
    m = view.meeting
    messages = []
    for p, user in view.people:
        if p.checked_in_at is None:
            continue
        lang = language_of(user, ctx.settings, m.language)
        messages.append(
            OutMessage(lang=lang,
                target=Target(kind="direct", user=user.platform_user_id),
                title=t(lang, "survey.title"),
                text=t(lang, "survey.text", number=m.number, title=m.title),
                buttons=tuple(Button(str(score), f"rate {m.number} {score}") for score in c.SURVEY_SCORES),
                context=t(lang, "survey.hint", number=m.number),
                ref=RefSpec("survey", ctx.workspace_id, meeting_id=m.id, recipient_id=user.id),
            )
        )
    return messages


def rate(ctx: Ctx, cmd: c.Rate) -> Outcome:
    """Keep one attendee's answer to an ended meeting's survey; a later answer replaces the earlier one."""
    meeting = guard.find_meeting(ctx, cmd.number)
    assert meeting.id is not None
    p = repo.participant(ctx.session, meeting.id, ctx.user_id)
    if p is None or p.checked_in_at is None:
        raise NotAllowed("error.not_attendee", "example.rate", number=meeting.number)
    guard.ensure_live(ctx, meeting, "ended")
    answer = repo.survey_answer(ctx.session, meeting.id, ctx.user_id)
    key = "survey.updated" if answer is not None else "survey.thanks"
    if answer is None:
        answer = SurveyAnswer(meeting_id=meeting.id, user_id=ctx.user_id, score=cmd.score, answered_at=ctx.now)
        ctx.session.add(answer)
    answer.score, answer.comment, answer.answered_at = cmd.score, cmd.comment, ctx.now
    ctx.session.flush()
    return Outcome([ctx.reply(ctx.t(key, number=meeting.number, score=cmd.score))])



def ack_minutes(ctx: Ctx, cmd: c.AckMinutes) -> Outcome:
    """A participant confirms they have the minutes; the first confirmation's time is the one kept."""
    meeting = guard.find_meeting(ctx, cmd.number)
    assert meeting.id is not None
    p = repo.participant(ctx.session, meeting.id, ctx.user_id)
    if p is None:
        raise NotAllowed("error.not_participant", "example.ack", number=meeting.number)
    guard.ensure_live(ctx, meeting, "ended")
    key = "acks.already" if p.minutes_acked_at is not None else "acks.recorded"
    p.minutes_acked_at = p.minutes_acked_at or ctx.now
    return Outcome([ctx.reply(ctx.t(key, number=meeting.number))])


def show_acks(ctx: Ctx, cmd: c.ShowAcks) -> Outcome:
    """For the host (and the other editors): who has confirmed the minutes, and who has not yet."""
    meeting = guard.find_meeting(ctx, cmd.number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, "ended")
    waiting = [u for p, u in view.people if p.minutes_acked_at is None]
    line = ctx.t("acks.waiting", names=views.names(waiting, ctx.lang)) if waiting else ctx.t("acks.everyone")
    text = ctx.t("acks.summary", number=meeting.number, acked=len(view.people) - len(waiting), total=len(view.people))
    return Outcome([ctx.reply(text, sections=(Section(None, (line,)),))])


def object_to_minutes(ctx: Ctx, cmd: c.ObjectToMinutes) -> Outcome:
    """A participant disagrees with the published minutes, within the window: the editors are told privately,
    with the words to amend them."""
    meeting = guard.find_meeting(ctx, cmd.number)
    assert meeting.id is not None
    if repo.participant(ctx.session, meeting.id, ctx.user_id) is None:
        raise NotAllowed("error.not_participant_object", "example.object", number=meeting.number)
    guard.ensure_live(ctx, meeting, "ended")
    closes = (meeting.ended_at or ctx.now) + timedelta(hours=ctx.settings.objection_hours)
    if ctx.now > closes:
        raise Conflict("error.objection_closed", number=meeting.number, hours=ctx.settings.objection_hours)
    ctx.session.add(MinutesRemark(meeting_id=meeting.id, user_id=ctx.user_id, kind="objection", text=cmd.text,
                                  created_at=ctx.now))
    view = views.load(ctx.session, meeting)
    outcome = Outcome([ctx.reply(ctx.t("objection.sent", number=meeting.number))])
    for editor in guard.editors(view):
        if editor.id == ctx.user_id:
            continue
        lang = language_of(editor, ctx.settings, meeting.language)
        outcome.messages.append(OutMessage(lang=lang,
            target=Target(kind="direct", user=editor.platform_user_id),
            text="⚠️ " + t(lang, "objection.notice", who=ctx.user.display_name, number=meeting.number,
                           title=meeting.title, text=cmd.text),
            context=t(lang, "objection.hint", number=meeting.number),
        ))
    return outcome


def amend_minutes(ctx: Ctx, cmd: c.AmendMinutes) -> Outcome:
    """The host's correction to published minutes: kept with the meeting and posted where the minutes were
    (privately to each participant for a confidential meeting)."""
    meeting = guard.find_meeting(ctx, cmd.number)
    assert meeting.id is not None
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, "ended")
    ctx.session.add(MinutesRemark(meeting_id=meeting.id, user_id=ctx.user_id, kind="amendment", text=cmd.text,
                                  created_at=ctx.now))
    if not meeting.confidential:
        lang = as_lang(meeting.language)
        return Outcome([OutMessage(lang=lang, target=Target(kind="channel", channel=meeting.channel_id), text=t(
            lang, "amendment.posted", who=ctx.user.display_name, number=meeting.number, title=meeting.title,
            text=cmd.text))])
    outcome = Outcome()
    for user in guard.minutes_readers(ctx, view):
        reader_lang = language_of(user, ctx.settings, meeting.language)
        outcome.messages.append(OutMessage(
            lang=reader_lang, target=Target(kind="direct", user=user.platform_user_id),
            text=t(reader_lang, "amendment.posted", who=ctx.user.display_name, number=meeting.number,
                   title=meeting.title, text=cmd.text)))
    return outcome
