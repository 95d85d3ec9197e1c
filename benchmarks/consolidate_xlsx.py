"""consolidate of K local .xlsx units (50; --quick 5) into a summary .xlsx.

ours: ``sheets_sync.consolidate(units.yaml, summary.xlsx)``. floor: unzip + lxml parse of
every unit's worksheets. naive: openpyxl load of each unit, read its total, write a summary
with openpyxl.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

import sheets_sync

from ._util import best, once, ratio
from .recalc_xlsx import floor, make_book

NAME = "consolidate_xlsx"
TARGET = {"text": "consolidate of local .xlsx units: measured against unzip+parse per unit; "
                  "target owned by the consolidation path"}


def naive(paths: list[Path], out: Path) -> None:
    summary = openpyxl.Workbook()
    ws = summary.active
    for i, p in enumerate(paths, 1):
        wb = openpyxl.load_workbook(p, data_only=True)
        sh = wb.worksheets[0]
        total = None
        for row in sh.iter_rows(values_only=True):
            if any(isinstance(v, str) and "คะแนนถ่วงน้ำหนักรวม" in v for v in row):
                total = next((v for v in reversed(row) if isinstance(v, (int, float))), None)
        ws.cell(i, 1).value, ws.cell(i, 2).value = p.stem, total
    summary.save(out)


def run(quick: bool, tmp: Path) -> dict:
    k = 5 if quick else 50
    rows = 7 if quick else 30
    units_dir = tmp / "units"
    units_dir.mkdir(exist_ok=True)
    paths = []
    for i in range(k):
        p = make_book(units_dir, rows, name=f"u{i}")
        sheets_sync.recalc(p)
        paths.append(p)
    yaml = tmp / "units.yaml"
    yaml.write_text("units:\n" + "".join(f"  - {{code: U{i}, name: หน่วย {i}, sheet: {p}}}\n"
                                         for i, p in enumerate(paths)), encoding="utf-8")
    out = tmp / "summary.xlsx"
    t_ours, res = once(lambda: sheets_sync.consolidate(yaml, out))
    t_ours = min(t_ours, best(lambda: sheets_sync.consolidate(yaml, out), 1))
    fl = best(lambda: [floor(p) for p in paths], 3)
    t_naive = best(lambda: naive(paths, tmp / "naive-summary.xlsx"), 2)
    complete = getattr(getattr(res, "summary", None), "complete", None)
    return {"size": {"units": k, "rows_per_unit": rows},
            "seconds": {"ours": t_ours, "floor": fl, "naive": t_naive},
            "ratios": {"naive/ours": ratio(t_ours, t_naive), "ours/floor": ratio(fl, t_ours)},
            "complete": complete, "target": TARGET, "met": None}
