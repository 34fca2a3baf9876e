"""Arguments of the subcommands that record things (actions, decisions, questions, notes, status), and the
short replies to the bot's notes about them.

Due dates, owners and reasons are read the same way whether the words came as `/meeting action …`, a
MeetBot line or a reply, because they go through the same functions here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from bot.command_types import (
    AcceptItem,
    AddAction,
    AddChairs,
    AddDecision,
    AddNote,
    AddQuestion,
    AssignItem,
    Command,
    DeclineItem,
    Done,
    EditItem,
    ItemField,
    ItemStatus,
    Mention,
    NoteKind,
    ReassignItem,
    ReopenItem,
    ResolveQuestion,
    SetStatus,
    SetTopic,
    SetVerdict,
    ShareMaterials,
    Verdict,
    VerifyItem,
)
from bot.errors import ParseError
from bot.grammar.registry import Call
from bot.grammar.tokens import (
    AT,
    COLONS,
    MAX_TIME_CHARS,
    NAME_TRAILING,
    Token,
    join_texts,
    mentions_in,
    number_in,
    text_of,
    url_in,
    word_at,
)
from bot.i18n import PerLanguage
from bot.timeparse import Reading, format_date, looks_like_time, parse_delay
from bot.vocabulary import (
    ACCEPT,
    ACCEPT_REPLY_ONLY,
    AND,
    BECAUSE,
    BECAUSE_GLUED,
    BLOCKED,
    CJK_TIME_START,
    DECLINE,
    DECLINE_FILLER,
    DELAY,
    DELAY_TO,
    DELIVERABLE,
    DELIVERABLE_LABEL,
    DUE,
    DUE_GLUED,
    DUE_SPAN,
    DUE_SUFFIXES,
    IN_PROGRESS,
    IN_PROGRESS_TWO_WORDS,
    ITEM_FIELDS,
    REOPEN,
    RESOLVED,
    STATUS_GLUED,
    TO_PERSON,
    VERDICTS,
    VERIFY,
    VERIFY_REPLY_ONLY,
    Words,
    lookup,
)


def required_text(call: Call, tokens: Sequence[Token]) -> str:
    text = text_of(tokens)
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return text


def owner_of(tokens: list[Token]) -> tuple[Mention | None, list[Token], list[Token]]:
    """The first @mention, and the tokens before and after it."""
    for k, tok in enumerate(tokens):
        found = mentions_in(tok)
        if found:
            return found[0], tokens[:k], tokens[k + 1 :]
    return None, tokens, []


def take_due(call: Call, tokens: list[Token]) -> tuple[list[Token], Reading[date] | None]:
    """A trailing due phrase and the tokens before it: `by <date>` / `due <date>` / `截止 <日期>`, `in 3 days`
    / `within two weeks`, and Chinese that ends the phrase: `周五前`, `3天内`, `一周之内`, `两周后`.

    `by`, `due`, `in` and `within` are ordinary English words too ("by hand", "in English"), so they only
    name a due date when what follows reads as one (`by` / `due` complain when it starts like a date);
    `截止` always does. The reading returned has a value; one that names two dates is asked about.
    """
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        if tok.word in DUE_SPAN:  # "in 3 days": the word is part of the phrase
            reading = call.due(tokens[k:])
            if reading is not None and reading.value is not None:
                return tokens[:k], _settled_due(call, reading, tokens[k:])
            continue
        glued = next((p for p in DUE_GLUED if tok.raw.startswith(p) and len(tok.raw) > len(p)), None)
        if tok.word not in DUE and glued is None:
            continue
        expr = [tok.split(len(glued))[1], *tokens[k + 1 :]] if glued else tokens[k + 1 :]
        reading = call.due(expr)
        if (reading is None or reading.value is None) and tok.word in DUE.en:
            reading = call.due(tokens[k:])  # "by next week" reads only with its "by"
        if reading is not None and reading.value is not None:
            return tokens[:k], _settled_due(call, reading, expr)
        if tok.word not in DUE.en or (expr and looks_like_time(expr[0].raw)):
            raise ParseError("error.bad_due", call.example, text=text_of(expr) or "")
        break
    return _due_suffix(call, tokens)


def _due_suffix(call: Call, tokens: list[Token]) -> tuple[list[Token], Reading[date] | None]:
    """A due phrase closing the last word, alone ("3天内") or glued to the text ("写文档3天内")."""
    if not tokens or not tokens[-1].word.endswith(DUE_SUFFIXES):
        return tokens, None
    last = tokens[-1]
    raw = last.raw
    for at in range(max(0, len(raw) - MAX_TIME_CHARS), len(raw)):
        if at and (raw[at - 1].isdigit() or not (raw[at] in CJK_TIME_START or raw[at].isdigit())):
            continue
        head, tail = last.split(at) if at else (None, last)
        reading = call.due([tail])
        if reading is not None and reading.value is not None:
            return [*tokens[:-1], *([head] if head is not None else [])], _settled_due(call, reading, [tail])
    return tokens, None


def _settled_due(call: Call, reading: Reading[date], expr: Sequence[Token]) -> Reading[date]:
    """A due date safe to act on; one that names two different days (a weekday that is not the date's)
    is asked about, showing the date read."""
    if reading.other_day is not None and reading.value is not None:
        raise ParseError("error.day_month", call.example, text=text_of(expr) or "", when=reading.value.isoformat(),
                         other=reading.other_day.isoformat())
    if reading.ambiguous and reading.value is not None:
        raise ParseError("error.due_ambiguous", call.example, text=text_of(expr) or "", when=reading.value.isoformat())
    return reading


def owners_of(tokens: list[Token]) -> tuple[tuple[Mention, ...], list[Token], list[Token]]:
    """The first @mention and the ones right after it ("@bob @carol", "@bob and @carol", "@张三、@李四"):
    the owners, and the tokens before and after them."""
    for k, tok in enumerate(tokens):
        found = mentions_in(tok)
        if not found:
            continue
        owners, end = list(found), k + 1
        while end < len(tokens):
            joined = end + 1 if tokens[end].word in AND else end
            more = mentions_in(tokens[joined]) if joined < len(tokens) else ()
            if not more:
                break
            owners.extend(who for who in more if who not in owners)
            end = joined + 1
        return tuple(owners), tokens[:k], tokens[end:]
    return (), tokens, []


def cut(tokens: list[Token], words: Words, glued: str = "") -> tuple[list[Token], list[Token]] | None:
    """Split at the first keyword in `words` (or, for CJK, at `glued` inside a word: "采用A因为便宜")."""
    for k, tok in enumerate(tokens):
        if tok.word in words:
            return tokens[:k], tokens[k + 1 :]
        at = tok.raw.find(glued) if glued and not tok.quoted else -1
        if at != -1:
            before, rest = tok.split(at)
            after = rest.split(len(glued))[1]
            return [*tokens[:k], *([before] if before.raw else [])], [
                *([after] if after.raw else []),
                *tokens[k + 1 :],
            ]
    return None


def action(call: Call) -> AddAction:
    """`action @bob @carol write the spec in 3 days deliverable: spec doc`: each owner gets an item."""
    if not call.args:
        raise ParseError("error.missing_text", call.example, command=call.word)
    body, deliverable = list(call.args), list[Token]()
    for k, tok in enumerate(body):
        if tok.word in DELIVERABLE or (tok.word in DELIVERABLE_LABEL and tok.colon):
            body, deliverable = body[:k], body[k + 1 :]
            break
    owners, before, after = owners_of(body)
    body, due = take_due(call, [*before, *after])
    if due is None and deliverable:
        deliverable, due = take_due(call, deliverable)
    text = join_texts(text_of(body[: len(before)]), text_of(body[len(before) :]))  # the owners sat between
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    if not owners:
        raise ParseError("error.missing_owner", call.example)
    return AddAction(
        text,
        owners[0],
        due.value if due else None,
        text_of(deliverable),
        co_owners=owners[1:],
        due_assumed=due.assumed if due else (),
    )


def materials_terms(call: Call, tokens: list[Token]) -> tuple[str | None, date | None]:
    """`<link> [by <date>]` (both optional, in that order) and nothing else: `materials:` on `new`."""
    link = url_in(tokens[0]) if tokens else None
    rest, due = take_due(call, tokens[1:] if link else tokens)
    if rest:
        raise ParseError("error.unexpected_text", call.example, text=text_of(rest) or "")
    return link, due.value if due is not None else None


def materials_by(call: Call, due: date, meeting_day: date) -> None:
    """Materials are due on or before the meeting's day: a later date would never be asked for (its reminder
    falls after the meeting), so it is refused with both dates."""
    if due > meeting_day:
        raise ParseError("error.materials_after_meeting", call.example, **materials_dates(due, meeting_day))


def materials_dates(due: date, meeting_day: date) -> dict[str, PerLanguage]:
    return {"date": PerLanguage(format_date(due, "en"), format_date(due, "zh")),
            "day": PerLanguage(format_date(meeting_day, "en"), format_date(meeting_day, "zh"))}


def materials(call: Call) -> ShareMaterials:
    """`materials 3 <link> [by <date>] [@presenter]`: a link, a date or a presenter, at least one."""
    number, rest = call.number(call.args)
    presenter, before, after = owner_of(rest)
    link, due = materials_terms(call, [*before, *after])
    if link is None and due is None and presenter is None:
        raise ParseError("error.materials_empty", call.example)
    return ShareMaterials(number, link, due, presenter)


def decision(call: Call) -> AddDecision:
    """`decision [verdict:] ship on Dec 1 because QA signed off` (`决定 暂缓：预算 因为…`)."""
    verdict, args = verdict_in(call.args)
    parts = cut(args, BECAUSE, glued=BECAUSE_GLUED)
    text, rationale = (parts[0], parts[1]) if parts else (args, [])
    return AddDecision(required_text(call, text), text_of(rationale), verdict)


_VERDICT_WORDS = lookup(VERDICTS)
_VERDICT_PHRASE_WORDS = max(len(phrase.split()) for phrase in _VERDICT_WORDS)
_DECISION_NUMBER = re.compile(r"#?(\d{1,9})[.．](\d{1,9})")


def verdict_in(tokens: list[Token]) -> tuple[Verdict | None, list[Token]]:
    """A verdict opening a decision, closed by a colon (`deferred: the budget`, `needs more material: the
    plan`, `暂缓：预算`), and the words after it; (None, tokens) when it does not open with one."""
    for k in range(min(_VERDICT_PHRASE_WORDS, len(tokens))):
        if tokens[k].colon:
            found = _VERDICT_WORDS.get(" ".join(tok.word for tok in tokens[: k + 1]))
            return (found, tokens[k + 1 :]) if found else (None, tokens)
    return None, tokens


def verdict(call: Call) -> SetVerdict:
    """`verdict 3.2 deferred` (or `verdict 3 2 deferred`): decision 2 of meeting #3, as its minutes number it."""
    if not call.args:
        raise ParseError("error.missing_number", call.example, command=call.word)
    pair = _DECISION_NUMBER.fullmatch(call.args[0].word)
    if pair is not None:
        meeting, position, rest = int(pair[1]), int(pair[2]), call.args[1:]
    else:
        meeting, rest = call.number(call.args)
        position, rest = call.number(rest)
    said = " ".join(tok.word.rstrip(COLONS) for tok in rest)
    found = _VERDICT_WORDS.get(said)
    if not rest:
        raise ParseError("error.missing_verdict", call.example, ref=f"{meeting}.{position}")
    if found is None:
        raise ParseError("error.bad_verdict", call.example, text=text_of(rest) or "")
    return SetVerdict(meeting, position, found)


