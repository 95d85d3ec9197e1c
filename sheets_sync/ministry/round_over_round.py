"""Round over round, for the summary: each unit's and indicator's change since the previous
round, and every round of the fiscal year side by side, read from the history database."""
from __future__ import annotations

import pandas as pd

from ..core.period import Period
from .history_db import comparison, trend

UP, DOWN, SAME = "▲", "▼", "="


def _arrow(change) -> str:
    if change is None or pd.isna(change):
        return ""
    return UP if change > 1e-9 else DOWN if change < -1e-9 else SAME


def _shown(frame: pd.DataFrame, suffix: str) -> list:
    """A result as the sheet shows it: the number when it is one (so the cell is a number,
    right-aligned, not text), else the text as typed ("N/A")."""
    return [v if isinstance(v, (int, float)) and v == v else (t if isinstance(t, str) and t else None)
            for v, t in zip(frame[f"result_value{suffix}"], frame[f"result{suffix}"])]


def change_table(db_url: str, period: str) -> pd.DataFrame | None:
    """Per unit and indicator: this round's and the previous round's result and weighted
    score, the change and its arrow; None when the database holds no earlier round."""
    frame = comparison(db_url, period)
    if frame.empty or frame["previous_period"].isna().all():
        return None
    before = Period.parse(frame["previous_period"].dropna().iloc[0]).label_th
    out = pd.DataFrame({
        "รหัสหน่วยงาน": frame["unit"], "รหัส": frame["indicator"], "ตัวชี้วัด": frame["indicator_name"],
        f"ผล ({before})": _shown(frame, "_previous"), "ผลรอบนี้": _shown(frame, ""),
        f"คะแนนถ่วงน้ำหนัก ({before})": frame["weighted_score_previous"],
        "คะแนนถ่วงน้ำหนักรอบนี้": frame["weighted_score"], "เปลี่ยน": frame["weighted_change"],
        "แนวโน้ม": frame["weighted_change"].map(_arrow)})
    return out


def trend_table(db_url: str, period: str) -> pd.DataFrame | None:
    """Units x the fiscal year's rounds, the percentage of each; None with a single round."""
    frame = trend(db_url, Period.parse(period).fiscal_year)
    if frame.empty or frame["period"].nunique() < 2:
        return None
    order = list(dict.fromkeys(frame["label"]))
    wide = frame.pivot_table(index=["unit", "unit_name"], columns="label", values="percentage", aggfunc="last")
    wide = wide.reindex(columns=order).reset_index()
    wide.columns = ["รหัสหน่วยงาน", "หน่วยงาน", *order]
    return wide
