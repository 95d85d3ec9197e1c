"""The ministry summary carries the units' words (issue 13): a รายละเอียดรายหน่วยงาน sheet,
per unit and indicator, with the result, score, status, explanation, obstacles and the
number of evidence items; long text whole and wrapped, a filter on every column."""
from __future__ import annotations

import openpyxl

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, STAFF, header_columns, sheet_key, type_results
from details_helpers import opdc_unit, type_details
from sheets_sync.workbook.entry import type_values

SHEET = "รายละเอียดรายหน่วยงาน"
EXPLANATION = "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ"
# 3,000 characters with line breaks, Thai marks, a leading space and a formula-like line
LONG = (" ประชุมคณะทำงานศูนย์ราชการใสสะอาด ครั้งที่ 1/2550\n=SUM(A1)\n" + "ก่ำ" * 1000)[:3000]
assert len(LONG) == 3000


def units_file(tmp_path, entries) -> object:
    path = tmp_path / "units.yaml"
    path.write_text("units:\n" + "".join(f"  - {{code: {c}, name: {n}, sheet: {s}}}\n" for c, n, s in entries),
                    encoding="utf-8")
    return path


def two_units(tmp_path):
    (tmp_path / "u").mkdir()
    a, b = opdc_unit(tmp_path / "u" / "A.xlsx"), opdc_unit(tmp_path / "u" / "B.xlsx")
    type_results(a, {"7.2.1": 5, "7.2.2": 75})
    type_results(b, {"7.2.1": 3})
    type_details(a, {"7.2.1": {EXPLANATION: LONG, "อุปสรรคต่อการดำเนินงาน": "-",
                               "หลักฐานอ้างอิง": "1. หนังสือเชิญ\n2. รายงาน\n   ต่อ\n3. ภาพกิจกรรม"}})
    type_details(b, {"7.2.1": {EXPLANATION: "ดำเนินการตามแผน", "อุปสรรคต่อการดำเนินงาน": "งบประมาณล่าช้า"}})
    for p in (a, b):
        ss.recalc(p)
    return units_file(tmp_path, [("A", "สำนักงาน ปปง.", "u/A.xlsx"), ("B", "กองคลัง", "u/B.xlsx")])


def rows_of(ws) -> list[dict]:
    head = [c.value for c in ws[2]]
    return [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=3)]


def test_the_sheet_holds_each_units_words_per_indicator_and_a_long_text_whole(tmp_path):
    units = two_units(tmp_path)
    out = tmp_path / "summary.xlsx"
    ss.consolidate(units, str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index(SHEET) == wb.sheetnames.index("คะแนนรายตัวชี้วัด") + 1
    ws = wb[SHEET]
    rows = {(r["รหัสหน่วยงาน"], r["รหัส"]): r for r in rows_of(ws)}
    assert sorted(rows) == [("A", "7.2.1"), ("A", "7.2.2"), ("B", "7.2.1"), ("B", "7.2.2")]
    a = rows[("A", "7.2.1")]
    assert a[EXPLANATION] == LONG                                   # whole, exactly
    assert a["อุปสรรคต่อการดำเนินงาน"] == "-" and a["จำนวนหลักฐานอ้างอิง"] == 3
    assert a["ผลการดำเนินงาน"] == 5 and a["ค่าคะแนนที่ได้"] == 5 and a["สถานะ"] == "บรรลุเป้าหมาย"
    assert a["หน่วยงาน"] == "สำนักงาน ปปง."
    b = rows[("B", "7.2.1")]
    assert (b[EXPLANATION], b["อุปสรรคต่อการดำเนินงาน"], b["จำนวนหลักฐานอ้างอิง"]) == ("ดำเนินการตามแผน", "งบประมาณล่าช้า", 0)
    assert b["ค่าคะแนนที่ได้"] == 3 and b["สถานะ"] == "ผ่านระดับมาตรฐาน"
    assert rows[("B", "7.2.2")]["สถานะ"] == "ยังไม่รายงาน" and rows[("B", "7.2.2")]["ค่าคะแนนที่ได้"] is None
    assert ws.auto_filter.ref == f"A2:J{len(rows) + 2}"
    cols = header_columns(ws, 2)
    long_cell = next(c for c in ws[f"{openpyxl.utils.get_column_letter(cols[EXPLANATION])}"] if c.value == LONG)
    assert long_cell.alignment.wrap_text and ws.column_dimensions[long_cell.column_letter].width == 60
    assert ws.row_dimensions[long_cell.row].height <= 409
    assert ws.cell(long_cell.row, cols["ค่าคะแนนที่ได้"]).number_format == "0.0000"     # OPDC's decimals
    assert wb["ภาพรวม"].cell(3, header_columns(wb["ภาพรวม"], 2)["คะแนนถ่วงน้ำหนักรวม"]).number_format == "0.0000"


def test_a_seed000_unit_without_a_details_tab_gives_its_scorecards_narrative(tmp_path):
    path = tmp_path / "S.xlsx"
    ss.init(path, indicators=SEED000_CSV)
    type_values(path, {c: {"result": v} for c, v in SEED000_RESULTS.items()}
                | {"ศปท.1": {"result": 2, "details": "(ร่าง) ประชุมคณะทำงานฯ"}})
    ss.recalc(path)
    out = tmp_path / "summary.xlsx"
    ss.consolidate(units_file(tmp_path, [("S", "ศูนย์ปฏิบัติการต่อต้านการทุจริต", "S.xlsx")]), str(out))
    rows = {r["รหัส"]: r for r in rows_of(openpyxl.load_workbook(out)[SHEET])}
    assert len(rows) == 7
    assert rows["ศปท.1"][EXPLANATION] == "(ร่าง) ประชุมคณะทำงานฯ"
    assert rows["ศปท.1"]["จำนวนหลักฐานอ้างอิง"] is None and rows["ศปท.2"][EXPLANATION] is None
    assert rows["ศปท.6"]["ค่าคะแนนที่ได้"] == 5


def test_on_google_the_sheet_has_the_long_text_and_a_filter(tmp_path, emulator, google_opts):
    url = ss.init(indicators=[{"code": "7.2.1", "indicator": "ระดับความสำเร็จ", "weight": 100, "c1": 1, "c2": 2,
                               "c3": 3, "c4": 4, "c5": 5}], template="scorecard_opdc", google=True, share=[STAFF],
                  credentials=emulator.creds, endpoint=emulator.base_url)
    key = sheet_key(url)
    book = emulator.state.spreadsheets[key]
    tab = book.sheet_by_title("รายละเอียดตัวชี้วัด")
    col = next(c for (r, c), cell in tab.cells.items() if cell.get("effectiveValue", {}).get("stringValue") == EXPLANATION)
    emulator.state.values_update(key, STAFF, f"'รายละเอียดตัวชี้วัด'!{openpyxl.utils.get_column_letter(col + 1)}4",
                                 [[LONG]], "RAW")
    summary = emulator.state.create_spreadsheet("สรุป", emulator.account)
    result = ss.consolidate(units_file(tmp_path, [("G", "หน่วย G", key)]), summary.id, credentials=emulator.creds,
                            endpoint=emulator.base_url)
    assert result.exit_code == 0
    sheet = emulator.state.spreadsheets[summary.id].sheet_by_title(SHEET)
    texts = [cell.get("effectiveValue", {}).get("stringValue") for cell in sheet.cells.values()]
    assert LONG in texts
    rng = sheet.basic_filter["range"]
    assert (rng["startRowIndex"], rng["startColumnIndex"], rng["endRowIndex"], rng["endColumnIndex"]) == (1, 0, 3, 10)
