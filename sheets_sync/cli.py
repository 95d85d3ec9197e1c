"""``sheets-sync`` command line: each command calls the sheets_sync function of the same name."""
from __future__ import annotations

import json
import os
import shlex
import sys
from contextlib import suppress
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
import typer.core
from rich.console import Console
from rich.progress import Progress

import sheets_sync as ss

from .backends.open import is_google_target as _is_google
from .cli_output import TargetWatch
from .core.errors import SheetsSyncError
from .cli_output import outcome_table as _outcome_table, problems_table as _problems_table, push_diff_tables, \
    summary_table, totals_table as _totals_table
from .ministry.units import load_units

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="sheets-sync: คะแนนตัวชี้วัดที่คำนวณถูกต้องเสมอ / KPI scorecards computed right, everywhere.")
console = Console(soft_wrap=True)  # paths, URLs and messages must stay copyable
err = Console(stderr=True, soft_wrap=True)


def _flag_shows_no_type(self, ctx, show=getattr(typer.core.TyperOption, "display_type_rich", None)):
    """Typer's help prints an on/off flag as ``--json <bool>``, as if it took a value: a flag takes none."""
    return None if getattr(self, "is_flag", False) and not getattr(self, "count", False) else show(self, ctx)


if _flag_shows_no_type.__defaults__[0] is not None:
    typer.core.TyperOption.display_type_rich = _flag_shows_no_type


def _version(value: bool) -> None:
    if value:
        console.print(f"sheets-sync {ss.__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit")):
    """sheets-sync: คะแนนตัวชี้วัดที่คำนวณถูกต้องเสมอ / KPI scorecards computed right, everywhere."""


class Kind(str, Enum):
    scorecard, ita, action_plan = "scorecard", "ita", "action-plan"



_watched = TargetWatch()   # what the running command may write, for honest error messages


def friendly(fn):
    """Users see a clear message, never a traceback (SHEETS_SYNC_DEBUG=1 shows it)."""
    @wraps(fn)
    def run(*args, **kwargs):
        _watched.clear()
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            err.print(f"หยุดแล้ว / stopped. {_watched.what_was_written()}", highlight=False)
            raise typer.Exit(130)
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
                      f"{_watched.what_was_written()} SHEETS_SYNC_DEBUG=1 shows details.", highlight=False)
            raise typer.Exit(3)
        finally:
            _watched.clear()
    return run


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
    return _google(credentials, endpoint, allow_remote) if _is_google(target) else {}


FORCE = typer.Option(False, "--force", help="write an .xlsx even if its lock file says Excel/LibreOffice has it open")


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


@app.command()
@friendly
def demo(out: Path = typer.Option(Path("sheets-sync-demo"), "--out", help="folder for the demo workbooks"),
         force: bool = typer.Option(False, "--force", help="overwrite a non-empty folder that is not a previous demo")):
    """Create unit workbooks from seed-like data, type results, recalculate, show totals."""
    from .cli_output import show_demo
    _watched.watch(out)
    units, summary = ss.demo(out, force=force)
    show_demo(units, summary, out, console)


@app.command()
@friendly
def emulator(port: int = typer.Option(8765, "--port", help="port to listen on"),
             host: str = typer.Option("127.0.0.1", "--host", help="loopback address to listen on"),
             credentials_out: Path = typer.Option(Path("emulator-credentials.json"), "--credentials-out",
                                                  help="where to write a fresh service-account key for it"),
             latency: float = typer.Option(0.0, "--latency", help="seconds added to every API call"),
             reads_per_minute: Optional[int] = typer.Option(
                 None, "--reads-per-minute", help="Sheets read quota per minute per user (default: none)"),
             writes_per_minute: Optional[int] = typer.Option(
                 None, "--writes-per-minute", help="Sheets write quota per minute per user (default: none)")):
    """Run the local Google Sheets/Drive/OAuth emulator on loopback."""
    from .emulator import Emulator
    try:
        emu = Emulator(host, port)
    except ValueError as e:
        raise SheetsSyncError("ตัวจำลองรับเฉพาะ loopback", str(e)) from None
    credentials_out = credentials_out.resolve()   # still right after a `cd`
    info = emu.service_account(credentials_out)
    emu.state.latency = latency
    emu.state.quota.reads_per_user, emu.state.quota.writes_per_user = reads_per_minute, writes_per_minute
    console.print(f"emulator: {emu.base_url}\nservice account: {info['client_email']} -> {credentials_out}\nexport "
                  f"SHEETS_SYNC_GOOGLE_ENDPOINT={emu.base_url} SHEETS_SYNC_CREDENTIALS={shlex.quote(str(credentials_out))}",
                  highlight=False)
    with suppress(KeyboardInterrupt):
        emu.serve_forever()


