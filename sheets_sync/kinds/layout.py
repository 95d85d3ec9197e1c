"""Finding a kind's table inside whatever a person left in a sheet.

Columns are found by header label (so inserted or reordered columns break
nothing), item rows by their code, section rows by the template's section marker,
totals rows by their label. Anything else is tolerated and left alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.grid import Grid, LazyGrid, a1
from ..core.problems import Problem, problem
from ..core.text import norm, squash
from .template import Template

HEADER_SCAN_ROWS = 40
# A header naming fewer of the required columns than this is some other table.
MIN_REQUIRED_MATCH = 6


@dataclass
class Layout:
    sheet: str
    header_row: int
    columns: dict[str, int]
    indicator_rows: list[int] = field(default_factory=list)
    dimension_of: dict[int, str] = field(default_factory=dict)   # item row -> its section's text
    sections: dict[str, int] = field(default_factory=dict)        # section text -> its row
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    loose_rows: list[int] = field(default_factory=list)           # content, but no code
    problems: list[Problem] = field(default_factory=list)

    def cell(self, row: int, key: str) -> str:
        return a1(row, self.columns[key])

    @property
    def complete(self) -> bool:
        return not any(p.kind == "missing_column" for p in self.problems)


@dataclass(frozen=True)
class _HeaderField:
    key: str
    labels: tuple[str, ...]     # label and aliases, normalised and without spaces
    prefix: bool
    group: str                  # its group's label, the same way ("" when none)
    ambiguous: bool             # a grouped label two fields share, or a digit (criteria 1..5)


_SPECS: dict[tuple, tuple[tuple[_HeaderField, ...], frozenset]] = {}


def _header_spec(template: Template) -> tuple[tuple[_HeaderField, ...], frozenset]:
    """The template's header labels squashed once (a sheet has thousands of cells to match
    and a ministry hundreds of units to read), and its groups' labels."""
    key = tuple((f.key, f.label, f.aliases, f.prefix, f.group) for f in template.fields)
    spec = _SPECS.get(key)
    if spec is None:
        labels = [squash(norm(f.label)) for f in template.fields]
        ambiguous = {lab for lab in labels if labels.count(lab) > 1 or lab.isdigit()}
        fields = tuple(_HeaderField(f.key, tuple(squash(norm(lab)) for lab in f.labels), f.prefix,
                                    squash(norm(f.group)) if f.group else "",
                                    bool(f.group) and lab in ambiguous)
                       for f, lab in zip(template.fields, labels))
        groups = frozenset(squash(norm(f.group)) for f in template.fields if f.group)
        spec = _SPECS[key] = (fields, groups)
    return spec


def match_header(grid: Grid, r: int, template: Template, rows: dict[int, dict[int, object]]) -> dict[str, list[int]]:
    leaf, group = rows.get(r, {}), rows.get(r - 1, {})
    found: dict[str, list[int]] = {}
    fields, groups = _header_spec(template)
    carried = ""  # a merged group label sits in its first column only: carry it right
    for c in range(1, max([*leaf, *group, 0]) + 1):
        own = norm(leaf.get(c))
        above = squash(norm(group.get(c)))
        if above:
            carried = above if above in groups else ""
        text = own or norm(group.get(c))
        if not text:
            continue
        t = squash(text)
        for f in fields:
            # Ambiguous grouped labels (criteria 1..5, month names under two groups) are
            # trusted in the leaf row only, under their own group when the sheet names one.
            if f.ambiguous and (not own or (carried and carried != f.group)):
                continue
            if t in f.labels or (f.prefix and any(t.startswith(lab) for lab in f.labels)):
                found.setdefault(f.key, []).append(c)
                break
    return found


def rows_of(grid: Grid) -> dict[int, dict[int, object]]:
    """The grid's cells grouped by row, in one pass (a sheet is read once)."""
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), v in grid.values.items():
        by_row.setdefault(r, {})[c] = v
    return by_row


