"""A round as new tabs of the same .xlsx (issue 12, "Must show"): seed 000 as round 2/2567
for three units, new-round 3/2567 adds ``ตัวชี้วัด 3-2567`` from the canonical template
(narratives as drafts, ศปท.5 carried from 10), the 2/2567 tab read-only; consolidate reads
the requested round's tab; recalc, validate and push-template never write a locked tab;
quarter columns sum into the result."""
import csv
import shutil

import openpyxl
import pytest
import sqlalchemy as sa
from openpyxl.workbook.protection import hash_password

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, SHEET, type_results
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.kinds.meta import AUDIT_SHEET, META_SHEET, read_meta
from sheets_sync.ministry.consolidate import consolidate
from sheets_sync.ministry.rounds import submit
from sheets_sync.ministry.rounds_new import new_round

NEW_TAB = "ตัวชี้วัด 3-2567"
PW = "ministry-kpi"


def _kpi(tmp_path, template="scorecard"):
    rows = list(csv.DictReader(SEED000_CSV.open(encoding="utf-8")))
    for r in rows:
        r["cumulative"] = "yes" if r["code"] == "ศปท.5" else ""
    with (tmp_path / "kpi.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (tmp_path / "ministry.yaml").write_text(f"template: {template}\nversion: 1\nindicators: kpi.csv\n", encoding="utf-8")
    return tmp_path / "ministry.yaml"


def _where(ws):
    head = {c.value: c.column for c in ws[2] if c.value}
    head.update({c.value: c.column for c in ws[3] if c.value and c.value not in head})
    rows = {ws.cell(r, head["รหัส"]).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, head["รหัส"]).value}
    return head, rows


@pytest.fixture
def three(tmp_path):
    ministry = _kpi(tmp_path)
    (tmp_path / "units").mkdir()
    for code in ("ก", "ข", "ค", "ง"):
        path = tmp_path / "units" / f"{code}.xlsx"
        ss.init(path, indicators=SEED000_CSV, unit=f"หน่วย {code}", period="2/2567")
        type_results(path, SEED000_RESULTS)
        wb = openpyxl.load_workbook(path)
        head, rows = _where(wb[SHEET])
        wb[SHEET].cell(rows["ศปท.1"], head["รายละเอียดการดำเนินงาน"]).value = "จัดประชุมแล้ว 2 ครั้ง"
        wb.save(path)
        ss.recalc(path)
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: units/{c}.xlsx}}\n"
                                          for c in "กขคง"), encoding="utf-8")
    subset = tmp_path / "three.yaml"
    subset.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: units/{c}.xlsx}}\n"
                                           for c in "กขค"), encoding="utf-8")
    return tmp_path, units, subset, ministry


