"""Arguments of the plan (申报) subcommands: `plan` with its `key: value` fields, `approve`, `reject`,
`resubmit`, and the people of `config reviewers` / `config approver`.

A plan has a dozen fields, too many for one line of positional words, so each field opens with its key and
a colon (`name: Dealer day`, `预算：50000 场地 20000`), one a line on DingTalk and the console, or several on
one line: a key is a known word followed by a colon, so values may hold any other words. Each value is read
strictly (a type from the list, a time through `bot.timeparse`, guests as name, company, title, a budget as a
total and its parts) and anything unreadable is refused with what was wrong and an example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from bot.command_types import (
    ApprovePlan,
    Budget,
    BudgetPart,
    Configure,
    Guest,
    Mention,
    Plan,
    PlanFields,
    PlanType,
    RejectPlan,
    ResubmitPlan,
)
from bot.errors import ParseError
from bot.grammar.registry import Call
from bot.grammar.tokens import Token, fold, looks_numbered, mentions_in, text_of, url_in
from bot.i18n import Lang, PerLanguage
from bot.vocabulary import AND, BUDGET_PARTS, EDIT, FOR_PERSON, PLAN_FIELDS, PLAN_TYPES, URGENT, YES_NO, lookup

FIELD_WORDS: dict[str, str] = lookup(PLAN_FIELDS)
TYPE_WORDS: dict[str, PlanType] = lookup(PLAN_TYPES)
PART_WORDS: dict[str, BudgetPart] = lookup(BUDGET_PARTS)
YES_NO_WORDS: dict[str, bool] = lookup(YES_NO)
AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d{1,2})?)(k|w|万|元|rmb|¥)?", re.IGNORECASE)
MULTIPLIERS = {"k": 1000, "w": 10000, "万": 10000}
GUEST_SEPARATORS = re.compile(r"[;；\n]+")
GUEST_PARTS = re.compile(r"\s*[,，、/|]\s*")
QUANTITY = re.compile(r"[0-9０-９%％]|[一二三四五六七八九十百千万两]")  # a quantified goal says a number
AMOUNT_DIGITS = 20  # longer is no budget (and would overflow a float)
MAX_AMOUNT_CENTS = 10**15  # a trillion: more is a typo, and it must fit a 64-bit column


def plan(call: Call) -> Plan:
    """`plan [urgent] key: value …` files; `plan 3` shows; `plan 3 edit key: value …` changes."""
    args = call.args
    if args and looks_numbered(args[0]):
        number, rest = call.number(args)
        if not rest:
            return Plan(number)
        if rest[0].word not in EDIT:
            raise ParseError("error.plan_edit_word", "example.plan_edit", number=number, text=rest[0].raw)
        fields = plan_fields(call, rest[1:], example="example.plan_edit")
        if fields == PlanFields():
            raise ParseError("error.plan_no_fields", "example.plan_edit")
        return Plan(number, fields)
    urgent = bool(args) and args[0].word in URGENT and not args[0].colon
    fields = plan_fields(call, args[1:] if urgent else args, example=call.example)
    if urgent:
        fields = replace(fields, urgent=True)
    missing = [key for key in ("name", "plan_type", "goal", "start") if getattr(fields, key) is None]
    if missing:
        missing_words = PerLanguage(", ".join(call_key(key, "en") for key in missing),
                                      "、".join(call_key(key, "zh") for key in missing))
        raise ParseError("error.plan_missing", call.example, fields=missing_words)
    return Plan(None, fields)


def call_key(key: str, lang: Lang) -> str:
    """The key a person types for a field, in the reader's language (`time` / `时间`)."""
    words = PLAN_FIELDS["time" if key == "start" else key]
    return words.en[0] if lang == "en" else words.zh[0]


def plan_fields(call: Call, tokens: Sequence[Token], *, example: str) -> PlanFields:
    """Split the tokens at each `key:` and read every value."""
    groups: list[tuple[str, Token, list[Token]]] = []
    for tok in tokens:
        key = FIELD_WORDS.get(tok.word) if tok.colon else None
        if key is not None:
            groups.append((key, tok, []))
        elif not groups:
            raise ParseError("error.plan_no_key", example, text=tok.raw)
        else:
            groups[-1][2].append(tok)
    fields = PlanFields()
    seen: set[str] = set()
    for key, label, value in groups:
        if key in seen:
            raise ParseError("error.plan_twice", example, field=label.raw)
        seen.add(key)
        said = text_of(value)
        if said is None:
            raise ParseError("error.plan_empty", example, field=label.raw)
        fields = read_field(call, fields, key, value, said, example)
    return fields


def read_field(
    call: Call, fields: PlanFields, key: str, value: list[Token], said: str, example: str
) -> PlanFields:
    match key:
        case "goal":
            if not QUANTITY.search(said):
                raise ParseError("error.plan_goal_number", example, text=said)
            return replace(fields, goal=said)
        case "name":
            return replace(fields, name=said)
        case "place":
            return replace(fields, place=said)
        case "topics":
            return replace(fields, topics=said)
        case "outcomes":
            return replace(fields, outcomes=said)
        case "plan_type":
            return replace(fields, plan_type=word_in(TYPE_WORDS, said, "error.plan_type", example))
        case "time":
            reading = call.start(value, explain=True)
            if reading is None:
                raise ParseError("error.bad_time", example, text=said)
            span = call.settled_start(reading, said)
            start = call.future(span.start)
            duration = timedelta(minutes=span.minutes) if span.minutes else None
            return replace(fields, start=start, duration=duration, assumed=reading.assumed)
        case "internal" | "deciders":
            people = people_in(value)
            if people is None:
                raise ParseError("error.plan_people", example, field=key_label(key), text=said)
            return replace(fields, internal=people) if key == "internal" else replace(fields, deciders=people)
        case "external":
            return replace(fields, external=guests_in(said, example))
        case "key_guests":
            names = tuple(name for name in (n.strip() for n in GUEST_PARTS.split(said)) if name)
            return replace(fields, key_guests=names)
        case "budget":
            return replace(fields, budget=budget_in(value, said, example))
        case "attachments":
            links = tuple(link for tok in value if (link := url_in(tok)))
            if len(links) != len(value):
                raise ParseError("error.plan_links", example, text=said)
            return replace(fields, attachments=links)
        case "urgent":
            return replace(fields, urgent=word_in(YES_NO_WORDS, said, "error.plan_yes_no", example))
    raise AssertionError(key)  # every key of PLAN_FIELDS has its case


