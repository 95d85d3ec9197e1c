"""spreadsheets.batchUpdate request kinds the emulator understands.

Each function mutates a working copy of the spreadsheet and returns the reply;
state.batch_update commits the copy only when every request succeeded.
"""
from __future__ import annotations

import copy
import secrets

from .state import ApiError, Sheet, Spreadsheet, _formatted, _proto, invalid


def _box(ss: Spreadsheet, grid_range: dict) -> tuple[Sheet, int, int, int, int]:
    sheet = ss.sheet_by_id(grid_range.get("sheetId", 0))
    return (sheet, grid_range.get("startRowIndex", 0), grid_range.get("startColumnIndex", 0),
            grid_range.get("endRowIndex", sheet.rows), grid_range.get("endColumnIndex", sheet.cols))


def _split_fields(fields: str) -> list[str]:
    fields = fields.replace("/", ".")  # gspread writes 'gridProperties/rowCount'
    out, depth, cur = [], 0, ""
    for ch in fields:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _set_path(target: dict, source: dict, path: str) -> None:
    keys = path.split(".")
    src, dst = source, target
    for k in keys[:-1]:
        src = src.get(k, {}) if isinstance(src, dict) else {}
        dst = dst.setdefault(k, {})
    if isinstance(src, dict) and keys[-1] in src:
        dst[keys[-1]] = copy.deepcopy(src[keys[-1]])
    else:
        dst.pop(keys[-1], None)


def _merge_cell(old: dict, new: dict, fields: str) -> dict:
    cell = copy.deepcopy(old)
    paths = ["userEnteredValue", "userEnteredFormat", "note", "dataValidation"] if fields.strip() == "*" \
        else _split_fields(fields)
    for path in paths:
        _set_path(cell, new, path)
    for k in [k for k, v in cell.items() if v == {} or (k == "note" and v == "")]:
        del cell[k]
    cell.pop("effectiveValue", None)
    cell.pop("formattedValue", None)
    uev = cell.get("userEnteredValue")
    if uev and "formulaValue" not in uev:
        cell["effectiveValue"] = dict(uev)
        cell["formattedValue"] = _formatted(uev, cell.get("userEnteredFormat"))
    return cell


def _store(sheet: Sheet, key, cell: dict) -> None:
    if cell:
        sheet.cells[key] = cell
    else:
        sheet.cells.pop(key, None)


def _check_fields(args: dict, i: int, kind: str) -> str:
    fields = args.get("fields")
    if not fields:
        raise invalid(f"Invalid requests[{i}].{kind}: At least one field must be updated, but 'fields' is empty.")
    return fields


def update_cells(state, ss, args, i, caller):
    fields = _check_fields(args, i, "updateCells")
    if "start" in args:
        sheet = ss.sheet_by_id(args["start"].get("sheetId", 0))
        r0, c0 = args["start"].get("rowIndex", 0), args["start"].get("columnIndex", 0)
        r1 = c1 = None
    else:
        sheet, r0, c0, r1, c1 = _box(ss, args["range"])
        # With a range, the listed fields of cells the rows do not cover are cleared.
        rows = args.get("rows", [])
        for (r, c) in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
            di, dj = r - r0, c - c0
            if di >= len(rows) or dj >= len(rows[di].get("values", [])):
                _store(sheet, (r, c), _merge_cell(sheet.cells[(r, c)], {}, fields))
    for di, row in enumerate(args.get("rows", [])):
        for dj, value in enumerate(row.get("values", [])):
            r, c = r0 + di, c0 + dj
            if r >= sheet.rows or c >= sheet.cols or (r1 is not None and (r >= r1 or c >= c1)):
                raise invalid(f"Invalid requests[{i}].updateCells: Attempting to write row: {r}, beyond the last "
                              f"requested row of: {sheet.rows - 1}" if r >= sheet.rows else
                              f"Invalid requests[{i}].updateCells: Attempting to write column: {c}, beyond the last "
                              f"requested column of: {sheet.cols - 1}")
            _store(sheet, (r, c), _merge_cell(sheet.cells.get((r, c), {}), value, fields))
    return {}