def test_new_round_as_a_tab_then_consolidate_either_round(three):
    tmp_path, units, subset, ministry = three
    first = consolidate(units, str(tmp_path / "summary.xlsx"), period="2/2567")
    assert first.summary.complete
    got = {o.code: o for o in new_round(subset, ministry, "3/2567", password=PW)}
    assert {o.outcome for o in got.values()} == {"created"} and got["ก"].tabs == (NEW_TAB,)
    book = tmp_path / "units" / "ก.xlsx"
    wb = openpyxl.load_workbook(book)
    assert [n for n in wb.sheetnames if wb[n].sheet_state == "visible"] == [SHEET, NEW_TAB]
    new, old = wb[NEW_TAB], wb[SHEET]
    head, rows = _where(new)
    assert "3/2567" in new["A1"].value and "2/2567" in old["A1"].value
    assert new.cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).value == 10                  # cumulative: carried
    assert new.cell(rows["ศปท.1"], head["ผลการดำเนินงาน"]).value is None
    assert new.cell(rows["ศปท.1"], head["รายละเอียดการดำเนินงาน"]).value == "(ร่าง) จัดประชุมแล้ว 2 ครั้ง"
    assert new.cell(rows["ศปท.5"], head["ค่าคะแนนที่ได้"]).value == 4                     # recalculated
    assert new.cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).protection.locked is False  # the unit types here
    assert old.protection.sheet and old.protection.password == hash_password(PW)        # 2/2567: read-only
    assert not new.protection.password
    meta = read_meta(XlsxWorkbook(book).grid(META_SHEET))
    assert meta["period"] == "3/2567" and meta["round:3/2567:tab"] == NEW_TAB and meta["round:2/2567:tab"] == SHEET
    assert new_round(subset, ministry, "3/2567")[0].outcome == "skipped"                # once only

    # round 3 results: every indicator changes in ก; the others change ศปท.7 only
    changed = {"ศปท.1": 3, "ศปท.2": 5, "ศปท.3": 80, "ศปท.4": 74, "ศปท.5": 12, "ศปท.6": 4, "ศปท.7": 90}
    type_results(book, changed, sheet=NEW_TAB)
    for code in "ขค":
        type_results(tmp_path / "units" / f"{code}.xlsx", {"ศปท.7": 90}, sheet=NEW_TAB)
    before = openpyxl.load_workbook(book)[SHEET]
    snapshot = [[c.value for c in row] for row in before.iter_rows()]
    for code in "กขค":
        report = ss.recalc(tmp_path / "units" / f"{code}.xlsx")
        assert [s.sheet for s in report.sheets] == [NEW_TAB]
    assert [[c.value for c in row] for row in openpyxl.load_workbook(book)[SHEET].iter_rows()] == snapshot
    assert [s.sheet for s in ss.validate(book).sheets] == [NEW_TAB]
    # every result change is in the history sheet: 1 carried (ศปท.5 empty -> 10) + 7 typed
    audit = openpyxl.load_workbook(book)[AUDIT_SHEET]
    new_rows = [r for r in audit.iter_rows(min_row=2, values_only=True) if r[1] == NEW_TAB]
    assert len(new_rows) == 8 and {r[3] for r in new_rows} == set(changed)

    out = tmp_path / "summary.xlsx"
    res = consolidate(units, str(out), period="3/2567")
    assert {u.code: u.result.sheet for u in res.summary.units if u.result is not None} == \
        {"ก": NEW_TAB, "ข": NEW_TAB, "ค": NEW_TAB}
    missing = res.summary.missing.to_string()
    assert "ง" in missing and "wrong period" in missing                                # left at 2/2567
    sheet = openpyxl.load_workbook(out)["เทียบรอบก่อน"]
    head_row = [c.value for c in sheet[2]]
    change = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert all(change[("ก", c)][head_row.index("ผลรอบนี้")] == v for c, v in changed.items())   # numbers
    assert change[("ก", "ศปท.2")][head_row.index("แนวโน้ม")] == "▲" and change[("ก", "ศปท.6")][head_row.index("แนวโน้ม")] == "▼"
    assert change[("ข", "ศปท.7")][head_row.index("แนวโน้ม")] == "▲" and change[("ข", "ศปท.5")][head_row.index("แนวโน้ม")] == "="
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'sheets-sync-history.sqlite'}")
    with engine.connect() as conn:
        counts = dict(conn.execute(sa.text("select r.period, count(*) from unit_results u join rounds r "
                                           "on u.round_id = r.id group by r.period")).all())
    assert counts == {"2/2567": 28, "3/2567": 21}
    # the same multi-round workbook consolidated for 2/2567 reads the 2/2567 tab
    again = consolidate(units, str(tmp_path / "again.xlsx"), period="2/2567")
    assert again.summary.complete and {u.result.sheet for u in again.summary.units} == {SHEET}
    assert {u.code: u.result.totals["weighted_score"] for u in again.summary.units}["ก"] == 3.05


def test_an_earlier_round_read_in_worker_processes_is_that_rounds_tab(three, monkeypatch):
    # many units are read in worker processes: they must read the asked round's tab too,
    # not the workbook's current one (the same figures as the threads' read)
    import sheets_sync.ministry.consolidate as cons
    tmp_path, units, subset, ministry = three
    new_round(subset, ministry, "3/2567", password=PW)
    type_results(tmp_path / "units" / "ก.xlsx", {"ศปท.1": 1, "ศปท.7": 10}, sheet=NEW_TAB)
    ss.recalc(tmp_path / "units" / "ก.xlsx")
    threads = consolidate(units, str(tmp_path / "threads.xlsx"), period="2/2567")
    monkeypatch.setattr(cons, "PROCESS_MIN_UNITS", 2)
    procs = consolidate(units, str(tmp_path / "procs.xlsx"), period="2/2567")
    assert {u.result.sheet for u in procs.summary.units} == {SHEET} and procs.summary.complete
    totals = lambda res: {u.code: u.result.totals["weighted_score"] for u in res.summary.units}  # noqa: E731
    assert totals(procs) == totals(threads) and totals(procs)["ก"] == 3.05