def _person(call: Call, tokens: list[Token]) -> tuple[Mention, list[Token]]:
    """The one @person a reassignment names (`@carol`, `to @carol`, `给 @李四`), and the words after."""
    if tokens and tokens[0].word in TO_PERSON:
        tokens = tokens[1:]
    found = mentions_in(tokens[0]) if tokens else ()
    if not found:
        raise ParseError("error.missing_person", call.example, command=call.word)
    if len(found) > 1 or (len(tokens) > 1 and mentions_in(tokens[1])):
        raise ParseError("error.one_owner", call.example)
    return found[0], tokens[1:]


def reassign(call: Call) -> ReassignItem:
    """`reassign 3 @carol [why]` / `转交 3 给 @李四 [原因]`."""
    number, rest = call.number(call.args)
    who, rest = _person(call, rest)
    return ReassignItem(number, who, text_of(rest))


def assign(call: Call) -> AssignItem:
    """`assign 4 @bob` / `指派 4 @王五`."""
    number, rest = call.number(call.args)
    who, rest = _person(call, rest)
    call.nothing_more(rest)
    return AssignItem(number, who)


def _item_field(tokens: list[Token]) -> tuple[ItemField, list[Token]] | None:
    """`text …` / `due …` / `deliverable: …`, and Chinese glued to its value (`截止周五`, `内容：…`)."""
    if not tokens:
        return None
    first = tokens[0]
    for field_name, words in ITEM_FIELDS.items():
        if first.word in words:
            return field_name, tokens[1:]
        glued = next((w for w in words.zh if not first.quoted and first.raw.startswith(w)), None)
        if glued is not None:
            return field_name, [first.split(len(glued))[1], *tokens[1:]]
    return None


