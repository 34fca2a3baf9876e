"""A person's own choice of language and timezone, kept apart from what their platform says.

`repo.upsert_user` copies the platform's profile (Slack's locale and tz, the console's `:user`) onto the
user at every event; a value the person chose with `/meeting me` carries a flag so that copy leaves it alone.
Choosing None ("auto") drops the flag and the value, and the platform's profile fills it again.
`chosen` is what an adapter asks before any event (the Slack form reads its times in the person's zone).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import User, Workspace


def choose_language(user: User, language: str | None) -> None:
    user.language = language
    user.language_chosen = language is not None


def choose_timezone(user: User, timezone: str | None) -> None:
    user.timezone = timezone
    user.timezone_chosen = timezone is not None


def chosen(session: Session, platform: str, workspace: str, platform_user_id: str) -> tuple[str | None, str | None]:
    """The language and timezone this person chose themselves (None for each they did not choose)."""
    user = session.exec(
        select(User)
        .join(Workspace, col(Workspace.id) == col(User.workspace_id))
        .where(Workspace.platform == platform, Workspace.external_id == workspace,
               User.platform_user_id == platform_user_id)
    ).first()
    if user is None:
        return None, None
    return (user.language if user.language_chosen else None, user.timezone if user.timezone_chosen else None)
