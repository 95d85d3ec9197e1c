"""The byte scanner (backends/xlsx_scan) reads every sheet part exactly as the lxml tree
reader does, or declines (None) and leaves the part to it; a bad part is never read as
good. Checked on our own workbooks, the whole hostile corpus and parts written by hand
with the XML corners the scanner must get right."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import CASES, SHEET_PART, edit
from sheets_sync.core.errors import WorkbookError
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.backends.xlsx_grid import read_grid
from sheets_sync.backends.xlsx_notes import read_notes
from sheets_sync.backends.xlsx_package import NS, parse_xml
from sheets_sync.backends.xlsx_notes import scan_notes
from sheets_sync.backends.xlsx_scan import scan_grid


def as_dict(g) -> dict:
    return {"values": g.values, "formulas": g.formulas, "dates": g.dates, "merges": g.merges,
            "heights": g.heights, "widths": g.widths, "hidden": g.hidden_columns}


def both(data: bytes, shared=(), dates=frozenset(), name="s", part="xl/worksheets/sheet1.xml"):
    """(scanner's Grid or None or the error, tree reader's Grid or the error)."""
    try:
        fast = scan_grid(data, name, part, list(shared), set(dates), "book.xlsx")
    except WorkbookError as e:
        fast = e
    try:
        tree = read_grid(parse_xml(data, part, "book.xlsx"), name, part, list(shared), set(dates), "book.xlsx")
    except WorkbookError as e:
        tree = e
    return fast, tree


def assert_same(fast, tree) -> None:
    if isinstance(tree, WorkbookError):
        assert fast is None or isinstance(fast, WorkbookError), "a part the tree reader refuses was read as good"
    elif fast is not None:
        assert not isinstance(fast, WorkbookError), fast
        assert as_dict(fast) == as_dict(tree)
        assert {k: type(v) for k, v in fast.values.items()} == {k: type(v) for k, v in tree.values.items()}


def sheet(rows: str, before: str = "", after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{NS}" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{before}'
            f'<sheetData>{rows}</sheetData>{after}</worksheet>').encode("utf-8")


def test_our_own_workbook_is_scanned_and_read_the_same(seed000_recalculated):
    wb = seed000_recalculated
    for s in wb.sheets:
        data = wb.parts[s.part]
        fast, tree = both(data, wb.shared, wb._dates(), s.name, s.part)
        assert fast is not None, f"{s.name}: our own sheet should take the fast path"
        assert_same(fast, tree)
        assert scan_notes(data) == read_notes(parse_xml(data, s.part, wb.path))
    assert any(scan_notes(wb.parts[s.part]) for s in wb.sheets), "the recalc wrote notes"


@pytest.mark.parametrize("c", [c for c in CASES if c.setup is None], ids=lambda c: c.name)
def test_hostile_corpus(c, seed000_typed, tmp_path):
    path = c.build(seed000_typed, tmp_path)
    try:
        wb = XlsxWorkbook(path)
        dates = wb._dates()
    except WorkbookError:
        return      # refused before any sheet is read
    for s in wb.sheets:
        assert_same(*both(wb.parts[s.part], wb.shared, dates, s.name, s.part))
        try:    # its header rows and last row read alone, as the whole read gives them
            _head_and_last_agree(wb.parts[s.part], wb.shared, dates)
        except WorkbookError:
            pass        # refused by the whole read too (not well-formed)


CORNERS = [
    # entities, character references, CR LF in text, an attribute with a newline reference
    '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;c&gt; &#3585;&#x0E01;\r\nz </t></is></c>'
    '<c r="B1" t="str"><v>&quot;q&apos;</v></c></row>',
    # rich text with a phonetic run (not cell text), an empty <t/>, a shared string
    '<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>bold</t></r><r><t>plain</t></r><t/>'
    '<rPh sb="0" eb="1"><t>PHON</t></rPh></is></c><c r="C2" t="s"><v>1</v></c></row>',
    # numbers: integer, float, exponent, text in a number cell, INF; booleans; errors; dates
    '<row r="3" ht="30" customHeight="1"><c r="A3"><v>7</v></c><c r="B3" t="n"><v>7.0</v></c>'
    '<c r="C3"><v>1E3</v></c><c r="D3"><v>abc</v></c><c r="E3"><v>INF</v></c><c r="F3" t="b"><v>1</v></c>'
    '<c r="G3" t="b"><v> 0 </v></c><c r="H3" t="e"><v>#DIV/0!</v></c><c r="I3" s="1"><v>45000</v></c>'
    '<c r="J3" t="d"><v>2024-01-31</v></c><c r="K3"><v/></c><c r="L3"></c><c r="M3" s="2"/></row>',
    # formulas: plain, shared master and dependents, a formula with its cached value
    '<row r="4"><c r="A4"><f>SUM(B4:C4)</f><v>3</v></c><c r="B4"><f t="shared" ref="B4:B6" si="0">A4*2</f>'
    '<v>6</v></c></row><row r="5"><c r="B5"><f t="shared" si="0"/><v>1</v></c></row>'
    '<row r="6" ht="oops"><c r="B6"><f t="shared" si="0"></f></c><c r="C6" t="str"><f>"x"&amp;"y"</f><v>xy</v></c></row>',
    # an empty self-closed row, then a later one
    '<row r="8"/><row r="9" spans="1:2"><c r="A9" t="inlineStr"><is><t>after</t></is></c></row>',
    # numbers as float reads them: Thai digits, spaces, a lower-case exponent, nan, -0, past 2**53,
    # an underscore; a shared string's index with spaces; row attributes in any order
    '<row spans="1:9" r="10" ht="20.5"><c r="A10"><v>๑๒</v></c><c r="B10"><v> 5 </v></c><c r="C10"><v>1e3</v></c>'
    '<c r="D10"><v>nan</v></c><c r="E10" t="n"><v>-0</v></c><c r="F10"><v>12345678901234567890</v></c>'
    '<c r="G10"><v>1_0</v></c><c r="H10" t="s"><v> 1 </v></c><c r="I10" s="1"><v>45000.5</v></c>'
    # whole numbers with leading zeros, at 15 digits and at 16 (float no longer exact there)
    '<c r="J10"><v>007</v></c><c r="K10"><v>999999999999999</v></c><c r="L10"><v>9007199254740993</v></c></row>'
    '<row r="11" x14ac:dyDescent="0.25" ht="15" customHeight="1" xmlns:x14ac="urn:x"><c r="A11"><v>3</v></c></row>'
    '<row r="12" ht="&#49;5"><c r="A12"><v>4</v></c></row>',
    # texts with character references next to others, decoded together; one that is only a space
    '<row r="13"><c r="A13" t="inlineStr"><is><t>&#3585;&#3586;</t></is></c><c r="B13" t="inlineStr"><is><t>plain</t></is></c>'
    '<c r="C13" t="inlineStr"><is><t xml:space="preserve">&#32;</t></is></c><c r="D13" t="inlineStr"><is><t>&#3588; &amp; x</t></is></c>'
    '<c r="E13" t="inlineStr"><is><t>a&#10;b</t></is></c></row>',
]


@pytest.mark.parametrize("rows", CORNERS, ids=range(len(CORNERS)))
def test_xml_corners_read_the_same(rows):
    data = sheet(rows, before='<cols><col min="1" max="2" width="12.5" customWidth="1"/>'
                              '<col min="4" max="4" width="9" hidden="1"/></cols>',
                 after='<mergeCells count="1"><mergeCell ref="A9:B10"/></mergeCells>')
    fast, tree = both(data, shared=["zero", "one"], dates={1})
    assert fast is not None, "a plain part takes the fast path"
    assert_same(fast, tree)


@pytest.mark.parametrize("rows", [
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>',   # rows out of order
    '<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>',                     # cells out of order
    '<row r="1"><c r="A2"><v>1</v></c></row>',                                            # a cell in another row
    '<row r="1"><c><v>1</v></c><c><v>2</v></c></row>',                                   # cells without r
    '<row r="1"><c r="A1" t="s"><v>9</v></c></row>',                                     # a missing shared string
    '<row r="1"><c r="A1" t="zz"><v>9</v></c></row>',                                    # an unknown type
    '<row r="1"><c r="A1"><v>1</v></row>',                                               # not well-formed
    '<row r="1"><c r=\'A1\'><v>1</v></c></row>',                                          # single quotes
    '<row r="1"><!-- a comment --><c r="A1"><v>1</v></c></row>',
    '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<x>]]></t></is></c></row>',
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row>',               # an undefined entity
    '<row r="11"><c r="A011"><v>1</v></c></row>',                                        # a leading zero in a ref
])
def test_odd_or_bad_parts_are_left_to_the_tree_reader(rows):
    fast, tree = both(sheet(rows), shared=["zero"])
    assert_same(fast, tree)


def test_notes_in_every_shape_read_the_same():
    """Our notes in the shape sheets-sync writes them (read from two groups) and in any other
    writer's (attributes in another order, the title as character references), next to a
    validation that is not a note: the scanner reads what the tree reader reads."""
    from sheets_sync.backends.xlsx_notes import NOTE_TITLE
    title_refs = "".join(f"&#{ord(ch)};" for ch in NOTE_TITLE)
    ours = ('<dataValidation allowBlank="1" showInputMessage="1" promptTitle="' + NOTE_TITLE + '" '
            'prompt="{}" sqref="{}"/>')
    dvs = ('<dataValidations count="6">'
           '<dataValidation sqref="L5:L9" type="decimal" promptTitle="ผลการดำเนินงาน" prompt="type a number">'
           '<formula1>-1</formula1><formula2>1</formula2></dataValidation>'
           + ours.format("K.1: ผล 5&#10;K.1: 5 &amp; &lt;6&gt; > 4\tok\r\nend", "M5")
           + ours.format("", "M6")
           + f'<dataValidation sqref="M7 M8" prompt="from another writer: 5 > 4" promptTitle="{title_refs}" allowBlank="1"/>'
           + ours.format("replaced below", "M9")
           + f'<dataValidation promptTitle="{NOTE_TITLE}" sqref="M9" prompt="the later one"/>'
           # a cell noted twice in our own shape: the later note is read, with or without references
           + ours.format("first &amp; with a reference", "M10") + ours.format("then plain", "M10")
           + ours.format("first plain", "M11") + ours.format("then &lt;a reference&gt;", "M11")
           + '</dataValidations>')
    data = sheet('<row r="5"><c r="M5"><v>1</v></c></row>', after=dvs)
    want = read_notes(parse_xml(data, "xl/worksheets/sheet1.xml", "book.xlsx"))
    assert scan_notes(data) == want
    assert list(scan_notes(data)) == list(want)
    assert want[(5, 13)] == "K.1: ผล 5\nK.1: 5 & <6> > 4 ok end"


def test_a_prefixed_main_namespace_is_left_to_the_tree_reader():
    data = (f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c>'
            f'</x:row></x:sheetData></x:worksheet>').encode()
    fast, tree = both(data)
    assert fast is None
    assert tree.values == {(1, 1): 5}


def test_a_corrupt_sheet_is_refused_with_its_message(seed000_typed, tmp_path):
    path = edit(seed000_typed, tmp_path / "unit.xlsx", SHEET_PART, lambda t: t.replace("</sheetData>", "</sheetDat>"))
    wb = XlsxWorkbook(path)
    with pytest.raises(WorkbookError, match="corrupt"):
        wb.grid(wb.sheets[0].name)


def _head_and_last_agree(data: bytes, shared=(), dates=frozenset()) -> bool:
    """scan_head and scan_last_row (what a recalc reads of a tab it only glances at) say
    what the whole scan says; False when the whole scan declines the part."""
    from sheets_sync.backends.xlsx_scan import scan_head, scan_last_row
    whole = scan_grid(data, "s", "p", list(shared), set(dates), "book.xlsx")
    if whole is None:
        return False
    for n in (1, 3, 40):
        head = scan_head(data, "s", list(shared), set(dates), n)
        if head is not None:
            assert head.values == {k: v for k, v in whole.values.items() if k[0] <= n}
    last = scan_last_row(data, "s", list(shared), set(dates))
    assert last is None or last == whole.max_row
    return True


def test_head_and_last_row_read_alone_are_the_whole_reads(seed000_recalculated):
    wb = seed000_recalculated
    assert all(_head_and_last_agree(wb.parts[s.part], wb.shared, wb._dates()) for s in wb.sheets)
    # empty rows after the last value, more of them than the first window read from the end
    empty = "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in range(3, 4000))
    assert _head_and_last_agree(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2" t="inlineStr">'
                                      '<is><t>x</t></is></c></row>' + empty))
    assert _head_and_last_agree(sheet(empty))
    assert _head_and_last_agree(sheet(""))


def test_a_recalc_reads_the_history_tab_only_for_its_last_row(seed000_typed, tmp_path, monkeypatch):
    import sheets_sync
    from sheets_sync.backends import xlsx
    from sheets_sync.kinds.meta import AUDIT_SHEET
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    sheets_sync.recalc(path)
    read = []
    real = xlsx.XlsxWorkbook.grid
    monkeypatch.setattr(xlsx.XlsxWorkbook, "grid", lambda self, name, *a, **k: read.append(name) or real(self, name, *a, **k))
    assert not sheets_sync.recalc(path).written
    assert AUDIT_SHEET not in read, "nothing to write: the history tab is not read whole"
    assert read, "the scorecard tab is read whole"


@pytest.mark.parametrize("value", [
    "&#3585;&#3586; / plain", "a&#10;b", "tab\there", "cr\r\nlf", "lone\rcr", "&#9;kept&#13;", "&amp;&lt;&gt;&quot;&apos;&#x0E01;",
    "มี > และ &#38;", "", "   spaced   ", "&#x1F600; emoji"])
def test_attribute_values_read_as_the_tree_reads_them(value):
    """What the scanner and the splicer take an attribute to hold is what lxml gives, for
    values with character references (resolved at C speed) and without (resolved by hand)."""
    from lxml import etree
    from sheets_sync.backends.xlsx_text import attrs
    raw = f'prompt="{value}" sqref="M5"'.encode()
    assert attrs(raw) == dict(etree.fromstring(b"<a " + raw + b"/>").attrib)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"<", b">", b"/", b"c", b"</c>", b"<c>", b"x", b"\n", b"</c", b"<<", b"/c>"]),
                max_size=30).map(b"".join))
def test_content_until_matches_as_a_lazy_dot_does(text):
    """xlsx_text.content_until(b"c") finds what (.*?)</c> with re.S finds, at every start."""
    import re
    from sheets_sync.backends.xlsx_text import content_until
    lazy, runs = re.compile(rb"<c>(.*?)</c>", re.S), re.compile(rb"<c>" + content_until(b"c"))
    assert lazy.findall(text) == runs.findall(text)
    for i in range(len(text) + 1):
        a, b = lazy.match(text, i), runs.match(text, i)
        assert (a and a.span()) == (b and b.span())
