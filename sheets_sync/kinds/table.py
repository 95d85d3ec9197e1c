"""What kinds shaped as one table keyed by a code column share (ITA, action plans, a
ministry's own lists): finding the table, reading it, computed columns from a frame,
a summary tab computed whole, and a plain layout for a new sheet."""
from __future__ import annotations

from abc import abstractmethod

import pandas as pd

from ..core.grid import Cell, Grid, a1, differing, plain, same_value
from ..core.problems import Problem, problem
from .base import Kind, SheetResult
from .scorecard import hand_edits
from .layout import Layout, find_tables
from .meta import ARCHIVE_SHEET, AUDIT_SHEET, META_SHEET
from .sheet_plan import BookPlan, SheetPlan, grown_rows, header_rows, helper_sheets, title_row
from .template import Template


class TableKind(Kind):
    """A table kind implements ``compute`` (and may add a summary tab and totals)."""

    @abstractmethod
    def compute(self, raw: pd.DataFrame, layout: Layout, template: Template,
                problems: list[Problem]) -> pd.DataFrame:
        """Computed values by field key (index = sheet row); append input problems."""

    def summary_rows(self, template: Template, raw: pd.DataFrame, computed: pd.DataFrame) -> list[list]:
        """The rows of the workbook's summary tab (``summary_sheet`` in the template)."""
        return []

    def table_totals(self, raw: pd.DataFrame, computed: pd.DataFrame, summary: list[list]) -> dict:
        return {"items": len(raw)}

    def frame(self, grid: Grid, layout: Layout) -> pd.DataFrame:
        data = {k: [grid.get(r, c) for r in layout.indicator_rows] for k, c in layout.columns.items()}
        raw = pd.DataFrame(data, index=pd.Index(layout.indicator_rows, name="row"), dtype=object)
        raw["code"] = raw["code"].map(self.code_key)
        return raw

    def evaluate(self, grids, template, *, options=None, recorded=None):
        skip = (META_SHEET, ARCHIVE_SHEET, AUDIT_SHEET, template.summary_sheet or META_SHEET)
        layouts = find_tables(grids, template, self.code_key, skip=skip)
        if not layouts:
            return []
        layout = layouts[0]      # one table per workbook; a second copy is ignored
        grid = grids[layout.sheet]
        raw = self.frame(grid, layout)
        problems = list(layout.problems)
        cols = layout.columns
        computed = self.compute(raw, layout, template, problems)
        first_row: dict[str, int] = {}
        for r in raw.index:
            c = raw.at[r, "code"]
            if c in first_row:
                problems.append(problem("duplicate_code", layout.sheet, a1(r, cols["code"]), c,
                                        first_row=first_row[c]))
            first_row.setdefault(c, r)
        desired: dict[Cell, object] = {}
        names: dict[Cell, str] = {}      # "code|key": the same cell after a person inserts or moves rows
        for key in computed.columns:
            if key in cols and template.field(key).owner == "computed":
                desired.update({(r, cols[key]): plain(computed.at[r, key]) for r in raw.index})
                names.update({(r, cols[key]): f"{raw.at[r, 'code']}|{key}" for r in raw.index})
        changes = differing(grid, desired)
        problems += hand_edits(grid, changes, None if recorded is None else recorded.get(layout.sheet, {}), names)
        summary = self.summary_rows(template, raw, computed)
        other: dict[str, dict[Cell, object]] = {}
        sheet = template.summary_sheet
        if sheet and sheet in grids:
            wanted = {(i, j): v for i, row in enumerate(summary, 1) for j, v in enumerate(row, 1) if v is not None}
            have = grids[sheet]
            cells = {c: v for c, v in wanted.items() if not same_value(have.get(*c), v)}
            cells.update({c: None for c in have.values if c not in wanted})
            if cells:
                other[sheet] = cells
        shown = computed.astype(object).where(computed.notna(), None)
        report = [{"code": code, **{k: plain(v) for k, v in rec.items()}}
                  for code, rec in zip(raw["code"], shown.to_dict("records"))]
        return [SheetResult(self.name, layout.sheet, layout, raw, computed,
                            self.table_totals(raw, computed, summary), desired, problems, changes,
                            other_cells=other, report_rows=report, names=names,
                            heights=grown_rows(grid, layout.indicator_rows, template.font_size, desired))]

    def lay_out(self, template, rows, *, unit, period):
        return lay_out_table(template, rows, unit=unit, period=period)


def lay_out_table(template: Template, frame: pd.DataFrame, *, unit=None, period=None) -> BookPlan:
    plan = SheetPlan(template.sheet_name, protected=True)
    width = len(template.fields)
    title_row(plan, template, unit, period, width)
    r = header_rows(plan, template, 2)
    plan.freeze = (r - 1, 1)
    for rec in frame.to_dict("records"):
        for c, f in enumerate(template.fields, 1):
            v = rec.get(f.key)
            v = None if v is None or (isinstance(v, float) and pd.isna(v)) else v
            plan.put((r, c), v, f.owner, f.format if f.format != "General" else None)
        r += 1
    plan.fit_rows(template.font_size)
    sheets = [plan]
    if template.summary_sheet:
        sheets.append(SheetPlan(template.summary_sheet, protected=True))
    return BookPlan(template, [*sheets, *helper_sheets(template)])
