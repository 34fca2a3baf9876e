"""Use cases that change a meeting after it was announced: edit a detail, change the agenda, invite or remove
people, extend it.

A meeting people have already planned around must not change behind their backs (the calling procedure asks
for a supplementary notice, 补充通知), so every change here ends in `announce`: the channel's card is
re-rendered in place, the change is said where the meeting lives, and each participant gets a short notice of
what changed, in their own language and timezone. `touch` is the other half: the revision (the .ics SEQUENCE)
grows and the pending reminders are planned again from the meeting as it now is. A new time is a reschedule
and goes through `meetings.reschedule`, so whatever a reschedule does (re-asking answers, checks) applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import command_types as c
from bot import limits, views
from bot.errors import Conflict
from bot.i18n import Lang, t
from bot.locale import as_lang, language_of, zone_of
from bot.messages import Outcome, OutMessage, Target
from bot.service import guard, meeting_day, meetings, series_plan
from bot.service.context import Ctx
from bot.timeparse import format_when
from store import repo, scheduling
from store.models import AgendaItem, Meeting, NotificationKind, Participant, User

Change = Callable[[Lang, ZoneInfo], str]  # what changed, said in a reader's language and timezone
LIVE = ("scheduled", "in_progress")  # what can still change; a reschedule only before it starts
FIELD_LIMITS = {"title": limits.TITLE_MAX, "place": limits.LOCATION_MAX, "link": limits.LOCATION_MAX}


def editable(ctx: Ctx, number: int, *states: str, locked: str = "error.plan_locked") -> views.MeetingView:
    """Meeting #number as its editors may change it: seen, theirs to change, in one of `states`, and not an
    approved plan (`locked` names that refusal)."""
    meeting = guard.find_meeting(ctx, number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, *(states or LIVE))
    guard.ensure_not_locked(ctx, meeting, locked)
    series_plan.keep_to_itself(ctx.session, ctx.settings, meeting, ctx.now)  # a change to one occurrence alone
    return view


def touch(ctx: Ctx, meeting: Meeting) -> None:
    """A change people are told of: calendars update by the revision; reminders are planned again."""
    assert meeting.id is not None
    meeting.revision += 1
    if meeting.status == "scheduled":  # a running meeting's only pending rows are its agenda timers: they stay…
        repo.drop_pending(ctx.session, meeting.id)
        meetings.schedule_reminders(ctx, meeting)
    elif meeting.status == "in_progress":  # …and the hosts' "time to sum up", which follows a new end
        scheduling.drop_pending_kind(ctx.session, meeting.id, NotificationKind.SUM_UP)
        meeting_day.schedule_sum_up(ctx, meeting)
    ctx.session.flush()


def announce(ctx: Ctx, meeting: Meeting, change: Change, people: Sequence[User] | None = None) -> list[OutMessage]:
    """The card refreshed, the change said in the meeting's channel (to the speaker alone when the meeting is
    confidential), and a supplementary notice to each of `people` (its participants) but the speaker."""
    view = views.load(ctx.session, meeting)
    messages = meetings.refreshed_prompt(ctx, meeting)
    said = ctx.t("edit.done", number=meeting.number, title=views.shared_title(meeting, ctx.lang),
                 what=change(ctx.lang, ctx.tz))
    if meeting.confidential or ctx.inbound.channel != meeting.channel_id:
        messages.append(ctx.reply(said))
    if not meeting.confidential:
        lang = as_lang(meeting.language)
        text = t(lang, "edit.done", number=meeting.number, title=meeting.title, what=change(lang, view.zone))
        messages.append(OutMessage(lang=lang, target=Target(kind="channel", channel=meeting.channel_id), text=text))
    for user in [u for _p, u in view.people] if people is None else people:
        if user.id == ctx.user_id:
            continue
        lang, zone = language_of(user, ctx.settings, meeting.language), zone_of(user, ctx.settings)
        messages.append(OutMessage(lang=lang,
            target=Target(kind="direct", user=user.platform_user_id),
            title=t(lang, "notice.title", number=meeting.number, title=meeting.title),
            text=t(lang, "notice.text", who=ctx.user.display_name, what=change(lang, zone)),
        ))
    return messages


# ---------------------------------------------------------------------------------------------- edit


def edit(ctx: Ctx, cmd: c.EditMeeting) -> Outcome:
    """`edit 3 title|place|link|goal|outcome <value>`; `edit 3 time <when>` is a reschedule."""
    if cmd.reschedule is not None:
        return meetings.reschedule(ctx, cmd.reschedule)
    view = editable(ctx, cmd.number)
    meeting = view.meeting
    if cmd.field in FIELD_LIMITS:
        limits.check_length(cmd.value, FIELD_LIMITS[cmd.field])
    column = {"place": "location", "outcome": "expected_outcome"}.get(cmd.field, cmd.field)
    old: str | None = getattr(meeting, column)
    if old == cmd.value:
        field = ctx.t("edit_field." + cmd.field)
        return Outcome([ctx.reply(ctx.t("edit.unchanged", number=meeting.number, field=field))])
    setattr(meeting, column, cmd.value)
    touch(ctx, meeting)

    def change(lang: Lang, _zone: ZoneInfo) -> str:
        return t(lang, "change.field", field=t(lang, "edit_field." + cmd.field), old=old or "—", new=cmd.value)

    return Outcome(announce(ctx, meeting, change))


# -------------------------------------------------------------------------------------------- agenda


def agenda(ctx: Ctx, cmd: c.EditAgenda) -> Outcome:
    """`agenda 3 add|remove|move …`; an approved event's agenda changes only by `agenda 3 change` (asked for)."""
    view = editable(ctx, cmd.number, locked="error.agenda_locked")
    meeting = view.meeting
    assert meeting.id is not None
    items = list(view.agenda)
    if cmd.action == "add":
        assert cmd.item is not None
        return _add_item(ctx, view, cmd.item)
    item = _item_at(ctx, meeting, items, cmd.position)
    if cmd.action == "remove":
        items.remove(item)
        repo.remove_agenda_item(ctx.session, item)
        key, params = "change.agenda_removed", {"position": item.position, "title": item.title}
    else:
        target = _item_at(ctx, meeting, items, cmd.to)
        items.remove(item)
        items.insert(items.index(target) + (1 if cmd.to and cmd.to > item.position else 0), item)
        key, params = "change.agenda_moved", {"title": item.title, "position": cmd.to}
    for position, kept in enumerate(items, start=1):
        kept.position = position
    touch(ctx, meeting)

    def change(lang: Lang, _zone: ZoneInfo) -> str:
        return t(lang, key, **params) + "\n" + agenda_lines(ctx, meeting, lang)

    return Outcome(announce(ctx, meeting, change))


