"""Properties of the scoring core over generated thresholds and results."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.core.scoring import compute, score
from sheets_sync.kinds.template import ScoringOptions

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
thresholds = st.lists(st.floats(min_value=-1e5, max_value=1e5, allow_nan=False, allow_infinity=False),
                      min_size=5, max_size=5, unique=True).map(sorted)
options = st.builds(ScoringOptions, method=st.sampled_from(["step", "interpolation"]),
                    below_level_1=st.sampled_from([0.0, 1.0]))


def one(c, result, weight=10.0):
    return pd.DataFrame([{"weight": weight, "target": c[-1], "c1": c[0], "c2": c[1], "c3": c[2],
                          "c4": c[3], "c5": c[4], "result": result}])


@settings(max_examples=300, deadline=None)
@given(thresholds, finite, options, st.booleans())
def test_score_is_within_zero_and_five(c, result, opts, desc):
    c = c[::-1] if desc else c
    s = score(one(c, result), opts).iloc[0]
    assert 0.0 <= s <= 5.0


@settings(max_examples=300, deadline=None)
@given(thresholds, finite, finite, options)
def test_score_is_monotone_in_the_result(c, a, b, opts):
    lo, hi = sorted((a, b))
    up = score(pd.concat([one(c, lo), one(c, hi)], ignore_index=True), opts)
    assert up.iloc[0] <= up.iloc[1]
    down = score(pd.concat([one(c[::-1], lo), one(c[::-1], hi)], ignore_index=True), opts)
    assert down.iloc[0] >= down.iloc[1]


@settings(max_examples=200, deadline=None)
@given(thresholds, finite, options, st.floats(min_value=0, max_value=100))
def test_percentage_is_score_over_five_times_hundred(c, result, opts, weight):
    rows, _ = compute(one(c, result, weight), opts)
    s = rows["score"].iloc[0]
    assert np.isclose(rows["percentage"].iloc[0], s / 5 * 100)
    assert np.isclose(rows["weighted_score"].iloc[0], weight * s / 100)


# -- rows grown for wrapped text (kinds/sheet_plan.rows_to_grow) ------------------------
_TEXT = st.text(alphabet="กขคงจฉชซญฎรลวศสหอฮะาำเแโใไ่้๊๋ัิีึืุู็์ํ abcXYZ0189.:-\n", max_size=60)


def _grow_reference(grid, rows, font_size, computed):
    """Every text cell measured, the tallest per row; a row grows when it is lower than that."""
    from sheets_sync.kinds.sheet_plan import LINE_POINTS, lines_for, row_height
    merged = {(r, c) for r1, c1, r2, c2 in grid.merges if (r1, c1) != (r2, c2)
              for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    lines = {}
    for (r, c), v in grid.values.items():
        if isinstance(v, str) and r in rows and c not in grid.hidden_columns and (r, c) not in computed \
                and (r, c) not in merged:
            lines[r] = max(lines.get(r, 1), lines_for(v, grid.widths.get(c, 8.43), font_size))
    return {r: row_height(n, font_size) for r, n in lines.items()
            if grid.heights.get(r, LINE_POINTS) < row_height(n, font_size) - 1}


@settings(max_examples=300, deadline=None)
@given(cells=st.dictionaries(st.tuples(st.integers(1, 6), st.integers(1, 4)), st.one_of(_TEXT, st.integers(0, 99)),
                             max_size=20),
       widths=st.dictionaries(st.integers(1, 4), st.sampled_from([1.0, 3.0, 8.43, 10.0, 13.5, 40.0]), max_size=4),
       heights=st.dictionaries(st.integers(1, 6), st.sampled_from([15.0, 24.0, 30.0, 53.0, 54.0, 55.0, 78.0, 300.0]),
                               max_size=6),
       hidden=st.sets(st.integers(1, 4), max_size=1), font_size=st.sampled_from([14, 16, 18]),
       computed=st.sets(st.tuples(st.integers(1, 6), st.integers(1, 4)), max_size=3),
       merge=st.booleans())
def test_rows_grow_as_every_text_measured_says(cells, widths, heights, hidden, font_size, computed, merge):
    """The shortcuts (short texts, texts whose bound fits the row) change no row's height."""
    from sheets_sync.core.grid import Grid
    from sheets_sync.kinds.sheet_plan import rows_to_grow
    grid = Grid("s", values=dict(sorted(cells.items())), widths=widths, heights=heights, hidden_columns=hidden,
                merges=[(2, 1, 2, 3)] if merge else [])
    rows = [1, 2, 3, 5, 6]
    assert rows_to_grow(grid, rows, font_size, computed) == _grow_reference(grid, set(rows), font_size, computed)


