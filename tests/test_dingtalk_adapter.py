"""The DingTalk adapter end to end: Quorum's stream client and the real core against a local fake DingTalk.

The whole loop in Chinese (new by @robot in a group, RSVP by card button, start, MeetBot lines, end and
minutes, a 1:1 reminder answered "完成", the weekly digest), then redelivery, throttling, an unknown staff
id, a dropped connection and a silent ("zombie") one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import Session, col, select

from adapters.dingtalk.api import DingTalkApi, Throttled
from adapters.dingtalk.app import DingTalkAdapter, QuorumStreamClient
from bot.errors import Undeliverable
from bot.messages import Attachment, Button, OutMessage, Target
from store.models import ActionItem, InboundEvent, Meeting, Notification
from tests import fake_dingtalk as fd
from tests.conftest import make_settings, migrated_core
from tests.harness import ManualClock
from tests.local_server import wait_until

GROUP = fd.conversation_id("quorum-group")




@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[fd.FakeDingTalk]:
    with fd.FakeDingTalk() as fake:
        fd.patch_sdk_endpoint(monkeypatch, fake.endpoint)
        yield fake


@pytest.fixture
def adapter(fake: fd.FakeDingTalk, sqlite_file_url: str, clock: ManualClock) -> DingTalkAdapter:
    api = DingTalkApi(fake.endpoint, fd.CLIENT_ID, fd.CLIENT_SECRET, fd.CLIENT_ID, fake.endpoint)
    return DingTalkAdapter(migrated_core(make_settings(sqlite_file_url, QUORUM_LANGUAGE="zh")), api, clock=clock)


@pytest.fixture
def stream(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> Iterator[QuorumStreamClient]:
    client = QuorumStreamClient(adapter, fd.CLIENT_ID, fd.CLIENT_SECRET, fake.endpoint, idle_seconds=1.5)
    runner = fd.SdkClientThread(client).start()
    fake.wait_connected()
    yield client
    runner.stop()


def say(fake: fd.FakeDingTalk, text: str, staff: str, nick: str, group: bool = True,
        at: tuple[str, ...] = ()) -> str:
    message = fd.chatbot_message(text, staff, nick, "2" if group else "1", GROUP if group else None, at_users=at)
    frame = fake.push_chatbot(message)
    fake.wait_for_ack(frame)
    return frame


def items(adapter: DingTalkAdapter) -> list[ActionItem]:
    with Session(adapter.core.engine) as session:
        return list(session.exec(select(ActionItem).order_by(col(ActionItem.number))))


def card_button(card: fd.Card, command_prefix: str) -> tuple[str, str]:
    """(button id, command) of the card's button whose command starts with `command_prefix`."""
    for block in card.data.get("contents") or []:
        for button in block.get("actions") or []:
            command = str((button.get("params") or {}).get("command", ""))
            if command.startswith(command_prefix):
                return str(button["id"]), command
    raise AssertionError(f"no button {command_prefix!r} in {card.data}")


