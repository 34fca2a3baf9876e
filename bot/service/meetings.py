"""Use cases for a meeting's life: create, list, show, RSVP, reschedule, cancel, start, check in, end.

Each function takes the event's `Ctx` and a Command, changes rows through `store.repo`, schedules the
reminders that follow from the change as `Notification` rows, and returns the messages to post. Nothing
here talks to a platform: the caller posts the messages after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import civil, followup, limits, views
from bot import command_types as c
from bot.command_types import Mention
from bot.errors import Conflict
from bot.i18n import Lang, aside, aside_for_each_reader, t
from bot.locale import as_lang, language_of, zone_of
from bot.messages import Button, Outcome, OutMessage, RefSpec, Section, Target
from bot.service import guard, materials, meeting_day, sense
from bot.service.context import Ctx
from bot.timeparse import format_date, format_when
from store import membership, plans, repo, scheduling
from store.models import AgendaItem, Meeting, NotificationKind, Participant, User

MIN_RSVP_WINDOW = timedelta(hours=1)  # no deadline when people would have less than this to answer
AD_HOC_MATCH_WINDOW = timedelta(minutes=30)  # "#startmeeting" picks up a meeting scheduled this close
MINE_BUTTON_ITEMS = 8  # Done / Blocked / Delay for the first 8 items: 24 buttons, one Slack actions block


def create(ctx: Ctx, cmd: c.NewMeeting) -> Outcome:
    limits.check_meeting_text(cmd.title, cmd.location, [item.title for item in cmd.agenda])
    start = cmd.start
    duration = cmd.duration or timedelta(minutes=ctx.settings.default_duration_minutes)
    people: dict[int, tuple[User, str]] = {ctx.user_id: (ctx.user, "required")}  # the organizer comes first
    for spec in cmd.participants:
        user = ctx.resolve(spec.who)
        assert user.id is not None
        if user.id not in people or spec.role in ("host", "recorder"):
            people[user.id] = (user, spec.role)
    if not any(role == "host" for _, role in people.values()):
        people[ctx.user_id] = (ctx.user, "host")
    attendees = [user for user, _role in people.values()]
    if not ctx.confirmed and (asked := sense.check_new(ctx, cmd, attendees, duration)) is not None:
        return asked  # nothing is created until the host says yes

    deadline = start - ctx.settings.rsvp_deadline_offset
    meeting = Meeting(
        workspace_id=ctx.workspace_id,
        number=repo.allocate_meeting_number(ctx.session, ctx.workspace_id),
        channel_id=ctx.inbound.channel,
        title=cmd.title,
        goal=cmd.goal,
        expected_outcome=cmd.expected_outcome,
        meeting_type=cmd.meeting_type or "regular",
        start_at=start,
        end_at=start + duration,
        timezone=ctx.tz.key,
        language=ctx.lang,
        location=cmd.location,
        confidential=cmd.confidential,
        important=cmd.important,
        rsvp_deadline=deadline if deadline - ctx.now >= MIN_RSVP_WINDOW else None,
        created_by_id=ctx.user_id,
        created_at=ctx.now,
    )
    ctx.session.add(meeting)
    ctx.session.flush()
    assert meeting.id is not None
    followup.remember_channel(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.tz, ctx.lang, ctx.now)
    participants: list[tuple[Participant, User]] = []
    for user, role in people.values():
        assert user.id is not None
        organizer = user.id == ctx.user_id  # whoever calls the meeting is coming
        participants.append((Participant(meeting_id=meeting.id, user_id=user.id, role=role,
                                         rsvp="yes" if organizer else None, rsvp_at=ctx.now if organizer else None),
                             user))
    ctx.session.add_all([p for p, _user in participants])
    agenda: list[AgendaItem] = []
    presenters: dict[int, User] = {}
    for position, item in enumerate(cmd.agenda, start=1):
        presenter = ctx.resolve(item.presenter) if item.presenter else None
        if presenter is not None and presenter.id is not None:
            presenters[presenter.id] = presenter
        agenda.append(AgendaItem(meeting_id=meeting.id, position=position, title=item.title,
                                 planned_minutes=item.minutes, presenter_id=presenter.id if presenter else None,
                                 expected_output=item.expected_output))
    ctx.session.add_all(agenda)
    ctx.session.flush()  # in the order added: `repo.participants` and `repo.agenda` read them back in this order
    materials.attach(ctx, meeting, cmd)
    view = views.MeetingView(meeting, participants, agenda, ctx.user, presenters)  # as `views.load` would read it
    schedule_reminders(ctx, meeting, view.people, owes_materials=cmd.asks_materials)
    outcome = Outcome([rsvp_prompt(ctx, view)])
    if cmd.assumed:
        outcome.messages.append(ctx.assumed_note(cmd.assumed))
    planned = sum(item.minutes or 0 for item in cmd.agenda)
    if planned > duration.total_seconds() / 60:
        outcome.messages.append(
            ctx.reply(ctx.t("warn.agenda_overrun", planned=planned, minutes=round(duration.total_seconds() / 60)))
        )
    for p, user in view.people:
        if user.id != ctx.user_id:
            outcome.messages.append(invitation(ctx, view, p, user))
    return outcome


def schedule_reminders(ctx: Ctx, meeting: Meeting, people: Sequence[tuple[Participant, User]] | None = None, *,
                       owes_materials: bool = True) -> None:
    """Rows for the reminders before the start and the RSVP chase; the scheduler tick sends them. A meeting just
    made passes its `people` (else they are read) and whether `materials:` was said (else any owed are looked
    for and their reminder planned again)."""
    assert meeting.id is not None
    for offset in ctx.settings.reminder_offsets:
        if meeting.start_at - offset > ctx.now:
            followup.schedule(ctx.session, ctx.workspace_id, NotificationKind.MEETING_REMINDER,
                              meeting.start_at - offset, ctx.now, meeting_id=meeting.id, channel_id=meeting.channel_id)
    deadline = meeting.rsvp_deadline
    if deadline is not None and deadline - ctx.settings.rsvp_chase_offset > ctx.now:
        everyone = people if people is not None else repo.participants(ctx.session, meeting.id)
        waiting = [(p, user) for p, user in everyone if p.rsvp is None]
        for p, user in waiting:  # a row each, so one failing recipient holds up nobody; each in their civil hours
            when = civil.send_time(deadline - ctx.settings.rsvp_chase_offset, zone_of(user, ctx.settings),
                                   ctx.settings.civil_window, now=ctx.now, deadline=deadline)
            followup.schedule(ctx.session, ctx.workspace_id, NotificationKind.RSVP_CHASE, when, ctx.now,
                              meeting_id=meeting.id, recipient_id=p.user_id)
    if owes_materials:
        materials.schedule(ctx, meeting)


def rsvp_prompt(ctx: Ctx, view: views.MeetingView, replaces: str | None = None) -> OutMessage:
    m = view.meeting
    assert m.id is not None
    zone, lang = view.zone, as_lang(m.language)
    if m.confidential:  # the channel sees that it exists, when, and who hosts it: nothing of what it is about
        return OutMessage(lang=lang,
            target=Target(kind="channel", channel=m.channel_id),
            title=views.heading(m, lang, shared=True),
            text="\n".join(filter(None, (card_banner(m, lang), t(lang, "card.confidential", number=m.number)))),
            fields=views.confidential_fields(view, lang, zone),
            ref=None if replaces else RefSpec("rsvp_prompt", ctx.workspace_id, meeting_id=m.id),
            replaces=replaces,
        )
    return OutMessage(lang=lang,
        target=Target(kind="channel", channel=m.channel_id),
        title=views.heading(m, lang),
        text=card_text(m, lang, zone),
        fields=views.detail_fields(view, lang, zone),
        sections=(
            *views.carry_over_section(ctx.session, m, lang),
            *views.agenda_section(view, lang),
            views.rsvp_section(view, lang),
        ),
        buttons=views.rsvp_buttons(m, lang) if m.status == "scheduled" else (),
        context=views.rsvp_context(view, lang, zone, ctx.inbound.platform) if m.status == "scheduled" else None,
        ref=None if replaces else RefSpec("rsvp_prompt", ctx.workspace_id, meeting_id=m.id),
        replaces=replaces,
    )


def card_banner(m: Meeting, lang: Lang) -> str | None:
    """What happened to the meeting since it was announced, first on its card: cancelled, or changed."""
    if m.status == "cancelled":
        reason = aside(lang, m.cancel_reason) if m.cancel_reason else ""
        return t(lang, "card.cancelled", number=m.number, reason=reason)
    if m.status == "scheduled" and m.revision > 0:
        return t(lang, "card.changed", n=m.revision)
    return None


def card_text(m: Meeting, lang: Lang, zone: ZoneInfo) -> str:
    """The card's sentence: "Will you come?" only while there is still something to come to."""
    when = format_when(m.start_at.astimezone(zone), zone, lang)
    if m.status != "scheduled":
        return "\n".join(filter(None, (card_banner(m, lang), t(lang, "card.closed", title=m.title, when=when))))
    return "\n".join(filter(None, (card_banner(m, lang), t(lang, "rsvp.prompt", title=m.title, when=when))))


