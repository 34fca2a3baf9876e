"""DingTalk rendering: escaping, markdown layout and splitting, card-platform cards, and click → command round trips.

Every rendered markdown text is also run through `check_markdown`, a small validator of what user text must
never become (links, images, headings, HTML, @all) and of the size limits, so each test doubles as a shape test.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from dingtalk_stream import CardCallbackMessage

from adapters.dingtalk.render import (
    CARD_BUTTONS,
    CARD_TEMPLATE_ID,
    MARKDOWN_TEXT_BYTES,
    MARKDOWN_TEXT_CHARS,
    TITLE_CHARS,
    button_value_from_callback,
    card,
    card_buttons,
    escape_markdown,
    markdown,
)
from bot.i18n import Lang
from bot.messages import Attachment, Button, OutMessage, Section, Target

CHANNEL = Target("channel", "cid-group")
DIRECT = Target("direct", user="manager7")
HOSTILE = (
    "[click](https://evil.example)",
    "![x](https://evil.example/p.png)",
    "# 假标题",
    "<font color=red>urgent</font>",
    "@all 开会了",
    "@所有人 开会了",
    "---",
)
LINK = re.compile(r"\]\(|!\[")  # what a link or an image needs, even for a naive parser


# ------------------------------------------------------------------------------------------------ helpers


def message(**kwargs: Any) -> OutMessage:
    return OutMessage(**{"target": CHANNEL, "text": "Hello", "lang": "en", **kwargs})


def check_markdown(text: str) -> str:
    """Assert the size limits and that no markup came from text; return `text`."""
    assert 0 < len(text) <= MARKDOWN_TEXT_CHARS and len(text.encode()) <= MARKDOWN_TEXT_BYTES
    assert not LINK.search(text), text
    assert "<" not in text, text
    assert not re.search(r"@(?:all|所有人)", text, re.IGNORECASE), text
    for number, line in enumerate(text.split("\n")):
        assert not line.startswith("#") or (number == 0 and line.startswith("#### ")), line
        assert not line.startswith(">") or line.startswith("> "), line
        assert not re.fullmatch(r"\s*[-=]+\s*", line), line  # no rule, no setext heading
    return text


def texts(message: OutMessage, lang: Lang = "en", mention_ids: tuple[str, ...] = ()) -> list[str]:
    return [check_markdown(text) for _, text in markdown(message, lang, mention_ids)]


def check_card(data: dict[str, str]) -> list[dict[str, Any]]:
    """Assert the shape of the markdown-with-buttons template's `cardParamMap`; return the buttons in order."""
    assert set(data) == {"title", "markdown", "tips", "sys_full_json_obj"}
    assert all(isinstance(value, str) for value in data.values())  # DingTalk takes string values only
    assert data["title"] and data["tips"] == ""
    if data["markdown"]:
        check_markdown(data["markdown"])
    assert set(json.loads(data["sys_full_json_obj"])) == {"msgButtons"}
    buttons = card_buttons(data)
    assert len(buttons) <= CARD_BUTTONS
    for button in buttons:
        assert set(button) == {"text", "color", "id", "request", "params"}
        assert button["request"] is True and button["text"] and button["color"] in ("blue", "gray")
    assert len({button["id"] for button in buttons}) == len(buttons)
    return buttons


def card_text(data: dict[str, str]) -> str:
    return data["markdown"]


def callback(content: Any, **fields: Any) -> dict[str, Any]:
    """The `data` of a Stream card callback, as DingTalk sends it (`content` is a JSON string)."""
    return {
        "type": "actionCallback",
        "outTrackId": "quorum-m7",
        "corpId": "ding-corp",
        "userId": "manager7",
        "content": content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
        **fields,
    }


def click(button: dict[str, Any], *, params: bool = True, action_ids: bool = True) -> dict[str, Any]:
    private: dict[str, Any] = {"params": button["params"] if params else {}}
    if action_ids:
        private["actionIds"] = [button["id"]]
    return callback({"cardPrivateData": private})


