"""recalc, validate and explain: one unit's workbook, whatever its kind and backend."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.open import open_book
from ..core.errors import SheetsSyncError, WorkbookError
from ..core.grid import a1
from ..core.problems import ERROR, Problem, problem
from ..kinds.base import Kind, SheetResult, kind_of, places, show
from ..core.score_notes import ScoreNotes
from ..kinds.meta import (META_SHEET, NOTES, meta_cells, notes_record, read_meta, recorded_values,
                          reuse_recorded_notes)
from ..kinds.template import ScoringOptions, Template, load_template
from .result_history import result_changes


@dataclass
class SheetReport:
    sheet: str
    rows: list[dict]
    totals: dict
    changed_cells: int
    problems: list[Problem]
    kind: str = "scorecard"

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "kind": self.kind, "rows": self.rows, "totals": self.totals,
                "changed_cells": self.changed_cells, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class Report:
    book: str
    sheets: list[SheetReport] = field(default_factory=list)
    written: bool = False
    kind: Kind | None = None
    decimals: dict = field(default_factory=dict)    # the template's scoring decimals, for showing totals

    @property
    def changed_cells(self) -> int:
        return sum(s.changed_cells for s in self.sheets)

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sheets for p in s.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def to_dict(self) -> dict:
        return {"sheets": [s.to_dict() for s in self.sheets], "written": self.written}


@dataclass
class Evaluated:
    """A workbook read and evaluated: what every write decision is made from."""
    grids: dict
    meta: dict
    template: Template
    kind: Kind
    results: list[SheetResult]


def _template_for(meta: dict, template: str | Template | None) -> Template:
    if isinstance(template, Template):
        return template
    return load_template(template or meta.get("template") or "scorecard")


def evaluate_book(book, template: str | Template | None = None, options: ScoringOptions | None = None,
                  period=None, lazy: bool = False) -> Evaluated:
    """``period``: the round whose tabs count in a workbook of several rounds (default
    the current one: earlier, read-only rounds are neither evaluated nor written).
    ``lazy``: tabs read only as far as the evaluation looks (where the backend can)."""
    from ..kinds.round_tabs import select
    grids = book.lazy_grids() if lazy and hasattr(book, "lazy_grids") else book.grids()
    meta = read_meta(grids.get(META_SHEET))
    tpl = _template_for(meta, template)
    kind = kind_of(tpl)
    recorded = None if not meta else {name: recorded_values(meta, name, tuple(grids)) for name in grids}
    results = select(kind.evaluate(grids, tpl, options=options, recorded=recorded), meta, tuple(grids), period)
    if not results:
        p = problem("no_scorecard", book.name)
        raise WorkbookError(f"{book.name}: {p.message_th} ({tpl.sheet_name})",
                            f"{book.name}: {p.message_en} (kind {kind.name}, template {tpl.name})")
    return Evaluated(grids, meta, tpl, kind, results)


def _sheet_report(res: SheetResult, changed: int, problems: list[Problem]) -> SheetReport:
    return SheetReport(res.sheet, res.report_rows, dict(res.totals), changed, problems, res.kind)


def recalc(target, *, template: str | Template | None = None, options: ScoringOptions | None = None,
           dry_run: bool = False, **book_options) -> Report:
    """Compute and write only the computed cells of every table in ``target``.

    Nothing else in the workbook changes; when every computed cell already holds
    its value (and its note), nothing is written at all.
    """
    from ..backends.files import retry_on_change
    # a person saving the same file meanwhile: read again and re-plan, never overwrite them
    from ..backends.open import is_google_target
    # a file being saved needs a moment to settle; Google answers the re-read at once
    wait = 0.0 if is_google_target(target) else 0.2
    with _no_gc_pauses():
        return retry_on_change(lambda: _recalc_once(target, template, options, dry_run, book_options), wait=wait)


@contextmanager
def _no_gc_pauses():
    """The cyclic collector off while one workbook is read and written: a 10,000-row sheet
    makes millions of small objects and no cycles, and the collector's passes over them
    were a fifth of the time. Reference counting still frees everything as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _recalc_once(target, template, options, dry_run: bool, book_options: dict) -> Report:
    from dataclasses import replace
    from ..kinds.round_tabs import locked_tabs
    from .locked_rounds import changed_after_lock, why_thai
    book = open_book(target, **book_options)
    full = evaluate_book(book, template, options, lazy=True)
    # a submitted or approved round's tabs are the ministry's: evaluated, told, never written
    locked = {s: w for s, w in locked_tabs(full.meta, tuple(full.grids)).items() if s in {r.sheet for r in full.results}}
    ev = replace(full, results=[r for r in full.results if r.sheet not in locked])
    after_lock = changed_after_lock(full)
    cells = {res.sheet: res.changes for res in ev.results if res.changes}
    for res in ev.results:
        for sheet, other in res.other_cells.items():
            cells.setdefault(sheet, {}).update(other)
    # a backend that keeps no notes (Excel through xlwings) is not asked to write them
    held = book.notes() if book.keeps_notes else {}
    _reuse_notes(ev, held)
    notes = {res.sheet: _plain(res.notes) for res in ev.results if res.notes} if book.keeps_notes else {}
    notes_changed = notes != {s: n for s, n in held.items() if s in notes}
    # what a person typed over a computed cell goes into the history sheet as it is replaced
    replaced = [] if dry_run else [p for res in ev.results for p in res.problems
                                   if p.kind in ("computed_overwritten", "computed_formula")]
    history, results_now = result_changes(ev, replaced=replaced)
    for sheet, rows in history.items():
        cells.setdefault(sheet, {}).update(rows)
    if META_SHEET in ev.grids and (cells or notes_changed):
        kept = {NOTES + res.sheet: notes_record(res.notes.keys_of_rows(), notes[res.sheet].values())
                for res in ev.results if isinstance(res.notes, ScoreNotes) and res.sheet in notes}
        extra = meta_cells(ev.grids[META_SHEET], {**{f"computed:{res.sheet}": res.recorded_blob() for res in ev.results},
                                                  **results_now, **kept})
        if extra:
            cells[META_SHEET] = extra
    # rows grow for long typed text only where the backend tells row heights (xlsx)
    heights = {res.sheet: res.heights for res in ev.results if res.heights and ev.grids[res.sheet].heights}
    report = Report(book.name, kind=ev.kind, decimals=dict((options or ev.template.scoring).decimals))
    for res in full.results:
        # what recalc put right is no longer an error: it says what was replaced, and by what
        probs = [_replaced(p) if p.kind in ("computed_overwritten", "computed_formula") and not dry_run
                 and res.sheet not in locked else p for p in res.problems]
        if res.sheet in locked and res.changed_cells:
            probs.append(problem("round_locked", res.sheet, why=locked[res.sheet], why_th=why_thai(locked[res.sheet]),
                                 cells=res.changed_cells))
        probs += [p for p in after_lock if p.sheet == res.sheet]
        report.sheets.append(_sheet_report(res, res.changed_cells, probs))
    if (cells or notes_changed or heights) and not dry_run:
        book.write(cells, notes, heights=heights) if heights else book.write(cells, notes)
        report.written = True
    return report


