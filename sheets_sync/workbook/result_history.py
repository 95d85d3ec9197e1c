"""Every result a unit changes, kept in its history sheet (ประวัติการแก้ไข): the cell, the
value before and after, the time in Bangkok. recalc compares what the sheet holds with
what it recorded last time, so a change is caught whoever made it and however."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from ..core.grid import Cell, column_letter, plain, same_value
from ..core.thai_time import thai_datetime
from ..kinds.meta import AUDIT_SHEET, META_SHEET

WHAT = "เปลี่ยนผล / result changed"
REPLACED = "ค่าที่พิมพ์ทับช่องคำนวณถูกแทนด้วยค่าที่คำนวณ / typed over a computed cell, replaced by the computed value"


def result_changes(ev, now: datetime | None = None, replaced=()) -> tuple[dict[str, dict[Cell, object]], dict[str, str]]:
    """(rows to append to the history sheet, metadata values recording the results now).
    ``replaced``: problems of computed cells a person typed over that this write puts
    right; what they typed is kept in the history sheet, beside what replaced it.
    A workbook without a history or metadata sheet records nothing."""
    audit = ev.grids.get(AUDIT_SHEET)
    if audit is None or META_SHEET not in ev.grids:
        return {}, {}
    keys = [f.key for f in ev.template.fields if f.owner == "unit" and f.type == "number"]
    stamp = thai_datetime(now or datetime.now(timezone.utc))
    cells: dict[Cell, object] = {}
    record: dict[str, str] = {}
    nxt = audit.max_row + 1
    labels = {k: ev.template.field(k).label for k in keys}
    for res in ev.results:
        if "code" not in res.inputs:
            continue    # no table read (a required column is missing: its problem says so)
        cols = res.layout.columns
        fields = [k for k in keys if k in cols]
        codes = res.inputs["code"].tolist()
        rows = dict(zip(codes, res.inputs.index.tolist()))
        held = {}    # by row, a row's fields in order; a code twice: its first place, its last values
        for code, *values in zip(codes, *(res.inputs[k].tolist() for k in fields)):
            for k, v in zip(fields, values):    # whole columns, not .at per cell
                t = type(v)
                held[f"{code}|{k}"] = v if t is str or t is int else (v if v == v else None) if t is float else plain(v)
        blob = ev.meta.get(f"results:{res.sheet}")
        try:
            before = json.loads(blob) if isinstance(blob, str) else None
        except ValueError:
            before = None
        letters = {k: column_letter(cols[k]) for k in fields}
        for name, value in (held.items() if isinstance(before, dict) else ()):
            old = before.get(name)
            if (type(old) is type(value) and old == value) or same_value(old, value):
                continue    # the first test: most results did not change, and are equal as they are
            code, key = name.rsplit("|", 1)
            cells[nxt, 1], cells[nxt, 2], cells[nxt, 3] = stamp, res.sheet, f"{letters[key]}{rows[code]}"
            cells[nxt, 4] = code
            if labels[key] is not None:
                cells[nxt, 5] = labels[key]
            if value is not None:
                cells[nxt, 6] = value
            if old is not None:
                cells[nxt, 7] = old
            cells[nxt, 8] = WHAT    # the row: time, tab, cell, code, field, after, before (none: empty), what
            nxt += 1
        record[f"results:{res.sheet}"] = json.dumps(held, ensure_ascii=False, separators=(",", ":"), default=str)
    for p in replaced:
        nxt = _typed_over(cells, nxt, stamp, p, ev)
    return ({AUDIT_SHEET: cells} if cells else {}), record


def _typed_over(cells: dict, nxt: int, stamp: str, p, ev) -> int:
    """One history row for a value typed over a computed cell: time, tab, cell, code,
    the column's label, what the person typed, the computed value, what happened."""
    from ..core.grid import parse_a1
    res = next((r for r in ev.results if r.sheet == p.sheet), None)
    key = res.names.get(parse_a1(p.cell), "").rpartition("|")[2] if res is not None else ""
    args = dict(p.args)
    label = ev.template.field(key).label if key and key in {f.key for f in ev.template.fields} else None
    row = [stamp, p.sheet, p.cell, p.code or None, label, plain(args.get("value")), args.get("expected"), REPLACED]
    cells.update({(nxt, j): v for j, v in enumerate(row, 1) if v is not None})
    return nxt + 1