def _item_at(ctx: Ctx, meeting: Meeting, items: list[AgendaItem], position: int | None) -> AgendaItem:
    """Agenda item `position`, which must not have started: what was discussed stays in the record as it was."""
    found = next((i for i in items if i.position == position), None)
    if found is None:
        raise Conflict("error.no_agenda_item", number=meeting.number, position=position, count=len(items))
    if found.started_at is not None:
        raise Conflict("error.agenda_item_started", position=found.position, title=found.title)
    return found


def agenda_lines(ctx: Ctx, meeting: Meeting, lang: Lang) -> str:
    """The meeting's agenda as it now is, a line an item, for a notice."""
    sections = views.agenda_section(views.load(ctx.session, meeting), lang)
    lines = sections[0].lines if sections else (t(lang, "agenda.empty"),)
    return "\n".join(lines)


def _add_item(ctx: Ctx, view: views.MeetingView, spec: c.AgendaSpec) -> Outcome:
    meeting = view.meeting
    assert meeting.id is not None
    limits.check_length(spec.title, limits.TITLE_MAX)
    presenter = ctx.resolve(spec.presenter) if spec.presenter else None
    item = AgendaItem(meeting_id=meeting.id, position=len(view.agenda) + 1, title=spec.title,
                      planned_minutes=spec.minutes, presenter_id=presenter.id if presenter else None,
                      expected_output=spec.expected_output)
    ctx.session.add(item)
    touch(ctx, meeting)
    after = views.load(ctx.session, meeting)

    def change(lang: Lang, _zone: ZoneInfo) -> str:
        return t(lang, "change.agenda_added", item=views.agenda_line(after, item, lang)) + "\n" + agenda_lines(
            ctx, meeting, lang)

    messages = announce(ctx, meeting, change)
    planned = sum(i.planned_minutes or 0 for i in after.agenda)
    length = round((meeting.end_at - meeting.start_at).total_seconds() / 60)
    if planned > length:
        messages.append(ctx.reply(ctx.t("warn.agenda_overrun", planned=planned, minutes=length)))
    return Outcome(messages)


