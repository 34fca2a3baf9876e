"""The DingTalk adapter end to end: Quorum's stream client and the real core against the local fake DingTalk.

The whole loop in Chinese and in English (new by @robot in a group, RSVP by a card button clicked over Stream,
start, MeetBot lines, end and minutes, a 1:1 reminder answered "完成", the weekly digest), cards through the
card platform with Stream callbacks, then redelivery, throttling, an unknown staff id, reply URLs that are not
DingTalk's, and a dropped connection and a silent ("zombie") one. The adapter's clock is fixed (MONDAY_9AM):
nothing here depends on the day the suite runs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from adapters.dingtalk import render
from adapters.dingtalk.api import DingTalkApi, Throttled
from adapters.dingtalk.app import DingTalkAdapter, QuorumStreamClient, card_id_for, card_place
from adapters.dingtalk.translate import PLATFORM
from bot.errors import Undeliverable
from bot.messages import Attachment, Button, OutMessage, Target
from store.models import ActionItem, InboundEvent, Meeting, Notification
from tests import fake_dingtalk as fd
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.local_server import wait_until

GROUP = fd.conversation_id("quorum-group")
NOW_MS = int(MONDAY_9AM.timestamp() * 1000)


class Clock:
    """The adapter's clock: a fixed moment a test may move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake() -> Iterator[fd.FakeDingTalk]:
    with fd.FakeDingTalk(ping_interval=0.2) as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_9AM)


