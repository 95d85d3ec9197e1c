"""Anti-corruption action plans into the action-plan kind.

Seed 004's shape: มิติ | ภารกิจ | 'code project' | budget | method | indicator | note, the
page header (plan title, unit, column header) repeated on every page, rows continued
across a page break (no code: joined to the project above); the indicator cell split
into its outputs (ผลผลิต) and outcomes (ผลลัพธ์). Dimension labels normalised.

Seed 002's shape: a policy line (นโยบาย), a header with the fiscal months ต.ค. .. ก.ย.,
rows of measure | topic | numbered activity | ✓ per month | budget ("-") | responsible.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.numbers import parse_number
from .import_text import PAGE_HEADER, Imported, Ledger, clean, normalise_label, read_lines
from .import_title import read_title

_PROJECT = re.compile(r"^\s*([๐-๙\d]+(?:\.[๐-๙\d]+)+\s*\([๐-๙\d]+\))\s*(.*)$", re.S)
_ACTIVITY = re.compile(r"^\s*([๐-๙\d]+)\.\s*(.+)$", re.S)
_OUTCOME = "ผลลัพธ์"
_OUTPUT = "ผลผลิต"
_SPAN = re.compile(r"พ\.\s?ศ\.\s*([๐-๙\d]{4}\s*-\s*[๐-๙\d]{4})")
NO_BUDGET = "ไม่ใช้งบประมาณ"


def _split_indicator(text: str) -> dict:
    """'ผลผลิต ... ผลลัพธ์ ...' -> outputs and outcomes, each keeping its label word."""
    if _OUTPUT not in text and _OUTCOME not in text:
        return {"indicator": text or None}
    at = text.find(_OUTCOME)
    if at < 0:
        return {"outputs": text}
    return {"outputs": text[:at].strip() or None, "outcomes": text[at:].strip()}


def import_action_plan(path: Path, lines=None) -> Imported:
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    by_code: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    blocks_seen, pending, current = 0, [], None
    label = None
    for n, fields in lines:
        cells = [clean(f) for f in fields] + [""] * 7
        filled = [c for c in cells if c]
        if not filled:
            continue
        if cells[0] == "มิติ":
            ledger.note(n, " ".join(filled), PAGE_HEADER if blocks_seen else "column header")
            for p in pending:
                ledger.note_line(p, PAGE_HEADER if blocks_seen else "title (unit and period read from it)")
            blocks_seen, pending = blocks_seen + 1, []
            continue
        if len(filled) == 1 and cells[0] and not _PROJECT.match(cells[2]):
            pending.append(n)
            s = _SPAN.search(cells[0])
            label = label or (s and f"พ.ศ. {s.group(1)}")
            continue
        for p in pending:
            ledger.note_line(p, "heading")
        pending = []
        m = _PROJECT.match(cells[2])
        if not m:
            if current is not None and not any(cells[:4]):
                for key, v in (("method", cells[4]), ("responsible", cells[6])):
                    if v:
                        current[key] = f"{current[key]}\n{v}" if current.get(key) else v
                        ledger.place(n, v)
                if cells[5]:
                    for key, v in _split_indicator(cells[5]).items():
                        if v:
                            current[key] = f"{current[key]}\n{v}" if current.get(key) else v
                            ledger.place(n, v)
            continue                             # whatever is left: listed as not placed
        code = " ".join(m.group(1).split())
        if code in by_code:
            ledger.note(n, " ".join(filled), f"project {code} again (first on line {first_line[code]})")
            current = None
            continue
        dim = normalise_label(cells[0]) if cells[0] else None
        if dim:
            ledger.place(n, dim, source=cells[0], reason="dimension label normalised")
        row = {"dimension": dim, "mission": cells[1] or None, "code": code, "project": m.group(2) or None,
               "budget": cells[3] or None, "method": cells[4] or None, "responsible": cells[6] or None,
               **_split_indicator(cells[5])}
        for v in (cells[1], code, m.group(2), cells[3], cells[4], cells[5], cells[6]):
            if v:
                ledger.place(n, v)
        by_code[code], first_line[code] = row, n
        current = row
    for p in pending:
        ledger.note_line(p, PAGE_HEADER if blocks_seen > 1 else "heading")
    first = min(first_line.values(), default=None)
    unit, period, _, used = read_title(lines, first)
    out = Imported("action-plan", pd.DataFrame(list(by_code.values())), unit=unit, period=period,
                   period_label=label)
    if not by_code:
        return import_monthly_plan(path, lines)
    return ledger.finish(out, {u: "title (unit and period read from it)" for u in used})


def import_monthly_plan(path: Path, lines=None) -> Imported:
    """Seed 002: policy, measure, topic, numbered activity, ✓ per fiscal month, budget, group."""
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    rows, policy, policy_line, month_at, measure, measure_line = [], None, None, None, None, None
    for n, fields in lines:
        cells = [clean(f) for f in fields]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if filled[0] == "นโยบาย" and len(filled) == 2:
            policy, policy_line = normalise_label(filled[1]), n
            ledger.note(n, "นโยบาย", "column label")
            ledger.place(n, policy, source=filled[1], reason="policy label normalised")
            continue
        if "ต.ค." in cells and "พ.ย." in cells:
            month_at = cells.index("ต.ค.")
            ledger.note(n, " ".join(filled), "column header (fiscal months)")
            continue
        if month_at is None or len(cells) < month_at + 12:
            if filled[0] == "มาตรการ" or "ระยะเวลาดำเนินการ" in " ".join(filled):
                ledger.note(n, " ".join(filled), "column header")
            continue
        act = _ACTIVITY.match(cells[month_at - 1] if month_at else "")
        if not act:
            continue
        code = act.group(1)
        if any(r["code"] == code for r in rows):
            ledger.note(n, " ".join(filled), f"activity {code} again")
            continue
        if cells[0]:
            measure, measure_line = cells[0], n
        row = {"dimension": policy, "mission": measure, "code": code, "topic": cells[1] or None,
               "project": act.group(2)}
        ledger.place(n, code, source=f"{code}.", reason="activity number as the code")
        for v in (cells[0], cells[1], act.group(2)):
            if v:
                ledger.place(n, v)
        if not cells[0] and measure:
            ledger.place(n, measure, source="", reason=f"measure filled down from line {measure_line}")
        if policy and rows:
            ledger.place(n, policy, source="", reason=f"policy filled down from line {policy_line}")
        for i in range(12):
            v = cells[month_at + i]
            if v:
                row[f"plan_{i + 1}"] = v
                ledger.place(n, v)
        tail = [c for c in cells[month_at + 12:] if c]
        if tail:
            budget = tail[0]
            num, ok = parse_number(budget)
            if NO_BUDGET in budget or (ok and num is not None):
                row["budget"] = budget
                ledger.place(n, budget)
            else:
                ledger.note(n, budget, "budget given as a dash (no figure)")
            if len(tail) > 1:
                row["responsible"] = " ".join(tail[1:])
                ledger.place(n, row["responsible"])
        rows.append(row)
    first = min((n for n, f in lines if f and clean(f[0]) == "มาตรการ"), default=None)
    unit, period, label, used = read_title(lines, first)
    out = Imported("action-plan", pd.DataFrame(rows), unit=unit, period=period, period_label=label)
    return ledger.finish(out, {u: "narrative (unit and period read from it)" for u in used})
