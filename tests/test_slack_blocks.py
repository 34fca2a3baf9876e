"""Block Kit rendering and the `/meeting new` modal: escaping, mentions, Slack's limits, and modal → Command.

Every rendered message is also run through `check_message`, a small validator of the Block Kit limits
Slack enforces (it rejects the whole message when one is broken), so each test doubles as a shape test.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack.blocks import (
    BUTTON_ACTION_PREFIX,
    MEETING_MODAL_CALLBACK,
    Mentionable,
    escape,
    home_view,
    meeting_modal,
    modal_to_command,
    render,
)
from bot.command_types import AgendaSpec, Mention, NewMeeting, ParticipantSpec, Role
from bot.i18n import Lang, t
from bot.messages import Attachment, Button, OutMessage, Section, Target

CHANNEL = Target("channel", "C1")
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
START = datetime(2026, 11, 24, 15, 0, tzinfo=TZ)
REAL_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")


# ------------------------------------------------------------------------------------------------ helpers


def texts_of(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn text in the blocks (where Slack would parse mentions)."""
    found: list[str] = []
    for block in blocks:
        objects = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        found += [obj["text"] for obj in objects if isinstance(obj, dict) and obj.get("type") == "mrkdwn"]
    return found


def check_message(rendered: dict[str, Any], max_blocks: int = 50) -> list[dict[str, Any]]:
    """Assert the Block Kit limits; return the blocks."""
    blocks: list[dict[str, Any]] = rendered["blocks"]
    assert 0 < len(blocks) <= max_blocks
    action_ids: list[str] = []
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert 0 < len(block["text"]["text"]) <= 150
        elif kind == "section":
            assert ("text" in block) != ("fields" in block)
            if "text" in block:
                assert block["text"]["type"] == "mrkdwn"
                assert block["text"]["text"].strip() and len(block["text"]["text"]) <= 3000
            else:
                assert 0 < len(block["fields"]) <= 10
                assert all(0 < len(field["text"]) <= 2000 for field in block["fields"])
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            for button in block["elements"]:
                assert button["type"] == "button"
                assert button["action_id"].startswith(BUTTON_ACTION_PREFIX)
                assert button["text"]["type"] == "plain_text" and 0 < len(button["text"]["text"]) <= 75
                assert 0 < len(button["value"]) <= 2000
                assert button.get("style", "primary") in ("primary", "danger")
                action_ids.append(button["action_id"])
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(element["text"]) <= 3000 for element in block["elements"])
        else:
            pytest.fail(f"unexpected block type {kind}")
    assert sum(block["type"] == "actions" for block in blocks) <= 5
    assert len(action_ids) == len(set(action_ids))
    for text in [*texts_of(blocks), rendered.get("text", "")]:
        assert "<" not in REAL_MENTION.sub("", text) and ">" not in REAL_MENTION.sub("", text), text
    return blocks


def message(**kwargs: Any) -> OutMessage:
    return OutMessage(target=CHANNEL, **{"text": "Hello", "lang": "en", **kwargs})


def of_type(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [block for block in blocks if block["type"] == kind]


# ----------------------------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("<!channel>", "&lt;!channel&gt;", id="channel"),
        pytest.param("<!here>", "&lt;!here&gt;", id="here"),
        pytest.param("<!subteam^S1|@team>", "&lt;!subteam^S1|@team&gt;", id="subteam"),
        pytest.param("<@U1> & <@U2|bob>", "&lt;@U1&gt; &amp; &lt;@U2|bob&gt;", id="typed-person-markup-is-text"),
        pytest.param("<@U1!channel>", "&lt;@U1!channel&gt;", id="not-a-person"),
        pytest.param("R&D", "R&amp;D", id="ampersand"),
        pytest.param("&lt;", "&amp;lt;", id="entity-stays-text"),
        pytest.param("会议 *bold* _it_", "会议 *bold* _it_", id="plain-unchanged"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param("<!channel>", id="channel"),
        pytest.param("<!here>", id="here"),
        pytest.param("<!subteam^S1|@team>", id="subteam"),
        pytest.param("<https://evil.example|click>", id="link"),
    ],
)
def test_core_text_never_notifies_anywhere(hostile: str) -> None:
    rendered = render(
        message(
            text=f"text {hostile} & more",
            title=f"title {hostile}",
            fields=((f"label {hostile}", f"value {hostile}"),),
            sections=(Section(f"heading {hostile}", (f"line {hostile}",)),),
            context=f"small {hostile}",
            attachments=(Attachment(f"file {hostile}.txt", "x"),),
        )
    )
    blocks = check_message(rendered)  # asserts no "<" / ">" outside real mentions in any mrkdwn text
    escaped = escape(hostile)
    assert rendered["text"].count(escaped) == 7  # title, text, label, value, heading, line, small print
    assert sum(text.count(escaped) for text in texts_of(blocks)) == 7  # the title is a header; + the file name
    assert "&amp; more" in blocks[1]["text"]["text"]
    # plain_text is never parsed for mentions: the header shows the title as typed
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": f"title {hostile}", "emoji": True}}