def test_rows_grow_only_where_the_read_tells_row_heights():
    """Excel's posted values and Google's read carry no row heights: nothing measured, nothing
    grown; a sheet with heights (an .xlsx) grows as rows_to_grow says."""
    from sheets_sync.core.grid import Grid
    from sheets_sync.kinds.sheet_plan import grown_rows, rows_to_grow
    long = "ผลการดำเนินงานตามแผนปฏิบัติราชการที่ยาวมากจนต้องขึ้นบรรทัดใหม่หลายบรรทัด " * 4
    bare = Grid("s", values={(5, 2): long, (6, 2): "สั้น"}, widths={2: 10.0})
    assert rows_to_grow(bare, [5, 6]), "the text is long enough to need a taller row"
    assert grown_rows(bare, [5, 6]) == {}
    told = Grid("s", values=bare.values, widths=bare.widths, heights={6: 24.0})
    assert grown_rows(told, [5, 6]) == rows_to_grow(told, [5, 6]) != {}


def test_a_number_never_makes_its_row_taller():
    """Numbers do not wrap: a summary's unrounded mean (2.666666666666667, shown 2.667) in a
    narrow column leaves the row as tall as its text needs."""
    from sheets_sync.kinds.sheet_plan import SheetPlan, lines_for, row_height
    sheet = SheetPlan("s")
    text = "ร้อยละของข้าราชการที่เข้าร่วมการฝึกอบรม"
    sheet.widths = {1: 30.0, 2: 10.5}
    sheet.put((3, 1), text, "text")
    sheet.put((3, 2), 8 / 3, "text", "0.000")
    sheet.fit_rows(16)
    assert lines_for(8 / 3, 10.5, 16) > lines_for(text, 30.0, 16)       # as its digits it would be taller
    assert sheet.heights[3] == row_height(lines_for(text, 30.0, 16), 16)


# near neighbours, so that a cell and its desired value often differ by a little
_CELL_VALUE = st.sampled_from([None, "", True, False, 0, 5, -3, 0.0, -0.0, 1e-10, 5.0, 5.0000000001, 5.001, 4.999,
                               -3.0, 0.333, "บรรลุ", "5", "x"])


@settings(max_examples=400, deadline=None)
@given(have=st.dictionaries(st.tuples(st.integers(1, 4), st.integers(1, 3)), _CELL_VALUE, max_size=12),
       want=st.dictionaries(st.tuples(st.integers(1, 4), st.integers(1, 3)), _CELL_VALUE, max_size=12),
       formulas=st.sets(st.tuples(st.integers(1, 4), st.integers(1, 3)), max_size=2))
def test_differing_is_every_cell_same_value_tells_apart(have, want, formulas):
    """core/grid.differing's shortcuts (the same float, an int read back for a whole float,
    the same text) decide as same_value does, in desired's order."""
    from sheets_sync.core.grid import Grid, differing, same_value
    grid = Grid("s", values={k: v for k, v in have.items() if v is not None and v != ""},
                formulas={c: "=1" for c in formulas})
    expect = {c: w for c, w in want.items() if c in grid.formulas or not same_value(grid.get(*c), w)}
    got = differing(grid, want)
    assert got == expect and list(got) == list(expect)
