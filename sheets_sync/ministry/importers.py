"""Reading the reports units already have into the canonical template.

Text/CSV exports in the seeds' shapes (pipe- or tab-separated, any of UTF-8, UTF-16,
TIS-620/cp874; page headers repeated on every page, HTML fragments in cells, Thai digits,
ITA item codes with the letter I read as 1) and .xlsx files laid out like seed 000
(whichever tool wrote them). The import conserves its source: every word of every
non-blank line is in a cell of the output workbook or in the report's not-placed list
with its line number and reason (import_text.Ledger). Unit and period come from the
document's title unless given.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import SheetsSyncError
from .import_ita import import_ita, import_ita_any, import_ita_indicators
from .import_plan import import_action_plan, import_monthly_plan
from .import_indicator import import_indicator_report, looks_like_indicator_report
from .import_scorecard import import_scorecard
from .import_text import Imported, Rewrite, Skipped, clean, read_lines, words

__all__ = ["IMPORTERS", "Imported", "Rewrite", "Skipped", "clean", "import_action_plan", "import_file",
           "import_indicator_report", "import_ita", "import_ita_indicators", "import_monthly_plan", "import_scorecard", "words"]



def import_scorecard_any(path: Path) -> Imported:
    """Seed 000's scorecard table, or seed 003's one-indicator report."""
    lines = read_lines(path)
    if looks_like_indicator_report(lines):
        return import_indicator_report(path, lines)
    return import_scorecard(path, lines)


IMPORTERS = {"scorecard": import_scorecard_any, "ita": import_ita_any, "action-plan": import_action_plan}
_META_ROWS = ("ita_target", "ita_target_round", "ita_round")


def import_file(source: str | Path, kind: str, out: str | Path, *, unit: str | None = None,
                period: str | None = None, overwrite: bool = False) -> Imported:
    """Read ``source`` as ``kind`` and write the canonical workbook ``out``: the
    template's cells from the report, then what the unit had typed, as a person would."""
    from ..kinds.base import kind_named, template_named
    from ..workbook.entry import type_values
    from ..workbook.init import init
    from ..workbook.recalc import recalc
    source = Path(source)
    if not source.is_file():
        raise SheetsSyncError(f"ไม่พบไฟล์ {source}", f"file not found: {source}")
    if kind not in IMPORTERS:
        raise SheetsSyncError(f"ไม่รู้จักชนิด {kind}", f"unknown kind {kind} ({', '.join(IMPORTERS)})")
    imported = IMPORTERS[kind](source)
    if imported.rows.empty:
        reasons = "; ".join(map(str, imported.skipped[:5])) or "no line looked like a row of this kind"
        raise SheetsSyncError(f"ไม่พบแถวข้อมูลที่นำเข้าได้ใน {source.name}",
                              f"no importable rows in {source.name}: {reasons}")
    unit = unit or imported.unit
    period = period or imported.period
    tpl = template_named(kind, imported.template)
    owners = {f.key: f.owner for f in tpl.fields}
    k = kind_named(kind)
    rows = imported.rows.drop(columns=["doc_level"], errors="ignore")
    init(out, kind=kind, indicators=rows, unit=unit, period=period, overwrite=overwrite, template=tpl)
    unit_values = dict(imported.results)
    for rec in rows.to_dict("records"):
        key = k.record_key(rec) if hasattr(k, "record_key") else k.code_key(rec["code"])
        typed = {f: v for f, v in rec.items() if owners.get(f) == "unit" and v is not None and v == v}
        unit_values.setdefault(key, {}).update(typed)
    type_values(out, unit_values)
    if imported.details:
        from .import_details import type_details
        type_details(out, imported.details)
    _record_meta(out, imported)
    recalc(out)
    return imported


def _record_meta(out, imported: Imported) -> None:
    """What the document says about the round (the ITA target it sets) in the workbook's
    metadata sheet, where the kind reads it (a units.yaml override writes the same key)."""
    values = {k: v for k, v in imported.meta.items() if k in _META_ROWS and v is not None}
    if not values:
        return
    from ..backends.open import open_book
    from ..kinds.meta import META_SHEET
    book = open_book(out)
    grid = book.grids().get(META_SHEET)
    start = (grid.max_row if grid is not None else 0) + 1
    cells = {}
    for i, (k, v) in enumerate(values.items()):
        cells[(start + i, 1)], cells[(start + i, 2)] = k, v
    book.write({META_SHEET: cells}, {})
