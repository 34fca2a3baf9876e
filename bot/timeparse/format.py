"""The absolute form of a time the bot echoes back: date, clock, weekday and zone, never "tomorrow".

Kept apart from the parsers (which import nothing from here) so that everything that only shows times
(jobs, views, exports, reports) does not depend on how they are read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = ["Lang", "format_date", "format_when"]

Lang = Literal["en", "zh"]

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def format_when(dt: datetime, tz: ZoneInfo, lang: Lang) -> str:
    """en "2026-11-24 15:00 (Tue) Asia/Shanghai", zh "2026-11-24 15:00（周二）Asia/Shanghai"."""
    if dt.utcoffset() is None:
        raise ValueError("dt must be timezone-aware")
    local = dt.astimezone(tz)
    if lang == "zh":
        return f"{local:%Y-%m-%d %H:%M}（{_WEEKDAYS_ZH[local.weekday()]}）{tz.key}"
    return f"{local:%Y-%m-%d %H:%M} ({_WEEKDAYS_EN[local.weekday()]}) {tz.key}"


def format_date(d: date, lang: Lang) -> str:
    """en "2026-12-05 (Sat)", zh "2026-12-05（周六）"."""
    if lang == "zh":
        return f"{d.isoformat()}（{_WEEKDAYS_ZH[d.weekday()]}）"
    return f"{d.isoformat()} ({_WEEKDAYS_EN[d.weekday()]})"
