r"""DingTalk rendering for Quorum: the core's `OutMessage`s as robot markdown messages and interactive cards.

Pure functions over strings and dicts, no I/O, so DingTalk's markup and size limits are table tests instead of
an error code in production. Why it looks the way it does:

* The core writes plain text. Everything it wrote goes through `escape_markdown` before it lands in DingTalk
  markdown, so a meeting titled "[x](https://evil)" or "# 通知 @所有人" is shown as typed: no link, image,
  heading, HTML (`<font>`) or @all. Markdown punctuation gets a backslash; `<` and `>` become the full-width
  `＜` `＞` and the `@` of `@all` / `@所有人` the full-width `＠`, which no parser reads as markup and every
  reader reads as the same character. Only `mention_ids` become `@staffId` text: DingTalk notifies a person
  listed in the request's `at.atUserIds` only when the text also contains `@<their staffId>`.
* Markdown messages (robot template `sampleMarkdown`, msgParam `{"title", "text"}`; webhook `msgtype:
  markdown` takes the same pair). `title` is the plain notification / chat-list preview, not shown in the
  message, so it is short (TITLE_CHARS). Markdown joins lines separated by a single "\n" into one paragraph
  (DingTalk's message-type docs advise two spaces around "\n" for a line break), so lines inside a block end in
  a hard break ("  \n") and blocks (title, text paragraphs, fields, each section, the words to type, small
  print) are separated by a blank line.
* Size. DingTalk rejects a robot request whose body is over 20,000 bytes (errcode 460101 "message too long,
  exceed 20000 bytes" / "请保持大小在 20000bytes 以内", e.g. github.com/timonwong/prometheus-webhook-dingtalk
  issue 30, github.com/feiyu563/PrometheusAlert issue 318); no per-field limit for markdown text is documented.
  A text is kept to MARKDOWN_TEXT_BYTES = 15,000 UTF-8 bytes and MARKDOWN_TEXT_CHARS = 5,000 characters, which
  leaves 5,000 bytes for the title, `at` lists, JSON quoting and escapes (5,000 Chinese characters are exactly
  15,000 bytes). That holds only if the adapter sends the JSON body as UTF-8 (`json.dumps(...,
  ensure_ascii=False)`): ASCII-escaped JSON (`\u4f1a`, what the SDK's `ChatbotHandler.reply_markdown` sends)
  spends 6 bytes per Chinese character. A longer message (the minutes of a long meeting) is split into several
  messages between lines, a line is cut only when it alone is too long (its continuation starts with "…", so a
  cut can never start a heading); each part after the first has "(续 2/3)" in its title and heading. Mentions go
  at the end of the last part, so people are notified once, when the whole message is there.
* Buttons. A markdown message cannot carry callback buttons (the `sampleActionCard*` templates and
  `actionCard` only open URLs), so it lists each button's command as words to type (`/meeting rsvp 3 yes`):
  typed text and a click share one code path in the core. `card` renders the card-platform card whose clicks
  reach a Stream client: DingTalk calls a card's buttons back over Stream only when the card instance was
  created with `callbackType: "STREAM"` (the robot `interactiveCards/send` API has no such field, and its
  clicks may never arrive; dingtalk-stream-sdk-python issue 29, -nodejs issue 11). It uses the public
  "markdown with buttons" template DingTalk publishes for every app (CARD_TEMPLATE_ID, the one the SDK's
  `MarkdownButtonCardInstance` sends), so nobody has to build a template in the card platform. Its
  `cardParamMap` (every value a string): `title`, `markdown`, `tips` (empty: ours) and `sys_full_json_obj` =
  JSON of `{"msgButtons": [...]}`, each button `{"text", "color", "id", "request": true, "params"}`;
  `request: true` makes a click a callback instead of opening a URL. At most CARD_BUTTONS buttons are
  clickable (no limit is documented; ours keeps a card to two rows on a phone); the rest, and every button
  that needs more words (`Button.asks`: DingTalk cards have no modal to ask with), are listed in the card's
  text as words to type. A card's text over the size limit loses its last lines (replaced by "…"), never the
  words to type or the buttons; long messages belong in `markdown`.
* Clicks. DingTalk reports a click as a card callback (Stream topic /v1.0/card/instances/callback,
  `CallbackHandler.TOPIC_CARD_CALLBACK`) whose JSON `content` string holds `cardPrivateData` =
  `{"actionIds": [the clicked button's id], "params": {...}}` (the fields `dingtalk_stream.CardCallbackMessage`
  parses). Each button carries its command twice: in `params.command` and encoded in its own `id`
  (`quorum_<index>_<base64url(command)>`), because the template documents a button's `id` but not whether its
  `params` are echoed back; `button_value_from_callback` reads either. Trusting the payload is safe: a command
  from a click is parsed exactly like one typed by the same person. Forwarding is off (`supportForward`), so a
  card's buttons are only clicked in the conversation they were posted to.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from bot.i18n import Lang, t
from bot.messages import Button, OutMessage

__all__ = [
    "CARD_BUTTONS",
    "CARD_TEMPLATE_ID",
    "MARKDOWN_TEXT_BYTES",
    "MARKDOWN_TEXT_CHARS",
    "TITLE_CHARS",
    "button_value_from_callback",
    "card",
    "card_buttons",
    "escape_markdown",
    "markdown",
]

CARD_TEMPLATE_ID = "1366a1eb-bc54-4859-ac88-517c56a9acb1.schema"  # DingTalk's public markdown-with-buttons card
COMMAND = "/meeting"  # what a person types before a button's command text

# Limits (see the module docstring for where they come from).
MARKDOWN_TEXT_CHARS = 5_000
MARKDOWN_TEXT_BYTES = 15_000  # UTF-8; DingTalk's request body limit is 20,000 bytes
TITLE_CHARS = 20  # ours: what a notification preview shows on a phone
CARD_TITLE_CHARS = 100  # ours: a header of two lines at most
CARD_BUTTONS = 8  # ours: clickable buttons per card; the rest are listed as words to type
BUTTON_LABEL_CHARS = 30  # ours: a button is a third to a half of a phone's width
MIN_ROOM = 100  # the smallest budget a line is cut to, whatever the reserves take
ELLIPSIS = "…"
PRODUCT = "Quorum"  # the title of a message that has no words to take one from

HARD_BREAK = "  \n"  # between lines of one block
PARAGRAPH = "\n\n"  # between blocks

BUTTON_ID_PREFIX = "quorum_"  # + the button's index, "_", its command as unpadded base64url
PARAM_COMMAND = "command"  # the button's command in its request params

# Button.style → msgButtons colour: the template's samples show only "blue" and "gray", so a danger button is gray
_COLOR = {"primary": "blue", "danger": "gray", "default": "gray"}
_CHAR_ESCAPES = {
    "\\": "\\\\",
    "*": "\\*",
    "_": "\\_",
    "`": "\\`",
    "[": "\\[",
    "]": "\\]",
    "<": "＜",
    ">": "＞",
}
_LINE_START_HASH = re.compile(r"^(\s*)#")  # an ATX heading
_RULE_LINE = re.compile(r"^(\s*)([-=])(?=[-=\s]*$)")  # a thematic break, or a setext heading's underline
_AT_ALL = re.compile(r"@(?=(?:all|所有人)(?![A-Za-z0-9_]))", re.IGNORECASE)
_STAFF_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what may follow a notifying "@": never "all" (checked apart)
_BUTTON_ID = re.compile(re.escape(BUTTON_ID_PREFIX) + r"\d+_([A-Za-z0-9_-]+)")


def escape_markdown(text: str) -> str:
    """`text` (one line or several) as DingTalk markdown that shows exactly these words and forms nothing:
    no emphasis, link, image, heading, rule, code, HTML or @all. Chinese text passes unchanged."""
    return "\n".join(_escape_line(line) for line in text.splitlines())


def _escape_line(line: str) -> str:
    pieces = []
    for index, char in enumerate(line):
        if char == "!" and line[index + 1 : index + 2] == "[":
            pieces.append("\\!")  # an image: ![alt](src)
        elif char == "(" and line[index - 1 : index] == "]":
            pieces.append("\\(")  # a link: [text](href), even for a parser that ignores "\]"
        else:
            pieces.append(_CHAR_ESCAPES.get(char, char))
    escaped = "".join(pieces)
    escaped = _LINE_START_HASH.sub(r"\1\\#", escaped)
    escaped = _RULE_LINE.sub(r"\1\\\2", escaped)
    return _AT_ALL.sub("＠", escaped)


def _inline(text: str) -> str:
    """`text` escaped for a place that holds one line (a field, a list item): its own lines become hard breaks."""
    return HARD_BREAK.join(escape_markdown(line) for line in text.splitlines() if line.strip())


def _command(value: str) -> str:
    """A button's command as the words to type, in a code span (escaped text if it holds a backtick)."""
    command = " ".join(f"{COMMAND} {value}".split())
    return f"`{command}`" if "`" not in command else escape_markdown(command)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _plain_title(message: OutMessage) -> str:
    """The notification preview: the title, else the first line of text, else the product's name."""
    first_line = next((_one_line(line) for line in message.text.splitlines() if line.strip()), "")
    return _clip(_one_line(message.title) or first_line or PRODUCT, TITLE_CHARS)


