"""Making a series' occurrences, a bounded way ahead, and inviting people to each one when it is near.

A series never means endless rows: `extend` makes occurrences until `AHEAD` of them lie ahead (none beyond
`HORIZON`), each a `Meeting` of its own, copied from the one before (people, roles, agenda, place). Each
new occurrence gets its reminders and a `SERIES_INVITATION` row per participant and one for the channel,
due shortly before it and after the previous occurrence's end, so the invitation can carry what that
meeting left open. When the channel's row is rendered (by the scheduler tick) the series is extended
again: that is how an endless series keeps going.

Holidays come from the channel's working-day calendar (`bot.recurrence.plan`); an occurrence a holiday
moved says so in its invitation, and one it skipped is named in the invitation of the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import followup, jobs, views
from bot.command_types import Repeat
from bot.config import Settings
from bot.i18n import Lang, t
from bot.locale import as_lang, language_of, zone_of
from bot.messages import OutMessage, RefSpec, Target
from bot.recurrence import Occurrence, plan
from bot.timeparse import format_date, format_when
from bot.workdays import WorkCalendar, calendar_for
from store import membership, repo
from store.models import AgendaItem, Meeting, MeetingSeries, Notification, NotificationKind, Participant, User

AHEAD = 3  # occurrences made ahead of time (people see them in `list` and can RSVP, skip or move them)
HORIZON = timedelta(weeks=8)  # and none further ahead than this
INVITE_BEFORE = timedelta(days=3)  # an occurrence's invitation goes out three days before it…
AFTER_PREVIOUS = timedelta(minutes=15)  # …but not before the previous one has ended (its open work comes along)
LAST_CALL = timedelta(minutes=5)  # and at the latest this long before it starts
MIN_RSVP_WINDOW = timedelta(hours=1)


def rule_of(series: MeetingSeries) -> Repeat:
    hour, minute = divmod(series.at_minute, 60)
    return Repeat(series.freq, datetime.min.time().replace(hour=hour, minute=minute), series.interval,  # type: ignore[arg-type]
                  series.weekday, series.nth, series.count, series.until, series.on_holiday)  # type: ignore[arg-type]


def calendar_of(session: Session, settings: Settings, series: MeetingSeries) -> WorkCalendar:
    local = followup.channel_settings(session, settings, series.workspace_id, series.channel_id)
    return calendar_for(local.holidays)


def occurrences(session: Session, settings: Settings, series: MeetingSeries, *, until: datetime | None = None,
                limit: int | None = None) -> list[Occurrence]:
    """The series' plan (holidays applied) from its first date, up to `until` and at most `limit` places."""
    zone = ZoneInfo(series.timezone)
    last = until.astimezone(zone).date() if until is not None else None
    return plan(rule_of(series), series.first_on, calendar_of(session, settings, series), until=last,
                stop_after=series.stop_after, limit=limit or 500)


def start_of(series: MeetingSeries, occurrence: Occurrence) -> datetime:
    assert occurrence.day is not None
    hour, minute = divmod(series.at_minute, 60)
    return datetime(occurrence.day.year, occurrence.day.month, occurrence.day.day, hour, minute,
                    tzinfo=ZoneInfo(series.timezone))


def extend(session: Session, settings: Settings, series: MeetingSeries, now: datetime) -> list[Meeting]:
    """Make the series' next occurrences until `AHEAD` lie ahead (none past `HORIZON`); the new ones."""
    assert series.id is not None
    locked = repo.lock_series(session, series.id)
    if locked is None or locked.status != "active":
        return []
    series = locked
    made = repo.series_occurrences(session, locked.id or 0)
    if not made:
        return []
    last = made[-1]
    ahead = sum(1 for m in made if m.status == "scheduled" and m.start_at > now)
    new: list[Meeting] = []
    for occurrence in occurrences(session, settings, series, until=now + HORIZON,
                                  limit=(last.series_index or 0) + AHEAD + 1):
        if ahead >= AHEAD:
            break
        if occurrence.index <= (last.series_index or 0) or occurrence.day is None:
            continue
        start = start_of(series, occurrence)
        if start <= now:
            continue
        last = clone(session, settings, series, last, occurrence, now)
        new.append(last)
        ahead += 1
    return new


