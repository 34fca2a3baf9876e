"""Block Kit for Quorum: the core's `OutMessage`s as Slack messages and App Home views, and the `/meeting new` modal.

Pure functions over dicts, no I/O, so every limit Slack enforces is a table test instead of an
`invalid_blocks` error in production. Why it looks the way it does:

* The core writes plain text. Everything it wrote goes through `escape` before it lands in mrkdwn, so a
  meeting titled "<!channel>" can never notify a channel. People are the one exception: the core names a
  person `@DisplayName` (or `@U…` when the name is not one word), and `Mentionable` turns the people the
  message notifies (`OutMessage.mentions`, the reader of a private message) into real `<@U…>` mentions;
  everyone else stays a plain `@name`, because a mention in a post notifies. A channel reference `#C…`
  becomes a channel link. plain_text objects (header, button labels) are never parsed for mentions by Slack
  and are left as typed.
* Slack rejects a whole message when one limit is broken, so text is packed into sections of at most 3000
  characters, fields into sections of at most 10, buttons into actions blocks of at most 25, and a message
  longer than 50 blocks loses its last body sections (replaced by "…"), never its buttons.
* The modal hands the core a `NewMeeting` Command (`modal_to_command`), built from the form's typed values:
  no text is rebuilt for the grammar to parse again, so no title, quote or word ("payload") can change what
  was asked. What the grammar checks for typed text (a start in the past) the form checks itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.command_types import AgendaSpec, Mention, NewMeeting, ParticipantSpec, Role
from bot.i18n import Lang, t
from bot.messages import Button, OutMessage
from bot.timeparse import parse_duration

__all__ = [
    "BUTTON_ACTION_PREFIX",
    "MEETING_MODAL_CALLBACK",
    "escape",
    "home_view",
    "input_block",
    "meeting_modal",
    "modal_to_command",
    "modal_view",
    "render",
]

BUTTON_ACTION_PREFIX = "quorum_button_"  # + the button's 0-based position in OutMessage.buttons
MEETING_MODAL_CALLBACK = "quorum_meeting_new"
ASK_ACTION_PREFIX = "quorum_ask_"  # a button that needs more words: value is {"command", "ask"} as JSON
ASK_MODAL_CALLBACK = "quorum_ask"
ASK_BLOCK = "answer"

# Slack's limits (Block Kit reference).
MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELD_LABEL_CHARS = 200  # ours: a label is a word or two; the value gets the rest
FIELDS_PER_SECTION = 10
BUTTON_LABEL_CHARS = 75
BUTTON_VALUE_CHARS = 2000
BUTTONS_PER_ACTIONS = 25
ACTIONS_BLOCKS = 5
FALLBACK_CHARS = 40_000  # Slack truncates a message's top-level text beyond this
VIEW_TITLE_CHARS = 24  # a modal's title, submit and close
LABEL_CHARS = 2000
OPTION_CHARS = 75
ELLIPSIS = "…"

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_USER_ID = re.compile(r"[UW][A-Z0-9]+")  # what may go inside <@…>: never "!channel" or "U1|x>"
_CHANNEL_REF = r"(?<![\w&#])#(?P<channel>[CG][A-Z0-9]{8,})(?![A-Za-z0-9_])"  # real channel ids: 9+ characters
_NAME_END = r"(?![A-Za-z0-9_])"  # "@Bob" in "@Bob," but not in "@Bobby"


class Mentionable:
    """The people a message may mention (display name → user id): their `@Name` or `@U…` render as mentions;
    every other `@word` stays text."""

    def __init__(self, by_name: Mapping[str, str] | None = None) -> None:
        self.by_name = {name: user for name, user in (by_name or {}).items() if name and _USER_ID.fullmatch(user)}
        names = sorted(self.by_name, key=len, reverse=True)  # "@Bob Jr" before "@Bob"
        ids = sorted(set(self.by_name.values()), key=len, reverse=True)
        alternatives = [f"(?P<channel_ref>{_CHANNEL_REF})"]
        if names or ids:
            people = "|".join(re.escape(word) for word in [*names, *ids])
            alternatives.insert(0, rf"(?<![A-Za-z0-9_@.&<])@(?P<person>{people}){_NAME_END}")
        self.pattern = re.compile("|".join(alternatives))

    def atoms(self, text: str) -> list[str]:
        """`text` as escaped characters, a mention or channel link being one unbreakable atom."""
        atoms: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            atoms.extend(_ESCAPES.get(char, char) for char in text[last : match.start()])
            person = match["person"]
            atoms.append(f"<@{self.by_name.get(person, person)}>" if person else f"<#{match['channel']}>")
            last = match.end()
        atoms.extend(_ESCAPES.get(char, char) for char in text[last:])
        return atoms


NOBODY = Mentionable()


def escape(text: str, people: Mentionable = NOBODY) -> str:
    """Slack mrkdwn escaping: `&`, `<`, `>` become entities, so `<!here>`, `<!channel>`, `<!subteam^…>`, `<@U1>` or
    a link in text is just text. Only `people`'s `@names` (and channel references) become real links."""
    return "".join(people.atoms(text))


