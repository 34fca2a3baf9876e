"""The one entry point into the core for every inbound event: `handle(session, settings, inbound, now)`.

It decides what the event means (a typed command, a MeetBot line, a click, a reaction on a prompt, a reply
to a reminder), turns it into Commands with the shared grammar, and dispatches each to its use case. A
`UserError` anywhere rolls the whole event back and becomes one friendly reply with an example, so a
message is either fully recorded or not at all.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot import command_types as c
from bot.access import Directory
from bot.config import Settings
from bot.errors import RateLimited, UserError
from bot.events import Inbound, Person
from bot.grammar.parse import MessageContext, parse_command, parse_message
from bot.i18n import t
from bot.limits import RateLimiter, Verdict, check_command_count, clean_inbound
from bot.messages import Outcome, OutMessage
from bot.service import board, guard, meetings, sense
from bot.service.commands import COMMANDS, replied_meeting_number
from bot.service.context import Ctx, build_context
from store import repo
from store.models import Meeting

log = logging.getLogger(__name__)

CHECK_IN_REACTIONS = frozenset({"here", "yes"})  # on the check-in prompt a ✅ says "here" as well as 🙋


def handle(
    session: Session, settings: Settings, inbound: Inbound, now: datetime, directory: Directory | None = None,
    limiter: RateLimiter | None = None,
) -> Outcome:
    """`limiter`, when given, bounds how fast one person's commands are taken (see `bot.limits`)."""
    inbound = clean_inbound(inbound)  # NUL bytes and lone surrogates never reach the database
    ctx = build_context(session, settings, inbound, now, directory)
    if inbound.event_id is not None and not repo.first_delivery(session, ctx.workspace_id, inbound.event_id, now):
        return Outcome()  # a redelivery of an event already handled (and committed with its effects)
    try:
        guard.record_writer(ctx)
        commands = interpret(ctx)
        check_command_count(len(commands))
        verdict = limiter.take(inbound, now, len(commands)) if commands and limiter else Verdict.ALLOWED
        if verdict is Verdict.SILENT:  # told to slow down already: no reply feeds a flood
            session.rollback()
            return Outcome()
        if verdict is Verdict.WARN:
            raise RateLimited()
        outcome = Outcome()
        for command in commands:
            outcome.extend(dispatch(ctx, command))
        return outcome
    except UserError as error:
        session.rollback()
        text = t(ctx.lang, error.key, **error.params)
        if error.example_key:
            text += "\n" + t(ctx.lang, "error.for_example", example=t(ctx.lang, error.example_key))
        return Outcome([ctx.reply("⚠️ " + text)])


def home(session: Session, settings: Settings, platform: str, workspace: str, user: Person,
         now: datetime) -> OutMessage:
    """A person's own page: what `mine` tells them, as one message for a platform's home tab."""
    inbound = Inbound(kind="command", platform=platform, workspace=workspace, channel="", user=user, is_direct=True)
    ctx = build_context(session, settings, inbound, now)
    (view,) = meetings.mine(ctx).messages
    return board.my_tasks(ctx, view)


def interpret(ctx: Ctx) -> list[c.Command]:
    inbound = ctx.inbound
    if inbound.kind in ("command", "button"):
        return [inbound.command or parse_command(inbound.text, now=ctx.now, tz=ctx.tz, registry=COMMANDS)]
    if inbound.kind == "reaction":
        return reaction_command(ctx)
    answer = sense.typed_answer(ctx)  # "yes" / "确认" to a warning that waits for this person here
    if answer is not None:
        return [answer]
    context: MessageContext
    if inbound.reply_to is not None and repo.message_ref(ctx.session, ctx.workspace_id, inbound.reply_to):
        context = "reply"
    elif inbound.is_direct or inbound.addressed:
        context = "direct"
    else:
        context = "channel"
    said = parse_message(inbound.text, now=ctx.now, tz=ctx.tz, context=context, registry=COMMANDS)
    commands = [for_target(ctx, command) for command in said]
    if not commands and inbound.is_direct and context == "reply":
        commands = survey_reply(ctx) or rsvp_with_note(ctx)
    if not commands and inbound.addressed:  # "@Quorum 到" in the meeting's group is a check-in
        commands = parse_message(inbound.text, now=ctx.now, tz=ctx.tz, context="channel", registry=COMMANDS)
    if not commands and (inbound.is_direct or inbound.addressed):  # silence would leave the person guessing
        raise UserError("error.dm_not_understood", reply_example(ctx))
    running = None if inbound.is_direct else guard.running_meeting(ctx)
    if running is not None:  # a line said (MeetBot's "People present"), not attendance: that is checking in
        meetings.spoke(ctx, running)
    return commands