@pytest.fixture
def adapter(fake: fd.FakeDingTalk, sqlite_file_url: str, clock: Clock) -> DingTalkAdapter:
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    return DingTalkAdapter(migrated_core(make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh")), api, clock=clock)


@pytest.fixture
def stream(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> Iterator[QuorumStreamClient]:
    client = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, idle_seconds=1.0)
    runner = fd.ClientThread(client.start).start()
    fake.wait_connected()
    yield client
    wait_until(lambda: len(adapter.order) == 0)  # no work of this test still posting into the next one's
    runner.stop()


def say(fake: fd.FakeDingTalk, text: str, staff: str, nick: str, group: bool = True,
        at: tuple[str, ...] = (), webhook: str | None = None) -> str:
    message = fd.chatbot_message(text, staff, nick, now_ms=NOW_MS, group=GROUP if group else None, at_users=at,
                                 session_webhook=webhook)
    frame = fake.push(fd.TOPIC_CHATBOT, message)
    fake.wait_for_ack(frame)
    return frame


def items(adapter: DingTalkAdapter) -> list[ActionItem]:
    with Session(adapter.core.engine) as session:
        return list(session.exec(select(ActionItem).order_by(col(ActionItem.number))))


def meeting_status(adapter: DingTalkAdapter) -> str:
    with Session(adapter.core.engine) as session:
        return session.exec(select(Meeting.status)).one()


def due(adapter: DingTalkAdapter, kind: str) -> Notification:
    with Session(adapter.core.engine) as session:
        found = session.exec(select(Notification).where(Notification.kind == kind,
                                                        Notification.status == "pending")).first()
    assert found is not None, kind
    return found


def button_id(card: fd.Card, command_prefix: str) -> str:
    """The id of the card's button whose command starts with `command_prefix`."""
    for button in card.buttons():
        if str(button["params"]["command"]).startswith(command_prefix):
            return str(button["id"])
    raise AssertionError(f"no button {command_prefix!r} in {card.params}")


def card_with(fake: fd.FakeDingTalk, words: str) -> fd.Card:
    found: fd.Card = wait_until(lambda: next((c for c in fake.cards() if words in c.params["markdown"]
                                              or words in c.params["title"]), None))
    return found


def test_the_whole_meeting_loop_in_chinese(fake: fd.FakeDingTalk, adapter: DingTalkAdapter, clock: Clock,
                                           stream: QuorumStreamClient) -> None:
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四 @王五', "zhang", "张三", at=("li", "wang"))
    prompt = card_with(fake, "周会")
    assert prompt.space == f"dtv1.card//IM_GROUP.{GROUP}"
    assert "表情" not in prompt.params["markdown"] and "点击按钮" in prompt.params["markdown"]  # no reactions
    with Session(adapter.core.engine) as session:
        assert [m.title for m in session.exec(select(Meeting))] == ["周会"]

    # RSVP by a card button, called back over Stream: the card updates in place with who answered
    fake.wait_for_ack(fake.click(prompt.out_track_id, "li", button_id(prompt, "rsvp 1 yes")))
    wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and card.updates >= 1
               and "李四" in card.params["markdown"])

    # start (a day early: confirmed), MeetBot lines, end: the minutes arrive in the group
    say(fake, " 开始 1", "zhang", "张三")
    say(fake, " 确认", "zhang", "张三")
    say(fake, " 行动 @李四 写会议纪要 截止周五", "zhang", "张三", at=("li",))
    say(fake, " #agreed 下周一上线", "zhang", "张三")
    say(fake, " 行动 @王五 订会议室", "zhang", "张三", at=("wang",))
    wait_until(lambda: len(items(adapter)) == 2)
    assert items(adapter)[0].text == "写会议纪要" and items(adapter)[0].due_on is not None
    recorded = wait_until(lambda: [r for r in fake.replies() if "写会议纪要" in r.text])
    assert recorded[0].body["at"]["atUserIds"] == ["li"] and "@li" in recorded[0].text  # the owner is notified
    say(fake, " 结束", "zhang", "张三")
    wait_until(lambda: any("下周一上线" in r.text for r in fake.replies()))

    # the 1:1 reminder (a card with Done in li's chat with the robot), answered with 完成 in that chat
    clock.now = due(adapter, "item_due").due_at
    adapter.tick()
    reminder = card_with(fake, "写会议纪要")
    assert reminder.space == "dtv1.card//IM_ROBOT.li"
    say(fake, "完成", "li", "李四", group=False)
    wait_until(lambda: items(adapter)[0].status == "done")

    # the weekly digest goes to the group
    clock.now = due(adapter, "weekly_digest").due_at  # 王五's item is still open
    adapter.tick()
    in_group = [str(m.param) for m in fake.messages("group", GROUP)] + [r.text for r in fake.replies()]
    digest = [text for text in in_group if "每周行动项跟踪" in text]
    assert digest and "写会议纪要" in digest[0]  # done last week


def test_the_loop_in_english(fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient) -> None:
    """An English speaker on DingTalk gets English, whatever the deployment's default."""
    say(fake, ' new "Weekly sync" tomorrow 3pm with @Li', "anna", "Anna", at=("li",))
    prompt = card_with(fake, "Weekly sync")
    assert "Click a button" in prompt.params["markdown"]
    fake.click(prompt.out_track_id, "li", button_id(prompt, "rsvp 1 no"))
    wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and card.updates >= 1)
    # the click's answer is for the one who clicked: in li's 1:1 chat with the robot, not in the group
    wait_until(lambda: any("not coming" in str(m.param) for m in fake.messages("oto", "li")))
    assert not any("not coming" in r.text for r in fake.replies())
    say(fake, " start 1", "anna", "Anna")
    say(fake, " confirm", "anna", "Anna")  # a day before its time: start asks first
    say(fake, " action @Li send the slides by friday", "anna", "Anna", at=("li",))
    wait_until(lambda: items(adapter) and items(adapter)[0].text == "send the slides")
    say(fake, " end", "anna", "Anna")
    wait_until(lambda: meeting_status(adapter) == "ended")
    adapter.core.tick(due(adapter, "item_due").due_at, adapter.send, platform=PLATFORM)
    say(fake, "done https://slides.example/q3", "li", "Li", group=False)
    wait_until(lambda: items(adapter)[0].status == "done")
    assert items(adapter)[0].deliverable == "https://slides.example/q3"


