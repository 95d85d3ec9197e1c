"""The Book interface over a Google spreadsheet: one read, at most one write.

Read: one ``spreadsheets.get`` with grid data and a fields mask gives every sheet's
values (unformatted, typed: locale-proof), formulas and notes. Write: one
``spreadsheets.batchUpdate`` of ``updateCells`` (applied atomically by Google); the
values go as typed ``userEnteredValue`` (string or number, never a formula: RAW).
"""
from __future__ import annotations

import json
import re

from gspread.exceptions import APIError
from google.auth.exceptions import GoogleAuthError
import requests

from ...core.errors import SheetsSyncError
from ...core.grid import Cell, Grid
from .client import make_client, translate

GRID_FIELDS = ("properties.title,sheets(properties(sheetId,title,index,hidden),"
               "data(startRow,startColumn,rowData(values(userEnteredValue,effectiveValue,note))))")
MAX_BODY = 2 * 1024 * 1024  # Google's recommended request size; 10 MB is the hard limit
_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


def spreadsheet_key(target: str) -> str | None:
    m = _URL.search(target)
    if m:
        return m.group(1)
    return target if _KEY.match(target) and not target.lower().endswith(".xlsx") else None


def _value(cell: dict):
    ev = cell.get("effectiveValue")
    if not ev:
        return None
    (kind, v), = ev.items()
    if kind == "numberValue":
        return v
    return v if kind != "errorValue" else f"#{v.get('type', 'ERROR')}"


def _typed(value) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}  # never formulaValue: copied text stays text


def chunk_requests(requests_: list[dict], limit: int = MAX_BODY) -> list[list[dict]]:
    """Split only when one body would pass ``limit`` bytes."""
    chunks, cur, size = [], [], 20
    for r in requests_:
        n = len(json.dumps(r, ensure_ascii=False).encode()) + 1
        if cur and size + n > limit:
            chunks.append(cur)
            cur, size = [], 20
        cur.append(r)
        size += n
    if cur:
        chunks.append(cur)
    return chunks


def cell_requests(sheet_id: int, cells: dict[Cell, object], field: str = "userEnteredValue") -> list[dict]:
    """One updateCells per run of adjacent cells in a row."""
    out, run = [], []

    def flush():
        if run:
            (r, c0), _ = run[0]
            rows = [{"values": [({"userEnteredValue": _typed(v)} if field == "userEnteredValue" else {"note": v})
                                for _, v in run]}]
            out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": r - 1, "columnIndex": c0 - 1},
                                        "rows": rows, "fields": field}})
            run.clear()
    for (r, c), v in sorted(cells.items()):
        if run and (run[-1][0][0] != r or run[-1][0][1] != c - 1):
            flush()
        run.append(((r, c), v))
    flush()
    return out


def call(client, key: str, fn, *args, **kwargs):
    """One Google call; failures become messages naming the spreadsheet and the account."""
    try:
        return fn(*args, **kwargs)
    except (APIError, GoogleAuthError, requests.RequestException) as e:
        raise translate(e, key, getattr(client, "account", "")) from None


class GoogleBook:
    def __init__(self, target: str, *, credentials=None, client=None, **client_options):
        self.key = spreadsheet_key(target)
        if self.key is None:
            raise SheetsSyncError(f"{target} ไม่ใช่ URL หรือรหัสสเปรดชีต Google",
                                  f"{target} is not a Google spreadsheet URL or key")
        self.client = client or make_client(credentials, **client_options)
        self.name = self.key
        self._grids: dict[str, Grid] | None = None
        self._notes: dict[str, dict[Cell, str]] = {}
        self.sheet_ids: dict[str, int] = {}

    def _call(self, fn, *args, **kwargs):
        return call(self.client, self.key, fn, *args, **kwargs)

    def grids(self) -> dict[str, Grid]:
        if self._grids is None:
            meta = self._call(self.client.http_client.fetch_sheet_metadata, self.key,
                              params={"includeGridData": "true", "fields": GRID_FIELDS})
            self.name = meta.get("properties", {}).get("title", self.key)
            self._grids = {}
            for sheet in meta.get("sheets", []):
                props = sheet["properties"]
                title = props["title"]
                self.sheet_ids[title] = props["sheetId"]
                g, notes = Grid(title), {}
                for block in sheet.get("data", []):
                    r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
                    for i, row in enumerate(block.get("rowData", [])):
                        for j, cell in enumerate(row.get("values", [])):
                            pos = (r0 + i + 1, c0 + j + 1)
                            v = _value(cell)
                            if v is not None and v != "":
                                g.values[pos] = v
                            f = cell.get("userEnteredValue", {}).get("formulaValue")
                            if f:
                                g.formulas[pos] = f
                            if cell.get("note"):
                                notes[pos] = cell["note"]
                self._grids[title] = g
                if notes:
                    self._notes[title] = notes
        return self._grids

    def notes(self) -> dict[str, dict[Cell, str]]:
        self.grids()
        return self._notes

    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = ()) -> None:
        self.grids()
        reqs = []
        for kind, sheet, row, n, _style in ops:
            rng = {"sheetId": self.sheet_ids[sheet], "dimension": "ROWS", "startIndex": row - 1, "endIndex": row - 1 + n}
            reqs.append({"insertDimension": {"range": rng, "inheritFromBefore": row > 1}} if kind == "insert"
                        else {"deleteDimension": {"range": rng}})
        for sheet, updates in cells.items():
            reqs += cell_requests(self.sheet_ids[sheet], updates)
        for sheet, wanted in notes.items():
            old = self._notes.get(sheet, {})
            changed = {c: t for c, t in wanted.items() if old.get(c) != t}
            changed.update({c: "" for c in old if c not in wanted})
            reqs += cell_requests(self.sheet_ids[sheet], changed, field="note")
        for chunk in chunk_requests(reqs):
            self._call(self.client.http_client.batch_update, self.key, {"requests": chunk})
