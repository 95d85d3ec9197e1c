"""The scorecard layout as data: what goes in which cell, with which role.

Backends render a SheetPlan (openpyxl for .xlsx, Sheets API requests for Google),
so both produce the same sheet: seed 000's layout.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from ..core.grid import Cell, Grid
from .meta import ARCHIVE_SHEET, AUDIT_HEADER, AUDIT_SHEET  # noqa: F401 - re-exported for writers
from .scorecard import evaluate, recorded_blob
from .template import Template

STATUS_FORMAT_SECTIONS = 4


@dataclass
class SheetPlan:
    template: Template
    name: str
    values: dict[Cell, object] = field(default_factory=dict)
    roles: dict[Cell, str] = field(default_factory=dict)     # title header section template unit computed total_label total
    formats: dict[Cell, str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)   # points; wrapped Thai text needs room
    columns: dict[str, int] = field(default_factory=dict)
    header_rows: tuple[int, int] = (2, 3)
    indicator_rows: list[int] = field(default_factory=list)
    last_row: int = 0
    meta: list[tuple[str, object]] = field(default_factory=list)

    @property
    def last_col(self) -> int:
        return len(self.template.fields)

    def status_format(self) -> str:
        dot = f'"{self.template.status_dot}"'
        return ";".join([dot] * STATUS_FORMAT_SECTIONS)

    def grid(self) -> Grid:
        return Grid(self.name, dict(self.values))


LINE_POINTS = 22.0   # one line of 16 pt TH SarabunPSK / TH Sarabun New


def visible_length(text: str) -> int:
    """Characters that take width: Thai vowel and tone marks sit above or below."""
    import unicodedata
    return sum(1 for ch in str(text) if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def row_heights(plan: "SheetPlan") -> dict[int, float]:
    """Neither Excel nor LibreOffice grows a row for wrapped text on opening a file, so
    estimate the lines each row needs from its longest wrapped cell."""
    import math
    merged = {(r1, c) for r1, c1, r2, c2 in plan.merges for c in range(c1, c2 + 1) if c2 > c1 and r1 == r2}
    heights = {}
    for r in range(1, plan.last_row + 1):
        lines = 1
        for c in range(1, plan.last_col + 1):
            v = plan.values.get((r, c))
            if v is None or (r, c) in merged:
                continue
            per_line = max(plan.widths.get(c, 10) / 1.15, 1)
            lines = max(lines, math.ceil(visible_length(v) / per_line))
        heights[r] = min(lines, 12) * LINE_POINTS + 4
    return heights


def title_text(template: Template, unit: str | None, period: str | None) -> str:
    return template.title.format(unit=f" {unit}" if unit else "", period=period or "…/…").strip()




def archive_header(template: Template) -> list[str]:
    return ["เวลาที่ยกเลิก / retired at"] + [f.label if not f.group else f"{f.group} {f.label}"
                                              for f in template.fields]


def template_cells(template: Template, columns: dict[str, int], rows: list[int], value_of) -> dict[str, object]:
    """Template-owned cells of indicator rows -> value: what sheets-sync last wrote there."""
    from ..core.grid import a1
    out = {}
    for r in rows:
        for f in template.fields:
            if f.owner == "template" and f.key in columns:
                v = value_of(r, columns[f.key])
                out[a1(r, columns[f.key])] = None if v is None or (isinstance(v, float) and pd.isna(v)) else v
    return out


def build_plan(template: Template, indicators: pd.DataFrame, unit: str | None = None,
               period: str | None = None, version: int | None = None) -> SheetPlan:
    plan = SheetPlan(template, template.sheet_name)
    cols = {f.key: i for i, f in enumerate(template.fields, 1)}
    plan.columns = cols
    last = plan.last_col

    def put(cell, value, role, fmt=None):
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            plan.values[cell] = value
        plan.roles[cell] = role
        if fmt:
            plan.formats[cell] = fmt

    put((1, 1), title_text(template, unit, period), "title")
    plan.merges.append((1, 1, 1, last))
    # Two header rows: grouped fields get a merged group label above their leaf label.
    for i, f in enumerate(template.fields, 1):
        plan.widths[i] = f.width
        if f.group:
            put((3, i), int(f.label) if f.label.isdigit() else f.label, "header")
            put((2, i), f.group if (i == 1 or template.fields[i - 2].group != f.group) else None, "header")
        else:
            put((2, i), f.label, "header")
            put((3, i), None, "header")
            plan.merges.append((2, i, 3, i))
    for f in template.fields:
        if f.group and (cols[f.key] == 1 or template.fields[cols[f.key] - 2].group != f.group):
            span = [g for g in template.fields if g.group == f.group]
            plan.merges.append((2, cols[f.key], 2, cols[f.key] + len(span) - 1))

    r = 4
    dims = list(dict.fromkeys([d or "" for d in indicators["dimension"].tolist()]))
    for dim in dims:
        if dim:
            put((r, 1), dim, "section")
            for c in range(2, last + 1):
                plan.roles[(r, c)] = "section"
            plan.merges.append((r, 1, r, last))
            r += 1
        for _, ind in indicators[indicators["dimension"].fillna("") == dim].iterrows():
            for f in template.fields:
                c = cols[f.key]
                # text keeps General (left, wrapped); numbers and the dot get formats, centred
                fmt = plan.status_format() if f.type == "status" else (f.format if f.type == "number" else None)
                value = ind[f.key] if f.key in ind and f.owner == "template" else None
                put((r, c), value, f.owner, fmt)
            plan.indicator_rows.append(r)
            r += 1

    t = template.totals
    t1, t2 = r, r + 1
    label_col = cols.get("indicator", 1)
    put((t1, label_col), t["total_weight"]["label"], "total_label")
    put((t1, cols["weight"]), None, "total", "0.00")
    ws_col = cols[t["total_weighted_score"]["column"]]
    put((t1, ws_col - 1), t["total_weighted_score"]["label"], "total_label")
    put((t1, ws_col), None, "total", template.fields[ws_col - 1].format)
    if "reported" in t:
        put((t1, cols[t["reported"]["column"]]), None, "total")
    pc_col = cols[t["overall_percentage"]["column"]]
    put((t2, pc_col - 1), t["overall_percentage"]["label"], "total_label")
    put((t2, pc_col), None, "total", "0.00")
    plan.last_row = t2

    plan.heights = row_heights(plan)
    plan.meta = [("sheets-sync", "ข้อมูลระบบ ห้ามแก้ไข / system data, do not edit"),
                 ("template", template.name), ("kind", template.kind),
                 ("template_version", version or template.version), ("unit", unit or ""), ("period", period or ""),
                 # not ISO 8601: xlwings' remote engine parses such strings as dates
                 ("created", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))]
    # Fill the computed cells so a new file is already consistent, and record them.
    result = evaluate(plan.grid(), template, recorded={})
    plan.values.update({c: v for c, v in result.desired.items() if v is not None})
    plan.meta.append((f"computed:{plan.name}", recorded_blob(result)))
    tcells = template_cells(template, cols, plan.indicator_rows, lambda r, c: plan.values.get((r, c)))
    plan.meta.append((f"template:{plan.name}", json.dumps(tcells, ensure_ascii=False, separators=(",", ":"))))
    return plan
