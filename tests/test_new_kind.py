"""A kind added with one template YAML and one module (tests/checklist_kind.py), and
nothing else: init, recalc, validate, push-template and consolidate all work on it."""
import csv
from pathlib import Path

import openpyxl

import sheets_sync as ss

TEMPLATE = Path(__file__).parent / "kinds" / "checklist.yaml"
SHEET, SUMMARY = "รายการตรวจสอบ", "สรุปรายการ"


def items_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["รหัส", "รายการ"])
        w.writerows(rows)
    return path


ITEMS = [("C1", "แต่งตั้งคณะทำงาน"), ("C2", "จัดทำแผน"), ("C3", "ประชุมชี้แจง"), ("C4", "รายงานผล")]


def rows_by_code(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("C")}


def tick(path: Path, codes: list[str], mark="✓") -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for code in codes:
        ws.cell(rows_by_code(ws)[code], 3).value = mark
    wb.save(path)


def unit_book(tmp_path, cli, name="unit.xlsx", done=("C1", "C3")) -> Path:
    path = tmp_path / name
    cli("init", "--template", TEMPLATE, "--out", path, "--indicators", items_csv(tmp_path / "items.csv", ITEMS),
        "--unit", "กองคลัง", "--period", "2/2567")
    tick(path, list(done))
    return path


def test_init_lays_out_the_new_kind_from_its_template(tmp_path, cli):
    path = unit_book(tmp_path, cli, done=())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == [SHEET, SUMMARY]
    ws = wb[SHEET]
    assert ws["A1"].value == "รายการตรวจสอบ กองคลัง รอบ 2/2567"
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["รหัส", "รายการ", "เสร็จ ✓", "สถานะ"]
    rows = rows_by_code(ws)
    assert [ws.cell(rows[c], 4).value for c, _ in ITEMS] == ["ยังไม่เสร็จ"] * 4   # consistent from the start
    assert ws.protection.sheet and not ws.cell(rows["C1"], 3).protection.locked
    assert ws.cell(rows["C1"], 4).protection.locked


def test_recalc_and_validate_the_new_kind(tmp_path, cli):
    path = unit_book(tmp_path, cli)
    report = ss.recalc(path)
    assert report.written and report.sheets[0].kind == "checklist"
    assert report.sheets[0].totals == {"items": 4, "percent_done": 50.0}
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    rows = rows_by_code(ws)
    assert {c: ws.cell(rows[c], 4).value for c, _ in ITEMS} == {
        "C1": "เสร็จแล้ว", "C2": "ยังไม่เสร็จ", "C3": "เสร็จแล้ว", "C4": "ยังไม่เสร็จ"}
    assert wb[SUMMARY]["B1"].value == 50.0 and wb[SUMMARY]["B2"].value == 2
    assert {c: ws.cell(rows[c], 3).value for c, _ in ITEMS} == {"C1": "✓", "C2": None, "C3": "✓", "C4": None}
    assert not ss.recalc(path).written                      # nothing left to change
    shown = cli("recalc", path)
    assert "ร้อยละที่เสร็จ" in shown.output and "50.00" in shown.output

    wb = openpyxl.load_workbook(path)                       # a person copies a row: its code repeats
    ws = wb[SHEET]
    ws.cell(ws.max_row + 1, 1).value = "C2"
    wb.save(path)
    problems = ss.validate(path).problems
    # the copy is named at its code, and its state cell (not computed yet) is stale
    assert [(p.kind, p.severity, p.cell) for p in problems] == [("duplicate_code", "error", f"A{ws.max_row}"),
                                                                ("computed_stale", "warning", f"D{ws.max_row}")]
    assert "C2" in problems[0].message_th and "C2" in problems[0].message_en
    cli("validate", path, code=1)


def test_push_template_and_consolidate_the_new_kind(tmp_path, cli):
    units_dir = tmp_path / "units"
    units_dir.mkdir()
    a = unit_book(units_dir, cli, "A.xlsx", done=("C1", "C2", "C3"))
    b = unit_book(units_dir, cli, "B.xlsx", done=("C4",))
    registry = tmp_path / "units.yaml"
    registry.write_text("units:\n  - {code: A, name: กองคลัง, sheet: units/A.xlsx}\n"
                        "  - {code: B, name: กองบัญชี, sheet: units/B.xlsx}\n", encoding="utf-8")
    (tmp_path / "checklist.yaml").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    v2 = [("C1", "แต่งตั้งคณะทำงาน (ฉบับแก้ไข)"), ("C3", "ประชุมชี้แจง"), ("C4", "รายงานผล"), ("C5", "ประเมินผล")]
    items_csv(tmp_path / "items_v2.csv", v2)
    canon = tmp_path / "ministry.yaml"
    canon.write_text("template: checklist.yaml\nversion: 2\nindicators: items_v2.csv\n", encoding="utf-8")

    outcomes = ss.push_template(registry, canon)
    assert [o.status for o in outcomes] == ["updated", "updated"]
    for path, ticks in ((a, {"C1": "✓", "C3": "✓", "C4": None, "C5": None}),
                        (b, {"C1": None, "C3": None, "C4": "✓", "C5": None})):
        wb = openpyxl.load_workbook(path)
        ws = wb[SHEET]
        rows = rows_by_code(ws)
        assert sorted(rows) == ["C1", "C3", "C4", "C5"]
        assert ws.cell(rows["C1"], 2).value == "แต่งตั้งคณะทำงาน (ฉบับแก้ไข)"
        assert {c: ws.cell(r, 3).value for c, r in rows.items()} == ticks          # what units typed, kept
        archived = [[c.value for c in row] for row in wb["เก็บถาวร"].iter_rows(min_row=2)]
        assert [row[1:4] for row in archived] == [["C2", "จัดทำแผน", "✓" if path == a else None]]
    assert [o.status for o in ss.push_template(registry, canon)] == ["unchanged", "unchanged"]

    result = ss.consolidate(registry, str(tmp_path / "summary.xlsx"))
    assert result.exit_code == 0
    overview = result.summary.overview.set_index("รหัสหน่วยงาน")["ร้อยละที่เสร็จ"].to_dict()
    assert overview == {"A": 50.0, "B": 25.0}
    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    header = [c.value for c in wb["ภาพรวม"][2]]
    values = {r[header.index("รหัสหน่วยงาน")]: r[header.index("ร้อยละที่เสร็จ")]
              for r in wb["ภาพรวม"].iter_rows(min_row=3, values_only=True)}
    assert values == {"A": 50.0, "B": 25.0}
