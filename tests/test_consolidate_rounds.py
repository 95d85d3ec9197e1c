"""consolidate of one round: a unit at another round is listed, not summed; each unit's
submission state is shown; the round goes into the history database."""
import openpyxl
import sqlalchemy as sa

import sheets_sync as ss
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.kinds.meta import META_SHEET


def set_period(path, period):
    wb = XlsxWorkbook(path)
    grid = wb.grid(META_SHEET)
    row = next(r for r in range(1, grid.max_row + 1) if grid.get(r, 1) == "period")
    wb.set_cells(META_SHEET, {(row, 2): period})
    wb.save()


def test_one_round_wrong_period_states_and_history(tmp_path, cli):
    ss.demo(tmp_path / "demo")
    folder = tmp_path / "demo"
    set_period(folder / "units" / "กบค.xlsx", "1/2567")                  # a unit left at last quarter
    cli("submit", folder / "units" / "กค.xlsx", "--period", "2/2567", "--by", "kpi@unit.go.th", "--password", "p")
    out = tmp_path / "summary.xlsx"
    res = cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "2/2567", code=2)
    assert "wrong period" in res.output and "1/2567" in res.output
    wb = openpyxl.load_workbook(out)
    # titles and the Thai message say the round as people say it, not its code
    assert wb["ภาพรวม"]["A1"].value.startswith("ภาพรวม ไตรมาสที่ 2/2567")
    # whole numbers centred, so a rank does not run into the unit code beside it ("1กค")
    rank, code = wb["ภาพรวม"]["A3"], wb["ภาพรวม"]["B3"]
    assert rank.value == 1 and rank.alignment.horizontal == "center" and code.alignment.horizontal != "right"
    missing = " ".join(str(c.value) for row in wb["หน่วยงานที่ขาด"].iter_rows() for c in row if c.value)
    assert "แผ่นงานเป็นไตรมาสที่ 1/2567 ไม่ใช่ไตรมาสที่ 2/2567" in missing
    head = [c.value for c in wb["ภาพรวม"][2]]
    rows = {r[head.index("รหัสหน่วยงาน")]: r for r in wb["ภาพรวม"].iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"ศปท", "กค"}                                     # กบค not summed
    assert rows["กค"][head.index("สถานะการส่ง")] == "ส่งแล้ว" and rows["ศปท"][head.index("สถานะการส่ง")] == "ร่าง"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'sheets-sync-history.sqlite'}")
    with engine.connect() as conn:
        rounds = conn.execute(sa.text("select period, units_total, units_read from rounds")).all()
        results = conn.execute(sa.text("select unit, count(*) from unit_results group by unit")).all()
    assert rounds == [("2/2567", 3, 2)] and dict(results) == {"ศปท": 7, "กค": 7}


def test_the_next_round_compares_with_the_last_and_shows_the_year(tmp_path, cli):
    from conftest import type_results
    ss.demo(tmp_path / "demo")
    folder = tmp_path / "demo"
    out = tmp_path / "summary.xlsx"
    cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "2/2567")
    for code in ("ศปท", "กค", "กบค"):
        set_period(folder / "units" / f"{code}.xlsx", "3/2567")
    type_results(folder / "units" / "ศปท.xlsx", {"ศปท.7": 90})              # 70 -> 90: 3.000 -> 5.000
    cli("recalc", folder / "units" / "ศปท.xlsx")
    cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "3/2567")
    wb = openpyxl.load_workbook(out)
    head = [c.value for c in wb["เทียบรอบก่อน"][2]]
    rows = {(r[0], r[1]): r for r in wb["เทียบรอบก่อน"].iter_rows(min_row=3, values_only=True)}
    row = rows[("ศปท", "ศปท.7")]
    assert row[head.index("ผลรอบนี้")] == 90 and row[head.index("แนวโน้ม")] == "▲"   # a number, not text
    assert row[head.index("เปลี่ยน")] == 0.1                                # weight 5: 0.150 -> 0.250, no float noise
    assert rows[("กค", "ศปท.1")][head.index("แนวโน้ม")] == "="
    trend = [list(r) for r in wb["แนวโน้มทั้งปี"].iter_rows(min_row=2, values_only=True)]
    assert trend[0][2:] == ["ไตรมาสที่ 2/2567", "ไตรมาสที่ 3/2567"]
    assert [r[2:] for r in trend[1:] if r[0] == "ศปท"] == [[61.0, 63.0]]
    assert wb["แนวโน้มทั้งปี"]._charts


