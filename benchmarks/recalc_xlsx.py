"""recalc of an .xlsx with N indicator rows (10,000; --quick 200), and the no-change recalc.

The workbook comes from ``sheets_sync.init(path, indicators=<generated csv>)``, then results
are typed with openpyxl as a person would. ours: ``sheets_sync.recalc(path)`` (first run
writes every computed cell and note; the second finds nothing to change). floor: unzip the
package and lxml-parse every worksheet XML (the least a reader of the file must do).
naive: openpyxl load + compute + write the computed cells + save (lossy, but the usual script).
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
from lxml import etree

import sheets_sync
from sheets_sync.core.scoring import compute, rounded
from sheets_sync.kinds.template import CRITERIA, load_template

from ._util import best, indicator_csv, once, paired, ratio, results_for

NAME = "recalc_xlsx"
NAME_NOCHANGE = "recalc_xlsx_nochange"
TARGET = {"text": "recalc of 10,000 rows within 1.5x of the lxml parse, >= 3x faster than naive openpyxl, "
                  "peak memory < 2x naive", "max_ours_over_floor": 1.5, "min_naive_over_ours": 3.0,
          "max_memory_over_naive": 2.0}
TARGET_NOCHANGE = {"text": "no-change recalc writes nothing, within 1.2x of the lxml parse",
                   "max_ours_over_floor": 1.2}

# Peak memory of one operation, each in a fresh interpreter (its VmHWM; Linux only).
_PEAK = """
import shutil, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from benchmarks.recalc_xlsx import naive
import sheets_sync
src, work = Path({src!r}), Path({work!r})
if {which!r} == "ours":
    shutil.copyfile(src, work)
    sheets_sync.recalc(work)
else:
    naive(src, work)
# VmHWM: this process's own peak (ru_maxrss would keep the parent's from before the exec)
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def peak_mb(which: str, src: Path, work: Path) -> float | None:
    import subprocess
    import sys
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.run([sys.executable, "-c", _PEAK.format(root=root, src=str(src), work=str(work), which=which)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:      # no /proc (not Linux): no figure rather than a wrong one
        return None
    return round(int(proc.stdout.split()[-1]) / 1024, 1)     # Linux reports KiB


def header_columns(ws, header_row: int = 3) -> dict[str, int]:
    out = {}
    for c in range(1, ws.max_column + 1):
        v = ws.cell(header_row, c).value
        if v is None:
            v = ws.cell(header_row - 1, c).value
        if v is not None:
            out.setdefault(str(v), c)
    return out


def make_book(tmp: Path, n: int, name: str = "unit") -> Path:
    csv = indicator_csv(tmp / f"{name}-{n}.csv", n)
    path = tmp / f"{name}-{n}.xlsx"
    sheets_sync.init(path, indicators=csv, unit=name, period="2/2567", overwrite=True)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cols = header_columns(ws)
    code_col, result_col = cols["รหัส"], cols["ผลการดำเนินงาน"]
    values = iter(results_for(n))
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, code_col).value
        if isinstance(v, str) and v.startswith("K."):
            ws.cell(r, result_col).value = next(values)
    wb.save(path)
    return path


def floor(path: Path) -> int:
    cells = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                cells += len(etree.fromstring(z.read(name)))
    return cells


def naive(path: Path, out: Path) -> None:
    """openpyxl load, read the inputs, compute, write the computed cells, save."""
    tpl = load_template()
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cols = header_columns(ws)
    want = {"code": "รหัส", "weight": "น้ำหนัก (ร้อยละ)", "result": "ผลการดำเนินงาน"}
    cmap = {k: cols[v] for k, v in want.items() if v in cols}
    levels = [c for label, c in sorted(cols.items(), key=lambda kv: kv[1]) if label in ("1", "2", "3", "4", "5")]
    rows = [r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, cmap["code"]).value, str) and ws.cell(r, cmap["code"]).value.startswith("K.")]
    num = lambda v: float(v) if isinstance(v, (int, float)) else float("nan")  # noqa: E731
    f = pd.DataFrame({"weight": [num(ws.cell(r, cmap["weight"]).value) for r in rows],
                      "target": float("nan"),
                      **{k: [num(ws.cell(r, c).value) for r in rows] for k, c in zip(CRITERIA, levels)},
                      "result": [num(ws.cell(r, cmap["result"]).value) for r in rows]}, index=rows)
    out_rows, _ = rounded(*compute(f, tpl.scoring), tpl.scoring)
    score_col = cmap["result"] + 1
    for r in rows:
        for j, key in enumerate(("score", "percentage", "weighted_score")):
            v = out_rows.at[r, key]
            ws.cell(r, score_col + j).value = None if pd.isna(v) else float(v)
    wb.save(out)


def run(quick: bool, tmp: Path) -> list[dict]:
    n = 200 if quick else 10_000
    src = make_book(tmp, n)
    work = tmp / f"work-{n}.xlsx"

    def first():
        shutil.copyfile(src, work)
        return sheets_sync.recalc(work)
    # Each ratio is taken within one round (ours, floor, naive back to back), the best
    # round kept: on a machine shared with other work a ratio of two far-apart timings
    # says more about the neighbours than about the code.
    rounds = []
    for _ in range(1 if quick else 3):
        t_first, report = once(first)
        fl = best(lambda: floor(work), 2)
        rounds.append((t_first, fl))
    t_first, fl = min(rounds, key=lambda x: x[0] / x[1])
    # the no-change recalc and the parse in turns, the median of the turns' ratios
    again = sheets_sync.recalc(work)
    t_again, fl_again, r_again = paired(lambda: sheets_sync.recalc(work), lambda: floor(work), 3 if quick else 7)
    t_naive = best(lambda: naive(src, tmp / "naive.xlsx"), 1 if not quick else 2)
    mem = {"ours": peak_mb("ours", src, tmp / "peak-ours.xlsx"), "naive": peak_mb("naive", src, tmp / "peak-naive.xlsx")}
    mem_ratio = ratio(mem["naive"], mem["ours"]) if mem["ours"] and mem["naive"] else None
    size = {"rows": n, "bytes": work.stat().st_size}
    r_first, r_naive = ratio(fl, t_first), ratio(t_first, t_naive)
    r_again = round(r_again, 3)
    return [
        {"name": NAME, "size": size,
         "seconds": {"ours": t_first, "floor": fl, "naive": t_naive},
         "ratios": {"naive/ours": r_naive, "ours/floor": r_first, "memory ours/naive": mem_ratio},
         "memory_mb": mem,
         "written": bool(report.written), "changed_cells": report.changed_cells,
         "target": TARGET,
         "met": None if quick else bool(r_first <= TARGET["max_ours_over_floor"] and r_naive >= TARGET["min_naive_over_ours"]
                                        and mem_ratio is not None and mem_ratio < TARGET["max_memory_over_naive"])},
        {"name": NAME_NOCHANGE, "size": size,
         "seconds": {"ours": t_again, "floor": fl_again, "naive": t_naive},
         "ratios": {"naive/ours": ratio(t_again, t_naive), "ours/floor": r_again},
         "written": bool(again.written), "target": TARGET_NOCHANGE,
         "met": None if quick else bool(not again.written and r_again <= TARGET_NOCHANGE["max_ours_over_floor"])},
    ]
