"""``sheets-sync`` command line: each command calls the sheets_sync function of the same name."""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

import sheets_sync as ss

from .core.errors import SheetsSyncError
from .core.problems import ERROR

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="sheets-sync: คะแนนตัวชี้วัดที่คำนวณถูกต้องเสมอ / KPI scorecards computed right, everywhere.")
console = Console(soft_wrap=True)  # paths, URLs and messages must stay copyable
err = Console(stderr=True, soft_wrap=True)


class Kind(str, Enum):
    scorecard = "scorecard"
    ita = "ita"
    action_plan = "action-plan"


def friendly(fn):
    """Users see a clear message, never a traceback (SHEETS_SYNC_DEBUG=1 shows it)."""
    @wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except SheetsSyncError as e:
            err.print(f"[bold red]ผิดพลาด:[/] {e.th}", highlight=False)
            if e.en != e.th:
                err.print(f"[bold red]Error:[/] {e.en}", highlight=False)
            raise typer.Exit(e.exit_code)
        except PermissionError as e:
            err.print(f"[bold red]ผิดพลาด:[/] เขียนไฟล์ {e.filename} ไม่ได้ (ไฟล์อาจเปิดอยู่ใน Excel)\n"
                      f"[bold red]Error:[/] cannot write {e.filename} (is it open in Excel?)", highlight=False)
            raise typer.Exit(2)
        except Exception as e:  # noqa: BLE001 - last line of defence for people, not developers
            if os.environ.get("SHEETS_SYNC_DEBUG"):
                raise
            err.print(f"[bold red]ผิดพลาดที่ไม่คาดคิด / unexpected error:[/] {type(e).__name__}: {e}\n"
                      "ไม่มีการเขียนไฟล์ใด ๆ ถ้าไม่เสร็จสมบูรณ์ / nothing is written unless complete. "
                      "SHEETS_SYNC_DEBUG=1 shows details.", highlight=False)
            raise typer.Exit(3)
    return run


def _problems_table(problems) -> Table:
    t = Table(title="ปัญหา / problems", show_lines=False)
    for col in ("ระดับ", "ตำแหน่ง / where", "รายละเอียด", "detail"):
        t.add_column(col, overflow="fold")
    for p in problems:
        sev = "[red]error[/]" if p.severity == ERROR else "[yellow]warning[/]"
        t.add_row(sev, p.where, p.message_th, p.message_en)
    return t


def _totals_table(report) -> Table:
    """The totals each sheet's kind reports, as that kind names them."""
    t = Table(title=report.book)
    totals = report.kind.totals if report.kind else ()
    for col in ("แผ่นงาน / sheet", *(x.label for x in totals), "เปลี่ยน / changed"):
        t.add_column(col, justify="right")
    for s in report.sheets:
        shown = []
        for x in totals:
            v = s.totals.get(x.key)
            if x.key == "reported" and "indicators" in s.totals:
                shown.append(f"{v}/{s.totals['indicators']}")
            elif v is None:
                shown.append("-")
            elif x.decimals is not None and isinstance(v, (int, float)):
                shown.append(f"{v:.{x.decimals}f}")
            else:
                shown.append(str(v))
        t.add_row(s.sheet, *shown, str(s.changed_cells))
    return t


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


CREDENTIALS = typer.Option(None, "--credentials", envvar="SHEETS_SYNC_CREDENTIALS",
                           help="Google service-account JSON or OAuth client secret")
ENDPOINT = typer.Option(None, "--endpoint", envvar="SHEETS_SYNC_GOOGLE_ENDPOINT",
                        help="Google API base URL override (loopback only, e.g. the emulator)")
ALLOW_REMOTE = typer.Option(False, "--allow-remote-endpoint", help="accept a non-loopback --endpoint")


def _google(credentials, endpoint, allow_remote) -> dict:
    return {"credentials": credentials, "endpoint": endpoint, "allow_remote_endpoint": allow_remote}


def _book_options(target: str, credentials, endpoint, allow_remote) -> dict:
    from .backends.google.book import spreadsheet_key
    return _google(credentials, endpoint, allow_remote) if spreadsheet_key(target) and not Path(target).exists() else {}


