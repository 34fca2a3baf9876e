"""Several instances on one database (issue 14, part 2): one conversation's events one at a time across
instances, minutes that follow the platform's times rather than arrival order, and "busy" past capacity.

1. Two `Core`s with their own engines on one PostgreSQL schema, fed one conversation's events from two
   threads: `service.handle` never runs twice at once for that conversation (the advisory lock), nothing is
   lost or applied twice, each thread's events are applied in its order, and the meeting's record lists them
   by the platform's time. Meanwhile both cores tick: every due reminder goes out exactly once.
2. The minutes case: a line said just before `end` but handled after it is in the minutes (posted again,
   amended); one said after `end`, or handled after the grace window, is not.
3. A forced small queue: past `max_in_flight` the person is answered "busy" (English or Chinese) through the
   outbox, and the event is not handled.

Every instant is pinned (MONDAY_9AM and offsets from it); nothing here reads the wall clock for logic.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from adapters.dingtalk.translate import chatbot_message
from adapters.slack.translate import message_event
from bot import service
from bot.core import Core
from bot.events import Inbound, Person
from bot.i18n import t
from bot.messages import OutMessage
from store import repo
from store.database import make_engine
from store.models import ActionItem, Meeting, Note, Notification, NotificationKind
from tests import fake_dingtalk as fd
from tests import fake_slack as fs
from tests.conftest import MONDAY_9AM, make_settings, migrated_core
from tests.test_exactly_once import seed

PLATFORM = "console"
CHANNEL = "general"
PER_THREAD = 20
REMINDERS = 40  # below CLAIM_BATCH * ticks: every one is due and claimed during the test


class Posted:
    """A platform for several threads: every message, in the order posted."""

    def __init__(self) -> None:
        self.messages: list[OutMessage] = []
        self._lock = threading.Lock()

    def __call__(self, message: OutMessage) -> str:
        with self._lock:
            self.messages.append(message)
            return f"m{len(self.messages)}"

    def texts(self) -> list[str]:
        return [m.text for m in self.messages]


def said(text: str, at: datetime | None, who: str = "alice", **extra: object) -> Inbound:
    return Inbound("message", PLATFORM, "local", str(extra.pop("channel", CHANNEL)), Person(who, who), text,
                   handles_are_user_ids=True, said_at=at, **extra)  # type: ignore[arg-type]


def meeting_records(engine: Engine) -> tuple[Meeting, list[Note]]:
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one()
        assert meeting.id is not None
        return meeting, repo.records(session, Note, meeting.id)


# ---- 1. two instances, one conversation --------------------------------------------------------------
@pytest.fixture
def second_engine(pg_url: str, pg_engine: Engine) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_two_instances_apply_one_conversation_one_event_at_a_time_in_said_order(
    pg_url: str, pg_engine: Engine, second_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(pg_url, QUORUM_COMMANDS_BURST="1000000", QUORUM_COMMANDS_PER_MINUTE="1000000")
    a, b = Core(settings, pg_engine), Core(settings, second_engine)
    start = MONDAY_9AM
    now = start + timedelta(hours=1)  # every event is handled "now"; their platform times differ
    posted = Posted()
    a.handle(said("#startmeeting Sync", start), now, posted)
    reminders = seed(pg_engine, "due", REMINDERS, now)  # {text: "@owner"}, due a minute ago

    inside: Counter[str] = Counter()
    most: Counter[str] = Counter()
    guard = threading.Lock()
    handle = service.handle

    def watched(*args: object, **kwargs: object) -> object:
        inbound = args[2]
        assert isinstance(inbound, Inbound)
        with guard:
            inside[inbound.channel] += 1
            most[inbound.channel] = max(most[inbound.channel], inside[inbound.channel])
        try:
            time.sleep(0.002)  # widen the window two unlocked instances would overlap in
            return handle(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with guard:
                inside[inbound.channel] -= 1

    monkeypatch.setattr(service, "handle", watched)

    def feed(core: Core, name: str, offset: int) -> None:
        for i in range(PER_THREAD):  # thread a says its lines at even seconds, thread b at odd ones
            core.handle(said(f"#info {name}{i}", start + timedelta(seconds=1 + 2 * i + offset),
                             event_id=f"{name}{i}"), now, posted)

    def tick(core: Core) -> None:
        for _ in range(5):
            core.tick(now, posted, platform=PLATFORM)

    threads = [threading.Thread(target=feed, args=(a, "a", 0)), threading.Thread(target=feed, args=(b, "b", 1)),
               threading.Thread(target=tick, args=(a,)), threading.Thread(target=tick, args=(b,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert most[CHANNEL] == 1, "two instances handled one conversation's events at once"
    _meeting, notes = meeting_records(pg_engine)
    texts = [n.text for n in notes]
    expected = [f"{name}{i}" for i in range(PER_THREAD) for name in "ab"]
    assert texts == expected  # none lost or doubled, listed as said (a0 b0 a1 b1 …), not as handled
    for name in "ab":  # each instance's events applied in the order it received them
        seqs = [n.seq for n in notes if n.text.startswith(name)]
        assert seqs == sorted(seqs)
    assert sorted(n.seq for n in notes) == list(range(1, 2 * PER_THREAD + 1))  # one at a time: no seq shared
    direct = [m for m in posted.messages if m.target.kind == "direct"]
    about = [(m.target.user, next(value.split(" ", 1)[1] for _label, value in m.fields if value.startswith("#")))
             for m in direct]  # (recipient, item text) of each reminder posted
    assert Counter(text for _, text in about) == Counter(set(reminders)), "a reminder was lost or sent twice"
    assert all(f"@{user}" == reminders[text] for user, text in about)
    with Session(pg_engine) as session:
        statuses = Counter(session.exec(select(Notification.status).where(
            Notification.kind == NotificationKind.ITEM_DUE)).all())
    assert statuses == {"sent": REMINDERS}


@pytest.mark.postgres
def test_two_instances_creating_meetings_in_many_channels_at_once_never_apologise(
    pg_url: str, pg_engine: Engine, second_engine: Engine
) -> None:
    """Each command locks the workspace's meeting counter after inserting rows that refer to the workspace
    (its dedupe row, a person seen for the first time): `FOR UPDATE` there deadlocked, and a deadlock or a
    person inserted by two events at once is retried rather than answered with an apology."""
    settings = make_settings(pg_url, QUORUM_COMMANDS_BURST="1000000", QUORUM_COMMANDS_PER_MINUTE="1000000")
    cores = (Core(settings, pg_engine), Core(settings, second_engine))
    posted = Posted()
    now = MONDAY_9AM
    channels, each = 4, 5

    def create(c: int) -> None:
        for i in range(each):
            inbound = Inbound("command", PLATFORM, "local", f"c{c}", Person(f"host{c}-{i}", f"host{c}-{i}"),
                              f'new "M {c}-{i}" tomorrow 3pm with @guest{c}x{i}',  # a guest each: no clash to confirm
                              handles_are_user_ids=True,
                              event_id=f"e{c}-{i}")
            cores[(c + i) % 2].handle(inbound, now, posted)

    threads = [threading.Thread(target=create, args=(c,)) for c in range(channels)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    apologies = [m.text for m in posted.messages if t("en", "error.internal") in m.text]
    assert apologies == []
    with Session(pg_engine) as session:
        numbers = sorted(session.exec(select(Meeting.number)).all())
    assert numbers == list(range(1, channels * each + 1))


def test_platform_times_come_from_slack_ts_and_dingtalk_create_at() -> None:
    at = MONDAY_9AM + timedelta(seconds=7, microseconds=250_000)
    slack = message_event(fs.message_event("#info x", "U1", "C1", ts=f"{at.timestamp():.6f}"),
                          lambda user: Person(user, user))
    assert slack is not None and slack.said_at == at
    ding = chatbot_message(fd.chatbot_message("#info x", "zhang", "张三", now_ms=int(at.timestamp() * 1000),
                                              group="g1"))
    assert ding is not None and ding.said_at == at


def test_without_platform_times_records_keep_the_order_they_were_handled_in() -> None:
    core = migrated_core(make_settings())
    posted = Posted()
    now = MONDAY_9AM
    core.handle(said("#startmeeting Sync", None), now, posted)
    for n in range(3):
        core.handle(said(f"#info line {n}", None), now, posted)
    _meeting, notes = meeting_records(core.engine)
    assert [n.text for n in notes] == ["line 0", "line 1", "line 2"]


# ---- 2. the minutes follow the platform's times --------------------------------------------------------
END = MONDAY_9AM + timedelta(minutes=30)  # when `#endmeeting` was said


@pytest.fixture
def ended() -> tuple[Core, Posted]:
    """A meeting with two lines, ended at END (handled two seconds later); lines are said around END."""
    core = migrated_core(make_settings())
    posted = Posted()
    core.handle(said("#startmeeting Sync", MONDAY_9AM), MONDAY_9AM, posted)
    core.handle(said("#info said first", END - timedelta(seconds=20)), END - timedelta(seconds=19), posted)
    core.handle(said("#endmeeting", END), END + timedelta(seconds=2), posted)
    return core, posted


def minutes_text(message: OutMessage) -> str:
    return "\n".join([message.text, *(line for s in message.sections for line in s.lines),
                      *(a.content.decode() if isinstance(a.content, bytes) else str(a.content)
                        for a in message.attachments)])


def test_a_line_said_before_end_but_handled_after_it_is_in_the_minutes(ended: tuple[Core, Posted]) -> None:
    core, posted = ended
    meeting, _ = meeting_records(core.engine)
    assert meeting.status == "ended" and meeting.ended_at == END  # the time it was said, not handled
    before = len(posted.messages)
    core.handle(said("#info said just before the end", END - timedelta(seconds=1), who="bob"),
                END + timedelta(seconds=5), posted)
    _, notes = meeting_records(core.engine)
    assert [n.text for n in notes] == ["said first", "said just before the end"]
    core.tick(END + timedelta(seconds=make_settings().late_line_seconds), posted, platform=PLATFORM)
    new = amendments(posted, before)
    new = posted.messages[posted.messages.index(new[0]):]
    assert new[0].text == t("en", "minutes.amended", number=meeting.number)
    minutes = minutes_text(new[1])
    assert "said first" in minutes and "said just before the end" in minutes
    assert minutes.index("said first") < minutes.index("said just before the end")


def amendments(posted: Posted, since: int = 0) -> list[OutMessage]:
    return [m for m in posted.messages[since:] if m.text == t("en", "minutes.amended", number=1)]


def test_several_late_lines_amend_the_minutes_once(ended: tuple[Core, Posted]) -> None:
    """Late lines are one batch: the minutes go out again once, when no later line can join (the grace after
    END), with every late line in them; ticking again posts nothing more."""
    core, posted = ended
    before = len(posted.messages)
    core.handle(said("#info late one", END - timedelta(seconds=3)), END + timedelta(seconds=4), posted)
    core.handle(said("#info late two", END - timedelta(seconds=2), who="bob"), END + timedelta(seconds=6), posted)
    core.handle(said("#info late three", END - timedelta(seconds=1)), END + timedelta(seconds=9), posted)
    assert amendments(posted, before) == []  # the window is still open: more lines may join
    window_closed = END + timedelta(seconds=make_settings().late_line_seconds)
    for moment in (window_closed, window_closed + timedelta(minutes=1), window_closed + timedelta(hours=1)):
        core.tick(moment, posted, platform=PLATFORM)
    assert len(amendments(posted, before)) == 1
    note = posted.messages.index(amendments(posted, before)[0])
    minutes = minutes_text(posted.messages[note + 1])
    assert all(line in minutes for line in ("late one", "late two", "late three"))
    assert minutes.index("late one") < minutes.index("late two") < minutes.index("late three")
    assert sum(m.title == posted.messages[note + 1].title for m in posted.messages[before:]) == 1
    with Session(core.engine) as session:
        outbox = session.exec(select(Notification.status).where(Notification.kind == NotificationKind.OUTBOX)).all()
        assert "pending" not in outbox and "sending" not in outbox  # the superseded amendments were dropped


def test_late_lines_are_ordered_by_when_they_were_said(ended: tuple[Core, Posted]) -> None:
    core, posted = ended
    core.handle(said("#info said third", END - timedelta(seconds=2)), END + timedelta(seconds=3), posted)
    core.handle(said("#info said second", END - timedelta(seconds=10)), END + timedelta(seconds=4), posted)
    _, notes = meeting_records(core.engine)
    assert [n.text for n in notes] == ["said first", "said second", "said third"]


@pytest.mark.parametrize(("said_at", "handled_at"), [
    pytest.param(END + timedelta(seconds=1), END + timedelta(seconds=3), id="said-after-end"),
    pytest.param(END - timedelta(seconds=1), END + timedelta(seconds=61), id="handled-after-the-grace"),
])
def test_a_line_said_after_end_or_handled_too_late_stays_out(ended: tuple[Core, Posted], said_at: datetime,
                                                               handled_at: datetime) -> None:
    core, posted = ended
    before = len(posted.messages)
    core.handle(said("#info too late", said_at), handled_at, posted)
    _, notes = meeting_records(core.engine)
    assert [n.text for n in notes] == ["said first"]
    assert not any(m.text == t("en", "minutes.amended", number=1) for m in posted.messages[before:])


def test_a_late_action_joins_the_ended_meeting_too(ended: tuple[Core, Posted]) -> None:
    core, posted = ended
    core.handle(said("#action alice send the notes", END - timedelta(seconds=3)), END + timedelta(seconds=4),
                posted)
    with Session(core.engine) as session:
        item = session.exec(select(ActionItem).order_by(col(ActionItem.id).desc())).first()
        assert item is not None and item.meeting_id is not None
        assert item.created_at == END - timedelta(seconds=3)


# ---- 3. busy past capacity ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "lang"), [("new Sync tomorrow 3pm", "en"), ("新建 周会 明天下午3点", "zh")])
def test_past_max_in_flight_the_person_is_told_busy_through_the_outbox(text: str, lang: str) -> None:
    core = migrated_core(make_settings(QUORUM_MAX_IN_FLIGHT="2"))
    posted = Posted()
    assert core.admit() and core.admit()
    assert not core.admit()  # the forced small queue is full
    inbound = Inbound("command", PLATFORM, "local", CHANNEL, Person("carol", "carol"), text)
    core.busy(inbound, MONDAY_9AM, posted)
    assert len(posted.messages) == 1
    answer = posted.messages[0]
    assert answer.target.kind == "ephemeral" and answer.target.user == "carol"
    assert t(lang, "error.busy") in answer.text  # type: ignore[arg-type]
    with Session(core.engine) as session:
        rows = session.exec(select(Notification.status)).all()
        assert list(rows) == ["sent"]  # an outbox row, delivered
        assert session.exec(select(Meeting)).first() is None  # the event itself was not handled
    core.release()
    assert core.admit()  # room again once one finished
