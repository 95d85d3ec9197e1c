"""The package's zip, written by backends/xlsx_zip (large parts deflated on two threads):
byte for byte what zipfile writes for the same entries, read back whole by zipfile, and
what it does not cover (another compression) handed to zipfile itself."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from sheets_sync.backends.xlsx_zip import write_zip


def zipfile_writes(entries, comment: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, data in entries:
            z.writestr(info, data)
        z.comment = comment
    return buf.getvalue()


def ours(entries, comment: bytes) -> tuple[bytes, list]:
    buf, seen = io.BytesIO(), []

    def comment_of(written):
        seen.extend(written)
        return comment
    write_zip(buf, entries, comment_of)
    return buf.getvalue(), seen


def info(name: str, method=zipfile.ZIP_DEFLATED, when=(2026, 12, 2, 14, 54, 31)) -> zipfile.ZipInfo:
    i = zipfile.ZipInfo(name, when)
    i.compress_type = method
    i.external_attr = 0o644 << 16
    return i


def sheet_xml(rows: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>ตัวชี้วัด {rnd.random()}</t></is></c>'
                    f'<c r="B{r}"><v>{rnd.randint(0, 10**6)}</v></c></row>' for r in range(1, rows + 1))
    return f'<worksheet><sheetData>{cells}</sheetData></worksheet>'.encode()


CASES = {
    "small parts": [(info("[Content_Types].xml"), b"<Types/>"), (info("xl/workbook.xml"), b"<workbook/>" * 40)],
    "large parts on threads": [(info("xl/worksheets/sheet1.xml"), sheet_xml(8000, 1)),
                               (info("xl/worksheets/sheet2.xml"), sheet_xml(5000, 2)),
                               (info("xl/styles.xml"), b"<styleSheet/>"),
                               (info("xl/worksheets/sheet3.xml"), sheet_xml(4000, 3))],
    "stored and empty parts": [(info("xl/media/image1.png", zipfile.ZIP_STORED), bytes(range(256)) * 50),
                               (info("docProps/empty.xml"), b"")],
    "a Thai part name": [(info("xl/ประวัติ.xml"), "<x>ก</x>".encode())],
}


@pytest.mark.parametrize("name", CASES)
def test_the_bytes_zipfile_writes(name):
    entries = CASES[name]
    got, written = ours(entries, b"sheets-sync well-formed {}")
    assert got == zipfile_writes(entries, b"sheets-sync well-formed {}")
    with zipfile.ZipFile(io.BytesIO(got)) as z:
        assert z.testzip() is None
        assert {n: z.read(n) for n in z.namelist()} == {i.filename: d for i, d in entries}
    # the comment is made from the entries as written: their CRC and sizes as zipfile reads them
    with zipfile.ZipFile(io.BytesIO(got)) as z:
        assert [(w.filename, w.CRC, w.file_size) for w in written] == \
            [(i.filename, i.CRC, i.file_size) for i in z.infolist()]


def test_another_compression_goes_through_zipfile():
    entries = [(info("xl/workbook.xml"), b"<workbook/>"), (info("xl/big.xml", zipfile.ZIP_BZIP2), b"<x/>" * 1000)]
    got, written = ours(entries, b"c")
    with zipfile.ZipFile(io.BytesIO(got)) as z:
        assert z.testzip() is None and z.comment == b"c"
        assert z.getinfo("xl/big.xml").compress_type == zipfile.ZIP_BZIP2
        assert z.read("xl/big.xml") == b"<x/>" * 1000
    assert [w.filename for w in written] == ["xl/workbook.xml", "xl/big.xml"]
