"""Access for the use cases: load what `bot.access` needs for this event's speaker, ask it, refuse in words.

Every use case that names a meeting goes through `visible_meeting` (by number) or `may_see` (a meeting it
already holds), so the rule of who sees what is applied in one place and a refusal never reveals that a
hidden meeting exists: it reads exactly like a meeting that does not exist.
"""

from __future__ import annotations

from sqlmodel import Session

from bot import access, followup, views
from bot.errors import Conflict, NotAllowed, NotFound
from bot.service.context import Ctx
from store import membership, plans, repo
from store.models import (
    ActionItem,
    Decision,
    Incident,
    Meeting,
    MeetingPlan,
    OpenQuestion,
    PlanStep,
    PrepTask,
    User,
)


def viewer(ctx: Ctx) -> access.Viewer:
    """The speaker, with their admin standing (asked of the platform only when a rule needs it)."""
    return access.Viewer(ctx.user_id, ctx.inbound.user.platform_id)


def admin_viewer(ctx: Ctx) -> access.Viewer:
    platform_says = ctx.directory.is_admin(ctx.inbound.workspace, ctx.inbound.user.platform_id)
    admin = access.is_admin(platform_says, ctx.inbound.user.platform_id, ctx.settings.admin_ids)
    return access.Viewer(ctx.user_id, ctx.inbound.user.platform_id, admin)


def meeting_facts(session: Session, meeting: Meeting) -> access.MeetingFacts:
    assert meeting.id is not None
    people = membership.roles(session, meeting.id)
    return access.MeetingFacts(
        confidential=meeting.confidential,
        creator_id=meeting.created_by_id,
        roles={user_id: role for user_id, role, _chair in people},
        chairs=frozenset(user_id for user_id, _role, chair in people if chair),
        viewers=membership.viewer_ids(session, meeting.id),
    )


def in_conversation(ctx: Ctx, channel: str) -> bool:
    """Whether the speaker is in `channel`, as its platform says (or, if it does not, as they have written)."""
    conversation = ctx.conversation(channel)
    unknown = conversation.kind == "private" and conversation.members is None
    written = unknown and membership.has_written(ctx.session, ctx.workspace_id, channel, ctx.user_id)
    return access.is_member(viewer(ctx), conversation, written)


def may_see(ctx: Ctx, meeting: Meeting) -> bool:
    """`access.can_see`, asked first with what costs nothing to know (the meeting row and the platform's cached
    answer), and again with its participants and viewers loaded only when that is not enough."""
    assert meeting.id is not None
    if meeting.id in ctx.visible:  # asked again in the same event (the running meeting, then its number)
        return ctx.visible[meeting.id]
    if meeting.status == "planned":  # a plan is its requester's, its deciders' and admins' until approved
        found = plans.plan_of(ctx.session, meeting.id)
        ctx.visible[meeting.id] = found is not None and access.can_see_plan(admin_viewer(ctx), plan_facts(ctx, found))
        return ctx.visible[meeting.id]
    member = not meeting.confidential and in_conversation(ctx, meeting.channel_id)
    outline = access.MeetingFacts(confidential=meeting.confidential, creator_id=meeting.created_by_id)
    visible = access.can_see(viewer(ctx), outline, member) or access.can_see(
        viewer(ctx), meeting_facts(ctx.session, meeting), member)
    ctx.visible[meeting.id] = visible
    return visible


def may_see_item(ctx: Ctx, item: ActionItem) -> bool:
    """An action item is its owner's and creator's; otherwise it is seen as its meeting is, or, standing alone,
    by the members of the channel it was recorded in."""
    if ctx.user_id in (item.owner_id, item.creator_id):
        return True
    meeting = ctx.session.get(Meeting, item.meeting_id) if item.meeting_id else None
    return may_see(ctx, meeting) if meeting is not None else in_conversation(ctx, item.channel_id)


def may_see_task(ctx: Ctx, task: PrepTask, meeting: Meeting) -> bool:
    """A preparation task is its owner's wherever they answer (they are told in a private message, and may be
    someone from outside the event's group); otherwise it is seen as its meeting is."""
    return ctx.user_id == task.owner_id or may_see(ctx, meeting)


