"""What people see on paper: workbooks rendered to PDF with LibreOffice.

A unit scorecard with seed 000's full texts prints on one landscape page per 10
indicators, the helper tabs do not print, and no text cell needs more height than its
row has (measured with Laksaman, the free metric twin of TH Sarabun that
fonts-thai-tlwg ships, which LibreOffice substitutes for TH SarabunPSK here).
"""
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, SHEET
from sheets_sync.workbook.entry import type_values

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LAKSAMAN = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")
pytestmark = pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed: "
                                "apt-get install -y libreoffice-calc fonts-thai-tlwg")
TEXTS = json.loads((Path(__file__).parent / "fixtures" / "seed000_texts.json").read_text(encoding="utf-8"))


def pdf_of(xlsx: Path) -> Path:
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(xlsx.parent), str(xlsx)],
                   check=True, capture_output=True, timeout=180,
                   env={"HOME": str(xlsx.parent), "PATH": "/usr/bin:/bin"})
    return xlsx.with_suffix(".pdf")


def pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, read from the PDF itself."""
    data = pdf.read_bytes().decode("latin-1")
    boxes = re.findall(r"/Type\s*/Page\b.*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data, re.S)
    if not boxes:  # MediaBox before /Type in the page dictionary
        boxes = re.findall(r"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
        count = len(re.findall(r"/Type\s*/Page\b(?!s)", data))
        boxes = boxes[:1] * count
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def seed000_unit(tmp_path: Path) -> Path:
    import csv
    rows = list(csv.DictReader(SEED000_CSV.open(encoding="utf-8")))
    for r in rows:
        r.update({k: TEXTS[r["code"]][k] for k in ("strategy", "goal", "indicator")})
    kpi = tmp_path / "kpi.csv"
    with kpi.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    path = tmp_path / "unit.xlsx"
    ss.init(path, indicators=kpi, unit="ศูนย์ปฏิบัติการต่อต้านการทุจริต", period="2/2567")
    type_values(path, {c: {"result": v, "details": TEXTS[c]["details"]} for c, v in SEED000_RESULTS.items()})
    assert ss.recalc(path).sheets[0].totals["weighted_score"] == 3.05
    return path


def test_a_unit_scorecard_prints_on_one_landscape_page(tmp_path):
    found = pages(pdf_of(seed000_unit(tmp_path)))
    assert len(found) == 1 and found[0][0] > found[0][1]       # 7 indicators: one page, landscape
    assert abs(found[0][0] - 841.9) < 1                          # A4


def test_forty_indicators_print_on_four_pages(tmp_path):
    import csv
    kpi = tmp_path / "kpi.csv"
    with kpi.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["dimension", "code", "indicator", "weight", "target", "c1", "c2", "c3", "c4", "c5"])
        for i in range(40):
            w.writerow([f"มิติด้านที่ {i // 10 + 1}", f"K.{i + 1}", TEXTS["ศปท.3"]["indicator"], 2.5, 5, 1, 2, 3, 4, 5])
    path = tmp_path / "forty.xlsx"
    ss.init(path, indicators=kpi)
    found = pages(pdf_of(path))
    assert len(found) == 4 and all(w > h for w, h in found)


def test_ita_and_action_plan_print_landscape_and_helper_tabs_do_not(tmp_path):
    for kind in ("ita", "action-plan"):
        path = tmp_path / f"{kind}.xlsx"
        ss.init(path, kind=kind, unit="กองคลัง", period="2567")
        found = pages(pdf_of(path))
        # the table and its summary tab; archive, audit and metadata are hidden
        assert len(found) == 2 and all(w > h for w, h in found), (kind, found)
        wb = openpyxl.load_workbook(path)
        assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == wb.sheetnames[:2]


@pytest.mark.skipif(not LAKSAMAN.is_file(), reason="fonts-thai-tlwg (Laksaman) is not installed")
@pytest.mark.parametrize("tab", [SHEET, "ประวัติการแก้ไข", "เก็บถาวร"])
def test_no_text_is_taller_than_its_row(tmp_path, tab):
    """Every text of the scorecard fits its row; of the hidden edit history and archive a
    person unhides to audit, their two-line labels and the time stamps (a logged text,
    a narrative, may run past its cell as in any log)."""
    from PIL import ImageFont
    path = seed000_unit(tmp_path)
    ws = openpyxl.load_workbook(path)[tab]
    assert ws.max_row >= (2 if tab == "ประวัติการแก้ไข" else 1), "the recalc wrote its history rows"
    fonts = {}

    def measure(size: float):
        """(the font at 10x its size, the height of one of its lines in points)."""
        if size not in fonts:
            font = ImageFont.truetype(str(LAKSAMAN), round(size * 10))   # measure at 10x, in points / 10
            ascent, descent = font.getmetrics()
            fonts[size] = font, (ascent + descent) / 10 * 0.75   # LibreOffice sets Thai lines tighter than the box
        return fonts[size]
    spans = {}
    for m in ws.merged_cells.ranges:
        spans[(m.min_row, m.min_col)] = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
    too_tall = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or ws.column_dimensions[cell.column_letter].hidden:
                continue
            if tab != SHEET and cell.row != 1 and cell.column != 1:
                continue
            font, line = measure(cell.font.sz or 11)     # each cell at its own size (rows typed later: 11)
            nrows, ncols = spans.get((cell.row, cell.column), (1, 1))
            width_pt = sum((ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43) * 5.25
                           for c in range(cell.column, cell.column + ncols)) - 6
            height_pt = sum(ws.row_dimensions[r].height or 15 for r in range(cell.row, cell.row + nrows))
            if cell.alignment.wrap_text:
                lines = sum(max(1, math.ceil(font.getlength(part) / 10 / width_pt)) for part in cell.value.split("\n"))
            else:    # one line, running over the empty cells beside it (a totals label)
                lines = len(cell.value.split("\n"))
            if lines * line > height_pt + 1:
                too_tall.append((cell.coordinate, lines, round(lines * line), height_pt))
    assert too_tall == []


def test_totals_labels_read_on_one_line_beside_their_values(tmp_path):
    """"คะแนนถ่วงน้ำหนักรวม" wrapped to three lines in the narrow column left of its value:
    it runs left over the empty result/score cells instead, on a one-line row."""
    ws = openpyxl.load_workbook(seed000_unit(tmp_path))[SHEET]
    labels = {c.value: c for row in ws.iter_rows() for c in row if c.value in ("คะแนนถ่วงน้ำหนักรวม", "ร้อยละ")
              and c.row > 4}
    for text, cell in labels.items():
        assert not cell.alignment.wrap_text and cell.alignment.horizontal == "right", text
        assert ws.row_dimensions[cell.row].height <= 30, text           # one 16 pt line with room
        left = ws.cell(cell.row, cell.column - 1)
        assert left.value is None and (cell.border.left is None or cell.border.left.style is None)   # room, no line
    value = ws.cell(labels["คะแนนถ่วงน้ำหนักรวม"].row, labels["คะแนนถ่วงน้ำหนักรวม"].column + 1).value
    assert value == 3.05


def test_the_ministry_summary_prints_landscape_with_its_title_whole(tmp_path):
    _, result = ss.demo(tmp_path / "demo")
    summary = Path(result.out)
    found = pages(pdf_of(summary))
    assert found and all(w > h for w, h in found)
    wb = openpyxl.load_workbook(summary)
    for ws in wb.worksheets[:2]:
        title = ws["A1"].value
        merged = next(m for m in ws.merged_cells.ranges if m.min_row == 1 and m.min_col == 1)
        assert title.endswith("2/2567") and merged.max_col == ws.max_column - (2 if ws.title == "คะแนนรายตัวชี้วัด" else 0)
        assert ws.freeze_panes == "D3"                      # headers and the names stay in view
    matrix = wb["คะแนนรายตัวชี้วัด"]
    header = [c.value for c in matrix[2]]
    mean = header.index("เฉลี่ย") + 1
    assert matrix.column_dimensions[openpyxl.utils.get_column_letter(mean)].width <= 15
