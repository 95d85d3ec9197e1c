"""Commands on one unit's workbook: init, recalc, validate, explain, import."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

import sheets_sync as ss

from ..cli_output import problems_table as _problems_table, totals_table as _totals_table
from ..core.errors import SheetsSyncError
from .base import (ALLOW_REMOTE, CREDENTIALS, ENDPOINT, FORCE, Kind, _book_options, _google, _is_google,
                   _print_json, _watched, app, console, err, friendly)


@app.command()
@friendly
def init(path: Optional[str] = typer.Argument(None, help="workbook to create (.xlsx), as --out says", show_default=False),
         out: Optional[str] = typer.Option(None, "--out", help="workbook to create (.xlsx), or the title with --google"),
         kind: Optional[Kind] = typer.Option(None, "--kind", help="kind of sheet (default: the template's, else scorecard)"),
         indicators: Optional[Path] = typer.Option(None, "--indicators", help="indicator list (.csv or .yaml)"),
         unit: Optional[str] = typer.Option(None, "--unit", help="unit name for the title"),
         period: Optional[str] = typer.Option(None, "--period", help="quarter/year, e.g. 2/2567"),
         template: Optional[str] = typer.Option(None, "--template", help="template name or YAML path"),
         overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing file"),
         google: bool = typer.Option(False, "--google", help="create a Google spreadsheet instead"),
         share: list[str] = typer.Option([], "--share", help="e-mail to share the spreadsheet with (writer)"),
         owner: list[str] = typer.Option([], "--owner", help="e-mail that may edit template/computed columns"),
         credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
         allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Create a workbook in the canonical template's layout."""
    if path and out and path != out:
        raise SheetsSyncError(f"ระบุไฟล์ที่จะสร้างสองชื่อ ({path} และ --out {out}) ให้ใช้ชื่อเดียว",
                              f"two workbooks to create ({path} and --out {out}): give one")
    out = out or path     # `init unit.xlsx`, as recalc and validate take their workbook
    extra = _google(credentials, endpoint, allow_remote_endpoint) if google else {}
    if not google:
        _watched.watch(out)
    path = ss.init(out, kind=kind.value if kind else None, indicators=indicators, unit=unit, period=period,
                   template=template, overwrite=overwrite, google=google, share=share, owners=owner, **extra)
    console.print(f"สร้างแล้ว / created: [bold]{path}[/]", soft_wrap=True, highlight=False)


@app.command()
@friendly
def recalc(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"),
           as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
           dry_run: bool = typer.Option(False, "--dry-run", help="compute and report, write nothing"),
           force: bool = FORCE,
           credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
           allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Compute and write only the computed cells (score, percentage, weighted score, status, totals)."""
    google = _is_google(target)
    _watched.watch(str(target))
    options = _book_options(target, credentials, endpoint, allow_remote_endpoint)
    if force and not google:
        options["force"] = True
    report = ss.recalc(target, dry_run=dry_run, **options)
    if as_json:
        _print_json(report.to_dict())
        raise typer.Exit(1 if report.errors else 0)
    console.print(_totals_table(report))
    if report.problems:
        console.print(_problems_table(report.problems))
    where = ("สเปรดชีต", "spreadsheet") if google else ("ไฟล์", "file")
    if report.written:
        console.print(f"เขียนแล้ว {report.changed_cells} ช่อง / wrote {report.changed_cells} cells")
    elif dry_run:
        console.print(f"ทดลองเท่านั้น ไม่ได้เขียน / dry run: {report.changed_cells} cells would change")
    elif any(p.kind == "round_locked" for p in report.problems):
        console.print(f"รอบนี้ล็อกแล้ว ไม่ได้เขียน{where[0]} / the round is locked, {where[1]} not written")
    else:
        console.print(f"ไม่มีอะไรเปลี่ยน ไม่ได้เขียน{where[0]} / nothing changed, {where[1]} not written")
    if report.errors:   # written what could be, but the sheet has errors to fix: say so in the exit code
        raise typer.Exit(1)


@app.command()
@friendly
def validate(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"),
             as_json: bool = typer.Option(False, "--json", help="print the problems as JSON"),
             canonical: Optional[Path] = typer.Option(None, "--canonical",
                                                      help="ministry definition: report an older template version"),
             credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
             allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Report problems (exit status 1 when there are errors)."""
    _watched.watch(target)
    report = ss.validate(target, canonical=canonical,
                         **_book_options(target, credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json({"book": report.book, "problems": [p.to_dict() for p in report.problems],
                     "errors": len(report.errors)})
    elif report.problems:
        console.print(_problems_table(report.problems))
    else:
        console.print("ไม่พบปัญหา / no problems")
    raise typer.Exit(1 if report.errors else 0)


@app.command()
@friendly
def explain(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"), code: str = typer.Option(..., "--code", help="indicator code"),
            credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
            allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Show how the score of one indicator was worked out."""
    for sheet, cell, t in ss.explain(target, code, **_book_options(target, credentials, endpoint,
                                                                     allow_remote_endpoint)):
        console.print(f"[bold]{sheet}!{cell}[/]", highlight=False)
        console.print(t.text(), highlight=False, soft_wrap=True)


@app.command("import")
@friendly
def import_(source: Path = typer.Argument(..., help="existing report: .txt/.csv export or seed-000-like .xlsx"),
            kind: Kind = typer.Option(..., "--kind", help="what the report is"),
            out: Path = typer.Option(..., "--out", help="canonical workbook to write (.xlsx)"),
            unit: Optional[str] = typer.Option(None, "--unit", help="unit name for the title"),
            period: Optional[str] = typer.Option(None, "--period", help="quarter/year for the title, e.g. 2/2567"),
            overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --out file")):
    """Read an existing report into the canonical template, listing every row not placed."""
    _watched.watch(out)
    imported = ss.import_file(source, kind.value, out, unit=unit, period=period, overwrite=overwrite)
    n = len(imported.rows)
    console.print(f"นำเข้า {n} แถว / imported {n} rows -> [bold]{out}[/]", highlight=False)
    # what the importer recognised (labels, headers, page headers, printed figures the sheet
    # computes) is said apart from what no column takes, so a good import does not look failed
    recognised = [s for s in imported.skipped if not str(s.reason).startswith("not placed")]
    unplaced = [s for s in imported.skipped if str(s.reason).startswith("not placed")]
    if recognised:
        err.print(f"รู้จักแล้ว ไม่ต้องนำเข้า {len(recognised)} บรรทัด / recognised, not imported: {len(recognised)} lines "
                  "(labels, headers, page headers, printed figures the sheet computes)", highlight=False)
        for skip in recognised:
            err.print(f"  {skip}", highlight=False)
    for skip in unplaced:
        err.print(f"[yellow]ไม่ได้นำเข้า / not placed:[/] {skip}", highlight=False)


