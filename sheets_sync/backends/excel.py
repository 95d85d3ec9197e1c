"""The Book interface over an ``xw.Book``: desktop Excel (COM/AppleScript) or the
remote engine (``xw.Book(json=...)``), the same code either way."""
from __future__ import annotations

from ..core.grid import Cell, Grid


def blocks(cells: dict[Cell, object]) -> list[tuple[int, int, list[list]]]:
    """Cover the cells with as few filled rectangles as rows allow: runs of consecutive
    rows with the same contiguous column span become one block."""
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), v in cells.items():
        by_row.setdefault(r, {})[c] = v
    spans: list[tuple[int, int, int, dict]] = []  # row, c0, c1, values
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        start = prev = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            spans.append((r, start, prev, {k: by_row[r][k] for k in range(start, prev + 1)}))
            if c is not None:
                start = prev = c
    out: list[tuple[int, int, list[list]]] = []
    open_: dict[tuple[int, int], tuple[int, int, list[list]]] = {}
    for r, c0, c1, vals in spans:
        key = (c0, c1)
        row_vals = [vals[c] for c in range(c0, c1 + 1)]
        if key in open_ and open_[key][0] + len(open_[key][2]) == r:
            open_[key][2].append(row_vals)
        else:
            if key in open_:
                out.append(open_[key][:1] + (c0,) + (open_[key][2],))
            open_[key] = (r, c0, [row_vals])
    for (c0, _), (r, _, rows) in open_.items():
        out.append((r, c0, rows))
    return sorted(out)


class ExcelBook:
    keeps_notes = False  # the remote engine adds notes only from an Office.js client

    def __init__(self, book):
        self.book = book
        self.name = book.name
        self.writes = 0
        self._grids: dict[str, Grid] | None = None

    def grids(self) -> dict[str, Grid]:
        if self._grids is not None:
            return self._grids
        out = {}
        for sheet in self.book.sheets:
            rng = sheet.used_range  # one read per sheet
            values = rng.options(ndim=2).value or [[]]
            out[sheet.name] = Grid.from_rows(sheet.name, values, first_row=rng.row, first_col=rng.column)
        self._grids = out
        return out

    def notes(self) -> dict[str, dict[Cell, str]]:
        return {}  # traces are shown by `explain` and the alert; Excel notes need Office.js

    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = ()) -> None:
        for op in ops:  # ("insert"|"delete", sheet, row, n, style_row), in order
            kind, sheet, row, n = op[:4]
            ws = self.book.sheets[sheet]
            width = max(1, self.grids()[sheet].max_col)
            rng = ws.range((row, 1), (row + n - 1, width))
            if kind == "insert":
                rng.insert("down")
            elif kind == "delete":
                rng.delete("up")
            self.writes += 1
        for sheet, updates in cells.items():
            ws = self.book.sheets[sheet]
            for r, c, rows in blocks(updates):
                rows = [["" if v is None else v for v in row] for row in rows]
                ws.range((r, c), (r + len(rows) - 1, c + len(rows[0]) - 1)).value = rows
                self.writes += 1
