"""A worksheet part read into a :class:`~sheets_sync.core.grid.Grid`: its rows and cells
checked and numbered, cell values (shared strings, inline strings, numbers, booleans),
formulas (shared ones expanded), merged ranges and the cells that hold dates."""
from __future__ import annotations

import math
import re
from pathlib import Path

from ..core.grid import Cell, Grid, a1, parse_a1
from .xlsx_package import NS, Q, bad
from .xlsx_text import attrs

MAX_ROW, MAX_COL = 1_048_576, 16_384
# Built-in number formats that show a date or time (openpyxl's, plus the East Asian and
# Thai locale ids Excel assigns: 27-36, 50-58, 71-81).
DATE_FORMAT_IDS = frozenset(list(range(14, 23)) + list(range(27, 37)) + list(range(45, 48)) +
                            list(range(50, 59)) + list(range(71, 82)))


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def cell_text(el) -> str:
    """The text of a shared string or inline string element."""
    # Rich text runs and plain <t>; phonetic runs (rPh) are not cell text.
    return "".join(t.text or "" for t in el.iter(f"{Q}t") if t.getparent().tag != f"{Q}rPh")


def number_cells(root, name: str, part: str, book: str | Path) -> None:
    """Check a sheet part's rows and cells and give every one its ``r`` (which OOXML
    lets a writer leave out): refs that are not A1, out of range, out of order or
    repeated are refused, naming the part and the cell."""
    for _ in _numbered(root, name, part, book):
        pass


def _numbered(root, name: str, part: str, book: str | Path):
    """(row element, row number, its ``<c>`` elements with their columns) for every row,
    checked and numbered as :func:`number_cells` says."""
    if root.tag != f"{Q}worksheet":
        raise bad(book, f"ส่วน {part} (แผ่นงาน {name}) ไม่ใช่แผ่นงาน", f"part {part} (sheet {name}) is not a worksheet")
    where_th, where_en = f"แผ่นงาน {name} (ส่วน {part})", f"sheet {name} (part {part})"
    last_row = 0
    row_tag, c_tag = f"{Q}row", f"{Q}c"
    for row in root.iter(row_tag):
        raw = row.get("r")
        if raw is None:
            r = last_row + 1
        else:
            try:
                r = int(raw)
            except ValueError:
                r = 0
            if not 1 <= r <= MAX_ROW:
                raise bad(book, f"{where_th}: แถวมีหมายเลข r=\"{raw}\" ซึ่งไม่ใช่หมายเลขแถว",
                          f"{where_en}: a row has r=\"{raw}\", which is not a row number (1..{MAX_ROW})")
        if r <= last_row:
            raise bad(book, f"{where_th}: แถว {r} ซ้ำหรือเรียงผิดลำดับ (หลังแถว {last_row})",
                      f"{where_en}: row {r} is repeated or out of order (after row {last_row})")
        last_row = r
        if raw is None:
            row.set("r", str(r))
        last_col = 0
        cells = []
        for c in row.iterchildren(c_tag):
            ref = c.get("r")
            if ref is None:
                rr, col = r, last_col + 1
            else:
                try:
                    rr, col = parse_a1(ref)
                except ValueError:
                    raise bad(book, f"{where_th}: เซลล์ในแถว {r} มีตำแหน่ง r=\"{ref}\" ซึ่งไม่ใช่แบบ A1",
                              f"{where_en}: a cell in row {r} has r=\"{ref}\", which is not an "
                              f"A1 cell reference") from None
                if rr != r:
                    raise bad(book, f"{where_th}: เซลล์ {ref} อยู่ในแถว {r}",
                              f"{where_en}: cell {ref} sits inside row {r}")
            if col > MAX_COL:
                raise bad(book, f"{where_th}: เซลล์ {ref} อยู่นอกคอลัมน์สุดท้าย XFD",
                          f"{where_en}: cell {ref} lies beyond the last column XFD")
            if col <= last_col:
                raise bad(book, f"{where_th}: เซลล์ {a1(r, col)} ซ้ำหรือเรียงผิดลำดับ",
                          f"{where_en}: cell {a1(r, col)} is repeated or out of order")
            last_col = col
            if ref is None:
                c.set("r", a1(r, col))
            cells.append((c, col))
        yield row, r, cells


