"""One server for every xlwings client: xlwings Server's protocol over FastAPI.

Clients, and what each really sends (the tests build the same payloads):

- Excel desktop VBA, ``RunServerPython "<url>/xlwings/recalculate"`` (xlwings' ``Remote.bas``):
  ``client="VBA"``, the add-in's exact xlwings version, every sheet's values from A1, empty
  cells ``null``, dates as ISO strings.
- Excel on the web / desktop task pane, xlwings Server's Office.js client (vendored under
  ``officejs/vendor``, served at ``/xlwings-static``): ``client="Office.js"``, posted to
  ``/xlwings/custom-scripts-call/<script>``; every alert is shown in a dialog loaded from
  ``/xlwings/alert``.
- Google Sheets, xlwings' Apps Script client (``sheets_sync/apps_script``):
  ``client="Google Apps Script"``, posted to ``/xlwings/recalculate``; empty cells ``""``.

Every request gets its own ``xw.Book(json=...)``, closed after the answer is taken, and
alerts are appended to that book (never ``books.active``), so the server holds no state
between requests and several workers can run behind a reverse proxy. Anything that goes
wrong comes back as an ``alert`` action the client shows (HTTP 200), never a 500 page and
never a traceback in the log; only a wrong token (401) and an oversized body (413) are
HTTP errors, and every client shows their message too.

Settings (environment): SHEETS_SYNC_EXCEL_TOKEN (required shared token),
SHEETS_SYNC_EXCEL_MAX_BYTES (default 16 MB: a 10,000-indicator book posts ~6 MB), SHEETS_SYNC_PUBLIC_URL (the address the
manifest names, when the proxy does not forward the original host and scheme).
"""
from __future__ import annotations

import hmac
import html
import json
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

import xl_addin  # noqa: F401 - sets XLWINGS_LICENSE_KEY before xlwings is first imported

import xlwings as xw  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, Response  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402

from sheets_sync import SheetsSyncError  # noqa: E402
from sheets_sync.workbook.recalc import _no_gc_pauses  # noqa: E402
from xl_addin.macros import TITLE, wire  # noqa: E402
from xl_addin.macros import recalculate as _recalculate  # noqa: E402
from xl_addin.macros import validate as _validate  # noqa: E402
from xl_addin.addin_files import icon_png, manifest_xml  # noqa: E402
from xl_addin.versions import XLWINGS_VERSION, check_xlwings  # noqa: E402

OFFICEJS = Path(__file__).parent / "officejs"
VENDOR = OFFICEJS / "vendor" / "xlwings-server"
TOKEN_ENV = "SHEETS_SYNC_EXCEL_TOKEN"
MAX_BYTES = 16 * 1024 * 1024
SCRIPTS = {"recalculate": _recalculate, "validate": _validate}
log = logging.getLogger("sheets_sync.server")


def remote_engine_ready() -> bool:
    """xlwings registered its remote engine (it does so only if a licence key was set when
    it was first imported)."""
    return "remote" in getattr(xw.engines, "engines_by_name", {})


def check_engine() -> None:
    if not remote_engine_ready():
        raise SheetsSyncError(
            "xlwings ไม่ได้เปิดใช้ remote engine: ต้องกำหนด XLWINGS_LICENSE_KEY ก่อน import xlwings "
            "(import xl_addin ก่อน xlwings)",
            "xlwings' remote engine is not registered: XLWINGS_LICENSE_KEY must be set before xlwings is "
            "first imported (import xl_addin before xlwings, or set XLWINGS_LICENSE_KEY=noncommercial)")


def open_books() -> int:
    """Books opened from client payloads and still held by xlwings' remote app (its own
    empty default book, which has no client, is not counted)."""
    if not remote_engine_ready():
        return 0
    books = xw.engines["remote"].apps.active.books
    return sum(1 for b in list(books.impl) if "client" in (b.api or {}))


@asynccontextmanager
async def _lifespan(_app):
    # Also under a bare `uvicorn`/`gunicorn` command: refuse to serve with the wrong xlwings.
    try:
        check_xlwings()
        check_engine()
    except SheetsSyncError as e:
        log.error("%s / %s", e.th, e.en)
        raise SystemExit(3) from None
    yield


app = FastAPI(title="sheets-sync", version="2", lifespan=_lifespan, docs_url=None, redoc_url=None,
              openapi_url=None)
app.mount("/xlwings-static", StaticFiles(directory=VENDOR), name="xlwings-static")


# --- answers ----------------------------------------------------------------------------

def _action(func: str, args: list) -> dict:
    return {"func": func, "args": args, "values": None, "sheet_position": None, "start_row": None,
            "start_column": None, "row_count": None, "column_count": None}


def alert_action(th: str, en: str) -> dict:
    """An answer that shows a message box in the client instead of an error page."""
    return {"actions": [_action("alert", [f"{th}\n{en}", TITLE, "ok", "critical", ""])]}


