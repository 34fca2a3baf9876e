"""A person's own language and timezone (issue 12): `/meeting me`, `我的设置`. What they choose wins over what the
platform's profile says, from then on; reminders, chases and invitations to them follow it, while what the
channel reads stays in the meeting's language. Every date is pinned; the clock is the test's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.command_types import MyPreferences
from bot.commands import parse_command
from bot.errors import ParseError
from bot.events import Inbound, Person
from store.models import User
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat, Sent
from tests.test_console import SCRIPTS, run_console

NEW_YORK = ZoneInfo("America/New_York")


def make_chat() -> Chat:
    return Chat(migrated_core(make_settings()), MONDAY_9AM)


def stored(chat: Chat, who: str) -> User:
    with Session(chat.core.engine) as session:
        return session.exec(select(User).where(User.platform_user_id == who)).one()


def speak_as(chat: Chat, person: Person, text: str) -> list[Sent]:
    """`/meeting <text>` from someone whose platform profile says `person` (Slack's users.info does this)."""
    before = len(chat.sent)
    event = Inbound("command", chat.platform, chat.workspace, chat.channel, person, text, handles_are_user_ids=True)
    chat.core.handle(event, chat.now, chat.send)
    return chat.sent[before:]


def only(sent: list[Sent]) -> Sent:
    assert len(sent) == 1, [s.body for s in sent]
    return sent[0]


# ---- the grammar -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("me", MyPreferences()),
        ("我的设置", MyPreferences()),
        ("preferences", MyPreferences()),
        ("me language zh", MyPreferences("language", "zh")),
        ("me lang Chinese", MyPreferences("language", "zh")),
        ("me language 中文", MyPreferences("language", "zh")),
        ("me language english", MyPreferences("language", "en")),
        ("我的设置 语言 英文", MyPreferences("language", "en")),
        ("我的设置 语言 中文", MyPreferences("language", "zh")),
        ("me language auto", MyPreferences("language", None)),
        ("me timezone Europe/Berlin", MyPreferences("timezone", "Europe/Berlin")),
        ("me tz europe/berlin", MyPreferences("timezone", "Europe/Berlin")),
        ("me timezone Berlin", MyPreferences("timezone", "Europe/Berlin")),
        ("me timezone New York", MyPreferences("timezone", "America/New_York")),
        ("me timezone beijing", MyPreferences("timezone", "Asia/Shanghai")),
        ("me timezone London", MyPreferences("timezone", "Europe/London")),
        ("我的设置 时区 Asia/Shanghai", MyPreferences("timezone", "Asia/Shanghai")),
        ("我的设置 时区 上海", MyPreferences("timezone", "Asia/Shanghai")),
        ("个人设置 时区 自动", MyPreferences("timezone", None)),
        ("我的设置 时区 America/New_York", MyPreferences("timezone", "America/New_York")),
    ],
)
def test_me_reads_a_setting_and_a_value(text: str, expected: MyPreferences) -> None:
    assert parse_command(text, now=MONDAY_9AM, tz=SHANGHAI) == expected


