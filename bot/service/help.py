"""`help`: every command with a working example, in the reader's language."""

from __future__ import annotations

from bot.messages import OutMessage, Section
from bot.service.context import Ctx

TOPICS = {
    "meetings": (
        "new", "list", "show", "rsvp", "reschedule", "cancel", "start", "here", "next", "end", "rate", "ack", "acks",
        "object", "amend", "mine",
    ),
    "records": ("action", "decision", "question", "done", "status", "meetbot"),
    "followup": ("accept", "decline", "verify", "reopen", "config"),
    "review": ("report", "export", "find"),
}


def help_message(ctx: Ctx, topic: str | None) -> OutMessage:
    wanted = [name for name in TOPICS if topic is None or topic.lower() in (name, ctx.t(f"help.topic.{name}"))]
    sections = tuple(
        Section(ctx.t(f"help.topic.{name}.heading"), tuple(ctx.t(f"help.{entry}") for entry in TOPICS[name]))
        for name in wanted or TOPICS
    )
    return ctx.reply(ctx.t("help.intro"), title=ctx.t("help.title"), sections=sections)