def test_cards_are_created_on_the_card_platform_with_stream_callbacks(fake: fd.FakeDingTalk,
                                                                     adapter: DingTalkAdapter) -> None:
    """The one card API whose clicks reach a Stream client; the robot interactiveCards API is never called."""
    buttons = (Button("参加", "rsvp 1 yes", "primary"), Button("不参加", "rsvp 1 no", "danger"))
    group_id = adapter.send(OutMessage(
        lang="zh", target=Target(kind="channel", channel=GROUP), title="周会", text="请回复",
        buttons=buttons, mentions=("li",)))
    direct_id = adapter.send(OutMessage(
        lang="zh", target=Target(kind="direct", user="li"), text="提醒", buttons=buttons))
    group_call, direct_call = (c.body for c in fake.calls(fd.CARD_CREATE_AND_DELIVER))
    for call, card_id in ((group_call, group_id), (direct_call, direct_id)):
        assert call["callbackType"] == "STREAM" and call["cardTemplateId"] == render.CARD_TEMPLATE_ID
        assert call["outTrackId"] == card_id and call["userIdType"] == 1
    assert group_call["openSpaceId"] == f"dtv1.card//IM_GROUP.{GROUP}"
    assert group_call["imGroupOpenDeliverModel"] == {"robotCode": fd.CLIENT_ID, "atUserIds": {"li": "li"}}
    assert direct_call["openSpaceId"] == "dtv1.card//IM_ROBOT.li"
    assert direct_call["imRobotOpenDeliverModel"] == {"spaceType": "IM_ROBOT", "robotCode": fd.CLIENT_ID}
    assert {c.path for c in fake.calls()} == {fd.ACCESS_TOKEN, fd.CARD_CREATE_AND_DELIVER}

    assert group_id is not None
    adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), title="周会", text="李四 参加",
                            buttons=buttons, replaces=group_id))
    (update,) = fake.calls(fd.CARD_INSTANCES)
    assert update.method == "PUT" and update.body["outTrackId"] == group_id
    card = fake.card(group_id)
    assert card is not None and card.updates == 1 and "李四 参加" in card.params["markdown"]


@pytest.mark.parametrize("cards", [pytest.param(True, id="as-a-card"), pytest.param(False, id="cards-refused")])
def test_a_cancelled_meetings_private_invitation_is_updated_in_place(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient, cards: bool) -> None:
    """李四's invitation card in his 1:1 chat is updated through the card platform (no buttons, the reason); a
    markdown invitation (cards refused) cannot be edited: nothing is sent for it, not even a second copy."""
    if not cards:  # the group's card and 李四's invitation both go as markdown
        fake.fail_next(fd.CARD_CREATE_AND_DELIVER, times=2, body={
            "code": "Forbidden.AccessDenied.AccessTokenPermissionDenied", "message": "没有调用该接口的权限"})
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四', "zhang", "张三", at=("li",))
    wait_until(lambda: any("周会" in text for text in in_private(fake, "li")))
    settle(adapter)
    before, private_before = len(fake.calls()), len(in_private(fake, "li"))
    say(fake, " 取消 1 预算未就绪", "zhang", "张三")
    wait_until(lambda: any("取消了 #1" in text for text in in_private(fake, "li")))  # the notice, after the update
    settle(adapter)
    updates = [c for c in fake.calls()[before:] if c.path == fd.CARD_INSTANCES]
    if cards:
        (invitation,) = [c for c in fake.cards() if c.space == "dtv1.card//IM_ROBOT.li"]
        (prompt,) = [c for c in fake.cards() if c.space == f"dtv1.card//IM_GROUP.{GROUP}"]
        assert invitation.updates == 1 and not invitation.buttons()
        assert "已取消（预算未就绪）：无需再回复。" in invitation.params["markdown"]
        assert sorted(c.body["outTrackId"] for c in updates) == sorted((invitation.out_track_id, prompt.out_track_id))
        assert prompt.updates == 1 and not prompt.buttons()  # the group's card too: updated, not posted again
    else:
        assert updates == [] and not fake.cards()
        assert len(in_private(fake, "li")) == private_before + 1  # only the notice: no new copy of the invitation
        assert sum("请回复是否参加" in text for text in in_group(fake)) == 1  # nor of the group's prompt


