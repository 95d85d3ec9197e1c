"""Excel: ``xl_addin.recalculate(xw.Book(json=payload))`` on the payload an Excel client
posts for a workbook of N indicator rows (1,000; --quick 50), xlwings' remote engine.

floor: decoding and re-encoding the payload JSON (the protocol's own cost). naive: the same
book through xlwings cell by cell: read each input cell, compute, write each computed cell.
Skipped, with the reason, when xlwings' remote engine cannot run here.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pandas as pd

from ._util import best, once, ratio
from .recalc_xlsx import header_columns, make_book

NAME = "excel_recalculate"
TARGET = {"text": "Excel Recalculate through xlwings: measured against the payload JSON round "
                  "trip; target owned by the Excel path"}


def payload_from_xlsx(path: Path) -> dict:
    """The JSON xlwings' VBA client posts (values from A1, empty cells null)."""
    import xlwings as xw
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[None if c.value == "" else c.value for c in row] for row in
                  ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)]
        sheets.append({"name": ws.title, "values": values or [[]], "pictures": [], "tables": []})
    return {"client": "VBA", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def naive(payload: dict, path: Path) -> None:
    import xlwings as xw
    from sheets_sync.core.scoring import compute, rounded
    from sheets_sync.kinds.template import CRITERIA, load_template
    tpl = load_template()
    book = xw.Book(json=payload)
    sheet = book.sheets[0]
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    cols = header_columns(openpyxl.load_workbook(path).worksheets[0])
    levels = [c for label, c in sorted(cols.items(), key=lambda kv: kv[1]) if label in ("1", "2", "3", "4", "5")]
    del ws
    rows = []
    r = 1
    for r, row in enumerate(payload["sheets"][0]["values"], 1):
        code = row[cols["รหัส"] - 1] if len(row) >= cols["รหัส"] else None
        if isinstance(code, str) and code.startswith("K."):
            rows.append(r)
    num = lambda v: float(v) if isinstance(v, (int, float)) else float("nan")  # noqa: E731
    f = pd.DataFrame({"weight": [num(sheet.range((r, cols["น้ำหนัก (ร้อยละ)"])).value) for r in rows],
                      "target": float("nan"),
                      **{k: [num(sheet.range((r, c)).value) for r in rows] for k, c in zip(CRITERIA, levels)},
                      "result": [num(sheet.range((r, cols["ผลการดำเนินงาน"])).value) for r in rows]}, index=rows)
    out, _ = rounded(*compute(f, tpl.scoring), tpl.scoring)
    c0 = cols["ผลการดำเนินงาน"] + 1
    for r in rows:
        for j, key in enumerate(("score", "percentage", "weighted_score")):
            v = out.at[r, key]
            sheet.range((r, c0 + j)).value = None if pd.isna(v) else float(v)
    book.json()


def run(quick: bool, tmp: Path) -> dict:
    n = 50 if quick else 1_000
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    try:
        import xlwings as xw
        import xl_addin
        path = make_book(tmp, n, name="excel")
        payload = payload_from_xlsx(path)
        xw.Book(json=payload)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"skipped": f"xlwings remote engine unavailable: {type(exc).__name__}: {exc}",
                "target": TARGET, "met": None}
    text = json.dumps(payload, ensure_ascii=False)

    def ours():
        book = xw.Book(json=json.loads(text))
        xl_addin.recalculate(book)
        return book.json()
    t_ours = best(ours, 2 if quick else 3)
    fl = best(lambda: json.dumps(json.loads(text), ensure_ascii=False), 3)
    t_naive, _ = once(lambda: naive(json.loads(text), path))
    return {"size": {"rows": n, "payload_bytes": len(text.encode())},
            "seconds": {"ours": t_ours, "floor": fl, "naive": t_naive},
            "ratios": {"naive/ours": ratio(t_ours, t_naive), "ours/floor": ratio(fl, t_ours)},
            "target": TARGET, "met": None}
