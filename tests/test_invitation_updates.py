"""A meeting's private invitations follow what becomes of it, as its channel card does: cancelled, skipped,
rescheduled or its time edited (alone or for the series), each invitation a person was sent is updated in
place through the outbox (`replaces`), in that person's language. A cancelled one asks nothing any more; a moved
one shows the new time and either points to the notice that asks again or carries the buttons itself, never
both. A click that still comes from an invitation as first shown gets the refusal, or the "out of date" note."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session, select

from bot.core import Core
from store.models import Meeting, MessageRef, User
from tests.conftest import SHANGHAI, make_settings, migrated_engine
from tests.harness import Chat, Sent

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
FRIDAY = datetime(2026, 9, 18, 9, 0, tzinfo=SHANGHAI)  # the series tests' day (test_series)
NEW = {"en": 'new "Q3 roadmap" tomorrow 3pm for 1h with @bob @carol',
       "zh": '新建 "Q3规划会" 明天下午3点 1小时 参会 @bob @carol'}
SERIES = {"en": 'new "Weekly sync" every monday 10am for 30m with @bob @carol',
          "zh": '新建 "周会" 每周一上午10点 30分钟 参会 @bob @carol'}
WORDS = {  # what each language's reader reads
    "en": {"cancelled": "❌ Cancelled (budget not ready): nothing to answer any more.",
           "skipped": "❌ Cancelled (team offsite): nothing to answer any more.",
           "moved": "was moved to 2026-11-27 10:00 (Fri) Asia/Shanghai",
           "moved_10_30": "was moved to 2026-09-21 10:30 (Mon) Asia/Shanghai",
           "see_notice": "Please answer on the newer message about the change.",
           "answer_here": "Please answer for the new time below.",
           "refused": "Meeting #1 is cancelled, so that can't be done.",
           "out_of_date": "That invitation is out of date: #1 has changed since.",
           "accept": "Accept", "when": "When: 2026-11-27 10:00 (Fri)"},
    "zh": {"cancelled": "❌ 已取消（budget not ready）：无需再回复。",
           "skipped": "❌ 已取消（team offsite）：无需再回复。",
           "moved": "已改到 2026-11-27 10:00（周五）Asia/Shanghai",
           "moved_10_30": "已改到 2026-09-21 10:30（周一）Asia/Shanghai",
           "see_notice": "请在关于此变更的新消息中回复。",
           "answer_here": "请按新时间在下方回复。",
           "refused": "#1 号会议当前状态为“已取消”，无法执行此操作。",
           "out_of_date": "那份邀请已过时：#1 之后有过变更。",
           "accept": "参加", "when": "时间：2026-11-27 10:00（周五）"},
}
CANCEL = {"en": "cancel 1 budget not ready", "zh": "取消 1 budget not ready"}
MOVES = {
    "reschedule": {"en": "reschedule 1 friday 10am", "zh": "改期 1 周五上午10点"},
    "edit-time": {"en": "edit 1 time friday 10am", "zh": "修改 1 时间 周五上午10点"},
}


def chat_at(now: datetime) -> Chat:
    config = make_settings()
    return Chat(Core(config, migrated_engine(config.database_url)), now)


def speaks(chat: Chat, lang: str, *names: str) -> None:
    """What the platform says of these people: their language."""
    with Session(chat.core.engine) as session:
        for user in session.exec(select(User).where(User.display_name.in_(names))):  # type: ignore[attr-defined]
            user.language = lang
            session.add(user)
        session.commit()


def invitations(chat: Chat, who: str) -> list[Sent]:
    return [s for s in chat.to(who) if s.message.ref is not None and s.message.ref.kind == "invitation"]


def invitation_refs(chat: Chat) -> list[MessageRef]:
    with Session(chat.core.engine) as session:
        return list(session.exec(select(MessageRef).where(MessageRef.kind == "invitation")))


def status(chat: Chat, number: int) -> str:
    with Session(chat.core.engine) as session:
        return session.exec(select(Meeting).where(Meeting.number == number)).one().status


def planned(lang: str) -> Chat:
    """Meeting #1 tomorrow 15:00 by alice, bob and carol invited (in `lang`); bob said yes on his invitation."""
    chat = chat_at(MONDAY)
    chat.command("alice", NEW[lang])
    speaks(chat, lang, "alice", "bob", "carol")
    (bob_invitation,) = invitations(chat, "bob")
    chat.click("bob", bob_invitation.id, WORDS[lang]["accept"])
    return chat


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cancelled_meetings_invitations_say_so_and_ask_nothing(lang: str) -> None:
    chat = planned(lang)
    words = WORDS[lang]
    first = {who: invitations(chat, who)[0] for who in ("bob", "carol")}
    chat.command("alice", CANCEL[lang])
    for who, sent in first.items():
        assert len(sent.versions) == 1, who  # updated once, in place
        now = sent.current
        assert now.replaces == sent.id and now.ref is None and now.target == sent.message.target
        assert now.buttons == () and now.lang == lang
        assert words["cancelled"] in now.text and words["accept"] not in sent.body
    # a click that still comes from the invitation as first shown is refused, in the reader's language
    reply = chat.click("carol", first["carol"].id, words["accept"], as_first_posted=True)
    assert words["refused"] in reply[-1].body and status(chat, 1) == "cancelled"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("move", list(MOVES))