def test_push_template_leaves_locked_tabs_alone(three):
    tmp_path, units, subset, ministry = three
    new_round(subset, ministry, "3/2567", password=PW)
    submit(tmp_path / "units" / "ข.xlsx", "3/2567", "kpi", password=PW)
    shutil.copy(tmp_path / "units" / "ข.xlsx", tmp_path / "before.xlsx")
    text = (tmp_path / "kpi.csv").read_text(encoding="utf-8").replace("ระดับความสำเร็จของการประเมินความเสี่ยง",
                                                                     "ระดับความสำเร็จในการประเมินความเสี่ยง")
    (tmp_path / "kpi.csv").write_text(text, encoding="utf-8")
    (tmp_path / "ministry.yaml").write_text("template: scorecard\nversion: 2\nindicators: kpi.csv\n", encoding="utf-8")
    out = {o.unit.code: o for o in ss.push_template(units, ministry)}
    assert out["ก"].status == "updated" and out["ก"].plan.sheet == NEW_TAB
    assert out["ก"].plan.locked == {SHEET: "round 2/2567 is an earlier round (read-only)"}
    assert out["ข"].status == "locked" and "round 3/2567 submitted" in out["ข"].details["note"]
    assert (tmp_path / "units" / "ข.xlsx").read_bytes() == (tmp_path / "before.xlsx").read_bytes()
    assert out["ง"].status == "updated" and out["ง"].plan.sheet == SHEET                 # one round: as before
    wb = openpyxl.load_workbook(tmp_path / "units" / "ก.xlsx")
    head, rows = _where(wb[NEW_TAB])
    assert wb[NEW_TAB].cell(rows["ศปท.1"], head["ตัวชี้วัด"]).value.startswith("ระดับความสำเร็จในการ")
    assert wb[SHEET].cell(rows["ศปท.1"], head["ตัวชี้วัด"]).value.startswith("ระดับความสำเร็จของการ")


def test_quarter_columns_sum_up_to_the_round_and_carry_on(tmp_path):
    ministry = _kpi(tmp_path, "scorecard_quarters")
    (tmp_path / "units").mkdir()
    path = tmp_path / "units" / "ก.xlsx"
    ss.init(path, template="scorecard_quarters", indicators=SEED000_CSV, unit="ศปท", period="2/2567")
    wb = openpyxl.load_workbook(path)
    head, rows = _where(wb[SHEET])
    assert [head[f"ไตรมาส {q}"] for q in range(1, 5)] == [12, 13, 14, 15]
    ws = wb[SHEET]
    for code, value in SEED000_RESULTS.items():
        if code != "ศปท.5" and value is not None:
            ws.cell(rows[code], head["ผลการดำเนินงาน"]).value = value
    # seed 000: "ไตรมาสที่ 1 จำนวน 5 เรื่อง ไตรมาสที่ 2 จำนวน 5 เรื่อง รวม 10 เรื่อง"
    ws.cell(rows["ศปท.5"], head["ไตรมาส 1"]).value = 5
    ws.cell(rows["ศปท.5"], head["ไตรมาส 2"]).value = 5
    ws.cell(rows["ศปท.5"], head["ไตรมาส 3"]).value = 7          # typed early: not in round 2
    wb.save(path)
    report = ss.recalc(path)
    assert report.sheets[0].totals["weighted_score"] == 3.05 and report.sheets[0].totals["percentage"] == 61.0
    ws = openpyxl.load_workbook(path)[SHEET]
    assert ws.cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).value == 10
    (tmp_path / "units.yaml").write_text("units:\n  - {code: ก, name: ศปท, sheet: units/ก.xlsx}\n", encoding="utf-8")
    assert new_round(tmp_path / "units.yaml", ministry, "3/2567")[0].outcome == "created"
    new = openpyxl.load_workbook(path)[NEW_TAB]
    assert [new.cell(rows["ศปท.5"], head[f"ไตรมาส {q}"]).value for q in range(1, 5)] == [5, 5, 7, None]
    assert new.cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).value == 17                  # 5 + 5 + 7 in round 3
    assert new.cell(rows["ศปท.1"], head["ผลการดำเนินงาน"]).value is None                # typed per round


