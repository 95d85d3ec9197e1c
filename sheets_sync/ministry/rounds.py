"""Rounds of reporting (issue 12): each round of a unit's workbook has a state, ร่าง
(draft) -> ส่งแล้ว (submitted) -> อนุมัติ (approved), set by ``submit`` and ``approve``
with who and when, and ``status`` says per unit who has submitted, who is late and who
has not started, against the round's deadline (default: day 10 of the month after).

The state lives in the hidden metadata sheet (kinds/meta.py), under keys per round::

    round:<code>:state           ร่าง | ส่งแล้ว | อนุมัติ
    round:<code>:by, :at         who made the last change, when (UTC stamp)
    round:<code>:submitted_by, :submitted_at, :approved_by, :approved_at
    round:<code>:tab             the round's tab(s) (kinds/round_tabs.py; default: the
                                 workbook's tables)

A workbook whose ``period`` (written by init) is the round counts as started (ร่าง) even
before any round key exists. A submitted round is locked for everyone but the ministry
(rounds_lock.py: .xlsx sheet protection with the ministry's password; Google protected
ranges). new-round is rounds_new.py.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from ..core.errors import SheetsSyncError
from ..core.period import Period
from ..core.thai_time import BANGKOK, parse_stamp, thai_datetime, to_bangkok
from ..kinds.meta import META_SHEET, meta_cells, read_meta
from ..kinds.round_tabs import round_tabs
from .rounds_lock import PASSWORD_ENV, RoundError, excel_password_hash, lock_google_tabs, lock_xlsx_tab  # noqa: F401
from .units import Unit, load_units


class AlreadyDone(RoundError):
    """The round is already in the state asked for: nothing to do (not a failure)."""

DRAFT, SUBMITTED, APPROVED = "ร่าง", "ส่งแล้ว", "อนุมัติ"
NOT_STARTED = "ยังไม่เริ่ม"
STATE_EN = {DRAFT: "draft", SUBMITTED: "submitted", APPROVED: "approved", NOT_STARTED: "not started"}


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


def tabs_of_round(meta: dict, period: Period | str, sheets) -> list[str]:
    """The tabs holding the round: as recorded, else the tables sheets-sync computes that
    no other round claims."""
    rounds = round_tabs(meta, sheets)
    code = Period.parse(period).code
    if code in rounds:
        return rounds[code]
    claimed = {t for tabs in rounds.values() for t in tabs}
    tables = [k[len("computed:"):] for k in meta if k.startswith("computed:") and k[len("computed:"):] in sheets
              and k[len("computed:"):] not in claimed]
    if not tables:
        raise RoundError(f"ไม่พบแผ่นงานของรอบ {code} ในสมุดงาน", f"the workbook has no tab for round {code}")
    return tables


# -- state changes ----------------------------------------------------------------------
def _is_xlsx(target) -> bool:
    t = str(target)
    return t.lower().endswith((".xlsx", ".xlsm")) or Path(t).exists()


def _change(target, period: Period, values_for, lock_password: str | None = None, force: bool = False,
            lock_google: bool = False, ministry: list[str] = (), **google):
    """Read the metadata, let ``values_for(meta)`` say what to record, write it (and lock
    the round's tabs: .xlsx with ``lock_password``, Google with ``lock_google``, editable
    by the service account and ``ministry``) in one save. Returns the new meta."""
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
            for tab in tabs_of_round(meta, period, [s.name for s in wb.sheets]):
                lock_xlsx_tab(wb, tab, lock_password)
        wb.save()
        return {**meta, **values}
    from ..backends.open import open_book
    book = open_book(target, **google)
    grids = book.grids()
    if META_SHEET not in grids:
        raise RoundError(f"{target}: ไม่ใช่สมุดงานที่ sheets-sync สร้าง", f"{target}: not a sheets-sync workbook")
    meta = read_meta(grids[META_SHEET])
    values = values_for(meta)
    if lock_google:     # locked before the state says so: never "submitted" yet editable
        lock_google_tabs(book, tabs_of_round(meta, period, list(grids)), list(ministry), f"round {period.code}")
    book.write({META_SHEET: meta_cells(grids[META_SHEET], values)}, {})
    return {**meta, **values}


def _bangkok_en(at: str) -> str:
    """The stamp in the same Bangkok time as the Thai sentence beside it says."""
    try:
        return f"{to_bangkok(parse_stamp(at)):%Y-%m-%d %H:%M} Bangkok time" if at else "?"
    except SheetsSyncError:
        return at


def _transition(period: Period, who: str, now, frm: tuple[str, ...], to: str, field: str):
    if not str(who or "").strip():
        raise RoundError("ต้องระบุผู้ดำเนินการ (--by)", "say who does this (--by)")

    def values_for(meta):
        state = state_in(meta, period)
        if state == to:
            by = meta.get(key(period, f"{STATE_EN[to]}_by")) or meta.get(key(period, "by")) or "?"
            at = meta.get(key(period, f"{STATE_EN[to]}_at")) or meta.get(key(period, "at")) or ""
            at_th = thai_datetime(at) if at else "?"
            at_en = _bangkok_en(at)
            done_th = {SUBMITTED: "ส่งแล้ว", APPROVED: "อนุมัติแล้ว"}.get(state, state)
            raise AlreadyDone(f"รอบ {period.label_th} {done_th} โดย {by} เมื่อ {at_th} ไม่ได้เขียนอะไร",
                              f"round {period.code} is already {STATE_EN[to]} (by {by}, {at_en}): nothing written")
        if state not in frm:
            raise RoundError(f"รอบ {period.label_th} อยู่ในสถานะ {state} จึง{field}ไม่ได้",
                             f"round {period.code} is {STATE_EN[state]}: cannot mark it {STATE_EN[to]}")
        stamp = _stamp(now)
        return {key(period, "state"): to, key(period, "by"): who, key(period, "at"): stamp,
                key(period, f"{STATE_EN[to]}_by"): who, key(period, f"{STATE_EN[to]}_at"): stamp}
    return values_for


def submit(target, period: Period | str, who: str, *, password: str | None = None,
           now: datetime | None = None, force: bool = False, ministry: list[str] = (), **google) -> dict:
    """ร่าง -> ส่งแล้ว, recorded with who and when, and the round's tabs locked: .xlsx with
    the ministry's password (``password``, else $SHEETS_SYNC_LOCK_PASSWORD; required for
    .xlsx); Google with a protected range only the service account and ``ministry``
    (e-mails) may edit. ``google``: credentials, endpoint ... for a Google target."""
    period = Period.parse(period)
    password = password or os.environ.get(PASSWORD_ENV)
    if _is_xlsx(target) and not password:
        raise RoundError(f"ต้องมีรหัสผ่านของกระทรวงเพื่อล็อกรอบที่ส่งแล้ว (--password หรือ ${PASSWORD_ENV})",
                         f"the ministry's password is needed to lock a submitted round (--password or ${PASSWORD_ENV})")
    transition = _transition(period, who, now, (DRAFT,), SUBMITTED, "ส่ง")
    # the figures as submitted: computed and recorded just before the lock, so a cell
    # changed afterwards is told (workbook/locked_rounds.py)
    from ..workbook.recalc import recalc
    recalc(target, force=force, **google) if _is_xlsx(target) else recalc(target, **google)
    return _change(target, period, transition, password, force, lock_google=True, ministry=ministry, **google)


def approve(target, period: Period | str, who: str, *, now: datetime | None = None, force: bool = False,
            **google) -> dict:
    """ส่งแล้ว -> อนุมัติ (the tabs stay locked)."""
    period = Period.parse(period)
    return _change(target, period, _transition(period, who, now, (SUBMITTED,), APPROVED, "อนุมัติ"), None, force,
                   **google)


def start(target, period: Period | str, who: str = "sheets-sync", *, tab: str | None = None,
          now: datetime | None = None, force: bool = False) -> dict:
    """Record a new round as ร่าง (what new-round does for each unit, new file)."""
    period = Period.parse(period)

    def values_for(meta):
        if meta.get(key(period, "state")):
            return {}
        out = {key(period, "state"): DRAFT, key(period, "by"): who, key(period, "at"): _stamp(now)}
        return {**out, key(period, "tab"): tab} if tab else out
    return _change(target, period, values_for, None, force)


def begin_values(meta: dict, period: Period, tabs: list[str], previous: str | None, previous_tabs: list[str],
                 who: str, now: datetime | None) -> dict:
    """The metadata of a new round in the same workbook: it is the workbook's period now,
    a draft, with its tabs; the previous round keeps its state and tabs recorded."""
    from ..kinds.round_tabs import tabs_value
    stamp = _stamp(now)
    out = {"period": period.code, key(period, "state"): DRAFT, key(period, "by"): who, key(period, "at"): stamp,
           key(period, "tab"): tabs_value(tabs)}
    if previous:
        if not meta.get(key(previous, "state")):
            out[key(previous, "state")] = DRAFT
        out[key(previous, "tab")] = tabs_value(previous_tabs)
    return out


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
    missing: bool = False       # no workbook at the unit's path yet (not started)

    @property
    def label(self) -> str:
        """submitted / approved / submitted late / draft, late / draft / not started / unreadable"""
        if self.error:
            return "unreadable"
        if self.state in (SUBMITTED, APPROVED):
            return f"{STATE_EN[self.state]} late" if self.late else STATE_EN[self.state]
        if self.late:
            return "draft, late" if self.state == DRAFT else "not started, late"   # as the Thai label
        return STATE_EN[self.state]

    @property
    def label_th(self) -> str:
        """The label in Thai: ส่งแล้ว / อนุมัติ / ส่งล่าช้า / ล่าช้า / ร่าง / ยังไม่เริ่ม / อ่านไม่ได้."""
        if self.error:
            return "อ่านไม่ได้"
        if self.state in (SUBMITTED, APPROVED):
            return f"{self.state} (ล่าช้า)" if self.late else self.state
        if self.late:
            return "ร่าง ล่าช้า" if self.state == DRAFT else "ยังไม่เริ่ม ล่าช้า"
        return self.state

    @property
    def at_th(self) -> str:
        return thai_datetime(self.at) if self.at else ""

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "state": self.state, "state_en": STATE_EN.get(self.state),
                "label": self.label, "label_th": self.label_th, "missing": self.missing, "late": self.late, "deadline": self.deadline.isoformat(), "by": self.by,
                "at": self.at, "at_th": self.at_th, "error": self.error}


def read_unit_meta(unit: Unit, **google) -> dict:
    from ..backends.open import open_book
    if unit.path is not None and not unit.path.exists():
        return {}
    grids = open_book(unit.target, **(google if unit.is_google else {})).grids()
    return read_meta(grids.get(META_SHEET))


def status(units: str | Path | list[Unit], period: Period | str, *, today: date | None = None,
           deadline: date | None = None, read=None, **google) -> list[UnitStatus]:
    """Per unit: the round's state, and whether it is late against ``deadline`` (default
    the period's: day 10 of the month after it ends) as of ``today`` (Bangkok date)."""
    period = Period.parse(period)
    units = load_units(units) if not isinstance(units, list) else units
    due = deadline or period.deadline
    today = today or datetime.now(BANGKOK).date()
    read = read or (lambda u: read_unit_meta(u, **google))
    out = []
    for u in units:
        try:
            meta = read(u)
        except SheetsSyncError as e:
            out.append(UnitStatus(u.code, u.name, NOT_STARTED, due, today > due, error=e.en))
            continue
        state = state_in(meta, period)
        missing = u.path is not None and not u.path.exists()
        by, at = str(meta.get(key(period, "by")) or ""), str(meta.get(key(period, "at")) or "")
        if state in (SUBMITTED, APPROVED):
            sent = meta.get(key(period, "submitted_at")) or at
            try:
                late = parse_stamp(str(sent)).astimezone(BANGKOK).date() > due
            except SheetsSyncError:
                late = False
        else:
            late = today > due
        out.append(UnitStatus(u.code, u.name, state, due, late, by, at, missing=missing))
    return out
