"""A laid-out workbook as data: what goes in which cell, with which look.

Kinds lay out new sheets as a ``BookPlan`` and the ministry summary is one too; the
backends render it (openpyxl for a new .xlsx, Sheets API requests for Google), so
every sheet has one writer per backend, whatever its kind.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..core.errors import SheetsSyncError
from ..core.grid import Cell, Grid, a1
from ..core.period import Period
from ..core.text import visible_length
from .meta import ARCHIVE_SHEET, AUDIT_HEADER, AUDIT_SHEET, META_SHEET, in_parts
from .template import Template

Range = tuple[int, int, int, int]        # r1, c1, r2, c2: 1-based, inclusive
BOLD_ROLES = ("title", "header", "section", "total_label")
LINE_POINTS = 24.0                       # one line of 16 pt TH SarabunPSK / TH Sarabun New, with room
# Thai text in TH Sarabun (and Laksaman, its free twin) runs about 0.53 em a character;
# a column of width w (Excel's units: the default font's digit) is about 5.25 w points.
EM_PER_CHAR, POINTS_PER_WIDTH = 0.53, 5.25


@dataclass
class Validation:
    """A number the person should type (a warning, not a wall)."""
    range: Range
    title: str
    prompt: str
    error: str


@dataclass
class ColourRule:
    """Text colour when a cell holds ``text`` (status dots)."""
    range: Range
    text: str
    color: str


@dataclass
class Chart:
    kind: str                           # bar (horizontal) | combo (columns + lines) | line
    title: str
    categories: Range
    series: list[Range]                 # first row of each range is the series' title
    lines: list[Range] = field(default_factory=list)
    anchor: Cell = (1, 1)
    value_range: tuple = (None, None)
    by_rows: bool = False               # each series is a row (its first cell its name)
    plots_hidden: bool = False          # series in hidden columns still drawn (reference levels)


@dataclass
class SheetPlan:
    name: str
    values: dict[Cell, object] = field(default_factory=dict)
    roles: dict[Cell, str] = field(default_factory=dict)     # title header section template unit computed total_label total text
    formats: dict[Cell, str] = field(default_factory=dict)
    merges: list[Range] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)   # kept, not shown or printed
    heights: dict[int, float] = field(default_factory=dict)  # points; wrapped Thai text needs room
    freeze: tuple[int, int] = (0, 0)                          # rows, columns frozen
    validations: list[Validation] = field(default_factory=list)
    colour_rules: list[ColourRule] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    protected: bool = False          # locked but for unit-owned cells; a guard, not a wall
    hidden: bool = False
    printed: bool = True             # helper tabs do not print
    landscape: bool = True
    print_rows: tuple[int, int] | None = None                  # header rows repeated on each page
    pages_tall: int = 0                                        # fit to this many pages down (0: as many as needed)
    autofilter: Range | None = None                            # a filter button on each header cell
    text_top: bool = False        # long text starts at the cell's top (where a clipped cell still shows its start)

    def put(self, cell: Cell, value, role: str = "text", fmt: str | None = None) -> None:
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            self.values[cell] = value
        self.roles[cell] = role
        if fmt:
            self.formats[cell] = fmt

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.roles), default=0)

    @property
    def last_col(self) -> int:
        return max((c for _, c in self.roles), default=0)

    def grid(self) -> Grid:
        return Grid(self.name, dict(self.values))

    def fit_rows(self, font_size: float = 16) -> None:
        """Neither Excel nor LibreOffice grows a row for wrapped text on opening a file,
        so give each row the lines its longest wrapped cell needs."""
        spans = {}
        for r1, c1, r2, c2 in self.merges:
            if r1 == r2:
                spans[(r1, c1)] = sum(self.widths.get(c, 10) for c in range(c1, c2 + 1))
            else:
                for c in range(c1, c2 + 1):
                    spans[(r1, c)] = -1     # a label merged down has rows to spare
        lines = {r: 1 for r in range(1, self.last_row + 1)}
        measured: dict[tuple[str, float], int] = {}     # a summary repeats each indicator's text per unit
        for (r, c), v in self.values.items():
            width = spans.get((r, c), self.widths.get(c, 10))
            # a number never wraps (a summary's mean 2.666666666666667 shows as 2.667; measured
            # as its 17 digits it made the row four lines tall)
            if width != -1 and c not in self.hidden_columns and isinstance(v, str) \
                    and self.roles.get((r, c)) != "total_label":     # runs over its neighbours instead
                n = measured.get((v, width))
                if n is None:
                    n = measured[(v, width)] = lines_for(v, width, font_size)
                lines[r] = max(lines.get(r, 1), n)
        self.heights.update({r: row_height(n, font_size) for r, n in lines.items()})


def lines_for(text, width: float, font_size: float = 16) -> int:
    """Lines ``text`` wraps to in a column of ``width`` (Excel's units) at ``font_size``."""
    char = EM_PER_CHAR * font_size * 1.08    # a little room for where lines break
    room = max(width * POINTS_PER_WIDTH - 6, char)
    text = str(text)
    if len(text) * char <= room and "\n" not in text:
        return 1    # fits even counting every mark (its visible length is never more): not measured
    return sum(1 if len(part) * char <= room else max(1, math.ceil(visible_length(part) * char / room))
               for part in text.split("\n"))


def row_height(lines: int, font_size: float = 16) -> float:
    return min(lines, 30) * LINE_POINTS * font_size / 16 + 6


def grown_rows(grid: Grid, rows: list[int], font_size: float = 16, computed=()) -> dict[int, float]:
    """:func:`rows_to_grow` of a sheet whose backend tells row heights (an .xlsx). A grid read
    without them (the values Excel posts, Google's read) gets none: nothing applies them
    there (recalc writes heights only where the read had some), and measuring 20,000 texts
    of a 10,000-row sheet was a sixth of Excel's recalculate."""
    return rows_to_grow(grid, rows, font_size, computed) if grid.heights else {}


def rows_to_grow(grid: Grid, rows: list[int], font_size: float = 16, computed=()) -> dict[int, float]:
    """Rows whose text needs more height than the sheet gives them (a unit typed a long
    narrative after init): the height each needs. Rows only ever grow. ``computed``
    cells are left out (the status label shows as a dot)."""
    merged = {(r, c) for r1, c1, r2, c2 in grid.merges if (r1, c1) != (r2, c2)
              for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    computed = computed if isinstance(computed, (set, frozenset, dict)) else set(computed)
    wanted = set(rows)
    lines: dict[int, int] = {}
    char = EM_PER_CHAR * font_size * 1.08
    fits: dict[int, float] = {}      # column -> characters that surely fit on one line there
    wrapped: dict[tuple[int, str], int] = {}     # (column, text) -> its lines: texts repeat down a sheet
    hidden, heights = grid.hidden_columns, grid.heights
    for cell, v in grid.values.items():
        if not isinstance(v, str):
            continue
        # the key tuple itself is looked up: no new (r, c) per text cell of a 10,000-row sheet
        r, c = cell
        if r not in wanted or cell in computed or cell in merged or c in hidden:
            continue
        room = fits.get(c)
        if room is None:
            room = fits[c] = max(grid.widths.get(c, 8.43) * POINTS_PER_WIDTH - 6, char) / char
        if "\n" not in v:
            # most cells are short: no wider than their column even counting every mark, one line
            if len(v) + 1e-6 <= room:
                lines.setdefault(r, 1)
                continue
            # nor measured when even every mark counted as a character (a bound on the lines;
            # the tiny factor covers rounding) needs no more than the row has: a code
            # wrapping to two lines of a row three lines tall
            if row_height(math.ceil(len(v) / room * (1 + 1e-9)), font_size) <= heights.get(r, LINE_POINTS) + 1:
                lines.setdefault(r, 1)
                continue
        n = wrapped.get((c, v))
        if n is None:
            n = wrapped[(c, v)] = lines_for(v, grid.widths.get(c, 8.43), font_size)
        lines[r] = max(lines.get(r, 1), n)
    out = {}
    for r, n in lines.items():
        need = row_height(n, font_size)
        if grid.heights.get(r, LINE_POINTS) < need - 1:
            out[r] = need
    return out


@dataclass
class BookPlan:
    template: Template
    sheets: list[SheetPlan] = field(default_factory=list)
    meta: list[tuple[str, object]] = field(default_factory=list)
    # tab -> its template-owned cells (A1 -> value), for tabs no kind evaluates (init records them)
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    def sheet(self, name: str) -> SheetPlan:
        return next(s for s in self.sheets if s.name == name)

    def grids(self) -> dict[str, Grid]:
        return {s.name: s.grid() for s in self.sheets}

    @property
    def main(self) -> SheetPlan:
        return self.sheets[0]


def round_label(period) -> str:
    """A period as a title says it: ไตรมาสที่ 2/2567, รอบ 12 เดือน ปีงบประมาณ 2550 (as typed
    when it is not a period sheets-sync knows)."""
    if not period:
        return "…/…"
    try:
        return Period.parse(period).label_th
    except SheetsSyncError:
        return str(period)


def title_text(template: Template, unit: str | None, period: str | None) -> str:
    """The title row: ``{unit}``, ``{period}`` (the code, e.g. a fiscal year 2567) and
    ``{round}`` (the period in words, so a 12-month round never reads "12m/2550")."""
    return template.title.format(unit=f" {unit}" if unit else "", period=period or "…/…",
                                 round=round_label(period)).strip()


def header_rows(plan: SheetPlan, template: Template, top: int = 2) -> int:
    """The template's two header rows from ``top`` (a group label merged over its
    columns, a leaf label below; a field without group merged down). Returns the
    first row below them."""
    fields = template.fields
    plan.hidden_columns |= {i for i, f in enumerate(fields, 1) if f.hidden}
    if not any(f.group for f in fields):      # one header row is enough
        for i, f in enumerate(fields, 1):
            plan.widths[i] = f.width
            plan.put((top, i), f.label, "header")
        plan.print_rows = (top, top)
        return top + 1
    for i, f in enumerate(fields, 1):
        plan.widths[i] = f.width
        if f.group:
            plan.put((top + 1, i), int(f.label) if f.label.isdigit() else f.label, "header")
            first = i == 1 or fields[i - 2].group != f.group
            plan.put((top, i), f.group if first else None, "header")
            if first:
                span = 1
                while i - 1 + span < len(fields) and fields[i - 1 + span].group == f.group:
                    span += 1
                if span > 1:
                    plan.merges.append((top, i, top, i + span - 1))
        else:
            plan.put((top, i), f.label, "header")
            plan.put((top + 1, i), None, "header")
            plan.merges.append((top, i, top + 1, i))
    plan.print_rows = (top, top + 1)
    return top + 2


def title_row(plan: SheetPlan, template: Template, unit, period, width: int) -> None:
    plan.put((1, 1), title_text(template, unit, period), "title")
    for c in range(2, width + 1):
        plan.roles[(1, c)] = "title"
    plan.merges.append((1, 1, 1, width))


def helper_sheets(template: Template) -> list[SheetPlan]:
    """The archive of retired rows and the audit trail: at the end, hidden, not printed."""
    out = []
    header = archive_header(template)
    for name, cols in ((ARCHIVE_SHEET, header), (AUDIT_SHEET, AUDIT_HEADER)):
        # hidden, so they neither clutter the tabs nor print; Unhide (right-click a tab) shows them
        s = SheetPlan(name, freeze=(1, 0), printed=False, hidden=True)
        for c, text in enumerate(cols, 1):
            s.put((1, c), text, "header")
            s.widths[c] = max(18 if c == 1 else 12, min(40, visible_length(text) * 0.9))   # A: a time stamp
        s.fit_rows(template.font_size)      # its wrapped two-line labels, whole, when unhidden
        out.append(s)
    return out


def meta_sheet(meta: list[tuple[str, object]]) -> SheetPlan:
    s = SheetPlan(META_SHEET, hidden=True, printed=False, protected=True)
    for i, (k, v) in enumerate(in_parts(dict(meta)).items(), 1):
        s.put((i, 1), k)
        s.put((i, 2), v)
    return s


def archive_header(template: Template) -> list[str]:
    return ["เวลาที่ยกเลิก / retired at"] + [f.label if not f.group else f"{f.group} {f.label}"
                                              for f in template.fields]


def template_cells(template: Template, columns: dict[str, int], rows: list[int], value_of) -> dict[str, object]:
    """Template-owned cells of item rows -> value: what sheets-sync last wrote there."""
    out = {}
    for r in rows:
        for f in template.fields:
            if f.owner == "template" and f.key in columns:
                v = value_of(r, columns[f.key])
                out[a1(r, columns[f.key])] = None if v is None or (isinstance(v, float) and pd.isna(v)) else v
    return out
