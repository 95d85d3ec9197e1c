"""Rounds of reporting (issue 12): each round of a unit's workbook has a state, ร่าง
(draft) -> ส่งแล้ว (submitted) -> อนุมัติ (approved), set by ``submit`` and ``approve``
with who and when, and ``status`` says per unit who has submitted, who is late and who
has not started, against the round's deadline (default: day 10 of the month after).

The state lives in the hidden metadata sheet (kinds/meta.py), under keys per round::

    round:<code>:state           ร่าง | ส่งแล้ว | อนุมัติ
    round:<code>:by, :at         who made the last change, when (UTC stamp)
    round:<code>:submitted_by, :submitted_at, :approved_by, :approved_at
    round:<code>:tab             the tab holding the round (default: the workbook's table)

A workbook whose ``period`` (written by init) is the round counts as started (ร่าง) even
before any round key exists. A submitted .xlsx round is locked: its tab gets sheet
protection with a password the ministry holds (Excel's legacy 16-bit hash) and every
cell of that tab is locked, also the unit's input cells (their styles are cloned with
``locked=1``, so other tabs that share the styles stay editable).
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from ..core.errors import SheetsSyncError
from ..core.period import Period
from ..core.thai_time import BANGKOK, parse_stamp, thai_datetime
from ..kinds.meta import META_SHEET, meta_cells, read_meta
from .units import Unit, load_units

DRAFT, SUBMITTED, APPROVED = "ร่าง", "ส่งแล้ว", "อนุมัติ"
NOT_STARTED = "ยังไม่เริ่ม"
STATE_EN = {DRAFT: "draft", SUBMITTED: "submitted", APPROVED: "approved", NOT_STARTED: "not started"}
PASSWORD_ENV = "SHEETS_SYNC_LOCK_PASSWORD"


class RoundError(SheetsSyncError):
    pass


def key(period: Period | str, field: str) -> str:
    return f"round:{Period.parse(period).code}:{field}"


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def started(meta: dict, period: Period | str) -> bool:
    period = Period.parse(period)
    if meta.get(key(period, "state")):
        return True
    try:
        return bool(meta.get("period")) and Period.parse(meta["period"]) == period
    except SheetsSyncError:
        return False


def state_in(meta: dict, period: Period | str) -> str:
    """The round's state as the metadata records it (ร่าง / ส่งแล้ว / อนุมัติ), or
    ยังไม่เริ่ม when the workbook has no such round."""
    if not started(meta, period):
        return NOT_STARTED
    state = str(meta.get(key(period, "state")) or DRAFT)
    return state if state in (DRAFT, SUBMITTED, APPROVED) else DRAFT


def round_tab(meta: dict, period: Period | str, sheets) -> str:
    """The tab holding the round: as recorded, else the table sheets-sync computes."""
    tab = meta.get(key(period, "tab"))
    if tab and tab in sheets:
        return tab
    tables = [k[len("computed:"):] for k in meta if k.startswith("computed:") and k[len("computed:"):] in sheets]
    if not tables:
        raise RoundError("ไม่พบแผ่นงานของรอบนี้ในสมุดงาน", "the workbook has no tab for this round")
    return tables[0]


# -- Excel's sheet protection -----------------------------------------------------------
def excel_password_hash(password: str) -> str:
    """Excel's legacy 16-bit sheet-protection hash (ECMA-376 Part 4, 'password' attribute)
    as 4 hex digits: 'password' -> '83AF'."""
    if not password or len(password) > 15 or not password.isascii():
        raise RoundError("รหัสผ่านล็อกแผ่นงานต้องเป็นอักษรอังกฤษ/ตัวเลข 1-15 ตัว",
                         "the sheet-lock password must be 1-15 ASCII characters (Excel's legacy protection)")
    h = 0
    for i, ch in enumerate(password, 1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password) ^ 0xCE4B
    return f"{h:04X}"


def lock_xlsx_tab(workbook, sheet: str, password: str | None) -> None:
    """Protect ``sheet`` of an XlsxWorkbook with ``password`` (None: protection without
    one, read-only as a guard), every cell locked (the caller saves). Only that sheet's
    part and the styles part change."""
    from lxml import etree
    from ..backends.xlsx import Q
    hashed = excel_password_hash(password) if password is not None else None
    part = workbook.sheet(sheet).part
    root = workbook._xml(part)
    workbook._dirty.add(part)
    clones: dict[int, int] = {}
    if "xl/styles.xml" in workbook.parts:
        styles = workbook._xml("xl/styles.xml")
        xfs = styles.find(f"{Q}cellXfs")
        originals = list(xfs) if xfs is not None else []

        def locked(i: int) -> int:
            if i >= len(originals):
                return i
            prot = originals[i].find(f"{Q}protection")
            if prot is None or prot.get("locked") not in ("0", "false"):
                return i
            if i not in clones:
                clone = copy.deepcopy(originals[i])
                clone.find(f"{Q}protection").set("locked", "1")
                clone.set("applyProtection", "1")
                xfs.append(clone)
                clones[i] = len(xfs) - 1
                xfs.set("count", str(len(xfs)))
                workbook._dirty.add("xl/styles.xml")
            return clones[i]
        for el, attr in ([(c, "s") for c in root.iter(f"{Q}c")] + [(r, "s") for r in root.iter(f"{Q}row")]
                         + [(c, "style") for c in root.iter(f"{Q}col")]):
            if el.get(attr, "").isdigit() and (n := locked(int(el.get(attr)))) != int(el.get(attr)):
                el.set(attr, str(n))
    prot = root.find(f"{Q}sheetProtection")
    if prot is None:
        after = root.find(f"{Q}sheetCalcPr")
        after = after if after is not None else root.find(f"{Q}sheetData")
        prot = etree.Element(f"{Q}sheetProtection")
        after.addnext(prot)
    prot.attrib.clear()   # nothing left allowed (format, insert rows ...), old hashes gone
    for k, v in (("password", hashed), ("sheet", "1"), ("objects", "1"), ("scenarios", "1")):
        if v:
            prot.set(k, v)


# -- state changes ----------------------------------------------------------------------
def _is_xlsx(target) -> bool:
    t = str(target)
    return t.lower().endswith((".xlsx", ".xlsm")) or Path(t).exists()


def _change(target, period: Period, values_for, lock_password: str | None = None, force: bool = False):
    """Read the metadata, let ``values_for(meta)`` say what to record, write it (and, on
    .xlsx with a password, lock the round's tab) in one save. Returns the new meta."""
    if _is_xlsx(target):
        from ..backends.xlsx import XlsxWorkbook
        wb = XlsxWorkbook(target, force=force)
        if not wb.has_sheet(META_SHEET):
            raise RoundError(f"{target}: ไม่ใช่สมุดงานที่ sheets-sync สร้าง (ไม่มีแผ่นงาน {META_SHEET})",
                             f"{target}: not a sheets-sync workbook (no {META_SHEET} sheet)")
        grid = wb.grid(META_SHEET)
        meta = read_meta(grid)
        values = values_for(meta)
        if cells := meta_cells(grid, values):
            wb.set_cells(META_SHEET, cells)
        if lock_password:
            lock_xlsx_tab(wb, round_tab(meta, period, [s.name for s in wb.sheets]), lock_password)
        wb.save()
        return {**meta, **values}
    from ..backends.open import open_book
    book = open_book(target)
    grids = book.grids()
    if META_SHEET not in grids:
        raise RoundError(f"{target}: ไม่ใช่สมุดงานที่ sheets-sync สร้าง", f"{target}: not a sheets-sync workbook")
    meta = read_meta(grids[META_SHEET])
    values = values_for(meta)
    book.write({META_SHEET: meta_cells(grids[META_SHEET], values)}, {})
    return {**meta, **values}


def _transition(period: Period, who: str, now, frm: tuple[str, ...], to: str, field: str):
    if not str(who or "").strip():
        raise RoundError("ต้องระบุผู้ดำเนินการ (--by)", "say who does this (--by)")

    def values_for(meta):
        state = state_in(meta, period)
        if state not in frm:
            raise RoundError(f"รอบ {period.label_th} อยู่ในสถานะ {state} จึง{field}ไม่ได้",
                             f"round {period.code} is {STATE_EN[state]}: cannot mark it {STATE_EN[to]}")
        stamp = _stamp(now)
        return {key(period, "state"): to, key(period, "by"): who, key(period, "at"): stamp,
                key(period, f"{STATE_EN[to]}_by"): who, key(period, f"{STATE_EN[to]}_at"): stamp}
    return values_for


def submit(target, period: Period | str, who: str, *, password: str | None = None,
           now: datetime | None = None, force: bool = False) -> dict:
    """ร่าง -> ส่งแล้ว, recorded with who and when; an .xlsx round tab is locked with the
    ministry's password (``password``, else $SHEETS_SYNC_LOCK_PASSWORD; required for
    .xlsx). Google: the state is recorded; protecting the range for everyone but the
    ministry is the Google backend's part (see the report of issue 12)."""
    period = Period.parse(period)
    password = password or os.environ.get(PASSWORD_ENV)
    if _is_xlsx(target) and not password:
        raise RoundError(f"ต้องมีรหัสผ่านของกระทรวงเพื่อล็อกรอบที่ส่งแล้ว (--password หรือ ${PASSWORD_ENV})",
                         f"the ministry's password is needed to lock a submitted round (--password or ${PASSWORD_ENV})")
    return _change(target, period, _transition(period, who, now, (DRAFT,), SUBMITTED, "ส่ง"), password, force)


def approve(target, period: Period | str, who: str, *, now: datetime | None = None, force: bool = False) -> dict:
    """ส่งแล้ว -> อนุมัติ (the tab stays locked)."""
    period = Period.parse(period)
    return _change(target, period, _transition(period, who, now, (SUBMITTED,), APPROVED, "อนุมัติ"), None, force)


def start(target, period: Period | str, who: str = "sheets-sync", *, tab: str | None = None,
          now: datetime | None = None, force: bool = False) -> dict:
    """Record a new round as ร่าง (what new-round does for each unit)."""
    period = Period.parse(period)

    def values_for(meta):
        if meta.get(key(period, "state")):
            return {}
        out = {key(period, "state"): DRAFT, key(period, "by"): who, key(period, "at"): _stamp(now)}
        return {**out, key(period, "tab"): tab} if tab else out
    return _change(target, period, values_for, None, force)


# -- status -----------------------------------------------------------------------------
@dataclass
class UnitStatus:
    code: str
    name: str
    state: str                  # ร่าง / ส่งแล้ว / อนุมัติ / ยังไม่เริ่ม
    deadline: date
    late: bool                  # not submitted by the deadline (or submitted after it)
    by: str = ""
    at: str = ""                # UTC stamp of the last change
    error: str = ""             # the workbook could not be read

    @property
    def label(self) -> str:
        """submitted / approved / submitted late / late / draft / not started / unreadable"""
        if self.error:
            return "unreadable"
        if self.state in (SUBMITTED, APPROVED):
            return f"{STATE_EN[self.state]} late" if self.late else STATE_EN[self.state]
        if self.late:
            return "late" if self.state == DRAFT else "not started, late"
        return STATE_EN[self.state]

    @property
    def at_th(self) -> str:
        return thai_datetime(self.at) if self.at else ""

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "state": self.state, "state_en": STATE_EN.get(self.state),
                "label": self.label, "late": self.late, "deadline": self.deadline.isoformat(), "by": self.by,
                "at": self.at, "at_th": self.at_th, "error": self.error}


