"""The scorecard (seed 000): indicators under dimension sections, five thresholds,
a result typed by the unit; score, percentage, weighted score, status and totals
computed. Evaluation is pure: grids in, desired cells, notes and problems out."""
from __future__ import annotations

from itertools import repeat

import numpy as np
import pandas as pd

from ..core.grid import Cell, Grid, a1, differing, plain, same_value
from ..core.numbers import parse_numbers
from ..core.problems import Problem, not_at, problem
from ..core.scoring import compute, rounded, word_arrays
from ..core.text import norm
from ..core.score_notes import ScoreNotes
from ..core.trace import trace
from .base import Kind, SheetResult, SummaryPart, Total, UnitRead, register, show
from .layout import Layout, find_tables
from .meta import META_SHEET
from .quarters import quarters_upto, sum_quarters
from .round_tabs import first_per_round, same_round
from .scorecard_checks import check_inputs
from .scorecard_small import SMALL_ROWS, evaluate_small
from .sheet_plan import grown_rows
from .template import CRITERIA, ScoringOptions, Template

NUMERIC = ("weight", "target", *CRITERIA, "result")
COMPUTED = ("score", "percentage", "weighted_score", "status")


# The dtype pandas gives a column of text (pandas 3: str; before: object), as ``map`` does.
_TEXT = pd.Series(["text"]).dtype


def read_frame(grid: Grid, layout: Layout) -> pd.DataFrame:
    """The table's cells by row, as typed (object), with the code normalised and each row's
    dimension: one object block built, then the two text columns (a frame grown a column at
    a time cost half a 7-row unit's read)."""
    cols, rows = layout.columns, layout.indicator_rows
    get = grid.values.get
    index = pd.Index(rows, name="row")
    if not rows:    # as pandas types an empty frame's columns (code: object, dimension: float)
        raw = pd.DataFrame({key: [] for key in cols}, index=index, dtype=object)
        raw["code"] = raw["code"].map(norm)
        raw["dimension"] = []
        return raw
    # the (row, column) keys made and looked up in C: no Python step per cell
    data = {key: list(map(get, zip(rows, repeat(c)))) for key, c in cols.items()}
    data["code"] = codes = [norm(v) for v in data["code"]]
    data["dimension"] = dims = [layout.dimension_of.get(r, "") for r in rows]
    # one column per line of the block (its transpose is the frame's own layout: no copy)
    block = np.empty((len(data), len(rows)), dtype=object)
    for j, values in enumerate(data.values()):
        block[j] = values
    raw = pd.DataFrame(block.T, index=index, columns=list(data), dtype=object, copy=False)
    if _TEXT != object:
        names = list(data)
        raw.isetitem(names.index("code"), pd.array(codes, dtype=_TEXT))
        raw.isetitem(names.index("dimension"), pd.array(dims, dtype=_TEXT))
    return raw


