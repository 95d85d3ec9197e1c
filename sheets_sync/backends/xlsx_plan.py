"""Render a BookPlan as a new .xlsx with openpyxl (a fresh file, so nothing is lost):
unit workbooks of every kind and the ministry summary alike."""
from __future__ import annotations

import io
from dataclasses import replace

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.grid import a1
from ..kinds.sheet_plan import BOLD_ROLES, BookPlan, Chart, SheetPlan, meta_sheet

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL_OF_ROLE = {"header": "header_fill", "section": "section_fill", "computed": "computed_fill",
                 "total": "computed_fill", "template": "template_fill", "total_label": "template_fill"}
_ALLOWED = ("formatColumns", "formatRows", "formatCells", "insertColumns", "insertRows", "autoFilter", "sort")


def workbook_bytes(book: BookPlan, *, plan_cells: bool = False) -> bytes:
    """``plan_cells``: the sheets' rows written straight from the plan where openpyxl would
    write them plainly (backends/xlsx_plan_cells.py: the same file, without a Cell per value)."""
    buf = io.BytesIO()
    if plan_cells:
        from . import xlsx_plan_cells
        wb = render(book, plan_cells=True)
        if xlsx_plan_cells.only_plan_cells(wb):
            xlsx_plan_cells.save(wb, buf)
            return buf.getvalue()
    render(book).save(buf)
    return buf.getvalue()


def render(book: BookPlan, plan_cells: bool = False) -> Workbook:
    tpl = book.template
    style = {**{"header_fill": "D9E1F2", "computed_fill": "E2EFDA"}, **tpl.style}
    font = Font(name=tpl.font_name, size=tpl.font_size)
    bold = Font(name=tpl.font_name, size=tpl.font_size, bold=True)
    fills = {role: PatternFill("solid", fgColor=style[key]) for role, key in _FILL_OF_ROLE.items() if key in style}
    if plan_cells:
        from . import xlsx_plan_cells
    wb = Workbook()
    wb.remove(wb.active)
    sheets = list(book.sheets) + ([meta_sheet(book.meta)] if book.meta else [])
    for plan in sheets:
        ws = wb.create_sheet(plan.name)
        if plan_cells and xlsx_plan_cells.streamable(plan):
            ws._plan_cells = xlsx_plan_cells.PlanCells(
                ws, plan, lambda key: _named_style(wb, key, font, bold, fills), font)
            _sheet_settings(ws, replace(plan, heights={}), tpl)   # the rows carry their heights
        else:
            _cells(ws, plan, font, bold, fills)
            _sheet_settings(ws, plan, tpl)
        for chart in plan.charts:
            ws.add_chart(_chart(ws, chart), a1(*chart.anchor))
    return wb


def _cells(ws, plan: SheetPlan, font, bold, fills) -> None:
    # one named style per (role, number format): openpyxl hashes every style it is
    # handed, so setting font, fill, border... cell by cell costs more than the file
    styles: dict[tuple, str] = {}
    wb = ws.parent
    for (r, c), role in plan.roles.items():
        fmt = plan.formats.get((r, c))
        key = (role, fmt, plan.text_top and role not in ("title", "header"))
        if key not in styles:
            styles[key] = _named_style(wb, key, font, bold, fills)
        v = plan.values.get((r, c))
        cell = ws.cell(row=r, column=c, value=v)
        if isinstance(v, str) and v.startswith("="):
            cell.data_type = "s"   # a unit's '=IMPORTXML(...)' is text here, never a formula
        cell.style = styles[key]
    for (r, c), v in plan.values.items():
        if (r, c) not in plan.roles:
            ws.cell(row=r, column=c, value=v).font = font


