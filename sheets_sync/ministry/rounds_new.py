"""new-round (issue 12): every unit starts the next round from the current canonical
template, its narratives carried as drafts ("(ร่าง) ...") and, with ``carry="results"``,
the last round's results of cumulative indicators and the quarter cells already typed.

``into="tabs"`` (the default) adds the round's tabs to the unit's own workbook or
spreadsheet, named for the round (``ตัวชี้วัด 3-2567``): every tab the kind evaluates for
a round is carried and renamed, not one sheet name; the previous round's tabs become
read-only. ``into="files"`` writes a new .xlsx per unit beside the last one instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import SheetsSyncError
from ..core.period import Period
from ..kinds.meta import META_SHEET, meta_cells
from ..kinds.quarters import quarter_keys
from ..kinds.round_tabs import base_name, current_period, round_tabs, tab_name, tabs_value
from .rounds import begin_values, start
from .rounds_lock import RoundError, lock_xlsx_tab
from .units import load_units

DRAFT_MARK = "(ร่าง)"   # seed 000 marks narratives not yet final this way
INTO = ("tabs", "files")


@dataclass
class NewRound:
    code: str
    outcome: str          # created | skipped | failed
    path: str = ""
    detail: str = ""
    tabs: tuple = ()      # the new round's tabs (into="tabs")
    detail_th: str = ""   # the detail in Thai (``detail`` is English)

    @property
    def outcome_th(self) -> str:
        return {"created": "สร้างแล้ว", "skipped": "ข้าม", "failed": "ไม่สำเร็จ"}.get(self.outcome, self.outcome)


def round_file(path: Path, period: Period, out_dir: str | Path | None = None) -> Path:
    """units/กค.xlsx + 3/2567 -> units/กค_3-2567.xlsx ('/' is not allowed in file names)."""
    return Path(out_dir or path.parent) / f"{path.stem}_{period.code.replace('/', '-')}.xlsx"


def _truthy(v) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "y", "x", "✓", "ใช่", "สะสม", "cumulative")


def cumulative_codes(frame) -> set[str]:
    """Codes a list marks cumulative (column ``cumulative`` / ``สะสม``: yes, 1, ✓ ...)."""
    if frame is None:
        return set()
    code = next((c for c in ("code", "รหัส") if c in frame), None)
    mark = next((c for c in ("cumulative", "สะสม") if c in frame), None)
    if not code or not mark:
        return set()
    return {str(c).strip() for c, m in zip(frame[code], frame[mark]) if _truthy(m)}


def _raw_list(ministry_yaml):
    """The canonical indicator list as its file has it (the kind's definition keeps only
    the template's fields; ``cumulative`` is not one of them)."""
    from ..kinds.canonical import read_list
    from ..kinds.yaml_file import read_yaml
    path = Path(ministry_yaml)
    data = read_yaml(path, RoundError, "แม่แบบกลาง", "canonical definition")
    source = data.get("indicators") if isinstance(data, dict) else None
    if isinstance(source, list):
        import pandas as pd
        return pd.DataFrame(source, dtype=object)
    return read_list(path.parent / str(source)) if source else None


def ministry_editors(units) -> list[str]:
    """The e-mails a units.yaml names as the ministry (top-level ``ministry: [...]``): they
    may still edit a locked Google round, with the service account."""
    if isinstance(units, list):
        return []
    from ..kinds.yaml_file import read_yaml
    data = read_yaml(Path(units), RoundError, "ทะเบียนหน่วยงาน", "unit registry")
    found = data.get("ministry") if isinstance(data, dict) else None
    found = [found] if isinstance(found, str) else found or []
    if not isinstance(found, list) or not all(isinstance(e, str) and "@" in e for e in found):
        raise RoundError(f"{units}: ministry ต้องเป็นรายการอีเมล", f"{units}: 'ministry' must be a list of e-mails")
    return found


def carried_cells(old, new, cumulative: set[str], carry: str) -> dict:
    """Cells of the new round's table ``new`` (a SheetResult) taken from the last round's
    ``old``, matched by code: narratives as drafts; with carry="results", a cumulative
    indicator's result and every quarter cell already typed (earlier quarters)."""
    rows = {str(c): r for r, c in new.inputs["code"].items() if c}
    cols, cells = new.layout.columns, {}
    quarters = [k for k in quarter_keys(old.layout.columns) if k in cols]
    for _, rec in old.inputs.iterrows():
        code = str(rec.get("code"))
        r = rows.get(code)
        if r is None:
            continue
        text = rec.get("details")
        if "details" in cols and isinstance(text, str) and text.strip():
            cells[(r, cols["details"])] = text if text.startswith(DRAFT_MARK) else f"{DRAFT_MARK} {text}"
        if carry != "results":
            continue
        typed_quarters = {k: rec.get(k) for k in quarters if rec.get(k) not in (None, "")}
        cells.update({(r, cols[k]): v for k, v in typed_quarters.items()})
        if code in cumulative and not typed_quarters and rec.get("result") is not None and "result" in cols:
            cells[(r, cols["result"])] = rec.get("result")
    return cells


def _carry_in(carry: str, previous, period: Period) -> str:
    """A new fiscal year starts its cumulative results and quarters from nothing."""
    try:
        same_year = previous is None or Period.parse(previous).fiscal_year == period.fiscal_year
    except SheetsSyncError:
        same_year = True
    return carry if same_year else "none"


def linked_drafts(old_grids: dict, new_grids: dict, template) -> dict:
    """The last round's words in the tables linked to the scorecard (the details tab,
    issue 13) as drafts in the new round's: {tab: {cell: value}}, nothing without one."""
    from ..kinds.details_sheet import carried_drafts
    return carried_drafts(old_grids, new_grids, template, DRAFT_MARK)


def _pairs(old_results, new_results):
    """Old and new tables of one kind of tab, matched by their name without the round."""
    by_base = {base_name(r.sheet): r for r in old_results}
    return [(by_base[base_name(n.sheet)], n) for n in new_results if base_name(n.sheet) in by_base]


def round_plan(canon, unit_name: str, period: Period):
    """The new round's tabs as a BookPlan named for the round, and the metadata values of
    those tabs (what sheets-sync wrote to them: computed, template and result records)."""
    from ..kinds.sheet_plan import BookPlan
    from ..workbook.init import laid_out
    kind, tpl = canon.kind, canon.template
    book = laid_out(kind, tpl, canon.indicators, unit=unit_name, period=period.code, version=canon.version)
    grids = book.grids()
    round_sheets = {lay.sheet for _, lay in kind.linked_tables(grids, tpl)}     # a details tab ...
    for res in kind.evaluate(grids, tpl, recorded={}):
        round_sheets |= {res.sheet, *res.other_cells}
    names = {s.name: tab_name(s.name, period) for s in book.sheets if s.name in round_sheets}
    sheets = [s for s in book.sheets if s.name in names]
    for s in sheets:
        s.name = names[s.name]
    values = {}
    for k, v in book.meta:
        head, _, sheet = str(k).partition(":")
        if sheet in names and head in ("computed", "template", "results"):
            values[f"{head}:{names[sheet]}"] = v
    return BookPlan(tpl, sheets), values


def new_round(units, template, period: Period | str, *, carry: str = "results", into: str = "tabs", out_dir=None,
              password: str | None = None, who: str = "sheets-sync", now: datetime | None = None,
              ministry: list[str] = (), **google) -> list[NewRound]:
    """For every unit, the round ``period`` from the canonical ``template`` (see the module
    docstring); ``password`` locks the previous round's .xlsx tabs (None: read-only
    without one); ``ministry``: e-mails besides the service account that may still edit
    a Google unit's previous round; ``google``: credentials, endpoint ..."""
    import os
    from ..kinds.canonical import Canonical, load_canonical
    from .rounds_lock import PASSWORD_ENV
    period = Period.parse(period)
    password = password or os.environ.get(PASSWORD_ENV)
    if carry not in ("results", "none"):
        raise RoundError(f"--carry ต้องเป็น results หรือ none ไม่ใช่ {carry}", f"--carry must be results or none, not {carry}")
    if into not in INTO:
        raise RoundError(f"--into ต้องเป็น tabs หรือ files ไม่ใช่ {into}", f"--into must be tabs or files, not {into}")
    ministry = [*ministry_editors(units), *ministry]
    units = load_units(units) if not isinstance(units, list) else units
    canon = template if isinstance(template, Canonical) else load_canonical(template)
    cumulative = cumulative_codes(canon.indicators) | (cumulative_codes(_raw_list(template)) if not
                                                         isinstance(template, Canonical) else set())
    out = []
    for u in units:
        if not u.is_google and not u.path.exists():
            out.append(NewRound(u.code, "skipped", u.target, "no workbook yet", detail_th="ยังไม่มีสมุดงาน"))
            continue
        if u.is_google and into == "files":
            out.append(NewRound(u.code, "skipped", u.target, "a Google unit gets its new round as tabs (--into tabs)",
                                detail_th="หน่วยงานบน Google ได้รอบใหม่เป็นแท็บ (--into tabs)"))
            continue
        try:
            if into == "files":
                out.append(_as_file(u, canon, period, cumulative, carry, out_dir, password, who, now))
            else:
                out.append(_as_tabs(u, canon, period, cumulative, carry, password, who, now, list(ministry), google))
        except SheetsSyncError as e:
            out.append(NewRound(u.code, "failed", u.target, e.en, detail_th=e.th))
    return out


def _as_file(u, canon, period, cumulative, carry, out_dir, password, who, now) -> NewRound:
    from ..backends.xlsx import XlsxWorkbook
    from ..backends.xlsx_book import XlsxBook
    from ..workbook.init import init
    from ..workbook.recalc import evaluate_book, recalc
    old = evaluate_book(XlsxBook(u.path))
    new = round_file(u.path, period, out_dir)
    init(new, kind=canon.template.kind, indicators=canon.indicators, unit=u.name, period=period.code,
         template=canon.template, version=canon.version)
    book = XlsxBook(new)
    fresh = evaluate_book(book)
    carry = _carry_in(carry, old.meta.get("period") or None, period)
    cells = {n.sheet: carried_cells(o, n, cumulative, carry) for o, n in _pairs(old.results, fresh.results)}
    tabs = _tabs_of(old)
    for sheet, more in linked_drafts({k: g for k, g in old.grids.items() if k in tabs}, fresh.grids,
                                     canon.template).items():
        cells.setdefault(sheet, {}).update(more)
    if any(cells.values()):
        book.write({s: c for s, c in cells.items() if c}, {})
    recalc(new)
    start(new, period, who, tab=fresh.results[0].sheet, now=now)
    wb = XlsxWorkbook(u.path)
    for tab in tabs:
        lock_xlsx_tab(wb, tab, password)
    previous = current_period(old.meta)
    if previous:    # the round goes on in the new file: push-template leaves this one alone
        wb.set_cells(META_SHEET, meta_cells(wb.grid(META_SHEET), {
            f"round:{previous}:tab": tabs_value(tabs), f"round:{previous}:next": new.name}))
    wb.save()
    n = sum(map(len, cells.values()))
    return NewRound(u.code, "created", str(new), f"{n} cells carried", tuple(r.sheet for r in fresh.results),
                    detail_th=f"ยกค่ามา {n} ช่อง")


def _tabs_of(ev) -> list[str]:
    """The tabs of the round evaluated: as the metadata records them, else its tables, the
    tabs they fill and the tables linked to them (a details tab) that no round claims."""
    from ..kinds.round_tabs import tabs_of
    recorded = round_tabs(ev.meta, tuple(ev.grids)).get(current_period(ev.meta) or "")
    if recorded:
        return recorded
    free = tabs_of(ev.meta, tuple(ev.grids)) or set(ev.grids)
    out = []
    linked = [lay.sheet for _, lay in ev.kind.linked_tables({k: g for k, g in ev.grids.items() if k in free}, ev.template)]
    for res in ev.results:
        out += [t for t in (res.sheet, *res.other_cells) if t not in out and t in ev.grids]
    return out + [t for t in linked if t not in out]


def _as_tabs(u, canon, period, cumulative, carry, password, who, now, ministry, google) -> NewRound:
    from ..backends.open import open_book
    from ..workbook.recalc import evaluate_book, recalc
    options = google if u.is_google else {}
    old = evaluate_book(open_book(u.target, **options))
    held = round_tabs(old.meta, tuple(old.grids))
    previous = current_period(old.meta)
    if previous == period.code or period.code in held:
        return NewRound(u.code, "skipped", u.target, f"the workbook already holds round {period.code}",
                        detail_th=f"สมุดงานมีรอบ {period.label_th} อยู่แล้ว")
    if previous and old.meta.get(f"round:{previous}:next"):    # new-round --into files went first
        goes_on = old.meta[f"round:{previous}:next"]
        return NewRound(u.code, "skipped", u.target, f"round {previous} already goes on in {goes_on}",
                        detail_th=f"รอบ {previous} ทำต่อในไฟล์ {goes_on} แล้ว")
    plan, values = round_plan(canon, u.name, period)
    new_tabs = [s.name for s in plan.sheets]
    old_tabs = _tabs_of(old)
    values.update(begin_values(old.meta, period, new_tabs, previous, old_tabs, who, now))
    # what is carried goes into the laid-out tabs themselves: one write adds them whole
    laid = canon.kind.evaluate(plan.grids(), canon.template, recorded={})
    cells = {n.sheet: carried_cells(o, n, cumulative, _carry_in(carry, previous, period))
             for o, n in _pairs(old.results, laid)}
    for sheet, more in linked_drafts({k: g for k, g in old.grids.items() if k in old_tabs}, plan.grids(),
                                     canon.template).items():
        cells.setdefault(sheet, {}).update(more)
    for sheet, carried in cells.items():
        plan.sheet(sheet).values.update(carried)
    if u.is_google:
        from .rounds_google import add_round_tabs
        add_round_tabs(u.target, plan, old_tabs, ministry, f"round {previous or '?'} (earlier round)", options)
        book = open_book(u.target, **options)      # the new tabs are the round's once the metadata says so
        book.write({META_SHEET: meta_cells(book.grids()[META_SHEET], values)}, {})
    else:
        from ..backends.xlsx import XlsxWorkbook
        from ..backends.xlsx_tabs import add_plan_sheets
        wb = XlsxWorkbook(u.path)
        for tab in old_tabs:      # locked first: the tab the workbook opened on loses its selection
            lock_xlsx_tab(wb, tab, password)
        add_plan_sheets(wb, plan)
        wb.set_cells(META_SHEET, meta_cells(wb.grid(META_SHEET), values))
        wb.save()
    recalc(u.target, **options)
    n = sum(map(len, cells.values()))
    return NewRound(u.code, "created", u.target, f"tabs {', '.join(new_tabs)}; {n} cells carried; "
                    f"{', '.join(old_tabs)} read-only", tuple(new_tabs),
                    detail_th=f"แท็บ {', '.join(new_tabs)}; ยกค่ามา {n} ช่อง; {', '.join(old_tabs)} อ่านอย่างเดียว")
