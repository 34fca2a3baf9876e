"""Use cases for a meeting plan (申报): file it, show it, change it, resubmit it.

A plan is a `Meeting` in status "planned" (so lists, reminders and RSVPs leave it alone) plus a `MeetingPlan`
row for what only plans have. Filing submits it for approval at once (`bot.service.approvals`); a change to
a plan under approval or already approved (locked) starts approval again, and one to a rejected plan waits
for `resubmit N`.
"""

from __future__ import annotations

from datetime import timedelta

from bot import command_types as c
from bot import followup, limits, plan_views
from bot.errors import Conflict, ParseError
from bot.messages import Outcome, OutMessage
from bot.service import approvals, guard
from bot.service.context import Ctx
from store import plans, repo
from store.models import Meeting, MeetingPlan, Participant, PlanPerson, User

CHANGEABLE = ("planned", "scheduled")  # a plan whose meeting has started, ended or was cancelled is history


def plan(ctx: Ctx, cmd: c.Plan) -> Outcome:
    if cmd.number is None:
        assert cmd.fields is not None  # the grammar files a plan only with its fields
        return file(ctx, cmd.fields)
    if cmd.fields is None:
        return show(ctx, cmd.number)
    return edit(ctx, cmd.number, cmd.fields)


def file(ctx: Ctx, fields: c.PlanFields) -> Outcome:
    assert fields.name is not None and fields.start is not None and fields.plan_type is not None
    limits.check_meeting_text(fields.name, fields.place, [])
    duration = fields.duration or timedelta(minutes=ctx.settings.default_duration_minutes)
    meeting = Meeting(
        workspace_id=ctx.workspace_id, number=repo.allocate_meeting_number(ctx.session, ctx.workspace_id),
        channel_id=ctx.inbound.channel, title=fields.name, meeting_type=fields.plan_type,
        start_at=fields.start, end_at=fields.start + duration, timezone=ctx.tz.key, language=ctx.lang,
        status="planned", important=True, created_by_id=ctx.user_id, created_at=ctx.now,
    )
    ctx.session.add(meeting)
    ctx.session.flush()
    assert meeting.id is not None
    ctx.session.add(Participant(meeting_id=meeting.id, user_id=ctx.user_id, role="host", rsvp="yes", rsvp_at=ctx.now))
    record = MeetingPlan(meeting_id=meeting.id, workspace_id=ctx.workspace_id, urgent=bool(fields.urgent),
                         created_at=ctx.now)
    ctx.session.add(record)
    ctx.session.flush()
    followup.remember_channel(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.tz, ctx.lang, ctx.now)
    apply(ctx, meeting, record, fields)
    plans.add_event(ctx.session, record, ctx.now, "filed", ctx.user_id)
    sent = approvals.submit(ctx, meeting, record)
    outcome = Outcome([ctx.reply(ctx.t("plan.filed", number=meeting.number, title=meeting.title),
                                 title=plan_views.heading(meeting, ctx.lang),
                                 fields=plan_views.fields(ctx.session, meeting, record, ctx.lang, ctx.tz))])
    outcome.messages.extend(warnings(ctx, record, fields))
    outcome.messages.extend(sent)
    return outcome


def warnings(ctx: Ctx, record: MeetingPlan, fields: c.PlanFields) -> list[OutMessage]:
    said = []
    if fields.assumed:
        said.append(ctx.assumed_note(fields.assumed))
    gap = plan_views.budget_gap(record)
    if fields.budget is not None and gap is not None and record.budget_total is not None:
        said.append(ctx.reply("⚠️ " + ctx.t("plan.budget_gap_reply", parts=plan_views.money(gap),
                                            total=plan_views.money(record.budget_total))))
    return said


def apply(ctx: Ctx, meeting: Meeting, record: MeetingPlan, fields: c.PlanFields) -> list[str]:
    """Write the given fields onto the meeting and plan; the names of what changed (for the history)."""
    assert meeting.id is not None and record.id is not None
    changed = [key for key, value in vars(fields).items() if value not in (None, ()) and key != "assumed"]
    if fields.name is not None:
        limits.check_meeting_text(fields.name, fields.place, [])
        meeting.title = fields.name
    if fields.plan_type is not None:
        meeting.meeting_type = fields.plan_type
    if fields.goal is not None:
        meeting.goal = fields.goal
    if fields.outcomes is not None:
        meeting.expected_outcome = fields.outcomes
    if fields.place is not None:
        meeting.location = fields.place
    if fields.start is not None:
        length = fields.duration or (meeting.end_at - meeting.start_at)
        meeting.start_at, meeting.end_at = fields.start, fields.start + length
    if fields.topics is not None:
        record.topics = fields.topics
    if fields.attachments is not None:
        record.attachments = "\n".join(fields.attachments)
    if fields.urgent is not None:
        record.urgent = fields.urgent
    if fields.budget is not None:
        record.budget_total = fields.budget.total
        given = dict(fields.budget.parts)
        for part in plan_views.BUDGET_PARTS:
            setattr(record, f"budget_{part}", given.get(part))  # type: ignore[call-overload]
    if fields.internal is not None or fields.deciders is not None:
        internal_people(ctx, meeting, record, fields)
    if fields.external is not None or fields.key_guests is not None:
        external_people(ctx, record, fields)
    ctx.session.flush()
    return changed


