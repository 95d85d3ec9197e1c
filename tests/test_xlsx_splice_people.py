"""recalc's byte splicer (backends/xlsx_splice) and lazy tab reading, on workbooks a person
has edited the ways people do: in openpyxl (it rewrites the file: shared strings, its own
styles and row shapes), by hand in the XML shapes other writers use (Excel's x14ac row
attributes, attributes in another order, whitespace between cells, shared and array
formulas typed over computed cells), and through LibreOffice (its own XML throughout).

Each is recalculated twice: once as shipped, once through the tree writer with every tab
read whole (the writer and reader before the splicer and LazyGrid). The two files must hold
the same XML in every part (C14N), the same cells for openpyxl and the same report; the
person's cells must keep their very bytes; a second recalc must write nothing."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from lxml import etree
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

import sheets_sync
from conftest import SHEET
from sheets_sync.backends import xlsx
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.kinds.meta import AUDIT_SHEET, META_SHEET
from sheets_sync.workbook import recalc as recalc_module
from sheets_sync.workbook import result_history

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PART = "xl/worksheets/sheet1.xml"
COMPUTED_LABELS = {"ค่าคะแนนที่ได้", "ร้อยละที่ได้", "คะแนนถ่วงน้ำหนัก", "สถานะ"}
TOTALS_LABELS = {"น้ำหนักรวม", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ"}
CELL = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
ROW = re.compile(rb'<row\b[^>]*?(?:/>|>.*?</row>)', re.S)


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """Both runs stamp their history rows with the same time (a minute may turn between them)."""
    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(result_history, "datetime", Frozen)


def recalc_logged(path, monkeypatch) -> tuple[dict, list[tuple[str, bool]]]:
    """recalc as shipped; which writes the splicer took (True) or left to the tree."""
    log = []
    with monkeypatch.context() as m:
        for name in ("splice_cells", "splice_heights", "splice_notes"):
            real = getattr(xlsx, name)
            m.setattr(xlsx, name, lambda *a, _r=real, _n=name: log.append((_n, (out := _r(*a)) is not None)) or out)
        return sheets_sync.recalc(path).to_dict(), log


def recalc_by_tree(path, monkeypatch) -> dict:
    """recalc before the splicer and LazyGrid: every write through the tree, every tab read whole."""
    with monkeypatch.context() as m:
        for name in ("splice_cells", "splice_heights", "splice_notes"):
            m.setattr(xlsx, name, lambda *a: None)
        real = recalc_module.evaluate_book
        m.setattr(recalc_module, "evaluate_book", lambda *a, lazy=False, **k: real(*a, lazy=False, **k))
        return sheets_sync.recalc(path).to_dict()


def c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def every_cell(path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[ws.title, c.coordinate] = (c.value, c.number_format, c.style_id,
                                               c.comment.text if c.comment else None)
        out[ws.title, "rows"] = {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items()}
        out[ws.title, "view"] = (ws.freeze_panes, sorted(map(str, ws.merged_cells.ranges)),
                                 sorted((str(d.sqref), d.prompt) for d in ws.data_validations.dataValidation))
    return out


def person_cells(path) -> dict[str, list[bytes]]:
    """Each tab's cells a person owns, as the bytes of their <c> elements: all but the
    computed columns and the totals rows of a scorecard tab, nothing of our own tabs."""
    wb = openpyxl.load_workbook(path)
    book = XlsxWorkbook(path)
    out = {}
    for s in book.sheets:
        if s.name in (AUDIT_SHEET, META_SHEET):
            continue
        ws = wb[s.name]
        computed = {c.column_letter.encode() for row in ws.iter_rows(max_row=6) for c in row
                    if c.value in COMPUTED_LABELS}
        totals = {c.row for row in ws.iter_rows() for c in row if c.value in TOTALS_LABELS}
        cells = []
        for m in CELL.finditer(book.parts[s.part]):
            ref = re.search(rb'\br="([A-Z]+)([0-9]+)"', m.group(1))
            if ref and (ref.group(1) in computed or int(ref.group(2)) in totals):
                continue
            cells.append(m.group(0))
        out[s.name] = cells
    return out


def assert_like_the_tree(path, tmp_path, monkeypatch, must_splice=True):
    spliced, tree = tmp_path / "spliced.xlsx", tmp_path / "tree.xlsx"
    shutil.copyfile(path, spliced)
    shutil.copyfile(path, tree)
    report, log = recalc_logged(spliced, monkeypatch)
    assert report == recalc_by_tree(tree, monkeypatch)
    assert log, "this edit should give recalc something to write"
    if must_splice:
        assert all(done for _, done in log), f"a write went to the tree: {log}"
    a, b = zipfile.ZipFile(spliced), zipfile.ZipFile(tree)
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        x, y = a.read(name), b.read(name)
        if x != y:
            assert name.endswith((".xml", ".rels")) and c14n(x) == c14n(y), f"{name} differs from the tree's"
    assert every_cell(spliced) == every_cell(tree)
    if must_splice:     # the tree writes a part anew (same XML); the splicer keeps the person's bytes
        before, after = person_cells(path), XlsxWorkbook(spliced)
        for s in after.sheets:
            part = after.parts[s.part]
            kept = [c for c in before.get(s.name, []) if c not in part]
            assert not kept, f"{s.name}: a person's cell was rewritten: {kept[:3]}"
    again = spliced.read_bytes()
    assert not sheets_sync.recalc(spliced).written
    assert spliced.read_bytes() == again, "a recalc with nothing to change changed the file"
    return spliced, tree


@pytest.fixture(scope="module")
def recalculated(seed000_typed, tmp_path_factory):
    """The seed workbook after its first recalc (what a person edits next time)."""
    path = tmp_path_factory.mktemp("recalculated") / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    sheets_sync.recalc(path)
    return path


@pytest.fixture(params=["typed", "recalculated"])
def start(request, seed000_typed, recalculated, tmp_path):
    path = tmp_path / "edited.xlsx"
    shutil.copyfile(seed000_typed if request.param == "typed" else recalculated, path)
    return path


def in_openpyxl(path, edit):
    wb = openpyxl.load_workbook(path)
    edit(wb, wb[SHEET])
    wb.save(path)


def results(**by_row):
    def edit(wb, ws):
        for r, v in by_row.items():
            ws.cell(int(r[1:]), 12).value = v
    return edit


def long_text(wb, ws):
    ws["P5"] = "ข้อความยาว " * 400 + "\n& < > \"q\" 🎉\r\nบรรทัดใหม่"
    ws["P6"] = "a & b < c"
    ws["L5"] = 4


def odd_values(wb, ws):
    ws["B20"], ws["B21"], ws["B22"], ws["B23"] = 1e-20, -0.0, dt.date(2024, 2, 29), 0.155
    ws["B23"].number_format = "0.00%"
    ws["L5"], ws["L6"], ws["L7"] = 1e-20, -0.0, 88.5


def odd_codes(wb, ws):
    ws["C5"] = 'ศปท.1 & <x> "q"\tท้าย'
    ws["C6"] = "ศปท.2\nบรรทัด 🎉"
    ws["D7"] = "ชื่อ & <b>ตัวชี้วัด</b> \"quoted\" 'apos' \r\n ใหม่"
    ws["L9"] = 72.5


def rows_moved(wb, ws):
    ws.insert_rows(7)
    ws["D7"] = "แถวที่แทรก"
    ws.delete_rows(13)
    ws["L6"] = 5


def looks(wb, ws):
    ws["M5"].comment = Comment("ตรวจแล้ว & <ok>", "หัวหน้า")
    ws.row_dimensions[6].hidden = True
    ws.freeze_panes = "D5"
    ws.merge_cells("A30:D31")
    ws["L6"] = 1


def typed_over_computed(wb, ws):
    ws["M5"], ws["N6"], ws["O7"], ws["M9"] = 9, "=L6*2", "ไม่รู้", "=L9"


def formulas_and_validation(wb, ws):
    for r in (5, 6, 7, 9, 11, 12, 14):
        ws.cell(r, 16).value = f"=L{r}*2"
        ws.cell(r, 20).value = f"=L{r}+E{r}"
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100", showInputMessage=True,
                        promptTitle="ของฉัน", prompt="กรอก 0-100 & <ok>")
    ws.add_data_validation(dv)
    dv.add("T5:T14")
    ws["L7"] = 90


def more_tabs(wb, ws):
    copy = wb.copy_worksheet(ws)
    copy.title = "สำเนา"
    copy["L5"] = 5
    mine = wb.create_sheet("ของฉัน", 0)
    for r in range(1, 60):
        mine.cell(r, 1).value = f"แถว {r}"
    mine.sheet_state = "hidden"
    ws["L6"] = 1


def long_history(wb, ws):
    h = wb[AUDIT_SHEET]
    for r in range(3000):
        h.append(["1 ม.ค. 2567 10:00", SHEET, "L5", "ศปท.1", "ผลการดำเนินงาน", r, None, "เปลี่ยนผล / result changed"])
    ws["L5"] = 4


OPENPYXL_EDITS = {f.__name__: f for f in (long_text, odd_values, odd_codes, rows_moved, looks, typed_over_computed,
                                          formulas_and_validation, more_tabs, long_history)}
OPENPYXL_EDITS["results"] = results(r5=3, r7=88, r14=95)


@pytest.mark.parametrize("edit", OPENPYXL_EDITS, ids=str)
def test_edited_in_openpyxl(edit, start, tmp_path, monkeypatch):
    in_openpyxl(start, OPENPYXL_EDITS[edit])
    # the copied tab has no notes yet: where its dataValidations go is the tree's to say
    assert_like_the_tree(start, tmp_path, monkeypatch, must_splice=edit != "more_tabs")


def in_xml(path, *subs):
    z = zipfile.ZipFile(path)
    items = [(i, z.read(i.filename)) for i in z.infolist()]
    z.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as w:
        for info, data in items:
            if info.filename == PART:
                for pattern, repl in subs:
                    data, n = re.subn(pattern, repl, data, flags=re.S)
                    assert n, pattern
            w.writestr(info, data)


def cell(ref: bytes) -> bytes:
    return rb'<c r="' + ref + rb'"[^>]*?(?:/>|>.*?</c>)'


SHARED = [(cell(b"M5"), rb'<c r="M5" s="11"><f t="shared" ref="M5:M7" si="0">L5*1</f><v>2</v></c>'),
          (cell(b"M6"), rb'<c r="M6" s="11"><f t="shared" si="0"/><v>4</v></c>'),
          (cell(b"M7"), rb'<c r="M7" s="11"><f t="shared" si="0"/><v>2</v></c>')]
# (substitutions in the main tab's XML, whether the splicer writes it itself)
XML_EDITS = {
    "excel_rows": ([(rb"<worksheet ", rb'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                     rb'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" '),
                    (rb'<row r="([0-9]+)"', rb'<row r="\1" spans="1:19" x14ac:dyDescent="0.55"'),
                    (rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\1<v>86</v>")], True),
    "r_not_first": ([(rb'<c r="([MNOQ][0-9]+)" s="([0-9]+)"', rb'<c s="\2" r="\1"'),
                     (rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\1<v>86</v>")], True),
    "whitespace_between_cells": ([(rb"</c><c ", rb"</c>\n    <c "), (rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\1<v>86</v>")], True),
    "computed_cells_gone": ([(cell(b"[MNOQ](?:5|6|7)"), b"")], True),
    "computed_cells_empty": ([(cell(b"M((?:[5-9]|1[0-9]))"), rb'<c r="M\1" s="11"/>')], True),
    "cell_metadata": ([(rb'<c r="(N[0-9]+)" s="([0-9]+)"', rb'<c r="\1" s="\2" cm="1"'),
                       (rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\1<v>86</v>")], True),
    "numbers_spelled_oddly": ([(rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>1E-20</v>"),
                               (rb'(<c r="L9"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>-0</v>"),
                               (rb'(<c r="L14"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>7.0000000000000007E+1</v>")], True),
    "array_formula_over_score": ([(cell(b"M5"), rb'<c r="M5" s="11"><f t="array" ref="M5:M6">L5:L6</f><v>2</v></c>')], True),
    "error_over_percentage": ([(cell(b"N5"), rb'<c r="N5" s="12" t="e"><f>1/0</f><v>#DIV/0!</v></c>')], True),
    "shared_formula_in_notes": ([(cell(b"P5"), rb'<c r="P5"><f t="shared" ref="P5:P7" si="0">L5*2</f><v>4</v></c>'),
                                 (cell(b"P6"), rb'<c r="P6"><f t="shared" si="0"/><v>8</v></c>'),
                                 (cell(b"P7"), rb'<c r="P7"><f t="shared" si="0"/><v>4</v></c>'),
                                 (rb'(<c r="L7"[^>]*>)<v>[^<]*</v>', rb"\1<v>86</v>")], True),
    "shared_formula_over_score": (SHARED, False),
    "rich_text_over_status": ([(cell(b"Q6"), rb'<c r="Q6" s="14" t="inlineStr"><is><r><rPr><b/></rPr><t>bold</t></r></is></c>')],
                              False),
}


@pytest.mark.parametrize("edit", XML_EDITS, ids=str)
def test_edited_in_other_writers_xml(edit, start, tmp_path, monkeypatch):
    subs, spliced = XML_EDITS[edit]
    in_xml(start, *subs)
    assert_like_the_tree(start, tmp_path, monkeypatch, must_splice=spliced)


def libreoffice(path, tmp_path):
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, "--headless", "--convert-to", path.suffix[1:], "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    return out / path.name


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("edit", ["results", "looks", "long_text", "formulas_and_validation"])
def test_saved_by_libreoffice(edit, start, tmp_path, monkeypatch):
    """LibreOffice writes every part anew: shared strings, its own row attributes
    (customHeight="true", hidden="false"), <f aca="false">, its own dataValidations."""
    in_openpyxl(start, OPENPYXL_EDITS[edit])
    shutil.copyfile(libreoffice(start, tmp_path), start)
    assert b'customHeight="true"' in zipfile.ZipFile(start).read(PART), "not LibreOffice's shape"
    assert_like_the_tree(start, tmp_path, monkeypatch)


@pytest.mark.skipif(not (SOFFICE and shutil.which("pdftoppm")), reason="LibreOffice or pdftoppm is not installed")
def test_libreoffice_prints_the_spliced_file_as_the_trees(recalculated, tmp_path, monkeypatch):
    path = tmp_path / "edited.xlsx"
    shutil.copyfile(recalculated, path)
    in_openpyxl(path, long_text)
    spliced, tree = assert_like_the_tree(path, tmp_path, monkeypatch)
    pngs = []
    for book in (spliced, tree):
        out = tmp_path / book.stem
        subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(book)],
                       check=True, capture_output=True, timeout=180,
                       env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out / f"{book.stem}.pdf"),
                        str(out / "page")], check=True, capture_output=True, timeout=120)
        pngs.append(next(out.glob("page*.png")).read_bytes())
    assert pngs[0] == pngs[1], "LibreOffice prints the spliced file differently"


def test_a_cleared_computed_header_is_a_problem_not_a_crash(seed000_typed, tmp_path):
    """A person clears the score column's header: recalc says which column is missing (as
    validate does) and writes nothing; it used to raise KeyError from the result history."""
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    in_openpyxl(path, lambda wb, ws: setattr(ws["M3"], "value", None))
    before = path.read_bytes()
    report = sheets_sync.recalc(path)
    assert [p.kind for s in report.sheets for p in s.problems if p.kind == "missing_column"] == ["missing_column"]
    assert not report.written
    assert path.read_bytes() == before
