"""One scorecard sheet, evaluated: inputs read from a Grid, checked, scored, and
turned into the computed cells it should hold. Backend-neutral and free of I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .scorecard_checks import check_inputs
from ..core.grid import Cell, Grid, a1, same_value
from .layout import Layout, discover, norm
from .meta import blob
from ..core.numbers import format_fixed, parse_numbers
from ..core.problems import ERROR, Problem, problem
from ..core.scoring import compute, rounded
from .template import CRITERIA, ScoringOptions, Template

NUMERIC = ("weight", "target", *CRITERIA, "result")


@dataclass
class SheetResult:
    sheet: str
    layout: Layout
    inputs: pd.DataFrame           # raw text/values by field, index = sheet row
    numbers: pd.DataFrame          # parsed numeric inputs
    rows: pd.DataFrame             # rounded computed values per indicator row
    exact: pd.DataFrame            # unrounded computed values
    totals: dict
    desired: dict[Cell, object]    # every computed cell -> value it must hold
    problems: list[Problem] = field(default_factory=list)
    changes: dict[Cell, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


def read_frame(grid: Grid, layout: Layout) -> pd.DataFrame:
    cols = layout.columns
    data = {key: [grid.get(r, c) for r in layout.indicator_rows] for key, c in cols.items()}
    raw = pd.DataFrame(data, index=pd.Index(layout.indicator_rows, name="row"), dtype=object)
    raw["code"] = raw["code"].map(norm)
    raw["dimension"] = [layout.dimension_of.get(r, "") for r in layout.indicator_rows]
    return raw


def parse_inputs(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    num = pd.DataFrame(index=raw.index)
    bad = {}
    for key in NUMERIC:
        col = raw[key] if key in raw else pd.Series([None] * len(raw), index=raw.index, dtype=object)
        num[key], bad[key] = parse_numbers(col)
    for key in ("method", "direction"):
        if key in raw:
            num[key] = raw[key]
    return num, bad


def _cell_value(key: str, value, template: Template):
    if key == "status":
        return template.status_label(value)
    return None if pd.isna(value) else float(value)


def reported_text(totals: dict) -> str:
    n, total = totals["reported"], totals["indicators"]
    if totals["complete"]:
        return f"รายงานครบ {n}/{total} ตัวชี้วัด"
    return f"รายงานแล้ว {n}/{total} ตัวชี้วัด (ยังไม่ครบ / incomplete)"


def evaluate(grid: Grid, template: Template, options: ScoringOptions | None = None,
             recorded: dict[str, object] | None = None) -> SheetResult | None:
    """Evaluate one sheet. None when it is not a scorecard. ``recorded`` is what
    sheets-sync last wrote to its computed cells (from the metadata sheet)."""
    layout = discover(grid, template)
    if layout is None:
        return None
    options = options or template.scoring
    problems = list(layout.problems)
    if any(p.kind == "missing_column" for p in problems):
        empty = pd.DataFrame()
        return SheetResult(grid.name, layout, empty, empty, empty, empty, {}, {}, problems)

    raw = read_frame(grid, layout)
    num, bad = parse_inputs(raw)
    found, unusable = check_inputs(raw, num, bad, layout, template)
    problems += found
    scored = num.copy()
    scored.loc[unusable, "result"] = np.nan
    exact, totals = compute(scored, options)
    rows, shown = rounded(exact, totals, options)

    desired: dict[Cell, object] = {}
    for r in rows.index:
        for key in ("score", "percentage", "weighted_score", "status"):
            if key in layout.columns:
                desired[(r, layout.columns[key])] = _cell_value(key, rows.at[r, key], template)
    values = {"total_weight": shown["weight"], "total_weighted_score": shown["weighted_score"],
              "overall_percentage": shown["percentage"], "reported": reported_text(shown)}
    for key, spec in template.totals.items():
        if key in layout.totals:
            desired[layout.totals[key]] = values[key]
        elif "label" in spec:
            problems.append(problem("missing_total_row", grid.name, "", label=spec["label"]))

    problems += _hand_edits(grid, desired, recorded, template)
    result = SheetResult(grid.name, layout, raw, num, rows, exact, shown, desired, problems)
    result.changes = {cell: v for cell, v in desired.items()
                      if cell in grid.formulas or not same_value(grid.get(*cell), v)}
    return result


def _hand_edits(grid: Grid, desired: dict[Cell, object], recorded: dict | None,
                template: Template) -> list[Problem]:
    """Computed cells a person changed: a formula, or a value sheets-sync did not write."""
    out = []
    for cell, want in desired.items():
        ref = a1(*cell)
        if cell in grid.formulas:
            out.append(problem("computed_formula", grid.name, ref, value=grid.formulas[cell]))
            continue
        if recorded is None:
            continue
        have = grid.get(*cell)
        if have in (None, "") or same_value(have, want):
            continue
        if ref not in recorded or not same_value(have, recorded[ref]):
            out.append(problem("computed_overwritten", grid.name, ref, value=have,
                               expected=_show(want)))
    return out


def _show(v) -> str:
    if v is None:
        return "(ว่าง / empty)"
    return format_fixed(v, 3) if isinstance(v, float) else str(v)


def recorded_blob(result: SheetResult) -> str:
    return blob(result.desired)
