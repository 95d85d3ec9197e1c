"""Seed 003's shape into the scorecard kind: one indicator's report (รายงานผลการปฏิบัติ
ราชการตามคำรับรองการปฏิบัติราชการ รายตัวชี้วัด) as labelled sections, "ตัวชี้วัดที่ 7.2.1 :
name", the people and phones, คำอธิบาย, the step of each level, the thresholds, the score
block, the narratives and the numbered evidence list.

The indicator row (code, name, weight, thresholds) and the ministry's text (description,
step texts, role labels) become the template's cells of the scorecard and its details tab;
the result and what the unit wrote (people, phones, narratives, evidence) its own cells.
The score and weighted score as printed are computed again by the sheet, not imported.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import SheetsSyncError
from ..core.numbers import parse_number
from ..core.period import Period
from .import_text import PAGE_HEADER, Imported, Ledger, clean, read_lines, thai_digits

TEMPLATE = "scorecard_opdc"          # seed 003 is OPDC's per-indicator report: 4 decimals
_PAGE = "รายงานผลการปฏิบัติราชการ"
_ROUND = re.compile(r"รอบ\s*([\d๐-๙]+)\s*เดือน")
_FISCAL = re.compile(r"ปีงบประมาณ\s*(?:พ\.\s?ศ\.\s*)?(25\d\d)")
_CODE = re.compile(r"^ตัวชี้วัดที่\s*([\d๐-๙]+(?:\s?\.\s?[\d๐-๙]+)*)\s*:?\s*(.*)$")
_STEP = re.compile(r"^([1-5๑-๕])$")
# section label at the start of a line -> what the text under it is
SECTIONS = [
    ("supervisor", re.compile(r"^(ผู้กำกับดูแลตัวชี้วัด)\s*:\s*(.*)$")),
    ("collector", re.compile(r"^(ผู้จัดเก็บข้อมูล)\s*:\s*(.*)$")),
    ("phone", re.compile(r"^(โทรศัพท์)\s*:\s*(.*)$")),
    ("description", re.compile(r"^(คำอธิบาย)\s*:\s*(.*)$")),
    ("steps", re.compile(r"^(ข้อมูลผลการดำเนินงาน)\s*:\s*(.*)$")),
    ("criteria", re.compile(r"^(เกณฑ์การให้คะแนน)\s*:\s*(.*)$")),
    ("score", re.compile(r"^(การคำนวณคะแนนจากผลการดำเนินงาน)\s*:\s*(.*)$")),
    ("explanation", re.compile(r"^(คำชี้แจงการปฏิบัติงาน(?:\s*/\s*มาตรการที่ได้ดำเนินการ)?)\s*:\s*(.*)$")),
    ("supporting_factors", re.compile(r"^(ปัจจัยสนับสนุน(?:ต่อการดำเนินงาน)?)\s*:\s*(.*)$")),
    ("obstacles", re.compile(r"^(อุปสรรค(?:ต่อการดำเนินงาน)?)\s*:\s*(.*)$")),
    ("evidence", re.compile(r"^(หลักฐานอ้างอิง)\s*:\s*(.*)$")),
]
NARRATIVES = ("explanation", "supporting_factors", "obstacles", "evidence")
_STEP_HEADS = ("ระดับคะแนน", "การดำเนินงานในแต่ละขั้นตอน")
_SCORE_HEADS = ("ตัวชี้วัด/ข้อมูลพื้นฐาน", "ประกอบตัวชี้วัด", "น้ำหนัก", "(ร้อยละ)", "ผลการดำเนินงาน",
                "ค่าคะแนนที่ได้", "ค่าคะแนน ถ่วงน้ำหนัก", "ค่าคะแนนถ่วงน้ำหนัก")


def looks_like_indicator_report(lines) -> bool:
    """Seed 003's shape: an "ตัวชี้วัดที่ X :" line and the evidence or score section."""
    texts = [clean(" ".join(c for c in cells if c)) for _, cells in lines]
    return any(_CODE.match(t) for t in texts) and any(rx.match(t) for t in texts
                                                      for key, rx in SECTIONS if key in ("evidence", "score"))