def test_a_card_sent_without_stream_callbacks_is_never_clicked(fake: fd.FakeDingTalk,
                                                               adapter: DingTalkAdapter) -> None:
    """What makes a regression fail: the fake, like DingTalk, tells no Stream client of such a card's clicks."""
    card = render.card(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="x",
                                  buttons=(Button("Go", "here 1"),)), "en")
    adapter.api.call("POST", fd.CARD_CREATE_AND_DELIVER, {
        "cardTemplateId": render.CARD_TEMPLATE_ID, "outTrackId": "no-stream", "cardData": {"cardParamMap": card},
        "openSpaceId": f"dtv1.card//IM_GROUP.{GROUP}", "imGroupOpenDeliverModel": {"robotCode": fd.CLIENT_ID}})
    made = fake.card("no-stream")
    assert made is not None
    with pytest.raises(fd.NoStreamCallback):
        fake.click("no-stream", "li", made.buttons()[0]["id"])


def test_a_redelivered_frame_has_one_effect(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                            stream: QuorumStreamClient) -> None:
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四', "zhang", "张三", at=("li",))
    prompt = card_with(fake, "周会")
    click = fake.click(prompt.out_track_id, "li", button_id(prompt, "rsvp 1 yes"))  # the buttons go once it starts
    wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and "李四" in card.params["markdown"])
    wait_until(lambda: any("你将参加" in str(m.param) for m in fake.messages("oto", "li")))  # the click's answer
    wait_until(lambda: any("@李四" in text for text in pointers(fake)))  # and last, the group's pointer to it
    say(fake, " 开始 1", "zhang", "张三")
    say(fake, " 确认", "zhang", "张三")  # a day before its time: start asks first
    frame = say(fake, " 行动 @李四 写纪要", "zhang", "张三", at=("li",))
    wait_until(lambda: len(items(adapter)) == 1)
    started = wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and not card.buttons()
                         and card)  # the card was updated in place for the start: nothing to answer there now
    settle(adapter)  # every frame's work (and its posts) done before counting
    updates, posts = started.updates, len(fake.calls())
    for again in (frame, frame, click):
        fake.redeliver(again)
    time.sleep(0.5)  # the redelivered frames' work, if any were done, is done by now
    assert len(items(adapter)) == 1 and len(fake.calls()) == posts
    card = fake.card(prompt.out_track_id)
    assert card is not None and card.updates == updates
    with Session(adapter.core.engine) as session:
        assert len(session.exec(select(InboundEvent)).all()) == 5


def test_a_throttled_reminder_stays_pending(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                           stream: QuorumStreamClient) -> None:
    say(fake, " 行动 @李四 写纪要 截止周五", "zhang", "张三", at=("li",))
    wait_until(lambda: len(items(adapter)) == 1)
    reminder = due(adapter, "item_due")
    fake.fail_next(fd.CARD_CREATE_AND_DELIVER, times=5)  # 403 Forbidden.AccessDenied.QpsLimitForApi
    adapter.core.tick(reminder.due_at, adapter.send, platform=PLATFORM)
    with Session(adapter.core.engine) as session:
        row = session.get(Notification, reminder.id)
    assert row is not None and row.status == "pending" and row.attempts == 1 and row.due_at > reminder.due_at
    assert row.last_error is not None and "Throttled" in row.last_error


@pytest.mark.parametrize(
    ("setup", "buttons", "error"),
    [
        pytest.param(lambda fake: fake.flow_control("li", times=3), (), Throttled, id="flow-controlled"),
        pytest.param(lambda fake: fake.invalid_staff("li"), (), Undeliverable, id="invalid-staff"),
        pytest.param(lambda fake: fake.invalid_staff("li"), (Button("Done", "done 1"),), Undeliverable,
                     id="invalid-staff-card"),
        pytest.param(lambda fake: fake.fail_next(fd.OTO_BATCH_SEND, status=500), (), Throttled, id="server-error"),
        pytest.param(lambda fake: fake.fail_next(fd.CARD_CREATE_AND_DELIVER, status=429), (Button("Done", "done 1"),),
                     Throttled, id="card-throttled"),
    ],
)
def test_how_a_private_message_fails(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                     setup: Callable[[fd.FakeDingTalk], None], buttons: tuple[Button, ...],
                                     error: type[Exception]) -> None:
    setup(fake)
    with pytest.raises(error):
        adapter.send(OutMessage(lang="zh", target=Target(kind="direct", user="li"), text="提醒", buttons=buttons))


