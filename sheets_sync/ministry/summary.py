"""The ministry summary: the kind's overview and matrix, every problem, the units that
could not be read, laid out as a BookPlan that any backend writes."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..core.grid import plain
from ..core.problems import ERROR
from ..core.text import visible_length
from ..kinds.base import SummaryPart, UnitRead, kind_of
from ..kinds.sheet_plan import LINE_POINTS, BookPlan, Chart, SheetPlan, round_label
from ..kinds.template import Template

OVERVIEW = "ภาพรวม"
MATRIX = "คะแนนรายตัวชี้วัด"
PROBLEMS = "ปัญหา"
MISSING = "หน่วยงานที่ขาด"
HISTORY_PREFIX = "ก่อนหน้า "
PROBLEM_COLUMNS = ["รหัสหน่วยงาน", "หน่วยงาน", "แผ่นงาน", "ช่อง", "ระดับ", "รายละเอียด", "detail"]
MISSING_COLUMNS = ["รหัสหน่วยงาน", "หน่วยงาน", "สาเหตุ / reason"]


@dataclass
class Summary:
    period: str
    template: Template
    part: SummaryPart
    problems: pd.DataFrame
    missing: pd.DataFrame
    units: list[UnitRead] = field(default_factory=list)
    changes: pd.DataFrame | None = None        # round over round (from the history database)
    trend: pd.DataFrame | None = None          # the fiscal year's rounds side by side

    @property
    def overview(self) -> pd.DataFrame:
        return self.part.overview

    @property
    def matrix(self) -> pd.DataFrame:
        return self.part.matrix

    @property
    def complete(self) -> bool:
        return self.missing.empty


def build_summary(reads: list[UnitRead], template: Template, period: str = "") -> Summary:
    ok = [u for u in reads if u.result is not None]
    part = kind_of(template).summarise(ok, template)
    if period and len(part.overview):   # which state of the round each unit's figures are in
        from .rounds import state_in
        states = {u.code: state_in(u.meta, period) for u in ok}
        part.overview["สถานะการส่ง"] = part.overview["รหัสหน่วยงาน"].map(states)
    problems = pd.DataFrame([{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "แผ่นงาน": p.sheet, "ช่อง": p.cell,
                              "ระดับ": "ผิดพลาด" if p.severity == ERROR else "เตือน", "รายละเอียด": p.message_th,
                              "detail": p.message_en} for u in ok for p in u.result.problems], columns=PROBLEM_COLUMNS)
    missing = pd.DataFrame([{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "สาเหตุ / reason": u.error}
                            for u in reads if u.result is None], columns=MISSING_COLUMNS)
    return Summary(period, template, part, problems, missing, reads)


CHANGES = "เทียบรอบก่อน"
TREND = "แนวโน้มทั้งปี"


def tables(summary: Summary) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, frame) in the order people read them."""
    rounds = [(name, frame) for name, frame in ((CHANGES, summary.changes), (TREND, summary.trend))
              if frame is not None]
    return [(OVERVIEW, summary.overview), (MATRIX, summary.matrix), *summary.part.tables, *rounds,
            (PROBLEMS, summary.problems), (MISSING, summary.missing)]


ONE_PAGE_ROWS = 22   # a table this short prints with its chart on one landscape page
TEXT_WIDTH, MAX_ROW_POINTS = 60, 409     # Excel's tallest row: 409 points; longer text scrolls in the cell


def _table_sheet(name: str, title: str, frame: pd.DataFrame, formats: dict[str, str], freeze_cols: int,
                 summary_font: float = 16, text_columns: tuple[str, ...] = ()) -> SheetPlan:
    sheet = SheetPlan(name, freeze=(2, freeze_cols))
    sheet.put((1, 1), title, "title")
    if len(frame.columns) > 1:
        sheet.merges.append((1, 1, 1, len(frame.columns)))
    # each column read once as plain values (a matrix of 1,000 units has 1,000 columns)
    names = list(frame.columns)
    columns = [[plain(v) for v in frame.iloc[:, i].tolist()] for i in range(len(names))]
    for c, (col, values) in enumerate(zip(names, columns), 1):
        sheet.put((2, c), str(col), "header")
        longest = _longest(values, visible_length(str(col)) / 2)
        sheet.widths[c] = max(8, min(30, longest * 1.7 + 2))   # long text wraps instead
        if col in text_columns:
            sheet.widths[c] = TEXT_WIDTH
    if names:   # the merged title on one line: narrow columns wrapped it over the header
        short = visible_length(title) * 2.0 + 2 - sum(sheet.widths.values())
        if short > 0:
            sheet.widths[len(names)] += short
    fmts = [formats.get(col) for col in names]
    for r, rec in enumerate(zip(*columns), 3):      # row by row, as the cells are laid out
        for c, (v, fmt) in enumerate(zip(rec, fmts), 1):
            sheet.put((r, c), v, "text", fmt)
    if not len(frame) and names:   # an empty table says so: a blank sheet reads as not done yet
        widest = max(sheet.widths, key=sheet.widths.get)     # where it reads on one line
        sheet.put((3, widest), "ไม่มี / none", "text")
    sheet.fit_rows(summary_font)
    sheet.heights[1] = LINE_POINTS + 6
    sheet.print_rows = (1, 2)      # a long table's title and header on every printed page
    if text_columns and len(frame.columns):
        sheet.heights = {r: min(h, MAX_ROW_POINTS) for r, h in sheet.heights.items()}
        sheet.autofilter = (2, 1, len(frame) + 2, len(frame.columns))
        sheet.text_top = True
    return sheet


