"""Render a BookPlan as Sheets API requests: the same look as the .xlsx writer.

Protection choice: full protected ranges (not warning-only) on the template-owned
and computed columns of a protected sheet, editable by the service account (which
writes the computed values) and the ministry owners named with --owner. Units keep
free edit of the cells they own. Full protection does not block the owner's workflow
because every automated write comes from the service account, which Google always
keeps an editor.
"""
from __future__ import annotations

import secrets

from ...core.grid import Cell
from ...kinds.meta import META_SHEET
from ...kinds.sheet_plan import BOLD_ROLES, BookPlan, Chart, SheetPlan, meta_sheet
from .read import packed

FILL_OF_ROLE = {"header": "header_fill", "section": "section_fill", "computed": "computed_fill",
                "total": "computed_fill", "template": "template_fill", "total_label": "template_fill"}


def rgb(hex6: str) -> dict:
    return {"red": int(hex6[0:2], 16) / 255, "green": int(hex6[2:4], 16) / 255, "blue": int(hex6[4:6], 16) / 255}


def grid_range(sheet_id, r0, c0, r1, c1) -> dict:
    """1-based inclusive -> Google's 0-based half-open GridRange."""
    return {"sheetId": sheet_id, "startRowIndex": r0 - 1, "endRowIndex": r1,
            "startColumnIndex": c0 - 1, "endColumnIndex": c1}


def typed(v) -> dict:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, (int, float)):
        return {"numberValue": v}
    return {"stringValue": str(v)}   # never formulaValue: '=IMPORTXML(...)' stays text


def _cell(plan: SheetPlan, cell: Cell, style: dict, font: str, size: int) -> dict:
    role = plan.roles.get(cell, "text")
    fmt: dict = {"textFormat": {"fontFamily": font, "fontSize": size, "bold": role in BOLD_ROLES},
                 "wrapStrategy": "OVERFLOW_CELL" if role == "total_label" else "WRAP",
                 "verticalAlignment": "TOP" if plan.text_top and role not in ("title", "header") else "MIDDLE"}
    fill = FILL_OF_ROLE.get(role)
    if fill and fill in style:
        fmt["backgroundColor"] = rgb(style[fill])
    if role in ("title", "header") or cell in plan.formats:
        fmt["horizontalAlignment"] = "CENTER"
    elif role == "total_label":     # runs left over the empty cells before its value, as in .xlsx
        fmt["horizontalAlignment"] = "RIGHT"
    pattern = plan.formats.get(cell)
    if pattern and pattern != "General":
        fmt["numberFormat"] = {"type": "NUMBER" if pattern[0] in "0#" else "TEXT", "pattern": pattern}
    out = {"userEnteredFormat": fmt}
    if cell in plan.values:
        out["userEnteredValue"] = typed(packed(plan.values[cell]) if plan.name == META_SHEET and cell[1] == 2
                                        else plan.values[cell])
    return out


def new_sheet_id() -> int:
    return secrets.randbelow(2**30) + 10_000


def plan_requests(book: BookPlan, *, editors: list[str] = (), first_sheet_id: int | None = None,
                  ids: dict[str, int] | None = None) -> tuple[list[dict], dict[str, int]]:
    """Requests that add every sheet of ``book`` (the first one reusing
    ``first_sheet_id`` when given, as a new spreadsheet's default tab), and the ids used."""
    tpl = book.template
    font, size = tpl.raw.get("google_font", "TH Sarabun New"), int(tpl.font_size)
    ids = dict(ids or {})
    reqs: list[dict] = []
    # the hidden metadata tab right after the main one (where earlier versions put it)
    sheets = book.sheets[:1] + ([meta_sheet(book.meta)] if book.meta else []) + book.sheets[1:]
    for i, plan in enumerate(sheets):
        sid = ids.setdefault(plan.name, first_sheet_id if i == 0 and first_sheet_id is not None else new_sheet_id())
        grid = {"rowCount": max(plan.last_row + 20, 100), "columnCount": plan.last_col + 8,
                "frozenRowCount": plan.freeze[0], "frozenColumnCount": plan.freeze[1]}
        props = {"sheetId": sid, "title": plan.name, "hidden": plan.hidden, "gridProperties": grid}
        if i == 0 and first_sheet_id is not None:
            reqs.append({"updateSheetProperties": {"properties": props, "fields": "title,hidden,gridProperties"}})
        else:
            reqs.append({"addSheet": {"properties": props}})
        reqs += _sheet_requests(plan, sid, tpl.style, font, size, sorted({*editors} - {""}))
        reqs += anchor_requests(sid, plan.last_row)
    return reqs, ids


def anchor_requests(sid: int, last_row: int) -> list[dict]:
    """The tab's mark (``sheets_sync.tab``: read by recalc, extra tabs are not) and one anchor per
    row (``sheets_sync.row``: moves with inserted/deleted rows; writes check it, see guard.py)."""
    from .guard import create_anchor, mark_tab
    return [mark_tab(sid)] + [create_anchor(sid, r) for r in range(1, last_row + 1)]