def test_where_cards_are_refused_the_words_to_type_are_sent(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    fake.fail_next(fd.CARD_CREATE_AND_DELIVER, body={"code": "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                                                     "message": "没有调用该接口的权限 Card.Instance.Write"})
    message = OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), title="周会", text="请回复是否参加",
                         buttons=(Button("参加", "rsvp 1 yes"), Button("不参加", "rsvp 1 no")))
    adapter.send(message)
    sent = fake.messages("group", GROUP)
    assert len(sent) == 1 and "rsvp 1 yes" in str(sent[0].param) and "rsvp 1 no" in str(sent[0].param)


def test_the_access_token_is_fetched_once_and_reused(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    for _ in range(3):
        adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="周报"))
    assert fake.token_requests == 1 and len(fake.messages("group", GROUP)) == 3
    fake.expire_tokens()  # DingTalk answers 401: one new token, the call goes through
    adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="周报"))
    assert fake.token_requests == 2 and len(fake.messages("group", GROUP)) == 4


def test_replies_use_the_session_webhook_only_while_it_lives(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                                              clock: Clock, stream: QuorumStreamClient) -> None:
    say(fake, " 帮助", "zhang", "张三")
    wait_until(lambda: fake.replies())  # help went to his 1:1 chat; the group's pointer, by the webhook
    adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="周报"))
    assert len(fake.replies()) == 2 and fake.messages("group", GROUP) == []
    clock.now = MONDAY_9AM + timedelta(minutes=89, seconds=30)  # inside its last minute: not used any more
    adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="周报"))
    assert len(fake.replies()) == 2 and len(fake.messages("group", GROUP)) == 1


def test_a_reply_url_off_dingtalk_is_never_used(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                                stream: QuorumStreamClient) -> None:
    """A body naming someone else's URL as its sessionWebhook gets its answer through the OpenAPI."""
    with fd.FakeDingTalk() as elsewhere:  # 127.0.0.1, but not an endpoint this adapter was configured with
        say(fake, " 帮助", "zhang", "张三", webhook=elsewhere.session_webhook())
        wait_until(lambda: fake.messages("oto", "zhang"))  # help, to the one who asked, through the OpenAPI
        assert elsewhere.calls() == [] and fake.replies() == []


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        pytest.param("https://oapi.dingtalk.com/robot/sendBySession?session=abc", True, id="oapi"),
        pytest.param("https://api.dingtalk.com/v1.0/robot/x", True, id="api"),
        pytest.param("https://oapi.dingtalk.com:443/robot/sendBySession", True, id="explicit-port"),
        pytest.param("http://oapi.dingtalk.com/robot/sendBySession", False, id="plain-http"),
        pytest.param("https://oapi.dingtalk.com.evil.example/robot", False, id="lookalike-host"),
        pytest.param("https://oapi.dingtalk.com@evil.example/robot", False, id="credentials-trick"),
        pytest.param("https://evil.example/?u=https://oapi.dingtalk.com/", False, id="host-in-query"),
        pytest.param("http://127.0.0.1:1/robot/sendBySession", False, id="other-local-port"),
        pytest.param("http://127.0.0.1:9/robot/sendBySession", True, id="configured-endpoint"),
        pytest.param("not a url", False, id="garbage"),
        pytest.param("https://[::1/robot", False, id="unparsable"),
    ],
)
def test_which_reply_urls_are_trusted(url: str, trusted: bool) -> None:
    api = DingTalkApi("http://127.0.0.1:9", fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID)
    assert api.trusted_webhook(url) is trusted


