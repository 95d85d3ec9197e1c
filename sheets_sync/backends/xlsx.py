"""Local .xlsx workbooks, read and patched in place without a lossy round trip.

openpyxl drops images, charts, shapes and some extensions when it saves a
workbook it loaded. A unit's decorated workbook must come back whole, so this
module edits only the ``<c>`` elements of the cells it writes (plus our own
input-message notes) inside the sheet XML parts, and copies every other part of
the package byte for byte.
"""
from __future__ import annotations

import os
import posixpath
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import WorkbookError
from ..core.grid import Cell, Grid, a1, parse_a1

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
Q = f"{{{NS}}}"
NOTE_TITLE = "ที่มาของคะแนน (sheets-sync)"
NOTE_LIMIT = 255  # Excel's limit for an input message
# CT_Worksheet child order after dataValidations (where a new one must go before).
_AFTER_DV = ("hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
             "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
             "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
             "webPublishItems", "tableParts", "extLst")
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, huge_tree=True)


@dataclass
class SheetPart:
    name: str
    part: str
    hidden: bool


def _text(el) -> str:
    # Rich text runs and plain <t>; phonetic runs (rPh) are not cell text.
    return "".join(t.text or "" for t in el.iter(f"{Q}t") if t.getparent().tag != f"{Q}rPh")


