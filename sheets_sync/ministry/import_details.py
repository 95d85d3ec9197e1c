"""Typing what a unit wrote about each indicator (people, phones, narratives, evidence)
into the details tab of a workbook, as a person would: unit-owned cells only."""
from __future__ import annotations

from ..backends.open import open_book
from ..core.errors import WorkbookError
from ..kinds.indicator_details import find_details
from ..kinds.meta import META_SHEET, read_meta
from ..kinds.template import load_template
from ..core.text import norm


def type_details(target, values: dict[str, dict[str, object]], **book_options) -> int:
    """``values``: code -> {details field key: text}. Returns the cells written."""
    book = open_book(target, **book_options)
    grids = book.grids()
    tpl = load_template(read_meta(grids.get(META_SHEET)).get("template") or "scorecard")
    found = find_details(grids, tpl)
    if found is None:
        raise WorkbookError(f"{book.name}: ไม่มีแผ่นงานรายละเอียดตัวชี้วัด",
                            f"{book.name}: no details tab (its template {tpl.name} describes none)")
    dtpl, layout = found
    grid, cols = grids[layout.sheet], layout.columns
    owners = {f.key: f.owner for f in dtpl.fields}
    rows = {norm(grid.get(r, cols["code"])): r for r in layout.indicator_rows}
    cells = {}
    for code, fields in values.items():
        r = rows.get(norm(code))
        if r is None:
            continue
        for key, v in fields.items():
            if v not in (None, "") and key in cols and owners.get(key) == "unit":
                cells[(r, cols[key])] = v
    if cells:
        book.write({layout.sheet: cells}, {})
    return len(cells)
