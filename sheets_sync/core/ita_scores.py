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


_ROW = re.compile(r"^\s*(IIT|EIT|OIT)(?:\s*-\s*(\d{1,2}))?\s*$", re.I)


def indicator_code(tool: str, number: int) -> str:
    """The code of a row carrying a whole indicator's score (seed 002): IIT-4."""
    return f"{tool}-{int(number)}"


def row_code(raw) -> tuple[str, str | None, int | None] | None:
    """('item', 'I1', None) | ('indicator', 'IIT', 4) | ('tool', 'IIT', None) | None."""
    text = str(raw or "").split("#")[0].strip()
    m = _ROW.match(text)
    if m:
        return ("indicator", m.group(1).upper(), int(m.group(2))) if m.group(2) else ("tool", m.group(1).upper(), None)
    code = normalise_code(text)
    return ("item", code, None) if code else None


def indicator_summary(items: pd.DataFrame, spec: dict, target: float | None = None) -> pd.DataFrame:
    """Per indicator: its score as the document gives it (an indicator row) or else the
    mean of its item scores, the gap to the target (when there is one), rank lowest-first."""
    names = {int(k): v for k, v in spec["indicators"].items()}
    kinds = items["code"].map(row_code)
    scored = items.assign(kind=kinds.map(lambda k: k[0] if k else None)).dropna(subset=["score", "indicator"])
    given = scored[scored["kind"] == "indicator"].groupby("indicator")["score"].first()
    means = scored[scored["kind"] == "item"].groupby("indicator")["score"].mean()
    nums = sorted(set(given.index.astype(int)) | set(means.index.astype(int)))
    out = pd.DataFrame({"indicator": nums}, dtype=int)
    out["score"] = [float(given[i]) if i in given.index else float(means[i]) for i in nums]
    out["source"] = ["document" if i in given.index else "mean of items" for i in nums]
    out["name"] = out["indicator"].map(lambda i: names.get(i, {}).get("name", ""))
    out["tool"] = out["indicator"].map(lambda i: names.get(i, {}).get("tool", ""))
    out["target"] = float(target) if target is not None else np.nan
    out["gap"] = out["score"] - out["target"]
    out["rank_lowest"] = out["score"].rank(method="min").astype(int) if len(out) else []
    return out.sort_values(["rank_lowest", "indicator"]).reset_index(drop=True)


def tool_scores(items: pd.DataFrame) -> dict[str, float]:
    """The tools' scores as the document gives them (a tool row such as IIT 92.51); never
    computed from item scores."""
    out = {}
    for code, score in zip(items["code"], items["score"]):
        k = row_code(code)
        if k and k[0] == "tool" and score is not None and not pd.isna(score):
            out[k[1]] = float(score)
    return out


def overall(indicators: pd.DataFrame, spec: dict) -> tuple[float | None, str | None, str]:
    """The overall score and grade from the official per-indicator weights of the
    assessment year (template data ``indicator_weights``), or None with the reason."""
    weights = spec.get("indicator_weights") or {}
    table = {int(k): float(v) for k, v in (weights.get("weights") or {}).items()}
    if not table:
        return None, None, "ไม่มีน้ำหนักรายตัวชี้วัดอย่างเป็นทางการในแม่แบบ ไม่คำนวณคะแนนรวม / " \
                           "no official per-indicator weights in the template for this year: no overall score"
    have = dict(zip(indicators["indicator"].astype(int), indicators["score"]))
    missing = [i for i in table if i not in have or pd.isna(have[i])]
    if missing:
        return None, None, f"ขาดคะแนนตัวชี้วัด {', '.join(map(str, missing))} ไม่คำนวณคะแนนรวม / " \
                           f"indicators {', '.join(map(str, missing))} have no score: no overall score"
    total = sum(w * float(have[i]) for i, w in table.items()) / sum(table.values())
    return total, grade(total, spec["grades"]), f"น้ำหนักตาม {weights.get('source', '?')} ({weights.get('year', '?')})"
