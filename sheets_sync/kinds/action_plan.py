"""The anti-corruption action plan (seeds 004 and 002): one row per activity with
planned months (the ministry's ✓) and done months (the unit's ✓); months planned and
done and the status computed; a summary tab of activities by status, the late ones
and the budget per dimension. Month arithmetic in core/plan_months."""
from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from ..core.plan_months import budget_totals, marks_from_text, plan_status
from ..core.thai_time import shown_time
from .base import SummaryPart, Total, register
from .meta import META_SHEET, read_meta
from .definitions import table_rows
from .scorecard_summary import rank
from .table import TableKind

MONTH_COLUMNS = [f"{p}_{i}" for p in ("plan", "done") for i in range(1, 13)]


def judged_on(period, today: date) -> tuple[date, int | None]:
    """(the day, the fiscal month) a plan of ``period`` is judged on as of ``today``."""
    from ..core.period import Period, PeriodError
    try:
        p = Period.parse(str(period)) if period not in (None, "") else None
    except PeriodError:
        p = None
    if p is None:
        return today, None
    year = Period.parse(str(p.fiscal_year))
    if today > year.end:
        return year.end, 12
    if today < year.start:
        return today, 0
    return today, None


class ActionPlan(TableKind):
    name = "action-plan"
    template = "action_plan"
    totals = (Total("items", "กิจกรรม / activities"),)
    def evaluate(self, grids, template, *, options=None, recorded=None):
        """Statuses are judged on the sheet's own fiscal year: its last day when the year is
        over (seed 002's June–September 2564 activities are late or done, not "not yet
        due" in 2569), today while it runs, nothing due before it begins."""
        day, now = judged_on(read_meta(grids.get(META_SHEET)).get("period"), date.today())
        raw = {**template.raw, "as_of": day, "as_of_month": now}
        return super().evaluate(grids, dataclasses.replace(template, raw=raw), options=options, recorded=recorded)

    def compute(self, raw, layout, template, problems):
        return plan_status(raw.reindex(columns=MONTH_COLUMNS), template.raw["months"], template.raw["statuses"],
                           template.raw.get("as_of") or date.today(), template.raw.get("as_of_month"))

    def summary_rows(self, template, raw, computed):
        spec = template.raw
        frame = raw.assign(status=computed["status"])
        counts = frame["status"].value_counts()
        rows = [["สรุปแผน ณ วันที่ / as of", (spec.get("as_of") or date.today()).isoformat()],
                ["สถานะ / status", "จำนวนกิจกรรม / activities"]]
        rows += [[v, int(counts.get(v, 0))] for v in spec["statuses"].values()]
        late = frame[frame["status"] == spec["statuses"]["late"]]
        rows += [[], ["กิจกรรมที่ล่าช้า / late activities"]] + [[c, str(p or "")] for c, p in
                                                               zip(late["code"], late.get("project", late["code"]))]
        rows += [[], ["งบประมาณรายมิติ / budget by dimension", "บาท", "กิจกรรม"]]
        if "budget" in raw:
            rows += [[b.dimension, float(b.sum), int(b.count)] for b in budget_totals(raw, spec["no_budget"]).itertuples()]
        return rows

    def definition(self, frame, template, source):
        frame = frame.copy()
        if "planned" in frame.columns:         # a list may name the planned months ("ต.ค.-ธ.ค.")
            marks = frame["planned"].map(lambda t: marks_from_text(t, template.raw["months"], "plan"))
            for i in range(1, 13):
                frame[f"plan_{i}"] = marks.map(lambda m: m.get(f"plan_{i}"))
        return table_rows(frame, template, source)

    def examples(self, template):
        return pd.DataFrame([{"dimension": "๑. การสร้างวัฒนธรรมสุจริต", "mission": "(ตัวอย่าง)", "code": "๑.๑.๑ (๑)",
                              "project": "(ตัวอย่าง) กิจกรรม", "budget": "ไม่ใช้งบประมาณ", "responsible": "ทุกกอง",
                              **marks_from_text("ต.ค.-ธ.ค.", template.raw["months"], "plan")}])

    def summarise(self, reads, template):
        st = template.raw["statuses"]
        rows, counts = [], {}
        for u in reads:
            res = u.result
            s = res.rows["status"].value_counts()
            budget = budget_totals(res.inputs, template.raw["no_budget"]) if "budget" in res.inputs else None
            dims = res.inputs["dimension"].fillna("") if "dimension" in res.inputs else pd.Series("", index=res.inputs.index)
            counts[u.code] = dims.value_counts().to_dict()
            rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "กิจกรรม": len(res.inputs),
                         "เสร็จแล้ว": int(s.get(st["done"], 0)), "ตามแผน": int(s.get(st["on_time"], 0)),
                         "ล่าช้า": int(s.get(st["late"], 0)), "ยังไม่ถึงกำหนด": int(s.get(st["not_started"], 0)),
                         "งบประมาณรวม": None if budget is None else float(budget["sum"].sum()),
                         "กิจกรรมที่ล่าช้า": ", ".join(res.inputs["code"][res.rows["status"] == st["late"]]),
                         "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": shown_time(u.modified), "จำนวนปัญหา": len(res.problems)})
        overview = rank(pd.DataFrame(rows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "กิจกรรม", "เสร็จแล้ว", "ตามแผน",
                                                    "ล่าช้า", "ยังไม่ถึงกำหนด", "งบประมาณรวม", "กิจกรรมที่ล่าช้า",
                                                    "รุ่นแม่แบบ", "แก้ไขล่าสุด", "จำนวนปัญหา"]), "ล่าช้า", ascending=True)
        dims = list(dict.fromkeys(d for c in counts.values() for d in c))
        matrix = pd.DataFrame([{"มิติ": d, "รหัส": "", "ตัวชี้วัด": "จำนวนกิจกรรม",
                                **{c: counts[c].get(d, 0) for c in counts}} for d in dims])
        formats = {"งบประมาณรวม": "#,##0.00", **{c: "0" for c in counts}}
        return SummaryPart(overview, matrix, formats, chart_value="ล่าช้า", chart_range=(0, None))


ACTION_PLAN = register(ActionPlan())