# ----------------------------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("[click](https://evil.example)", r"\[click\]\(https://evil.example)", id="link"),
        pytest.param("![x](https://p.png)", r"\!\[x\]\(https://p.png)", id="image"),
        pytest.param("# 假标题", r"\# 假标题", id="heading"),
        pytest.param("  ### indented", r"  \### indented", id="indented-heading"),
        pytest.param("Meeting #3 moved", "Meeting #3 moved", id="hash-inside-a-line"),
        pytest.param("---", r"\---", id="rule"),
        pytest.param("===", r"\===", id="setext-underline"),
        pytest.param("- item", "- item", id="list-item-stays-text"),
        pytest.param("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`", id="emphasis-and-code"),
        pytest.param("C:\\temp", "C:\\\\temp", id="backslash"),
        pytest.param("<font color=red>x</font>", "＜font color=red＞x＜/font＞", id="html"),
        pytest.param("> quoted", "＞ quoted", id="quote"),
        pytest.param("@all 开会", "＠all 开会", id="at-all"),
        pytest.param("@ALL, please", "＠ALL, please", id="at-all-any-case"),
        pytest.param("请@所有人确认", "请＠所有人确认", id="at-everyone-chinese"),
        pytest.param("@allison", "@allison", id="a-name-starting-with-all"),
        pytest.param("mail a@b.com", "mail a@b.com", id="email"),
        pytest.param("(note) [1]", r"(note) \[1\]", id="parentheses-alone-stay"),
        pytest.param("周会：讨论预算（第二季度）。", "周会：讨论预算（第二季度）。", id="chinese-unchanged"),
        pytest.param("ok\n# no\n@all", "ok\n\\# no\n＠all", id="every-line"),
        pytest.param("", "", id="empty"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


@pytest.mark.parametrize("hostile", [pytest.param(text, id=text[:12]) for text in HOSTILE])
@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda s: {"title": s}, id="title"),
        pytest.param(lambda s: {"text": f"before\n{s}\nafter"}, id="text"),
        pytest.param(lambda s: {"fields": ((s, s),)}, id="field"),
        pytest.param(lambda s: {"sections": (Section(s, (s, f"x {s}")),)}, id="section"),
        pytest.param(lambda s: {"context": s}, id="context"),
        pytest.param(
            lambda s: {"buttons": (Button(s, "rsvp 3 yes"), Button(s, "status 3 blocked", asks=s))}, id="button"
        ),
        pytest.param(lambda s: {"attachments": (Attachment(s, "x"),)}, id="attachment-name"),
    ],
)
def test_user_text_forms_no_markup(hostile: str, where: Any) -> None:
    rendered = message(**where(hostile))
    for lang in ("en", "zh"):
        (text,) = texts(rendered, lang)
        assert len(text) > len("Hello")
        check_card(card(rendered, lang))


# ------------------------------------------------------------------------------------------------ markdown


FULL = message(
    title="Q3 roadmap #12",
    text="Please answer by Friday.\nBring numbers.\n\nSecond paragraph.",
    fields=(("When", "Tue 24 Nov 15:00"), ("Host", "alice")),
    sections=(Section("Agenda", ("Scope 20m", "Budget")), Section(None, ("no heading",))),
    buttons=(Button("Accept", "rsvp 12 yes", "primary"), Button("Blocked #4", "status 4 blocked", asks="Why?")),
    context="Meeting link in the invite",
    attachments=(Attachment("minutes-12.md", "…"),),
)


