"""ExcelBook on xlwings' remote engine reads and writes without xlwings' conversion
pipelines (they cost more than the scoring at 10,000 rows): what it reads and the actions
it appends must be exactly what those pipelines give, value cleaning included."""
import copy
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xl_addin  # noqa: F401 - first: it sets the licence key before xlwings loads
import xlwings as xw  # noqa: E402

from sheets_sync.backends.excel import ExcelBook, blocks  # noqa: E402
from sheets_sync.core.grid import Grid  # noqa: E402

# Every kind of value a client posts, and texts that look like what xlwings cleans.
ODD = [None, "", 0, -1.5, 3, 10**17, True, False, float("nan"), "ข้อความ", " ", "N/A",
       "2024-03-31T00:00:00.000Z", "2024-03-31T08:15:30.250Z", "2024-03-31T08:15:30.5Z",
       "2024-13-31T00:00:00.000Z", "2024-03-31", "#N/A", "#DIV/0!", "#VALUE!", "#REF!",
       "#NAME?", "#NULL!", "#NUM!", "#DATA!", "#REF", "#ข้อ", "-", "-5", "1e3", "12 ตัว", "๑๒", "0"]


# texts xlwings' reader fails on (its date parse cuts a last character that is not "Z")
FAILING = ["2024-03-31T08:15:30", "-2024-03-31T08:15:30Z"]


def book_of(rows, address=...):
    sheet = {"name": "ตัวชี้วัด", "values": rows, "pictures": [], "tables": []}
    if address is not ...:
        sheet["used_range_address"] = address
    return xw.Book(json={"client": "VBA", "version": xw.__version__, "names": [],
                         "book": {"name": "u.xlsx", "active_sheet_index": 0, "selection": "A1"},
                         "sheets": [sheet, {"name": "ว่าง", "values": [[]], "pictures": [], "tables": []}]})


def xlwings_grids(book) -> dict[str, Grid]:
    """The grids as xlwings' own reader gives them (the path desktop Excel takes). Its range
    cache is emptied first: keyed on the sheet's values, it answers a sheet holding 0.0 with
    the 0 of an earlier, equal-comparing one (ExcelBook reads this payload's own values)."""
    from xlwings.pro._xlremote import get_range_api
    get_range_api.cache_clear()
    out = {}
    for sheet in book.sheets:
        rng = sheet.used_range
        out[sheet.name] = Grid.from_rows(sheet.name, rng.options(ndim=2).value or [[]],
                                         first_row=rng.row, first_col=rng.column)
    return out


def typed(grids: dict[str, Grid]) -> dict:
    """Cells with their types (1 == 1.0 == True for a dict) and NaN comparable."""
    return {name: {cell: (type(v).__name__, repr(v)) for cell, v in g.values.items()} for name, g in grids.items()}


def odd_rows(width: int = 7, height: int = 9) -> list[list]:
    return [[ODD[(r * width + c) % len(ODD)] for c in range(width)] for r in range(height)]


@pytest.mark.parametrize("address", [..., None, "", "A1:G9", "B2:D4", "C3", "E8:J12", "$B$2:$F$30", "A1"])
def test_remote_read_gives_the_cells_xlwings_own_reader_gives(address):
    book = book_of(odd_rows(), address)
    want = typed(xlwings_grids(book))
    assert typed(ExcelBook(book).grids()) == want
    assert any(t == "datetime" for t, _ in want["ตัวชี้วัด"].values()) or address not in (..., "A1:G9")


@pytest.mark.parametrize("rows", [[], [[]], [[None]], [[1, 2], [3]], [[1], [2, 3, 4]], [[], ["x", "", 5]],
                                  [["#N/A"]], [[""] * 3, [None, "2024-01-02T00:00:00.000Z"]]])
def test_remote_read_of_ragged_and_empty_sheets(rows):
    book = book_of(copy.deepcopy(rows))
    assert typed(ExcelBook(book).grids()) == typed(xlwings_grids(book))


@pytest.mark.parametrize("text", FAILING)
def test_remote_read_fails_where_xlwings_own_reader_fails(text):
    rows = [["a", 1], [None, text]]
    with pytest.raises(ValueError) as theirs:
        xlwings_grids(book_of(copy.deepcopy(rows)))
    with pytest.raises(ValueError) as ours:
        ExcelBook(book_of(rows)).grids()
    assert str(ours.value) == str(theirs.value)


@given(st.lists(st.lists(st.sampled_from(ODD) | st.integers() | st.floats() | st.text(max_size=4),
                         max_size=6), max_size=6))
@settings(max_examples=150, deadline=None)
def test_remote_read_property(rows):
    book = book_of(rows)
    assert typed(ExcelBook(book).grids()) == typed(xlwings_grids(book))


def reference_blocks(cells):
    """Rectangles by definition: per row its runs of consecutive columns; a run continues
    the block of the row above with the same first and last column."""
    out, open_ = [], {}
    for r in sorted({r for r, _ in cells}):
        cols = sorted(c for rr, c in cells if rr == r)
        runs, start = [], 0
        for i in range(1, len(cols) + 1):
            if i == len(cols) or cols[i] != cols[i - 1] + 1:
                runs.append(cols[start:i])
                start = i
        for run in runs:
            key = (run[0], run[-1])
            values = [cells[r, c] for c in run]
            block = open_.get(key)
            if block and block[0] + len(block[2]) == r:
                block[2].append(values)
            else:
                if block:
                    out.append(block)
                open_[key] = (r, run[0], [values])
    return sorted(out + list(open_.values()), key=lambda b: (b[0], b[1]))


@given(st.dictionaries(st.tuples(st.integers(1, 12), st.integers(1, 9)), st.integers() | st.none() | st.text(max_size=2)))
@settings(max_examples=300, deadline=None)
def test_blocks_are_the_rectangles_their_definition_gives(cells):
    assert blocks(cells) == reference_blocks(cells)
    assert blocks(cells, clean=repr) == [(r, c, [[repr(v) for v in row] for row in rows])
                                         for r, c, rows in reference_blocks(cells)]


def test_blocks_of_rows_sharing_columns_and_rows_that_do_not():
    cells = {(r, c): r * 10 + c for r in range(1, 6) for c in (2, 3, 5)}
    cells.update({(7, 2): "x", (8, 1): "y", (8, 2): "z", (8, 3): None})
    got = blocks(cells)
    assert got == [(1, 2, [[12, 13], [22, 23], [32, 33], [42, 43], [52, 53]]), (1, 5, [[15], [25], [35], [45], [55]]),
                   (7, 2, [["x"]]), (8, 1, [["y", "z", None]])]
    assert math.isnan(blocks({(1, 1): float("nan")})[0][2][0][0])


def test_remote_read_is_this_payloads_own_values_and_keeps_nothing():
    """xlwings' range cache keeps every sheet ever read (a server's memory grows with each
    workbook posted) and answers equal-comparing values from an earlier one; ours does neither."""
    from xlwings.pro._xlremote import get_range_api
    ExcelBook(book_of([[1, 0, "a"]])).grids()
    held = get_range_api.cache_info().currsize
    grid = ExcelBook(book_of([[True, 0.0, "a"]])).grids()["ตัวชี้วัด"]
    assert [(type(v), v) for v in grid.values.values()] == [(bool, True), (float, 0.0), (str, "a")]
    assert get_range_api.cache_info().currsize == held