# ---------------------------------------------------------------------------------------------- rendering


def test_render_order_and_content() -> None:
    rendered = render(
        message(
            text="Line one\nLine two",
            title="Q3 roadmap",
            fields=(("When", "Tue 15:00"), ("Host", "bob")),
            sections=(Section("Agenda", ("1. Scope 20m", "2. Budget 25m")), Section(None, ("no heading",))),
            buttons=(
                Button("Accept", "rsvp 3 yes", "primary"),
                Button("Decline", "rsvp 3 no", "danger"),
                Button("Maybe", "rsvp 3 maybe"),
            ),
            context="Reply ✅ ❌ 🤔",
            mentions=("U2", "W3"),
            attachments=(Attachment("minutes.txt", "…"), Attachment("actions.csv", "…")),
        )
    )
    blocks = check_message(rendered)
    assert [block["type"] for block in blocks] == [
        "header", "section", "section", "section", "section", "section", "actions", "context", "context",
    ]  # fmt: skip
    assert blocks[1]["text"]["text"] == "Line one\nLine two"
    assert [field["text"] for field in blocks[2]["fields"]] == ["*When*\nTue 15:00", "*Host*\nbob"]
    assert blocks[3]["text"]["text"] == "*Agenda*\n1. Scope 20m\n2. Budget 25m"
    assert blocks[4]["text"]["text"] == "no heading"
    assert blocks[5]["text"]["text"] == "<@U2> <@W3>"
    assert blocks[6]["elements"] == [
        {"type": "button", "action_id": "quorum_button_0", "text": {"type": "plain_text", "text": "Accept",
         "emoji": True}, "value": "rsvp 3 yes", "style": "primary"},
        {"type": "button", "action_id": "quorum_button_1", "text": {"type": "plain_text", "text": "Decline",
         "emoji": True}, "value": "rsvp 3 no", "style": "danger"},
        {"type": "button", "action_id": "quorum_button_2", "text": {"type": "plain_text", "text": "Maybe",
         "emoji": True}, "value": "rsvp 3 maybe"},
    ]  # fmt: skip
    assert blocks[7]["elements"][0]["text"] == "Reply ✅ ❌ 🤔"
    assert blocks[8]["elements"][0]["text"] == "📎 minutes.txt · actions.csv"
    assert rendered["text"] == (
        "*Q3 roadmap*\nLine one\nLine two\nWhen: Tue 15:00\nHost: bob\nAgenda:\n1. Scope 20m\n2. Budget 25m\n"
        "no heading\n(Reply ✅ ❌ 🤔)\n<@U2> <@W3>"
    )


@pytest.mark.parametrize(
    "mentions, expected",
    [
        pytest.param(("U1",), "<@U1>", id="one"),
        pytest.param(("U1", "W2", "U1"), "<@U1> <@W2>", id="once-each"),
        pytest.param(("U1", "!channel", "U2|x", "U3>", "alice", ""), "<@U1>", id="only-real-ids"),
    ],
)
def test_mentions_notify_in_text_and_blocks(mentions: tuple[str, ...], expected: str) -> None:
    rendered = render(message(text="Reminder: #3 is due", mentions=mentions))
    blocks = check_message(rendered)
    assert rendered["text"] == f"Reminder: #3 is due\n{expected}"
    assert blocks[-1] == {"type": "section", "text": {"type": "mrkdwn", "text": expected}}


def test_no_mentions_no_mention_block() -> None:
    rendered = render(message(mentions=("alice",)))
    assert check_message(rendered) == [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}]
    assert rendered["text"] == "Hello"


