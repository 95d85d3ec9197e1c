"""Commands that run servers and build clients: the Google emulator, the Excel add-in,
the xlwings server, the Apps Script project."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..core.errors import SheetsSyncError


from .base import (_watched, app, console, friendly)
import os
import shlex
from contextlib import suppress


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
    from ..emulator import Emulator
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


excel_app = typer.Typer(help="The Excel ribbon add-in (xlwings).", no_args_is_help=True)
app.add_typer(excel_app, name="excel-addin")


@excel_app.command("build")
@friendly
def excel_addin_build(out: Path = typer.Option(Path("dist"), "--out", help="folder for xl_addin.xlam"),
                      url: str = typer.Option(None, "--url", help="the sheets-sync serve address: "
                                              "buttons call it (RunServerPython), no Python on the PC"),
                      setting: list[str] = typer.Option([], "--setting", help="KEY=VALUE for the add-in's "
                                                        "xlwings.conf sheet (e.g. AUTH=...); repeatable")):
    """Build xl_addin.xlam from xlwings' ribbon add-in template."""
    from ..excel_addin import build, settings_from
    _watched.watch(out)
    console.print(f"สร้างแล้ว / built: [bold]{build(out, settings_from(url, setting))}[/]", highlight=False)


@excel_app.command("install")
@friendly
def excel_addin_install(path: Path = typer.Argument(Path("dist/xl_addin.xlam"))):
    """Install the add-in into Excel (Windows/macOS) through xlwings' `addin install`."""
    from ..excel_addin import install
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
    from ..apps_script import write_project
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


