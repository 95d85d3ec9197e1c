"""validate: every problem names sheet and cell and says what is wrong in Thai and English."""
import json

import openpyxl
import pytest

from conftest import SHEET, code_rows, header_columns, type_results


def edit(path, **cells):
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[SHEET][ref] = value
    wb.save(path)


def problems(cli, path, code=None):
    res = cli("validate", path, "--json", code=code)
    return json.loads(res.stdout)


def kinds(report):
    return {(p["kind"], p["cell"]) for p in report["problems"]}


def test_clean_workbook_validates_with_exit_zero(seed_book, cli):
    cli("recalc", seed_book)
    report = problems(cli, seed_book, code=0)
    assert report["problems"] == [] and report["errors"] == 0


# Seed book layout: weights in E, criteria G..K, result L, score M, rows 5 6 7 9 11 12 14, totals 15/16.
@pytest.mark.parametrize("cells,expected", [
    ({"E5": 20}, ("weight_sum", "E15")),
    ({"E5": "สิบห้า"}, ("weight_not_number", "E5")),
    ({"E6": None}, ("weight_missing", "E6")),
    ({"H7": None}, ("criteria_missing", "H7")),
    ({"I7": 74}, ("criteria_not_monotonic", "G7:K7")),
    ({"L9": "N/A"}, ("result_not_number", "L9")),
    ({"L9": "-"}, ("result_not_number", "L9")),
    ({"C6": "ศปท.1"}, ("duplicate_code", "C6")),
    ({"S7": "lower"}, ("direction_conflict", "S7")),
    ({"R7": "fuzzy"}, ("method_unknown", "R7")),
])
def test_each_input_problem_is_an_error_at_its_cell(seed_book, cli, cells, expected):
    cli("recalc", seed_book)
    edit(seed_book, **cells)
    report = problems(cli, seed_book, code=1)
    assert expected in kinds(report)
    p = next(p for p in report["problems"] if (p["kind"], p["cell"]) == expected)
    assert p["sheet"] == SHEET and p["severity"] == "error"
    assert p["message_th"] and p["message_en"] and p["message_th"] != p["message_en"]


def test_an_empty_cell_is_named_empty_not_none(seed_book, cli):
    """A weight or threshold deleted: the row is named at the cell it lost, and an empty
    cell reads as ว่าง / empty in the message, never as Python's None."""
    cli("recalc", seed_book)
    edit(seed_book, E6=None, H7=None)
    report = problems(cli, seed_book, code=1)
    weight = next(p for p in report["problems"] if p["kind"] == "weight_missing")
    assert weight["cell"] == "E6" and weight["code"] == "ศปท.2" and "ศปท.2 has no weight" in weight["message_en"]
    assert "ศปท.2 ไม่มีน้ำหนัก" in weight["message_th"]
    crit = next(p for p in report["problems"] if p["kind"] == "criteria_missing")
    assert crit["message_en"].endswith("(empty)") and crit["message_th"].endswith("(ว่าง)")
    assert not any("None" in p["message_en"] + p["message_th"] for p in report["problems"])


def test_computed_cell_overwritten_by_hand(seed_book, cli):
    cli("recalc", seed_book)
    edit(seed_book, M5=5)
    report = problems(cli, seed_book, code=1)
    p = next(p for p in report["problems"] if p["kind"] == "computed_overwritten")
    assert p["cell"] == "M5" and "5" in p["message_en"] and "2.000" in p["message_en"]
    assert p["code"] == "ศปท.1"                               # the indicator of row 5, for --json readers
    # recalc restores the computed value and keeps the typed one in its report
    out = json.loads(cli("recalc", seed_book, "--json").stdout)
    replaced = [p for p in out["sheets"][0]["problems"] if p["kind"] == "computed_replaced"]
    assert replaced and replaced[0]["cell"] == "M5" and "5" in replaced[0]["message_en"]
    wb = openpyxl.load_workbook(seed_book)
    assert wb[SHEET]["M5"].value == 2.0
    assert problems(cli, seed_book, code=0)["errors"] == 0
    # what the person typed is kept in the workbook too, not only in the terminal
    kept = [[c.value for c in row] for row in wb["ประวัติการแก้ไข"].iter_rows(min_row=2) if row[2].value == "M5"]
    assert len(kept) == 1 and kept[0][1:7] == [SHEET, "M5", "ศปท.1", "ค่าคะแนนที่ได้", 5, "2.000"], kept
    assert "typed over a computed cell" in kept[0][7] and "ช่องคำนวณ" in kept[0][7]