def _limit() -> int:
    try:
        return int(os.environ.get("SHEETS_SYNC_EXCEL_MAX_BYTES", MAX_BYTES))
    except ValueError:
        return MAX_BYTES


def _authorised(request: Request) -> bool:
    token = os.environ.get(TOKEN_ENV, "")
    given = request.headers.get("Authorization", "").strip()
    if given[:7].lower() == "bearer ":
        given = given[7:].strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


class BadPayload(Exception):
    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


def _checked(payload) -> dict:
    """What xlwings needs of a payload, checked up front so a malformed one is an alert
    naming what is missing (not a KeyError deep inside xlwings)."""
    def bad(en: str):
        raise BadPayload("ข้อมูลที่ส่งมาไม่ใช่สมุดงานของ xlwings", f"the request is not an xlwings workbook: {en}")
    if not isinstance(payload, dict):
        bad("expected a JSON object")
    for key in ("client", "version"):
        if not isinstance(payload.get(key), str):
            bad(f"'{key}' is missing")
    book = payload.get("book")
    if not isinstance(book, dict) or not isinstance(book.get("name"), str):
        bad("'book' with a 'name' is missing")
    book.setdefault("active_sheet_index", 0)
    book.setdefault("selection", None)
    sheets = payload.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        bad("'sheets' is missing or empty")
    for i, sheet in enumerate(sheets):
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
            bad(f"sheet {i} has no name")
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            bad(f"sheet '{sheet['name']}' has no 'values' rows")
        for key in ("pictures", "tables"):
            if not isinstance(sheet.get(key), list):
                sheet[key] = []
    if not isinstance(payload.get("names"), list):
        payload["names"] = []
    return payload


def _answer(payload: dict, macro) -> dict:
    """One book for this request, closed once its actions are taken."""
    book = xw.Book(json=payload)
    try:
        macro(book)
        return wire(book.json())
    finally:
        book.close()


def _payload(body: bytes | bytearray, asked: dict) -> dict:
    try:
        payload = json.loads(body)
    except ValueError as e:
        raise BadPayload("อ่านข้อมูลสมุดงานที่ส่งมาไม่ได้", f"cannot read the workbook sent: not JSON ({e})") from None
    payload = _checked(payload)
    asked["client"] = payload["client"]
    if payload["client"] != "Office.js" and payload["version"] != xw.__version__:
        raise BadPayload(
            f"xlwings ของ add-in/สคริปต์ (รุ่น {payload['version']}) ไม่ตรงกับเซิร์ฟเวอร์ (รุ่น {xw.__version__}): "
            f"ติดตั้ง add-in ที่สร้างด้วย xlwings {xw.__version__}",
            f"the client's xlwings ({payload['version']}) is not the server's ({xw.__version__}): "
            f"install the add-in built with xlwings {xw.__version__}")
    return payload


def _respond(body: bytes | bytearray, macro, asked: dict) -> JSONResponse:
    """Decode, answer, encode: all of it in a worker thread (the event loop keeps serving),
    without the cyclic collector, whose passes over a 6 MB payload's ~200,000 objects
    found no cycles. It runs again once the payload and the answer are freed."""
    with _no_gc_pauses():
        # a JSONResponse as is: FastAPI would first walk every value of a 4 MB answer
        # through jsonable_encoder (0.2 s at 10,000 rows) to produce the same bytes
        return JSONResponse(_answer(_payload(body, asked), macro))


async def _run(request: Request, macro):
    if not _authorised(request):
        return JSONResponse({"detail": "ต้องมีรหัสผ่านร่วม (Authorization) / missing or wrong shared token"}, 401)
    too_big = JSONResponse({"detail": f"ข้อมูลใหญ่เกิน {_limit()} ไบต์ / workbook payload over {_limit()} bytes"}, 413)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > _limit():
        return too_big
    asked = {"client": "?"}
    try:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > _limit():
                return too_big
        return await run_in_threadpool(_respond, body, macro, asked)
    except BadPayload as e:
        log.warning("refused a request from %s: %s", asked["client"], e.en)
        return alert_action(e.th, e.en)
    except Exception as e:  # noqa: BLE001 - an alert for the person, one line for the log
        log.warning("request from %s failed: %s: %s", asked["client"], type(e).__name__, e)
        return alert_action("เกิดข้อผิดพลาดที่เซิร์ฟเวอร์ ไม่มีการเปลี่ยนแปลงข้อมูลที่พิมพ์ไว้",
                            f"the server could not process the workbook; nothing was changed: "
                            f"{type(e).__name__}: {e}")


@app.post("/xlwings/recalculate")
async def recalculate(request: Request):
    return await _run(request, _recalculate)


@app.post("/xlwings/validate")
async def validate(request: Request):
    return await _run(request, _validate)


@app.post("/xlwings/custom-scripts-call/{script_name}")
async def custom_scripts_call(script_name: str, request: Request):
    """The Office.js client's route: ``runPython({scriptName})``."""
    macro = SCRIPTS.get(script_name)
    if macro is None:
        return alert_action(f"ไม่มีคำสั่ง {script_name}", f"no such script: {script_name!r}")
    return await _run(request, macro)


