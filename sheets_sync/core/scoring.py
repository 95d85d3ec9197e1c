"""The scoring core: pure, vectorised functions over pandas data. No I/O.

Input is a frame with one row per indicator and the columns ``weight``, ``target``,
``c1``..``c5`` (thresholds of levels 1..5), ``result`` (float, NaN = not reported),
and optionally ``method`` and ``direction``. Values are kept unrounded; rounding
happens once, for display and storage (:func:`rounded`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .numbers import round_half_up, round_series
from ..kinds.template import CRITERIA, ScoringOptions

_LOWER = {"lower", "down", "desc", "descending", "ต่ำดี", "น้อยดี", "น้อยกว่าดี", "ยิ่งน้อยยิ่งดี"}
_HIGHER = {"higher", "up", "asc", "ascending", "สูงดี", "มากดี", "มากกว่าดี", "ยิ่งมากยิ่งดี"}
_INTERP = {"interpolation", "linear", "เชิงเส้น", "opdc"}
_STEP = {"step", "milestone", "ขั้น", "ขั้นบันได", "ระดับความสำเร็จ"}


def normalise_method(values: pd.Series, default: str) -> pd.Series:
    """Map the method column to 'step' / 'interpolation'; unknown words become NaN."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            return default
        t = str(v).strip().lower()
        return "interpolation" if t in _INTERP else "step" if t in _STEP else np.nan
    return values.map(one) if len(values) else values.astype(object)


def descending(frame: pd.DataFrame) -> pd.Series:
    """True where lower results are better: stated in ``direction``, else thresholds fall."""
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")
    falling = pd.Series(c[:, 0] > c[:, -1], index=frame.index)
    if "direction" not in frame:
        return falling
    d = frame["direction"].map(lambda v: str(v).strip().lower() if isinstance(v, str) else "")
    return falling.where(~d.isin(_LOWER | _HIGHER), d.isin(_LOWER))


def levels_reached(result: np.ndarray, thresholds: np.ndarray, desc: np.ndarray) -> np.ndarray:
    """How many thresholds each result reaches (0..5); reaching means <= when descending."""
    r = result[:, None]
    up = r >= thresholds
    down = r <= thresholds
    return np.where(desc[:, None], down, up).sum(axis=1)


def score(frame: pd.DataFrame, options: ScoringOptions) -> pd.Series:
    """Score of every indicator, unrounded; NaN where the result is not reported."""
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")
    r = frame["result"].to_numpy(dtype="float64")
    desc = descending(frame).to_numpy()
    method = normalise_method(frame.get("method", pd.Series("", index=frame.index)), options.method)
    k = levels_reached(r, c, desc)

    # Step: the highest level reached. Below level 1 follows the template's policy.
    stepped = np.where(k == 0, options.below_level_1, k).astype("float64")

    # Interpolation: k + share of the way from threshold k to threshold k+1.
    lo_i = np.clip(k - 1, 0, 3)
    lo = np.take_along_axis(c, lo_i[:, None], axis=1)[:, 0]
    hi = np.take_along_axis(c, (lo_i + 1)[:, None], axis=1)[:, 0]
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.where(span != 0, (r - lo) / span, 0.0)
    interp = np.where(k >= 5, options.max_score,
                      np.where(k == 0, options.below_level_1, k + np.clip(frac, 0, 1)))

    out = np.where(method.to_numpy() == "interpolation", interp, stepped)
    # No score without a result, a full set of thresholds and a known method.
    out = np.where(np.isnan(r) | np.isnan(c).any(axis=1) | method.isna().to_numpy(), np.nan, out)
    return pd.Series(np.clip(out, 0, options.max_score), index=frame.index, name="score")


def percentage(scores: pd.Series, options: ScoringOptions) -> pd.Series:
    return (scores / options.max_score * 100).rename("percentage")


def weighted_score(weights: pd.Series, scores: pd.Series, options: ScoringOptions) -> pd.Series:
    return (weights * scores / options.weight_total).rename("weighted_score")


def meets_target(frame: pd.DataFrame) -> pd.Series:
    desc = descending(frame)
    r, t = frame["result"], frame["target"]
    return ((desc & (r <= t)) | (~desc & (r >= t))) & t.notna() & r.notna()


def status(frame: pd.DataFrame, scores: pd.Series, options: ScoringOptions) -> pd.Series:
    """green: target met (or top score when no target); yellow: score >= standard level;
    red: below it; grey: not reported."""
    top = scores >= options.max_score
    green = meets_target(frame) | (frame["target"].isna() & top)
    out = np.select(
        [scores.isna(), green, scores >= options.yellow_min_score],
        ["grey", "green", "yellow"], default="red")
    return pd.Series(out, index=frame.index, name="status")


def compute(frame: pd.DataFrame, options: ScoringOptions) -> tuple[pd.DataFrame, dict]:
    """Score every indicator and the totals. Returns (unrounded rows, unrounded totals)."""
    s = score(frame, options)
    rows = pd.DataFrame({
        "score": s,
        "percentage": percentage(s, options),
        "weighted_score": weighted_score(frame["weight"], s, options),
        "status": status(frame, s, options),
    }, index=frame.index)
    reported = int(s.notna().sum())
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
    out = rows.copy()
    for col in ("score", "percentage", "weighted_score"):
        out[col] = round_series(rows[col], d[col])
    t = dict(totals)
    t["weight"] = round_half_up(totals["weight"], 2)
    t["weighted_score"] = round_half_up(totals["weighted_score"], d["weighted_score"])
    t["percentage"] = round_half_up(totals["percentage"], d["percentage"])
    return out, t
