"""The report command: seed 003's per-indicator report as .docx (and PDF)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

import sheets_sync as ss

from .base import ALLOW_REMOTE, CREDENTIALS, ENDPOINT, _google, _is_google, _watched, app, console, err, friendly


@app.command()
@friendly
def report(target: Optional[str] = typer.Argument(None, help="unit workbook: .xlsx path or Google spreadsheet URL/key"),
           code: Optional[str] = typer.Option(None, "--code", help="indicator code, e.g. 7.2.1"),
           all_: bool = typer.Option(False, "--all", help="every indicator of the unit, one document each"),
           units: Optional[Path] = typer.Option(None, "--units", help="units.yaml: one ministry document, "
                                                "every unit's report for --code in registry order"),
           out: Path = typer.Option(Path("."), "--out", help="folder for the .docx (and .pdf)"),
           pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="also a PDF through LibreOffice, when installed"),
           overwrite: bool = typer.Option(False, "--overwrite", help="replace reports already in --out"),
           template: Optional[str] = typer.Option(None, "--template", help="template name or YAML path"),
           credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
           allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Write the per-indicator report (รายงานผลการปฏิบัติราชการ รายตัวชี้วัด) as .docx and PDF."""
    _watched.watch(out)
    google = units is not None or (target is not None and _is_google(target))
    extra = _google(credentials, endpoint, allow_remote_endpoint) if google else {}
    result = ss.report(target, code=code, all=all_, out=out, units=units, template=template, pdf=pdf,
                       overwrite=overwrite, **extra)
    for path in result.files:
        console.print(f"เขียนแล้ว / written: [bold]{path}[/]", highlight=False)
    for unit, why in result.missing:
        err.print(f"[yellow]ไม่มีในเอกสาร / not in the document:[/] {unit}: {why}", highlight=False)
    if result.pdf_skipped:
        err.print(f"[yellow]{result.pdf_skipped}[/]", highlight=False)
    raise typer.Exit(result.exit_code)
