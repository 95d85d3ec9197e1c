"""Local .xlsx workbooks, read and patched in place without a lossy round trip.

openpyxl drops images, charts, shapes and some extensions when it saves a
workbook it loaded. A unit's decorated workbook must come back whole, so
:class:`XlsxWorkbook` edits only the ``<c>`` elements of the cells it writes (plus our
own input-message notes) inside the sheet XML parts, and copies every other part of
the package byte for byte.

The layers under it: :mod:`.xlsx_package` (the zip, its limits, safe XML parsing),
:mod:`.xlsx_grid` (a sheet part read into a Grid), :mod:`.xlsx_cell_writes` (values
written into cells) and :mod:`.xlsx_notes` (our notes).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import WorkbookError
from ..core.grid import Cell, Grid, LazyGrid
from .files import Fingerprint, clean_stale_temps, read_stable, refuse_if_open, write_atomic
from .xlsx_cell_writes import write_cells
from .xlsx_grid import cell_text, date_styles, date_styles_of, number_cells, read_grid
from .xlsx_notes import read_notes, scan_notes, write_notes
from .xlsx_scan import plain_part, scan_grid, scan_head, scan_last_row, well_formed
from .xlsx_splice import splice_cells, splice_heights, splice_notes
from .xlsx_vouched import vouched
# PKG_REL, Q and parse_xml are re-exported for callers that import them from here;
# MAX_FILE_BYTES is looked up here when a file is read (tests lower it on this module).
from .xlsx_package import (MAX_FILE_BYTES, PKG_REL, Q, R_NS, STRICT_NS, WORKSHEET_REL,  # noqa: F401
                           add_worksheet_part, bad, parse_xml, rels_of, remove_calc_chain, to_xml, unzip, zip_into)


# A ministry's units are made from one template and a recalc copies the styles part
# untouched, so most units hold the same styles bytes: their date formats, found once
# (the bytes were checked well-formed then), per process.
_DATES_OF_STYLES: dict[bytes, frozenset[int]] = {}


@dataclass
class SheetPart:
    name: str
    part: str
    hidden: bool


class XlsxWorkbook:
    """An .xlsx package held in memory: its parts, sheets and shared strings."""

    def __init__(self, path: str | Path, force: bool = False, every_part: bool = True):
        """``every_part``: every part inflated and checked at once, as a workbook that may
        be written needs (a damaged part is refused before any work). False: each part when
        first read (a read-only look: the parts it reads are checked, the others never
        inflated; a save still checks every part first)."""
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
        self.infos, self.parts, self.comment = unzip(data, self.path)
        # parts this file's record says sheets-sync wrote, and the bytes known well-formed
        self._vouched = vouched(self.comment, self.infos)
        self._good: dict[str, bytes] = {}
        if every_part:
            self.parts.inflate_all()
        for required in ("xl/workbook.xml", "[Content_Types].xml"):
            if required not in self.parts:
                raise WorkbookError(f"ไฟล์ {path} ไม่ใช่สมุดงาน Excel (ไม่มีส่วน {required})",
                                    f"{path} has no {required}: not an Excel workbook")
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()  # only these are re-serialised; the rest stay byte for byte
        self._indexed: set[str] = set()
        self._plains: dict[str, bool] = {}
        self._scanned: set[str] = set()  # parts read by the byte scanner: writes may splice them
        self._lazy: dict[str, LazyGrid] = {}
        self.sheets = self._sheet_parts()
        self.shared = self._shared_strings()
        self._date_styles: set[int] | None = None

    def _bad(self, th: str, en: str) -> WorkbookError:
        return bad(self.path, th, en)

    # -- reading ------------------------------------------------------------------
    def _xml(self, part: str):
        if part not in self._trees:
            data = self.parts[part]
            self._trees[part] = parse_xml(data, part, self.path)
            self._good[part] = data
        return self._trees[part]

    def _checked(self, part: str) -> bytes:
        """The part's bytes, checked well-formed once (unless sheets-sync wrote them: see
        :mod:`.xlsx_vouched`)."""
        data = self.parts[part]
        if self._good.get(part) is not data:
            if not (part in self._vouched and self.parts.from_file(part)):
                well_formed(data, part, self.path)
            self._good[part] = data
        return data

    def _sheet_parts(self) -> list[SheetPart]:
        wb = self._xml("xl/workbook.xml")
        if wb.tag == f"{{{STRICT_NS}}}workbook":
            raise self._bad("บันทึกเป็นแบบ Strict Open XML ซึ่งไม่รองรับ ให้บันทึกใหม่เป็น Excel Workbook (.xlsx)",
                            "is saved as Strict Open XML, which is not supported: save it again as an "
                            "'Excel Workbook (.xlsx)'")
        if wb.tag != f"{Q}workbook":
            raise self._bad("ส่วน xl/workbook.xml ไม่ใช่สมุดงาน", f"part xl/workbook.xml is not a workbook (root {wb.tag})")
        rels_part, rels = rels_of(self.parts, "xl/workbook.xml", self.path)
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
        return [cell_text(si) for si in root.iter(f"{Q}si")]

    def sheet(self, name: str) -> SheetPart:
        for s in self.sheets:
            if s.name == name:
                return s
        raise WorkbookError(f"ไม่พบแผ่นงาน {name}", f"no sheet named {name}")

    def has_sheet(self, name: str) -> bool:
        return any(s.name == name for s in self.sheets)

    def _index(self, part: str, name: str) -> None:
        """Check a sheet part's rows and cells and number them, once (see
        :func:`~.xlsx_grid.number_cells`)."""
        if part in self._indexed:
            return
        number_cells(self._xml(part), name, part, self.path)
        self._indexed.add(part)

    def grid(self, name: str) -> Grid:
        """The sheet's values and formulas. Also set on the Grid: ``merges`` (merged
        ranges as (row0, col0, row1, col1)) and ``dates`` (cells whose number format shows
        a date or time, or typed as ISO dates: a number there is a date serial)."""
        part = self.sheet(name).part
        if part not in self._trees and self._plain(part):   # from the bytes; the tree only to write
            grid = scan_grid(self._checked(part), name, part, self.shared, self._dates(), self.path,
                             plain=True, checked=True)
            if grid is not None:
                # the scan checked what number_cells checks (every row and cell has its r, in
                # order): the tree parsed from the same bytes for a write needs no numbering
                self._indexed.add(part)
                self._scanned.add(part)
                return grid
        grid = read_grid(self._xml(part), name, part, self.shared, self._dates(), self.path)
        self._indexed.add(part)    # read_grid checked and numbered its cells on the way
        return grid

    def lazy_grid(self, name: str) -> Grid:
        """The sheet's Grid (see :meth:`grid`), read when its cells are first looked at; its
        header rows and last row are read alone when that is all that is asked. The part is
        checked well-formed at once, as :meth:`grid` does: a corrupt tab is refused as before."""
        part = self.sheet(name).part
        if part in self._trees or not self._plain(part):
            return self.grid(name)
        data = self._checked(part)
        grid = LazyGrid(name, lambda: self.grid(name),
                        head=lambda n: scan_head(data, name, self.shared, self._dates(), n),
                        last_row=lambda: scan_last_row(data, name, self.shared, self._dates()))
        self._lazy[part] = grid
        return grid

    def _read_before_write(self, part: str) -> None:
        """A tab read lazily is read whole before it is written (its rows and cells checked,
        as every written tab's are)."""
        lazy = self._lazy.pop(part, None)
        if isinstance(lazy, LazyGrid):      # else read already (it is a plain Grid now)
            lazy.loaded()

    def _plain(self, part: str) -> bool:
        """Whether the part can be read from its bytes (see xlsx_scan.plain_part), once."""
        if part not in self._plains:
            self._plains[part] = plain_part(self.parts[part])
        return self._plains[part]

    def _dates(self) -> set[int]:
        """Indexes into cellXfs whose number format is a date or time."""
        if self._date_styles is None:
            part = "xl/styles.xml"
            if part not in self.parts or part in self._trees:    # a tree: perhaps changed since read
                self._date_styles = date_styles(self._trees[part]) if part in self.parts else set()
                return self._date_styles
            data = self.parts[part]
            found = _DATES_OF_STYLES.get(data)
            if found is not None:
                self._good[part] = data     # these bytes were checked when first met
            else:
                found = date_styles_of(data)     # from the bytes, checked as a parse would
                if found is not None:
                    self._checked(part)
                else:
                    found = date_styles(self._xml(part))
                if len(_DATES_OF_STYLES) >= 64:
                    _DATES_OF_STYLES.clear()
                _DATES_OF_STYLES[data] = frozenset(found)
            self._date_styles = set(found)
        return self._date_styles

    # -- writing ------------------------------------------------------------------
    def set_cells(self, name: str, updates: dict[Cell, object]) -> int:
        """Write values into existing or new ``<c>`` elements; returns formulas dropped."""
        part = self.sheet(name).part
        self._read_before_write(part)
        if self._spliceable(part):
            done = splice_cells(self.parts[part], updates, name, self.path)
            if done is not None:
                self._spliced(part, done[0])
                return done[1]
        self._index(part, name)
        root = self._xml(part)
        self._dirty.add(part)
        return write_cells(root, updates, name, part, self.path)

    def _spliceable(self, part: str) -> bool:
        """Whether a write may go straight into the part's bytes (xlsx_splice): the byte
        scanner read it, and no tree of it was made (the tree is then what is written)."""
        return part in self._scanned and part not in self._trees

    def _spliced(self, part: str, data: bytes) -> None:
        if self._good.get(part) is self.parts[part]:
            self._good[part] = data     # well-formed cells spliced into well-formed XML
        self.parts[part] = data
        self._plains.pop(part, None)    # read again, the new bytes are checked anew

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
        part, rid = add_worksheet_part(self.parts, self.infos, self.path)
        wb = self._xml("xl/workbook.xml")
        self._dirty.add("xl/workbook.xml")
        sheets = wb.find(f"{Q}sheets")
        sid = max((int(s.get("sheetId")) for s in sheets), default=0) + 1
        etree.SubElement(sheets, f"{Q}sheet", name=name, sheetId=str(sid)).set(f"{{{R_NS}}}id", rid)
        self.sheets.append(SheetPart(name, part, False))

    def set_heights(self, name: str, heights: dict[int, float]) -> None:
        """Rows that must grow to show their wrapped text (points)."""
        from .xlsx_cell_writes import grow_rows
        part = self.sheet(name).part
        self._read_before_write(part)
        if self._spliceable(part):
            done = splice_heights(self.parts[part], heights)
            if done is not None:
                return self._spliced(part, done)
        self._index(part, name)
        self._dirty.add(part)
        grow_rows(self._xml(part), heights)

    def set_notes(self, name: str, notes: dict[Cell, str]) -> None:
        """Replace our score-trace notes (see :mod:`.xlsx_notes`)."""
        part = self.sheet(name).part
        self._read_before_write(part)
        if self._spliceable(part):
            done = splice_notes(self.parts[part], notes)
            if done is not None:
                return self._spliced(part, done)
        root = self._xml(part)
        self._dirty.add(part)
        write_notes(root, notes)

    def notes(self, name: str) -> dict[Cell, str]:
        part = self.sheet(name).part
        if part not in self._trees:
            found = scan_notes(self.parts[part], plain=self._plain(part))
            if found is not None:
                return found
        return read_notes(self._xml(part))

    def save(self, path: str | Path | None = None, drop_calc_chain: bool = False) -> None:
        """Write atomically (see files.write_atomic): a crash mid-write leaves the old
        file as it was, and no temp file survives the next run. Saving over the file we
        read refuses when it is open in Excel (unless ``force``) and raises
        :class:`WorkbookChanged` if someone saved it since we read it."""
        path = Path(path or self.path)
        same = path.resolve() == self.path.resolve()
        if same:
            refuse_if_open(self.path, self.force)
        self.parts.inflate_all()    # a damaged part never read is refused, not written
        for part in self._dirty:
            self.parts[part] = self._good[part] = to_xml(self._trees[part])
        if drop_calc_chain:
            remove_calc_chain(self.parts, self.path)
        good = {part for part, data in self._good.items() if part in self.parts and self.parts[part] is data}
        write_atomic(path, lambda fh: zip_into(fh, self.infos, self.parts, self.comment, good),
                     expect=self.fingerprint if same else None)
        if same:
            self.fingerprint = Fingerprint.of_file(self.path)

