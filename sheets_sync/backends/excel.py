"""The Book interface over an ``xw.Book``: desktop Excel (COM/AppleScript) or the
remote engine (``xw.Book(json=...)``), the same code either way."""
from __future__ import annotations

from operator import itemgetter

from ..core.grid import Cell, Grid


def blocks(cells: dict[Cell, object], clean=None, as_is: frozenset = frozenset()) -> list[tuple[int, int, list[list]]]:
    """Cover the cells with as few filled rectangles as rows allow: runs of consecutive
    rows with the same contiguous column span become one block. ``clean``, if given, is
    applied on the way to every value whose type is not in ``as_is`` (no second pass)."""
    by_row: dict[int, dict[int, object]] = {}
    if clean is None:
        for (r, c), v in cells.items():
            try:
                by_row[r][c] = v
            except KeyError:
                by_row[r] = {c: v}
    else:
        for (r, c), v in cells.items():
            if type(v) not in as_is:
                v = clean(v)
            try:
                by_row[r][c] = v
            except KeyError:
                by_row[r] = {c: v}
    out: list[tuple[int, int, list[list]]] = []
    open_: dict[tuple[int, int], tuple[int, int, list[list]]] = {}  # (c0, c1) -> block
    spans_of: dict[tuple, list] = {}
    for r in sorted(by_row):
        row = by_row[r]
        keys = tuple(row)
        spans = spans_of.get(keys)
        if spans is None:   # rows mostly share their columns: split each column set once
            spans_of[keys] = spans = _spans(keys)
        for key, take in spans:
            values = list(row.values()) if take is None else take(row)
            block = open_.get(key)
            if block is not None and block[0] + len(block[2]) == r:
                block[2].append(values)
            else:
                if block is not None:
                    out.append(block)
                open_[key] = (r, key[0], [values])
    out.extend(open_.values())
    return sorted(out, key=lambda b: (b[0], b[1]))


def _spans(keys: tuple[int, ...]) -> list[tuple[tuple[int, int], object]]:
    """A row's columns (in the order its cells came) as runs of consecutive ones: (first,
    last) and what takes the run's values from the row (None: all of them, in order)."""
    cols = sorted(keys)
    out = []
    i, n = 0, len(cols)
    while i < n:
        j = i
        while j + 1 < n and cols[j + 1] == cols[j] + 1:
            j += 1
        run = tuple(cols[i:j + 1])
        out.append(((cols[i], cols[j]), None if run == keys else _taker(run)))
        i = j + 1
    return out


def _taker(cols: tuple[int, ...]):
    if len(cols) == 1:
        col = cols[0]
        return lambda row: [row[col]]
    get = itemgetter(*cols)
    return lambda row: list(get(row))


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
            cells = _remote_cells(sheet, rng)
            if cells is None:
                values = rng.options(ndim=2).value or [[]]
                out[sheet.name] = Grid.from_rows(sheet.name, values, first_row=rng.row, first_col=rng.column)
            else:
                out[sheet.name] = Grid(sheet.name, cells)
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
            if hasattr(ws.impl, "append_json_action"):
                for r, c, rows in blocks(updates, _clean, _WRITTEN_AS_IS):
                    _remote_set_values(ws, r, c, rows)
                    self.writes += 1
                continue
            for r, c, rows in blocks(updates):
                rows = [["" if v is None else v for v in row] for row in rows]
                ws.range((r, c), (r + len(rows) - 1, c + len(rows[0]) - 1)).value = rows
                self.writes += 1


# --- the remote engine, without xlwings' conversion pipelines ---------------------------
# xlwings reads a used range by turning the sheet's whole payload into tuples (and keeping
# them in an unbounded cache, one copy per workbook ever posted), then cleans every element
# with a function call; it writes each range by copying the values several times. At 10,000
# rows both cost more than the scoring. The values here are the ones those pipelines give.

_READ_AS_IS = frozenset({float, int, bool})
_WRITTEN_AS_IS = frozenset({str, int, bool})   # floats too, but for NaN: _clean sees them
_MAYBE_CLEANED = "-0123456789#"   # how every text xlwings changes begins: an ISO date or an error


def _remote_cells(sheet, rng) -> dict[Cell, object] | None:
    """The used range's non-empty cells straight from the values the client posted, each as
    xlwings' reader makes it (``_clean_value_data_element``: "" empty, ISO dates as datetimes,
    error texts empty); None where xlwings must read (desktop Excel, a lazy book)."""
    impl = sheet.impl
    if not hasattr(impl, "append_json_action") or getattr(impl.book, "_lazy", True):
        return None
    clean = _read_cleaner()
    r0, c0 = rng.row, rng.column
    nrows, ncols = rng.shape
    out: dict[Cell, object] = {}
    for r, row in enumerate(impl.api["values"][r0 - 1:r0 - 1 + nrows], r0):
        for c, v in enumerate(row[c0 - 1:c0 - 1 + ncols], c0):
            if v is not None:
                if type(v) in _READ_AS_IS or (type(v) is str and v and v[0] not in _MAYBE_CLEANED):
                    out[r, c] = v
                else:
                    v = clean(v)
                    if v is not None and v != "":
                        out[r, c] = v
    return out


def _read_cleaner():
    """xlwings' own cleaning of one value read, with the options ``.options(ndim=2).value``
    reads with (dates as datetimes, empty as None, numbers as they are, errors empty)."""
    from xlwings.conversion.standard import CleanDataFromReadStage
    from xlwings.pro._xlremote import _clean_value_data_element
    stage = CleanDataFromReadStage({"ndim": 2})
    args = (stage.dates_handler, stage.empty_as, stage.numbers_handler, stage.err_to_str)
    return lambda v: _clean_value_data_element(v, *args)


def _clean(v):
    """What xlwings' write pipeline makes of a value (``prepare_xl_data_element``: None and
    NaN empty, numpy numbers floats, dates ISO text), the plain str/int/float/bool cells
    recalc writes answered without it (``blocks`` does not even call it for the
    ``_WRITTEN_AS_IS`` ones)."""
    t = type(v)
    if t is str or t is float and v == v or t is int or t is bool:
        return v
    return _engine().prepare_xl_data_element(v, {})


def _remote_set_values(ws, r: int, c: int, rows: list[list]) -> None:
    """The ``setValues`` actions ``range.value = rows`` appends on the remote engine for
    values already cleaned (``_clean``): the same actions, in the same chunks."""
    from xlwings.base_classes import DEFAULT_MAX_CELLS_PER_WRITE
    width = len(rows[0])
    step = len(rows) if len(rows) * width <= DEFAULT_MAX_CELLS_PER_WRITE else max(1, DEFAULT_MAX_CELLS_PER_WRITE // width)
    for i in range(0, len(rows), step):
        part = rows[i:i + step]
        ws.range((r + i, c), (r + i + len(part) - 1, c + width - 1)).raw_value = part


def _engine():
    from xlwings.pro._xlremote import Engine
    return Engine
