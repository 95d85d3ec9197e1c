"""A package's parts are inflated when first read (backends/xlsx_package.Parts), straight
from the file's bytes: the same bytes as zipfile gives, every damaged part refused where
it is read, every part checked before a save and, for a workbook that may be written, at
open. And the date formats of xl/styles.xml read from its bytes are the tree reader's."""
from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest

from hostile import CASES, SHEET_PART, Entry, edit, entries_of, part, raw_zip
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.backends.xlsx_book import XlsxBook, XlsxUnitRead
from sheets_sync.backends.xlsx_grid import date_styles, date_styles_of
from sheets_sync.backends.xlsx_package import NS, parse_xml, unzip
from sheets_sync.core.errors import WorkbookError

THEME = "xl/theme/theme1.xml"


@pytest.fixture(scope="module")
def base(seed000_typed) -> Path:
    return seed000_typed


def zipfile_parts(data: bytes) -> dict[str, bytes] | Exception:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {i.filename: z.read(i) for i in z.infolist()}
    except Exception as e:  # noqa: BLE001 - any refusal
        return e


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_parts_are_the_bytes_zipfile_reads(c, base, tmp_path):
    """Every part zipfile reads whole comes out the same; a part it refuses is refused."""
    path = c.build(base, tmp_path)
    if not path.is_file():
        return
    data = path.read_bytes()
    try:
        _, parts, _ = unzip(data, path)
    except WorkbookError:
        return      # refused from the zip's directory (as before: nothing inflated)
    theirs = zipfile_parts(data)
    for name in list(parts):
        try:
            mine = parts[name]
        except WorkbookError as e:
            assert name in e.en, e.en
            assert isinstance(theirs, Exception) or zipfile_corrupt(data, name)
            continue
        if isinstance(theirs, dict):
            assert mine == theirs[name], name


def zipfile_corrupt(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            z.read(name)
    except Exception:  # noqa: BLE001
        return True
    return False


def with_part(base: Path, out: Path, name: str, **changes) -> Path:
    es = entries_of(base)
    e = part(es, name)
    for k, v in changes.items():
        setattr(e, k, v(e) if callable(v) else v)
    out.write_bytes(raw_zip(es))
    return out


def bad_crc(e: Entry) -> int:
    return zlib.crc32(e.data) ^ 0xFFFF


def test_a_damaged_part_never_read_does_not_stop_a_read_only_look(base, tmp_path):
    path = with_part(base, tmp_path / "unit.xlsx", THEME, crc=bad_crc)
    grids = XlsxUnitRead(path).grids()      # the ministry's read: the theme is never inflated
    assert grids
    with pytest.raises(WorkbookError, match=THEME.replace(".", r"\.")):
        XlsxBook(path)                      # a workbook that may be written: refused at open


def test_a_damaged_part_read_is_refused_by_a_read_only_look(base, tmp_path):
    path = with_part(base, tmp_path / "unit.xlsx", SHEET_PART, crc=bad_crc)
    with pytest.raises(WorkbookError, match="corrupt") as e:
        XlsxUnitRead(path).grids()
    assert SHEET_PART in e.value.en


def test_a_save_checks_every_part_first(base, tmp_path):
    """A workbook read part by part and then saved: a damaged part it never read is
    refused before anything is written, the file left byte for byte."""
    path = with_part(base, tmp_path / "unit.xlsx", THEME, crc=bad_crc)
    before = path.read_bytes()
    wb = XlsxWorkbook(path, every_part=False)
    wb.set_cells(wb.sheets[0].name, {(1, 1): "x"})
    with pytest.raises(WorkbookError, match=THEME.replace(".", r"\.")):
        wb.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.xlsx"]


def test_a_lazily_read_workbook_saves_every_part_whole(base, tmp_path):
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(base, path)
    wb = XlsxWorkbook(path, every_part=False)
    wb.set_cells(wb.sheets[0].name, {(1, 1): "x"})
    wb.save()
    old, new = zipfile_parts(base.read_bytes()), zipfile_parts(path.read_bytes())
    assert set(old) == set(new)
    assert all(old[n] == new[n] for n in old if n != wb.sheets[0].part)


# -- date styles from the bytes ------------------------------------------------------------
def styles_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/styles.xml")


def assert_as_tree(data: bytes, plain: bool | None = None) -> None:
    """The byte reader gives the tree reader's set, or None (the tree reader then)."""
    fast = date_styles_of(data)
    try:
        tree = date_styles(parse_xml(data, "xl/styles.xml", "book.xlsx"))
    except WorkbookError:
        return      # a part the tree reader refuses: the caller checks it well-formed first
    if plain is not None:
        assert (fast is not None) == plain, fast
    assert fast is None or fast == tree, (fast, tree)


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_date_styles_of_the_corpus(c, base, tmp_path):
    path = c.build(base, tmp_path)
    try:
        data = styles_of(path)
    except Exception:  # noqa: BLE001 - no readable styles part in this case
        return
    assert_as_tree(data)


HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS}">'
X14 = 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'


