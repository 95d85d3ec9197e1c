"""Finding a scorecard inside whatever a person left in a sheet.

Columns are found by header label (so inserted or reordered columns break
nothing), indicator rows by their code, section rows by the dimension marker,
totals rows by their label. Anything else is tolerated and left alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.grid import Grid, a1
from ..core.problems import Problem, problem
from .template import Template

_WS = re.compile(r"\s+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
HEADER_SCAN_ROWS = 40
# Needed to score and write; everything else is optional.
REQUIRED = ("code", "weight", "c1", "c2", "c3", "c4", "c5", "result", "score", "percentage", "weighted_score")


def norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _WS.sub(" ", str(value).translate(_THAI_DIGITS)).strip()


def _squash(text: str) -> str:
    return text.replace(" ", "")


@dataclass
class Layout:
    sheet: str
    header_row: int
    columns: dict[str, int]
    indicator_rows: list[int] = field(default_factory=list)
    dimension_of: dict[int, str] = field(default_factory=dict)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, row: int, key: str) -> str:
        return a1(row, self.columns[key])


def _matches(field_labels, prefix: bool, text: str) -> bool:
    t = _squash(text)
    for lab in field_labels:
        lab = _squash(norm(lab))
        if t == lab or (prefix and t.startswith(lab)):
            return True
    return False


def _match_header(grid: Grid, r: int, template: Template) -> tuple[dict[str, list[int]], int]:
    leaf, group = grid.row(r), grid.row(r - 1) if r > 1 else {}
    found: dict[str, list[int]] = {}
    groups = {_squash(norm(f.group)) for f in template.fields if f.group}
    labels = [_squash(norm(f.label)) for f in template.fields]
    ambiguous = {lab for lab in labels if labels.count(lab) > 1 or lab.isdigit()}
    carried = ""  # a merged group label sits in its first column only: carry it right
    for c in range(1, max([*leaf, *group, 0]) + 1):
        own = norm(leaf.get(c))
        above = _squash(norm(group.get(c)))
        if above:
            carried = above if above in groups else ""
        text = own or norm(group.get(c))
        if not text:
            continue
        for f in template.fields:
            # Ambiguous grouped labels (criteria 1..5, month names under two groups) are
            # trusted in the leaf row only, under their own group when the sheet names one.
            if f.group and _squash(norm(f.label)) in ambiguous:
                if not own or (carried and carried != _squash(norm(f.group))):
                    continue
            if _matches(f.labels, f.prefix, text):
                found.setdefault(f.key, []).append(c)
                break
    return found, len(found)


def discover(grid: Grid, template: Template) -> Layout | None:
    """Return the sheet's layout, or None when the sheet holds no scorecard at all."""
    best, best_n, best_r = None, 0, 0
    for r in range(1, min(grid.max_row, HEADER_SCAN_ROWS) + 1):
        found, n = _match_header(grid, r, template)
        if n > best_n:
            best, best_n, best_r = found, n, r
    # A real header names most of the required columns; fewer is some other sheet.
    if best is None or sum(k in best for k in REQUIRED) < 6:
        return None
    layout = Layout(grid.name, best_r, {k: cols[0] for k, cols in best.items()})
    for key, cols in best.items():
        if len(cols) > 1:
            layout.problems.append(problem("duplicate_column", grid.name, a1(best_r, cols[1]),
                                           label=template.field(key).label,
                                           first=a1(best_r, cols[0]), second=a1(best_r, cols[1])))
    missing = [k for k in REQUIRED if k not in layout.columns]
    for k in missing:
        layout.problems.append(problem("missing_column", grid.name, f"{best_r}:{best_r}",
                                       label=template.field(k).label))
    if missing:
        return layout
    _find_rows(grid, template, layout)
    return layout


def _find_rows(grid: Grid, template: Template, layout: Layout) -> None:
    totals_by_label = {_squash(norm(spec["label"])): key for key, spec in template.totals.items()
                       if "label" in spec}
    code_col, result_col = layout.columns["code"], layout.columns["result"]
    dimension = ""
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), v in grid.values.items():
        if r > layout.header_row:
            by_row.setdefault(r, {})[c] = v
    for r in sorted(by_row):
        cells = {c: norm(v) for c, v in by_row[r].items() if norm(v)}
        if not cells:
            continue
        total_keys = [(c, totals_by_label[_squash(t)]) for c, t in cells.items() if _squash(t) in totals_by_label]
        if total_keys:
            for label_col, key in total_keys:
                col = layout.columns.get(template.totals[key]["column"])
                if col is None:
                    continue
                layout.totals[key] = (r, col if col != label_col else label_col + 1)
            continue
        code = cells.get(code_col, "")
        if code:
            layout.indicator_rows.append(r)
            layout.dimension_of[r] = dimension
            continue
        marker = [t for t in cells.values() if template.section_marker in t]
        if marker and len(cells) <= 2:
            dimension = marker[0]
        elif result_col in cells:
            layout.problems.append(problem("result_without_code", grid.name, a1(r, result_col),
                                           value=by_row[r][result_col]))
    # Rows that follow the totals and depend on another total's row.
    for key, spec in template.totals.items():
        if "row_of" in spec and spec["row_of"] in layout.totals and spec.get("column") in layout.columns:
            layout.totals[key] = (layout.totals[spec["row_of"]][0], layout.columns[spec["column"]])
