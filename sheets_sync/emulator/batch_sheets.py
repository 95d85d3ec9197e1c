"""batchUpdate requests on the grid's shape: sheets, their properties, rows and columns.

Rows and columns moved by insertDimension / deleteDimension carry their cells, merges,
protected ranges, conditional formats and developer metadata along, as on Google; metadata
whose rows are all deleted goes with them."""
from __future__ import annotations

import copy

from .batch_common import check_fields, reindex, split_fields
from .errors import CELL_LIMIT, cell_limit, invalid
from .model import Sheet, metadata, new_int_id
from .protection import check_rows, check_sheet


def _within_limit(ss, i: int, kind: str) -> None:
    if ss.cell_count() > CELL_LIMIT:
        raise cell_limit(f"Invalid requests[{i}].{kind}: ")


def add_sheet(state, ss, args, i, caller):
    props = args.get("properties", {})
    title = props.get("title") or f"Sheet{len(ss.sheets) + 1}"
    if any(s.title == title for s in ss.sheets):
        raise invalid(f"Invalid requests[{i}].addSheet: A sheet with the name \"{title}\" already exists. "
                      "Please enter another name.")
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = new_int_id()
    grid = props.get("gridProperties", {})
    index = props.get("index", len(ss.sheets))
    sheet = Sheet(sheet_id, title, index, grid.get("rowCount", 1000), grid.get("columnCount", 26),
                  hidden=props.get("hidden", False), frozen_rows=grid.get("frozenRowCount", 0),
                  frozen_cols=grid.get("frozenColumnCount", 0))
    ss.sheets.insert(index, sheet)
    reindex(ss)
    _within_limit(ss, i, "addSheet")
    return {"addSheet": {"properties": sheet.properties()}}


def delete_sheet(state, ss, args, i, caller):
    sheet = ss.sheet_by_id(args["sheetId"])
    if len(ss.sheets) == 1:
        raise invalid(f"Invalid requests[{i}].deleteSheet: You can't remove all the sheets in a document.")
    check_sheet(ss, sheet, caller)
    ss.sheets.remove(sheet)
    ss.developer_metadata = [m for m in metadata(ss)
                             if m.get("location", {}).get("dimensionRange", {}).get("sheetId", 0) != sheet.sheet_id
                             or "dimensionRange" not in m.get("location", {})]
    reindex(ss)
    return {}


def update_sheet_properties(state, ss, args, i, caller):
    fields = check_fields(args, i, "updateSheetProperties")
    props = args.get("properties", {})
    sheet = ss.sheet_by_id(props.get("sheetId", 0))
    grid = props.get("gridProperties", {})
    for f in split_fields(fields):
        if f == "title":
            sheet.title = props.get("title", sheet.title)
        elif f == "hidden":
            sheet.hidden = bool(props.get("hidden", False))
            if all(s.hidden for s in ss.sheets):
                raise invalid(f"Invalid requests[{i}].updateSheetProperties: You can't hide all the sheets in a document.")
        elif f == "index":
            ss.sheets.remove(sheet)
            ss.sheets.insert(props.get("index", 0), sheet)
            reindex(ss)
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
    _within_limit(ss, i, "updateSheetProperties")
    return {}


def update_spreadsheet_properties(state, ss, args, i, caller):
    fields = check_fields(args, i, "updateSpreadsheetProperties")
    props = args.get("properties", {})
    for f in split_fields(fields):
        if f == "title":
            ss.title = props.get("title", ss.title)
        elif f == "locale":
            ss.locale = props.get("locale", ss.locale)
        elif f == "timeZone":
            ss.time_zone = props.get("timeZone", ss.time_zone)
    return {}


def update_dimension_properties(state, ss, args, i, caller):
    rng = args["range"]
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    if rng.get("dimension") == "COLUMNS" and "pixelSize" in args.get("properties", {}):
        for c in range(rng.get("startIndex", 0), rng.get("endIndex", sheet.cols)):
            sheet.col_meta[c] = {"pixelSize": args["properties"]["pixelSize"]}
    return {}


# --- moving rows and columns --------------------------------------------------------------

def shift(lo: int | None, hi: int | None, at: int, n: int) -> tuple[int | None, int | None] | None:
    """A [lo, hi) span after inserting (n > 0) or deleting (n < 0) |n| lines at ``at``; None if gone."""
    def move(v, is_start):
        if v is None:
            return None
        if n > 0:
            return v + n if v > at or (v == at and is_start) else v
        d_lo, d_hi = at, at - n
        return v if v <= d_lo else (d_lo if v <= d_hi else v + n)
    new_lo, new_hi = move(lo, True), move(hi, False)
    if new_lo is not None and new_hi is not None and new_lo >= new_hi:
        return None
    return new_lo, new_hi


