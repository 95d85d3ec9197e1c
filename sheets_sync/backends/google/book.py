"""The Book interface over a Google spreadsheet: one read, one guarded atomic write.

Read (:mod:`.read`): one ``spreadsheets.getByDataFilter`` returning the tabs sheets-sync
made (values unformatted and typed, formulas, notes, row anchors, protected ranges); extra
tabs cost nothing. Write (:mod:`.guard`): one ``spreadsheets.batchUpdate`` (atomic) whose
first requests check that every touched row is still where it was read, then row
operations and ``updateCells`` (values as typed ``userEnteredValue``, never a formula), and
whose response is compared with what the read predicts. Rows moved meanwhile: nothing is
written; a value typed meanwhile: it is kept. Both raise ``WorkbookChanged`` (re-read, re-plan).
"""
from __future__ import annotations

import json
import re

from gspread.exceptions import APIError
from google.auth.exceptions import GoogleAuthError
import requests

from ...core.errors import SheetsSyncError
from ...core.grid import Cell, Grid, a1
from ..excel import blocks
from . import guard as g
from .client import make_client, protected_error, translate
from .read import (GRID_FIELDS, MARKED, SheetRead, cell_value as _value, packed_cells, parse,  # noqa: F401 - _value
                   unpacked_grid)

MAX_BODY = 2 * 1024 * 1024  # Google's recommended request size; 10 MB is the hard limit
_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets/"
# of the replies only the freeze's protectedRangeId: each guard's delete/create reply would
# echo its anchor whole (a fifth of the bytes received at 1,000 rows)
_RESPONSE = ("replies/addProtectedRange/protectedRange/protectedRangeId,updatedSpreadsheet(sheets(properties("
             "sheetId,title),data(startRow,startColumn,rowData(values(effectiveValue)))))")
JSON = {"Content-Type": "application/json; charset=UTF-8"}
COMPACT = {"prettyPrint": "false"}   # Google's system parameter: answers without indentation
_META_TABS = ("_sheets_sync", "เก็บถาวร", "ประวัติการแก้ไข")


def spreadsheet_key(target: str) -> str | None:
    m = _URL.search(target)
    if m:
        return m.group(1)
    return target if _KEY.match(target) and not target.lower().endswith(".xlsx") else None


def _typed(value) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}  # never formulaValue: copied text stays text


def encoded(obj) -> bytes:
    """Compact UTF-8 JSON, as Google's own clients send it: no spaces, no ``\\u`` escapes
    (Thai text is 3 bytes a character, not 6)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def chunk_requests(requests_: list[dict], limit: int = MAX_BODY) -> list[list[dict]]:
    """Split only when one body would pass ``limit`` bytes."""
    return [[json.loads(d) for d in chunk] for chunk in encoded_chunks(requests_, limit)]


def encoded_chunks(requests_: list[dict], limit: int = MAX_BODY) -> list[list[bytes]]:
    """The requests encoded, split only when one body would pass ``limit`` bytes."""
    chunks, cur, size = [], [], 20
    for r in requests_:
        data = encoded(r)
        if cur and size + len(data) + 1 > limit:
            chunks.append(cur)
            cur, size = [], 20
        cur.append(data)
        size += len(data) + 1
    if cur:
        chunks.append(cur)
    return chunks


def cell_requests(sheet_id: int, cells: dict[Cell, object], field: str = "userEnteredValue") -> list[dict]:
    """One request per rectangle of cells written (runs of consecutive rows writing the same
    columns go together, not one request per row); within it, a column holding one value all
    the way down (an audit run's time, tab and field) is one repeatCell instead of a value a row."""
    def cell(v) -> dict:
        return {"userEnteredValue": _typed(v)} if field == "userEnteredValue" else {"note": v}

    out = []
    for r, c, rows in blocks(cells):
        width, height = len(rows[0]), len(rows)
        top = rows[0]
        same = [height > 1 and all(type(row[j]) is type(top[j]) and row[j] == top[j] for row in rows)
                for j in range(width)]
        j = 0
        while j < width:
            if same[j]:
                out.append({"repeatCell": {"range": {"sheetId": sheet_id, "startRowIndex": r - 1,
                                                     "endRowIndex": r - 1 + height, "startColumnIndex": c + j - 1,
                                                     "endColumnIndex": c + j},
                                           "cell": cell(top[j]), "fields": field}})
                j += 1
                continue
            k = j
            while k + 1 < width and not same[k + 1]:
                k += 1
            out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": r - 1, "columnIndex": c + j - 1},
                                        "rows": [{"values": [cell(v) for v in row[j:k + 1]]} for row in rows],
                                        "fields": field}})
            j = k + 1
    return out


