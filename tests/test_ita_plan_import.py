"""ITA and action-plan sheets, and importing the reports units already have (the seeds)."""
import json

import openpyxl
import pandas as pd
import pytest

import sheets_sync as ss
from conftest import SEED000_GOLDEN, SHEET, shared_file
from sheets_sync.core.ita_scores import indicator_summary, measure_level, overall
from sheets_sync.kinds.template import load_template


def seed(n: str):
    """The real seed document under ../shared/seeds (a skip, with its reason, when absent)."""
    return shared_file("seeds", pattern=f"{n}_*.txt")


@pytest.fixture(params=["built here", "../shared seed"])
def seed000(request, seed000_txt):
    """Seed 000's export: always the one conftest builds from the report's facts, and the
    real document too when ../shared is there (CI)."""
    return seed000_txt if request.param == "built here" else seed("000")


def test_import_seed000_then_recalc_gives_the_golden_figures(tmp_path, cli, seed000):
    out = tmp_path / "s000.xlsx"
    res = cli("import", seed000, "--kind", "scorecard", "--out", out, "--period", "2/2567")
    assert "imported 7 rows" in res.stdout
    assert "7 5 2 0 4" in res.output  # the stray line is reported, not dropped silently
    report = json.loads(cli("recalc", out, "--json").stdout)["sheets"][0]
    got = {r["code"]: (r["score"], r["percentage"], r["weighted_score"]) for r in report["rows"]}
    assert got == SEED000_GOLDEN
    assert report["totals"]["weighted_score"] == 3.05 and report["totals"]["percentage"] == 61.0
    ws = openpyxl.load_workbook(out)[SHEET]
    rows = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1)}
    r = rows["ศปท.4"]
    assert [ws.cell(r, c).value for c in range(5, 12)] == [15, 80, 68, 71, 74, 77, 80]
    assert ws.cell(r, 12).value == 0 and ws.cell(r, 16).value == "(ร่าง) N/A"


def test_import_seed000_shaped_xlsx(tmp_path, cli, seed000):
    # a seed-000-like workbook: the pipe export's rows typed into a sheet
    src = tmp_path / "legacy.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in seed000.read_text(encoding="utf-8").splitlines():
        ws.append([c.strip() or None for c in line.split("|")])
    wb.save(src)
    out = tmp_path / "canonical.xlsx"
    cli("import", src, "--kind", "scorecard", "--out", out)
    assert ss.recalc(out).sheets[0].totals["weighted_score"] == 3.05


@pytest.mark.needs_shared
def test_import_seed001_ita_items_codes_scores_and_levels(tmp_path, cli):
    out = tmp_path / "ita.xlsx"
    res = cli("import", seed("001"), "--kind", "ita", "--out", out)
    assert "imported 32 rows" in res.stdout
    from sheets_sync.ministry.importers import import_ita
    doc = import_ita(seed("001")).rows.set_index("code")
    ws = openpyxl.load_workbook(out)["ITA"]
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(1, 9)] for r in range(3, ws.max_row + 1)}
    assert len(rows) == 32
    for code in ("I1", "I23", "E14", "O41", "I11", "I3", "E7", "O8"):
        assert code in rows
    expected = {"I1": 86.19, "I3": 83.90, "I7": 63.66, "I23": 74.72, "E14": 82.62, "E7": 85.48, "O8": 0.0,
                "O41": 0.0}
    for code, score in expected.items():
        assert rows[code][3] == pytest.approx(score)
    # the computed measure level agrees with the document on every item
    for code, row in rows.items():
        assert row[4] == doc.at[code, "doc_level"], code
    assert rows["I1"][1] == 1 and rows["E14"][1] == 8 and rows["O41"][1] == 10
    assert all("<" not in str(v) for row in rows.values() for v in row)  # no HTML left in cells


def test_seed002_indicators_ranked_lowest_first_with_gaps():
    spec = load_template("ita").raw
    # seed 002's five IIT indicator scores after the first 5-month round (../shared/domain.md)
    scores = {1: 97.11, 2: 90.08, 3: 91.04, 4: 87.99, 5: 91.81}
    items = pd.DataFrame({"code": [f"I{i}" for i in scores], "indicator": list(scores), "score": list(scores.values())})
    summary = indicator_summary(items, spec)
    assert summary["name"].tolist()[:2] == ["การใช้ทรัพย์สินของราชการ", "การใช้งบประมาณ"]
    assert summary["score"].tolist()[:2] == [87.99, 90.08]
    gaps = dict(zip(summary["indicator"], summary["gap"].round(2)))
    assert gaps == {4: -4.51, 2: -2.42, 3: -1.46, 5: -0.69, 1: 4.61}
    assert summary["rank_lowest"].tolist() == [1, 2, 3, 4, 5]


