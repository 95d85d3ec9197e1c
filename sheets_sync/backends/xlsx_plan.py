"""Render a SheetPlan to a new .xlsx with openpyxl (a fresh file, so nothing is lost)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.grid import a1
from ..kinds.sheet_plan import ARCHIVE_SHEET, AUDIT_HEADER, AUDIT_SHEET, SheetPlan, archive_header
from ..kinds.meta import META_SHEET

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write_plan(plan: SheetPlan, path: str | Path) -> None:
    tpl, style = plan.template, plan.template.style
    wb = Workbook()
    ws = wb.active
    ws.title = plan.name
    font = Font(name=tpl.font_name, size=tpl.font_size)
    bold = Font(name=tpl.font_name, size=tpl.font_size, bold=True)
    fills = {role: PatternFill("solid", fgColor=style[key]) for role, key in
             (("header", "header_fill"), ("section", "section_fill"), ("computed", "computed_fill"),
              ("total", "computed_fill"), ("template", "template_fill"), ("total_label", "template_fill"))
             if key in style}
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, horizontal="center", vertical="center")

    for (r, c), role in plan.roles.items():
        cell = ws.cell(row=r, column=c, value=plan.values.get((r, c)))
        cell.font = bold if role in ("title", "header", "section", "total_label") else font
        cell.alignment = center if role in ("title", "header") or (r, c) in plan.formats else wrap
        if role in fills:
            cell.fill = fills[role]
        if role != "title":
            cell.border = _BORDER
        if (r, c) in plan.formats:
            cell.number_format = plan.formats[(r, c)]
        # A guard, not a wall: only what units type is unlocked.
        cell.protection = Protection(locked=role != "unit")
    for r1, c1, r2, c2 in plan.merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for c, w in plan.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, h in plan.heights.items():
        ws.row_dimensions[r].height = h
    ws.freeze_panes = a1(plan.header_rows[1] + 1, plan.columns.get("weight", 1))

    rows = plan.indicator_rows
    if rows:
        res_col = get_column_letter(plan.columns["result"])
        dv = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                            allow_blank=True, errorStyle="warning", showErrorMessage=True, showInputMessage=True,
                            errorTitle="ผลการดำเนินงาน", error="ควรเป็นตัวเลข / should be a number",
                            promptTitle="ผลการดำเนินงาน", prompt="พิมพ์ผลเป็นตัวเลข เว้นว่างถ้ายังไม่รายงาน / type a number; leave empty if not reported")
        dv.add(f"{res_col}{rows[0]}:{res_col}{rows[-1]}")
        ws.add_data_validation(dv)
        st = get_column_letter(plan.columns["status"])
        rng = f"{st}{rows[0]}:{st}{rows[-1]}"
        for level in tpl.status_levels.values():
            ws.conditional_formatting.add(rng, FormulaRule(
                formula=[f'${st}{rows[0]}="{level.label}"'], font=Font(name=tpl.font_name, size=tpl.font_size, color=level.color, bold=True)))

    ws.protection.sheet = True
    # openpyxl's flags mean "forbidden"; let people format, insert columns of notes and rows.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.insertColumns = False
    ws.protection.insertRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{plan.header_rows[0]}:{plan.header_rows[1]}"

    for title, header in ((ARCHIVE_SHEET, archive_header(tpl)), (AUDIT_SHEET, AUDIT_HEADER)):
        extra = wb.create_sheet(title)
        extra.append(header)
        for cell in extra[1]:
            cell.font = bold
            cell.fill = fills.get("header", PatternFill())
        extra.freeze_panes = "A2"
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(plan.meta, 1):
        meta.cell(row=i, column=1, value=k)
        meta.cell(row=i, column=2, value=v)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.save(path)
