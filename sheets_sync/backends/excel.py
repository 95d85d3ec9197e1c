"""The Book interface over an ``xw.Book``: desktop Excel (COM/AppleScript) or the
remote engine (``xw.Book(json=...)``), the same code either way."""
from __future__ import annotations

from ..core.grid import Cell, Grid


def blocks(cells: dict[Cell, object]) -> list[tuple[int, int, list[list]]]:
    """Cover the cells with as few filled rectangles as rows allow: runs of consecutive
    rows with the same contiguous column span become one block."""
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), v in cells.items():
        row = by_row.get(r)
        if row is None:
            by_row[r] = row = {}
        row[c] = v
    out: list[tuple[int, int, list[list]]] = []
    open_: dict[tuple[int, int], tuple[int, int, list[list]]] = {}  # (c0, c1) -> block
    for r in sorted(by_row):
        row = by_row[r]
        cols = sorted(row)
        i, n = 0, len(cols)
        while i < n:
            j = i
            while j + 1 < n and cols[j + 1] == cols[j] + 1:
                j += 1
            key = (cols[i], cols[j])
            values = [row[c] for c in cols[i:j + 1]]
            block = open_.get(key)
            if block is not None and block[0] + len(block[2]) == r:
                block[2].append(values)
            else:
                if block is not None:
                    out.append(block)
                open_[key] = (r, cols[i], [values])
            i = j + 1
    out.extend(open_.values())
    return sorted(out, key=lambda b: (b[0], b[1]))


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
            remote = hasattr(ws.impl, "append_json_action")
            for r, c, rows in blocks(updates):
                rows = [["" if v is None else v for v in row] for row in rows]
                if remote:
                    _remote_set_values(ws, r, c, rows)
                else:
                    ws.range((r, c), (r + len(rows) - 1, c + len(rows[0]) - 1)).value = rows
                self.writes += 1


def _clean(v):
    """What xlwings' write pipeline makes of a value (``prepare_xl_data_element``), with
    the plain str/int/float cells that recalc writes answered without it."""
    t = type(v)
    if t is str or t is int or t is bool or (t is float and v == v):
        return v
    return _ENGINE.prepare_xl_data_element(v, {})


def _remote_set_values(ws, r: int, c: int, rows: list[list]) -> None:
    """The ``setValues`` actions ``range.value = rows`` appends on the remote engine, built
    without its conversion pipeline, which copies the whole sheet's values into tuples
    several times per range written (seconds at 10,000 rows). Same cleaning, same chunks."""
    global _ENGINE
    if _ENGINE is None:
        from xlwings.pro._xlremote import Engine
        _ENGINE = Engine
    from xlwings.base_classes import DEFAULT_MAX_CELLS_PER_WRITE
    rows = [[_clean(v) for v in row] for row in rows]
    width = len(rows[0])
    step = len(rows) if len(rows) * width <= DEFAULT_MAX_CELLS_PER_WRITE else max(1, DEFAULT_MAX_CELLS_PER_WRITE // width)
    for i in range(0, len(rows), step):
        part = rows[i:i + step]
        ws.range((r + i, c), (r + i + len(part) - 1, c + width - 1)).raw_value = part


_ENGINE = None