def test_a_dropped_connection_and_a_silent_one_reconnect(fake: fd.FakeDingTalk, stream: QuorumStreamClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # How long the client waits before reconnecting (1 s first, then longer) is not what this test is about.
    monkeypatch.setattr("adapters.dingtalk.app.RECONNECT_DELAYS", (0.1,))
    time.sleep(1.5)  # longer than idle_seconds: DingTalk's pings keep a live connection open
    assert stream.connects == 1
    fake.drop_connections()
    wait_until(lambda: stream.connects >= 2, timeout=15)
    fake.go_silent()
    wait_until(lambda: stream.connects >= 3, timeout=15)  # the idle watchdog gave up on the zombie
    fake.speak()
    say(fake, " 帮助", "zhang", "张三")  # and the new connection delivers


def test_files_go_as_dingtalk_files(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    """A report's chart, a PDF or the tracker: uploaded to media/upload, then sent as a sampleFile message."""
    pdf = b"%PDF-1.4 minutes"
    adapter.send(OutMessage(lang="zh", target=Target(kind="channel", channel=GROUP), text="纪要",
                            attachments=(Attachment("meeting-1-Q3-roadmap-minutes-2026-11-24.pdf", "", data=pdf),)))
    files = [m for m in fake.messages("group", GROUP) if m.msg_key == "sampleFile"]
    assert len(files) == 1 and files[0].param["fileName"] == "meeting-1-Q3-roadmap-minutes-2026-11-24.pdf"
    assert files[0].param["fileType"] == "pdf"
    assert fake.media[files[0].param["mediaId"]] == ("meeting-1-Q3-roadmap-minutes-2026-11-24.pdf", pdf)


@pytest.mark.parametrize(
    ("card_id", "place"),
    [
        pytest.param(card_id_for(GROUP, direct=False), (GROUP, False), id="group"),
        pytest.param(card_id_for("li", direct=True), ("li", True), id="direct"),
        pytest.param("a1b2c3", None, id="someone-elses-card"),
        pytest.param("a1b2c3||g", None, id="no-conversation"),
        pytest.param("a1b2c3|li|x", None, id="unknown-kind"),
    ],
)
def test_a_card_id_names_where_its_clicks_belong(card_id: str, place: tuple[str, bool] | None) -> None:
    """A click is handled in its card's conversation, in order behind the message that posted the card."""
    assert card_place(card_id) == place


def test_a_plan_filed_in_a_group_as_key_value_lines_reaches_its_approver_as_a_card(
    fake: fd.FakeDingTalk, sqlite_file_url: str, clock: Clock
) -> None:
    """申报 on DingTalk: the fields are the message's lines; the approver's card has 批准 / 驳回."""
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    settings = make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh", QUORUM_ADMINS="boss")
    adapter = DingTalkAdapter(migrated_core(settings), api, clock=clock)
    client = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, idle_seconds=1.0)
    runner = fd.ClientThread(client.start).start()
    try:
        fake.wait_connected()
        say(fake, " 设置 审批人 @老板", "boss", "老板", at=("boss",))
        say(fake, " 申报\n名称：经销商大会\n类型：客户会\n目标：签约50家新经销商\n时间：12月10日下午\n"
                  "外部嘉宾：王伟，ACME公司，总经理\n预算：50000 场地 20000 餐饮 30000", "zhang", "张三")
        card = card_with(fake, "经销商大会")
        assert card.space == "dtv1.card//IM_ROBOT.boss"
        fake.wait_for_ack(fake.click(card.out_track_id, "boss", button_id(card, "approve 1")))
        wait_until(lambda: meeting_status(adapter) == "scheduled")
    finally:
        runner.stop()


# ---- what the core says to one person only: in their 1:1 chat with the robot, never in the group ---------------


def in_group(fake: fd.FakeDingTalk) -> list[str]:
    """Everything the group can read: session webhook replies, robot messages and cards sent to it."""
    return ([r.text for r in fake.replies()] + [json_text(m.param) for m in fake.messages("group", GROUP)]
            + [c.params["title"] + c.params["markdown"] for c in fake.cards() if c.space.endswith(GROUP)])


def in_private(fake: fd.FakeDingTalk, staff: str) -> list[str]:
    """Everything `staff`'s 1:1 chat with the robot shows: robot messages and cards."""
    space = f"dtv1.card//IM_ROBOT.{staff}"
    return ([json_text(m.param) for m in fake.messages("oto", staff)]
            + [c.params["title"] + c.params["markdown"] for c in fake.cards() if c.space == space])


def json_text(param: dict[str, object]) -> str:
    return " ".join(str(value) for value in param.values())


def settle(adapter: DingTalkAdapter) -> None:
    wait_until(lambda: len(adapter.order) == 0)


def pending(adapter: DingTalkAdapter) -> list[Notification]:
    with Session(adapter.core.engine) as session:
        return list(session.exec(select(Notification).where(Notification.status == "pending")
                                 .order_by(col(Notification.id))))


def pointers(fake: fd.FakeDingTalk) -> list[str]:
    return [text for text in in_group(fake) if "📩" in text]


@pytest.mark.parametrize("cards", [pytest.param(True, id="as-a-card"), pytest.param(False, id="cards-refused")])
def test_a_confidential_meeting_shown_in_a_group_is_read_only_in_the_askers_private_chat(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient, cards: bool) -> None:
    say(fake, ' 新建 "薪酬评审" 明天下午3点 参会 @李四 目标：确定调薪方案 保密', "zhang", "张三", at=("li",))
    wait_until(lambda: any("薪酬评审" in text for text in in_private(fake, "zhang") + in_private(fake, "li")))
    settle(adapter)
    before, seen = len(fake.calls()), Counter(in_private(fake, "li"))
    if not cards:  # the app lacks the card permission: the answer goes as markdown with the words to type
        fake.fail_next(fd.CARD_CREATE_AND_DELIVER, body={"code": "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                                                         "message": "没有调用该接口的权限 Card.Instance.Write"})
    say(fake, " 查看 1", "li", "李四")
    (pointer,) = wait_until(lambda: pointers(fake))  # told last, once, in the asker's language: nothing of it
    assert any("确定调薪方案" in text for text in Counter(in_private(fake, "li")) - seen)
    assert not any("薪酬评审" in text or "确定调薪方案" in text for text in in_group(fake))
    answered = {c.path for c in fake.calls()[before:] if c.status == 200}
    assert answered == {fd.CARD_CREATE_AND_DELIVER if cards else fd.OTO_BATCH_SEND, fd.SESSION_WEBHOOK}
    assert pointer.startswith("📩 @李四：回复已发到你和我的单聊中。")


def test_an_error_reply_goes_privately_and_the_group_is_pointed_to_it_once(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, clock: Clock, stream: QuorumStreamClient) -> None:
    say(fake, " 查看 99", "li", "李四")
    wait_until(lambda: pointers(fake))
    assert any("99" in text for text in in_private(fake, "li"))
    assert not any("99" in text for text in in_group(fake))
    say(fake, " 查看 98", "li", "李四")  # the same person in the same group: no second pointer
    say(fake, " show 97", "anna", "Anna")  # someone else: a pointer of their own, in their language
    wait_until(lambda: len(pointers(fake)) == 2 and any("97" in text for text in in_private(fake, "anna")))
    assert any("98" in text for text in in_private(fake, "li"))
    assert pointers(fake)[1].startswith("📩 @Anna: my answer is in your private chat with me.")
    clock.now = MONDAY_9AM + timedelta(hours=6, minutes=1)  # the pointer's window has passed: one more
    say(fake, " 查看 96", "li", "李四")
    wait_until(lambda: len(pointers(fake)) == 3)
    assert [text for text in pointers(fake) if "李四" in text] == [pointers(fake)[0], pointers(fake)[2]]


def test_a_throttled_private_reply_is_retried_by_the_outbox_never_sent_to_the_group(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, clock: Clock, stream: QuorumStreamClient) -> None:
    fake.fail_next(fd.OTO_BATCH_SEND)  # 403 Forbidden.AccessDenied.QpsLimitForApi
    say(fake, " 查看 99", "li", "李四")
    fake.wait_started(fd.OTO_BATCH_SEND)
    waiting = wait_until(lambda: pending(adapter) if len(pending(adapter)) == 2 else None)
    assert "Throttled" in str(waiting[0].last_error)  # the reply waits for the tick; its pointer waits behind it
    assert waiting[1].due_at == waiting[0].due_at
    assert in_group(fake) == [] and in_private(fake, "li") == []
    clock.now = waiting[0].due_at
    adapter.tick()
    assert any("99" in text for text in in_private(fake, "li"))
    assert not any("99" in text for text in in_group(fake)) and len(pointers(fake)) == 1


def test_a_confirmation_card_only_its_asker_sees_is_in_their_private_chat_and_its_click_counts_in_the_group(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient) -> None:
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四', "zhang", "张三", at=("li",))
    card_with(fake, "周会")
    say(fake, " 开始 1", "zhang", "张三")  # a day early: yes or no, asked of zhang alone
    question = wait_until(lambda: next((c for c in fake.cards() if c.space == "dtv1.card//IM_ROBOT.zhang"
                                        and c.buttons()), None))
    assert not any(c.out_track_id == question.out_track_id for c in fake.cards() if c.space.endswith(GROUP))
    assert card_place(question.out_track_id) == (GROUP, False)  # its click is said in the group it answers
    fake.wait_for_ack(fake.click(question.out_track_id, "zhang", button_id(question, "confirm")))
    wait_until(lambda: meeting_status(adapter) == "in_progress")


def test_files_for_one_person_go_to_their_private_chat(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    pdf = b"%PDF-1.4 report"
    adapter.send(OutMessage(lang="zh", target=Target(kind="ephemeral", channel=GROUP, user="li"), text="报告",
                            attachments=(Attachment("report.pdf", "", data=pdf),
                                         Attachment("minutes.txt", "纪要正文"))))
    assert fake.messages("group") == [] and fake.replies() == []
    sent = fake.messages("oto", "li")
    assert [m.msg_key for m in sent] == ["sampleMarkdown", "sampleMarkdown", "sampleFile"]
    assert "纪要正文" in str(sent[1].param) and sent[2].param["fileName"] == "report.pdf"


@pytest.mark.parametrize(
    ("setup", "buttons"),
    [
        pytest.param(lambda fake: fake.invalid_staff("li"), (), id="invalid-staff"),
        pytest.param(lambda fake: fake.invalid_staff("li"), (Button("是", "confirm 1"),), id="invalid-staff-card"),
        pytest.param(lambda fake: fake.fail_next(fd.OTO_BATCH_SEND, status=400, body={
            "requestid": "x", "code": "staffId.notExisted", "message": "员工不存在"}), (), id="no-such-staff"),
    ],
)
def test_a_private_note_to_someone_unreachable_is_undeliverable_not_posted_to_the_group(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, clock: Clock,
        setup: Callable[[fd.FakeDingTalk], None], buttons: tuple[Button, ...]) -> None:
    adapter._webhooks[GROUP] = (fake.session_webhook(), NOW_MS + fd.SESSION_TTL_MS)  # the group's webhook is alive
    setup(fake)
    with pytest.raises(Undeliverable):
        adapter.send(OutMessage(lang="zh", target=Target(kind="ephemeral", channel=GROUP, user="li"), text="机密详情",
                                buttons=buttons))
    assert fake.replies() == [] and fake.messages("group") == []
    assert not any(c.space.endswith(GROUP) for c in fake.cards())


def test_someone_the_robot_cannot_reach_privately_gets_nothing_in_the_group_not_even_the_pointer(
        fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient) -> None:
    fake.invalid_staff("li")  # DingTalk will not deliver to li's 1:1 chat (invalidStaffIdList)
    say(fake, " 查看 99", "li", "李四")
    settle(adapter)
    with Session(adapter.core.engine) as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id))).all()
    assert [row.status for row in rows] == ["failed", "dropped"]  # the note, and its pointer with it
    assert rows[0].last_error is not None and rows[0].last_error.startswith("undeliverable")
    assert in_group(fake) == [] and fake.calls(fd.OTO_BATCH_SEND)
