"""The per-indicator report on paper: seed 003's report rendered by LibreOffice to PDF
and PNG (skipped, with the reason, only where LibreOffice is not installed), and the
clear message when there is no LibreOffice to make the PDF."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from seed003 import CODE, seed003_details
from sheets_sync.backends.files import write_atomic
from sheets_sync.ministry.indicator_report import find_report
from sheets_sync.ministry.report import to_pdf
from sheets_sync.ministry.report_docx import render
from test_indicator_report import opdc_unit, reports_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")
needs_soffice = pytest.mark.skipif(not SOFFICE or not PDFTOPPM, reason="LibreOffice (soffice) and pdftoppm are not "
                                   "installed: apt-get install -y libreoffice-writer poppler-utils fonts-thai-tlwg")


def seed_docx(tmp_path: Path) -> Path:
    rep = find_report(reports_of(opdc_unit(tmp_path), {CODE: seed003_details()}), CODE)
    return write_atomic(tmp_path / "ปปง_7.2.1.docx", render([rep]))


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@needs_soffice
def test_seed003_report_renders_to_pdf_and_png(tmp_path):
    pdf, why = to_pdf(seed_docx(tmp_path))
    assert why == "" and pdf == tmp_path / "ปปง_7.2.1.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    # seed 003 is six pages in Word; LibreOffice's Laksaman sets lines a little taller
    assert 5 <= pages <= 10, pages
    boxes = {tuple(round(float(v)) for v in m) for m in
             re.findall(rb"/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s*\]", data)}
    assert boxes == {(595, 842)}                       # A4 portrait
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Laksaman" in fonts or "Sarabun" in fonts   # TH Sarabun New, or its metric twin
    if shutil.which("pdftotext"):
        text = pdf_text(pdf)
        # the score block's row as printed (pdftotext splits some Thai marks off, not digits)
        assert re.search(r"\s2\s+5\s+5\.0000\s+0\.1000\n", text) and "7.2.1 : ระดับความสำเร็จ" in text
        assert "14. รายงานสรุปผลการดำเนินการ" in text
        # every page numbered at its foot, "หน้า n / N" (Thai marks may come apart in pdftotext)
        for n, page in enumerate(text.split("\f")[:pages], 1):
            assert re.search(rf"ห\S*\s*{n}\s*/\s*{pages}\s*$", page.rstrip()), (n, page[-80:])
    subprocess.run([PDFTOPPM, "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages and all(p.stat().st_size > 5_000 for p in pngs)
    keep = Path("/tmp/sheets-sync-report-look")     # for a person to look at after the run
    keep.mkdir(exist_ok=True)
    for p in [pdf, *pngs]:
        shutil.copy(p, keep / p.name)


def test_without_libreoffice_the_pdf_is_skipped_saying_why(tmp_path, monkeypatch):
    docx = seed_docx(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))   # a machine without LibreOffice
    pdf, why = to_pdf(docx)
    assert pdf is None and not docx.with_suffix(".pdf").exists()
    assert "ไม่พบ LibreOffice" in why and "LibreOffice (soffice) is not installed" in why
    assert ".docx" in why and docx.exists()