@pytest.mark.parametrize(
    "lang, target, expected",
    [
        pytest.param(
            "en",
            CHANNEL,
            "#### Q3 roadmap #12\n\n"
            "Please answer by Friday.  \nBring numbers.\n\n"
            "Second paragraph.\n\n"
            "**When**: Tue 24 Nov 15:00  \n**Host**: alice\n\n"
            "**Agenda**  \n- Scope 20m  \n- Budget\n\n"
            "- no heading\n\n"
            "@ me and reply with:  \n"
            "- Accept: `/meeting rsvp 12 yes`  \n"
            "- Blocked #4: `/meeting status 4 blocked` + your answer (Why?)\n\n"
            "> Meeting link in the invite  \n> 📎 minutes-12.md",
            id="english-group",
        ),
        pytest.param(
            "zh",
            DIRECT,
            "#### Q3 roadmap #12\n\n"
            "Please answer by Friday.  \nBring numbers.\n\n"
            "Second paragraph.\n\n"
            "**When**: Tue 24 Nov 15:00  \n**Host**: alice\n\n"
            "**Agenda**  \n- Scope 20m  \n- Budget\n\n"
            "- no heading\n\n"
            "回复以下内容：  \n"
            "- Accept：`/meeting rsvp 12 yes`  \n"
            "- Blocked #4：`/meeting status 4 blocked` + 你的回答（Why?）\n\n"
            "> Meeting link in the invite  \n> 📎 minutes-12.md",
            id="chinese-direct",
        ),
    ],
)
def test_markdown_layout(lang: Lang, target: Target, expected: str) -> None:
    rendered = replace(FULL, target=target)
    assert markdown(rendered, lang) == [("Q3 roadmap #12", check_markdown(expected))]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        pytest.param({"title": "周会"}, "周会", id="title"),
        pytest.param({"title": "  Q3\n roadmap  "}, "Q3 roadmap", id="whitespace-collapsed"),
        pytest.param({"title": "A" * 40}, "A" * (TITLE_CHARS - 1) + "…", id="clipped"),
        pytest.param({"title": None, "text": "\n  First line  \nsecond"}, "First line", id="first-line"),
        pytest.param({"title": "", "text": ""}, "Quorum", id="nothing-to-take-it-from"),
        pytest.param({"title": "[x](y) @all"}, "[x](y) @all", id="plain-not-markdown"),
    ],
)
def test_title_is_a_short_plain_preview(kwargs: dict[str, Any], expected: str) -> None:
    ((title, text),) = markdown(message(**kwargs), "en")
    assert title == expected and len(title) <= TITLE_CHARS
    check_markdown(text)


def test_a_message_with_no_words_still_says_something() -> None:
    assert markdown(message(text=""), "en") == [("Quorum", "Quorum")]


def test_a_command_with_a_backtick_is_escaped_text_not_a_code_span() -> None:
    (text,) = texts(message(buttons=(Button("Odd", "note `x`"),)), "en")
    assert text.endswith(r"- Odd: /meeting note \`x\`")


@pytest.mark.parametrize(
    "mention_ids, expected_tail",
    [
        pytest.param(("manager7",), "\n\n@manager7", id="one"),
        pytest.param(("0123", "manager7", "0123"), "\n\n@0123 @manager7", id="once-each-in-order"),
        pytest.param(
            ("all", "ALL", "所有人", "a b", "<x>", "", "x" * 65, "ok_1-2"), "\n\n@ok_1-2", id="only-valid-staff-ids"
        ),
        pytest.param((), "Hello", id="none"),
    ],
)
def test_mentions_end_the_message(mention_ids: tuple[str, ...], expected_tail: str) -> None:
    (text,) = texts(message(), "en", mention_ids)
    assert text.endswith(expected_tail)
    assert text.count("@") == expected_tail.count("@")


# --------------------------------------------------------------------------------------------- splitting


def minutes(lang: Lang, count: int = 300) -> tuple[OutMessage, list[str]]:
    """A minutes message with `count` decision lines (with markup characters to escape), and those lines."""
    if lang == "zh":
        title, text, heading = "产品周会纪要 第 47 周", "会议纪要", "决定"
        line = "{i:03d} 决定：预算按第二季度计划执行，负责人 张三，截止 周五（见 [附件] #{i}）"
    else:
        title, text, heading = "Weekly product sync minutes", "Minutes", "Decisions"
        line = "{i:03d} Decision: ship the *beta* to [pilot] customers by Friday, owner Alice #{i}"
    lines = [line.format(i=i) for i in range(count)]
    return message(title=title, text=text, sections=(Section(heading, tuple(lines)),)), lines


