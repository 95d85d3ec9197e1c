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
    head = [c.value for c in wb["ภาพรวม"][2]]
    rows = {r[head.index("รหัสหน่วยงาน")]: r for r in wb["ภาพรวม"].iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"ศปท", "กค"}                                     # กบค not summed
    assert rows["กค"][head.index("สถานะการส่ง")] == "ส่งแล้ว" and rows["ศปท"][head.index("สถานะการส่ง")] == "ร่าง"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'summary.history.sqlite'}")
    with engine.connect() as conn:
        rounds = conn.execute(sa.text("select period, units_total, units_read from rounds")).all()
        results = conn.execute(sa.text("select unit, count(*) from unit_results group by unit")).all()
    assert rounds == [("2/2567", 3, 2)] and dict(results) == {"ศปท": 7, "กค": 7}
