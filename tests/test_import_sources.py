"""Issue 14: where a report comes from does not change what it imports as.

Seed 000 written by other tools (LibreOffice's own CSV -> .xlsx conversion, a values-only
.xlsx as Google's export writes it), in other encodings (UTF-8 with BOM, UTF-16, cp874),
and files that are not reports at all. Every comparison is against the text import of the
same seed, never against figures this code produced. Also: the table kinds' computed cells
keep stable names (hand-edit records survive inserted rows) and the ITA summary's figures
are rounded half-up and shown with two decimals."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import sheets_sync as ss
from conftest import SHEET, shared_file
from sheets_sync.core.errors import SheetsSyncError
from sheets_sync.ministry.importers import import_file, import_scorecard
from sheets_sync.ministry.import_text import words

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (soffice) on PATH")


def seed000() -> Path:
    return shared_file("seeds", pattern="000_*.txt")


def not_placed(imported) -> list:
    """The report's recognised / not-placed list as words (a number by its value: the text
    says 2.000 where a spreadsheet holds 2)."""
    return [(s.line, words(s.text), s.reason) for s in imported.skipped]


def sheet_rows(path: Path) -> dict:
    """Imported indicator rows as the canonical workbook holds them, by code: every cell
    from the code column to the details column (weight, target, criteria, result, details)."""
    ws = openpyxl.load_workbook(path)[SHEET]
    head = {ws.cell(3, c).value or ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    code_col = head["รหัส"]
    out = {}
    for r in range(1, ws.max_row + 1):
        code = ws.cell(r, code_col).value
        if isinstance(code, str) and code.startswith("ศปท."):
            out[code] = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
    return out


def assert_imports_like_text(tmp_path: Path, source: Path) -> None:
    text_src = seed000()
    ref, got = import_scorecard(text_src), import_scorecard(source)
    pd.testing.assert_frame_equal(got.rows, ref.rows)
    assert got.results == ref.results                       # results and details per code
    assert (got.unit, got.period) == (ref.unit, ref.period)
    assert not_placed(got) == not_placed(ref)
    a, b = tmp_path / "from_text.xlsx", tmp_path / "from_other.xlsx"
    import_file(text_src, "scorecard", a)
    import_file(source, "scorecard", b)
    rows_a, rows_b = sheet_rows(a), sheet_rows(b)
    assert len(rows_a) == 7 and rows_b == rows_a
    ta, tb = ss.recalc(a).sheets[0].totals, ss.recalc(b).sheets[0].totals
    assert (tb["weighted_score"], tb["percentage"]) == (ta["weighted_score"], ta["percentage"]) == (3.05, 61.0)


# --- 1. the same report as .xlsx from other tools --------------------------------------

@pytest.mark.needs_shared
@needs_soffice
def test_libreoffice_xlsx_of_seed000_imports_like_the_text(tmp_path):
    csv = tmp_path / "seed000.csv"
    shutil.copyfile(seed000(), csv)
    subprocess.run([SOFFICE, "--headless", "--convert-to", "xlsx", "--infilter=CSV:124,34,76,1",
                    "--outdir", str(tmp_path), str(csv)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    src = tmp_path / "seed000.xlsx"
    ws = openpyxl.load_workbook(src).active
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
    # LibreOffice made numbers of the figures and kept the padding spaces of the text cells
    assert cells["D9"] == 15 and cells["N9"] == 0.3 and isinstance(cells["C9"], str)
    assert cells["C9"].strip().startswith("ศปท.1")
    assert_imports_like_text(tmp_path, src)


@pytest.mark.needs_shared
def test_google_style_xlsx_of_seed000_imports_like_the_text(tmp_path):
    # Google's export: one sheet, values only, no styles, numbers as numbers, text trimmed
    src = tmp_path / "google.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for line in seed000().read_text(encoding="utf-8").splitlines():
        row = []
        for cell in line.split("|"):
            t = cell.strip()
            try:
                row.append(float(t) if "." in t else int(t)) if t else row.append(None)
            except ValueError:
                row.append(t)
        ws.append(row)
    wb.save(src)
    check = openpyxl.load_workbook(src)
    assert check.sheetnames == ["Sheet1"] and check.active["D9"].value == 15.0
    assert check.active["L9"].value == 2.0 and check.active["M9"].value == 40.0   # printed as 2.000, 40.00
    assert_imports_like_text(tmp_path, src)


# --- 2. encodings, and what is not a report ---------------------------------------------

@pytest.mark.needs_shared
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_seed000_in_unicode_encodings_imports_like_utf8(tmp_path, encoding):
    src = tmp_path / "seed000.txt"
    data = seed000().read_text(encoding="utf-8").encode(encoding)
    if encoding == "utf-16":
        assert data[:2] == b"\xff\xfe"          # little-endian with a BOM
    src.write_bytes(data)
    ref, got = import_scorecard(seed000()), import_scorecard(src)
    pd.testing.assert_frame_equal(got.rows, ref.rows)
    assert got.results == ref.results
    assert [str(s) for s in got.skipped] == [str(s) for s in ref.skipped]


@pytest.mark.needs_shared
def test_seed000_in_cp874_imports_like_utf8(tmp_path):
    text = seed000().read_text(encoding="utf-8")
    # TIS-620 has every Thai letter but not the status bullet: an export writes '?' for it
    assert {ch for ch in text if ch not in "?" and ch.encode("cp874", "replace") == b"?"} == {"●"}
    src = tmp_path / "seed000_tis620.txt"
    src.write_bytes(text.encode("cp874", errors="replace"))
    ref, got = import_scorecard(seed000()), import_scorecard(src)
    pd.testing.assert_frame_equal(got.rows, ref.rows)
    assert got.results == ref.results
    assert [str(s) for s in got.skipped] == [str(s).replace("●", "?") for s in ref.skipped]
    out = tmp_path / "out.xlsx"
    import_file(src, "scorecard", out)
    assert ss.recalc(out).sheets[0].totals["weighted_score"] == 3.05


def _not_text():
    rnd = random.Random(14)
    return {"random.txt": rnd.randbytes(4096),
            "picture.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(1024),
            "png_as.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(64)}


@pytest.mark.parametrize("name", list(_not_text()))
@pytest.mark.parametrize("kind", ["scorecard", "ita", "action-plan"])
def test_bytes_that_are_no_report_give_a_clear_error(tmp_path, name, kind):
    src = tmp_path / name
    src.write_bytes(_not_text()[name])
    out = tmp_path / "out.xlsx"
    with pytest.raises(SheetsSyncError) as e:
        import_file(src, kind, out)
    msg = str(e.value)
    assert name in msg and "ไม่ใช่ไฟล์ข้อความ" in msg and "not readable text" in msg
    assert not out.exists()


@pytest.mark.parametrize("name", list(_not_text()))
def test_cli_import_of_bytes_exits_2_with_the_message(tmp_path, cli, name):
    src = tmp_path / name
    src.write_bytes(_not_text()[name])
    res = cli("import", src, "--kind", "scorecard", "--out", tmp_path / "x.xlsx", code=2)
    assert name in res.output and "not readable text" in res.output and "ไม่ใช่ไฟล์ข้อความ" in res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, (AttributeError, TypeError, ValueError))
    assert not (tmp_path / "x.xlsx").exists()


# --- 3. table kinds: stable names, ITA summary figures --------------------------------

def _ita_book(tmp_path: Path, scores: dict) -> Path:
    path = tmp_path / "ita.xlsx"
    """An ITA workbook from init, each item's score typed in (items I1.. under indicator 1,
    E.. under indicator 6)."""
    rows = pd.DataFrame([{"code": c, "indicator": 1 if c[0] == "I" else 6, "question": f"ข้อ {c}"}
                         for c in scores])
    ss.init(path, kind="ita", indicators=rows, unit="กองคลัง", period="2567")
    wb = openpyxl.load_workbook(path)
    ws = wb["ITA"]
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, 1).value in scores:
            ws.cell(r, 4).value = scores[ws.cell(r, 1).value]
    wb.save(path)
    return path


def _meta(path: Path) -> dict:
    from sheets_sync.backends.open import open_book
    from sheets_sync.kinds.meta import META_SHEET, read_meta
    return read_meta(open_book(path).grids()[META_SHEET])


def test_table_kind_names_computed_cells_and_survives_inserted_rows(tmp_path):
    path = _ita_book(tmp_path, {"I1": 90, "I2": 50, "I3": 90})
    ss.recalc(path)
    recorded = json.loads(_meta(path)["computed:ITA"])
    assert recorded["I2|level"] == "แก้ไขเร่งด่วน" and recorded["I1|level"] == "ยกระดับ"
    assert {k.split("|")[1] for k in recorded} == {"level", "status"}
    assert len(recorded) == 6
    # a person inserts an item above I2, raises I2's score (its level cell still says what
    # sheets-sync wrote) and types over I1's computed level by hand
    wb = openpyxl.load_workbook(path)
    ws = wb["ITA"]
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    ws.insert_rows(rows["I2"])
    ws.cell(rows["I2"], 1).value, ws.cell(rows["I2"], 2).value, ws.cell(rows["I2"], 4).value = "I4", 4, 95
    ws.cell(rows["I2"] + 1, 4).value = 95
    ws.cell(rows["I1"], 5).value = "ดีมาก"
    wb.save(path)
    report = ss.recalc(path, dry_run=True)
    flagged = {(p.kind, p.cell) for p in report.sheets[0].problems if p.kind.startswith("computed_")}
    assert flagged == {("computed_overwritten", f"E{rows['I1']}")}, flagged
    ss.recalc(path)
    ws = openpyxl.load_workbook(path)["ITA"]
    levels = {ws.cell(r, 1).value: ws.cell(r, 5).value for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value}
    assert levels == {"I1": "ยกระดับ", "I4": "ยกระดับ", "I2": "ยกระดับ", "I3": "ยกระดับ"}
    assert set(json.loads(_meta(path)["computed:ITA"])) == {f"{c}|{k}" for c in levels for k in ("level", "status")}


def _half_up(x: Decimal) -> float:
    return float(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_ita_summary_figures_rounded_half_up_with_two_decimals(tmp_path):
    # indicator 1: the mean of 85.12 and 85.13 is 85.125 (85.13 half-up; round() gives 85.12);
    # indicator 6 (E6 alone): 70.005 (70.01 half-up; round() gives 70.0)
    assert round((85.12 + 85.13) / 2, 2) == 85.12 and round(70.005, 2) == 70.0
    path = _ita_book(tmp_path, {"I1": 85.12, "I2": 85.13, "E6": 70.005})
    ws = openpyxl.load_workbook(path)["สรุป ITA"]
    score_cells = [(r, 5) for r in (3, 4)]
    assert all(ws.cell(*c).number_format == "#,##0.00" for c in score_cells)   # formatted at init
    ss.recalc(path)
    ws = openpyxl.load_workbook(path)["สรุป ITA"]
    got = {ws.cell(r, 2).value: ws.cell(r, 5) for r in (3, 4)}
    want = {1: _half_up((Decimal("85.12") + Decimal("85.13")) / 2), 6: _half_up(Decimal("70.005"))}
    assert {k: c.value for k, c in got.items()} == want == {1: 85.13, 6: 70.01}
    assert all(c.number_format == "#,##0.00" for c in got.values())
    assert ws.cell(3, 1).number_format == "General" and ws.cell(3, 2).number_format == "General"  # rank, indicator
    # a score changed: recalc rewrites the figure, the cell keeps its format
    wb = openpyxl.load_workbook(path)
    ita = wb["ITA"]
    for r in range(3, ita.max_row + 1):
        if ita.cell(r, 1).value == "E6":
            ita.cell(r, 4).value = 99.994999
    wb.save(path)
    ss.recalc(path)
    ws = openpyxl.load_workbook(path)["สรุป ITA"]
    cell = next(ws.cell(r, 5) for r in (3, 4) if ws.cell(r, 2).value == 6)
    assert cell.value == 99.99 and cell.number_format == "#,##0.00"
