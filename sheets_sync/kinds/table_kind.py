"""ITA and action-plan sheets: a table (one row per item, found by code, columns by
header label) with computed columns, plus a summary sheet that is computed whole.

Evaluation is pure (grids in, desired cells out) and plugs into the same recalc,
validate and Book backends as the scorecard.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..core.grid import Cell, Grid, a1, same_value
from .layout import Layout, _match_header, norm
from ..core.numbers import parse_numbers
from ..core.problems import Problem, problem
from .template import Template

KINDS = {"ita": "ita", "action-plan": "action_plan"}


@dataclass
class TableResult:
    sheet: str
    layout: Layout
    inputs: pd.DataFrame
    rows: pd.DataFrame
    totals: dict
    desired: dict[Cell, object]
    problems: list[Problem] = field(default_factory=list)
    changes: dict[Cell, object] = field(default_factory=dict)
    extra: dict[str, dict[Cell, object]] = field(default_factory=dict)   # summary sheet cells
    kind: str = ""

    def report_rows(self) -> list[dict]:
        keys = [k for k in ("level", "n_planned", "n_done", "status", "score") if k in self.rows]
        return [{"code": self.inputs.at[r, "code"], **{k: _plain(self.rows.at[r, k]) for k in keys}}
                for r in self.rows.index]


def _plain(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def discover_table(grid: Grid, tpl: Template) -> Layout | None:
    required = tpl.raw.get("required", ["code"])
    best, best_n, best_r = None, 0, 0
    for r in range(1, min(grid.max_row, 40) + 1):
        found, n = _match_header(grid, r, tpl)
        if n > best_n:
            best, best_n, best_r = found, n, r
    if best is None or not all(k in best for k in required):
        return None
    layout = Layout(grid.name, best_r, {k: v[0] for k, v in best.items()})
    code_col = layout.columns["code"]
    for r in range(best_r + 1, grid.max_row + 1):
        if norm(grid.get(r, code_col)):
            layout.indicator_rows.append(r)
    return layout


def _frame(grid: Grid, layout: Layout) -> pd.DataFrame:
    data = {k: [grid.get(r, c) for r in layout.indicator_rows] for k, c in layout.columns.items()}
    raw = pd.DataFrame(data, index=pd.Index(layout.indicator_rows, name="row"), dtype=object)
    # codes keep their digits as written (๑.๑.๑ (๑)); only spacing is tidied
    raw["code"] = raw["code"].map(lambda v: " ".join(str(v).split()) if v is not None else "")
    return raw


def summary_rows(kind: str, tpl: Template, raw: pd.DataFrame, computed: pd.DataFrame, today: date) -> list[list]:
    spec = tpl.raw
    if kind == "ita":
        from ..core.ita_scores import indicator_summary, tool_summary
        items = pd.DataFrame({"code": raw["code"], "indicator": pd.to_numeric(raw.get("indicator"), errors="coerce"),
                              "score": computed["score"]})
        ind = indicator_summary(items, spec)
        tools, total, band = tool_summary(items, spec)
        rows = [["สรุปผลรายตัวชี้วัด / by indicator (ต่ำสุดก่อน / lowest first)"],
                ["อันดับ", "ตัวชี้วัด", "ชื่อ", "เครื่องมือ", "คะแนนเฉลี่ย", "เป้าหมาย", "ส่วนต่าง"]]
        rows += [[int(r.rank_lowest), int(r.indicator), r.name, r.tool, float(r.score), float(r.target), float(r.gap)]
                 for r in ind.itertuples()]
        rows += [[], ["สรุปผลรายเครื่องมือ / by tool"], ["เครื่องมือ", "ชื่อ", "น้ำหนัก", "คะแนนเฉลี่ย"]]
        rows += [[t.tool, t.name, float(t.weight), None if pd.isna(t.score) else float(t.score)] for t in tools.itertuples()]
        rows += [[], ["คะแนนรวมถ่วงน้ำหนัก / weighted total", total], ["ระดับผลการประเมิน / grade", band],
                 ["ผ่านเกณฑ์ / pass (>= %s)" % spec.get("pass_score", 85),
                  None if total is None else ("ผ่าน" if total >= spec.get("pass_score", 85) else "ไม่ผ่าน")]]
        return rows
    from ..core.plan_months import budget_totals
    frame = raw.assign(status=computed["status"])
    counts = frame["status"].value_counts()
    rows = [["สรุปแผน ณ วันที่ / as of", today.isoformat()], ["สถานะ / status", "จำนวนกิจกรรม / activities"]]
    rows += [[v, int(counts.get(v, 0))] for v in spec["statuses"].values()]
    late = frame[frame["status"] == spec["statuses"]["late"]]
    rows += [[], ["กิจกรรมที่ล่าช้า / late activities"]] + [[c, str(p or "")] for c, p in
                                                           zip(late["code"], late.get("project", late["code"]))]
    rows += [[], ["งบประมาณรายมิติ / budget by dimension", "บาท", "กิจกรรม"]]
    if "budget" in raw:
        rows += [[b.dimension, float(b.sum), int(b.count)] for b in budget_totals(raw, spec["no_budget"]).itertuples()]
    return rows


def evaluate_table(grids: dict[str, Grid], tpl: Template, today: date | None = None) -> TableResult | None:
    kind, today = tpl.kind, today or date.today()
    main = next(((n, lay) for n, g in grids.items() if (lay := discover_table(g, tpl)) is not None), None)
    if main is None:
        return None
    name, layout = main
    grid = grids[name]
    raw = _frame(grid, layout)
    problems: list[Problem] = []
    cols = layout.columns
    if kind == "ita":
        from ..core.ita_scores import measure_level, normalise_code
        scores, bad = parse_numbers(raw["score"])
        for r in raw.index[bad]:
            problems.append(problem("result_not_number", name, a1(r, cols["score"]), raw.at[r, "code"],
                                    value=raw.at[r, "score"]))
        for r in raw.index:
            if normalise_code(raw.at[r, "code"]) is None:
                problems.append(problem("ita_code", name, a1(r, cols["code"]), value=raw.at[r, "code"]))
        out_of_range = scores[(scores < 0) | (scores > 100)]
        for r in out_of_range.index:
            problems.append(problem("ita_score_range", name, a1(r, cols["score"]), value=raw.at[r, "score"]))
        computed = pd.DataFrame({"score": scores.where((scores >= 0) & (scores <= 100)),
                                 "level": measure_level(scores.where((scores >= 0) & (scores <= 100)), tpl.raw["levels"])})
        targets = {"level": "level"}
    else:
        from ..core.plan_months import plan_status
        month_cols = [f"{p}_{i}" for p in ("plan", "done") for i in range(1, 13)]
        computed = plan_status(raw.reindex(columns=month_cols), tpl.raw["months"], tpl.raw["statuses"], today)
        targets = {k: k for k in ("n_planned", "n_done", "status")}
    first_row: dict[str, int] = {}
    for r in raw.index:
        c = raw.at[r, "code"]
        if c in first_row:
            problems.append(problem("duplicate_code", name, a1(r, cols["code"]), c, first_row=first_row[c]))
        first_row.setdefault(c, r)
    desired: dict[Cell, object] = {}
    for key, col_key in targets.items():
        if col_key in cols:
            for r in raw.index:
                desired[(r, cols[col_key])] = _plain(computed.at[r, key])
    result = TableResult(name, layout, raw, computed, {"items": len(raw)}, desired, problems, kind=kind)
    result.changes = {c: v for c, v in desired.items() if c in grid.formulas or not same_value(grid.get(*c), v)}
    sheet = tpl.raw.get("summary_sheet")
    summary = summary_rows(kind, tpl, raw, computed, today)
    if sheet and sheet in grids:
        wanted = {(i, j): v for i, row in enumerate(summary, 1) for j, v in enumerate(row, 1) if v is not None}
        have = grids[sheet]
        cells = {c: v for c, v in wanted.items() if not same_value(have.get(*c), v)}
        cells.update({c: None for c in have.values if c not in wanted})
        if cells:
            result.extra[sheet] = cells
    if kind == "ita":
        total_row = next((row for row in summary if row and str(row[0]).startswith("คะแนนรวม")), [None, None])
        result.totals.update(weighted_total=total_row[1])
    return result


def recorded_json(result: TableResult) -> str:
    return json.dumps({a1(*c): v for c, v in sorted(result.desired.items())}, ensure_ascii=False, separators=(",", ":"))
