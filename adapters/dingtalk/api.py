"""The DingTalk OpenAPI calls Quorum makes: robot messages to groups and people, card-platform cards, session
webhook replies, with the access token cached until shortly before it expires.

Why not the SDK's helpers: `ChatbotHandler.reply_*` only answer an incoming message and swallow errors
(they log and return ""), and its `requests` calls have no timeout. Proactive reminders need to send with
no incoming message and to know exactly how a send failed: throttled (DingTalk's QPS limit, HTTP 429/5xx,
`flowControlledStaffIdList`) is `Throttled` and stays pending for a later tick; a staff id DingTalk says
does not exist (`invalidStaffIdList`, or the whole call refused with `staffId.notExisted`) is `Undeliverable`
and is not retried. Every URL starts at
`DINGTALK_OPENAPI_ENDPOINT`, the SDK's own variable.

Cards go through the card platform (`POST /v1.0/card/instances/createAndDeliver`, updated with
`PUT /v1.0/card/instances`) with `callbackType: "STREAM"`: DingTalk sends a card's clicks to a Stream client
only for cards created that way (see `render`). One call creates and delivers, so a card costs one request
against the QPS limit; DingTalk answers 200 with a per-space `deliverResults` entry, and a space it could not
deliver to (`success: false`) is a refusal like any other.

The organisation's directory (`topapi/v2/user/get` on oapi: a person's `manager_userid` and `dept_id_list`)
is read only with the Contact permission the tenant admin grants (README); without it DingTalk answers HTTP
200 with a non-zero `errcode` (88 / 60011, "应用尚未开通所需的权限"), which is `OrgRefused`.

A reply URL (`sessionWebhook`) comes inside the message body; `trusted_webhook` accepts only DingTalk's own
hosts or the configured endpoints, so a forged body cannot make Quorum post a conversation's contents (and its
@mentions) to a URL of someone else's choosing.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from adapters.dingtalk.render import CARD_TEMPLATE_ID
from bot.errors import Undeliverable

TIMEOUT_SECONDS = 10.0
TOKEN_MARGIN_SECONDS = 300.0  # renew this long before DingTalk says the token expires
THROTTLE_CODES = frozenset({"Forbidden.AccessDenied.QpsLimitForApi", "Throttling", "Throttling.Api"})
DINGTALK_WEBHOOK_ORIGINS = ("https://oapi.dingtalk.com", "https://api.dingtalk.com")
CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_INSTANCES = "/v1.0/card/instances"
USER_GET = "/topapi/v2/user/get"
UNREACHABLE_CODES = frozenset({"staffId.notExisted"})  # oToMessages/batchSend: no such person in the organization
USER_ID_TYPE_STAFF = 1  # ids in a card request are staff ids (userid), not union ids


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an absolute http(s) URL without credentials; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None:
        return None
    return parts.scheme, parts.hostname.lower(), port


class DingTalkError(RuntimeError):
    """DingTalk refused a call; the send stays pending and is retried with backoff. `code`: DingTalk's error code
    when it gave one."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class Throttled(DingTalkError):
    """Rate limited or flow controlled: try again later."""