@pytest.mark.parametrize(
    "title, expected",
    [
        pytest.param("Short", "Short", id="short"),
        pytest.param("x" * 150, "x" * 150, id="exactly-150"),
        pytest.param("x" * 151, "x" * 149 + "…", id="151-cut"),
        pytest.param("Two\nlines  here", "Two lines here", id="one-line"),
        pytest.param("  ", None, id="blank-no-header"),
    ],
)
def test_header(title: str, expected: str | None) -> None:
    blocks = check_message(render(message(title=title)))
    headers = [block["text"]["text"] for block in of_type(blocks, "header")]
    assert headers == ([expected] if expected else [])


def test_long_section_is_split_by_lines() -> None:
    lines = tuple(f"{n:03d} " + "x" * 96 for n in range(100))  # 100 lines of 100 characters
    blocks = check_message(render(message(sections=(Section("Minutes", lines),))))
    sections = [block["text"]["text"] for block in blocks[1:]]
    assert len(sections) == 4
    assert sections[0].startswith("*Minutes*\n000 ")
    assert "\n".join(sections) == "*Minutes*\n" + "\n".join(lines)  # split between lines, nothing lost


@pytest.mark.parametrize(
    "line, pieces",
    [
        pytest.param("y" * 7000, ["y" * 3000, "y" * 3000, "y" * 1000], id="plain"),
        pytest.param("&" * 1000, ["&amp;" * 600, "&amp;" * 400], id="entities-whole"),
    ],
)
def test_one_long_line_is_cut_between_entities(line: str, pieces: list[str]) -> None:
    blocks = check_message(render(message(text=line)))
    assert [block["text"]["text"] for block in blocks] == pieces


def test_empty_text_gives_no_empty_section() -> None:
    blocks = check_message(render(message(text="", title="Only a title", sections=(Section(None, ("", " ")),))))
    assert [block["type"] for block in blocks] == ["header"]


def test_more_than_ten_fields() -> None:
    fields = tuple((f"Label {n}", f"value {n}") for n in range(23))
    blocks = check_message(render(message(fields=fields)))
    field_blocks = [block for block in blocks if "fields" in block]
    assert [len(block["fields"]) for block in field_blocks] == [10, 10, 3]
    assert field_blocks[2]["fields"][2]["text"] == "*Label 22*\nvalue 22"


def test_long_field_value_is_cut() -> None:
    blocks = check_message(render(message(fields=(("Goal", "<" * 1000),))))
    text = blocks[1]["fields"][0]["text"]
    assert text.startswith("*Goal*\n&lt;") and text.endswith("&lt;…") and len(text) <= 2000


def test_sixty_buttons() -> None:
    buttons = tuple(Button(f"Done #{n}", f"done {n}") for n in range(60))
    blocks = check_message(render(message(buttons=buttons)))
    actions = of_type(blocks, "actions")
    assert [len(block["elements"]) for block in actions] == [25, 25, 10]
    elements = [element for block in actions for element in block["elements"]]
    assert [element["action_id"] for element in elements] == [f"quorum_button_{n}" for n in range(60)]
    assert [element["value"] for element in elements] == [f"done {n}" for n in range(60)]
    assert all("style" not in element for element in elements)


def test_button_label_is_clipped_and_value_kept() -> None:
    value = "status 12 blocked " + "w" * 1900
    blocks = check_message(render(message(buttons=(Button("L" * 80, value),))))
    button = of_type(blocks, "actions")[0]["elements"][0]
    assert button["text"]["text"] == "L" * 74 + "…"
    assert button["value"] == value


