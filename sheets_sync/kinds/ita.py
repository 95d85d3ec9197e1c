"""The ITA report (seed 001): one row per measure (an item keeps its code on each, the
score on its first), or one row per indicator or tool when the document gives only
those (seed 002: IIT-1 .. IIT-5, IIT). The measure level and the measure's status are
computed; a summary tab shows what the document defines (item and indicator scores,
the gap to the round's target, the ranking) and an overall score and grade only from
the official per-indicator weights of the assessment year (template data).
Arithmetic in core/ita_scores."""
from __future__ import annotations

import dataclasses

import pandas as pd

from ..core.grid import a1
from ..core.ita_scores import indicator_summary, measure_level, overall, row_code, tool_scores
from ..core.numbers import parse_numbers, round_half_up
from ..core.problems import problem
from ..core.thai_time import shown_time
from .base import SummaryPart, Total, register
from .definitions import table_rows
from .meta import META_SHEET, read_meta
from .scorecard_summary import rank
from .sheet_plan import Chart
from .table import TableKind, lay_out_table

FIGURES = "#,##0.00"       # the summary tab's scores, targets and gaps (init formats its floats the same)


def _items(raw: pd.DataFrame, scores: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"code": raw["code"], "indicator": pd.to_numeric(raw.get("indicator"), errors="coerce"),
                         "score": scores})


def row_key(code, measure_no) -> str:
    """An item's first measure is keyed by its code, its n-th by code#n."""
    code = " ".join(str(code).split()) if code is not None else ""
    n, ok = parse_numbers(pd.Series([measure_no], dtype=object))
    n = n.iloc[0]
    return f"{code}#{int(n)}" if code and n == n and n is not None and int(n) > 1 else code


def target_of(spec: dict, meta: dict) -> tuple[float | None, str]:
    """The round's target: the workbook's metadata (ita_target, e.g. from units.yaml), else
    the template's per-round table (``targets`` by ita_round), else the template default."""
    if meta.get("ita_target") not in (None, ""):
        return float(meta["ita_target"]), str(meta.get("ita_target_round") or "workbook")
    rnd = meta.get("ita_round")
    table = spec.get("targets") or {}
    if rnd is not None and str(rnd) in table:
        return float(table[str(rnd)]), str(rnd)
    t = spec.get("target")
    return (None, "") if t is None else (float(t), "template")


