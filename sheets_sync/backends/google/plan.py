"""Render a SheetPlan as Google Sheets: the same layout as the .xlsx template.

Protection choice: full protected ranges (not warning-only) on the template-owned
and computed columns, editable by the service account (which writes the computed
values) and the ministry owners named with --owner. Units keep free edit of the
result and details cells and of anything outside those columns. Full protection
does not block the owner's workflow here because every automated write comes
from the service account, which Google always keeps an editor.
"""
from __future__ import annotations

from ...core.grid import Cell
from ...kinds.sheet_plan import ARCHIVE_SHEET, AUDIT_HEADER, AUDIT_SHEET, SheetPlan, archive_header
from ...kinds.meta import META_SHEET

MAIN_ID, META_ID, ARCHIVE_ID, AUDIT_ID = 0, 9999, 9001, 9002


def _rgb(hex6: str) -> dict:
    return {"red": int(hex6[0:2], 16) / 255, "green": int(hex6[2:4], 16) / 255, "blue": int(hex6[4:6], 16) / 255}


def _grid_range(sheet_id, r0, c0, r1, c1) -> dict:
    """1-based inclusive -> Google's 0-based half-open GridRange."""
    return {"sheetId": sheet_id, "startRowIndex": r0 - 1, "endRowIndex": r1,
            "startColumnIndex": c0 - 1, "endColumnIndex": c1}


def _typed(v) -> dict:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, (int, float)):
        return {"numberValue": v}
    return {"stringValue": str(v)}


def _cell(plan: SheetPlan, cell: Cell, role: str, font: str) -> dict:
    style = plan.template.style
    bold = role in ("title", "header", "section", "total_label")
    fmt: dict = {"textFormat": {"fontFamily": font, "fontSize": int(plan.template.font_size), "bold": bold},
                 "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE" if role in ("title", "header") else "TOP"}
    fill = {"header": "header_fill", "section": "section_fill", "computed": "computed_fill", "total": "computed_fill",
            "template": "template_fill", "total_label": "template_fill"}.get(role)
    if fill and fill in style:
        fmt["backgroundColor"] = _rgb(style[fill])
    if role in ("title", "header") or cell in plan.formats:
        fmt["horizontalAlignment"] = "CENTER"
    pattern = plan.formats.get(cell)
    if pattern and pattern != "General":
        fmt["numberFormat"] = {"type": "NUMBER" if pattern[0] in "0#" else "TEXT", "pattern": pattern}
    out = {"userEnteredFormat": fmt}
    if cell in plan.values:
        out["userEnteredValue"] = _typed(plan.values[cell])
    return out


