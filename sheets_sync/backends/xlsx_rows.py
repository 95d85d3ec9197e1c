"""Inserting and deleting rows inside an .xlsx package without a lossy round trip.

Shifts everything that names a row of the sheet: cells, merges, data validations,
conditional formats (ranges and their relative formulas), hyperlinks, the
dimension, drawing anchors, legacy comments and their VML shapes, and defined
names. Cell formulas are not rewritten: a sheet holding formulas is refused by
the caller rather than silently broken.
"""
from __future__ import annotations

import posixpath
import re

from lxml import etree

from ..core.errors import WorkbookError
from ..core.grid import a1, parse_a1
from .xlsx import XlsxWorkbook
from .xlsx_package import PKG_REL, Q, parse_xml

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


def shift_row(r: int, at: int, n: int) -> int | None:
    """New row of row ``r`` when ``n`` rows are inserted (n > 0) or deleted (n < 0) at ``at``."""
    if r < at:
        return r
    if n < 0 and r < at - n:
        return None  # deleted
    return r + n


def shift_ref(ref: str, at: int, n: int) -> str | None:
    """Shift an A1 cell or range; a range loses its deleted rows, None when nothing is left."""
    parts = ref.split(":")
    (r0, c0) = parse_a1(parts[0])
    (r1, c1) = parse_a1(parts[-1])
    if n < 0:
        lo, hi = at, at - n - 1
        if lo <= r0 and r1 <= hi:
            return None
        nr0 = r0 if r0 < lo else (lo if r0 <= hi else r0 + n)
        nr1 = r1 if r1 < lo else (lo - 1 if r1 <= hi else r1 + n)
    else:
        nr0 = r0 if r0 < at else r0 + n
        nr1 = r1 if r1 < at else r1 + n
    if len(parts) == 1:
        return a1(nr0, c0)
    return f"{a1(nr0, c0)}:{a1(nr1, c1)}"


def _shift_sqref(sqref: str, at: int, n: int) -> str:
    return " ".join(x for x in (shift_ref(p, at, n) for p in sqref.split()) if x)


def _shift_formula_rows(formula: str, by: int) -> str:
    """Move relative row references of a conditional-format formula (relative to its range)."""
    return _REF.sub(lambda m: m.group(0) if m.group(3) else f"{m.group(1)}{m.group(2)}{int(m.group(4)) + by}",
                    formula)


def _rels(wb: XlsxWorkbook, part: str) -> dict[str, str]:
    rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_part not in wb.parts:
        return {}
    root = parse_xml(wb.parts[rels_part], rels_part, wb.path)
    out = {}
    for rel in root.findall(f"{{{PKG_REL}}}Relationship"):
        target = rel.get("Target")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
    return out