def refreshed_prompt(ctx: Ctx, meeting: Meeting) -> list[OutMessage]:
    """The channel's RSVP prompt re-rendered in place, if we know where it is."""
    assert meeting.id is not None
    ref = repo.latest_ref(ctx.session, ctx.workspace_id, "rsvp_prompt", meeting.id)
    if ref is None:
        return []
    return [rsvp_prompt(ctx, views.load(ctx.session, meeting), replaces=ref.platform_message_id)]


def outdated_invitations(ctx: Ctx, meeting: Meeting, asked_elsewhere: Collection[int] = ()) -> list[OutMessage]:
    """Each private invitation to `meeting` that was posted (`repo.invitation_refs`: the first one, a
    reschedule's notice, an answer chase), updated in place now that the meeting was cancelled, skipped or
    moved: through the outbox, as the channel's card is (`replaces`), in its reader's language and timezone.

    A cancelled (skipped) meeting's says so, with the reason, and asks nothing. A moved one shows the new time
    and asks nothing either when its reader gets a newer message that asks again (`asked_elsewhere`: a
    reschedule's notice, with the buttons), or carries the buttons for the new time when they get none (so a
    person is asked once). One update per invitation stored, none for a message never posted; what a platform
    cannot edit (a DingTalk markdown message) its adapter leaves as it is. A click that still arrives on an old
    invitation gets the refusal of a cancelled meeting, or the "out of date" note (`answered_an_old_invitation`).
    """
    assert meeting.id is not None
    refs = repo.invitation_refs(ctx.session, ctx.workspace_id, meeting.id)
    if not refs:
        return []
    view = views.load(ctx.session, meeting)
    users = repo.users_by_id(ctx.session, sorted({ref.recipient_id for ref in refs if ref.recipient_id}))
    taking_part = {u.id for _p, u in view.people}
    return [outdated_invitation(ctx, view, user, ref.platform_message_id,
                                asks=user.id in taking_part and user.id not in asked_elsewhere)
            for ref in refs if (user := users.get(ref.recipient_id or 0)) is not None]