def sheet(num_fmts: str = "", xfs: str = "", more: str = "", root: str = HEAD) -> bytes:
    return (root + (f'<numFmts count="9">{num_fmts}</numFmts>' if num_fmts else "")
            + (f'<cellXfs count="9">{xfs}</cellXfs>' if xfs is not None else "") + more + "</styleSheet>").encode()


DATE_FMT = '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
NUM_FMT = '<numFmt numFmtId="165" formatCode="0.000"/>'
XFS = ('<xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" applyNumberFormat="1"/>'
       '<xf numFmtId="164" fontId="0"><alignment horizontal="center"/></xf><xf numFmtId="165"/>'
       '<xf fontId="1" numFmtId="22"/>')


@pytest.mark.parametrize("data, plain", [
    (sheet(DATE_FMT + NUM_FMT, XFS), True),
    (sheet("", XFS), True),                                       # no custom formats
    (sheet(DATE_FMT, None), True),                                # no cellXfs
    (sheet(DATE_FMT, "").replace(b'<cellXfs count="9"></cellXfs>', b'<cellXfs count="0"/>'), True),
    # a formatCode with references and whitespace; one with quotes written as &quot;
    (sheet('<numFmt numFmtId="164" formatCode="&quot;d&quot;&#10;mm\tyy"/>', XFS), True),
    (sheet('<numFmt formatCode="[$-th-TH,107]d mmm yy" numFmtId="164"/>', XFS), True),
    # a dxf's numFmt (iter finds it too: the later one with the same id wins)
    (sheet(NUM_FMT.replace("165", "164"), XFS, f'<dxfs count="1"><dxf>{DATE_FMT}</dxf></dxfs>'), True),
    (sheet(DATE_FMT, XFS, f'<extLst><ext uri="x" {X14}><x14:dxfs count="1"><dxf>{NUM_FMT.replace("165", "164")}'
                          f'</dxf></x14:dxfs></ext></extLst>'), True),
    # what the byte reader leaves to the tree reader
    (sheet(DATE_FMT, XFS, "<!-- <numFmt numFmtId='14'/> -->"), False),
    (sheet(DATE_FMT, XFS.replace('<xf numFmtId="0"', "<xf numFmtId='0'")), False),
    (sheet(DATE_FMT, XFS.replace('<xf numFmtId="0"', '<xf numFmtId = "0"')), False),
    (sheet(DATE_FMT, XFS.replace('<xf numFmtId="0" fontId="0"/>', '<xf fontId="0"/>')), False),
    (sheet(DATE_FMT, XFS.replace('numFmtId="14"', 'numFmtId="&#49;4"')), False),
    (sheet(DATE_FMT, XFS, f'<cellXfs count="1">{XFS}</cellXfs>'), False),
    (sheet(DATE_FMT, XFS, root=f'<x:styleSheet xmlns:x="{NS}">').replace(b"</styleSheet>", b"</x:styleSheet>"),
     False),
    (sheet(DATE_FMT, XFS, root=f'<styleSheet xmlns="{NS}" xmlns:m="{NS}">'), False),
    (sheet(DATE_FMT, XFS, f'<extLst><ext uri="x" xmlns="urn:other"><numFmt numFmtId="0" formatCode="d"/></ext></extLst>'),
     False),
    (sheet(DATE_FMT, XFS, "<![CDATA[x]]>"), False),
    (HEAD.replace("UTF-8", "UTF-16").encode("utf-16"), False),
    (sheet(DATE_FMT, XFS).replace(b"<styleSheet", b"<!DOCTYPE s><styleSheet", 1), False),
])
def test_date_styles_of_hand_written_parts(data, plain):
    assert_as_tree(data, plain)


def test_date_styles_of_our_workbook_and_a_recalculated_one(base, seed000_recalculated):
    for data in (styles_of(base), seed000_recalculated.parts["xl/styles.xml"]):
        assert date_styles_of(data) is not None
        assert_as_tree(data, True)


def test_styles_not_well_formed_are_refused_each_time(base, tmp_path):
    """The date formats are remembered by the styles' bytes only once those were read
    whole: a damaged styles part is refused every time it is met."""
    path = edit(base, tmp_path / "unit.xlsx", "xl/styles.xml", lambda t: t.replace("</styleSheet>", ""))
    for _ in range(2):
        with pytest.raises(WorkbookError, match="styles"):
            XlsxUnitRead(path).grids()
