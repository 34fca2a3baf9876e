"""Arguments of the subcommands that record things (actions, decisions, questions, notes, status), and the
short replies to the bot's notes about them.

Due dates, owners and reasons are read the same way whether the words came as `/meeting action …`, a
MeetBot line or a reply, because they go through the same functions here.
"""

from __future__ import annotations

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
    Command,
    DeclineItem,
    Done,
    ItemStatus,
    Mention,
    NoteKind,
    ReopenItem,
    ResolveQuestion,
    SetStatus,
    SetTopic,
    VerifyItem,
)
from bot.errors import ParseError
from bot.grammar.registry import Call
from bot.grammar.tokens import AT, COLONS, NAME_TRAILING, Token, join_texts, mentions_in, number_in, text_of, word_at
from bot.timeparse import looks_like_time
from bot.vocabulary import (
    ACCEPT,
    ACCEPT_REPLY_ONLY,
    AND,
    BECAUSE,
    BECAUSE_GLUED,
    BLOCKED,
    DECLINE,
    DECLINE_FILLER,
    DELAY,
    DELAY_TO,
    DELIVERABLE,
    DELIVERABLE_LABEL,
    DUE,
    DUE_GLUED,
    DUE_SUFFIX,
    IN_PROGRESS,
    IN_PROGRESS_TWO_WORDS,
    REOPEN,
    RESOLVED,
    STATUS_GLUED,
    VERIFY,
    VERIFY_REPLY_ONLY,
    Words,
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


def take_due(call: Call, tokens: list[Token]) -> tuple[list[Token], date | None]:
    """A trailing `by <date>` / `due <date>` / `截止 <日期>` / `周五前`, and the tokens before it.

    `by` and `due` are ordinary English words too ("by hand"), so they only name a due date when what
    follows parses or starts like a date; `截止` always does.
    """
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        glued = next((p for p in DUE_GLUED if tok.raw.startswith(p) and len(tok.raw) > len(p)), None)
        if tok.word not in DUE and glued is None:
            continue
        expr = [tok.split(len(glued))[1], *tokens[k + 1 :]] if glued else tokens[k + 1 :]
        due = call.due(expr)
        if due is not None:
            return tokens[:k], due
        if tok.word not in DUE.en or (expr and looks_like_time(expr[0].raw)):
            raise ParseError("error.bad_due", call.example, text=text_of(expr) or "")
        break
    if tokens and tokens[-1].word.endswith(DUE_SUFFIX):
        due = call.due(tokens[-1:])
        if due is not None:
            return tokens[:-1], due
    return tokens, None


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
    if not call.args:
        raise ParseError("error.missing_text", call.example, command=call.word)
    body, deliverable = list(call.args), list[Token]()
    for k, tok in enumerate(body):
        if tok.word in DELIVERABLE or (tok.word in DELIVERABLE_LABEL and tok.colon):
            body, deliverable = body[:k], body[k + 1 :]
            break
    owner, before, after = owner_of(body)
    body, due = take_due(call, [*before, *after])
    if due is None and deliverable:
        deliverable, due = take_due(call, deliverable)
    text = join_texts(text_of(body[: len(before)]), text_of(body[len(before) :]))  # the owner sat between
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    if owner is None:
        raise ParseError("error.missing_owner", call.example)
    return AddAction(text, owner, due, text_of(deliverable))


def decision(call: Call) -> AddDecision:
    parts = cut(call.args, BECAUSE, glued=BECAUSE_GLUED)
    text, rationale = (parts[0], parts[1]) if parts else (call.args, [])
    return AddDecision(required_text(call, text), text_of(rationale))


def question(call: Call) -> AddQuestion:
    owner, before, after = owner_of(call.args)
    body, due = take_due(call, [*before, *after])
    text = join_texts(text_of(body[: len(before)]), text_of(body[len(before) :]))
    if text is None:
        raise ParseError("error.missing_text", call.example, command=call.word)
    return AddQuestion(text, owner, due)


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
    due = call.due(rest)
    if due is None:
        raise ParseError("error.bad_due", call.example, text=text_of(rest) or "")
    return SetStatus(number, "delay", due=due)


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
    """MeetBot's `#action` keeps its text whole; an @mention in it, if any, is the owner."""
    owner = next((found[0] for tok in call.args if (found := mentions_in(tok))), None)
    return AddAction(required_text(call, call.args), owner)


def agreed(call: Call) -> AddDecision:
    """MeetBot's `#agreed`: the whole line is the decision (no `because` split, as MeetBot records it)."""
    return AddDecision(required_text(call, call.args))


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
        rest = tokens[1:]
        if rest and rest[0].word.rstrip(COLONS) in DECLINE_FILLER:  # "can't do: on leave"
            rest = rest[1:]
        return DeclineItem(reason=text_of(rest))
    if word in _VERIFY_REPLY and len(tokens) == 1:
        return VerifyItem()
    if word in REOPEN:
        return ReopenItem(reason=text_of(tokens[1:]))
    if word in RESOLVED:
        return ResolveQuestion(text_of(tokens[1:]))
    return None


def reply_done(call: Call) -> Done:
    """`done`, `done 12`, `done https://link`: a reply names the item only if it wants to."""
    number = number_in(call.args[0]) if call.args else None
    return Done(number, text_of(call.args[1:] if number is not None else call.args))