def test_every_tab_of_a_round_is_carried_and_goes_with_its_round(tmp_path):
    """The OPDC template lays out a details tab beside the scorecard (issue 13): new-round
    lays out both for the round, and each round's scorecard reads its own details tab."""
    from sheets_sync.backends.xlsx_book import XlsxBook
    from sheets_sync.workbook.recalc import evaluate_book
    (tmp_path / "ministry.yaml").write_text(f"template: scorecard_opdc\nversion: 1\nindicators: {SEED000_CSV}\n",
                                            encoding="utf-8")
    (tmp_path / "units").mkdir()
    path = tmp_path / "units" / "ก.xlsx"
    ss.init(path, template="scorecard_opdc", indicators=SEED000_CSV, unit="ก", period="2/2567")
    (tmp_path / "units.yaml").write_text("units:\n  - {code: ก, name: ก, sheet: units/ก.xlsx}\n", encoding="utf-8")
    details = "รายละเอียดตัวชี้วัด"
    wb = openpyxl.load_workbook(path)
    ws = wb[details]
    col = {c.value: c.column for c in ws[2] if c.value}
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "ศปท.1")
    ws.cell(row, col["อุปสรรคต่อการดำเนินงาน"]).value = "งบประมาณล่าช้า"
    ws.cell(row, col["ผู้จัดเก็บข้อมูล"]).value = "นางสาว ก"
    wb.save(path)
    done = new_round(tmp_path / "units.yaml", tmp_path / "ministry.yaml", "3/2567", password=PW)[0]
    assert done.tabs == (NEW_TAB, f"{details} 3-2567")
    wb = openpyxl.load_workbook(path)
    assert wb[details].protection.password == hash_password(PW) and not wb[f"{details} 3-2567"].protection.password
    new_ws = wb[f"{details} 3-2567"]
    assert new_ws.cell(row, col["อุปสรรคต่อการดำเนินงาน"]).value == "(ร่าง) งบประมาณล่าช้า"   # words as drafts
    assert new_ws.cell(row, col["ผู้จัดเก็บข้อมูล"]).value == "นางสาว ก"                   # people as they were
    assert "3/2567" in new_ws["A1"].value
    meta = read_meta(XlsxWorkbook(path).grid(META_SHEET))
    assert meta["round:2/2567:tab"] == f'["{SHEET}", "{details}"]'
    now = evaluate_book(XlsxBook(path)).results
    assert [r.sheet for r in now] == [NEW_TAB] and now[0].detail["details_sheet"] == f"{details} 3-2567"
    before = evaluate_book(XlsxBook(path), period="2/2567").results
    assert [r.sheet for r in before] == [SHEET] and before[0].detail["details_sheet"] == details
    assert ss.validate(path).errors == []


def test_a_new_fiscal_year_starts_cumulative_results_from_nothing(three):
    tmp_path, units, subset, ministry = three
    got = new_round(subset, ministry, "1/2568", password=PW)[0]
    assert got.outcome == "created" and got.tabs == ("ตัวชี้วัด 1-2568",)
    ws = openpyxl.load_workbook(tmp_path / "units" / "ก.xlsx")["ตัวชี้วัด 1-2568"]
    head, rows = _where(ws)
    assert ws.cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).value is None                 # not carried into 2568
    assert ws.cell(rows["ศปท.1"], head["รายละเอียดการดำเนินงาน"]).value == "(ร่าง) จัดประชุมแล้ว 2 ครั้ง"


