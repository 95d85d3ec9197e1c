"""recalc writes only computed cells and leaves a decorated workbook whole."""
import io
import zipfile

import openpyxl
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image as PILImage

from conftest import SHEET, header_columns, read_cells, recalc_json

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def decorate(path):
    """What a person adds in Excel after init: a logo, a chart, a comment, a highlight, a name."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    png = io.BytesIO()
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(png, format="PNG")
    png.seek(0)
    ws.add_image(Image(png), "T2")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=5, min_row=5, max_row=14))
    ws.add_chart(chart, "T8")
    ws["P5"].comment = Comment("ตรวจแล้ว / checked", "หัวหน้ากอง")
    ws.conditional_formatting.add("L5:L14", CellIsRule(operator="lessThan", formula=["3"],
                                                       fill=PatternFill("solid", fgColor="FFFF00")))
    wb.defined_names["ผลรวม"] = DefinedName("ผลรวม", attr_text=f"'{SHEET}'!$O$15")
    notes = wb.create_sheet("บันทึก")
    notes["A1"] = "บันทึกของกอง"
    wb.save(path)


def parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def computed_cells(path):
    ws = openpyxl.load_workbook(path)[SHEET]
    cols = header_columns(ws)
    keep = {cols[k] for k in ("ค่าคะแนนที่ได้", "ร้อยละที่ได้", "คะแนนถ่วงน้ำหนัก", "สถานะ")}
    return keep


def test_decorated_workbook_comes_back_whole(seed_book, cli):
    decorate(seed_book)
    before_parts = parts(seed_book)
    before_cells = read_cells(seed_book)
    report = recalc_json(cli, seed_book)
    assert report["sheets"][0]["totals"]["weighted_score"] == 3.05
    after_parts = parts(seed_book)

    assert set(after_parts) == set(before_parts)
    from sheets_sync.backends.xlsx import XlsxWorkbook
    wb = XlsxWorkbook(seed_book)
    sheet_part, meta_part = wb.sheet(SHEET).part, wb.sheet("_sheets_sync").part
    history_part = wb.sheet("ประวัติการแก้ไข").part
    changed = {n for n in after_parts if after_parts[n] != before_parts[n]}
    # The image, chart, comment (and its VML), styles, other sheets, names: byte for byte.
    # Changed: the scorecard, our metadata and the history sheet (the results typed, recorded)
    assert changed == {sheet_part, meta_part, history_part}
    assert any(n.startswith("xl/media/") for n in after_parts)
    assert any(n.startswith("xl/charts/") for n in after_parts)
    assert any(n.startswith("xl/comments") for n in after_parts)

    root = etree.fromstring(after_parts[sheet_part])
    old = etree.fromstring(before_parts[sheet_part])
    for tag in ("drawing", "legacyDrawing", "conditionalFormatting", "sheetProtection", "mergeCells", "cols",
                "sheetViews", "pageSetup"):
        assert [etree.tostring(e) for e in root.findall(f"m:{tag}", NS)] == \
               [etree.tostring(e) for e in old.findall(f"m:{tag}", NS)], tag

    # Every non-computed cell is the same, and every computed one holds the golden value.
    after_cells = read_cells(seed_book)
    computed_cols = computed_cells(seed_book)
    totals_cells = {(15, 15), (16, 15), (15, 16)}  # O15 O16 P15 of this layout
    for cell in set(before_cells) | set(after_cells):
        if cell[1] in computed_cols or cell in totals_cells:
            continue
        assert before_cells.get(cell) == after_cells.get(cell), cell
    wb = openpyxl.load_workbook(seed_book)
    assert wb[SHEET]["P5"].comment.text == "ตรวจแล้ว / checked"
    assert "ผลรวม" in wb.defined_names
    assert wb["บันทึก"]["A1"].value == "บันทึกของกอง"
    assert wb[SHEET]["O15"].value == 3.05

    # And a second run leaves every byte alone.
    snapshot = seed_book.read_bytes()
    assert recalc_json(cli, seed_book)["sheets"][0]["changed_cells"] == 0
    assert seed_book.read_bytes() == snapshot


def test_score_cells_carry_their_trace_as_a_note(seed_book, cli):
    cli("recalc", seed_book)
    ws = openpyxl.load_workbook(seed_book)[SHEET]
    notes = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation
             if dv.promptTitle and "sheets-sync" in dv.promptTitle}
    assert "ศปท.5: ผล 10 ถึงระดับ 4 = 10 แต่ยังไม่ถึงระดับ 5 = 12" in notes["M11"]
    assert "12 or more reaches level 5" in notes["M11"]
    assert len(notes) == 7


def test_hand_written_formula_in_a_computed_cell_is_replaced_and_reported(seed_book, cli):
    wb = openpyxl.load_workbook(seed_book)
    wb[SHEET]["M5"] = "=L5*1"
    wb.save(seed_book)
    # recalc puts it right (the value replaces the formula) and says what it replaced
    replaced = [p for p in recalc_json(cli, seed_book)["sheets"][0]["problems"] if p["kind"] == "computed_replaced"]
    assert [p["cell"] for p in replaced] == ["M5"] and "=L5*1" in replaced[0]["message_en"]
    assert "replaced by 2.000" in replaced[0]["message_en"] and "แทนด้วย 2.000" in replaced[0]["message_th"]
    assert replaced[0]["code"] == "ศปท.1"
    wb = openpyxl.load_workbook(seed_book)
    assert wb[SHEET]["M5"].value == 2.0
    with zipfile.ZipFile(seed_book) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