def import_indicator_report(path: Path, lines=None) -> Imported:
    lines = lines if lines is not None else read_lines(path)
    ledger = Ledger(lines)
    texts = {n: ledger.text[n] for n, _ in lines}
    state = {"section": None, "step": None, "titled": False}
    row: dict = {}
    unit_text: dict[str, list[str]] = {k: [] for k in NARRATIVES}
    people: dict[str, str] = {}
    phones: list[str] = []
    steps: dict[int, list[str]] = {}
    criteria: list[float] = []
    score_numbers: list[tuple[int, str]] = []
    period = label = None

    for n, _ in lines:
        text = texts[n]
        if not text:
            continue
        if text.startswith(_PAGE) or (not row and _ROUND.fullmatch(text)):
            m = _ROUND.search(text)
            if m and label is None:
                label = clean(m.group(0))
            if state["titled"] and text.startswith(_PAGE):
                ledger.note(n, text, PAGE_HEADER)
            else:
                ledger.note(n, text, "title (the round read from it)")
                state["titled"] = state["titled"] or text.startswith(_PAGE)
            continue
        if period is None and (f := _FISCAL.search(thai_digits(text))):
            period = f.group(1)
        m = _CODE.match(text)
        if m:
            if "code" in row:
                ledger.note(n, text, f"indicator line again (the report is of {row['code']})")
                continue
            row["code"] = thai_digits(m.group(1)).replace(" ", "")
            row["indicator"] = m.group(2).strip()
            ledger.note(n, text[: text.index(m.group(1))] + (":" if ":" in text else ""), "section label")
            ledger.place(n, row["code"], source=m.group(1), reason="indicator code")
            ledger.place(n, row["indicator"])
            state["section"] = "indicator"
            continue
        section, rest = _section_of(text)
        if section:
            label_text = text[: len(text) - len(rest)] if rest else text
            state["section"], state["step"] = section, None
            role_key = f"{section}_role"
            if section in ("supervisor", "collector") and role_key not in row:
                row[role_key] = label_text.rstrip(": ").strip()      # the role as the report names it
                ledger.place(n, row[role_key])
                ledger.note(n, ":", "section label")
            else:
                ledger.note(n, label_text, "section label")
            if section in ("supervisor", "collector"):
                if rest and section not in people:
                    people[section] = rest
                    ledger.place(n, rest)
                elif rest:
                    ledger.note(n, rest, f"{section} again (the first one is kept)")
                continue
            if section == "phone":
                if rest and len(phones) < 2:
                    phones.append(rest)
                    ledger.place(n, rest)
                elif rest:
                    ledger.note(n, rest, "a third telephone number (one each for supervisor and collector)")
                continue
            text = rest
            if not text:
                continue
        _body(n, text, state, ledger, row, unit_text, steps, criteria, score_numbers)

    if "code" not in row:
        raise SheetsSyncError(f"ไม่พบบรรทัด ตัวชี้วัดที่ ... ใน {path.name}",
                              f"no importable rows in {path.name}: no 'ตัวชี้วัดที่ CODE : name' line")
    weight = _number(score_numbers, 0)
    if weight is None or len(criteria) < 5:
        what = "น้ำหนัก" if weight is None else "เกณฑ์การให้คะแนนระดับ 1-5"
        raise SheetsSyncError(f"ไม่พบ{what}ของตัวชี้วัด {row['code']} ใน {path.name}",
                              f"no importable rows in {path.name}: the weight or the five thresholds of "
                              f"{row['code']} are missing")
    row.update(weight=weight, **{f"c{i}": v for i, v in enumerate(criteria[:5], 1)})
    for i in range(1, 6):
        row[f"step{i}"] = "\n".join(steps.get(i, [])) or None
    desc = unit_text.pop("description", [])
    row["description"] = "\n".join(desc) or None
    for i, (ln, text) in enumerate(score_numbers):
        if i == 1:
            ledger.place(ln, text)
        elif i > 1:
            ledger.note(ln, text, "score and weighted score as printed (the sheet computes them)")
    result = _number(score_numbers, 1)
    details = {k: "\n".join(v) for k, v in unit_text.items() if v}
    details.update({k: v for k, v in people.items()})
    for key, value in zip(("supervisor_phone", "collector_phone"), phones):
        details[key] = value
    if period and label:      # "รอบ 12 เดือน" + fiscal 2550 is the round 12m/2550, not the whole year
        try:
            period = Period.parse(f"{label} ปีงบประมาณ {period}").code
        except SheetsSyncError:
            pass
    out = Imported("scorecard", pd.DataFrame([row], dtype=object), period=period, period_label=label)
    out.results = {row["code"]: {"result": result}}
    out.details = {row["code"]: details}
    out.template = TEMPLATE
    return ledger.finish(out)


def _section_of(text: str) -> tuple[str | None, str]:
    for key, rx in SECTIONS:
        m = rx.match(text)
        if m:
            return key, m.group(2).strip()
    return None, ""


def _number(found: list[tuple[int, str]], i: int):
    return parse_number(found[i][1])[0] if len(found) > i else None


def _body(n, text, state, ledger, row, unit_text, steps, criteria, score_numbers) -> None:
    """A line under a section label: where its text goes."""
    section = state["section"]
    if section in (*NARRATIVES, "description"):
        unit_text.setdefault(section, []).append(text)
        ledger.place(n, text)
    elif section == "steps":
        m = _STEP.match(text)
        if m:
            state["step"] = int(thai_digits(m.group(1)))
            steps.setdefault(state["step"], [])
            ledger.note(n, text, "level number of the step table")
        elif state["step"] is None and text.startswith(_STEP_HEADS):
            ledger.note(n, text, "column header")
        elif state["step"] is not None:
            steps[state["step"]].append(text)
            ledger.place(n, text)
    elif section == "criteria":
        value, ok = parse_number(text)
        if value is not None and ok and len(criteria) < 5:
            criteria.append(value)
            ledger.place(n, text)
        elif re.fullmatch(r"ระดับ\s*[1-5๑-๕]", text):
            ledger.note(n, text, "column header")
    elif section == "score":
        value, ok = parse_number(text)
        if value is not None and ok:
            score_numbers.append((n, text))
            if len(score_numbers) == 1:
                ledger.place(n, text)
        elif text in _SCORE_HEADS:
            ledger.note(n, text, "column header")
        elif clean(text) == clean(row.get("indicator", "")):
            ledger.note(n, text, "the indicator's name again (in the score table)")
