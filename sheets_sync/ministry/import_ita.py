"""ITA reports into the ITA kind.

Seed 001's shape: tool sections (IIT/EIT/OIT), indicator headings "1. ...", item rows
"code [question] score level measure result outcome", and continuation rows that each
carry one more measure with its own result and outcome. One row per measure: an item
keeps its code on each, the score on its first. The column header the export repeats on
every page is recognised and removed (and counted), never glued into a measure.

Seed 002's shape: a narrative giving the five IIT indicator scores in Thai digits
("๑) การปฏิบัติหน้าที่ ร้อยละ ๙๗.๑๑ ..."), the overall score and the target for the next
round: indicator rows (code IIT-1 .. IIT-5), one tool row (IIT), the target recorded in
the workbook's metadata for that round.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.ita_scores import indicator_code, normalise_code
from ..core.numbers import parse_number
from .import_text import PAGE_HEADER, Imported, Ledger, clean, read_lines, thai_digits
from .import_title import read_title

_LEVELS = ("ยกระดับ", "แก้ไขเร่งด่วน")
_SCORE = re.compile(r"^[๐-๙\d]{1,3}[.][๐-๙\d]{1,2}$")
_HEADER = "ตัวชี้วัดย่อย"
_TOOL_HEAD = re.compile(r"\((IIT|EIT|OIT)\)\s*$")
_INDICATOR = re.compile(r"^([๐-๙\d]{1,2})\.\s*\S")


def _is_separator(filled: list[str]) -> bool:
    return all(set(c) <= set("-=_") for c in filled)


def import_ita(path: Path, lines=None) -> Imported:
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    items: list[dict] = []
    first_of: dict[str, int] = {}
    seen_text: dict[str, int] = {}
    tool, indicator, current, header_seen = None, None, None, False
    first_row = None
    for n, fields in lines:
        cells = [clean(f) for f in fields]
        filled = [c for c in cells if c]
        if not filled:
            continue
        line = " ".join(filled)
        if _HEADER in filled:
            ledger.note(n, line, PAGE_HEADER if header_seen else "column header")
            header_seen = True
            continue
        m = _TOOL_HEAD.search(line)
        if m and len(filled) == 1:
            tool = m.group(1)
            ledger.note(n, line, f"tool heading ({tool})")
            continue
        if _is_separator(filled):
            ledger.note(n, line, "separator line")
            continue
        head = _INDICATOR.match(cells[0])
        if head and len(filled) == 1:
            indicator = int(thai_digits(head.group(1)))
            ledger.note(n, line, f"indicator {indicator} heading (its number is on each of its rows)")
            continue
        lead = next(i for i, c in enumerate(cells) if c)
        first = cells[lead]
        code_token, _, rest0 = first.partition(" ")
        code = normalise_code(code_token, tool) if lead <= 1 else None
        if code is None:
            if current is not None and lead >= 3:
                if line in seen_text:
                    ledger.note(n, line, f"repeats line {seen_text[line]}")
                    continue
                seen_text[line] = n
                m_, r_, o_ = (cells[-3:] + ["", "", ""])[:3] if len(cells) >= 3 else ("", "", "")
                if m_:
                    current = _measure(items, current, n, m_, r_, o_, ledger)
                else:
                    for key, v in (("result", r_), ("outcome", o_)):
                        if v:
                            current[key] = f"{current[key]}\n{v}" if current.get(key) else v
                            ledger.place(n, v)
            continue
        rest = ([rest0] if rest0 else []) + cells[lead + 1:]
        score_at = next((i for i, c in enumerate(rest) if _SCORE.match(c)), None)
        if score_at is None:
            continue                           # left to the ledger: not placed
        if code in first_of:
            ledger.note(n, line, f"item {code} again (first on line {first_of[code]}); not placed twice")
            current = None
            continue
        first_of[code] = n
        first_row = first_row or n
        ledger.place(n, code, source=code_token, reason="item code as the export damaged it")
        question = " ".join(c for c in rest[:score_at] if c)
        score = parse_number(rest[score_at])[0]
        ledger.place(n, question)
        ledger.place(n, rest[score_at])
        after = list(rest[score_at + 1:])
        word = None
        if after and after[0].startswith(_LEVELS):
            word = next(w for w in _LEVELS if after[0].startswith(w))
            ledger.note(n, word, "the document's measure level (the sheet computes it)")
            after[0] = after[0][len(word):].strip()
            if not after[0]:
                after.pop(0)
        after = [c for c in after if c] + ["", "", ""]
        row = {"_line": n, "code": code, "measure_no": 1, "indicator": indicator, "question": question or None,
               "score": score, "doc_level": word,
               "measure": None, "result": None, "outcome": None}
        items.append(row)
        for key, v in zip(("measure", "result", "outcome"), after[:3]):
            if v:
                row[key] = v
                ledger.place(n, v)
        for v in after[3:]:
            if v:
                row["outcome"] = f"{row['outcome']}\n{v}" if row["outcome"] else v
                ledger.place(n, v)
        current = row
    _added(ledger, items)
    unit, period, label, used = read_title(lines, first_row)
    out = Imported("ita", pd.DataFrame(items).drop(columns="_line", errors="ignore"), unit=unit, period=period, period_label=label)
    return ledger.finish(out, {u: "title (unit and period read from it)" for u in used})


def _added(ledger: Ledger, rows: list[dict]) -> None:
    """What the import adds to every row (listed as rewrites from nothing): the measure's
    number, the indicator number, and the item code on its second and later measures."""
    for row in rows:
        n = row["_line"]
        ledger.place(n, str(row["measure_no"]), source="", reason="measure number (added)")
        if row.get("indicator") is not None:
            ledger.place(n, str(row["indicator"]), source="", reason="indicator number (from its heading)")
        if row["measure_no"] > 1 or row.get("_code_added"):
            ledger.place(n, row["code"], source="", reason="the item's code on each of its measures")


def _measure(items, current, n, m, r, o, ledger) -> dict:
    row = {"_line": n, "code": current["code"], "measure_no": current["measure_no"] + 1, "indicator": current["indicator"],
           "question": None, "score": None, "doc_level": None, "measure": m, "result": r or None, "outcome": o or None}
    for v in (m, r, o):
        if v:
            ledger.place(n, v)
    items.append(row)
    return row


# --- seed 002: indicator scores in a narrative ----------------------------------------------

_IND_SCORE = re.compile(r"(\d{1,2})\)\s*([^\d()]+?)\s*ร้อยละ\s*(\d{1,3}\.\d{1,2})")
_TARGET = re.compile(r"เป้าหมาย(?:ไม่น้อยกว่า|ไม่ต่ำกว่า)?\s*ร้อยละ\s*(\d{1,3}\.\d{1,2})")
_OVERALL = re.compile(r"ภาพรวม\s*ร้อยละ\s*(\d{1,3}\.\d{1,2})")


def import_ita_indicators(path: Path, lines=None) -> Imported:
    """Seed 002: indicator scores (Thai digits, no item codes) read from the text."""
    from ..kinds.base import template_named
    spec = template_named("ita", None).raw
    names = {v["name"]: int(k) for k, v in spec["indicators"].items()}
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    rows: list[dict] = []
    target = None
    for n, fields in lines:
        text = " ".join(clean(c) for c in fields if clean(c))
        digits = thai_digits(text)
        found = list(_IND_SCORE.finditer(digits))
        if len(found) >= 2 and not rows:
            for m in found:
                name = m.group(2).strip().removeprefix("และ").strip()
                num = names.get(name, int(m.group(1)))
                tool = spec["indicators"].get(num, {}).get("tool", "IIT")
                rows.append({"_line": n, "_code_added": True, "code": indicator_code(tool, num), "measure_no": 1,
                             "indicator": num, "question": name, "score": float(m.group(3))})
                ledger.place(n, name)
                ledger.place(n, m.group(3))
            t = _TARGET.search(digits[found[-1].end():])
            if t:
                target = float(t.group(1))
                ledger.note(n, t.group(1), "the next round's target (recorded in the workbook's metadata)")
            continue
        o = _OVERALL.search(digits)
        if o and rows and not any(r["code"] == rows[0]["code"].split("-")[0] for r in rows):
            tool = rows[0]["code"].split("-")[0]
            rows.append({"_line": n, "_code_added": True, "code": tool, "measure_no": 1, "indicator": None,
                         "question": "ภาพรวม", "score": float(o.group(1))})
            ledger.place(n, "ภาพรวม")
            ledger.place(n, o.group(1))
    _added(ledger, rows)
    unit, period, label, used = read_title(lines)
    out = Imported("ita", pd.DataFrame(rows).drop(columns=["_line", "_code_added"], errors="ignore"), unit=unit, period=period, period_label=label)
    if target is not None:
        out.meta["ita_target"] = target
        out.meta["ita_target_round"] = "รอบถัดไป / next round" if not label else f"หลัง {label}"
    return ledger.finish(out, {u: "narrative (unit and period read from it)" for u in used})


def import_ita_any(path: Path) -> Imported:
    """Seed 001's item table when there is one, else seed 002's indicator scores."""
    lines = read_lines(path)
    items = import_ita(path, lines)
    if not items.rows.empty:
        return items
    return import_ita_indicators(path, lines)