def _named_style(wb, key: tuple, font, bold, fills) -> str:
    role, fmt, top = key
    name = f"sheets-sync {role} {fmt or ''}{' top' if top else ''}".strip()
    if name in wb.named_styles:
        return name
    style = NamedStyle(name=name)
    style.font = bold if role in BOLD_ROLES else font
    centred = role in ("title", "header") or fmt is not None
    # a totals label runs left over the empty cells before its value (wrapped in its one
    # narrow column "คะแนนถ่วงน้ำหนักรวม" took three lines); it stays in the cell left of it
    label = role == "total_label"
    style.alignment = Alignment(wrap_text=not label, vertical="top" if top else "center",
                                horizontal="center" if centred else "right" if label else None)
    if role in fills:
        style.fill = fills[role]
    if role != "title":     # no left edge through a totals label that runs left
        style.border = Border(right=_THIN, top=_THIN, bottom=_THIN) if label else _BORDER
    if fmt:
        style.number_format = fmt
    # A guard, not a wall: only what units type is unlocked.
    style.protection = Protection(locked=role != "unit")
    wb.add_named_style(style)
    return name


def _sheet_settings(ws, plan: SheetPlan, tpl) -> None:
    for r1, c1, r2, c2 in plan.merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for c, w in plan.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    for c in plan.hidden_columns:
        ws.column_dimensions[get_column_letter(c)].hidden = True
    for r, h in plan.heights.items():
        ws.row_dimensions[r].height = h
    rows, cols = plan.freeze
    if rows or cols:
        ws.freeze_panes = a1(rows + 1, cols + 1)
    for v in plan.validations:
        dv = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                            allow_blank=True, errorStyle="warning", showErrorMessage=True, showInputMessage=True,
                            errorTitle=v.title, error=v.error, promptTitle=v.title, prompt=v.prompt)
        dv.add(f"{a1(v.range[0], v.range[1])}:{a1(v.range[2], v.range[3])}")
        ws.add_data_validation(dv)
    for rule in plan.colour_rules:
        r1, c1, r2, c2 = rule.range
        ws.conditional_formatting.add(f"{a1(r1, c1)}:{a1(r2, c2)}", FormulaRule(
            formula=[f'${get_column_letter(c1)}{r1}="{rule.text}"'],
            font=Font(name=tpl.font_name, size=tpl.font_size, color=rule.color, bold=True)))
    if plan.protected:
        ws.protection.sheet = True
        # openpyxl's flags mean "forbidden"; let people format, insert columns of notes and rows.
        for flag in _ALLOWED:
            setattr(ws.protection, flag, False)
    if plan.hidden:
        ws.sheet_state = "hidden"
    if plan.landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, plan.pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if plan.autofilter:
        r1, c1, r2, c2 = plan.autofilter
        ws.auto_filter.ref = f"{a1(r1, c1)}:{a1(r2, c2)}"
    if plan.print_rows:
        ws.print_title_rows = f"{plan.print_rows[0]}:{plan.print_rows[1]}"


def _ref(ws, rng) -> Reference:
    r1, c1, r2, c2 = rng
    return Reference(ws, min_row=r1, min_col=c1, max_row=r2, max_col=c2)


def _chart(ws, spec: Chart):
    bars = LineChart() if spec.kind == "line" else BarChart()
    if spec.kind == "bar":
        bars.type = "bar"
        # first row at the top, as in the table (Excel draws a bar chart's categories bottom
        # up, so rank 1 came last); the value axis then stays below the bars
        bars.x_axis.scaling.orientation = "maxMin"
        bars.y_axis.crosses = "max"
    bars.title = spec.title
    for s in spec.series:
        bars.add_data(_ref(ws, s), titles_from_data=True, from_rows=spec.by_rows)
    bars.set_categories(_ref(ws, spec.categories))
    lo, hi = spec.value_range
    if lo is not None:
        bars.y_axis.scaling.min = lo
    if hi is not None:
        bars.y_axis.scaling.max = hi
    if spec.lines:
        lines = LineChart()
        for s in spec.lines:
            lines.add_data(_ref(ws, s), titles_from_data=True)
        bars += lines
    bars.visible_cells_only = not spec.plots_hidden
    return bars