@pytest.mark.parametrize(
    "buttons, error",
    [
        pytest.param((Button("Too long", "x" * 2001),), "2000", id="value-over-2000"),
        pytest.param(tuple(Button("B", f"done {n}") for n in range(126)), "126 buttons", id="126-buttons"),
    ],
)
def test_buttons_slack_cannot_carry(buttons: tuple[Button, ...], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        render(message(buttons=buttons))


def test_fifty_block_cap_trims_sections_never_buttons() -> None:
    sections = tuple(Section(f"Item {n}", (f"line {n}",)) for n in range(80))
    buttons = tuple(Button(f"B{n}", f"done {n}") for n in range(30))
    rendered = render(message(title="Big", sections=sections, buttons=buttons, context="small", mentions=("U1",)))
    blocks = check_message(rendered)
    assert len(blocks) == 50
    kinds = [block["type"] for block in blocks]
    assert kinds[0] == "header" and kinds[-4:] == ["section", "actions", "actions", "context"]
    assert sum(len(block["elements"]) for block in of_type(blocks, "actions")) == 30
    assert blocks[-4]["text"]["text"] == "<@U1>"
    assert blocks[-5]["text"]["text"] == "…"
    assert blocks[-6]["text"]["text"] == "*Item 42*\nline 42"  # header, text, 43 sections, "…", 4 below = 50
    assert "Item 79" in rendered["text"]  # the fallback keeps everything


def test_fallback_is_capped() -> None:
    rendered = render(message(text="&" * 50_000, mentions=("U1",)))
    assert len(rendered["text"]) <= 40_000
    assert rendered["text"].endswith("&amp;…\n<@U1>")


def test_home_view() -> None:
    sections = tuple(Section(f"Item {n}", (f"line {n}",)) for n in range(120))
    view = home_view(message(title="My items", sections=sections, buttons=(Button("Done #1", "done 1"),)))
    assert view["type"] == "home"
    blocks = check_message(view, max_blocks=100)
    assert len(blocks) == 100
    assert blocks[0]["type"] == "header" and blocks[-1]["type"] == "actions"


# ------------------------------------------------------------------------------------------------- modal

INPUTS = [
    ("title", "plain_text_input", False),
    ("date", "datepicker", False),
    ("time", "timepicker", False),
    ("duration", "static_select", True),
    ("participants", "multi_users_select", False),
    ("host", "users_select", True),
    ("recorder", "users_select", True),
    ("agenda", "plain_text_input", True),
    ("goal", "plain_text_input", True),
    ("link", "url_text_input", True),
    ("options", "checkboxes", True),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_modal_shape(lang: Lang) -> None:
    view = meeting_modal(lang, "C42")
    assert view["type"] == "modal"
    assert view["callback_id"] == MEETING_MODAL_CALLBACK
    assert view["private_metadata"] == "C42"
    for key in ("title", "submit", "close"):
        assert view[key]["type"] == "plain_text" and 0 < len(view[key]["text"]) <= 24
    assert view["title"]["text"] == t(lang, "form.title")
    blocks = view["blocks"]
    assert [(b["block_id"], b["element"]["type"], b["optional"]) for b in blocks] == INPUTS
    assert all(block["type"] == "input" and block["element"]["action_id"] == block["block_id"] for block in blocks)
    labels = {block["block_id"]: block["label"]["text"] for block in blocks}
    assert labels["title"] == t(lang, "form.label.title")
    assert labels["host"] == t(lang, "field.host")
    assert blocks[7]["element"]["multiline"] is True
    assert blocks[7]["hint"]["text"] == t(lang, "form.hint.agenda")
    options = blocks[3]["element"]["options"]
    assert [option["value"] for option in options] == ["15", "30", "45", "60", "90", "120"]
    assert options[0]["text"]["text"] == t(lang, "unit.minutes", n=15)
    assert blocks[10]["element"]["options"][0]["value"] == "confidential"


def test_modal_labels_are_chinese() -> None:
    view = meeting_modal("zh", "C1")
    assert view["title"]["text"] == "新建会议"
    assert [block["label"]["text"] for block in view["blocks"]][:3] == ["会议主题", "日期", "开始时间"]


def test_modal_errors_and_initial_values() -> None:
    view = meeting_modal(
        "en", "C1",
        errors={"agenda": "Line 2 <bad>", "title": "The meeting needs a title."},
        initial={"title": "Q3", "date": "2026-11-24", "time": "15:00", "duration": 45, "participants": ["U1"],
                 "host": "U2", "agenda": "Scope 20m", "link": "https://x.example", "confidential": True},
    )  # fmt: skip
    blocks = view["blocks"]
    assert [block["type"] for block in blocks].count("context") == 2
    after = {blocks[i - 1]["block_id"]: block["elements"][0]["text"] for i, block in enumerate(blocks)
             if block["type"] == "context"}  # fmt: skip
    assert after == {"title": ":warning: The meeting needs a title.", "agenda": ":warning: Line 2 &lt;bad&gt;"}
    elements = {block["block_id"]: block["element"] for block in blocks if block["type"] == "input"}
    assert elements["title"]["initial_value"] == "Q3"
    assert elements["date"]["initial_date"] == "2026-11-24"
    assert elements["time"]["initial_time"] == "15:00"
    assert elements["duration"]["initial_option"]["value"] == "45"
    assert elements["participants"]["initial_users"] == ["U1"]
    assert elements["host"]["initial_user"] == "U2"
    assert "initial_user" not in elements["recorder"]
    assert elements["agenda"]["initial_value"] == "Scope 20m"
    assert elements["link"]["initial_value"] == "https://x.example"
    assert elements["options"]["initial_options"] == elements["options"]["options"]


def state(
    *,
    title: str | None = "Q3 roadmap",
    date: str | None = "2026-11-24",
    time: str | None = "15:00",
    duration: str | None = None,
    participants: tuple[str, ...] = ("U1", "U2"),
    host: str | None = None,
    recorder: str | None = None,
    agenda: str | None = None,
    goal: str | None = None,
    link: str | None = None,
    confidential: bool = False,
) -> dict[str, Any]:
    """`view["state"]["values"]` as Slack sends it on view_submission (empty optional inputs included)."""
    option = {"text": {"type": "plain_text", "text": "x", "emoji": True}, "value": duration} if duration else None
    checked = [{"text": {"type": "plain_text", "text": "x"}, "value": "confidential"}] if confidential else []
    payloads: dict[str, dict[str, Any]] = {
        "title": {"type": "plain_text_input", "value": title},
        "date": {"type": "datepicker", "selected_date": date},
        "time": {"type": "timepicker", "selected_time": time},
        "duration": {"type": "static_select", "selected_option": option},
        "participants": {"type": "multi_users_select", "selected_users": list(participants)},
        "host": {"type": "users_select", "selected_user": host},
        "recorder": {"type": "users_select", "selected_user": recorder},
        "agenda": {"type": "plain_text_input", "value": agenda},
        "goal": {"type": "plain_text_input", "value": goal},
        "link": {"type": "url_text_input", "value": link},
        "options": {"type": "checkboxes", "selected_options": checked},
    }
    return {block: {block: payload} for block, payload in payloads.items()}


def person(user: str, role: Role = "required") -> ParticipantSpec:
    return ParticipantSpec(Mention(user, is_platform_id=True), role)


def built(values: dict[str, Any], lang: Lang = "en") -> NewMeeting:
    command, errors = modal_to_command(values, lang, TZ, NOW)
    assert errors == {}
    assert command is not None
    return command


def test_full_modal_builds_the_command() -> None:
    values = state(
        duration="60", participants=("U1", "U2"), host="U3", recorder="U4", agenda="Scope 20m\n\nBudget 25m",
        goal="agree the scope", link="https://meet.example.com/q3", confidential=True,
    )  # fmt: skip
    assert built(values) == NewMeeting(
        title="Q3 roadmap",
        start=START,
        duration=timedelta(minutes=60),
        participants=(person("U1"), person("U2"), person("U3", "host"), person("U4", "recorder")),
        agenda=(AgendaSpec("Scope", 20), AgendaSpec("Budget", 25)),
        location="https://meet.example.com/q3",
        goal="agree the scope",
        confidential=True,
    )


def test_every_duration_option_of_the_modal_is_read() -> None:
    options = meeting_modal("en", "C1")["blocks"][3]["element"]["options"]
    for option in options:
        values = state()
        values["duration"]["duration"]["selected_option"] = option
        assert built(values).duration == timedelta(minutes=int(option["value"]))


@pytest.mark.parametrize(
    "lang, values, expected",
    [
        pytest.param(
            "zh",
            state(
                title="Q3规划会",
                participants=("U1",),
                host="U2",
                agenda="范围 20分钟\n预算25分钟\n演示 1小时\n问答",
                goal="确定范围",
            ),
            {
                "title": "Q3规划会",
                "participants": (person("U1"), person("U2", "host")),
                "goal": "确定范围",
                "agenda": (AgendaSpec("范围", 20), AgendaSpec("预算", 25), AgendaSpec("演示", 60), AgendaSpec("问答")),
            },
            id="chinese",
        ),
        pytest.param(
            "en",
            state(title="  Standup  ", duration=None),
            {
                "title": "Standup",
                "duration": None,
                "agenda": (),
                "goal": None,
                "location": None,
                "confidential": False,
                "participants": (person("U1"), person("U2")),
            },
            id="minimal",
        ),
        pytest.param("en", state(title='Say "hi" to Bob'), {"title": 'Say "hi" to Bob'}, id="title-double-quote"),
        pytest.param(
            "en", state(title="“Quoted” 「x」 『y』"), {"title": "“Quoted” 「x」 『y』"}, id="title-cjk-quotes"
        ),
        pytest.param(
            "en",
            state(title='a"b” c」 d』 e＂ and the "payload" review'),
            {"title": 'a"b” c」 d』 e＂ and the "payload" review'},
            id="title-every-quote-and-payload-kept",
        ),
        pytest.param(
            "en",
            state(title="agenda with host <@U9> goal: for 1h link https://x.io confidential <!channel>"),
            {
                "title": "agenda with host <@U9> goal: for 1h link https://x.io confidential <!channel>",
                "confidential": False,
                "location": None,
                "participants": (person("U1"), person("U2")),
            },
            id="title-full-of-keywords",
        ),
        pytest.param(
            "en",
            state(agenda='goal: pick one 10m\nwith @bob\n"Quoted" item 5 min\nDemo 1.5h\nWrap-up, 5m'),
            {
                "agenda": (
                    AgendaSpec("goal: pick one", 10),
                    AgendaSpec("with @bob"),
                    AgendaSpec('"Quoted" item', 5),
                    AgendaSpec("Demo", 90),
                    AgendaSpec("Wrap-up", 5),
                )
            },
            id="agenda-items-with-keywords",
        ),
        pytest.param(
            "en",
            state(goal='ship "v2", by friday'),
            {"goal": 'ship "v2", by friday'},
            id="goal-with-quotes",
        ),
        pytest.param(
            "en",
            state(participants=("U1", "U2", "U1"), host="U1", recorder="U2"),
            {"participants": (person("U1", "host"), person("U2", "recorder"))},
            id="roles-among-participants",
        ),
        pytest.param(
            "en",
            state(link="meet.example.com/room"),
            {"location": "https://meet.example.com/room"},
            id="link-no-scheme",
        ),
        pytest.param(
            "en",
            state(link="https://en.wikipedia.org/wiki/Foo_(bar)"),
            {"location": "https://en.wikipedia.org/wiki/Foo_(bar)"},
            id="link-trailing-paren",
        ),
        pytest.param(
            "en",
            state(link='https://x.example/a,b;c?q="1"|2'),
            {"location": 'https://x.example/a,b;c?q="1"|2'},
            id="link-separators-and-pipe",
        ),
    ],
)
def test_modal_builds_what_was_typed(lang: Lang, values: dict[str, Any], expected: dict[str, Any]) -> None:
    meeting = built(values, lang)
    assert meeting.start == START
    assert {name: getattr(meeting, name) for name in expected} == expected


def test_modal_state_with_missing_blocks() -> None:
    """Slack always sends every input, but a block missing from the state must read as empty, not crash."""
    values = state()
    del values["agenda"], values["options"], values["host"]
    assert built(values) == NewMeeting("Q3 roadmap", START, participants=(person("U1"), person("U2")))


@pytest.mark.parametrize(
    "lang, values, expected",
    [
        pytest.param("en", state(title=None), {"title": t("en", "error.missing_title")}, id="no-title"),
        pytest.param("en", state(title="   "), {"title": t("en", "error.missing_title")}, id="blank-title"),
        pytest.param("en", state(date=None), {"date": t("en", "form.error.date")}, id="no-date"),
        pytest.param("en", state(time=None), {"time": t("en", "form.error.time")}, id="no-time"),
        pytest.param(
            "en",
            state(participants=()),
            {"participants": t("en", "form.error.participants")},
            id="no-participants",
        ),
        pytest.param(
            "en",
            state(participants=("B1", "!channel")),
            {"participants": t("en", "form.error.participants")},
            id="no-real-participants",
        ),
        pytest.param(
            "en",
            state(host="U3", recorder="U3"),
            {"recorder": t("en", "form.error.roles")},
            id="same-roles",
        ),
        pytest.param(
            "en",
            state(agenda="Scope 20m\n20m"),
            {"agenda": t("en", "form.error.agenda_title", line=2, text="20m")},
            id="agenda-no-title",
        ),
        pytest.param(
            "en",
            state(agenda="Scope 0m"),
            {"agenda": t("en", "form.error.agenda_length", line=1, text="Scope 0m")},
            id="agenda-zero",
        ),
        pytest.param(
            "en",
            state(agenda="Scope 1.2.3h"),
            {"agenda": t("en", "form.error.agenda_length", line=1, text="Scope 1.2.3h")},
            id="agenda-bad-length",
        ),
        pytest.param(
            "en",
            state(agenda="Scope 20m\n\nOffsite 170h"),
            {"agenda": t("en", "form.error.agenda_length", line=3, text="Offsite 170h")},
            id="agenda-too-long",
        ),
        pytest.param(
            "zh",
            state(agenda="范围 20分钟\n  30分钟  "),
            {"agenda": t("zh", "form.error.agenda_title", line=2, text="30分钟")},
            id="agenda-zh",
        ),
        pytest.param(
            "en", state(link="ftp://files.example"), {"link": t("en", "form.error.link")}, id="link-ftp"
        ),
        pytest.param(
            "en",
            state(link="https://x.example/" + "a" * 500),
            {"link": t("en", "form.error.link")},
            id="link-too-long",
        ),
        pytest.param(
            "en", state(date="2026-11-23", time="08:59"),
            {"time": t("en", "error.past_time", when="2026-11-23 08:59")}, id="in-the-past",
        ),
        pytest.param("en", state(date="2026-02-30"), {"date": t("en", "form.error.date")}, id="no-such-day"),
        pytest.param(
            "zh",
            state(title="", date=None, time=None, participants=()),
            {
                "title": "会议需要一个标题。",
                "date": "请选择日期。",
                "time": "请选择开始时间。",
                "participants": "请至少选择一位参会人。",
            },
            id="everything-missing-zh",
        ),
    ],
)
def test_modal_errors(lang: Lang, values: dict[str, Any], expected: dict[str, str]) -> None:
    assert modal_to_command(values, lang, TZ, NOW) == (None, expected)


def test_agenda_error_says_what_to_write() -> None:
    _, errors = modal_to_command(state(agenda="20m"), "en", TZ, NOW)
    assert "Scope 20m" in errors["agenda"] and "Line 1" in errors["agenda"]
    _, errors = modal_to_command(state(agenda="20分钟"), "zh", TZ, NOW)
    assert "范围 20分钟" in errors["agenda"] and "第 1 行" in errors["agenda"]


# ------------------------------------------------------------------------------------------------ people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("#1 @Bob write the doc · @Bob", "#1 <@U0BOB> write the doc · <@U0BOB>", id="by-name"),
        pytest.param("@Bob Jr and @Bob", "<@U0JR> and <@U0BOB>", id="longest-name-first"),
        pytest.param("@Bobby, mail bob@Bob.io", "@Bobby, mail bob@Bob.io", id="only-whole-names"),
        pytest.param("ask @U0BOB", "ask <@U0BOB>", id="by-id"),
        pytest.param("ask @UNESCO", "ask @UNESCO", id="unknown-id-is-text"),
        pytest.param("@here <@U0BOB>", "@here &lt;@U0BOB&gt;", id="broadcast-words-and-markup-are-text"),
        pytest.param("see #C0GENERAL1, not #C1", "see <#C0GENERAL1>, not #C1", id="channel-reference"),
        pytest.param("@张三请看", "<@U0ZHANG>请看", id="cjk-name"),
    ],
)
def test_people_the_adapter_knows_become_mentions(text: str, expected: str) -> None:
    people = Mentionable({"Bob": "U0BOB", "Bob Jr": "U0JR", "张三": "U0ZHANG", "U0BOB": "U0BOB", "x": "!channel"})
    assert escape(text, people) == expected


def test_a_mention_is_never_cut_and_counts_its_full_length() -> None:
    people = Mentionable({"Bob": "U0BOB"})
    line = "x" * 2995 + " @Bob"
    blocks = render(OutMessage(CHANNEL, line, lang="en"), people)["blocks"]
    texts = texts_of(blocks)
    assert texts == ["x" * 2995 + " ", "<@U0BOB>"]
    assert all(len(text) <= 3000 for text in texts)