# ------------------------------------------------------------------------------------------- layout


class _Line(NamedTuple):
    """One line of output: the block (paragraph, list, quote) it belongs to, its markdown, and what joins it
    to the line before it in the same block."""

    block: int
    text: str
    glue: str = HARD_BREAK


def _lines(blocks: Iterable[Sequence[str]], first_block: int = 0) -> list[_Line]:
    return [_Line(number, text) for number, block in enumerate(blocks, first_block) for text in block]


def _render(lines: Sequence[_Line]) -> str:
    pieces: list[str] = []
    for index, line in enumerate(lines):
        if index:
            pieces.append(line.glue if lines[index - 1].block == line.block else PARAGRAPH)
        pieces.append(line.text)
    return "".join(pieces)


def _nbytes(text: str) -> int:
    return len(text.encode())


def _body_blocks(message: OutMessage, heading: bool) -> list[list[str]]:
    """`#### title` (when `heading`) · text paragraphs · `**Label**: value` fields · each section as a bold
    heading over `- ` lines."""
    title = _one_line(message.title)
    blocks = [[f"#### {escape_markdown(title)}"]] if heading and title else []
    paragraph: list[str] = []
    for line in [*message.text.splitlines(), ""]:
        if line.strip():
            paragraph.append(escape_markdown(line))
        elif paragraph:
            blocks.append(paragraph)
            paragraph = []
    colon = t(message.lang, "punct.colon")  # "：" in Chinese
    fields = [f"**{escape_markdown(_one_line(label))}**{colon}{_inline(value)}" for label, value in message.fields]
    blocks += [fields] if fields else []
    for section in message.sections:
        section_heading = _one_line(section.heading)
        block = [f"**{escape_markdown(section_heading)}**"] if section_heading else []
        block += [f"- {_inline(line)}" for line in section.lines if line.strip()]
        blocks += [block] if block else []
    return blocks


