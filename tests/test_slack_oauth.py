"""Install anywhere: Slack's OAuth install end to end against the local fake Slack, on 127.0.0.1 only.

A browser's part is played with plain HTTP requests: open `/slack/install`, follow its "Add to Slack" link to the
fake's authorize page (the person clicks Allow), which sends the browser to `/slack/oauth_redirect` with a code;
the app exchanges it (`oauth.v2.access`) and stores the team's bot token in Quorum's database. Then each team's
events are answered with that team's own token (the fake records the token of every call), the ticker's later
posts too, and `app_uninstalled` deletes a team's tokens while its meetings stay. Every token is a dummy.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, select
from sqlmodel import col

from adapters.slack.app import SlackAdapter
from adapters.slack.install import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH, Installations
from adapters.slack.run import EVENTS_PATH, bound_port, build_adapter, http_server, serve_socket_mode
from bot.errors import ConfigError, Undeliverable
from bot.messages import OutMessage, Target
from store.database import migrate
from store.models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES, Meeting, Workspace
from tests import fake_slack as fs
from tests.conftest import make_settings, migrated_core
from tests.harness import ManualClock
from tests.local_server import Serving, wait_until
from tests.test_slack_adapter import SECRET, HttpDriver

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "dummy-client-secret"
TOKEN_A = "xoxb-dummy-team-a"
TOKEN_B = "xoxb-dummy-team-b"
MANIFEST = "slack/manifest.json"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    """One GET as a browser sends it (redirects not followed: the test follows them, with the cookie)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


class Browser:
    """Someone installing Quorum from its install page."""

    def __init__(self, base: str) -> None:
        self.base = base

    def authorize(self) -> tuple[str, str]:
        """Open the install page, follow its link, click "Allow": the state cookie and where Slack sends us."""
        status, headers, page = get(self.base + INSTALL_PATH)
        assert status == 200, page
        cookie = headers["set-cookie"].split(";")[0]  # slack-app-oauth-state=…
        link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', page)
        assert link is not None, page
        status, headers, _ = get(link[1].replace("&amp;", "&"))
        assert status == 302
        return cookie, headers["location"]

    def install(self) -> tuple[int, str]:
        cookie, redirect = self.authorize()
        status, _, page = get(redirect, cookie)
        return status, page


@pytest.fixture
def fake() -> Iterator[fs.FakeSlack]:
    with fs.FakeSlack() as fake:
        fake.client = (CLIENT_ID, CLIENT_SECRET)
        fake.add_user("U1", "alice", "Alice Wang", locale="en-US", display_name="alice")
        fake.add_user("U2", "bob", "Bob Li", locale="en-US", display_name="bob")
        yield fake


@pytest.fixture
def adapter(fake: fs.FakeSlack, sqlite_file_url: str, clock: ManualClock) -> SlackAdapter:
    settings = make_settings(sqlite_file_url, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                             SLACK_SIGNING_SECRET=SECRET, SLACK_AUTHORIZE_URL=fake.authorize_url)
    return SlackAdapter(migrated_core(settings), None, SECRET, fake.api_url, clock=clock)


@pytest.fixture
def http(fake: fs.FakeSlack, adapter: SlackAdapter) -> Iterator[HttpDriver]:
    driver = HttpDriver(adapter)
    fake.redirect_url = driver.url.removesuffix(EVENTS_PATH) + REDIRECT_PATH
    yield driver
    driver.close()