def _shift_grid_range(rng: dict, sheet_id: int, axis: str, at: int, n: int) -> dict | None:
    if rng.get("sheetId", 0) != sheet_id:
        return rng
    lo_key, hi_key = ("startRowIndex", "endRowIndex") if axis == "ROWS" else ("startColumnIndex", "endColumnIndex")
    moved = shift(rng.get(lo_key), rng.get(hi_key), at, n)
    if moved is None:
        return None
    out = dict(rng)
    for key, v in zip((lo_key, hi_key), moved):
        if v is not None:
            out[key] = v
    return out


def _move_metadata(ss, sheet: Sheet, axis: str, at: int, n: int) -> None:
    kept = []
    for md in metadata(ss):
        dr = md.get("location", {}).get("dimensionRange")
        if not dr or dr.get("sheetId", 0) != sheet.sheet_id or dr.get("dimension") != axis:
            kept.append(md)
            continue
        moved = shift(dr.get("startIndex", 0), dr.get("endIndex"), at, n)
        if moved is None:
            continue  # its rows are gone, and it with them
        dr["startIndex"], dr["endIndex"] = moved
        kept.append(md)
    ss.developer_metadata = kept


def move_lines(ss, sheet: Sheet, axis: str, at: int, n: int, inherit: bool) -> None:
    """Insert (n > 0) or delete (n < 0) |n| rows or columns of ``sheet`` at index ``at``."""
    rows = axis == "ROWS"
    cells = {}
    for (r, c), cell in sheet.cells.items():
        v = r if rows else c
        if n < 0 and at <= v < at - n:
            continue
        v2 = v + n if v >= at else v
        cells[(v2, c) if rows else (r, v2)] = cell
    if n > 0 and inherit and at > 0:
        for (r, c), cell in sheet.cells.items():
            if (r if rows else c) == at - 1 and "userEnteredFormat" in cell:
                for k in range(n):
                    cells[(at + k, c) if rows else (r, at + k)] = {"userEnteredFormat": copy.deepcopy(cell["userEnteredFormat"])}
    sheet.cells = cells
    if rows:
        sheet.rows += n
    else:
        sheet.cols += n
        sheet.col_meta = {(c + n if c >= at else c): m for c, m in sheet.col_meta.items()
                          if not (n < 0 and at <= c < at - n)}
    sid = sheet.sheet_id
    sheet.merges = [m for m in (_shift_grid_range(m, sid, axis, at, n) for m in sheet.merges) if m]
    kept = []
    for pr in sheet.protected:
        moved = _shift_grid_range(pr["range"], sid, axis, at, n)
        if moved is not None:
            pr["range"] = moved
            kept.append(pr)
    sheet.protected = kept
    for rule in sheet.conditional:
        rule["ranges"] = [r for r in (_shift_grid_range(x, sid, axis, at, n) for x in rule["ranges"]) if r]
    _move_metadata(ss, sheet, axis, at, n)


def _dimension(state, ss, args, i, kind: str, insert: bool, caller):
    rng = args["range"]
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    axis = rng.get("dimension")
    if axis not in ("ROWS", "COLUMNS"):
        raise invalid(f"Invalid requests[{i}].{kind}: range.dimension must be ROWS or COLUMNS")
    start, end = rng["startIndex"], rng["endIndex"]
    limit = sheet.rows if axis == "ROWS" else sheet.cols
    if not insert and end > limit:
        raise invalid(f"Invalid requests[{i}].{kind}: Cannot delete {axis.lower()} beyond the grid")
    if not insert and start == 0 and end >= limit:
        raise invalid(f"Invalid requests[{i}].{kind}: You can't delete all the {axis.lower()} on the sheet.")
    check_rows(ss, sheet, start, end, caller, insert, axis)
    move_lines(ss, sheet, axis, start, (end - start) if insert else -(end - start),
               insert and bool(args.get("inheritFromBefore")))
    if insert:
        _within_limit(ss, i, kind)
    return {}


def insert_dimension(state, ss, args, i, caller):
    return _dimension(state, ss, args, i, "insertDimension", True, caller)


def delete_dimension(state, ss, args, i, caller):
    return _dimension(state, ss, args, i, "deleteDimension", False, caller)


def append_dimension(state, ss, args, i, caller):
    sheet = ss.sheet_by_id(args.get("sheetId", 0))
    n = int(args["length"])
    if args.get("dimension") == "COLUMNS":
        sheet.cols += n
    else:
        sheet.rows += n
    _within_limit(ss, i, "appendDimension")
    return {}


def add_chart(state, ss, args, i, caller):
    chart = copy.deepcopy(args["chart"])
    chart["chartId"] = new_int_id()
    anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
    ss.sheet_by_id(anchor.get("sheetId", 0)).charts.append(chart)
    return {"addChart": {"chart": chart}}


def set_basic_filter(state, ss, args, i, caller):
    flt = copy.deepcopy(args["filter"])
    ss.sheet_by_id(flt["range"].get("sheetId", 0)).basic_filter = flt
    return {}


HANDLERS = {
    "setBasicFilter": set_basic_filter,
    "addSheet": add_sheet, "deleteSheet": delete_sheet, "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateDimensionProperties": update_dimension_properties, "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension, "appendDimension": append_dimension, "addChart": add_chart,
}
