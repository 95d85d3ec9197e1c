"""The state model's data: spreadsheets, their sheets and cells, and the undo journal that
makes a batch atomic. No HTTP, no accounts: plain objects the API modules operate on."""
from __future__ import annotations

import copy
import gc
import json
import secrets
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .a1 import parse_cells, split_range
from .cells import rendered
from .errors import ApiError, invalid

DEFAULTS = json.loads((Path(__file__).parent / "google_defaults.json").read_text())["properties"]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
_MISSING = object()


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def quiet_gc():
    """Pause the cyclic GC while a request builds or drops millions of cell dicts: the cells are
    acyclic (refcounting frees them), and collections over them cost more than the request.
    After a request that left hundreds of thousands of new objects, those are moved out of the
    collector's sight (gc.freeze) so later collections do not walk a 100k-row tab again."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                if gc.get_count()[0] > 200_000:
                    gc.freeze()
                if _gc_was_enabled:
                    gc.enable()


def now_rfc3339() -> str:
    t = datetime.now(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def new_id() -> str:
    return "1" + secrets.token_urlsafe(32)[:43]


def new_int_id() -> int:
    return secrets.randbelow(2**31 - 1) + 1


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    cols: int = 26
    hidden: bool = False
    frozen_rows: int = 0
    frozen_cols: int = 0
    grid_extra: dict = field(default_factory=dict)       # hideGridlines and friends
    cells: dict = field(default_factory=dict)            # (row, col) 0-based -> CellData dict
    merges: list = field(default_factory=list)
    protected: list = field(default_factory=list)
    conditional: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    col_meta: dict = field(default_factory=dict)         # col -> {"pixelSize": n}
    tab_color: dict | None = None
    basic_filter: dict | None = None                     # setBasicFilter's filter
    _journal: "Journal | None" = field(default=None, repr=False, compare=False)

    def put(self, key: tuple[int, int], cell: dict | None) -> None:
        """Store (or, when empty, remove) one cell; inside a batch the old one is journaled."""
        if self._journal is not None:
            self._journal.record(self.cells, key)
        if cell:
            self.cells[key] = cell
        else:
            self.cells.pop(key, None)

    def properties(self) -> dict:
        grid = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        grid.update({k: v for k, v in self.grid_extra.items() if v})
        p = {"sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
             "gridProperties": grid}
        if self.hidden:
            p["hidden"] = True
        if self.tab_color:
            p["tabColorStyle"] = self.tab_color
        return p


@dataclass
class Spreadsheet:
    id: str
    title: str
    owner: str
    sheets: list[Sheet]
    permissions: dict = field(default_factory=dict)      # email -> role (owner, writer, reader)
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    developer_metadata: list = field(default_factory=list)
    named_ranges: list = field(default_factory=list)
    next_ids: int = 1
    last_modifier: str | None = None
    version: int = 1
    opened_by: set = field(default_factory=set)          # accounts whose drive.file grant covers this file

    def role(self, email: str | None) -> str | None:
        if email == self.owner:
            return "owner"
        return self.permissions.get(email) or self.permissions.get("anyone")

    def sheet_by_title(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise invalid(f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise invalid(f"No grid with id: {sheet_id}")

    def cell_count(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def range(self, rng: str) -> tuple[Sheet, tuple[int, int, int, int]]:
        """An A1 range ('Sheet 1'!A1:B2, Sheet1, A1:B2) -> (sheet, 0-based box with exclusive ends)."""
        title, cells = split_range(rng)
        if title is None:
            # A bare name is a sheet title when one matches, else A1 cells on the first sheet.
            try:
                s = self.sheet_by_title(cells)
                return s, (0, 0, s.rows, s.cols)
            except ApiError:
                sheet = self.sheets[0]
        else:
            sheet = self.sheet_by_title(title)
        try:
            box = parse_cells(cells, sheet.rows, sheet.cols)
        except ValueError:
            raise invalid(f"Unable to parse range: {rng}") from None
        return sheet, box


class Journal:
    """The undo log of one batch: each cell write keeps the cell it replaced, and the small parts
    (sheet list, properties, merges, protected ranges, metadata) are copied once at the start.
    Rolling back costs what the batch wrote, never the size of the spreadsheet."""

    _SHALLOW = ("cells", "_journal")
    _DERIVED = ("sheets", "_md_index", "_md_dead")   # not copied: rebuilt from what is restored

    def __init__(self, ss: Spreadsheet):
        self.ss = ss
        metadata(ss)   # deferred deletes applied, so the copy holds only live metadata
        self._ss_attrs = {k: _metadata_copy(v) if k == "developer_metadata" else copy.deepcopy(v)
                          for k, v in vars(ss).items() if k not in self._DERIVED}
        self._sheets = list(ss.sheets)
        self._sheet_attrs = [(s, {k: v if k in self._SHALLOW else copy.deepcopy(v) for k, v in vars(s).items()})
                             for s in ss.sheets]
        self._cells: list = []
        for s in ss.sheets:
            s._journal = self

    def record(self, cells: dict, key) -> None:
        self._cells.append((cells, key, cells.get(key, _MISSING)))

    def rollback(self) -> None:
        for cells, key, old in reversed(self._cells):
            if old is _MISSING:
                cells.pop(key, None)
            else:
                cells[key] = old
        for s, attrs in self._sheet_attrs:
            vars(s).update(attrs)
        vars(self.ss).update(self._ss_attrs)
        vars(self.ss).pop("_md_index", None)
        vars(self.ss).pop("_md_dead", None)
        self.ss.sheets = self._sheets
        self.close()

    def close(self) -> None:
        for s, _ in self._sheet_attrs:
            s._journal = None
        for s in self.ss.sheets:
            s._journal = None
        self._cells = []


# --- developer metadata ------------------------------------------------------------------

def _metadata_copy(mds: list[dict]) -> list[dict]:
    """What deepcopy makes of the metadata list (flat fields, a location of at most two levels
    of flat dicts), at a fraction of its cost: a batch copies 20,000 row anchors."""
    def loc(v):
        return {k: dict(x) if isinstance(x, dict) else x for k, x in v.items()}
    return [{k: loc(v) if k == "location" else (copy.deepcopy(v) if isinstance(v, (dict, list)) else v)
             for k, v in m.items()} for m in mds]
# An id index and deferred deletes: a guarded write deletes and re-creates one row anchor by
# id for each of 10,000 rows, which must cost O(1) a request, not a walk of every anchor.

def metadata(ss: Spreadsheet) -> list[dict]:
    """The live developer metadata (deletes applied): what every reader walks."""
    dead = vars(ss).get("_md_dead")
    if dead:
        ss.developer_metadata = [m for m in ss.developer_metadata if id(m) not in dead]
        dead.clear()
    return ss.developer_metadata


def metadata_index(ss: Spreadsheet) -> dict[int, dict]:
    """metadataId -> the live metadata (rebuilt when the list was replaced)."""
    mds = ss.developer_metadata
    cache = vars(ss).get("_md_index")
    if cache is None or cache[0] is not mds:
        dead = vars(ss).get("_md_dead") or ()
        cache = (mds, {m["metadataId"]: m for m in mds if id(m) not in dead})
        vars(ss)["_md_index"] = cache
    return cache[1]


def metadata_json(md: dict) -> dict:
    """A metadata as answered: proto() builds every nested dict anew, and metadata holds no
    lists, so no deepcopy first (two per anchor made a 1,000-row guarded write cost 0.1 s)."""
    return proto(md)


def add_metadata(ss: Spreadsheet, md: dict) -> None:
    index = metadata_index(ss)
    ss.developer_metadata.append(md)
    index[md["metadataId"]] = md


def drop_metadata(ss: Spreadsheet, hits: list[dict]) -> None:
    """Delete now for every lookup; out of the list at the next read (it stays alive till then,
    so the ids of the dead stay unique)."""
    index = metadata_index(ss)
    dead = vars(ss).setdefault("_md_dead", set())
    for m in hits:
        dead.add(id(m))
        if index.get(m["metadataId"]) is m:
            del index[m["metadataId"]]


# --- reading cells -------------------------------------------------------------------

def rows_in(sheet: Sheet, box) -> dict[int, dict[int, dict]]:
    """row -> {col: cell} of the stored cells inside box, by whichever walk is cheaper."""
    r0, c0, r1, c1 = box
    out: dict = defaultdict(dict)
    cells = sheet.cells
    if (r1 - r0) * (c1 - c0) <= len(cells):
        for r in range(r0, r1):
            for c in range(c0, c1):
                cell = cells.get((r, c))
                if cell is not None:
                    out[r][c] = cell
    else:
        for (r, c), cell in cells.items():
            if r0 <= r < r1 and c0 <= c < c1:
                out[r][c] = cell
    return out


def grid_data(sheet: Sheet, box=None, copy_cells: bool = True) -> dict:
    """GridData of box (default the whole sheet): linear in the cells stored and the rows asked.
    ``copy_cells=False`` shares the stored cell dicts (the HTTP layer encodes them at once)."""
    dup = copy.deepcopy if copy_cells else (lambda c: c)
    r0, c0, r1, c1 = box or (0, 0, sheet.rows, sheet.cols)
    r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
    cells = sheet.cells
    rows = []
    if (r1 - r0) * (c1 - c0) <= len(cells):  # walk the box
        cols = range(c0, c1)
        last = r0 - 1
        for r in range(r0, r1):
            vals = [cells.get((r, c)) for c in cols]
            while vals and vals[-1] is None:
                vals.pop()
            if vals:
                rows.append({"values": [{} if v is None else dup(v) for v in vals]})
                last = r
            else:
                rows.append({})
        del rows[last - r0 + 1:]
    else:  # walk the stored cells
        by_row = rows_in(sheet, (r0, c0, r1, c1))
        for r in range(r0, max(by_row, default=r0 - 1) + 1):
            row = by_row.get(r)
            rows.append({"values": [dup(row[c]) if c in row else {} for c in range(c0, max(row) + 1)]}
                        if row else {})
    data: dict = {}
    if r0:
        data["startRow"] = r0
    if c0:
        data["startColumn"] = c0
    data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": 21}] * (r1 - r0)
    data["columnMetadata"] = [{"pixelSize": sheet.col_meta.get(c, {}).get("pixelSize", 100)} for c in range(c0, c1)]
    return data


def read_values(sheet: Sheet, box, render: str, major: str) -> list[list]:
    """The values API's grid: trailing empty cells and rows left out, as Google does."""
    r0, c0, r1, c1 = box
    r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
    cells = sheet.cells
    grid: list[list] = []
    if (r1 - r0) * (c1 - c0) <= len(cells):  # walk the box
        cols = range(c0, c1)
        for r in range(r0, r1):
            vals = [rendered(cells.get((r, c)), render) for c in cols]
            while vals and vals[-1] == "":
                vals.pop()
            grid.append(vals)
    else:  # walk the stored cells
        by_row = rows_in(sheet, (r0, c0, r1, c1))
        for r in range(r0, max(by_row, default=r0 - 1) + 1):
            row = by_row.get(r)
            vals = [rendered(row.get(c), render) for c in range(c0, max(row) + 1)] if row else []
            while vals and vals[-1] == "":
                vals.pop()
            grid.append(vals)
    if major == "COLUMNS" and grid:
        width = max(len(r) for r in grid)
        grid = [[row[j] if j < len(row) else "" for row in grid] for j in range(width)]
        for col in grid:
            while col and col[-1] == "":
                col.pop()
    while grid and not grid[-1]:
        grid.pop()
    return grid


def proto(obj: dict) -> dict:
    """Proto3 JSON leaves out default values: sheetId 0, false, empty text."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            v = proto(v)
        if (k == "sheetId" and v == 0) or v is None or v is False or v == "" or v == []:
            continue
        out[k] = v
    return out