def withdrawn_invitations(ctx: Ctx, meeting: Meeting, removed: Collection[User]) -> list[OutMessage]:
    """The private invitations of people taken off `meeting` (`uninvite`), updated in place to say they are no
    longer expected and to ask nothing, as `outdated_invitations` does for a cancelled meeting."""
    assert meeting.id is not None
    by_id = {user.id: user for user in removed}
    refs = [ref for ref in repo.invitation_refs(ctx.session, ctx.workspace_id, meeting.id) if ref.recipient_id in by_id]
    if not refs:
        return []
    view = views.load(ctx.session, meeting)
    messages = []
    for ref in refs:
        user = by_id[ref.recipient_id]
        text = t(language_of(user, ctx.settings, meeting.language), "invite.withdrawn")
        messages.append(redrawn_invitation(ctx, view, user, ref.platform_message_id, text, asks=False))
    return messages


def outdated_invitation(ctx: Ctx, view: views.MeetingView, user: User, replaces: str, *, asks: bool) -> OutMessage:
    """One posted invitation drawn again for what became of the meeting (see `outdated_invitations`)."""
    m = view.meeting
    lang, zone = language_of(user, ctx.settings, m.language), zone_of(user, ctx.settings)
    asks = asks and m.status == "scheduled"
    if m.status == "scheduled":
        when = format_when(m.start_at.astimezone(zone), zone, lang)
        text = t(lang, "invite.moved", number=m.number, title=m.title, when=when)
        if any(u.id == user.id for _p, u in view.people):
            text += "\n" + t(lang, "invite.answer_here" if asks else "invite.answer_on_notice")
    else:  # cancelled or skipped (with the reason): the fields below still say which meeting and when
        text = card_banner(m, lang) or card_text(m, lang, zone)
    return redrawn_invitation(ctx, view, user, replaces, text, asks=asks)


