"""MeetBot compatibility: its command grammar, replaying its IRC logs, and its plain-text minutes.

Why: MeetBot (Richard Darst's supybot plugin; Fedora's zodbot, the bot in OpenStack's and Debian's
meeting channels) is what many open-source teams already hold meetings with.  People know
`#startmeeting`, `#topic`, `#agreed`, `#action`, `#undo` ... by heart and read minutes in MeetBot's
`.txt` layout.  Quorum accepts the same commands, can replay a MeetBot `.log.txt` into minutes, and
renders minutes in the same layout, so a team switches without relearning anything and old and new
minutes look alike.

The rules follow MeetBot 0.1.4 as Fedora deploys it (fedora-infra/supybot-meetbot:
`supybot_meetbot/meeting.py`, `writers.py`, `items.py`, `plugin.py`); the tests replay real zodbot logs
and compare with the minutes zodbot wrote.  One rule is deliberately stricter than MeetBot: MeetBot
files an action under every attendee whose nick occurs anywhere in it (`line.find(nick)`, case-sensitive,
so `misc` owns "miscellaneous"); `owners_in` wants the nick as a whole word, ignoring case.

Everything here is pure: callers read files, keep the database and send messages.  `MinutesDoc` is a
neutral model, so both `parse_irc_log` and the live bot (from its own records) can fill it for
`render_minutes_txt`.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Literal

__all__ = [
    "MEETBOT",
    "MEETBOT_COMMANDS",
    "QUORUM",
    "Generator",
    "ItemKind",
    "MinutesDoc",
    "MinutesItem",
    "MinutesTopic",
    "actions_by_person",
    "match_command",
    "order_people",
    "owners_in",
    "parse_irc_log",
    "render_minutes_txt",
]

# --------------------------------------------------------------------------------------------------
# Command grammar
# --------------------------------------------------------------------------------------------------

#: Every MeetBot command that shapes the minutes, spelled as typed (lowercase, without '#'), mapped to
#: its canonical name.  MeetBot also knows #save, #restrictlogs, #lurk, #unlurk and #commands; they only
#: touch files or IRC, never the minutes, so they are not listed.
MEETBOT_COMMANDS: Mapping[str, str] = MappingProxyType(
    {
        "startmeeting": "startmeeting",
        "endmeeting": "endmeeting",
        "meetingname": "meetingname",
        "meetingtopic": "meetingtopic",
        "topic": "topic",
        "info": "info",
        "idea": "idea",
        "link": "link",
        "help": "help",
        "halp": "help",
        "action": "action",
        "agreed": "agreed",
        "agree": "agreed",
        "accepted": "accepted",
        "accept": "accepted",
        "rejected": "rejected",
        "chair": "chair",
        "unchair": "unchair",
        "nick": "nick",
        "undo": "undo",
    }
)

# MeetBot's Config.command_RE, applied with re.match: the '#' must be the very first character of the
# message (the plugin hands MeetBot the raw IRC payload, so leading blanks make it ordinary talk).
_COMMAND_RE = re.compile(r"#(\w+)[ \t]*(.*)")


def match_command(line: str) -> tuple[str, str] | None:
    """Return (canonical command, stripped argument) when `line` is a MeetBot command, else None.

    The command must open the line; its name is case-insensitive; unknown names (`#proposed`) are not
    commands, exactly as MeetBot ignores a `#word` it has no `do_word` for.
    """
    m = _COMMAND_RE.match(line)
    if m is None:
        return None
    command = MEETBOT_COMMANDS.get(m.group(1).lower())
    if command is None:
        return None
    return command, m.group(2).strip()


# Nicks glue to letters, digits and IRC's nick punctuation; a wide (CJK) neighbour does not, because
# Chinese and Japanese put no spaces between words ("张三负责…" names 张三).
_NICK_PUNCTUATION = frozenset("_-[]\\`^{|}")


def _glues(ch: str) -> bool:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return False
    return ch.isalnum() or ch in _NICK_PUNCTUATION


def owners_in(text: str, nicks: Iterable[str]) -> list[str]:
    """The nicks named in an action's text, as whole words ignoring case, in MeetBot's listing order.

    MeetBot lists owners sorted case-insensitively (stable for nicks equal but for case).
    """
    found: list[str] = []
    for nick in nicks:
        if not nick or nick in found:
            continue
        # a lookahead also tries overlapping candidates: "a.a" is in "ba.a.a" though not at the first "a"
        for m in re.finditer(f"(?=({re.escape(nick)}))", text, re.IGNORECASE):
            start, end = m.span(1)
            before = text[start - 1] if start > 0 else " "
            after = text[end] if end < len(text) else " "
            if not _glues(before) and not _glues(after):
                found.append(nick)
                break
    return sorted(found, key=str.lower)


def actions_by_person(
    actions: Sequence[str], nicks: Sequence[str]
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """MeetBot's "Action Items, by person": ([(nick, that nick's actions)], unassigned actions).

    Nicks come sorted case-insensitively and only when they own something; an action naming two people
    is listed under both.
    """
    owners = [owners_in(action, nicks) for action in actions]
    by_person = [
        (nick, [action for action, own in zip(actions, owners, strict=True) if nick in own])
        for nick in sorted(dict.fromkeys(nicks), key=str.lower)
    ]
    unassigned = [action for action, own in zip(actions, owners, strict=True) if not own]
    return [(nick, mine) for nick, mine in by_person if mine], unassigned


# --------------------------------------------------------------------------------------------------
# People ordering
# --------------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _py2_str_hash(s: str) -> int:
    """CPython 2.7's 64-bit `str` hash (randomisation off, the 2.7 default) of the UTF-8 bytes."""
    data = s.encode()
    if not data:
        return 0
    x = (data[0] << 7) & _MASK64
    for byte in data:
        x = ((1000003 * x) & _MASK64) ^ byte
    x ^= len(data)
    signed = x - (1 << 64) if x >> 63 else x
    return -2 if signed == -1 else signed


