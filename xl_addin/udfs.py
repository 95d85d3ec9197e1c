"""Worksheet functions for people who prefer formulas (Windows desktop, xlwings UDFs),
computed by the same scoring core."""
from __future__ import annotations

import pandas as pd
import xlwings as xw

from sheets_sync.core.numbers import parse_number
from sheets_sync.core.scoring import score
from sheets_sync.kinds.template import load_template


@xw.func
@xw.arg("result")
def KPI_SCORE(result, c1, c2, c3, c4, c5, method="step"):  # noqa: N802 - Excel function names
    """Score of one indicator: =KPI_SCORE(result, c1, c2, c3, c4, c5, [method])."""
    r, ok = parse_number(result)
    if not ok:
        return "#VALUE! ผลไม่ใช่ตัวเลข / result is not a number"
    if r is None:
        return None
    frame = pd.DataFrame([{"weight": 0.0, "target": None, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5,
                           "result": r, "method": method or "step"}])
    for col in ("c1", "c2", "c3", "c4", "c5", "target"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    s = score(frame, load_template().scoring).iloc[0]
    return None if pd.isna(s) else float(s)


@xw.func
def KPI_WEIGHTED(weight, score_value):  # noqa: N802
    """Weighted score: =KPI_WEIGHTED(weight, score) = weight x score / 100."""
    if score_value is None or weight is None:
        return None
    return float(weight) * float(score_value) / load_template().scoring.weight_total
