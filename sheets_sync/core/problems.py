"""Problems found in a sheet: where (sheet, cell) and what, in Thai and English."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"

# kind -> (severity, Thai, English). Placeholders are filled from Problem.args.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "result_not_number": (ERROR,
        "ผลการดำเนินงาน {value!r} ไม่ใช่ตัวเลข (ถ้ายังไม่มีผลให้เว้นว่างไว้)",
        "result {value!r} is not a number (leave it empty if not reported yet)"),
    "result_is_date": (ERROR,
        "ผลการดำเนินงานถูกพิมพ์เป็นวันที่ ({date_th}) ไม่ใช่ตัวเลข จึงไม่ถูกนำไปคำนวณ",
        "the result was typed as a date ({date_en}), not a number, so it is not scored"),
    "cells_merged": (ERROR,
        "ช่อง {range} ถูกผสานรวมกัน ผลการดำเนินงานกับช่องอื่นจึงใช้ช่องเดียวกัน ให้ยกเลิกการผสาน",
        "cells {range} are merged, so the result shares one cell with another: unmerge them"),
    "result_not_reported": (WARNING,
        "ตัวชี้วัด {code} ยังไม่รายงานผล ยอดรวมจึงยังไม่ครบ",
        "indicator {code} has no result yet; totals are incomplete"),
    "milestone_out_of_range": (ERROR,
        "ตัวชี้วัดระดับความสำเร็จ {code}: ผล {value} ไม่ใช่ขั้นที่ทำสำเร็จ 0-5 (พิมพ์ร้อยละหรือจำนวนแทนขั้น?) "
        "จึงยังไม่ให้คะแนน",
        "milestone indicator {code}: result {value} is not a step 0-5 (a percentage or a count typed instead "
        "of the step?); not scored"),
    "milestone_not_step": (WARNING,
        "ตัวชี้วัดระดับความสำเร็จ {code}: ผล {value} ควรเป็นขั้นที่ทำสำเร็จ 0-5 (จำนวนเต็ม)",
        "milestone indicator {code}: result {value} should be a whole step 0-5"),
    "weight_not_number": (ERROR,
        "น้ำหนัก {value!r} ไม่ใช่ตัวเลข", "weight {value!r} is not a number"),
    "weight_missing": (ERROR,
        "ตัวชี้วัด {code} ไม่มีน้ำหนัก คะแนนถ่วงน้ำหนักจึงว่างและไม่นับในยอดรวม",
        "indicator {code} has no weight, so its weighted score is empty and left out of the total"),
    "weight_sum": (ERROR,
        "น้ำหนักรวม {total} ไม่เท่ากับ {expected}", "weights sum to {total}, not {expected}"),
    "criteria_missing": (ERROR,
        "เกณฑ์การให้คะแนนระดับ {level} ของ {code} ว่างหรือไม่ใช่ตัวเลข ({value!r})",
        "scoring threshold of level {level} for {code} is missing or not a number ({value!r})"),
    "criteria_not_monotonic": (ERROR,
        "เกณฑ์การให้คะแนนของ {code} ต้องเรียงขึ้นหรือลงตลอด (ได้ {values})",
        "scoring thresholds of {code} must strictly rise or strictly fall (got {values})"),
    "direction_conflict": (ERROR,
        "ทิศทาง {direction!r} ของ {code} ไม่ตรงกับเกณฑ์ที่เรียง{order}",
        "direction {direction!r} of {code} contradicts thresholds that {order_en}"),
    "method_unknown": (ERROR,
        "วิธีให้คะแนน {value!r} ของ {code} ไม่รู้จัก (ใช้ step หรือ interpolation)",
        "scoring method {value!r} of {code} is unknown (use step or interpolation)"),
    "duplicate_code": (ERROR,
        "รหัสตัวชี้วัด {code} ซ้ำกับแถว {first_row}", "indicator code {code} repeats row {first_row}"),
    "computed_overwritten": (ERROR,
        "ช่องคำนวณถูกแก้ด้วยมือ ({value!r}) ค่าที่คำนวณได้คือ {expected}",
        "computed cell was changed by hand ({value!r}); the computed value is {expected}"),
    "computed_formula": (ERROR,
        "ช่องคำนวณมีสูตรที่พิมพ์เอง {value!r} sheets-sync จะเขียนค่าแทน",
        "computed cell holds a hand-written formula {value!r}; sheets-sync writes the value instead"),
    "round_locked": (WARNING,
        "แผ่นงานนี้ล็อกแล้ว ({why_th}) จึงไม่เขียนค่าคำนวณ {cells} ช่องที่ต่างไป",
        "the tab is locked ({why}): {cells} computed cells that differ were not written"),
    "changed_after_lock": (ERROR,
        "ผลถูกแก้หลังล็อกรอบ ({why_th}): เดิม {old!r} ตอนนี้ {new!r} — ตัวเลขที่ส่งแล้วคือค่าเดิม ให้กระทรวงตรวจสอบ",
        "result changed after the round was locked ({why}): was {old!r}, now {new!r} — the submitted figure is "
        "the old one; the ministry should check"),
    "computed_stale": (WARNING,
        "ค่าคำนวณไม่เป็นปัจจุบัน: ช่องนี้มี {value!r} แต่ควรเป็น {expected} (กด คำนวณใหม่ หรือสั่ง sheets-sync recalc)",
        "computed value is stale: the cell holds {value!r} where it should be {expected} (click Recalculate or run sheets-sync recalc)"),
    "computed_stale_cells": (WARNING,
        "ค่าคำนวณไม่เป็นปัจจุบัน {count} ช่อง ({cells}): แผ่นงานแสดงตัวเลขเก่า "
        "(กด คำนวณใหม่ หรือสั่ง sheets-sync recalc)",
        "{count} computed cells are stale ({cells}): the sheet shows out-of-date figures "
        "(click Recalculate or run sheets-sync recalc)"),
    "computed_replaced": (WARNING,
        "ค่าที่พิมพ์ทับช่องคำนวณ {value!r} ถูกแทนด้วย {expected} (ค่าเดิมบันทึกไว้ที่นี่)",
        "value {value!r} typed over a computed cell was replaced by {expected} (kept here for the record)"),
    "result_without_code": (WARNING,
        "แถวนี้มีผลการดำเนินงาน {value!r} แต่ไม่มีรหัสตัวชี้วัด จึงไม่ถูกนำไปคำนวณ",
        "this row has a result {value!r} but no indicator code, so it is not scored"),
    "missing_column": (ERROR,
        "ไม่พบคอลัมน์ {label} ในแถวหัวตาราง", "column {label} not found in the header rows"),
    "duplicate_column": (ERROR,
        "คอลัมน์ {label} มีซ้ำ (คอลัมน์ {first} และ {second})", "column {label} appears twice ({first} and {second})"),
    "missing_total_row": (WARNING,
        "ไม่พบแถว {label} จึงไม่ได้เขียนยอดรวมนั้น", "row {label} not found, so that total is not written"),
    "template_outdated": (ERROR,
        "แผ่นงานใช้แม่แบบรุ่น {have} แต่แม่แบบกลางเป็นรุ่น {want} (ให้กระทรวง push-template)",
        "sheet follows template version {have} but the canonical template is version {want} (run push-template)"),
    "ita_code": (ERROR,
        "รหัสตัวชี้วัดย่อย {value!r} ไม่ใช่รูปแบบ I1 / E1 / O1", "item code {value!r} is not of the form I1 / E1 / O1"),
    "ita_score_range": (ERROR,
        "คะแนน {value!r} ต้องอยู่ระหว่าง 0 ถึง 100", "score {value!r} must lie between 0 and 100"),
    "no_scorecard": (ERROR,
        "ไม่พบแผ่นงานตัวชี้วัดในไฟล์ (ต้องมีหัวตาราง ตัวชี้วัด / ผลการดำเนินงาน / ค่าคะแนนที่ได้)",
        "no scorecard sheet found (header row needs ตัวชี้วัด / ผลการดำเนินงาน / ค่าคะแนนที่ได้)"),
}


class _Empty(str):
    """An empty cell's value in a message: the word, with ``!r`` too."""

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Problem:
    kind: str
    sheet: str
    cell: str
    args: tuple = ()
    code: str | None = None

    @property
    def severity(self) -> str:
        return CATALOGUE[self.kind][0]

    def _fill(self, text: str, empty: str) -> str:
        # a cell left empty reads as the word for it, not as Python's None
        return text.format(**{k: _Empty(empty) if v is None else v for k, v in self.args})

    @property
    def message_th(self) -> str:
        return self._fill(CATALOGUE[self.kind][1], "ว่าง")

    @property
    def message_en(self) -> str:
        return self._fill(CATALOGUE[self.kind][2], "empty")

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"[{self.where}] {self.message_th} / {self.message_en}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("args")
        d.update(severity=self.severity, message_th=self.message_th, message_en=self.message_en)
        return d