def _py2_dict_order(keys: Iterable[str]) -> list[str]:
    """The iteration order of a CPython 2.7 dict whose keys were inserted in this order.

    Open addressing over a power-of-two table (8 slots to start), probing `i = 5*i + perturb + 1` with
    `perturb >>= 5`, growing to the smallest power of two above 4 * used once two thirds are filled;
    iteration walks the slots.
    """

    def place(table: list[str | None], key: str) -> None:
        mask = len(table) - 1
        perturb = _py2_str_hash(key) & _MASK64
        i = perturb & mask
        while table[i & mask] is not None:
            i = ((i << 2) + i + perturb + 1) & _MASK64
            perturb >>= 5
        table[i & mask] = key

    table: list[str | None] = [None] * 8
    for used, key in enumerate(dict.fromkeys(keys), start=1):
        place(table, key)
        if used * 3 >= len(table) * 2:
            size = 8
            while size <= 4 * used:
                size <<= 1
            old, table = table, [None] * size
            for k in old:
                if k is not None:
                    place(table, k)
    return [k for k in table if k is not None]


def order_people(counts: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """MeetBot's "People Present" order for (nick, lines said) pairs given in first-seen order.

    Most lines first.  Ties (typically the chairs who never spoke, all at 0) keep the order of the
    Python 2 dict MeetBot 0.1.4 kept its attendees in (it sorts that dict's items by lines said, and the
    sort is stable); we replay that dict so minutes rebuilt from a log list people exactly as zodbot did.
    """
    said = dict(counts)
    return tuple(sorted(((nick, said[nick]) for nick in _py2_dict_order(said)), key=lambda p: -p[1]))


# --------------------------------------------------------------------------------------------------
# Minutes model
# --------------------------------------------------------------------------------------------------

ItemKind = Literal["info", "idea", "link", "agreed", "accepted", "rejected", "action", "help"]


def _require_aware(what: str, moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")


@dataclass(frozen=True)
class MinutesItem:
    """One line of the "Meeting summary": what was recorded, by whom, when."""

    kind: ItemKind
    text: str  # as typed after the command; for "link" the first word is shown as the URL
    nick: str
    at: datetime  # aware; rendered in the doc's `zone`

    def __post_init__(self) -> None:
        _require_aware("MinutesItem.at", self.at)


@dataclass(frozen=True)
class MinutesTopic:
    """A #topic and the items recorded under it.

    `title` is None for the items recorded before the first #topic; `nick` and `at` are then the
    meeting's starter and start.
    """

    title: str | None
    nick: str
    at: datetime  # aware; rendered in the doc's `zone`
    items: tuple[MinutesItem, ...] = ()

    def __post_init__(self) -> None:
        _require_aware("MinutesTopic.at", self.at)


@dataclass(frozen=True)
class MinutesDoc:
    """Everything the minutes show, whether it came from an IRC log or from Quorum's own records."""

    channel: str  # "#fedora-meeting"
    title: str | None  # #startmeeting / #meetingtopic text; None renders as "<channel> Meeting"
    started_by: str
    start: datetime  # aware; rendered in `zone`
    end: datetime  # aware; rendered in `zone`
    topics: tuple[MinutesTopic, ...]
    actions: tuple[str, ...]  # action texts in recording order, #undo already applied
    people: tuple[tuple[str, int], ...]  # (nick, lines said) in display order, see `order_people`
    logs_url: str | None = None  # the full log's URL, for "The full logs are available at ..."
    name: str | None = None  # MeetBot's file-name slug (#meetingname), e.g. "magazine"
    zone: tzinfo = UTC  # every time is shown in it, and the start and end lines name it (MeetBot: UTC)

    def __post_init__(self) -> None:
        _require_aware("MinutesDoc.start", self.start)
        _require_aware("MinutesDoc.end", self.end)


# --------------------------------------------------------------------------------------------------
# Replaying an IRC log
# --------------------------------------------------------------------------------------------------

# MeetBot's logline_re and loglineAction_re, except that a time is required.
_SAID_RE = re.compile(r"\[?(\d{1,2}:\d{2}(?::\d{2})?)\]? *<[@+]?([^>]+)> *(.*)")
_ME_RE = re.compile(r"\[?(\d{1,2}:\d{2}(?::\d{2})?)\]? *\* *([^ ]+) *(.*)")
# A plain line whose text starts "<scheme>//" is recorded as a #link (MeetBot's UrlProtocols).
_URL_SCHEMES = frozenset({"http:", "https:", "irc:", "ftp:", "mailto:", "ssh:"})
_CHAIR_ONLY = frozenset(
    {"endmeeting", "meetingtopic", "topic", "agreed", "accepted", "rejected", "chair", "unchair", "undo"}
)
_ITEM_KINDS: Mapping[str, ItemKind] = MappingProxyType(
    {
        "info": "info",
        "idea": "idea",
        "link": "link",
        "help": "help",
        "action": "action",
        "agreed": "agreed",
        "accepted": "accepted",
        "rejected": "rejected",
    }
)


def _slug(name: str) -> str | None:
    """MeetBot's do_meetingname: lowercase, words joined by '_'."""
    return "_".join(name.lower().split()) or None


@dataclass
class _Meeting:
    """One meeting's mutable state while its log is replayed (MeetBot's `Meeting` object)."""

    owner: str
    start: datetime
    title: str | None
    name: str | None
    chairs: set[str] = field(default_factory=set)
    said: dict[str, int] = field(default_factory=dict)  # insertion order = first seen
    minutes: list[MinutesItem | MinutesTopic] = field(default_factory=list)  # flat, as MeetBot keeps it

    def count(self, nick: str, lines: int) -> None:
        self.said[nick] = self.said.get(nick, 0) + lines

    def apply(self, nick: str, at: datetime, command: str, arg: str) -> bool:
        """Apply one command as MeetBot would; return True when it ends the meeting."""
        if command in _CHAIR_ONLY and nick != self.owner and nick not in self.chairs:
            return False
        if command == "endmeeting":
            return True
        if command == "meetingname":
            self.name = _slug(arg)
        elif command == "meetingtopic":
            self.title = None if arg.lower() in ("", "none", "unset") else arg
        elif command == "topic":
            self.minutes.append(MinutesTopic(arg, nick, at))
        elif command in ("chair", "nick"):
            for who in filter(None, re.split(r"[, ]+", arg)):
                self.count(who, 0)
                if command == "chair":
                    self.chairs.add(who)
        elif command == "unchair":
            self.chairs.difference_update(arg.split())
        elif command == "undo":
            if self.minutes:
                self.minutes.pop()
        elif command in _ITEM_KINDS:
            self.minutes.append(MinutesItem(_ITEM_KINDS[command], arg, nick, at))
        return False

    def doc(self, channel: str, end: datetime, logs_url: str | None) -> MinutesDoc:
        topics: list[MinutesTopic] = []
        for entry in self.minutes:
            if isinstance(entry, MinutesTopic):
                topics.append(entry)
            elif topics:
                last = topics[-1]
                topics[-1] = MinutesTopic(last.title, last.nick, last.at, (*last.items, entry))
            else:
                topics.append(MinutesTopic(None, self.owner, self.start, (entry,)))
        return MinutesDoc(
            channel=channel,
            title=self.title,
            started_by=self.owner,
            start=self.start,
            end=end,
            topics=tuple(topics),
            actions=tuple(e.text for e in self.minutes if isinstance(e, MinutesItem) and e.kind == "action"),
            people=order_people(self.said.items()),
            logs_url=logs_url,
            name=self.name,
        )


def parse_irc_log(
    text: str, channel: str = "#meeting", date: date | None = None, logs_url: str | None = None
) -> MinutesDoc:
    """Replay a MeetBot `.log.txt` (`HH:MM:SS <nick> text`, `HH:MM:SS * nick text`) into minutes.

    It sees what the live MeetBot saw:
    - nothing before `#startmeeting` or after a chair's `#endmeeting` counts (those two lines do); a
      second `#startmeeting` is refused and, as MeetBot never logs it, not counted;
    - every line in between is a line said, /me lines and the bot's own included;
    - only `<nick>` lines carry commands (a /me line never does), and a plain line starting with a URL
      is recorded as a link;
    - non-chairs' #topic, #agreed, #accepted, #rejected, #chair, #unchair, #undo, #meetingtopic and
      #endmeeting are ignored;
    - #undo drops the latest item of any kind, a #topic included;
    - #chair and #nick list people with 0 lines until they speak.

    `date` is the meeting's UTC day (the log has only times; default 1970-01-01); a time earlier than
    the one before it means midnight passed.  Without an `#endmeeting` the minutes end at the last
    line.  Raises ValueError when the log starts no meeting.
    """
    day = date or datetime.fromtimestamp(0, UTC).date()
    previous: datetime | None = None
    meeting: _Meeting | None = None
    for raw in text.splitlines():
        said = _SAID_RE.match(raw)
        m = said or _ME_RE.match(raw)
        if m is None:
            continue
        nick, line = m.group(2).strip(), m.group(3).strip()
        hour, minute, second = (int(part) for part in (m.group(1) + ":0").split(":")[:3])
        at = datetime.combine(day, time(hour, minute, second), UTC)
        if previous is not None and at < previous:
            day += timedelta(days=1)
            at += timedelta(days=1)
        previous = at
        command = match_command(line) if said else None
        if command is not None and command[0] == "startmeeting":
            if meeting is not None:
                continue  # MeetBot refuses a second meeting and does not log the attempt
            meeting = _Meeting(owner=nick, start=at, title=command[1] or None, name=_slug(command[1]))
        elif meeting is None:
            continue
        meeting.count(nick, 1)
        if command is not None:
            if meeting.apply(nick, at, *command):
                return meeting.doc(channel, at, logs_url)
        elif said and line.split("//")[0] in _URL_SCHEMES:
            meeting.apply(nick, at, "link", line)
    if meeting is None or previous is None:
        raise ValueError("the log has no #startmeeting")
    return meeting.doc(channel, previous, logs_url)


# --------------------------------------------------------------------------------------------------
# Rendering MeetBot's .txt minutes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generator:
    """Who the footer credits: "Generated by `name`_ version" plus a reST link target when `url` is set."""

    name: str
    version: str = ""
    url: str | None = None


QUORUM = Generator("Quorum")
MEETBOT = Generator("MeetBot", "0.1.4", "http://wiki.debian.org/MeetBot")


class _Wrapper(textwrap.TextWrapper):
    # MeetBot's writers.TextWrapper: break only at whitespace, never after hyphens.
    wordsep_re = re.compile(r"(\s+)")


def _wrap(text: str, indent: str = "", hanging: str = "") -> str:
    """MeetBot's wrapList/replaceWRAP: 72 columns counted in characters, long words (URLs) kept whole."""
    return _Wrapper(width=72, initial_indent=indent, subsequent_indent=hanging, break_long_words=False).fill(
        text
    )


def _wrap_list(text: str, indent: int) -> str:
    return _wrap(text, " " * indent, " " * (indent + 2))


def _hms(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M:%S")


def _zone_name(moment: datetime, zone: tzinfo) -> str:
    """MeetBot's "UTC"; any other zone by its IANA name and its offset then: "Asia/Shanghai (UTC+08:00)"."""
    key = getattr(zone, "key", None)
    if zone is UTC or key in ("UTC", "Etc/UTC"):
        return "UTC"
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{key or local.tzname()} (UTC{offset[:3]}:{offset[3:]})"


def _item_line(item: MinutesItem, zone: tzinfo) -> str:
    if item.kind == "info":
        body = item.text
    elif item.kind == "link":
        url, rest = (item.text + " ").split(" ", 1)
        body = f"LINK: {url} {rest.strip()}"
    else:
        body = f"{item.kind.upper()}: {item.text}"
    return f"* {body}  ({item.nick}, {_hms(item.at, zone)})"


def _summary(topics: Iterable[MinutesTopic], zone: tzinfo) -> list[str]:
    lines: list[str] = []
    have_topic = False
    for topic in topics:
        if topic.title is not None:
            if have_topic:
                lines.append("")
            lines.append(_wrap_list(f"* {topic.title}  ({topic.nick}, {_hms(topic.at, zone)})", 0))
            have_topic = True
        indent = 0 if topic.title is None else 2
        lines.extend(_wrap_list(_item_line(item, zone), indent) for item in topic.items)
    return lines


def _section(heading: str, lines: list[str]) -> list[str]:
    return [heading, "-" * len(heading), "\n".join(lines), "", "", "", ""]


def render_minutes_txt(doc: MinutesDoc, *, generator: Generator = QUORUM) -> str:
    """Render `doc` in MeetBot's plain-text (.txt) minutes layout, section for section; times in `doc.zone`
    (MeetBot's UTC by default: replayed logs come out as zodbot wrote them; Quorum's own minutes are kept by
    people, so they show the meeting's local time and name its zone)."""
    title = f"{doc.channel}: {doc.title}" if doc.title else f"{doc.channel} Meeting"
    started = f"Meeting started by {doc.started_by} at {_hms(doc.start, doc.zone)} {_zone_name(doc.start, doc.zone)}."
    if doc.logs_url:
        started += f" The full logs are available at {doc.logs_url} ."
    by_person, unassigned = actions_by_person(doc.actions, [nick for nick, _ in doc.people])
    person_lines: list[str] = []
    for nick, mine in by_person:
        person_lines.append(f"* {nick}")
        person_lines.extend(_wrap_list(f"* {action}", 2) for action in mine)
    person_lines.append("* **UNASSIGNED**")
    person_lines.extend([_wrap_list(f"* {action}", 2) for action in unassigned] or ["  * (none)"])
    version = f" {generator.version}" if generator.version else ""
    if generator.url:
        footer = [
            f"Generated by `{generator.name}`_{version}",
            "",
            f".. _`{generator.name}`: {generator.url}",
        ]
    else:
        footer = [f"Generated by {generator.name}{version}"]
    lines = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        "",
        _wrap(started),
        "",
        "",
        "",
        "Meeting summary",
        "---------------",
        "\n".join(_summary(doc.topics, doc.zone)),
        "",
        f"Meeting ended at {_hms(doc.end, doc.zone)} {_zone_name(doc.end, doc.zone)}.",
        "",
        "",
        "",
        "",
        *_section("Action Items", [_wrap_list(f"* {action}", 0) for action in doc.actions]),
        *_section("Action Items, by person", person_lines),
        *_section("People Present (lines said)", [f"* {nick} ({lines})" for nick, lines in doc.people]),
        *footer,
    ]
    return "\n".join(lines) + "\n"