def read_unit_meta(unit: Unit) -> dict:
    from ..backends.open import open_book
    if unit.path is not None and not unit.path.exists():
        return {}
    grids = open_book(unit.target).grids()
    return read_meta(grids.get(META_SHEET))


def status(units: str | Path | list[Unit], period: Period | str, *, today: date | None = None,
           deadline: date | None = None, read=read_unit_meta) -> list[UnitStatus]:
    """Per unit: the round's state, and whether it is late against ``deadline`` (default
    the period's: day 10 of the month after it ends) as of ``today`` (Bangkok date)."""
    period = Period.parse(period)
    units = load_units(units) if not isinstance(units, list) else units
    due = deadline or period.deadline
    today = today or datetime.now(BANGKOK).date()
    out = []
    for u in units:
        try:
            meta = read(u)
        except SheetsSyncError as e:
            out.append(UnitStatus(u.code, u.name, NOT_STARTED, due, today > due, error=e.en))
            continue
        state = state_in(meta, period)
        by, at = str(meta.get(key(period, "by")) or ""), str(meta.get(key(period, "at")) or "")
        if state in (SUBMITTED, APPROVED):
            sent = meta.get(key(period, "submitted_at")) or at
            try:
                late = parse_stamp(str(sent)).astimezone(BANGKOK).date() > due
            except SheetsSyncError:
                late = False
        else:
            late = today > due
        out.append(UnitStatus(u.code, u.name, state, due, late, by, at))
    return out