def _tail_blocks(message: OutMessage, lang: Lang, typed: Sequence[Button]) -> list[list[str]]:
    """The buttons in `typed` as words to type · small print and attachment names as a quote."""
    blocks: list[list[str]] = []
    if typed:
        group = message.target.kind == "channel"  # in a group the robot only hears messages that @ it
        prompt = t(lang, "typed.answer_group") if group else t(lang, "typed.answer")
        block = [escape_markdown(prompt)]
        for button in typed:
            label, command = escape_markdown(_one_line(button.label)), _command(button.value)
            if button.asks:
                item = t(lang, "typed.button_asks", label=label, command=command, asks=_inline(button.asks))
            else:
                item = t(lang, "typed.button", label=label, command=command)
            block.append(f"- {item}")
        blocks.append(block)
    small = [f"> {escape_markdown(line)}" for line in (message.context or "").splitlines() if line.strip()]
    if message.attachments:
        names = " · ".join(_one_line(attachment.filename) for attachment in message.attachments)
        small.append(f"> 📎 {escape_markdown(names)}")
    blocks += [small] if small else []
    return blocks


def _pieces(text: str, chars: int, nbytes: int) -> list[str]:
    """`text` cut into pieces of at most `chars` characters and `nbytes` UTF-8 bytes, each after the first
    starting with "…" (so a piece never starts a heading or a list), never between a backslash and the
    character it escapes."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        lead = ELLIPSIS if pieces else ""
        end, used = start, _nbytes(lead)
        while end < len(text) and len(lead) + end - start < chars and used + _nbytes(text[end]) <= nbytes:
            used += _nbytes(text[end])
            end += 1
        chunk = text[start:end]
        if end < len(text) and (len(chunk) - len(chunk.rstrip("\\"))) % 2:
            end -= 1
        pieces.append(lead + text[start:end])
        start = end
    return pieces or [text]


def _pack(lines: Sequence[_Line], chars: int, nbytes: int) -> list[list[_Line]]:
    """`lines` in order, in as few parts as possible that each render within `chars` and `nbytes`; parts end
    between lines, and a line too long for a part of its own is cut into pieces."""
    chars, nbytes = max(chars, MIN_ROOM), max(nbytes, MIN_ROOM)
    parts: list[list[_Line]] = [[]]
    used_chars = used_bytes = 0
    for line in lines:
        for piece in _pieces(line.text, chars, nbytes):
            current = parts[-1]
            glue = "" if not current else line.glue if current[-1].block == line.block else PARAGRAPH
            add_chars, add_bytes = len(glue) + len(piece), len(glue) + _nbytes(piece)
            if current and (used_chars + add_chars > chars or used_bytes + add_bytes > nbytes):
                parts.append([])
                add_chars, add_bytes = len(piece), _nbytes(piece)
                used_chars = used_bytes = 0
            parts[-1].append(line._replace(text=piece))
            used_chars += add_chars
            used_bytes += add_bytes
    return parts


def _mention_lines(mention_ids: Sequence[str], block: int) -> list[_Line]:
    """`@staffId` for each valid id, once each, space-separated."""
    ids = dict.fromkeys(i for i in mention_ids if _STAFF_ID.fullmatch(i) and i.casefold() != "all")
    return [_Line(block, f"@{staff_id}", " ") for staff_id in ids]


# ----------------------------------------------------------------------------------------------- markdown


def markdown(message: OutMessage, lang: Lang, mention_ids: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The `(title, text)` of each `sampleMarkdown` message to send for `message`, in order: one pair, or
    several when the text is over DingTalk's size limit. The adapter sends `mention_ids` as `at.atUserIds`
    with the last part, whose text ends in `@staffId` for each of them.

    Buttons are listed as the words to type; attachments are not included (the caller uploads them), their
    file names are listed in small print.
    """
    title = _plain_title(message)
    blocks = [*_body_blocks(message, heading=True), *_tail_blocks(message, lang, message.buttons)]
    lines = _lines(blocks) or _lines([[escape_markdown(title)]])
    lines += _mention_lines(mention_ids, block=len(blocks) + 1)  # a block of its own, even after a fallback
    widest = f"#### {escape_markdown(t(lang, 'message.continued', title=title, part=10**6, total=10**6))}"
    reserve = len(widest) + len(PARAGRAPH)  # every part leaves room for a continuation heading
    parts = _pack(lines, MARKDOWN_TEXT_CHARS - reserve, MARKDOWN_TEXT_BYTES - _nbytes(widest) - len(PARAGRAPH))
    pairs = [(title, _render(parts[0]))]
    for number, part in enumerate(parts[1:], start=2):
        continued = t(lang, "message.continued", title=title, part=number, total=len(parts))
        pairs.append((continued, f"#### {escape_markdown(continued)}{PARAGRAPH}{_render(part)}"))
    return pairs


