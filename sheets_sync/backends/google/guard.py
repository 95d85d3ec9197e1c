"""Writes that cannot land on a row other than the one planned.

* **Row anchors**: every row sheets-sync reads and writes carries developer metadata
  ``sheets_sync.row`` (Google moves it with inserted and deleted rows).
* **Guard, inside the atomic batchUpdate**: for each row the write touches, the batch first
  deletes that row's anchor *at the row index it was read at* (EXACT_LOCATION) and re-creates
  it with the same id. If a person inserted, deleted or moved rows since the read, the delete
  matches nothing, the create meets an id that still exists, and Google refuses the whole
  batch: nothing is written, and :class:`WorkbookChanged` asks the caller to read again and
  re-plan. When nothing moved the two requests cancel out. Per row, not per run of rows: one
  delete of every anchor within a run's range proves only that the run's anchors stayed in
  it; a row deleted inside the run and one inserted above it shift the rows between unseen
  (tests/test_google_race.py, "shift").
* **Verification, in the same response**: the batch asks for the touched tabs back
  (``includeSpreadsheetInResponse``) and every cell is compared with what the read plus our
  own writes predict. A value a person typed meanwhile (a result, rows sorted by hand) shows
  there: our writes only touched computed/template cells, so their value is intact, and
  :class:`WorkbookChanged` makes the caller re-plan and correct the computed values.
* **Freeze, for writes that delete rows or rewrite template cells** (push-template): a first
  batch protects the touched tabs (editable by this account only) and returns them; a
  difference from the read lifts the protection and re-plans before anything else is written.
  Otherwise the second batch lifts it and writes: no person's edit can land in between.
"""
from __future__ import annotations

import secrets

from ...core.grid import Cell
from ..files import WorkbookChanged
from .read import ROW_KEY, TAB_KEY, SheetRead, values_of


def row_map(ops, sheet: str, length: int) -> dict[int, int | None]:
    """Final row -> the row it was read at (None: inserted by these ops)."""
    rows: list[int | None] = list(range(1, length + 1))
    for kind, s, row, n, *_ in ops:
        if s != sheet:
            continue
        if kind == "delete":
            del rows[row - 1:row - 1 + n]
        else:
            rows[row - 1:row - 1] = [None] * n
    return {i + 1: o for i, o in enumerate(rows)}


def _dim(sid: int, row: int) -> dict:
    return {"dimensionRange": {"sheetId": sid, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}}


def create_anchor(sid: int, row: int, mid: int | None = None) -> dict:
    md = {"metadataKey": ROW_KEY, "location": _dim(sid, row), "visibility": "DOCUMENT"}
    if mid is not None:
        md["metadataId"] = mid
    return {"createDeveloperMetadata": {"developerMetadata": md}}


def mark_tab(sid: int) -> dict:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": TAB_KEY, "location": {"sheetId": sid}, "visibility": "DOCUMENT"}}}


def guard(sid: int, row: int, mid: int) -> list[dict]:
    return [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
                "metadataId": mid, "metadataLocation": _dim(sid, row), "locationMatchingStrategy": "EXACT_LOCATION"}}}},
            create_anchor(sid, row, mid)]


def new_id() -> int:
    return secrets.randbelow(2**31 - 2) + 1


def is_guard_refusal(message: str) -> bool:
    return "Developer metadata with ID" in message and "already exists" in message


