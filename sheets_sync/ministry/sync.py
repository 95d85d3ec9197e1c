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

from ..kinds.canonical import Canonical
from ..core.grid import Cell, Grid, a1, same_value
from ..kinds.layout import find_tables
from ..kinds.round_tabs import RoundLocked, locked_tabs
from ..kinds.meta import ARCHIVE_SHEET, AUDIT_SHEET, META_SHEET, meta_cells, read_meta, recorded_template
from ..kinds.sheet_plan import archive_header, template_cells
from ..core.thai_time import thai_datetime
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
    locked: dict[str, str] = field(default_factory=dict)         # tabs left alone -> why (kinds/round_tabs.py)

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


@dataclass
class TablePush:
    """One table's part of the plan: its row operations, its rewritten template-owned
    cells and the grid as it will be after them (final coordinates)."""
    sheet: str
    template: Template
    columns: dict[str, int]
    after: Grid
    final_rows: list[int]
    ops: list[tuple] = field(default_factory=list)
    cells: dict[Cell, object] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    audit_rows: list[list] = field(default_factory=list)
    archive_rows: list[list] = field(default_factory=list)


def plan_table(grid: Grid, layout, tpl: Template, canon: dict, code_key, recorded: dict, stamp: str,
               keys: list[str] | None = None) -> TablePush:
    """Keep one table keyed by code in line with ``canon`` (code -> the canonical row):
    retired rows leave (their values kept for the archive), new ones join the end of their
    dimension section (or of the table), the template-owned cells ``keys`` (default:
    every one the sheet has) are rewritten. Unit-owned cells are never touched."""
    sheet_name = layout.sheet
    sectioned = bool(tpl.section_marker)
    cols = layout.columns
    tkeys = [f.key for f in tpl.fields if f.owner == "template" and f.key in cols and (keys is None or f.key in keys)]
    existing = {code_key(grid.get(r, cols["code"])): r for r in layout.indicator_rows}

    # -- rows: retired leave, new ones join the end of their dimension --------------------
    slots: list = list(range(1, grid.max_row + 1))
    retired = [(c, r) for c, r in existing.items() if c not in canon]
    for code, r in retired:
        slots.remove(r)
    totals_rows = sorted({r for r, _ in layout.totals.values()})
    first_total = totals_rows[0] if totals_rows else grid.max_row + 1
    dim_of_row = layout.dimension_of
    section_rows = layout.sections
    new_sections: dict[str, tuple] = {}

    def dim_of(row) -> str:
        return (row.get("dimension") or "") if sectioned else ""
    # a dimension whose last indicator retires leaves with it: its heading alone printed as
    # an empty section (kept when anything else was typed into that row)
    emptied = []
    if sectioned and section_rows:
        live = {dim_of(row) for row in canon.values()}          # once, not per section (10,000 rows)
        kept = set(slots)                                      # rows left after the retired ones
        live |= {dim_of_row.get(r) for r in layout.indicator_rows if r in kept}
        emptied = [(dim, r) for dim, r in section_rows.items()
                   if dim not in live and all(v == dim for v in grid.row(r).values())]
    for dim, r in emptied:
        slots.remove(r)
    for code, row in canon.items():
        if code in existing:
            continue
        dim = dim_of(row)
        members = [s for s in slots if isinstance(s, int) and dim_of_row.get(s, None) == dim
                   and s in layout.indicator_rows] + [s for s in slots if isinstance(s, tuple) and s[1] == dim]
        if members:
            anchor = slots.index(members[-1]) + 1
        elif dim and dim in section_rows and sectioned:
            anchor = slots.index(section_rows[dim]) + 1
        else:
            anchor = slots.index(first_total) if first_total in slots else len(slots)
            if not sectioned:
                anchor = max((slots.index(s_) for s_ in slots if (isinstance(s_, int) and s_ in layout.indicator_rows)
                              or (isinstance(s_, tuple) and s_[0] == "new")), default=anchor - 1) + 1
            elif dim and dim not in new_sections:
                new_sections[dim] = ("section", dim)
                slots.insert(anchor, new_sections[dim])
                anchor += 1
        slots.insert(anchor, ("new", dim, code))
    final = {s: i + 1 for i, s in enumerate(slots)}
    final_rows = sorted(final[existing[c]] if c in existing else final[("new", dim_of(canon[c]), c)] for c in canon)
    push = TablePush(sheet_name, tpl, cols, Grid(sheet_name), final_rows)
    for r in sorted([r for _, r in retired] + [r for _, r in emptied], reverse=True):
        push.ops.append(("delete", sheet_name, r, 1, None))
    # Inserts in ascending final order: the row above each one is already in place,
    # and it is the row whose look the new row copies.
    for s_ in slots:
        if isinstance(s_, tuple):
            p = final[s_]
            push.ops.append(("insert", sheet_name, p, 1, p - 1 if p > 1 else None))
    for code, r in retired:
        push.archive_rows.append([stamp] + [grid.get(r, cols[f.key]) if f.key in cols else None for f in tpl.fields])
        push.changes.append(Change("retire", code, "row", a1(r, cols["code"]), code, ""))
    for dim, r in emptied:
        push.changes.append(Change("retire", "", "dimension", a1(r, 1), dim, ""))

    # -- the final grid, as the backend will hold it after the row operations ------------
    after = push.after
    for s, r_new in final.items():
        if isinstance(s, int):
            for c in range(1, grid.max_col + 1):
                v = grid.get(s, c)
                if v is not None:
                    after.values[(r_new, c)] = v

    def put(cell, value):
        push.cells[cell] = value
        if value is None:
            after.values.pop(cell, None)
        else:
            after.values[cell] = value

    for s, r_new in final.items():
        if isinstance(s, tuple) and s[0] == "section":
            put((r_new, 1), s[1])
            push.changes.append(Change("add", "", "dimension", a1(r_new, 1), None, s[1]))
    for code, row in canon.items():
        new_row = code not in existing
        r_new = final[("new", dim_of(row), code)] if new_row else final[existing[code]]
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
                push.audit_rows.append([stamp, sheet_name, a1(*cell), code, tpl.field(key).label, have, want,
                                        "คืนค่ามาตรฐาน / canonical value restored"])
            else:
                kind = "update"
            push.changes.append(Change(kind, code, key, a1(*cell), have, want))
    return push


