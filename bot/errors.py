"""Every exception Quorum raises on purpose, in one tree, so adapters need one `except` per branch.

    QuorumError
    ├── UserError            the person typed something we can't act on: reply kindly, with an example
    │   ├── ParseError       the words don't fit the grammar (unknown subcommand, missing title, bad time)
    │   ├── NotFound         a meeting or action item number that doesn't exist in this workspace
    │   ├── NotAllowed       the person may not do this; the message says who can
    │   ├── Conflict         the thing is in the wrong state (meeting already ended, nothing to undo)
    │   └── RateLimited      the person sends commands faster than `bot.limits` allows: "slow down", once
    ├── ConfigError          the deployment is misconfigured (bad DATABASE_URL, unknown timezone)
    └── Undeliverable        a platform says a message can never reach its recipient (unknown staff id):
                             the reminder is marked failed, not retried, and the host is told

A `UserError` carries an i18n message key and its parameters, never finished text, so the same error reads
in Chinese or English depending on who caused it. Anything outside this tree is a bug: adapters and the
scheduler log it with context and keep running.
"""

from __future__ import annotations

from typing import Any


class QuorumError(Exception):
    """Root of every deliberate Quorum exception."""


class UserError(QuorumError):
    """A mistake by the person talking to the bot; `key` names the message in `bot.i18n` catalogs.

    `example_key` names an example command shown under the message (every bad input gets one).
    """

    default_example_key: str | None = "example.help"

    def __init__(self, key: str, example_key: str | None = None, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.example_key = example_key if example_key is not None else self.default_example_key
        self.params = params


class ParseError(UserError):
    """The text does not fit the grammar."""


class NotFound(UserError):
    """A number that names no meeting or action item in this workspace."""

    default_example_key = "example.list"


class NotAllowed(UserError):
    """The speaker lacks the role for this; `params['who']` says who may do it."""

    default_example_key = None


class Conflict(UserError):
    """The target is in a state where this makes no sense (e.g. ending a meeting that has ended)."""

    default_example_key = None


class RateLimited(UserError):
    """Too many commands from one person too quickly; no example helps, waiting does."""

    default_example_key = None

    def __init__(self) -> None:
        super().__init__("error.slow_down")


class ConfigError(QuorumError):
    """The deployment's settings are wrong; raised at start-up, never during a conversation."""


class Undeliverable(QuorumError):
    """Raised by an adapter's send when retrying cannot help (the platform knows no such person)."""
