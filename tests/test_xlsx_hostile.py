"""The hostile-file corpus (tests/hostile): every bad file gets a clear message naming
the file (and the part, sheet and cell where there is one) and is left byte for byte;
every odd-but-valid file is read and recalculated correctly."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHEET
from hostile import CASES, SHEET_PART, Case, with_comment

COMPUTED_COLS = (13, 14, 15, 17)  # score, percentage, weighted score, status


@pytest.fixture(scope="session")
def base(seed000_typed) -> Path:
    return seed000_typed


@pytest.fixture(scope="session")
def reference(base, tmp_path_factory) -> dict:
    """The computed cells of the base workbook after a recalc."""
    import sheets_sync
    from sheets_sync.backends.xlsx_book import XlsxBook
    path = tmp_path_factory.mktemp("ref") / "unit.xlsx"
    path.write_bytes(base.read_bytes())
    sheets_sync.recalc(path)
    return computed(XlsxBook(path).grids()[SHEET])


def computed(grid) -> dict:
    return {k: v for k, v in grid.values.items() if k[1] in COMPUTED_COLS and k[0] >= 5}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def run_recalc(path: Path):
    from sheets_sync.cli import app
    return CliRunner().invoke(app, ["recalc", str(path)])


def snapshot(path: Path):
    return path.read_bytes() if path.is_file() else None


def leftovers(folder: Path, path: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != path.name)


def assert_clean_output(res):
    out = res.output
    assert "unexpected error" not in out and "Traceback" not in out, out
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)


def record_of(path: Path) -> bytes:
    """The zip comment a sheets-sync save leaves (backends/xlsx_vouched), vouching for every
    part of ``path`` as it is: a hostile file made from it keeps the record for the parts
    it did not change, and must be read exactly as without it."""
    with zipfile.ZipFile(path) as z:
        entries = {i.filename: [i.CRC, i.file_size] for i in z.infolist()}
    return b"sheets-sync well-formed " + json.dumps(entries).encode()


@pytest.mark.parametrize("vouched", [False, True], ids=["plain", "with-record"])
@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_corpus(c: Case, vouched: bool, base, reference, tmp_path):
    path = c.build(base, tmp_path)
    if vouched and path.is_file():
        path.write_bytes(with_comment(path.read_bytes(), record_of(base)))
    before = snapshot(path)
    res = run_recalc(path)
    assert_clean_output(res)
    out = flat(res.output)
    assert flat(path.name) in out, res.output
    for m in c.mentions:
        assert flat(m) in out, (m, res.output)
    assert leftovers(tmp_path, path) == [], "temp files left behind"
    if c.expect == "refuse":
        assert res.exit_code not in (0, 3), res.output
        assert snapshot(path) == before, "the original must be kept byte for byte"
        return
    # written; a case whose input is wrong at a cell (a date or INF as a result) exits 1
    assert res.exit_code in ((0, 1) if c.mentions or {"date", "merge"} & set(c.tags) else (0,)), res.output
    check_written(path, c, reference)
    assert_record_true(path, before)


def assert_record_true(path: Path, before: bytes):
    """Every part the written file's record vouches for is the part as it is, and parses
    (a file that came with somebody else's zip comment keeps it and gets no record)."""
    import io
    from lxml import etree
    prefix = b"sheets-sync well-formed "
    with zipfile.ZipFile(io.BytesIO(before)) as z:
        foreign = z.comment if z.comment and not z.comment.startswith(prefix) else None
    with zipfile.ZipFile(path) as z:
        if foreign is not None:
            assert z.comment == foreign
            return
        assert z.comment.startswith(prefix), z.comment[:60]
        rec = json.loads(z.comment[len(prefix):])
        assert any(n.startswith("xl/worksheets/") for n in rec), rec
        for name, (crc, size) in rec.items():
            info = z.getinfo(name)
            assert (info.CRC, info.file_size) == (crc, size), name
            etree.fromstring(z.read(name), etree.XMLParser(huge_tree=True, resolve_entities=False))


def check_written(path: Path, c: Case, reference: dict):
    """An odd-but-valid file came back whole and correct."""
    import openpyxl
    from sheets_sync.backends.xlsx_book import XlsxBook
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert len(names) == len(set(n.lower() for n in names)), "duplicate members"
        assert z.testzip() is None
        sheet_xml = z.read(SHEET_PART).decode("utf-8")
        assert "<!DOCTYPE" not in sheet_xml
        # a shared formula group always keeps its master (Excel repairs the file otherwise)
        masters = set(re.findall(r'<f [^>]*t="shared"[^>]*si="(\d+)"[^>]*>[^<]', sheet_xml))
        for si in re.findall(r'<f [^>]*t="shared"[^>]*si="(\d+)"[^>]*/>', sheet_xml):
            assert si in masters, f"shared formula {si} lost its master"
    if not {"nonfinite", "no-openpyxl"} & set(c.tags):  # the person's INF stays where they typed it; openpyxl cannot read it
        openpyxl.load_workbook(path)  # opens
    grid = XlsxBook(path).grids()[SHEET]
    if "date" in c.tags:
        assert (5, 12) in grid.dates
    elif "merge" in c.tags:
        assert (5, 12, 5, 13) in grid.merges
    elif "shared" in c.tags:  # the indicator rows as in the plain workbook; the others keep their formulas
        assert {k: v for k, v in computed(grid).items() if k in reference} == reference
    elif not c.mentions:  # results untouched: every computed cell as in the plain workbook
        assert computed(grid) == reference


def test_corpus_size():
    assert len(CASES) >= 60


def test_odd_parts_are_kept_byte_for_byte(base, tmp_path):
    from hostile import Entry, entries_of, raw_zip
    path = tmp_path / "unit.xlsx"
    extra = Entry("customXml/item1.xml", b"<x>keep me \xe0\xb8\x81</x>")
    path.write_bytes(raw_zip(entries_of(base) + [extra], comment=b"a person's comment"))
    before = {e.name: e.data for e in entries_of(path)}
    res = run_recalc(path)
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(path) as z:
        assert z.comment == b"a person's comment"
        after = {n: z.read(n) for n in z.namelist()}
    changed = {n for n in before if before[n] != after.get(n)}
    # the scorecard, the metadata and the history sheet (results typed are recorded there)
    assert changed <= {SHEET_PART, "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"}, changed


@pytest.mark.parametrize("tag", ["date", "merge"])
def test_dates_and_merges_reported_at_the_cell(tag, base, tmp_path):
    c = next(c for c in CASES if tag in c.tags)
    path = c.build(base, tmp_path)
    res = CliRunner().invoke(__import__("sheets_sync.cli", fromlist=["app"]).app, ["validate", str(path)])
    assert "L5" in res.output and res.exit_code == 1, res.output