def repeat_cell(state, ss, args, i, caller):
    fields = _check_fields(args, i, "repeatCell")
    sheet, r0, c0, r1, c1 = _box(ss, args["range"])
    for r in range(r0, min(r1, sheet.rows)):
        for c in range(c0, min(c1, sheet.cols)):
            _store(sheet, (r, c), _merge_cell(sheet.cells.get((r, c), {}), args.get("cell", {}), fields))
    return {}


def add_sheet(state, ss, args, i, caller):
    props = args.get("properties", {})
    title = props.get("title") or f"Sheet{len(ss.sheets) + 1}"
    if any(s.title == title for s in ss.sheets):
        raise invalid(f"Invalid requests[{i}].addSheet: A sheet with the name \"{title}\" already exists. "
                      "Please enter another name.")
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = secrets.randbelow(2**31 - 1) + 1
    grid = props.get("gridProperties", {})
    index = props.get("index", len(ss.sheets))
    sheet = Sheet(sheet_id, title, index, grid.get("rowCount", 1000), grid.get("columnCount", 26),
                  hidden=props.get("hidden", False), frozen_rows=grid.get("frozenRowCount", 0),
                  frozen_cols=grid.get("frozenColumnCount", 0))
    ss.sheets.insert(index, sheet)
    for n, s in enumerate(ss.sheets):
        s.index = n
    return {"addSheet": {"properties": sheet.properties()}}