def test_ita_level_rule_and_overall_only_from_official_weights():
    spec = load_template("ita").raw
    levels = measure_level(pd.Series([86.19, 83.90, 85.0, 84.99, None]), spec["levels"]).tolist()
    assert levels == ["ยกระดับ", "แก้ไขเร่งด่วน", "ยกระดับ", "แก้ไขเร่งด่วน", None]
    items = pd.DataFrame({"code": ["I1", "I2", "E1", "O1"], "indicator": [1, 1, 6, 9], "score": [90, 80, 70, 100]})
    ind = indicator_summary(items, spec)
    total, band, why = overall(ind, spec)          # the template ships no official weights
    assert total is None and band is None and "no official per-indicator weights" in why
    # hand-checked: weights 1:60, 6:30, 9:10 (given as template data); indicator 1 = mean(90, 80) = 85
    # (60*85 + 30*70 + 10*100) / 100 = 51 + 21 + 10 = 82.00 -> B
    spec = {**spec, "indicator_weights": {"year": 2599, "source": "test", "weights": {1: 60, 6: 30, 9: 10}}}
    total, band, _ = overall(ind, spec)
    assert total == pytest.approx(82.0) and band == "B"
    spec["indicator_weights"]["weights"][2] = 5     # an indicator without a score: said, no number
    assert overall(ind, spec)[0] is None


@pytest.mark.needs_shared
def test_ita_workbook_recalc_and_validate(tmp_path, cli):
    out = tmp_path / "ita.xlsx"
    cli("import", seed("001"), "--kind", "ita", "--out", out)
    wb = openpyxl.load_workbook(out)
    summary = [list(r) for r in wb["สรุป ITA"].iter_rows(values_only=True)]
    first, second = summary[2], summary[3]
    # indicators 9 and 10 both score 0.00 (O8, O41): a tie at rank 1, then indicator order
    assert (first[0], first[1], second[0], second[1]) == (1, 9, 1, 10)
    assert first[4] == 0.0 and first[6] == pytest.approx(-92.5)
    total = next(r for r in summary if r[0] and str(r[0]).startswith("คะแนนรวม"))[1]
    assert total is not None and next(r for r in summary if r[0] and str(r[0]).startswith("ระดับผล"))[1] in \
        ("AA", "A", "B", "C", "D", "E", "F")
    ws = wb["ITA"]
    r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "I3")
    ws.cell(r, 4).value = "๙๐"        # a Thai-digit score typed by staff
    ws.cell(r + 1, 4).value = "N/A"
    wb.save(out)
    report = json.loads(cli("recalc", out, "--json").stdout)["sheets"][0]
    levels = {row["code"]: row["level"] for row in report["rows"]}
    assert levels["I3"] == "ยกระดับ"
    kinds = {(p["kind"], p["cell"]) for p in report["problems"]}
    assert ("result_not_number", f"D{r + 1}") in kinds
    assert cli("recalc", out, "--json").stdout.count('"changed_cells": 0') == 1
    cli("validate", out, code=1)


@pytest.mark.needs_shared
def test_import_seed004_action_plan_rows(tmp_path, cli):
    out = tmp_path / "plan.xlsx"
    res = cli("import", seed("004"), "--kind", "action-plan", "--out", out)
    from sheets_sync.ministry.importers import import_action_plan
    plan = import_action_plan(seed("004")).rows
    assert plan["code"].is_unique and len(plan) == 10
    assert f"imported {len(plan)} rows" in res.stdout
    ws = openpyxl.load_workbook(out)["แผนปฏิบัติการ"]
    rows = {ws.cell(r, 3).value: [ws.cell(r, c).value for c in range(1, 15)] for r in range(3, ws.max_row + 1)}
    assert rows["๑.๑.๑ (๑)"][7] == "สก.สนค. (ฝกจ.)" and rows["๒.๓.๓ (๒)"][7] == "ทุกกอง"
    assert rows["๑.๑.๑ (๑)"][4] == "ไม่ใช้งบประมาณ"
    for row in rows.values():
        for v in row:
            assert "<u>" not in str(v) and "</" not in str(v)
    assert "ผลผลิต" in rows["๑.๑.๑ (๑)"][6]


