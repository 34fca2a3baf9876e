"""Use cases for what a meeting produces: decisions, action items, open questions, notes, and their fate.

In a channel where a meeting is running, records attach to it (numbered in order, so `#undo` takes back
the newest); elsewhere decisions and action items stand alone in the channel. Who may do what follows
MeetBot, which people already know: anyone adds information, action items and questions; only the host,
recorder or chairs set topics, record decisions, undo, name chairs and end the meeting. Only an action
item's owner, its creator or its meeting's host may close or change it. What is recorded in a confidential
meeting is answered only to the person who typed it (its participants read it in the minutes), and someone
who may not see the running meeting writes into the channel, never into its record (`bot.access`).

With several instances on one database, a line said just before `end` may be handled after it (the other
instance took `end` first). Records carry when they were said (`created_at` is the platform's time, which
orders the minutes), `end` stores the platform time it was said, and a record said before a meeting's end
that is handled within `late_line_seconds` of that end still joins the meeting; the minutes are then posted
again, amended, once for all the late lines: when the window closes (`amended`). Later than that a line
stands alone in the channel, as before. This keeps minutes immediate (nobody waits a grace window for them)
at the cost of a second post in the rare late case.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import command_types as c
from bot import followup, jobs, meetbot, views
from bot.errors import Conflict, NotFound, ParseError
from bot.i18n import t
from bot.locale import language_of
from bot.messages import Button, Outcome, OutMessage, RefSpec, Section, Target
from bot.service import guard, meetings
from bot.service.context import Ctx
from bot.timeparse import format_date
from store import repo
from store.models import ActionItem, Decision, Meeting, Note, OpenQuestion, Participant, User

CLOSED_STATUSES = ("done", "cancelled")


def recording(ctx: Ctx) -> Meeting | None:
    """The meeting a record said here joins: the running one, else one that ended after this was said, no
    longer than the grace ago (the module docstring says why)."""
    meeting = guard.running_meeting(ctx)
    if meeting is not None or ctx.inbound.is_direct or ctx.inbound.said_at is None:
        return meeting
    grace = timedelta(seconds=ctx.settings.late_line_seconds)
    ended = repo.ended_since(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.now - grace)
    if ended is None or ended.ended_at is None or ctx.said_at >= ended.ended_at or not guard.may_see(ctx, ended):
        return None
    return ended


def amended(ctx: Ctx, meeting: Meeting | None, outcome: Outcome) -> Outcome:
    """A late record joined an ended meeting: its minutes go out again, with it, once the late lines' window
    closes (`ended_at` + the grace: no later line can join then). Each late line rewrites that one waiting
    post through the outbox, so a burst of late lines amends the minutes once, with all of them."""
    if meeting is None or meeting.status != "ended" or meeting.ended_at is None:
        return outcome
    assert meeting.id is not None
    ctx.session.flush()
    view = views.load(ctx.session, meeting)
    record = views.load_record(ctx.session, meeting)
    note = announce(ctx, meeting, ctx.t("minutes.amended", number=meeting.number))
    minutes = meetings.minutes_messages(ctx, view, record, "#" + ctx.inbound.channel)
    window_closes = meeting.ended_at + timedelta(seconds=ctx.settings.late_line_seconds)
    jobs.replace_pending(ctx.session, ctx.workspace_id, ctx.inbound.platform, [note, *minutes], ctx.now,
                         due_at=window_closes, key=f"minutes-amended:{meeting.id}:", meeting_id=meeting.id)
    return outcome


def announce(ctx: Ctx, meeting: Meeting | None, text: str, **extra: Any) -> OutMessage:
    """What was recorded, said where it belongs: in the channel, or for a confidential meeting only to the
    one who typed it (its participants read it in the minutes, privately)."""
    if meeting is not None and meeting.confidential:
        return ctx.reply(text, **extra)
    return ctx.post(text, **extra)


def announce_item(ctx: Ctx, item: ActionItem, text: str) -> OutMessage:
    return announce(ctx, followup.meeting_of(ctx.session, item), text)


def next_seq(ctx: Ctx, meeting: Meeting | None) -> int:
    if meeting is None:
        return 0
    locked = repo.lock_meeting(ctx.session, meeting)
    locked.record_seq += 1
    return locked.record_seq


def require_running(ctx: Ctx) -> Meeting:
    meeting = guard.running_meeting(ctx)
    if meeting is None:
        raise Conflict("error.none_running", "example.start")
    return meeting


def require_editor(ctx: Ctx, meeting: Meeting) -> None:
    guard.ensure_can_edit(ctx, views.load(ctx.session, meeting))


def add_action(ctx: Ctx, cmd: c.AddAction) -> Outcome:
    """One item per owner named (an item has a single owner), and a reply that says it was split."""
    meeting = recording(ctx)
    outcome = Outcome([])
    items: list[ActionItem] = []
    for who in (cmd.owner, *cmd.co_owners):
        item, messages = _add_one(ctx, cmd, who, meeting)
        items.append(item)
        outcome.messages.extend(messages)
    if len(items) > 1:
        numbers = ctx.t("punct.list").join(f"#{item.number}" for item in items)
        outcome.messages.append(ctx.reply(ctx.t("action.split", count=len(items), numbers=numbers)))
    if cmd.due_assumed:
        outcome.messages.append(ctx.assumed_note(cmd.due_assumed))
    return amended(ctx, meeting, outcome)


def _add_one(
    ctx: Ctx, cmd: c.AddAction, who: c.Mention | None, meeting: Meeting | None
) -> tuple[ActionItem, list[OutMessage]]:
    owner: User | None
    if who is not None:
        owner = ctx.resolve(who)
    elif meeting is not None:
        owner = owner_by_name(ctx, meeting, cmd.text)
    else:
        raise ParseError("error.missing_owner", "example.action")
    item = ActionItem(
        workspace_id=ctx.workspace_id,
        number=repo.allocate_action_number(ctx.session, ctx.workspace_id),
        channel_id=ctx.inbound.channel,
        meeting_id=meeting.id if meeting else None,
        seq=next_seq(ctx, meeting),
        text=cmd.text,
        owner_id=owner.id if owner else None,
        creator_id=ctx.user_id,
        due_on=cmd.due,
        original_due_on=cmd.due,
        deliverable=cmd.deliverable,
        created_at=ctx.said_at,
    )
    ctx.session.add(item)
    ctx.session.flush()
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "created", new_value=item.text)
    if owner is not None and owner.id == ctx.user_id:
        item.acknowledged_at = ctx.now  # taking on your own item needs no confirmation
    followup.remember_channel(ctx.session, ctx.workspace_id, ctx.inbound.channel, ctx.tz, ctx.lang, ctx.now)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    followup.ensure_digest(ctx.session, ctx.settings, ctx.workspace_id, ctx.inbound.channel, ctx.now)
    line = views.action_line(item, owner, ctx.lang)
    notify = (owner.platform_user_id,) if owner is not None and owner.id != ctx.user_id else ()
    messages = [announce(ctx, meeting, ctx.t("action.recorded", line=line), mentions=notify)]
    if item.due_on is None:
        messages.append(ctx.reply(ctx.t("warn.no_due", number=item.number)))
    if owner is not None and owner.id != ctx.user_id:
        messages.append(assignment(ctx, item, owner, meeting))
    return item, messages


def owner_by_name(ctx: Ctx, meeting: Meeting, text: str) -> User | None:
    """MeetBot's rule: the first participant whose name stands in the text as a whole word."""
    assert meeting.id is not None
    people = {u.display_name: u for _p, u in repo.participants(ctx.session, meeting.id)}
    named = meetbot.owners_in(text, list(people))
    first = min(named, key=lambda name: text.lower().find(name.lower()), default=None)
    return people[first] if first else None


