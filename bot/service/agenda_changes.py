"""`agenda N change <the new agenda>`: the agenda still to come replaced in one go — asked for, on an approved
event, and approved by the plan's requester.

An approved plan is locked (`bot.service.approvals`): what its requester's superior approved must not change
behind the requester's back. Yet on the day the host often has to rearrange the agenda, so the host (or a
recorder or chair) asks, the requester decides: `approve change 2` or the Approve button, `reject change 2
<reason>` or Reject (the reason is asked for). Each request is an `AgendaChange` row (its id is the number
people answer with), so it waits across restarts and its history stays. On approval the agenda changes
exactly as an edit does (`bot.service.edits`: the card refreshed, every participant's supplementary notice
with the new agenda, the countdown reads it); on rejection only the host who asked is told, with the reason.

A meeting without an approved plan has no one above its editors: their change applies at once, as `agenda
N add|remove|move` does; so does the requester's own change. Items already under way or held stay as they
were (they are the record); the new agenda is everything after them (one of them named again is that item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot import command_types as c
from bot import limits, views
from bot.errors import Conflict, NotFound
from bot.grammar.tokens import fold
from bot.i18n import Lang, t
from bot.locale import language_of, zone_of
from bot.messages import Button, Outcome, OutMessage, RefSpec, Section, Target
from bot.service import edits, guard, sense
from bot.service.context import Ctx
from store import plans, repo
from store.models import AgendaChange, AgendaItem, Meeting, MeetingPlan, User


def change(ctx: Ctx, cmd: c.EditAgenda) -> Outcome:
    """Applied at once, or (a locked plan, asked by someone other than its requester) asked for."""
    meeting = guard.find_meeting(ctx, cmd.number)
    view = views.load(ctx.session, meeting)
    guard.ensure_can_edit(ctx, view)
    guard.ensure_live(ctx, meeting, *edits.LIVE)
    items = _settled(ctx, cmd.items)
    assert meeting.id is not None
    plan = plans.plan_of(ctx.session, meeting.id)
    if plan is None or plan.locked_at is None or guard.may_decide_agenda_change(ctx, plan):
        return Outcome(apply(ctx, meeting, items, None))
    row = plans.add_agenda_change(ctx.session, AgendaChange(
        workspace_id=ctx.workspace_id, meeting_id=meeting.id, asked_by_id=ctx.user_id, items=sense.encode(items),
        created_at=ctx.now))
    requester = ctx.session.get(User, meeting.created_by_id)
    assert requester is not None and row.id is not None
    asked = ctx.reply(ctx.t("agenda_change.asked", change=row.id, number=meeting.number,
                            who="@" + requester.display_name),
                      sections=(Section(ctx.t("agenda_change.proposed"), _proposed(ctx, meeting, items, ctx.lang)),))
    return Outcome([asked, _ask(ctx, meeting, plan, row, items, requester)])


def _settled(ctx: Ctx, items: Sequence[c.AgendaSpec]) -> tuple[c.AgendaSpec, ...]:
    """The items checked now (lengths, people), each presenter kept by platform id so the approval, later and
    from someone else, finds the same person."""
    settled = []
    for item in items:
        limits.check_length(item.title, limits.TITLE_MAX)
        presenter = ctx.resolve(item.presenter) if item.presenter else None
        settled.append(replace(item, presenter=c.Mention(presenter.platform_user_id, is_platform_id=True))
                       if presenter else item)
    return tuple(settled)


def _ask(ctx: Ctx, meeting: Meeting, plan: MeetingPlan, row: AgendaChange, items: Sequence[c.AgendaSpec],
         requester: User) -> OutMessage:
    """The request, privately to the plan's requester, with the agenda as it is and as it would be."""
    assert meeting.id is not None and row.id is not None
    lang, zone = language_of(requester, ctx.settings, meeting.language), zone_of(requester, ctx.settings)
    current = edits.agenda_lines(ctx, meeting, lang).split("\n")
    return OutMessage(
        lang=lang,
        target=Target(kind="direct", user=requester.platform_user_id),
        title=t(lang, "agenda_change.title", change=row.id, number=meeting.number, title=meeting.title),
        text=t(lang, "agenda_change.ask", who=ctx.user.display_name, change=row.id, number=meeting.number,
               title=meeting.title, when=views.when_line(meeting, lang, zone)),
        sections=(Section(t(lang, "agenda_change.current"), tuple(current)),
                  Section(t(lang, "agenda_change.proposed"), _proposed(ctx, meeting, items, lang))),
        buttons=(Button(t(lang, "button.approve"), f"approve change {row.id}", "primary"),
                 Button(t(lang, "button.reject"), f"reject change {row.id}", "danger",
                        asks=t(lang, "agenda_change.reject_asks"))),
        context=t(lang, "agenda_change.hint", change=row.id),
        ref=RefSpec("agenda_change", ctx.workspace_id, meeting_id=meeting.id, recipient_id=requester.id),
    )


def _after(kept: Sequence[AgendaItem], items: Sequence[c.AgendaSpec]) -> list[c.AgendaSpec]:
    """The new items that follow the ones already under way or held: an item of those named again (the whole
    agenda said over) is that item, not a second one."""
    said = {fold(item.title) for item in kept}
    return [item for item in items if fold(item.title) not in said]