def plan_requests(plan: SheetPlan, account: str, owners: list[str] = ()) -> list[dict]:
    tpl = plan.template
    font = tpl.raw.get("google_font", "TH Sarabun New")
    last_row, last_col = plan.last_row, plan.last_col
    reqs: list[dict] = [
        {"updateSheetProperties": {"properties": {"sheetId": MAIN_ID, "title": plan.name, "gridProperties": {
            "rowCount": max(last_row + 20, 100), "columnCount": last_col + 5, "frozenRowCount": plan.header_rows[1]}},
            "fields": "title,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount"}},
        {"addSheet": {"properties": {"sheetId": META_ID, "title": META_SHEET, "hidden": True,
                                     "gridProperties": {"rowCount": 200, "columnCount": 2}}}},
    ]
    for sheet_id, title, header in ((ARCHIVE_ID, ARCHIVE_SHEET, archive_header(tpl)),
                                    (AUDIT_ID, AUDIT_SHEET, AUDIT_HEADER)):
        reqs.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": {
            "rowCount": 500, "columnCount": max(len(header), 8), "frozenRowCount": 1}}}})
        reqs.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                                     "rows": [{"values": [{"userEnteredValue": {"stringValue": h}, "userEnteredFormat": {
                                         "textFormat": {"fontFamily": font, "bold": True}}} for h in header]}],
                                     "fields": "userEnteredValue,userEnteredFormat"}})
    rows = []
    for r in range(1, last_row + 1):
        rows.append({"values": [_cell(plan, (r, c), plan.roles[(r, c)], font) if (r, c) in plan.roles else {}
                                for c in range(1, last_col + 1)]})
    reqs.append({"updateCells": {"start": {"sheetId": MAIN_ID, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                                 "fields": "userEnteredValue,userEnteredFormat"}})
    reqs.append({"updateCells": {"start": {"sheetId": META_ID, "rowIndex": 0, "columnIndex": 0},
                                 "rows": [{"values": [{"userEnteredValue": _typed(k)}, {"userEnteredValue": _typed(v)}]}
                                          for k, v in plan.meta], "fields": "userEnteredValue"}})
    for r1, c1, r2, c2 in plan.merges:
        reqs.append({"mergeCells": {"range": _grid_range(MAIN_ID, r1, c1, r2, c2), "mergeType": "MERGE_ALL"}})
    for c, w in plan.widths.items():
        reqs.append({"updateDimensionProperties": {"range": {"sheetId": MAIN_ID, "dimension": "COLUMNS",
                                                             "startIndex": c - 1, "endIndex": c},
                                                   "properties": {"pixelSize": int(w * 7 + 5)}, "fields": "pixelSize"}})
    for r, h in plan.heights.items():
        reqs.append({"updateDimensionProperties": {"range": {"sheetId": MAIN_ID, "dimension": "ROWS",
                                                             "startIndex": r - 1, "endIndex": r},
                                                   "properties": {"pixelSize": int(h * 4 / 3)}, "fields": "pixelSize"}})
    ind = plan.indicator_rows
    if ind:
        res = plan.columns["result"]
        reqs.append({"setDataValidation": {"range": _grid_range(MAIN_ID, ind[0], res, ind[-1], res), "rule": {
            "condition": {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "-1000000000"},
                                                                {"userEnteredValue": "1000000000"}]},
            "inputMessage": "พิมพ์ผลเป็นตัวเลข เว้นว่างถ้ายังไม่รายงาน / type a number; leave empty if not reported",
            "strict": False, "showCustomUi": False}}})
        st = plan.columns["status"]
        col_letter = _letter(st)
        for level in tpl.status_levels.values():
            reqs.append({"addConditionalFormatRule": {"index": 0, "rule": {
                "ranges": [_grid_range(MAIN_ID, ind[0], st, ind[-1], st)],
                "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [
                    {"userEnteredValue": f'=${col_letter}{ind[0]}="{level.label}"'}]},
                    "format": {"textFormat": {"foregroundColor": _rgb(level.color), "bold": True}}}}}})
    # Protected: every column that is not unit-owned, from the title to the totals.
    editors = sorted({account, *owners} - {""})
    unit_cols = {plan.columns[f.key] for f in tpl.fields if f.owner == "unit"}
    for c0, c1 in _runs([c for c in range(1, last_col + 1) if c not in unit_cols]):
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": _grid_range(MAIN_ID, 1, c0, last_row, c1),
            "description": "sheets-sync: คอลัมน์แม่แบบ/คำนวณ (template/computed columns)",
            "warningOnly": False, "editors": {"users": editors}}}})
    unit_header = [c for c in sorted(unit_cols)]
    for c in unit_header:  # headers and totals of unit columns too; their indicator cells stay free
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": _grid_range(MAIN_ID, 1, c, plan.header_rows[1], c), "warningOnly": False,
            "description": "sheets-sync: header", "editors": {"users": editors}}}})
    reqs.append({"addProtectedRange": {"protectedRange": {"range": {"sheetId": META_ID}, "warningOnly": False,
                                                          "description": "sheets-sync metadata",
                                                          "editors": {"users": editors}}}})
    return reqs


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


def _runs(cols: list[int]) -> list[tuple[int, int]]:
    out = []
    for c in cols:
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out
