"""The first page of the ministry's per-indicator document: which units it holds, in
units.yaml order, with their score, and the units it does not hold and why."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from .indicator_report import REPORT_TITLE
from .report_docx import TEXT_WIDTH, para, run, table

COVER_HEADER = ["ลำดับ", "หน่วยงาน", "ค่าคะแนน\nที่ได้", "ค่าคะแนน\nถ่วงน้ำหนัก", "หมายเหตุ"]


def cover_rows(rows: list) -> list[list[str]]:
    """One line per unit: (unit, report or None, why not). A unit in another round than
    the first unit's says so (a ministry document never mixes rounds unawares)."""
    first = next((rep for _, rep, _ in rows if rep is not None), None)
    out = []
    for i, (unit, rep, why) in enumerate(rows, 1):
        if rep is None:
            out.append([str(i), unit.name, "-", "-", why])
            continue
        note = "" if first is None or rep.period_label == first.period_label else \
            f"รายงาน{rep.period_label} / a different round"
        out.append([str(i), unit.name, rep.score_text or "ยังไม่รายงาน", rep.weighted_text or "-", note])
    return out


def cover_writer(code: str, rows: list):
    """A function writing the first page into a document (report_docx.render's ``cover``)."""
    def write(doc) -> None:
        reps = [rep for _, rep, _ in rows if rep is not None]
        first = reps[0] if reps else None
        head, _, tail = REPORT_TITLE.rpartition(" ")
        for line in (head, f"{tail} {first.period_label if first else ''}".strip()):
            para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        p = para(doc, before=12)
        run(p, f"ตัวชี้วัดที่ {code} : ", bold=True)
        run(p, first.indicator if first else "-", bold=True)
        para(doc, f"รายงานของหน่วยงาน {len(reps)} จาก {len(rows)} หน่วยงาน เรียงตามทะเบียนหน่วยงาน "
                  "แต่ละหน่วยงานเริ่มหน้าใหม่", before=6)
        table(doc, COVER_HEADER, cover_rows(rows), [1.6, 4.6, 2.2, 2.6, TEXT_WIDTH - 11.0], centered={0, 2, 3}, together=False)
    return write