def test_action_plan_status_against_the_fiscal_month(tmp_path):
    from datetime import date
    from sheets_sync.core.plan_months import budget_totals, fiscal_month, months_of, plan_status
    spec = load_template("action_plan").raw
    assert fiscal_month(date(2024, 10, 5)) == 1 and fiscal_month(date(2025, 9, 1)) == 12
    assert months_of("ต.ค.-ธ.ค.", spec["months"]) == {1, 2, 3}
    assert months_of("ส.ค.-ต.ค.", spec["months"]) == {11, 12, 1}
    from sheets_sync.core.plan_months import marks_from_text
    planned, done = ["ต.ค.-ธ.ค.", "ต.ค.-ธ.ค.", "ก.ค.", "พ.ย."], ["ต.ค.,พ.ย.", "ต.ค.", None, "พ.ย."]
    frame = pd.DataFrame([{**marks_from_text(p, spec["months"], "plan"), **marks_from_text(d, spec["months"], "done")}
                          for p, d in zip(planned, done)])
    st = plan_status(frame, spec["months"], spec["statuses"], date(2024, 11, 20))   # fiscal month 2
    assert st["status"].tolist() == ["ตามแผน", "ล่าช้า", "ยังไม่ถึงกำหนด", "เสร็จแล้ว"]
    assert st["n_planned"].tolist() == [3, 3, 1, 1] and st["n_done"].tolist() == [2, 1, 0, 1]
    b = budget_totals(pd.DataFrame({"dimension": ["๑", "๑", "๒"], "budget": ["ไม่ใช้งบประมาณ", "๑๒,๕๐๐", 3000]}),
                      spec["no_budget"])
    assert b.set_index("dimension")["sum"].to_dict() == {"๑": 12500.0, "๒": 3000.0}


def test_init_ita_and_action_plan_kinds(tmp_path, cli):
    cli("init", "--kind", "ita", "--out", tmp_path / "i.xlsx", "--unit", "กองคลัง", "--period", "2/2567")
    cli("init", "--kind", "action-plan", "--out", tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "i.xlsx")
    assert wb.sheetnames[:2] == ["ITA", "สรุป ITA"] and wb["_sheets_sync"]["B3"].value == "ita"
    assert wb["สรุป ITA"]._charts
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["แผนปฏิบัติการ"]
    assert ws["I2"].value == "แผนการดำเนินงาน (✓)" and ws["U2"].value == "ดำเนินการแล้ว (✓)"
    assert [ws.cell(3, c).value for c in (9, 20, 21, 32)] == ["ต.ค.", "ก.ย.", "ต.ค.", "ก.ย."]
    status_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == "สถานะ")
    assert ws.cell(4, status_col).value in ("ตามแผน", "ล่าช้า", "ยังไม่ถึงกำหนด", "เสร็จแล้ว")


def test_done_marks_in_the_month_columns_drive_the_status(tmp_path):
    from datetime import date
    from sheets_sync.core.plan_months import fiscal_month
    path = ss.init(tmp_path / "p.xlsx", kind="action-plan")   # planned ต.ค.-ธ.ค.
    wb = openpyxl.load_workbook(path)
    ws = wb["แผนปฏิบัติการ"]
    for c in range(21, 24):                                   # done ต.ค., พ.ย., ธ.ค.
        ws.cell(4, c).value = "✓"
    wb.save(path)
    report = ss.recalc(path).sheets[0]
    assert report.rows[0]["n_done"] == 3 and report.rows[0]["status"] == "เสร็จแล้ว"
    assert fiscal_month(date.today()) in range(1, 13)


def _registry(tmp_path, kind_template, rows_v1, rows_v2, header):
    (tmp_path / "units").mkdir()
    for v, rows in ((1, rows_v1), (2, rows_v2)):
        (tmp_path / f"items_v{v}.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        (tmp_path / f"v{v}.yaml").write_text(f"template: {kind_template}\nversion: {v}\nindicators: items_v{v}.csv\n",
                                             encoding="utf-8")
    units = tmp_path / "units.yaml"
    units.write_text("units:\n  - {code: A, name: กองคลัง, sheet: units/A.xlsx}\n"
                     "  - {code: B, name: กองบัญชี, sheet: units/B.xlsx}\n", encoding="utf-8")
    assert [o.status for o in ss.provision(units, tmp_path / "v1.yaml")] == ["created", "created"]
    return units