def test_the_whole_meeting_loop_in_chinese(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                           stream: QuorumStreamClient, clock: ManualClock) -> None:
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四 @王五', "zhang", "张三", at=("li", "wang"))
    prompt = wait_until(lambda: next((c for c in fake.cards().values() if GROUP in " ".join(c.spaces)
                                      and "周会" in str(c.data)), None))
    assert "表情" not in str(prompt.data) and "点击按钮" in str(prompt.data)  # no reactions on DingTalk
    with Session(adapter.core.engine) as session:
        assert [m.title for m in session.exec(select(Meeting))] == ["周会"]

    # RSVP by card button: the card updates in place with who answered
    button_id, command = card_button(prompt, "rsvp 1 yes")
    fake.push_card_callback(fd.card_callback("li", prompt.out_track_id, {"command": command}, (button_id,)))
    wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and card.updates >= 1
               and "李四" in str(card.data))

    # start, MeetBot lines, end: the minutes arrive in the group
    say(fake, " 开始 1", "zhang", "张三")
    say(fake, " 行动 @李四 写会议纪要 截止周五", "zhang", "张三", at=("li",))
    say(fake, " #agreed 下周一上线", "zhang", "张三")
    say(fake, " 行动 @王五 订会议室", "zhang", "张三", at=("wang",))
    wait_until(lambda: len(items(adapter)) == 2)
    assert items(adapter)[0].text == "写会议纪要" and items(adapter)[0].due_on is not None
    recorded = wait_until(lambda: [r for r in fake.replies() if "写会议纪要" in r.text])
    assert recorded[0].body["at"]["atUserIds"] == ["li"] and "@li" in recorded[0].text  # the owner is notified
    say(fake, " 结束", "zhang", "张三")
    wait_until(lambda: any("下周一上线" in r.text for r in fake.replies()))

    # the 1:1 reminder, answered with 完成 in the private chat
    with Session(adapter.core.engine) as session:
        due = session.exec(select(Notification).where(Notification.kind == "item_due")).one()
    clock.now = due.due_at
    adapter.tick()
    wait_until(lambda: any("写会议纪要" in str(m.param) for m in fake.messages("oto", "li"))
               or any("写会议纪要" in str(c.data) and "li" in " ".join(c.spaces) for c in fake.cards().values()))
    say(fake, "完成", "li", "李四", group=False)
    wait_until(lambda: items(adapter)[0].status == "done")

    # the weekly digest goes to the group
    with Session(adapter.core.engine) as session:
        weekly = session.exec(select(Notification).where(Notification.kind == "weekly_digest",
                                                         Notification.status == "pending")).first()
    assert weekly is not None  # 王五's item is still open
    clock.now = weekly.due_at
    adapter.tick()
    in_group = [str(m.param) for m in fake.messages("group", GROUP)] + [r.text for r in fake.replies()]
    digest = [text for text in in_group if "每周行动项跟踪" in text]
    assert digest and "写会议纪要" in digest[0]  # done last week


def test_a_redelivered_frame_has_one_effect(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                            stream: QuorumStreamClient) -> None:
    say(fake, ' 新建 "周会" 明天下午3点 参会 @李四', "zhang", "张三", at=("li",))
    wait_until(lambda: fake.cards())
    say(fake, " 开始 1", "zhang", "张三")
    frame = say(fake, " 行动 @李四 写纪要", "zhang", "张三", at=("li",))
    wait_until(lambda: len(items(adapter)) == 1)
    fake.redeliver(frame)
    fake.redeliver(frame)
    time.sleep(0.5)
    assert len(items(adapter)) == 1
    with Session(adapter.core.engine) as session:
        assert len(session.exec(select(InboundEvent)).all()) == 3


def test_a_throttled_reminder_stays_pending(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                           stream: QuorumStreamClient) -> None:
    say(fake, " 行动 @李四 写纪要 截止周五", "zhang", "张三", at=("li",))
    wait_until(lambda: len(items(adapter)) == 1)
    with Session(adapter.core.engine) as session:
        due = session.exec(select(Notification).where(Notification.kind == "item_due")).one()
    fake.fail_next(fd.ROBOT_CARD_SEND, status=403, body={"code": fd.QPS_LIMIT_CODE, "message": "qps"}, times=5)
    adapter.core.tick(due.due_at, adapter.send)
    with Session(adapter.core.engine) as session:
        row = session.get(Notification, due.id)
    assert row is not None and row.status == "pending" and row.attempts == 1 and row.due_at > due.due_at
    assert row.last_error is not None and "Throttled" in row.last_error


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        pytest.param(lambda fake: fake.flow_control("li", times=3), Throttled, id="flow-controlled"),
        pytest.param(lambda fake: fake.invalid_staff("li"), Undeliverable, id="invalid-staff"),
        pytest.param(lambda fake: fake.fail_next(fd.OTO_BATCH_SEND, status=500), Throttled, id="server-error"),
    ],
)
def test_how_a_private_message_fails(fake: fd.FakeDingTalk, adapter: DingTalkAdapter,
                                     setup: Callable[[fd.FakeDingTalk], None], error: type[Exception]) -> None:
    setup(fake)
    with pytest.raises(error):
        adapter.send(OutMessage(target=Target(kind="direct", user="li"), text="提醒"))


