"""Cumulative indicators with one input column per quarter (seed 000's ศปท.5: "ไตรมาสที่ 1
จำนวน 5 เรื่อง ไตรมาสที่ 2 จำนวน 5 เรื่อง รวม 10 เรื่อง" -> 10). Pure.

A template that has the fields ``q1`` .. ``q4`` (ไตรมาส 1..4, unit-owned; see
templates/scorecard_quarters.yaml) gives the scorecard those columns. On a row where the
unit typed any quarter, the result is computed: the sum of the quarters up to the
sheet's round (quarters 1-3 in round 3/2567 or 9m/2567); a row without quarter figures
keeps the result the unit typed. A quarter typed beyond the round stays in its cell and
counts from its own round on; a quarter that is not a number leaves the result empty
(an error names its cell) rather than a sum short of it.
"""
from __future__ import annotations

import pandas as pd

from ..core.grid import Cell, a1
from ..core.numbers import parse_numbers
from ..core.problems import Problem, problem

QUARTERS = ("q1", "q2", "q3", "q4")


def quarter_keys(columns) -> list[str]:
    return [k for k in QUARTERS if k in columns]


def quarters_upto(grids: dict, sheet: str) -> int:
    """How many quarters the tab's round reaches (its last fiscal month, rounded up to a
    quarter); all four when the round is not known."""
    from ..core.errors import SheetsSyncError
    from ..core.period import Period
    from .meta import META_SHEET, read_meta
    from .round_tabs import period_of_tab
    code = period_of_tab(read_meta(grids.get(META_SHEET)), sheet)
    try:
        return (Period.parse(code).last + 2) // 3 if code else 4
    except SheetsSyncError:
        return 4


def sum_quarters(raw: pd.DataFrame, layout, sheet: str, upto: int = 4
                 ) -> tuple[pd.DataFrame, dict[Cell, object], dict[Cell, str], list[Problem]]:
    """(the table with each quarter row's result replaced by its sum, the result cells to
    write, their stable names, problems of quarter cells that are not numbers)."""
    keys = quarter_keys(layout.columns)
    if not keys or "result" not in layout.columns or raw.empty:
        return raw, {}, {}, []
    counted = [k for k in keys if int(k[1]) <= upto]
    parsed = {k: parse_numbers(raw[k]) for k in keys}
    if not counted:
        return raw, {}, {}, []
    typed = pd.concat([raw[k].map(lambda v: v not in (None, "")) for k in counted], axis=1).any(axis=1)
    out, desired, names, problems = raw.copy(), {}, {}, []
    col = layout.columns["result"]
    for r in raw.index[typed]:
        bad = [k for k in counted if parsed[k][1].at[r]]
        problems += [problem("result_not_number", sheet, a1(r, layout.columns[k]), value=raw.at[r, k]) for k in bad]
        values = [parsed[k][0].at[r] for k in counted if not parsed[k][1].at[r] and not pd.isna(parsed[k][0].at[r])]
        total = sum(values) if values and not bad else None     # never a sum short of a quarter
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        out.at[r, "result"] = total
        desired[(r, col)] = total
        names[(r, col)] = f"{raw.at[r, 'code']}|result"
    return out, desired, names, problems
