"""init for table kinds (ITA, action plan): a new .xlsx with openpyxl (nothing to lose)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

import json

from ..kinds.sheet_plan import ARCHIVE_SHEET, AUDIT_HEADER, AUDIT_SHEET, archive_header, template_cells, title_text
from ..kinds.meta import META_SHEET
from ..kinds.template import Template

_THIN = Side(style="thin", color="808080")


def write_table_workbook(tpl: Template, frame: pd.DataFrame, path: Path, unit: str | None, period: str | None,
                         version: int | None = None) -> None:
    style = tpl.style or {"header_fill": "D9E1F2", "computed_fill": "E2EFDA"}
    font = Font(name=tpl.font_name, size=tpl.font_size)
    bold = Font(name=tpl.font_name, size=tpl.font_size, bold=True)
    head = PatternFill("solid", fgColor=style.get("header_fill", "D9E1F2"))
    comp = PatternFill("solid", fgColor=style.get("computed_fill", "E2EFDA"))
    wb = Workbook()
    ws = wb.active
    ws.title = tpl.sheet_name
    ws.cell(1, 1, title_text(tpl, unit, period)).font = bold
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(tpl.fields))
    grouped = any(f.group for f in tpl.fields)
    first_data = 4 if grouped else 3
    for c, f in enumerate(tpl.fields, 1):
        cells = [(2, f.group if f.group else f.label), (3, f.label if f.group else None)] if grouped \
            else [(2, f.label)]
        for r, text in cells:
            if f.group and r == 2 and c > 1 and tpl.fields[c - 2].group == f.group:
                text = None  # a group label sits in the first column of its merge
            cell = ws.cell(r, c, text)
            cell.font, cell.fill = bold, head
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        if grouped and not f.group:
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
        ws.column_dimensions[get_column_letter(c)].width = f.width
    if grouped:
        c = 1
        while c <= len(tpl.fields):
            g = tpl.fields[c - 1].group
            end = c
            while g and end < len(tpl.fields) and tpl.fields[end].group == g:
                end += 1
            if g and end > c:
                ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=end)
            c = end + 1 if g else c + 1
    for r, rec in enumerate(frame.to_dict("records"), first_data):
        for c, f in enumerate(tpl.fields, 1):
            v = rec.get(f.key)
            v = None if v is None or (isinstance(v, float) and pd.isna(v)) else v
            cell = ws.cell(r, c, v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"   # imported text stays text
            cell.font = font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
            if f.format != "General":
                cell.number_format = f.format
            if f.owner == "computed":
                cell.fill = comp
            cell.protection = Protection(locked=f.owner != "unit")
    ws.freeze_panes = f"B{first_data}"
    ws.protection.sheet = True
    for flag in ("formatColumns", "formatRows", "formatCells", "insertColumns", "insertRows", "sort", "autoFilter"):
        setattr(ws.protection, flag, False)
    summary = wb.create_sheet(tpl.raw["summary_sheet"])
    summary.protection.sheet = True
    if tpl.kind == "ita":
        # chart of indicator means against the target: rows 3.. of the summary table
        n = max(len(tpl.raw.get("indicators", {})), 1)
        chart = BarChart()
        chart.title = f"คะแนนรายตัวชี้วัด เทียบเป้าหมาย {tpl.raw.get('target')} / indicator score vs target"
        chart.add_data(Reference(summary, min_col=5, max_col=6, min_row=2, max_row=n + 2), titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=3, min_row=3, max_row=n + 2))
        summary.add_chart(chart, "I2")
    for title, header in ((ARCHIVE_SHEET, archive_header(tpl)), (AUDIT_SHEET, AUDIT_HEADER)):
        extra = wb.create_sheet(title)
        extra.append(header)
        for cell in extra[1]:
            cell.font, cell.fill = bold, head
    cols = {f.key: c for c, f in enumerate(tpl.fields, 1)}
    data_rows = list(range(first_data, first_data + len(frame)))
    recorded = template_cells(tpl, cols, data_rows, lambda r, c: ws.cell(r, c).value)
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate([("sheets-sync", "ข้อมูลระบบ ห้ามแก้ไข / system data, do not edit"),
                                ("template", tpl.name), ("kind", tpl.kind),
                                ("template_version", version or tpl.version), ("unit", unit or ""),
                                ("period", period or ""),
                                ("created", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")),
                                (f"template:{tpl.sheet_name}", json.dumps(recorded, ensure_ascii=False))], 1):
        meta.cell(i, 1, k)
        meta.cell(i, 2, v)
    meta.sheet_state = "hidden"
    wb.save(path)


def example_rows(tpl: Template) -> pd.DataFrame:
    if tpl.kind == "ita":
        rows = []
        for num, spec in tpl.raw["indicators"].items():
            prefix = tpl.raw["tools"][spec["tool"]]["prefix"]
            rows.append({"code": f"{prefix}{num}", "indicator": int(num), "question": f"(ตัวอย่าง) {spec['name']}"})
        return pd.DataFrame(rows)
    from ..core.plan_months import marks_from_text
    return pd.DataFrame([{"dimension": "๑. การสร้างวัฒนธรรมสุจริต", "mission": "(ตัวอย่าง)", "code": "๑.๑.๑ (๑)",
                          "project": "(ตัวอย่าง) กิจกรรม", "budget": "ไม่ใช้งบประมาณ", "responsible": "ทุกกอง",
                          **marks_from_text("ต.ค.-ธ.ค.", tpl.raw["months"], "plan")}])