def read_grid(root, name: str, part: str, shared: list[str], date_styles: set[int], book: str | Path) -> Grid:
    """The values and formulas of a sheet part, its cells checked and numbered on the way
    (see :func:`number_cells`), with ``merges``, ``dates`` and row heights set on the Grid."""
    g = Grid(name)
    values, formulas, heights = g.values, g.formulas, g.heights
    dates: set[Cell] = set()
    shared_formulas: dict[str, tuple[str, str]] = {}
    v_tag, f_tag = f"{Q}v", f"{Q}f"
    for row, r, cells in _numbered(root, name, part, book):
        ht = row.get("ht")
        if ht is not None:
            try:
                heights[r] = float(ht)
            except ValueError:
                pass  # a height that is not a number: the default, as Excel reads it
        for c, col in cells:
            if not len(c):
                continue    # no value, no formula: an empty (styled) cell
            cell = (r, col)
            t = c.get("t")
            if (t is None or t == "n") and len(c) == 1 and c[0].tag == v_tag:
                # the common case, a plain number: read without the general path
                text = c[0].text
                value = None if text is None else _number(text)
            else:
                value = cell_value(c, shared, name, part, book)
                f = c.find(f_tag)
                if f is not None:
                    formulas[cell] = _formula(f, c.get("r"), shared_formulas)
            if value is not None and value != "":
                values[cell] = value
                if t == "d" or (date_styles and isinstance(value, (int, float)) and not isinstance(value, bool)
                                and _int(c.get("s")) in date_styles):
                    dates.add(cell)
    g.merges = _merges(root, name, part, book)
    g.dates = dates
    _dimensions(root, g, rows=False)
    return g


def _number(text: str):
    """A ``t="n"`` value as cell_value reads it: int, float, or the text when not a number."""
    try:
        n = float(text)
    except ValueError:
        return text
    if not math.isfinite(n):
        return text  # INF / NaN: not a number Excel can hold; the checks report it as text
    return int(n) if n.is_integer() and "." not in text and "E" not in text.upper() else n


def _dimensions(root, g: Grid, rows: bool = True) -> None:
    """Row heights and column widths the sheet sets (a row without one is as tall as its font)."""
    for row in root.iter(f"{Q}row") if rows else ():
        try:
            if row.get("ht") is not None:
                g.heights[int(row.get("r"))] = float(row.get("ht"))
        except (TypeError, ValueError):
            continue  # a height that is not a number: the default, as Excel reads it
    for col in root.iter(f"{Q}col"):
        try:
            lo, hi = int(col.get("min")), int(col.get("max"))
            width = float(col.get("width")) if col.get("width") is not None else None
        except (TypeError, ValueError):
            continue
        for c in range(lo, min(hi, lo + 300) + 1):   # <col min=1 max=16384> styles whole sheets
            if width is not None:
                g.widths[c] = width
            if col.get("hidden") in ("1", "true"):
                g.hidden_columns.add(c)


def shared_formula_at(master: str, origin: str, ref: str) -> str:
    """The master formula of a shared group (text without "=", written at ``origin``)
    as it reads at cell ``ref``, with its "="; the master itself when it cannot be moved."""
    from openpyxl.formula.translate import Translator
    try:
        return Translator("=" + master, origin=origin).translate_formula(ref)
    except Exception:  # noqa: BLE001 - an untranslatable formula is still a formula
        return "=" + master


def _formula(f, ref: str, shared: dict) -> str:
    text = f.text or ""
    if f.get("t") == "shared" and f.get("si") is not None:
        if text:
            shared[f.get("si")] = (text, ref)
        elif f.get("si") in shared:
            return shared_formula_at(*shared[f.get("si")], ref)
    return "=" + text


def _merges(root, name: str, part: str, book: str | Path) -> list[tuple[int, int, int, int]]:
    out = []
    for mc in root.iter(f"{Q}mergeCell"):
        ref = mc.get("ref") or ""
        try:
            ends = [parse_a1(p) for p in ref.split(":")]
        except ValueError:
            raise bad(book, f"แผ่นงาน {name} (ส่วน {part}): ช่วงผสานเซลล์ \"{ref}\" ไม่ถูกต้อง",
                      f"sheet {name} (part {part}): merged range \"{ref}\" is not an A1 range") from None
        (r0, c0), (r1, c1) = ends[0], ends[-1]
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return out


def date_styles(styles) -> set[int]:
    """Indexes into cellXfs (of the xl/styles.xml root ``styles``) whose number format is
    a date or time."""
    custom = {_int(n.get("numFmtId")): n.get("formatCode") or "" for n in styles.iter(f"{Q}numFmt")}
    xfs = styles.find(f"{Q}cellXfs")
    return _dated(custom, [xf.get("numFmtId") for xf in (xfs.findall(f"{Q}xf") if xfs is not None else [])])


def _dated(custom: dict, xf_formats: list) -> set[int]:
    from openpyxl.styles.numbers import is_date_format
    out: set[int] = set()
    for i, raw in enumerate(xf_formats):
        fid = _int(raw)
        if fid in custom:
            if is_date_format(custom[fid]):
                out.add(i)
        elif fid in DATE_FORMAT_IDS:
            out.add(i)
    return out


