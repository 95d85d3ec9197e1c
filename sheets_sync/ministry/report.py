"""``report``: seed 003's per-indicator report of one unit (one indicator or all), or
the ministry's document with every unit's report for one indicator, as .docx and,
where LibreOffice is installed, PDF.

A unit's workbook is read as validate reads it (any backend), its scorecard evaluated
and its details tab read; nothing in it is written. Every file is written atomically.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.files import write_atomic
from ..backends.open import open_book
from ..core.errors import SheetsSyncError
from ..kinds.indicator_details import details_by_code
from ..workbook.recalc import evaluate_book
from .indicator_report import IndicatorReport, find_report, indicator_reports
from .report_cover import cover_writer
from .report_docx import render

PDF_TIMEOUT = 180   # seconds for one conversion; LibreOffice's first start is the slow part


@dataclass
class ReportResult:
    files: list[Path] = field(default_factory=list)       # every .docx and .pdf written
    pdf_skipped: str = ""                                  # why no PDF (Thai / English), '' when made
    missing: list[tuple[str, str]] = field(default_factory=list)   # (unit, why) not in the document
    unreadable: int = 0                                    # of those, units whose workbook failed

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else 0


def unit_reports(target, *, unit: str = "", template=None, **book_options) -> list[IndicatorReport]:
    """Every indicator's report of one unit workbook, in sheet order; ``unit`` names the
    unit (default: the name the workbook's title records)."""
    book = open_book(target, **book_options)
    ev = evaluate_book(book, template)
    details = details_by_code(ev.grids, ev.template)   # {} for a workbook without the tab
    name = unit or str(ev.meta.get("unit") or "") or Path(str(book.name)).stem
    return [rep for res in ev.results
            for rep in indicator_reports(res, details, ev.template, name, ev.meta.get("period") or None)]


def file_stem(text: str) -> str:
    """A file name part from a unit or code: Thai kept, path separators and the like not."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", str(text)).strip("._") or "report"


def _targets(out: Path, stems: list[str], pdf: bool, overwrite: bool) -> None:
    if overwrite:
        return
    there = [out / f"{s}{ext}" for s in stems for ext in (".docx", ".pdf") if (ext == ".docx" or pdf)]
    there = [p for p in there if p.exists()]
    if there:
        names = ", ".join(str(p) for p in there)
        raise SheetsSyncError(f"มีไฟล์อยู่แล้ว ไม่เขียนทับ: {names} (ใช้ --overwrite ถ้าต้องการ)",
                              f"already there, not overwritten: {names} (pass --overwrite to replace)")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


NO_PDF = ("ไม่ได้ทำไฟล์ PDF: ไม่พบ LibreOffice (soffice) ในเครื่องนี้ ไฟล์ .docx เขียนแล้ว "
          "(ติดตั้ง LibreOffice แล้วสั่งใหม่ หรือเปิด .docx แล้วบันทึกเป็น PDF)",
          "PDF skipped: LibreOffice (soffice) is not installed here; the .docx is written "
          "(install LibreOffice and run again, or save the .docx as PDF)")


def to_pdf(docx: Path) -> tuple[Path | None, str]:
    """``docx`` converted by LibreOffice beside it: (the PDF, '') or (None, why not).
    The conversion runs in a folder of its own with its own profile (a LibreOffice the
    person has open is not disturbed), then the PDF replaces any old one atomically."""
    exe = soffice()
    if exe is None:
        return None, " / ".join(NO_PDF)
    with tempfile.TemporaryDirectory(prefix=".sheets-sync-pdf-", dir=docx.parent) as tmp:
        cmd = [exe, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", tmp, str(docx)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=PDF_TIMEOUT, text=True)
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, (f"ไม่ได้ทำไฟล์ PDF: LibreOffice แปลง {docx.name} ไม่สำเร็จ ({e}) ไฟล์ .docx เขียนแล้ว / "
                          f"PDF skipped: LibreOffice could not convert {docx.name} ({e}); the .docx is written")
        made = Path(tmp) / (docx.stem + ".pdf")
        if not made.exists():
            why = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()[-1:]
            return None, (f"ไม่ได้ทำไฟล์ PDF: LibreOffice แปลง {docx.name} ไม่สำเร็จ ({' '.join(why)}) "
                          f"ไฟล์ .docx เขียนแล้ว / PDF skipped: LibreOffice did not convert {docx.name} "
                          f"({' '.join(why)}); the .docx is written")
        return write_atomic(docx.with_suffix(".pdf"), made.read_bytes()), ""


def _write(out: Path, stem: str, data: bytes, pdf: bool, result: ReportResult) -> None:
    docx = write_atomic(out / f"{stem}.docx", data)
    result.files.append(docx)
    if pdf and not result.pdf_skipped:
        made, why = to_pdf(docx)
        if made:
            result.files.append(made)
        else:
            result.pdf_skipped = why


def report(target=None, *, code: str | None = None, all: bool = False, out=".",  # noqa: A002 - the CLI's --all
           units=None, template=None, pdf: bool = True, overwrite: bool = False,
           **book_options) -> ReportResult:
    """Per-indicator reports as .docx (and PDF where LibreOffice is installed).

    - ``report("unit.xlsx", code="7.2.1", out="DIR")``: that indicator's report, DIR/<unit>_7.2.1.docx;
      ``all=True``: one file per indicator.
    - ``report(units="units.yaml", code="7.2.1", out="DIR")``: one ministry document,
      every unit's report in units.yaml order, each on its own page, after a first page
      listing the units; a unit that cannot be read or lacks the indicator is listed
      there with the reason, never left out.
    """
    out = Path(out)
    if units is not None:
        if target is not None:
            raise SheetsSyncError("ระบุสมุดงานของหน่วยงาน หรือ --units อย่างใดอย่างหนึ่ง",
                                  "give either a unit workbook or --units, not both")
        if not code:
            raise SheetsSyncError("รายงานระดับกระทรวงต้องระบุ --code", "the ministry report needs --code")
        return ministry_report(units, code, out, template=template, pdf=pdf, overwrite=overwrite, **book_options)
    if target is None:
        raise SheetsSyncError("ต้องระบุสมุดงานของหน่วยงาน หรือ --units", "give a unit workbook, or --units")
    if bool(code) == bool(all):
        raise SheetsSyncError("ระบุ --code รหัสตัวชี้วัด หรือ --all อย่างใดอย่างหนึ่ง",
                              "give --code CODE or --all (one of them)")
    reps = unit_reports(target, template=template, **book_options)
    if code:
        rep = find_report(reps, code)
        if rep is None:
            have = ", ".join(r.code for r in reps) or "-"
            raise SheetsSyncError(f"ไม่พบตัวชี้วัดรหัส {code} ใน {target} (มี: {have})",
                                  f"indicator {code} not found in {target} (it has: {have})")
        reps = [rep]
    if not reps:
        raise SheetsSyncError(f"{target}: ไม่มีตัวชี้วัดให้รายงาน", f"{target}: no indicators to report")
    stem = file_stem(Path(str(target)).stem if Path(str(target)).suffix else reps[0].unit if reps else "unit")
    stems = [f"{stem}_{file_stem(r.code)}" for r in reps]
    _targets(out, stems, pdf, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    result = ReportResult()
    for s, rep in zip(stems, reps):
        _write(out, s, render([rep]), pdf, result)
    return result


def ministry_report(units, code: str, out: Path, *, template=None, pdf: bool = True, overwrite: bool = False,
                    **book_options) -> ReportResult:
    """Every unit's report for ``code`` in one document (see :func:`report`)."""
    from .units import load_units
    registry = load_units(units) if not isinstance(units, list) else units
    result = ReportResult()
    rows, reps = [], []
    for u in registry:
        try:
            rep = find_report(unit_reports(u.target, unit=u.name, template=template,
                                           **(book_options if u.is_google else {})), code)
        except SheetsSyncError as e:
            why = e.th if e.th == e.en else f"{e.th} / {e.en}"
            rows.append((u, None, f"อ่านไม่ได้ / unreadable: {why}"))
            result.missing.append((u.name, why))
            result.unreadable += 1
            continue
        except Exception as e:  # noqa: BLE001 - one broken unit must not stop the others
            rows.append((u, None, f"อ่านไม่ได้ / unreadable: {type(e).__name__}: {e}"))
            result.missing.append((u.name, f"{type(e).__name__}: {e}"))
            result.unreadable += 1
            continue
        if rep is None:
            why = f"ไม่มีตัวชี้วัด {code} / no indicator {code}"
            rows.append((u, None, why))
            result.missing.append((u.name, why))
        else:
            rows.append((u, rep, ""))
            reps.append(rep)
    stem = f"{file_stem(Path(str(units)).stem if not isinstance(units, list) else 'ministry')}_{file_stem(code)}"
    _targets(out, [stem], pdf, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    _write(out, stem, render(reps, cover=cover_writer(code, rows)), pdf, result)
    return result
