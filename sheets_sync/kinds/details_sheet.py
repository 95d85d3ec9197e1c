"""The details tab (รายละเอียดตัวชี้วัด) of a scorecard workbook: laid out beside the
scorecard, one row per indicator keyed by its code, and checked against it.

Template-owned columns (name, description, each level's step text, the two roles) come
from the ministry's indicator list; the unit types the rest (people, phones, the
narratives, the evidence list). Which column is which is the template's ``details:``.
"""
from __future__ import annotations

import pandas as pd

from ..core.grid import Grid, a1
from ..core.problems import CATALOGUE, ERROR, WARNING, Problem, problem
from ..core.text import norm
from .indicator_details import DRAFT_MARK, NARRATIVE_KEYS, details_of_row, details_template, find_details
from .sheet_plan import SheetPlan, header_rows, template_cells, title_text
from .template import Template

MAX_ROW_POINTS = 409          # Excel's tallest row; a longer text scrolls inside its cell

# the details tab's own problems, beside the catalogue's (core knows no kind's tabs)
CATALOGUE.update({
    "details_unknown_code": (WARNING,
        "รหัส {code} ในแผ่นงานรายละเอียดไม่มีในแผ่นงานตัวชี้วัด (ข้อความในแถวนี้ไม่ถูกนำไปใช้)",
        "code {code} on the details tab is not an indicator of the scorecard (this row's text is not used)"),
    "details_duplicate_code": (ERROR,
        "รหัส {code} ในแผ่นงานรายละเอียดซ้ำกับแถว {first_row} (ใช้เฉพาะแถวแรก)",
        "code {code} repeats row {first_row} on the details tab (only the first row is used)"),
    "details_missing_row": (WARNING,
        "ตัวชี้วัด {code} ไม่มีแถวในแผ่นงานรายละเอียด (push-template จะเพิ่มให้)",
        "indicator {code} has no row on the details tab (push-template adds it)"),
    "evidence_missing": (WARNING,
        "ตัวชี้วัด {code} ได้คะแนน {score} แต่ยังไม่มีหลักฐานอ้างอิง",
        "indicator {code} scores {score} but lists no evidence"),
})


def details_plan(template: Template, indicators: pd.DataFrame, *, unit=None, period=None) -> SheetPlan | None:
    """The details tab of a new workbook, or None when the template describes none."""
    dtpl = details_template(template)
    if dtpl is None:
        return None
    plan = SheetPlan(dtpl.sheet_name, protected=True, text_top=True)
    width = len(dtpl.fields)
    plan.put((1, 1), title_text(dtpl, unit, period) if dtpl.title else dtpl.sheet_name, "title")
    for c in range(2, width + 1):
        plan.roles[(1, c)] = "title"
    plan.merges.append((1, 1, 1, width))
    r = first = header_rows(plan, dtpl, 2)
    for _, ind in indicators.iterrows():
        for c, f in enumerate(dtpl.fields, 1):
            value = None
            if f.owner == "template":   # an empty role means the usual one (IndicatorDetails' default)
                value = ind.get(f.key) if f.key in ind.index else None
            plan.put((r, c), value, f.owner)
        r += 1
    plan.freeze = (first - 1, 2)
    plan.fit_rows(template.font_size)
    plan.heights = {r: min(h, MAX_ROW_POINTS) for r, h in plan.heights.items()}
    return plan


def template_record(plan: SheetPlan, template: Template) -> dict[str, object]:
    """What init wrote to the tab's template-owned cells (push-template tells a unit's
    edit from a ministry change by it)."""
    dtpl = details_template(template)
    cols = {f.key: c for c, f in enumerate(dtpl.fields, 1)}
    rows = sorted({r for (r, c) in plan.values if c == cols["code"] and plan.roles.get((r, c)) == "template"})
    return template_cells(dtpl, cols, rows, lambda r, c: plan.values.get((r, c)))


def check_details(grids: dict[str, Grid], template: Template, scored: dict[str, float],
                  max_score: float, where: dict[str, tuple[str, str]] | None = None) -> tuple[dict, list[Problem], str]:
    """The details tab read by code and what is wrong with it: a code the scorecard does
    not have, a code twice, an indicator without a row, the top score with no evidence.
    ``scored``: the scorecard's code -> score (None: not reported); ``where``: code -> its
    (sheet, cell) on the scorecard, named by a missing row's problem. Returns (details by
    code, problems, the tab's name); nothing at all without a tab."""
    found = find_details(grids, template)
    if found is None:
        return {}, [], ""
    dtpl, layout = found
    grid = grids[layout.sheet]
    code_col = layout.columns["code"]
    details, first_row, problems = {}, {}, list(layout.problems)
    cells_of = where or {}
    for r in layout.indicator_rows:
        d = details_of_row(grid, layout, r)
        at = a1(r, code_col)
        if d.code in first_row:
            problems.append(problem("details_duplicate_code", layout.sheet, at, d.code, first_row=first_row[d.code]))
            continue
        first_row[d.code] = r
        details[d.code] = d
        if d.code not in scored:
            problems.append(problem("details_unknown_code", layout.sheet, at, d.code))
            continue
        score = scored[d.code]
        if score is not None and score >= max_score and not d.evidence:
            col = layout.columns.get("evidence", code_col)
            problems.append(problem("evidence_missing", layout.sheet, a1(r, col), d.code, score=norm(score)))
    missing = [c for c in scored if c not in details]
    problems += [problem("details_missing_row", *cells_of.get(c, (layout.sheet, "")), c) for c in missing]
    return {c: d for c, d in details.items() if c in scored}, problems, layout.sheet


def carried_drafts(old: dict[str, Grid], new: dict[str, Grid], template: Template,
                   mark: str = DRAFT_MARK) -> dict[str, dict]:
    """What a new round's details tab starts from (new-round): the last round's people and
    phones as they were, its narratives and evidence marked as drafts (``(ร่าง) ...``; the
    evidence list's mark on a line of its own, so its items stay numbered), by code, into
    the new tab's empty unit-owned cells. Returns {tab: {cell: value}}; nothing without
    a details tab on either side."""
    before, after = find_details(old, template), find_details(new, template)
    if before is None or after is None:
        return {}
    dtpl, lay = after
    _, old_lay = before
    grid, old_grid = new[lay.sheet], old[old_lay.sheet]
    old_rows = {norm(old_grid.get(r, old_lay.columns["code"])): r for r in old_lay.indicator_rows}
    cells = {}
    for r in lay.indicator_rows:
        src = old_rows.get(norm(grid.get(r, lay.columns["code"])))
        if src is None:
            continue
        for f in dtpl.fields:
            if f.owner != "unit" or f.key not in lay.columns or f.key not in old_lay.columns:
                continue
            value = old_grid.get(src, old_lay.columns[f.key])
            if value in (None, "") or grid.get(r, lay.columns[f.key]) not in (None, ""):
                continue
            if f.key in NARRATIVE_KEYS and isinstance(value, str) and not value.startswith(mark):
                value = f"{mark}\n{value}" if f.key == "evidence" else f"{mark} {value}"
            cells[(r, lay.columns[f.key])] = value
    return {lay.sheet: cells} if cells else {}
