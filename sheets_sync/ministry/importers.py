"""Reading the reports units already have into the canonical template.

Text/CSV exports in the seeds' shapes (pipe- or tab-separated, page headers repeated
on every page, HTML fragments in cells, Thai digits, ITA item codes with the letter I
read as 1) and .xlsx files laid out like seed 000. Every row that carries content but
could not be placed is reported with its line and the reason.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import SheetsSyncError
from ..core.numbers import parse_number

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_LEVELS = ("ยกระดับ", "แก้ไขเร่งด่วน")
_SCORE = re.compile(r"^[๐-๙\d]{1,3}[.][๐-๙\d]{1,2}$")
_KPI_CODE = re.compile(r"^\s*([^\s\d]+\.\s?[๐-๙\d]+(?:\.[๐-๙\d]+)*)\s+(.*)$", re.S)
_PROJECT = re.compile(r"^\s*([๐-๙\d]+(?:\.[๐-๙\d]+)+\s*\([๐-๙\d]+\))\s*(.*)$", re.S)


@dataclass
class Skipped:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text[:80]!r}"


@dataclass
class Imported:
    kind: str
    rows: pd.DataFrame
    results: dict = field(default_factory=dict)       # code -> {unit-owned field: value}
    skipped: list[Skipped] = field(default_factory=list)


def clean(text) -> str:
    """Cell text without HTML fragments, entities or runs of spaces."""
    if text is None:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", str(text)))).strip()


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, fields) of a text export, or rows of an .xlsx (first sheet with data)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from ..backends.xlsx_book import XlsxBook
        out = []
        for grid in XlsxBook(path).grids().values():
            for r in range(1, grid.max_row + 1):
                row = [grid.get(r, c) for c in range(1, grid.max_col + 1)]
                out.append((r, ["" if v is None else str(v) for v in row]))
        return out
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp874")   # Thai Windows exports
    sep = "|" if text.count("|") > text.count("\t") else "\t"
    return [(i, line.split(sep)) for i, line in enumerate(text.splitlines(), 1)]


def import_scorecard(path: Path) -> Imported:
    """Seed 000's shape: strategy | goal | 'CODE name' | weight | target | c1..c5 | result |
    score | % | weighted | details | status."""
    out = Imported("scorecard", pd.DataFrame())
    rows, dimension = [], None
    for n, fields in _lines(path):
        cells = [clean(f) for f in fields]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].startswith("มิติ"):
            dimension = filled[0]
            continue
        nums = [parse_number(c) for c in cells]
        m = _KPI_CODE.match(cells[2]) if len(cells) > 12 else None
        if m and all(nums[i][0] is not None for i in range(3, 10)):
            code = m.group(1).replace(" ", "")
            rows.append({"dimension": dimension, "strategy": cells[0] or None, "goal": cells[1] or None,
                         "code": code, "indicator": m.group(2).strip(), "weight": nums[3][0], "target": nums[4][0],
                         "c1": nums[5][0], "c2": nums[6][0], "c3": nums[7][0], "c4": nums[8][0], "c5": nums[9][0],
                         "method": "step"})
            out.results[code] = {"result": cells[10] or None, "details": cells[14] if len(cells) > 14 and cells[14] else None}
            continue
        if any(k in filled[0] for k in ("รายงานผล", "แผนปฏิบัติราชการ", "เป้าประสงค์", "ตัวชี้วัด", "เกณฑ์", "น้ำหนักรวม",
                                        "ร้อยละ", "เป้าหมาย")) or filled[0] in ("1", "2", "3", "4", "5"):
            continue  # titles, header rows and totals (recomputed, not imported)
        out.skipped.append(Skipped(n, " | ".join(filled), "no indicator code with weight and five thresholds"))
    out.rows = pd.DataFrame(rows)
    return out


def import_ita(path: Path) -> Imported:
    """Seed 001's shape: tool sections (IIT/EIT/OIT), indicator headings '1. ...', item rows
    'code [question] score level measure result outcome', continuation lines."""
    from ..core.ita_scores import normalise_code
    out = Imported("ita", pd.DataFrame())
    items: list[dict] = []
    tool, indicator, current = None, None, None
    for n, fields in _lines(path):
        cells = [clean(f) for f in fields]
        filled = [c for c in cells if c]
        if not filled:
            continue
        line = " ".join(filled)
        for t in ("IIT", "EIT", "OIT"):
            if f"({t})" in line:
                tool = t
        head = re.match(r"^([๐-๙\d]{1,2})\.\s*\S", cells[0] if cells[0] else "")
        if head and len(filled) == 1:
            indicator = int(head.group(1).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
            continue
        first = cells[0]
        code_token, _, rest0 = first.partition(" ")
        code = normalise_code(code_token, tool) if first else None
        if code is None or set(filled[0]) <= set("-"):
            if current is not None and not first and filled:
                current["measure"] = (current["measure"] + "\n" + " ".join(filled)).strip()
            elif filled[0].startswith(("ตัวชี้วัดย่อย", "ผลการดำเนินงาน", "-----")) or tool is None:
                pass
            else:
                out.skipped.append(Skipped(n, line, "no item code (I/E/O) at the start of the row"))
            continue
        rest = ([rest0] if rest0 else []) + cells[1:]
        score_at = next((i for i, c in enumerate(rest) if _SCORE.match(c)), None)
        if score_at is None:
            out.skipped.append(Skipped(n, line, f"item {code} has no score"))
            current = None
            continue
        question = " ".join(c for c in rest[:score_at] if c)
        after = [c for c in rest[score_at + 1:]]
        level = None
        if after and after[0].startswith(_LEVELS):
            word = next(w for w in _LEVELS if after[0].startswith(w))
            level, after[0] = word, after[0][len(word):].strip()
        after = [c for c in after if c] + ["", "", ""]
        current = {"code": code, "indicator": indicator, "question": question or None,
                   "score": parse_number(rest[score_at])[0], "doc_level": level,
                   "measure": after[0], "result": after[1] or None, "outcome": after[2] or None}
        items.append(current)
    out.rows = pd.DataFrame(items)
    return out


def import_action_plan(path: Path) -> Imported:
    """Seed 004's shape: มิติ | ภารกิจ | 'code project' | budget | method | indicator | note,
    the page header repeated on every page; one row per project code."""
    out = Imported("action-plan", pd.DataFrame())
    by_code: dict[str, dict] = {}
    for n, fields in _lines(path):
        cells = [clean(f) for f in fields] + [""] * 7
        filled = [c for c in cells if c]
        if not filled or cells[0] == "มิติ" or len(filled) == 1:
            continue  # blank, the repeated column header, titles
        m = _PROJECT.match(cells[2])
        if not m:
            out.skipped.append(Skipped(n, " | ".join(filled), "no project code like ๑.๑.๑ (๑)"))
            continue
        code = " ".join(m.group(1).split())
        row = by_code.get(code)
        if row is None:
            by_code[code] = {"dimension": cells[0], "mission": cells[1], "code": code, "project": m.group(2),
                             "budget": cells[3], "method": cells[4], "indicator": cells[5], "responsible": cells[6]}
        else:  # the same project continued on the next page
            for key, value in zip(("method", "indicator"), (cells[4], cells[5])):
                if value and value not in row[key]:
                    row[key] = f"{row[key]} {value}".strip()
    out.rows = pd.DataFrame(list(by_code.values()))
    return out


IMPORTERS = {"scorecard": import_scorecard, "ita": import_ita, "action-plan": import_action_plan}


def import_file(source: str | Path, kind: str, out: str | Path, *, unit: str | None = None,
                period: str | None = None, overwrite: bool = False) -> Imported:
    """Read ``source`` as ``kind`` and write the canonical workbook ``out``: the
    template's cells from the report, then what the unit had typed, as a person would."""
    from ..kinds.base import kind_named
    from ..workbook.entry import type_values
    from ..workbook.init import init
    from ..workbook.recalc import recalc
    source = Path(source)
    if not source.is_file():
        raise SheetsSyncError(f"ไม่พบไฟล์ {source}", f"file not found: {source}")
    if kind not in IMPORTERS:
        raise SheetsSyncError(f"ไม่รู้จักชนิด {kind}", f"unknown kind {kind} ({', '.join(IMPORTERS)})")
    imported = IMPORTERS[kind](source)
    if imported.rows.empty:
        reasons = "; ".join(map(str, imported.skipped[:5])) or "no line looked like a row of this kind"
        raise SheetsSyncError(f"ไม่พบแถวข้อมูลที่นำเข้าได้ใน {source.name}",
                              f"no importable rows in {source.name}: {reasons}")
    init(out, kind=kind, indicators=imported.rows.drop(columns=["doc_level"], errors="ignore"), unit=unit,
         period=period, overwrite=overwrite)
    k = kind_named(kind)
    unit_values = dict(imported.results)
    unit_keys = [c for c in imported.rows.columns if c not in ("code", "doc_level")]
    for rec in imported.rows.to_dict("records"):
        typed = {key: rec[key] for key in unit_keys if rec.get(key) is not None and rec.get(key) == rec.get(key)}
        unit_values.setdefault(k.code_key(rec["code"]), {}).update(typed)
    type_values(out, unit_values)
    recalc(out)
    return imported
