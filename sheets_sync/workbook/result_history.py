"""Every result a unit changes, kept in its history sheet (ประวัติการแก้ไข): the cell, the
value before and after, the time in Bangkok. recalc compares what the sheet holds with
what it recorded last time, so a change is caught whoever made it and however."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from ..core.grid import Cell, a1, plain, same_value
from ..core.thai_time import thai_datetime
from ..kinds.meta import AUDIT_SHEET, META_SHEET

WHAT = "เปลี่ยนผล / result changed"


def result_changes(ev, now: datetime | None = None) -> tuple[dict[str, dict[Cell, object]], dict[str, str]]:
    """(rows to append to the history sheet, metadata values recording the results now).
    A workbook without a history or metadata sheet records nothing."""
    audit = ev.grids.get(AUDIT_SHEET)
    if audit is None or META_SHEET not in ev.grids:
        return {}, {}
    keys = [f.key for f in ev.template.fields if f.owner == "unit" and f.type == "number"]
    stamp = thai_datetime(now or datetime.now(timezone.utc))
    cells: dict[Cell, object] = {}
    record: dict[str, str] = {}
    nxt = audit.max_row + 1
    for res in ev.results:
        if "code" not in res.inputs:
            continue    # no table read (a required column is missing: its problem says so)
        cols = res.layout.columns
        fields = [k for k in keys if k in cols]
        rows = {code: r for r, code in res.inputs["code"].items()}
        column = {k: dict(zip(res.inputs.index, res.inputs[k].tolist())) for k in fields}   # not .at per cell
        held = {f"{code}|{k}": plain(column[k][r]) for code, r in rows.items() for k in fields}
        blob = ev.meta.get(f"results:{res.sheet}")
        try:
            before = json.loads(blob) if isinstance(blob, str) else None
        except ValueError:
            before = None
        for name, value in (held.items() if isinstance(before, dict) else ()):
            old = before.get(name)
            if same_value(old, value):
                continue
            code, key = name.rsplit("|", 1)
            row = [stamp, res.sheet, a1(rows[code], cols[key]), code, ev.template.field(key).label, value, old, WHAT]
            cells.update({(nxt, j): v for j, v in enumerate(row, 1) if v is not None})
            nxt += 1
        record[f"results:{res.sheet}"] = json.dumps(held, ensure_ascii=False, separators=(",", ":"), default=str)
    return ({AUDIT_SHEET: cells} if cells else {}), record
