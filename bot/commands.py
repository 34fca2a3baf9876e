"""The grammar's entry points with the bot's own command table: chat text in, `Command`s out.

The grammar lives in `bot.grammar` (vocabulary, tokens, parsers, registry) and takes its registry as an
argument; this module binds the one in `bot.service.commands`, so adapters, tests and tools keep calling
`parse_command(text, now=…, tz=…)` / `parse_message(text, now=…, tz=…, context=…)` without caring where
commands are registered.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.command_types import Command
from bot.grammar import parse
from bot.grammar.parse import MessageContext
from bot.grammar.tokens import MAX_INPUT_CHARS
from bot.service.commands import COMMANDS

__all__ = ["MAX_INPUT_CHARS", "parse_command", "parse_message"]


def parse_command(text: str, *, now: datetime, tz: ZoneInfo) -> Command:
    """Parse the text of `/meeting ...` (with or without the `/meeting` / `会议` word) or a button value.

    Raises ParseError (key + example key) for anything Quorum cannot act on.
    """
    return parse.parse_command(text, now=now, tz=tz, registry=COMMANDS)


def parse_message(text: str, *, now: datetime, tz: ZoneInfo, context: MessageContext) -> list[Command]:
    """The commands in a plain chat message, in order; [] when it is just chat (see `bot.grammar.parse`)."""
    return parse.parse_message(text, now=now, tz=tz, context=context, registry=COMMANDS)
