"""What every command shares: the Typer app, the consoles, friendly errors, the options
that several commands take."""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from functools import wraps

import typer
import typer.core
from rich.console import Console

import sheets_sync as ss

from ..backends.open import is_google_target as _is_google
from ..cli_output import TargetWatch
from ..core.errors import SheetsSyncError

try:                       # Typer >= 0.24 carries its own click; older ones use click's
    from typer._click import exceptions as click
except ImportError:        # pragma: no cover - depends on the installed Typer
    from click import exceptions as click

# click's usage errors, said in Thai too (staff read Thai first); the English stays as click wrote it
_USAGE_TH = (("Missing option", "ขาดตัวเลือกที่ต้องใส่"), ("Missing argument", "ขาดค่าที่ต้องใส่"),
             ("No such option", "ไม่มีตัวเลือกนี้"), ("No such command", "ไม่มีคำสั่งนี้"),
             ("Invalid value", "ค่าไม่ถูกต้อง"), ("Got unexpected extra argument", "มีค่าเกินมา"),
             ("Option", "ตัวเลือกนี้ต้องมีค่าตามหลัง"))


def _usage_in_thai(e: click.UsageError) -> None:
    if getattr(e, "_thai", False):
        return
    message = e.format_message()
    th = next((th for en, th in _USAGE_TH if message.startswith(en)), "ใช้คำสั่งไม่ถูกต้อง")
    e.message, e._thai = f"{th} (ดู --help) / {message}", True
    if isinstance(e, click.BadParameter):     # its own formatting would say "Invalid value" again
        e.__class__ = click.UsageError


class _Group(typer.core.TyperGroup):
    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as e:
            _usage_in_thai(e)
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            _usage_in_thai(e)
            raise


app = typer.Typer(cls=_Group, add_completion=False, no_args_is_help=True,
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