def edit_item(call: Call) -> EditItem:
    """What follows `edit item` / `修改 事项` (the `edit` subcommand hands it over): `3 text|due|deliverable
    <value>` / `3 内容|截止|交付物 …`."""
    number, rest = call.number(call.args)
    if not rest:
        raise ParseError("error.missing_item_field", call.example, number=number)
    found = _item_field(rest)
    if found is None:
        raise ParseError("error.edit_field", call.example, text=text_of(rest) or "")
    field_name, value = found
    said = rest[0].raw.rstrip(COLONS)
    said = "due date" if said.casefold() == "due" else said
    if not value or (field_name == "due" and len(value) == 1 and value[0].word in DUE):  # "due", "due by"
        raise ParseError("error.missing_value", call.example, field=said)
    if field_name != "due":
        text = text_of(value)
        if text is None:
            raise ParseError("error.missing_value", call.example, field=said)
        return EditItem(number, field_name, text=text)
    reading = call.due(value) if value else None
    if (reading is None or reading.value is None) and value and value[0].word in DUE:
        value = value[1:]  # "due by friday"
        reading = call.due(value) if value else None
    if reading is None or reading.value is None:
        raise ParseError("error.bad_due", call.example, text=text_of(value) or "")
    settled = _settled_due(call, reading, value)
    return EditItem(number, "due", due=settled.value, due_assumed=settled.assumed)


