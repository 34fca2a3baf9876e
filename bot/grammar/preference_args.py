"""Arguments of `me`: a person's own language and timezone, read strictly.

A language is one of two names (en/zh, English/中文, …); a timezone is a zoneinfo name in any letter case
or one of the few cities `bot.vocabulary.ZONE_ALIASES` names. Anything else is refused with an example:
a reminder at the wrong hour is worse than a question, so nothing here is guessed.
"""

from __future__ import annotations

from functools import cache
from typing import Literal
from zoneinfo import available_timezones

from bot.command_types import MyPreferences
from bot.errors import ParseError
from bot.grammar.registry import Call
from bot.grammar.tokens import fold, text_of
from bot.vocabulary import AUTOMATIC, LANGUAGES, PREFERENCE_KEYS, ZONE_ALIASES, lookup

PreferenceKey = Literal["language", "timezone"]
KEY_WORDS: dict[str, PreferenceKey] = {
    word: "language" if key == "language" else "timezone" for word, key in lookup(PREFERENCE_KEYS).items()
}
LANGUAGE_WORDS: dict[str, str] = lookup(LANGUAGES)
CITY_ZONES: dict[str, str] = lookup(ZONE_ALIASES)


@cache
def _zone_names() -> dict[str, str]:
    """Every zoneinfo name this machine knows, by its folded form ("europe/berlin" → "Europe/Berlin")."""
    return {fold(name): name for name in available_timezones()}


def me(call: Call) -> MyPreferences:
    """`me`, `me language zh|en|auto`, `me timezone Europe/Berlin|berlin|auto`."""
    if not call.args:
        return MyPreferences()
    key = KEY_WORDS.get(call.args[0].word)
    if key is None:
        raise ParseError("error.bad_preference_key", call.example, text=call.args[0].raw)
    said = text_of(call.args[1:])
    if said is None:
        raise ParseError("error.missing_text", call.example, command=f"{call.word} {call.args[0].raw}")
    folded = " ".join(fold(said).split())
    if folded in AUTOMATIC:
        return MyPreferences(key, None)
    if key == "language":
        language = LANGUAGE_WORDS.get(folded)
        if language is None:
            raise ParseError("error.bad_language", call.example, text=said)
        return MyPreferences(key, language)
    zone = CITY_ZONES.get(folded) or _zone_names().get(folded)
    if zone is None:
        raise ParseError("error.bad_timezone", call.example, text=said)
    return MyPreferences(key, zone)
