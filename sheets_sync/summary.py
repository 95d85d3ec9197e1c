"""The ministry summary as data: overview, matrix, problems and missing units.

Pure pandas over evaluated unit sheets; writers in summary_xlsx.py / summary_google.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .problems import ERROR
from .scorecard import SheetResult
from .template import Template

OVERVIEW = "ภาพรวม"
MATRIX = "คะแนนรายตัวชี้วัด"
PROBLEMS = "ปัญหา"
MISSING = "หน่วยงานที่ขาด"
HISTORY_PREFIX = "ก่อนหน้า "
OVERVIEW_COLUMNS = ["ลำดับ", "รหัสหน่วยงาน", "หน่วยงาน", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว",
                    "ตัวชี้วัดทั้งหมด", "เขียว", "เหลือง", "แดง", "เทา", "รุ่นแม่แบบ", "แก้ไขล่าสุด", "จำนวนปัญหา"]


@dataclass
class UnitRead:
    code: str
    name: str
    result: SheetResult | None = None
    version: object = None
    modified: str = ""
    error: str = ""
    sheet_ids: dict = field(default_factory=dict)   # Google: titles -> ids, from the one read


@dataclass
class Summary:
    period: str
    overview: pd.DataFrame
    matrix: pd.DataFrame
    problems: pd.DataFrame
    missing: pd.DataFrame
    template: Template
    units: list[UnitRead] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.missing.empty


def build_summary(reads: list[UnitRead], template: Template, period: str = "") -> Summary:
    ok = [u for u in reads if u.result is not None]
    rows = []
    for u in ok:
        t = u.result.totals
        counts = u.result.rows["status"].value_counts() if len(u.result.rows) else pd.Series(dtype=int)
        rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "คะแนนถ่วงน้ำหนักรวม": t["weighted_score"],
                     "ร้อยละ": t["percentage"], "รายงานแล้ว": t["reported"], "ตัวชี้วัดทั้งหมด": t["indicators"],
                     "เขียว": int(counts.get("green", 0)), "เหลือง": int(counts.get("yellow", 0)),
                     "แดง": int(counts.get("red", 0)), "เทา": int(counts.get("grey", 0)),
                     "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": u.modified, "จำนวนปัญหา": len(u.result.problems)})
    overview = pd.DataFrame(rows, columns=OVERVIEW_COLUMNS[1:])
    # Ties share a rank (1, 2, 2, 4), as league tables do.
    overview.insert(0, "ลำดับ", overview["คะแนนถ่วงน้ำหนักรวม"].rank(method="min", ascending=False)
                    .astype("Int64") if len(overview) else pd.Series(dtype="Int64"))
    overview = overview.sort_values(["ลำดับ", "รหัสหน่วยงาน"], kind="stable").reset_index(drop=True)

    scores: dict[tuple[str, str, str], dict[str, float]] = {}
    order: list[tuple[str, str, str]] = []
    for u in ok:
        res = u.result
        for r in res.rows.index:
            key = (res.inputs.at[r, "dimension"] or "", res.inputs.at[r, "code"],
                   str(res.inputs.at[r, "indicator"]) if "indicator" in res.inputs else "")
            if key[1] not in {k[1] for k in order}:
                order.append(key)
            k = next(k for k in order if k[1] == key[1])
            scores.setdefault(k, {})[u.code] = res.rows.at[r, "score"]
    dims = list(dict.fromkeys(k[0] for k in order))
    order.sort(key=lambda k: dims.index(k[0]))
    unit_codes = [u.code for u in ok]
    mrows = []
    level3 = template.scoring.yellow_min_score
    for key in order:
        vals = pd.Series({c: scores[key].get(c) for c in unit_codes}, dtype="float64")
        below = [c for c in unit_codes if pd.notna(vals.get(c)) and vals[c] < level3]
        mrows.append({"มิติ": key[0], "รหัส": key[1], "ตัวชี้วัด": key[2], **vals.to_dict(),
                      "เฉลี่ย": vals.mean(), "ต่ำสุด": vals.min(), "สูงสุด": vals.max(),
                      "ต่ำกว่าระดับ 3": ", ".join(below)})
    matrix = pd.DataFrame(mrows, columns=["มิติ", "รหัส", "ตัวชี้วัด", *unit_codes, "เฉลี่ย", "ต่ำสุด", "สูงสุด",
                                          "ต่ำกว่าระดับ 3"])
    prows = [{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "แผ่นงาน": p.sheet, "ช่อง": p.cell,
              "ระดับ": "ผิดพลาด" if p.severity == ERROR else "เตือน", "รายละเอียด": p.message_th,
              "detail": p.message_en}
             for u in ok for p in u.result.problems]
    problems = pd.DataFrame(prows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "แผ่นงาน", "ช่อง", "ระดับ", "รายละเอียด",
                                            "detail"])
    missing = pd.DataFrame([{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "สาเหตุ / reason": u.error}
                            for u in reads if u.result is None],
                           columns=["รหัสหน่วยงาน", "หน่วยงาน", "สาเหตุ / reason"])
    return Summary(period, overview, matrix, problems, missing, template, reads)


def tables(summary: Summary) -> list[tuple[str, pd.DataFrame, dict]]:
    """(sheet name, frame, number formats by column) in the order people read them."""
    d = summary.template.scoring.decimals
    fmt3 = "0." + "0" * d["weighted_score"]
    return [(OVERVIEW, summary.overview, {"คะแนนถ่วงน้ำหนักรวม": fmt3, "ร้อยละ": "0.00"}),
            (MATRIX, summary.matrix, {**{c: "0.000" for c in summary.matrix.columns[3:-1]}}),
            (PROBLEMS, summary.problems, {}), (MISSING, summary.missing, {})]
