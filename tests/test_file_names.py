"""Every file about a meeting is named `<meeting>-<topic>-<date>.<ext>` by one function: the meeting's number and
title (Chinese kept), the topic in the reader's language, the meeting's own local date; nothing a file system
or a chat upload refuses, nothing invisible, and never too long."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.file_names import TITLE_MAX, export_name, safe_part
from bot.i18n import Lang
from store.models import Meeting


def meeting(title: str, start: datetime, timezone: str = "Asia/Shanghai", number: int = 12) -> Meeting:
    return Meeting(workspace_id=1, number=number, channel_id="C1", title=title, start_at=start,
                   end_at=start, timezone=timezone, created_by_id=1, created_at=start)


DEC_1_10AM_SHANGHAI = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "topic", "lang", "extension", "expected"),
    [
        pytest.param("Dealer conference", "minutes", "en", "pdf",
                     "meeting-12-Dealer-conference-minutes-2026-12-01.pdf", id="en-minutes"),
        pytest.param("经销商大会", "minutes", "zh", "md", "会议12-经销商大会-会议纪要-2026-12-01.md", id="zh-minutes"),
        pytest.param("经销商大会", "monitoring", "zh", "xlsx", "会议12-经销商大会-监控报告-2026-12-01.xlsx",
                     id="zh-monitoring"),
        pytest.param("Dealer day", "monitoring", "en", "pdf",
                     "meeting-12-Dealer-day-monitoring-report-2026-12-01.pdf", id="en-monitoring"),
        pytest.param("Retro", "invitation", "en", "ics", "meeting-12-Retro-invitation-2026-12-01.ics",
                     id="en-invitation"),
        pytest.param('Q3: "plan" a/b\\c *? <x> | y', "minutes", "en", "md",
                     "meeting-12-Q3-plan-a-b-c-x-y-minutes-2026-12-01.md", id="refused-characters"),
        pytest.param("预算\t评审\x00\u200b\n（第二\u200d轮）", "minutes", "zh", "md",
                     "会议12-预算-评审-（第二轮）-会议纪要-2026-12-01.md", id="control-and-invisible"),
        pytest.param("../../etc/passwd", "minutes", "en", "txt",
                     "meeting-12-etc-passwd-minutes-2026-12-01.txt", id="no-path"),
        pytest.param("???", "minutes", "en", "txt", "meeting-12-minutes-2026-12-01.txt", id="nothing-left"),
    ],
)
def test_names(title: str, topic: str, lang: Lang, extension: str, expected: str) -> None:
    assert export_name(meeting(title, DEC_1_10AM_SHANGHAI), topic, lang, extension) == expected


def test_the_date_is_the_meetings_own_local_date() -> None:
    """09:00 in Shanghai on Dec 2 is still Dec 1 in UTC and in New York: the file says Dec 2."""
    start = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert export_name(meeting("Standup", start), "minutes", "en", "md").endswith("-2026-12-02.md")
    assert export_name(meeting("Standup", start, "America/New_York"), "minutes", "en", "md").endswith(
        "-2026-12-01.md")
    new_year = datetime(2030, 12, 31, 16, 30, tzinfo=UTC)
    assert export_name(meeting("年会", new_year), "minutes", "zh", "md") == "会议12-年会-会议纪要-2031-01-01.md"


def test_a_long_title_is_cut_and_the_name_fits_a_file_system() -> None:
    name = export_name(meeting("经销商" * 100, DEC_1_10AM_SHANGHAI, number=123456), "monitoring", "zh", "xlsx")
    assert name.startswith("会议123456-" + "经销商" * 20 + "-监控报告-") and len(name.encode()) < 255
    assert safe_part("a " * 100).endswith("a") and len(safe_part("a " * 100)) <= TITLE_MAX
