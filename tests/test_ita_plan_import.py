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


# Seed 001 counted by hand: 32 scored items (IIT I1 I2 I3 I7 I8 I11 I12 I13 I14 I15 I18 I20 I21 I23
# I24 I25 I27 I28 I29 I30, EIT E1 E3 E5 E6 E7 E9 E11 E12 E14 E15, OIT O8 O41) and 15 further
# measures on lines with no code: I1 (line 34), I15 (64, 65), I18 (69, 70), I21 (78, 79, 80), I23 (87),
# I24 (89, and 92 after a page header), I28 (106), E1 (121), E12 (137), E15 (144): 47 measures.
SEED001_ITEMS, SEED001_MEASURES = 32, 47
SEED001_MORE = {"I1": 2, "I15": 3, "I18": 3, "I21": 4, "I23": 2, "I24": 3, "I28": 2, "E1": 2, "E12": 2, "E15": 2}


@pytest.mark.needs_shared
def test_import_seed001_ita_items_codes_scores_and_levels(tmp_path, cli):
    out = tmp_path / "ita.xlsx"
    res = cli("import", seed("001"), "--kind", "ita", "--out", out)
    assert f"imported {SEED001_MEASURES} rows" in res.stdout        # one row per measure
    from sheets_sync.ministry.importers import import_ita
    from sheets_sync.kinds.ita import row_key
    doc = import_ita(seed("001")).rows
    first = doc[doc["measure_no"] == 1].set_index("code")
    ws = openpyxl.load_workbook(out)["ITA"]
    rows = {row_key(ws.cell(r, 1).value, ws.cell(r, 9).value): [ws.cell(r, c).value for c in range(1, 11)]
            for r in range(3, ws.max_row + 1)}
    assert len(rows) == SEED001_MEASURES == ws.max_row - 2 == len(doc)
    items = {k for k in rows if "#" not in k}
    assert len(items) == SEED001_ITEMS == len(first)
    per_item = pd.Series([k.split("#")[0] for k in rows]).value_counts().to_dict()
    assert {c: n for c, n in per_item.items() if n > 1} == SEED001_MORE
    for code in ("I1", "I23", "E14", "O41", "I11", "I3", "E7", "O8"):
        assert code in rows
    expected = {"I1": 86.19, "I3": 83.90, "I7": 63.66, "I23": 74.72, "E14": 82.62, "E7": 85.48, "O8": 0.0,
                "O41": 0.0}
    for code, score in expected.items():
        assert rows[code][3] == pytest.approx(score)
    # the item code is repeated on each of its measures; the score and level only on the first
    assert rows["I21#4"][:2] == ["I21", 4] and rows["I21#4"][3] is None and rows["I21#4"][8] == 4
    assert rows["I24#3"][5].startswith("3. มีการประชาสั")       # the measure after the page header
    # the computed measure level agrees with the document on every item
    for code in items:
        assert rows[code][4] == first.at[code, "doc_level"], code
    assert rows["I1"][1] == 1 and rows["E14"][1] == 8 and rows["O41"][1] == 10
    assert rows["I7"][9] == "ไม่สามารถดำเนินการ" and rows["I1"][9] == "ดำเนินการแล้ว"   # computed status
    assert all("<" not in str(v) for row in rows.values() for v in row)  # no HTML left in cells
    # a partial list of items and no official weights: no overall score, no grade printed
    summary = [list(r) for r in openpyxl.load_workbook(out)["สรุป ITA"].iter_rows(values_only=True)]
    overall_row = next(r for r in summary if r[0] and str(r[0]).startswith("คะแนนรวม"))
    grade_row = next(r for r in summary if r[0] and str(r[0]).startswith("ระดับผล"))
    assert "no official per-indicator weights" in overall_row[1] and grade_row[1:] == [None] * (len(grade_row) - 1)
    assert not any(v in ("AA", "A", "B", "C", "D", "E", "F") for r in summary for v in r[1:])