# ------------------------------------------------------------------------------------------ text helpers


def _escaped_pieces(text: str, limit: int, people: Mentionable = NOBODY) -> list[str]:
    """`text` escaped and cut into pieces of at most `limit` characters, never inside an entity or a mention."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for atom in people.atoms(text):
        if size + len(atom) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(atom)
        size += len(atom)
    pieces.append("".join(current))
    return pieces


def _fit(text: str, limit: int, people: Mentionable = NOBODY) -> str:
    """`text` escaped, ending in "…" when it had to be cut to `limit` characters."""
    escaped = escape(text, people)
    return escaped if len(escaped) <= limit else _escaped_pieces(text, limit - 1, people)[0] + ELLIPSIS


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _clip(text, limit), "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


# -------------------------------------------------------------------------------------------- messages


def _text_sections(heading: str | None, lines: Iterable[str], people: Mentionable) -> list[dict[str, Any]]:
    """Sections holding a bold heading and the escaped lines, packed so no text exceeds 3000 characters."""
    pieces = [f"*{_fit(heading, SECTION_CHARS - 2)}*"] if heading else []
    for line in lines:
        pieces.extend(_escaped_pieces(line, SECTION_CHARS, people))
    chunks: list[list[str]] = []
    size = SECTION_CHARS + 1  # start a new chunk at the first piece
    for piece in pieces:
        if size + 1 + len(piece) > SECTION_CHARS:
            chunks.append([])
            size = -1
        chunks[-1].append(piece)
        size += 1 + len(piece)
    texts = ("\n".join(chunk) for chunk in chunks)
    return [_section(text) for text in texts if text.strip()]


def _field_sections(fields: Sequence[tuple[str, str]], people: Mentionable) -> list[dict[str, Any]]:
    texts = []
    for label, value in fields:
        head = f"*{_fit(label, FIELD_LABEL_CHARS)}*\n"
        texts.append(head + _fit(value, FIELD_CHARS - len(head), people))
    return [
        {"type": "section", "fields": [_mrkdwn(text) for text in texts[start : start + FIELDS_PER_SECTION]]}
        for start in range(0, len(texts), FIELDS_PER_SECTION)
    ]


def _button(index: int, button: Button) -> dict[str, Any]:
    if len(button.value) > BUTTON_VALUE_CHARS:
        raise ValueError(f"button value longer than Slack's {BUTTON_VALUE_CHARS} characters: {button.value[:80]!r}…")
    element: dict[str, Any] = {
        "type": "button",
        "action_id": f"{ASK_ACTION_PREFIX if button.asks else BUTTON_ACTION_PREFIX}{index}",
        "text": _plain(button.label, BUTTON_LABEL_CHARS),
        "value": json.dumps({"command": button.value, "ask": button.asks}, ensure_ascii=False)
        if button.asks
        else button.value,
    }
    if button.style != "default":
        element["style"] = button.style
    return element


def _actions(buttons: Sequence[Button]) -> list[dict[str, Any]]:
    if len(buttons) > BUTTONS_PER_ACTIONS * ACTIONS_BLOCKS:
        raise ValueError(f"{len(buttons)} buttons; a Slack message shows {BUTTONS_PER_ACTIONS * ACTIONS_BLOCKS}")
    elements = [_button(index, button) for index, button in enumerate(buttons)]
    return [
        {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS]}
        for start in range(0, len(elements), BUTTONS_PER_ACTIONS)
    ]


def _mention_text(message: OutMessage) -> str:
    """`<@U1> <@U2>` for the people the core wants notified (valid user ids only, once each)."""
    ids = dict.fromkeys(user for user in message.mentions if _USER_ID.fullmatch(user))
    return " ".join(f"<@{user}>" for user in ids)


def _blocks(message: OutMessage, max_blocks: int, people: Mentionable) -> list[dict[str, Any]]:
    """header · text, fields, sections (trimmed to fit) · mentions · buttons · small print · file names."""
    body = _text_sections(None, message.text.splitlines(), people)
    body += _field_sections(message.fields, people)
    for section in message.sections:
        body += _text_sections(section.heading, section.lines, people)
    title = " ".join((message.title or "").split())
    header = [{"type": "header", "text": _plain(title, HEADER_CHARS)}] if title else []
    mentions = _mention_text(message)
    tail = [_section(mentions)] if mentions else []
    tail += _actions(message.buttons)
    if message.context and message.context.strip():
        tail.append(_context(_fit(message.context, SECTION_CHARS, people)))
    if message.attachments:
        names = " · ".join(attachment.filename for attachment in message.attachments)
        tail.append(_context(_fit(f"📎 {names}", SECTION_CHARS)))
    room = max_blocks - len(header) - len(tail)
    if len(body) > room:
        body = [*body[: room - 1], _section(ELLIPSIS)]
    return [*header, *body, *tail]


def _fallback(message: OutMessage, people: Mentionable) -> str:
    """The whole message as escaped mrkdwn text (notifications and screen readers read only this), then the
    mentions, which must be in it to notify on mobile."""
    lines = [f"*{message.title}*"] if message.title else []
    lines += message.text.splitlines()
    colon = t(message.lang, "punct.colon")  # "：" in Chinese
    lines += [f"{label}{colon}{value}" for label, value in message.fields]
    for section in message.sections:
        lines += [section.heading + colon.rstrip()] if section.heading else []
        lines += section.lines
    lines += [t(message.lang, "punct.paren", text=message.context)] if message.context else []
    mentions = _mention_text(message)
    tail = f"\n{mentions}" if mentions else ""
    return _fit("\n".join(lines), FALLBACK_CHARS - len(tail), people) + tail


def render(message: OutMessage, people: Mentionable = NOBODY) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update / chat.postEphemeral besides channel, user, ts.

    Attachments are not included (the caller uploads them); their file names are listed in small print.
    Raises ValueError for buttons Slack cannot carry (a value over 2000 characters, more than 125 buttons).
    """
    return {"text": _fallback(message, people), "blocks": _blocks(message, MESSAGE_BLOCKS, people)}


