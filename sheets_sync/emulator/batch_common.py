"""Helpers the batchUpdate request modules share: grid ranges, field masks, cell merging."""
from __future__ import annotations

import copy

from .cells import formatted
from .errors import invalid
from .model import Sheet, Spreadsheet


def box(ss: Spreadsheet, grid_range: dict) -> tuple[Sheet, int, int, int, int]:
    sheet = ss.sheet_by_id(grid_range.get("sheetId", 0))
    return (sheet, grid_range.get("startRowIndex", 0), grid_range.get("startColumnIndex", 0),
            grid_range.get("endRowIndex", sheet.rows), grid_range.get("endColumnIndex", sheet.cols))


def split_fields(fields: str) -> list[str]:
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
    # 'gridProperties(rowCount,columnCount)' names gridProperties.rowCount and .columnCount
    expanded = []
    for f in out:
        if "(" in f and f.endswith(")"):
            head, _, inner = f.partition("(")
            expanded.extend(f"{head}.{sub}" for sub in split_fields(inner[:-1]))
        else:
            expanded.append(f)
    return expanded


def set_path(target: dict, source: dict, path: str) -> None:
    keys = path.split(".")
    src, dst = source, target
    for k in keys[:-1]:
        src = src.get(k, {}) if isinstance(src, dict) else {}
        dst = dst.setdefault(k, {})
    if isinstance(src, dict) and keys[-1] in src:
        dst[keys[-1]] = _copied(src[keys[-1]])
    else:
        dst.pop(keys[-1], None)


def cell_paths(fields: str) -> list[str]:
    return ["userEnteredValue", "userEnteredFormat", "note", "dataValidation"] if fields.strip() == "*" \
        else split_fields(fields)


def _copied(v):
    """deepcopy, with the common flat value ({"numberValue": 3}) copied without its machinery."""
    if isinstance(v, dict) and not any(isinstance(x, (dict, list)) for x in v.values()):
        return dict(v)
    return copy.deepcopy(v) if isinstance(v, (dict, list)) else v


def merge_cell(old: dict, new: dict, paths: list[str]) -> dict:
    """A new cell: ``old`` with ``paths`` taken from ``new``. Copy on write: only the parts a
    dotted path writes into are copied (stored cells are replaced, never changed in place),
    so a 10,000-row write does not deep-copy every cell's format."""
    cell = dict(old)
    copied = set()
    for path in paths:
        head = path.split(".", 1)[0]
        if "." in path and head not in copied:
            copied.add(head)
            if isinstance(cell.get(head), dict):
                cell[head] = copy.deepcopy(cell[head])
        set_path(cell, new, path)
    for k in [k for k, v in cell.items() if v == {} or (k == "note" and v == "")]:
        del cell[k]
    cell.pop("effectiveValue", None)
    cell.pop("formattedValue", None)
    uev = cell.get("userEnteredValue")
    if uev and "formulaValue" not in uev:
        cell["effectiveValue"] = dict(uev)
        cell["formattedValue"] = formatted(uev, cell.get("userEnteredFormat"))
    return cell


def check_fields(args: dict, i: int, kind: str) -> str:
    fields = args.get("fields")
    if not fields:
        raise invalid(f"Invalid requests[{i}].{kind}: At least one field must be updated, but 'fields' is empty.")
    return fields


def reindex(ss: Spreadsheet) -> None:
    for n, s in enumerate(ss.sheets):
        s.index = n