def keep_to_itself(session: Session, settings: Settings, meeting: Meeting, now: datetime) -> Meeting | None:
    """Before one occurrence alone is changed (its place, agenda, people): the next occurrence is copied from
    the last one made, so when that is this one, the next is made first, from it as it is now — the change
    stays this occurrence's own instead of repeating from then on (`series N edit …` is for that). The new one."""
    if meeting.series_id is None or meeting.id is None:
        return None
    series = repo.lock_series(session, meeting.series_id)
    if series is None or series.status != "active":
        return None
    made = repo.series_occurrences(session, series.id or 0)
    if not made or made[-1].id != meeting.id:
        return None
    index = meeting.series_index or 0
    for occurrence in occurrences(session, settings, series, limit=index + 2 * AHEAD + 1):
        if occurrence.index > index and occurrence.day is not None and start_of(series, occurrence) > now:
            return clone(session, settings, series, meeting, occurrence, now)
    return None


def clone(session: Session, settings: Settings, series: MeetingSeries, before: Meeting, occurrence: Occurrence,
          now: datetime) -> Meeting:
    """The next occurrence, copied from the one before it: its people (answers cleared), agenda, place and
    call link."""
    assert before.id is not None and series.id is not None
    start = start_of(series, occurrence)
    meeting = Meeting(
        workspace_id=series.workspace_id, number=repo.allocate_meeting_number(session, series.workspace_id),
        channel_id=series.channel_id, title=series.title, goal=before.goal, expected_outcome=before.expected_outcome,
        meeting_type=before.meeting_type, start_at=start,
        end_at=start + timedelta(minutes=series.duration_minutes), timezone=series.timezone,
        language=before.language, location=before.location, link=before.link, confidential=before.confidential,
        important=before.important,
        created_by_id=series.created_by_id, created_at=now, series_id=series.id, series_index=occurrence.index,
        planned_on=occurrence.planned if occurrence.moved else None,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    for p, _user in repo.participants(session, before.id):
        organizer = p.user_id == series.created_by_id
        session.add(Participant(meeting_id=meeting.id, user_id=p.user_id, role=p.role, is_chair=p.is_chair,
                                rsvp="yes" if organizer else None, rsvp_at=now if organizer else None))
    for item in repo.agenda(session, before.id):
        session.add(AgendaItem(meeting_id=meeting.id, position=item.position, title=item.title,
                               planned_minutes=item.planned_minutes, presenter_id=item.presenter_id,
                               expected_output=item.expected_output))
    for viewer_id in sorted(membership.viewer_ids(session, before.id)):
        membership.add_viewer(session, meeting.id, viewer_id, series.created_by_id, now)
    session.flush()
    schedule(session, settings, meeting, now, previous_end=before.end_at)
    return meeting


def schedule(session: Session, settings: Settings, meeting: Meeting, now: datetime, previous_end: datetime,
             *, invite: bool = True) -> None:
    """An occurrence's invitations (unless people have them already), reminders and RSVP chases (as for any
    meeting). Its answers are due as for any meeting, if people have the invitation at least
    `MIN_RSVP_WINDOW` before that."""
    assert meeting.id is not None
    due = max(now, min(meeting.start_at - LAST_CALL,
                       max(meeting.start_at - INVITE_BEFORE, previous_end + AFTER_PREVIOUS)))
    deadline = meeting.start_at - settings.rsvp_deadline_offset
    meeting.rsvp_deadline = deadline if deadline - due >= MIN_RSVP_WINDOW else None
    for offset in settings.reminder_offsets:
        if meeting.start_at - offset > now:
            followup.schedule(session, meeting.workspace_id, NotificationKind.MEETING_REMINDER,
                              meeting.start_at - offset, now, meeting_id=meeting.id, channel_id=meeting.channel_id)
    people = repo.participants(session, meeting.id)
    if meeting.rsvp_deadline is not None and meeting.rsvp_deadline - settings.rsvp_chase_offset > due:
        for p, _user in people:
            if p.rsvp is None:
                followup.schedule(session, meeting.workspace_id, NotificationKind.RSVP_CHASE,
                                  meeting.rsvp_deadline - settings.rsvp_chase_offset, now,
                                  meeting_id=meeting.id, recipient_id=p.user_id)
    if invite:
        send_invitations(session, meeting, due, now)


def send_invitations(session: Session, meeting: Meeting, due: datetime, now: datetime) -> None:
    """The `SERIES_INVITATION` rows of an occurrence: the channel's card, and one per participant."""
    assert meeting.id is not None
    followup.schedule(session, meeting.workspace_id, NotificationKind.SERIES_INVITATION, due, now,
                      meeting_id=meeting.id, channel_id=meeting.channel_id)
    for p, _user in repo.participants(session, meeting.id):
        if p.user_id != meeting.created_by_id:
            followup.schedule(session, meeting.workspace_id, NotificationKind.SERIES_INVITATION, due, now,
                              meeting_id=meeting.id, recipient_id=p.user_id)


def holiday_lines(session: Session, settings: Settings, meeting: Meeting, lang: Lang) -> list[str]:
    """What holidays did around this occurrence: skipped dates since the previous one, and its own move."""
    assert meeting.series_id is not None and meeting.series_index is not None
    series = session.get(MeetingSeries, meeting.series_id)
    assert series is not None
    made = [m.series_index or 0 for m in repo.series_occurrences(session, series.id or 0)]
    since = max((i for i in made if i < meeting.series_index), default=0)
    lines = []
    for occurrence in occurrences(session, settings, series, limit=meeting.series_index):
        if occurrence.day is None and since < occurrence.index < meeting.series_index:
            lines.append(t(lang, "series.holiday_skipped", date=format_date(occurrence.planned, lang)))
    if meeting.planned_on is not None:
        zone = ZoneInfo(meeting.timezone)
        lines.append(t(lang, "series.holiday_moved", date=format_date(meeting.planned_on, lang),
                       when=format_when(meeting.start_at.astimezone(zone), zone, lang)))
    return lines


@jobs.renders(NotificationKind.SERIES_INVITATION)
def invitation(session: Session, settings: Settings, row: Notification, now: datetime) -> OutMessage | None:
    """An occurrence's invitation: the channel's card (which also extends the series) or one person's."""
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    if meeting is None or meeting.series_id is None:
        return None
    series = session.get(MeetingSeries, meeting.series_id)
    if row.recipient_id is None and series is not None:
        extend(session, settings, series, now)
    if meeting.status != "scheduled" or meeting.start_at <= now:
        return None
    view = views.load(session, meeting)
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    if recipient is None:
        return card(session, settings, view, row.platform, view.zone)
    return personal(session, settings, view, recipient, row.platform)


def card(session: Session, settings: Settings, view: views.MeetingView, platform: str, zone: ZoneInfo,
         replaces: str | None = None) -> OutMessage:
    """The channel's card for an occurrence: when, the series, holidays, carried-over work, RSVP buttons."""
    m = view.meeting
    lang = as_lang(m.language)
    if m.confidential:
        return OutMessage(lang=lang, target=Target(kind="channel", channel=m.channel_id),
                          title=views.heading(m, lang, shared=True),
                          text=t(lang, "card.confidential", number=m.number),
                          fields=views.confidential_fields(view, lang, zone),
                          ref=None if replaces else RefSpec("rsvp_prompt", m.workspace_id, meeting_id=m.id),
                          replaces=replaces)
    return OutMessage(
        lang=lang, target=Target(kind="channel", channel=m.channel_id), title=views.heading(m, lang),
        text="\n".join([t(lang, "rsvp.prompt", title=m.title,
                                 when=format_when(m.start_at.astimezone(zone), zone, lang)),
                        *holiday_lines(session, settings, m, lang)]),
        fields=views.detail_fields(view, lang, zone),
        sections=(*views.carry_over_section(session, m, lang), *views.agenda_section(view, lang),
                  views.rsvp_section(view, lang)),
        buttons=views.rsvp_buttons(m, lang), context=views.rsvp_context(view, lang, zone, platform),
        ref=None if replaces else RefSpec("rsvp_prompt", m.workspace_id, meeting_id=m.id), replaces=replaces,
    )


def personal(session: Session, settings: Settings, view: views.MeetingView, user: User, platform: str,
             inviter: str | None = None) -> OutMessage:
    """One participant's invitation to an occurrence, in their language and timezone, with the open work of
    the previous occurrence at the top (a confidential meeting's too: they are its participant)."""
    m = view.meeting
    p = next((p for p, u in view.people if u.id == user.id), None)
    lang, zone = language_of(user, settings, m.language), zone_of(user, settings)
    text = t(lang, "invite.text", who=inviter or view.creator.display_name, title=m.title,
             role=views.role_label(p, lang) if p is not None else "")
    return OutMessage(
        lang=lang, target=Target(kind="direct", user=user.platform_user_id), title=views.heading(m, lang),
        text="\n".join([text, *holiday_lines(session, settings, m, lang)]),
        fields=views.detail_fields(view, lang, zone),
        sections=(*views.carry_over_section(session, m, lang), *views.agenda_section(view, lang)),
        buttons=views.rsvp_buttons(m, lang), context=views.rsvp_context(view, lang, zone, platform),
        ref=RefSpec("invitation", m.workspace_id, meeting_id=m.id, recipient_id=user.id),
    )
