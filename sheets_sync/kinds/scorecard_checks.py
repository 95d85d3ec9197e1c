"""Validation of a scorecard's inputs: pure functions over the read frame."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.grid import a1
from .layout import Layout
from ..core.numbers import format_fixed
from ..core.problems import Problem, problem
from ..core.scoring import _HIGHER, _LOWER, normalise_method
from .template import CRITERIA, Template


def check_inputs(raw: pd.DataFrame, num: pd.DataFrame, bad: dict[str, pd.Series],
                 layout: Layout, template: Template) -> tuple[list[Problem], pd.Series]:
    """Problems in the typed inputs, and a mask of rows whose definition is unusable."""
    sheet, cols = layout.sheet, layout.columns
    out: list[Problem] = []
    unusable = pd.Series(False, index=num.index)

    def at(r, key):
        return a1(r, cols[key])

    index = num.index.tolist()
    codes = raw["code"].tolist()
    first_row: dict[str, int] = {}
    for r, code in zip(index, codes):
        if code in first_row:
            out.append(problem("duplicate_code", sheet, at(r, "code"), code, first_row=first_row[code]))
        else:
            first_row[code] = r

    for r in num.index[bad["weight"]]:
        out.append(problem("weight_not_number", sheet, at(r, "weight"), raw.at[r, "code"], value=raw.at[r, "weight"]))
    for r in (num.index[num["weight"].isna() & ~bad["weight"]] if "weight" in layout.columns else ()):
        out.append(problem("weight_missing", sheet, at(r, "weight"), raw.at[r, "code"]))

    # Rows are looked at one by one only where a check fails (a sheet of 10,000 good rows
    # costs a few array operations).
    crit = num[list(CRITERIA)].to_numpy(dtype="float64")
    holes_at = np.isnan(crit)
    with np.errstate(invalid="ignore"):
        d_all = np.diff(crit, axis=1)
    monotonic = (d_all > 0).all(axis=1) | (d_all < 0).all(axis=1)
    flagged = holes_at.any(axis=1) | ~monotonic
    words = None
    if "direction" in raw:
        words = [str(v or "").strip().lower() for v in raw["direction"].tolist()]
        falling_all = d_all[:, 0] < 0
        flagged |= np.array([(w in _LOWER and not f) or (w in _HIGHER and f) for w, f in zip(words, falling_all)],
                            dtype=bool)
    for i in np.flatnonzero(flagged).tolist():
        r, code, row = index[i], codes[i], crit[i]
        holes = [k for k in range(5) if np.isnan(row[k])]
        for k in holes:
            out.append(problem("criteria_missing", sheet, at(r, CRITERIA[k]), code, level=k + 1,
                               value=raw.at[r, CRITERIA[k]]))
        if holes:
            unusable[r] = True
            continue
        d = d_all[i]
        if not ((d > 0).all() or (d < 0).all()):
            out.append(problem("criteria_not_monotonic", sheet, f"{at(r, 'c1')}:{at(r, 'c5')}", code,
                               values=" ".join(format_fixed(v, 2).rstrip("0").rstrip(".") for v in row)))
            unusable[r] = True
            continue
        if words is not None:
            word = words[i]
            falling = d[0] < 0
            if (word in _LOWER and not falling) or (word in _HIGHER and falling):
                out.append(problem("direction_conflict", sheet, at(r, "direction"), code,
                                   direction=raw.at[r, "direction"],
                                   order="ลง" if falling else "ขึ้น",
                                   order_en="fall" if falling else "rise"))
                unusable[r] = True

    if "method" in raw:
        methods = normalise_method(raw["method"], template.scoring.method)
        for r in num.index[methods.isna()]:
            out.append(problem("method_unknown", sheet, at(r, "method"), raw.at[r, "code"], value=raw.at[r, "method"]))
            unusable[r] = True

    for r in num.index[bad["result"]]:
        out.append(problem("result_not_number", sheet, at(r, "result"), raw.at[r, "code"], value=raw.at[r, "result"]))
    for r in num.index[num["result"].isna() & ~bad["result"]]:
        out.append(problem("result_not_reported", sheet, at(r, "result"), raw.at[r, "code"]))

    # Milestone indicators (thresholds exactly 1..5) take the whole step completed.
    milestone = (num[list(CRITERIA)].to_numpy() == np.arange(1, 6)).all(axis=1)
    res = num["result"].to_numpy()
    # outside 0..5 it is no step at all (80% typed on a milestone scored 5): an error, not scored
    outside = milestone & ~np.isnan(res) & ((res < 0) | (res > 5))
    odd = milestone & ~np.isnan(res) & ~outside & (res != np.round(res))
    for r, off in zip(num.index[outside | odd], outside[outside | odd]):     # in row order, as the small path
        out.append(problem("milestone_out_of_range" if off else "milestone_not_step", sheet, at(r, "result"),
                           raw.at[r, "code"], value=raw.at[r, "result"]))
        if off:
            unusable[r] = True

    weights = num["weight"]
    total = float(weights.sum())
    if len(num) and abs(total - template.scoring.weight_total) > 1e-6:
        where = layout.totals.get("total_weight")
        cell = a1(*where) if where else f"{at(num.index[0], 'weight')}:{at(num.index[-1], 'weight')}"
        out.append(problem("weight_sum", sheet, cell, total=format_fixed(total, 2),
                           expected=format_fixed(template.scoring.weight_total, 2)))
    return out, unusable
