"""The three real xlwings clients, as far as the server can tell: the JSON each posts for a
workbook (``payload_from_xlsx``) and what each does with the answer (``Client.apply``).

Client behaviour is read from the clients' own code, not assumed:

- VBA: the installed xlwings' ``addin/Remote.bas``. The action functions are its ``Sub``s
  (``Application.Run action("func"), wb, action``); the type each argument must have is read
  from the ``Dim ... As String`` it is assigned to, or ``HexToRgb(ByVal hexColor As String)``.
  Values from A1 through the used range, empty cells ``null`` (VBA-JSON's Empty), dates as
  ``Format$(d, "yyyy-mm-ddTHH:mm:ss.000Z")``; ``setValues`` turns ISO strings back into dates.
- Office.js: xlwings Server's client vendored in ``xl_addin/officejs/vendor``: the action
  functions are the keys of its ``funcs`` map; an argument it calls ``.toString()`` on must not
  be null. Empty cells ``""``; dates ``toISOString()`` (number-format category Date).
- Google Apps Script: ``sheets_sync/apps_script/xlwings.js``; ``getValues()`` gives ``""`` for
  empty cells, dates as ISO strings, the spreadsheet's name without extension.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "xl_addin" / "officejs" / "vendor" / "xlwings-server" / "js"
APPS_SCRIPT_JS = ROOT / "sheets_sync" / "apps_script" / "xlwings.js"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$")


def remote_bas() -> str:
    import xlwings
    return (Path(xlwings.__file__).parent / "addin" / "Remote.bas").read_text(encoding="utf-8", errors="replace")


# --- reading the clients' code ----------------------------------------------------------

def vba_subs(text: str | None = None) -> dict[str, str]:
    """Every ``Sub name(wb As Workbook, action As Dictionary)`` of Remote.bas and its body."""
    text = text if text is not None else remote_bas()
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)\s*$(.*?)^End Sub", text, re.M | re.S)}


def vba_arg_types(body: str, text: str | None = None) -> dict[int, str]:
    """0-based argument index -> the VBA type it must convert to ("String", or "Variant")."""
    text = text if text is not None else remote_bas()
    dims = {}
    for decl in re.findall(r"^\s*Dim (.+)$", body, re.M):
        for name, typ in re.findall(r"(\w+) As (\w+)", decl):
            dims[name] = typ
    out: dict[int, str] = {}
    for m in re.finditer(r'action\("args"\)\((\d+)\)', body):
        out.setdefault(int(m.group(1)) - 1, "Variant")
    for var, idx in re.findall(r'^\s*(\w+) = action\("args"\)\((\d+)\)', body, re.M):
        out[int(idx) - 1] = dims.get(var, "Variant")
    for fn, idx in re.findall(r'(\w+)\(action\("args"\)\((\d+)\)\)', body):
        sig = re.search(rf"Function {fn}\(ByVal \w+ As (\w+)\)", text)
        if sig:
            out[int(idx) - 1] = sig.group(1)
    return out


def officejs_funcs() -> dict[str, str]:
    """The vendored Office.js client's action map: name -> function body."""
    src = (VENDOR / "custom-scripts" / "index.js").read_text(encoding="utf-8")
    table = re.search(r"let funcs = \{(.*?)\};", src, re.S).group(1)
    names = re.findall(r"^\s*(\w+):\s*\w+,?\s*$", table, re.M)
    bodies = {m.group(1): m.group(2) for m in re.finditer(
        r"^async function (\w+)\(context, action\) \{(.*?)^\}", src, re.M | re.S)}
    return {n: bodies.get(n, "") for n in names}


def apps_script_funcs() -> dict[str, str]:
    src = APPS_SCRIPT_JS.read_text(encoding="utf-8")
    table = re.search(r"(?:let|const|var) funcs = \{(.*?)\};", src, re.S)
    names = re.findall(r"^\s*(\w+):\s*\w+,?\s*$", table.group(1), re.M) if table else []
    bodies = {m.group(1): m.group(2) for m in re.finditer(r"^function (\w+)\(workbook, action\) \{(.*?)^\}",
                                                          src, re.M | re.S)}
    return {n: bodies.get(n, "") for n in (names or bodies)}


def apps_script_version() -> str:
    return re.search(r'const version = "([^"]+)"', APPS_SCRIPT_JS.read_text(encoding="utf-8")).group(1)


