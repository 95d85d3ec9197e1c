"""Keeping a unit's sheet in line with the canonical template: a pure planner.

From the unit's grids and the canonical definition it works out the row operations
(retired indicators leave, new ones join their dimension), the template-owned cells
to rewrite, the archive and audit rows, and the recalculated computed cells, all in
final coordinates, so a backend applies everything in one batched write.
Unit-owned cells are never in the plan.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from .canonical import Canonical
from ..core.grid import Cell, Grid, a1, same_value
from ..kinds.layout import discover, norm
from ..kinds.table_kind import discover_table
from ..kinds.sheet_plan import ARCHIVE_SHEET, AUDIT_SHEET, template_cells
from ..kinds.meta import META_SHEET, meta_cells, read_meta
from ..kinds.scorecard import evaluate, recorded_blob
from ..kinds.template import Template


@dataclass
class Change:
    kind: str          # update (ministry changed it), restore (unit edit undone), add, retire
    code: str
    field: str
    cell: str
    old: object
    new: object

    def to_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "field": self.field, "cell": self.cell,
                "old": self.old, "new": self.new}


@dataclass
class PushPlan:
    sheet: str
    ops: list[tuple] = field(default_factory=list)              # ("delete"|"insert", sheet, row, n, style_row)
    cells: dict[str, dict[Cell, object]] = field(default_factory=dict)
    notes: dict[str, dict[Cell, str]] = field(default_factory=dict)   # score traces, refreshed too
    changes: list[Change] = field(default_factory=list)
    version_from: object = None
    version_to: int = 0

    @property
    def empty(self) -> bool:
        return not self.ops and not any(self.cells.values())


def _value(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _differs(have, want) -> bool:
    if want is None:
        return have not in (None, "")
    if isinstance(want, (int, float)) and isinstance(have, str):
        return True
    return not same_value(have, want)


def plan_push(grids: dict[str, Grid], canonical: Canonical, now: datetime | None = None) -> PushPlan:
    tpl: Template = canonical.template
    table = tpl.kind != "scorecard"
    find = discover_table if table else discover
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M:%S UTC")
    sheet_name, layout = next(((n, lay) for n, g in grids.items() if n != META_SHEET
                               and (lay := find(g, tpl)) is not None and lay.indicator_rows is not None
                               and "code" in lay.columns), (None, None))
    if layout is None:
        from ..core.errors import WorkbookError
        raise WorkbookError("ไม่พบแผ่นงานตัวชี้วัด", "no scorecard sheet found")
    grid = grids[sheet_name]
    meta = read_meta(grids.get(META_SHEET))
    recorded = json.loads(meta.get(f"template:{sheet_name}") or "{}")
    plan = PushPlan(sheet_name, version_from=meta.get("template_version"), version_to=canonical.version)
    cols = layout.columns
    tkeys = [f.key for f in tpl.fields if f.owner == "template" and f.key in cols]
    canon = {row["code"]: row for _, row in canonical.indicators.iterrows()}
    code_of = (lambda v: " ".join(str(v).split())) if table else norm
    existing = {code_of(grid.get(r, cols["code"])): r for r in layout.indicator_rows}

    # -- rows: retired leave, new ones join the end of their dimension --------------------
    slots: list = list(range(1, grid.max_row + 1))
    retired = [(c, r) for c, r in existing.items() if c not in canon]
    for code, r in retired:
        slots.remove(r)
    totals_rows = sorted({r for r, _ in layout.totals.values()})
    first_total = totals_rows[0] if totals_rows else grid.max_row + 1
    dim_of_row = layout.dimension_of
    section_rows = {}
    for r in range(layout.header_row + 1, first_total):
        text = norm(grid.get(r, 1))
        if text and tpl.section_marker in text and r not in layout.indicator_rows:
            section_rows[text] = r
    new_sections: dict[str, tuple] = {}
    for code, row in canon.items():
        if code in existing:
            continue
        dim = row.get("dimension") or ""
        members = [s for s in slots if isinstance(s, int) and dim_of_row.get(s, None) == dim
                   and s in layout.indicator_rows] + [s for s in slots if isinstance(s, tuple) and s[1] == dim]
        if members:
            anchor = slots.index(members[-1]) + 1
        elif dim and dim in section_rows and not table:
            anchor = slots.index(section_rows[dim]) + 1
        else:
            anchor = slots.index(first_total) if first_total in slots else len(slots)
            if table:
                anchor = max((slots.index(s_) for s_ in slots if (isinstance(s_, int) and s_ in layout.indicator_rows)
                              or (isinstance(s_, tuple) and s_[0] == "new")), default=anchor - 1) + 1
            elif dim and dim not in new_sections:
                new_sections[dim] = ("section", dim)
                slots.insert(anchor, new_sections[dim])
                anchor += 1
        slots.insert(anchor, ("new", dim, code))
    final = {s: i + 1 for i, s in enumerate(slots)}
    for code, r in sorted(retired, key=lambda x: -x[1]):
        plan.ops.append(("delete", sheet_name, r, 1, None))
    # Inserts in ascending final order: the row above each one is already in place,
    # and it is the row whose look the new row copies.
    for s_ in slots:
        if isinstance(s_, tuple):
            p = final[s_]
            plan.ops.append(("insert", sheet_name, p, 1, p - 1 if p > 1 else None))

    # -- the final grid, as the backend will hold it after the row operations ------------
    after = Grid(sheet_name)
    for s, r_new in final.items():
        if isinstance(s, int):
            for c in range(1, grid.max_col + 1):
                v = grid.get(s, c)
                if v is not None:
                    after.values[(r_new, c)] = v
    cells: dict[Cell, object] = {}

    def put(cell, value):
        cells[cell] = value
        if value is None:
            after.values.pop(cell, None)
        else:
            after.values[cell] = value

    for s, r_new in final.items():
        if isinstance(s, tuple) and s[0] == "section":
            put((r_new, 1), s[1])
            plan.changes.append(Change("add", "", "dimension", a1(r_new, 1), None, s[1]))
    audit_rows = []
    for code, row in canon.items():
        new_row = code not in existing
        r_new = final[("new", row.get("dimension") or "", code)] if new_row else final[existing[code]]
        for key in tkeys:
            want = _value(row.get(key))
            cell = (r_new, cols[key])
            have = None if new_row else grid.get(existing[code], cols[key])
            if not new_row and not _differs(have, want):
                continue
            if new_row and want is None:
                continue
            put(cell, want)
            old_ref = a1(existing[code], cols[key]) if not new_row else None
            if new_row:
                kind = "add"
            elif old_ref in recorded and _differs(have, recorded[old_ref]):
                kind = "restore"
                audit_rows.append([stamp, sheet_name, a1(*cell), code, tpl.field(key).label, have, want])
            else:
                kind = "update"
            plan.changes.append(Change(kind, code, key, a1(*cell), have, want))

    # -- archive and audit ----------------------------------------------------------------
    extra: dict[str, dict[Cell, object]] = {}
    if retired and ARCHIVE_SHEET in grids:
        arch = grids[ARCHIVE_SHEET]
        nxt = arch.max_row + 1
        for code, r in retired:
            values = [stamp] + [grid.get(r, cols[f.key]) if f.key in cols else None for f in tpl.fields]
            extra.setdefault(ARCHIVE_SHEET, {}).update({(nxt, i + 1): v for i, v in enumerate(values) if v is not None})
            plan.changes.append(Change("retire", code, "row", a1(r, cols["code"]), code, f"{ARCHIVE_SHEET}!A{nxt}"))
            nxt += 1
    if audit_rows and AUDIT_SHEET in grids:
        aud = grids[AUDIT_SHEET]
        nxt = aud.max_row + 1
        for i, values in enumerate(audit_rows):
            extra.setdefault(AUDIT_SHEET, {}).update({(nxt + i, j + 1): v for j, v in enumerate(values) if v is not None})

    # -- recalculated computed cells and the metadata -------------------------------------
    if not plan.changes and not plan.ops:
        plan.cells = {}
        if str(meta.get("template_version")) != str(canonical.version) and META_SHEET in grids:
            plan.cells[META_SHEET] = meta_cells(grids[META_SHEET], {"template_version": canonical.version})
        return plan
    final_layout_rows = sorted(final[existing[c]] if c in existing else final[("new", canon[c].get("dimension") or "", c)]
                               for c in canon)
    if table:
        from ..kinds.table_kind import evaluate_table
        result = evaluate_table({**grids, sheet_name: after}, tpl)
        for sheet, summary_cells in result.extra.items():
            extra.setdefault(sheet, {}).update(summary_cells)
    else:
        from ..workbook.recalc import _notes
        result = evaluate(after, tpl, recorded=None)
        plan.notes = _notes([result], tpl, None)
    for cell, v in result.desired.items():
        if not same_value(after.get(*cell), v):
            put(cell, v)
    plan.cells = {sheet_name: cells, **extra}
    if META_SHEET in grids:
        tcells = template_cells(tpl, cols, final_layout_rows, lambda r, c: after.get(r, c))
        plan.cells[META_SHEET] = meta_cells(grids[META_SHEET], {
            "template_version": canonical.version,
            f"template:{sheet_name}": json.dumps(tcells, ensure_ascii=False, separators=(",", ":")),
            f"computed:{sheet_name}": recorded_blob(result)})
    return plan
