"""The Python API. Each CLI command is a thin shell over the function of the same name."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..backends.open import open_book
from ..core.errors import SheetsSyncError, WorkbookError
from ..core.grid import Cell, a1
from ..kinds.indicators import example_indicators, load_indicators
from ..core.problems import ERROR, Problem, problem
from ..kinds.meta import META_SHEET, meta_cells, read_meta, recorded_values
from ..kinds.scorecard import SheetResult, evaluate, recorded_blob
from ..kinds.template import ScoringOptions, Template, load_template
from ..core.trace import Trace, trace


@dataclass
class SheetReport:
    sheet: str
    rows: list[dict]
    totals: dict
    changed_cells: int
    problems: list[Problem]

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "rows": self.rows, "totals": self.totals,
                "changed_cells": self.changed_cells, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class Report:
    book: str
    sheets: list[SheetReport] = field(default_factory=list)
    written: bool = False

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
        return {"sheets": [s.to_dict() for s in self.sheets]}


def _num(v):
    return None if v is None or pd.isna(v) else float(v)


def _sheet_report(res: SheetResult, changed: int, problems: list[Problem] | None = None) -> SheetReport:
    if hasattr(res, "report_rows"):  # ITA / action plan
        return SheetReport(res.sheet, res.report_rows(), dict(res.totals), changed,
                           problems if problems is not None else res.problems)
    rows = []
    if len(res.rows):
        for r in res.rows.index:
            rows.append({"code": res.inputs.at[r, "code"], "score": _num(res.rows.at[r, "score"]),
                         "percentage": _num(res.rows.at[r, "percentage"]),
                         "weighted_score": _num(res.rows.at[r, "weighted_score"]),
                         "status": res.rows.at[r, "status"]})
    t = res.totals
    totals = {"weight": _num(t.get("weight")), "weighted_score": _num(t.get("weighted_score")),
              "percentage": _num(t.get("percentage")), "complete": bool(t.get("complete", False)),
              "reported": t.get("reported", 0), "indicators": t.get("indicators", 0)}
    return SheetReport(res.sheet, rows, totals, changed, problems if problems is not None else res.problems)


def _template_for(meta: dict, template: str | Template | None) -> Template:
    if isinstance(template, Template):
        return template
    return load_template(template or meta.get("template") or "scorecard")


KIND_TEMPLATES = {"scorecard": "scorecard", "ita": "ita", "action-plan": "action_plan"}


def _evaluate_book(book, template, options):
    grids = book.grids()
    meta = read_meta(grids.get(META_SHEET))
    kind = meta.get("kind") or (template.kind if isinstance(template, Template) else None)
    if kind in ("ita", "action-plan"):
        from ..kinds.table_kind import evaluate_table
        tpl = _template_for(meta, template or KIND_TEMPLATES[kind])
        res = evaluate_table(grids, tpl)
        if res is None:
            raise WorkbookError(f"{book.name}: ไม่พบตาราง {kind}", f"{book.name}: no {kind} table found")
        return grids, meta, tpl, [res]
    tpl = _template_for(meta, template)
    results = []
    for name, grid in grids.items():
        if name == META_SHEET:
            continue
        res = evaluate(grid, tpl, options, recorded_values(meta, name))
        if res is not None:
            results.append(res)
    if not results:
        p = problem("no_scorecard", book.name)
        raise WorkbookError(f"{book.name}: {p.message_th}", f"{book.name}: {p.message_en}")
    return grids, meta, tpl, results


def _notes(results: list[SheetResult], tpl: Template, options: ScoringOptions | None) -> dict[str, dict[Cell, str]]:
    out = {}
    for res in results:
        if getattr(res, "kind", "scorecard") != "scorecard" or "score" not in res.layout.columns \
                or not len(res.numbers):
            continue
        col = res.layout.columns["score"]
        out[res.sheet] = {(r, col): explain_row(res, r, tpl, options).note() for r in res.numbers.index}
    return out


def explain_row(res: SheetResult, row: int, tpl: Template, options: ScoringOptions | None = None) -> Trace:
    opts = options or tpl.scoring
    return trace(res.inputs.at[row, "code"], res.numbers.loc[row], opts)


def recalc(target: str | Path, *, template: str | Template | None = None,
           options: ScoringOptions | None = None, dry_run: bool = False, **book_options) -> Report:
    """Compute and write only the computed cells of every scorecard sheet in ``target``.

    Nothing else in the workbook changes; when every computed cell already holds
    its value, nothing is written at all.
    """
    book = open_book(target, **book_options)
    grids, meta, tpl, results = _evaluate_book(book, template, options)
    cells = {res.sheet: res.changes for res in results if res.changes}
    for res in results:
        cells.update(getattr(res, "extra", {}))
    # a backend that keeps no notes (Excel through xlwings) is not asked to write them
    notes = _notes(results, tpl, options) if getattr(book, "keeps_notes", True) else {}
    notes_changed = notes != {s: n for s, n in book.notes().items() if s in notes}
    if META_SHEET in grids and cells:
        extra = meta_cells(grids[META_SHEET], {f"computed:{res.sheet}": recorded_blob(res) for res in results})
        if extra:
            cells[META_SHEET] = extra
    report = Report(book.name)
    for res in results:
        probs = [_replaced(p) if p.kind == "computed_overwritten" and not dry_run else p for p in res.problems]
        report.sheets.append(_sheet_report(res, len(res.changes) + sum(len(v) for v in getattr(res, "extra", {}).values()),
                                           probs))
    if (cells or notes_changed) and not dry_run:
        book.write(cells, notes)
        report.written = True
    return report


def _replaced(p: Problem) -> Problem:
    args = dict(p.args)
    return problem("computed_replaced", p.sheet, p.cell, p.code, value=args["value"], expected=args["expected"])


def validate(target: str | Path, *, template: str | Template | None = None,
             options: ScoringOptions | None = None, canonical: str | Path | None = None,
             **book_options) -> Report:
    """Report every problem of every scorecard sheet; writes nothing. With ``canonical``
    (the ministry's definition), a sheet on an older template version is a problem too."""
    book = open_book(target, **book_options)
    _, meta, _, results = _evaluate_book(book, template, options)
    report = Report(book.name)
    extra = []
    if canonical is not None:
        from ..ministry.canonical import load_canonical
        want = load_canonical(canonical).version
        have = meta.get("template_version")
        try:
            outdated = have is None or int(have) < want
        except (TypeError, ValueError):
            outdated = True
        if outdated:
            extra.append(problem("template_outdated", META_SHEET, "B4", have=have if have is not None else "?",
                                 want=want))
    for i, res in enumerate(results):
        report.sheets.append(_sheet_report(res, len(res.changes), res.problems + (extra if i == 0 else [])))
    return report


def explain(target: str | Path, code: str, *, template: str | Template | None = None,
            options: ScoringOptions | None = None, **book_options) -> list[Trace]:
    """The working behind the score of indicator ``code`` (one trace per sheet holding it)."""
    book = open_book(target, **book_options)
    _, _, tpl, results = _evaluate_book(book, template, options)
    wanted = code.replace(" ", "")
    out = []
    for res in results:
        for r in res.numbers.index:
            if str(res.inputs.at[r, "code"]).replace(" ", "") == wanted:
                t = explain_row(res, r, tpl, options)
                out.append((res.sheet, a1(r, res.layout.columns["score"]), t))
    if not out:
        raise SheetsSyncError(f"ไม่พบตัวชี้วัดรหัส {code} ใน {book.name}", f"indicator {code} not found in {book.name}")
    return out


def init(out: str | Path | None = None, *, kind: str = "scorecard",
         indicators: str | Path | pd.DataFrame | None = None, unit: str | None = None, period: str | None = None,
         template: str | Template | None = None, overwrite: bool = False, google: bool = False,
         share: list[str] = (), owners: list[str] = (), version: int | None = None,
         **google_options) -> Path | str:
    """Write a new workbook in the canonical template's layout (an .xlsx file, or a
    Google spreadsheet with ``google=True``: returns its URL)."""
    from ..backends.xlsx_plan import write_plan
    from ..kinds.sheet_plan import build_plan, title_text

    tpl = template if isinstance(template, Template) else load_template(template or KIND_TEMPLATES.get(kind, kind))
    if tpl.kind != kind:
        raise SheetsSyncError(f"แม่แบบ {tpl.name} เป็นชนิด {tpl.kind} ไม่ใช่ {kind}",
                              f"template {tpl.name} is of kind {tpl.kind}, not {kind}")
    if period:
        _check_period(period)
    if kind in ("ita", "action-plan"):
        return _init_table(out, tpl, indicators, unit, period, overwrite, version)
    frame = _indicator_frame(indicators, tpl)
    plan = build_plan(tpl, frame, unit=unit, period=period, version=version)
    if google:
        from ..backends.google.create import create_spreadsheet
        title = str(out) if out else title_text(tpl, unit, period)
        return create_spreadsheet(plan, title, share=list(share), owners=list(owners), **google_options)
    if out is None:
        raise SheetsSyncError("ต้องระบุ --out", "--out is required (or --google)")
    out = Path(out)
    if out.exists() and not overwrite:
        raise SheetsSyncError(f"มีไฟล์ {out} อยู่แล้ว ไม่เขียนทับ (ใช้ --overwrite ถ้าต้องการ)",
                              f"{out} already exists; not overwriting it (pass --overwrite to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_plan(plan, out)
    return out


def _init_table(out, tpl, rows, unit, period, overwrite, version):
    from ..backends.xlsx_table import example_rows, write_table_workbook
    out = Path(out)
    if out.exists() and not overwrite:
        raise SheetsSyncError(f"มีไฟล์ {out} อยู่แล้ว ไม่เขียนทับ", f"{out} already exists; not overwriting it")
    if isinstance(rows, pd.DataFrame):
        frame = rows
    elif rows is not None:
        frame = _table_list(Path(rows), tpl)
    else:
        frame = example_rows(tpl)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table_workbook(tpl, frame, out, unit, period, version)
    recalc(out)
    return out


def _table_list(path: Path, tpl: Template) -> pd.DataFrame:
    """An ITA item list or action-plan activity list from CSV or YAML, checked like the
    canonical definition's."""
    from ..ministry.canonical import table_rows
    from ..core.errors import TemplateError, read_yaml
    if not path.is_file():
        raise TemplateError(f"ไม่พบไฟล์รายการ {path}", f"list not found: {path}")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path, TemplateError, "ไฟล์รายการ", "list")
        data = data.get("indicators", data.get("items", [])) if isinstance(data, dict) else data
        raw = pd.DataFrame(data if isinstance(data, list) else [], dtype=object)
    elif path.suffix.lower() == ".csv":
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        raise TemplateError(f"{path}: รองรับเฉพาะ .csv .yaml", f"{path}: only .csv and .yaml lists are supported")
    return table_rows(raw, tpl, path.name)


def _indicator_frame(indicators, tpl: Template) -> pd.DataFrame:
    if isinstance(indicators, pd.DataFrame):
        from ..kinds.indicators import normalise_indicators
        return normalise_indicators(indicators, tpl)
    if indicators is not None:
        return load_indicators(indicators, tpl)
    return example_indicators(tpl)


def _check_period(period: str) -> None:
    import re
    if not re.fullmatch(r"[1-4]/25\d\d", period.strip()):
        raise SheetsSyncError(f"รอบรายงาน {period!r} ต้องเป็น ไตรมาส/ปี พ.ศ. เช่น 2/2567",
                              f"period {period!r} must be quarter/Buddhist-Era year, e.g. 2/2567")
