"""The plain-Python path for small scorecards (kinds/scorecard_small.py) gives the same
SheetResult as the vectorised one, on seed 000, the OPDC and quarters templates and on
random sheets: whatever people type into the inputs, the same cells, problems, totals,
report rows, notes and names come out."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import sheets_sync
from sheets_sync.backends.xlsx_book import XlsxBook
from sheets_sync.kinds.layout import find_tables
from sheets_sync.kinds.meta import META_SHEET
from sheets_sync.kinds.scorecard import evaluate_sheet
from sheets_sync.kinds.scorecard_small import SMALL_ROWS
from sheets_sync.kinds.template import load_template
from sheets_sync.core.text import norm

from conftest import SEED000_CSV

INPUTS = ("weight", "target", "c1", "c2", "c3", "c4", "c5", "result", "method", "direction")


def assert_same(a, b) -> None:
    pd.testing.assert_frame_equal(a.inputs, b.inputs)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    pd.testing.assert_frame_equal(a.detail["numbers"], b.detail["numbers"])
    assert type(a.notes) is type(b.notes) and dict(a.notes) == dict(b.notes)   # the texts, built
    for name in ("kind", "sheet", "totals", "desired", "changes", "report_rows", "names",
                 "heights", "decimals", "other_cells"):
        assert getattr(a, name) == getattr(b, name), name
    assert [(p.kind, p.sheet, p.cell, p.message_th, p.message_en, p.severity) for p in a.problems] == \
           [(p.kind, p.sheet, p.cell, p.message_th, p.message_en, p.severity) for p in b.problems]


def both(grid, layout, tpl, recorded=None):
    small = evaluate_sheet(grid, layout, tpl, recorded=recorded)
    full = evaluate_sheet(grid, layout, tpl, recorded=recorded, small_rows=-1)
    return small, full


def book(folder: Path, template: str = "scorecard", rows: int = 7):
    csv = folder / "k.csv"
    if template == "scorecard" and rows == 7:
        csv = SEED000_CSV
    else:
        lines = ["dimension,code,indicator,weight,target,c1,c2,c3,c4,c5"]
        lines += [f"มิติ {i % 3},K.{i},ตัวชี้วัด {i},{100 / rows:.4f},{60 + i},{50 + i},{55 + i},{60 + i},{65 + i},{70 + i}"
                  for i in range(1, rows + 1)]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / f"{template}-{rows}.xlsx"
    sheets_sync.init(path, indicators=csv, template=template, unit="u", period="2/2567", overwrite=True)
    grids = XlsxBook(path).grids()
    tpl = load_template(template)
    layout = next(iter(find_tables(grids, tpl, norm, skip=(META_SHEET,))))
    return grids[layout.sheet], layout, tpl


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    return {(t, n): book(folder, t, n) for t, n in
            [("scorecard", 7), ("scorecard", 20), ("scorecard_opdc", 12), ("scorecard_quarters", 9)]}


def test_seed000_golden_figures_on_both_paths(sheets, seed000_typed):
    grids = XlsxBook(seed000_typed).grids()
    tpl = load_template("scorecard")
    layout = next(iter(find_tables(grids, tpl, norm, skip=(META_SHEET,))))
    assert len(layout.indicator_rows) <= SMALL_ROWS
    small, full = both(grids[layout.sheet], layout, tpl)
    assert_same(small, full)
    assert (small.totals["weighted_score"], small.totals["percentage"]) == (3.05, 61.0)


number = st.one_of(st.integers(-5, 120), st.floats(-10, 200, allow_nan=False).map(lambda v: round(v, 4)),
                   st.sampled_from([0.0005, 2.0005, 49.995, 1e-9, 5, 1, 2, 3, 4]))
typed = st.one_of(st.none(), number, number.map(str), number.map(lambda v: f"{v} %"),
                  st.sampled_from(["", " ", "N/A", "-", "๗๐", "ร้อยละ ๙๗.๑๑", "1,234.5", "ต่ำดี", "higher",
                                   "step", "linear", "interpolation", "ขั้นบันได", "lower", "??", True]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), which=st.sampled_from([("scorecard", 7), ("scorecard", 20), ("scorecard_opdc", 12),
                                              ("scorecard_quarters", 9)]))
def test_random_sheets_give_the_same_result(sheets, data, which):
    grid, layout, tpl = sheets[which]
    grid = copy.deepcopy(grid)
    keys = [k for k in layout.columns if k in INPUTS or k.startswith("q")]
    for r in layout.indicator_rows:
        if data.draw(st.booleans()):   # a milestone indicator, levels 1..5 (or falling)
            steps = data.draw(st.sampled_from([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], ["1", "2", "3", "4", "5"]]))
            for k, v in zip(("c1", "c2", "c3", "c4", "c5"), steps):
                grid.values[(r, layout.columns[k])] = v
        for k in keys:
            if data.draw(st.integers(0, 3)) == 0:
                grid.values[(r, layout.columns[k])] = data.draw(typed)
    if data.draw(st.booleans()):   # a computed cell typed over, against a record of what was written
        small0 = evaluate_sheet(grid, layout, tpl)
        cell = data.draw(st.sampled_from(sorted(small0.desired)))
        grid.values[cell] = data.draw(typed)
        recorded = dict(small0.names) and {n: small0.desired[c] for c, n in small0.names.items()}
    else:
        recorded = None
    small, full = both(grid, layout, tpl, recorded)
    assert_same(small, full)


@pytest.mark.parametrize("serial", [45366, 45366.5])
def test_a_date_typed_as_a_milestone_result_is_one_problem_said_as_the_date(seed000_typed, serial):
    """15 March 2024 typed into ศปท.2's result (a milestone, steps 1-5) is stored as the day
    count 45366: the message says the date as the cell shows it, and not also "not a step"."""
    grids = XlsxBook(seed000_typed).grids()
    tpl = load_template("scorecard")
    layout = next(iter(find_tables(grids, tpl, norm, skip=(META_SHEET,))))
    grid = copy.deepcopy(grids[layout.sheet])
    row = next(r for r in layout.indicator_rows if grid.get(r, layout.columns["code"]) == "ศปท.2")
    cell = (row, layout.columns["result"])
    grid.values[cell], grid.dates = serial, grid.dates | {cell}
    small, full = both(grid, layout, tpl)
    assert_same(small, full)
    at = [p for p in small.problems if p.cell == "L6"]
    assert [p.kind for p in at] == ["result_is_date"]
    assert "(15 มี.ค. 2567)" in at[0].message_th and "(2024-03-15)" in at[0].message_en
    assert small.rows.at[row, "score"] != small.rows.at[row, "score"]          # not scored (NaN)