def _over_units(fn, units_file, **kwargs):
    units = load_units(units_file)
    _watched.watch(units_file, *(u.path if u.path is not None else (None if u.sheet == "new" else u.sheet) for u in units))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("หน่วยงาน / units", total=len(units))
        return fn(units, progress=lambda u: bar.advance(task), **kwargs)


@app.command()
@friendly
def provision(units: Path = typer.Option(..., "--units", help="units.yaml"),
              template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or indicator .csv)"),
              period: Optional[str] = typer.Option(None, "--period", help="quarter/year for the titles, e.g. 2/2567"),
              credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
              allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Create every missing unit sheet, leave existing ones alone; a `sheet: new` unit's key goes into units.yaml."""
    out = _over_units(ss.provision, units, template=template, period=period,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    console.print(_outcome_table(out, "provision"))
    raise typer.Exit(2 if any(o.status == "failed" or o.error for o in out) else 0)


@app.command("push-template")
@friendly
def push_template(units: Path = typer.Option(..., "--units", help="units.yaml"),
                  template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or .csv)"),
                  dry_run: bool = typer.Option(False, "--dry-run", help="show the per-unit diff, write nothing"),
                  as_json: bool = typer.Option(False, "--json", help="print the per-unit outcome and diff as JSON"),
                  force: bool = FORCE,
                  credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
                  allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Bring every unit sheet to the canonical template; unit-owned cells never change."""
    out = _over_units(ss.push_template, units, template=template, dry_run=dry_run, force=force,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json({"dry_run": dry_run, "units": [o.to_dict() for o in out]})
    else:
        console.print(_outcome_table(out, "push-template" + (" (dry run: nothing written)" if dry_run else "")))
        for t in push_diff_tables(out):
            console.print(t)
    raise typer.Exit(2 if any(o.status == "failed" for o in out) else 0)


@app.command()
@friendly
def consolidate(units: Path = typer.Option(..., "--units", help="units.yaml"),
                out: str = typer.Option(..., "--out", help="summary .xlsx path or Google spreadsheet URL/key"),
                period: str = typer.Option("", "--period", help="quarter/year shown in the summary, e.g. 2/2567"),
                publish: bool = typer.Option(False, "--publish", help="write a read-only overview into each unit"),
                reads_per_minute: int = typer.Option(60, "--rpm", help="Sheets reads per minute per account"),
                workers: int = typer.Option(8, "--workers", help="units read at once"),
                credentials: list[Path] = typer.Option([], "--credentials", envvar="SHEETS_SYNC_CREDENTIALS",
                                                       help="service account(s); several spread the quota"),
                endpoint: Optional[str] = ENDPOINT, allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Collect every unit's sheet into the ministry summary (exit 2 when some unit is missing)."""
    from .ministry.consolidate import consolidate as run
    from .backends.google.ratelimit import Quotas
    unit_list = load_units(units)
    _watched.watch(out, Path(out).parent / "summary-history" if not _is_google(out) else None,
           *((u.path if u.path is not None else u.sheet for u in unit_list if u.sheet != "new") if publish else ()))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("อ่านหน่วยงาน / reading units", total=len(unit_list))
        result = run(unit_list, out, period=period, publish=publish, credentials=list(credentials) or None,
                     workers=workers, quotas=Quotas(reads_per_minute=reads_per_minute), endpoint=endpoint,
                     progress=lambda u: bar.advance(task), allow_remote_endpoint=allow_remote_endpoint)
    s = result.summary
    console.print(summary_table(s, period))
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
    for skip in imported.skipped:
        err.print(f"[yellow]ไม่ได้นำเข้า / not placed:[/] {skip}", highlight=False)


excel_app = typer.Typer(help="The Excel ribbon add-in (xlwings).", no_args_is_help=True)
app.add_typer(excel_app, name="excel-addin")


@excel_app.command("build")
@friendly
def excel_addin_build(out: Path = typer.Option(Path("dist"), "--out", help="folder for xl_addin.xlam")):
    """Build xl_addin.xlam from xlwings' ribbon add-in template."""
    from .excel_addin import build
    _watched.watch(out)
    console.print(f"สร้างแล้ว / built: [bold]{build(out)}[/]", highlight=False)


@excel_app.command("install")
@friendly
def excel_addin_install(path: Path = typer.Argument(Path("dist/xl_addin.xlam"))):
    """Install the add-in into Excel (Windows/macOS) through xlwings' `addin install`."""
    from .excel_addin import install
    console.print(install(path) or "ติดตั้งแล้ว / installed", highlight=False)


TOKEN = typer.Option(None, "--token", envvar="SHEETS_SYNC_EXCEL_TOKEN", help="the server's shared token")


def serve(host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
          port: int = typer.Option(8000, "--port", help="port to listen on"),
          certfile: Optional[Path] = typer.Option(None, "--certfile", help="TLS certificate (PEM), with --keyfile"),
          keyfile: Optional[Path] = typer.Option(None, "--keyfile", help="TLS private key (PEM), with --certfile"),
          token: Optional[str] = TOKEN):
    """Serve the Recalculate / Validate buttons to Excel (VBA, Office.js) and Google Sheets (Apps Script)."""
    if token:
        os.environ["SHEETS_SYNC_EXCEL_TOKEN"] = token
    import xl_addin
    xl_addin.serve(host, port, certfile=certfile, keyfile=keyfile)


app.command("serve")(friendly(serve))
app.command("serve-excel", help="Same as `serve` (its former name).")(friendly(serve))


@app.command("google-script")
@friendly
def google_script(out: Path = typer.Option(..., "--out", help="folder for the Apps Script project"),
                  server: str = typer.Option(..., "--server",
                                             help="https URL of `sheets-sync serve`, reachable from Google"),
                  token: Optional[str] = TOKEN,
                  delay: float = typer.Option(5, "--delay", help="seconds after the last edit before recalculating")):
    """Write the Apps Script project that gives a Google spreadsheet the sheets-sync menu."""
    from .apps_script import write_project
    _watched.watch(out)
    try:
        files = write_project(out, server, token=token, delay_seconds=delay)
    except ValueError as e:
        raise SheetsSyncError(f"ค่าไม่ถูกต้อง: {e}", str(e)) from None
    folder = Path(out).resolve()
    console.print(f"เขียนแล้ว / written: {', '.join(f.name for f in files)} -> [bold]{folder}[/]\n"
                  "ติดตั้งในสเปรดชีต / to attach it to a spreadsheet:\n"
                  "  1. ส่วนขยาย > Apps Script / in the spreadsheet, Extensions > Apps Script\n"
                  f"  2. วางทุกไฟล์จาก / paste every file from {folder} (or run `clasp push` there)\n"
                  "  3. Run sheetsSyncSetup once (อนุญาตสิทธิ์ / grant the permissions)\n"
                  "  4. โหลดใหม่ / reload: the sheets-sync menu is there\n  " +
                  ("ลบ token จาก setup.js หลังจากนั้น / then delete the token from setup.js" if token else
                   "ไม่มี token: ตั้ง / no token: set SHEETS_SYNC_TOKEN in Project Settings > Script properties"),
                  highlight=False)


def main() -> None:  # console-script entry point
    app()
