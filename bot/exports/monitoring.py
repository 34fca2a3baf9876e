"""The monitoring report (监控报告) as files management keeps: a PDF (the report as shown in chat, Chinese in
the embedded CJK font) and an XLSX whose first sheet holds the standard's targets with the actual figure and
met / missed, so they can be compared and charted across events; the second sheet holds the report's lines.

The files are named by `bot.file_names.export_name`, like every other export. The service builds the figures;
this module only lays them out (no session, no clock); the PDF is `minutes.sections_pdf`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import Lang, t


@dataclass(frozen=True)
class TargetFigure:
    """One of the standard's targets: its name, the actual figure (None: no data), the target and the verdict."""

    name: str
    actual: float | None
    target: float
    met: bool | None


def _verdict(figure: TargetFigure, lang: Lang) -> str:
    return t(lang, "monitor.none" if figure.met is None else "monitor.met" if figure.met else "monitor.missed")


def report_xlsx(targets: Sequence[TargetFigure], sections: Sequence[tuple[str | None, Sequence[str]]],
                lang: Lang) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = t(lang, "monitor.sheet_targets")[:31]  # Excel's limit
    sheet.append([t(lang, key) for key in ("monitor.col_indicator", "monitor.col_actual", "monitor.col_target",
                                           "monitor.col_result")])
    for figure in targets:
        sheet.append([figure.name, figure.actual, figure.target, _verdict(figure, lang)])
    lines = book.create_sheet(t(lang, "monitor.sheet_report")[:31])
    lines.append([t(lang, "monitor.col_section"), t(lang, "monitor.col_line")])
    for heading, body in sections:
        for line in body:
            lines.append([heading or "", line])
    for ws, widths in ((sheet, (36, 12, 12, 16)), (lines, (28, 90))):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        ws.freeze_panes = "A2"
    for cell in lines["B"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
