"""Writes spliced into a sheet part's bytes (backends/xlsx_splice) give the same XML as
the tree writer (xlsx_cell_writes, xlsx_notes) — compared canonicalised (C14N), so only
how the XML is spelled may differ — or decline (None) and leave the write to the tree.
Checked on our own workbooks, the whole hostile corpus and parts written by hand with the
corners the splicer must get right; the bytes it does not write stay as they were."""
from __future__ import annotations

import shutil

import pytest
from lxml import etree

from hostile import CASES
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.backends.xlsx_cell_writes import grow_rows, write_cells
from sheets_sync.backends.xlsx_notes import NOTE_TITLE, write_notes
from sheets_sync.backends.xlsx_package import NS, parse_xml
from sheets_sync.backends.xlsx_splice import splice_cells, splice_heights, splice_notes
from sheets_sync.core.errors import WorkbookError

# what a recalc writes, and the odd values a writer must spell right
VALUES = [1.5, 2, 0.1 + 0.2, -3.0, 1e21, True, False, None, "", "ข้อความ", " lead and trail ", "a & b < c > d",
          "line\r\nbreak", "ctl\x01char", "=SUM(A1)", 10**12]


def c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def by_tree(data: bytes, op, arg, name="s", part="xl/worksheets/sheet1.xml"):
    root = parse_xml(data, part, "book.xlsx")
    try:
        if op == "cells":
            out = write_cells(root, arg, name, part, "book.xlsx")
        elif op == "notes":
            out = write_notes(root, arg)
        else:
            out = grow_rows(root, arg)
    except Exception as e:      # noqa: BLE001 - whatever it raises, the splicer must have declined
        return e, None
    return out, etree.tostring(root)


def by_splice(data: bytes, op, arg, name="s"):
    if op == "cells":
        done = splice_cells(data, arg, name, "book.xlsx")
        return (None, None) if done is None else (done[1], done[0])
    done = splice_notes(data, arg) if op == "notes" else splice_heights(data, arg)
    return None, done


def assert_same(data: bytes, op, arg, must_splice=False):
    got, spliced = by_splice(data, op, arg)
    want, tree = by_tree(data, op, arg)
    if spliced is None:
        assert not must_splice, "this write should not need the tree"
        return
    assert not isinstance(want, Exception), f"the tree writer refuses what was spliced: {want}"
    assert c14n(spliced) == c14n(tree)
    assert got == want