def _longest(values, at_least: float) -> float:
    """The most characters that take width among ``values`` as shown (at least ``at_least``).
    A text no longer than the longest so far is not measured: its marks only shorten it (a
    1,000-unit summary has 78,000 values to show)."""
    best = at_least
    for v in values:
        if v is not None:
            text = _shown(v)
            if len(text) > best:
                best = max(best, visible_length(text))
    return best


def _shown(v) -> str:
    """A value as its cell shows it (numbers with their three decimals at most)."""
    v = plain(v)
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def summary_plan(summary: Summary) -> BookPlan:
    part = summary.part
    book = BookPlan(summary.template)
    # weighted scores with the template's decimals (OPDC: 0.1000), in every table that has them
    places = int(summary.template.scoring.decimals.get("weighted_score", 3))
    weighted = "0." + "0" * places if places else "0"
    for name, frame in tables(summary):
        freeze = 3 if name in (OVERVIEW, MATRIX) and len(frame.columns) > 3 else 0
        # whole-number columns (rank, counts, template version) formatted "0", so centred: a
        # right-aligned number ran into the left-aligned text beside it ("1กค", "0ร่าง")
        whole = {c: "0" for c in frame.columns
                 if pd.api.types.is_integer_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
        formats = {**whole, **part.formats, **{c: weighted for c in frame.columns if "คะแนนถ่วงน้ำหนัก" in str(c) or c == "เปลี่ยน"},
                   **({c: "0.00" for c in frame.columns[2:]} if name == TREND else {})}
        own = name in dict(part.tables)
        book.sheets.append(_table_sheet(name, f"{name} {_round(summary)}".strip(), frame, formats,
                                        2 if own else freeze, summary.template.font_size,
                                        part.text_columns if own else ()))
    n, m = len(summary.overview), len(summary.matrix)
    cols = list(summary.overview.columns)
    if n and part.chart_value in cols:
        col, names = cols.index(part.chart_value) + 1, cols.index("หน่วยงาน") + 1
        book.sheet(OVERVIEW).charts.append(Chart(
            "bar", f"{part.chart_value} รายหน่วยงาน / per unit", categories=(3, names, n + 2, names),
            series=[(2, col, n + 2, col)], anchor=(n + 4, 2), value_range=part.chart_range))
    mcols = list(summary.matrix.columns)
    if m and "เฉลี่ย" in mcols:
        sheet, k = book.sheet(MATRIX), len(mcols)
        for i, (label, value) in enumerate(part.matrix_levels, 1):
            sheet.put((2, k + i), label, "header")
            for r in range(3, m + 3):
                sheet.put((r, k + i), value, "text")
            # the chart's level lines, not a reading: hidden (they printed as a 3 and a 5 a row)
            sheet.hidden_columns.add(k + i)
        mean = mcols.index("เฉลี่ย") + 1
        sheet.charts.append(Chart(
            "combo", "คะแนนเฉลี่ยรายตัวชี้วัด / mean score by indicator", categories=(3, 2, m + 2, 2),
            series=[(2, mean, m + 2, mean)],
            lines=[(2, k + i, m + 2, k + i) for i in range(1, len(part.matrix_levels) + 1)], anchor=(m + 4, 2),
            plots_hidden=True))
    if summary.trend is not None and len(summary.trend):
        sheet, n, k = book.sheet(TREND), len(summary.trend), len(summary.trend.columns)
        sheet.charts.append(Chart("line", "ร้อยละรายรอบ / percentage by round", categories=(2, 3, 2, k),
                                  series=[(r, 2, r, k) for r in range(3, n + 3)], anchor=(n + 4, 2),
                                  value_range=(0, 100), by_rows=True))
    for sheet in book.sheets:   # a short table and its chart print on one page, not the chart alone on the next
        if sheet.charts and max((r for r, _ in sheet.values), default=0) <= ONE_PAGE_ROWS:
            sheet.pages_tall = 1
    return book


def _round(summary: Summary) -> str:
    """The round as a title says it (ไตรมาสที่ 2/2567), not its code (2/2567, 12m/2567)."""
    return round_label(summary.period) if summary.period else ""


def overview_rows(summary: Summary) -> list[list]:
    """The read-only copy of the overview published into each unit's workbook."""
    head = [f"สรุปภาพรวม {_round(summary)}".strip() + " (อ่านอย่างเดียว / read-only, sheets-sync)"]
    return [head, list(summary.overview.columns)] + [[plain(v) for v in rec]
                                                     for rec in summary.overview.itertuples(index=False)]
