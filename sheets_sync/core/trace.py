"""Score trace: the working behind every computed score, in Thai and English."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .numbers import format_fixed
from .scoring import descending, levels_reached, normalise_method
from ..kinds.template import CRITERIA, ScoringOptions


def _n(v: float) -> str:
    """A threshold or result as people write it: 71, 72.5."""
    return format_fixed(v, 4).rstrip("0").rstrip(".") if v is not None else ""


@dataclass
class Trace:
    code: str
    th: str
    en: str
    next_level: int | None = None
    needed: float | None = None
    weighted: str = ""

    def note(self, limit: int = 255) -> str:
        """Cell-note text: both languages when they fit Excel's input-message limit, else Thai."""
        both = f"{self.th}\n{self.en}"
        if len(both) <= limit:
            return both
        return self.th if len(self.th) <= limit else self.th[: limit - 1] + "…"

    def text(self) -> str:
        w = f"\n  คะแนนถ่วงน้ำหนัก / weighted score: {self.weighted}" if self.weighted else ""
        return f"{self.th}\n{self.en}{w}"


def trace(code: str, row: pd.Series, options: ScoringOptions) -> Trace:
    """Explain one indicator row (numeric weight, c1..c5, result, method, direction)."""
    d = options.decimals["score"]
    frame = row.to_frame().T
    for k in ("weight", "target", "result", *CRITERIA):
        frame[k] = pd.to_numeric(frame[k], errors="coerce")
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")[0]
    r = float(frame["result"].iloc[0])
    if math.isnan(r):
        return Trace(code, f"{code}: ยังไม่รายงานผล จึงยังไม่มีคะแนน", f"{code}: no result reported, so no score")
    if np.isnan(c).any():
        return Trace(code, f"{code}: เกณฑ์การให้คะแนนไม่ครบ จึงคำนวณไม่ได้", f"{code}: thresholds incomplete, no score")
    desc = bool(descending(frame).iloc[0])
    method = normalise_method(frame.get("method", pd.Series([""])), options.method).iloc[0]
    k = int(levels_reached(np.array([r]), c[None, :], np.array([desc]))[0])
    cmp_th, cmp_en = ("ไม่เกิน", "at most") if desc else ("อย่างน้อย", "at least")
    lower = " (ยิ่งน้อยยิ่งดี)" if desc else ""
    lower_en = " (lower is better)" if desc else ""
    nxt = (k + 1) if k < 5 else None
    need = float(c[k]) if nxt else None
    need_th = f" ต้องได้{cmp_th} {_n(need)} จึงถึงระดับ {nxt}" if nxt else " (คะแนนสูงสุดแล้ว)"
    need_en = f" {_n(need)} or {'less' if desc else 'more'} reaches level {nxt}" if nxt else " (top score)"
    if k == 0:
        s = options.below_level_1
        th = f"{code}: ผล {_n(r)} ยังไม่ถึงระดับ 1 = {_n(c[0])}{lower} ได้คะแนน {format_fixed(s, d)} ตามกติกาต่ำกว่าระดับ 1;{need_th}"
        en = f"{code}: {_n(r)} is below level 1 = {_n(c[0])}{lower_en}: score {format_fixed(s, d)} by the below-level-1 rule;{need_en}"
    elif k == 5:
        th = f"{code}: ผล {_n(r)} ถึงระดับ 5 = {_n(c[4])}{lower} ได้คะแนน {format_fixed(options.max_score, d)};{need_th}"
        en = f"{code}: {_n(r)} reaches level 5 = {_n(c[4])}{lower_en}: score {format_fixed(options.max_score, d)};{need_en}"
    elif method == "interpolation":
        lo, hi = c[k - 1], c[k]
        part, span = abs(r - lo), abs(hi - lo)
        s = k + part / span
        th = (f"{code}: ผล {_n(r)} อยู่ระหว่างระดับ {k} = {_n(lo)} กับระดับ {k + 1} = {_n(hi)}{lower}: "
              f"{k} + {_n(part)}/{_n(span)} = {format_fixed(s, d)};{need_th}")
        en = (f"{code}: {_n(r)} lies between level {k} = {_n(lo)} and level {k + 1} = {_n(hi)}{lower_en}: "
              f"{k} + {_n(part)}/{_n(span)} = {format_fixed(s, d)};{need_en}")
    else:
        th = (f"{code}: ผล {_n(r)} ถึงระดับ {k} = {_n(c[k - 1])} แต่ยังไม่ถึงระดับ {k + 1} = {_n(c[k])}{lower} "
              f"(ขั้นบันได) ได้คะแนน {format_fixed(k, d)};{need_th}")
        en = (f"{code}: {_n(r)} reaches level {k} = {_n(c[k - 1])} but not level {k + 1} = {_n(c[k])}{lower_en} "
              f"(step): score {format_fixed(k, d)};{need_en}")
    score = {0: options.below_level_1, 5: options.max_score}.get(k, k)
    if method == "interpolation" and 0 < k < 5:
        score = k + abs(r - c[k - 1]) / abs(c[k] - c[k - 1])
    w = float(frame["weight"].iloc[0])
    calc = ""
    if not math.isnan(w):
        dw = options.decimals["weighted_score"]
        calc = (f"{format_fixed(w, 2)} × {format_fixed(score, d)} / {_n(options.weight_total)} = "
                f"{format_fixed(w * score / options.weight_total, dw)}")
    return Trace(code, th, en, nxt, need, calc)
