"""The details tab through init, recalc and validate (issue 13)."""
from __future__ import annotations

import openpyxl

import sheets_sync as ss
from conftest import header_columns, type_results
from details_helpers import DETAILS, STEP5, code_rows, details_cells, opdc_unit, type_details

LONG = "ประชุมคณะทำงาน " * 200


def test_init_makes_the_tab_keyed_by_code_with_the_ministrys_text(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["ตัวชี้วัด", DETAILS]
    ws = wb[DETAILS]
    cols = header_columns(ws)
    for label in ("รหัส", "ตัวชี้วัด", "คำอธิบาย", "ระดับ 1", "ระดับ 5", "ผู้กำกับดูแลตัวชี้วัด", "โทรศัพท์ผู้กำกับดูแล",
                  "ผู้จัดเก็บข้อมูล", "โทรศัพท์ผู้จัดเก็บข้อมูล", "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ",
                  "ปัจจัยสนับสนุนต่อการดำเนินงาน", "อุปสรรคต่อการดำเนินงาน", "หลักฐานอ้างอิง"):
        assert label in cols, label
    cells = details_cells(path)
    assert list(cells) == ["7.2.1", "7.2.2"]
    assert cells["7.2.1"]["ระดับ 5"] == STEP5
    assert cells["7.2.1"]["คำอธิบาย"] == "พิจารณาจากระดับขั้นของความสำเร็จในการดำเนินการ"
    assert cells["7.2.1"]["บทบาทผู้กำกับดูแล"] is None            # empty: the usual role
    from sheets_sync.kinds.indicator_details import SUPERVISOR_ROLE, details_by_code
    from sheets_sync.backends.xlsx_book import XlsxBook
    from sheets_sync.kinds.template import load_template
    assert details_by_code(XlsxBook(path).grids(), load_template("scorecard_opdc"))["7.2.1"].supervisor_role \
        == SUPERVISOR_ROLE == "ผู้กำกับดูแลตัวชี้วัด"
    assert cells["7.2.2"]["คำอธิบาย"] is None and cells["7.2.1"]["หลักฐานอ้างอิง"] is None
    r = code_rows(ws, cols["รหัส"])["7.2.1"]
    # the unit types its columns; the ministry's are locked (a guard, not a wall)
    assert ws.cell(r, cols["หลักฐานอ้างอิง"]).protection.locked is False
    assert ws.cell(r, cols["ระดับ 5"]).protection.locked is True
    assert ws.protection.sheet is True
    assert ws.cell(r, cols["หลักฐานอ้างอิง"]).alignment.wrap_text is True


def test_opdc_computed_columns_show_the_templates_four_decimals(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    type_results(path, {"7.2.1": 5, "7.2.2": 100})
    ss.recalc(path)
    ws = openpyxl.load_workbook(path)["ตัวชี้วัด"]
    cols = header_columns(ws)
    r = code_rows(ws, cols["รหัส"])["7.2.1"]
    assert ws.cell(r, cols["ค่าคะแนนที่ได้"]).value == 5.0
    assert ws.cell(r, cols["ค่าคะแนนที่ได้"]).number_format == "0.0000"
    assert abs(ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"]).value - 0.1) < 1e-12
    assert ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"]).number_format == "0.0000"
    assert ws.cell(r, cols["ร้อยละที่ได้"]).number_format == "0.00"
    total = next(ws.cell(row, cols["คะแนนถ่วงน้ำหนัก"]) for row in range(1, ws.max_row + 1)
                 if ws.cell(row, cols["คะแนนถ่วงน้ำหนัก"] - 1).value == "คะแนนถ่วงน้ำหนักรวม")
    assert total.number_format == "0.0000" and abs(total.value - 5.0) < 1e-9


def test_seed000s_template_keeps_its_three_decimals(tmp_path):
    path = tmp_path / "s.xlsx"
    ss.init(path)
    ws = openpyxl.load_workbook(path)["ตัวชี้วัด"]
    cols = header_columns(ws)
    r = min(code_rows(ws, cols["รหัส"]).values())
    assert ws.cell(r, cols["ค่าคะแนนที่ได้"]).number_format == "0.000"
    assert ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"]).number_format == "0.000"
    assert DETAILS not in openpyxl.load_workbook(path).sheetnames     # the default template has no details


def _problems(report):
    return {(p.kind, p.sheet, p.cell): p for p in report.problems}


def test_top_score_without_evidence_is_a_warning_at_the_evidence_cell(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    type_results(path, {"7.2.1": 5, "7.2.2": 80})
    ss.recalc(path)
    report = ss.validate(path)
    found = [p for p in report.problems if p.kind == "evidence_missing"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].sheet == DETAILS
    ws = openpyxl.load_workbook(path)[DETAILS]
    cols = header_columns(ws)
    assert found[0].cell == f"{openpyxl.utils.get_column_letter(cols['หลักฐานอ้างอิง'])}{code_rows(ws, cols['รหัส'])['7.2.1']}"
    assert "หลักฐานอ้างอิง" in found[0].message_th and "evidence" in found[0].message_en
    assert "7.2.1" in found[0].message_en and "5" in found[0].message_en
    assert not report.errors
    type_details(path, {"7.2.1": {"หลักฐานอ้างอิง": "1. หนังสือเชิญประชุม\n2. รายงานการประชุม"}})
    assert not [p for p in ss.validate(path).problems if p.kind == "evidence_missing"]


def test_a_details_row_whose_code_is_not_in_the_scorecard_and_a_code_twice(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    type_details(path, {"9.9.9": {"คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ": "ข้อความ"}})
    wb = openpyxl.load_workbook(path)
    ws = wb[DETAILS]
    cols = header_columns(ws)
    ws.cell(ws.max_row + 1, cols["รหัส"]).value = "7.2.1"
    dup_row = ws.max_row
    wb.save(path)
    report = ss.validate(path)
    kinds = {p.kind: p for p in report.problems if p.sheet == DETAILS}
    assert kinds["details_unknown_code"].severity == "warning" and "9.9.9" in kinds["details_unknown_code"].message_th
    dup = kinds["details_duplicate_code"]
    assert dup.severity == "error" and dup.cell == f"A{dup_row}" and "7.2.1" in dup.message_en
    assert report.errors == [dup]


def test_a_scorecard_indicator_without_a_details_row_is_told(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[DETAILS]
    cols = header_columns(ws)
    ws.cell(code_rows(ws, cols["รหัส"])["7.2.2"], cols["รหัส"]).value = None
    wb.save(path)
    missing = [p for p in ss.validate(path).problems if p.kind == "details_missing_row"]
    assert [p.code for p in missing] == ["7.2.2"] and missing[0].severity == "warning"
    score = openpyxl.load_workbook(path)["ตัวชี้วัด"]
    scols = header_columns(score)
    assert (missing[0].sheet, missing[0].cell) == ("ตัวชี้วัด", f"C{code_rows(score, scols['รหัส'])['7.2.2']}")


def test_recalc_leaves_every_details_cell_as_typed(tmp_path):
    path = opdc_unit(tmp_path / "u.xlsx")
    typed = {"คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ": LONG, "อุปสรรคต่อการดำเนินงาน": "-",
             "ผู้กำกับดูแลตัวชี้วัด": "พ.ต.ท.หญิงเอมอร ไชยบัวแดง", "โทรศัพท์ผู้กำกับดูแล": "0-2219-3600 ต่อ 4000"}
    type_details(path, {"7.2.1": typed})
    type_results(path, {"7.2.1": 5})
    before = details_cells(path)
    ss.recalc(path)
    assert details_cells(path) == before
    assert before["7.2.1"]["คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ"] == LONG