def assignment(ctx: Ctx, item: ActionItem, owner: User, meeting: Meeting | None) -> OutMessage:
    """The owner's private note about a new item; replying "done" to it closes the item."""
    lang = language_of(owner, ctx.settings, ctx.lang)
    origin = t(lang, "assign.from_meeting", title=meeting.title) if meeting else t(lang, "assign.from_channel")
    return OutMessage(lang=lang,
        target=Target(kind="direct", user=owner.platform_user_id),
        title=t(lang, "assign.title", number=item.number),
        text=t(lang, "assign.text", who=ctx.user.display_name, origin=origin,
               line=views.action_line(item, owner, lang, with_owner=False)),
        buttons=(
            Button(t(lang, "button.accept_item"), f"accept {item.number}", "primary"),
            Button(t(lang, "button.cant"), f"decline {item.number}", "danger"),
            Button(t(lang, "button.done"), f"done {item.number}"),
        ),
        context=t(lang, "assign.hint", number=item.number),
        ref=RefSpec("assignment", ctx.workspace_id, action_item_id=item.id, recipient_id=owner.id),
    )


def add_decision(ctx: Ctx, cmd: c.AddDecision) -> Outcome:
    meeting = recording(ctx)
    if meeting is not None:
        require_editor(ctx, meeting)
    decision = Decision(
        workspace_id=ctx.workspace_id,
        channel_id=ctx.inbound.channel,
        meeting_id=meeting.id if meeting else None,
        seq=next_seq(ctx, meeting),
        text=cmd.text,
        rationale=cmd.rationale,
        verdict=cmd.verdict,
        author_id=ctx.user_id,
        created_at=ctx.said_at,
    )
    ctx.session.add(decision)
    ctx.session.flush()
    because = views.decision_suffix(decision, ctx.lang)
    hint = None
    if meeting is not None:  # its number in the minutes, which `verdict` names it by
        assert meeting.id is not None
        ref = f"{meeting.number}.{len(repo.records(ctx.session, Decision, meeting.id))}"
        hint = ctx.t("decision.hint", ref=ref)
    said = ctx.t("decision.recorded", text=cmd.text, because=because)
    return amended(ctx, meeting, Outcome([announce(ctx, meeting, said, context=hint)]))


