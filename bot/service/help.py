"""`help`: every command with a working example, in the reader's language, built from the registry.

Each help topic lists, in registration order, the help line of every subcommand registered under it, so a
new subcommand appears in `help` by being registered; the topics' order comes from the registry, their
names and headings from the catalogs. (README's table is built the same way: `bot.service.readme`.)
"""

from __future__ import annotations

from bot.grammar.registry import Registry
from bot.messages import OutMessage, Section
from bot.service.context import Ctx


def help_message(ctx: Ctx, registry: Registry, topic: str | None) -> OutMessage:
    topics = registry.topics
    named = registry.named(topic) if topic else None  # `help plan` / `帮助 申报`: the topic the command is in
    wanted = [
        name for name in topics
        if topic is None or topic.lower() in (name, ctx.t(f"help.topic.{name}")) or (named and named.topic == name)
    ]
    sections = tuple(
        Section(
            ctx.t(f"help.topic.{name}.heading"),
            tuple(ctx.t(entry.help_key) for entry in registry.in_topic(name)),
        )
        for name in wanted or topics
    )
    return ctx.reply(ctx.t("help.intro"), title=ctx.t("help.title"), sections=sections)