class Ita(TableKind):
    name = "ita"
    template = "ita"
    totals = (Total("items", "ข้อ / items"), Total("weighted_total", "คะแนนรวมถ่วงน้ำหนัก", 2))

    def frame(self, grid, layout):
        raw = super().frame(grid, layout)
        if "measure_no" in raw:
            raw["code"] = [row_key(c, m) for c, m in zip(raw["code"], raw["measure_no"])]
        return raw

    def record_key(self, rec: dict) -> str:
        return row_key(rec.get("code"), rec.get("measure_no"))

    def definition(self, frame, template, source):
        frame = frame.copy()
        if "measure_no" in frame.columns:
            frame["code"] = [row_key(c, m) for c, m in zip(frame["code"], frame["measure_no"])]
        out = table_rows(frame, template, source)
        out["code"] = out["code"].map(lambda c: str(c).split("#")[0])
        return out

    def evaluate(self, grids, template, *, options=None, recorded=None):
        meta = read_meta(grids.get(META_SHEET))
        target, source = target_of(template.raw, meta)
        raw = {**template.raw, "target": target, "target_source": source}
        return super().evaluate(grids, dataclasses.replace(template, raw=raw), options=options, recorded=recorded)

    def compute(self, raw, layout, template, problems):
        cols, name = layout.columns, layout.sheet
        scores, bad = parse_numbers(raw["score"])
        for r in raw.index[bad]:
            problems.append(problem("result_not_number", name, a1(r, cols["score"]), raw.at[r, "code"],
                                    value=raw.at[r, "score"]))
        for r in raw.index:
            if row_code(raw.at[r, "code"]) is None:
                problems.append(problem("ita_code", name, a1(r, cols["code"]), value=raw.at[r, "code"]))
        for r in scores[(scores < 0) | (scores > 100)].index:
            problems.append(problem("ita_score_range", name, a1(r, cols["score"]), value=raw.at[r, "score"]))
        valid = scores.where((scores >= 0) & (scores <= 100))
        out = pd.DataFrame({"score": valid, "level": measure_level(valid, template.raw["levels"])})
        st = template.raw.get("measure_status")
        if st and "status" in cols:
            def status(row):
                text = " ".join(str(row.get(k) or "") for k in ("result", "outcome"))
                if st["not_done_marker"] in text:
                    return st["not_done"]
                if str(row.get("result") or "").strip() not in ("", "-"):
                    return st["done"]
                return st["none"] if str(row.get("measure") or "").strip() else None
            out["status"] = [status(raw.loc[r]) for r in raw.index]
        return out

    def summary_rows(self, template, raw, computed):
        spec = template.raw
        d = int(spec.get("decimals", 2))
        items = _items(raw, computed["score"])
        target = spec.get("target")
        ind = indicator_summary(items, spec, target)
        rows = [["สรุปผลรายตัวชี้วัด / by indicator (ต่ำสุดก่อน / lowest first)"],
                ["อันดับ", "ตัวชี้วัด", "ชื่อ", "เครื่องมือ", "คะแนน", "เป้าหมาย", "ส่วนต่าง", "ที่มา / source"]]
        for r in ind.itertuples():
            rows.append([int(r.rank_lowest), int(r.indicator), r.name, r.tool, round_half_up(r.score, d),
                         round_half_up(r.target, d) if target is not None else "ไม่มีเป้าหมาย / no target",
                         round_half_up(r.gap, d) if target is not None else None,
                         "เอกสาร / document" if r.source == "document" else "เฉลี่ยจากข้อ / mean of items"])
        rows += [[], ["คะแนนรายเครื่องมือตามเอกสาร / tool scores as the document gives them", "คะแนน"]]
        rows += [[t, round_half_up(v, d)] for t, v in tool_scores(items).items()] or [["(ไม่มี / none)"]]
        total, band, why = overall(ind, spec)
        pass_score = spec.get("pass_score", 85)
        rows += [[], ["คะแนนรวม / overall", round_half_up(total, d) if total is not None else why],
                 ["ระดับผลการประเมิน / grade", band],
                 [f"ผ่านเกณฑ์ / pass (>= {pass_score})",
                  None if total is None else ("ผ่าน" if round_half_up(total, d) >= pass_score else "ไม่ผ่าน")],
                 ["เป้าหมายของรอบ / the round's target", round_half_up(target, d) if target is not None else
                  "ไม่มีเป้าหมายสำหรับรอบนี้ / none set for this round", spec.get("target_source") or None]]
        return rows

    def table_totals(self, raw, computed, summary):
        total = next((row[1] for row in summary if row and str(row[0]).startswith("คะแนนรวม")), None)
        return {"items": len(raw), "weighted_total": total if isinstance(total, float) else None}

    def examples(self, template):
        rows = []
        for num, spec in template.raw["indicators"].items():
            prefix = template.raw["tools"][spec["tool"]]["prefix"]
            rows.append({"code": f"{prefix}{num}", "indicator": int(num), "question": f"(ตัวอย่าง) {spec['name']}"})
        return pd.DataFrame(rows)

    def lay_out(self, template, rows, *, unit, period):
        book = lay_out_table(template, rows, unit=unit, period=period)
        summary = book.sheet(template.summary_sheet)
        for cell in self._figure_cells(template, rows):     # shown with two decimals once scores come
            summary.put(cell, None, "text", FIGURES)
        n = max(len(template.raw.get("indicators", {})), 1)
        # indicator means against the target: rows 3.. of the summary tab
        book.sheet(template.summary_sheet).charts.append(Chart(
            "combo", "คะแนนรายตัวชี้วัด เทียบเป้าหมายของรอบ / indicator score vs the round's target",
            categories=(3, 3, n + 2, 3), series=[(2, 5, n + 2, 5)], lines=[(2, 6, n + 2, 6)], anchor=(2, 9)))
        return book

    def _figure_cells(self, template, rows: pd.DataFrame) -> list:
        """The summary tab's cells that hold figures once every item has a score (and the
        round a target): pre-formatted, since recalc writes values, not formats."""
        if rows is None or rows.empty or "code" not in rows:
            return []
        frame = pd.DataFrame({"code": [self.record_key(r) for r in rows.to_dict("records")],
                              "indicator": rows.get("indicator")})
        spec = {**template.raw, "target": 1.0}
        summary = self.summary_rows(dataclasses.replace(template, raw=spec), frame,
                                    pd.DataFrame({"score": 1.0}, index=frame.index))
        out = [(i, j) for i, row in enumerate(summary, 1) for j, v in enumerate(row, 1) if isinstance(v, float)]
        out += [(i, 2) for i, row in enumerate(summary, 1) if row and str(row[0]).startswith(("คะแนนรวม", "เป้าหมาย"))]
        return out

    def summarise(self, reads, template):
        spec = template.raw
        rows, per_unit = [], {}
        for u in reads:
            res = u.result
            items = _items(res.inputs, res.rows["score"])
            ind = indicator_summary(items, spec, spec.get("target"))
            total, band, _ = overall(ind, spec)
            total = round_half_up(total, int(spec.get("decimals", 2)))
            per_unit[u.code] = dict(zip(ind["indicator"], ind["score"]))
            rows.append({"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "คะแนนรวมถ่วงน้ำหนัก": total, "ระดับ": band,
                         "ผ่านเกณฑ์": None if total is None else total >= spec.get("pass_score", 85),
                         "ข้อที่มีคะแนน": int(items["score"].notna().sum()), "ข้อทั้งหมด": len(items),
                         "แก้ไขเร่งด่วน": int((res.rows["level"] == spec["levels"]["below"]).sum()),
                         "รุ่นแม่แบบ": u.version, "แก้ไขล่าสุด": shown_time(u.modified), "จำนวนปัญหา": len(res.problems)})
        overview = rank(pd.DataFrame(rows, columns=["รหัสหน่วยงาน", "หน่วยงาน", "คะแนนรวมถ่วงน้ำหนัก", "ระดับ",
                                                    "ผ่านเกณฑ์", "ข้อที่มีคะแนน", "ข้อทั้งหมด", "แก้ไขเร่งด่วน",
                                                    "รุ่นแม่แบบ", "แก้ไขล่าสุด", "จำนวนปัญหา"]), "คะแนนรวมถ่วงน้ำหนัก")
        codes = [u.code for u in reads]
        mrows = []
        target = None if spec.get("target") is None else float(spec["target"])
        label = f"เป้าหมาย {target:.2f}" if target is not None else "เป้าหมาย (ไม่มี / none)"
        for num, ind in spec["indicators"].items():
            vals = pd.Series({c: per_unit[c].get(int(num)) for c in codes}, dtype="float64")
            below = [c for c in codes if target is not None and pd.notna(vals[c]) and vals[c] < target]
            mrows.append({"มิติ": ind["tool"], "รหัส": int(num), "ตัวชี้วัด": ind["name"], **vals.to_dict(),
                          "เฉลี่ย": vals.mean(), "ต่ำสุด": vals.min(), "สูงสุด": vals.max(),
                          f"ต่ำกว่า{label}": ", ".join(below)})
        matrix = pd.DataFrame(mrows)
        formats = {"คะแนนรวมถ่วงน้ำหนัก": "0.00", **{c: "0.00" for c in [*codes, "เฉลี่ย", "ต่ำสุด", "สูงสุด"]}}
        return SummaryPart(overview, matrix, formats, chart_value="คะแนนรวมถ่วงน้ำหนัก",
                           matrix_levels=((label, target),) if target is not None else ())


ITA = register(Ita())
