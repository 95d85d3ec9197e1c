"""Values written into a worksheet part's ``<c>`` elements: a cell keeps its style (or
takes its row's or column's), a shared formula group is unshared before one of its cells
is overwritten, strings go inline (sharedStrings.xml stays untouched) and the
dimension grows to cover what was written."""
from __future__ import annotations

import bisect
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
    rows = {int(r.get("r")): r for r in sheet_data.iterchildren(f"{Q}row")}
    order = sorted(rows)     # existing row numbers: a new row goes before the next one (bisect)
    col_styles = _col_styles(root)
    dropped = 0
    cells_of: dict[int, dict[int, object]] = {}    # row -> column -> <c>, built once per row
    fresh: set[int] = set()                         # rows we made: their cells are appended in order
    last = order[-1] if order else 0
    ordered = sorted(updates.items())
    tail = [kv for kv in ordered if kv[0][0] > last]
    if len(tail) > 64:      # rows added after the last one (a history sheet growing): built as text
        _append_rows(sheet_data, tail, col_styles, name, book)
        ordered = ordered[:len(ordered) - len(tail)]
    for (r, c), value in ordered:
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise bad(book, f"เขียนเซลล์นอกแผ่นงานไม่ได้ ({r}, {c})", f"cannot write outside the sheet: row {r}, column {c}")
        row = rows.get(r)
        if row is None:
            row = _new_row(sheet_data, rows, order, r)
            fresh.add(r)
            cells_of[r] = {}
        elif r not in cells_of:
            cell = _at_position(row, r, c)
            if cell is not None:     # where a sheet with every cell present has it: no row scan
                dropped += _write_existing(root, cell, value, name, book)
                continue
            cells_of[r] = {parse_a1(cell.get("r"))[1]: cell for cell in row.iterchildren(f"{Q}c")}
        cell = cells_of[r].get(c)
        if cell is None:
            if r in fresh:      # columns come sorted: the new cell goes last
                cell = etree.SubElement(row, f"{Q}c", r=a1(r, c))
                style = _style_for(row, c, col_styles)
                if style:
                    cell.set("s", style)
            else:
                cell = _make_cell(row, r, c, cells_of[r], col_styles)
            cells_of[r][c] = cell
        else:
            dropped += _write_existing(root, cell, value, name, book)
            continue
        dropped += put_value(cell, value, name, book)
    _fix_dimension(root, updates)
    return dropped


def _append_rows(sheet_data, cells: list[tuple[Cell, object]], col_styles, name: str, book) -> None:
    """New rows after the last one, each holding its cells: the same elements put_value
    makes in new cells, written as XML text and parsed once."""
    out, row = [], None
    for (r, c), value in cells:
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise bad(book, f"เขียนเซลล์นอกแผ่นงานไม่ได้ ({r}, {c})", f"cannot write outside the sheet: row {r}, column {c}")
        if r != row:
            out.append(f'</row><row r="{r}">' if row is not None else f'<row r="{r}">')
            row = r
        style = None
        for lo, hi, st in col_styles:
            if lo <= c <= hi:
                style = st
        head = f'<c r="{a1(r, c)}"' + (f' s="{style}"' if style else "")
        out.append(head + _cell_body(value, a1(r, c), name, book))
    out.append("</row>")
    frag = etree.fromstring(f'<sheetData xmlns="{Q[1:-1]}">{"".join(out)}</sheetData>')
    sheet_data.extend(list(frag))