# ----------------------------------------------------------------------------------------- people


def invite(ctx: Ctx, cmd: c.InvitePeople) -> Outcome:
    """New participants get the invitation (with the answer buttons); everyone else a notice."""
    view = editable(ctx, cmd.number)
    meeting = view.meeting
    assert meeting.id is not None
    before = [u for _p, u in view.people]
    known = {u.id for u in before}
    added: list[User] = []
    for mention in cmd.who:
        user = ctx.resolve(mention)
        if user.id in known:
            continue
        assert user.id is not None
        known.add(user.id)
        ctx.session.add(Participant(meeting_id=meeting.id, user_id=user.id, role=cmd.role))
        added.append(user)
    if not added:
        names = views.names([ctx.resolve(m) for m in cmd.who], ctx.lang)
        return Outcome([ctx.reply(ctx.t("invite.already", number=meeting.number, names=names))])
    touch(ctx, meeting)  # plans the answer chase for the newcomers too
    after = views.load(ctx.session, meeting)

    def change(lang: Lang, _zone: ZoneInfo) -> str:
        return t(lang, "change.invited", names=views.names(added, lang), role=t(lang, "role." + cmd.role))

    messages = announce(ctx, meeting, change, before)
    new_ids = {u.id for u in added}
    messages += [meetings.invitation(ctx, after, p, u) for p, u in after.people if u.id in new_ids]
    return Outcome(messages)


def uninvite(ctx: Ctx, cmd: c.UninvitePeople) -> Outcome:
    """Participants no longer expected: each is told, the others get a notice, their pending chases go."""
    view = editable(ctx, cmd.number)
    meeting = view.meeting
    assert meeting.id is not None
    by_id = {u.id: (p, u) for p, u in view.people}
    removed: list[User] = []
    for mention in cmd.who:
        user = ctx.resolve(mention)
        if user.id not in by_id:
            raise Conflict("error.not_invited", number=meeting.number, name=user.display_name)
        p, _u = by_id[user.id]
        if p.role == "host":
            raise Conflict("error.uninvite_host", number=meeting.number, name=user.display_name)
        if p.checked_in_at is not None:
            raise Conflict("error.uninvite_present", number=meeting.number, name=user.display_name)
        if user not in removed:
            removed.append(user)
    for user in removed:
        assert user.id is not None
        repo.remove_participant(ctx.session, by_id[user.id][0])
        repo.drop_pending_to_in_meeting(ctx.session, meeting.id, user.id)
    touch(ctx, meeting)

    def change(lang: Lang, _zone: ZoneInfo) -> str:
        return t(lang, "change.uninvited", names=views.names(removed, lang))

    messages = announce(ctx, meeting, change) + meetings.withdrawn_invitations(ctx, meeting, removed)
    for user in removed:
        if user.id == ctx.user_id:
            continue
        lang = language_of(user, ctx.settings, meeting.language)
        messages.append(OutMessage(lang=lang, target=Target(kind="direct", user=user.platform_user_id),
                                   title=t(lang, "notice.title", number=meeting.number, title=meeting.title),
                                   text=t(lang, "uninvite.notice", who=ctx.user.display_name, number=meeting.number,
                                          title=meeting.title)))
    return Outcome(messages)


# ------------------------------------------------------------------------------------------ extend


def extend(ctx: Ctx, cmd: c.ExtendMeeting) -> Outcome:
    """The end moves by `cmd.by` (before or during the meeting); the start, and so its reminders, stay."""
    view = editable(ctx, cmd.number)
    meeting = view.meeting
    meeting.end_at += cmd.by
    touch(ctx, meeting)
    minutes = round(cmd.by / timedelta(minutes=1))

    def change(lang: Lang, zone: ZoneInfo) -> str:
        end = format_when(meeting.end_at.astimezone(zone), zone, lang)
        said = t(lang, "change.extended", length=views.span(minutes, lang), end=end)
        return said + (t(lang, "change.because", reason=cmd.reason) if cmd.reason else "")

    return Outcome(announce(ctx, meeting, change))