def for_target(ctx: Ctx, command: c.Command) -> c.Command:
    """Short replies mean what fits the message they answer: "ok" to an invitation is a yes, to a finished
    item's sign-off request an approval, to a new action item taking it on."""
    ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to) if ctx.inbound.reply_to else None
    kind = ref.kind if ref is not None else None
    match command:
        case c.AcceptItem(number=None) if kind in ("invitation", "rsvp_prompt"):
            return c.Rsvp(None, "yes")
        case c.AcceptItem(number=None) | c.Rsvp(number=None, answer="yes") if kind == "verify_request":
            return c.VerifyItem()
        case c.Rsvp(number=None, answer="yes") if kind in ("assignment", "reminder"):
            return c.AcceptItem()
    return command


def rsvp_with_note(ctx: Ctx) -> list[c.Command]:
    """A private reply to an invitation that starts with an answer ("no, travelling") is that answer.

    Only in private chats: in a channel thread, "no problem, thanks" is chat, not a refusal.
    """
    number = replied_meeting_number(ctx)
    if number is None:
        return []
    try:
        command = parse_command(f"rsvp {number} {ctx.inbound.text}", now=ctx.now, tz=ctx.tz, registry=COMMANDS)
    except UserError:
        return []
    return [command]


def survey_reply(ctx: Ctx) -> list[c.Command]:
    """A private reply to the survey that starts with a score ("4 too long", "4 时间太长") is that answer;
    a wrong score gets rate's own error and example rather than "not understood"."""
    ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to) if ctx.inbound.reply_to else None
    number = replied_meeting_number(ctx) if ref is not None and ref.kind == "survey" else None
    if number is None:
        return []
    return [parse_command(f"rate {number} {ctx.inbound.text}", now=ctx.now, tz=ctx.tz, registry=COMMANDS)]


def reply_example(ctx: Ctx) -> str:
    """The example that fits what the person replied to: an invitation wants an answer, an item a status."""
    ref = repo.message_ref(ctx.session, ctx.workspace_id, ctx.inbound.reply_to) if ctx.inbound.reply_to else None
    if ref is not None and ref.kind in ("invitation", "rsvp_prompt"):
        return "example.reply_rsvp"
    if ref is not None and ref.action_item_id is not None:
        return "example.reply_action"
    return "example.help"


def reaction_command(ctx: Ctx) -> list[c.Command]:
    """A reaction means something only on a prompt we posted: RSVP prompts, invitations, check-in."""
    inbound = ctx.inbound
    ref = repo.message_ref(ctx.session, ctx.workspace_id, inbound.message_id or "")
    if ref is None or ref.meeting_id is None:
        return []
    meeting = ctx.session.get(Meeting, ref.meeting_id)
    if meeting is None:
        return []
    if ref.kind == "checkin_prompt":
        return [c.CheckIn(meeting.number)] if inbound.reaction in CHECK_IN_REACTIONS and not inbound.removed else []
    if ref.kind not in ("rsvp_prompt", "invitation"):
        return []
    if inbound.reaction is None or inbound.reaction == "here":
        return []
    answer: c.RsvpAnswer = inbound.reaction
    if inbound.removed:
        return [c.Rsvp(meeting.number, "withdraw")] if withdraws(ctx, meeting, answer) else []
    return [c.Rsvp(meeting.number, answer)]


def withdraws(ctx: Ctx, meeting: Meeting, answer: str) -> bool:
    """Taking back a reaction withdraws the answer only if it is still the current one."""
    assert meeting.id is not None
    p = repo.participant(ctx.session, meeting.id, ctx.user_id)
    return p is not None and p.rsvp == answer


def dispatch(ctx: Ctx, command: c.Command) -> Outcome:
    """Run the use case registered for the command (see `bot.service.commands`)."""
    ctx.said = command  # a warning before a meeting is made or moved keeps this whole, for the yes
    return COMMANDS.for_command(command).handle(ctx, command)