def test_the_access_token_is_fetched_once_and_reused(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    for _ in range(3):
        adapter.send(OutMessage(target=Target(kind="channel", channel=GROUP), text="周报"))
    assert fake.token_requests == 1 and len(fake.messages("group", GROUP)) == 3


def test_a_dropped_connection_and_a_silent_one_reconnect(fake: fd.FakeDingTalk,
                                                         stream: QuorumStreamClient) -> None:
    fake.drop_connections(clean=False)
    fake.wait_connected(count=1, timeout=10)
    wait_until(lambda: stream.connects >= 2, timeout=15)
    fake.go_silent()
    wait_until(lambda: stream.connects >= 3, timeout=15)  # the idle watchdog gave up on the zombie
    fake.speak()


def test_where_cards_are_refused_the_words_to_type_are_sent(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    fake.fail_next(fd.ROBOT_CARD_SEND, status=403, body={"code": "Forbidden.AccessDenied", "message": "no cards"})
    message = OutMessage(target=Target(kind="channel", channel=GROUP), title="周会", text="请回复是否参加",
                         buttons=(Button("参加", "rsvp 1 yes"), Button("不参加", "rsvp 1 no")))
    adapter.send(message)
    sent = fake.messages("group", GROUP)
    assert len(sent) == 1 and "rsvp 1 yes" in str(sent[0].param) and "rsvp 1 no" in str(sent[0].param)


def test_the_loop_in_english(fake: fd.FakeDingTalk, adapter: DingTalkAdapter, stream: QuorumStreamClient,
                             clock: ManualClock) -> None:
    """An English speaker on DingTalk gets English, whatever the deployment's default."""
    say(fake, ' new "Weekly sync" tomorrow 3pm with @Li', "anna", "Anna", at=("li",))
    prompt = wait_until(lambda: next((c for c in fake.cards().values() if "Weekly sync" in str(c.data)), None))
    assert "Click a button" in str(prompt.data)
    button_id, command = card_button(prompt, "rsvp 1 no")
    fake.push_card_callback(fd.card_callback("li", prompt.out_track_id, {"command": command}, (button_id,)))
    wait_until(lambda: (card := fake.card(prompt.out_track_id)) is not None and card.updates >= 1)
    say(fake, " start 1", "anna", "Anna")
    say(fake, " action @Li send the slides by friday", "anna", "Anna", at=("li",))
    wait_until(lambda: items(adapter) and items(adapter)[0].text == "send the slides")
    say(fake, " end", "anna", "Anna")
    with Session(adapter.core.engine) as session:
        due = session.exec(select(Notification).where(Notification.kind == "item_due")).one()
    clock.now = due.due_at
    adapter.tick()
    say(fake, "done https://slides.example/q3", "li", "Li", group=False)
    wait_until(lambda: items(adapter)[0].status == "done")
    assert items(adapter)[0].deliverable == "https://slides.example/q3"


def test_files_go_as_dingtalk_files(fake: fd.FakeDingTalk, adapter: DingTalkAdapter) -> None:
    """A report's chart, a PDF or the tracker: uploaded to media/upload, then sent as a sampleFile message."""
    pdf = b"%PDF-1.4 minutes"
    adapter.send(OutMessage(target=Target(kind="channel", channel=GROUP), text="纪要",
                            attachments=(Attachment("meeting-1-minutes.pdf", "", data=pdf),)))
    files = [m for m in fake.messages("group", GROUP) if m.msg_key == "sampleFile"]
    assert len(files) == 1 and files[0].param["fileName"] == "meeting-1-minutes.pdf"
    assert files[0].param["fileType"] == "pdf"
    assert fake.media[files[0].param["mediaId"]] == ("meeting-1-minutes.pdf", pdf)