def _grow(reads, titles, ops, cells, notes) -> list[dict]:
    """appendDimension for a tab written past its grid (an audit tab that reached its 100 rows):
    Google refuses updateCells beyond the last row or column ("beyond the last requested row")."""
    out = []
    for s in titles:
        rd = reads[s]
        rows = rd.rows + sum(op[3] if op[0] == "insert" else -op[3] for op in ops if op[1] == s)
        written = [*cells.get(s, {}), *notes.get(s, {})]
        for dim, have, need in (("ROWS", rows, max((r for r, _ in written), default=0)),
                                ("COLUMNS", rd.cols, max((c for _, c in written), default=0))):
            if have and need > have:
                out.append({"appendDimension": {"sheetId": rd.sheet_id, "dimension": dim, "length": need - have}})
    return out


def _answer_boxes(reads, titles, ops, cells, notes) -> dict[str, list[tuple[int, int, int, int]] | None]:
    """What the write's answer needs to show of each tab, as boxes (row0, row1, col0, col1).

    A system tab (metadata, archive, audit): the cells left of what was written, in the rows
    written (a metadata key beside the value written), or nothing (audit rows appended whole).
    Those tabs are not typed in, and asking for them whole sent every metadata record back.
    Any other tab: all of it but the columns our values fill over the whole span of rows
    written (the computed columns): the batch is atomic, so those cells hold what we wrote
    whatever a person did; what can have changed is every other cell. Missing: the tab whole;
    None: leave the tab out."""
    out: dict[str, list[tuple[int, int, int, int]] | None] = {}
    for s in titles:
        written = [*cells.get(s, {}), *notes.get(s, {})]
        if s in _META_TABS:
            if written and not any(op[1] == s for op in ops):
                left = min(c for _, c in written) - 1
                rows = [r for r, _ in written]
                out[s] = [(min(rows), max(rows), 1, left)] if left >= 1 else None
            continue
        boxes = _around_written(reads[s], ops, cells.get(s, {}))
        if boxes:
            out[s] = boxes
    return out


def _around_written(rd, ops, cells) -> list[tuple[int, int, int, int]]:
    """The tab's grid less the cells ``cells`` write in the columns they fill for most of their
    span of rows (the computed columns; the rows of such a column it leaves unwritten, a section
    or a blank row, stay in the answer)."""
    if not cells:
        return []
    rows_of: dict[int, set[int]] = {}
    for r, c in cells:
        rows_of.setdefault(c, set()).add(r)
    r0, r1 = min(r for r, _ in cells), max(r for r, _ in cells)
    span = r1 - r0 + 1
    filled = sorted(c for c, rs in rows_of.items() if 2 * len(rs) > span)
    if span < 2 or not filled:
        return []
    last_row = max(rd.rows + sum(op[3] if op[0] == "insert" else -op[3] for op in ops if op[1] == rd.title), r1)
    last_col = max(rd.cols, max(rows_of))
    boxes = [(1, r0 - 1, 1, last_col)] if r0 > 1 else []
    if r1 < last_row:
        boxes.append((r1 + 1, last_row, 1, last_col))
    runs, c = [], 1   # alternate: (columns shown whole, False) and (filled columns, True)
    for f in filled:
        if runs and runs[-1][2] and runs[-1][1] == f - 1:
            runs[-1] = (runs[-1][0], f, True)
            c = f + 1
            continue
        if f > c:
            runs.append((c, f - 1, False))
        runs.append((f, f, True))
        c = f + 1
    if c <= last_col:
        runs.append((c, last_col, False))
    for c0, c1, is_filled in runs:
        if not is_filled:
            boxes.append((r0, r1, c0, c1))
            continue
        gap = None     # rows of the span where not every column of the run is written
        for r in range(r0, r1 + 2):
            whole = r <= r1 and all(r in rows_of[c] for c in range(c0, c1 + 1))
            if r <= r1 and not whole:
                gap = gap or r
            elif gap:
                boxes.append((gap, r - 1, c0, c1))
                gap = None
    return boxes


def call(client, key: str, fn, *args, **kwargs):
    """One Google call; failures become messages naming the spreadsheet and the account."""
    try:
        return fn(*args, **kwargs)
    except (APIError, GoogleAuthError, requests.RequestException) as e:
        raise translate(e, key, getattr(client, "account", "")) from None


