"""batchUpdate requests that write cells: updateCells, repeatCell, setDataValidation,
merges and conditional formats. Each checks protection before it writes anything."""
from __future__ import annotations

import copy

from .batch_common import box, cell_paths, check_fields, merge_cell
from .errors import invalid
from .protection import check_box


def update_cells(state, ss, args, i, caller):
    paths = cell_paths(check_fields(args, i, "updateCells"))
    rows = args.get("rows", [])
    if "start" in args:
        sheet = ss.sheet_by_id(args["start"].get("sheetId", 0))
        r0, c0 = args["start"].get("rowIndex", 0), args["start"].get("columnIndex", 0)
        r1 = c1 = None
        width = max((len(r.get("values", [])) for r in rows), default=0)
        check_box(ss, sheet, (r0, c0, r0 + len(rows), c0 + width), caller)
    else:
        sheet, r0, c0, r1, c1 = box(ss, args["range"])
        check_box(ss, sheet, (r0, c0, r1, c1), caller)
        # With a range, the listed fields of cells the rows do not cover are cleared.
        for (r, c) in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
            di, dj = r - r0, c - c0
            if di >= len(rows) or dj >= len(rows[di].get("values", [])):
                sheet.put((r, c), merge_cell(sheet.cells[(r, c)], {}, paths))
    cells = sheet.cells
    for di, row in enumerate(rows):
        for dj, value in enumerate(row.get("values", [])):
            r, c = r0 + di, c0 + dj
            if r >= sheet.rows or c >= sheet.cols or (r1 is not None and (r >= r1 or c >= c1)):
                raise invalid(f"Invalid requests[{i}].updateCells: Attempting to write row: {r}, beyond the last "
                              f"requested row of: {sheet.rows - 1}" if r >= sheet.rows else
                              f"Invalid requests[{i}].updateCells: Attempting to write column: {c}, beyond the last "
                              f"requested column of: {sheet.cols - 1}")
            sheet.put((r, c), merge_cell(cells.get((r, c), {}), value, paths))
    return {}


def repeat_cell(state, ss, args, i, caller):
    paths = cell_paths(check_fields(args, i, "repeatCell"))
    sheet, r0, c0, r1, c1 = box(ss, args["range"])
    check_box(ss, sheet, (r0, c0, r1, c1), caller)
    new = args.get("cell", {})
    for r in range(r0, min(r1, sheet.rows)):
        for c in range(c0, min(c1, sheet.cols)):
            sheet.put((r, c), merge_cell(sheet.cells.get((r, c), {}), new, paths))
    return {}


def set_data_validation(state, ss, args, i, caller):
    sheet, r0, c0, r1, c1 = box(ss, args["range"])
    check_box(ss, sheet, (r0, c0, r1, c1), caller)
    for r in range(r0, min(r1, sheet.rows)):
        for c in range(c0, min(c1, sheet.cols)):
            cell = dict(sheet.cells.get((r, c), {}))
            if args.get("rule"):
                cell["dataValidation"] = copy.deepcopy(args["rule"])
            else:
                cell.pop("dataValidation", None)
            sheet.put((r, c), cell)
    return {}


def merge_cells(state, ss, args, i, caller):
    sheet, r0, c0, r1, c1 = box(ss, args["range"])
    check_box(ss, sheet, (r0, c0, r1, c1), caller)
    # Merging over existing merges replaces them, as Sheets does.
    sheet.merges = [m for m in sheet.merges if m["endRowIndex"] <= r0 or r1 <= m["startRowIndex"]
                    or m["endColumnIndex"] <= c0 or c1 <= m["startColumnIndex"]]
    kind = args.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ROWS":
        boxes = [(r, c0, r + 1, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        boxes = [(r0, c, r1, c + 1) for c in range(c0, c1)]
    else:
        boxes = [(r0, c0, r1, c1)]
    for a, b, c, d in boxes:
        sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": a, "endRowIndex": c,
                             "startColumnIndex": b, "endColumnIndex": d})
    return {}


def unmerge_cells(state, ss, args, i, caller):
    sheet, r0, c0, r1, c1 = box(ss, args["range"])
    check_box(ss, sheet, (r0, c0, r1, c1), caller)
    sheet.merges = [m for m in sheet.merges if not (r0 <= m["startRowIndex"] and m["endRowIndex"] <= r1
                                                     and c0 <= m["startColumnIndex"] and m["endColumnIndex"] <= c1)]
    return {}


def add_conditional_format_rule(state, ss, args, i, caller):
    rule = copy.deepcopy(args["rule"])
    sheet = ss.sheet_by_id(rule["ranges"][0].get("sheetId", 0))
    sheet.conditional.insert(args.get("index", len(sheet.conditional)), rule)
    return {}


def accepted(state, ss, args, i, caller):
    """Formatting-only requests with nothing the project reads back."""
    return {}


HANDLERS = {
    "updateCells": update_cells, "repeatCell": repeat_cell, "setDataValidation": set_data_validation,
    "mergeCells": merge_cells, "unmergeCells": unmerge_cells,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateBorders": accepted, "autoResizeDimensions": accepted,
}
