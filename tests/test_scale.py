"""Scale correctness: the metadata that tells a person's edit from sheets-sync's own
holds at any size (Excel keeps at most 32,767 characters a cell)."""
import csv

import openpyxl

import sheets_sync as ss
from sheets_sync.workbook.entry import type_values


def big_book(tmp_path, n=600):
    kpi = tmp_path / "kpi.csv"
    with kpi.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["dimension", "code", "indicator", "weight", "target", "c1", "c2", "c3", "c4", "c5"])
        for i in range(n):
            w.writerow([f"มิติด้านที่ {i % 4 + 1}", f"K.{i + 1}", f"ร้อยละของงานที่ {i + 1} แล้วเสร็จตามกำหนด",
                        100 / n, 90, 70, 75, 80, 85, 90])
    path = tmp_path / "big.xlsx"
    ss.init(path, indicators=kpi)
    type_values(path, {f"K.{i + 1}": {"result": 60 + i % 40} for i in range(n)})
    return path


def test_six_hundred_indicators_keep_their_record_whole(tmp_path):
    path = big_book(tmp_path)
    report = ss.recalc(path)
    assert report.written and report.problems == [] and report.sheets[0].totals["complete"]
    meta = openpyxl.load_workbook(path)["_sheets_sync"]
    longest = max(len(str(meta.cell(r, 2).value or "")) for r in range(1, meta.max_row + 1))
    assert longest <= 32_767                                   # every part fits a cell
    assert [p.kind for p in ss.validate(path).problems] == []
    assert not ss.recalc(path).written

    wb = openpyxl.load_workbook(path)                         # one score typed over by hand
    ws = wb["ตัวชี้วัด"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "K.500")
    ws.cell(row, 13).value = 4.5
    wb.save(path)
    found = [(p.kind, p.cell) for p in ss.validate(path).problems if p.kind.startswith("computed")]
    assert found == [("computed_overwritten", f"M{row}")]
