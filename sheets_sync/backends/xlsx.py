"""Local .xlsx workbooks, read and patched in place without a lossy round trip.

openpyxl drops images, charts, shapes and some extensions when it saves a
workbook it loaded. A unit's decorated workbook must come back whole, so this
module edits only the ``<c>`` elements of the cells it writes (plus our own
input-message notes) inside the sheet XML parts, and copies every other part of
the package byte for byte.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import WorkbookError
from ..core.grid import Cell, Grid, a1, parse_a1
from .files import Fingerprint, WorkbookChanged, clean_stale_temps, read_stable, refuse_if_open, write_atomic

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
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=True)
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
WORKSHEET_REL = "/worksheet"

# Limits checked against the zip's directory before anything is inflated (a zip bomb is
# refused at once). A unit's scorecard is well under 1 MiB; these leave a wide margin.
MAX_FILE_BYTES = 200 * 2**20    # the .xlsx on disk
MAX_PART_BYTES = 64 * 2**20     # one part, inflated (lxml needs several times this to parse it)
MAX_TOTAL_BYTES = 256 * 2**20   # all parts, inflated
MAX_PARTS = 10_000
MAX_ROW, MAX_COL = 1_048_576, 16_384
# Built-in number formats that show a date or time (openpyxl's, plus the East Asian and
# Thai locale ids Excel assigns: 27-36, 50-58, 71-81).
DATE_FORMAT_IDS = frozenset(list(range(14, 23)) + list(range(27, 37)) + list(range(45, 48)) +
                            list(range(50, 59)) + list(range(71, 82)))
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def parse_xml(data: bytes, part: str, book: str | Path):
    """One XML part, parsed without resolving entities or reading a DTD; a part with a
    DTD at all (entity bombs, external entities) is refused: no OOXML part has one."""
    head = bytes(data[:8192])
    if any(m in head for m in (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))):
        raise _dtd(part, book)
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as e:
        raise WorkbookError(f"ส่วน {part} ของไฟล์ {book} เสีย (XML ไม่ถูกต้อง)",
                            f"part {part} of {book} is corrupt (not well-formed XML): {e}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd(part, book)
    return root


def _dtd(part: str, book) -> WorkbookError:
    return WorkbookError(f"ส่วน {part} ของไฟล์ {book} มีการประกาศ DTD/entity ซึ่งไฟล์ Excel ไม่มี "
                         f"(อาจเป็นไฟล์อันตราย) ไม่อ่านต่อ",
                         f"part {part} of {book} declares a DTD/entities, which no Excel file does "
                         f"(possibly a hostile file); refusing to read it")


def _to_xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class SheetPart:
    name: str
    part: str
    hidden: bool


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _text(el) -> str:
    # Rich text runs and plain <t>; phonetic runs (rPh) are not cell text.
    return "".join(t.text or "" for t in el.iter(f"{Q}t") if t.getparent().tag != f"{Q}rPh")


class XlsxWorkbook:
    """An .xlsx package held in memory: its parts, sheets and shared strings."""

    def __init__(self, path: str | Path, force: bool = False):
        self.path = Path(path)
        self.force = force  # write even when a lock file says the workbook is open
        clean_stale_temps(self.path)
        try:
            data, self.fingerprint = read_stable(self.path, MAX_FILE_BYTES)
        except FileNotFoundError:
            raise WorkbookError(f"ไม่พบไฟล์ {path}", f"file not found: {path}") from None
        except IsADirectoryError:
            raise WorkbookError(f"{path} เป็นโฟลเดอร์ ไม่ใช่ไฟล์ .xlsx", f"{path} is a folder, not an .xlsx file") from None
        except PermissionError:
            raise WorkbookError(f"ไม่มีสิทธิ์อ่านไฟล์ {path}", f"no permission to read {path}") from None
        except OSError as e:
            raise WorkbookError(f"อ่านไฟล์ {path} ไม่ได้: {e.strerror}", f"cannot read {path}: {e.strerror}") from None
        self.infos, self.parts, self.comment = self._unzip(data)
        for required in ("xl/workbook.xml", "[Content_Types].xml"):
            if required not in self.parts:
                raise WorkbookError(f"ไฟล์ {path} ไม่ใช่สมุดงาน Excel (ไม่มีส่วน {required})",
                                    f"{path} has no {required}: not an Excel workbook")
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()  # only these are re-serialised; the rest stay byte for byte
        self._indexed: set[str] = set()
        self.sheets = self._sheet_parts()
        self.shared = self._shared_strings()
        self._date_styles: set[int] | None = None

    def _bad(self, th: str, en: str) -> WorkbookError:
        return WorkbookError(f"ไฟล์ {self.path}: {th}", f"{self.path}: {en}")

    def _unzip(self, data: bytes):
        if not data:
            raise self._bad("ไฟล์ว่างเปล่า (0 ไบต์)", "the file is empty (0 bytes)")
        if data.startswith(_OLE_MAGIC):
            raise self._bad("เป็นไฟล์ที่ตั้งรหัสผ่านไว้ หรือไฟล์ .xls แบบเก่า ไม่ใช่ .xlsx (เอารหัสผ่านออก/บันทึกเป็น .xlsx ก่อน)",
                            "is password-protected or an old .xls file, not an .xlsx (remove the password "
                            "or save it as .xlsx first)")
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise WorkbookError(f"ไฟล์ {self.path} ไม่ใช่ไฟล์ Excel (.xlsx) ที่อ่านได้ หรือไฟล์เสีย",
                                f"{self.path} is not a readable .xlsx workbook (corrupt or another format): {e}") from None
        with z:
            infos = z.infolist()
            if len(infos) > MAX_PARTS:
                raise self._bad(f"มีส่วนย่อย {len(infos)} ส่วน เกินกว่าที่รับได้ ({MAX_PARTS})",
                                f"holds {len(infos)} parts, more than the {MAX_PARTS} accepted")
            seen: dict[str, str] = {}
            total = 0
            for info in infos:
                key = info.filename.lower()
                if key in seen:
                    twice = info.filename if seen[key] == info.filename else f"{seen[key]} / {info.filename}"
                    raise self._bad(f"มีส่วน {twice} ซ้ำสองครั้งในไฟล์ zip (ไฟล์เสียหรือถูกดัดแปลง)",
                                    f"part {twice} appears twice in the zip (names of parts ignore case; "
                                    f"a damaged or tampered file): refusing to guess which one is real")
                seen[key] = info.filename
                if info.file_size > MAX_PART_BYTES:
                    raise self._bad(f"ส่วน {info.filename} เมื่อคลายออกมีขนาด {info.file_size / 2**20:.0f} MiB "
                                    f"เกินขีดจำกัด {MAX_PART_BYTES / 2**20:.0f} MiB (อาจเป็น zip bomb) ไม่คลายไฟล์",
                                    f"part {info.filename} would inflate to {info.file_size / 2**20:.0f} MiB, over "
                                    f"the {MAX_PART_BYTES / 2**20:.0f} MiB limit (a zip bomb?); not inflated")
                total += info.file_size
                if total > MAX_TOTAL_BYTES:
                    raise self._bad(f"เมื่อคลายออกรวมกันเกิน {MAX_TOTAL_BYTES / 2**20:.0f} MiB (อาจเป็น zip bomb) ไม่คลายไฟล์",
                                    f"its parts would inflate to over {MAX_TOTAL_BYTES / 2**20:.0f} MiB in all "
                                    f"(a zip bomb?); not inflated")
                if info.flag_bits & 0x1:
                    raise self._bad(f"ส่วน {info.filename} ถูกเข้ารหัส", f"part {info.filename} is encrypted")
            parts = {i.filename: self._inflate(z, i) for i in infos}
        return infos, parts, z.comment

    def _inflate(self, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        try:
            with z.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
            raise self._bad(f"ส่วน {info.filename} เสีย (ข้อมูลบีบอัดคลายไม่ได้หรือ CRC ไม่ตรง)",
                            f"part {info.filename} is corrupt (its compressed data cannot be inflated "
                            f"or fails its CRC check): {e}") from None
        except (NotImplementedError, RuntimeError) as e:
            raise self._bad(f"ส่วน {info.filename} ใช้วิธีบีบอัด/เข้ารหัสที่ไม่รองรับ",
                            f"part {info.filename} uses an unsupported compression or encryption: {e}") from None
        if len(data) > MAX_PART_BYTES:
            raise self._bad(f"ส่วน {info.filename} ใหญ่เกินขีดจำกัด", f"part {info.filename} is over the size limit")
        return data

    # -- reading ------------------------------------------------------------------
    def _xml(self, part: str):
        if part not in self._trees:
            self._trees[part] = parse_xml(self.parts[part], part, self.path)
        return self._trees[part]

    def _rels_of(self, part: str) -> tuple[str, dict[str, tuple[str, str]]]:
        """The relationships part of ``part`` and its Id -> (target part, type)."""
        rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels_part not in self.parts:
            return rels_part, {}
        root = parse_xml(self.parts[rels_part], rels_part, self.path)
        out = {}
        for rel in root:
            if not isinstance(rel.tag, str):
                continue
            t = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                target = t
            else:
                target = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(part), t))
            out[rel.get("Id")] = (target, rel.get("Type") or "")
        return rels_part, out

    def _sheet_parts(self) -> list[SheetPart]:
        wb = self._xml("xl/workbook.xml")
        if wb.tag == f"{{{STRICT_NS}}}workbook":
            raise self._bad("บันทึกเป็นแบบ Strict Open XML ซึ่งไม่รองรับ ให้บันทึกใหม่เป็น Excel Workbook (.xlsx)",
                            "is saved as Strict Open XML, which is not supported: save it again as an "
                            "'Excel Workbook (.xlsx)'")
        if wb.tag != f"{Q}workbook":
            raise self._bad("ส่วน xl/workbook.xml ไม่ใช่สมุดงาน", f"part xl/workbook.xml is not a workbook (root {wb.tag})")
        rels_part, rels = self._rels_of("xl/workbook.xml")
        out, names, used = [], {}, {}
        for s in wb.iter(f"{Q}sheet"):
            name, rid = s.get("name"), s.get(f"{{{R_NS}}}id")
            if not name:
                raise self._bad("มีแผ่นงานที่ไม่มีชื่อใน xl/workbook.xml", "xl/workbook.xml lists a sheet without a name")
            if name.lower() in names:
                raise self._bad(f"มีแผ่นงานชื่อ {name} ซ้ำกัน", f"xl/workbook.xml lists two sheets named {name}")
            names[name.lower()] = name
            if rid not in rels:
                raise self._bad(f"แผ่นงาน {name} อ้างถึง {rid} ซึ่งไม่มีใน {rels_part}",
                                f"sheet {name} in xl/workbook.xml refers to relationship {rid}, which "
                                f"{rels_part} does not have")
            part, rtype = rels[rid]
            if not rtype.endswith(WORKSHEET_REL):
                continue  # chart sheets, macro sheets, dialog sheets hold no cells we read
            if part not in self.parts:
                raise self._bad(f"แผ่นงาน {name} ชี้ไปที่ส่วน {part} ซึ่งไม่มีในไฟล์",
                                f"sheet {name} points to part {part}, which is missing from the file")
            if part in used:
                raise self._bad(f"แผ่นงาน {used[part]} และ {name} ใช้ส่วน {part} เดียวกัน",
                                f"sheets {used[part]} and {name} share the same part {part}")
            used[part] = name
            out.append(SheetPart(name, part, s.get("state") in ("hidden", "veryHidden")))
        return out

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.parts:
            return []
        root = self._xml("xl/sharedStrings.xml")
        return [_text(si) for si in root.iter(f"{Q}si")]

    def sheet(self, name: str) -> SheetPart:
        for s in self.sheets:
            if s.name == name:
                return s
        raise WorkbookError(f"ไม่พบแผ่นงาน {name}", f"no sheet named {name}")

    def has_sheet(self, name: str) -> bool:
        return any(s.name == name for s in self.sheets)

    def _index(self, part: str, name: str) -> None:
        """Check a sheet part's rows and cells and give every one its ``r`` (which OOXML
        lets a writer leave out): refs that are not A1, out of range, out of order or
        repeated are refused, naming the part and the cell."""
        if part in self._indexed:
            return
        root = self._xml(part)
        if root.tag != f"{Q}worksheet":
            raise self._bad(f"ส่วน {part} (แผ่นงาน {name}) ไม่ใช่แผ่นงาน", f"part {part} (sheet {name}) is not a worksheet")
        where_th, where_en = f"แผ่นงาน {name} (ส่วน {part})", f"sheet {name} (part {part})"
        last_row = 0
        for row in root.iter(f"{Q}row"):
            raw = row.get("r")
            if raw is None:
                r = last_row + 1
            else:
                try:
                    r = int(raw)
                except ValueError:
                    r = 0
                if not 1 <= r <= MAX_ROW:
                    raise self._bad(f"{where_th}: แถวมีหมายเลข r=\"{raw}\" ซึ่งไม่ใช่หมายเลขแถว",
                                    f"{where_en}: a row has r=\"{raw}\", which is not a row number (1..{MAX_ROW})")
            if r <= last_row:
                raise self._bad(f"{where_th}: แถว {r} ซ้ำหรือเรียงผิดลำดับ (หลังแถว {last_row})",
                                f"{where_en}: row {r} is repeated or out of order (after row {last_row})")
            last_row = r
            if raw is None:
                row.set("r", str(r))
            last_col = 0
            for c in row.findall(f"{Q}c"):
                ref = c.get("r")
                if ref is None:
                    rr, col = r, last_col + 1
                else:
                    try:
                        rr, col = parse_a1(ref)
                    except ValueError:
                        raise self._bad(f"{where_th}: เซลล์ในแถว {r} มีตำแหน่ง r=\"{ref}\" ซึ่งไม่ใช่แบบ A1",
                                        f"{where_en}: a cell in row {r} has r=\"{ref}\", which is not an "
                                        f"A1 cell reference") from None
                    if rr != r:
                        raise self._bad(f"{where_th}: เซลล์ {ref} อยู่ในแถว {r}",
                                        f"{where_en}: cell {ref} sits inside row {r}")
                if col > MAX_COL:
                    raise self._bad(f"{where_th}: เซลล์ {ref} อยู่นอกคอลัมน์สุดท้าย XFD",
                                    f"{where_en}: cell {ref} lies beyond the last column XFD")
                if col <= last_col:
                    raise self._bad(f"{where_th}: เซลล์ {a1(r, col)} ซ้ำหรือเรียงผิดลำดับ",
                                    f"{where_en}: cell {a1(r, col)} is repeated or out of order")
                last_col = col
                if ref is None:
                    c.set("r", a1(r, col))
        self._indexed.add(part)

    def grid(self, name: str) -> Grid:
        """The sheet's values and formulas. Also set on the Grid: ``merges`` (merged
        ranges as (row0, col0, row1, col1)) and ``dates`` (cells whose number format shows
        a date or time, or typed as ISO dates: a number there is a date serial)."""
        part = self.sheet(name).part
        self._index(part, name)
        root = self._xml(part)
        g = Grid(name)
        dates: set[Cell] = set()
        shared: dict[str, tuple[str, str]] = {}
        date_styles = self._dates()
        for row in root.iter(f"{Q}row"):
            for c in row.findall(f"{Q}c"):
                cell = parse_a1(c.get("r"))
                value = self._value(c, name, part)
                if value is not None and value != "":
                    g.values[cell] = value
                    if c.get("t") == "d" or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                             and _int(c.get("s")) in date_styles):
                        dates.add(cell)
                f = c.find(f"{Q}f")
                if f is not None:
                    g.formulas[cell] = self._formula(f, c.get("r"), shared)
        g.merges = self._merges(root, name, part)
        g.dates = dates
        return g

    @staticmethod
    def _formula(f, ref: str, shared: dict) -> str:
        text = f.text or ""
        if f.get("t") == "shared" and f.get("si") is not None:
            if text:
                shared[f.get("si")] = (text, ref)
            elif f.get("si") in shared:
                master, origin = shared[f.get("si")]
                from openpyxl.formula.translate import Translator
                try:
                    return Translator("=" + master, origin=origin).translate_formula(ref)
                except Exception:  # noqa: BLE001 - an untranslatable formula is still a formula
                    return "=" + master
        return "=" + text

    def _merges(self, root, name: str, part: str) -> list[tuple[int, int, int, int]]:
        out = []
        for mc in root.iter(f"{Q}mergeCell"):
            ref = mc.get("ref") or ""
            try:
                ends = [parse_a1(p) for p in ref.split(":")]
            except ValueError:
                raise self._bad(f"แผ่นงาน {name} (ส่วน {part}): ช่วงผสานเซลล์ \"{ref}\" ไม่ถูกต้อง",
                                f"sheet {name} (part {part}): merged range \"{ref}\" is not an A1 range") from None
            (r0, c0), (r1, c1) = ends[0], ends[-1]
            out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
        return out

    def _dates(self) -> set[int]:
        """Indexes into cellXfs whose number format is a date or time."""
        if self._date_styles is not None:
            return self._date_styles
        out: set[int] = set()
        if "xl/styles.xml" in self.parts:
            from openpyxl.styles.numbers import is_date_format
            root = self._xml("xl/styles.xml")
            custom = {_int(n.get("numFmtId")): n.get("formatCode") or "" for n in root.iter(f"{Q}numFmt")}
            xfs = root.find(f"{Q}cellXfs")
            for i, xf in enumerate(xfs.findall(f"{Q}xf") if xfs is not None else []):
                fid = _int(xf.get("numFmtId"))
                if fid in custom:
                    if is_date_format(custom[fid]):
                        out.add(i)
                elif fid in DATE_FORMAT_IDS:
                    out.add(i)
        self._date_styles = out
        return out

    def _value(self, c, sheet: str = "", part: str = ""):
        t = c.get("t", "n")
        if t == "inlineStr":
            is_ = c.find(f"{Q}is")
            return _text(is_) if is_ is not None else None
        v = c.find(f"{Q}v")
        if v is None or v.text is None:
            return None
        if t == "s":
            try:
                i = int(v.text)
            except ValueError:
                i = -1
            if not 0 <= i < len(self.shared):
                raise self._bad(f"แผ่นงาน {sheet} เซลล์ {c.get('r')}: อ้างถึงข้อความลำดับที่ {v.text} "
                                f"แต่ xl/sharedStrings.xml มีเพียง {len(self.shared)} รายการ",
                                f"sheet {sheet} cell {c.get('r')} (part {part}) refers to shared string "
                                f"{v.text}, but xl/sharedStrings.xml holds only {len(self.shared)}")
            return self.shared[i]
        if t in ("str", "e", "d"):
            return v.text
        if t == "b":
            return v.text.strip() in ("1", "true")
        if t != "n":
            raise self._bad(f"แผ่นงาน {sheet} เซลล์ {c.get('r')}: ชนิดเซลล์ t=\"{t}\" ไม่ถูกต้อง",
                            f"sheet {sheet} cell {c.get('r')} (part {part}) has an unknown cell type t=\"{t}\"")
        try:
            n = float(v.text)
        except ValueError:
            return v.text
        if not math.isfinite(n):
            return v.text  # INF / NaN: not a number Excel can hold; the checks report it as text
        return int(n) if n.is_integer() and "." not in v.text and "E" not in v.text.upper() else n

    # -- writing ------------------------------------------------------------------
    def set_cells(self, name: str, updates: dict[Cell, object]) -> int:
        """Write values into existing or new ``<c>`` elements; returns formulas dropped."""
        part = self.sheet(name).part
        self._index(part, name)
        root = self._xml(part)
        self._dirty.add(part)
        sheet_data = root.find(f"{Q}sheetData")
        if sheet_data is None:
            raise self._bad(f"แผ่นงาน {name} (ส่วน {part}) ไม่มี sheetData", f"sheet {name} (part {part}) has no sheetData")
        rows = {int(r.get("r")): r for r in sheet_data.findall(f"{Q}row")}
        col_styles = self._col_styles(root)
        dropped = 0
        for (r, c), value in sorted(updates.items()):
            if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
                raise self._bad(f"เขียนเซลล์นอกแผ่นงานไม่ได้ ({r}, {c})", f"cannot write outside the sheet: row {r}, column {c}")
            row = rows[r] if r in rows else self._new_row(sheet_data, rows, r)
            cell = self._find_or_make_cell(row, r, c, col_styles)
            f = cell.find(f"{Q}f")
            if f is not None and f.get("t") == "shared" and f.get("si") is not None:
                self._unshare(root, f.get("si"))
            dropped += _put(cell, value, name, self.path)
        self._fix_dimension(root, updates)
        return dropped

    @staticmethod
    def _unshare(root, si: str) -> None:
        """Turn a shared formula group into plain formulas, one per cell, before one of
        its cells is overwritten: a dependent left without its master points at nothing
        (Excel offers to repair the file)."""
        from openpyxl.formula.translate import Translator
        master = None
        for f in root.iter(f"{Q}f"):
            if f.get("t") == "shared" and f.get("si") == si:
                cell = f.getparent()
                if master is None and f.text:
                    master = (f.text, cell.get("r"))
                text = f.text
                if not text and master is not None:
                    try:
                        text = Translator("=" + master[0], origin=master[1]).translate_formula(cell.get("r"))[1:]
                    except Exception:  # noqa: BLE001
                        text = master[0]
                for k in ("t", "si", "ref"):
                    f.attrib.pop(k, None)
                f.text = text

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

    def _fix_dimension(self, root, updates):
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
        rels = parse_xml(self.parts[rels_part], rels_part, self.path)
        ids = {r.get("Id") for r in rels}
        rid = next(f"rId{i}" for i in range(1, 10_000) if f"rId{i}" not in ids)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Target=f"worksheets/sheet{n}.xml",
                         Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")
        self.parts[rels_part] = _to_xml(rels)
        ct = parse_xml(self.parts["[Content_Types].xml"], "[Content_Types].xml", self.path)
        etree.SubElement(ct, "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
                         PartName=f"/{part}",
                         ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
        self.parts["[Content_Types].xml"] = _to_xml(ct)
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
        out = {}
        for dv in root.iter(f"{Q}dataValidation"):
            if dv.get("promptTitle") == NOTE_TITLE:
                try:
                    out[parse_a1((dv.get("sqref") or "").split()[0].split(":")[0])] = dv.get("prompt", "")
                except (ValueError, IndexError):
                    continue  # a note of ours someone mangled: rewritten on the next recalc
        return out

    def save(self, path: str | Path | None = None, drop_calc_chain: bool = False) -> None:
        """Write atomically (see files.write_atomic): a crash mid-write leaves the old
        file as it was, and no temp file survives the next run. Saving over the file we
        read refuses when it is open in Excel (unless ``force``) and raises
        :class:`WorkbookChanged` if someone saved it since we read it."""
        path = Path(path or self.path)
        same = path.resolve() == self.path.resolve()
        if same:
            refuse_if_open(self.path, self.force)
        for part in self._dirty:
            self.parts[part] = _to_xml(self._trees[part])
        if drop_calc_chain:
            self._drop_calc_chain()

        def emit(fh):
            with zipfile.ZipFile(fh, "w") as z:
                for info in self.infos:
                    if info.filename in self.parts:
                        z.writestr(info, self.parts[info.filename])
                if self.comment:
                    z.comment = self.comment
        write_atomic(path, emit, expect=self.fingerprint if same else None)
        if same:
            self.fingerprint = Fingerprint.of_file(self.path)

    def _drop_calc_chain(self) -> None:
        # A formula we replaced by a value must leave Excel's calculation chain too;
        # without the part Excel simply rebuilds it.
        if "xl/calcChain.xml" not in self.parts:
            return
        del self.parts["xl/calcChain.xml"]
        for part, needle in (("xl/_rels/workbook.xml.rels", b"calcChain"), ("[Content_Types].xml", b"calcChain")):
            if part in self.parts:
                root = parse_xml(self.parts[part], part, self.path)
                for el in list(root):
                    if needle in etree.tostring(el):
                        root.remove(el)
                self.parts[part] = _to_xml(root)


def _put(cell, value, sheet: str = "", book: str | Path = "") -> int:
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
