"""Seed 000's shape into the scorecard kind: strategy | goal | 'CODE name' | weight | target |
c1..c5 | result | score | % | weighted | details | status, under dimension section rows.
The computed figures (score, %, weighted, status, totals) are recomputed, not imported,
and listed as such."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.numbers import parse_number
from .import_text import Imported, Ledger, clean, read_lines
from .import_title import read_title

_KPI_CODE = re.compile(r"^\s*([^\s\d]+\.\s?[๐-๙\d]+(?:\.[๐-๙\d]+)*)\s+(.*)$", re.S)
_HEADS = ("รายงานผล", "แผนปฏิบัติราชการ", "เป้าประสงค์", "ตัวชี้วัด", "เกณฑ์", "เป้าหมาย")
_TOTALS = ("น้ำหนักรวม", "ร้อยละ")


def import_scorecard(path: Path, lines=None) -> Imported:
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    rows, dimension, first, dim_line, last_dim = [], None, None, None, object()
    seen: dict[str, int] = {}
    dim_first: dict[str, int] = {}      # dimension -> the line of its section row placed in the sheet
    unit, period, label, used = read_title(lines)
    for n, fields in lines:
        cells = [clean(f) for f in fields]
        filled = [c for c in cells if c]
        if not filled or n in used:
            continue
        if len(filled) == 1 and filled[0].startswith("มิติ"):
            dimension, dim_line = filled[0], n      # placed when a row goes under it
            continue
        nums = [parse_number(c) for c in cells]
        m = _KPI_CODE.match(cells[2]) if len(cells) > 12 else None
        if m and all(nums[i][0] is not None for i in range(3, 10)):
            code = m.group(1).replace(" ", "")
            if code in seen:
                ledger.note(n, " ".join(filled), f"indicator {code} again (first on line {seen[code]})")
                continue
            seen[code] = n
            first = first or n
            if dimension != last_dim and dimension is not None:
                if dimension in dim_first:   # the sheet groups rows under one section row per dimension
                    ledger.note(dim_line, dimension, f"dimension section again (its rows go under the "
                                                     f"section row of line {dim_first[dimension]})")
                else:
                    ledger.place(dim_line, dimension)
                    dim_first[dimension] = dim_line
            last_dim = dimension
            rows.append({"dimension": dimension, "strategy": cells[0] or None, "goal": cells[1] or None,
                         "code": code, "indicator": m.group(2).strip(), "weight": nums[3][0], "target": nums[4][0],
                         "c1": nums[5][0], "c2": nums[6][0], "c3": nums[7][0], "c4": nums[8][0], "c5": nums[9][0]})
            ledger.place(n, code, source=m.group(1), reason="indicator code without its inner space")
            for v in (cells[0], cells[1], m.group(2), *cells[3:11]):
                ledger.place(n, v)
            details = cells[14] if len(cells) > 14 and cells[14] else None
            ledger.place(n, details)
            ledger.note(n, " ".join(cells[11:14]) + " " + " ".join(cells[15:]),
                        "score, percentage, weighted score and status as printed (the sheet computes them)")
            rows[-1]["_result"], rows[-1]["_details"] = cells[10] or None, details
            continue
        if filled[0].startswith(_TOTALS):
            ledger.note(n, " ".join(filled), "totals as printed (the sheet computes them)")
        elif any(k in filled[0] for k in _HEADS) or filled[0] in ("1", "2", "3", "4", "5"):
            ledger.note(n, " ".join(filled), "column header")
    frame = pd.DataFrame(rows)
    out = Imported("scorecard", frame.drop(columns=["_result", "_details"], errors="ignore"),
                   unit=unit, period=period, period_label=label)
    out.results = {r["code"]: {"result": r["_result"], "details": r["_details"]} for r in rows}
    return ledger.finish(out, {u: "title (unit and period read from it)" for u in used})