def delete_sheet(state, ss, args, i, caller):
    sheet = ss.sheet_by_id(args["sheetId"])
    if len(ss.sheets) == 1:
        raise invalid(f"Invalid requests[{i}].deleteSheet: You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    for n, s in enumerate(ss.sheets):
        s.index = n
    return {}


def update_sheet_properties(state, ss, args, i, caller):
    fields = _check_fields(args, i, "updateSheetProperties")
    props = args.get("properties", {})
    sheet = ss.sheet_by_id(props.get("sheetId", 0))
    grid = props.get("gridProperties", {})
    for f in _split_fields(fields):
        if f == "title":
            sheet.title = props.get("title", sheet.title)
        elif f == "hidden":
            sheet.hidden = bool(props.get("hidden", False))
            if all(s.hidden for s in ss.sheets):
                raise invalid(f"Invalid requests[{i}].updateSheetProperties: You can't hide all the sheets in a document.")
        elif f == "index":
            ss.sheets.remove(sheet)
            ss.sheets.insert(props.get("index", 0), sheet)
            for n, s in enumerate(ss.sheets):
                s.index = n
        elif f in ("gridProperties.frozenRowCount", "gridProperties"):
            sheet.frozen_rows = grid.get("frozenRowCount", 0)
            if f == "gridProperties":
                sheet.frozen_cols = grid.get("frozenColumnCount", 0)
                sheet.rows = grid.get("rowCount", sheet.rows)
                sheet.cols = grid.get("columnCount", sheet.cols)
        elif f == "gridProperties.frozenColumnCount":
            sheet.frozen_cols = grid.get("frozenColumnCount", 0)
        elif f == "gridProperties.rowCount":
            sheet.rows = grid.get("rowCount", sheet.rows)
        elif f == "gridProperties.columnCount":
            sheet.cols = grid.get("columnCount", sheet.cols)
        elif f.startswith("gridProperties."):
            key = f.split(".", 1)[1]
            sheet.grid_extra[key] = grid.get(key)
        elif f in ("tabColor", "tabColorStyle"):
            sheet.tab_color = props.get("tabColorStyle") or ({"rgbColor": props["tabColor"]} if props.get("tabColor") else None)
    return {}


def update_spreadsheet_properties(state, ss, args, i, caller):
    fields = _check_fields(args, i, "updateSpreadsheetProperties")
    props = args.get("properties", {})
    for f in _split_fields(fields):
        if f == "title":
            ss.title = props.get("title", ss.title)
        elif f == "locale":
            ss.locale = props.get("locale", ss.locale)
        elif f == "timeZone":
            ss.time_zone = props.get("timeZone", ss.time_zone)
    return {}


def merge_cells(state, ss, args, i, caller):
    sheet, r0, c0, r1, c1 = _box(ss, args["range"])
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
    sheet, r0, c0, r1, c1 = _box(ss, args["range"])
    sheet.merges = [m for m in sheet.merges if not (r0 <= m["startRowIndex"] and m["endRowIndex"] <= r1
                                                     and c0 <= m["startColumnIndex"] and m["endColumnIndex"] <= c1)]
    return {}


def update_dimension_properties(state, ss, args, i, caller):
    rng = args["range"]
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    if rng.get("dimension") == "COLUMNS" and "pixelSize" in args.get("properties", {}):
        for c in range(rng.get("startIndex", 0), rng.get("endIndex", sheet.cols)):
            sheet.col_meta[c] = {"pixelSize": args["properties"]["pixelSize"]}
    return {}


def add_protected_range(state, ss, args, i, caller):
    given = copy.deepcopy(args["protectedRange"])
    sheet = ss.sheet_by_id(given.get("range", {}).get("sheetId", 0))
    # Google's reply order and defaults; the requester may always edit, without being listed.
    pr = {"protectedRangeId": secrets.randbelow(2**31 - 1) + 1, "range": given.get("range", {"sheetId": sheet.sheet_id})}
    for k in ("namedRangeId", "description", "warningOnly", "unprotectedRanges"):
        if given.get(k):
            pr[k] = given[k]
    pr["requestingUserCanEdit"] = True
    if not given.get("warningOnly"):
        pr["editors"] = given.get("editors", {})
    reply = _proto(pr)
    # Stored, the requester is listed among the editors (the reply does not show it).
    stored = copy.deepcopy(pr)
    if "editors" in stored:
        users = stored["editors"].setdefault("users", [])
        if caller not in users:
            users.insert(0, caller)
    sheet.protected.append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def delete_protected_range(state, ss, args, i, caller):
    for s in ss.sheets:
        before = len(s.protected)
        s.protected = [p for p in s.protected if p["protectedRangeId"] != args["protectedRangeId"]]
        if len(s.protected) != before:
            return {}
    raise invalid(f"Invalid requests[{i}].deleteProtectedRange: No protected range with id: {args['protectedRangeId']}")


def set_data_validation(state, ss, args, i, caller):
    sheet, r0, c0, r1, c1 = _box(ss, args["range"])
    for r in range(r0, min(r1, sheet.rows)):
        for c in range(c0, min(c1, sheet.cols)):
            cell = sheet.cells.get((r, c), {})
            if args.get("rule"):
                cell["dataValidation"] = copy.deepcopy(args["rule"])
            else:
                cell.pop("dataValidation", None)
            _store(sheet, (r, c), cell)
    return {}


def add_conditional_format_rule(state, ss, args, i, caller):
    rule = copy.deepcopy(args["rule"])
    sheet = ss.sheet_by_id(rule["ranges"][0].get("sheetId", 0))
    sheet.conditional.insert(args.get("index", len(sheet.conditional)), rule)
    return {}


def create_developer_metadata(state, ss, args, i, caller):
    md = copy.deepcopy(args["developerMetadata"])
    md["metadataId"] = secrets.randbelow(2**31 - 1) + 1
    md.setdefault("location", {"spreadsheet": True, "locationType": "SPREADSHEET"})
    ss.developer_metadata.append(md)
    return {"createDeveloperMetadata": {"developerMetadata": md}}


def update_developer_metadata(state, ss, args, i, caller):
    fields = _check_fields(args, i, "updateDeveloperMetadata")
    key = args["dataFilters"][0].get("developerMetadataLookup", {}).get("metadataKey")
    hits = [m for m in ss.developer_metadata if m.get("metadataKey") == key]
    for m in hits:
        for f in _split_fields(fields):
            _set_path(m, args["developerMetadata"], f)
    return {"updateDeveloperMetadata": {"developerMetadata": copy.deepcopy(hits)}}


def accepted(state, ss, args, i, caller):
    """Formatting-only requests with nothing the project reads back."""
    return {}


HANDLERS = {
    "updateCells": update_cells, "repeatCell": repeat_cell, "addSheet": add_sheet, "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties, "updateSpreadsheetProperties": update_spreadsheet_properties,
    "mergeCells": merge_cells, "unmergeCells": unmerge_cells, "updateDimensionProperties": update_dimension_properties,
    "addProtectedRange": add_protected_range, "deleteProtectedRange": delete_protected_range,
    "setDataValidation": set_data_validation, "addConditionalFormatRule": add_conditional_format_rule,
    "createDeveloperMetadata": create_developer_metadata, "updateDeveloperMetadata": update_developer_metadata,
    "updateBorders": accepted, "autoResizeDimensions": accepted,
}


def apply_request(state, ss, kind: str, args: dict, i: int, caller: str) -> dict:
    handler = HANDLERS.get(kind)
    if handler is None:
        raise invalid(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.")
    try:
        return handler(state, ss, args, i, caller)
    except (KeyError, TypeError) as e:
        raise invalid(f"Invalid requests[{i}].{kind}: missing or malformed field {e}") from None
    except ApiError:
        raise


def _shift_range(rng: dict, at: int, n: int, sheet_id: int) -> dict | None:
    if rng.get("sheetId", 0) != sheet_id:
        return rng
    out = dict(rng)
    for key in ("startRowIndex", "endRowIndex"):
        if key in out:
            v = out[key]
            if n > 0:
                out[key] = v + n if v > at or (v == at and key == "startRowIndex") else v
            else:
                lo, hi = at, at - n
                out[key] = v if v <= lo else (lo if v <= hi else v + n)
    if out.get("startRowIndex", 0) >= out.get("endRowIndex", 1 << 30):
        return None
    return out


def _move_rows(sheet: Sheet, at: int, n: int, inherit: bool) -> None:
    cells = {}
    for (r, c), cell in sheet.cells.items():
        if n < 0 and at <= r < at - n:
            continue
        cells[(r + n if r >= at else r, c)] = cell
    if n > 0 and inherit and at > 0:
        for (r, c), cell in list(sheet.cells.items()):
            if r == at - 1 and "userEnteredFormat" in cell:
                for i in range(n):
                    cells[(at + i, c)] = {"userEnteredFormat": copy.deepcopy(cell["userEnteredFormat"])}
    sheet.cells = cells
    sheet.rows += n
    sheet.merges = [m for m in (_shift_range(m, at, n, sheet.sheet_id) for m in sheet.merges) if m]
    for pr in sheet.protected:
        pr["range"] = _shift_range(pr["range"], at, n, sheet.sheet_id) or pr["range"]
    for rule in sheet.conditional:
        rule["ranges"] = [r for r in (_shift_range(x, at, n, sheet.sheet_id) for x in rule["ranges"]) if r]


def _dimension(args, ss, i, kind: str, insert: bool):
    rng = args["range"]
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    if rng.get("dimension") != "ROWS":
        raise invalid(f"Invalid requests[{i}].{kind}: only ROWS are emulated")
    start, end = rng["startIndex"], rng["endIndex"]
    if not insert and end > sheet.rows:
        raise invalid(f"Invalid requests[{i}].{kind}: Cannot delete rows beyond the grid")
    _move_rows(sheet, start, (end - start) if insert else -(end - start),
               insert and bool(args.get("inheritFromBefore")))
    return {}


def insert_dimension(state, ss, args, i, caller):
    return _dimension(args, ss, i, "insertDimension", insert=True)


def delete_dimension(state, ss, args, i, caller):
    return _dimension(args, ss, i, "deleteDimension", insert=False)


def add_chart(state, ss, args, i, caller):
    chart = copy.deepcopy(args["chart"])
    chart["chartId"] = secrets.randbelow(2**31 - 1) + 1
    anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
    ss.sheet_by_id(anchor.get("sheetId", 0)).charts.append(chart)
    return {"addChart": {"chart": chart}}


HANDLERS.update({"insertDimension": insert_dimension, "deleteDimension": delete_dimension, "addChart": add_chart})
