"""A corpus of hostile and odd .xlsx files, generated at test time from a good workbook.

Each :class:`Case` builds one file (or one faulty environment) in a temp folder from
``base`` (a seed-000 scorecard with results typed in) and says what must happen when
``recalc`` meets it:

- ``refuse``: a clear message (no traceback, no "unexpected error") naming the file and,
  where there is one, the part, sheet and cell (``mentions``), and every byte of the
  original kept;
- ``ok``: valid (if odd) OOXML, read and recalculated correctly; ``check`` looks at the
  result.

Zip files are written by a small raw writer (:func:`raw_zip`) so a case can hold what
``zipfile`` refuses to write: duplicate members, lying sizes, bad CRCs, unknown methods.
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_PART = "xl/worksheets/sheet1.xml"
SHEET = "ตัวชี้วัด"


# -- a raw zip writer --------------------------------------------------------------------
@dataclass
class Entry:
    name: str
    data: bytes = b""              # uncompressed content
    method: int = zipfile.ZIP_DEFLATED
    raw: bytes | None = None       # compressed bytes as stored (default: deflate of data)
    crc: int | None = None         # default: crc32(data)
    size: int | None = None        # declared uncompressed size (default: len(data))
    flags: int = 0


def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def raw_zip(entries: list[Entry], comment: bytes = b"") -> bytes:
    out, central = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        stored = e.raw if e.raw is not None else (_deflate(e.data) if e.method == zipfile.ZIP_DEFLATED else e.data)
        crc = e.crc if e.crc is not None else zlib.crc32(e.data)
        size = e.size if e.size is not None else len(e.data)
        flags = e.flags | 0x800
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, e.method, 0, 0x21, crc, len(stored), size,
                           len(name), 0) + name + stored
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, e.method, 0, 0x21, crc,
                               len(stored), size, len(name), 0, 0, 0, 0, 0, offset) + name
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset,
                       len(comment)) + comment
    return bytes(out)


def with_comment(data: bytes, comment: bytes) -> bytes:
    """A zip's bytes with its comment replaced (bytes with no end record come back as they were)."""
    end = data.rfind(b"PK\x05\x06")
    if end == -1 or len(data) < end + 22:
        return data
    return data[:end + 20] + struct.pack("<H", len(comment)) + comment


def entries_of(path: Path) -> list[Entry]:
    with zipfile.ZipFile(path) as z:
        return [Entry(i.filename, z.read(i.filename)) for i in z.infolist()]


def part(entries: list[Entry], name: str) -> Entry:
    return next(e for e in entries if e.name == name)


def edit(base: Path, out: Path, name: str, fn: Callable[[str], str]) -> Path:
    """``base`` with one part's text passed through ``fn``."""
    es = entries_of(base)
    e = part(es, name)
    e.data = fn(e.data.decode("utf-8")).encode("utf-8")
    out.write_bytes(raw_zip(es))
    return out


def sub(pattern: str, repl: str, count: int = 1, flags: int = 0) -> Callable[[str], str]:
    def fn(text: str) -> str:
        new, n = re.subn(pattern, repl, text, count=count, flags=flags)
        assert n, f"pattern {pattern!r} not found"
        return new
    return fn