def xlam_version(path) -> str:
    """XLWINGS_VERSION as the built add-in's VBA declares it (what RunServerPython sends)."""
    from oletools.olevba import VBA_Parser
    code = "\n".join(src for *_, src in VBA_Parser(str(path), data=Path(path).read_bytes()).extract_macros())
    return re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code).group(1)


# --- what each client posts -------------------------------------------------------------

def _cell(value, client: str):
    if value is None or value == "":
        return None if client == "VBA" else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def payload_from_xlsx(path, client: str = "VBA", version: str | None = None) -> dict:
    import xlwings as xw
    path = Path(path)
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[_cell(c.value, client) for c in row] for row in
                  ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)]
        sheet = {"name": ws.title, "values": values or [[]], "pictures": [], "tables": []}
        if client == "Google Apps Script":
            sheet["hidden"] = ws.sheet_state != "visible"
        sheets.append(sheet)
    name = path.stem if client == "Google Apps Script" else path.name
    return {"client": client, "version": version or xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


# --- what each client does with the answer ----------------------------------------------

class ClientError(AssertionError):
    """The real client would crash (VBA run-time error, JavaScript TypeError) on this action."""


class Client:
    def __init__(self, kind: str):
        self.kind = kind
        if kind == "VBA":
            self.funcs = vba_subs()
        elif kind == "Office.js":
            self.funcs = officejs_funcs()
        else:
            self.funcs = apps_script_funcs()
        self.colors: dict[tuple[int, int, int], str] = {}
        self.alerts: list[list[str]] = []

    def check(self, action: dict) -> None:
        func = action.get("func")
        if func not in self.funcs:
            raise ClientError(f"{self.kind} has no action function {func!r}")
        args = action.get("args") or []
        if any(a is None for a in args):
            raise ClientError(f"{func}: null argument {args!r}")
        body = self.funcs[func]
        if self.kind == "VBA":
            for i, typ in vba_arg_types(body).items():
                if i >= len(args):
                    raise ClientError(f"{func}: VBA reads argument {i + 1}, only {len(args)} sent")
                if typ == "String" and not isinstance(args[i], str):
                    raise ClientError(f"{func}: argument {i + 1} must be a String, got {args[i]!r}")
        else:
            for i in map(int, re.findall(r"action\.args\[(\d+)\]\.toString\(\)", body)):
                if i >= len(args):
                    raise ClientError(f"{func}: reads args[{i}], only {len(args)} sent")
        if func == "setRangeColor" and not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(args[0])):
            raise ClientError(f"setRangeColor needs #RRGGBB, got {args[0]!r}")
        if func == "setValues":
            vals = action.get("values")
            if not (isinstance(vals, list) and vals and all(isinstance(r, list) and r for r in vals)):
                raise ClientError(f"setValues needs rows of values, got {vals!r}")
            if len(vals) != action["row_count"] or any(len(r) != action["column_count"] for r in vals):
                raise ClientError("setValues: values do not fill the range")

    def _stored(self, v):
        if v is None or v == "":
            return None if self.kind == "VBA" else ""
        if self.kind == "VBA" and isinstance(v, str) and ISO.match(v):
            return v  # ParseIso makes it a date; the next payload sends it back as this string
        return v

    def apply(self, payload: dict, answer: dict) -> dict:
        """Run the answer's actions on the payload's values, as the client runs them on the sheet;
        returns the payload of the next click."""
        empty = None if self.kind == "VBA" else ""
        for act in answer["actions"]:
            self.check(act)
            func = act["func"]
            if func == "setValues":
                sheet = payload["sheets"][act["sheet_position"]]["values"]
                r0, c0 = act["start_row"], act["start_column"]
                width = max(len(sheet[0]) if sheet else 0, c0 + act["column_count"])
                for row in sheet:
                    row.extend([empty] * (width - len(row)))
                while len(sheet) < r0 + act["row_count"]:
                    sheet.append([empty] * width)
                for i, row in enumerate(act["values"]):
                    for j, v in enumerate(row):
                        sheet[r0 + i][c0 + j] = self._stored(v)
            elif func == "setRangeColor":
                for i in range(act["row_count"]):
                    for j in range(act["column_count"]):
                        key = (act["sheet_position"], act["start_row"] + i, act["start_column"] + j)
                        self.colors[key] = act["args"][0].upper()
            elif func == "alert":
                self.alerts.append(act["args"])
            else:
                raise ClientError(f"test client does not model {func}")
        return payload


def post_json(payload) -> bytes:
    """The body as the clients send it (UTF-8 JSON)."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")
