"""The scoring core: pure, vectorised functions over pandas data. No I/O, no per-row Python.

Input is a frame with one row per indicator and the columns ``weight``, ``target``,
``c1``..``c5`` (thresholds of levels 1..5), ``result`` (float, NaN = not reported),
and optionally ``method`` and ``direction``. Values are kept unrounded; rounding
happens once, for display and storage (:func:`rounded`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .numbers import round_half_up, round_series
from .options import CRITERIA, ScoringOptions

_LOWER = {"lower", "down", "desc", "descending", "ต่ำดี", "น้อยดี", "น้อยกว่าดี", "ยิ่งน้อยยิ่งดี"}
_HIGHER = {"higher", "up", "asc", "ascending", "สูงดี", "มากดี", "มากกว่าดี", "ยิ่งมากยิ่งดี"}
_INTERP = {"interpolation", "linear", "เชิงเส้น", "opdc"}
_STEP = {"step", "milestone", "ขั้น", "ขั้นบันได", "ระดับความสำเร็จ"}


# Method codes of the array functions below.
STEP, INTERPOLATION, UNKNOWN = 0, 1, -1


def _method_word(v, default: str):
    if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
        return default
    t = str(v).strip().lower()
    return "interpolation" if t in _INTERP else "step" if t in _STEP else np.nan


def _method_code(word) -> int:
    # as score() always read normalise_method: "interpolation", NaN (unknown), else step
    if isinstance(word, float) and np.isnan(word):
        return UNKNOWN
    return INTERPOLATION if word == "interpolation" else STEP


def _by_unique(values, word) -> tuple[np.ndarray, list]:
    """``word`` applied once per distinct value: (codes into the uniques, mapped uniques)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return codes, [word(u) for u in uniques]


def method_codes(values, default: str) -> np.ndarray:
    """Array form of :func:`normalise_method`: int8 codes STEP / INTERPOLATION / UNKNOWN.
    ``values`` None means no method column (every row takes the default)."""
    if values is None:
        return np.empty(0, dtype=np.int8)
    if not len(values):
        return np.zeros(0, dtype=np.int8)
    codes, words = _by_unique(values, lambda u: _method_word(u, default))
    return np.array([_method_code(w) for w in words], dtype=np.int8)[codes]


def normalise_method(values: pd.Series, default: str) -> pd.Series:
    """Map the method column to 'step' / 'interpolation'; unknown words become NaN."""
    if not len(values):
        return values.astype(object)
    codes, words = _by_unique(values, lambda u: _method_word(u, default))
    table = np.empty(len(words), dtype=object)
    table[:] = words
    out = pd.Series(table[codes], index=values.index, name=values.name)
    # the dtype Series.map would infer: float when no word was recognised (all NaN)
    return out if any(isinstance(w, str) for w in words) else out.astype("float64")


def _direction_word(v) -> int:
    t = v.strip().lower() if isinstance(v, str) else ""
    return 1 if t in _LOWER else 0 if t in _HIGHER else -1


def descending_array(c1: np.ndarray, c5: np.ndarray, direction=None) -> np.ndarray:
    """Array form of :func:`descending` from the level-1 and level-5 thresholds."""
    falling = c1 > c5
    if direction is None or not len(falling):
        return falling
    codes, words = _by_unique(direction, _direction_word)
    stated = np.array(words, dtype=np.int8)[codes]
    return np.where(stated < 0, falling, stated == 1)


def descending(frame: pd.DataFrame) -> pd.Series:
    """True where lower results are better: stated in ``direction``, else thresholds fall."""
    c1 = frame[CRITERIA[0]].to_numpy(dtype="float64")
    c5 = frame[CRITERIA[-1]].to_numpy(dtype="float64")
    d = frame["direction"] if "direction" in frame else None
    return pd.Series(descending_array(c1, c5, d), index=frame.index)


def levels_reached(result: np.ndarray, thresholds: np.ndarray, desc: np.ndarray) -> np.ndarray:
    """How many thresholds each result reaches (0..5); reaching means <= when descending."""
    r = result[:, None]
    up = r >= thresholds
    down = r <= thresholds
    return np.where(desc[:, None], down, up).sum(axis=1)


def _levels(r: np.ndarray, cols: list[np.ndarray], desc: np.ndarray) -> np.ndarray:
    """levels_reached over threshold columns (one array per level), without 2-D temporaries."""
    up = np.zeros(len(r), dtype=np.int8)
    down = np.zeros(len(r), dtype=np.int8)
    for c in cols:
        up += r >= c
        down += r <= c
    return np.where(desc, down, up)


