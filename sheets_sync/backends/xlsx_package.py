"""The .xlsx package as a zip of XML parts: its namespaces, the size limits checked
before anything is inflated, safe XML parsing, a part's relationships, and the zip
read and written back with every part we did not touch byte for byte."""
from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..core.errors import WorkbookError

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
Q = f"{{{NS}}}"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
WORKSHEET_REL = "/worksheet"
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=True)

# Limits checked against the zip's directory before anything is inflated (a zip bomb is
# refused at once). A unit's scorecard is well under 1 MiB; these leave a wide margin.
MAX_FILE_BYTES = 200 * 2**20    # the .xlsx on disk
MAX_PART_BYTES = 64 * 2**20     # one part, inflated (lxml needs several times this to parse it)
MAX_TOTAL_BYTES = 256 * 2**20   # all parts, inflated
MAX_PARTS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def bad(book: str | Path, th: str, en: str) -> WorkbookError:
    """An error about workbook ``book``, in Thai and English."""
    return WorkbookError(f"ไฟล์ {book}: {th}", f"{book}: {en}")


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


def to_xml(root) -> bytes:
    """A part's XML as the bytes stored in the package."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def unzip(data: bytes, book: str | Path) -> tuple[list[zipfile.ZipInfo], Parts, bytes]:
    """The zip's entries, its parts (name -> bytes, inflated when first read: see
    :class:`Parts`) and its comment; a file that is not an .xlsx, a zip bomb, a part named
    twice or an encrypted part is refused at once, from the zip's directory."""
    if not data:
        raise bad(book, "ไฟล์ว่างเปล่า (0 ไบต์)", "the file is empty (0 bytes)")
    if data.startswith(_OLE_MAGIC):
        raise bad(book, "เป็นไฟล์ที่ตั้งรหัสผ่านไว้ หรือไฟล์ .xls แบบเก่า ไม่ใช่ .xlsx (เอารหัสผ่านออก/บันทึกเป็น .xlsx ก่อน)",
                  "is password-protected or an old .xls file, not an .xlsx (remove the password "
                  "or save it as .xlsx first)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise WorkbookError(f"ไฟล์ {book} ไม่ใช่ไฟล์ Excel (.xlsx) ที่อ่านได้ หรือไฟล์เสีย",
                            f"{book} is not a readable .xlsx workbook (corrupt or another format): {e}") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise bad(book, f"มีส่วนย่อย {len(infos)} ส่วน เกินกว่าที่รับได้ ({MAX_PARTS})",
                      f"holds {len(infos)} parts, more than the {MAX_PARTS} accepted")
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            key = info.filename.lower()
            if key in seen:
                twice = info.filename if seen[key] == info.filename else f"{seen[key]} / {info.filename}"
                raise bad(book, f"มีส่วน {twice} ซ้ำสองครั้งในไฟล์ zip (ไฟล์เสียหรือถูกดัดแปลง)",
                          f"part {twice} appears twice in the zip (names of parts ignore case; "
                          f"a damaged or tampered file): refusing to guess which one is real")
            seen[key] = info.filename
            if info.file_size > MAX_PART_BYTES:
                raise bad(book, f"ส่วน {info.filename} เมื่อคลายออกมีขนาด {info.file_size / 2**20:.0f} MiB "
                          f"เกินขีดจำกัด {MAX_PART_BYTES / 2**20:.0f} MiB (อาจเป็น zip bomb) ไม่คลายไฟล์",
                          f"part {info.filename} would inflate to {info.file_size / 2**20:.0f} MiB, over "
                          f"the {MAX_PART_BYTES / 2**20:.0f} MiB limit (a zip bomb?); not inflated")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise bad(book, f"เมื่อคลายออกรวมกันเกิน {MAX_TOTAL_BYTES / 2**20:.0f} MiB (อาจเป็น zip bomb) ไม่คลายไฟล์",
                          f"its parts would inflate to over {MAX_TOTAL_BYTES / 2**20:.0f} MiB in all "
                          f"(a zip bomb?); not inflated")
            if info.flag_bits & 0x1:
                raise bad(book, f"ส่วน {info.filename} ถูกเข้ารหัส", f"part {info.filename} is encrypted")
    return infos, Parts(data, infos, book), z.comment


