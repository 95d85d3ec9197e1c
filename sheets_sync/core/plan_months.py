"""Action-plan computations: planned and done months, status against the current fiscal
month, budget totals per dimension. Pure pandas, no I/O."""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from .numbers import parse_number

_THAI = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def fiscal_month(day: date) -> int:
    """1 = October ... 12 = September (Thai fiscal year)."""
    return (day.month - 10) % 12 + 1


def months_of(text, months: list[str]) -> set[int]:
    """'ต.ค., พ.ย.' / 'ต.ค.-ธ.ค.' / '1,2,3' -> {1, 2, 3} (fiscal month numbers)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return set()
    s = str(text).translate(_THAI).replace(" ", "")
    out: set[int] = set()
    names = {m.replace(" ", ""): i for i, m in enumerate(months, 1)}
    for part in re.split(r"[,;/]", s):
        if not part:
            continue
        if "-" in part and not part.replace("-", "").isdigit() or re.fullmatch(r"\d+-\d+", part):
            a, _, b = part.partition("-")
            lo, hi = names.get(a, int(a) if a.isdigit() else None), names.get(b, int(b) if b.isdigit() else None)
            if lo and hi:
                out.update(range(lo, hi + 1) if lo <= hi else [*range(lo, 13), *range(1, hi + 1)])
            continue
        if part in names:
            out.add(names[part])
        elif part.isdigit() and 1 <= int(part) <= 12:
            out.add(int(part))
    return out


MARK = "✓"


def marked(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """Months (1..12) whose column ``prefix_N`` holds any mark (✓, /, x, 1, ●...)."""
    def one(row):
        def mark(v):
            return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()
        return {i for i in range(1, 13) if mark(row.get(f"{prefix}_{i}")) not in ("", "-", "0")}
    return frame.apply(one, axis=1) if len(frame) else pd.Series([], dtype=object)


def marks_from_text(text, months: list[str], prefix: str) -> dict:
    """'ต.ค.-ธ.ค.' -> {plan_1: ✓, plan_2: ✓, plan_3: ✓} (a canonical list may name months)."""
    return {f"{prefix}_{m}": MARK for m in sorted(months_of(text, months))}


def plan_status(frame: pd.DataFrame, months: list[str], statuses: dict, today: date,
                now: int | None = None) -> pd.DataFrame:
    """Statuses as of ``today`` (or as of fiscal month ``now``: 0 = before the year began,
    12 = the year is over)."""
    now = fiscal_month(today) if now is None else now
    planned = marked(frame, "plan")
    done = marked(frame, "done")
    due = planned.map(lambda p: {m for m in p if m <= now})
    out = pd.DataFrame(index=frame.index)
    out["n_planned"] = planned.map(len)
    out["n_done"] = done.map(len)

    def status(i):
        p, d, u = planned[i], done[i], due[i]
        if p and p <= d:
            return statuses["done"]
        if not u:
            return statuses["not_started"]
        return statuses["on_time"] if u <= d else statuses["late"]
    out["status"] = [status(i) for i in frame.index]
    return out


def budget_totals(frame: pd.DataFrame, no_budget: str) -> pd.DataFrame:
    def amount(v):
        if isinstance(v, str) and no_budget in v:
            return 0.0
        n, ok = parse_number(v)
        return n if ok and n is not None else np.nan
    b = frame["budget"].map(amount)
    g = pd.DataFrame({"dimension": frame["dimension"].fillna(""), "budget": b})
    return g.groupby("dimension", sort=False)["budget"].agg(["sum", "count"]).reset_index()
