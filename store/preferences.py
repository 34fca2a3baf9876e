"""A person's own choice of language and timezone, kept apart from what their platform says.

`repo.upsert_user` copies the platform's profile (Slack's locale and tz, the console's `:user`) onto the
user at every event; a value the person chose with `/meeting me` carries a flag so that copy leaves it alone.
Choosing None ("auto") drops the flag and the value, and the platform's profile fills it again.
"""

from __future__ import annotations

from store.models import User


def choose_language(user: User, language: str | None) -> None:
    user.language = language
    user.language_chosen = language is not None


def choose_timezone(user: User, timezone: str | None) -> None:
    user.timezone = timezone
    user.timezone_chosen = timezone is not None