class OrgRefused(DingTalkError):
    """DingTalk would not show a person's directory entry (`code`: its errcode, or sub_code when it gives one)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{USER_GET}: {code} {message}", code)


class DingTalkApi:
    def __init__(self, endpoint: str, client_id: str, client_secret: str, robot_code: str,
                 oapi_endpoint: str = "https://oapi.dingtalk.com") -> None:
        self.endpoint = endpoint.rstrip("/")
        self.oapi_endpoint = oapi_endpoint.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.robot_code = robot_code
        self.http = requests.Session()
        self.http.trust_env = False if endpoint.startswith("http://127.0.0.1") else self.http.trust_env
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    # ---- token ------------------------------------------------------------------------------------------
    def token(self) -> str:
        with self._lock:
            if self._token is not None and time.monotonic() < self._token[1]:
                return self._token[0]
            response = self.http.post(f"{self.endpoint}/v1.0/oauth2/accessToken", timeout=TIMEOUT_SECONDS,
                                      json={"appKey": self.client_id, "appSecret": self.client_secret})
            body = self._body(response)
            token = str(body["accessToken"])
            self._token = (token, time.monotonic() + float(body.get("expireIn", 7200)) - TOKEN_MARGIN_SECONDS)
            return token

    # ---- calls ------------------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """One authenticated OpenAPI call; a 401 renews the token once."""
        for attempt in range(2):
            response = self.http.request(method, f"{self.endpoint}{path}", timeout=TIMEOUT_SECONDS,
                                         headers={"x-acs-dingtalk-access-token": self.token(),
                                                  "Content-Type": "application/json"},
                                         data=json.dumps(body, ensure_ascii=False).encode())
            if response.status_code == 401 and attempt == 0:
                with self._lock:
                    self._token = None
                continue
            return self._body(response)
        raise DingTalkError(f"{path}: still unauthorized after renewing the access token")

    def send_group(self, conversation_id: str, msg_key: str, msg_param: dict[str, Any]) -> str:
        body = self.call("POST", "/v1.0/robot/groupMessages/send", {
            "robotCode": self.robot_code, "openConversationId": conversation_id, "msgKey": msg_key,
            "msgParam": json.dumps(msg_param, ensure_ascii=False)})
        return str(body.get("processQueryKey") or "")

    def send_direct(self, staff_id: str, msg_key: str, msg_param: dict[str, Any]) -> str:
        """A message in `staff_id`'s 1:1 chat with the robot. A person DingTalk cannot reach there (listed in
        `invalidStaffIdList`, or the call refused with `staffId.notExisted`) is `Undeliverable`."""
        try:
            body = self.call("POST", "/v1.0/robot/oToMessages/batchSend", {
                "robotCode": self.robot_code, "userIds": [staff_id], "msgKey": msg_key,
                "msgParam": json.dumps(msg_param, ensure_ascii=False)})
        except DingTalkError as error:
            if error.code in UNREACHABLE_CODES:
                raise Undeliverable(f"DingTalk cannot reach staff id {staff_id!r} ({error.code})") from error
            raise
        if staff_id in (body.get("invalidStaffIdList") or []):
            raise Undeliverable(f"DingTalk knows no staff id {staff_id!r}")
        if staff_id in (body.get("flowControlledStaffIdList") or []):
            raise Throttled(f"DingTalk flow-controlled the message to {staff_id!r}")
        return str(body.get("processQueryKey") or "")

    def upload_file(self, filename: str, data: bytes) -> str:
        """A file for a `sampleFile` message: uploaded to oapi's `media/upload` (the one API DingTalk still
        serves only there); returns its media id."""
        response = self.http.post(f"{self.oapi_endpoint}/media/upload", timeout=TIMEOUT_SECONDS,
                                  params={"access_token": self.token()}, data={"type": "file"},
                                  files={"media": (filename, data, "application/octet-stream")})
        body = self._body(response)
        if body.get("errcode", 0) != 0 or "media_id" not in body:
            raise DingTalkError(f"media/upload: {body.get('errcode')} {body.get('errmsg')}")
        return str(body["media_id"])

    def user_detail(self, staff_id: str) -> dict[str, Any]:
        """A person's entry in the organisation's directory: `manager_userid`, `dept_id_list`, `name`, …"""
        response = self.http.post(f"{self.oapi_endpoint}{USER_GET}", timeout=TIMEOUT_SECONDS,
                                  params={"access_token": self.token()},
                                  json={"userid": staff_id, "language": "zh_CN"})
        body = self._body(response)
        if body.get("errcode", 0) != 0:
            raise OrgRefused(str(body.get("sub_code") or body.get("errcode")),
                             str(body.get("sub_msg") or body.get("errmsg") or ""))
        result = body.get("result")
        return result if isinstance(result, dict) else {}

    def send_card(self, card_id: str, params: dict[str, str], *, conversation_id: str | None = None,
                  staff_id: str | None = None, mention_ids: tuple[str, ...] = ()) -> None:
        """Create a card whose clicks come back over Stream and deliver it to a group (by its open conversation
        id) or to one person's chat with the robot (by staff id)."""
        body: dict[str, Any] = {
            "cardTemplateId": CARD_TEMPLATE_ID, "outTrackId": card_id, "callbackType": "STREAM",
            "userIdType": USER_ID_TYPE_STAFF, "cardData": {"cardParamMap": params},
        }
        if conversation_id is not None:
            deliver: dict[str, Any] = {"robotCode": self.robot_code}
            if mention_ids:
                deliver["atUserIds"] = {staff: staff for staff in mention_ids}
            body |= {"openSpaceId": f"dtv1.card//IM_GROUP.{conversation_id}",
                     "imGroupOpenSpaceModel": {"supportForward": False}, "imGroupOpenDeliverModel": deliver}
        else:
            body |= {"openSpaceId": f"dtv1.card//IM_ROBOT.{staff_id}",
                     "imRobotOpenSpaceModel": {"supportForward": False},
                     "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": self.robot_code}}
        answer = self.call("POST", CREATE_AND_DELIVER, body)
        results = (answer.get("result") or {}).get("deliverResults") or []
        refused = [r for r in results if not r.get("success")]
        if answer.get("success") is False or not results or refused:
            reason = refused[0].get("errorMsg") if refused else answer.get("message")
            raise DingTalkError(f"{CREATE_AND_DELIVER}: card {card_id} not delivered ({reason or 'no result'})")

    def update_card(self, card_id: str, params: dict[str, str]) -> None:
        answer = self.call("PUT", CARD_INSTANCES, {"outTrackId": card_id, "userIdType": USER_ID_TYPE_STAFF,
                                                   "cardData": {"cardParamMap": params}})
        if answer.get("success") is False:
            raise DingTalkError(f"{CARD_INSTANCES}: card {card_id} not updated ({answer.get('message')})")

    def trusted_webhook(self, url: str) -> bool:
        """A reply URL on DingTalk's own hosts or on a configured endpoint (a local fake in tests)."""
        origin = _origin(url)
        allowed = {_origin(o) for o in (*DINGTALK_WEBHOOK_ORIGINS, self.endpoint, self.oapi_endpoint)}
        return origin is not None and origin in allowed

    def reply_by_session(self, webhook: str, title: str, text: str, mention_ids: tuple[str, ...] = ()) -> None:
        """Answer in the conversation a message came from (the webhook lives ~90 min); @mentions notify."""
        response = self.http.post(webhook, timeout=TIMEOUT_SECONDS, headers={"Content-Type": "application/json"},
                                  data=json.dumps({"msgtype": "markdown", "markdown": {"title": title, "text": text},
                                                   "at": {"atUserIds": list(mention_ids)}},
                                                  ensure_ascii=False).encode())
        body = self._body(response)
        if body.get("errcode", 0) not in (0, None):
            raise DingTalkError(f"session webhook: {body.get('errcode')} {body.get('errmsg')}")

    @staticmethod
    def _body(response: requests.Response) -> dict[str, Any]:
        try:
            body: dict[str, Any] = response.json() if response.content else {}
        except ValueError:
            body = {}
        if response.status_code == 429 or response.status_code >= 500 or body.get("code") in THROTTLE_CODES:
            raise Throttled(f"{response.request.path_url}: HTTP {response.status_code} {body.get('code', '')}")
        if response.status_code >= 400:
            raise DingTalkError(f"{response.request.path_url}: HTTP {response.status_code} "
                                f"{body.get('code', '')} {body.get('message', '')}", str(body.get("code") or ""))
        return body