class Touched:
    """The rows one write touches, per tab, in read coordinates, and the final->read maps."""

    def __init__(self, reads: dict[str, SheetRead], cells, notes, ops):
        self.maps: dict[str, dict[int, int | None]] = {}
        self.rows: dict[str, set[int]] = {}
        self.moved = {op[1] for op in ops}   # tabs whose rows these ops move (else maps are identity)
        sheets = set(cells) | set(notes) | self.moved
        for s in sheets:
            rd = reads[s]
            last_read = rd.grid.max_row   # once: max_row walks every cell
            top = max([rd.rows, last_read] + [r for r, _ in {**cells.get(s, {}), **notes.get(s, {})}]
                      + [op[2] + op[3] for op in ops if op[1] == s])
            m = self.maps[s] = row_map(ops, s, top + sum(op[3] for op in ops if op[1] == s and op[0] == "insert"))
            read_rows = {m.get(r) for r, _ in [*cells.get(s, {}), *notes.get(s, {})]}
            read_rows |= {op[2] + i for op in ops if op[1] == s and op[0] == "delete" for i in range(op[3])}
            # rows past the read content are appends (archive, audit, new metadata keys): nothing to move
            self.rows[s] = {r for r in read_rows if r is not None and r <= max(last_read, 1)}

    def missing(self, reads) -> dict[str, list[int]]:
        return {s: sorted(r for r in rows if r not in reads[s].anchors) for s, rows in self.rows.items()
                if any(r not in reads[s].anchors for r in rows)}

    def inserted(self, sheet: str) -> list[int]:
        return [f for f, o in self.maps.get(sheet, {}).items() if o is None]


def expected(read: SheetRead, rows: dict[int, int | None] | None, written: dict[Cell, object]) -> dict[Cell, object]:
    """What a tab holds after our write if nobody else touched it."""
    if rows is None:
        out = dict(read.grid.values)
    else:
        back = {o: f for f, o in rows.items() if o is not None}
        out = {(back[r], c): v for (r, c), v in read.grid.values.items() if r in back}
    for cell, v in written.items():
        if v is None or v == "":
            out.pop(cell, None)
        else:
            out[cell] = v
    return out


def differences(want: dict[Cell, object], have: dict[Cell, object], limit: int = 6) -> list[tuple]:
    if want == have:   # the usual answer, compared in C before any cell is sorted
        return []
    out = []
    for cell in sorted(set(want) | set(have)):
        a, b = want.get(cell), have.get(cell)
        if a != b and not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) < 1e-9):
            out.append((cell, a, b))
            if len(out) >= limit:
                break
    return out


def check_response(reads, titles, touched: Touched | None, written, updated: dict, after: bool,
                   boxes: dict[str, list[tuple] | None] | None = None) -> None:
    """Raise WorkbookChanged when a tab in ``updated`` holds what the read does not predict
    (of a tab in ``boxes``, only its boxes (row0, row1, col0, col1): what the answer was asked for)."""
    from ...core.grid import a1
    got = {s["properties"]["title"]: values_of(s) for s in updated.get("sheets", [])}
    found = []
    for title in titles:
        rows = touched.maps.get(title) if (touched and after and title in touched.moved) else None
        want = expected(reads[title], rows, written.get(title, {}) if after else {})
        if boxes and boxes.get(title):
            want = {(r, c): v for (r, c), v in want.items()
                    if any(r0 <= r <= r1 and c0 <= c <= c1 for r0, r1, c0, c1 in boxes[title])}
        found += [(title, *d) for d in differences(want, got.get(title, {}))]
    if found:
        said = ", ".join(f"{t}!{a1(*cell)} {'ว่าง' if was is None else was} -> {'ว่าง' if now is None else now}"
                         for t, cell, was, now in found[:6])
        said_en = ", ".join(f"{t}!{a1(*cell)} {was!r} -> {now!r}" for t, cell, was, now in found[:6])
        when_th = "ระหว่างที่เขียน" if after else "ก่อนเขียน"
        raise WorkbookChanged(
            f"มีผู้แก้ไขสเปรดชีต{when_th} ({said}): อ่านใหม่และวางแผนใหม่ ค่าที่ผู้ใช้พิมพ์ไม่ถูกเขียนทับ",
            f"the spreadsheet changed {'while' if after else 'before'} sheets-sync wrote ({said_en}): "
            "read it again and re-plan; nothing a person typed was overwritten")


def moved_error() -> WorkbookChanged:
    return WorkbookChanged(
        "มีผู้แทรก ลบ หรือย้ายแถวระหว่างที่อ่านกับเขียน: Google ปฏิเสธการเขียนทั้งหมด ไม่มีการเขียนใด ๆ อ่านใหม่และวางแผนใหม่",
        "rows were inserted, deleted or moved between sheets-sync's read and its write: Google refused the "
        "whole (atomic) write, nothing was written; read it again and re-plan")
