"""Values written into a worksheet part's ``<c>`` elements: a cell keeps its style (or
takes its row's or column's), a shared formula group is unshared before one of its cells
is overwritten, strings go inline (sharedStrings.xml stays untouched) and the
dimension grows to cover what was written."""
from __future__ import annotations

import math
import re
from pathlib import Path

from lxml import etree

from ..core.errors import WorkbookError
from ..core.grid import Cell, a1, parse_a1
from .xlsx_grid import MAX_COL, MAX_ROW, shared_formula_at
from .xlsx_package import Q, bad

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_cells(root, updates: dict[Cell, object], name: str, part: str, book: str | Path) -> int:
    """Write values into existing or new ``<c>`` elements of the numbered sheet part
    ``root``; returns how many formulas were dropped."""
    sheet_data = root.find(f"{Q}sheetData")
    if sheet_data is None:
        raise bad(book, f"แผ่นงาน {name} (ส่วน {part}) ไม่มี sheetData", f"sheet {name} (part {part}) has no sheetData")
    rows = {int(r.get("r")): r for r in sheet_data.findall(f"{Q}row")}
    col_styles = _col_styles(root)
    dropped = 0
    cells_of: dict[int, dict[int, object]] = {}    # row -> column -> <c>, built once per row
    for (r, c), value in sorted(updates.items()):
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise bad(book, f"เขียนเซลล์นอกแผ่นงานไม่ได้ ({r}, {c})", f"cannot write outside the sheet: row {r}, column {c}")
        row = rows[r] if r in rows else _new_row(sheet_data, rows, r)
        if r not in cells_of:
            cells_of[r] = {parse_a1(cell.get("r"))[1]: cell for cell in row.findall(f"{Q}c")}
        cell = cells_of[r].get(c)
        if cell is None:
            cell = cells_of[r][c] = _find_or_make_cell(row, r, c, col_styles)
        f = cell.find(f"{Q}f")
        if f is not None and f.get("t") == "shared" and f.get("si") is not None:
            _unshare(root, f.get("si"))
        dropped += put_value(cell, value, name, book)
    _fix_dimension(root, updates)
    return dropped


def _unshare(root, si: str) -> None:
    """Turn a shared formula group into plain formulas, one per cell, before one of
    its cells is overwritten: a dependent left without its master points at nothing
    (Excel offers to repair the file)."""
    master = None
    for f in root.iter(f"{Q}f"):
        if f.get("t") == "shared" and f.get("si") == si:
            cell = f.getparent()
            if master is None and f.text:
                master = (f.text, cell.get("r"))
            text = f.text
            if not text and master is not None:
                text = shared_formula_at(*master, cell.get("r"))[1:]
            for k in ("t", "si", "ref"):
                f.attrib.pop(k, None)
            f.text = text


def _col_styles(root) -> list[tuple[int, int, str]]:
    return [(int(col.get("min")), int(col.get("max")), col.get("style"))
            for col in root.iter(f"{Q}col") if col.get("style")]


def _new_row(sheet_data, rows: dict, r: int):
    new = etree.Element(f"{Q}row", r=str(r))
    later = [k for k in rows if k > r]
    if later:
        rows[min(later)].addprevious(new)
    else:
        sheet_data.append(new)
    rows[r] = new
    return new


def _find_or_make_cell(row, r: int, c: int, col_styles):
    ref = a1(r, c)
    before = None
    for cell in row.findall(f"{Q}c"):
        rc = parse_a1(cell.get("r"))[1]
        if rc == c:
            return cell
        if rc > c and before is None:
            before = cell
    new = etree.Element(f"{Q}c", r=ref)
    style = row.get("s") if row.get("customFormat") == "1" else None
    for lo, hi, s in col_styles:
        if lo <= c <= hi:
            style = s
    if style:
        new.set("s", style)
    if before is not None:
        before.addprevious(new)
    else:
        row.append(new)
    row.attrib.pop("spans", None)  # an optional hint; wrong once cells are added
    return new


def _fix_dimension(root, updates):
    dim = root.find(f"{Q}dimension")
    if dim is None or not updates:
        return
    ref = dim.get("ref", "A1")
    try:
        parts = [parse_a1(p) for p in ref.split(":")] if ref else [(1, 1)]
    except ValueError:
        ref, parts = "", [(1, 1)]
    rows = [p[0] for p in parts] + [r for r, _ in updates]
    cols = [p[1] for p in parts] + [c for _, c in updates]
    new = f"{a1(min(rows), min(cols))}:{a1(max(rows), max(cols))}"
    if new != ref and not (len(parts) == 1 and ref == new.split(":")[0]):
        dim.set("ref", new)


def put_value(cell, value, sheet: str = "", book: str | Path = "") -> int:
    """Set one cell's value, keeping its style; returns 1 if a formula was removed."""
    if isinstance(value, float) and not math.isfinite(value):
        raise WorkbookError(f"ไฟล์ {book} แผ่นงาน {sheet} เซลล์ {cell.get('r')}: ค่าที่คำนวณได้ ({value}) "
                            f"ไม่ใช่ตัวเลขที่ Excel เก็บได้ (ตรวจน้ำหนัก/เกณฑ์ที่ใหญ่เกินไป) ไม่ได้เขียนอะไร",
                            f"{book}: sheet {sheet} cell {cell.get('r')}: the computed value {value} is not a "
                            f"number Excel can hold (check for huge weights or criteria); nothing was written")
    dropped = 0
    for child in list(cell):
        if child.tag == f"{Q}f":
            dropped = 1
        cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None or value == "":
        return dropped
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, f"{Q}v").text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) > 1e300:
            raise WorkbookError(f"ไฟล์ {book} แผ่นงาน {sheet} เซลล์ {cell.get('r')}: ตัวเลขใหญ่เกินกว่าที่ Excel เก็บได้",
                                f"{book}: sheet {sheet} cell {cell.get('r')}: the number is too large for Excel")
        etree.SubElement(cell, f"{Q}v").text = repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    else:
        # Inline strings keep sharedStrings.xml untouched.
        cell.set("t", "inlineStr")
        is_ = etree.SubElement(cell, f"{Q}is")
        t = etree.SubElement(is_, f"{Q}t")
        t.text = _ILLEGAL_XML.sub("\ufffd", str(value))
        if t.text != t.text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return dropped


def grow_rows(root, heights: dict[int, float]) -> None:
    """Set these rows' heights (points), creating empty rows where needed."""
    sheet_data = root.find(f"{Q}sheetData")
    rows = {int(r.get("r")): r for r in sheet_data.findall(f"{Q}row")}
    for r, h in sorted(heights.items()):
        row = rows[r] if r in rows else _new_row(sheet_data, rows, r)
        row.set("ht", f"{h:g}")
        row.set("customHeight", "1")