def internal_people(ctx: Ctx, meeting: Meeting, record: MeetingPlan, fields: c.PlanFields) -> None:
    assert meeting.id is not None and record.id is not None
    current = [p for p in plans.people(ctx.session, record.id) if p.side == "internal" and p.user_id]
    users: list[User] = ([ctx.resolve(m) for m in fields.internal] if fields.internal is not None
                         else [u for p in current if p.user_id and (u := ctx.session.get(User, p.user_id))])
    keys = ({u.id for u in (ctx.resolve(m) for m in fields.deciders)} if fields.deciders is not None
            else {p.user_id for p in current if p.key})
    by_id = {u.id: u for u in users}
    for key_id in keys:  # a decision maker not listed is still an attendee
        if key_id not in by_id and (user := ctx.session.get(User, key_id)) is not None:
            by_id[key_id] = user
    plans.replace_people(ctx.session, record.id, "internal", [
        PlanPerson(plan_id=record.id, side="internal", user_id=uid, name=u.display_name, key=uid in keys)
        for uid, u in by_id.items() if uid is not None
    ])
    for participant, _user in repo.participants(ctx.session, meeting.id):
        if participant.user_id != meeting.created_by_id and participant.user_id not in by_id:
            ctx.session.delete(participant)
    present = {p.user_id for p, _u in repo.participants(ctx.session, meeting.id)}
    for uid in by_id:
        if uid is not None and uid not in present:
            ctx.session.add(Participant(meeting_id=meeting.id, user_id=uid, role="required"))


def external_people(ctx: Ctx, record: MeetingPlan, fields: c.PlanFields) -> None:
    assert record.id is not None
    current = [p for p in plans.people(ctx.session, record.id) if p.side == "external"]
    guests = ([(g.name, g.company, g.title) for g in fields.external] if fields.external is not None
              else [(p.name, p.company or "", p.title or "") for p in current])
    keys = set(fields.key_guests) if fields.key_guests is not None else {p.name for p in current if p.key}
    unknown = keys - {name for name, _company, _title in guests}
    if unknown:
        raise ParseError("error.plan_key_guest", "example.plan", names=", ".join(sorted(unknown)))
    plans.replace_people(ctx.session, record.id, "external", [
        PlanPerson(plan_id=record.id, side="external", name=name, company=company, title=title, key=name in keys)
        for name, company, title in guests
    ])


def show(ctx: Ctx, number: int) -> Outcome:
    meeting, record = guard.visible_plan(ctx, number)
    return Outcome([ctx.reply(
        meeting.title, title=plan_views.heading(meeting, ctx.lang),
        fields=plan_views.fields(ctx.session, meeting, record, ctx.lang, ctx.tz),
        sections=(plan_views.steps_section(ctx.session, record, ctx.lang, ctx.tz),
                  plan_views.history_section(ctx.session, record, ctx.lang, ctx.tz)),
    )])


def edit(ctx: Ctx, number: int, fields: c.PlanFields) -> Outcome:
    meeting, record = guard.visible_plan(ctx, number)
    guard.ensure_plan_requester(ctx, meeting, record)
    if meeting.status not in CHANGEABLE:
        raise Conflict("error.meeting_state", number=number, status=ctx.t("status." + meeting.status))
    locked = record.state == "approved"
    changed = apply(ctx, meeting, record, fields)
    plans.add_event(ctx.session, record, ctx.now, "edited", ctx.user_id, note=", ".join(changed))
    outcome = Outcome(warnings(ctx, record, fields))
    if record.state in ("review", "approval", "approved"):
        key = "plan.changed_locked" if locked else "plan.changed_restart"
        outcome.messages.insert(0, ctx.reply(ctx.t(key, number=number)))
        outcome.messages.extend(approvals.submit(ctx, meeting, record))
    else:
        outcome.messages.insert(0, ctx.reply(ctx.t("plan.changed_saved", number=number)))
    return outcome


def resubmit(ctx: Ctx, cmd: c.ResubmitPlan) -> Outcome:
    meeting, record = guard.visible_plan(ctx, cmd.number)
    guard.ensure_plan_requester(ctx, meeting, record)
    if record.state not in ("rejected", "draft"):
        raise Conflict("error.plan_not_resubmittable", "example.plan", number=cmd.number,
                       state=plan_views.state_label(record, ctx.lang))
    plans.add_event(ctx.session, record, ctx.now, "resubmitted", ctx.user_id)
    return Outcome([ctx.reply(ctx.t("plan.resubmitted", number=cmd.number)),
                    *approvals.submit(ctx, meeting, record)])
