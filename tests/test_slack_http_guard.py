"""Slack HTTP mode against hostile requests, over real HTTP into the app served by uvicorn.

Anyone on the internet can reach the events URL; only Slack can sign. So nothing a stranger sends may cost
more than a small, fixed amount of memory (oversized bodies are refused before they are read), and nothing
malformed (headers, JSON, payload shapes) may turn into a 500. A signed slash command Slack resends with
the same `trigger_id` has one effect.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, select

from adapters.slack.app import MAX_BODY_BYTES, SlackAdapter
from store.models import Meeting
from tests import fake_slack as fs
from tests.local_server import wait_until
from tests.test_slack_adapter import SECRET, HttpDriver, adapter, fake, posts

__all__ = ["adapter", "fake"]  # fixtures, imported so pytest finds them here

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def http(adapter: SlackAdapter) -> Iterator[HttpDriver]:
    driver = HttpDriver(adapter)
    yield driver
    driver.close()


def connection(http: HttpDriver) -> HTTPConnection:
    parts = urlsplit(http.url)
    assert parts.hostname is not None and parts.port is not None
    return HTTPConnection(parts.hostname, parts.port, timeout=10)


def raw_post(http: HttpDriver, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """A POST with exactly these headers (no signing, no Content-Type added)."""
    conn = connection(http)
    try:
        conn.request("POST", urlsplit(http.url).path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_a_declared_oversized_body_is_refused_before_it_is_sent(http: HttpDriver) -> None:
    conn = connection(http)
    try:
        conn.putrequest("POST", urlsplit(http.url).path)
        conn.putheader("Content-Type", FORM)
        conn.putheader("Content-Length", str(300 * 1024 * 1024))
        conn.endheaders(b"text=a")  # 6 bytes of the promised 300 MB: the answer must not wait for the rest
        response = conn.getresponse()
        assert response.status == 413
    finally:
        conn.close()


def test_a_chunked_body_is_refused_once_it_grows_past_the_limit(http: HttpDriver) -> None:
    chunk = b"a" * 65536
    chunks_sent = 0

    def body() -> Iterator[bytes]:
        nonlocal chunks_sent
        for _ in range(2 * MAX_BODY_BYTES // len(chunk)):  # twice the limit, bounded
            chunks_sent += 1
            yield chunk

    conn = connection(http)
    try:
        # the server may answer and close while the client is still sending: what we want
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request("POST", urlsplit(http.url).path, body=body(), headers={"Content-Type": FORM},
                         encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413
    finally:
        conn.close()


def test_a_body_just_under_the_limit_reaches_the_signature_check(http: HttpDriver) -> None:
    body = "text=" + "a" * (MAX_BODY_BYTES - 10)
    assert http.post(body, FORM, secret="wrong")[0] == 401


@pytest.mark.parametrize("timestamp", ["yesterday", "", "1e9", "9" * 400, "-", "12.5"])
def test_a_malformed_timestamp_header_is_401_not_500(http: HttpDriver, timestamp: str) -> None:
    body = fs.form_body(fs.slash_command("list", "U1", "C1"))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"}
    assert raw_post(http, body.encode(), headers)[0] == 401


def test_a_header_that_is_not_utf8_is_400_not_500(http: HttpDriver) -> None:
    body = fs.form_body(fs.slash_command("list", "U1", "C1"))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time())),
               "X-Slack-Signature": "v0=é"}  # sent as the single byte 0xE9
    assert raw_post(http, body.encode(), headers)[0] == 400


def test_unsigned_requests_are_refused_before_their_body_is_parsed(http: HttpDriver) -> None:
    status, reason = raw_post(http, b"{not json", {"Content-Type": "application/json"})
    assert status == 401 and "Traceback" not in reason


def test_a_bad_content_length_is_400(http: HttpDriver) -> None:
    conn = connection(http)
    try:
        conn.putrequest("POST", urlsplit(http.url).path)
        conn.putheader("Content-Length", "12abc")
        conn.endheaders()
        assert conn.getresponse().status == 400
    finally:
        conn.close()


@pytest.mark.parametrize(("body", "content_type"), [
    pytest.param("{not json", "application/json", id="broken-json"),
    pytest.param("[1, 2, 3]", "application/json", id="json-array"),
    pytest.param('"just a string"', "application/json", id="json-string"),
    pytest.param("payload=%7Bbroken", FORM, id="broken-interactive-payload"),
    pytest.param("payload=%5B%5D", FORM, id="interactive-payload-not-an-object"),
    pytest.param(json.dumps({"type": "event_callback", "event": "not an object"}), "application/json",
                 id="event-not-an-object"),
    pytest.param(json.dumps({"type": "event_callback", "event": {"type": "message"}}), "application/json",
                 id="message-event-without-fields"),
    pytest.param(json.dumps({"type": "block_actions", "actions": "x"}), "application/json",
                 id="actions-not-a-list"),
])
def test_signed_but_malformed_bodies_are_4xx_not_500(http: HttpDriver, body: str, content_type: str) -> None:
    status, reason = http.post(body, content_type)
    assert status in (200, 400, 404), (status, reason)
    assert "Traceback" not in reason


def test_a_signed_body_that_is_not_utf8_is_400(http: HttpDriver) -> None:
    raw = b"text=\xff\xfe"
    headers = {"Content-Type": FORM, **fs.sign(raw.decode("latin-1"), SECRET)}
    assert raw_post(http, raw, headers)[0] in (400, 401)


def test_a_resent_slash_command_creates_one_meeting(fake: fs.FakeSlack, adapter: SlackAdapter,
                                                   http: HttpDriver) -> None:
    for _ in range(3):  # Slack's resend, or a captured request replayed within the five-minute window
        http.command("U1", "C1", 'new "Budget" tomorrow 3pm with <@U2|bob>', trigger_id="13345224609.738474920.8088")
    wait_until(lambda: any("Budget" in m["text"] for m in posts(fake, "C1")))
    http.command("U1", "C1", "list", trigger_id="13345224609.738474920.8089")  # later in the same channel's queue
    wait_until(lambda: len(fake.calls("chat.postEphemeral")) >= 1)
    with Session(adapter.core.engine) as session:
        assert [m.title for m in session.exec(select(Meeting))] == ["Budget"]