class Parts(MutableMapping):
    """The package's parts, name -> bytes, each inflated (and its CRC checked) when it is
    first read: a ministry reading a unit never needs its theme, document properties or
    archive tab. :meth:`inflate_all` checks every part (before a save, and at open where
    a workbook may be written: see XlsxWorkbook)."""

    def __init__(self, data: bytes, infos: list[zipfile.ZipInfo], book: str | Path):
        self._data, self._book = data, book
        self._packed = {i.filename: i for i in infos}      # not inflated yet
        self._bytes: dict[str, bytes] = {}
        self._replaced: set[str] = set()    # set since read: no longer the file's bytes

    def from_file(self, name: str) -> bool:
        """Whether the part still holds the bytes of the file read (never replaced)."""
        return name in self and name not in self._replaced

    def __getitem__(self, name: str) -> bytes:
        try:
            return self._bytes[name]
        except KeyError:
            pass
        data = _inflate(self._data, self._packed[name], self._book)
        del self._packed[name]
        self._bytes[name] = data
        if not self._packed:
            self._data = b""    # every part inflated: the file's bytes are not needed again
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        self._packed.pop(name, None)
        self._replaced.add(name)
        self._bytes[name] = data

    def __delitem__(self, name: str) -> None:
        if self._packed.pop(name, None) is None:
            del self._bytes[name]
        else:
            self._bytes.pop(name, None)

    def __contains__(self, name) -> bool:
        return name in self._bytes or name in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter([*self._bytes, *self._packed])

    def __len__(self) -> int:
        return len(self._bytes) + len(self._packed)

    def inflate_all(self) -> None:
        """Inflate every part not read yet: a corrupt one is refused here, as at open."""
        for name in list(self._packed):
            self[name]


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def _inflate(data: bytes, info: zipfile.ZipInfo, book: str | Path) -> bytes:
    """One part's bytes, inflated from the file's bytes and checked against its CRC and
    size. A stored or deflated part (all Excel writes) is read here directly: zipfile's
    reader objects cost more than the inflating of a small part. Anything else goes
    through zipfile, which says what is wrong or unsupported."""
    o = info.header_offset
    try:
        (magic, _, flags, method, _, _, _, _, _, n, m) = _LOCAL_HEADER.unpack_from(data, o)
    except struct.error:
        magic = flags = method = n = m = None
    if magic != b"PK\x03\x04" or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or flags & 0x61 \
            or info.compress_type != method:
        return _inflate_zipfile(data, info, book)
    name = bytes(data[o + 30:o + 30 + n])
    if name.decode("utf-8" if flags & 0x800 else "cp437", "replace") != info.orig_filename:
        return _inflate_zipfile(data, info, book)   # zipfile names the mismatch
    start = o + 30 + n + m
    raw = memoryview(data)[start:start + info.compress_size]
    try:
        if len(raw) < info.compress_size:
            raise EOFError("the compressed data ends early")
        if method == zipfile.ZIP_STORED:
            out = bytes(raw)
        else:
            # never more than the size the directory declares (checked against the limits)
            out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        if len(out) != info.file_size:
            raise zipfile.BadZipFile(f"inflates to {len(out)} bytes, not the {info.file_size} declared")
        if zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as e:
        raise _corrupt(info, book, e) from None
    return out


def _corrupt(info: zipfile.ZipInfo, book: str | Path, e: Exception) -> WorkbookError:
    return bad(book, f"ส่วน {info.filename} เสีย (ข้อมูลบีบอัดคลายไม่ได้หรือ CRC ไม่ตรง)",
               f"part {info.filename} is corrupt (its compressed data cannot be inflated "
               f"or fails its CRC check): {e}")


def _inflate_zipfile(data: bytes, info: zipfile.ZipInfo, book: str | Path) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open(info) as fh:
            out = fh.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise _corrupt(info, book, e) from None
    except (NotImplementedError, RuntimeError) as e:
        raise bad(book, f"ส่วน {info.filename} ใช้วิธีบีบอัด/เข้ารหัสที่ไม่รองรับ",
                  f"part {info.filename} uses an unsupported compression or encryption: {e}") from None
    if len(out) > MAX_PART_BYTES:
        raise bad(book, f"ส่วน {info.filename} ใหญ่เกินขีดจำกัด", f"part {info.filename} is over the size limit")
    return out


def zip_into(fh: BinaryIO, infos: list[zipfile.ZipInfo], parts: dict[str, bytes], comment: bytes,
             good: set[str] = frozenset()) -> None:
    """Write the package into ``fh``: the entries in their order (a part dropped from
    ``parts`` is left out), and the zip comment: the record of the ``good`` parts (known
    well-formed: see :mod:`.xlsx_vouched`), or somebody else's comment as it was."""
    from .xlsx_vouched import record
    from .xlsx_zip import write_zip
    write_zip(fh, [(info, parts[info.filename]) for info in infos if info.filename in parts],
              lambda written: record(comment, written, good))


def rels_of(parts: dict[str, bytes], part: str, book: str | Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """The relationships part of ``part`` and its Id -> (target part, type)."""
    rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_part not in parts:
        return rels_part, {}
    root = parse_xml(parts[rels_part], rels_part, book)
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


def add_worksheet_part(parts: dict[str, bytes], infos: list[zipfile.ZipInfo], book: str | Path) -> tuple[str, str]:
    """Add an empty worksheet part, its relationship from the workbook and its content
    type; returns (part, relationship id). Listing it in xl/workbook.xml is the caller's."""
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in parts:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    parts[part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<worksheet xmlns="{NS}" xmlns:r="{R_NS}"><sheetData/></worksheet>').encode()
    infos.append(zipfile.ZipInfo(part, date_time=(2024, 1, 1, 0, 0, 0)))
    infos[-1].compress_type = zipfile.ZIP_DEFLATED
    rels_part = "xl/_rels/workbook.xml.rels"
    rels = parse_xml(parts[rels_part], rels_part, book)
    ids = {r.get("Id") for r in rels}
    rid = next(f"rId{i}" for i in range(1, 10_000) if f"rId{i}" not in ids)
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Target=f"worksheets/sheet{n}.xml",
                     Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")
    parts[rels_part] = to_xml(rels)
    ct = parse_xml(parts["[Content_Types].xml"], "[Content_Types].xml", book)
    etree.SubElement(ct, "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
                     PartName=f"/{part}",
                     ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
    parts["[Content_Types].xml"] = to_xml(ct)
    return part, rid


def remove_calc_chain(parts: dict[str, bytes], book: str | Path) -> None:
    """Remove Excel's calculation chain: a formula we replaced by a value must leave it
    too; without the part Excel simply rebuilds it."""
    if "xl/calcChain.xml" not in parts:
        return
    del parts["xl/calcChain.xml"]
    for part, needle in (("xl/_rels/workbook.xml.rels", b"calcChain"), ("[Content_Types].xml", b"calcChain")):
        if part in parts:
            root = parse_xml(parts[part], part, book)
            for el in list(root):
                if needle in etree.tostring(el):
                    root.remove(el)
            parts[part] = to_xml(root)