def question(call: Call) -> AddQuestion:
    owner, before, after = owner_of(call.args)
    body, due = take_due(call, [*before, *after])
    text = join_texts(text_of(body[: len(before)]), text_of(body[len(before) :]))
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddQuestion(text, owner, due.value if due else None, due.assumed if due else ())


def done(call: Call) -> Done:
    number, rest = call.number(call.args)
    return Done(number, text_of(rest))


def status_word(tokens: list[Token]) -> tuple[ItemStatus, list[Token]] | None:
    """Recognise `in progress` / `blocked` / `delay` (进行中 / 受阻 / 延期, glued or not) and what follows."""
    if not tokens:
        return None
    first = tokens[0]
    glued = next((p for p in STATUS_GLUED if first.raw.startswith(p) and len(first.raw) > len(p)), None)
    if glued:  # "受阻等法务" / "延期到周五"
        word, rest = glued[:2], [first.split(len(glued))[1], *tokens[1:]]
    elif first.word == IN_PROGRESS_TWO_WORDS[0] and word_at(tokens, 1) == IN_PROGRESS_TWO_WORDS[1]:
        word, rest = IN_PROGRESS.en[0], tokens[2:]
    else:
        word, rest = first.word, tokens[1:]
    if word in IN_PROGRESS:
        return "in_progress", rest
    if word in BLOCKED:
        return "blocked", rest
    if word in DELAY:
        return "delay", rest[1:] if rest and rest[0].word in DELAY_TO else rest
    return None


def set_status(call: Call, found: tuple[ItemStatus, list[Token]], number: int | None) -> SetStatus:
    """The SetStatus for a recognised status word; the text after it is the reason (or the new due date)."""
    status, rest = found
    if status != "delay":
        return SetStatus(number, status, reason=text_of(rest))
    if not rest:
        raise ParseError("error.bad_status", call.example, text=call.word)
    said = text_of(rest) or ""
    length = parse_delay(said)
    if length is not None:  # "delay 2 days": from the item's own due date, which the service knows
        return SetStatus(number, "delay", delay_by=length)
    due = call.due(rest)
    if due is None or due.value is None:
        raise ParseError("error.bad_due", call.example, text=said)
    return SetStatus(number, "delay", due=_settled_due(call, due, rest).value)


def delay(call: Call) -> SetStatus:
    """`delay [N] 2 days` / `delay [N] to friday` / `延期两天` / `延期 3 到周五`: a leading number is the item's
    when what follows it reads as a length or a date (`delay 3 2 days`), not when it is part of one
    (`delay 2 days`)."""
    rest = list(call.args)
    number = number_in(rest[0]) if rest else None
    after = rest[1:]
    if after and after[0].word in DELAY_TO:
        after = after[1:]
    if number is not None and after and _reads_as_delay(call, after):
        return set_status(call, ("delay", after), number)
    return set_status(call, ("delay", rest[1:] if rest and rest[0].word in DELAY_TO else rest), None)


