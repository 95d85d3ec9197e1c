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