def home_view(message: OutMessage, people: Mentionable = NOBODY) -> dict[str, Any]:
    """An App Home view (views.publish) showing `message`; buttons work there as in messages."""
    return {"type": "home", "blocks": _blocks(message, HOME_BLOCKS, people)}


# ---------------------------------------------------------------------------------------- the new-meeting modal

# Block ids of the modal's inputs; each input's action_id is its block id.
TITLE = "title"
DATE = "date"
TIME = "time"
DURATION = "duration"
PARTICIPANTS = "participants"
HOST = "host"
RECORDER = "recorder"
AGENDA = "agenda"
GOAL = "goal"
LINK = "link"
OPTIONS = "options"
CONFIDENTIAL = "confidential"  # the value of the "confidential" checkbox

DURATION_CHOICES = (15, 30, 45, 60, 90, 120)  # minutes; none chosen: the channel's default length
TITLE_CHARS = 300  # the meetings table's title column
GOAL_CHARS = 500
AGENDA_CHARS = 2000
LINK_CHARS = 500  # the meetings table's location column
MAX_AGENDA_MINUTES = 9999  # the grammar reads an agenda item's length as at most four digits

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
# An agenda line's trailing length: "Scope 20m", "Demo 1.5h", "范围20分钟".
_AGENDA_LINE = re.compile(
    r"(?P<title>.*?)\s*(?P<length>\d[\d.]*\s*(?:minutes?|mins?|m|hours?|hrs?|h|分钟|分|个小时|小时))",
    re.IGNORECASE,
)
_TITLE_TRAILING = " \t,，、:：-–—"
_URL_SCHEME = re.compile(r"https?://\S+", re.IGNORECASE)


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text, OPTION_CHARS), "value": value}