def problem(kind: str, sheet: str, cell: str = "", code: str | None = None, **args) -> Problem:
    if kind not in CATALOGUE:
        raise KeyError(kind)
    args.setdefault("code", code or "")
    return Problem(kind, sheet, cell, tuple(sorted(args.items())), code)


def not_at(explained: Iterable[Problem], found: list[Problem]) -> list[Problem]:
    """``found`` without the problems at a cell another problem already explains (a date
    typed as a result is not also "not a step 0-5")."""
    cells = {(p.sheet, p.cell) for p in explained}
    return [p for p in found if (p.sheet, p.cell) not in cells]


def folded_stale(problems: list[Problem], at_most: int = 3) -> list[Problem]:
    """The stale computed cells of each sheet as one problem once there are more than
    ``at_most`` (one new result makes a row's score and the totals stale: listing every
    cell buries the findings that need a person); the others as they are, in order."""
    by_sheet: dict[str, list[Problem]] = {}
    for p in problems:
        if p.kind == "computed_stale":
            by_sheet.setdefault(p.sheet, []).append(p)
    out, done = [], set()
    for p in problems:
        cells = by_sheet.get(p.sheet) if p.kind == "computed_stale" else None
        if cells is None or len(cells) <= at_most:
            out.append(p)
        elif p.sheet not in done:
            done.add(p.sheet)
            shown = ", ".join(c.cell for c in cells[:6]) + (", ..." if len(cells) > 6 else "")
            out.append(problem("computed_stale_cells", p.sheet, cells[0].cell, count=len(cells), cells=shown))
    return out
