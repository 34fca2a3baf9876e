"""A plan's way to approval: resource pre-review (each reviewer, 12 h), then the requester's superior (24 h);
2 h a step in the green channel. Each step's approver gets the plan with Approve / Reject; a late step is
reminded at its deadline and escalated, once, to the approver's own superior half a window later (the
scheduler's rows, rendered in `bot.jobs`). Approval schedules the meeting and locks the plan.

Every decision is a `PlanEvent`, so the history of a plan is complete whatever happens to it afterwards.
"""

from __future__ import annotations

from dataclasses import replace

from bot import command_types as c
from bot import followup, plan_views, superiors, views
from bot.errors import Conflict
from bot.i18n import t
from bot.locale import language_of, zone_of
from bot.messages import Outcome, OutMessage, Section
from bot.service import guard, meetings
from bot.service.context import Ctx
from store import plans, repo
from store.models import Meeting, MeetingPlan, NotificationKind, PlanStep, User

OPEN_STEP = ("waiting", "pending")


def submit(ctx: Ctx, meeting: Meeting, plan: MeetingPlan) -> list[OutMessage]:
    """Start (or restart) approval from the first step; the plan is unlocked and its meeting planned again."""
    assert meeting.id is not None and plan.id is not None
    repo.drop_pending(ctx.session, meeting.id)  # reminders of an approved meeting, deadlines of older steps
    for step in plans.steps(ctx.session, plan.id, plan.version):
        if step.status in OPEN_STEP:
            step.status = "cancelled"
    meeting.status, plan.locked_at = "planned", None
    approver = superiors.approver_of(ctx.session, ctx.directory, ctx.workspace_id, meeting.created_by_id,
                                     meeting.channel_id, ctx.now)
    if approver is None:
        plan.state = "draft"
        plans.add_event(ctx.session, plan, ctx.now, "held", ctx.user_id, note=ctx.t("plan.no_approver_note"))
        return [ctx.reply(ctx.t("plan.no_approver", number=meeting.number))]
    plan.version += 1
    plan.submitted_at = ctx.now
    reviewers = [r for r in plans.reviewers(ctx.session, ctx.workspace_id, meeting.channel_id)
                 if r not in (approver, meeting.created_by_id)]
    for reviewer in reviewers:
        ctx.session.add(PlanStep(plan_id=plan.id, version=plan.version, stage="review", approver_id=reviewer))
    ctx.session.add(PlanStep(plan_id=plan.id, version=plan.version, stage="approval", approver_id=approver))
    ctx.session.flush()
    plan.state = "review" if reviewers else "approval"
    plans.add_event(ctx.session, plan, ctx.now, "submitted", ctx.user_id)
    return open_steps(ctx, meeting, plan, [s for s in plans.steps(ctx.session, plan.id, plan.version)
                                           if s.stage == plan.state])


def open_steps(ctx: Ctx, meeting: Meeting, plan: MeetingPlan, steps: list[PlanStep]) -> list[OutMessage]:
    """Open side-by-side steps together, so each card shows the others' clocks too."""
    for step in steps:
        start_clock(ctx, meeting, plan, step)
    return [step_card(ctx, meeting, plan, step) for step in steps]


def start_clock(ctx: Ctx, meeting: Meeting, plan: MeetingPlan, step: PlanStep) -> None:
    """The step's clock starts: its deadline, the reminder and the escalation are rows."""
    assert meeting.id is not None
    window = plan_views.step_window(plan, step.stage)
    step.status, step.opened_at, step.due_at = "pending", ctx.now, ctx.now + window
    later = step.due_at + plan_views.escalation_delay(plan, step.stage)
    for kind, when in ((NotificationKind.PLAN_STEP_OVERDUE, step.due_at),
                       (NotificationKind.PLAN_STEP_ESCALATION, later),
                       (NotificationKind.PLAN_STEP_LATE_NOTICE, later)):
        followup.schedule(ctx.session, ctx.workspace_id, kind, when, ctx.now, meeting_id=meeting.id,
                          recipient_id=step.approver_id)


def step_card(ctx: Ctx, meeting: Meeting, plan: MeetingPlan, step: PlanStep) -> OutMessage:
    """The plan with Approve / Reject, privately to the step's approver."""
    window = plan_views.step_window(plan, step.stage)
    approver = ctx.session.get(User, step.approver_id)
    assert approver is not None
    lang, zone = language_of(approver, ctx.settings, meeting.language), zone_of(approver, ctx.settings)
    requester = ctx.session.get(User, meeting.created_by_id)
    assert requester is not None
    text = t(lang, "plan.ask." + step.stage, who=requester.display_name,
                        window=views.span(round(window.total_seconds() / 60), lang))
    return plan_views.step_card(ctx.session, meeting, plan, step, approver, lang, zone, text)