@pytest.mark.parametrize(
    "lang, continued",
    [
        pytest.param("en", "Weekly product sync… (cont. {part}/{total})", id="english"),
        pytest.param("zh", "产品周会纪要 第 47 周（续 {part}/{total}）", id="chinese"),
    ],
)
def test_long_minutes_are_split_between_lines(lang: Lang, continued: str) -> None:
    rendered, lines = minutes(lang)
    parts = markdown(rendered, lang, ("manager7",))
    assert len(parts) >= 3
    total = len(parts)
    assert [title for title, _ in parts] == [
        parts[0][0],
        *(continued.format(part=number, total=total) for number in range(2, total + 1)),
    ]
    bodies = [check_markdown(text) for _, text in parts]
    for number, body in enumerate(bodies[1:], start=2):
        assert body.startswith(f"#### {escape_markdown(continued.format(part=number, total=total))}\n\n")
    joined = "\n\n".join(bodies)
    positions = [joined.find(f"- {escape_markdown(line)}") for line in lines]
    assert -1 not in positions and positions == sorted(positions)  # nothing lost, order kept, no line cut
    assert all(not body.endswith("@manager7") for body in bodies[:-1]) and bodies[-1].endswith("\n\n@manager7")


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("x" * 12_000 + "#not a heading", id="ascii"),
        pytest.param("会" * 9_000 + "@所有人", id="chinese-bytes"),
        pytest.param("\\" * 11_999 + "*", id="backslashes"),
        pytest.param("😀" * 4_500, id="four-byte-characters"),
    ],
)
def test_a_line_too_long_for_one_message_is_cut_safely(line: str) -> None:
    bodies = texts(message(text=line), "zh")
    assert len(bodies) > 1
    pieces = [bodies[0], *(body.split("\n\n", 1)[1] for body in bodies[1:])]
    assert all(piece.startswith("…") for piece in pieces[1:])
    assert "".join(piece.removeprefix("…") for piece in pieces) == escape_markdown(line)
    for piece in pieces[:-1]:
        assert (len(piece) - len(piece.rstrip("\\"))) % 2 == 0  # an escape is never cut in two


# -------------------------------------------------------------------------------------------------- cards


@pytest.mark.parametrize(
    "buttons, clickable, typed",
    [
        pytest.param((), 0, 0, id="no-buttons"),
        pytest.param(tuple(Button(f"B{i}", f"done {i}") for i in range(1)), 1, 0, id="one"),
        pytest.param(tuple(Button(f"B{i}", f"done {i}") for i in range(5)), 5, 0, id="two-rows"),
        pytest.param(tuple(Button(f"B{i}", f"done {i}") for i in range(CARD_BUTTONS)), CARD_BUTTONS, 0, id="full"),
        pytest.param(
            tuple(Button(f"B{i}", f"done {i}") for i in range(CARD_BUTTONS + 3)),
            CARD_BUTTONS,
            3,
            id="overflow-is-typed",
        ),
        pytest.param(
            tuple(
                b
                for i in range(8)
                for b in (
                    Button(f"Done #{i}", f"done {i}", "primary"),
                    Button(f"Blocked #{i}", f"status {i} blocked", asks="What is it waiting for?"),
                    Button(f"Delay #{i}", f"status {i} delay", asks="New due date"),
                )
            ),
            8,
            16,
            id="mine-view-asks-are-typed",
        ),
    ],
)
def test_card_buttons(buttons: tuple[Button, ...], clickable: int, typed: int) -> None:
    data = card(message(title="My actions", buttons=buttons), "en")
    shown = check_card(data)
    assert [button["text"] for button in shown] == [b.label for b in buttons if not b.asks][:clickable]
    text = card_text(data)
    assert text.count("`/meeting ") == typed
    assert ("@ me and reply with:" in text) == bool(typed)
    assert [button_value_from_callback(click(button)) for button in shown] == [b.value for b in buttons if not b.asks][
        :clickable
    ]


def test_card_layout() -> None:
    data = card(FULL, "zh")
    assert CARD_TEMPLATE_ID == "1366a1eb-bc54-4859-ac88-517c56a9acb1.schema"  # the SDK's MarkdownButtonCardInstance
    assert check_card(data) == [
        {"text": "Accept", "color": "blue", "id": "quorum_0_cnN2cCAxMiB5ZXM", "request": True,
         "params": {"command": "rsvp 12 yes"}}
    ]
    assert data["title"] == "Q3 roadmap #12"
    assert card_text(data) == (
        "Please answer by Friday.  \nBring numbers.\n\n"
        "Second paragraph.\n\n"
        "**When**: Tue 24 Nov 15:00  \n**Host**: alice\n\n"
        "**Agenda**  \n- Scope 20m  \n- Budget\n\n"
        "- no heading\n\n"
        "@我并回复以下内容：  \n"
        "- Blocked #4：`/meeting status 4 blocked` + 你的回答（Why?）\n\n"
        "> Meeting link in the invite  \n> 📎 minutes-12.md"
    )