def test_stale_computed_cells_after_a_new_result_are_not_hand_edits(seed_book, cli):
    cli("recalc", seed_book)
    type_results(seed_book, {"ศปท.1": 5})
    assert "computed_overwritten" not in {k for k, _ in kinds(problems(cli, seed_book, code=0))}


def test_unreported_result_is_a_warning(seed_book, cli):
    type_results(seed_book, {"ศปท.4": None})
    report = problems(cli, seed_book, code=0)
    assert ("result_not_reported", "L9") in kinds(report)


def test_milestone_result_must_be_a_whole_step(seed_book, cli):
    type_results(seed_book, {"ศปท.1": 2.5})
    assert ("milestone_not_step", "L5") in kinds(problems(cli, seed_book, code=0))


@pytest.mark.parametrize("typed", ["๘๐%", "80", "-1", "5.5"])
def test_a_milestone_result_outside_its_steps_is_an_error_and_not_scored(seed_book, cli, typed):
    """A newcomer typed ๘๐% on a milestone (steps 1-5): it scored 5.000, green, with a warning."""
    type_results(seed_book, {"ศปท.1": typed})
    report = problems(cli, seed_book, code=1)
    found = [p for p in report["problems"] if p["cell"] == "L5"]
    assert [p["kind"] for p in found] == ["milestone_out_of_range"], found
    assert "not a step 0-5" in found[0]["message_en"] and "ไม่ใช่ขั้นที่ทำสำเร็จ 0-5" in found[0]["message_th"]
    out = json.loads(cli("recalc", seed_book, "--json", code=1).stdout)
    row = next(r for r in out["sheets"][0]["rows"] if r["code"] == "ศปท.1")
    assert row["score"] is None
    # seed 000 without ศปท.1's 0.300: the rest still add up, the total says it is incomplete
    assert out["sheets"][0]["totals"]["weighted_score"] == 2.75 and not out["sheets"][0]["totals"]["complete"]
    assert openpyxl.load_workbook(seed_book)[SHEET]["M5"].value is None


def test_result_typed_in_a_row_without_code(seed_book, cli):
    edit(seed_book, L17="99")
    assert ("result_without_code", "L17") in kinds(problems(cli, seed_book, code=0))


def test_text_result_is_not_scored_and_named(seed_book, cli):
    type_results(seed_book, {"ศปท.4": "N/A"})
    out = json.loads(cli("recalc", seed_book, "--json", code=1).stdout)["sheets"][0]   # errors: exit 1
    row = next(r for r in out["rows"] if r["code"] == "ศปท.4")
    assert row["score"] is None and row["status"] == "invalid"   # typed but unusable: not "not reported"
    assert out["totals"]["complete"] is False
    assert openpyxl.load_workbook(seed_book)[SHEET]["L9"].value == "N/A"


def test_missing_column_is_named(seed_book, cli):
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[SHEET]
    cols = header_columns(ws)
    ws.cell(3, cols["ร้อยละที่ได้"]).value = "อื่น ๆ"
    wb.save(seed_book)
    report = problems(cli, seed_book, code=1)
    p = next(p for p in report["problems"] if p["kind"] == "missing_column")
    assert "ร้อยละที่ได้" in p["message_en"] and p["cell"] == "3:3"
    assert code_rows(ws, cols["รหัส"])  # still a scorecard, just an incomplete header


