"""The name of every file Quorum hands out about a meeting: `<meeting>-<topic>-<date>.<ext>`, as the minutes
standard asks, e.g. `meeting-12-Dealer-conference-minutes-2026-12-01.pdf` or
`会议12-经销商大会-监控报告-2026-12-01.xlsx`.

Why one function: the chat export, the `quorum export` command, MeetBot's .txt minutes and the monitoring
report all name files people keep side by side in one folder; named one way, they sort and read together.

The meeting part is its number and title (Chinese kept as Chinese), the topic is what the file holds in the
reader's language, and the date is the meeting's own local date (its time zone, not the reader's), so
everyone who exports the same meeting files it under the same day. Titles are free text: whatever a file
system or a chat upload refuses (`/ \\ : * ? " < > |`), control and invisible characters go, runs of spaces
become one `-`, and a long title is cut, so a name stays well inside the 255 bytes file systems allow.
"""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo

from bot.i18n import Lang, t
from store.models import Meeting

TITLE_MAX = 60  # characters: 180 bytes of UTF-8 Chinese at most, with room for the rest of the name
_SEPARATORS = re.compile(r'[\\/:*?"<>|\s]+')
_DASHES = re.compile(r"-{2,}")


def safe_part(text: str, limit: int = TITLE_MAX) -> str:
    """Free text as part of a file name: refused characters and whitespace become `-`, the invisible go."""
    visible = "".join(ch for ch in text if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    dashed = _DASHES.sub("-", _SEPARATORS.sub("-", visible)).strip("-. ")
    return dashed[:limit].rstrip("-. ")


def export_name(meeting: Meeting, topic: str, lang: Lang, extension: str) -> str:
    """`<meeting>-<topic>-<date>.<extension>`; `topic` names a `file.<topic>` catalog key (minutes, monitoring,
    invitation)."""
    day = meeting.start_at.astimezone(ZoneInfo(meeting.timezone)).date()
    parts = (t(lang, "file.meeting", number=meeting.number), safe_part(meeting.title),
             safe_part(t(lang, "file." + topic)), day.isoformat())
    return "-".join(part for part in parts if part) + "." + extension