class XlsxWorkbook:
    """An .xlsx package held in memory: its parts, sheets and shared strings."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            with zipfile.ZipFile(self.path) as z:
                self.infos = z.infolist()
                self.parts = {i.filename: z.read(i.filename) for i in self.infos}
        except FileNotFoundError as e:
            raise WorkbookError(f"ไม่พบไฟล์ {path}", f"file not found: {path}") from e
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise WorkbookError(f"ไฟล์ {path} ไม่ใช่ไฟล์ Excel (.xlsx) ที่อ่านได้ หรือไฟล์เสีย",
                                f"{path} is not a readable .xlsx workbook (corrupt or another format): {e}") from e
        if "xl/workbook.xml" not in self.parts:
            raise WorkbookError(f"ไฟล์ {path} ไม่ใช่สมุดงาน Excel", f"{path} has no xl/workbook.xml: not an Excel workbook")
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()  # only these are re-serialised; the rest stay byte for byte
        self.sheets = self._sheet_parts()
        self.shared = self._shared_strings()

    # -- reading ------------------------------------------------------------------
    def _xml(self, part: str):
        if part not in self._trees:
            try:
                self._trees[part] = etree.fromstring(self.parts[part], _PARSER)
            except etree.XMLSyntaxError as e:
                raise WorkbookError(f"ส่วน {part} ของไฟล์ {self.path.name} เสีย", f"part {part} of {self.path.name} is corrupt: {e}") from e
        return self._trees[part]

    def _sheet_parts(self) -> list[SheetPart]:
        wb = self._xml("xl/workbook.xml")
        rels = etree.fromstring(self.parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        out = []
        for s in wb.iter(f"{Q}sheet"):
            t = target.get(s.get(f"{{{R_NS}}}id"), "")
            part = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
            if part in self.parts and b"<worksheet" in self.parts[part][:2000]:
                out.append(SheetPart(s.get("name"), part, s.get("state") in ("hidden", "veryHidden")))
        return out

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.parts:
            return []
        return [_text(si) for si in self._xml("xl/sharedStrings.xml").iter(f"{Q}si")]

    def sheet(self, name: str) -> SheetPart:
        for s in self.sheets:
            if s.name == name:
                return s
        raise WorkbookError(f"ไม่พบแผ่นงาน {name}", f"no sheet named {name}")

    def has_sheet(self, name: str) -> bool:
        return any(s.name == name for s in self.sheets)

    def grid(self, name: str) -> Grid:
        root = self._xml(self.sheet(name).part)
        g = Grid(name)
        for row in root.iter(f"{Q}row"):
            r = int(row.get("r")) if row.get("r") else None
            col = 0
            for c in row.iter(f"{Q}c"):
                if c.get("r"):
                    rr, col = parse_a1(c.get("r"))
                else:
                    rr, col = r, col + 1
                value = self._value(c)
                if value is not None and value != "":
                    g.values[(rr, col)] = value
                f = c.find(f"{Q}f")
                if f is not None:
                    g.formulas[(rr, col)] = "=" + (f.text or "")
        return g

    def _value(self, c):
        t = c.get("t", "n")
        if t == "inlineStr":
            is_ = c.find(f"{Q}is")
            return _text(is_) if is_ is not None else None
        v = c.find(f"{Q}v")
        if v is None or v.text is None:
            return None
        if t == "s":
            return self.shared[int(v.text)]
        if t in ("str", "e"):
            return v.text
        if t == "b":
            return v.text == "1"
        try:
            n = float(v.text)
        except ValueError:
            return v.text
        return int(n) if n.is_integer() and "." not in v.text and "E" not in v.text.upper() else n

    # -- writing ------------------------------------------------------------------
    def set_cells(self, name: str, updates: dict[Cell, object]) -> int:
        """Write values into existing or new ``<c>`` elements; returns formulas dropped."""
        part = self.sheet(name).part
        root = self._xml(part)
        self._dirty.add(part)
        sheet_data = root.find(f"{Q}sheetData")
        rows = {int(r.get("r")): r for r in sheet_data.findall(f"{Q}row") if r.get("r")}
        col_styles = self._col_styles(root)
        dropped = 0
        for (r, c), value in sorted(updates.items()):
            row = rows[r] if r in rows else self._new_row(sheet_data, rows, r)
            cell = self._find_or_make_cell(row, r, c, col_styles)
            dropped += _put(cell, value)
        self._fix_dimension(root, updates)
        return dropped

    @staticmethod
    def _col_styles(root) -> list[tuple[int, int, str]]:
        return [(int(col.get("min")), int(col.get("max")), col.get("style"))
                for col in root.iter(f"{Q}col") if col.get("style")]

    @staticmethod
    def _new_row(sheet_data, rows: dict, r: int):
        new = etree.Element(f"{Q}row", r=str(r))
        later = [k for k in rows if k > r]
        if later:
            rows[min(later)].addprevious(new)
        else:
            sheet_data.append(new)
        rows[r] = new
        return new

    @staticmethod
    def _find_or_make_cell(row, r: int, c: int, col_styles):
        ref = a1(r, c)
        before = None
        for i, cell in enumerate(row.findall(f"{Q}c")):
            if not cell.get("r"):
                cell.set("r", a1(r, i + 1))
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

    def _fix_dimension(self, root, updates):
        dim = root.find(f"{Q}dimension")
        if dim is None or not updates:
            return
        ref = dim.get("ref", "A1")
        parts = [parse_a1(p) for p in ref.split(":")] if ref else [(1, 1)]
        rows = [p[0] for p in parts] + [r for r, _ in updates]
        cols = [p[1] for p in parts] + [c for _, c in updates]
        new = f"{a1(min(rows), min(cols))}:{a1(max(rows), max(cols))}"
        if new != ref and not (len(parts) == 1 and ref == new.split(":")[0]):
            dim.set("ref", new)

    def replace_sheet(self, name: str, rows: list[list], protect: bool = True) -> None:
        """Give sheet ``name`` exactly these values (adding the sheet if missing), protected
        so people read it rather than edit it. Other parts stay as they were."""
        if not self.has_sheet(name):
            self._add_sheet_part(name)
        part = self.sheet(name).part
        root = self._xml(part)
        self._dirty.add(part)
        data = root.find(f"{Q}sheetData")
        for row in list(data):
            data.remove(row)
        self.set_cells(name, {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1)
                              if v is not None and v != ""})
        if protect and root.find(f"{Q}sheetProtection") is None:
            data.addnext(etree.Element(f"{Q}sheetProtection", sheet="1", objects="1", scenarios="1"))

    def _add_sheet_part(self, name: str) -> None:
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in self.parts:
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        self.parts[part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                            f'<worksheet xmlns="{NS}" xmlns:r="{R_NS}"><sheetData/></worksheet>').encode()
        self.infos.append(zipfile.ZipInfo(part, date_time=(2024, 1, 1, 0, 0, 0)))
        self.infos[-1].compress_type = zipfile.ZIP_DEFLATED
        rels_part = "xl/_rels/workbook.xml.rels"
        rels = etree.fromstring(self.parts[rels_part])
        ids = {r.get("Id") for r in rels}
        rid = next(f"rId{i}" for i in range(1, 10_000) if f"rId{i}" not in ids)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Target=f"worksheets/sheet{n}.xml",
                         Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")
        self.parts[rels_part] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        ct = etree.fromstring(self.parts["[Content_Types].xml"])
        etree.SubElement(ct, "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
                         PartName=f"/{part}",
                         ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
        self.parts["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
        wb = self._xml("xl/workbook.xml")
        self._dirty.add("xl/workbook.xml")
        sheets = wb.find(f"{Q}sheets")
        sid = max((int(s.get("sheetId")) for s in sheets), default=0) + 1
        etree.SubElement(sheets, f"{Q}sheet", name=name, sheetId=str(sid)).set(f"{{{R_NS}}}id", rid)
        self.sheets.append(SheetPart(name, part, False))

    def set_notes(self, name: str, notes: dict[Cell, str]) -> None:
        """Replace our score-trace notes: data-validation input messages shown when
        the cell is selected. They live in the sheet part itself, so no comments or
        VML parts are touched."""
        part = self.sheet(name).part
        root = self._xml(part)
        self._dirty.add(part)
        dvs = root.find(f"{Q}dataValidations")
        if dvs is not None:
            for dv in dvs.findall(f"{Q}dataValidation"):
                if dv.get("promptTitle") == NOTE_TITLE:
                    dvs.remove(dv)
        if notes:
            if dvs is None:
                dvs = etree.Element(f"{Q}dataValidations")
                anchor = next((root.find(f"{Q}{t}") for t in _AFTER_DV if root.find(f"{Q}{t}") is not None), None)
                if anchor is not None:
                    anchor.addprevious(dvs)
                else:
                    root.append(dvs)
            for cell, text in sorted(notes.items()):
                etree.SubElement(dvs, f"{Q}dataValidation", allowBlank="1", showInputMessage="1",
                                 promptTitle=NOTE_TITLE, prompt=text[:NOTE_LIMIT], sqref=a1(*cell))
        if dvs is not None:
            if len(dvs):
                dvs.set("count", str(len(dvs)))
            else:
                root.remove(dvs)

    def notes(self, name: str) -> dict[Cell, str]:
        root = self._xml(self.sheet(name).part)
        return {parse_a1(dv.get("sqref")): dv.get("prompt", "")
                for dv in root.iter(f"{Q}dataValidation") if dv.get("promptTitle") == NOTE_TITLE}

    def save(self, path: str | Path | None = None, drop_calc_chain: bool = False) -> None:
        """Write atomically: a crash mid-write leaves the old file as it was."""
        path = Path(path or self.path)
        for part in self._dirty:
            self.parts[part] = etree.tostring(self._trees[part], xml_declaration=True, encoding="UTF-8",
                                              standalone=True)
        if drop_calc_chain:
            self._drop_calc_chain()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as z:
                for info in self.infos:
                    if info.filename in self.parts:
                        z.writestr(info, self.parts[info.filename])
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _drop_calc_chain(self) -> None:
        # A formula we replaced by a value must leave Excel's calculation chain too;
        # without the part Excel simply rebuilds it.
        if "xl/calcChain.xml" not in self.parts:
            return
        del self.parts["xl/calcChain.xml"]
        for part, needle in (("xl/_rels/workbook.xml.rels", b"calcChain"), ("[Content_Types].xml", b"calcChain")):
            if part in self.parts:
                root = etree.fromstring(self.parts[part])
                for el in list(root):
                    if needle in etree.tostring(el):
                        root.remove(el)
                self.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _put(cell, value) -> int:
    """Set one cell's value, keeping its style; returns 1 if a formula was removed."""
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
        etree.SubElement(cell, f"{Q}v").text = repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    else:
        # Inline strings keep sharedStrings.xml untouched.
        cell.set("t", "inlineStr")
        is_ = etree.SubElement(cell, f"{Q}is")
        t = etree.SubElement(is_, f"{Q}t")
        t.text = str(value)
        if t.text != t.text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return dropped
