"""`confirm`: the answer to a warning from `bot.service.sense` — go ahead with the new meeting, the move or
the early start it held back, or drop it.

Only the person who asked may answer (`bot.access.can_answer_request`); anyone else who clicks the button is
told whose it is. The held command runs as its asker said it, in the conversation and language it was said
in, through its own use case again (`run`: the registry's dispatch), with `Ctx.confirmed` set so that
`create` / `reschedule` do not ask again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot import command_types as c
from bot.errors import NotFound
from bot.locale import as_lang
from bot.messages import Outcome
from bot.service import guard, sense
from bot.service.context import Ctx
from bot.timeparse import format_when
from store import scheduling
from store.models import SchedulingRequest, User

Run = Callable[[Ctx, c.Command], Outcome]
DROPPED = {"reschedule": "sense.dropped_move", "start": "sense.dropped_start"}  # what a no leaves as it was


def confirm(ctx: Ctx, cmd: c.ConfirmRequest, run: Run) -> Outcome:
    request = _request(ctx, cmd.number)
    asker = ctx.session.get(User, request.requester_id)
    assert asker is not None
    guard.ensure_requester(ctx, asker)
    if request.status != "pending":
        return Outcome([ctx.reply(ctx.t("sense.already", number=request.id,
                                        status=ctx.t("sense.status." + request.status)))])
    if request.expires_at <= ctx.now:
        request.status = "expired"
        when = format_when(request.expires_at.astimezone(ctx.tz), ctx.tz, ctx.lang)
        return Outcome([ctx.reply("⚠️ " + ctx.t("sense.expired", number=request.id, when=when))])
    request.status = "confirmed" if cmd.go else "declined"
    request.decided_at = ctx.now
    command = sense.decode(request.command)
    if not cmd.go:
        what = (ctx.t("sense.dropped_new", title=command.title) if request.kind == "new"
                else ctx.t(DROPPED[request.kind], number=command.number))
        return Outcome([ctx.reply(what)])
    # as said: where and in which language it was asked (a click carries neither), not in any thread
    asked = replace(ctx, inbound=replace(ctx.inbound, channel=request.channel_id, is_direct=request.is_direct,
                                         reply_to=None), lang=as_lang(request.language), confirmed=True)
    return run(asked, command)


def _request(ctx: Ctx, number: int | None) -> SchedulingRequest:
    """Request #number, or (no number: a typed `confirm`) the speaker's newest one waiting here (in a private
    chat with the bot: anywhere)."""
    where = None if ctx.inbound.is_direct else ctx.inbound.channel
    found = (scheduling.request(ctx.session, ctx.workspace_id, number) if number is not None
             else scheduling.waiting_request(ctx.session, ctx.workspace_id, ctx.user_id, where, ctx.now))
    if found is None:
        raise NotFound("error.no_request", "example.confirm", number=number if number is not None else "")
    return found
