"""Quorum on Slack: a Bolt `AsyncApp` whose listeners ack at once and hand the work to the core.

Why this shape:
- Slack wants an ack within 3 s. Every listener acks first; the core (database, then posts) runs after it
  (`SlackAdapter.work`), so a slow database or a rate-limited post never delays an ack and never blocks the
  event loop (measured: Bolt's sync `App` under ASGI blocked the loop at 89 req/s). `quorum slack` runs that
  work in worker processes (`adapters/workers.py`, `QUORUM_WORKER_PROCESSES`), each with its own
  `SlackAdapter`: in threads of the acking process it held the GIL the loop needed to write acks. Without
  workers (tests, an in-memory database) it runs in threads here. Each listener acks and returns, the rest in
  a task of its own (`after_ack`): Bolt then answers as the listener returns (`process_before_response`),
  where by default it polls every 10 ms for an ack from a listener still running. A request's signature is
  checked and its body parsed once (`QuorumRequestHandler`), not again by Bolt.
- Posting goes through one synchronous `WebClient` per workspace (`Team`), shared by listeners and the
  scheduler tick: with `SLACK_BOT_TOKEN` there is one; installed through OAuth (`adapters/slack/install.py`),
  each team's token comes from the database, and every message is posted with the token of the team it
  belongs to (the outbox names it in `Target.workspace`). Each has slack_sdk's retry handlers: a 429 waits
  `Retry-After` and tries again; a post that still fails raises, and
  the core keeps a scheduled reminder pending for a later tick.
- Redeliveries (HTTP retries with `X-Slack-Retry-Num`, Socket Mode `retry_attempt`) carry the same
  `event_id`; the core records it in the transaction of the event's effects, so a retry has no effect.
- HTTP mode runs Bolt's ASGI adapter on uvicorn. Bolt reads a form body containing the word "payload" as
  an interactive payload and loses the slash command (`/meeting new "payload review" …`); our handler
  re-reads such a body as the form it is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.clock import Clock, system_clock
from adapters.ordering import InOrder, Ticket
from adapters.slack import blocks, plan_form
from adapters.slack.directory import SlackDirectory
from adapters.slack.install import Installations, oauth_settings
from adapters.slack.translate import (
    PLATFORM,
    People,
    button_click,
    is_direct_channel,
    message_event,
    person_from_user_info,
    reaction_event,
    slash_command,
    split_key,
    team_of,
)
from adapters.workers import Note, NotingObserver, WorkerPool, observe
from bot.access import Conversation
from bot.command_types import NewMeeting, Plan
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError, Undeliverable
from bot.events import Inbound, Person
from bot.grammar.tokens import fold
from bot.i18n import Lang, t
from bot.messages import OutMessage
from bot.service.commands import COMMANDS

log = logging.getLogger(__name__)
F = TypeVar("F", NewMeeting, Plan)  # the Command a form submits

DONE_REACTION = "white_check_mark"
USER_CACHE_SECONDS = 3600.0
TOKEN_CACHE_SECONDS = 60.0


class UserDirectory:
    """`users.info`, cached per process (it is rate limited, and every event names its person)."""

    def __init__(self, web: WebClient, ttl_seconds: float = USER_CACHE_SECONDS) -> None:
        self.web = web
        self.ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Person]] = {}
        self._lock = threading.Lock()

    def __call__(self, user_id: str) -> Person:
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            user = self.web.users_info(user=user_id, include_locale=True)["user"]
            person = person_from_user_info(user)
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return Person(user_id, user_id)
        with self._lock:
            self._cache[user_id] = (time.monotonic(), person)
        return person

    def mentionable(self, user_ids: Iterable[str]) -> blocks.Mentionable:
        """`user_ids` as people a message may mention: by display name, unless two of them share it."""
        people = [self(user_id) for user_id in dict.fromkeys(user_ids)]
        names = Counter(person.display_name for person in people)
        by_name = {p.display_name: p.platform_id for p in people if names[p.display_name] == 1}
        return blocks.Mentionable(by_name | {p.platform_id: p.platform_id for p in people})


class AckTimedApp(AsyncApp):
    """Bolt's `AsyncApp`, telling `on_ack` how long each request took to its ack: `async_dispatch` returns as
    soon as the listener acks (the work goes on after it), in Socket Mode and HTTP mode alike."""

    on_ack: Callable[[float], None] | None = None

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        started = time.perf_counter()
        try:
            return await super().async_dispatch(req)
        finally:
            if self.on_ack is not None:
                self.on_ack(time.perf_counter() - started)


class Team:
    """One workspace's bot token at work: its Web API client, its people (cached), the bot's private chats there."""

    def __init__(self, token: str, api_url: str) -> None:
        self.token = token
        self.web = WebClient(
            token=token,
            base_url=api_url,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler()],
        )
        self.people = UserDirectory(self.web)
        self.directory = SlackDirectory(self.web)  # who is in a channel, who is an admin: Slack says
        self.dm_channels: dict[str, str] = {}


class SlackAdapter:
    """Listeners, rendering and posting for Slack: one workspace with `bot_token`, or (`bot_token` None) every
    workspace that installed the app through the OAuth flow, each with its own token from the database."""

    def __init__(self, core: Core, bot_token: str | None, signing_secret: str | None, api_url: str,
                 clock: Clock = system_clock) -> None:
        self.core = core
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.clock = clock
        self.api_url = api_url
        self.order = InOrder()
        self.workers: WorkerPool | None = None  # `start_workers`: the work after each ack in other processes
        self._after_ack: set[asyncio.Task[object]] = set()  # `after_ack`: the work of events answered already
        self._teams: dict[str, tuple[float, Team]] = {}
        self._teams_lock = threading.Lock()
        core.directory = TeamDirectory(self)
        if bot_token is not None:  # single workspace: one token, whatever team an event names
            self.installations: Installations | None = None
            self._single: Team | None = Team(bot_token, api_url)
            self.app = AckTimedApp(
                client=AsyncWebClient(token=bot_token, base_url=api_url),
                signing_secret=signing_secret or "",
                request_verification_enabled=False,  # QuorumRequestHandler verifies every HTTP request
                process_before_response=True,  # each listener returns right after its ack: `after_ack`
            )
        else:
            if not core.settings.slack_oauth:
                raise ConfigError("no SLACK_BOT_TOKEN, and no SLACK_CLIENT_ID / SLACK_CLIENT_SECRET to install with")
            self.installations = Installations(str(core.settings.slack_client_id), core.engine)
            self._single = None
            self.app = AckTimedApp(
                client=AsyncWebClient(base_url=api_url),
                signing_secret=signing_secret or "",
                request_verification_enabled=False,  # QuorumRequestHandler verifies every HTTP request
                process_before_response=True,  # each listener returns right after its ack: `after_ack`
                oauth_settings=oauth_settings(core.settings, self.installations, core.engine),
            )
        self._register()

    def team(self, team_id: str) -> Team:
        """The team's token at work. Single-workspace mode has one; otherwise the token installed for `team_id`
        (cached for `TOKEN_CACHE_SECONDS`, so a token revoked through another instance is dropped soon after).
        Raises Undeliverable when the app is not (or no longer) installed there."""
        if self._single is not None:
            return self._single
        assert self.installations is not None
        with self._teams_lock:
            cached = self._teams.get(team_id)
        if cached is not None and time.monotonic() - cached[0] < TOKEN_CACHE_SECONDS:
            return cached[1]
        token = self.installations.bot_token(team_id) if team_id else None
        if token is None:
            self.forget(team_id)
            raise Undeliverable(f"Quorum is not installed in Slack team {team_id or '(none named)'}")
        team = cached[1] if cached is not None and cached[1].token == token else Team(token, self.api_url)
        with self._teams_lock:
            self._teams[team_id] = (time.monotonic(), team)
        return team

    def forget(self, team_id: str) -> None:
        """Drop a team's cached token (it was revoked, or the app uninstalled), in the workers too."""
        with self._teams_lock:
            self._teams.pop(team_id, None)
        if self.workers is not None:
            self.workers.broadcast("forget", team_id)

    # ---- where the work after an ack runs ------------------------------------------------------------
    def start_workers(self, count: int) -> None:
        """From now on the work after each ack, and the tick, run in `count` worker processes, each event in the
        one its conversation routes to. Their cores' observations come back to this core's observer."""
        build = SlackWorker(self.core.settings, self.bot_token, self.signing_secret, self.api_url, self.clock)
        self.workers = WorkerPool(count, build, self.take_note)

    def stop_workers(self) -> None:
        """After the drain: the workers finish what they were given and exit."""
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def take_note(self, note: Note) -> None:
        observe(self.core.observer, note)

    async def work(self, key: str, method: str, *args: Any) -> Any:
        """`method(*args)` of this adapter, after an ack: in the worker process conversation `key` routes to (whose
        own adapter runs it), or in a thread of this process when there are no workers."""
        if self.workers is not None:
            return await self.workers.call(key, method, *args)
        return await asyncio.to_thread(getattr(self, method), *args)

    # ---- listeners ----------------------------------------------------------------------------------
    def _register(self) -> None:
        app = self.app
        app.command("/meeting")(self._on_command)
        app.event("message")(self._on_message)
        app.event("reaction_added")(self._on_reaction)
        app.event("reaction_removed")(self._on_reaction)
        app.event("app_home_opened")(self._on_home_opened)
        app.action({"action_id": re.compile(re.escape(blocks.BUTTON_ACTION_PREFIX) + r"\d+")})(self._on_button)
        app.action({"action_id": re.compile(re.escape(blocks.ASK_ACTION_PREFIX) + r"\d+")})(self._on_ask_button)
        app.view(blocks.MEETING_MODAL_CALLBACK)(self._on_modal_submit)
        app.view(blocks.ASK_MODAL_CALLBACK)(self._on_ask_submit)
        app.view(plan_form.PLAN_MODAL_CALLBACK)(self._on_plan_submit)
        app.event("tokens_revoked")(self._on_tokens_revoked)
        app.event("app_uninstalled")(self._on_app_uninstalled)

    def after_ack(self, work: Coroutine[Any, Any, object]) -> None:
        """Run `work` once its listener has returned. Bolt answers Slack when a listener returns
        (`process_before_response`, so no ack waits for Bolt's 10 ms poll), so each listener acks, hands what
        follows to this and returns. The task is kept until it is done, and what it raises is logged."""
        task = asyncio.get_running_loop().create_task(work)
        self._after_ack.add(task)
        task.add_done_callback(self._after_ack_done)

    def _after_ack_done(self, task: asyncio.Task[object]) -> None:
        self._after_ack.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("handling a Slack event after its ack failed", exc_info=error)

    async def in_turn(self, key: str, ticket: Ticket, method: str, *args: Any) -> None:
        """`method(*args)` in conversation `key`'s turn (`adapters/ordering.py`), where the work runs."""
        async with self.order.turn(key, ticket):
            await self.work(key, method, *args)

    async def _on_tokens_revoked(self, ack: AsyncAck, event: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        if self.installations is None:
            log.warning("Slack revoked tokens of this app: SLACK_BOT_TOKEN may no longer work")
            return

        async def delete() -> None:
            await self.app.default_tokens_revoked_event_listener()(event=event, context=context)
            self.forget(str(context.team_id or ""))
            log.warning("tokens revoked in Slack team %s: deleted; its meetings are kept", context.team_id)

        self.after_ack(delete())

    async def _on_app_uninstalled(self, ack: AsyncAck, context: AsyncBoltContext) -> None:
        """The team's tokens go; everything it recorded stays, under the retention rule (store/retention.py:
        `quorum purge`)."""
        await ack()
        if self.installations is None:
            log.warning("Quorum was uninstalled from Slack team %s: SLACK_BOT_TOKEN no longer works", context.team_id)
            return

        async def delete() -> None:
            await self.app.default_app_uninstalled_event_listener()(context=context)
            self.forget(str(context.team_id or ""))
            log.warning("uninstalled from Slack team %s: its tokens are deleted, its meetings kept", context.team_id)

        self.after_ack(delete())

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        channel = str(body.get("channel_id"))
        ticket = self.order.ticket(channel)
        text = str(body.get("text") or "").strip()
        form = alone(text)
        if form is not None and body.get("trigger_id"):
            done(ticket)  # opening a form changes nothing in the channel: nobody waits for it
            await ack()

            async def open_form() -> None:
                person = await asyncio.to_thread(self.reader, team_of(body), str(body["user_id"]))
                opens = blocks.meeting_modal if form is NewMeeting else plan_form.plan_modal
                await client.views_open(trigger_id=body["trigger_id"], view=opens(lang_of(person), channel))

            self.after_ack(open_form())
            return
        await ack()
        if not self.core.admit():  # past capacity: say so now rather than answer minutes later
            done(ticket)
            self.after_ack(asyncio.to_thread(self.core.busy, busy_inbound(body), self.clock(), self.send))
            return

        async def handle() -> None:
            try:
                await self.in_turn(channel, ticket, "translate_and_dispatch", slash_command, body)
            finally:
                self.core.release()

        self.after_ack(handle())

    async def _on_message(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        key = str(body["event"].get("channel"))
        ticket = self.order.ticket(key)
        await ack()
        self.after_ack(self.in_turn(key, ticket, "translate_and_dispatch", message_event, body))

    async def _on_reaction(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        key = str((body["event"].get("item") or {}).get("channel"))
        ticket = self.order.ticket(key)
        await ack()
        self.after_ack(self.in_turn(key, ticket, "translate_and_dispatch", reaction_event, body))

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        from_home = (body.get("container") or {}).get("type") == "view"
        key = user_id if from_home else str((body.get("container") or {}).get("channel_id"))
        ticket = self.order.ticket(key)
        await ack()
        self.after_ack(self.in_turn(key, ticket, "click", body, action, from_home))

    async def _on_ask_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                             client: AsyncWebClient) -> None:
        """Blocked / Delay: ask for the reason or the date in a modal, then run the completed command."""
        await ack()

        async def ask() -> None:
            user_id = str(body["user"]["id"])
            spec = json.loads(str(action.get("value") or "{}"))
            channel = str((body.get("container") or {}).get("channel_id") or "") or await asyncio.to_thread(
                self.dm_channel, team_of(body), user_id)
            person = await asyncio.to_thread(self.reader, team_of(body), user_id)
            await client.views_open(trigger_id=body["trigger_id"],
                                    view=blocks.ask_modal(lang_of(person), str(spec.get("ask") or ""),
                                                          str(spec.get("command") or ""), channel))

        self.after_ack(ask())

    async def _on_ask_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        spec = json.loads(str(view.get("private_metadata") or "{}"))
        channel = str(spec.get("channel") or "")
        ticket = self.order.ticket(channel)
        try:
            answer = str(view["state"]["values"][blocks.ASK_BLOCK][blocks.ASK_BLOCK].get("value") or "").strip()
            person = await asyncio.to_thread(self.reader, team_of(body), str(body["user"]["id"]))
            if not answer:
                await ack(response_action="errors", errors={blocks.ASK_BLOCK: t(lang_of(person), "form.ask.empty")})
                done(ticket)
                return
            await ack()
        except BaseException:
            done(ticket)
            raise
        inbound = Inbound(kind="button", platform=PLATFORM,
                          workspace=team_of(body), channel=channel, user=person,
                          text=f"{spec.get('command', '')} {answer}", is_direct=channel.startswith("D"))

        async def answered() -> None:
            try:
                await self.in_turn(channel, ticket, "dispatch", inbound)
            finally:
                done(ticket)
            await self.work(channel, "publish_home", inbound.workspace, person.platform_id)

        self.after_ack(answered())

    async def _on_home_opened(self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        if event.get("tab", "home") == "home":
            user = str(event["user"])
            self.after_ack(self.work(user, "publish_home", str(body.get("team_id") or ""), user))

    async def _on_modal_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The filled-in `/meeting new` form: the NewMeeting it asks for goes to the core as it is."""
        await self.submit_form(ack, body, view, blocks.modal_to_command, blocks.modal_people)

    async def _on_plan_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The filled-in `/meeting plan` form: the Plan it files goes to the core as it is."""
        await self.submit_form(ack, body, view, plan_form.plan_modal_to_command, plan_form.plan_people)

    async def submit_form(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
        read: Callable[[dict[str, Any], Lang, ZoneInfo, datetime], tuple[F | None, dict[str, str]]],
        people_of: Callable[[F], tuple[str, ...]],
    ) -> None:
        """A submitted form: its errors shown in it, or its Command to the core in the channel it was opened
        in, with the people it names, in that channel's turn."""
        channel = str(view.get("private_metadata") or "")
        ticket = self.order.ticket(channel)
        try:
            person = await asyncio.to_thread(self.reader, team_of(body), str(body["user"]["id"]))
            zone = zone_of(person, self.core.settings.zone)
            command, errors = read(view["state"]["values"], lang_of(person), zone, self.clock())
            if command is None:
                await ack(response_action="errors", errors=errors)
                done(ticket)
                return
            await ack()
        except BaseException:
            done(ticket)
            raise

        async def submitted() -> None:
            try:
                named = people_of(command)
                mentions = await asyncio.to_thread(lambda: tuple(self.person(team_of(body), user) for user in named))
                inbound = Inbound(kind="command", platform=PLATFORM,
                                  workspace=team_of(body), channel=channel, user=person,
                                  is_direct=is_direct_channel(channel), mentions=mentions, command=command)
                await self.in_turn(channel, ticket, "dispatch", inbound)
            finally:
                done(ticket)

        self.after_ack(submitted())

    # ---- into the core and back out ------------------------------------------------------------------
    def translate_and_dispatch(
        self, translate: Callable[[dict[str, Any], People], Inbound | None], body: dict[str, Any]
    ) -> None:
        inbound = translate(body, self.team(team_of(body)).people)
        if inbound is not None:
            self.dispatch(inbound)

    def click(self, body: dict[str, Any], action: dict[str, Any], from_home: bool) -> None:
        """A button clicked in a channel or on App Home (whose view is published again)."""
        user_id = str(body["user"]["id"])
        home_channel = self.dm_channel(team_of(body), user_id) if from_home else ""
        inbound = button_click(body, action, self.team(team_of(body)).people, home_channel)
        self.dispatch(inbound)
        if from_home:
            self.publish_home(inbound.workspace, user_id)

    def dispatch(self, inbound: Inbound) -> None:
        """Hand one event to the core (it posts its replies through `send`); mark an acted-on reply ✅."""
        outcome = self.core.handle(inbound, self.clock(), self.send)
        if outcome.acknowledge is not None:
            channel, ts = split_key(outcome.acknowledge)
            try:
                self.team(inbound.workspace).web.reactions_add(channel=channel, timestamp=ts, name=DONE_REACTION)
            except SlackApiError as error:
                if error.response.get("error") != "already_reacted":
                    log.warning("could not react to %s: %s", outcome.acknowledge, error.response.get("error"))

    def tick(self) -> int:
        """Post Slack's due rows (in a worker process when there are workers, so no post holds this GIL)."""
        if self.workers is not None:
            return int(self.workers.submit("", "tick").result())
        return self.core.tick(self.clock(), self.send, platform=PLATFORM)

    def send(self, message: OutMessage) -> str | None:
        """Post (or update in place) one message; returns its `<channel>/<ts>` key. Raises when Slack refuses,
        so the core keeps a scheduled message pending."""
        target = message.target
        team = self.team(target.workspace)  # the message's own team: its token, its people
        # Only the people the core notifies, and the reader of a private message, become mentions: naming anyone
        # else in a post would notify them too.
        notified = [*message.mentions, *([target.user] if target.kind == "direct" and target.user else [])]
        rendered = blocks.render(message, team.people.mentionable(notified))
        if message.replaces is not None:
            channel, ts = split_key(message.replaces)
            team.web.chat_update(channel=channel, ts=ts, **rendered)
            return message.replaces
        if target.kind == "ephemeral" and not message.attachments:
            assert target.channel is not None and target.user is not None
            team.web.chat_postEphemeral(channel=target.channel, user=target.user, **rendered)
            return None
        if target.kind != "channel":  # an ephemeral note cannot carry files: one with files goes to the private chat
            assert target.user is not None
            channel = self.dm_channel(target.workspace, target.user)
        else:
            assert target.channel is not None
            channel = target.channel
        thread_ts = split_key(target.thread)[1] if target.thread and target.kind != "ephemeral" else None
        response = team.web.chat_postMessage(channel=channel, thread_ts=thread_ts, **rendered)
        for attachment in message.attachments:
            body = {"file": attachment.data} if attachment.data is not None else {"content": attachment.content}
            team.web.files_upload_v2(channel=channel, thread_ts=response["ts"], filename=attachment.filename,
                                     **body)
        return f"{response['channel']}/{response['ts']}"

    def person(self, team_id: str, user_id: str) -> Person:
        return self.team(team_id).people(user_id)

    def dm_channel(self, team_id: str, user_id: str) -> str:
        """The bot's private chat with a person (`conversations.open` is idempotent; cached anyway)."""
        team = self.team(team_id)
        channel = team.dm_channels.get(user_id)
        if channel is None:
            channel = str(team.web.conversations_open(users=user_id)["channel"]["id"])
            team.dm_channels[user_id] = channel
        return channel

    def reader(self, team_id: str, user_id: str) -> Person:
        """The person a form speaks to: Slack's profile, under the language and timezone they chose in Quorum."""
        return self.core.profile(PLATFORM, team_id, self.person(team_id, user_id))

    def publish_home(self, team_id: str, user_id: str) -> None:
        """App Home: the person's open action items (with buttons) and upcoming meetings with their RSVP."""
        team = self.team(team_id)
        view = self.core.home(PLATFORM, team_id, team.people(user_id), self.clock())
        team.web.views_publish(user_id=user_id, view=blocks.home_view(view, team.people.mentionable([user_id])))


@dataclass(frozen=True)
class SlackWorker:
    """How a worker process builds its own `SlackAdapter`: the acking process's settings, token, Slack API and
    clock, a core of its own on the same database, telling its observations to the acking process."""

    settings: Settings
    bot_token: str | None
    signing_secret: str | None
    api_url: str
    clock: Clock

    def __call__(self, note: Callable[[Note], None]) -> SlackAdapter:
        core = Core(self.settings)
        core.observer = NotingObserver(note)
        return SlackAdapter(core, self.bot_token, self.signing_secret, self.api_url, self.clock)


class TeamDirectory:
    """The core's `Directory` over every team: each question asked of the team's own directory (its token)."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    def conversation(self, workspace: str, channel: str) -> Conversation:
        return self.adapter.team(workspace).directory.conversation(workspace, channel)

    def is_admin(self, workspace: str, user: str) -> bool:
        return self.adapter.team(workspace).directory.is_admin(workspace, user)

    def manager_of(self, workspace: str, user: str) -> str | None:
        return None  # Slack keeps no org chart a bot may read: approvers come from `config approver` alone

    def name_of(self, workspace: str, user: str) -> str | None:
        return None  # never asked: there are no managers


def busy_inbound(body: dict[str, Any]) -> Inbound:
    """A slash command as far as a "busy" answer needs it (no lookups: the process has no time for them)."""
    user = str(body.get("user_id") or "")
    return Inbound(kind="command", platform=PLATFORM, workspace=str(body.get("team_id") or ""),
                   channel=str(body.get("channel_id") or ""), user=Person(user, user), text=str(body.get("text") or ""))


def done(ticket: Ticket) -> None:
    """Let the events behind `ticket` run (and a draining process exit), if its turn has not done so already."""
    if not ticket[1].done():
        ticket[1].set_result(None)


def alone(text: str) -> type[NewMeeting] | type[Plan] | None:
    """`/meeting new` (新建) or `/meeting plan` (申报) with nothing after it opens that command's form."""
    words = text.split()
    found = COMMANDS.for_word(fold(words[0])) if len(words) == 1 else None
    if found is None or found.command not in (NewMeeting, Plan):
        return None
    kind: type[NewMeeting] | type[Plan] = found.command
    return kind


def lang_of(person: Person) -> Lang:
    return "zh" if person.language == "zh" else "en"


def zone_of(person: Person, default: ZoneInfo) -> ZoneInfo:
    """The person's own timezone (from users.info), else the deployment's."""
    try:
        return ZoneInfo(person.timezone) if person.timezone else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


class QuorumRequestHandler(AsyncSlackRequestHandler):
    """Bolt's ASGI handler behind a guard for what anyone on the internet may send before the signature counts.

    Bolt reads the whole body into memory, then parses it, then checks the signature: a 300 MB unsigned body
    cost 1.4 GB, and a malformed header or body became a 500 with a traceback. Here a body over
    `MAX_BODY_BYTES` is refused with 413 before it is read (by Content-Length, and by counting a chunked
    body as it streams in), the signature is checked before anything is parsed (401), and a signed body
    Bolt cannot read is a 400. Also: a slash command whose text contains "payload" keeps its text.
    The signature is checked and the body parsed here only, once each: the app's own request verification is
    off (`SlackAdapter`), as every HTTP request reaches it through this handler and Socket Mode needs none.
    """

    def __init__(self, app: AsyncApp, path: str, signing_secret: str | None) -> None:
        super().__init__(app, path=path)
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        try:
            headers = request.get_headers()
        except UnicodeDecodeError:
            return refusal(400, "headers are not UTF-8")
        declared = str(headers.get("content-length") or "0")
        if not declared.isascii() or not declared.isdigit():
            return refusal(400, "bad Content-Length")
        if int(declared) > MAX_BODY_BYTES:
            return refusal(413, f"body over {MAX_BODY_BYTES} bytes")
        body = await read_body(request, MAX_BODY_BYTES)
        if body is None:
            return refusal(413, f"body over {MAX_BODY_BYTES} bytes")
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError:
            return refusal(400, "body is not UTF-8")
        if self.verifier is not None and not signature_is_valid(self.verifier, raw, headers):
            return refusal(401, "invalid signature")
        # The body is parsed once, here (Bolt's request would parse it again: the ack path's costliest step).
        bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=headers)
        try:
            parsed = parse_body(raw, bolt_request.content_type)
        except ValueError:  # JSONDecodeError: a signed body that is not the JSON it claims to be
            return refusal(400, "body is not valid JSON")
        problem = shape_problem(parsed)
        if problem is not None:
            log.warning("malformed Slack payload refused: %s", problem)
            return refusal(400, f"malformed payload: {problem}")
        if not parsed and raw:
            fields = form_fields(raw)
            if fields and "payload" not in fields:
                parsed = fields
        bolt_request.raw_body, bolt_request.body = raw, parsed
        bolt_request.context = build_async_context(AsyncBoltContext({}), parsed)
        return await self.app.async_dispatch(bolt_request)


MAX_BODY_BYTES = 1024 * 1024
"""Slack's own requests are a few kilobytes (a modal submission with every field filled stays far below)."""


async def read_body(request: AsgiHttpRequest, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows past `limit` (the rest is never read)."""
    chunks = bytearray()
    while True:
        message = await request.receive()
        if message["type"] != "http.request":  # the client went away
            return bytes(chunks)
        chunks.extend(message.get("body", b""))
        if len(chunks) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(chunks)


def signature_is_valid(verifier: SignatureVerifier, raw: str, headers: dict[str, Any]) -> bool:
    """Slack's v0 signature over the body; a timestamp that is not a number is simply not valid."""
    timestamp, signature = headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")
    try:
        return verifier.is_valid(raw, str(timestamp) if timestamp is not None else None,
                                 str(signature) if signature is not None else None)
    except (ValueError, TypeError, OverflowError):  # int("abc"), a non-ASCII signature, a 400-digit timestamp
        return False


OBJECT_FIELDS = ("event", "user", "team", "container", "view", "channel", "message", "enterprise", "state")
"""Fields Bolt's matchers and our listeners read into: when present they must be JSON objects."""


def shape_problem(payload: object) -> str | None:
    """What makes a signed payload unreadable for Bolt (which answers such a payload with a 500), or None."""
    if not isinstance(payload, dict):
        return "not a JSON object"
    for field in OBJECT_FIELDS:
        if field in payload and payload[field] is not None and not isinstance(payload[field], dict):
            return f"{field} is not an object"
    actions = payload.get("actions")
    if actions is not None and not (isinstance(actions, list) and all(isinstance(a, dict) for a in actions)):
        return "actions is not a list of objects"
    event = payload.get("event") or {}
    if "item" in event and not isinstance(event["item"], dict):
        return "event.item is not an object"
    return None


def refusal(status: int, reason: str) -> BoltResponse:
    return BoltResponse(status=status, body=reason, headers={"content-type": "text/plain;charset=utf-8"})


def form_fields(raw: str) -> dict[str, Any]:
    return dict(parse_qsl(raw, keep_blank_values=True))
