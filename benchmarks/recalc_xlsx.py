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

from ._util import best, indicator_csv, once, ratio, results_for

NAME = "recalc_xlsx"
NAME_NOCHANGE = "recalc_xlsx_nochange"
TARGET = {"text": "recalc of a 10,000-row .xlsx: measured against its floor and openpyxl "
                  "(score notes no longer 78% of the time); target owned by the recalc path"}
TARGET_NOCHANGE = {"text": "no-change recalc: writes nothing; measured against its floor"}


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
    t_first, report = once(first)
    if not quick:
        t_first = min(t_first, once(first)[0])
    t_again, again = once(lambda: sheets_sync.recalc(work))
    fl = best(lambda: floor(work), 3)
    t_naive = best(lambda: naive(src, tmp / "naive.xlsx"), 1 if not quick else 2)
    size = {"rows": n, "bytes": work.stat().st_size}
    return [
        {"name": NAME, "size": size,
         "seconds": {"ours": t_first, "floor": fl, "naive": t_naive},
         "ratios": {"naive/ours": ratio(t_first, t_naive), "ours/floor": ratio(fl, t_first)},
         "written": bool(report.written), "changed_cells": report.changed_cells,
         "target": TARGET, "met": None},
        {"name": NAME_NOCHANGE, "size": size,
         "seconds": {"ours": t_again, "floor": fl, "naive": t_naive},
         "ratios": {"naive/ours": ratio(t_again, t_naive), "ours/floor": ratio(fl, t_again)},
         "written": bool(again.written), "target": TARGET_NOCHANGE,
         "met": None if again.written is None else (not again.written)},
    ]