def add_question(ctx: Ctx, cmd: c.AddQuestion) -> Outcome:
    meeting = recording(ctx)
    owner = ctx.resolve(cmd.owner) if cmd.owner else None
    question = OpenQuestion(
            workspace_id=ctx.workspace_id,
            channel_id=ctx.inbound.channel,
            meeting_id=meeting.id if meeting else None,
            seq=next_seq(ctx, meeting),
            text=cmd.text,
            owner_id=owner.id if owner else None,
            follow_up_on=cmd.due,
            author_id=ctx.user_id,
            created_at=ctx.said_at,
    )
    ctx.session.add(question)
    ctx.session.flush()
    followup.replan_question(ctx.session, ctx.settings, question, ctx.now)
    extra = f" · @{owner.display_name}" if owner else ""
    if cmd.due:
        extra += " · " + ctx.t("action.due", date=format_date(cmd.due, ctx.lang))
    outcome = Outcome([announce(ctx, meeting, ctx.t("question.recorded", text=cmd.text, extra=extra))])
    if cmd.due_assumed:
        outcome.messages.append(ctx.assumed_note(cmd.due_assumed))
    return amended(ctx, meeting, outcome)


def add_note(ctx: Ctx, kind: str, text: str) -> Outcome:
    meeting = recording(ctx)
    if meeting is None:
        raise Conflict("error.none_running", "example.start")
    if kind == "topic":
        require_editor(ctx, meeting)
    assert meeting.id is not None
    ctx.session.add(
        Note(meeting_id=meeting.id, seq=next_seq(ctx, meeting), kind=kind, text=text, author_id=ctx.user_id,
             created_at=ctx.said_at)
    )
    if kind == "topic":
        return amended(ctx, meeting, Outcome([announce(ctx, meeting, ctx.t("topic.set", text=text))]))
    return amended(ctx, meeting, Outcome())  # MeetBot stays quiet on #info / #idea / #link; the minutes show them


def add_chairs(ctx: Ctx, cmd: c.AddChairs) -> Outcome:
    meeting = require_running(ctx)
    require_editor(ctx, meeting)
    assert meeting.id is not None
    for mention in cmd.who:
        user = ctx.resolve(mention)
        assert user.id is not None
        p = repo.participant(ctx.session, meeting.id, user.id)
        if p is None:
            p = Participant(meeting_id=meeting.id, user_id=user.id, role="optional")
            ctx.session.add(p)
        p.is_chair = True
    ctx.session.flush()
    current = [u for p, u in repo.participants(ctx.session, meeting.id) if p.is_chair or p.role == "host"]
    return Outcome([announce(ctx, meeting, ctx.t("chair.current", names=views.names(current, ctx.lang)))])


def undo(ctx: Ctx) -> Outcome:
    meeting = require_running(ctx)
    require_editor(ctx, meeting)
    assert meeting.id is not None
    row = repo.last_record(ctx.session, meeting.id)
    if row is None:
        raise Conflict("error.nothing_to_undo")
    row.removed_at = ctx.now
    kind = row.kind if isinstance(row, Note) else type(row).__name__.lower()
    outcome = Outcome([announce(ctx, meeting, ctx.t("undo.done", kind=ctx.t("kind." + kind), text=row.text))])
    if isinstance(row, ActionItem):
        previous = row.status
        row.status = "cancelled"
        repo.add_action_event(ctx.session, row, ctx.now, ctx.user_id, "removed", previous, "cancelled", "#undo")
        owner = ctx.session.get(User, row.owner_id) if row.owner_id else None
        if owner is not None and owner.id != ctx.user_id:
            lang = language_of(owner, ctx.settings, ctx.lang)
            outcome.messages.append(
                OutMessage(lang=lang,
                    target=Target(kind="direct", user=owner.platform_user_id),
                    text=t(lang, "assign.withdrawn", number=row.number, text=row.text, who=ctx.user.display_name),
                )
            )
    return outcome