def score_arrays(c: list[np.ndarray], r: np.ndarray, desc: np.ndarray, methods: np.ndarray,
                 options: ScoringOptions) -> np.ndarray:
    """The score formula on arrays: thresholds ``c`` (five float columns, level 1..5),
    results ``r``, lower-is-better flags and method codes. Unrounded; NaN = no score."""
    n = len(r)
    k = _levels(r, c, desc)
    # Step: the highest level reached. Below level 1 follows the template's policy.
    out = np.where(k == 0, options.below_level_1, k).astype("float64")
    interp = methods == INTERPOLATION
    if interp.any():
        # Interpolation: k + share of the way from threshold k to threshold k+1.
        idx = np.flatnonzero(interp)
        ki = k[idx]
        lo_i = np.clip(ki - 1, 0, 3)
        cc = np.stack([col[idx] for col in c], axis=1)
        lo = np.take_along_axis(cc, lo_i[:, None].astype(np.intp), axis=1)[:, 0]
        hi = np.take_along_axis(cc, (lo_i + 1)[:, None].astype(np.intp), axis=1)[:, 0]
        span = hi - lo
        ri = r[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            frac = np.where(span != 0, (ri - lo) / span, 0.0)
        out[idx] = np.where(ki >= 5, options.max_score,
                            np.where(ki == 0, options.below_level_1, ki + np.clip(frac, 0, 1)))
    # No score without a result, a full set of thresholds and a known method.
    missing = np.isnan(r) | (methods == UNKNOWN)
    for col in c:
        missing |= np.isnan(col)
    out[missing] = np.nan
    return np.clip(out, 0, options.max_score, out=out) if n else out


def word_arrays(frame: pd.DataFrame, options: ScoringOptions) -> tuple[np.ndarray, np.ndarray]:
    """(lower-is-better, method codes) of every row: the direction and method words looked
    up once, for the score and for its note (core/trace.ScoreNotes takes the same arrays)."""
    desc = descending_array(frame[CRITERIA[0]].to_numpy(dtype="float64"), frame[CRITERIA[-1]].to_numpy(dtype="float64"),
                            frame["direction"] if "direction" in frame else None)
    if "method" in frame:
        methods = method_codes(frame["method"], options.method)
    else:
        methods = np.full(len(frame), _method_code(_method_word("", options.method)), dtype=np.int8)
    return desc, methods


def _inputs(frame: pd.DataFrame, options: ScoringOptions, words=None):
    c = [frame[k].to_numpy(dtype="float64") for k in CRITERIA]
    r = frame["result"].to_numpy(dtype="float64")
    desc, methods = word_arrays(frame, options) if words is None else words
    return c, r, desc, methods


def score(frame: pd.DataFrame, options: ScoringOptions) -> pd.Series:
    """Score of every indicator, unrounded; NaN where the result is not reported."""
    c, r, desc, methods = _inputs(frame, options)
    return pd.Series(score_arrays(c, r, desc, methods, options), index=frame.index, name="score")


def percentage(scores: pd.Series, options: ScoringOptions) -> pd.Series:
    return (scores / options.max_score * 100).rename("percentage")


def weighted_score(weights: pd.Series, scores: pd.Series, options: ScoringOptions) -> pd.Series:
    return (weights * scores / options.weight_total).rename("weighted_score")


def _meets_target(desc: np.ndarray, r: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(desc, r <= t, r >= t) & ~np.isnan(t) & ~np.isnan(r)


def meets_target(frame: pd.DataFrame) -> pd.Series:
    desc = descending(frame).to_numpy()
    r = frame["result"].to_numpy(dtype="float64")
    t = frame["target"].to_numpy(dtype="float64")
    return pd.Series(_meets_target(desc, r, t), index=frame.index)


_STATUS = np.array(["grey", "green", "yellow", "red"], dtype=object)   # shared str objects


def _status_array(desc: np.ndarray, r: np.ndarray, t: np.ndarray, s: np.ndarray,
                  options: ScoringOptions) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        green = _meets_target(desc, r, t) | (np.isnan(t) & (s >= options.max_score))
        code = np.where(np.isnan(s), 0, np.where(green, 1, np.where(s >= options.yellow_min_score, 2, 3)))
    return _STATUS[code]


def status(frame: pd.DataFrame, scores: pd.Series, options: ScoringOptions) -> pd.Series:
    """green: target met (or top score when no target); yellow: score >= standard level;
    red: below it; grey: not reported."""
    desc = descending(frame).to_numpy()
    out = _status_array(desc, frame["result"].to_numpy(dtype="float64"),
                        frame["target"].to_numpy(dtype="float64"),
                        scores.to_numpy(dtype="float64"), options)
    return pd.Series(out, index=frame.index, name="status", dtype="str")


def compute(frame: pd.DataFrame, options: ScoringOptions, words=None) -> tuple[pd.DataFrame, dict]:
    """Score every indicator and the totals. Returns (unrounded rows, unrounded totals).
    ``words``: :func:`word_arrays` of ``frame`` when the caller has them (for the notes too)."""
    c, r, desc, methods = _inputs(frame, options, words)
    s = score_arrays(c, r, desc, methods, options)
    w = frame["weight"].to_numpy(dtype="float64")
    weighted = w * s / options.weight_total
    rows = pd.DataFrame({
        "score": s,
        "percentage": s / options.max_score * 100,
        "weighted_score": weighted,
        "status": pd.Series(_status_array(desc, r, frame["target"].to_numpy(dtype="float64"), s, options),
                            index=frame.index, dtype="str"),
    }, index=frame.index)
    reported = int(np.count_nonzero(~np.isnan(s)))
    total_weighted = float(rows["weighted_score"].sum(min_count=0))
    totals = {
        "weight": float(frame["weight"].sum()),
        "weighted_score": total_weighted,
        "percentage": total_weighted / options.max_score * 100,
        "reported": reported,
        "indicators": len(frame),
        "complete": reported == len(frame),
    }
    return rows, totals


def rounded(rows: pd.DataFrame, totals: dict, options: ScoringOptions) -> tuple[pd.DataFrame, dict]:
    """Round for display and storage, half-up, each to its template decimals."""
    d = options.decimals
    out = rows.copy(deep=False)
    for col in ("score", "percentage", "weighted_score"):
        out[col] = round_series(rows[col], d[col])
    t = dict(totals)
    t["weight"] = round_half_up(totals["weight"], 2)
    t["weighted_score"] = round_half_up(totals["weighted_score"], d["weighted_score"])
    t["percentage"] = round_half_up(totals["percentage"], d["percentage"])
    return out, t