def redrawn_invitation(ctx: Ctx, view: views.MeetingView, user: User, replaces: str, text: str, *,
                       asks: bool) -> OutMessage:
    """A posted invitation drawn again with `text` on top of the meeting's details, in its reader's language and
    zone; with `asks`, the agenda and the answer buttons for the meeting as it now is."""
    m = view.meeting
    lang, zone = language_of(user, ctx.settings, m.language), zone_of(user, ctx.settings)
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=user.platform_user_id),
        title=views.heading(m, lang),
        text=text,
        fields=views.detail_fields(view, lang, zone),
        sections=views.agenda_section(view, lang) if asks else (),
        buttons=views.rsvp_buttons(m, lang) if asks else (),
        context=views.rsvp_context(view, lang, zone, ctx.inbound.platform) if asks else None,
        replaces=replaces,
    )


def invitation(ctx: Ctx, view: views.MeetingView, p: Participant, user: User) -> OutMessage:
    m = view.meeting
    lang = language_of(user, ctx.settings, m.language)
    zone = zone_of(user, ctx.settings)
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=user.platform_user_id),
        title=views.heading(m, lang),
        text=t(lang, "invite.text", who=ctx.user.display_name, title=m.title, role=views.role_label(p, lang)),
        fields=views.detail_fields(view, lang, zone),
        sections=views.agenda_section(view, lang),
        buttons=views.rsvp_buttons(m, lang),
        context=views.rsvp_context(view, lang, zone, ctx.inbound.platform),
        ref=RefSpec("invitation", ctx.workspace_id, meeting_id=m.id, recipient_id=user.id),
    )


def list_meetings(ctx: Ctx) -> Outcome:
    meetings = repo.upcoming_meetings(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.now)
    if not meetings:
        return Outcome([ctx.reply(ctx.t("list.empty"))])
    lines = []
    for m in meetings:
        title = m.title if guard.may_see(ctx, m) else views.shared_title(m, ctx.lang)  # as its channel card shows
        start = format_when(m.start_at.astimezone(ctx.tz), ctx.tz, ctx.lang)
        lines.append(f"#{m.number} {title} — {start}" + aside(ctx.lang, ctx.t("status." + m.status)))
    return Outcome([ctx.reply(ctx.t("list.heading"), sections=(Section(None, tuple(lines)),))])


def show(ctx: Ctx, cmd: c.ShowMeeting) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    view = views.load(ctx.session, meeting)
    sections = (
        *views.agenda_section(view, ctx.lang),
        views.people_section(view, ctx.lang),
        views.rsvp_section(view, ctx.lang),
    )
    if meeting.status in ("in_progress", "ended"):
        record = views.load_record(ctx.session, meeting)
        sections = (*sections, *views.minutes_sections(view, record, ctx.lang)[1:])
    return Outcome(
        [
            ctx.reply(
                meeting.title,
                title=views.heading(meeting, ctx.lang),
                fields=views.detail_fields(view, ctx.lang, ctx.tz),
                sections=sections,
                buttons=views.rsvp_buttons(meeting, ctx.lang) if meeting.status == "scheduled" else (),
            )
        ]
    )


def rsvp(ctx: Ctx, meeting: Meeting, answer: c.RsvpAnswer, note: str | None) -> Outcome:
    assert meeting.id is not None
    guard.ensure_live(ctx, meeting, "scheduled", "in_progress")
    p = repo.participant(ctx.session, meeting.id, ctx.user_id)
    if p is None:
        if answer == "withdraw":
            raise Conflict("error.no_rsvp", number=meeting.number)
        guard.ensure_may_join(ctx, meeting)
        p = Participant(meeting_id=meeting.id, user_id=ctx.user_id, role="optional")
        ctx.session.add(p)
    p.rsvp = None if answer == "withdraw" else answer
    p.rsvp_at = ctx.now
    p.rsvp_note = note if answer != "withdraw" else None
    ctx.session.flush()
    outcome = Outcome(refreshed_prompt(ctx, meeting))
    stale = answered_an_old_invitation(ctx, meeting)
    if ctx.inbound.kind != "reaction" or stale:
        text = ctx.t("rsvp.recorded." + answer, number=meeting.number, title=meeting.title)
        if stale:  # the time it showed may not be the time now: say the time the answer is for
            text += "\n" + ctx.t("rsvp.superseded", number=meeting.number,
                                 when=format_when(meeting.start_at.astimezone(ctx.tz), ctx.tz, ctx.lang))
        outcome.messages.append(ctx.reply(text))
    return outcome