def _duration_option(lang: Lang, minutes: int) -> dict[str, Any]:
    return _option(t(lang, "unit.minutes", n=minutes), str(minutes))


def _confidential_option(lang: Lang) -> dict[str, Any]:
    return _option(t(lang, "form.option.confidential"), CONFIDENTIAL)


def _initial_element(element: dict[str, Any], lang: Lang, value: Any) -> dict[str, Any]:
    """`element` with its initial value set to `value` (the shapes documented on meeting_modal)."""
    if not value:
        return element
    kind = element["type"]
    if kind in ("plain_text_input", "url_text_input"):
        return {**element, "initial_value": str(value)}
    if kind == "datepicker":
        return {**element, "initial_date": str(value)}
    if kind == "timepicker":
        return {**element, "initial_time": str(value)}
    if kind == "multi_users_select":
        return {**element, "initial_users": [str(user) for user in value]}
    if kind == "users_select":
        return {**element, "initial_user": str(value)}
    if kind == "static_select" and int(value) in DURATION_CHOICES:
        return {**element, "initial_option": _duration_option(lang, int(value))}
    if kind == "checkboxes":
        return {**element, "initial_options": [_confidential_option(lang)]}
    return element


def meeting_modal(
    lang: Lang,
    channel_id: str,
    errors: dict[str, str] | None = None,
    initial: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `views.open` view for `/meeting new` with no text; `private_metadata` is the channel to post in.

    `errors` (block id → message) shows a warning under each named input, for a view re-opened after a
    failed submission; `initial` pre-fills inputs by block id: title, agenda, goal, link (str), date
    ("YYYY-MM-DD"), time ("HH:MM"), duration (minutes, one of DURATION_CHOICES), participants (user ids),
    host, recorder (a user id), confidential (bool).
    """
    errors = errors or {}
    initial = initial or {}
    inputs: list[tuple[str, str, dict[str, Any], bool, str | None]] = [
        (TITLE, t(lang, "form.label.title"), {"type": "plain_text_input", "max_length": TITLE_CHARS}, False,
         None),
        (DATE, t(lang, "form.label.date"), {"type": "datepicker"}, False, None),
        (TIME, t(lang, "form.label.time"), {"type": "timepicker"}, False, None),
        (DURATION, t(lang, "field.length"),
         {"type": "static_select", "options": [_duration_option(lang, m) for m in DURATION_CHOICES]}, True,
         t(lang, "form.hint.duration")),
        (PARTICIPANTS, t(lang, "heading.participants"), {"type": "multi_users_select"}, False, None),
        (HOST, t(lang, "field.host"), {"type": "users_select"}, True, None),
        (RECORDER, t(lang, "field.recorder"), {"type": "users_select"}, True, None),
        (AGENDA, t(lang, "heading.agenda"),
         {"type": "plain_text_input", "multiline": True, "max_length": AGENDA_CHARS}, True,
         t(lang, "form.hint.agenda")),
        (GOAL, t(lang, "field.goal"), {"type": "plain_text_input", "max_length": GOAL_CHARS}, True, None),
        (LINK, t(lang, "form.label.link"), {"type": "url_text_input"}, True, None),
        (OPTIONS, t(lang, "form.label.options"),
         {"type": "checkboxes", "options": [_confidential_option(lang)]}, True, None),
    ]  # fmt: skip
    blocks: list[dict[str, Any]] = []
    for block_id, label, element, optional, hint in inputs:
        value = initial.get(CONFIDENTIAL if block_id == OPTIONS else block_id)
        blocks.append(input_block(block_id, label, _initial_element(element, lang, value), optional, hint))
        if errors.get(block_id):
            blocks.append(_context(":warning: " + _fit(errors[block_id], SECTION_CHARS - 10)))
    return modal_view(lang, MEETING_MODAL_CALLBACK, channel_id, "form.title", "form.submit", blocks)


def input_block(
    block_id: str, label: str, element: dict[str, Any], optional: bool, hint: str | None = None
) -> dict[str, Any]:
    """One labelled input of a form; its action id is its block id, which is how a submission is read back."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, LABEL_CHARS),
        "element": {"action_id": block_id, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, LABEL_CHARS)
    return block


def modal_view(
    lang: Lang, callback_id: str, metadata: str, title_key: str, submit_key: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    """A form's `views.open` view: every form of ours closes with the same word, and carries in
    `private_metadata` what its submission needs (the channel to post in)."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": _plain(t(lang, title_key), VIEW_TITLE_CHARS),
        "submit": _plain(t(lang, submit_key), VIEW_TITLE_CHARS),
        "close": _plain(t(lang, "form.close"), VIEW_TITLE_CHARS),
        "blocks": blocks,
    }


def _state(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    """One input's submitted state (`view["state"]["values"][block_id][action_id]`), {} when absent."""
    state = (values.get(block_id) or {}).get(block_id)
    return state if isinstance(state, Mapping) else {}


def _text_value(values: Mapping[str, Any], block_id: str) -> str:
    return str(_state(values, block_id).get("value") or "").strip()


def _user(values: Mapping[str, Any], block_id: str) -> str | None:
    user = _state(values, block_id).get("selected_user")
    return user if isinstance(user, str) and _USER_ID.fullmatch(user) else None


def _agenda(text: str, lang: Lang) -> tuple[list[tuple[str, int | None]], str | None]:
    """Agenda lines (`Scope 20m`, `Demo 1h`, `Budget`) → (title, minutes) items, or the error for the first
    bad line."""
    items: list[tuple[str, int | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _AGENDA_LINE.fullmatch(line)
        if match is None:
            items.append((line, None))
            continue
        title = match["title"].rstrip(_TITLE_TRAILING)
        if not title:
            return [], t(lang, "form.error.agenda_title", line=number, text=line)
        length = parse_duration(unicodedata.normalize("NFKC", match["length"]).casefold())
        minutes = round(length.total_seconds() / 60) if length is not None else 0
        if not 0 < minutes <= MAX_AGENDA_MINUTES:
            return [], t(lang, "form.error.agenda_length", line=number, text=line)
        items.append((title, minutes))
    return items, None


def _link(text: str) -> str | None:
    """A web link as typed (`x.io/a` gains `https://`), "" for none, None when it is not an http(s) link."""
    if not text:
        return ""
    url = text if "://" in text else f"https://{text}"
    return url if _URL_SCHEME.fullmatch(url) and len(url) <= LINK_CHARS else None


def modal_to_command(
    state_values: dict[str, Any], lang: Lang, zone: ZoneInfo, now: datetime
) -> tuple[NewMeeting | None, dict[str, str]]:
    """The submitted modal (`view["state"]["values"]`) as the `NewMeeting` it asks for, or (None, {block id:
    error}) for `response_action: "errors"`. Date and time are read in `zone` (the person's); a start before
    `now` is refused here, as the grammar refuses it for typed text. People are named by user id."""
    errors: dict[str, str] = {}
    title = _text_value(state_values, TITLE)
    if not title:
        errors[TITLE] = t(lang, "error.missing_title")
    date = str(_state(state_values, DATE).get("selected_date") or "")
    if not _DATE.fullmatch(date):
        errors[DATE] = t(lang, "form.error.date")
    time = str(_state(state_values, TIME).get("selected_time") or "")
    if not _TIME.fullmatch(time):
        errors[TIME] = t(lang, "form.error.time")
    start = _start(date, time, zone) if DATE not in errors and TIME not in errors else None
    if start is None and DATE not in errors and TIME not in errors:
        errors[DATE] = t(lang, "form.error.date")
    elif start is not None and start <= now:
        errors[TIME] = t(lang, "error.past_time", when=f"{date} {time}")
    selected = _state(state_values, PARTICIPANTS).get("selected_users") or []
    participants = [user for user in dict.fromkeys(selected) if isinstance(user, str) and _USER_ID.fullmatch(user)]
    if not participants:
        errors[PARTICIPANTS] = t(lang, "form.error.participants")
    host, recorder = _user(state_values, HOST), _user(state_values, RECORDER)
    if host is not None and host == recorder:
        errors[RECORDER] = t(lang, "form.error.roles")
    agenda, agenda_error = _agenda(str(_state(state_values, AGENDA).get("value") or ""), lang)
    if agenda_error:
        errors[AGENDA] = agenda_error
    link = _link(_text_value(state_values, LINK))
    if link is None:
        errors[LINK] = t(lang, "form.error.link")
    if errors or start is None:
        return None, errors

    duration = (_state(state_values, DURATION).get("selected_option") or {}).get("value")
    roles: dict[str, Role] = dict.fromkeys(participants, "required")
    roles |= {host: "host"} if host else {}
    roles |= {recorder: "recorder"} if recorder else {}
    options = _state(state_values, OPTIONS).get("selected_options") or []
    command = NewMeeting(
        title=title,
        start=start,
        duration=timedelta(minutes=int(duration)) if duration in {str(m) for m in DURATION_CHOICES} else None,
        participants=tuple(ParticipantSpec(Mention(user, is_platform_id=True), role) for user, role in roles.items()),
        agenda=tuple(AgendaSpec(item, minutes) for item, minutes in agenda),
        location=link or None,
        goal=_text_value(state_values, GOAL) or None,
        confidential=any(option.get("value") == CONFIDENTIAL for option in options),
    )
    return command, {}


def modal_people(command: NewMeeting) -> tuple[str, ...]:
    """The user ids a modal's meeting names (participants, host, recorder), once each."""
    return tuple(dict.fromkeys(spec.who.handle for spec in command.participants))


def _start(date: str, time: str, zone: ZoneInfo) -> datetime | None:
    try:
        return datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:  # "2026-02-30" passes the pattern, not the calendar
        return None


def ask_modal(lang: Lang, label: str, command: str, channel_id: str) -> dict[str, Any]:
    """A one-question modal for a button that needs more words (Blocked: why? Delay: to when?); the answer is
    appended to `command`. `private_metadata` carries both, so any instance can take the submission."""
    metadata = json.dumps({"command": command, "channel": channel_id}, ensure_ascii=False)
    answer = {
        "type": "input",
        "block_id": ASK_BLOCK,
        "label": _plain(label, LABEL_CHARS),
        "element": {"type": "plain_text_input", "action_id": ASK_BLOCK, "max_length": 500},
    }
    return modal_view(lang, ASK_MODAL_CALLBACK, metadata, "form.ask.title", "form.ask.submit", [answer])