def test_seed002_indicators_ranked_lowest_first_with_gaps():
    spec = load_template("ita").raw
    # seed 002's five IIT indicator scores after the first 5-month round (../shared/domain.md)
    scores = {1: 97.11, 2: 90.08, 3: 91.04, 4: 87.99, 5: 91.81}
    items = pd.DataFrame({"code": [f"I{i}" for i in scores], "indicator": list(scores), "score": list(scores.values())})
    # no target unless the round has one: the template's default is none, the gap unknown
    assert indicator_summary(items, spec)["gap"].isna().all()
    from sheets_sync.kinds.ita import target_of
    assert target_of(spec, {}) == (None, "")
    # seed 002 sets 92.50 for its second round (the template's per-round table) ...
    target, source = target_of(spec, {"ita_round": "2564 รอบ 5 เดือนหลัง"})
    assert (target, source) == (92.5, "2564 รอบ 5 เดือนหลัง")
    # ... and a workbook's own ita_target (written by import, or from units.yaml) overrides it
    assert target_of(spec, {"ita_round": "2564 รอบ 5 เดือนหลัง", "ita_target": 90})[0] == 90.0
    summary = indicator_summary(items, spec, target)
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
    assert first[4] == 0.0
    # seed 001 (the 2566 report) sets no target and the template has none for it: no gap is invented
    assert first[5] == "ไม่มีเป้าหมาย / no target" and first[6] is None
    # the mean of I1 86.19, I2 85.69, I3 83.90 (hand-checked: 255.78 / 3 = 85.26), as the document has no indicator row
    ind1 = next(r for r in summary[2:12] if r[1] == 1)
    assert ind1[4] == pytest.approx(85.26) and ind1[7] == "เฉลี่ยจากข้อ / mean of items"
    total = next(r for r in summary if r[0] and str(r[0]).startswith("คะแนนรวม"))[1]
    assert "no official per-indicator weights" in total
    assert next(r for r in summary if r[0] and str(r[0]).startswith("ระดับผล"))[1] is None
    ws = wb["ITA"]
    r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "I3")
    assert ws.cell(r + 1, 1).value == "I7"
    ws.cell(r, 4).value = "๙๐"        # a Thai-digit score typed by staff
    ws.cell(r + 1, 4).value = "N/A"
    wb.save(out)
    report = json.loads(cli("recalc", out, "--json", code=1).stdout)["sheets"][0]   # N/A: an error, exit 1
    levels = {row["code"]: row["level"] for row in report["rows"]}
    assert levels["I3"] == "ยกระดับ" and levels["I7"] is None
    kinds = {(p["kind"], p["cell"]) for p in report["problems"]}
    assert ("result_not_number", f"D{r + 1}") in kinds
    assert cli("recalc", out, "--json", code=1).stdout.count('"changed_cells": 0') == 1
    cli("validate", out, code=1)


def _seed_cells(n: str, line: int) -> list[str]:
    """The tab-separated cells of one line of a seed, as the document has them."""
    return seed(n).read_text(encoding="utf-8").splitlines()[line - 1].split("\t")