def test_a_summary_named_for_its_round_still_compares_with_the_last(tmp_path, cli):
    """summary_q2.xlsx then summary_q3.xlsx in one folder share its history database, so
    the second still has its round-over-round sheet (each once had a database of its own)."""
    from conftest import type_results
    ss.demo(tmp_path / "demo")
    folder = tmp_path / "demo"
    cli("consolidate", "--units", folder / "units.yaml", "--out", tmp_path / "summary_q2.xlsx", "--period", "2/2567")
    for code in ("ศปท", "กค", "กบค"):
        set_period(folder / "units" / f"{code}.xlsx", "3/2567")
    type_results(folder / "units" / "ศปท.xlsx", {"ศปท.7": 90})
    cli("recalc", folder / "units" / "ศปท.xlsx")
    cli("consolidate", "--units", folder / "units.yaml", "--out", tmp_path / "summary_q3.xlsx", "--period", "3/2567")
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == ["sheets-sync-history.sqlite"]
    wb = openpyxl.load_workbook(tmp_path / "summary_q3.xlsx")
    assert "เทียบรอบก่อน" in wb.sheetnames
    head = [c.value for c in wb["เทียบรอบก่อน"][2]]
    row = next(r for r in wb["เทียบรอบก่อน"].iter_rows(min_row=3, values_only=True) if r[:2] == ("ศปท", "ศปท.7"))
    assert row[head.index("ผลรอบนี้")] == 90 and row[head.index("แนวโน้ม")] == "▲"


def test_a_past_years_plan_is_judged_on_its_own_year_not_today(tmp_path):
    """Seed 002 plans activities for June-September 2564: in 2569 they are late (not done)
    or done, never "not yet due"."""
    from sheets_sync.kinds.action_plan import judged_on
    from datetime import date
    items = tmp_path / "plan.csv"
    items.write_text("code,project,planned\n๑,ทบทวนการใช้ทรัพย์สิน,มิ.ย.\n๒,จัดอบรม,ก.ค.-ก.ย.\n", encoding="utf-8")
    path = tmp_path / "plan.xlsx"
    ss.init(path, kind="action-plan", indicators=items, unit="กลุ่มพัสดุ", period="2564")
    wb = openpyxl.load_workbook(path)
    ws = wb["แผนปฏิบัติการ"]
    group = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value}
    done_sep = next(c for c in range(group["ดำเนินการแล้ว (✓)"], ws.max_column + 1) if ws.cell(3, c).value == "มิ.ย.")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "๑")
    ws.cell(row, done_sep).value = "✓"
    wb.save(path)
    rows = {r["code"]: r["status"] for r in ss.recalc(path).sheets[0].rows}
    assert rows == {"๑": "เสร็จแล้ว", "๒": "ล่าช้า"}
    assert judged_on("2564", date(2026, 12, 1)) == (date(2021, 9, 30), 12)     # the year is over
    assert judged_on("2571", date(2026, 12, 1))[1] == 0                        # not begun: nothing due
    assert judged_on("2570", date(2026, 12, 1)) == (date(2026, 12, 1), None)   # running: today
    assert judged_on(None, date(2026, 12, 1)) == (date(2026, 12, 1), None)


def _rounds(db):
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        return conn.execute(sa.text("select period from rounds")).all()


def test_a_summary_that_cannot_be_written_leaves_no_round_and_no_history_copy(tmp_path, cli):
    """The error says nothing was written: the history database keeps no round for the
    summary that was not written, and no copy of the old summary is made beside it."""
    import os
    ss.demo(tmp_path / "demo")
    folder = tmp_path / "demo"
    out = tmp_path / "summary.xlsx"
    cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "2/2567")
    db = tmp_path / "sheets-sync-history.sqlite"
    before, rounds_before = out.read_bytes(), _rounds(db)
    history_before = sorted((tmp_path / "summary-history").iterdir()) if (tmp_path / "summary-history").exists() else []
    os.chmod(out, 0o444)                                     # read-only: sheets-sync will not replace it
    res = cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "2/2567", code=2)
    assert "read-only" in res.output and "nothing was written" in res.output and "Traceback" not in res.output
    assert out.read_bytes() == before
    assert _rounds(db) == rounds_before == [("2/2567",)]
    assert (sorted((tmp_path / "summary-history").iterdir()) if (tmp_path / "summary-history").exists() else []) \
        == history_before


def test_a_first_summary_that_cannot_be_written_leaves_no_database(tmp_path, cli):
    import os
    ss.demo(tmp_path / "demo")
    folder = tmp_path / "demo"
    ro = tmp_path / "ro"
    ro.mkdir()
    out = ro / "summary.xlsx"
    out.write_bytes(b"")                                     # a read-only placeholder where the summary goes
    os.chmod(out, 0o444)
    res = cli("consolidate", "--units", folder / "units.yaml", "--out", out, "--period", "2/2567", code=2)
    assert "nothing was written" in res.output
    assert sorted(p.name for p in ro.iterdir()) == ["summary.xlsx"] and out.read_bytes() == b""