def test_ita_through_push_template_and_consolidate(tmp_path):
    units = _registry(tmp_path, "ita", ["I1,1,ตามขั้นตอน", "I2,1,เท่าเทียม", "E1,6,คุณภาพ"],
                      ["I1,1,ตามขั้นตอน (ปรับถ้อยคำ)", "E1,6,คุณภาพ", "O1,9,เปิดเผยข้อมูล"], "code,indicator,question")
    for code, scores in (("A", [90, 70, 88]), ("B", [80, 95, 60])):
        wb = openpyxl.load_workbook(tmp_path / "units" / f"{code}.xlsx")
        for r, s in zip((3, 4, 5), scores):
            wb["ITA"].cell(r, 4).value = s
        wb.save(tmp_path / "units" / f"{code}.xlsx")
    out = ss.push_template(units, tmp_path / "v2.yaml")
    assert [o.status for o in out] == ["updated", "updated"]
    ws = openpyxl.load_workbook(tmp_path / "units" / "A.xlsx")["ITA"]
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(1, 6)] for r in range(3, ws.max_row + 1)}
    assert rows["I1"] == ["I1", 1, "ตามขั้นตอน (ปรับถ้อยคำ)", 90, "ยกระดับ"] and rows["E1"][3] == 88
    assert "I2" not in rows and rows["O1"][1] == 9 and rows["O1"][3] is None
    archived = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "units" / "A.xlsx")["เก็บถาวร"].iter_rows(min_row=2)]
    assert archived[0][1] == "I2" and archived[0][4] == 70
    assert [o.status for o in ss.push_template(units, tmp_path / "v2.yaml")] == ["unchanged", "unchanged"]
    result = ss.consolidate(units, str(tmp_path / "summary.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    overview = {r[1]: r for r in wb["ภาพรวม"].iter_rows(min_row=3, values_only=True)}
    # A: IIT 90 (I1), EIT 88, OIT none -> (30x90 + 30x88) / 60 = 89; B: (30x80 + 30x60) / 60 = 70
    assert overview["A"][3] == pytest.approx(89.0) and overview["A"][4] == "A"
    assert overview["B"][3] == pytest.approx(70.0) and overview["B"][4] == "C" and overview["A"][0] == 1
    matrix = {r[1]: r for r in wb["คะแนนรายตัวชี้วัด"].iter_rows(min_row=3, values_only=True)}
    assert matrix[1][3:5] == (90, 80) and matrix[6][3:5] == (88, 60)
    assert result.exit_code == 0


def test_action_plans_through_push_template_and_consolidate(tmp_path):
    header = "dimension,code,project,budget,planned,responsible"
    units = _registry(tmp_path, "action_plan",
                      ["๑. วัฒนธรรมสุจริต,๑.๑.๑ (๑),อบรมจริยธรรม,ไม่ใช้งบประมาณ,ต.ค.-ธ.ค.,ทุกกอง",
                       "๒. บริหารโปร่งใส,๒.๑.๑ (๑),เปิดเผยข้อมูล,5000,ม.ค.,สก.สนค."],
                      ["๑. วัฒนธรรมสุจริต,๑.๑.๑ (๑),อบรมจริยธรรม,ไม่ใช้งบประมาณ,ต.ค.-ธ.ค.,ทุกกอง",
                       "๒. บริหารโปร่งใส,๒.๑.๑ (๑),เปิดเผยข้อมูล,8000,ม.ค.,สก.สนค."], header)
    out = ss.push_template(units, tmp_path / "v2.yaml")
    assert [c.to_dict()["new"] for c in out[0].plan.changes] == [8000]
    ws = openpyxl.load_workbook(tmp_path / "units" / "A.xlsx")["แผนปฏิบัติการ"]
    assert ws["E5"].value == 8000 and ws["C4"].value == "๑.๑.๑ (๑)"
    assert [ws.cell(4, c).value for c in range(9, 13)] == ["✓", "✓", "✓", None]    # ต.ค.-ธ.ค. planned
    result = ss.consolidate(units, str(tmp_path / "summary.xlsx"))
    overview = [r for r in openpyxl.load_workbook(tmp_path / "summary.xlsx")["ภาพรวม"].iter_rows(min_row=3, values_only=True)]
    assert {r[1] for r in overview} == {"A", "B"} and all(r[3] == 2 and r[8] == 8000 for r in overview)
    assert result.exit_code == 0


def test_init_ita_reads_the_given_item_list(tmp_path, cli):
    items = tmp_path / "items.csv"
    items.write_text("ตัวชี้วัดย่อย,ตัวชี้วัด,ประเด็นการประเมิน\nI1,1,ข้อหนึ่ง\nE6,6,ข้อหก\n", encoding="utf-8")
    cli("init", "--kind", "ita", "--indicators", items, "--out", tmp_path / "i.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "i.xlsx")["ITA"]
    assert [[ws.cell(r, c).value for c in (1, 2, 3)] for r in range(3, ws.max_row + 1)] == \
        [["I1", 1, "ข้อหนึ่ง"], ["E6", 6, "ข้อหก"]]
    bad = tmp_path / "bad.csv"
    bad.write_text("question\nไม่มีรหัส\n", encoding="utf-8")
    res = cli("init", "--kind", "ita", "--indicators", bad, "--out", tmp_path / "j.xlsx", code=2)
    assert "needs a code column" in res.output and not (tmp_path / "j.xlsx").exists()
