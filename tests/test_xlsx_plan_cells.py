"""The summary's rows written straight from its plan (backends/xlsx_plan_cells.py) make the
same file as openpyxl with a Cell per value: every part byte for byte, but the save time."""
from __future__ import annotations

import datetime
import io
import unicodedata
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.backends import xlsx_plan_cells
from sheets_sync.backends.xlsx_plan import workbook_bytes
from sheets_sync.core.text import visible_length
from sheets_sync.kinds.sheet_plan import BookPlan, Chart, SheetPlan
from sheets_sync.kinds.template import load_template
from sheets_sync.ministry.summary import Summary, build_summary, summary_plan
from sheets_sync.kinds.base import UnitRead

ROLES = ["title", "header", "text", "computed", "total", "section", "unit", "template", "total_label"]


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}   # it holds the time


def assert_same_file(book: BookPlan) -> None:
    ours, theirs = parts(workbook_bytes(book, plan_cells=True)), parts(workbook_bytes(book))
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


def tricky_sheet(name: str = "ทดสอบ") -> SheetPlan:
    sheet = SheetPlan(name, freeze=(2, 1))
    sheet.put((1, 1), "หัวเรื่อง ภาพรวม 2/2567", "title")
    sheet.merges.append((1, 1, 1, 6))
    values = [" leading space", "trailing\n", "a & b < c > d", "carriage\rreturn", "#N/A", "#DIV/0!",
              "=IMPORTXML(x)", "", "x" * 40000, True, False, 0, -3, 2**60, 1e-300, 1 / 3, 12.5,
              float("inf"), "ตัวชี้วัดที่ ๑", "emoji \U0001F600", "\u00a0nbsp", None, "\t"]
    for i, v in enumerate(values):
        r, c = 3 + i // 5, 1 + i % 5
        sheet.put((r, c), v, ROLES[i % len(ROLES)], "0.000" if i % 3 == 0 else None)
    sheet.values[(9, 7)] = "a value without a role"
    sheet.values[(10, 2)] = 7
    sheet.widths = {1: 30, 2: 12.5}
    sheet.heights = {3: 54.0, 12: 30.0}     # row 12 has a height and no cell
    sheet.text_top = True
    sheet.charts.append(Chart("bar", "per unit", categories=(3, 1, 5, 1), series=[(2, 2, 5, 2)], anchor=(14, 2)))
    return sheet


def test_tricky_cells_same_file():
    book = BookPlan(load_template())
    book.sheets = [tricky_sheet(), SheetPlan("ว่าง"), tricky_sheet("สอง")]
    assert all(xlsx_plan_cells.streamable(s) for s in book.sheets)
    assert_same_file(book)


@pytest.mark.parametrize("odd", [datetime.date(2024, 1, 2), "bell\x07", "=A1+1 without a role", "under a merge"])
def test_plans_openpyxl_writes_otherwise_take_its_way(odd):
    sheet = tricky_sheet()
    if odd == "=A1+1 without a role":
        sheet.values[(20, 1)] = "=A1+1"
    elif odd == "under a merge":
        sheet.put((1, 3), "hidden under the title", "text")
    else:
        sheet.put((20, 1), odd, "text")
    assert not xlsx_plan_cells.streamable(sheet)
    book = BookPlan(load_template())
    book.sheets = [sheet]
    if odd == "bell\x07":     # openpyxl refuses it: so does the summary, as before
        with pytest.raises(Exception):
            workbook_bytes(book, plan_cells=True)
        return
    assert_same_file(book)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.tuples(st.integers(2, 30), st.integers(1, 12)),
                       st.tuples(st.one_of(st.none(), st.booleans(), st.integers(-10**18, 10**18),
                                           st.floats(allow_nan=False), st.text(max_size=12)),
                                 st.sampled_from(ROLES), st.sampled_from([None, "0.00", "0.000", "0"])),
                       max_size=60),
       st.dictionaries(st.integers(1, 40), st.floats(1, 400), max_size=5))
def test_random_sheets_same_file(cells, heights):
    sheet = SheetPlan("สุ่ม")
    sheet.put((1, 1), "หัว", "title")
    sheet.merges.append((1, 1, 1, 3))
    for cell, (v, role, fmt) in cells.items():
        sheet.put(cell, v, role, fmt)
    sheet.heights = heights
    book = BookPlan(load_template())
    book.sheets = [sheet]
    if not xlsx_plan_cells.streamable(sheet):
        return
    assert_same_file(book)


def test_summary_same_file():
    """A ministry summary (the plan consolidate writes), both ways."""
    from sheets_sync.kinds.base import SheetResult
    from sheets_sync.kinds.layout import Layout
    import pandas as pd
    tpl = load_template()
    reads = []
    for i in range(30):
        rows = [10, 11, 12]
        inputs = pd.DataFrame({"code": ["K.1", "K.2", "K.3"], "indicator": ["ร้อยละ & ผล", "จำนวน", "ตัวชี้วัด ๓"],
                               "dimension": ["มิติ 1", "มิติ 1", "มิติ 2"], "details": [None, " ข้อความ ", "x\ny"]},
                              index=rows)
        out = pd.DataFrame({"score": [5.0, 3.25 + i / 10, None], "percentage": [100.0, 65.0, None],
                            "weighted_score": [1.0, 0.5, None], "status": ["green", "yellow", "grey"]}, index=rows)
        totals = {"weight": 100.0, "weighted_score": 3.5 + i, "percentage": 70.0, "reported": 2, "indicators": 3,
                  "complete": False}
        res = SheetResult("scorecard", "ตัวชี้วัด", Layout("ตัวชี้วัด", 3, {}), inputs, out, totals, {},
                          detail={"numbers": pd.DataFrame({"result": [80.0, 55.5, None]}, index=rows)})
        reads.append(UnitRead(f"U{i}", f"หน่วยงาน {i}", res, version=3, modified="2024-01-02 10:00 UTC"))
    reads.append(UnitRead("X", "อ่านไม่ได้", error="file not found"))
    summary: Summary = build_summary(reads, tpl)
    book = summary_plan(summary)
    assert all(xlsx_plan_cells.streamable(s) for s in book.sheets)
    assert_same_file(book)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_visible_length_counts_what_takes_width(text):
    assert visible_length(text) == sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def test_visible_length_of_thai():
    assert visible_length("ตัวชี้วัด") == 5 and visible_length(3.5) == 3 and visible_length("\U0001F600\u0e34") == 1
