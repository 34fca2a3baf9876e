"""Tests of the fake DingTalk itself, only where the adapter tests lean on it being as strict as DingTalk:
tokens and tickets, APIs it does not serve, the card rules, injected failures, and a gateway that goes silent
(what the idle-watchdog test relies on)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import websockets

from tests import fake_dingtalk as fd


@pytest.fixture
def fake() -> Iterator[fd.FakeDingTalk]:
    with fd.FakeDingTalk(ping_interval=0.1) as fake:
        yield fake


def token(fake: fd.FakeDingTalk) -> str:
    answer = requests.post(fake.endpoint + fd.ACCESS_TOKEN, json={"appKey": fd.CLIENT_ID,
                                                                  "appSecret": fd.CLIENT_SECRET}, timeout=5)
    return str(answer.json()["accessToken"])


def call(fake: fd.FakeDingTalk, method: str, path: str, body: dict[str, Any], access: str | None) -> requests.Response:
    headers = {"x-acs-dingtalk-access-token": access} if access else {}
    return requests.request(method, fake.endpoint + path, json=body, headers=headers, timeout=5)


GROUP_MESSAGE = {"robotCode": fd.CLIENT_ID, "openConversationId": "cid1", "msgKey": "sampleMarkdown",
                 "msgParam": json.dumps({"title": "t", "text": "x"})}


def test_calls_need_an_issued_token_and_the_app_secret(fake: fd.FakeDingTalk) -> None:
    wrong = requests.post(fake.endpoint + fd.ACCESS_TOKEN, json={"appKey": fd.CLIENT_ID, "appSecret": "x"}, timeout=5)
    assert wrong.status_code == 400
    assert call(fake, "POST", fd.GROUP_SEND, GROUP_MESSAGE, None).status_code == 401
    assert call(fake, "POST", fd.GROUP_SEND, GROUP_MESSAGE, "made-up").status_code == 401
    access = token(fake)
    assert call(fake, "POST", fd.GROUP_SEND, GROUP_MESSAGE, access).status_code == 200
    fake.expire_tokens()
    assert call(fake, "POST", fd.GROUP_SEND, GROUP_MESSAGE, access).status_code == 401
    assert fake.token_requests == 2 and len(fake.messages("group", "cid1")) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("POST", "/v1.0/im/v1.0/robot/interactiveCards/send", {}, id="robot-interactive-card"),
        pytest.param("PUT", "/v1.0/im/robots/interactiveCards", {}, id="robot-interactive-card-update"),
        pytest.param("POST", fd.GROUP_SEND, {**GROUP_MESSAGE, "msgParam": {"text": "x"}}, id="msgParam-not-a-string"),
        pytest.param("POST", fd.GROUP_SEND, {**GROUP_MESSAGE, "robotCode": "other"}, id="someone-elses-robot"),
        pytest.param("POST", fd.CARD_CREATE_AND_DELIVER,
                     {"cardTemplateId": "t", "outTrackId": "c", "cardData": {"cardParamMap": {"n": 1}},
                      "openSpaceId": "dtv1.card//IM_GROUP.cid1",
                      "imGroupOpenDeliverModel": {"robotCode": fd.CLIENT_ID}},
                     id="card-value-not-a-string"),
        pytest.param("POST", fd.CARD_CREATE_AND_DELIVER,
                     {"cardTemplateId": "t", "outTrackId": "c", "cardData": {"cardParamMap": {}},
                      "openSpaceId": "dtv1.card//IM_GROUP.cid1"}, id="card-group-without-robot"),
        pytest.param("PUT", fd.CARD_INSTANCES, {"outTrackId": "never-made", "cardData": {"cardParamMap": {}}},
                     id="update-of-an-unknown-card"),
    ],
)
def test_what_dingtalk_refuses_the_fake_refuses(fake: fd.FakeDingTalk, method: str, path: str,
                                                body: dict[str, Any]) -> None:
    assert call(fake, method, path, body, token(fake)).status_code in (400, 404)
    assert fake.messages() == [] and fake.cards() == []


def test_injected_failures_come_in_order_then_the_call_succeeds(fake: fd.FakeDingTalk) -> None:
    access = token(fake)
    fake.fail_next(fd.GROUP_SEND)
    fake.fail_next(fd.GROUP_SEND, status=503)
    first, second, third = (call(fake, "POST", fd.GROUP_SEND, GROUP_MESSAGE, access) for _ in range(3))
    assert (first.status_code, first.json()["code"]) == (403, fd.QPS_LIMIT_CODE)
    assert second.status_code == 503 and third.status_code == 200


def test_private_messages_report_unknown_and_flow_controlled_staff(fake: fd.FakeDingTalk) -> None:
    fake.invalid_staff("ghost")
    fake.flow_control("busy")
    body = {**GROUP_MESSAGE, "userIds": ["ghost", "busy", "li"]}
    answer = call(fake, "POST", fd.OTO_BATCH_SEND, body, token(fake)).json()
    assert answer["invalidStaffIdList"] == ["ghost"] and answer["flowControlledStaffIdList"] == ["busy"]
    assert [m.targets for m in fake.messages("oto")] == [("li",)]


def test_the_org_chart_answers_with_the_token_in_the_query_and_can_refuse(fake: fd.FakeDingTalk) -> None:
    fake.org_person("li", "李雷", manager="han", departments=(1, 7))

    def user_get(userid: str, access: str) -> dict[str, Any]:
        answer = requests.post(fake.endpoint + fd.USER_GET, params={"access_token": access}, timeout=5,
                               json={"userid": userid})
        assert answer.status_code == 200  # oapi says what went wrong in errcode, not in the status
        return dict(answer.json())

    assert user_get("li", "made-up")["errcode"] == 40014
    li = user_get("li", token(fake))
    assert li["errcode"] == 0 and li["result"]["manager_userid"] == "han" and li["result"]["dept_id_list"] == [1, 7]
    assert user_get("nobody", token(fake))["errcode"] == 60121
    fake.refuse_contacts()
    assert (user_get("li", token(fake))["errcode"], user_get("li", token(fake))["sub_code"]) == (88, "60011")


async def _open(fake: fd.FakeDingTalk) -> Any:
    opened = await asyncio.to_thread(requests.post, fake.endpoint + fd.OPEN_CONNECTION, timeout=5, json={
        "clientId": fd.CLIENT_ID, "clientSecret": fd.CLIENT_SECRET, "subscriptions": []})
    body = opened.json()
    return await websockets.connect(f"{body['endpoint']}?ticket={body['ticket']}"), body["ticket"]


def test_a_ticket_opens_one_connection_and_a_silent_gateway_says_nothing(fake: fd.FakeDingTalk) -> None:
    async def scenario() -> None:
        websocket, ticket = await _open(fake)
        assert json.loads(await asyncio.wait_for(websocket.recv(), 2))["headers"]["topic"] == "ping"
        await asyncio.wait_for(await websocket.ping(), 2)  # pongs while speaking
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await websockets.connect(f"ws://127.0.0.1:{fake.port}/gateway?ticket={ticket}")  # used up
        fake.go_silent()
        await asyncio.sleep(0.15)
        with contextlib.suppress(TimeoutError):  # drain what was sent before it went silent
            while True:
                await asyncio.wait_for(websocket.recv(), 0.02)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(websocket.recv(), 0.5)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(await websocket.ping(), 0.5)
        await websocket.close()

    asyncio.run(scenario())
