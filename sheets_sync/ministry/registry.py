"""Ministry operations over every unit in the registry: provision and push-template."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..backends.open import open_book
from ..kinds.canonical import Canonical, load_canonical, version_number
from ..kinds.meta import META_SHEET, meta_cells
from ..kinds.round_tabs import RoundLocked
from ..core.errors import SheetsSyncError, TemplateError
from .sync import PushPlan, plan_push
from .units import Unit, load_units, record_sheet


@dataclass
class UnitOutcome:
    unit: Unit
    status: str                  # created, exists, updated, unchanged, failed, would-update
    target: str = ""
    plan: PushPlan | None = None
    error: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {"unit": self.unit.code, "name": self.unit.name, "status": self.status, "target": self.target}
        if self.plan is not None:
            out.update(sheet=self.plan.sheet, version_from=self.plan.version_from, version_to=self.plan.version_to,
                       operations=[list(op) for op in self.plan.ops],
                       changes=[c.to_dict() for c in self.plan.changes], locked=self.plan.locked)
        if self.error:
            out["error"] = self.error
        return out


def _each(units, progress: Callable | None):
    for u in units:
        yield u
        if progress:
            progress(u)


def provision(units: str | Path | list[Unit], template: str | Path | Canonical, *, period: str | None = None,
              progress: Callable | None = None, **google) -> list[UnitOutcome]:
    """Create every missing unit sheet from the canonical template; leave existing ones alone."""
    from ..workbook.init import init
    units = load_units(units) if not isinstance(units, list) else units
    canon = template if isinstance(template, Canonical) else load_canonical(template)
    refuse_unfit(canon, "สร้างแผ่นงานของหน่วยงาน", "provisioned")
    out = []
    for u in _each(units, progress):
        try:
            if u.is_google:
                if u.sheet.lower() in ("new", "google", "new-google"):
                    url = init(None, indicators=canon.indicators, unit=u.name, period=period, google=True,
                               share=u.owners, template=canon.template, version=canon.version, meta=u.meta,
                               **google)
                    out.append(_record_new(u, url))
                else:
                    open_book(u.sheet, **google).grids()
                    out.append(UnitOutcome(u, "exists", u.sheet))
            elif u.path.exists():
                out.append(UnitOutcome(u, "exists", str(u.path)))
            else:
                init(u.path, kind=canon.template.kind, indicators=canon.indicators, unit=u.name, period=period,
                     template=canon.template, version=canon.version, meta=u.meta)
                out.append(UnitOutcome(u, "created", str(u.path)))
        except SheetsSyncError as e:
            out.append(UnitOutcome(u, "failed", u.target, error=e.said))
        except Exception as e:  # noqa: BLE001 - one broken unit must not stop the others
            out.append(UnitOutcome(u, "failed", u.target, error=f"{type(e).__name__}: {e}"))
    return out


def _record_new(u: Unit, url: str) -> UnitOutcome:
    """The spreadsheet just created for a ``sheet: new`` unit goes into units.yaml at once,
    so the next run finds it (and consolidate reads it) instead of creating another one."""
    from ..backends.google.book import spreadsheet_key
    key = spreadsheet_key(url) or url
    if u.source is None or u.index is None:
        return UnitOutcome(u, "created", url, details={"note": f"record sheet: {key} for {u.code} in units.yaml"})
    try:
        record_sheet(u.source, u.index, key)
    except (OSError, SheetsSyncError) as e:
        msg = getattr(e, "en", None) or str(e)
        return UnitOutcome(u, "created", url, error=f"created {url}, but units.yaml was not updated ({msg}): "
                                                    f"write sheet: {key} for {u.code} by hand")
    u.sheet = key
    return UnitOutcome(u, "created", url, details={"note": f"key {key} written into {u.source.name}"})


def refuse_unfit(canon: Canonical, doing_th: str, doing_en: str) -> None:
    """A definition wrong as a whole (weights adding up to 95) is refused before any unit
    is touched: sent out, it would be wrong in every unit's sheet at once."""
    why = canon.kind.unfit_to_send(canon.indicators, canon.template)
    if why:
        raise TemplateError(
            f"{canon.source}: {'; '.join(th for th, _ in why)} จึงไม่ได้{doing_th} แก้ไฟล์นิยามก่อน ไม่ได้เขียนอะไร",
            f"{canon.source}: {'; '.join(en for _, en in why)}: not {doing_en}; fix the definition first; "
            f"nothing was written")


def refuse_older(plan: PushPlan) -> None:
    """A sheet already at a newer version than the definition pushed: a stale ministry.yaml
    would roll its weights and indicators back (and archive the newer ones)."""
    have, want = version_number(plan.version_from), version_number(plan.version_to)
    if have is not None and want is not None and want < have:
        raise SheetsSyncError(
            f"แผ่นงานใช้แม่แบบรุ่น {have} ใหม่กว่ารุ่น {want} ที่จะส่งไป (ไฟล์นิยามเก่า?) จึงไม่ได้ส่ง "
            f"ใช้ --allow-older ถ้าตั้งใจย้อนกลับ ไม่ได้เขียนอะไร",
            f"the sheet is at template version {have}, newer than the {want} being pushed (an old "
            f"definition file?): not pushed; use --allow-older to roll it back on purpose; nothing was written")


def push_template(units: str | Path | list[Unit], template: str | Path | Canonical, *, dry_run: bool = False,
                  force: bool = False, allow_older: bool = False, progress: Callable | None = None,
                  **google) -> list[UnitOutcome]:
    """Rewrite template-owned cells of every unit sheet to the canonical definition, add new
    indicators, archive retired ones, recalculate; one batched write per unit sheet.
    ``force`` writes an .xlsx unit even though its lock file says it is open; a sheet at a
    newer template version than the definition is refused unless ``allow_older``."""
    units = load_units(units) if not isinstance(units, list) else units
    canon = template if isinstance(template, Canonical) else load_canonical(template)
    refuse_unfit(canon, "ส่งไปยังหน่วยงาน", "pushed")
    from ..backends.files import retry_on_change

    def push_one(u: Unit) -> UnitOutcome:
        book = open_book(u.target, **(google if u.is_google else {"force": force}))
        grids = book.grids()
        plan = plan_push(grids, canon)
        if not allow_older:
            refuse_older(plan)
        if u.meta and META_SHEET in grids:     # what units.yaml says of the unit (its target)
            extra = meta_cells(grids[META_SHEET], u.meta)
            if extra:
                plan.cells.setdefault(META_SHEET, {}).update(extra)
        if plan.empty:
            return UnitOutcome(u, "unchanged", u.target, plan)
        if not dry_run:
            book.write(plan.cells, plan.notes, ops=plan.ops)
        status = "would-update" if dry_run else ("updated" if plan.changes or plan.ops else "version")
        return UnitOutcome(u, status, u.target, plan)
    out = []
    for u in _each(units, progress):
        try:
            # a unit saving its workbook meanwhile: read it again and re-plan, never overwrite
            out.append(retry_on_change(lambda: push_one(u)))
        except RoundLocked as e:       # submitted / approved / earlier rounds: never written
            out.append(UnitOutcome(u, "locked", u.target, details={"note": e.en}))
        except SheetsSyncError as e:
            out.append(UnitOutcome(u, "failed", u.target, error=e.said))
        except Exception as e:  # noqa: BLE001 - one broken unit must not stop the others
            out.append(UnitOutcome(u, "failed", u.target, error=f"{type(e).__name__}: {e}"))
    return out
