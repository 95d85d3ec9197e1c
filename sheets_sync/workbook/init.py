"""init: a new workbook of any kind, laid out by its kind, consistent from the start."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..core.errors import SheetsSyncError
from ..kinds.base import Kind, kind_of, template_named
from ..kinds.canonical import load_items
from ..kinds.sheet_plan import BookPlan, template_cells, title_text
from ..kinds.template import Template
from ..core.period import check_period


def init(out: str | Path | None = None, *, kind: str | None = None,
         indicators: str | Path | pd.DataFrame | None = None, unit: str | None = None, period: str | None = None,
         template: str | Template | None = None, overwrite: bool = False, google: bool = False,
         share: list[str] = (), owners: list[str] = (), version: int | None = None,
         meta: dict | None = None, **google_options) -> Path | str:
    """Write a new workbook in the template's layout (an .xlsx file, or a Google
    spreadsheet with ``google=True``: returns its URL)."""
    tpl = template_named(kind, template)
    if kind and tpl.kind != kind:
        raise SheetsSyncError(f"แม่แบบ {tpl.name} เป็นชนิด {tpl.kind} ไม่ใช่ {kind}",
                              f"template {tpl.name} is of kind {tpl.kind}, not {kind}")
    if period:
        period = check_period(period)   # the canonical code (ไตรมาส 2/2567 -> 2/2567)
    k = kind_of(tpl)
    rows = load_items(indicators, tpl) if indicators is not None else k.examples(tpl)
    book = laid_out(k, tpl, rows, unit=unit, period=period, version=version)
    book.meta += list((meta or {}).items())     # what the registry says of the unit (its target)
    if google:
        from ..backends.google.create import create_spreadsheet
        title = str(out) if out else title_text(tpl, unit, period)
        return create_spreadsheet(book, title, share=list(share), owners=list(owners), **google_options)
    if out is None:
        raise SheetsSyncError("ต้องระบุ --out", "--out is required (or --google)")
    out = Path(out)
    if out.exists() and not overwrite:
        raise SheetsSyncError(f"มีไฟล์ {out} อยู่แล้ว ไม่เขียนทับ (ใช้ --overwrite ถ้าต้องการ)",
                              f"{out} already exists; not overwriting it (pass --overwrite to replace it)")
    from ..backends.files import write_atomic
    from ..backends.xlsx_plan import workbook_bytes
    out.parent.mkdir(parents=True, exist_ok=True)
    # atomic, and with --overwrite unset never over a file that appeared meanwhile
    write_atomic(out, workbook_bytes(book), check_unchanged=not overwrite)
    return out


def laid_out(kind: Kind, tpl: Template, rows: pd.DataFrame, *, unit=None, period=None,
             version: int | None = None) -> BookPlan:
    """The kind's layout with every computed cell filled and the metadata recorded, so a
    new workbook is already what recalc would make it."""
    book = kind.lay_out(tpl, rows, unit=unit, period=period)
    results = kind.evaluate(book.grids(), tpl, recorded={})
    book.meta = [("sheets-sync", "ข้อมูลระบบ ห้ามแก้ไข / system data, do not edit"),
                 ("template", tpl.reference), ("kind", tpl.kind), ("template_version", version or tpl.version),
                 ("unit", unit or ""), ("period", period or ""),
                 # not ISO 8601: xlwings' remote engine parses such strings as dates
                 ("created", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))]
    for res in results:
        sheet = book.sheet(res.sheet)
        sheet.values.update({c: v for c, v in res.desired.items() if v is not None})
        for name, cells in res.other_cells.items():
            other = book.sheet(name)
            for cell, v in cells.items():
                if v is not None:   # the template's font, and figures with two decimals
                    other.put(cell, v, "text", "#,##0.00" if isinstance(v, float) else None)
        tcells = template_cells(tpl, res.layout.columns, res.layout.indicator_rows, lambda r, c: sheet.values.get((r, c)))
        held = {f"{code}|{f.key}": None for code in res.inputs["code"] for f in tpl.fields
                if f.owner == "unit" and f.type == "number" and f.key in res.layout.columns}
        book.meta += [(f"computed:{res.sheet}", res.recorded_blob()),
                      (f"results:{res.sheet}", json.dumps(held, ensure_ascii=False, separators=(",", ":"))),
                      (f"template:{res.sheet}", json.dumps(tcells, ensure_ascii=False, separators=(",", ":")))]
    book.meta += [(f"template:{name}", json.dumps(cells, ensure_ascii=False, separators=(",", ":")))
                  for name, cells in book.records.items()]
    return book