@app.command()
@friendly
def init(out: Optional[str] = typer.Option(None, "--out", help="workbook to create (.xlsx), or the title with --google"),
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
    extra = _google(credentials, endpoint, allow_remote_endpoint) if google else {}
    path = ss.init(out, kind=kind.value if kind else None, indicators=indicators, unit=unit, period=period,
                   template=template, overwrite=overwrite, google=google, share=share, owners=owner, **extra)
    console.print(f"สร้างแล้ว / created: [bold]{path}[/]", soft_wrap=True, highlight=False)


@app.command()
@friendly
def recalc(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"),
           as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
           dry_run: bool = typer.Option(False, "--dry-run", help="compute and report, write nothing"),
           credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
           allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Compute and write only the computed cells (score, percentage, weighted score, status, totals)."""
    report = ss.recalc(target, dry_run=dry_run,
                       **_book_options(target, credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json(report.to_dict())
        return
    console.print(_totals_table(report))
    if report.problems:
        console.print(_problems_table(report.problems))
    if report.written:
        console.print(f"เขียนแล้ว {report.changed_cells} ช่อง / wrote {report.changed_cells} cells")
    elif dry_run:
        console.print(f"ทดลองเท่านั้น ไม่ได้เขียน / dry run: {report.changed_cells} cells would change")
    else:
        console.print("ไม่มีอะไรเปลี่ยน ไม่ได้เขียนไฟล์ / nothing changed, file not written")


@app.command()
@friendly
def validate(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"),
             as_json: bool = typer.Option(False, "--json"),
             canonical: Optional[Path] = typer.Option(None, "--canonical",
                                                      help="ministry definition: report an older template version"),
             credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
             allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Report problems (exit status 1 when there are errors)."""
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
def explain(target: str = typer.Argument(...), code: str = typer.Option(..., "--code", help="indicator code"),
            credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
            allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Show how the score of one indicator was worked out."""
    for sheet, cell, t in ss.explain(target, code, **_book_options(target, credentials, endpoint,
                                                                     allow_remote_endpoint)):
        console.print(f"[bold]{sheet}!{cell}[/]", highlight=False)
        console.print(t.text(), highlight=False, soft_wrap=True)


@app.command()
@friendly
def demo(out: Path = typer.Option(Path("sheets-sync-demo"), "--out", help="folder for the demo workbooks")):
    """Create unit workbooks from seed-like data, type results, recalculate, show totals."""
    units, summary = ss.demo(out)
    t = Table(title="ผลรวมรายหน่วยงาน / unit totals (2/2567)")
    for col in ("หน่วยงาน / unit", "ไฟล์ / file", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว", "ปัญหา"):
        t.add_column(col)
    for u in units:
        s = u.report.sheets[0]
        w = s.totals["weighted_score"]
        t.add_row(u.name, u.path.name, f"{w:.3f}", f"{s.totals['percentage']:.2f}",
                  f"{s.totals['reported']}/{s.totals['indicators']}", str(len(u.report.problems)))
    console.print(t)
    console.print(f"ไฟล์หน่วยงานอยู่ที่ / unit workbooks in: [bold]{(out / 'units').resolve()}[/]", highlight=False)
    console.print(f"สรุปของกระทรวง / ministry summary: [bold]{Path(summary.out).resolve()}[/]", highlight=False)


@app.command()
@friendly
def emulator(port: int = typer.Option(8765, "--port"), host: str = typer.Option("127.0.0.1", "--host"),
             credentials_out: Path = typer.Option(Path("emulator-credentials.json"), "--credentials-out",
                                                  help="where to write a fresh service-account key for it"),
             latency: float = typer.Option(0.0, "--latency", help="seconds added to every API call"),
             reads_per_minute: Optional[int] = typer.Option(None, "--reads-per-minute"),
             writes_per_minute: Optional[int] = typer.Option(None, "--writes-per-minute")):
    """Run the local Google Sheets/Drive/OAuth emulator on loopback."""
    from .emulator import Emulator
    try:
        emu = Emulator(host, port)
    except ValueError as e:
        raise SheetsSyncError("ตัวจำลองรับเฉพาะ loopback", str(e)) from None
    info = emu.service_account(credentials_out)
    emu.state.latency = latency
    emu.state.quota.reads_per_user, emu.state.quota.writes_per_user = reads_per_minute, writes_per_minute
    console.print(f"emulator: {emu.base_url}\nservice account: {info['client_email']} -> {credentials_out}\n"
                  f"export SHEETS_SYNC_GOOGLE_ENDPOINT={emu.base_url} SHEETS_SYNC_CREDENTIALS={credentials_out}",
                  highlight=False)
    try:
        emu.serve_forever()
    except KeyboardInterrupt:
        pass


def _over_units(fn, units_file, **kwargs):
    from rich.progress import Progress
    from .ministry.units import load_units
    units = load_units(units_file)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("หน่วยงาน / units", total=len(units))
        return fn(units, progress=lambda u: bar.advance(task), **kwargs)


def _outcome_table(outcomes, title: str) -> Table:
    t = Table(title=title)
    for col in ("หน่วยงาน / unit", "ผล / outcome", "ที่อยู่ / where", "หมายเหตุ / note"):
        t.add_column(col, overflow="fold")
    for o in outcomes:
        note = o.error or o.details.get("note", "")
        if o.plan is not None and not o.error:
            note = f"{len(o.plan.changes)} changes, version {o.plan.version_from} -> {o.plan.version_to}"
        t.add_row(f"{o.unit.code} {o.unit.name}", o.status, o.target, note)
    return t


@app.command()
@friendly
def provision(units: Path = typer.Option(..., "--units", help="units.yaml"),
              template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or indicator .csv)"),
              period: Optional[str] = typer.Option(None, "--period"),
              credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
              allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Create every missing unit sheet from the template; leave existing ones alone."""
    out = _over_units(ss.provision, units, template=template, period=period,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    console.print(_outcome_table(out, "provision"))
    raise typer.Exit(2 if any(o.status == "failed" for o in out) else 0)


@app.command("push-template")
@friendly
def push_template(units: Path = typer.Option(..., "--units", help="units.yaml"),
                  template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or .csv)"),
                  dry_run: bool = typer.Option(False, "--dry-run", help="show the per-unit diff, write nothing"),
                  as_json: bool = typer.Option(False, "--json"),
                  credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
                  allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Bring every unit sheet to the canonical template; unit-owned cells never change."""
    out = _over_units(ss.push_template, units, template=template, dry_run=dry_run,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json({"dry_run": dry_run, "units": [o.to_dict() for o in out]})
    else:
        console.print(_outcome_table(out, "push-template" + (" (dry run: nothing written)" if dry_run else "")))
        for o in out:
            if o.plan is not None and o.plan.changes:
                t = Table(title=f"{o.unit.code}: {o.plan.sheet}")
                for col in ("kind", "code", "field", "cell", "old", "new"):
                    t.add_column(col, overflow="fold")
                for c in o.plan.changes:
                    t.add_row(c.kind, c.code, c.field, c.cell, str(c.old), str(c.new))
                console.print(t)
    raise typer.Exit(2 if any(o.status == "failed" for o in out) else 0)


@app.command()
@friendly
def consolidate(units: Path = typer.Option(..., "--units", help="units.yaml"),
                out: str = typer.Option(..., "--out", help="summary .xlsx path or Google spreadsheet URL/key"),
                period: str = typer.Option("", "--period"),
                publish: bool = typer.Option(False, "--publish", help="write a read-only overview into each unit"),
                reads_per_minute: int = typer.Option(60, "--rpm", help="Sheets reads per minute per account"),
                workers: int = typer.Option(8, "--workers", help="units read at once"),
                credentials: list[Path] = typer.Option([], "--credentials", envvar="SHEETS_SYNC_CREDENTIALS",
                                                       help="service account(s); several spread the quota"),
                endpoint: Optional[str] = ENDPOINT, allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Collect every unit's sheet into the ministry summary (exit 2 when some unit is missing)."""
    from rich.progress import Progress
    from .ministry.consolidate import consolidate as run
    from .backends.google.ratelimit import Quotas
    from .ministry.units import load_units
    unit_list = load_units(units)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("อ่านหน่วยงาน / reading units", total=len(unit_list))
        result = run(unit_list, out, period=period, publish=publish, credentials=list(credentials) or None,
                     workers=workers, quotas=Quotas(reads_per_minute=reads_per_minute),
                     progress=lambda u: bar.advance(task), endpoint=endpoint,
                     allow_remote_endpoint=allow_remote_endpoint)
    s = result.summary
    t = Table(title=f"สรุปภาพรวม / summary {period}")
    for col in ("ลำดับ", "หน่วยงาน", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว", "ปัญหา"):
        t.add_column(col)
    for rec in s.overview.itertuples(index=False):
        t.add_row(str(rec[0]), f"{rec[1]} {rec[2]}", f"{rec[3]:.3f}", f"{rec[4]:.2f}", f"{rec[5]}/{rec[6]}", str(rec[13]))
    console.print(t)
    for rec in s.missing.itertuples(index=False):
        err.print(f"[red]ขาด / missing:[/] {rec[0]} {rec[1]}: {rec[2]}", highlight=False)
    console.print(f"สรุปอยู่ที่ / summary: [bold]{result.out}[/]" +
                  (f" (ฉบับก่อนหน้า / previous: {result.history})" if result.history else ""), highlight=False)
    if result.published:
        console.print(f"เผยแพร่แล้ว / published to: {', '.join(result.published)}")
    raise typer.Exit(result.exit_code)


@app.command("import")
@friendly
def import_(source: Path = typer.Argument(..., help="existing report: .txt/.csv export or seed-000-like .xlsx"),
            kind: Kind = typer.Option(..., "--kind"),
            out: Path = typer.Option(..., "--out", help="canonical workbook to write (.xlsx)"),
            unit: Optional[str] = typer.Option(None, "--unit"), period: Optional[str] = typer.Option(None, "--period"),
            overwrite: bool = typer.Option(False, "--overwrite")):
    """Read an existing report into the canonical template, listing every row not placed."""
    imported = ss.import_file(source, kind.value, out, unit=unit, period=period, overwrite=overwrite)
    console.print(f"นำเข้า {len(imported.rows)} แถว / imported {len(imported.rows)} rows -> [bold]{out}[/]",
                  highlight=False)
    for skip in imported.skipped:
        err.print(f"[yellow]ไม่ได้นำเข้า / not placed:[/] {skip}", highlight=False)


excel_app = typer.Typer(help="The Excel ribbon add-in (xlwings).", no_args_is_help=True)
app.add_typer(excel_app, name="excel-addin")


@excel_app.command("build")
@friendly
def excel_addin_build(out: Path = typer.Option(Path("dist"), "--out", help="folder for xl_addin.xlam")):
    """Build xl_addin.xlam from xlwings' ribbon add-in template."""
    from .excel_addin import build
    console.print(f"สร้างแล้ว / built: [bold]{build(out)}[/]", highlight=False)


@excel_app.command("install")
@friendly
def excel_addin_install(path: Path = typer.Argument(Path("dist/xl_addin.xlam"))):
    """Install the add-in into Excel (Windows/macOS) through xlwings' `addin install`."""
    from .excel_addin import install
    console.print(install(path) or "ติดตั้งแล้ว / installed", highlight=False)


@app.command("serve-excel")
@friendly
def serve_excel(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
                token: Optional[str] = typer.Option(None, "--token", envvar="SHEETS_SYNC_EXCEL_TOKEN",
                                                    help="shared token the clients must send")):
    """Serve xlwings' remote-interpreter protocol for Excel on the web / Office.js."""
    if not token:
        raise SheetsSyncError("ต้องกำหนดรหัสผ่านร่วม SHEETS_SYNC_EXCEL_TOKEN หรือ --token",
                              "a shared token is required: set SHEETS_SYNC_EXCEL_TOKEN or pass --token")
    os.environ["SHEETS_SYNC_EXCEL_TOKEN"] = token
    import uvicorn
    uvicorn.run("xl_addin.server:app", host=host, port=port)


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
