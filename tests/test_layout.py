"""Reading what staff actually leave in a sheet."""
import openpyxl

from conftest import SEED000_GOLDEN, SHEET, code_rows, header_columns, recalc_json, type_results


def golden(report):
    return {r["code"]: (r["score"], r["percentage"], r["weighted_score"]) for r in report["sheets"][0]["rows"]}


def test_a_user_inserted_column_of_notes_breaks_nothing(seed_book, cli):
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[SHEET]
    ws.protection.sheet = False
    ws.insert_cols(12)  # before ผลการดำเนินงาน
    ws.cell(3, 12).value = "หมายเหตุของกอง"
    ws.cell(5, 12).value = "ดูเอกสารแนบ 3"
    wb.save(seed_book)
    report = recalc_json(cli, seed_book)
    assert golden(report) == SEED000_GOLDEN
    ws = openpyxl.load_workbook(seed_book)[SHEET]
    assert ws.cell(5, 12).value == "ดูเอกสารแนบ 3"
    assert ws.cell(5, 14).value == 2.0  # score moved one column right with its header
    assert ws["P15"].value == 3.05


def test_reordered_columns_blank_rows_and_extra_sheets(tmp_path, cli):
    # A hand-made sheet: different column order, a blank row, a notes sheet first.
    path = tmp_path / "handmade.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "อ่านก่อน"
    wb.active["A1"] = "ไฟล์นี้ทำเอง"
    ws = wb.create_sheet("Q2")
    ws.append(["รายงานของกองคลัง"])
    ws.append(["ตัวชี้วัด", "รหัส", "ผลการดำเนินงาน", "เกณฑ์การให้คะแนน", None, None, None, None,
               "น้ำหนัก", "ค่าคะแนนที่ได้", "คะแนนถ่วงน้ำหนัก", "ร้อยละที่ได้", "เป้าหมาย ปี 2567"])
    ws.append([None, None, None, 1, 2, 3, 4, 5])
    ws.append(["มิติด้านคุณภาพการให้บริการ"])
    ws.append(["ความพึงพอใจ", "A.1", "๗๒", 68, 71, 74, 77, 80, 60, None, None, None, 80])
    ws.append([])
    ws.append(["เผยแพร่", "A.2", 10, 4, 6, 8, 10, 12, 40, None, None, None, 12])
    ws.append(["น้ำหนักรวม", None, None, None, None, None, None, None, 100, "คะแนนถ่วงน้ำหนักรวม", None])
    ws.append([None] * 9 + ["ร้อยละ", None])
    wb.save(path)
    sheet = recalc_json(cli, path)["sheets"][0]
    assert sheet["sheet"] == "Q2"
    assert {r["code"]: r["score"] for r in sheet["rows"]} == {"A.1": 2.0, "A.2": 4.0}
    assert sheet["totals"]["weighted_score"] == 2.8  # 60*2/100 + 40*4/100
    ws = openpyxl.load_workbook(path)["Q2"]
    assert (ws["J5"].value, ws["K5"].value, ws["L5"].value) == (2.0, 1.2, 40.0)
    assert ws["K8"].value == 2.8 and ws["K9"].value == 56.0
    assert ws["C5"].value == "๗๒"  # the typed result is left exactly as typed


def test_rows_are_found_by_code_not_position(seed_book, cli):
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[SHEET]
    cols = header_columns(ws)
    rows = code_rows(ws, cols["รหัส"])
    # swap two indicator rows' entire contents
    a, b = rows["ศปท.1"], rows["ศปท.7"]
    for c in range(1, ws.max_column + 1):
        ws.cell(a, c).value, ws.cell(b, c).value = ws.cell(b, c).value, ws.cell(a, c).value
    wb.save(seed_book)
    assert golden(recalc_json(cli, seed_book)) == SEED000_GOLDEN


def test_thai_digit_results_are_scored(seed_book, cli):
    type_results(seed_book, {"ศปท.5": "๑๐", "ศปท.7": "70 %", "ศปท.3": " 2 "})
    assert golden(recalc_json(cli, seed_book)) == SEED000_GOLDEN