@app.get("/xlwings/custom-scripts-meta.json")
@app.get("/xlwings/custom-scripts-meta")
def custom_scripts_meta():
    return [{"function_name": name, "include": "", "exclude": "", "lazy": False} for name in SCRIPTS]


@app.get("/xlwings/alert", response_class=HTMLResponse)
def alert(prompt: str = "", title: str = TITLE, buttons: str = "ok", mode: str = "", callback: str = ""):
    """The dialog page the Office.js client opens for every alert (``xlAlert``)."""
    labels = {"ok": "ตกลง / OK", "yes": "ใช่ / Yes", "no": "ไม่ / No", "cancel": "ยกเลิก / Cancel"}
    wanted = [b for b in ("ok", "yes", "no", "cancel") if b in buttons] or ["ok"]
    body = "<br>".join(html.escape(line) for line in prompt.split("\n"))
    colour = "#9c0006" if mode == "critical" else "#1f4e79"
    buttons_html = "".join(f'<button id="{b}" type="button">{labels[b]}</button>' for b in wanted)
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>
<style>body{{font-family:"Sarabun","TH Sarabun New",sans-serif;margin:1em;display:flex;flex-direction:column;
height:90vh}} h1{{font-size:1.2em;color:{colour}}} p{{flex:1;overflow:auto;white-space:normal}}
button{{font-size:1em;padding:.3em 1em;margin-left:.5em}} .buttons{{text-align:right}}</style></head>
<body><div id="callback" data-callback="{html.escape(callback, quote=True)}"></div>
<h1>{html.escape(title)}</h1><p>{body}</p><div class="buttons">{buttons_html}</div>
<script src="/xlwings-static/js/alerts/dialog.js"></script></body></html>"""


# --- the task pane, its manifest and icons ----------------------------------------------

def _base_url(request: Request) -> str:
    configured = os.environ.get("SHEETS_SYNC_PUBLIC_URL", "").strip().rstrip("/")
    return configured or str(request.base_url).rstrip("/")


@app.get("/taskpane.html", response_class=HTMLResponse)
def taskpane():
    config = {"xlwingsVersion": xw.__version__, "appPath": "", "onWasm": False, "isOfficialLiteAddin": False,
              "requestTimeout": 300, "pyodideBaseUrl": ""}
    page = (OFFICEJS / "taskpane.html").read_text(encoding="utf-8")
    return page.replace("{{config}}", html.escape(json.dumps(config), quote=False))


@app.get("/manifest.xml")
def manifest(request: Request):
    return Response(manifest_xml(_base_url(request)), media_type="application/xml",
                    headers={"Content-Disposition": 'attachment; filename="sheets-sync-manifest.xml"'})


@app.get("/icons/icon-{size}.png")
def icon(size: int):
    if size not in (16, 32, 64, 80):
        return JSONResponse({"detail": "no such icon"}, 404)
    return Response(icon_png(size), media_type="image/png", headers={"Cache-Control": "max-age=86400"})


@app.get("/", response_class=HTMLResponse)
def home(request: Request):
    base = html.escape(_base_url(request))
    return (f'<!DOCTYPE html><html lang="th"><meta charset="utf-8"><title>sheets-sync</title>'
            f'<h1>sheets-sync</h1><p>Excel add-in manifest: <a href="{base}/manifest.xml">{base}/manifest.xml</a>'
            f'</p><p>VBA: <code>RunServerPython "{base}/xlwings/recalculate"</code></p>')


@app.get("/healthz")
def healthz():
    """For the reverse proxy's health check, and the tests: no book outlives its request."""
    return {"status": "ok", "xlwings": xw.__version__, "pinned": XLWINGS_VERSION,
            "remote_engine": remote_engine_ready(), "open_books": open_books()}


# --- running it -------------------------------------------------------------------------

def serve(host: str = "127.0.0.1", port: int = 8000, certfile=None, keyfile=None, **uvicorn_options) -> None:
    """Check the set-up, then run uvicorn (HTTPS when a certificate and key are given)."""
    check_xlwings()
    check_engine()
    if not os.environ.get(TOKEN_ENV):
        raise SheetsSyncError(f"ต้องกำหนดรหัสผ่านร่วม {TOKEN_ENV}",
                              f"a shared token is required: set {TOKEN_ENV}")
    if bool(certfile) != bool(keyfile):
        raise SheetsSyncError("ต้องระบุทั้ง --certfile และ --keyfile", "--certfile and --keyfile go together")
    for path in (certfile, keyfile):
        if path and not Path(path).is_file():
            raise SheetsSyncError(f"ไม่พบไฟล์ {path}", f"{path} not found")
    import uvicorn
    options = {"proxy_headers": True, **uvicorn_options}
    if certfile:
        options.update(ssl_certfile=str(certfile), ssl_keyfile=str(keyfile))
    uvicorn.run(app, host=host, port=port, **options)