def answered_an_old_invitation(ctx: Ctx, meeting: Meeting) -> bool:
    """A click (or reaction) on a private invitation that a later one replaced, e.g. after a reschedule."""
    clicked = ctx.inbound.reply_to if ctx.inbound.kind == "button" else (
        ctx.inbound.message_id if ctx.inbound.kind == "reaction" else None)
    if clicked is None:
        return False
    ref = repo.message_ref(ctx.session, ctx.workspace_id, clicked)
    return ref is not None and ref.meeting_id == meeting.id and repo.superseded(ctx.session, ref)


def reschedule(ctx: Ctx, cmd: c.RescheduleMeeting) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, "scheduled")
    guard.ensure_not_locked(ctx, meeting)
    end = cmd.start + (cmd.duration or meeting.end_at - meeting.start_at)
    if not ctx.confirmed and (asked := sense.check_move(ctx, cmd, view, end)) is not None:
        return asked  # nothing moves until the host says yes
    old_start = meeting.start_at
    meeting.revision += 1  # calendars that imported its .ics update the event they have
    meeting.end_at = end
    meeting.start_at = cmd.start
    deadline = cmd.start - ctx.settings.rsvp_deadline_offset
    meeting.rsvp_deadline = deadline if deadline - ctx.now >= MIN_RSVP_WINDOW else None
    assert meeting.id is not None
    earlier = clear_answers(ctx, view)  # a yes to the old time says nothing about the new one
    repo.drop_pending(ctx.session, meeting.id)
    schedule_reminders(ctx, meeting)
    ctx.session.flush()
    outcome = Outcome(refreshed_prompt(ctx, meeting))
    noticed = {p.user_id for p, _u in view.people if p.user_id != ctx.user_id}  # the notice below asks them again
    outcome.messages += outdated_invitations(ctx, meeting, noticed)
    outcome.messages.append(
        ctx.post(
            ctx.t(
                "reschedule.done",
                number=meeting.number,
                title=views.shared_title(meeting, ctx.lang),
                old=format_when(old_start.astimezone(ctx.tz), ctx.tz, ctx.lang),
                new=format_when(cmd.start.astimezone(ctx.tz), ctx.tz, ctx.lang),
            )
        )
    )
    if cmd.assumed:
        outcome.messages.append(ctx.assumed_note(cmd.assumed))
    for _p, user in view.people:
        if user.id == ctx.user_id:
            continue
        lang, zone = language_of(user, ctx.settings, meeting.language), zone_of(user, ctx.settings)
        text = t(lang, "reschedule.notice", who=ctx.user.display_name, number=meeting.number, title=meeting.title,
                 old=format_when(old_start.astimezone(zone), zone, lang),
                 new=format_when(cmd.start.astimezone(zone), zone, lang))
        if user.id in earlier:
            text += "\n" + t(lang, "reschedule.answer_cleared", answer=t(lang, "rsvp." + earlier[user.id]))
        outcome.messages.append(
            OutMessage(lang=lang,
                target=Target(kind="direct", user=user.platform_user_id),
                title=t(lang, "notice.title", number=meeting.number, title=meeting.title),
                text=text,
                buttons=views.rsvp_buttons(meeting, lang),
                ref=RefSpec("invitation", ctx.workspace_id, meeting_id=meeting.id, recipient_id=user.id),
            )
        )
    return outcome


def clear_answers(ctx: Ctx, view: views.MeetingView) -> dict[int, str]:
    """Forget everyone's answer but the speaker's (the meeting moved): who had answered what, to tell them."""
    earlier: dict[int, str] = {}
    for p, user in view.people:
        if user.id != ctx.user_id and p.rsvp is not None:
            assert user.id is not None
            earlier[user.id] = p.rsvp
            p.rsvp, p.rsvp_at, p.rsvp_note = None, None, None
    return earlier


