"""A new scorecard laid out as seed 000: title, two header rows, dimension sections,
indicator rows, totals; computed columns green and locked, the status a coloured dot."""
from __future__ import annotations

import math

import pandas as pd

from .sheet_plan import BookPlan, ColourRule, SheetPlan, Validation, header_rows, helper_sheets, title_row
from .template import Template

STATUS_FORMAT_SECTIONS = 4


def status_format(template: Template) -> str:
    dot = f'"{template.status_dot}"'
    return ";".join([dot] * STATUS_FORMAT_SECTIONS)


def lay_out(template: Template, indicators: pd.DataFrame, *, unit=None, period=None) -> BookPlan:
    plan = SheetPlan(template.sheet_name, protected=True)
    cols = {f.key: i for i, f in enumerate(template.fields, 1)}
    last = len(template.fields)
    title_row(plan, template, unit, period, last)
    r = header_rows(plan, template, 2)
    first = r
    dims = list(dict.fromkeys([d or "" for d in indicators["dimension"].tolist()]))
    rows = []
    for dim in dims:
        if dim:
            plan.put((r, 1), dim, "section")
            for c in range(2, last + 1):
                plan.roles[(r, c)] = "section"
            plan.merges.append((r, 1, r, last))
            r += 1
        for _, ind in indicators[indicators["dimension"].fillna("") == dim].iterrows():
            for f in template.fields:
                # text keeps General (left, wrapped); numbers and the dot get formats, centred
                fmt = status_format(template) if f.type == "status" else (f.format if f.type == "number" else None)
                value = ind[f.key] if f.key in ind and f.owner == "template" else None
                plan.put((r, cols[f.key]), value, f.owner, fmt)
            rows.append(r)
            r += 1

    t = template.totals
    t1, t2 = r, r + 1
    plan.put((t1, cols.get("indicator", 1)), t["total_weight"]["label"], "total_label")
    plan.put((t1, cols["weight"]), None, "total", "0.00")
    ws_col = cols[t["total_weighted_score"]["column"]]
    plan.put((t1, ws_col - 1), t["total_weighted_score"]["label"], "total_label")
    plan.put((t1, ws_col), None, "total", template.fields[ws_col - 1].format)
    if "reported" in t:
        plan.put((t1, cols[t["reported"]["column"]]), None, "total")
    pc_col = cols[t["overall_percentage"]["column"]]
    plan.put((t2, pc_col - 1), t["overall_percentage"]["label"], "total_label")
    plan.put((t2, pc_col), None, "total", "0.00")
    plan.freeze = (first - 1, cols.get("weight", 1) - 1)

    if rows:
        res = cols["result"]
        plan.validations.append(Validation(
            (rows[0], res, rows[-1], res), "ผลการดำเนินงาน",
            "พิมพ์ผลเป็นตัวเลข เว้นว่างถ้ายังไม่รายงาน / type a number; leave empty if not reported",
            "ควรเป็นตัวเลข / should be a number"))
        st = cols["status"]
        plan.colour_rules += [ColourRule((rows[0], st, rows[-1], st), level.label, level.color)
                              for level in template.status_levels.values()]
    plan.fit_rows(template.font_size)
    plan.pages_tall = max(1, math.ceil(len(rows) / 10))     # one landscape page per 10 indicators
    return BookPlan(template, [plan, *helper_sheets(template)])