def set_cell(ref: str, xml: str) -> Callable[[str], str]:
    """Replace the whole ``<c r="ref">`` element (``{s}`` in ``xml`` becomes its style)."""
    def fn(text: str) -> str:
        m = re.search(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', text, flags=re.S)
        assert m, ref
        style = re.search(r's="(\d+)"', m.group(1))
        return text[:m.start()] + xml.replace("{s}", f' s="{style.group(1)}"' if style else "") + text[m.end():]
    return fn


def with_shared_strings(base: Path, out: Path, sheet_edit: Callable[[str], str], sst: bytes | None) -> Path:
    es = entries_of(base)
    if sst is not None:
        es.append(Entry("xl/sharedStrings.xml", sst))
    e = part(es, SHEET_PART)
    e.data = sheet_edit(e.data.decode("utf-8")).encode("utf-8")
    out.write_bytes(raw_zip(es))
    return out


SST = f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>ตัวชี้วัด</t></si></sst>'.encode()


def bomb_entry(name: str, mib: int) -> Entry:
    """A deflate stream of ``mib`` MiB of repeated XML, built from one repeated
    full-flush segment (fast to build: no 900 MiB buffer is ever made)."""
    chunk = b"<c/>" * (2 ** 18)  # 1 MiB
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    seg = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    seg2 = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)  # the same bytes from here on
    raw = seg + seg2 * (mib - 1) + co.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return Entry(name, b"", raw=raw, crc=crc, size=mib * 2 ** 20)


# -- cases -----------------------------------------------------------------------------
@dataclass
class Case:
    name: str
    build: Callable[[Path, Path], Path]        # (base workbook, folder) -> the file to run on
    expect: str = "refuse"                     # "refuse" | "ok"
    mentions: tuple[str, ...] = ()             # what the message must name besides the file
    check: Callable[[Path], None] | None = None  # for "ok": the result is right
    setup: Callable[[Path], object] | None = None  # a fault around the run (returns an undo)
    tags: tuple[str, ...] = field(default_factory=tuple)


CASES: list[Case] = []


def case(name, expect="refuse", mentions=(), check=None, tags=()):
    def deco(build):
        CASES.append(Case(name, build, expect, tuple(mentions), check, tags=tuple(tags)))
        return build
    return deco


def _copy(base: Path, out: Path) -> Path:
    out.write_bytes(base.read_bytes())
    return out


def _target(d: Path) -> Path:
    return d / "unit.xlsx"


# A. not a zip, or a zip that is not a workbook
@case("empty file", mentions=("0",))
def _(base, d):
    p = _target(d)
    p.write_bytes(b"")
    return p


@case("random bytes")
def _(base, d):
    p = _target(d)
    p.write_bytes(os.urandom(4096))
    return p


@case("truncated to half")
def _(base, d):
    p = _target(d)
    data = base.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


@case("central directory cut off")
def _(base, d):
    p = _target(d)
    p.write_bytes(base.read_bytes()[:-60])
    return p


@case("password-protected (OLE container)", mentions=(".xls",))
def _(base, d):
    p = _target(d)
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    return p


@case("CSV renamed to .xlsx")
def _(base, d):
    p = _target(d)
    p.write_text("รหัส,ตัวชี้วัด,น้ำหนัก\nKPI.1,x,100\n", encoding="utf-8")
    return p


@case("HTML renamed to .xlsx")
def _(base, d):
    p = _target(d)
    p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    return p


@case("empty zip", mentions=("xl/workbook.xml",))
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip([]))
    return p


@case("a Word document", mentions=("xl/workbook.xml",))
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip([Entry("[Content_Types].xml", b"<Types/>"), Entry("word/document.xml", b"<w/>")]))
    return p


@case("no [Content_Types].xml", mentions=("[Content_Types].xml",))
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip([e for e in entries_of(base) if e.name != "[Content_Types].xml"]))
    return p


@case("a folder named unit.xlsx", mentions=("folder",))
def _(base, d):
    p = _target(d)
    p.mkdir()
    return p


@case("zip bomb: a 900 MiB sheet part", mentions=(SHEET_PART, "MiB"), tags=("bomb",))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    es[[e.name for e in es].index(SHEET_PART)] = bomb_entry(SHEET_PART, 900)
    p.write_bytes(raw_zip(es))
    return p


@case("zip bomb: five 60 MiB parts (the total over the limit)", mentions=("MiB", "in all"), tags=("bomb",))
def _(base, d):
    p = _target(d)
    es = entries_of(base) + [bomb_entry(f"xl/media/image{i}.bin", 60) for i in range(5)]
    p.write_bytes(raw_zip(es))
    return p