def cancel(ctx: Ctx, cmd: c.CancelMeeting) -> Outcome:
    meeting = guard.find_meeting(ctx, cmd.number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, "scheduled")
    meeting.status = "cancelled"
    meeting.revision += 1
    meeting.cancel_reason = cmd.reason
    assert meeting.id is not None
    repo.drop_pending(ctx.session, meeting.id)
    ctx.session.flush()
    outcome = Outcome(refreshed_prompt(ctx, meeting) + outdated_invitations(ctx, meeting))
    reason = aside_for_each_reader(cmd.reason) if cmd.reason else ""
    shared = views.shared_title(meeting, ctx.lang)
    outcome.messages.append(ctx.post(ctx.t("cancel.done", number=meeting.number, title=shared, reason=reason)))
    for _p, user in view.people:
        if user.id != ctx.user_id:
            lang = language_of(user, ctx.settings, meeting.language)
            outcome.messages.append(
                OutMessage(lang=lang,
                    target=Target(kind="direct", user=user.platform_user_id),
                    title=t(lang, "notice.title", number=meeting.number, title=meeting.title),
                    text=t(lang, "cancel.notice", who=ctx.user.display_name, number=meeting.number,
                               title=meeting.title, reason=reason),
                )
            )
    return outcome


def start(ctx: Ctx, cmd: c.StartMeeting) -> Outcome:
    running = repo.running_meeting(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    if running is not None:
        raise Conflict("error.already_running", number=running.number, title=views.shared_title(running, ctx.lang))
    if cmd.number is not None:
        meeting = guard.find_meeting(ctx, cmd.number)
        if meeting.channel_id != ctx.inbound.channel:
            raise Conflict("error.other_channel", number=meeting.number)
    else:
        meeting = scheduled_now(ctx) or ad_hoc(ctx, cmd.title)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, "scheduled")
    if not ctx.confirmed and (asked := sense.check_start(ctx, cmd, meeting)) is not None:
        return asked
    meeting.status = "in_progress"
    meeting.started_at = ctx.now
    assert meeting.id is not None
    repo.drop_pending(ctx.session, meeting.id)
    meeting_day.start_agenda(ctx, meeting)
    meeting_day.schedule_sum_up(ctx, meeting)
    check_in(ctx, meeting)
    ctx.session.flush()
    outcome = Outcome(refreshed_prompt(ctx, meeting))
    hidden = meeting.confidential  # the channel is told it started, not what it is about
    outcome.messages.append(
        ctx.post(
            ctx.t("start.text", number=meeting.number, title=views.shared_title(meeting, ctx.lang)),
            title=views.heading(meeting, ctx.lang, shared=True),
            sections=() if hidden else (*views.carry_over_section(ctx.session, meeting, ctx.lang),
                                        *views.agenda_section(view, ctx.lang)),
            buttons=(Button(ctx.t("button.here"), f"here {meeting.number}", "primary"),),
            context=ctx.t("start.hint"),
            ref=RefSpec("checkin_prompt", ctx.workspace_id, meeting_id=meeting.id),
        )
    )
    return outcome


def scheduled_now(ctx: Ctx) -> Meeting | None:
    """The channel's scheduled meeting that starts (or started) within the match window of now."""
    for meeting in repo.upcoming_meetings(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.now):
        if meeting.status == "scheduled" and abs(meeting.start_at - ctx.now) <= AD_HOC_MATCH_WINDOW:
            return meeting
    return None


def ad_hoc(ctx: Ctx, title: str | None) -> Meeting:
    """MeetBot's "#startmeeting [title]": a meeting that starts now, hosted by whoever started it."""
    limits.check_length(title, limits.TITLE_MAX)
    meeting = Meeting(
        workspace_id=ctx.workspace_id,
        number=repo.allocate_meeting_number(ctx.session, ctx.workspace_id),
        channel_id=ctx.inbound.channel,
        title=title or ctx.t("start.untitled", date=format_date(ctx.now.astimezone(ctx.tz).date(), ctx.lang)),
        start_at=ctx.now,
        end_at=ctx.now + timedelta(minutes=ctx.settings.default_duration_minutes),
        timezone=ctx.tz.key,
        language=ctx.lang,
        created_by_id=ctx.user_id,
        created_at=ctx.now,
    )
    ctx.session.add(meeting)
    ctx.session.flush()
    assert meeting.id is not None
    ctx.session.add(Participant(meeting_id=meeting.id, user_id=ctx.user_id, role="host", is_chair=True))
    ctx.session.flush()
    return meeting