@pytest.mark.needs_shared
def test_import_seed004_action_plan_rows(tmp_path, cli):
    out = tmp_path / "plan.xlsx"
    res = cli("import", seed("004"), "--kind", "action-plan", "--out", out)
    from sheets_sync.ministry.importers import import_action_plan, words
    plan = import_action_plan(seed("004")).rows
    # seed 004 by hand: ๑.๑.๑ (๑), ๑.๑.๒ (๑), ๑.๑.๓ (๘), ๒.๑.๑ (๑), ๒.๒.๒ (๒), ๒.๒.๒ (๖), ๒.๒.๓ (๑),
    # ๒.๓.๓ (๒), ๓.๒.๒ (๒), ๔.๓.๑ (๕); lines 57 and 72 continue the method of the row before them
    assert plan["code"].is_unique and len(plan) == 10
    assert f"imported {len(plan)} rows" in res.stdout
    ws = openpyxl.load_workbook(out)["แผนปฏิบัติการ"]
    labels = [ws.cell(2, c).value for c in range(1, 12)]
    assert labels == ["มิติ", "ภารกิจตามมิติ", "รหัสโครงการ", "ประเด็นความรู้", "โครงการ/กิจกรรม/มาตรการ", "งบประมาณ",
                      "วิธีดำเนินการ", "ตัวชี้วัด/ผลลัพธ์", "ผลผลิต", "ผลลัพธ์", "หน่วยงานรับผิดชอบ"]
    rows = {ws.cell(r, 3).value: [ws.cell(r, c).value for c in range(1, 12)] for r in range(4, ws.max_row + 1)}
    assert list(rows) == plan["code"].tolist()
    assert rows["๑.๑.๑ (๑)"][10] == "สก.สนค. (ฝกจ.)" and rows["๒.๓.๓ (๒)"][10] == "ทุกกอง"
    assert rows["๑.๑.๑ (๑)"][5] == "ไม่ใช้งบประมาณ"
    for row in rows.values():
        for v in row:
            assert "<u>" not in str(v) and "</" not in str(v) and "<p>" not in str(v)
    assert rows["๑.๑.๑ (๑)"][8].startswith("ผลผลิต ") and rows["๑.๑.๑ (๑)"][9].startswith("ผลลัพธ์ ")
    # ๒.๒.๓ (๑) whole (lines 50 and 57): its method's steps ๑) .. ๖) and, after a page header, ๗) and ๘)
    r = rows["๒.๒.๓ (๑)"]
    assert r[:6] == ["๒. การบริหารราชการด้วยความโปร่งใส", "๒.๒ มาตรการส่งเสริมคุณธรรมและความโปร่งใส", "๒.๒.๓ (๑)", None,
                     "มาตรการจัดทำแผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส", "ไม่ใช้งบประมาณ"]
    assert words(r[6]) == words(_seed_cells("004", 50)[4]) + words(_seed_cells("004", 57)[4])
    assert r[6].startswith("๑) จัดทำแผนปฏิบัติการป้องกันการทุจริต") and "๗) รายงานผลการดำเนินการแก่ผู้บริหาร" in r[6]
    assert r[6].endswith("๘) เผยแพร่รายงานผลการดำเนินงานให้สาธารณชนทราบผ่านช่องทางต่างๆ")
    assert r[7:] == [None, "ผลผลิต มีแผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใสของกรุงเทพมหานคร "
                           "พ.ศ. ๒๕๖๖ - ๒๕๗๐",
                     "ผลลัพธ์ กรุงเทพมหานครและสำนักงานเขตมีผลการประเมิน ITA ผ่านเกณฑ์การประเมิน", "สก.สนค. (ฝกจ.)"]
    # ๓.๒.๒ (๒) whole (lines 65 and 72): every cell in <p>; its "๓.๒)" list runs on after a page header
    r = rows["๓.๒.๒ (๒)"]
    assert r[:6] == ["๓. การส่งเสริมบทบาทและการมีส่วนร่วมของประชาชน",
                     "๓.๒ การรับฟังความคิดเห็น การรับและตอบสนองเรื่องร้องเรียน/ร้องทุกข์ของประชาชน", "๓.๒.๒ (๒)", None,
                     "มาตรการจัดการเรื่องร้องทุกข์/ร้องเรียน", "ไม่ใช้งบประมาณ"]
    assert words(r[6]) == words(_seed_cells("004", 65)[4]) + words(_seed_cells("004", 72)[4])
    assert "๓.๒) การจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบของเจ้าหน้าที่ของหน่วยงาน" in r[6]
    assert "- จัดทำข้อมูลสถิติเรื่องร้องเรียนการทุจริต" in r[6] and r[6].index("๓.๒)") < r[6].index("๔. ประกาศ")
    assert r[6].endswith("แนวทางแก้ไขให้ผู้บริหารรับทราบและเผยแพร่ให้สาธารณชนรับทราบ")
    assert r[7] is None and r[10] == "สก.สนค. (ฝกจ.)"
    assert r[8].startswith("ผลผลิต ๑. มีการแต่งตั้งเจ้าหน้าที่/หน่วยงานที่รับผิดชอบรับเรื่องร้องเรียน/ร้องทุกข์ ๒. ")
    assert r[8].endswith("ตามมาตรการที่กำหนดไว้") and "ผลลัพธ์" not in r[8]
    assert r[9] == "ผลลัพธ์ ประชาชนเกิดความพึงพอใจต่อการดำเนินการเรื่องร้องทุกข์/ร้องเรียน ไม่ต่ำกว่าร้อยละ ๘๐"


