"""consolidate of K local .xlsx units of 7 indicator rows (1,000; --quick 60) into a summary .xlsx.

The units are copies of one recalculated 7-row workbook (making 1,000 with init would take
longer than the run). ours: ``sheets_sync.consolidate(units.yaml, summary.xlsx)``, per unit
(the summary's own writing is a fixed cost, timed with it). floor: unzip + lxml parse of
one unit's worksheets, per unit. naive: openpyxl load of each unit (a sample of 50, scaled),
read its total, write a summary with openpyxl.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

import sheets_sync

from ._util import best, once, ratio
from .recalc_xlsx import floor, make_book

NAME = "consolidate_xlsx"
TARGET = {"text": "consolidate: per 7-row unit within 3x of unzip+parse of its sheet; 1,000 local units "
                  "in under 5 s", "max_ours_over_floor": 3.0, "max_seconds_1000_units": 5.0}


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
    k = 60 if quick else 1000
    rows = 7
    units_dir = tmp / "units"
    units_dir.mkdir(exist_ok=True)
    one = make_book(tmp, rows, name="u")
    sheets_sync.recalc(one)
    paths = []
    for i in range(k):
        p = units_dir / f"u{i}.xlsx"
        shutil.copyfile(one, p)
        paths.append(p)
    yaml = tmp / "units.yaml"
    yaml.write_text("units:\n" + "".join(f"  - {{code: U{i}, name: หน่วย {i}, sheet: {p}}}\n"
                                         for i, p in enumerate(paths)), encoding="utf-8")
    out = tmp / "summary.xlsx"
    t_ours, res = once(lambda: sheets_sync.consolidate(yaml, out))
    if not quick:
        t_ours = min(t_ours, best(lambda: sheets_sync.consolidate(yaml, out), 1))
    fl = best(lambda: floor(one), 20) * k
    sample = paths[:50]
    t_naive = best(lambda: naive(sample, tmp / "naive-summary.xlsx"), 1) * k / len(sample)
    complete = getattr(getattr(res, "summary", None), "complete", None)
    r = ratio(fl, t_ours)
    return {"size": {"units": k, "rows_per_unit": rows},
            "seconds": {"ours": t_ours, "floor": fl, "naive": t_naive,
                        "per_unit_ours_ms": t_ours / k * 1e3, "per_unit_floor_ms": fl / k * 1e3},
            "ratios": {"naive/ours": ratio(t_ours, t_naive), "ours/floor": r},
            "complete": complete, "target": TARGET,
            "met": None if quick else bool(complete and r <= TARGET["max_ours_over_floor"]
                                           and t_ours < TARGET["max_seconds_1000_units"])}