def bots(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {row.team_id: row.bot_token for row in connection.execute(select(SLACK_BOTS))}


OWN_TOKEN = {"CA1": TOKEN_A, "DU1": TOKEN_A, "CB1": TOKEN_B, "DU2": TOKEN_B}
"""Alpha's channel and alice (in Alpha), Beta's channel and bob (in Beta): the token each post there must use."""


def posts_with_own_token(calls: list[fs.Call]) -> set[str]:
    """The channels posted to, after checking each post used its team's token."""
    for call in calls:
        assert call.token == OWN_TOKEN[str(call.args["channel"])], call
    return {str(call.args["channel"]) for call in calls}


def installed_teams(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [str(row.team_id) for row in connection.execute(select(SLACK_INSTALLATIONS))]


def meetings_of(engine: Engine, team: str) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(select(col(Meeting.title)).join(Workspace, col(Meeting.workspace_id) == Workspace.id)
                                  .where(col(Workspace.external_id) == team))
        return [str(row[0]) for row in rows]


def test_install_answer_per_team_and_uninstall(fake: fs.FakeSlack, adapter: SlackAdapter, http: HttpDriver,
                                               clock: ManualClock) -> None:
    engine = adapter.core.engine
    browser = Browser(http.url.removesuffix(EVENTS_PATH))

    fake.install_next("TA", "Alpha Corp", TOKEN_A)
    status, page = browser.install()
    assert status == 200 and "Quorum is now in Alpha Corp" in page
    assert bots(engine) == {"TA": TOKEN_A}  # the token is in Quorum's database
    exchange = fake.calls("oauth.v2.access")[-1]
    assert (exchange.args["client_id"], exchange.args["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)

    http.command("U1", "CA1", 'new "Alpha review" tomorrow 3pm for 1h', team="TA")
    assert "CA1" in posts_with_own_token(fake.wait_for("chat.postMessage"))
    assert {call.token for call in fake.calls("users.info")} == {TOKEN_A}

    fake.install_next("TB", "Beta Ltd", TOKEN_B)
    status, page = browser.install()
    assert status == 200 and "Beta Ltd" in page
    assert bots(engine) == {"TA": TOKEN_A, "TB": TOKEN_B}
    posted = len(fake.calls("chat.postMessage"))
    http.command("U2", "CB1", 'new "Beta planning" tomorrow 4pm for 1h', team="TB")
    fake.wait_for("chat.postMessage", posted + 1)
    assert "CB1" in posts_with_own_token(fake.wait_for("chat.postMessage", posted + 1)[posted:])
    assert {call.token for call in fake.calls("users.info")} == {TOKEN_A, TOKEN_B}

    # Later, from the ticker: each team's reminders go out with that team's token.
    posted = len(fake.calls("chat.postMessage"))
    clock.advance(timedelta(days=1, hours=5, minutes=50))  # Tuesday 14:50: "starts in 15 minutes" for Alpha
    assert adapter.tick() >= 1
    clock.advance(timedelta(hours=1))  # 15:50: Beta's
    assert adapter.tick() >= 1
    assert {"CA1", "CB1"} <= posts_with_own_token(fake.calls("chat.postMessage")[posted:])

    # Uninstalled from Alpha: its tokens go, its meetings stay; Beta is untouched.
    http.event(fs.app_uninstalled("TA"))
    # Acknowledged at once, deleted right after: Bolt deletes the bot row, then the installation rows.
    wait_until(lambda: bots(engine) == {"TB": TOKEN_B} and installed_teams(engine) == ["TB"])
    assert meetings_of(engine, "TA") == ["Alpha review"]
    assert meetings_of(engine, "TB") == ["Beta planning"]
    with pytest.raises(Undeliverable, match="not installed"):
        adapter.send(OutMessage(target=Target("channel", channel="CA1", workspace="TA"), text="hi", lang="en"))
    calls = len(fake.calls())
    http.event(fs.message_event("#info still there?", "U1", "CA1", team="TA"))  # Bolt finds no token: ignored
    http.command("U2", "CB1", "list", team="TB")
    fake.wait_for("chat.postEphemeral")
    assert posts_with_own_token([call for call in fake.calls()[calls:] if "channel" in call.args]) == {"CB1"}


def test_tokens_revoked_deletes_the_bot_token(fake: fs.FakeSlack, adapter: SlackAdapter, http: HttpDriver) -> None:
    fake.install_next("TB", "Beta Ltd", TOKEN_B)
    assert Browser(http.url.removesuffix(EVENTS_PATH)).install()[0] == 200
    http.event(fs.tokens_revoked("TB", "UBOTTB"))
    wait_until(lambda: bots(adapter.core.engine) == {})
    assert adapter.installations is not None and adapter.installations.bot_token("TB") is None


def test_a_forged_or_replayed_state_gets_a_clear_page(fake: fs.FakeSlack, adapter: SlackAdapter,
                                                      http: HttpDriver) -> None:
    base = http.url.removesuffix(EVENTS_PATH)
    forged = f"{base}{REDIRECT_PATH}?code=anything&state=forged-state"
    status, _, page = get(forged, "slack-app-oauth-state=forged-state")
    assert status == 401 and "not issued by this Quorum" in page and INSTALL_PATH in page
    status, _, page = get(forged)  # no cookie: not the browser that started the install
    assert status == 400 and "not started in this browser" in page
    status, _, page = get(f"{base}{REDIRECT_PATH}?error=access_denied")
    assert "cancelled" in page
    assert bots(adapter.core.engine) == {}
    assert fake.calls("oauth.v2.access") == []  # nothing was exchanged

    fake.install_next("TA", "Alpha Corp", TOKEN_A)
    cookie, redirect = Browser(base).authorize()
    assert get(redirect, cookie)[0] == 200
    status, _, page = get(redirect, cookie)  # the same redirect again: its state was used up
    assert status == 401 and "already used" in page


def test_single_workspace_mode_is_chosen_by_the_settings(fake: fs.FakeSlack, sqlite_file_url: str) -> None:
    single = make_settings(sqlite_file_url, SLACK_BOT_TOKEN="xoxb-dummy", SLACK_SIGNING_SECRET=SECRET,
                           SLACK_API_URL=fake.api_url)
    assert not single.slack_oauth and build_adapter(single, migrated_core(single)).installations is None
    both = make_settings(sqlite_file_url, SLACK_BOT_TOKEN="xoxb-dummy", SLACK_CLIENT_ID=CLIENT_ID,
                         SLACK_CLIENT_SECRET=CLIENT_SECRET, SLACK_SIGNING_SECRET=SECRET)
    with pytest.raises(ConfigError, match="not both"):
        build_adapter(both, migrated_core(both))
    with pytest.raises(ConfigError, match="SLACK_CLIENT_SECRET"):
        _ = make_settings(sqlite_file_url, SLACK_CLIENT_ID=CLIENT_ID).slack_oauth
    no_secret = make_settings(sqlite_file_url, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        build_adapter(no_secret, migrated_core(no_secret))
    empty = make_settings(sqlite_file_url, SLACK_CLIENT_ID="", SLACK_CLIENT_SECRET="", SLACK_BOT_TOKEN="xoxb-dummy",
                          SLACK_APP_TOKEN="xapp-dummy")
    assert not empty.slack_oauth  # copied from .env.example with the OAuth lines left empty: one workspace


def test_our_tables_are_the_ones_slack_sdk_reads_and_writes() -> None:
    ours = {table.name: table for table in (SLACK_INSTALLATIONS, SLACK_BOTS, SLACK_OAUTH_STATES)}
    metadata = MetaData()
    theirs = [SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
              SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
              SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")]

    def shape(table: Table) -> list[tuple[str, str, bool]]:
        return [(c.name, repr(c.type), bool(c.nullable)) for c in table.columns]

    for table in theirs:
        assert shape(ours[table.name]) == shape(table)
        assert {i.name: [c.name for c in i.columns] for i in ours[table.name].indexes} == {
            i.name: [c.name for c in i.columns] for i in table.indexes}


def test_the_manifest_asks_for_the_scopes_the_install_asks_for() -> None:
    with open(MANIFEST, encoding="utf-8") as file:
        manifest = json.load(file)
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert {"app_uninstalled", "tokens_revoked"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert any(url.endswith(REDIRECT_PATH) for url in manifest["oauth_config"]["redirect_urls"])


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_installations_round_trip(backend: str, request: pytest.FixtureRequest) -> None:
    engine: Engine = (migrated_core(make_settings(request.getfixturevalue("sqlite_file_url"))).engine
                      if backend == "sqlite" else request.getfixturevalue("pg_engine"))
    migrate(engine)
    store = Installations(CLIENT_ID, engine)
    store.save_bot(Bot(app_id=fs.APP_ID, enterprise_id=None, team_id="TA", bot_token=TOKEN_A, bot_id="B1",
                       bot_user_id="U1", installed_at=1700000000.0))
    store.save_bot(Bot(app_id=fs.APP_ID, enterprise_id=None, team_id="TA", bot_token=TOKEN_A + "-new", bot_id="B1",
                       bot_user_id="U1", installed_at=1700000100.0))
    assert store.bot_token("TA") == TOKEN_A + "-new"  # a reinstall's token wins
    assert Installations("another-app", engine).bot_token("TA") is None  # scoped by the app's client id
    store.delete_bot(enterprise_id=None, team_id="TA")
    assert store.bot_token("TA") is None


def test_socket_mode_with_the_install_pages_beside_it(fake: fs.FakeSlack, sqlite_file_url: str,
                                                       clock: ManualClock) -> None:
    """Events over Socket Mode, `/slack/install` on the HTTP port: installed there, answered with its token."""
    settings = make_settings(sqlite_file_url, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                             SLACK_SIGNING_SECRET=SECRET, SLACK_APP_TOKEN="xapp-dummy", SLACK_API_URL=fake.api_url,
                             SLACK_AUTHORIZE_URL=fake.authorize_url, QUORUM_OPS_ADDRESS="off",
                             QUORUM_TICK_SECONDS="3600")
    adapter = build_adapter(settings, migrated_core(settings), clock)
    pages = http_server(adapter, "127.0.0.1", 0)
    running = Serving(lambda stop: serve_socket_mode(adapter, "xapp-dummy", settings, stop, pages=pages))
    try:
        fake.wait_connected()
        wait_until(lambda: pages.started)
        base = f"http://127.0.0.1:{bound_port(pages)}"
        fake.redirect_url = base + REDIRECT_PATH
        fake.install_next("TA", "Alpha Corp", TOKEN_A)
        assert Browser(base).install()[0] == 200
        ack = fake.wait_for_ack(fake.push("slash_commands", fs.slash_command("list", "U1", "CA1", team="TA")))
        assert ack["envelope_id"]
        assert posts_with_own_token(fake.wait_for("chat.postEphemeral")) == {"CA1"}
    finally:
        assert running.stop()
    assert pages.should_exit  # the install pages stopped with the drain