_STYLES_ROOT = re.compile(rb'^\s*(?:<\?xml[^>]*\?>)?\s*<styleSheet\b[^>]*>')
# after the root's start tag: another default namespace or the main one bound to a prefix;
# and (see _odd) comments, CDATA, DTDs, processing instructions, single-quoted attributes
_STYLES_ODD = (b'xmlns="', NS.encode())
_NUM_FMT = re.compile(rb"<numFmt\b([^>]*?)/?>")
_CELL_XFS = re.compile(rb"<cellXfs\b([^>]*?)(/?)>")
_XF_FORMAT = re.compile(rb'<xf\b[^>]*?\snumFmtId="([^"]*)"')
_START_TAG_ATTRS = re.compile(rb'(?:\s+[\w:]+="[^"<]*")*\s*')


def date_styles_of(data: bytes) -> set[int] | None:
    """:func:`date_styles` read from the bytes of xl/styles.xml (its tree cost more than
    the rest of opening a small unit), or None when the part is not in the plain shape
    Excel, LibreOffice and openpyxl write (read its tree then). Whether the part is
    well-formed is the caller's to check. Every unprefixed element here is in the main
    namespace, so ``numFmt`` anywhere (dxfs' too, as ``iter`` finds them) and the ``xf``
    children of the one ``cellXfs`` are what the tree reader reads."""
    head = _STYLES_ROOT.match(data[:4096])
    if head is None or head.group(0).count(NS.encode()) != 1 or f'xmlns="{NS}"'.encode() not in head.group(0):
        return None
    decl = head.group(0).split(b"?>")[0].lower()
    if b"encoding=" in decl and b"utf-8" not in decl:
        return None
    end = head.end()
    if _odd(data, end) or any(data.find(odd, end) != -1 for odd in _STYLES_ODD):
        return None
    try:
        custom = {}
        for m in _NUM_FMT.finditer(data, end):
            a = _attrs_of(m.group(1))
            custom[_int(a.get("numFmtId"))] = a.get("formatCode") or ""
        found = list(_CELL_XFS.finditer(data, end))
        ext = data.find(b"<extLst", end)
        if len(found) > 1 or (found and ext != -1 and found[0].start() > ext):
            return None     # not the one direct child the tree reader finds
        formats: list = []
        if found and not found[0].group(2):
            _attrs_of(found[0].group(1))
            close = data.find(b"</cellXfs>", found[0].end())
            body = data[found[0].end():close]
            if close == -1 or b"<extLst" in body or b"&" in body:
                return None
            # without references each numFmtId="..." is read as it stands; an xf without
            # one so written (Excel always writes it) leaves the part to the tree reader
            formats = [v.decode() for v in _XF_FORMAT.findall(body)]
            if len(formats) != body.count(b"<xf"):
                return None
    except (ValueError, OverflowError):     # an odd tag, or a reference no character has
        return None
    return _dated(custom, formats)


def _odd(data: bytes, end: int) -> bool:
    """Whether "<!", "<?" or "='" occurs from ``end``: each looked for by its rarer second
    byte (one memchr, where the two-byte search stops at every "<")."""
    for ch, before in ((b"!", 60), (b"?", 60), (b"'", 61)):     # "<", "<", "="
        i = data.find(ch, end)
        while i != -1:
            if data[i - 1] == before:
                return True
            i = data.find(ch, i + 1)
    return False


def _attrs_of(raw: bytes) -> dict[str, str]:
    """A start tag's attributes as lxml gives them (xlsx_text.attrs); ValueError when the
    tag is not plain name="value" pairs."""
    if _START_TAG_ATTRS.fullmatch(raw) is None:
        raise ValueError("not a plain start tag")
    return attrs(raw)


def cell_value(c, shared: list[str], sheet: str = "", part: str = "", book: str | Path = ""):
    """The value of one ``<c>`` element: str, int, float, bool, or None when empty."""
    t = c.get("t", "n")
    if t == "inlineStr":
        is_ = c.find(f"{Q}is")
        return cell_text(is_) if is_ is not None else None
    v = c.find(f"{Q}v")
    if v is None or v.text is None:
        return None
    if t == "s":
        try:
            i = int(v.text)
        except ValueError:
            i = -1
        if not 0 <= i < len(shared):
            raise bad(book, f"แผ่นงาน {sheet} เซลล์ {c.get('r')}: อ้างถึงข้อความลำดับที่ {v.text} "
                      f"แต่ xl/sharedStrings.xml มีเพียง {len(shared)} รายการ",
                      f"sheet {sheet} cell {c.get('r')} (part {part}) refers to shared string "
                      f"{v.text}, but xl/sharedStrings.xml holds only {len(shared)}")
        return shared[i]
    if t in ("str", "e", "d"):
        return v.text
    if t == "b":
        return v.text.strip() in ("1", "true")
    if t != "n":
        raise bad(book, f"แผ่นงาน {sheet} เซลล์ {c.get('r')}: ชนิดเซลล์ t=\"{t}\" ไม่ถูกต้อง",
                  f"sheet {sheet} cell {c.get('r')} (part {part}) has an unknown cell type t=\"{t}\"")
    return _number(v.text)