def plan_push(grids: dict[str, Grid], canonical: Canonical, now: datetime | None = None) -> PushPlan:
    tpl: Template = canonical.template
    sheet_kind = canonical.kind
    stamp = thai_datetime(now or datetime.now(timezone.utc))     # people read it: Bangkok, Buddhist Era
    locked = locked_tabs(read_meta(grids.get(META_SHEET)), tuple(grids))   # never written into
    skip = (META_SHEET, ARCHIVE_SHEET, AUDIT_SHEET, tpl.summary_sheet or META_SHEET, *locked)
    layouts = [lay for lay in find_tables(grids, tpl, sheet_kind.code_key, skip=skip) if lay.complete]
    if not layouts and locked:
        raise RoundLocked("ทุกแผ่นงานล็อกแล้ว: " + "; ".join(f"{t} ({w})" for t, w in locked.items()),
                          "every tab is locked, left alone: " + "; ".join(f"{t} ({w})" for t, w in locked.items()))
    if not layouts:
        from ..core.errors import WorkbookError
        raise WorkbookError(f"ไม่พบแผ่นงาน {tpl.sheet_name}", f"no {sheet_kind.name} sheet found ({tpl.sheet_name})")
    layout = layouts[0]
    sheet_name = layout.sheet
    meta = read_meta(grids.get(META_SHEET))
    plan = PushPlan(sheet_name, version_from=meta.get("template_version"), version_to=canonical.version,
                    locked=locked)
    canon = {row["code"]: row for _, row in canonical.indicators.iterrows()}
    tables = [plan_table(grids[sheet_name], layout, tpl, canon, sheet_kind.code_key,
                         recorded_template(meta, sheet_name), stamp)]
    # tables keyed by the same codes (the details tab): only the columns the list gives
    given = set(canonical.indicators.columns)
    for ltpl, lay in sheet_kind.linked_tables({k: g for k, g in grids.items() if k not in locked}, tpl):
        tables.append(plan_table(grids[lay.sheet], lay, ltpl, canon, sheet_kind.code_key,
                                 recorded_template(meta, lay.sheet), stamp, keys=[k for k in lay.columns if k in given]))
    for t in tables:
        plan.ops += t.ops
        plan.changes += t.changes

    # -- archive and audit ----------------------------------------------------------------
    extra: dict[str, dict[Cell, object]] = {}
    if ARCHIVE_SHEET in grids:
        nxt = grids[ARCHIVE_SHEET].max_row + 1
        for i, t in enumerate(tables):
            if not t.archive_rows:
                continue
            if i:   # another table's columns: its own header above its rows
                extra.setdefault(ARCHIVE_SHEET, {}).update(
                    {(nxt, j + 1): v for j, v in enumerate(archive_header(t.template))})
                nxt += 1
            retires = [c for c in t.changes if c.kind == "retire"]
            for values, change in zip(t.archive_rows, retires):
                extra.setdefault(ARCHIVE_SHEET, {}).update({(nxt, j + 1): v for j, v in enumerate(values) if v is not None})
                change.new = f"{ARCHIVE_SHEET}!A{nxt}"
                nxt += 1
    audit_rows = [row for t in tables for row in t.audit_rows]
    if audit_rows and AUDIT_SHEET in grids:
        nxt = grids[AUDIT_SHEET].max_row + 1
        for i, values in enumerate(audit_rows):
            extra.setdefault(AUDIT_SHEET, {}).update({(nxt + i, j + 1): v for j, v in enumerate(values) if v is not None})

    # -- recalculated computed cells and the metadata -------------------------------------
    if not plan.changes and not plan.ops:
        plan.cells = {}
        if str(meta.get("template_version")) != str(canonical.version) and META_SHEET in grids:
            plan.cells[META_SHEET] = meta_cells(grids[META_SHEET], {"template_version": canonical.version})
        return plan
    main = tables[0]
    after, cells = main.after, main.cells
    result = next(r for r in sheet_kind.evaluate({**grids, **{t.sheet: t.after for t in tables}}, tpl)
                  if r.sheet == sheet_name)
    for sheet, other in result.other_cells.items():
        extra.setdefault(sheet, {}).update(other)
    if result.notes:
        plan.notes = {sheet_name: result.notes}
    for cell, v in result.desired.items():
        if not same_value(after.get(*cell), v):
            cells[cell] = v
            after.values[cell] = v
    plan.cells = {**{t.sheet: t.cells for t in tables}, **extra}
    if META_SHEET in grids:
        records = {f"template:{t.sheet}": json.dumps(template_cells(t.template, t.columns, t.final_rows,
                                                                    lambda r, c, g=t.after: g.get(r, c)),
                                                     ensure_ascii=False, separators=(",", ":")) for t in tables}
        plan.cells[META_SHEET] = meta_cells(grids[META_SHEET], {
            "template_version": canonical.version, **records, f"computed:{sheet_name}": result.recorded_blob()})
    return plan