def may_see_incident(ctx: Ctx, incident: Incident, meeting: Meeting) -> bool:
    """An incident is its handler's and its reporter's wherever they answer (the handler's card is a private
    message, and a handler routed by type may never have written in the event's group); otherwise it is seen
    as its meeting is."""
    return ctx.user_id in (incident.handler_id, incident.reporter_id) or may_see(ctx, meeting)


def visible_meeting(ctx: Ctx, number: int) -> Meeting:
    """Meeting #number if the speaker may see it; otherwise the same reply as for a meeting that does not exist."""
    meeting = repo.meeting_by_number(ctx.session, ctx.workspace_id, number)
    if meeting is None or not may_see(ctx, meeting):
        raise NotFound("error.no_meeting", number=number)
    return meeting


def ensure_channel_visible(ctx: Ctx, channel: str) -> None:
    """A channel's report is for people who are in it (anyone, for a public channel)."""
    if not in_conversation(ctx, channel):
        raise NotFound("error.no_channel", channel=channel)


def ensure_admin(ctx: Ctx, what: str) -> None:
    """Channel settings and deletion: the platform's admins and `QUORUM_ADMINS` only; the refusal says so."""
    if not admin_viewer(ctx).is_admin:
        action, named = ctx.t("admin_action." + what), configured_admins(ctx)
        if named:
            raise NotAllowed("error.admin_only_named", what=action, names=named)
        raise NotAllowed("error.admin_only", what=action)


def ensure_may_see_person(ctx: Ctx, person: User) -> None:
    assert person.id is not None
    if not access.can_see_person_report(admin_viewer(ctx), person.id):
        named = configured_admins(ctx)
        if named:
            raise NotAllowed("error.person_report_named", name=person.display_name, names=named)
        raise NotAllowed("error.person_report", name=person.display_name)


def configured_admins(ctx: Ctx) -> str:
    """The people `QUORUM_ADMINS` names, as `@name`s listed as the language lists them ("" for none): a refusal
    names them before the platform's admins ("Only @bob, @boss and workspace admins can see …")."""
    return ctx.t("punct.list").join(f"@{admin}" for admin in sorted(ctx.settings.admin_ids))


def record_writer(ctx: Ctx) -> None:
    """In a group whose members the platform does not tell, whoever acts there counts as a member: writing,
    and clicking a card posted there (the platform shows it, and delivers the click, only to the group)."""
    inbound = ctx.inbound
    if inbound.is_direct:
        return
    conversation = ctx.conversation(inbound.channel)
    if conversation.kind == "private" and conversation.members is None:
        membership.record_writer(ctx.session, ctx.workspace_id, inbound.channel, ctx.user_id, ctx.now)


def running_meeting(ctx: Ctx) -> Meeting | None:
    """The meeting running in the speaker's channel, if the speaker may see it: to someone outside a
    confidential meeting nothing runs there, so what they write stands alone and never acts on its record."""
    meeting = repo.running_meeting(ctx.session, ctx.workspace_id, ctx.inbound.channel)
    return meeting if meeting is not None and may_see(ctx, meeting) else None


def find_meeting(ctx: Ctx, number: int) -> Meeting:
    """The one look-up by number: meeting #number if the speaker may see it (`bot.access` decides), else
    the same "no meeting #N that you can see" a meeting that does not exist gets."""
    return visible_meeting(ctx, number)


def editors(view: views.MeetingView) -> list[User]:
    """The people `access.can_edit` lets change the meeting, creator first (for refusals and notices)."""
    facts = view_facts(view)
    users = {u.id: u for _p, u in view.people} | {view.creator.id: view.creator}
    return [users[uid] for uid in access.editor_ids(facts)]


def view_facts(view: views.MeetingView) -> access.MeetingFacts:
    m = view.meeting
    return access.MeetingFacts(
        confidential=m.confidential, creator_id=m.created_by_id, roles={p.user_id: p.role for p, _u in view.people},
        chairs=frozenset(p.user_id for p, _u in view.people if p.is_chair),
    )


def ensure_can_edit(ctx: Ctx, view: views.MeetingView) -> None:
    if not access.can_edit(viewer(ctx), view_facts(view)):
        raise NotAllowed("error.not_editor", number=view.meeting.number, who=views.names(editors(view), ctx.lang))