def test_a_moved_meetings_invitations_show_the_new_time_and_point_to_the_notice(lang: str, move: str) -> None:
    chat = planned(lang)
    words = WORDS[lang]
    first = {who: invitations(chat, who)[0] for who in ("bob", "carol")}
    posted = chat.command("alice", MOVES[move][lang])
    for who, sent in first.items():
        (now,) = sent.versions
        assert now.replaces == sent.id and now.buttons == ()  # asked once: on the notice below
        assert words["moved"] in now.text and words["see_notice"] in now.text and words["when"] in sent.body
        notice = next(s for s in posted if s.message.target.user == who and s.message.replaces is None)
        assert [b.value for b in notice.message.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    # the notice is the invitation now: a click from the old one as first shown counts, and says it is out of date
    reply = chat.click("bob", first["bob"].id, words["accept"], as_first_posted=True)
    assert words["out_of_date"] in reply[-1].body
    notice = invitations(chat, "carol")[-1]
    assert words["out_of_date"] not in chat.click("carol", notice.id, words["accept"])[-1].body


def test_each_stored_invitation_is_updated_once_per_change_and_a_refused_cancel_updates_nothing() -> None:
    chat = planned("en")
    chat.command("alice", "reschedule 1 friday 10am")
    stored = invitation_refs(chat)
    assert len(stored) == 4  # bob and carol: the first invitation and the reschedule's notice
    posted = chat.command("alice", "cancel 1")
    updates = [s for s in chat.sent if s.message.target.kind == "direct" and s.versions
               and s.versions[-1].text.startswith("❌")]
    assert sorted(s.id for s in updates) == sorted(r.platform_message_id for r in stored)
    assert not [s for s in posted if s.message.target.kind == "direct" and s.message.buttons]
    before = sum(len(s.versions) for s in chat.sent)
    chat.command("alice", "cancel 1")  # already cancelled: refused, and nobody's invitation is touched again
    assert sum(len(s.versions) for s in chat.sent) == before


def test_the_speakers_own_invitation_carries_the_buttons_when_no_notice_asks_them() -> None:
    """carol, a host, moves the meeting: she gets no notice, so her own invitation asks her (once) itself."""
    chat = chat_at(MONDAY)
    chat.command("alice", 'new "Q3 roadmap" tomorrow 3pm for 1h with host @carol @bob')
    (carol_invitation,) = invitations(chat, "carol")
    chat.command("carol", "reschedule 1 friday 10am")
    (now,) = carol_invitation.versions
    assert WORDS["en"]["answer_here"] in now.text
    assert [b.value for b in now.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    assert [s.id for s in chat.to("carol")] == [carol_invitation.id]  # and nothing else asks her


def series(lang: str) -> Chat:
    """A weekly series from Monday 09-21 10:00 by alice with bob and carol (in `lang`): #1's invitations are out."""
    chat = chat_at(FRIDAY)
    chat.command("alice", SERIES[lang])
    speaks(chat, lang, "alice", "bob", "carol")
    assert len(invitations(chat, "bob")) == 1 and len(invitations(chat, "carol")) == 1
    return chat


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_skipped_occurrences_invitations_say_so(lang: str) -> None:
    chat = series(lang)
    words = WORDS[lang]
    (bob_invitation,) = invitations(chat, "bob")
    chat.command("alice", {"en": "skip 1 team offsite", "zh": "跳过 1 team offsite"}[lang])
    (now,) = bob_invitation.versions
    assert now.buttons == () and words["skipped"] in now.text and now.replaces == bob_invitation.id
    reply = chat.click("bob", bob_invitation.id, words["accept"], as_first_posted=True)
    assert words["refused"] in reply[-1].body


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_series_time_edit_asks_once_per_person(lang: str) -> None:
    """bob had said yes to #1: his answer is cleared and the notice asks him again (with the buttons), so his
    invitation points there; carol had not answered and gets no buttons on the notice, so her invitation asks."""
    chat = series(lang)
    words = WORDS[lang]
    bob_first, carol_first = invitations(chat, "bob")[0], invitations(chat, "carol")[0]
    chat.click("bob", bob_first.id, words["accept"])
    posted = chat.command("alice", {"en": "series 1 edit time 10:30", "zh": "系列 1 修改 时间 上午10点半"}[lang])
    (bob_now,) = bob_first.versions
    assert words["moved_10_30"] in bob_now.text and words["see_notice"] in bob_now.text and bob_now.buttons == ()
    (carol_now,) = carol_first.versions
    assert words["moved_10_30"] in carol_now.text and words["answer_here"] in carol_now.text
    assert [b.value for b in carol_now.buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    new = {s.message.target.user: s.message for s in posted
           if s.message.target.kind == "direct" and s.message.replaces is None}
    assert [b.value for b in new["bob"].buttons] == ["rsvp 1 yes", "rsvp 1 no", "rsvp 1 maybe"]
    assert new["carol"].buttons == ()
    # bob's old invitation as first shown: his answer counts, for the new time, and he is told so
    assert words["out_of_date"] in chat.click("bob", bob_first.id, words["accept"], as_first_posted=True)[-1].body
    # carol's, as it is now, is current
    assert words["out_of_date"] not in chat.click("carol", carol_first.id, words["accept"])[-1].body


def test_cancelling_the_rest_of_a_series_updates_each_occurrences_invitations() -> None:
    chat = series("en")
    (bob_invitation,) = invitations(chat, "bob")
    chat.command("alice", "cancel 1 series no longer needed")
    (now,) = bob_invitation.versions
    assert now.buttons == () and "❌ Cancelled (no longer needed)" in now.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_uninvited_persons_invitation_says_they_are_no_longer_expected(lang: str) -> None:
    chat = planned(lang)
    (carol_invitation,) = invitations(chat, "carol")
    (bob_invitation,) = invitations(chat, "bob")
    chat.command("alice", {"en": "uninvite 1 @carol", "zh": "移除 1 @carol"}[lang])
    assert len(carol_invitation.versions) == 1 and len(bob_invitation.versions) == 0  # only hers, once
    now = carol_invitation.current
    assert now.replaces == carol_invitation.id and now.buttons == () and now.lang == lang
    assert {"en": "You are no longer expected at this meeting", "zh": "你已不在本次会议的参会人之列"}[lang] in now.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_cancel_or_uninvite_leaves_every_invitation_as_it_was(lang: str) -> None:
    chat = planned(lang)
    first = {who: invitations(chat, who)[0] for who in ("bob", "carol")}
    for text in ({"en": "cancel 1", "zh": "取消 1"}[lang], {"en": "uninvite 1 @carol", "zh": "移除 1 @carol"}[lang]):
        refusal = chat.command("bob", text)  # bob was invited; only alice hosts
        assert len(refusal) == 1 and refusal[0].message.target.kind == "ephemeral"
        assert {"en": "Only @alice can change", "zh": "只有 @alice 可以修改"}[lang] in refusal[0].body
    assert all(len(sent.versions) == 0 for sent in first.values()) and status(chat, 1) == "scheduled"
    chat.command("alice", {"en": "uninvite 1 @carol", "zh": "移除 1 @carol"}[lang])  # the host may
    assert len(first["carol"].versions) == 1 and len(first["bob"].versions) == 0