def target_item(ctx: Ctx, number: int | None) -> ActionItem:
    """The action item a number names, or the one the replied-to message (or this private chat) is about."""
    if number is not None:
        item = repo.action_by_number(ctx.session, ctx.workspace_id, number)
        if item is None or not guard.may_see_item(ctx, item):
            raise NotFound("error.no_action", "example.mine", number=number)
        return item
    if ctx.inbound.reply_to is not None:
        ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to)
        if ref is not None and ref.action_item_id is not None:
            found = ctx.session.get(ActionItem, ref.action_item_id)
            if found is not None:
                return found
    if ctx.inbound.is_direct:
        newest = repo.newest_assigned_to(ctx.session, ctx.workspace_id, ctx.user_id)
        if newest is not None:
            return newest
    raise ParseError("error.which_action", "example.done")


def done(ctx: Ctx, cmd: c.Done) -> Outcome:
    item = target_item(ctx, cmd.number)
    guard.ensure_can_close_item(ctx, item)
    if item.status in CLOSED_STATUSES:
        raise Conflict("error.action_closed", number=item.number, status=ctx.t("item_status." + item.status))
    previous = item.status
    item.status = "done"
    item.completed_at = ctx.now
    if cmd.note:
        item.deliverable = cmd.note if not item.deliverable else f"{item.deliverable} — {cmd.note}"
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "status", previous, "done", cmd.note)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    outcome = Outcome([announce_item(ctx, item, ctx.t("done.recorded", number=item.number, text=item.text))])
    outcome.acknowledge = ctx.inbound.message_id
    verifier = followup.requester(ctx.session, item)
    if verifier is not None and verifier.id != ctx.user_id:
        lang = language_of(verifier, ctx.settings, ctx.lang)
        outcome.messages.append(
            OutMessage(lang=lang,
                target=Target(kind="direct", user=verifier.platform_user_id),
                title=t(lang, "verify.title", number=item.number),
                text=t(lang, "verify.text", who=ctx.user.display_name, number=item.number, text=item.text,
                       deliverable=item.deliverable or t(lang, "minutes.none")),
                buttons=(
                    Button(t(lang, "button.verify"), f"verify {item.number}", "primary"),
                    Button(t(lang, "button.reopen"), f"reopen {item.number}", "danger"),
                ),
                context=t(lang, "verify.hint"),
                ref=RefSpec("verify_request", ctx.workspace_id, action_item_id=item.id, recipient_id=verifier.id),
            )
        )
    return outcome


def set_status(ctx: Ctx, cmd: c.SetStatus) -> Outcome:
    item = target_item(ctx, cmd.number)
    guard.ensure_can_close_item(ctx, item)
    if item.status in CLOSED_STATUSES:
        raise Conflict("error.action_closed", number=item.number, status=ctx.t("item_status." + item.status))
    if cmd.status == "delay":
        old = item.due_on
        if cmd.delay_by is not None:  # "delay 2 days": from the date it was due, not from today
            if old is None:
                raise Conflict("error.delay_without_due", number=item.number)
            item.due_on = old + cmd.delay_by
        else:
            assert cmd.due is not None
            item.due_on = cmd.due
        repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "due", str(old), str(item.due_on))
        text = ctx.t("action.delayed", number=item.number, date=format_date(item.due_on, ctx.lang))
    else:
        previous = item.status
        item.status = cmd.status
        item.blocked_reason = cmd.reason if cmd.status == "blocked" else None
        repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "status", previous, cmd.status, cmd.reason)
        text = ctx.t("action.status_changed", number=item.number, status=ctx.t("item_status." + cmd.status))
        if cmd.reason:
            text += f" — {cmd.reason}"
    item.acknowledged_at = item.acknowledged_at or ctx.now  # answering about it is taking it on
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    outcome = Outcome([announce_item(ctx, item, text)])
    outcome.acknowledge = ctx.inbound.message_id
    if cmd.status in ("blocked", "delay"):
        outcome.messages.extend(tell_requester(ctx, item, text))
    return outcome