def ensure_may_join(ctx: Ctx, meeting: Meeting) -> None:
    """Answering, checking in, signing in: a confidential meeting takes part only the people its host invited."""
    facts = meeting_facts(ctx.session, meeting)
    if not access.can_join(viewer(ctx), facts):
        users = repo.users_by_id(ctx.session, access.editor_ids(facts))
        raise NotAllowed("error.not_invited_confidential", number=meeting.number,
                         who=views.names(list(users.values()), ctx.lang))


def ensure_participant(ctx: Ctx, meeting: Meeting, key: str, example_key: str) -> None:
    """Confirming minutes, objecting to them: the meeting's participants (`key` says which refusal)."""
    if not access.is_participant(viewer(ctx), meeting_facts(ctx.session, meeting)):
        raise NotAllowed(key, example_key, number=meeting.number)


def ensure_attended(ctx: Ctx, meeting: Meeting) -> None:
    """The survey of a meeting: the people who checked in to it."""
    assert meeting.id is not None
    attended = frozenset(p.user_id for p, _u in repo.participants(ctx.session, meeting.id) if p.checked_in_at)
    if not access.can_rate(viewer(ctx), attended):
        raise NotAllowed("error.not_attendee", "example.rate", number=meeting.number)


def ensure_can_close_item(ctx: Ctx, item: ActionItem) -> None:
    """Done, status, delay: the item's owner, its creator, its meeting's hosts (`access.can_close`)."""
    hosts = frozenset(
        p.user_id for p, _u in (repo.participants(ctx.session, item.meeting_id) if item.meeting_id else [])
        if p.role == "host"
    )
    if not access.can_close(viewer(ctx), item.owner_id, item.creator_id, hosts):
        allowed = {item.owner_id, item.creator_id} | hosts
        users = repo.users_by_id(ctx.session, sorted(i for i in allowed if i is not None))
        raise NotAllowed("error.not_owner", number=item.number, who=views.names(list(users.values()), ctx.lang))


def ensure_item_owner(ctx: Ctx, item: ActionItem) -> None:
    """Accepting or declining an item: its owner."""
    if not access.can_answer_item(viewer(ctx), item.owner_id):
        if item.owner_id is None:  # nobody's yet: say who gives it an owner, not "only — may"
            raise Conflict("error.item_unowned", "example.assign", number=item.number)
        owner = ctx.session.get(User, item.owner_id)
        raise NotAllowed("error.not_owner", number=item.number, who=views.names([owner] if owner else [], ctx.lang))


def ensure_item_requester(ctx: Ctx, item: ActionItem) -> None:
    """Verifying or reopening an item: its requester (`followup.requester`)."""
    who = followup.requester(ctx.session, item)
    if not access.can_sign_off_item(viewer(ctx), who.id if who else None):
        raise NotAllowed("error.not_requester", number=item.number, who=views.names([who] if who else [], ctx.lang))


def ensure_may_resolve(ctx: Ctx, question: OpenQuestion) -> None:
    if not access.can_resolve_question(viewer(ctx), question.owner_id, question.author_id):
        allowed = list(dict.fromkeys(i for i in (question.owner_id, question.author_id) if i is not None))
        users = repo.users_by_id(ctx.session, allowed)
        raise NotAllowed("error.not_question_owner", who=views.names([users[i] for i in allowed if i in users],
                                                                     ctx.lang))


def ensure_requester(ctx: Ctx, requester: User) -> None:
    assert requester.id is not None
    if not access.can_answer_request(viewer(ctx), requester.id):
        raise NotAllowed("error.not_request_owner", who=f"@{requester.display_name}")


def ensure_may_share_materials(ctx: Ctx, view: views.MeetingView, presenter: User | None) -> None:
    if not access.can_share_materials(viewer(ctx), presenter.id if presenter else None, view_facts(view)):
        others = [u for u in editors(view) if presenter is None or u.id != presenter.id]
        people = ([presenter] if presenter else []) + others
        raise NotAllowed("error.materials_not_presenter", number=view.meeting.number, who=views.names(people, ctx.lang))


