"""The ministry summary as data: overview, matrix, problems and missing units.

Pure pandas over evaluated unit sheets; writers in summary_xlsx.py / summary_google.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..core.problems import ERROR
from ..kinds.scorecard import SheetResult
from ..kinds.template import Template

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
    chart_value: str = "ร้อยละ"                      # overview column charted per unit
    chart_range: tuple = (0, 100)
    matrix_levels: tuple = (("ระดับ 3", 3), ("ระดับ 5", 5))   # reference lines on the matrix chart

    @property
    def complete(self) -> bool:
        return self.missing.empty


def build_summary(reads: list[UnitRead], template: Template, period: str = "") -> Summary:
    kinds = {getattr(u.result, "kind", "scorecard") for u in reads if u.result is not None}
    if kinds == {"ita"}:
        return build_ita_summary(reads, period)
    if kinds == {"action-plan"}:
        return build_plan_summary(reads, period)
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


def _problems_and_missing(reads):
    ok = [u for u in reads if u.result is not None]
    prows = [{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "แผ่นงาน": p.sheet, "ช่อง": p.cell,
              "ระดับ": "ผิดพลาด" if p.severity == ERROR else "เตือน", "รายละเอียด": p.message_th,
              "detail": p.message_en} for u in ok for p in u.result.problems]
    problems = pd.DataFrame(prows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "แผ่นงาน", "ช่อง", "ระดับ", "รายละเอียด", "detail"])
    missing = pd.DataFrame([{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "สาเหตุ / reason": u.error}
                            for u in reads if u.result is None], columns=["รหัสหน่วยงาน", "หน่วยงาน", "สาเหตุ / reason"])
    return ok, problems, missing


def _rank(frame: pd.DataFrame, column: str, ascending: bool = False) -> pd.DataFrame:
    frame.insert(0, "ลำดับ", frame[column].rank(method="min", ascending=ascending).astype("Int64")
                 if len(frame) else pd.Series(dtype="Int64"))
    return frame.sort_values(["ลำดับ", "รหัสหน่วยงาน"], kind="stable").reset_index(drop=True)


def build_ita_summary(reads: list[UnitRead], period: str) -> Summary:
    """ITA: units x indicators of indicator mean scores; the tool-weighted total and grade per unit."""
    from ..core.ita_scores import indicator_summary, tool_summary
    from ..kinds.template import load_template
    tpl = load_template("ita")
    spec = tpl.raw
    ok, problems, missing = _problems_and_missing(reads)
    rows, per_unit = [], {}
    for u in ok:
        res = u.result
        items = pd.DataFrame({"code": res.inputs["code"], "indicator": pd.to_numeric(res.inputs.get("indicator"),
                              errors="coerce"), "score": res.rows["score"]})
        ind = indicator_summary(items, spec)
        _, total, band = tool_summary(items, spec)
        per_unit[u.code] = dict(zip(ind["indicator"], ind["score"]))
        rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "คะแนนรวมถ่วงน้ำหนัก": total, "ระดับ": band,
                     "ผ่านเกณฑ์": None if total is None else total >= spec.get("pass_score", 85),
                     "ข้อที่มีคะแนน": int(items["score"].notna().sum()), "ข้อทั้งหมด": len(items),
                     "แก้ไขเร่งด่วน": int((res.rows["level"] == spec["levels"]["below"]).sum()),
                     "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": u.modified, "จำนวนปัญหา": len(res.problems)})
    overview = _rank(pd.DataFrame(rows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "คะแนนรวมถ่วงน้ำหนัก", "ระดับ", "ผ่านเกณฑ์",
                                                 "ข้อที่มีคะแนน", "ข้อทั้งหมด", "แก้ไขเร่งด่วน", "รุ่นแม่แบบ",
                                                 "แก้ไขล่าสุด", "จำนวนปัญหา"]), "คะแนนรวมถ่วงน้ำหนัก")
    codes = [u.code for u in ok]
    mrows = []
    for num, ind in spec["indicators"].items():
        vals = pd.Series({c: per_unit[c].get(int(num)) for c in codes}, dtype="float64")
        below = [c for c in codes if pd.notna(vals[c]) and vals[c] < float(spec["target"])]
        mrows.append({"มิติ": ind["tool"], "รหัส": int(num), "ตัวชี้วัด": ind["name"], **vals.to_dict(),
                      "เฉลี่ย": vals.mean(), "ต่ำสุด": vals.min(), "สูงสุด": vals.max(),
                      f"ต่ำกว่าเป้าหมาย {spec['target']}": ", ".join(below)})
    matrix = pd.DataFrame(mrows)
    return Summary(period, overview, matrix, problems, missing, tpl, reads, chart_value="คะแนนรวมถ่วงน้ำหนัก",
                   matrix_levels=((f"เป้าหมาย {spec['target']}", float(spec["target"])),))


def build_plan_summary(reads: list[UnitRead], period: str) -> Summary:
    """Action plans: activities per dimension and unit, late activities, budget."""
    from ..core.plan_months import budget_totals
    from ..kinds.template import load_template
    tpl = load_template("action_plan")
    st = tpl.raw["statuses"]
    ok, problems, missing = _problems_and_missing(reads)
    rows, counts = [], {}
    for u in ok:
        res = u.result
        s = res.rows["status"].value_counts()
        budget = budget_totals(res.inputs, tpl.raw["no_budget"]) if "budget" in res.inputs else None
        dims = res.inputs["dimension"].fillna("") if "dimension" in res.inputs else pd.Series("", index=res.inputs.index)
        counts[u.code] = dims.value_counts().to_dict()
        rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "กิจกรรม": len(res.inputs),
                     "เสร็จแล้ว": int(s.get(st["done"], 0)), "ตามแผน": int(s.get(st["on_time"], 0)),
                     "ล่าช้า": int(s.get(st["late"], 0)), "ยังไม่ถึงกำหนด": int(s.get(st["not_started"], 0)),
                     "งบประมาณรวม": None if budget is None else float(budget["sum"].sum()),
                     "กิจกรรมที่ล่าช้า": ", ".join(res.inputs["code"][res.rows["status"] == st["late"]]),
                     "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": u.modified, "จำนวนปัญหา": len(res.problems)})
    overview = _rank(pd.DataFrame(rows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "กิจกรรม", "เสร็จแล้ว", "ตามแผน", "ล่าช้า",
                                                 "ยังไม่ถึงกำหนด", "งบประมาณรวม", "กิจกรรมที่ล่าช้า", "รุ่นแม่แบบ",
                                                 "แก้ไขล่าสุด", "จำนวนปัญหา"]), "ล่าช้า", ascending=True)
    dims = list(dict.fromkeys(d for c in counts.values() for d in c))
    matrix = pd.DataFrame([{"มิติ": d, "รหัส": "", "ตัวชี้วัด": "จำนวนกิจกรรม",
                            **{c: counts[c].get(d, 0) for c in counts}} for d in dims])
    return Summary(period, overview, matrix, problems, missing, tpl, reads, chart_value="ล่าช้า",
                   chart_range=(0, None), matrix_levels=())


def tables(summary: Summary) -> list[tuple[str, pd.DataFrame, dict]]:
    """(sheet name, frame, number formats by column) in the order people read them."""
    d = summary.template.scoring.decimals
    fmt3 = "0." + "0" * d["weighted_score"]
    matrix_fmt = "0.00" if summary.template.kind == "ita" else "0.000" if summary.template.kind == "scorecard" else "0"
    return [(OVERVIEW, summary.overview, {"คะแนนถ่วงน้ำหนักรวม": fmt3, "ร้อยละ": "0.00", "คะแนนรวมถ่วงน้ำหนัก": "0.00",
                                          "งบประมาณรวม": "#,##0.00"}),
            (MATRIX, summary.matrix, {**{c: matrix_fmt for c in summary.matrix.columns[3:]}}),
            (PROBLEMS, summary.problems, {}), (MISSING, summary.missing, {})]