V = TypeVar("V")  # what a field's word stands for


def word_in(table: Mapping[str, V], said: str, error: str, example: str) -> V:
    """What a field's one word (`type: client`, `urgent: yes`) stands for in `table`; `error` when nothing."""
    found = table.get(fold(said).strip())
    if found is None:
        raise ParseError(error, example, text=said)
    return found


def key_label(key: str) -> str:
    return PLAN_FIELDS[key].en[0]


def people_in(tokens: Sequence[Token]) -> tuple[Mention, ...] | None:
    """Mentions only (joined by spaces, commas or "and"); None when something else is there."""
    people: list[Mention] = []
    for tok in tokens:
        found = mentions_in(tok)
        if found:
            people.extend(found)
        elif tok.word not in AND:
            return None
    return tuple(people) or None


def guests_in(said: str, example: str) -> tuple[Guest, ...]:
    """`Wang Wei, ACME, CEO; Li Na, Beta Ltd, CFO`: each guest with company and title."""
    guests = []
    for entry in GUEST_SEPARATORS.split(said):
        if not entry.strip():
            continue
        parts = [part for part in GUEST_PARTS.split(entry.strip()) if part]
        if len(parts) != 3:
            raise ParseError("error.plan_guest", example, text=entry.strip())
        guests.append(Guest(*parts))
    return tuple(guests)


def amount_in(word: str) -> int | None:
    """Cents in `50000`, `50,000`, `5万`, `12.5k`, `¥3000`; None for anything else."""
    match = AMOUNT.fullmatch(word.removeprefix("¥").removeprefix("￥"))
    if match is None or len(match[1]) > AMOUNT_DIGITS:
        return None
    units = float(match[1].replace(",", "")) * MULTIPLIERS.get((match[2] or "").lower(), 1)
    cents = round(units * 100)
    return cents if cents < MAX_AMOUNT_CENTS else None


def budget_in(tokens: Sequence[Token], said: str, example: str) -> Budget:
    """`50000 venue 20000 catering 15000` / `50000（场地 20000，餐饮 15000）`: the total, then parts."""
    words = [w for w in (fold(tok.raw).strip("()（）:：") for tok in tokens) if w]
    words = [piece for w in words for piece in split_glued_part(w)]
    if not words or (total := amount_in(words[0])) is None:
        raise ParseError("error.plan_budget", example, text=said)
    parts: list[tuple[BudgetPart, int]] = []
    rest = words[1:]
    if len(rest) % 2:
        raise ParseError("error.plan_budget", example, text=said)
    for name, amount in zip(rest[::2], rest[1::2], strict=True):
        part, cents = PART_WORDS.get(name), amount_in(amount)
        if part is None or cents is None or any(part == known for known, _ in parts):
            raise ParseError("error.plan_budget", example, text=said)
        parts.append((part, cents))
    return Budget(total, tuple(parts))


def split_glued_part(word: str) -> list[str]:
    """`场地20000` written without a space: the part's word and its amount."""
    for part in PART_WORDS:
        if word.startswith(part) and len(word) > len(part) and amount_in(word[len(part):]) is not None:
            return [part, word[len(part):]]
    return [word]


def approve(call: Call) -> ApprovePlan:
    number, rest = call.number(call.args)
    return ApprovePlan(number, text_of(rest))


def reject(call: Call) -> RejectPlan:
    number, rest = call.number(call.args)
    reason = text_of(rest)
    if reason is None:
        raise ParseError("error.reject_reason", call.example, number=number)
    return RejectPlan(number, reason)


def resubmit(call: Call) -> ResubmitPlan:
    return ResubmitPlan(call.only_number(call.args))


def approval_people(call: Call, key: str, tokens: Sequence[Token]) -> Configure:
    """`config reviewers @a @b` · `config approver @boss` · `config approver @boss for @alice`."""
    cut = next((i for i, tok in enumerate(tokens) if tok.word in FOR_PERSON), None)
    named, whom = (tokens, ()) if cut is None else (tokens[:cut], tokens[cut + 1 :])
    people = people_in(named)
    for_whom = people_in(whom) if cut is not None else None
    if people is None or (cut is not None and (for_whom is None or len(for_whom) != 1)):
        raise ParseError("error.config_people", "example.config_approver", text=text_of(tokens) or "")
    if key == "approver" and len(people) != 1:
        raise ParseError("error.config_one_approver", "example.config_approver")
    if key == "reviewers" and cut is not None:
        raise ParseError("error.config_people", "example.config_approver", text=text_of(tokens) or "")
    return Configure(key, text_of(tokens), people, for_whom[0] if for_whom else None)