def ensure_can_edit_series(ctx: Ctx, view: views.MeetingView, series_creator_id: int) -> None:
    """The series' creator, or an editor of the occurrence named; the refusal names them."""
    if not access.can_edit_series(viewer(ctx), series_creator_id, view_facts(view)):
        users = editors(view)
        if series_creator_id not in {u.id for u in users}:
            users = [*repo.users_by_id(ctx.session, [series_creator_id]).values(), *users]
        raise NotAllowed("error.not_series_editor", number=view.meeting.number, who=views.names(users, ctx.lang))


def ensure_live(ctx: Ctx, meeting: Meeting, *allowed: str) -> None:
    if meeting.status not in allowed:
        raise Conflict("error.meeting_state", number=meeting.number, status=ctx.t("status." + meeting.status))


def minutes_readers(ctx: Ctx, view: views.MeetingView) -> list[User]:
    """Who gets a confidential meeting's minutes (and their amendments) privately: its participants, and the
    viewers its host named."""
    assert view.meeting.id is not None
    named = membership.viewer_ids(ctx.session, view.meeting.id) - {u.id for _p, u in view.people}
    return [u for _p, u in view.people] + list(repo.users_by_id(ctx.session, sorted(named)).values())


def ensure_can_change_item(ctx: Ctx, item: ActionItem) -> None:
    """Reassign, assign, edit: the item's owner, its creator, its meeting's editors (`access.can_change_item`);
    the refusal names them."""
    meeting = ctx.session.get(Meeting, item.meeting_id) if item.meeting_id else None
    facts = meeting_facts(ctx.session, meeting) if meeting is not None else None
    if access.can_change_item(viewer(ctx), item.owner_id, item.creator_id, facts):
        return
    allowed = list(dict.fromkeys(i for i in (item.owner_id, item.creator_id, *(access.editor_ids(facts) if facts
                                                                              else [])) if i is not None))
    users = repo.users_by_id(ctx.session, allowed)
    raise NotAllowed("error.not_item_editor", number=item.number,
                     who=views.names([users[i] for i in allowed if i in users], ctx.lang))  # owner, creator, editors


def ensure_can_change_decision(ctx: Ctx, decision: Decision, meeting: Meeting | None) -> None:
    """A decision's verdict: its meeting's editors, or a lone decision's author (`access.can_change_decision`)."""
    facts = meeting_facts(ctx.session, meeting) if meeting is not None else None
    if access.can_change_decision(viewer(ctx), decision.author_id, facts):
        return
    allowed = access.editor_ids(facts) if facts else [decision.author_id]
    users = repo.users_by_id(ctx.session, allowed)
    raise NotAllowed("error.not_decision_editor",
                     who=views.names([users[i] for i in allowed if i in users], ctx.lang))


def plan_facts(ctx: Ctx, plan: MeetingPlan) -> access.PlanFacts:
    assert plan.id is not None
    meeting = ctx.session.get(Meeting, plan.meeting_id)
    assert meeting is not None
    steps = plans.all_steps(ctx.session, plan.id)
    deciders = {step.approver_id for step in steps} | {step.escalated_to_id for step in steps if step.escalated_to_id}
    return access.PlanFacts(meeting.created_by_id, frozenset(deciders))


def visible_plan(ctx: Ctx, number: int) -> tuple[Meeting, MeetingPlan]:
    """Plan #number if the speaker may see it (`may_see` applies the plan rule while it is "planned")."""
    meeting = repo.meeting_by_number(ctx.session, ctx.workspace_id, number)
    plan = plans.plan_of(ctx.session, meeting.id) if meeting is not None and meeting.id is not None else None
    if meeting is None or plan is None or not may_see(ctx, meeting):
        raise NotFound("error.no_plan", "example.plan", number=number)
    return meeting, plan


def ensure_plan_requester(ctx: Ctx, meeting: Meeting, plan: MeetingPlan) -> None:
    if not access.can_change_plan(viewer(ctx), plan_facts(ctx, plan)):
        requester = ctx.session.get(User, meeting.created_by_id)
        assert requester is not None
        raise NotAllowed("error.plan_not_requester", number=meeting.number, who="@" + requester.display_name)


def may_decide_agenda_change(ctx: Ctx, plan: MeetingPlan) -> bool:
    return access.can_decide_agenda_change(admin_viewer(ctx), plan_facts(ctx, plan))