def move_rows(wb: XlsxWorkbook, sheet: str, at: int, n: int, style_from: int | None = None) -> None:
    """Insert ``n`` empty rows before row ``at`` (styled like row ``style_from``), or delete
    ``-n`` rows starting at ``at``."""
    part = wb.sheet(sheet).part
    wb._index(part, sheet)  # every row and cell carries its r from here on
    root = wb._xml(part)
    wb._dirty.add(part)
    data = root.find(f"{Q}sheetData")
    if any(c.find(f"{Q}f") is not None for c in data.iter(f"{Q}c")):
        raise WorkbookError(f"แผ่นงาน {sheet} มีสูตร sheets-sync จะไม่ย้ายแถวที่มีสูตร",
                            f"sheet {sheet} holds formulas; sheets-sync will not move rows under them")
    template_row = None
    for row in list(data.findall(f"{Q}row")):
        r = int(row.get("r"))
        if r == style_from:
            template_row = etree.fromstring(etree.tostring(row))
        new = shift_row(r, at, n)
        if new is None:
            data.remove(row)
            continue
        if new != r:
            row.set("r", str(new))
            for c in row.findall(f"{Q}c"):
                _, col = parse_a1(c.get("r"))
                c.set("r", a1(new, col))
    if n > 0:
        later = [row for row in data.findall(f"{Q}row") if int(row.get("r")) >= at + n]
        for i in range(n):
            new = etree.Element(f"{Q}row", r=str(at + i))
            if template_row is not None:
                for k in ("s", "customFormat", "ht", "customHeight"):
                    if template_row.get(k):
                        new.set(k, template_row.get(k))
                for c in template_row.findall(f"{Q}c"):
                    cell = etree.SubElement(new, f"{Q}c", r=a1(at + i, parse_a1(c.get("r"))[1]))
                    if c.get("s"):
                        cell.set("s", c.get("s"))
            if later:
                later[0].addprevious(new)
            else:
                data.append(new)
    for mc in root.iter(f"{Q}mergeCell"):
        ref = shift_ref(mc.get("ref"), at, n)
        if ref is None or ":" not in ref or ref.split(":")[0] == ref.split(":")[1]:
            mc.getparent().remove(mc)
        else:
            mc.set("ref", ref)
    merges = root.find(f"{Q}mergeCells")
    if merges is not None:
        if len(merges):
            merges.set("count", str(len(merges)))
        else:
            root.remove(merges)
    for tag in ("dataValidation", "conditionalFormatting", "hyperlink", "selection"):
        for el in list(root.iter(f"{Q}{tag}")):
            attr = "ref" if tag == "hyperlink" else "sqref"
            if not el.get(attr):
                continue
            old_first = parse_a1(el.get(attr).split()[0].split(":")[0])[0]
            new = _shift_sqref(el.get(attr), at, n)
            if not new:
                el.getparent().remove(el)
                continue
            el.set(attr, new)
            moved = parse_a1(new.split()[0].split(":")[0])[0] - old_first
            if tag == "conditionalFormatting" and moved:
                for f in el.iter(f"{Q}formula"):
                    f.text = _shift_formula_rows(f.text or "", moved)
            if tag == "dataValidation" and moved:
                for f in list(el.iter(f"{Q}formula1")) + list(el.iter(f"{Q}formula2")):
                    f.text = _shift_formula_rows(f.text or "", moved)
    dim = root.find(f"{Q}dimension")
    if dim is not None and dim.get("ref"):
        ref = shift_ref(dim.get("ref"), at, n) if n < 0 else dim.get("ref")
        if n > 0 and ":" in ref:
            lo, hi = ref.split(":")
            r1, c1 = parse_a1(hi)
            ref = f"{lo}:{a1(r1 + n, c1)}"
        if ref:
            dim.set("ref", ref)
    _shift_related(wb, part, at, n)
    _shift_defined_names(wb, sheet, at, n)


def _shift_related(wb: XlsxWorkbook, part: str, at: int, n: int) -> None:
    for target in _rels(wb, part).values():
        if target not in wb.parts:
            continue
        if "/drawings/" in target and target.endswith(".xml"):
            root = wb._xml(target)
            for anchor in root:
                for tag in ("from", "to"):
                    row = anchor.find(f"{{{XDR}}}{tag}/{{{XDR}}}row")
                    if row is not None:
                        r = int(row.text) + 1
                        new = shift_row(r, at, n)
                        row.text = str((new if new is not None else at) - 1)
            wb._dirty.add(target)
        elif "/comments" in target and target.endswith(".xml"):
            root = wb._xml(target)
            for c in list(root.iter(f"{Q}comment")):
                new = shift_ref(c.get("ref"), at, n)
                if new is None:
                    c.getparent().remove(c)
                else:
                    c.set("ref", new)
            wb._dirty.add(target)
        elif target.endswith(".vml"):
            text = wb.parts[target].decode("utf-8", "replace")

            def fix(m):
                new = shift_row(int(m.group(2)) + 1, at, n)
                return f"{m.group(1)}{(new if new is not None else at) - 1}{m.group(3)}"
            wb.parts[target] = re.sub(r"(<x:Row>)(\d+)(</x:Row>)", fix, text).encode("utf-8")


def _shift_defined_names(wb: XlsxWorkbook, sheet: str, at: int, n: int) -> None:
    root = wb._xml("xl/workbook.xml")
    quoted = re.escape(f"'{sheet}'") + "|" + re.escape(sheet)
    pattern = re.compile(rf"((?:{quoted})!)(\$?[A-Z]{{1,3}}\$?\d+(?::\$?[A-Z]{{1,3}}\$?\d+)?)")
    changed = False
    for dn in root.iter(f"{Q}definedName"):
        text = dn.text or ""

        def fix(m):
            plain = m.group(2).replace("$", "")
            new = shift_ref(plain, at, n)
            if new is None:
                return m.group(0)
            cells = new.split(":")
            return m.group(1) + ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", c) for c in cells)
        new_text = pattern.sub(fix, text)
        if new_text != text:
            dn.text = new_text
            changed = True
    if changed:
        wb._dirty.add("xl/workbook.xml")
