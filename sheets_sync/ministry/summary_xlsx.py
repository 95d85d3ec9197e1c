"""The ministry summary as an .xlsx: Thai look, native Excel charts, atomic replace."""
from __future__ import annotations

import io
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .consolidate import plain
from ..kinds.sheet_plan import LINE_POINTS, visible_length
from .summary import MATRIX, OVERVIEW, Summary, tables


def _put(ws, r, c, value, font):
    cell = ws.cell(r, c)
    v = plain(value)
    cell.value = v
    if isinstance(v, str) and v.startswith("="):
        cell.data_type = "s"  # a unit's '=IMPORTXML(...)' is text here, never a formula
    cell.font = font
    return cell


def build_workbook(summary: Summary) -> bytes:
    tpl = summary.template
    font = Font(name=tpl.font_name, size=tpl.font_size)
    bold = Font(name=tpl.font_name, size=tpl.font_size, bold=True)
    head_fill = PatternFill("solid", fgColor=tpl.style.get("header_fill", "D9E1F2"))
    side = Side(style="thin", color="808080")
    border = Border(left=side, right=side, top=side, bottom=side)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame, formats in tables(summary):
        ws = wb.create_sheet(name)
        title = f"{name} {summary.period}".strip()
        _put(ws, 1, 1, title, bold)
        for c, col in enumerate(frame.columns, 1):
            cell = _put(ws, 2, c, str(col), bold)
            cell.fill = head_fill
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            longest = max([visible_length(str(col)) / 2] + [visible_length(str(v)) for v in frame.iloc[:, c - 1]
                                                             if v is not None and str(v) != "nan"])
            ws.column_dimensions[get_column_letter(c)].width = max(8, min(45, longest * 1.2 + 2))
        ws.row_dimensions[2].height = 3 * LINE_POINTS + 4
        for r, rec in enumerate(frame.itertuples(index=False), 3):
            ws.row_dimensions[r].height = LINE_POINTS + 4
            for c, v in enumerate(rec, 1):
                cell = _put(ws, r, c, v, font)
                cell.border = border
                fmt = formats.get(frame.columns[c - 1])
                if fmt:
                    cell.number_format = fmt
        ws.row_dimensions[1].height = LINE_POINTS + 6
        ws.freeze_panes = "A3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    _charts(wb, summary)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _charts(wb, summary: Summary) -> None:
    n = len(summary.overview)
    if n and summary.chart_value in summary.overview.columns:
        ws = wb[OVERVIEW]
        col = list(summary.overview.columns).index(summary.chart_value) + 1
        name_col = list(summary.overview.columns).index("หน่วยงาน") + 1
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{summary.chart_value} รายหน่วยงาน / per unit"
        chart.add_data(Reference(ws, min_col=col, min_row=2, max_row=n + 2), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=name_col, min_row=3, max_row=n + 2))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = summary.chart_range
        ws.add_chart(chart, f"{get_column_letter(len(summary.overview.columns) + 2)}3")
    m = len(summary.matrix)
    if m and "เฉลี่ย" in summary.matrix.columns:
        ws = wb[MATRIX]
        cols = list(summary.matrix.columns)
        k = len(cols)
        for i, (label, value) in enumerate(summary.matrix_levels, 1):
            ws.cell(2, k + i, label)
            for r in range(3, m + 3):
                ws.cell(r, k + i, value)
        bars = BarChart()
        bars.title = "คะแนนเฉลี่ยรายตัวชี้วัด / mean score by indicator"
        bars.add_data(Reference(ws, min_col=cols.index("เฉลี่ย") + 1, min_row=2, max_row=m + 2), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=2, min_row=3, max_row=m + 2))
        if summary.matrix_levels:
            lines = LineChart()
            lines.add_data(Reference(ws, min_col=k + 1, max_col=k + len(summary.matrix_levels), min_row=2,
                                     max_row=m + 2), titles_from_data=True)
            bars += lines
        ws.add_chart(bars, f"{get_column_letter(k + 4)}3")


def write_summary(summary: Summary, path: Path) -> str:
    """Build in memory, keep the previous summary in <name>-history/, then replace atomically."""
    data = build_workbook(summary)
    path.parent.mkdir(parents=True, exist_ok=True)
    history = ""
    if path.exists():
        hist_dir = path.parent / f"{path.stem}-history"
        hist_dir.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        history = str(hist_dir / f"{path.stem}-{stamp}{path.suffix}")
        shutil.copy2(path, history)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return history
