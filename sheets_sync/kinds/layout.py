"""Finding a kind's table inside whatever a person left in a sheet.

Columns are found by header label (so inserted or reordered columns break
nothing), item rows by their code, section rows by the template's section marker,
totals rows by their label. Anything else is tolerated and left alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.grid import Grid, a1
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


_SPECS: dict[tuple, tuple[tuple[_HeaderField, ...], frozenset, dict]] = {}
# A header text -> the fields whose label it reads as, kept per template across sheets (a
# ministry's units share their header labels); emptied past this many texts.
_MATCHES_KEPT = 4096


def _header_spec(template: Template) -> tuple[tuple[_HeaderField, ...], frozenset, dict]:
    """The template's header labels squashed once (a sheet has thousands of cells to match
    and a ministry hundreds of units to read), its groups' labels, and the texts matched so far."""
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
        spec = _SPECS[key] = (fields, groups, {})
    return spec


def _fields_named(t: str, fields: tuple[_HeaderField, ...], matches: dict) -> tuple[_HeaderField, ...]:
    """The fields a squashed header text reads as, in template order."""
    out = matches.get(t)
    if out is None:
        if len(matches) >= _MATCHES_KEPT:
            matches.clear()
        out = matches[t] = tuple(f for f in fields
                                 if t in f.labels or (f.prefix and any(t.startswith(lab) for lab in f.labels)))
    return out


def header_texts(rows: dict[int, dict[int, object]], upto: int) -> dict[int, dict[int, tuple[str, str]]]:
    """The non-empty cells of the rows up to ``upto`` as (text, squashed text), by row and
    column: normalised once, though each row is matched as a leaf and as the group above."""
    out = {}
    for r, row in rows.items():
        if r <= upto:
            cells = {}
            for c, v in row.items():
                t = norm(v)
                if t:
                    cells[c] = (t, squash(t))
            out[r] = cells
    return out


def match_header(r: int, template: Template, texts: dict[int, dict[int, tuple[str, str]]]) -> dict[str, list[int]]:
    """The fields row ``r`` names, by their columns, with row ``r - 1`` read as their groups
    (``texts``: :func:`header_texts`)."""
    leaf, group = texts.get(r, {}), texts.get(r - 1, {})
    found: dict[str, list[int]] = {}
    fields, groups, matches = _header_spec(template)
    carried = ""  # a merged group label sits in its first column only: carry it right
    for c in sorted(leaf.keys() | group.keys()):
        own, above = leaf.get(c), group.get(c)
        if above and above[1]:
            carried = above[1] if above[1] in groups else ""
        t = (own or above)[1]
        for f in _fields_named(t, fields, matches):
            # Ambiguous grouped labels (criteria 1..5, month names under two groups) are
            # trusted in the leaf row only, under their own group when the sheet names one.
            if f.ambiguous and (not own or (carried and carried != f.group)):
                continue
            found.setdefault(f.key, []).append(c)
            break
    return found


def discover(grid: Grid, template: Template, code_key=norm) -> Layout | None:
    """The sheet's layout, or None when the sheet holds no table of this template."""
    # a tab read lazily reads its header rows only; the rest when a table is there
    head = grid.head_rows(HEADER_SCAN_ROWS)
    required = template.required
    best, best_n, best_r = None, 0, 0
    texts = header_texts(head, HEADER_SCAN_ROWS)
    for r in sorted(texts):
        found = match_header(r, template, texts)
        if len(found) > best_n:
            best, best_n, best_r = found, len(found), r
    if best is None or sum(k in best for k in required) < min(MIN_REQUIRED_MATCH, len(required)):
        return None
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
        _find_rows(grid.values, template, layout, code_key)
    return layout


def _find_rows(values: dict, template: Template, layout: Layout, code_key) -> None:
    """Item, section, totals and loose rows below the header. One pass over the cells
    finds the rows holding anything and the cells that read as a totals label; only the
    few rows that are neither items nor totals have their texts worked out."""
    totals_by_label = {squash(norm(spec["label"])): key for key, spec in template.totals.items()
                       if "label" in spec}
    code_col, header = layout.columns["code"], layout.header_row
    marker = template.section_marker
    seen: dict[str, tuple[str, str]] = {}    # a text -> (norm, squashed): labels repeat down a sheet
    # a number's text can be a totals label only when a label holds a digit (or reads nan/inf)
    numeric_labels = any(any(ch.isdigit() for ch in lab) or "nan" in lab or "inf" in lab for lab in totals_by_label)
    filled: set[int] = set()                 # rows with a cell that is not empty text
    labels: dict[int, list] = {}             # row -> (column, totals key), in the row's order
    others: dict[int, dict[int, object]] = {}    # the cells of rows without a code
    last, coded = 0, True
    label_of = totals_by_label.get
    for (r, c), v in values.items():
        if r <= header:
            continue
        if r != last:
            last = r
            coded = bool(code_key(values.get((r, code_col))))
            if coded:
                filled.add(r)       # its code is a cell that is not empty
        t = type(v)
        if coded and not numeric_labels:
            # an item row: only whether a cell reads as a totals label. Labels hold no
            # digit, so squash(norm(text)) is the text without its spaces (Thai digits
            # turned to 0-9 could not make a label): no norm per indicator name
            if t is str:
                key = label_of("".join(v.split()))
            elif t is int or t is float:
                continue
            else:
                key = label_of(_number_text(v))
            if key is not None:
                labels.setdefault(r, []).append((c, key))
            continue
        if not coded:
            others.setdefault(r, {})[c] = v
        if t is str:
            known = seen.get(v) or _seen_text(v, seen)
            if not known[0]:
                continue
            key = label_of(known[1])
        elif t is int or t is float:
            key = label_of(_number_text(v)) if numeric_labels else None
        else:
            text = _number_text(v)
            if not text:
                continue
            key = label_of(text)
        filled.add(r)
        if key is not None:
            labels.setdefault(r, []).append((c, key))
    dimension = ""
    for r in sorted(filled):
        total_keys = labels.get(r)
        if total_keys:
            for label_col, key in total_keys:
                col = layout.columns.get(template.totals[key]["column"])
                if col is not None:
                    layout.totals[key] = (r, col if col != label_col else label_col + 1)
            continue
        if r not in others:
            layout.indicator_rows.append(r)
            layout.dimension_of[r] = dimension
            continue
        cells, _ = _row_texts(others[r], seen)
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
            t, sq = seen.get(v) or _seen_text(v, seen)
        else:
            t = _number_text(v)
            sq = t
        if t:
            cells[c], squashed[c] = t, sq
    return cells, squashed


def _seen_text(v: str, seen: dict) -> tuple[str, str]:
    """A text's :func:`norm` and squashed form, worked out once per text per discovery
    (texts repeat down a sheet)."""
    t = norm(v)
    known = seen[v] = (t, squash(t))
    return known


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