@case("a part that lies about its size (inflates past it)", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    e.size = 1000
    p.write_bytes(raw_zip(es))
    return p


@case("corrupt deflate stream", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    raw = bytearray(_deflate(e.data))
    for i in range(len(raw) // 3, len(raw) // 3 + 40):
        raw[i] ^= 0xA5
    e.raw = bytes(raw)
    p.write_bytes(raw_zip(es))
    return p


@case("CRC mismatch", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    e.crc = zlib.crc32(e.data) ^ 0xFFFF
    p.write_bytes(raw_zip(es))
    return p


@case("unknown compression method", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    e.raw, e.method = _deflate(e.data), 99
    p.write_bytes(raw_zip(es))
    return p


@case("encrypted member", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    part(es, SHEET_PART).flags = 0x1
    p.write_bytes(raw_zip(es))
    return p


@case("the sheet part twice", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    es.append(Entry(e.name, e.data.replace(b"KPI.1", b"KPI.9")))
    p.write_bytes(raw_zip(es))
    return p


@case("the sheet part twice, differing in case", mentions=("xl/worksheets/sheet1.xml", "Sheet1.xml"))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    es.append(Entry("xl/worksheets/Sheet1.xml", e.data))
    p.write_bytes(raw_zip(es))
    return p


@case("the workbook part twice", mentions=("xl/workbook.xml",))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    es.insert(0, Entry("xl/workbook.xml", part(es, "xl/workbook.xml").data))
    p.write_bytes(raw_zip(es))
    return p


@case("20000 members", mentions=("20",))
def _(base, d):
    p = _target(d)
    es = entries_of(base) + [Entry(f"customXml/item{i}.xml", b"<a/>", method=zipfile.ZIP_STORED)
                             for i in range(20000)]
    p.write_bytes(raw_zip(es))
    return p


# B. XML that is broken or hostile
@case("sheet part not well-formed", mentions=(SHEET_PART,))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, lambda t: t[: len(t) // 2])


@case("workbook part not well-formed", mentions=("xl/workbook.xml",))
def _(base, d):
    return edit(base, _target(d), "xl/workbook.xml", lambda t: t.replace("</sheets>", "</sheetz>"))


@case("workbook rels not well-formed", mentions=("xl/_rels/workbook.xml.rels",))
def _(base, d):
    return edit(base, _target(d), "xl/_rels/workbook.xml.rels", lambda t: t + "<junk")


@case("shared strings not well-formed", mentions=("xl/sharedStrings.xml",))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    es.append(Entry("xl/sharedStrings.xml", b"<sst xmlns='" + NS.encode() + b"'><si><t>a</t></s>"))
    p.write_bytes(raw_zip(es))
    return p


@case("styles not well-formed", mentions=("xl/styles.xml",))
def _(base, d):
    return edit(base, _target(d), "xl/styles.xml", lambda t: t.replace("</styleSheet>", ""))


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + "]>")


@case("entity bomb in the workbook rels", mentions=("xl/_rels/workbook.xml.rels", "DTD"))
def _(base, d):
    return edit(base, _target(d), "xl/_rels/workbook.xml.rels",
                lambda t: LAUGHS + re.sub(r"^<\?xml[^>]*\?>", "", t).replace("</Relationships>",
                                                                            "<x>&lol9;</x></Relationships>"))


@case("external entity in the sheet part", mentions=(SHEET_PART, "DTD"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART,
                lambda t: '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                + re.sub(r"^<\?xml[^>]*\?>", "", t).replace("KPI.1", "&xxe;", 1))


@case("DOCTYPE in the styles part", mentions=("xl/styles.xml", "DTD"))
def _(base, d):
    return edit(base, _target(d), "xl/styles.xml",
                lambda t: '<?xml version="1.0"?><!DOCTYPE s SYSTEM "http://example.invalid/s.dtd">'
                + re.sub(r"^<\?xml[^>]*\?>", "", t))


@case("Strict Open XML", mentions=("Strict",))
def _(base, d):
    return edit(base, _target(d), "xl/workbook.xml",
                lambda t: t.replace(NS, "http://purl.oclc.org/ooxml/spreadsheetml/main"))


@case("workbook part is not a workbook", mentions=("xl/workbook.xml",))
def _(base, d):
    return edit(base, _target(d), "xl/workbook.xml", lambda t: f'<foo xmlns="{NS}"/>')


@case("a sheet refers to a relationship that is missing", mentions=("rId1", "xl/_rels/workbook.xml.rels"))
def _(base, d):
    return edit(base, _target(d), "xl/_rels/workbook.xml.rels", sub(r'Id="rId1"', 'Id="rId99"'))


@case("a sheet points to a part that is missing", mentions=(SHEET_PART,))
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip([e for e in entries_of(base) if e.name != SHEET_PART]))
    return p


@case("two sheets with the same name", mentions=("_sheets_sync",))
def _(base, d):
    return edit(base, _target(d), "xl/workbook.xml", sub(r'name="ประวัติการแก้ไข"', 'name="_sheets_sync"'))


@case("two sheets share one part", mentions=("sheet1.xml",))
def _(base, d):
    return edit(base, _target(d), "xl/_rels/workbook.xml.rels", sub(r'worksheets/sheet2\.xml', 'worksheets/sheet1.xml'))


@case("sheet part is not a worksheet", mentions=(SHEET_PART,))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, lambda t: f'<chartsheet xmlns="{NS}"/>')


# C. rows and cells that are malformed
def _cell(ref: str) -> str:
    return rf'<c r="{ref}"'


@case("shared-string index out of range", mentions=(SHEET, "D5", "999"))
def _(base, d):
    return with_shared_strings(base, _target(d), set_cell("D5", '<c r="D5"{s} t="s"><v>999</v></c>'), SST)


@case("shared-string index not a number", mentions=(SHEET, "D5"))
def _(base, d):
    return with_shared_strings(base, _target(d), set_cell("D5", '<c r="D5"{s} t="s"><v>x</v></c>'), SST)


@case("shared string used, no shared-strings part", mentions=(SHEET, "D5", "sharedStrings"))
def _(base, d):
    return with_shared_strings(base, _target(d), set_cell("D5", '<c r="D5"{s} t="s"><v>0</v></c>'), None)


@case("cell reference r=\"L\" (not A1)", mentions=(SHEET, SHEET_PART, '"L"'))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<c r="L5"', '<c r="L"'))


@case("cell reference r=\"5L\"", mentions=(SHEET, "5L"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<c r="L5"', '<c r="5L"'))


@case("row number not a number", mentions=(SHEET, "abc"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<row r="5"', '<row r="abc"'))


@case("row number 0", mentions=(SHEET, 'r="0"'))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<row r="1"', '<row r="0"'))


@case("row number past the last row", mentions=(SHEET, "2000000"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART,
                lambda t: t.replace("</sheetData>", '<row r="2000000"><c r="A2000000"><v>1</v></c></row></sheetData>'))


@case("rows out of order", mentions=(SHEET, "row 3"))
def _(base, d):
    def swap(t):
        rows = re.findall(r"<row [^>]*>.*?</row>", t, flags=re.S)
        return t.replace(rows[2], "\0").replace(rows[3], rows[2]).replace("\0", rows[3])
    return edit(base, _target(d), SHEET_PART, swap)


@case("a row repeated", mentions=(SHEET, "row 5"))
def _(base, d):
    def dup(t):
        row = re.search(r'<row r="5".*?</row>', t, flags=re.S).group(0)
        return t.replace(row, row + row)
    return edit(base, _target(d), SHEET_PART, dup)


@case("a cell repeated in its row", mentions=(SHEET, "L5"))
def _(base, d):
    def dup(t):
        c = re.search(r'<c r="L5".*?(?:/>|</c>)', t, flags=re.S).group(0)
        return t.replace(c, c + c)
    return edit(base, _target(d), SHEET_PART, dup)


@case("cells out of order in a row", mentions=(SHEET,))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<c r="C5"', '<c r="Z5"'))


@case("a cell in the wrong row", mentions=(SHEET, "B9"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<c r="A5"', '<c r="B9"'))


@case("a cell past column XFD", mentions=(SHEET, "XFE5"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART,
                lambda t: re.sub(r'(<row r="5"[^>]*>.*?)(</row>)', r'\1<c r="XFE5"><v>1</v></c>\2', t, count=1, flags=re.S))


@case("unknown cell type", mentions=(SHEET, "L5", "t="))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s} t="x"><v>1</v></c>'))


@case("a merged range that is not A1", mentions=(SHEET, "Q1:"))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<mergeCell ref="[^"]+"', '<mergeCell ref="Q1:"'))


@case("a worksheet with no sheetData", mentions=())
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r"<sheetData>.*</sheetData>", "", flags=re.S))


# D. valid OOXML (or merely odd) files: read correctly
def _cells_without_r(t: str) -> str:
    """OOXML lets a writer leave out r on cells that follow one another: fill every gap in
    each row with empty cells so positions stay the same, then drop every cell's r."""
    from openpyxl.utils.cell import column_index_from_string

    def row(m):
        out, col = [], 0
        for c in re.finditer(r'<c r="([A-Z]+)\d+"(.*?)(/>|>.*?</c>)', m.group(2), flags=re.S):
            k = column_index_from_string(c.group(1))
            out += ["<c/>"] * (k - col - 1)
            out.append(f"<c{c.group(2)}{c.group(3)}")
            col = k
        return m.group(1) + "".join(out) + "</row>"
    return re.sub(r"(<row [^>]*[^/]>)(.*?)</row>", row, t, flags=re.S)


@case("cells without r attributes (valid OOXML)", expect="ok", check=None)
def _(base, d):
    return edit(base, _target(d), SHEET_PART, _cells_without_r)


@case("rows and cells without r attributes (valid OOXML)", expect="ok")
def _(base, d):
    return edit(base, _target(d), SHEET_PART, lambda t: re.sub(r'(<row)\s+r="\d+"', r"\1", _cells_without_r(t)))


@case("members stored uncompressed", expect="ok")
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    for e in es:
        e.method = zipfile.ZIP_STORED
    p.write_bytes(raw_zip(es))
    return p


@case("archive comment kept", expect="ok")
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip(entries_of(base), comment=b"made by a person"))
    return p


@case("a bogus dimension", expect="ok")
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'<dimension ref="[^"]*"', '<dimension ref="garbage"'))


@case("bogus row spans", expect="ok")
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r'(<row r="5")', r'\1 spans="9:3"'))


@case("sheet part in UTF-16", expect="ok")
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    e = part(es, SHEET_PART)
    text = re.sub(r"^<\?xml[^>]*\?>", "", e.data.decode("utf-8"))
    e.data = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    p.write_bytes(raw_zip(es))
    return p


@case("an unknown extra part is kept", expect="ok")
def _(base, d):
    p = _target(d)
    p.write_bytes(raw_zip(entries_of(base) + [Entry("customXml/item1.xml", b"<x>keep me</x>")]))
    return p


@case("an external hyperlink relationship", expect="ok")
def _(base, d):
    return edit(base, _target(d), "xl/_rels/workbook.xml.rels",
                lambda t: t.replace("</Relationships>", '<Relationship Id="rIdX" Type="http://schemas.openxml'
                                    'formats.org/officeDocument/2006/relationships/hyperlink" Target="https://'
                                    'example.go.th/" TargetMode="External"/></Relationships>'))


@case("a result written as 1E1", expect="ok")
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s}><v>2E0</v></c>'))


@case("a shared formula filled down the score column", expect="ok", tags=("shared",))
def _(base, d):
    def fill(t):
        t = re.sub(r'<c r="M5"([^>]*?)(/>|>.*?</c>)', r'<c r="M5"\1><f t="shared" ref="M5:M20" si="0">L5*1</f><v>0</v></c>',
                   t, count=1, flags=re.S)
        for r in range(6, 21):
            t, n = re.subn(rf'<c r="M{r}"([^>]*?)(/>|>.*?</c>)', rf'<c r="M{r}"\1><f t="shared" si="0"/><v>0</v></c>',
                           t, count=1, flags=re.S)
        return t
    return edit(base, _target(d), SHEET_PART, fill)


@case("a non-finite result (INF)", expect="ok", mentions=("L5",), tags=("nonfinite",))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s}><v>INF</v></c>'))


@case("a non-finite result (NaN)", expect="ok", mentions=("L5",), tags=("nonfinite",))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s}><v>NaN</v></c>'))


@case("a result that overflows (1e400)", expect="ok", mentions=("L5",), tags=("nonfinite",))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s}><v>1e400</v></c>'))


@case("an ISO date cell (t=\"d\") as a result", expect="ok", mentions=("L5",))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, set_cell("L5", '<c r="L5"{s} t="d"><v>2024-03-31</v></c>'))


@case("a chart sheet beside the worksheets", expect="ok", tags=("no-openpyxl",))
def _(base, d):
    p = _target(d)
    es = entries_of(base)
    es.append(Entry("xl/chartsheets/sheet1.xml", f'<chartsheet xmlns="{NS}"/>'.encode()))
    wbrels = part(es, "xl/_rels/workbook.xml.rels")
    wbrels.data = wbrels.data.replace(b"</Relationships>", b'<Relationship Id="rIdC" Type="http://schemas.openxml'
                                      b'formats.org/officeDocument/2006/relationships/chartsheet" Target="chartsh'
                                      b'eets/sheet1.xml"/></Relationships>')
    wb = part(es, "xl/workbook.xml")
    wb.data = re.sub(rb"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                     b'name="Chart1" sheetId="99" r:id="rIdC"/></sheets>', wb.data)
    p.write_bytes(raw_zip(es))
    return p


# cases a person may well produce whose reporting at the cell is the checks' job: the
# backend exposes them (grid.dates, grid.merges); see test_xlsx_hostile
@case("a date typed as a result", expect="ok", tags=("date",))
def _(base, d):
    def styles(t):
        # one more cellXfs entry with the built-in date format 14
        m = re.search(r'<cellXfs count="(\d+)">', t)
        n = int(m.group(1))
        t = t.replace(m.group(0), f'<cellXfs count="{n + 1}">')
        return t.replace("</cellXfs>", '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>'), n
    p = _target(d)
    es = entries_of(base)
    st = part(es, "xl/styles.xml")
    text, idx = styles(st.data.decode())
    st.data = text.encode()
    sh = part(es, SHEET_PART)
    sh.data = re.sub(rb'<c r="L5"[^>]*?(/>|>.*?</c>)', f'<c r="L5" s="{idx}"><v>45382</v></c>'.encode(), sh.data,
                     count=1, flags=re.S)
    p.write_bytes(raw_zip(es))
    return p


@case("a result cell merged with its score cell", expect="ok", tags=("merge",))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, sub(r"</mergeCells>", '<mergeCell ref="L5:M5"/></mergeCells>'))


@case("weights of 1e308 (the weighted scores overflow)", mentions=(SHEET,))
def _(base, d):
    return edit(base, _target(d), SHEET_PART, lambda t: set_cell("E7", '<c r="E7"{s}><v>1e308</v></c>')(
        set_cell("E5", '<c r="E5"{s}><v>1e308</v></c>')(t)))