def participant_of(ctx: Ctx, meeting: Meeting) -> Participant:
    """The speaker's participation in `meeting`; people who join uninvited become optional participants, walk-ins
    (`store.attendance`)."""
    assert meeting.id is not None
    p = repo.participant(ctx.session, meeting.id, ctx.user_id)
    if p is None:
        guard.ensure_may_join(ctx, meeting)
        p = Participant(meeting_id=meeting.id, user_id=ctx.user_id, role="optional", walked_in=True)
        ctx.session.add(p)
    return p


def check_in(ctx: Ctx, meeting: Meeting) -> Participant:
    """Mark the speaker present, once: the first check-in time is what counts for lateness."""
    p = participant_of(ctx, meeting)
    if p.checked_in_at is None:
        p.checked_in_at = ctx.now
    return p


def spoke(ctx: Ctx, meeting: Meeting) -> None:
    """Someone wrote a line in a running meeting's channel: count it (MeetBot's "people present, lines said").
    Speaking is not attendance (`store.attendance`): someone uninvited becomes a walk-in, on the roll only once
    they check in. In a confidential meeting only its participants' lines count: speaking in a channel never
    makes anyone one."""
    assert meeting.id is not None
    if meeting.confidential and repo.participant(ctx.session, meeting.id, ctx.user_id) is None:
        return
    participant_of(ctx, meeting).lines_said += 1


def here(ctx: Ctx, cmd: c.CheckIn) -> Outcome:
    if cmd.number is not None:
        meeting = guard.find_meeting(ctx, cmd.number)
        guard.ensure_live(ctx, meeting, "in_progress")
    else:
        found = repo.running_meeting(ctx.session, ctx.workspace_id, ctx.inbound.channel)
        if found is None or not guard.may_see(ctx, found):
            return Outcome()  # "here" with no meeting running (that the speaker may see) is just chat
        meeting = found
    already = repo.participant(ctx.session, meeting.id or 0, ctx.user_id)
    was_in = already is not None and already.checked_in_at is not None
    p = check_in(ctx, meeting)
    late = round((p.checked_in_at - (meeting.started_at or ctx.now)).total_seconds() / 60) if p.checked_in_at else 0
    key = "checkin.again" if was_in else ("checkin.late" if late > 0 else "checkin.done")
    return Outcome([ctx.reply(ctx.t(key, number=meeting.number, minutes=late))])


def end(ctx: Ctx, channel_name: str) -> Outcome:
    meeting = guard.running_meeting(ctx)
    if meeting is None:
        raise Conflict("error.none_running", "example.start")
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    meeting.status = "ended"
    # when it was said (never before the start): lines said before it may still join (service.records)
    meeting.ended_at = max(ctx.said_at, meeting.started_at or ctx.said_at)
    meeting_day.close_agenda(ctx, meeting)
    scheduling.drop_pending_kind(ctx.session, meeting.id or 0, NotificationKind.SUM_UP)
    ctx.session.flush()
    view = views.load(ctx.session, meeting)
    record = views.load_record(ctx.session, meeting)
    return Outcome(minutes_messages(ctx, view, record, channel_name) + meeting_day.survey_messages(ctx, view))


