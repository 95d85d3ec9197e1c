"""Unit and period read from a report's own title lines (overridable by --unit/--period).

Seed 000: "...ของศูนย์ปฏิบัติการต่อต้านการทุจริต ประจำไตรมาสที่ 2/2567" -> unit ศูนย์ปฏิบัติการ
ต่อต้านการทุจริต, period 2/2567. Seed 002: "...ในรอบ ๕ เดือนแรก (ตุลาคม ๒๕๖๓ – กุมภาพันธ์ ๒๕๖๔)"
-> period 2564 (the fiscal year the round ends in; core/periods accepts only q/yyyy or
yyyy today) with the round's own words kept as the period label.
"""
from __future__ import annotations

import re

from .import_text import clean, thai_digits

_UNIT_WORD = r"(?:ศูนย์|สำนักงาน|สำนัก|กอง|กรม|กลุ่ม)"
_UNIT_LINE = re.compile(rf"^{_UNIT_WORD}\S*$")
_UNIT_IN = re.compile(rf"(?:ของ|\s|^)({_UNIT_WORD}\S+)(?=\s+ประจำ|\s*$)")
_QUARTER = re.compile(r"ไตรมาสที่\s*([1-4])\s*/\s*(25\d\d)")
_FISCAL = re.compile(r"ปีงบประมาณ\s*(?:พ\.\s?ศ\.\s*)?(25\d\d)")
_MONTHS = ["ตุลาคม", "พฤศจิกายน", "ธันวาคม", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม",
           "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน"]
_ROUND = re.compile(r"รอบ\s*(\d+)\s*เดือน(แรก|หลัง)?\s*\(([^)]*?)(\S+)\s+(25\d\d)\s*\)")


def read_title(lines: list[tuple[int, list[str]]], first_data_line: int | None = None
               ) -> tuple[str | None, str | None, str | None, list[int]]:
    """(unit, period, period label, the title lines used) from the lines before the table."""
    unit = period = label = None
    used: list[int] = []
    for n, cells in lines:
        if first_data_line is not None and n >= first_data_line:
            break
        filled = [clean(c) for c in cells if clean(c)]
        if not filled:
            continue
        text = " ".join(filled)
        digits = thai_digits(text)
        hit = False
        if unit is None and len(filled) == 1 and _UNIT_LINE.match(text) and len(text) < 60:
            unit, hit = text, True
        if period is None:
            q = _QUARTER.search(digits)
            r = _ROUND.search(digits)
            f = _FISCAL.search(digits)
            if q:
                period, hit = f"{q.group(1)}/{q.group(2)}", True
            elif r:
                month, year = r.group(4), int(r.group(5))
                fiscal = year + 1 if month in _MONTHS[:3] else year
                period, hit = str(fiscal), True
                label = clean(r.group(0))
            elif f:
                period, hit = f.group(1), True
        if unit is None:
            m = None
            for m in _UNIT_IN.finditer(text):
                pass
            if m:
                unit, hit = m.group(1), True
        if hit:
            used.append(n)
    return unit, period, label, used