def ensure_may_decide_agenda_change(ctx: Ctx, meeting: Meeting, plan: MeetingPlan) -> None:
    if not may_decide_agenda_change(ctx, plan):
        requester = ctx.session.get(User, meeting.created_by_id)
        assert requester is not None
        raise NotAllowed("error.not_agenda_approver", number=meeting.number, who="@" + requester.display_name)


LOCKED_EXAMPLES = {"error.plan_locked": "example.plan_edit", "error.agenda_locked": "example.agenda_change"}


def ensure_not_locked(ctx: Ctx, meeting: Meeting, refusal: str = "error.plan_locked") -> None:
    """An approved plan is locked: its meeting changes only through `plan N edit`, which asks for approval again
    (its agenda also by `agenda N change`, which its requester approves); `refusal` says which."""
    assert meeting.id is not None
    plan = plans.plan_of(ctx.session, meeting.id)
    if plan is not None and plan.locked_at is not None:
        raise Conflict(refusal, LOCKED_EXAMPLES[refusal], number=meeting.number)


def deciders(ctx: Ctx, meeting: Meeting) -> frozenset[int]:
    """Everyone who decided (or was asked to decide) a step of the meeting's plan; none without a plan."""
    assert meeting.id is not None
    plan = plans.plan_of(ctx.session, meeting.id)
    return plan_facts(ctx, plan).deciders if plan is not None else frozenset()


def event_runners(ctx: Ctx, meeting: Meeting) -> str:
    """The names a refusal gives: the requester and the meeting's other editors."""
    return views.names(editors(views.load(ctx.session, meeting)), ctx.lang)


def ensure_runs_event(ctx: Ctx, meeting: Meeting) -> None:
    if not access.runs_event(admin_viewer(ctx), meeting_facts(ctx.session, meeting), deciders(ctx, meeting)):
        raise NotAllowed("error.not_event_runner", number=meeting.number, who=event_runners(ctx, meeting))


def ensure_may_update_task(ctx: Ctx, meeting: Meeting, owner: User) -> None:
    assert owner.id is not None
    if not access.can_update_task(admin_viewer(ctx), owner.id, meeting_facts(ctx.session, meeting),
                                  deciders(ctx, meeting)):
        raise NotAllowed("error.not_task_owner", owner="@" + owner.display_name, who=event_runners(ctx, meeting))


def ensure_may_handle_incident(ctx: Ctx, meeting: Meeting, handler: User) -> None:
    assert handler.id is not None
    if not access.can_handle_incident(admin_viewer(ctx), handler.id, meeting_facts(ctx.session, meeting),
                                      deciders(ctx, meeting)):
        raise NotAllowed("error.not_incident_handler", handler="@" + handler.display_name,
                         who=event_runners(ctx, meeting))


def ensure_sends_event_report(ctx: Ctx, meeting: Meeting) -> None:
    """The monitoring report goes out from its requester, who reviews it first."""
    if not access.can_send_event_report(viewer(ctx), meeting_facts(ctx.session, meeting)):
        requester = ctx.session.get(User, meeting.created_by_id)
        assert requester is not None
        raise NotAllowed("error.monitor_send_requester", number=meeting.number, who="@" + requester.display_name)


def step_to_decide(ctx: Ctx, meeting: Meeting, pending: list[PlanStep]) -> PlanStep:
    """The pending step the speaker decides (`access.can_decide_step`); the refusal names who decides them."""
    for step in pending:
        if access.can_decide_step(viewer(ctx), step.approver_id, step.escalated_to_id):
            return step
    users = repo.users_by_id(ctx.session, sorted({s.approver_id for s in pending}
                                                 | {s.escalated_to_id for s in pending if s.escalated_to_id}))
    raise NotAllowed("error.plan_not_decider", number=meeting.number, who=views.names(list(users.values()), ctx.lang))


def event_meeting(ctx: Ctx, number: int) -> Meeting:
    """Meeting #number, visible to the speaker, and past its plan's approval (a board starts on approval)."""
    meeting = visible_meeting(ctx, number)
    if meeting.status == "planned":
        raise Conflict("error.event_not_approved", "example.plan", number=number)
    if meeting.status == "cancelled":
        raise Conflict("error.meeting_state", number=number, status=ctx.t("status.cancelled"))
    return meeting