def _reuse_notes(ev: Evaluated, held: dict) -> None:
    """Score notes whose inputs did not change since they were written keep the text the
    sheet holds; only the others are built (the metadata keeps each note's input key)."""
    for res in ev.results:
        if isinstance(res.notes, ScoreNotes) and ev.meta:
            reuse_recorded_notes(res.notes, held.get(res.sheet, {}), ev.meta, res.sheet)


def _plain(notes) -> dict:
    return notes.texts() if isinstance(notes, ScoreNotes) else notes


def _replaced(p: Problem) -> Problem:
    args = dict(p.args)
    return problem("computed_replaced", p.sheet, p.cell, p.code, value=args["value"],
                   expected=args.get("expected", "(ค่าที่คำนวณ / the computed value)"))


def validate(target, *, template: str | Template | None = None, options: ScoringOptions | None = None,
             canonical: str | Path | None = None, **book_options) -> Report:
    """Report every problem of every table; writes nothing. With ``canonical`` (the
    ministry's definition), a sheet on an older template version is a problem too."""
    book = open_book(target, **book_options)
    ev = evaluate_book(book, template, options)
    report = Report(book.name, kind=ev.kind, decimals=dict((options or ev.template.scoring).decimals))
    extra = []
    from .locked_rounds import changed_after_lock
    after_lock = changed_after_lock(ev)
    if canonical is not None:
        from ..kinds.canonical import load_canonical, version_number
        want = load_canonical(canonical).version
        have = ev.meta.get("template_version")
        number = version_number(have)
        outdated = number is None or number < want
        if outdated:
            extra.append(problem("template_outdated", META_SHEET, "B4", have=have if have is not None else "?",
                                 want=want))
    for i, res in enumerate(ev.results):
        report.sheets.append(_sheet_report(res, res.changed_cells, res.problems + stale(res, ev.grids[res.sheet])
                                           + [p for p in after_lock if p.sheet == res.sheet]
                                           + (extra if i == 0 else [])))
    return report


def stale(res: SheetResult, grid) -> list[Problem]:
    """Computed cells that do not hold what recalc would write, and that no other
    problem explains (a hand edit, a formula): the sheet shows out-of-date figures."""
    told = {p.cell for p in res.problems}
    return [problem("computed_stale", res.sheet, a1(*cell), res.names.get(cell, "").rpartition("|")[0] or None,
                    value=grid.get(*cell), expected=show(want, places(res, cell)))
            for cell, want in sorted(res.changes.items()) if a1(*cell) not in told]


def explain(target, code: str, *, template: str | Template | None = None,
            options: ScoringOptions | None = None, **book_options) -> list:
    """The working behind the computed cells of item ``code``: (sheet, cell, trace) per sheet."""
    book = open_book(target, **book_options)
    ev = evaluate_book(book, template, options)
    out = [(res.sheet, cell, t) for res in ev.results for cell, t in ev.kind.explain(res, code)]
    if not out:
        have = ", ".join(dict.fromkeys(str(c) for res in ev.results if "code" in res.inputs
                                       for c in res.inputs["code"] if isinstance(c, str) and c.strip())) or "-"
        raise SheetsSyncError(f"ไม่พบตัวชี้วัดรหัส {code} ใน {book.name} (มี: {have})",
                              f"indicator {code} not found in {book.name} (it has: {have})")
    return out
