"""A scorecard sheet of a few rows evaluated in plain Python: the same SheetResult as the
vectorised path (kinds/scorecard.py), without its few dozen small pandas objects.

A ministry reads hundreds of 7-row sheets; on those, building Series and frames cost ten
times the arithmetic. Only the three frames the result holds (inputs, numbers, rows) are
built, each once. tests/test_scorecard_small.py proves both paths equal on random sheets.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core.grid import Cell, a1, plain
from ..core.numbers import format_fixed, parse_number, round_half_up, round_half_up_array
from ..core.problems import Problem, not_at, problem
from ..core.scoring import (_HIGHER, _LOWER, _method_code, _method_word, _status_array, descending_array,
                            method_codes, score_arrays)
from ..core.score_notes import ScoreNotes
from .base import SheetResult
from .sheet_plan import grown_rows
from .template import CRITERIA, Template

# Up to this many indicator rows the plain path is faster (a ministry's 7 to 30).
SMALL_ROWS = 64
NUMERIC = ("weight", "target", *CRITERIA, "result")
COMPUTED = ("score", "percentage", "weighted_score", "status")


def _total(values: np.ndarray) -> float:
    """Series.sum's float: NaN as 0, numpy's own (pairwise) order of addition."""
    return float(np.where(np.isnan(values), 0.0, values).sum())


def as_lists(raw: pd.DataFrame) -> dict[str, list]:
    """Every column as a list, from one array (a column lookup each costs more than a row's sums)."""
    return dict(zip(raw.columns.tolist(), raw.to_numpy(dtype=object).T.tolist())) if len(raw) else \
        {k: [] for k in raw.columns.tolist()}


def parse_columns(raw: pd.DataFrame, typed: dict[str, list]) -> tuple[pd.DataFrame, dict, dict]:
    """kinds/scorecard.parse_inputs with lists: (the numbers frame, its number columns as
    arrays, bad masks as arrays)."""
    n, cols, bad = len(raw), {}, {}
    for key in NUMERIC:
        values = typed[key] if key in typed else [None] * n
        parsed = [parse_number(v) for v in values]
        cols[key] = np.array([np.nan if x is None else x for x, _ in parsed], dtype="float64")
        bad[key] = np.array([not ok for _, ok in parsed], dtype=bool)
    numbers = {**cols, **{k: raw[k] for k in ("method", "direction") if k in raw}}
    return pd.DataFrame(numbers, index=raw.index), cols, bad


def check_columns(index: list, typed: dict[str, list], cols: dict[str, np.ndarray], bad: dict[str, np.ndarray],
                  layout, template: Template) -> tuple[list[Problem], list[bool]]:
    """kinds/scorecard_checks.check_inputs row by row, problems in the same order."""
    sheet, where = layout.sheet, layout.columns
    codes = typed["code"]
    n = len(index)
    out: list[Problem] = []
    unusable = [False] * n

    def at(r, key):
        return a1(r, where[key])

    first_row: dict[str, int] = {}
    for r, code in zip(index, codes):
        if code in first_row:
            out.append(problem("duplicate_code", sheet, at(r, "code"), code, first_row=first_row[code]))
        else:
            first_row[code] = r
    for i in np.flatnonzero(bad["weight"]).tolist():
        out.append(problem("weight_not_number", sheet, at(index[i], "weight"), codes[i], value=typed["weight"][i]))
    for i in (np.flatnonzero(np.isnan(cols["weight"]) & ~bad["weight"]).tolist() if "weight" in where else ()):
        out.append(problem("weight_missing", sheet, at(index[i], "weight"), codes[i]))

    crit = [[cols[k][i].item() for k in CRITERIA] for i in range(n)]
    words = [str(v or "").strip().lower() for v in typed["direction"]] if "direction" in typed else None
    for i in range(n):
        r, code, row = index[i], codes[i], crit[i]
        holes = [k for k in range(5) if math.isnan(row[k])]
        d = [b - a for a, b in zip(row, row[1:])]
        monotonic = all(x > 0 for x in d) or all(x < 0 for x in d)
        falling = d[0] < 0
        conflict = words is not None and ((words[i] in _LOWER and not falling) or (words[i] in _HIGHER and falling))
        if holes:
            for k in holes:
                out.append(problem("criteria_missing", sheet, at(r, CRITERIA[k]), code, level=k + 1,
                                   value=typed[CRITERIA[k]][i]))
            unusable[i] = True
        elif not monotonic:
            out.append(problem("criteria_not_monotonic", sheet, f"{at(r, 'c1')}:{at(r, 'c5')}", code,
                               values=" ".join(format_fixed(v, 2).rstrip("0").rstrip(".") for v in row)))
            unusable[i] = True
        elif conflict:
            out.append(problem("direction_conflict", sheet, at(r, "direction"), code,
                               direction=typed["direction"][i], order="ลง" if falling else "ขึ้น",
                               order_en="fall" if falling else "rise"))
            unusable[i] = True

    if "method" in typed:
        for i, v in enumerate(typed["method"]):
            w = _method_word(v, template.scoring.method)
            if isinstance(w, float) and math.isnan(w):
                out.append(problem("method_unknown", sheet, at(index[i], "method"), codes[i], value=v))
                unusable[i] = True

    result = cols["result"].tolist()
    for i in np.flatnonzero(bad["result"]).tolist():
        out.append(problem("result_not_number", sheet, at(index[i], "result"), codes[i], value=typed["result"][i]))
    for i in range(n):
        if math.isnan(result[i]) and not bad["result"][i]:
            out.append(problem("result_not_reported", sheet, at(index[i], "result"), codes[i]))
    for i in range(n):   # milestone indicators (thresholds exactly 1..5) take whole steps
        x = result[i]
        if crit[i] != [1, 2, 3, 4, 5] or math.isnan(x):
            continue
        if x < 0 or x > 5:      # no step at all (80% typed on a milestone): an error, not scored
            out.append(problem("milestone_out_of_range", sheet, at(index[i], "result"), codes[i],
                               value=typed["result"][i]))
            unusable[i] = True
        elif not x.is_integer():
            out.append(problem("milestone_not_step", sheet, at(index[i], "result"), codes[i],
                               value=typed["result"][i]))

    total = _total(cols["weight"])
    if n and abs(total - template.scoring.weight_total) > 1e-6:
        spot = layout.totals.get("total_weight")
        cell = a1(*spot) if spot else f"{at(index[0], 'weight')}:{at(index[-1], 'weight')}"
        out.append(problem("weight_sum", sheet, cell, total=format_fixed(total, 2),
                           expected=format_fixed(template.scoring.weight_total, 2)))
    return out, unusable


def scored_rows(num: pd.DataFrame, typed: dict[str, list], cols: dict[str, np.ndarray], unusable: np.ndarray,
                invalid: np.ndarray | None, options) -> tuple[pd.DataFrame, dict, dict, tuple]:
    """core/scoring.compute then rounded, on arrays: (rounded rows, their columns as lists,
    rounded totals, the direction and method arrays: core/scoring.word_arrays, for the notes)."""
    c = [cols[k] for k in CRITERIA]
    r = np.where(unusable, np.nan, cols["result"])
    desc = descending_array(c[0], c[-1], typed["direction"] if "direction" in typed else None)
    methods = method_codes(typed["method"], options.method) if "method" in typed else \
        np.full(len(r), _method_code(_method_word("", options.method)), dtype=np.int8)
    s = score_arrays(c, r, desc, methods, options)
    weighted = cols["weight"] * s / options.weight_total
    status = _status_array(desc, r, cols["target"], s, options)
    if invalid is not None:
        status = status.copy()
        status[invalid] = "invalid"
    d = options.decimals
    shown = {"score": round_half_up_array(s, d["score"]),
             "percentage": round_half_up_array(s / options.max_score * 100, d["percentage"]),
             "weighted_score": round_half_up_array(weighted, d["weighted_score"]),
             "status": pd.array(status, dtype="str")}
    # arrays, not Series: a Series in the dict is aligned on the index, half the frame's cost
    rows = pd.DataFrame(shown, index=num.index)
    reported = int(np.count_nonzero(~np.isnan(s)))
    total_weighted = _total(weighted)
    totals = {"weight": round_half_up(_total(cols["weight"]), 2),
              "weighted_score": round_half_up(total_weighted, d["weighted_score"]),
              "percentage": round_half_up(total_weighted / options.max_score * 100, d["percentage"]),
              "reported": reported, "indicators": len(r), "complete": reported == len(r)}
    return rows, {k: v.tolist() for k, v in shown.items()}, totals, (desc, methods)


def evaluate_small(grid, layout, template: Template, options, recorded, raw: pd.DataFrame, summed: dict,
                   summed_names: dict, problems: list[Problem], typed_oddly, finish_cells) -> SheetResult:
    """The rest of kinds/scorecard.evaluate_sheet once the table is read (``raw``, after its
    quarters are summed); the helpers both paths share are passed in."""
    typed = as_lists(raw)
    index, codes = raw.index.tolist(), typed["code"]
    num, cols, bad = parse_columns(raw, typed)
    found, unusable = check_columns(index, typed, cols, bad, layout, template)
    odd = typed_oddly(grid, layout)
    problems += not_at(odd.values(), found)     # a date on a milestone row is one mistake, not two
    problems += odd.values()
    unusable = np.array([u or r in odd for u, r in zip(unusable, index)], dtype=bool)
    invalid = unusable | bad["result"] if "invalid" in template.status_levels else None
    rows, columns, shown, words = scored_rows(num, typed, cols, unusable, invalid, options)

    desired: dict[Cell, object] = dict(summed)
    names: dict[Cell, str] = dict(summed_names)
    shown_cols = {}
    for key in COMPUTED:
        values = columns[key]
        shown_cols[key] = values if key == "status" else [None if v != v else float(v) for v in values]
        if key in layout.columns:
            col = layout.columns[key]
            put = [template.status_label(v) for v in values] if key == "status" else shown_cols[key]
            desired.update({(r, col): v for r, v in zip(index, put)})
            names.update({(r, col): f"{code}|{key}" for r, code in zip(index, codes)})
    decimals, changes = finish_cells(grid, layout, template, options, recorded, shown, desired, names, problems)
    notes = {}
    if "score" in layout.columns:
        col = layout.columns["score"]
        notes = ScoreNotes(num, options, codes, col, words=words)     # as the vectorised path: built when read
    report = [{"code": code, **{k: shown_cols[k][i] for k in COMPUTED}} for i, code in enumerate(codes)]
    totals_out = {k: plain(shown.get(k)) for k in ("weight", "weighted_score", "percentage", "reported", "indicators")}
    totals_out["complete"] = bool(shown.get("complete", False))
    return SheetResult("scorecard", grid.name, layout, raw, rows, totals_out, desired, problems, changes,
                       notes=notes, report_rows=report, names=names,
                       heights=grown_rows(grid, layout.indicator_rows, template.font_size, desired),
                       decimals=decimals, detail={"numbers": num, "options": options})