def test_duplicate_column_and_missing_totals_row_are_named(seed_book, cli):
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[SHEET]
    ws.protection.sheet = False
    ws.cell(3, 20).value = "ค่าคะแนนที่ได้"        # a second score column typed by someone
    for r in range(1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            if ws.cell(r, c).value == "ร้อยละ":
                ws.cell(r, c).value = None          # the overall-percentage row label deleted
    wb.save(seed_book)
    report = problems(cli, seed_book, code=1)
    assert ("duplicate_column", "T3") in kinds(report)
    missing = [p for p in report["problems"] if p["kind"] == "missing_total_row"]
    assert missing and "ร้อยละ" in missing[0]["message_en"]


def test_stale_scores_are_a_finding_named_at_each_cell(seed_book, cli):
    cli("recalc", seed_book)
    edit(seed_book, L14=90)                       # ศปท.7: 70 -> 90, not recalculated yet
    report = problems(cli, seed_book, code=0)
    stale = {p["cell"]: p for p in report["problems"] if p["kind"] == "computed_stale"}
    # score, percentage and weighted score of ศปท.7 and the two totals that follow (its
    # status stays yellow: 90 is still short of the target 100)
    assert set(stale) == {"M14", "N14", "O14", "O15", "O16"}
    assert "holds 3 where it should be 5.000" in stale["M14"]["message_en"]
    assert stale["O15"]["message_th"].startswith("ค่าคำนวณไม่เป็นปัจจุบัน")
    cli("recalc", seed_book)
    assert problems(cli, seed_book, code=0)["problems"] == []


def test_the_terminal_folds_a_sheets_stale_cells_into_one_line(seed_book, cli):
    """A newcomer changed two results and validate printed a warning per computed cell
    (25 lines); --json still names each cell (above), the terminal says it once."""
    cli("recalc", seed_book)
    edit(seed_book, L14=90, L5=5)
    out = cli("validate", seed_book).output
    # ศปท.1's score, percentage, weighted score and status, ศปท.7's three, the two totals
    assert "9 computed cells are" in out and "ค่าคำนวณไม่เป็นปัจจุบัน 9" in out, out
    assert out.count("warning") == 1 and "should be" not in out
    cells = [p["cell"] for p in problems(cli, seed_book, code=0)["problems"] if p["kind"] == "computed_stale"]
    assert cells == ["M5", "N5", "O5", "Q5", "M14", "N14", "O14", "O15", "O16"]     # --json: each cell


def test_unusable_results_get_their_own_status_not_not_reported(seed_book, cli):
    type_results(seed_book, {"ศปท.1": "72,5", "ศปท.2": "-", "ศปท.4": None})
    rows = {r["code"]: r["status"] for r in json.loads(cli("recalc", seed_book, "--json", code=1).stdout)["sheets"][0]["rows"]}
    assert rows["ศปท.1"] == rows["ศปท.2"] == "invalid" and rows["ศปท.4"] == "grey"
    ws = openpyxl.load_workbook(seed_book)[SHEET]
    assert ws["Q5"].value == "ข้อมูลไม่ถูกต้อง" and ws["Q9"].value == "ยังไม่รายงาน"


def test_a_renamed_scorecard_tab_gives_no_false_hand_edit_findings(seed_book, cli):
    cli("recalc", seed_book)
    wb = openpyxl.load_workbook(seed_book)
    wb[SHEET].title = "ตัวชี้วัด ไตรมาส 2"
    wb["ตัวชี้วัด ไตรมาส 2"]["L14"] = 90
    wb.save(seed_book)
    found = {p["kind"] for p in problems(cli, seed_book, code=0)["problems"]}
    assert "computed_overwritten" not in found and "computed_stale" in found
    out = json.loads(cli("recalc", seed_book, "--json").stdout)["sheets"][0]
    assert not [p for p in out["problems"] if p["kind"] == "computed_replaced"]
    assert out["totals"]["weighted_score"] == 3.15


def test_a_row_inserted_by_hand_keeps_recalc_and_validate_working(seed_book, cli):
    """Insert a row next to an indicator (as Excel or LibreOffice do: merges, validations
    and the score notes move down with it), type in it, save: nothing breaks or is blamed."""
    from sheets_sync.backends.xlsx import XlsxWorkbook
    from sheets_sync.backends.xlsx_rows import move_rows
    cli("recalc", seed_book)
    wb = XlsxWorkbook(seed_book)
    move_rows(wb, SHEET, 7, 1, 6)                  # a new row 7, below ศปท.2
    wb.set_cells(SHEET, {(7, 4): "หมายเหตุของหน่วยงาน", (7, 16): "ประชุมเพิ่มเติม"})
    wb.save()
    report = problems(cli, seed_book, code=0)
    assert not {p["kind"] for p in report["problems"]} & {"computed_overwritten", "computed_replaced",
                                                          "computed_stale"}
    out = json.loads(cli("recalc", seed_book, "--json").stdout)["sheets"][0]
    assert out["totals"]["weighted_score"] == 3.05 and out["changed_cells"] == 0
    ws = openpyxl.load_workbook(seed_book)[SHEET]
    assert ws["D7"].value == "หมายเหตุของหน่วยงาน" and ws["P7"].value == "ประชุมเพิ่มเติม"
    assert ws["C8"].value == "ศปท.3" and ws["M8"].value == 1.0


def test_recalc_exits_non_zero_while_the_sheet_has_errors(seed_book, cli):
    edit(seed_book, E5=20)                                   # weights now sum to 105
    res = cli("recalc", seed_book, code=1)
    assert "E15" in res.output and "105.00" in res.output
    assert openpyxl.load_workbook(seed_book)[SHEET]["E15"].value == 105.0   # written all the same
    edit(seed_book, E5=15)
    cli("recalc", seed_book, code=0)


def test_every_result_change_lands_in_the_history_sheet(seed_book, cli):
    cli("recalc", seed_book)                                   # the typed results: 7 changes from empty
    type_results(seed_book, {"ศปท.7": 90, "ศปท.3": 85})
    cli("recalc", seed_book)
    cli("recalc", seed_book)                                   # nothing changed: nothing more recorded
    rows = [r for r in openpyxl.load_workbook(seed_book)["ประวัติการแก้ไข"].iter_rows(min_row=2, values_only=True)]
    changes = [(r[2], r[3], r[5], r[6]) for r in rows if r[7] == "เปลี่ยนผล / result changed"]
    assert len(changes) == 9
    assert ("L14", "ศปท.7", 90, 70) in changes and ("L7", "ศปท.3", 85, 2) in changes
    assert ("L5", "ศปท.1", 2, None) in changes                # from empty: the first result typed
    assert all(" 25" in str(r[0]) for r in rows)              # Buddhist Era years, Bangkok time


def test_opdc_messages_and_totals_use_the_templates_four_decimals(tmp_path, cli):
    """Under OPDC (4 decimals) a stale or overwritten figure is quoted as 0.1000 and the CLI
    totals read 0.1000, never 0.100."""
    import openpyxl
    import sheets_sync as ss
    path = tmp_path / "opdc.xlsx"
    kpi = tmp_path / "kpi.csv"
    kpi.write_text("code,indicator,weight,c1,c2,c3,c4,c5\n7.2.1,ระดับความสำเร็จ,2,1,2,3,4,5\n7.2.2,อีกตัวชี้วัด,98,1,2,3,4,5\n", encoding="utf-8")
    ss.init(path, indicators=kpi, template="scorecard_opdc", unit="ปปง.", period="12m/2550")
    wb = openpyxl.load_workbook(path)
    ws = wb["ตัวชี้วัด"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "7.2.1")
    ws.cell(row, 12).value = 5
    wb.save(path)
    out = cli("recalc", path).output
    assert "0.1000" in out and "0.100 " not in out.replace("0.1000", "")
    wb = openpyxl.load_workbook(path)
    wb["ตัวชี้วัด"].cell(row, 15).value = 0.25          # a person types over the weighted score
    wb.save(path)
    problems = {p.kind: p for p in ss.validate(path).problems}
    assert "0.1000" in problems["computed_overwritten"].message_en
