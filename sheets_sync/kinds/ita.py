"""The ITA report (seed 001): one row per assessment item (I1.., E1.., O1..) with its
score; the measure level computed; a summary tab with indicator and tool means, the
gap to the target ranked lowest first and the grade band. Arithmetic in core/ita_scores."""
from __future__ import annotations

import pandas as pd

from ..core.grid import a1
from ..core.ita_scores import indicator_summary, measure_level, normalise_code, tool_summary
from ..core.numbers import parse_numbers
from ..core.problems import problem
from .base import SummaryPart, Total, register
from .scorecard_summary import rank
from .sheet_plan import Chart
from .table import TableKind, lay_out_table


def _items(raw: pd.DataFrame, scores: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"code": raw["code"], "indicator": pd.to_numeric(raw.get("indicator"), errors="coerce"),
                         "score": scores})


class Ita(TableKind):
    name = "ita"
    template = "ita"
    totals = (Total("items", "ข้อ / items"), Total("weighted_total", "คะแนนรวมถ่วงน้ำหนัก", 2))

    def compute(self, raw, layout, template, problems):
        cols, name = layout.columns, layout.sheet
        scores, bad = parse_numbers(raw["score"])
        for r in raw.index[bad]:
            problems.append(problem("result_not_number", name, a1(r, cols["score"]), raw.at[r, "code"],
                                    value=raw.at[r, "score"]))
        for r in raw.index:
            if normalise_code(raw.at[r, "code"]) is None:
                problems.append(problem("ita_code", name, a1(r, cols["code"]), value=raw.at[r, "code"]))
        for r in scores[(scores < 0) | (scores > 100)].index:
            problems.append(problem("ita_score_range", name, a1(r, cols["score"]), value=raw.at[r, "score"]))
        valid = scores.where((scores >= 0) & (scores <= 100))
        return pd.DataFrame({"score": valid, "level": measure_level(valid, template.raw["levels"])})

    def summary_rows(self, template, raw, computed):
        spec = template.raw
        items = _items(raw, computed["score"])
        ind = indicator_summary(items, spec)
        tools, total, band = tool_summary(items, spec)
        rows = [["สรุปผลรายตัวชี้วัด / by indicator (ต่ำสุดก่อน / lowest first)"],
                ["อันดับ", "ตัวชี้วัด", "ชื่อ", "เครื่องมือ", "คะแนนเฉลี่ย", "เป้าหมาย", "ส่วนต่าง"]]
        rows += [[int(r.rank_lowest), int(r.indicator), r.name, r.tool, float(r.score), float(r.target), float(r.gap)]
                 for r in ind.itertuples()]
        rows += [[], ["สรุปผลรายเครื่องมือ / by tool"], ["เครื่องมือ", "ชื่อ", "น้ำหนัก", "คะแนนเฉลี่ย"]]
        rows += [[t.tool, t.name, float(t.weight), None if pd.isna(t.score) else float(t.score)]
                 for t in tools.itertuples()]
        pass_score = spec.get("pass_score", 85)
        rows += [[], ["คะแนนรวมถ่วงน้ำหนัก / weighted total", total], ["ระดับผลการประเมิน / grade", band],
                 [f"ผ่านเกณฑ์ / pass (>= {pass_score})",
                  None if total is None else ("ผ่าน" if total >= pass_score else "ไม่ผ่าน")]]
        return rows

    def table_totals(self, raw, computed, summary):
        total = next((row[1] for row in summary if row and str(row[0]).startswith("คะแนนรวม")), None)
        return {"items": len(raw), "weighted_total": total}

    def examples(self, template):
        rows = []
        for num, spec in template.raw["indicators"].items():
            prefix = template.raw["tools"][spec["tool"]]["prefix"]
            rows.append({"code": f"{prefix}{num}", "indicator": int(num), "question": f"(ตัวอย่าง) {spec['name']}"})
        return pd.DataFrame(rows)

    def lay_out(self, template, rows, *, unit, period):
        book = lay_out_table(template, rows, unit=unit, period=period)
        n = max(len(template.raw.get("indicators", {})), 1)
        # indicator means against the target: rows 3.. of the summary tab
        book.sheet(template.summary_sheet).charts.append(Chart(
            "combo", f"คะแนนรายตัวชี้วัด เทียบเป้าหมาย {template.raw.get('target')} / indicator score vs target",
            categories=(3, 3, n + 2, 3), series=[(2, 5, n + 2, 5)], lines=[(2, 6, n + 2, 6)], anchor=(2, 9)))
        return book

    def summarise(self, reads, template):
        spec = template.raw
        rows, per_unit = [], {}
        for u in reads:
            res = u.result
            items = _items(res.inputs, res.rows["score"])
            ind = indicator_summary(items, spec)
            _, total, band = tool_summary(items, spec)
            per_unit[u.code] = dict(zip(ind["indicator"], ind["score"]))
            rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "คะแนนรวมถ่วงน้ำหนัก": total, "ระดับ": band,
                         "ผ่านเกณฑ์": None if total is None else total >= spec.get("pass_score", 85),
                         "ข้อที่มีคะแนน": int(items["score"].notna().sum()), "ข้อทั้งหมด": len(items),
                         "แก้ไขเร่งด่วน": int((res.rows["level"] == spec["levels"]["below"]).sum()),
                         "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": u.modified, "จำนวนปัญหา": len(res.problems)})
        overview = rank(pd.DataFrame(rows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "คะแนนรวมถ่วงน้ำหนัก", "ระดับ",
                                                    "ผ่านเกณฑ์", "ข้อที่มีคะแนน", "ข้อทั้งหมด", "แก้ไขเร่งด่วน",
                                                    "รุ่นแม่แบบ", "แก้ไขล่าสุด", "จำนวนปัญหา"]), "คะแนนรวมถ่วงน้ำหนัก")
        codes = [u.code for u in reads]
        mrows = []
        target = float(spec["target"])
        for num, ind in spec["indicators"].items():
            vals = pd.Series({c: per_unit[c].get(int(num)) for c in codes}, dtype="float64")
            below = [c for c in codes if pd.notna(vals[c]) and vals[c] < target]
            mrows.append({"มิติ": ind["tool"], "รหัส": int(num), "ตัวชี้วัด": ind["name"], **vals.to_dict(),
                          "เฉลี่ย": vals.mean(), "ต่ำสุด": vals.min(), "สูงสุด": vals.max(),
                          f"ต่ำกว่าเป้าหมาย {spec['target']}": ", ".join(below)})
        matrix = pd.DataFrame(mrows)
        formats = {"คะแนนรวมถ่วงน้ำหนัก": "0.00", **{c: "0.00" for c in [*codes, "เฉลี่ย", "ต่ำสุด", "สูงสุด"]}}
        return SummaryPart(overview, matrix, formats, chart_value="คะแนนรวมถ่วงน้ำหนัก",
                           matrix_levels=((f"เป้าหมาย {spec['target']}", target),))


ITA = register(Ita())
