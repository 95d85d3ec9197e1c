"""Google Sheets as one more client of the sheets-sync server: an Apps Script project whose
menu and on-edit trigger call xlwings' own Google Apps Script client (``runPython``), which
posts the spreadsheet to ``xl_addin.server`` and applies the actions it answers.

``write_project(out_dir, server_url)`` writes the project (push it with ``clasp push`` or paste
the files into Extensions > Apps Script):

- ``appsscript.json``: manifest (Asia/Bangkok, V8, the OAuth scopes below, nothing wider);
- ``xlwings.js``: xlwings' client, vendored unmodified (BSD licence header kept), pinned to
  ``XLWINGS_VERSION`` / ``XLWINGS_JS_SHA256``; the server's xlwings must be the same version,
  since xlwings refuses a payload from a different client version;
- ``sheets_sync.js``: our menu, trigger installer and debounced on-edit recalculation;
- ``setup.js``: ``sheetsSyncSetup()``, which stores the server URL, token and delay in the
  script properties. Run it once from the editor; the code itself holds no address or secret.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..backends.files import write_atomic

HERE = Path(__file__).resolve().parent
XLWINGS_JS = HERE / "xlwings.js"
SHEETS_SYNC_JS = HERE / "sheets_sync.js"
XLWINGS_VERSION = "0.37.8"
XLWINGS_JS_SHA256 = "c3db071000129e1a918e143b6a3c2551ed3679e866828d4f48e83c1efe6d209e"

# The action funcs xlwings.js can execute (its function table: ``funcs[action.func]``), all
# ``(workbook, action)``. An answer with any other func stops the client with a TypeError
# after the actions before it were applied, so the server must answer only these.
XLWINGS_JS_ACTIONS = (
    "setValues", "rangeClearContents", "rangeClearFormats", "rangeClear", "addSheet", "setSheetName",
    "setAutofit", "setRangeColor", "activateSheet", "addHyperlink", "setNumberFormat", "setPictureName",
    "setPictureHeight", "setPictureWidth", "deletePicture", "addPicture", "updatePicture", "alert",
    "setRangeName", "namesAdd", "nameDelete", "runMacro", "rangeDelete", "rangeInsert", "rangeSelect",
    "addTable", "setTableName", "resizeTable", "showAutofilterTable", "showHeadersTable",
    "showTotalsTable", "setTableStyle", "copyRange", "sheetDelete", "sheetClear", "sheetClearFormats",
    "sheetClearContents",
)
# ...of which these only throw "NotImplemented" in Google Sheets.
XLWINGS_JS_NOT_IMPLEMENTED = ("addTable", "setTableName", "resizeTable", "showAutofilterTable",
                              "showHeadersTable", "showTotalsTable", "setTableStyle")

OAUTH_SCOPES = [
    # SpreadsheetApp on the spreadsheet the script is bound to, and only that one: runPython
    # reads every sheet's values and the actions write cells and fills (xlwings.js says
    # @OnlyCurrentDoc). Deployments whose Google policy rejects this narrow scope for
    # forSpreadsheet() triggers can use .../auth/spreadsheets instead.
    "https://www.googleapis.com/auth/spreadsheets.currentonly",
    # UrlFetchApp.fetch: runPython's POST to the sheets-sync server.
    "https://www.googleapis.com/auth/script.external_request",
    # ScriptApp: installTrigger's on-edit trigger and the debounce's one-off time-based trigger.
    "https://www.googleapis.com/auth/script.scriptapp",
    # Session.getActiveUser().getEmail(): runPython calls it unconditionally (xlwings uses it
    # only to request this scope); without it every runPython call would fail authorisation.
    "https://www.googleapis.com/auth/userinfo.email",
]


def manifest() -> dict:
    return {"timeZone": "Asia/Bangkok", "dependencies": {}, "exceptionLogging": "STACKDRIVER",
            "runtimeVersion": "V8", "oauthScopes": list(OAUTH_SCOPES)}


def setup_source(server_url: str, token: str | None, delay_seconds: float) -> str:
    token_js = "null" if token is None else json.dumps(token)
    note = ("// The token below is the server's shared secret: after running sheetsSyncSetup once,\n"
            "// delete it from this file (null keeps the stored token).\n" if token is not None else
            "// No token here: set SHEETS_SYNC_TOKEN in Project Settings > Script properties.\n")
    return ("// Written by sheets_sync.apps_script.write_project. Run sheetsSyncSetup() once from the\n"
            "// Apps Script editor: it stores these settings in the script properties.\n" + note +
            "function sheetsSyncSetup() {\n"
            f"  sheetsSyncConfigure({json.dumps(server_url.rstrip('/'))}, {token_js}, {json.dumps(delay_seconds)});\n"
            "}\n")


def vendored_sha256() -> str:
    return hashlib.sha256(XLWINGS_JS.read_bytes()).hexdigest()


def write_project(out_dir, server_url: str, *, token: str | None = None,
                  delay_seconds: float = 5) -> list[Path]:
    """Write the Apps Script project into ``out_dir``; returns the files written."""
    if not str(server_url).startswith(("https://", "http://")):
        raise ValueError(f"server_url must be an http(s) URL, not {server_url!r}")
    if not delay_seconds > 0:
        raise ValueError("delay_seconds must be positive")
    if vendored_sha256() != XLWINGS_JS_SHA256:
        raise RuntimeError(f"{XLWINGS_JS} is not the pinned xlwings {XLWINGS_VERSION} client")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "appsscript.json": json.dumps(manifest(), indent=2) + "\n",
        "xlwings.js": XLWINGS_JS.read_bytes(),
        "sheets_sync.js": SHEETS_SYNC_JS.read_bytes(),
        "setup.js": setup_source(str(server_url), token, delay_seconds),
    }
    written = []
    for name, body in files.items():
        path = out / name
        write_atomic(path, body if isinstance(body, bytes) else body.encode("utf-8"))
        written.append(path)
    return written
