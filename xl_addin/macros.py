"""Recalculate and Validate for Excel: the same core as the CLI, on an ``xw.Book``."""
from __future__ import annotations

import json

import xlwings as xw

import sheets_sync as ss
from sheets_sync.core.grid import parse_a1
from sheets_sync.core.problems import ERROR
from sheets_sync.kinds.meta import META_SHEET, read_meta
from sheets_sync.kinds.template import load_template

from sheets_sync.backends.excel import ExcelBook

HIGHLIGHT = "#ffc7ce"  # Excel's light red "bad" fill
NO_FILL = "#ffffff"    # what a cell with no template fill is restored to: every xlwings client
                       # needs an explicit colour (VBA's HexToRgb takes a String, Office.js calls
                       # args[0].toString()); a null argument crashes both
ALERT_LIMIT = 12
TITLE = "sheets-sync"


def _problem_cells(report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in report.problems:
        # row-wide problems ("3:3") are listed in the alert, not painted
        if p.severity == ERROR and p.cell and p.cell[0].isalpha():
            out.setdefault(p.sheet, set()).add(p.cell)
    return out


def _fills_by_column(book: ExcelBook, sheet: str, template) -> dict[int, str]:
    """The template's fill of each column (by its owner), to restore after a problem is fixed."""
    from sheets_sync.kinds.layout import discover
    layout = discover(book.grids()[sheet], template)
    style = template.style
    out: dict[int, str] = {}
    for key, col in (layout.columns.items() if layout else []):
        owner = template.field(key).owner
        hexa = style.get({"computed": "computed_fill", "template": "template_fill"}.get(owner, ""))
        out[col] = f"#{hexa.lstrip('#').lower()}" if hexa else NO_FILL
    return out


def _message(report, title_ok: str) -> str:
    lines = [f"[{p.where}] {p.message_th}\n    {p.message_en}" for p in report.problems[:ALERT_LIMIT]]
    more = len(report.problems) - ALERT_LIMIT
    if more > 0:
        lines.append(f"... และอีก {more} รายการ / and {more} more")
    return "\n".join(lines) if lines else title_ok


def _highlight(xbook, book: ExcelBook, report, template) -> None:
    grids = book.grids()
    meta = read_meta(grids.get(META_SHEET))
    now = _problem_cells(report)
    for sheet in {s.sheet for s in report.sheets} | set(now):
        before = set(json.loads(meta.get(f"highlighted:{sheet}") or "[]"))
        fixed = sorted(before - now.get(sheet, set()))
        fills = _fills_by_column(book, sheet, template) if fixed else {}
        for ref in fixed:
            xbook.sheets[sheet].range(ref).color = fills.get(parse_a1(ref.split(":")[0])[1], NO_FILL)
        for ref in sorted(now.get(sheet, set()) - before):
            xbook.sheets[sheet].range(ref).color = HIGHLIGHT
        if META_SHEET in grids and before != now.get(sheet, set()):
            _remember(xbook, grids[META_SHEET], f"highlighted:{sheet}", sorted(now.get(sheet, set())))


def _remember(xbook, meta_grid, key: str, value) -> None:
    row = next((r for r in range(1, meta_grid.max_row + 1) if meta_grid.get(r, 1) == key), None)
    if row is None:
        row = meta_grid.max_row + 1
        meta_grid.values[(row, 1)] = key
    xbook.sheets[META_SHEET].range((row, 1), (row, 2)).value = [[key, json.dumps(value)]]
    meta_grid.values[(row, 2)] = json.dumps(value)


def alert(xbook, prompt: str, title: str = TITLE, mode: str = "critical") -> None:
    """A message box on *this* book. xlwings' remote ``App.alert`` goes to ``books.active``,
    the last book opened in the process, which under concurrent requests is someone else's;
    so on the remote engine the action is appended to the book itself. Every argument is a
    string (the clients call ``toString()`` / declare ``As String`` on all five)."""
    impl = getattr(xbook, "impl", None)
    if hasattr(impl, "append_json_action"):
        impl.append_json_action(func="alert", args=[str(prompt), str(title), "ok", mode, ""])
    else:
        xbook.app.alert(str(prompt), title=str(title), mode=mode)


def _run(fn, book):
    xbook = book or xw.Book.caller()
    excel = ExcelBook(xbook)
    try:
        report = fn(excel)
        template = load_template(read_meta(excel.grids().get(META_SHEET)).get("template") or "scorecard")
        _highlight(xbook, excel, report, template)
    except ss.SheetsSyncError as e:
        alert(xbook, f"{e.th}\n{e.en}")
        return None
    except Exception as e:  # noqa: BLE001 - staff see a message box, never a traceback
        alert(xbook, f"เกิดข้อผิดพลาดที่ไม่คาดคิด ไม่มีการเปลี่ยนแปลงข้อมูลที่พิมพ์ไว้\n"
                     f"Unexpected error; nothing you typed was changed: {type(e).__name__}: {e}")
        return None
    if report.problems:
        alert(xbook, _message(report, ""), title="sheets-sync: ปัญหา / problems",
              mode="critical" if report.errors else "info")
    return report


def recalculate(book=None):
    """Ribbon button: compute and write the computed cells, show problems."""
    return _run(lambda excel: ss.recalc(excel), book)


def validate(book=None):
    """Show every problem of the workbook; writes nothing but the highlights."""
    return _run(lambda excel: ss.validate(excel), book)


def wire(answer: dict) -> dict:
    """The answer as it goes to the client: xlwings writes ``args: [null]`` on actions that
    take none (``setValues``); no client reads them, but a null argument is exactly what
    crashes VBA's ``As String`` and Office.js' ``toString()``, so none is ever sent."""
    for action in answer.get("actions", []):
        if action.get("args") == [None]:
            action["args"] = []
    return answer
