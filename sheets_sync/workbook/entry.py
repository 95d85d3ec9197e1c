"""Typing values into a workbook as a person would: unit-owned cells of the rows with
the given codes (the demo's results, an imported report's results and narratives)."""
from __future__ import annotations

from ..backends.open import open_book
from ..core.numbers import parse_number
from .recalc import evaluate_book


def type_values(target, values: dict[str, dict[str, object]], **book_options) -> int:
    """``values``: code -> {field key: value}. Only unit-owned fields are typed; a number
    typed as text ("๘๒.๕") goes in as the number a person means. Returns cells written."""
    book = open_book(target, **book_options)
    ev = evaluate_book(book)
    values = {ev.kind.code_key(code): v for code, v in values.items()}
    cells: dict = {}
    for res in ev.results:
        cols = res.layout.columns
        for r, code in res.inputs["code"].items():
            for key, v in values.get(code, {}).items():
                if v is None or key not in cols or ev.template.field(key).owner != "unit":
                    continue
                if ev.template.field(key).type == "number":
                    n, ok = parse_number(v)
                    v = n if ok and n is not None else v
                cells.setdefault(res.sheet, {})[(r, cols[key])] = v
    if cells:
        book.write(cells, {})
    return sum(len(c) for c in cells.values())