def _sheet_requests(plan: SheetPlan, sid: int, style: dict, font: str, size: int, editors: list[str]) -> list[dict]:
    reqs = []
    last_row, last_col = plan.last_row, plan.last_col   # once: each walks every cell (quadratic per row)
    rows = [{"values": [_cell(plan, (r, c), style, font, size) if (r, c) in plan.roles or (r, c) in plan.values
                        else {} for c in range(1, last_col + 1)]} for r in range(1, last_row + 1)]
    if rows:
        reqs.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                                     "fields": "userEnteredValue,userEnteredFormat"}})
    for r1, c1, r2, c2 in plan.merges:
        reqs.append({"mergeCells": {"range": grid_range(sid, r1, c1, r2, c2), "mergeType": "MERGE_ALL"}})
    for dim, sizes, scale in (("COLUMNS", plan.widths, lambda w: int(w * 7 + 5)),
                              ("ROWS", plan.heights, lambda h: int(h * 4 / 3))):
        for i, v in sizes.items():
            reqs.append({"updateDimensionProperties": {
                "range": {"sheetId": sid, "dimension": dim, "startIndex": i - 1, "endIndex": i},
                "properties": {"pixelSize": scale(v)}, "fields": "pixelSize"}})
    for c in sorted(plan.hidden_columns):
        reqs.append({"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": c - 1, "endIndex": c},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    for v in plan.validations:
        reqs.append({"setDataValidation": {"range": grid_range(sid, *v.range), "rule": {
            "condition": {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": "-1000000000"},
                                                                {"userEnteredValue": "1000000000"}]},
            "inputMessage": v.prompt, "strict": False, "showCustomUi": False}}})
    for rule in plan.colour_rules:
        r1, c1, _, _ = rule.range
        reqs.append({"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [grid_range(sid, *rule.range)],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [
                {"userEnteredValue": f'=${_letter(c1)}{r1}="{rule.text}"'}]},
                "format": {"textFormat": {"foregroundColor": rgb(rule.color), "bold": True}}}}}})
    for chart in plan.charts:
        reqs.append(_chart(chart, sid))
    if plan.autofilter:
        reqs.append({"setBasicFilter": {"filter": {"range": grid_range(sid, *plan.autofilter)}}})
    if plan.protected:
        reqs += _protection(plan, sid, editors)
    return reqs


def _protection(plan: SheetPlan, sid: int, editors: list[str]) -> list[dict]:
    """Every column without unit-owned cells, whole; a unit column's title and header
    rows. Unit cells stay free."""
    last = plan.last_row
    first_unit = {}
    for (r, c), role in plan.roles.items():
        if role == "unit":
            first_unit[c] = min(r, first_unit.get(c, r))
    reqs = []

    def protect(r1, c1, r2, c2, what):
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": grid_range(sid, r1, c1, r2, c2), "description": f"sheets-sync: {what}",
            "warningOnly": False, "editors": {"users": editors}}}})
    run = None
    last_col = plan.last_col
    for c in range(1, last_col + 2):
        if c <= last_col and c not in first_unit:
            run = (run[0], c) if run else (c, c)
            continue
        if run:
            protect(1, run[0], last, run[1], "คอลัมน์แม่แบบ/คำนวณ (template/computed columns)")
            run = None
        if c in first_unit and first_unit[c] > 1:
            head = min(first_unit[c] - 1, plan.print_rows[1] if plan.print_rows else first_unit[c] - 1)
            protect(1, c, head, c, "header")
    return reqs


def _chart(spec: Chart, sid: int) -> dict:
    def src(rng, header=0):
        r1, c1, r2, c2 = rng
        if spec.by_rows:    # a row series' first cell is its title
            return {"sourceRange": {"sources": [grid_range(sid, r1, c1 + header, r2, c2)]}}
        return {"sourceRange": {"sources": [grid_range(sid, r1 + header, c1, r2, c2)]}}
    # a series range's first row is its title: Google takes the values only
    kind = {"bar": "BAR", "line": "LINE"}.get(spec.kind, "COLUMN")
    series = [{"series": src(s, 1), "type": kind} for s in spec.series]
    series += [{"series": src(s, 1), "type": "LINE"} for s in spec.lines]
    return {"addChart": {"chart": {"spec": {"title": spec.title, **(
        {"hiddenDimensionStrategy": "SHOW_ALL"} if spec.plots_hidden else {}), "basicChart": {
        "chartType": {"bar": "BAR", "line": "LINE"}.get(spec.kind, "COMBO"), "legendPosition": "BOTTOM_LEGEND",
        "domains": [{"domain": src(spec.categories)}], "series": series}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": sid, "rowIndex": spec.anchor[0] - 1,
                                                        "columnIndex": spec.anchor[1] - 1}}}}}}


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)
