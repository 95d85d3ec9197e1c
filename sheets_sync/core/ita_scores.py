"""ITA computations: pure pandas over item scores. No I/O.

Items are I1.., E1.., O1.. with a score 0-100. The measure level, indicator and tool
means, the tool-weighted total and its grade band, each indicator's gap to the target
and the lowest-first ranking all follow the template's data for the assessment year.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

_CODE = re.compile(r"^\s*([IiEeOo1]?)\s*(\d{1,3})\s*$")


def normalise_code(raw, section_tool: str | None = None) -> str | None:
    """'11' -> 'I1', '123' -> 'I23' (the letter I read as 1 by the export), 'e14' -> 'E14'."""
    text = str(raw or "").translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).strip()
    m = _CODE.match(text)
    if not m:
        return None
    letter, digits = m.group(1).upper(), m.group(2)
    if letter in ("I", "E", "O"):
        return f"{letter}{int(digits)}"
    if letter == "1" or (section_tool in (None, "IIT") and digits.startswith("1") and len(digits) >= 2):
        rest = digits if letter == "1" else digits[1:]
        return f"I{int(rest)}" if rest else None
    return None


def tool_of(code: str, tools: dict) -> str | None:
    for name, spec in tools.items():
        if code and code.upper().startswith(spec["prefix"]):
            return name
    return None


def measure_level(scores: pd.Series, levels: dict) -> pd.Series:
    """score >= threshold: raise the level (ยกระดับ); below: urgent fix (แก้ไขเร่งด่วน)."""
    out = np.where(scores >= levels["threshold"], levels["at_or_above"], levels["below"])
    return pd.Series(out, index=scores.index, dtype=object).where(scores.notna(), None)


def grade(score: float, bands: list) -> str | None:
    if score is None or pd.isna(score):
        return None
    for floor, name in bands:
        if score >= floor:
            return name
    return bands[-1][1]


def indicator_summary(items: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Per indicator: mean item score, gap to the target, rank lowest-first."""
    names = {int(k): v for k, v in spec["indicators"].items()}
    means = items.dropna(subset=["score"]).groupby("indicator")["score"].mean()
    out = pd.DataFrame({"indicator": means.index.astype(int), "score": means.values})
    out["name"] = out["indicator"].map(lambda i: names.get(i, {}).get("name", ""))
    out["tool"] = out["indicator"].map(lambda i: names.get(i, {}).get("tool", ""))
    out["target"] = float(spec["target"])
    out["gap"] = out["score"] - out["target"]
    out["rank_lowest"] = out["score"].rank(method="min").astype(int)
    return out.sort_values(["rank_lowest", "indicator"]).reset_index(drop=True)


def tool_summary(items: pd.DataFrame, spec: dict) -> tuple[pd.DataFrame, float | None, str | None]:
    """Per tool: mean item score and weight; the weighted total over the tools present, its grade."""
    tools = spec["tools"]
    scored = items.dropna(subset=["score"]).copy()
    scored["tool"] = scored["code"].map(lambda c: tool_of(c, tools))
    means = scored.groupby("tool")["score"].mean()
    rows = [{"tool": t, "name": s.get("name", ""), "weight": float(s["weight"]), "score": means.get(t, np.nan)}
            for t, s in tools.items()]
    frame = pd.DataFrame(rows)
    present = frame.dropna(subset=["score"])
    total = None if present.empty else float((present["weight"] * present["score"]).sum() / present["weight"].sum())
    return frame, total, grade(total, spec["grades"])
