"""xlwings' remote-interpreter protocol over FastAPI: Excel on the web or a locked-down
PC posts the workbook JSON (VBA RunRemotePython or the Office.js task pane), we run the
same ``recalculate`` on ``xw.Book(json=...)`` and answer xlwings' actions.

Settings (environment): SHEETS_SYNC_EXCEL_TOKEN (required shared token; requests
without it get 401), SHEETS_SYNC_EXCEL_MAX_BYTES (default 5 MB; larger bodies get 413).
"""
from __future__ import annotations

import hmac
import json
import os
from pathlib import Path

# xlwings' remote engine is licensed under PolyForm Noncommercial 1.0.0, which permits use
# by government institutions; a deployment with a commercial key sets its own.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import FileResponse, JSONResponse  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402

from xl_addin.macros import recalculate as _recalculate  # noqa: E402
from xl_addin.macros import validate as _validate  # noqa: E402

OFFICEJS = Path(__file__).parent / "officejs"
app = FastAPI(title="sheets-sync for Excel", version="1")


def _limit() -> int:
    return int(os.environ.get("SHEETS_SYNC_EXCEL_MAX_BYTES", 5 * 1024 * 1024))


def alert_action(th: str, en: str) -> dict:
    """An answer that shows a message box in Excel instead of an error page."""
    return {"actions": [{"func": "alert", "args": [f"{th}\n{en}", "sheets-sync", "ok", "critical", ""],
                         "values": None, "sheet_position": None, "start_row": None, "start_column": None,
                         "row_count": None, "column_count": None}]}


def _authorised(request: Request) -> bool:
    token = os.environ.get("SHEETS_SYNC_EXCEL_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


async def _run(request: Request, macro):
    if not _authorised(request):
        return JSONResponse({"detail": "ต้องมีรหัสผ่านร่วม (Authorization) / missing or wrong shared token"}, 401)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > _limit():
        return JSONResponse({"detail": f"workbook payload over {_limit()} bytes"}, 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _limit():
            return JSONResponse({"detail": f"workbook payload over {_limit()} bytes"}, 413)
    try:
        payload = json.loads(body)
        book = xw.Book(json=payload)
    except Exception as e:  # noqa: BLE001 - every failure is an alert in Excel
        return alert_action("อ่านข้อมูลสมุดงานจาก Excel ไม่ได้", f"cannot read the workbook sent by Excel: {e}")
    await run_in_threadpool(macro, book)
    return book.json()


@app.post("/xlwings/recalculate")
async def recalculate(request: Request):
    return await _run(request, _recalculate)


@app.post("/xlwings/validate")
async def validate(request: Request):
    return await _run(request, _validate)


@app.get("/taskpane.html")
def taskpane():
    return FileResponse(OFFICEJS / "taskpane.html")


@app.get("/manifest.xml")
def manifest():
    return FileResponse(OFFICEJS / "manifest.xml", media_type="application/xml")