@pytest.mark.parametrize(
    "style, color",
    [
        pytest.param("primary", "blue", id="primary"),
        pytest.param("danger", "gray", id="danger"),
        pytest.param("default", "gray", id="default"),
    ],
)
def test_card_button_color(style: Any, color: str) -> None:
    (button,) = check_card(card(message(buttons=(Button("B", "done 1", style),)), "en"))
    assert button["color"] == color


def test_card_without_title_or_text_still_has_a_header_and_buttons() -> None:
    data = card(message(text="", buttons=(Button("I'm here", "here 3", "primary"),)), "en")
    assert data["title"] == "Quorum" and data["markdown"] == ""
    assert [button["text"] for button in check_card(data)] == ["I'm here"]


def test_a_long_card_loses_its_last_lines_never_its_buttons() -> None:
    rendered, lines = minutes("zh")
    buttons = (Button("完成", "done 1", "primary"), Button("受阻", "status 1 blocked", asks="卡在哪里？"))
    rendered = replace(rendered, buttons=buttons, context="请在周五前确认")
    data = card(rendered, "zh")
    (button,) = check_card(data)
    text = card_text(data)
    assert text.endswith(
        "\n\n…\n\n@我并回复以下内容：  \n"
        "- 受阻：`/meeting status 1 blocked` + 你的回答（卡在哪里？）\n\n"
        "> 请在周五前确认"
    )
    assert f"- {escape_markdown(lines[0])}" in text and escape_markdown(lines[-1]) not in text
    assert button_value_from_callback(click(button)) == "done 1"


# ------------------------------------------------------------------------------------------ click round trip


ROUND_TRIP = (
    Button("接受", "rsvp 3 yes", "primary"),
    Button("拒绝", "rsvp 3 no", "danger"),
    Button("Later", "remind 3 “next friday” 会议", "default"),
    Button("Odd", "note a_b-c/d+e=f?", "default"),
)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda b: click(b), id="params-and-action-ids"),
        pytest.param(lambda b: click(b, params=False), id="action-ids-only"),
        pytest.param(lambda b: click(b, action_ids=False), id="params-only"),
        pytest.param(lambda b: CardCallbackMessage.from_dict(click(b)).to_dict(), id="sdk-to-dict"),
        pytest.param(lambda b: {"content": CardCallbackMessage.from_dict(click(b)).content}, id="sdk-parsed-content"),
    ],
)
def test_every_button_round_trips(payload: Any) -> None:
    shown = check_card(card(message(buttons=ROUND_TRIP), "zh"))
    assert [button_value_from_callback(payload(button)) for button in shown] == [b.value for b in ROUND_TRIP]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="no-content"),
        pytest.param(callback("not json"), id="content-not-json"),
        pytest.param(callback("[1, 2]"), id="content-not-an-object"),
        pytest.param(callback({"cardPrivateData": "x"}), id="private-data-not-an-object"),
        pytest.param(callback({"cardPrivateData": {"actionIds": [], "params": {}}}), id="nothing-clicked"),
        pytest.param(callback({"cardPrivateData": {"actionIds": ["button_1646816888257"]}}), id="not-our-button"),
        pytest.param(callback({"cardPrivateData": {"actionIds": ["quorum_0_!!"]}}), id="not-base64"),
        pytest.param(callback({"cardPrivateData": {"actionIds": ["quorum_0_abcde"]}}), id="bad-base64-length"),
        pytest.param(callback({"cardPrivateData": {"actionIds": ["quorum_0__w"]}}), id="not-utf8"),
        pytest.param(callback({"cardPrivateData": {"actionIds": ["quorum_0_ICA"]}}), id="blank-command"),
        pytest.param(callback({"cardPrivateData": {"actionIds": [7], "params": {"command": " "}}}), id="blank-param"),
    ],
)
def test_foreign_or_broken_callbacks_give_none(data: dict[str, Any]) -> None:
    assert button_value_from_callback(data) is None