@pytest.mark.needs_shared
def test_import_seed002_indicator_scores_and_monthly_plan(tmp_path, cli):
    """Seed 002: the five IIT indicator scores of its first round (line 10), ranked lowest
    first against its second round's target 92.50, and its three activities' ticks (lines 35-38:
    the month header names ต.ค. .. ส.ค. on cells 4-14 and prints ก.ย. late, on cell 17, where the rows
    have their group after the budget "-" on 16: the twelve months are cells 4-15; ticks on 12, 13,
    14 and 15 are มิ.ย., ก.ค., ส.ค. and ก.ย.)."""
    ita = tmp_path / "ita.xlsx"
    cli("import", seed("002"), "--kind", "ita", "--out", ita)
    wb = openpyxl.load_workbook(ita)
    ws = wb["ITA"]
    scores = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(3, ws.max_row + 1)}
    assert scores == {"IIT-1": 97.11, "IIT-2": 90.08, "IIT-3": 91.04, "IIT-4": 87.99, "IIT-5": 91.81, "IIT": 92.51}
    summary = [list(r) for r in wb["สรุป ITA"].iter_rows(values_only=True)]
    ranked = [(r[0], r[1], r[4], r[5], r[6], r[7]) for r in summary[2:7]]
    assert ranked == [(1, 4, 87.99, 92.5, -4.51, "เอกสาร / document"), (2, 2, 90.08, 92.5, -2.42, "เอกสาร / document"),
                      (3, 3, 91.04, 92.5, -1.46, "เอกสาร / document"), (4, 5, 91.81, 92.5, -0.69, "เอกสาร / document"),
                      (5, 1, 97.11, 92.5, 4.61, "เอกสาร / document")]
    # its overall 92.51 is the document's (not the mean 91.61 of the five), and no grade is invented
    assert ["IIT", 92.51] == summary[summary.index(next(r for r in summary if r[0] and "tool scores" in str(r[0]))) + 1][:2]
    assert next(r for r in summary if r[0] and str(r[0]).startswith("ระดับผล"))[1] is None
    plan = tmp_path / "plan.xlsx"
    res = cli("import", seed("002"), "--kind", "action-plan", "--out", plan)
    assert "imported 3 rows" in res.stdout
    ws = openpyxl.load_workbook(plan)["แผนปฏิบัติการ"]
    months = [ws.cell(3, c).value for c in range(12, 24)]
    assert months == ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."]
    ticks = {ws.cell(r, 3).value: [months[c - 12] for c in range(12, 24) if ws.cell(r, c).value == "✓"]
             for r in range(4, ws.max_row + 1)}
    assert ticks == {"๑": ["มิ.ย."], "๒": ["ก.ค."], "๓": ["ส.ค.", "ก.ย."]}
    assert all(ws.cell(r, c).value is None for r in range(4, ws.max_row + 1) for c in range(24, 36))   # none done yet
    assert [ws.cell(r, 11).value for r in range(4, ws.max_row + 1)] == ["กลุ่มพัสดุ"] * 3
    assert ws.cell(6, 5).value == 'ประชาสัมพันธ์ข่าวสาร "คุณธรรม สุจริต"'


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
    # topic, outputs and outcomes (issue 14) come before the months: planned L..W, done X..AI
    assert [ws.cell(2, c).value for c in (4, 9, 10)] == ["ประเด็นความรู้", "ผลผลิต", "ผลลัพธ์"]
    assert ws["L2"].value == "แผนการดำเนินงาน (✓)" and ws["X2"].value == "ดำเนินการแล้ว (✓)"
    assert [ws.cell(3, c).value for c in (12, 23, 24, 35)] == ["ต.ค.", "ก.ย.", "ต.ค.", "ก.ย."]
    status_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == "สถานะ")
    assert ws.cell(4, status_col).value in ("ตามแผน", "ล่าช้า", "ยังไม่ถึงกำหนด", "เสร็จแล้ว")


def test_done_marks_in_the_month_columns_drive_the_status(tmp_path):
    from datetime import date
    from sheets_sync.core.plan_months import fiscal_month
    path = ss.init(tmp_path / "p.xlsx", kind="action-plan")   # planned ต.ค.-ธ.ค.
    wb = openpyxl.load_workbook(path)
    ws = wb["แผนปฏิบัติการ"]
    assert [ws.cell(3, c).value for c in range(24, 27)] == ["ต.ค.", "พ.ย.", "ธ.ค."]
    assert ws.cell(2, 24).value == "ดำเนินการแล้ว (✓)"
    for c in range(24, 27):                                   # done ต.ค., พ.ย., ธ.ค.
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
    # no official per-indicator weights in the template: no overall score or grade per unit (issue 14;
    # the old tool-weighted (30x90 + 30x88) / 60 = 89 was a formula no document gives)
    assert [overview[u][3:5] for u in ("A", "B")] == [(None, None), (None, None)]
    assert overview["A"][5] is None and overview["A"][6:8] == (2, 3)   # I1 and E1 scored, O1 (new in v2) not yet
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
    assert ws["F5"].value == 8000 and ws["C4"].value == "๑.๑.๑ (๑)" and ws["F2"].value == "งบประมาณ"
    assert [ws.cell(4, c).value for c in range(12, 16)] == ["✓", "✓", "✓", None]    # ต.ค.-ธ.ค. planned
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
