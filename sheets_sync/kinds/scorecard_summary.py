"""The scorecard's part of the ministry summary: each unit's totals and status counts,
and an indicator x unit matrix of scores with mean, min, max and units below level 3."""
from __future__ import annotations

from collections import Counter

import pandas as pd

from ..core.thai_time import shown_time
from .base import SummaryPart, UnitRead
from .template import Template

DETAILS = "รายละเอียดรายหน่วยงาน"
EXPLANATION, OBSTACLES = "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "อุปสรรคต่อการดำเนินงาน"
DETAIL_COLUMNS = ["รหัสหน่วยงาน", "หน่วยงาน", "รหัส", "ตัวชี้วัด", "ผลการดำเนินงาน", "ค่าคะแนนที่ได้", "สถานะ",
                  EXPLANATION, OBSTACLES, "จำนวนหลักฐานอ้างอิง"]
OVERVIEW_COLUMNS = ["รหัสหน่วยงาน", "หน่วยงาน", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว",
                    "ตัวชี้วัดทั้งหมด", "เขียว", "เหลือง", "แดง", "เทา", "ไม่ถูกต้อง", "รุ่นแม่แบบ", "แก้ไขล่าสุด", "จำนวนปัญหา"]


def rank(frame: pd.DataFrame, column: str, ascending: bool = False) -> pd.DataFrame:
    """Ties share a rank (1, 2, 2, 4), as league tables do."""
    frame.insert(0, "ลำดับ", frame[column].rank(method="min", ascending=ascending).astype("Int64")
                 if len(frame) else pd.Series(dtype="Int64"))
    return frame.sort_values(["ลำดับ", "รหัสหน่วยงาน"], kind="stable").reset_index(drop=True)


def _column(frame: pd.DataFrame, key: str) -> list:
    """A column as a plain list (None for each row when the table has no such column)."""
    return frame[key].tolist() if key in frame else [None] * len(frame)


def summarise(reads: list[UnitRead], template: Template) -> SummaryPart:
    # Columns are read once per unit as lists: a ministry has a thousand units, and a
    # pandas lookup per unit and row cost more than the rest of the summary.
    rows = []
    for u in reads:
        t = u.result.totals
        counts = Counter(u.result.rows["status"].tolist()) if len(u.result.rows) else Counter()
        rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "คะแนนถ่วงน้ำหนักรวม": t.get("weighted_score"),
                     "ร้อยละ": t.get("percentage"), "รายงานแล้ว": t.get("reported"),
                     "ตัวชี้วัดทั้งหมด": t.get("indicators"),
                     "เขียว": int(counts.get("green", 0)), "เหลือง": int(counts.get("yellow", 0)),
                     "แดง": int(counts.get("red", 0)), "เทา": int(counts.get("grey", 0)),
                     "ไม่ถูกต้อง": int(counts.get("invalid", 0)),
                     "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": shown_time(u.modified), "จำนวนปัญหา": len(u.result.problems)})
    overview = rank(pd.DataFrame(rows, columns=OVERVIEW_COLUMNS), "คะแนนถ่วงน้ำหนักรวม")

    # One matrix row per indicator code, in dimension order of first appearance.
    order: dict[str, tuple[str, str]] = {}
    scores: dict[str, dict[str, float]] = {}
    for u in reads:
        res = u.result
        n = len(res.rows)
        labels = [str(v) for v in res.inputs["indicator"].tolist()] if "indicator" in res.inputs else [""] * n
        for code, dim, label, s in zip(res.inputs["code"].tolist(), _column(res.inputs, "dimension"), labels,
                                       res.rows["score"].tolist() if n else []):
            order.setdefault(code, (dim or "", label))
            scores.setdefault(code, {})[u.code] = s
    dims = list(dict.fromkeys(d for d, _ in order.values()))
    codes = sorted(order, key=lambda c: dims.index(order[c][0]))
    units = [u.code for u in reads]
    level3 = template.scoring.yellow_min_score
    mrows = []
    for code in codes:
        vals = pd.Series({c: scores[code].get(c) for c in units}, dtype="float64")
        mine = scores[code]
        below = [c for c in units if (v := mine.get(c)) is not None and v == v and v < level3]
        mrows.append({"มิติ": order[code][0], "รหัส": code, "ตัวชี้วัด": order[code][1], **vals.to_dict(),
                      "เฉลี่ย": vals.mean(), "ต่ำสุด": vals.min(), "สูงสุด": vals.max(),
                      "ต่ำกว่าระดับ 3": ", ".join(below)})
    matrix = pd.DataFrame(mrows, columns=["มิติ", "รหัส", "ตัวชี้วัด", *units, "เฉลี่ย", "ต่ำสุด", "สูงสุด",
                                          "ต่ำกว่าระดับ 3"])
    d = template.scoring.decimals
    fmt_ws, fmt_score = "0." + "0" * d["weighted_score"], "0." + "0" * d["score"]
    fmt_pc = "0." + "0" * d.get("percentage", 2) if d.get("percentage", 2) else "0"
    formats = {"คะแนนถ่วงน้ำหนักรวม": fmt_ws, "ร้อยละ": fmt_pc,
               **{c: fmt_score for c in [*units, "เฉลี่ย", "ต่ำสุด", "สูงสุด"]}}
    formats["ค่าคะแนนที่ได้"] = fmt_score
    return SummaryPart(overview, matrix, formats, chart_value="ร้อยละ", chart_range=(0, 100),
                       matrix_levels=(("ระดับ 3", level3), ("ระดับ 5", template.scoring.max_score)),
                       tables=[(DETAILS, details_frame(reads, template))], text_columns=(EXPLANATION, OBSTACLES))


def details_frame(reads: list[UnitRead], template: Template) -> pd.DataFrame:
    """Per unit and indicator: result, score, status and the unit's own words, whole. The
    explanation is the details tab's; a workbook without one gives its scorecard's
    รายละเอียดการดำเนินงาน (seed 000's narratives). No details tab: no evidence count."""
    rows = []
    for u in reads:
        res = u.result
        details = (res.detail or {}).get("details", {})
        has_tab = bool((res.detail or {}).get("details_sheet"))
        numbers = (res.detail or {}).get("numbers")
        results = dict(zip(numbers.index.tolist(), numbers["result"].tolist())) if numbers is not None else {}
        n = len(res.rows)
        inputs = res.inputs
        for r, code, indicator, typed, score, status in zip(
                res.rows.index.tolist(), inputs["code"].tolist() if n else [],
                _column(inputs, "indicator"), _column(inputs, "details"),
                res.rows["score"].tolist() if n else [], res.rows["status"].tolist() if n else []):
            d = details.get(code)
            rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "รหัส": code, "ตัวชี้วัด": indicator,
                         "ผลการดำเนินงาน": results.get(r),
                         "ค่าคะแนนที่ได้": score,
                         "สถานะ": template.status_label(status) if status in template.status_levels else status,
                         EXPLANATION: (d.explanation if d and d.explanation else typed) or None,
                         OBSTACLES: (d.obstacles if d else None) or None,
                         "จำนวนหลักฐานอ้างอิง": len(d.evidence) if d else (0 if has_tab else None)})
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)