def discover(grid: Grid, template: Template, code_key=norm) -> Layout | None:
    """The sheet's layout, or None when the sheet holds no table of this template."""
    # a tab read lazily is asked for its header rows only; the rest is read when a table is there
    head = grid.head_rows(HEADER_SCAN_ROWS) if isinstance(grid, LazyGrid) else None
    rows = rows_of(grid) if head is None else head
    required = template.required
    best, best_n, best_r = None, 0, 0
    for r in sorted(k for k in rows if k <= HEADER_SCAN_ROWS):
        found = match_header(grid, r, template, rows)
        if len(found) > best_n:
            best, best_n, best_r = found, len(found), r
    if best is None or sum(k in best for k in required) < min(MIN_REQUIRED_MATCH, len(required)):
        return None
    if head is not None:
        rows = rows_of(grid)
    layout = Layout(grid.name, best_r, {k: cols[0] for k, cols in best.items()})
    for key, cols in best.items():
        if len(cols) > 1:
            layout.problems.append(problem("duplicate_column", grid.name, a1(best_r, cols[1]),
                                           label=template.field(key).label,
                                           first=a1(best_r, cols[0]), second=a1(best_r, cols[1])))
    missing = [k for k in required if k not in layout.columns]
    for k in missing:
        layout.problems.append(problem("missing_column", grid.name, f"{best_r}:{best_r}",
                                       label=template.field(k).label))
    if not missing:
        _find_rows(rows, template, layout, code_key)
    return layout


def _find_rows(rows: dict[int, dict[int, object]], template: Template, layout: Layout, code_key) -> None:
    totals_by_label = {squash(norm(spec["label"])): key for key, spec in template.totals.items()
                       if "label" in spec}
    code_col = layout.columns["code"]
    marker = template.section_marker
    dimension = ""
    seen: dict[str, tuple[str, str]] = {}    # a text -> (norm, squashed): labels repeat down a sheet
    # a number's text can be a totals label only when a label holds a digit (or reads nan/inf)
    numeric_labels = any(any(ch.isdigit() for ch in lab) or "nan" in lab or "inf" in lab for lab in totals_by_label)
    for r in sorted(k for k in rows if k > layout.header_row):
        row = rows[r]
        if numeric_labels:
            cells, squashed = _row_texts(row, seen)
        else:   # the cells' texts are only needed for rows that are not items: numbers skipped
            squashed, cells = {}, None
            for c, v in row.items():
                if type(v) is str:
                    known = seen.get(v)
                    if known is None:
                        t = norm(v)
                        known = seen[v] = (t, squash(t))
                    if known[0]:
                        squashed[c] = known[1]
                elif type(v) is int or type(v) is float:
                    squashed[c] = None      # a number: its text is never empty, nor a totals label
                else:
                    t = _number_text(v)
                    if t:
                        squashed[c] = t
        if not squashed:
            continue
        total_keys = [(c, totals_by_label[sq]) for c, sq in squashed.items() if sq in totals_by_label]
        if total_keys:
            for label_col, key in total_keys:
                col = layout.columns.get(template.totals[key]["column"])
                if col is not None:
                    layout.totals[key] = (r, col if col != label_col else label_col + 1)
            continue
        if code_key(rows[r].get(code_col)):
            layout.indicator_rows.append(r)
            layout.dimension_of[r] = dimension
            continue
        if cells is None:
            cells, _ = _row_texts(row, seen)
        texts = [t for t in cells.values() if marker and marker in t]
        if texts and len(cells) <= 2:
            dimension = texts[0]
            layout.sections[dimension] = r
        else:
            layout.loose_rows.append(r)
    # Rows that follow the totals and depend on another total's row.
    for key, spec in template.totals.items():
        if "row_of" in spec and spec["row_of"] in layout.totals and spec.get("column") in layout.columns:
            layout.totals[key] = (layout.totals[spec["row_of"]][0], layout.columns[spec["column"]])


def _row_texts(row: dict[int, object], seen: dict) -> tuple[dict[int, str], dict[int, str]]:
    """A row's non-empty cells as text (:func:`norm`) and squashed, by column."""
    cells, squashed = {}, {}
    for c, v in row.items():
        if type(v) is str:
            known = seen.get(v)
            if known is None:
                t = norm(v)
                known = seen[v] = (t, squash(t))
            t, sq = known
        else:
            t = _number_text(v)
            sq = t
        if t:
            cells[c], squashed[c] = t, sq
    return cells, squashed


def _number_text(v) -> str:
    """:func:`norm` of a value that is not text (a number's digits hold no spaces)."""
    if type(v) is int:
        return str(v)
    if type(v) is float:
        return str(int(v)) if v.is_integer() else str(v)
    return norm(v)


def find_tables(grids: dict[str, Grid], template: Template, code_key=norm,
                skip: tuple[str, ...] = ()) -> list[Layout]:
    """Every sheet that holds this template's table, in workbook order."""
    out = []
    for name, grid in grids.items():
        if name in skip:
            continue
        layout = discover(grid, template, code_key)
        if layout is not None:
            out.append(layout)
    return out