def updates_for(data: bytes) -> dict:
    """Cells of the part that exist, cells next to them that do not, rows that do not
    exist in the middle and after the last row (more than 64 cells: the appended rows)."""
    from sheets_sync.backends.xlsx_scan import scan_grid
    g = scan_grid(data, "s", "p", [f"s{i}" for i in range(10_000)], set(), "book.xlsx")
    if g is None or not g.values:
        return {(2, 2): 5.0}
    cells = sorted(g.values)
    last = max(r for r, _ in cells)
    out = {}
    for i, (r, c) in enumerate(cells[::7]):
        out[(r, c)] = VALUES[i % len(VALUES)]
        out[(r, c + 40)] = VALUES[(i + 3) % len(VALUES)]
    for i in range(70):
        out[(last + 2 + i // 5, 1 + i % 5)] = VALUES[i % len(VALUES)]
    out[(last + 1, 3)] = "new row"
    return out


def test_our_own_recalc_is_spliced_the_same(seed000_recalculated):
    wb = seed000_recalculated
    for s in wb.sheets:
        data = wb.parts[s.part]
        assert_same(data, "cells", updates_for(data), must_splice=True)
        assert_same(data, "heights", {r: 40.0 + r for r in list(wb.grid(s.name).values)[0][:1]}, must_splice=True)
    main = wb.parts[wb.sheets[0].part]
    assert_same(main, "notes", {(5, 13): "คะแนน 5 & <ok>\n\"q\"", (6, 13): "x" * 300}, must_splice=True)
    assert_same(main, "notes", {}, must_splice=True)


def test_a_recalc_writes_no_tree_and_keeps_other_bytes(seed000_typed, tmp_path, monkeypatch):
    import sheets_sync
    from sheets_sync.backends import xlsx
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    parsed = []
    real = xlsx.parse_xml
    monkeypatch.setattr(xlsx, "parse_xml", lambda data, part, book: parsed.append(part) or real(data, part, book))
    before = XlsxWorkbook(path)
    parsed.clear()
    sheets_sync.recalc(path)
    assert not [p for p in parsed if p.startswith("xl/worksheets/")], "a sheet part was parsed into a tree"
    after = XlsxWorkbook(path)
    main = before.sheets[0].part
    old, new = before.parts[main], after.parts[main]
    head = old[:old.index(b"<sheetData")]
    assert new.startswith(head[:head.index(b"<dimension")]), "the bytes before the cells stay as they were"


@pytest.mark.parametrize("c", [c for c in CASES if c.setup is None], ids=lambda c: c.name)
def test_hostile_corpus(c, seed000_typed, tmp_path):
    path = c.build(seed000_typed, tmp_path)
    try:
        wb = XlsxWorkbook(path)
    except WorkbookError:
        return
    for s in wb.sheets:
        data = wb.parts[s.part]
        try:
            parse_xml(data, s.part, path)
        except WorkbookError:
            continue
        assert_same(data, "cells", updates_for(data))
        assert_same(data, "notes", {(5, 13): "n1", (7, 2): "n2"})
        assert_same(data, "heights", {1: 33.0, 5: 60.5})


def sheet(rows: str, before: str = "", after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{NS}">{before}'
            f'<sheetData>{rows}</sheetData>{after}</worksheet>').encode("utf-8")


DV = (f'<dataValidations count="3"><dataValidation type="decimal" sqref="L5:L9"><formula1>0</formula1>'
      f'</dataValidation><dataValidation promptTitle="{NOTE_TITLE}" prompt="old" sqref="M5"/>  '
      f'<dataValidation prompt="a&gt;b" promptTitle="x" sqref="A1"/></dataValidations>')
CORNERS = [
    ('<row r="1" spans="1:3"><c r="A1" s="2" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
     '<row r="3"/><row r="5" s="4" customFormat="1"><c r="B5"><f>A1*2</f><v>4</v></c></row>',
     '<dimension ref="A1:C5"/><cols><col min="2" max="3" style="7" width="9"/></cols>', DV),
    ('<row r="2">\n  <c r="A2"><v>1</v></c>\n  <c r="B2">\n    <v>2</v>\n  </c>\n</row>', "", ""),
    ('<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1</f><v>1</v></c></row>'
     '<row r="2"><c r="A2"><f t="shared" si="0"/><v>1</v></c></row>', "", ""),
    ('<row r="1"><c r="A1" t="inlineStr"><is><r><t>rich</t></r></is></c><c r="B1" foo="a t=" s="3"><v>1</v></c></row>',
     '<dimension ref="A1"/>', '<dataValidations count="1"><dataValidation promptTitle="' + NOTE_TITLE
     + '" prompt="only ours" sqref="B1"/></dataValidations>\n<pageMargins left="0.7"/>'),
]
CORNER_WRITES = [
    ("cells", {(1, 1): 3.0, (1, 2): "mid", (1, 3): None, (2, 1): True, (3, 2): "in a closed row", (4, 1): 1,
               (5, 1): "row style", (5, 2): 9.0, (9, 9): "after"}),
    ("cells", {(1, 1): 7}), ("cells", {(1, 2): 8.5}), ("cells", {(2, 2): 1.0}), ("cells", {(2, 1): float("nan")}),
    ("cells", {(0, 1): 1.0}),
    ("notes", {(5, 13): "new", (1, 1): "first"}), ("notes", {}),
    ("heights", {1: 30.0}), ("heights", {3: 45.25, 5: 12.0}), ("heights", {4: 20.0}),
]


@pytest.mark.parametrize("rows,before,after", CORNERS, ids=range(len(CORNERS)))
@pytest.mark.parametrize("op,arg", CORNER_WRITES, ids=range(len(CORNER_WRITES)))
def test_xml_corners_write_the_same(rows, before, after, op, arg):
    assert_same(sheet(rows, before, after), op, arg)


def test_plain_corners_are_spliced():
    data = sheet(*CORNERS[0])
    assert splice_cells(data, dict(CORNER_WRITES[0][1]), "s", "b") is not None
    assert splice_notes(data, {(5, 13): "new"}) is not None
    assert splice_heights(data, {3: 45.25, 5: 12.0}) is not None
    assert splice_cells(sheet(*CORNERS[2]), {(1, 1): 1.0}, "s", "b") is None, "a shared formula is the tree's"


@pytest.mark.parametrize("flag", ["1", "true"])
def test_a_new_cell_takes_its_rows_style_however_the_flag_is_spelt(flag):
    # LibreOffice writes customFormat="true", Excel "1": both mean the row's style applies
    data = sheet(f'<row r="5" s="4" customFormat="{flag}"><c r="B5"><v>4</v></c></row>')
    assert_same(data, "cells", {(5, 1): 2.0})
    assert b'<c r="A5" s="4"' in by_splice(data, "cells", {(5, 1): 2.0})[1]