def parse_inputs(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    cols, bad = {}, {}
    for key in NUMERIC:
        col = raw[key] if key in raw else pd.Series([None] * len(raw), index=raw.index, dtype=object)
        cols[key], bad[key] = parse_numbers(col)
    for key in ("method", "direction"):
        if key in raw:
            cols[key] = raw[key]
    return pd.DataFrame(cols, index=raw.index), bad     # one frame built, not grown a column at a time


def reported_text(totals: dict) -> str:
    n, total = totals["reported"], totals["indicators"]
    if totals["complete"]:
        return f"รายงานครบ {n}/{total} ตัวชี้วัด"
    return f"รายงานแล้ว {n}/{total} ตัวชี้วัด (ยังไม่ครบ / incomplete)"


def _code_of(names: dict[Cell, str], cell: Cell) -> str | None:
    """The indicator a computed cell belongs to, from its stable name ``code|key`` (a total: none)."""
    return names.get(cell, "").rpartition("|")[0] or None


def _shown_at(want, names: dict[Cell, str], cell: Cell, decimals: dict[str, int] | None) -> str:
    """The computed value as its cell shows it, to its column's decimals."""
    return show(want, (decimals or {}).get(names.get(cell, "").rpartition("|")[2], 3))


def hand_edits(grid: Grid, desired: dict[Cell, object], recorded: dict | None,
               names: dict[Cell, str], decimals: dict[str, int] | None = None) -> list[Problem]:
    """Computed cells a person changed: a formula, or a value sheets-sync did not write.
    What was written is looked up by the cell's stable name (older records: by A1)."""
    out = []
    formulas, get = grid.formulas, grid.values.get
    for cell, want in desired.items():
        if cell in formulas:
            out.append(problem("computed_formula", grid.name, a1(*cell), _code_of(names, cell), value=formulas[cell],
                               expected=_shown_at(want, names, cell, decimals)))
            continue
        if recorded is None:
            continue
        have = get(cell)
        if have in (None, "") or same_value(have, want):
            continue    # the common case, decided before any name is looked up
        ref = a1(*cell)
        key = names.get(cell) if recorded and names.get(cell) in recorded else ref
        if key not in recorded or not same_value(have, recorded[key]):
            out.append(problem("computed_overwritten", grid.name, ref, _code_of(names, cell), value=have,
                               expected=_shown_at(want, names, cell, decimals)))
    return out


def typed_oddly(grid: Grid, layout: Layout) -> dict[int, Problem]:
    """Result cells a number cannot be read from though they hold one: a date, or a
    cell merged with its neighbours (one value shared by a result and a score)."""
    out: dict[int, Problem] = {}
    if "result" not in layout.columns:
        return out
    col = layout.columns["result"]
    for r1, c1, r2, c2 in grid.merges:
        if c1 <= col <= c2 and (r1, c1) != (r2, c2):
            for r in set(layout.indicator_rows) & set(range(r1, r2 + 1)):
                out[r] = problem("cells_merged", grid.name, a1(r, col), range=f"{a1(r1, c1)}:{a1(r2, c2)}")
    for r in layout.indicator_rows:
        if (r, col) in grid.dates and grid.get(r, col) is not None and r not in out:
            value = grid.get(r, col)
            out[r] = problem("result_is_date", grid.name, a1(r, col), value=value, **_as_typed(value))
    return out


def _as_typed(serial) -> dict:
    """The date a person sees in the cell, not the day count it is stored as (45366)."""
    from ..core.thai_time import from_serial, thai_date
    try:
        day = from_serial(serial)
    except (TypeError, ValueError, OverflowError):
        return {"date_th": f"ค่า {serial!r}", "date_en": f"value {serial!r}"}
    return {"date_th": thai_date(day), "date_en": f"{day:%Y-%m-%d}"}


def finish_cells(grid: Grid, layout: Layout, template: Template, options: ScoringOptions, recorded, shown: dict,
                 desired: dict[Cell, object], names: dict[Cell, str], problems: list[Problem]) -> tuple[dict, dict]:
    """The totals rows into ``desired``, hand edits into ``problems``; returns (the places each
    computed cell is shown with, the cells that differ). Shared by both evaluation paths."""
    values = {"total_weight": shown["weight"], "total_weighted_score": shown["weighted_score"],
              "overall_percentage": shown["percentage"], "reported": reported_text(shown)}
    for key, spec in template.totals.items():
        if key in layout.totals:
            desired[layout.totals[key]] = values[key]
            names[layout.totals[key]] = f"|{key}"
        elif "label" in spec:
            problems.append(problem("missing_total_row", grid.name, "", label=spec["label"]))
    d = options.decimals     # how each computed cell is shown, for messages that quote it
    decimals = {**d, "total_weight": 2, "total_weighted_score": d.get("weighted_score", 3),
                "overall_percentage": d.get("percentage", 2)}
    changes = differing(grid, desired)
    # a hand edit is among the cells that differ (or hold a formula): only those are looked at
    problems += hand_edits(grid, changes, recorded, names, decimals)
    return decimals, changes


def evaluate_sheet(grid: Grid, layout: Layout, template: Template, options: ScoringOptions | None = None,
                   recorded: dict[str, object] | None = None, quarters_upto: int = 4,
                   small_rows: int = SMALL_ROWS) -> SheetResult:
    """Evaluate one scorecard sheet whose layout is known (``quarters_upto``: the quarters
    its round reaches, for indicators typed per quarter: kinds/quarters.py). Tables of at
    most ``small_rows`` rows take the plain-Python path (kinds/scorecard_small.py)."""
    options = options or template.scoring
    problems = list(layout.problems)
    if not layout.complete:
        empty = pd.DataFrame()
        return SheetResult("scorecard", grid.name, layout, empty, empty, {}, {}, problems,
                           detail={"numbers": empty, "options": options})
    if "result" in layout.columns:
        rc = layout.columns["result"]
        problems += [problem("result_without_code", grid.name, a1(r, rc), value=grid.get(r, rc))
                     for r in layout.loose_rows if norm(grid.get(r, rc))]

    raw, summed, summed_names, quarter_problems = sum_quarters(read_frame(grid, layout), layout, grid.name,
                                                               quarters_upto)
    problems += quarter_problems
    if len(raw) <= small_rows:
        return evaluate_small(grid, layout, template, options, recorded, raw, summed, summed_names, problems,
                              typed_oddly, finish_cells)
    num, bad = parse_inputs(raw)
    found, unusable = check_inputs(raw, num, bad, layout, template)
    odd = typed_oddly(grid, layout)
    problems += not_at(odd.values(), found)     # a date on a milestone row is one mistake, not two
    problems += odd.values()
    unusable |= pd.Series([r in odd for r in num.index], index=num.index)
    scored = num.copy()
    scored.loc[unusable, "result"] = np.nan
    words = word_arrays(num, options)     # the direction and method words looked up once, for scores and notes
    exact, totals = compute(scored, options, words)
    rows, shown = rounded(exact, totals, options)
    if "invalid" in template.status_levels:   # typed but unusable is not "not reported"
        rows.loc[unusable | bad["result"], "status"] = "invalid"

    desired: dict[Cell, object] = dict(summed)
    names: dict[Cell, str] = dict(summed_names)
    # as lists once: a text Series is iterated element by element through pandas
    index, codes = rows.index.tolist(), raw["code"].tolist()
    # each computed column as it is shown (None where empty), taken once as a list: a
    # per-cell pd.isna, or a frame's to_dict, cost more than the scores themselves
    shown_cols = {key: rows[key].astype(object).where(rows[key].notna(), None).tolist() for key in COMPUTED}
    for key in COMPUTED:
        if key in layout.columns:
            col = layout.columns[key]
            values = [template.status_label(v) for v in rows[key].tolist()] if key == "status" else \
                [None if v is None else float(v) for v in shown_cols[key]]
            desired.update(zip(zip(index, repeat(col)), values))
            names.update({(r, col): f"{code}|{key}" for r, code in zip(index, codes)})
    decimals, changes = finish_cells(grid, layout, template, options, recorded, shown, desired, names, problems)
    notes = {}
    if "score" in layout.columns:
        col = layout.columns["score"]
        notes = ScoreNotes(num, options, codes, col, words=words)     # built when read, reusing unchanged ones
    keys = ("code", *COMPUTED)
    report = [dict(zip(keys, rec)) for rec in zip(codes, *(shown_cols[k] for k in COMPUTED))]
    totals_out = {k: plain(shown.get(k)) for k in ("weight", "weighted_score", "percentage", "reported", "indicators")}
    totals_out["complete"] = bool(shown.get("complete", False))
    return SheetResult("scorecard", grid.name, layout, raw, rows, totals_out, desired, problems, changes,
                       notes=notes, report_rows=report, names=names,
                       heights=grown_rows(grid, layout.indicator_rows, template.font_size, desired),
                       decimals=decimals, detail={"numbers": num, "options": options})


def attach_details(res: SheetResult, grids: dict[str, Grid], template: Template, options: ScoringOptions) -> None:
    """The details tab's text by code (``detail["details"]``) and its problems, on the scorecard's result."""
    from .details_sheet import check_details
    scored = {code: (None if pd.isna(s) else float(s)) for code, s in zip(res.inputs["code"], res.rows["score"])} \
        if len(res.rows) else {}
    where = {code: (res.sheet, res.layout.cell(r, "code")) for r, code in res.inputs["code"].items()} \
        if len(res.inputs) else {}
    details, problems, sheet = check_details(grids, template, scored, options.max_score, where)
    res.detail["details"] = details
    res.detail["details_sheet"] = sheet
    res.problems += problems


class Scorecard(Kind):
    name = "scorecard"
    template = "scorecard"
    totals = (Total("weight", "น้ำหนักรวม", 2), Total("weighted_score", "คะแนนถ่วงน้ำหนักรวม", 3, "weighted_score"),
              Total("percentage", "ร้อยละ", 2, "percentage"), Total("reported", "รายงานแล้ว"))

    def evaluate(self, grids, template, *, options=None, recorded=None):
        out = []
        for layout in find_tables(grids, template, norm, skip=(META_SHEET,)):
            rec = None if recorded is None else recorded.get(layout.sheet, {})
            out.append(evaluate_sheet(grids[layout.sheet], layout, template, options, rec,
                                      quarters_upto(grids, layout.sheet)))
        for res in first_per_round(out, grids):     # each round's details tab with its own scorecard
            attach_details(res, same_round(grids, res.sheet), template, options or template.scoring)
        return out

    def code_key(self, value) -> str:
        return norm(value)

    def linked_tables(self, grids, template):
        from .indicator_details import find_details
        found = find_details(grids, template)
        return [found] if found else []

    def explain(self, result, code):
        wanted = norm(code).replace(" ", "")
        num, options = result.detail["numbers"], result.detail["options"]
        return [(a1(r, result.layout.columns["score"]), trace(result.inputs.at[r, "code"], num.loc[r], options))
                for r in num.index if result.inputs.at[r, "code"].replace(" ", "") == wanted]

    def definition(self, frame, template, source):
        from .indicators import normalise_indicators
        return normalise_indicators(frame, template, source=source)

    def unfit_to_send(self, items, template):
        from ..core.numbers import format_fixed
        weights = pd.to_numeric(items.get("weight", pd.Series(dtype=object)), errors="coerce")
        total, want = float(weights.sum()), template.scoring.weight_total
        if len(items) and abs(total - want) > 1e-6:
            return [(f"น้ำหนักรวมของตัวชี้วัดเป็น {format_fixed(total, 2)} ไม่ใช่ {format_fixed(want, 2)}",
                     f"the indicators' weights add up to {format_fixed(total, 2)}, not {format_fixed(want, 2)}")]
        return []

    def examples(self, template):
        from .indicators import example_indicators
        return example_indicators(template)

    def lay_out(self, template, rows, *, unit, period):
        from .scorecard_sheet import lay_out
        return lay_out(template, rows, unit=unit, period=period)

    def summarise(self, reads: list[UnitRead], template: Template) -> SummaryPart:
        from .scorecard_summary import summarise
        return summarise(reads, template)


SCORECARD = register(Scorecard())
