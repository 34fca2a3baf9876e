"""The monitoring report's files: `<meeting>-<topic>-<date>.pdf` and `.xlsx` go with the report, the PDF embeds
the CJK font (renders without the reader's own Chinese fonts) and the XLSX holds the targets, met or missed."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from bot.messages import Attachment
from tests.conftest import MONDAY_9AM, SHANGHAI, make_settings, migrated_core
from tests.harness import Chat
from tests.test_console import SCRIPTS, run_console
from tests.test_exports import embedded_cjk


def held_dealer_day() -> Chat:
    """Held on 2026-11-24: agenda done (100%), the only incident answered after 20 min (missed), no survey."""
    chat = Chat(migrated_core(make_settings(QUORUM_ADMINS="boss")), MONDAY_9AM)
    chat.command("alice", 'new "Dealer day" tomorrow 3pm for 1h with @bob agenda "Scope" 20m')
    chat.command("bob", "incident 1 mic is dead equipment")
    chat.now += timedelta(minutes=20)
    chat.command("alice", "incident ack 1")
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    chat.command("alice", "start 1")
    chat.now += timedelta(minutes=20)
    chat.command("alice", "end")
    return chat


def files(chat: Chat, who: str, command: str) -> dict[str, Attachment]:
    return {a.filename: a for a in chat.command(who, command)[0].message.attachments}


def test_the_report_carries_a_pdf_and_an_xlsx_named_meeting_topic_date() -> None:
    chat = held_dealer_day()
    attached = files(chat, "alice", "monitor 1")
    assert set(attached) == {"meeting-1-Dealer-day-monitoring-report-2026-11-24.pdf",
                             "meeting-1-Dealer-day-monitoring-report-2026-11-24.xlsx"}
    pdf = attached["meeting-1-Dealer-day-monitoring-report-2026-11-24.pdf"].data
    assert pdf is not None
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Monitoring report of #1" in text and "Agenda completion: 1 of 1 items (100%)" in text
    xlsx = attached["meeting-1-Dealer-day-monitoring-report-2026-11-24.xlsx"].data
    assert xlsx is not None
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Targets", "Report"]
    rows = [tuple(r) for r in book["Targets"].iter_rows(values_only=True)]
    assert rows == [
        ("Indicator", "Actual", "Target", "Result"),
        ("Agenda completion (≥ 95%)", 1, 0.95, "✅ met"),
        ("Satisfaction, of 5 (≥ 4.5 = excellent)", None, 4.5, "— no data"),
        ("Incidents answered within 15 min (≥ 90%)", 0, 0.9, "❌ missed"),
    ]
    lines = [r[1] for r in book["Report"].iter_rows(min_row=2, values_only=True)]
    assert "Answered within 15 min: 0 of 1 (0%) — target ≥ 90%: ❌ missed" in lines


def test_chinese_report_files_embed_the_cjk_font(tmp_path: Path) -> None:
    """The Chinese console script (tests/scripts/board_zh.txt) prints the files' paths; the PDF embeds the font."""
    out = run_console((SCRIPTS / "board_zh.txt").read_text(encoding="utf-8"), tmp_path, "--now", "2026-11-23 09:00")
    stem = tmp_path / "files" / "会议1-经销商大会-监控报告-2026-11-26"
    assert f"→ {stem}.pdf" in out and f"→ {stem}.xlsx" in out
    reader = PdfReader(stem.with_name(stem.name + ".pdf"))
    assert set(embedded_cjk(reader)) == {"/FontFile2"}
    text = reader.pages[0].extract_text()
    assert "#1“经销商大会”监控报告" in text and "签约48家新经销商，目标 50：达成 96%" in text
    assert "\x00" not in text  # emoji the font lacks (📊 ✅) are left out, not drawn as boxes
    book = load_workbook(stem.with_name(stem.name + ".xlsx"))
    assert book.sheetnames == ["目标", "报告"]
    assert [c.value for c in book["目标"][1]] == ["指标", "实际", "目标", "结果"]
    verdicts = [row[3] for row in book["目标"].iter_rows(min_row=2, values_only=True)]
    assert len(verdicts) == 3 and set(verdicts) <= {"✅ 达标", "❌ 未达标", "—— 暂无数据"}
