"""Install anywhere: Slack's OAuth install (Bolt's flow) with slack_sdk's SQLAlchemy stores on Quorum's database.

Why this shape:
- Bolt's `AsyncOAuthFlow` serves `/slack/install` (a page with the "Add to Slack" link, and a state cookie) and
  `/slack/oauth_redirect` (checks the state, exchanges the code with `oauth.v2.access`, stores the bot token).
  Nothing of that is ours to rewrite; what is ours is where the tokens live: the same database as everything
  else (`DATABASE_URL`), through slack_sdk's `SQLAlchemyInstallationStore` and `SQLAlchemyOAuthStateStore`,
  whose tables the Alembic migrations build (`store/models.py`), so `quorum slack` on a fresh database works.
- Quorum's engine is synchronous (SQLite or PostgreSQL through psycopg) and Bolt's `AsyncApp` wants async
  stores: the two classes below give slack_sdk's synchronous stores the async face, each call in a worker
  thread, rather than a second, async engine on the same database.
- Bolt answers each event with the token of the team it came from (its authorize step reads `find_bot`); the
  outbox posts later, from the ticker, so `SlackAdapter` asks `bot_token(team)` for each message's team.
- `tokens_revoked` / `app_uninstalled` delete the team's tokens (Bolt's built-in listeners over this store);
  the team's meetings and records stay, under the retention rule of `store/retention.py` (`quorum purge`).
- A bad, forged or expired state on the redirect gets a page saying so and where to start again, not a crash.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.config import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install link is good for ten minutes, once
BOT_SCOPES = (
    "commands", "chat:write", "chat:write.public", "channels:history", "groups:history", "im:history", "im:write",
    "reactions:read", "reactions:write", "users:read", "channels:read", "groups:read", "im:read", "mpim:read",
    "files:write",
)
"""What the bot asks for when installed; the same list as `slack/manifest.json` (a test keeps them equal)."""


class Installations(SQLAlchemyInstallationStore, AsyncInstallationStore):
    """slack_sdk's SQLAlchemy installation store on Quorum's engine, also as the async store Bolt's AsyncApp uses."""

    def __init__(self, client_id: str, engine: Engine) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=log)

    def bot_token(self, team_id: str) -> str | None:
        """The newest bot token of a workspace install of `team_id`, or None (never installed, or uninstalled)."""
        bot = self.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.save_bot, bot)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        return await asyncio.to_thread(self.find_bot, enterprise_id=enterprise_id, team_id=team_id,
                                       is_enterprise_install=is_enterprise_install)

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        return await asyncio.to_thread(self.find_installation, enterprise_id=enterprise_id, team_id=team_id,
                                       user_id=user_id, is_enterprise_install=is_enterprise_install)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        await asyncio.to_thread(self.delete_installation, enterprise_id=enterprise_id, team_id=team_id,
                                user_id=user_id)


class OAuthStates(SQLAlchemyOAuthStateStore, AsyncOAuthStateStore):
    """slack_sdk's SQLAlchemy state store (one row per install link, consumed once), with the async face."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(expiration_seconds=STATE_SECONDS, engine=engine, logger=log)

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.issue)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.consume, state)


def oauth_settings(settings: Settings, installations: Installations, engine: Engine) -> AsyncOAuthSettings:
    """Bolt's OAuth settings for `settings` (which must be in OAuth mode: `Settings.slack_oauth`)."""
    assert settings.slack_client_id and settings.slack_client_secret is not None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=OAuthStates(engine),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=installed_page, failure=failed_page),
        logger=log,
    )


FAILURES = {
    "invalid_browser": "This install was not started in this browser (its cookie is missing or does not match).",
    "invalid_state": "This install link has expired, was already used, or was not issued by this Quorum.",
    "missing_code": "Slack did not send an authorization code.",
    "invalid_code": "Slack did not accept the authorization code (it may have been used already).",
    "storage_error": "The installation could not be saved; please try again in a moment.",
    "access_denied": "The installation was cancelled.",
}


async def installed_page(args: AsyncSuccessArgs) -> BoltResponse:
    team = args.installation.team_name or args.installation.team_id or "your workspace"
    log.warning("installed in %s (%s)", args.installation.team_id, args.installation.team_name)
    return page(200, "Quorum is installed",
                f"Quorum is now in {html.escape(team)}. Type <code>/meeting help</code> in Slack.")


async def failed_page(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("install failed: %s", args.reason)
    reason = FAILURES.get(args.reason, "Slack reported: " + args.reason)
    return page(args.suggested_status_code, "Quorum was not installed",
                f"{html.escape(reason)} <a href=\"{INSTALL_PATH}\">Start the install again</a>.")


def page(status: int, title: str, body: str) -> BoltResponse:
    text = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body style=\"font-family: sans-serif; margin: 2em\"><h1>{title}</h1><p>{body}</p></body></html>")
    return BoltResponse(status=status, body=text, headers={"Content-Type": "text/html; charset=utf-8"})
