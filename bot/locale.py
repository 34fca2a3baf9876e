"""Which language and timezone a person reads in: the small rules every layer needs.

They live below the use cases (`service/`), the scheduler (`jobs`), follow-up planning and the exports, so
none of those has to reach up into `service/` for them.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import Settings
from bot.i18n import Lang
from store.models import User

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
COMMAND_WORDS = re.compile(r"(?m)^\s*(?:/meeting|#[A-Za-z]+)\b")  # English keywords every language types
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Lang | None:
    """zh if the text has Chinese characters, en if it has English words, None if it says nothing."""
    if CJK.search(text):
        return "zh"
    if LATIN_WORD.search(COMMAND_WORDS.sub("", text)):
        return "en"
    return None


def zone_of(user: User, settings: Settings) -> ZoneInfo:
    if user.timezone:
        try:
            return ZoneInfo(user.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return settings.zone


def language_of(user: User, settings: Settings, fallback: str | None = None) -> Lang:
    """The user's language; else the conversation's (`fallback`); else the deployment default."""
    for candidate in (user.language, fallback, settings.language):
        if candidate in ("en", "zh"):
            return "zh" if candidate == "zh" else "en"
    return "en"


def as_lang(value: str) -> Lang:
    return "zh" if value == "zh" else "en"