def minutes_messages(ctx: Ctx, view: views.MeetingView, record: views.Record, channel_name: str) -> list[OutMessage]:
    """Minutes in the channel, or only to the participants when the meeting is confidential."""
    m = view.meeting
    started = m.started_at or m.start_at
    ended = m.ended_at or ctx.now

    def render(language: Lang, zone: ZoneInfo, target: Target) -> OutMessage:
        minutes = round((ended - started).total_seconds() / 60)
        fields = (
            (t(language, "field.when"), format_when(started.astimezone(zone), zone, language)),
            (t(language, "field.length"), t(language, "unit.minutes", n=minutes)),
            (t(language, "field.host"), views.names(view.with_role("host"), language)),
        )
        return OutMessage(
            target=target,
            lang=language,
            title=t(language, "minutes.title", title=m.title, number=m.number),
            text=t(language, "minutes.text", title=m.title),
            fields=fields,
            sections=views.minutes_sections(view, record, language),
            buttons=(Button(t(language, "button.ack_minutes"), f"ack {m.number}"),),  # the host sees who has not
            context=t(language, "minutes.objection_hint", number=m.number, hours=ctx.settings.objection_hours),
            attachments=(views.meetbot_minutes(view, record, channel_name),),
        )

    if not m.confidential:
        return [render(as_lang(m.language), ctx.tz, Target(kind="channel", channel=m.channel_id))]
    messages = [ctx.post(ctx.t("minutes.confidential", number=m.number, title=views.shared_title(m, ctx.lang)))]
    for user in guard.minutes_readers(ctx, view):
        messages.append(
            render(
                language_of(user, ctx.settings, m.language),
                zone_of(user, ctx.settings),
                Target(kind="direct", user=user.platform_user_id),
            )
        )
    return messages


def mine(ctx: Ctx) -> Outcome:
    items = repo.open_actions_of_owner(ctx.session, ctx.workspace_id, ctx.user_id)
    meetings = repo.meetings_of_user(ctx.session, ctx.user_id, ctx.now)
    item_lines = tuple(views.action_line(i, ctx.user, ctx.lang, with_owner=False) for i in items)
    meeting_lines = []
    for m in meetings:
        assert m.id is not None
        p = repo.participant(ctx.session, m.id, ctx.user_id)
        answer = ctx.t("rsvp." + (p.rsvp if p and p.rsvp else "none"))
        start = format_when(m.start_at.astimezone(ctx.tz), ctx.tz, ctx.lang)
        meeting_lines.append(f"#{m.number} {m.title} — {start} · {answer}")
    buttons = tuple(
        button
        for i in items[:MINE_BUTTON_ITEMS]
        for button in (
            Button(ctx.t("button.done_n", number=i.number), f"done {i.number}", "primary"),
            Button(ctx.t("button.blocked_n", number=i.number), f"status {i.number} blocked",
                   asks=ctx.t("ask.blocked_reason")),
            Button(ctx.t("button.delay_n", number=i.number), f"status {i.number} delay",
                   asks=ctx.t("ask.delay_date")),
        )
    )
    sections: tuple[Section, ...] = (
        Section(ctx.t("heading.my_actions"), item_lines or (ctx.t("mine.no_actions"),)),
        Section(ctx.t("heading.my_meetings"), tuple(meeting_lines) or (ctx.t("mine.no_meetings"),)),
    )
    deciding = tuple(  # plans waiting for this person's decision, soonest deadline first
        ctx.t("mine.plan_waiting", number=m.number, title=m.title, stage=ctx.t("plan.stage." + step.stage),
              when=format_when(step.due_at.astimezone(ctx.tz), ctx.tz, ctx.lang) if step.due_at else "—")
        for m, step in plans.waiting_for(ctx.session, ctx.workspace_id, ctx.user_id)
    )
    if deciding:
        sections = (*sections, Section(ctx.t("heading.plans_waiting"), deciding))
    return Outcome([ctx.reply(ctx.t("mine.heading"), sections=sections, buttons=buttons)])



def add_viewers(ctx: Ctx, number: int, who: Sequence[Mention]) -> Outcome:
    """The host names people who may read a meeting without taking part (for a confidential meeting, the
    "relevant leaders" who get its minutes). They are told privately; the channel hears nothing."""
    meeting = guard.find_meeting(ctx, number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    assert meeting.id is not None
    outcome = Outcome()
    named: list[User] = []
    for mention in who:
        user = ctx.resolve(mention)
        assert user.id is not None
        if membership.add_viewer(ctx.session, meeting.id, user.id, ctx.user_id, ctx.now) and user.id != ctx.user_id:
            lang = language_of(user, ctx.settings, meeting.language)
            outcome.messages.append(OutMessage(lang=lang,
                target=Target(kind="direct", user=user.platform_user_id),
                text=t(lang, "viewers.notice", who=ctx.user.display_name, number=meeting.number, title=meeting.title),
            ))
        named.append(user)
    added = ctx.t("viewers.added", number=meeting.number, names=views.names(named, ctx.lang))
    outcome.messages.insert(0, ctx.reply(added))
    return outcome
