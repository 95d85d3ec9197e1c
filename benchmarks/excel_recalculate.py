"""Excel: the server's answer to the payload an Excel client posts for a workbook of N
indicator rows (10,000; --quick 50): ``POST /xlwings/recalculate`` on the ASGI app in
process (no socket), i.e. JSON decode, ``xl_addin.recalculate`` on xlwings' remote engine,
JSON encode. ``macro`` is ``recalculate`` + ``book.json()`` alone.

floor: decoding and re-encoding the payload JSON (the protocol's own cost). naive (at most
1,000 rows: each xlwings cell read copies the whole sheet, so 10,000 would take minutes):
the same book through xlwings cell by cell: read each input cell, compute, write each
computed cell. Skipped, with the reason, when xlwings' remote engine cannot run here.
"""
from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

import openpyxl
import pandas as pd

from ._util import best, once, ratio
from .recalc_xlsx import header_columns, make_book

NAME = "excel_recalculate"
TARGET = {"text": "Excel recalculate of 10,000 rows under 1 s of server time", "seconds": 1.0}
NAIVE_MAX = 1_000


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


def _server_post(body: bytes) -> tuple[float, int]:
    """Best time of the server's whole answer, and the answer's size in bytes."""
    import asyncio

    import httpx
    from xl_addin.server import TOKEN_ENV, app
    os.environ.setdefault(TOKEN_ENV, "benchmark")

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
            async def post():
                return await c.post("/xlwings/recalculate", content=body,
                                    headers={"Authorization": os.environ[TOKEN_ENV]})
            r = await post()  # warm: imports and first-call caches; checked outside the timing
            if r.status_code != 200 or r.json()["actions"][0]["func"] != "setValues":
                raise RuntimeError(f"server answered {r.status_code}: {r.text[:300]}")
            times = []
            for _ in range(3):
                gc.collect()
                t0 = time.perf_counter()
                await post()
                times.append(time.perf_counter() - t0)
            return min(times), len(r.content)
    return asyncio.run(go())


def run(quick: bool, tmp: Path) -> dict:
    n = 50 if quick else 10_000
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    try:
        import xlwings as xw
        import xl_addin
        path = make_book(tmp, n, name="excel")
        payload = payload_from_xlsx(path)
        xw.Book(json=payload).close()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"skipped": f"xlwings remote engine unavailable: {type(exc).__name__}: {exc}",
                "target": TARGET, "met": None}
    text = json.dumps(payload, ensure_ascii=False)

    def macro():
        book = xw.Book(json=json.loads(text))
        try:
            xl_addin.recalculate(book)
            return book.json()
        finally:
            book.close()
    t_macro = best(macro, 2 if quick else 3)
    t_server, answer_bytes = _server_post(text.encode())
    fl = best(lambda: json.dumps(json.loads(text), ensure_ascii=False), 3)
    t_naive = once(lambda: naive(json.loads(text), path))[0] if n <= NAIVE_MAX else None
    return {"size": {"rows": n}, "bytes": {"payload": len(text.encode()), "answer": answer_bytes},
            "seconds": {"ours": t_server, "macro": t_macro, "floor": fl, "naive": t_naive},
            "ratios": {"naive/ours": ratio(t_server, t_naive), "ours/floor": ratio(fl, t_server)},
            "target": TARGET, "met": None if quick else t_server < TARGET["seconds"]}