def _proposed(ctx: Ctx, meeting: Meeting, items: Sequence[c.AgendaSpec], lang: Lang) -> tuple[str, ...]:
    """The new agenda as it would read: the items already under way or held, then the new ones."""
    assert meeting.id is not None
    view = views.load(ctx.session, meeting)
    kept = [i for i in view.agenda if i.started_at is not None]
    drafts = list(kept)
    presenters = dict(view.presenters)
    for item in _after(kept, items):
        presenter = ctx.resolve(item.presenter) if item.presenter else None
        if presenter is not None and presenter.id is not None:
            presenters[presenter.id] = presenter
        drafts.append(AgendaItem(meeting_id=meeting.id, position=0, title=item.title, planned_minutes=item.minutes,
                                 presenter_id=presenter.id if presenter else None,
                                 expected_output=item.expected_output))
    shown = replace(view, presenters=presenters)
    return tuple(f"{n}. {views.agenda_line(shown, item, lang)}" for n, item in enumerate(drafts, start=1))


def apply(ctx: Ctx, meeting: Meeting, items: Sequence[c.AgendaSpec], row: AgendaChange | None) -> list[OutMessage]:
    """The items not yet begun give way to `items`; everyone is told (`edits.announce`)."""
    assert meeting.id is not None
    kept = []
    for item in repo.agenda(ctx.session, meeting.id):
        if item.started_at is None:
            repo.remove_agenda_item(ctx.session, item)
        else:
            kept.append(item)
    for position, spec in enumerate(_after(kept, items), start=len(kept) + 1):
        presenter = ctx.resolve(spec.presenter) if spec.presenter else None
        ctx.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=spec.title,
                                   planned_minutes=spec.minutes, presenter_id=presenter.id if presenter else None,
                                   expected_output=spec.expected_output))
    edits.touch(ctx, meeting)
    asker = ctx.session.get(User, row.asked_by_id) if row is not None else None

    def said(lang: Lang, _zone: ZoneInfo) -> str:
        how = (t(lang, "agenda_change.approved_how", change=row.id, who=asker.display_name)
               if row is not None and asker is not None else "")
        return t(lang, "change.agenda_changed", how=how) + "\n" + edits.agenda_lines(ctx, meeting, lang)

    messages = edits.announce(ctx, meeting, said)
    planned = sum(i.planned_minutes or 0 for i in repo.agenda(ctx.session, meeting.id))
    length = round((meeting.end_at - meeting.start_at).total_seconds() / 60)
    if planned > length:
        messages.append(ctx.reply(ctx.t("warn.agenda_overrun", planned=planned, minutes=length)))
    return messages


def _pending(ctx: Ctx, number: int) -> tuple[AgendaChange, Meeting, MeetingPlan]:
    """Change #number, if the speaker may decide it and it still waits; the refusal otherwise."""
    row = plans.agenda_change(ctx.session, ctx.workspace_id, number)
    meeting = ctx.session.get(Meeting, row.meeting_id) if row is not None else None
    if row is None or meeting is None or not guard.may_see(ctx, meeting):
        raise NotFound("error.no_agenda_change", "example.approve_change", change=number)
    assert meeting.id is not None
    plan = plans.plan_of(ctx.session, meeting.id)
    assert plan is not None  # a change is asked only of an approved plan
    guard.ensure_may_decide_agenda_change(ctx, meeting, plan)
    if row.status != "pending":
        raise Conflict("error.agenda_change_decided", change=number,
                       status=ctx.t("agenda_change.status." + row.status))
    guard.ensure_live(ctx, meeting, *edits.LIVE)
    return row, meeting, plan


def approve(ctx: Ctx, cmd: c.ApproveAgendaChange) -> Outcome:
    row, meeting, _plan = _pending(ctx, cmd.number)
    row.status, row.decided_by_id, row.decided_at, row.reason = "approved", ctx.user_id, ctx.now, cmd.note
    items: tuple[c.AgendaSpec, ...] = sense.decode(row.items)
    messages = [ctx.reply(ctx.t("agenda_change.you_approved", change=row.id, number=meeting.number))]
    return Outcome(messages + apply(ctx, meeting, items, row))


def reject(ctx: Ctx, cmd: c.RejectAgendaChange) -> Outcome:
    row, meeting, _plan = _pending(ctx, cmd.number)
    row.status, row.decided_by_id, row.decided_at, row.reason = "rejected", ctx.user_id, ctx.now, cmd.reason
    ctx.session.flush()
    messages = [ctx.reply(ctx.t("agenda_change.you_rejected", change=row.id, number=meeting.number))]
    asker = ctx.session.get(User, row.asked_by_id)
    if asker is not None and asker.id != ctx.user_id:
        lang = language_of(asker, ctx.settings, meeting.language)
        messages.append(OutMessage(
            lang=lang, target=Target(kind="direct", user=asker.platform_user_id),
            title=t(lang, "agenda_change.title", change=row.id, number=meeting.number, title=meeting.title),
            text=t(lang, "agenda_change.rejected", who=ctx.user.display_name, change=row.id, number=meeting.number,
                   reason=cmd.reason)))
    return Outcome(messages)