def deciding_step(ctx: Ctx, meeting: Meeting, plan: MeetingPlan) -> PlanStep:
    """The pending step the speaker may decide, or the refusal that names who decides now."""
    assert plan.id is not None
    pending = [s for s in plans.steps(ctx.session, plan.id, plan.version) if s.status == "pending"]
    if plan.state not in ("review", "approval") or not pending:
        raise Conflict("error.plan_not_pending", "example.plan", number=meeting.number,
                       state=plan_views.state_label(plan, ctx.lang))
    return guard.step_to_decide(ctx, meeting, pending)


def approve(ctx: Ctx, cmd: c.ApprovePlan) -> Outcome:
    meeting, plan = guard.visible_plan(ctx, cmd.number)
    step = deciding_step(ctx, meeting, plan)
    decide(ctx, plan, step, "approved", cmd.note)
    requester = ctx.session.get(User, meeting.created_by_id)
    assert requester is not None and plan.id is not None
    told = language_of(requester, ctx.settings, meeting.language)
    outcome = Outcome([ctx.reply(ctx.t("plan.you_approved." + step.stage, number=meeting.number))])
    outcome.messages.append(tell(ctx, requester, meeting, "plan.step_approved." + step.stage,
                                 who=ctx.user.display_name,
                                 note=t(told, "plan.approval_note", note=cmd.note) if cmd.note else ""))
    steps = plans.steps(ctx.session, plan.id, plan.version)
    if step.stage == "review":
        if all(s.status == "approved" for s in steps if s.stage == "review"):
            plan.state = "approval"
            outcome.messages.extend(open_steps(ctx, meeting, plan, [s for s in steps if s.stage == "approval"]))
        return outcome
    outcome.messages.extend(approved(ctx, meeting, plan, requester))
    return outcome


def approved(ctx: Ctx, meeting: Meeting, plan: MeetingPlan, requester: User) -> list[OutMessage]:
    """The last step said yes: the meeting is scheduled (reminders, invitations) and the plan locked."""
    assert meeting.id is not None
    plan.state, plan.locked_at, meeting.status = "approved", ctx.now, "scheduled"
    plans.add_event(ctx.session, plan, ctx.now, "locked", None)
    ctx.session.flush()
    meetings.schedule_reminders(ctx, meeting)
    view = views.load(ctx.session, meeting)
    clashes = plans.conflicts(ctx.session, meeting, [p.user_id for p, _u in view.people])
    lang = language_of(requester, ctx.settings, meeting.language)
    zone = zone_of(requester, ctx.settings)
    messages = [tell(ctx, requester, meeting, "plan.approved_locked")]
    if clashes:
        lines = plan_views.conflict_lines(clashes, lang, zone)
        messages[0] = tell(ctx, requester, meeting, "plan.approved_locked", sections=(
            Section(t(lang, "plan.conflicts"), lines),))
        messages.append(ctx.reply(ctx.t("plan.conflicts") + "\n" + "\n".join(
            plan_views.conflict_lines(clashes, ctx.lang, ctx.tz))))
    messages.append(meetings.rsvp_prompt(ctx, view))
    inviting = replace(ctx, user=requester)  # the invitation is from whoever called the meeting, not its approver
    messages.extend(meetings.invitation(inviting, view, p, user) for p, user in view.people if user.id != requester.id)
    return messages


def reject(ctx: Ctx, cmd: c.RejectPlan) -> Outcome:
    meeting, plan = guard.visible_plan(ctx, cmd.number)
    step = deciding_step(ctx, meeting, plan)
    assert meeting.id is not None and plan.id is not None
    decide(ctx, plan, step, "rejected", cmd.reason)
    for other in plans.steps(ctx.session, plan.id, plan.version):
        if other.status in OPEN_STEP:
            other.status = "cancelled"
    plan.state = "rejected"
    repo.drop_pending(ctx.session, meeting.id)
    requester = ctx.session.get(User, meeting.created_by_id)
    assert requester is not None
    stage = t(language_of(requester, ctx.settings, meeting.language), "plan.stage." + step.stage)
    return Outcome([
        ctx.reply(ctx.t("plan.you_rejected", number=meeting.number)),
        tell(ctx, requester, meeting, "plan.rejected", who=ctx.user.display_name, stage=stage, reason=cmd.reason),
    ])


def decide(ctx: Ctx, plan: MeetingPlan, step: PlanStep, status: str, note: str | None) -> None:
    step.status, step.decided_by_id, step.decided_at, step.note = status, ctx.user_id, ctx.now, note
    plans.add_event(ctx.session, plan, ctx.now, status, ctx.user_id, step.stage, note)
    ctx.session.flush()


def tell(ctx: Ctx, user: User, meeting: Meeting, key: str, sections: tuple[Section, ...] = (), **params: str
         ) -> OutMessage:
    """A private note about plan #N to `user`, in their language."""
    lang = language_of(user, ctx.settings, meeting.language)
    message = plan_views.note_to(user, lang, t(lang, key, number=meeting.number, title=meeting.title,
                                                          **params), meeting)
    return replace(message, sections=sections) if sections else message