class GoogleBook:
    keeps_notes = True   # score traces as real Google notes

    def __init__(self, target: str, *, credentials=None, client=None, **client_options):
        self.key = spreadsheet_key(target)
        if self.key is None:
            raise SheetsSyncError(f"{target} ไม่ใช่ URL หรือรหัสสเปรดชีต Google",
                                  f"{target} is not a Google spreadsheet URL or key")
        self.client = client or make_client(credentials, **client_options)
        self.name = self.key
        self.reads: dict[str, SheetRead] | None = None
        self._grids: dict[str, Grid] | None = None
        self._all_ids: dict[str, int] | None = None
        self.requests: list[str] = []     # what this book asked Google, in order (reads, writes)

    def _call(self, fn, *args, **kwargs):
        return call(self.client, self.key, fn, *args, **kwargs)

    def _post(self, suffix: str, body: dict, fields: str | None = None) -> dict:
        self.requests.append(suffix)
        params = {"fields": fields, **COMPACT} if fields else dict(COMPACT)
        return self._call(self.client.http_client.request, "post", SHEETS_URL + self.key + suffix,
                          data=encoded(body), headers=JSON, params=params).json()

    # -- read ------------------------------------------------------------------------------
    def grids(self) -> dict[str, Grid]:
        if self._grids is None:
            meta = self._post(":getByDataFilter", MARKED, GRID_FIELDS)
            if not meta.get("sheets"):      # nothing marked: a sheet made by hand or before marks
                self.requests.append("get")
                meta = self._call(self.client.http_client.fetch_sheet_metadata, self.key,
                                  params={"includeGridData": "true", "fields": GRID_FIELDS, **COMPACT})
                self._all_ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
            self.name = meta.get("properties", {}).get("title", self.key)
            self.reads = parse(meta)
            self._grids = {t: unpacked_grid(r.grid) for t, r in self.reads.items()}   # reads: as Google holds them
        return self._grids

    def notes(self) -> dict[str, dict[Cell, str]]:
        self.grids()
        return {t: r.notes for t, r in self.reads.items() if r.notes}

    @property
    def sheet_ids(self) -> dict[str, int]:
        """Every tab's id (one cheap properties read when only the marked tabs were read)."""
        self.grids()
        if self._all_ids is None:
            self.requests.append("get properties")
            meta = self._call(self.client.http_client.fetch_sheet_metadata, self.key,
                              params={"fields": "sheets.properties(sheetId,title)", **COMPACT})
            self._all_ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
        return self._all_ids

    # -- write -----------------------------------------------------------------------------
    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = (), *, freeze: bool | None = None) -> None:
        """Apply ``ops`` then write ``cells`` and ``notes`` (final coordinates) in one atomic
        batchUpdate guarded row by row; ``freeze`` (default: when rows are deleted or the
        template record is rewritten) first protects the touched tabs and checks them."""
        self.grids()
        reads, ops = self.reads, list(ops)
        cells = {s: packed_cells(s, c) for s, c in cells.items() if c}
        changed_notes = {}
        for sheet, wanted in notes.items():
            old = reads[sheet].notes
            ch = {c: t for c, t in wanted.items() if old.get(c) != t}
            ch.update({c: "" for c in old if c not in wanted})
            if ch:
                changed_notes[sheet] = ch
        if not cells and not changed_notes and not ops:
            return
        touched = g.Touched(reads, cells, changed_notes, ops)
        titles = sorted(touched.maps)
        if freeze is None:
            freeze = any(op[0] == "delete" for op in ops) or self._rewrites_template(cells)
        pre = []
        new_anchors = {s: {r: g.new_id() for r in rows} for s, rows in touched.missing(reads).items()}
        for s, rows in new_anchors.items():
            pre += [g.create_anchor(reads[s].sheet_id, r, mid) for r, mid in rows.items()]
        pre += [g.mark_tab(r.sheet_id) for t, r in reads.items() if not r.marked and (t in titles or t in _META_TABS)]
        frozen: list[int] = []
        if freeze:
            pre += [{"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": reads[t].sheet_id}, "warningOnly": False,
                "description": "sheets-sync: กำลังเขียน ห้ามแก้ชั่วคราว (writing, a few seconds)",
                "editors": {"users": [self.client.account]}}}} for t in titles]
        if pre:   # anchors for rows that had none (and the freeze): verified against the read
            out = self._batch(pre, titles)
            frozen = [r["addProtectedRange"]["protectedRange"]["protectedRangeId"]
                      for r in out.get("replies", []) if r and "addProtectedRange" in r]
            for s, rows in new_anchors.items():
                reads[s].anchors.update(rows)
            try:
                g.check_response(reads, titles, None, {}, out.get("updatedSpreadsheet", {}), after=False)
            except g.WorkbookChanged:
                undo = [{"deleteProtectedRange": {"protectedRangeId": p}} for p in frozen]
                undo += [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": mid}}}}
                         for rows in new_anchors.values() for mid in rows.values()]
                if undo:
                    self._batch(undo, [])
                raise
        reqs = [{"deleteProtectedRange": {"protectedRangeId": p}} for p in frozen]
        for s in titles:
            for r in sorted(touched.rows[s]):
                reqs += g.guard(reads[s].sheet_id, r, reads[s].anchors[r])
        for kind, sheet, row, n, _style in ops:
            rng = {"sheetId": reads[sheet].sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row - 1 + n}
            reqs.append({"insertDimension": {"range": rng, "inheritFromBefore": row > 1}} if kind == "insert"
                        else {"deleteDimension": {"range": rng}})
        reqs += _grow(reads, titles, ops, cells, changed_notes)
        for s in titles:
            reqs += [g.create_anchor(reads[s].sheet_id, r) for r in touched.inserted(s)]
            reqs += cell_requests(reads[s].sheet_id, cells.get(s, {}))
            reqs += cell_requests(reads[s].sheet_id, changed_notes.get(s, {}), field="note")
        boxes = _answer_boxes(reads, titles, ops, cells, changed_notes)
        shown = [t for t in titles if boxes.get(t, ()) is not None]
        ranges = [f"'{t}'!{a1(*b[::2])}:{a1(*b[1::2])}" for t in shown if t in boxes for b in boxes[t]]
        ranges += [f"'{t}'" for t in shown if t not in boxes]
        try:
            out = self._batch(reqs, titles, cells, ranges)
        except SheetsSyncError:
            if frozen:   # lift our own protection again, whatever failed
                try:
                    self._batch([{"deleteProtectedRange": {"protectedRangeId": p}} for p in frozen], [])
                except SheetsSyncError:
                    pass
            raise
        self._grids = None        # what we hold is stale now
        g.check_response(reads, shown, touched, cells, out.get("updatedSpreadsheet", {}), after=True, boxes=boxes)

    def _rewrites_template(self, cells) -> bool:
        meta = self.reads.get("_sheets_sync")
        mc = cells.get("_sheets_sync", {})
        keys = {meta.grid.get(r, 1) if meta else None for r, _ in mc} | {v for (r, c), v in mc.items() if c == 1}
        return any(isinstance(k, str) and k.startswith("template:") for k in keys)

    def _batch(self, reqs: list[dict], titles: list[str], cells=None, ranges: list[str] | None = None) -> dict:
        """One atomic batchUpdate (split only past 2 MB), asking for ``titles`` back."""
        out: dict = {}
        chunks = encoded_chunks(reqs)
        for i, chunk in enumerate(chunks):
            body = b'{"requests":[' + b",".join(chunk) + b"]"
            shown = ranges if ranges is not None else [f"'{t}'" for t in titles]
            if shown and i == len(chunks) - 1:
                body += b"," + encoded({"includeSpreadsheetInResponse": True, "responseIncludeGridData": True,
                                        "responseRanges": shown})[1:-1]
            body += b"}"
            try:
                self.requests.append(":batchUpdate")
                r = self.client.http_client.request("post", SHEETS_URL + self.key + ":batchUpdate", data=body,
                                                    headers=JSON, params={"fields": _RESPONSE, **COMPACT}).json()
            except APIError as e:
                msg = e.error.get("message", str(e))
                if e.code == 400 and g.is_guard_refusal(msg):
                    raise g.moved_error() from None
                if e.code == 400 and "protected cell or object" in msg:
                    raise protected_error(self.key, self.client.account, self.reads, cells or {}, msg) from None
                raise translate(e, self.key, getattr(self.client, "account", "")) from None
            except (GoogleAuthError, requests.RequestException) as e:
                raise translate(e, self.key, getattr(self.client, "account", "")) from None
            out["replies"] = out.get("replies", []) + r.get("replies", [])
            if "updatedSpreadsheet" in r:
                out["updatedSpreadsheet"] = r["updatedSpreadsheet"]
        return out