@pytest.mark.parametrize(
    "text, key",
    [
        ("me language french", "error.bad_language"),
        ("me language zh @carol", "error.bad_language"),  # for oneself only: no one else can be named
        ("我的设置 语言 法语", "error.bad_language"),
        ("me timezone Mars/Olympus", "error.bad_timezone"),
        ("me timezone Paris", "error.bad_timezone"),  # not a listed city: never guessed
        ("me timezone +8", "error.bad_timezone"),
        ("我的设置 时区 火星", "error.bad_timezone"),
        ("me colour blue", "error.bad_preference_key"),
        ("我的设置 颜色 蓝", "error.bad_preference_key"),
        ("me timezone", "error.missing_text"),
    ],
)
def test_bad_input_is_refused_with_the_example(text: str, key: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_command(text, now=MONDAY_9AM, tz=SHANGHAI)
    assert raised.value.key == key and raised.value.example_key == "example.me"


# ---- choosing, privately ------------------------------------------------------------------------------------


def test_showing_and_choosing_is_a_private_reply_to_the_speaker_only() -> None:
    chat = make_chat()
    shown = only(chat.command("bob", "me"))
    assert shown.message.target.kind == "ephemeral" and shown.message.target.user == "bob"
    assert "language: not set" in shown.body and "timezone: Asia/Shanghai — Quorum's default" in shown.body
    chosen = only(chat.command("bob", "me language zh"))
    assert chosen.message.target.kind == "ephemeral" and chosen.message.target.user == "bob"
    assert chosen.message.lang == "zh" and "语言：中文（你自己选的）" in chosen.body  # answered in the new language
    zone = only(chat.command("bob", "me timezone Berlin"))
    assert "timezone: Europe/Berlin — your choice" in zone.body and zone.message.lang == "en"
    bob = stored(chat, "bob")
    assert (bob.language, bob.language_chosen, bob.timezone, bob.timezone_chosen) == ("zh", True, "Europe/Berlin", True)
    in_dm = only(chat.dm("bob", "me"))
    assert in_dm.message.target.kind == "direct" and "Europe/Berlin" in in_dm.body


def test_the_chinese_form() -> None:
    chat = make_chat()
    chat.command("bob", "我的设置 语言 中文")
    reply = only(chat.command("bob", "我的设置 时区 柏林"))
    assert reply.message.lang == "zh" and "已保存" in reply.body and "时区：Europe/Berlin（你自己选的）" in reply.body
    assert (stored(chat, "bob").language, stored(chat, "bob").timezone) == ("zh", "Europe/Berlin")
    shown = only(chat.command("bob", "我的设置"))
    assert "你的设置：" in shown.body and "语言：中文（你自己选的）" in shown.body


@pytest.mark.parametrize(
    "text, says",
    [
        ("me language french", ["“french” is not a language I speak", "For example: /meeting me ·"]),
        ("me timezone Paris", ["“Paris” is not a timezone I know", "Europe/Berlin", "For example:"]),
        ("我的设置 语言 法语", ["不支持语言“法语”", "/meeting 我的设置 语言 中文"]),
        ("我的设置 时区 火星", ["无法识别时区“火星”", "Asia/Shanghai"]),
    ],
)
def test_bad_input_gets_a_clear_reply_in_the_language_it_was_written_in(text: str, says: list[str]) -> None:
    chat = make_chat()
    chat.command("bob", "me timezone London")
    reply = only(chat.command("bob", text))
    assert reply.message.target.kind == "ephemeral" and reply.message.text.startswith("⚠️")
    assert all(part in reply.body for part in says), reply.body
    bob = stored(chat, "bob")
    assert (bob.language, bob.timezone) == (None, "Europe/London")  # nothing changed


# ---- the choice wins over the platform ---------------------------------------------------------------------


def test_a_platform_profile_refresh_does_not_override_the_choice() -> None:
    chat = make_chat()
    slack_bob = Person("bob", "bob", "America/New_York", "en")  # what users.info says, on every event
    speak_as(chat, slack_bob, "mine")
    assert (stored(chat, "bob").language, stored(chat, "bob").timezone) == ("en", "America/New_York")
    speak_as(chat, slack_bob, "me language zh")
    speak_as(chat, slack_bob, "me timezone Asia/Tokyo")
    speak_as(chat, slack_bob, "mine")  # the profile comes in again with the event...
    chat.command("alice", "action @bob write the spec by 2026-11-27", mentions=(slack_bob,))  # ...and with a mention
    bob = stored(chat, "bob")
    assert (bob.language, bob.timezone) == ("zh", "Asia/Tokyo")
    shown = only(speak_as(chat, slack_bob, "me"))
    assert "language: Chinese (中文) — your choice" in shown.body and "Asia/Tokyo — your choice" in shown.body
    # auto: back to what the platform says, from its next word
    speak_as(chat, slack_bob, "me language auto")
    speak_as(chat, slack_bob, "me timezone auto")
    speak_as(chat, slack_bob, "mine")
    bob = stored(chat, "bob")
    assert (bob.language, bob.timezone, bob.language_chosen, bob.timezone_chosen) == (
        "en", "America/New_York", False, False)
    shown = only(speak_as(chat, slack_bob, "me"))
    assert "English — from your chat platform" in shown.body
    assert "America/New_York — from your chat platform" in shown.body


# ---- notices follow the choice ---------------------------------------------------------------------------------


def test_after_choosing_chinese_private_reminders_are_chinese_and_the_channel_keeps_the_meetings_language() -> None:
    chat = make_chat()
    chat.command("alice", 'new "Sync" 2026-11-25 3pm for 1h with @bob')
    chat.command("alice", "action @bob write the spec by 2026-11-27")
    chat.command("bob", "me language zh")
    sent = chat.advance(timedelta(days=2, hours=6))  # to Wed 15:00: chase, item reminder, meeting reminder
    to_bob = [s for s in sent if s.message.target.user == "bob" and s.message.target.kind == "direct"]
    item = next(s for s in to_bob if (s.message.title or "").startswith("⏰"))
    assert item.message.lang == "zh" and item.message.title == "⏰ 行动项 #1"
    chase = next(s for s in to_bob if s.message.title == "Sync  #1  （待召开）")  # the RSVP chase
    assert chase.message.lang == "zh" and "请在" in chase.body
    channel = [s for s in sent if s.message.target.kind == "channel"]
    assert channel and all(s.message.lang == "en" for s in channel)
    assert any("starts in" in s.body for s in channel)  # the meeting reminder the channel reads: English


def test_a_chosen_timezone_shows_in_the_invitation() -> None:
    chat = make_chat()
    chat.command("bob", "me timezone Berlin")
    sent = chat.command("alice", 'new "Sync" 2026-11-25 5pm for 1h with @bob @carol')  # inside 09-18 for both
    invitation = next(s for s in sent if s.message.target.kind == "direct" and s.message.target.user == "bob")
    assert "invited you" in invitation.body
    assert "2026-11-25 10:00 (Wed) Europe/Berlin" in invitation.body  # 17:00 in Shanghai, on bob's clock
    carol = next(s for s in sent if s.message.target.kind == "direct" and s.message.target.user == "carol")
    assert "2026-11-25 17:00 (Wed) Asia/Shanghai" in carol.body


def test_a_chosen_timezone_places_the_next_private_reminder_on_the_persons_clock() -> None:
    chat = make_chat()
    chat.command("bob", "me timezone New York")
    chat.command("alice", "action @bob write the spec by 2026-11-27")
    reminder = next(s for s in chat.advance(timedelta(days=3)) if s.message.target.user == "bob")
    # two days before the due date at 09:00 on bob's clock (in Shanghai it would be Wed 09:00 Shanghai)
    assert reminder.at.astimezone(NEW_YORK) == datetime(2026, 11, 25, 9, 0, tzinfo=NEW_YORK)


# ---- the console, end to end -------------------------------------------------------------------------------------


def test_console_in_english_the_choice_outlives_a_new_profile(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "preferences_en.txt").read_text(encoding="utf-8"), tmp_path)
    first = out.split("[m2]")[0]
    assert "(only bob)" in first and "timezone: Europe/London — from your chat platform" in first
    assert "语言：中文（你自己选的）" in out and "timezone: Europe/Berlin — your choice" in out
    assert "⚠️ “Paris” is not a timezone I know" in out and "⚠️ “french” is not a language I speak" in out
    invitation = out[out.index("@bob quorum:"):].split("\n[m")[0]  # after `:user bob tz=America/New_York`
    assert "alice 邀请你" in invitation and "2026-11-24 08:00（周二）Europe/Berlin" in invitation
    assert "#general quorum: *Sync  #1  (scheduled)*" in out  # the channel's card keeps the meeting's language
    chase = out[out.index("-- 2026-11-23 11:00 Asia/Shanghai --"):]
    assert "@bob quorum:" in chase and "请在 2026-11-23 08:00（周一）Europe/Berlin 前回复" in chase


def test_console_in_chinese(tmp_path: Path) -> None:
    out = run_console((SCRIPTS / "preferences_zh.txt").read_text(encoding="utf-8"), tmp_path)
    assert "语言：未设置（跟随各会议或本群的语言）" in out and "Saved. Your settings now:" in out
    assert "时区：America/New_York（你自己选的）" in out
    assert "⚠️ 无法识别时区“火星”" in out and "⚠️ “颜色”不是你的设置项" in out
    assert "#general quorum: *周会  #1  （待召开）*" in out
    invitation = out[out.index("@李四 quorum:"):].split("\n[m")[0]
    assert "张三 invited you" in invitation and "2026-11-24 02:00 (Tue) America/New_York" in invitation
    assert "时区：Asia/Shanghai（Quorum 默认）" in out.split("[m10]")[1]  # `自动`: back to the default
