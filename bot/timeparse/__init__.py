"""Time expressions for meetings and action items, in English and Chinese (see `core` for the approach).

A package because one module could not hold both readers under ~700 lines: `core` has the single-answer
functions (`parse_when`, `parse_due`, `parse_duration`), `reading` the answers that never guess silently
(`read_when`, `read_span`, `read_due`: a `Reading` with what was understood, the defaults used, whether to
ask, and the words not understood; `parse_delay` for "delay 2 days"), which the grammar reads every start
and due date with, `format` the absolute form the bot echoes back.
"""

from bot.timeparse.core import looks_like_time, parse_due, parse_duration, parse_when
from bot.timeparse.format import Lang, format_date, format_when
from bot.timeparse.reading import Reading, Span, parse_delay, read_due, read_span, read_when

__all__ = [
    "Lang",
    "Reading",
    "Span",
    "format_date",
    "format_when",
    "looks_like_time",
    "parse_delay",
    "parse_due",
    "parse_duration",
    "parse_when",
    "read_due",
    "read_span",
    "read_when",
]
