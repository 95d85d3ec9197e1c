"""A backend-neutral view of one sheet: cell values and formulas by (row, col), 1-based.

Backends (xlsx, Google, Excel) fill a Grid; everything above them works on Grids only.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field


Cell = tuple[int, int]


@lru_cache(maxsize=16384)
def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (without importing openpyxl: the CLI starts faster)."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=1 << 18)      # a sheet's refs are parsed on read and again on write
def parse_a1(ref: str) -> Cell:
    m = _A1.match(ref)
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


@dataclass
class Grid:
    name: str
    values: dict[Cell, object] = field(default_factory=dict)
    formulas: dict[Cell, str] = field(default_factory=dict)
    dates: set[Cell] = field(default_factory=set)          # cells shown as dates (a date format)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2
    heights: dict[int, float] = field(default_factory=dict)    # row -> points, where the sheet sets one
    widths: dict[int, float] = field(default_factory=dict)     # column -> width (Excel's units), where set
    hidden_columns: set[int] = field(default_factory=set)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.values), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.values), default=0)

    def get(self, row: int, col: int):
        return self.values.get((row, col))

    def row(self, r: int) -> dict[int, object]:
        return {c: v for (rr, c), v in self.values.items() if rr == r}

    def head_rows(self, n: int) -> dict[int, dict[int, object]]:
        """The cells of rows 1..n, by row."""
        return _rows_upto(self.values, n)

    @classmethod
    def from_rows(cls, name: str, rows: list[list], formulas: dict[Cell, str] | None = None,
                  first_row: int = 1, first_col: int = 1) -> "Grid":
        """From a list of rows (Sheets API ``values`` or a used range starting at
        ``first_row``/``first_col``), empty strings dropped."""
        vals = {(r + first_row, c + first_col): v for r, row in enumerate(rows) for c, v in enumerate(row)
                if v is not None and v != ""}
        return cls(name, vals, dict(formulas or {}))


def same_value(current, desired) -> bool:
    """Equal as a person would see it: numbers within rounding noise, text exactly."""
    if current in (None, "") and desired in (None, ""):
        return True
    if isinstance(current, bool) or isinstance(desired, bool):
        return current == desired
    if isinstance(current, (int, float)) and isinstance(desired, (int, float)):
        return abs(float(current) - float(desired)) < 1e-9
    return current == desired


def differing(grid: "Grid", desired: dict[Cell, object]) -> dict[Cell, object]:
    """The ``desired`` cells the grid does not hold (:func:`same_value`) or holds as a
    formula, in ``desired``'s order. The usual cell (the same float or text as before) is
    decided without a call: a recalc compares every computed cell of the sheet."""
    formulas, get = grid.formulas, grid.values.get
    out = {}
    for cell, want in desired.items():
        have = get(cell)
        t, th = type(want), type(have)
        # a whole number reads back as an int (5 for the 5.0 written): compared as a float is
        if (t is float and (th is float or th is int) and -1e-9 < have - want < 1e-9) or (t is str and th is str
                                                                                         and have == want):
            if cell in formulas:
                out[cell] = want
        elif cell in formulas or not same_value(have, want):
            out[cell] = want
    return out


def plain(v):
    """numpy/pandas scalars as a cell holds them (NaN/NA -> empty)."""
    if v is None:
        return None
    if isinstance(v, (str, bool, int)):
        return v
    try:
        if v != v:  # NaN, pd.NA raises TypeError on bool()
            return None
    except TypeError:
        return None
    return v.item() if hasattr(v, "item") else v


class LazyGrid(Grid):
    """A Grid whose cells are read when first looked at. A recalc only glances at most
    tabs: their header rows (is there a table here?) and, for the history tab, its last
    row; ``head(n)`` and ``last_row()``, when the backend can tell those without reading
    the whole tab, answer them (None from either: read it all). Everything else reads the
    whole tab once, through ``load``."""

    def __init__(self, name: str, load, head=None, last_row=None):
        self.name = name
        self._load, self._head, self._last_row = load, head, last_row

    def loaded(self) -> Grid:
        """The whole tab, read once; from then on this object is that plain Grid (no
        lookup through a property for each of its cells)."""
        if type(self) is LazyGrid:
            grid = self._load()
            state = dict(grid.__dict__)
            self.__dict__.clear()
            self.__dict__.update(state)
            self.__class__ = Grid
        return self

    @property
    def max_row(self) -> int:
        if self._last_row is not None:
            last = self._last_row()
            if last is not None:
                return last
        return self.loaded().max_row

    def head_rows(self, n: int) -> dict[int, dict[int, object]]:
        head = self._head(n) if self._head is not None else None
        return _rows_upto(head.values if head is not None else self.loaded().values, n)


def _rows_upto(values: dict, n: int) -> dict[int, dict[int, object]]:
    out: dict[int, dict[int, object]] = {}
    for (r, c), v in values.items():
        if r <= n:
            out.setdefault(r, {})[c] = v
    return out


def _through(field_name: str):
    # only reached before the tab is read (after, the object is a plain Grid)
    return property(lambda self: getattr(self.loaded(), field_name),
                    lambda self, v: setattr(self.loaded(), field_name, v))


for _f in ("values", "formulas", "dates", "merges", "heights", "widths", "hidden_columns"):
    setattr(LazyGrid, _f, _through(_f))