# -- new round --------------------------------------------------------------------------
DRAFT_MARK = "(ร่าง)"   # seed 000 marks narratives not yet final this way


@dataclass
class NewRound:
    code: str
    outcome: str          # created | skipped | failed
    path: str = ""
    detail: str = ""


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
    the template's fields; ``cumulative`` is not one of them yet)."""
    from ..kinds.canonical import read_list
    from ..kinds.yaml_file import read_yaml
    path = Path(ministry_yaml)
    data = read_yaml(path, RoundError, "แม่แบบกลาง", "canonical definition")
    source = data.get("indicators") if isinstance(data, dict) else None
    if isinstance(source, list):
        import pandas as pd
        return pd.DataFrame(source, dtype=object)
    return read_list(path.parent / str(source)) if source else None


def new_round(units, template, period: Period | str, *, carry: str = "results", out_dir=None,
              password: str | None = None, who: str = "sheets-sync", now: datetime | None = None) -> list[NewRound]:
    """For every .xlsx unit: a new workbook for ``period`` from the canonical template,
    the unit's narratives carried as drafts ("(ร่าง) ..."), and with ``carry="results"``
    the last round's results of the indicators the canonical list marks ``cumulative``;
    the previous round's tab becomes read-only (locked, with ``password`` if given).
    Google units, and a new tab in the same workbook, are not done here yet (skipped)."""
    from ..backends.xlsx import XlsxWorkbook
    from ..backends.xlsx_book import XlsxBook
    from ..kinds.canonical import Canonical, load_canonical
    from ..kinds.details_sheet import carried_drafts
    from ..workbook.init import init
    from ..workbook.recalc import evaluate_book, recalc
    period = Period.parse(period)
    if carry not in ("results", "none"):
        raise RoundError(f"--carry ต้องเป็น results หรือ none ไม่ใช่ {carry}", f"--carry must be results or none, not {carry}")
    units = load_units(units) if not isinstance(units, list) else units
    canon = template if isinstance(template, Canonical) else load_canonical(template)
    cumulative = cumulative_codes(canon.indicators) | (cumulative_codes(_raw_list(template)) if not
                                                         isinstance(template, Canonical) else set())
    out = []
    for u in units:
        if u.is_google or not u.path.exists():
            out.append(NewRound(u.code, "skipped", u.target, "Google unit" if u.is_google else "no workbook yet"))
            continue
        try:
            old = evaluate_book(XlsxBook(u.path)).results[0]
            new = round_file(u.path, period, out_dir)
            init(new, kind=canon.template.kind, indicators=canon.indicators, unit=u.name, period=period.code,
                 template=canon.template, version=canon.version)
            book = XlsxBook(new)
            res = evaluate_book(book).results[0]
            rows = {str(c): r for r, c in res.inputs["code"].items() if c}
            cols, cells = res.layout.columns, {}
            for _, rec in old.inputs.iterrows():
                r = rows.get(str(rec.get("code")))
                text = rec.get("details")
                if r is None:
                    continue
                if "details" in cols and isinstance(text, str) and text.strip():
                    cells[(r, cols["details"])] = text if text.startswith(DRAFT_MARK) else f"{DRAFT_MARK} {text}"
                if carry == "results" and str(rec.get("code")) in cumulative and rec.get("result") is not None:
                    cells[(r, cols["result"])] = rec.get("result")
            # the details tab's narratives too (issue 13), as drafts
            writes = {**({res.sheet: cells} if cells else {}),
                      **carried_drafts(XlsxBook(u.path).grids(), book.grids(), canon.template, DRAFT_MARK)}
            if writes:
                book.write(writes, {})
            recalc(new)
            start(new, period, who, tab=res.sheet, now=now)
            wb = XlsxWorkbook(u.path)
            lock_xlsx_tab(wb, old.sheet, password)
            wb.save()
            out.append(NewRound(u.code, "created", str(new), f"{sum(map(len, writes.values()))} cells carried"))
        except SheetsSyncError as e:
            out.append(NewRound(u.code, "failed", u.target, e.en))
    return out