def tell_requester(ctx: Ctx, item: ActionItem, news: str) -> list[OutMessage]:
    """The host / creator hears about blocks, delays and refusals privately (unless they did it)."""
    who = followup.requester(ctx.session, item)
    if who is None or who.id == ctx.user_id:
        return []
    lang = language_of(who, ctx.settings, ctx.lang)
    return [
        OutMessage(lang=lang,
            target=Target(kind="direct", user=who.platform_user_id),
            text=t(lang, "notice.from_owner", who=ctx.user.display_name, number=item.number, text=item.text),
            sections=(Section(None, (news,)),),
        )
    ]


def accept(ctx: Ctx, cmd: c.AcceptItem) -> Outcome:
    item = open_item(ctx, cmd.number)
    guard.ensure_item_owner(ctx, item)
    item.acknowledged_at = ctx.now
    item.declined_reason = None
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "accepted")
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    outcome = Outcome([ctx.reply(ctx.t("accept.done", number=item.number, text=item.text))])
    outcome.acknowledge = ctx.inbound.message_id
    return outcome


def decline(ctx: Ctx, cmd: c.DeclineItem) -> Outcome:
    item = open_item(ctx, cmd.number)
    guard.ensure_item_owner(ctx, item)
    if not cmd.reason:
        raise ParseError("error.decline_reason", "example.decline", number=item.number)
    item.declined_reason = cmd.reason
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "declined", note=cmd.reason)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    news = ctx.t("decline.news", number=item.number, reason=cmd.reason)
    outcome = Outcome([ctx.reply(ctx.t("decline.done", number=item.number)), *tell_requester(ctx, item, news)])
    outcome.acknowledge = ctx.inbound.message_id
    return outcome


def verify(ctx: Ctx, cmd: c.VerifyItem) -> Outcome:
    item = target_item(ctx, cmd.number)
    guard.ensure_item_requester(ctx, item)
    if item.status != "done":
        raise Conflict("error.not_done", number=item.number)
    item.verified_at = ctx.now
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "verified")
    outcome = Outcome([ctx.reply(ctx.t("verify.done", number=item.number))])
    outcome.messages.extend(tell_owner(ctx, item, "verify.owner_news"))
    outcome.acknowledge = ctx.inbound.message_id
    return outcome


def reopen(ctx: Ctx, cmd: c.ReopenItem) -> Outcome:
    item = target_item(ctx, cmd.number)
    guard.ensure_item_requester(ctx, item)
    if item.status != "done":
        raise Conflict("error.not_done", number=item.number)
    if not cmd.reason:
        raise ParseError("error.reopen_reason", "example.reopen", number=item.number)
    item.status, item.completed_at, item.verified_at = "open", None, None
    repo.add_action_event(ctx.session, item, ctx.now, ctx.user_id, "status", "done", "open", cmd.reason)
    followup.replan_item(ctx.session, ctx.settings, item, ctx.now)
    outcome = Outcome([ctx.reply(ctx.t("reopen.done", number=item.number))])
    outcome.messages.extend(tell_owner(ctx, item, "reopen.owner_news", reason=cmd.reason))
    outcome.acknowledge = ctx.inbound.message_id
    return outcome


def tell_owner(ctx: Ctx, item: ActionItem, key: str, **params: object) -> list[OutMessage]:
    owner = ctx.session.get(User, item.owner_id) if item.owner_id else None
    if owner is None or owner.id == ctx.user_id:
        return []
    lang = language_of(owner, ctx.settings, ctx.lang)
    return [
        OutMessage(lang=lang,
            target=Target(kind="direct", user=owner.platform_user_id),
            text=t(lang, key, who=ctx.user.display_name, number=item.number, text=item.text, **params),
            ref=RefSpec("reminder", ctx.workspace_id, action_item_id=item.id, recipient_id=owner.id),
        )
    ]


def open_item(ctx: Ctx, number: int | None) -> ActionItem:
    item = target_item(ctx, number)
    if item.status in CLOSED_STATUSES:
        raise Conflict("error.action_closed", number=item.number, status=ctx.t("item_status." + item.status))
    return item


def resolve_question(ctx: Ctx, cmd: c.ResolveQuestion) -> Outcome:
    ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to) if ctx.inbound.reply_to else None
    question = ctx.session.get(OpenQuestion, ref.question_id) if ref is not None and ref.question_id else None
    if question is None:
        raise ParseError("error.which_question", "example.help")
    guard.ensure_may_resolve(ctx, question)
    question.resolved_at = ctx.now
    question.answer = cmd.answer
    followup.replan_question(ctx.session, ctx.settings, question, ctx.now)
    outcome = Outcome([ctx.reply(ctx.t("question.resolved", text=question.text))])
    outcome.acknowledge = ctx.inbound.message_id
    return outcome
