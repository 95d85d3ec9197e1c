"""Protected ranges as Google enforces them on API writes.

A range protects its cells from everyone but its editors and the spreadsheet's owner;
``warningOnly`` ranges warn people in the UI and never block the API. Any refused part
refuses the whole request (and so the whole batch).

Enforced for every request that comes over HTTP and for edits made through
``state.as_user(email)`` / ``state.user_edit`` (a person is refused too); plain state calls
(``state.values_update(sid, who, ...)``) are test seeding and bypass protection.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from .errors import protected_cell
from .model import Sheet, Spreadsheet

_local = threading.local()


@contextmanager
def enforcing():
    """Protection applies to what runs inside (the HTTP layer wraps every API call in it)."""
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    try:
        yield
    finally:
        _local.depth = depth


def enforced() -> bool:
    return getattr(_local, "depth", 0) > 0


def may_edit(ss: Spreadsheet, pr: dict, caller: str | None) -> bool:
    if pr.get("warningOnly") or caller is None or caller == ss.owner:
        return True
    editors = pr.get("editors") or {}
    if caller in (editors.get("users") or []):
        return True
    domain = caller.rpartition("@")[2]
    return bool(editors.get("domainUsersCanEdit")) and domain in (editors.get("domains") or [domain])


def _span(rng: dict, sheet: Sheet) -> tuple[int, int, int, int]:
    return (rng.get("startRowIndex", 0), rng.get("startColumnIndex", 0),
            rng.get("endRowIndex", sheet.rows), rng.get("endColumnIndex", sheet.cols))


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, b) -> bool:
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def blocking(ss: Spreadsheet, sheet: Sheet, caller: str | None) -> list[tuple[dict, tuple]]:
    if not enforced():
        return []
    return [(pr, _span(pr.get("range", {}), sheet)) for pr in sheet.protected if not may_edit(ss, pr, caller)]


def check_box(ss: Spreadsheet, sheet: Sheet, box, caller: str | None) -> None:
    """Refuse a write of ``box`` (r0, c0, r1, c1) that reaches a cell the caller may not edit."""
    r0, c0, r1, c1 = box
    if r1 <= r0 or c1 <= c0:
        return
    for pr, span in blocking(ss, sheet, caller):
        if not _overlap(box, span):
            continue
        # Cells the range leaves unprotected may be written, when the write stays inside them.
        free = [_span(u, sheet) for u in pr.get("unprotectedRanges") or []]
        if any(_inside(box, f) for f in free):
            continue
        raise protected_cell()


def check_cells(ss: Spreadsheet, sheet: Sheet, keys, caller: str | None) -> None:
    """Refuse writing any of the (row, col) ``keys`` that sits in a range the caller may not edit."""
    ranges = blocking(ss, sheet, caller)
    if not ranges:
        return
    keys = list(keys)
    for pr, span in ranges:
        free = [_span(u, sheet) for u in pr.get("unprotectedRanges") or []]
        for r, c in keys:
            if span[0] <= r < span[2] and span[1] <= c < span[3] and \
                    not any(f[0] <= r < f[2] and f[1] <= c < f[3] for f in free):
                raise protected_cell()


def check_rows(ss: Spreadsheet, sheet: Sheet, start: int, end: int, caller: str | None, insert: bool,
               dimension: str = "ROWS") -> None:
    """Deleting rows (columns) that hold protected cells, or inserting inside a protected span."""
    for pr, span in blocking(ss, sheet, caller):
        lo, hi = (span[0], span[2]) if dimension == "ROWS" else (span[1], span[3])
        if insert:
            if lo < start < hi or (lo == 0 and hi >= (sheet.rows if dimension == "ROWS" else sheet.cols)):
                raise protected_cell()
        elif start < hi and lo < end:
            raise protected_cell()


def check_sheet(ss: Spreadsheet, sheet: Sheet, caller: str | None) -> None:
    """A sheet-wide change (delete the sheet) is refused when any of its ranges bars the caller."""
    if blocking(ss, sheet, caller):
        raise protected_cell()
