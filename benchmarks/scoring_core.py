"""Scoring core: ``compute`` + ``rounded`` of N indicator rows (1e6; --quick 1e5).

naive: a plain Python loop over the rows doing the same job with identical results (the
method and direction words, levels reached, score, percentage, weighted score, status,
totals, then half-up rounding with the scalar ``round_half_up``); also timed without its
rounding. floor: the bare numpy arithmetic (levels reached, step score, percentage,
weighted score) on arrays already extracted, no words, no status, no rounding.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_sync.core.numbers import round_half_up
from sheets_sync.core.scoring import _HIGHER, _INTERP, _LOWER, _STEP, compute, rounded, score
from sheets_sync.kinds.template import CRITERIA, ScoringOptions

from ._util import best, once, ratio

NAME = "scoring_core"
TARGET = {"text": "compute + rounded of 1e6 rows in under 0.5 s and at least 20x faster than the "
                  "plain Python loop, results identical",
          "seconds_at_1e6": 0.5, "min_ratio_vs_loop": 20.0}


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    c = np.sort(np.round(rng.uniform(0, 100, (n, 5)), 2), axis=1)
    desc = rng.random(n) < 0.2
    c[desc] = c[desc, ::-1]
    f = pd.DataFrame({"weight": np.round(rng.uniform(1, 20, n), 2), "target": c[:, 4],
                      **{k: c[:, i] for i, k in enumerate(CRITERIA)},
                      "result": np.where(rng.random(n) < 0.05, np.nan, np.round(rng.uniform(-10, 110, n), 2))})
    f["method"] = pd.Series(rng.choice(np.array(["", "step", "interpolation", "เชิงเส้น"], dtype=object), n),
                            dtype=object)
    f["direction"] = pd.Series(rng.choice(np.array(["", "lower", "higher"], dtype=object), n), dtype=object)
    return f


def loop(frame: pd.DataFrame, o: ScoringOptions, do_round: bool = True):
    """The plain Python loop: one row at a time, no numpy."""
    cols = {k: frame[k].tolist() for k in ("weight", "target", *CRITERIA, "result")}
    methods = frame["method"].tolist() if "method" in frame else [""] * len(frame)
    dirs = frame["direction"].tolist() if "direction" in frame else [None] * len(frame)
    d = o.decimals
    out_s, out_p, out_w, out_st = [], [], [], []
    total_w, total_weight, reported = 0.0, 0.0, 0
    nan = float("nan")
    for i in range(len(frame)):
        c = [cols[k][i] for k in CRITERIA]
        r, w, t = cols["result"][i], cols["weight"][i], cols["target"][i]
        m = methods[i]
        if m is None or (isinstance(m, float) and m != m) or str(m).strip() == "":
            m = o.method
        else:
            t_ = str(m).strip().lower()
            m = "interpolation" if t_ in _INTERP else "step" if t_ in _STEP else None
        dw = dirs[i].strip().lower() if isinstance(dirs[i], str) else ""
        desc = (dw in _LOWER) if dw in _LOWER or dw in _HIGHER else c[0] > c[4]
        k = sum((r <= x) if desc else (r >= x) for x in c)
        if r != r or any(x != x for x in c) or m is None:
            s = nan
        elif m == "interpolation":
            if k >= 5:
                s = o.max_score
            elif k == 0:
                s = o.below_level_1
            else:
                lo_i = min(max(k - 1, 0), 3)
                lo, hi = c[lo_i], c[lo_i + 1]
                frac = (r - lo) / (hi - lo) if hi != lo else 0.0
                s = k + min(max(frac, 0.0), 1.0)
        else:
            s = float(o.below_level_1 if k == 0 else k)
        if s == s:
            s = min(max(s, 0.0), o.max_score)
            reported += 1
        p = s / o.max_score * 100
        ws = w * s / o.weight_total
        if s != s:
            st = "grey"
        elif (t == t and r == r and ((r <= t) if desc else (r >= t))) or (t != t and s >= o.max_score):
            st = "green"
        else:
            st = "yellow" if s >= o.yellow_min_score else "red"
        if ws == ws:
            total_w += ws
        total_weight += w
        if do_round:
            s, p, ws = (nan if v != v else round_half_up(v, d[key])
                        for v, key in ((s, "score"), (p, "percentage"), (ws, "weighted_score")))
        out_s.append(s), out_p.append(p), out_w.append(ws), out_st.append(st)
    totals = {"weight": total_weight, "weighted_score": total_w, "percentage": total_w / o.max_score * 100,
              "reported": reported, "indicators": len(frame), "complete": reported == len(frame)}
    if do_round:
        totals["weight"] = round_half_up(totals["weight"], 2)
        totals["weighted_score"] = round_half_up(totals["weighted_score"], d["weighted_score"])
        totals["percentage"] = round_half_up(totals["percentage"], d["percentage"])
    return (out_s, out_p, out_w, out_st), totals


def floor(arrays, o: ScoringOptions):
    c, r, w = arrays
    k = np.zeros(len(r), dtype=np.int8)
    for col in c:
        k += r >= col
    s = np.where(k == 0, o.below_level_1, k).astype("float64")
    return s / o.max_score * 100, w * s / o.weight_total


def run(quick: bool, tmp) -> dict:
    n = 100_000 if quick else 1_000_000
    o = ScoringOptions()
    f = make_frame(n)
    ours = best(lambda: rounded(*compute(f, o), o), 3 if quick else 5)
    ours_compute = best(lambda: compute(f, o), 3)
    ours_score = best(lambda: score(f, o), 3)
    arrays = ([f[k].to_numpy() for k in CRITERIA], f["result"].to_numpy(), f["weight"].to_numpy())
    fl = best(lambda: floor(arrays, o), 3)
    t_loop_round, (vals, ltot) = once(lambda: loop(f, o, True))
    t_loop, _ = once(lambda: loop(f, o, False))
    rows, tot = rounded(*compute(f, o), o)
    identical = (np.array_equal(rows["score"].to_numpy(), np.array(vals[0]), equal_nan=True)
                 and np.array_equal(rows["percentage"].to_numpy(), np.array(vals[1]), equal_nan=True)
                 and np.array_equal(rows["weighted_score"].to_numpy(), np.array(vals[2]), equal_nan=True)
                 and rows["status"].tolist() == vals[3]
                 and all(tot[k] == ltot[k] for k in ("weight", "weighted_score", "percentage", "reported")))
    scale = n / 1_000_000
    r_loop = ratio(ours, t_loop_round)
    met = bool(identical and ours < TARGET["seconds_at_1e6"] * scale and r_loop >= TARGET["min_ratio_vs_loop"])
    return {
        "size": {"rows": n},
        "seconds": {"ours": ours, "ours_compute_only": ours_compute, "ours_score_only": ours_score,
                    "floor": fl, "naive": t_loop_round, "naive_without_rounding": t_loop},
        "ratios": {"naive/ours": r_loop, "naive_without_rounding/ours": ratio(ours, t_loop),
                   "ours/floor": ratio(fl, ours)},
        "identical_to_naive": bool(identical),
        "target": dict(TARGET, scaled_seconds=TARGET["seconds_at_1e6"] * scale),
        "met": met,
        "met_strict_vs_loop_without_rounding": bool(identical and ratio(ours, t_loop) >= 20),
    }