def _cell_body(value, ref: str, name: str, book) -> str:
    """The rest of a new ``<c>`` holding ``value``, as put_value writes it."""
    if type(value) is str and value:
        # the usual text first; one a printable check clears holds no character XML refuses
        text = value if value.isprintable() else _ILLEGAL_XML.sub("\ufffd", value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f' t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    if isinstance(value, float) and not math.isfinite(value) or (
            isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300):
        cell = etree.Element(f"{Q}c", r=ref)
        put_value(cell, value, name, book)     # raises the message a person reads
    if value is None or value == "":
        return "/>"
    if isinstance(value, bool):
        return f' t="b"><v>{"1" if value else "0"}</v></c>'
    if isinstance(value, (int, float)):
        x = float(value)
        return f"><v>{repr(x).removesuffix('.0') if x.is_integer() else repr(x)}</v></c>"
    text = _ILLEGAL_XML.sub("\ufffd", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _at_position(row, r: int, c: int):
    """The ``<c>`` of column ``c`` when it sits at position c - 1 of its row, else None."""
    if len(row) < c:
        return None
    cell = row[c - 1]
    return cell if cell.tag == f"{Q}c" and cell.get("r") == a1(r, c) else None


def _write_existing(root, cell, value, name: str, book) -> int:
    f = cell.find(f"{Q}f")
    if f is not None and f.get("t") == "shared" and f.get("si") is not None:
        _unshare(root, f.get("si"))
    return put_value(cell, value, name, book)


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


def _new_row(sheet_data, rows: dict, order: list[int], r: int):
    new = etree.Element(f"{Q}row", r=str(r))
    i = bisect.bisect_right(order, r)
    if i < len(order):
        rows[order[i]].addprevious(new)
    else:
        sheet_data.append(new)
    rows[r] = new
    order.insert(i, r)
    return new


def _style_for(row, c: int, col_styles) -> str | None:
    """A new cell's style: its column's, else its row's (when the row sets one)."""
    style = row.get("s") if row.get("customFormat") in ("1", "true") else None
    for lo, hi, s in col_styles:
        if lo <= c <= hi:
            style = s
    return style


def _make_cell(row, r: int, c: int, existing: dict[int, object], col_styles):
    """A new ``<c>`` in an existing row, before the first cell right of it."""
    new = etree.Element(f"{Q}c", r=a1(r, c))
    style = _style_for(row, c, col_styles)
    if style:
        new.set("s", style)
    later = [k for k in existing if k > c]
    if later:
        existing[min(later)].addprevious(new)
    else:
        row.append(new)
    row.attrib.pop("spans", None)  # an optional hint; wrong once cells are added
    return new


def _fix_dimension(root, updates):
    dim = root.find(f"{Q}dimension")
    if dim is None or not updates:
        return
    ref = dimension_ref(dim.get("ref", "A1"), updates)
    if ref is not None:
        dim.set("ref", ref)


def dimension_ref(ref: str, updates) -> str | None:
    """The dimension's new ``ref`` once ``updates`` are written, or None when it stays."""
    if not updates:
        return None
    try:
        parts = [parse_a1(p) for p in ref.split(":")] if ref else [(1, 1)]
    except ValueError:
        ref, parts = "", [(1, 1)]
    rows = [p[0] for p in parts] + [r for r, _ in updates]
    cols = [p[1] for p in parts] + [c for _, c in updates]
    new = f"{a1(min(rows), min(cols))}:{a1(max(rows), max(cols))}"
    if new != ref and not (len(parts) == 1 and ref == new.split(":")[0]):
        return new
    return None


def put_value(cell, value, sheet: str = "", book: str | Path = "") -> int:
    """Set one cell's value, keeping its style; returns 1 if a formula was removed."""
    if isinstance(value, float) and not math.isfinite(value):
        raise WorkbookError(f"ไฟล์ {book} แผ่นงาน {sheet} เซลล์ {cell.get('r')}: ค่าที่คำนวณได้ ({value}) "
                            f"ไม่ใช่ตัวเลขที่ Excel เก็บได้ (ตรวจน้ำหนัก/เกณฑ์ที่ใหญ่เกินไป) ไม่ได้เขียนอะไร",
                            f"{book}: sheet {sheet} cell {cell.get('r')}: the computed value {value} is not a "
                            f"number Excel can hold (check for huge weights or criteria); nothing was written")
    if _in_place(cell, value):
        return 0
    dropped = 0
    if len(cell):
        for child in list(cell):
            if child.tag == f"{Q}f":
                dropped = 1
            cell.remove(child)
    if cell.get("t") is not None:
        del cell.attrib["t"]
    if value is None or value == "":
        return dropped
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, f"{Q}v").text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) > 1e300:
            raise WorkbookError(f"ไฟล์ {book} แผ่นงาน {sheet} เซลล์ {cell.get('r')}: ตัวเลขใหญ่เกินกว่าที่ Excel เก็บได้",
                                f"{book}: sheet {sheet} cell {cell.get('r')}: the number is too large for Excel")
        x = float(value)
        etree.SubElement(cell, f"{Q}v").text = repr(x).removesuffix(".0") if x.is_integer() else repr(x)
    else:
        # Inline strings keep sharedStrings.xml untouched.
        cell.set("t", "inlineStr")
        is_ = etree.SubElement(cell, f"{Q}is")
        t = etree.SubElement(is_, f"{Q}t")
        t.text = _ILLEGAL_XML.sub("\ufffd", str(value))
        if t.text != t.text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return dropped


def _in_place(cell, value) -> bool:
    """Put a number into a plain ``<c><v>`` cell, or a text into a plain inline-string
    cell, by changing the text only: the same XML put_value builds, without rebuilding it."""
    if len(cell) != 1:
        return False
    child = cell[0]
    t = cell.get("t")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if t is not None or child.tag != f"{Q}v" or (isinstance(value, int) and abs(value) > 1e300):
            return False
        x = float(value)
        child.text = repr(x).removesuffix(".0") if x.is_integer() else repr(x)
        return True
    if isinstance(value, str) and value and t == "inlineStr" and child.tag == f"{Q}is" and len(child) == 1:
        text = _ILLEGAL_XML.sub("\ufffd", value)
        node = child[0]
        if node.tag != f"{Q}t" or node.attrib or text != text.strip():
            return False
        node.text = text
        return True
    return False


def grow_rows(root, heights: dict[int, float]) -> None:
    """Set these rows' heights (points), creating empty rows where needed."""
    sheet_data = root.find(f"{Q}sheetData")
    rows = {int(r.get("r")): r for r in sheet_data.findall(f"{Q}row")}
    for r, h in sorted(heights.items()):
        row = rows[r] if r in rows else _new_row(sheet_data, rows, r)
        row.set("ht", f"{h:g}")
        row.set("customHeight", "1")
