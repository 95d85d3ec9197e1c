"""The sheets sheets-sync keeps beside a unit's table: the hidden metadata sheet
(template identity, the values it last wrote), the archive and the audit trail.

The metadata sheet is key/value rows (key in A, value in B); what sheets-sync last
wrote to computed and template cells is kept there as JSON, so a later run can tell
a person's edit from its own.
"""
from __future__ import annotations

import json

from ..core.grid import Cell, Grid, a1, same_value

META_SHEET = "_sheets_sync"
ARCHIVE_SHEET = "เก็บถาวร"
AUDIT_SHEET = "ประวัติการแก้ไข"
AUDIT_HEADER = ["เวลา / time", "แผ่นงาน / sheet", "ช่อง / cell", "รหัส / code", "ข้อมูล / field",
                "ค่าที่หน่วยงานแก้ / unit's value", "ค่ามาตรฐาน / canonical value"]


def read_meta(grid: Grid | None) -> dict[str, object]:
    if grid is None:
        return {}
    meta = {}
    for r in range(1, grid.max_row + 1):
        k, v = grid.get(r, 1), grid.get(r, 2)
        if isinstance(k, str) and k:
            meta[k] = v
    return meta


def recorded_values(meta: dict, sheet: str, sheets: tuple[str, ...] = ()) -> dict[str, object] | None:
    """What sheets-sync last wrote to the computed cells of ``sheet`` (``sheets``: every
    tab the workbook has now); None when the workbook has no metadata at all (not made
    by init: hand edits cannot be told)."""
    blob = meta.get(f"computed:{sheet}")
    if not isinstance(blob, str):
        # a renamed tab: the one record left whose sheet is gone is this sheet's
        orphans = [k for k in meta if k.startswith("computed:") and k[len("computed:"):] not in sheets]
        blob = meta.get(orphans[0]) if len(orphans) == 1 else None
    if not isinstance(blob, str):
        return {} if meta else None
    try:
        data = json.loads(blob)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def recorded_template(meta: dict, sheet: str) -> dict[str, object]:
    try:
        data = json.loads(meta.get(f"template:{sheet}") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def blob(cells: dict[Cell, object], names: dict[Cell, str] | None = None) -> str:
    """The values as JSON, each under its cell's stable name (``ศปท.1|score``: the same
    after a person inserts or moves rows) or, without one, its A1 reference."""
    names = names or {}
    return json.dumps({names.get(c) or a1(*c): v for c, v in sorted(cells.items())}, ensure_ascii=False,
                      separators=(",", ":"))


def meta_cells(meta: Grid, values: dict[str, object]) -> dict[Cell, object]:
    """Cells of the metadata sheet (key in A, value in B) to write so it holds ``values``."""
    rows = {meta.get(r, 1): r for r in range(1, meta.max_row + 1)}
    nxt = meta.max_row + 1
    out: dict[Cell, object] = {}
    for key, v in values.items():
        r = rows.get(key)
        if r is None:
            r, nxt = nxt, nxt + 1
            out[(r, 1)] = key
        if not same_value(meta.get(r, 2), v):
            out[(r, 2)] = v
    return out