# ---------------------------------------------------------------------------------------------------- card


def _button_id(index: int, command: str) -> str:
    encoded = base64.urlsafe_b64encode(command.encode()).decode().rstrip("=")
    return f"{BUTTON_ID_PREFIX}{index}_{encoded}"


def _card_button(index: int, button: Button) -> dict[str, Any]:
    return {
        "text": _clip(_one_line(button.label), BUTTON_LABEL_CHARS),
        "color": _COLOR[button.style],
        "id": _button_id(index, button.value),
        "request": True,
        "params": {PARAM_COMMAND: button.value},
    }


def card(message: OutMessage, lang: Lang) -> dict[str, str]:
    """The `cardParamMap` of a CARD_TEMPLATE_ID card showing `message`, its buttons clickable (see the module
    docstring for which ones); a click comes back as a card callback that `button_value_from_callback` turns
    into the button's command.

    Mentions are not part of the card: the adapter sends them as the delivery's `atUserIds`.
    """
    click_indexes = [index for index, button in enumerate(message.buttons) if not button.asks][:CARD_BUTTONS]
    clickable = [message.buttons[index] for index in click_indexes]
    typed = [button for index, button in enumerate(message.buttons) if index not in click_indexes]
    body_blocks = _body_blocks(message, heading=False)
    body = _lines(body_blocks)
    tail = _lines(_tail_blocks(message, lang, typed), first_block=len(body_blocks) + 1)
    overhead = PARAGRAPH + ELLIPSIS + (PARAGRAPH + _render(tail) if tail else "")  # what follows the kept lines
    parts = _pack(body, MARKDOWN_TEXT_CHARS - len(overhead), MARKDOWN_TEXT_BYTES - _nbytes(overhead))
    kept = parts[0] + ([_Line(len(body_blocks), ELLIPSIS)] if len(parts) > 1 else [])
    buttons = [_card_button(index, button) for index, button in enumerate(clickable)]
    return {
        "title": _clip(_one_line(message.title) or PRODUCT, CARD_TITLE_CHARS),
        "markdown": _render([*kept, *tail]),
        "tips": "",
        "sys_full_json_obj": json.dumps({"msgButtons": buttons}, ensure_ascii=False),
    }


def card_buttons(params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The buttons of a `card` (its `sys_full_json_obj` decoded), in order."""
    buttons: list[dict[str, Any]] = json.loads(params.get("sys_full_json_obj") or "{}").get("msgButtons") or []
    return buttons


def button_value_from_callback(callback_data: Mapping[str, Any]) -> str | None:
    """The command of the button clicked in a card from `card`, given the card callback's data (the Stream
    message's `data`: `content` is a JSON string, or the dict `CardCallbackMessage` parsed it into); None for a
    payload that is not a click on one of our buttons."""
    content = callback_data.get("content")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    private = content.get("cardPrivateData") if isinstance(content, Mapping) else None
    if not isinstance(private, Mapping):
        return None
    params = private.get("params")
    command = params.get(PARAM_COMMAND) if isinstance(params, Mapping) else None
    if isinstance(command, str) and command.strip():
        return command
    action_ids = private.get("actionIds")
    if not isinstance(action_ids, list) or not action_ids or not isinstance(action_ids[0], str):
        return None
    match = _BUTTON_ID.fullmatch(action_ids[0])
    if match is None:
        return None
    try:
        decoded = base64.urlsafe_b64decode(match[1] + "=" * (-len(match[1]) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.strip() else None