def test_a_quarter_that_is_not_a_number_is_named_by_its_cell(tmp_path):
    path = tmp_path / "ก.xlsx"
    ss.init(path, template="scorecard_quarters", indicators=SEED000_CSV, unit="ศปท", period="2/2567")
    wb = openpyxl.load_workbook(path)
    head, rows = _where(wb[SHEET])
    wb[SHEET].cell(rows["ศปท.5"], head["ไตรมาส 1"]).value = "ห้า"
    wb[SHEET].cell(rows["ศปท.5"], head["ไตรมาส 2"]).value = 5
    wb.save(path)
    errors = ss.validate(path).errors
    cell = openpyxl.utils.get_column_letter(head["ไตรมาส 1"]) + str(rows["ศปท.5"])
    assert [(p.kind, p.cell) for p in errors] == [("result_not_number", cell)]
    report = ss.recalc(path)
    assert openpyxl.load_workbook(path)[SHEET].cell(rows["ศปท.5"], head["ผลการดำเนินงาน"]).value is None
    assert not report.sheets[0].totals["complete"]                          # no sum short of quarter 1


def test_a_decorated_workbook_keeps_everything_when_a_round_is_added(seed_book, tmp_path):
    """The unit's logo, chart, comment, names and own sheets stay byte for byte: the new
    tab is moved into the package, the workbook is never re-saved by openpyxl."""
    import zipfile
    from test_recalc_lossless import decorate, parts
    decorate(seed_book)
    before = parts(seed_book)
    (tmp_path / "ministry.yaml").write_text(f"template: scorecard\nversion: 1\nindicators: {SEED000_CSV}\n",
                                            encoding="utf-8")
    (tmp_path / "units.yaml").write_text(f"units:\n  - {{code: ก, name: ก, sheet: {seed_book}}}\n", encoding="utf-8")
    assert new_round(tmp_path / "units.yaml", tmp_path / "ministry.yaml", "3/2567", password=PW)[0].outcome == "created"
    after = parts(seed_book)
    kept = [n for n in before if n.startswith(("xl/media/", "xl/charts/", "xl/drawings/", "xl/comments"))]
    assert kept and all(after[n] == before[n] for n in kept)
    assert set(before) < set(after)
    wb = openpyxl.load_workbook(seed_book)
    assert wb[SHEET]["P5"].comment.text == "ตรวจแล้ว / checked" and wb[SHEET]._images and wb[SHEET]._charts
    assert "ผลรวม" in wb.defined_names and wb["บันทึก"]["A1"].value == "บันทึกของกอง"
    assert wb.sheetnames[-1] == NEW_TAB and wb.active.title == NEW_TAB       # opens on the new round
    assert not wb[NEW_TAB]._images                                           # a fresh tab from the template
    with zipfile.ZipFile(seed_book) as z:
        assert z.testzip() is None


def test_a_tab_already_named_for_the_round_is_a_clear_failure_and_nothing_is_written(three):
    tmp_path, units, subset, ministry = three
    book = tmp_path / "units" / "ก.xlsx"
    wb = XlsxWorkbook(book)
    wb.replace_sheet(NEW_TAB, [["ของกองเอง / the unit's own"]], protect=False)
    wb.save()
    before = book.read_bytes()
    got = {o.code: o for o in new_round(subset, ministry, "3/2567", password=PW)}
    assert got["ก"].outcome == "failed" and NEW_TAB in got["ก"].detail and "already has a tab" in got["ก"].detail
    assert book.read_bytes() == before
    assert got["ข"].outcome == "created"                                   # the others go on


def test_recalc_never_writes_a_submitted_round_and_says_so(three, cli):
    tmp_path, units, subset, ministry = three
    book = tmp_path / "units" / "ก.xlsx"
    submit(book, "2/2567", "kpi", password=PW)
    # someone who knows the password opens the tab and types over a result
    type_results(book, {"ศปท.7": 90})
    before = openpyxl.load_workbook(book)[SHEET]
    snapshot = [[c.value for c in row] for row in before.iter_rows()]
    report = ss.recalc(book)
    assert not report.written and report.sheets[0].totals["weighted_score"] == 3.15     # 0.150 -> 0.250
    told = [p for p in report.problems if p.kind == "round_locked"]
    assert len(told) == 1 and told[0].sheet == SHEET and "round 2/2567 submitted" in told[0].message_en
    assert [[c.value for c in row] for row in openpyxl.load_workbook(book)[SHEET].iter_rows()] == snapshot
    # and the result typed over after the lock is an error naming its cell (exit 1)
    after = [p for p in report.problems if p.kind == "changed_after_lock"]
    assert len(after) == 1 and after[0].code == "ศปท.7" and "now 90" in after[0].message_en
    assert "the round is locked, file not written" in cli("recalc", book, code=1).output
