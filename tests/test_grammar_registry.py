"""The command registry is the one place a subcommand lives: its examples parse, help and README come from
it, the vocabulary is shared by commands and replies, and a new subcommand needs nothing but a
registration and catalog lines (proved with one registered for the length of a test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import command_types as c
from bot.commands import parse_command, parse_message
from bot.errors import ParseError
from bot.grammar.registry import Call, Registry, Subcommand
from bot.grammar.tokens import text_of
from bot.i18n import CATALOGS, Lang, t
from bot.messages import Outcome
from bot.service.commands import COMMANDS, TOPICS
from bot.service.context import Ctx
from bot.service.readme import README, readme_with_table
from bot.timeparse import parse_duration
from bot.vocabulary import Words
from tests.harness import Chat

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday morning
LANGS: tuple[Lang, ...] = ("en", "zh")
PARSABLE = [entry for entry in COMMANDS if entry.parse is not None]


def examples(lang: Lang, key: str) -> list[str]:
    return [text.strip() for text in t(lang, key).split(" · ")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("entry", PARSABLE, ids=lambda entry: entry.name)
def test_every_registered_example_parses_to_its_command(entry: Subcommand[Any], lang: Lang) -> None:
    texts = examples(lang, entry.example_key)
    assert texts and all(texts)
    for text in texts:
        assert isinstance(parse_command(text, now=NOW, tz=TZ), entry.command), text


@pytest.mark.parametrize("entry", list(COMMANDS), ids=lambda entry: entry.name)
def test_every_registration_has_its_catalog_lines(entry: Subcommand[Any]) -> None:
    keys = [entry.example_key, *([entry.help_key] if entry.topic else [])]
    for lang in LANGS:
        assert [key for key in keys if key not in CATALOGS[lang]] == []


def test_help_topics_have_names_and_headings_in_both_languages() -> None:
    for lang in LANGS:
        for topic in TOPICS:
            assert f"help.topic.{topic}" in CATALOGS[lang] and f"help.topic.{topic}.heading" in CATALOGS[lang]
            assert COMMANDS.in_topic(topic)


@pytest.mark.parametrize("entry", PARSABLE, ids=lambda entry: entry.name)
def test_every_word_of_a_subcommand_invokes_it(entry: Subcommand[Any]) -> None:
    assert list(entry.words.en) and list(entry.words.zh)  # both languages
    for word in entry.words:
        assert COMMANDS.for_word(word) is entry


def test_readme_command_table_is_the_registry() -> None:
    readme = README.read_text(encoding="utf-8")
    assert readme_with_table(readme, COMMANDS) == readme, "run `python -m bot.service.readme` to update README"
    assert "| `decline` `can't` `cant` `cannot` | `无法完成` `做不了` `完成不了` `拒绝` |" in readme


# -- one vocabulary: the words that drifted apart


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("拒绝 12 出差", c.DeclineItem(12, "出差"), id="command-拒绝"),
        pytest.param("做不了 12 出差", c.DeclineItem(12, "出差"), id="command-做不了"),
        pytest.param("完成不了 12", c.DeclineItem(12), id="command-完成不了"),
        pytest.param("cannot 12 on leave", c.DeclineItem(12, "on leave"), id="command-cannot"),
        pytest.param("已完成 12", c.Done(12), id="command-已完成"),
        pytest.param("approve 12", c.ApprovePlan(12), id="command-approve-plan"),
    ],
)
def test_reply_words_are_command_words(text: str, expected: c.Command) -> None:
    assert parse_command(text, now=NOW, tz=TZ) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("拒绝：出差", c.DeclineItem(reason="出差"), id="reply-拒绝"),
        pytest.param("做不了：出差", c.DeclineItem(reason="出差"), id="reply-做不了"),
        pytest.param("decline: on leave", c.DeclineItem(reason="on leave"), id="reply-decline"),
        pytest.param("verify", c.VerifyItem(), id="reply-verify"),
        pytest.param("验收", c.VerifyItem(), id="reply-验收"),
    ],
)
def test_command_words_are_reply_words(text: str, expected: c.Command) -> None:
    assert parse_message(text, now=NOW, tz=TZ, context="reply") == [expected]


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        pytest.param("2钟头", 120, id="钟头"),
        pytest.param("1个钟头", 60, id="个钟头"),
        pytest.param("1个小时", 60, id="个小时"),
        pytest.param("1.5 hr", 90, id="hr"),
        pytest.param("45 min", 45, id="min"),
        pytest.param("90分钟", 90, id="分钟"),
    ],
)
def test_one_list_of_duration_units_for_new_and_timeparse(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)
    meeting = parse_command(f"new 周会 明天下午3点 时长 {typed}", now=NOW, tz=TZ)
    assert isinstance(meeting, c.NewMeeting) and meeting.duration == timedelta(minutes=minutes)


def test_a_near_miss_in_the_new_unit_is_a_bad_duration() -> None:
    with pytest.raises(ParseError) as caught:
        parse_command("new 周会 明天下午3点 0钟头", now=NOW, tz=TZ)
    assert caught.value.key == "error.bad_duration"


# -- the registry guards itself


def _handler(ctx: Ctx, command: c.Undo) -> Outcome:
    return Outcome()


def _undo(call: Call) -> c.Undo:
    return c.Undo()


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        pytest.param(
            [Subcommand("a", Words(("same",)), c.Undo, _undo, _handler),
             Subcommand("b", Words(("same",)), c.Undo, _undo, _handler)],
            "'same' names both 'a' and 'b'", id="word-twice",
        ),
        pytest.param(
            [Subcommand("a", Words(("a",)), c.Undo, _undo, _handler),
             Subcommand("a", Words(("b",)), c.Undo, _undo, _handler)],
            "subcommand 'a' is registered twice", id="name-twice",
        ),
        pytest.param(
            [Subcommand("a", Words(("a",)), c.Undo, _undo, _handler),
             Subcommand("b", Words(("b",)), c.Undo, _undo, lambda ctx, command: Outcome())],
            "Undo has two handlers ('a', 'b')", id="two-handlers",
        ),
        pytest.param(
            [Subcommand("a", Words(("a",)), c.Undo, _undo, _handler, "nowhere")],
            "subcommand 'a' has an unknown help topic 'nowhere'", id="unknown-topic",
        ),
    ],
)  # fmt: skip
def test_the_registry_refuses_ambiguity(entries: list[Subcommand[Any]], problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        Registry(entries, ("meetings",))
    assert str(caught.value) == problem


# -- a new subcommand is one registration and its catalog lines


@dataclass(frozen=True)
class Echo:
    text: str


def parse_echo(call: Call) -> Echo:
    text = text_of(call.args)
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return Echo(text)


def handle_echo(ctx: Ctx, command: Echo) -> Outcome:
    return Outcome([ctx.reply(ctx.t("echo.said", text=command.text))])


ECHO = Subcommand("echo", Words(("echo",), ("回声",)), Echo, parse_echo, handle_echo, "review")
ECHO_LINES = {
    "en": {"help.echo": "echo <words> — the bot says them back", "example.echo": "/meeting echo hello",
           "echo.said": "You said: {text}"},
    "zh": {"help.echo": "回声 <文字> — 机器人原样回复", "example.echo": "/meeting 回声 你好",
           "echo.said": "你说：{text}"},
}  # fmt: skip


def test_a_subcommand_registered_in_a_fixture_is_parsed_dispatched_and_listed(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    for lang in LANGS:
        for key, text in ECHO_LINES[lang].items():
            monkeypatch.setitem(CATALOGS[lang], key, text)
    with COMMANDS.adding(ECHO):
        parsed: list[object] = [parse_command(text, now=NOW, tz=TZ) for text in ("echo hello there", "回声 你好")]
        assert parsed == [Echo("hello there"), Echo("你好")]
        assert [s.current.text for s in chat.command("alice", "echo hello there")] == ["You said: hello there"]
        assert [s.current.text for s in chat.dm("alice", "回声 你好")] == ["你说：你好"]  # in the language spoken
        (help_message,) = chat.command("alice", "help")
        assert "echo <words> — the bot says them back" in help_message.current.sections[-1].lines
        (missing,) = chat.command("alice", "echo")
        assert "/meeting echo hello" in missing.current.text  # its own example on a mistake
        assert "| `echo` | `回声` | echo <words> — the bot says them back | `/meeting echo hello` |" in (
            readme_with_table(README.read_text(encoding="utf-8"), COMMANDS)
        )
    with pytest.raises(ParseError) as caught:  # gone again after the block
        parse_command("echo hello", now=NOW, tz=TZ)
    assert caught.value.key == "error.unknown_subcommand"
    (help_message,) = chat.command("alice", "help")
    assert "echo <words> — the bot says them back" not in help_message.body
