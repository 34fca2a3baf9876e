"""Message catalogs: every word Quorum says, in English and Chinese, looked up by key.

Plain dicts of `str.format` templates rather than gettext: the bot has two languages, the catalogs are
type-checked Python, and a test proves both catalogs have the same keys with the same placeholders and
that every key the code uses exists. A key missing at run time falls back to English, then to the key
itself, so a gap is visible but never crashes a conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.i18n.board_en import MESSAGES as BOARD_EN
from bot.i18n.board_zh import MESSAGES as BOARD_ZH
from bot.i18n.en import MESSAGES as BASE_EN
from bot.i18n.zh import MESSAGES as BASE_ZH

EN = BASE_EN | BOARD_EN  # the event's execution lines live in their own files (en.py is long enough)
ZH = BASE_ZH | BOARD_ZH
Lang = Literal["en", "zh"]
CATALOGS: dict[Lang, dict[str, str]] = {"en": EN, "zh": ZH}


@dataclass(frozen=True)
class PerLanguage:
    """A parameter whose value itself depends on the reader's language (the words a person would type, say),
    chosen when the message is read: an error raised while parsing does not know who will read it."""

    en: str
    zh: str


def t(lang: Lang, key: str, **params: Any) -> str:
    template = CATALOGS[lang].get(key) or EN.get(key) or key
    if not params:
        return template
    return template.format(**{name: getattr(value, lang) if isinstance(value, PerLanguage) else value
                              for name, value in params.items()})