def _reads_as_delay(call: Call, tokens: list[Token]) -> bool:
    if parse_delay(text_of(tokens) or "") is not None:
        return True
    reading = call.due(tokens)
    return reading is not None and reading.value is not None


def status(call: Call) -> SetStatus:
    number, rest = call.number(call.args)
    found = status_word(rest)
    if found is None:
        raise ParseError("error.bad_status", call.example, text=text_of(rest) or "")
    return set_status(replace(call, word=rest[0].word), found, number)


def note(kind: NoteKind) -> Callable[[Call], AddNote]:
    def handler(call: Call) -> AddNote:
        return AddNote(kind, required_text(call, call.args))

    return handler


def topic(call: Call) -> SetTopic:
    return SetTopic(required_text(call, call.args))


def chair(call: Call) -> AddChairs:
    """`chair @a @b`; MeetBot habit allows bare names (`#chair alice bob`)."""
    who: list[Mention] = []
    for tok in call.args:
        if tok.word not in AND:
            who.extend(mentions_in(tok) or (Mention(tok.raw.lstrip(AT).rstrip(NAME_TRAILING)),))
    if not who:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddChairs(tuple(who))


# Replies to the bot that carry a reason or answer after them ("can't do: on leave", "退回：链接打不开").


def meetbot_action(call: Call) -> AddAction:
    """MeetBot's `#action`: a due phrase at its end is honoured as in `action`, and so are @mentions: each
    owner named (`#action @bob @carol write the spec`) gets an item of their own, whose text leaves the
    mentions out. Without a mention the text stays whole, names and all (MeetBot finds owners by name)."""
    owners, before, after = owners_of(list(call.args))
    body, due = take_due(call, [*before, *after])
    text = join_texts(text_of(body[: len(before)]), text_of(body[len(before) :]))
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddAction(
        text,
        owners[0] if owners else None,
        due.value if due else None,
        co_owners=owners[1:],
        due_assumed=due.assumed if due else (),
    )


def agreed(call: Call) -> AddDecision:
    """MeetBot's `#agreed`: the whole line is the decision (no `because` split, as MeetBot records it), but for
    a verdict opening it (`#agreed deferred: the budget`)."""
    verdict, args = verdict_in(call.args)
    return AddDecision(required_text(call, args), verdict=verdict)


# -- replies to the bot's private notes about an action item or question (the service reads them against
# what was replied to: "accept" on an invitation is a yes, on a finished item a sign-off)

_ACCEPT_REPLY = ACCEPT | ACCEPT_REPLY_ONLY
_VERIFY_REPLY = VERIFY | VERIFY_REPLY_ONLY


def follow_through(tokens: list[Token]) -> Command | None:
    """accept / can't do: reason / verified / reopen: reason / resolved: answer — or None."""
    word = word_at(tokens, 0)
    if word in _ACCEPT_REPLY and len(tokens) == 1:
        return AcceptItem()
    if word in DECLINE:
        head, rest = tokens[0], tokens[1:]
        if rest and rest[0].word.rstrip(COLONS) in DECLINE_FILLER:  # "can't do: on leave"
            head, rest = rest[0], rest[1:]
        number, rest = _leading_number(head, rest)
        return DeclineItem(number, text_of(rest))
    if word in _VERIFY_REPLY and len(tokens) == 1:
        return VerifyItem()
    if word in REOPEN:
        number, rest = _leading_number(tokens[0], tokens[1:])
        return ReopenItem(number, text_of(rest))
    if word in RESOLVED:
        return ResolveQuestion(text_of(tokens[1:]))
    return None


def _leading_number(word: Token, rest: list[Token]) -> tuple[int | None, list[Token]]:
    """`reopen 1 the section is missing` names #1; after a colon (`can't do: 2 trips that week`) a number is
    part of the reason."""
    said_colon = word.colon or word.raw.endswith(tuple(COLONS))
    number = number_in(rest[0]) if rest and not said_colon else None
    return (number, rest[1:]) if number is not None else (None, rest)


def reply_done(call: Call) -> Done:
    """`done`, `done 12`, `done https://link`: a reply names the item only if it wants to."""
    number = number_in(call.args[0]) if call.args else None
    return Done(number, text_of(call.args[1:] if number is not None else call.args))
