"""The Slack adapter end to end: a real Bolt app, the real core on a SQLite file, and a local fake Slack.

The whole loop (new, RSVP by reaction and by button, start, `#action` lines, end, DM reminder, "done" in its
thread, weekly digest) runs once over Socket Mode (envelopes pushed on a websocket, acks recorded) and once
over HTTP mode (signed requests into uvicorn). Around it: signatures, retries, rate limits, the modal, Home.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
import time_machine
import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from sqlmodel import Session, col, select

from adapters.ordering import InOrder
from adapters.slack import blocks, plan_form
from adapters.slack.app import SlackAdapter, alone
from adapters.slack.run import EVENTS_PATH, bound_port, http_server
from adapters.slack.translate import PLATFORM, slash_command
from bot.command_types import NewMeeting, Plan
from store.models import ActionItem, InboundEvent, Meeting, MeetingPlan, Notification, PlanPerson, User
from tests import fake_slack as fs
from tests.conftest import make_settings, migrated_core
from tests.harness import ManualClock
from tests.local_server import wait_until

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"


async def settle() -> None:
    """Let the listeners still working after their ack finish, so no task dies with its loop (bounded)."""
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    if others:
        await asyncio.wait(others, timeout=10)




class Driver(Protocol):
    def command(self, user: str, channel: str, text: str, trigger_id: str | None = None) -> None: ...
    def event(self, callback: dict[str, Any], retry: int = 0) -> None: ...
    def interactive(self, payload: dict[str, Any]) -> dict[str, Any]: ...


class SocketModeDriver:
    """Pushes envelopes over the fake's websocket to a Bolt Socket Mode handler running in its own loop."""

    def __init__(self, fake: fs.FakeSlack, adapter: SlackAdapter) -> None:
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

        async def connect() -> AsyncSocketModeHandler:
            handler = AsyncSocketModeHandler(adapter.app, APP_TOKEN)
            await handler.connect_async()  # type: ignore[no-untyped-call]
            return handler

        self.handler = asyncio.run_coroutine_threadsafe(connect(), self.loop).result(10)
        fake.wait_connected()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.handler.close_async(), self.loop).result(10)  # type: ignore[no-untyped-call]
        asyncio.run_coroutine_threadsafe(settle(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def command(self, user: str, channel: str, text: str, trigger_id: str | None = None) -> None:
        envelope = self.fake.push("slash_commands", fs.slash_command(text, user, channel, trigger_id=trigger_id))
        self.fake.wait_for_ack(envelope)

    def event(self, callback: dict[str, Any], retry: int = 0) -> None:
        envelope = self.fake.push("events_api", callback, retry_attempt=retry,
                                  retry_reason="timeout" if retry else "")
        self.fake.wait_for_ack(envelope)

    def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        ack = self.fake.wait_for_ack(self.fake.push("interactive", payload))
        return dict(ack.get("payload") or {})


class PromptServer(uvicorn.Server):
    """The server `http_server` makes, stopped by an event rather than noticed at its next look at `should_exit`
    (uvicorn looks every 0.1 s; a test stops one server per HTTP test). Serving and shutting down are uvicorn's."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stopping = asyncio.Event()

    async def main_loop(self) -> None:
        await self.on_tick(0)  # what uvicorn's loop does first (the Date header)
        await self.stopping.wait()


class HttpDriver:
    """Signed requests into the app served by uvicorn, as Slack sends them."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.server = PromptServer(http_server(adapter, "127.0.0.1", 0).config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started)
        self.url = f"http://127.0.0.1:{bound_port(self.server)}{EVENTS_PATH}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())
        self.loop.run_until_complete(settle())

    def close(self) -> None:
        self.server.should_exit = True
        self.loop.call_soon_threadsafe(self.server.stopping.set)
        self.thread.join(10)

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
             secret: str = SECRET, timestamp: int | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, **fs.sign(body, secret, timestamp), **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def command(self, user: str, channel: str, text: str, trigger_id: str | None = None,
                team: str = fs.TEAM_ID) -> None:
        body = fs.form_body(fs.slash_command(text, user, channel, trigger_id=trigger_id, team=team))
        status, _ = self.post(body, "application/x-www-form-urlencoded")
        assert status == 200

    def event(self, callback: dict[str, Any], retry: int = 0) -> None:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        status, _ = self.post(fs.event_body(callback), "application/json", headers)
        assert status == 200

    def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        status, body = self.post(fs.interactive_body(payload), "application/x-www-form-urlencoded")
        assert status == 200
        return json.loads(body) if body else {}


@pytest.fixture
def fake() -> Iterator[fs.FakeSlack]:
    with fs.FakeSlack() as fake:
        fake.add_user("U1", "alice", "Alice Wang", tz="Asia/Shanghai", locale="en-US", display_name="alice")
        fake.add_user("U2", "bob", "Bob Li", tz="Asia/Shanghai", locale="en-US", display_name="bob")
        fake.add_user("U3", "carol", "Carol Zhang", tz="Asia/Shanghai", locale="en-US", display_name="carol")
        yield fake


@pytest.fixture
def adapter(fake: fs.FakeSlack, sqlite_file_url: str, clock: ManualClock) -> SlackAdapter:
    return SlackAdapter(migrated_core(make_settings(sqlite_file_url)), BOT_TOKEN, SECRET, fake.api_url, clock=clock)


@pytest.fixture(params=["socket", "http"])
def driver(request: pytest.FixtureRequest, fake: fs.FakeSlack, adapter: SlackAdapter) -> Iterator[Driver]:
    started: SocketModeDriver | HttpDriver = (
        SocketModeDriver(fake, adapter) if request.param == "socket" else HttpDriver(adapter)
    )
    yield started
    wait_until(lambda: len(adapter.order) == 0)  # no work of this test still posting into the next one's
    started.close()


def posts(fake: fs.FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel)]


def button(message: dict[str, Any], value_prefix: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and str(element.get("value", "")).startswith(value_prefix):
                return dict(element)
    raise AssertionError(f"no button {value_prefix!r} in {message.get('text')!r}")


def stored_profile(adapter: SlackAdapter, user_id: str) -> tuple[str | None, str | None] | None:
    """The stored language and timezone of a Slack user, None before they have been seen."""
    with Session(adapter.core.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == user_id)).first()
        return (user.language, user.timezone) if user is not None else None


def items(adapter: SlackAdapter) -> list[ActionItem]:
    with Session(adapter.core.engine) as session:
        return list(session.exec(select(ActionItem).order_by(col(ActionItem.number))))


def test_the_whole_meeting_loop(fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver,
                                clock: ManualClock) -> None:
    # new → the RSVP prompt in the channel, with buttons
    driver.command("U1", "C1", 'new "Q3 roadmap" tomorrow 3pm for 1h with <@U2|bob> <@U3|carol> '
                               'agenda "Scope" 20m "Budget" 25m')
    prompt = wait_until(lambda: next((m for m in posts(fake, "C1") if "Q3 roadmap" in m["text"]
                                      and any(b["type"] == "actions" for b in m.get("blocks") or [])), None))
    ts = prompt["ts"]

    # RSVP by reaction: the prompt updates in place with bob under "Coming"
    driver.event(fs.reaction_event(True, "white_check_mark", "U2", "C1", ts))
    wait_until(lambda: "@bob" in (fake.message("C1", ts) or {}).get("text", "") and fake.calls("chat.update"))
    # … and by button: carol declines
    decline = button(prompt, "rsvp 1 no")
    driver.interactive(fs.block_action("U3", "C1", ts, decline["action_id"], decline["value"]))
    wait_until(lambda: "@carol" in (fake.message("C1", ts) or {}).get("text", "")
               and len(fake.calls("chat.update")) >= 2)
    # taking the reaction back withdraws bob's answer
    driver.event(fs.reaction_event(False, "white_check_mark", "U2", "C1", ts))
    wait_until(lambda: len(fake.calls("chat.update")) >= 3)

    # start, record in the channel, end
    driver.command("U1", "C1", "start 1")
    driver.command("U1", "C1", "confirm")  # a day before its time: start asks first
    wait_until(lambda: any("Q3 roadmap" in m["text"] and m["ts"] != ts for m in posts(fake, "C1")))
    before = len(fake.calls("chat.postMessage"))
    driver.command("U1", "C1", "action <@U2|bob> send the notes by friday")
    driver.event(fs.message_event("#action <@U3> book the room", "U1", "C1"))  # the mention is the owner
    driver.event(fs.message_event("#agreed ship on Dec 1", "U1", "C1"))
    wait_until(lambda: len(items(adapter)) == 2 and len(fake.calls("chat.postMessage")) > before)
    first, second = items(adapter)
    assert (first.text, first.status, first.due_on is not None) == ("send the notes", "open", True)
    assert second.text == "book the room"  # the mentioned owner leaves the text, as in /meeting action
    wait_until(lambda: fake.messages("DU2"))  # bob is asked privately to accept the item
    driver.command("U1", "C1", "end")
    wait_until(lambda: any("ship on Dec 1" in m["text"] for m in posts(fake, "C1")))
    minutes = wait_until(lambda: [u for u in fake.uploads() if u.completed])  # the MeetBot-style minutes file
    assert minutes[0].filename == "meeting-1-Q3-roadmap-minutes-2026-11-24.txt"
    assert "ship on Dec 1" in (minutes[0].content or b"").decode()

    # the scheduler's reminder reaches bob in a DM; "done" in its thread closes the item and gets a ✅
    with Session(adapter.core.engine) as session:
        due = session.exec(select(Notification).where(Notification.kind == "item_due")).first()
    assert due is not None
    clock.now = due.due_at
    adapter.tick()
    reminder = wait_until(lambda: next((m for m in reversed(fake.messages("DU2")) if "send the notes" in m["text"]
                                        and m["ts"] > fake.messages("DU2")[0]["ts"]), None))
    reply = fs.message_event("done https://docs.example/notes", "U2", "DU2", thread_ts=reminder["ts"],
                             channel_type="im")
    driver.event(reply)
    wait_until(lambda: items(adapter)[0].status == "done")
    reply_ts = reply["event"]["ts"]
    wait_until(lambda: fake.reactions("DU2", reply_ts) == ["white_check_mark"])
    assert items(adapter)[0].deliverable == "https://docs.example/notes"

    # the weekly digest goes to the channel, which still has carol's open item
    with Session(adapter.core.engine) as session:
        weekly = session.exec(select(Notification).where(Notification.kind == "weekly_digest",
                                                         Notification.status == "pending")).one()
    clock.now = weekly.due_at
    adapter.tick()
    digest = wait_until(lambda: next((m for m in posts(fake, "C1") if "Weekly follow-up" in m["text"]), None))
    # bob's item is not overdue: he is named, not notified
    assert "1 open action item" in digest["text"] and "#1 send the notes · @bob" in digest["text"]


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """The texts of a message's blocks that Slack reads as mrkdwn (where a mention can be real)."""
    found: list[str] = []
    for block in message.get("blocks") or []:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                found.append(part["text"])
    return found


def names_bob(message: dict[str, Any], said: str = "write the doc · <@U2>") -> bool:
    """bob is a real mention in the blocks and the text (where the message names him), and nowhere raw code
    shown as text."""
    texts = mrkdwn_texts(message)
    raw = json.dumps(message["blocks"]) + message["text"]
    return (any(said in text for text in texts) and said in message["text"]
            and "&lt;@" not in raw and "@bob" not in raw)


def test_a_recorded_action_names_its_owner_as_a_mention_everywhere(
    fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver, clock: ManualClock
) -> None:
    driver.command("U1", "C1", 'new "Sync" tomorrow 3pm with <@U2|bob>')
    driver.command("U1", "C1", "start 1")
    driver.command("U1", "C1", "confirm")  # a day before its time: start asks first
    driver.event(fs.message_event("#action <@U2> write the doc", "U1", "C1"))
    (item,) = wait_until(lambda: items(adapter))
    # the core stores plain words, and the mentioned owner is the owner, not part of the text
    assert (item.text, item.owner_id is not None) == ("write the doc", True)

    recorded = wait_until(lambda: [m for m in posts(fake, "C1") if "write the doc" in m["text"]])
    assert names_bob(recorded[0])  # the channel post
    assignment = wait_until(lambda: [m for m in fake.messages("DU2") if "write the doc" in m["text"]])
    assert names_bob(assignment[0], "#1 write the doc")  # the owner's DM, which needs not name him

    driver.command("U1", "C1", "end")
    (minutes,) = wait_until(lambda: [u for u in fake.uploads() if u.completed])
    text = (minutes.content or b"").decode()
    assert "bob: write the doc" in text and "<@" not in text  # a file shows the person by name

    due = (clock.now + timedelta(days=10)).date()
    driver.command("U2", "DU2", f"status 1 delay {due:%Y-%m-%d}")
    wait_until(lambda: items(adapter)[0].due_on == due)
    with Session(adapter.core.engine) as session:
        reminder_row = session.exec(select(Notification).where(Notification.kind == "item_due")).one()
    clock.now = reminder_row.due_at
    adapter.tick()
    reminder = wait_until(lambda: [m for m in fake.messages("DU2") if "write the doc" in m["text"]
                                   and m["ts"] > assignment[0]["ts"]])
    assert names_bob(reminder[-1], "#1 write the doc")  # the reminder


def test_a_retried_event_has_one_effect(fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver) -> None:
    driver.command("U1", "C1", 'new "Sync" tomorrow 3pm with <@U2|bob>')
    wait_until(lambda: posts(fake, "C1"))
    driver.command("U1", "C1", "start 1")
    driver.command("U1", "C1", "confirm")  # a day before its time: start asks first
    line = fs.message_event("#action <@U2> write it up by friday", "U1", "C1")
    driver.event(line)
    driver.event(line, retry=1)  # Slack thought the first delivery was lost
    driver.event(line, retry=2)
    wait_until(lambda: len(items(adapter)) == 1)
    time.sleep(0.3)  # give a wrongly accepted retry time to show
    assert len(items(adapter)) == 1
    with Session(adapter.core.engine) as session:
        assert len(session.exec(select(InboundEvent).where(InboundEvent.event_id == line["event_id"])).all()) == 1


@pytest.mark.parametrize("driver", ["http"], indirect=True)
def test_a_cancelled_meetings_invitation_is_updated_in_its_dm(fake: fs.FakeSlack, adapter: SlackAdapter,
                                                              driver: Driver) -> None:
    """The bot's own DM to bob is edited with chat.update (its DM channel and ts): no buttons, the reason."""
    driver.command("U1", "C1", 'new "Sync" tomorrow 3pm with <@U2|bob>')
    invitation = wait_until(lambda: next((m for m in fake.messages("DU2") if "Sync" in m["text"]), None))
    assert button(invitation, "rsvp 1 yes")
    driver.command("U1", "C1", "cancel 1 budget not ready")
    wait_until(lambda: any(c.args.get("channel") == "DU2" for c in fake.calls("chat.update")))
    now = fake.message("DU2", invitation["ts"])
    assert now is not None and "Cancelled (budget not ready)" in now["text"]
    assert not any(b["type"] == "actions" for b in now["blocks"])
    updates = [c for c in fake.calls("chat.update") if c.args.get("channel") == "DU2"]
    assert [c.args.get("ts") for c in updates] == [invitation["ts"]]


def test_rate_limited_posts_wait_and_go_out(fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    driver.command("U1", "C1", 'new "Sync" tomorrow 3pm with <@U2|bob>')
    wait_until(lambda: any("Sync" in m["text"] for m in posts(fake, "C1")))
    statuses = [c.status for c in fake.calls("chat.postMessage")]
    assert statuses[0] == 429 and 200 in statuses


def test_a_reminder_slack_refuses_stays_pending(fake: fs.FakeSlack, adapter: SlackAdapter) -> None:
    command = slash_command({"team_id": "T1", "channel_id": "C1", "user_id": "U1",
                             "text": 'new "Sync" in 3 days 3pm with <@U2|bob>'}, adapter.team(fs.TEAM_ID).people)
    adapter.core.handle(command, adapter.clock(), adapter.send)
    with Session(adapter.core.engine) as session:
        first = session.exec(select(Notification).where(Notification.status == "pending")
                             .order_by(col(Notification.due_at))).first()
    assert first is not None
    fake.fail_next("chat.postMessage", status=500, times=50)
    assert adapter.core.tick(first.due_at, adapter.send, platform=PLATFORM) == 0
    with Session(adapter.core.engine) as session:
        row = session.get(Notification, first.id)
    assert row is not None
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None and "internal_error" in row.last_error
    assert row.due_at > first.due_at  # retried later, with backoff


def test_http_mode_refuses_bad_signatures_and_stale_requests(fake: fs.FakeSlack, adapter: SlackAdapter,
                                                             clock: ManualClock) -> None:
    http = HttpDriver(adapter)
    try:
        body = fs.form_body(fs.slash_command("list", "U1", "C1"))
        assert http.post(body, "application/x-www-form-urlencoded", secret="wrong")[0] == 401
        # Bolt checks the timestamp against time.time() itself: pin that clock to know what "stale" is
        with time_machine.travel(clock.now, tick=True):
            stale = int(clock.now.timestamp()) - 10 * 60
            assert http.post(body, "application/x-www-form-urlencoded", timestamp=stale)[0] == 401
            assert http.post(body, "application/x-www-form-urlencoded")[0] == 200  # signed at the pinned now
    finally:
        http.close()
    assert not fake.calls("chat.postMessage") or all("list" not in str(c.args) for c in fake.calls("chat.update"))


def test_a_title_with_the_word_payload_survives_http_mode(fake: fs.FakeSlack, adapter: SlackAdapter) -> None:
    http = HttpDriver(adapter)
    try:
        http.command("U1", "C1", 'new "payload review" tomorrow 3pm with <@U2|bob>')
        wait_until(lambda: any("payload review" in m["text"] for m in posts(fake, "C1")))
    finally:
        http.close()
    with Session(adapter.core.engine) as session:
        assert [m.title for m in session.exec(select(Meeting))] == ["payload review"]


def test_new_without_text_opens_the_modal_and_errors_show_in_it(
    fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver, clock: ManualClock
) -> None:
    driver.command("U1", "C1", "new", trigger_id="trig-1")
    view = fake.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == blocks.MEETING_MODAL_CALLBACK and view["private_metadata"] == "C1"
    empty = {"title": {"title": {"type": "plain_text_input", "value": None}}}
    answer = driver.interactive(fs.view_submission("U1", blocks.MEETING_MODAL_CALLBACK, "C1", empty))
    assert answer["response_action"] == "errors" and "title" in answer["errors"]
    day = (clock.now + timedelta(days=3)).strftime("%Y-%m-%d")
    filled = {
        "title": {"title": {"type": "plain_text_input", "value": 'The "payload" review with @bob'}},
        "date": {"date": {"type": "datepicker", "selected_date": day}},
        "time": {"time": {"type": "timepicker", "selected_time": "15:00"}},
        "participants": {"participants": {"type": "multi_users_select", "selected_users": ["U2", "U3"]}},
    }
    driver.interactive(fs.view_submission("U1", blocks.MEETING_MODAL_CALLBACK, "C1", filled))
    wait_until(lambda: any("payload" in m["text"] for m in posts(fake, "C1")))
    with Session(adapter.core.engine) as session:  # the form's Command, never re-parsed: the title as typed
        assert [m.title for m in session.exec(select(Meeting))] == ['The "payload" review with @bob']


def test_the_form_speaks_and_reads_times_in_what_the_person_chose_over_slacks_profile(
    fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver, clock: ManualClock
) -> None:
    driver.command("U1", "C1", "me language zh")  # Slack says en-US and Asia/Shanghai; alice chooses
    driver.command("U1", "C1", "me timezone Europe/Berlin")
    wait_until(lambda: stored_profile(adapter, "U1") == ("zh", "Europe/Berlin"))
    driver.command("U1", "C1", "new", trigger_id="trig-1")
    view = fake.wait_for("views.open")[0].args["view"]
    assert view["title"]["text"] == "新建会议"
    day = (clock.now + timedelta(days=3)).strftime("%Y-%m-%d")
    filled = {
        "title": {"title": {"type": "plain_text_input", "value": "Sync"}},
        "date": {"date": {"type": "datepicker", "selected_date": day}},
        # 10:00 in Berlin is 17:00 in Shanghai, where U2 is: inside working hours for both, nothing to confirm
        "time": {"time": {"type": "timepicker", "selected_time": "10:00"}},
        "participants": {"participants": {"type": "multi_users_select", "selected_users": ["U2"]}},
    }
    driver.interactive(fs.view_submission("U1", blocks.MEETING_MODAL_CALLBACK, "C1", filled))
    wait_until(lambda: any("Sync" in m["text"] for m in posts(fake, "C1")))
    with Session(adapter.core.engine) as session:
        meeting = session.exec(select(Meeting)).one()
    assert meeting.start_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "10:00"
    assert stored_profile(adapter, "U1") == ("zh", "Europe/Berlin")  # users.info came again: not copied over


def test_plan_alone_opens_the_plan_form_and_its_submission_files_the_plan(
    fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver, clock: ManualClock
) -> None:
    driver.command("U1", "C1", "plan", trigger_id="trig-2")
    view = fake.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == plan_form.PLAN_MODAL_CALLBACK and view["private_metadata"] == "C1"
    day = (clock.now + timedelta(days=10)).strftime("%Y-%m-%d")

    def text(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value}

    filled: dict[str, Any] = {
        "name": {"name": text("Dealer day")},
        "plan_type": {"plan_type": {"type": "static_select", "selected_option": {"value": "client"}}},
        "goal": {"goal": text("more dealers")},
        "date": {"date": {"type": "datepicker", "selected_date": day}},
        "time": {"time": {"type": "timepicker", "selected_time": "14:00"}},
        "internal": {"internal": {"type": "multi_users_select", "selected_users": ["U2"]}},
        "external": {"external": text("Wang Wei, ACME, CEO")},
        "budget": {"budget": text("50000")},
        "budget_venue": {"budget_venue": text("20000")},
        "budget_catering": {"budget_catering": text("30000")},
    }
    answer = driver.interactive(fs.view_submission("U1", plan_form.PLAN_MODAL_CALLBACK, "C1", filled))
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"goal"}  # a goal needs a number
    filled["goal"] = {"goal": text("sign 50 dealers")}
    driver.interactive(fs.view_submission("U1", plan_form.PLAN_MODAL_CALLBACK, "C1", filled))
    wait_until(lambda: rows(adapter, MeetingPlan))
    with Session(adapter.core.engine) as session:
        meeting = session.exec(select(Meeting)).one()
        plan = session.exec(select(MeetingPlan)).one()
        assert (meeting.title, meeting.status, meeting.meeting_type) == ("Dealer day", "planned", "client")
        assert (plan.budget_total, plan.budget_venue, plan.budget_catering) == (5_000_000, 2_000_000, 3_000_000)
        people = {(p.side, p.name, p.company) for p in session.exec(select(PlanPerson))}
        assert ("external", "Wang Wei", "ACME") in people and any(side == "internal" for side, _n, _c in people)


def rows(adapter: SlackAdapter, model: type) -> list[Any]:
    with Session(adapter.core.engine) as session:
        return list(session.exec(select(model)))


def test_app_home_lists_my_items_and_its_done_button_works(
    fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver
) -> None:
    driver.command("U1", "C1", "action <@U2|bob> send the deck by friday")
    wait_until(lambda: items(adapter))
    driver.event(fs.app_home_opened("U2"))
    home = wait_until(lambda: fake.calls("views.publish"))[-1].args["view"]
    assert home["type"] == "home" and "send the deck" in json.dumps(home, ensure_ascii=False)
    done = button({"blocks": home["blocks"]}, "done ")
    payload = fs.block_action("U2", "", "", done["action_id"], done["value"])
    payload["container"] = {"type": "view", "view_id": "V1"}
    payload.pop("channel", None)
    payload.pop("message", None)
    driver.interactive(payload)
    wait_until(lambda: items(adapter)[0].status == "done")
    wait_until(lambda: len(fake.calls("views.publish")) >= 2)  # Home refreshed after the click


def test_blocked_from_app_home_asks_why_in_a_modal(fake: fs.FakeSlack, adapter: SlackAdapter, driver: Driver) -> None:
    driver.command("U1", "C1", "action <@U2|bob> send the deck by friday")
    wait_until(lambda: items(adapter))
    driver.event(fs.app_home_opened("U2"))
    home = wait_until(lambda: fake.calls("views.publish"))[-1].args["view"]
    blocked = next(e for b in home["blocks"] for e in b.get("elements") or []
                   if e.get("action_id", "").startswith(blocks.ASK_ACTION_PREFIX) and "status 1 blocked" in e["value"])
    payload = fs.block_action("U2", "", "", blocked["action_id"], blocked["value"], trigger_id="trig-9")
    payload["container"] = {"type": "view", "view_id": "V1"}
    payload.pop("channel", None)
    payload.pop("message", None)
    driver.interactive(payload)
    modal = fake.wait_for("views.open")[0].args["view"]
    assert modal["callback_id"] == blocks.ASK_MODAL_CALLBACK
    blank = {blocks.ASK_BLOCK: {blocks.ASK_BLOCK: {"type": "plain_text_input", "value": "  "}}}
    answer = driver.interactive(fs.view_submission("U2", blocks.ASK_MODAL_CALLBACK, modal["private_metadata"], blank))
    assert answer["response_action"] == "errors" and "waiting for legal" in answer["errors"][blocks.ASK_BLOCK]
    why = {blocks.ASK_BLOCK: {blocks.ASK_BLOCK: {"type": "plain_text_input", "value": "waiting for legal"}}}
    driver.interactive(fs.view_submission("U2", blocks.ASK_MODAL_CALLBACK, modal["private_metadata"], why))
    wait_until(lambda: items(adapter)[0].status == "blocked")


def test_events_of_one_conversation_are_handled_in_arrival_order() -> None:
    """The first event is the slowest; its channel's next event still waits for it, another channel's not."""
    done: list[str] = []

    async def scenario() -> None:
        order = InOrder()

        async def event(key: str, name: str, seconds: float) -> None:
            ticket = order.ticket(key)  # taken as the listener starts, before any await
            await asyncio.sleep(0)  # the ack
            async with order.turn(key, ticket):
                await asyncio.sleep(seconds)
                done.append(name)

        await asyncio.gather(event("C1", "agreed", 0.2), event("C1", "end", 0.0), event("C2", "other", 0.0))

    asyncio.run(scenario())
    assert done == ["other", "agreed", "end"]


@pytest.mark.parametrize(
    ("text", "form"),
    [("new", NewMeeting), ("New", NewMeeting), ("新建", NewMeeting), ("创建", NewMeeting),
     ('new "Sync" friday 3pm', None), ("list", None), ("", None), ("plan", Plan), ("申报", Plan),
     ("plan 3", None)],
)
def test_new_or_plan_alone_in_either_language_opens_its_form(text: str, form: type | None) -> None:
    assert alone(text) is form
