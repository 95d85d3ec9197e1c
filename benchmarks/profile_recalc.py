"""cProfile of the 10,000-row .xlsx recalc, written to benchmarks/PROFILE.md.

Run: ``python -m benchmarks.profile_recalc [--rows N] [--out FILE]``. The workbook is the
recalc benchmark's (``init`` + results typed with openpyxl); the first recalc writes every
computed cell, note and history row, the second finds nothing to change, the third follows
one result typed (openpyxl) and rebuilds only that row's note. Each is profiled
on its own; the tables list the functions by their own time and the time by phase.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from pathlib import Path

import sheets_sync

from .recalc_xlsx import floor, make_book

HERE = Path(__file__).resolve().parent
# Phases timed exclusively (a phase called inside another counts for itself only: tabs are
# read lazily, inside the evaluation and the write): (module, class or None, function).
PHASES = [("read: unzip, scan the sheets' bytes, read the notes",
           [("sheets_sync.backends.xlsx_book", "XlsxBook", "__init__"), ("sheets_sync.backends.xlsx_book", "XlsxBook", "grids"),
            ("sheets_sync.backends.xlsx_book", "XlsxBook", "lazy_grids"), ("sheets_sync.backends.xlsx_book", "XlsxBook", "notes"),
            ("sheets_sync.backends.xlsx", "XlsxWorkbook", "grid"), ("sheets_sync.core.grid", "LazyGrid", "head_rows"),
            ("sheets_sync.backends.xlsx", None, "scan_last_row")]),
          ("evaluate: layout, checks, scoring, notes", [("sheets_sync.kinds.scorecard", "Scorecard", "evaluate")]),
          ("notes: keys, reuse of unchanged ones, build of the others",
           [("sheets_sync.workbook.recalc", None, "_reuse_notes"), ("sheets_sync.workbook.recalc", None, "_plain"),
            ("sheets_sync.workbook.recalc", None, "notes_record")]),
          ("history and metadata", [("sheets_sync.workbook.recalc", None, "result_changes"),
                                    ("sheets_sync.workbook.recalc", None, "meta_cells"),
                                    ("sheets_sync.kinds.base", "SheetResult", "recorded_blob"),
                                    ("sheets_sync.workbook.recalc", None, "read_meta")]),
          ("write: cells into the sheet XML, serialise, zip", [("sheets_sync.backends.xlsx_book", "XlsxBook", "write")])]
OTHER = "other (the recalc's own glue, freeing what was read)"


class PhaseTimer:
    """Exclusive wall time per phase while installed (the innermost phase running gets it)."""

    def __init__(self):
        import importlib
        self.spent: dict[str, float] = {}
        self.stack: list[list] = []
        self.undo = []
        for phase, where in PHASES:
            for mod, cls, fn in where:
                owner = importlib.import_module(mod)
                owner = getattr(owner, cls) if cls else owner
                self.undo.append((owner, fn, owner.__dict__[fn]))
                setattr(owner, fn, self._wrap(getattr(owner, fn), phase))

    def _wrap(self, f, phase):
        import functools

        @functools.wraps(f)
        def timed(*a, **k):
            now = time.perf_counter()
            if self.stack:
                top = self.stack[-1]
                self.spent[top[0]] = self.spent.get(top[0], 0.0) + now - top[1]
            self.stack.append([phase, now])
            try:
                return f(*a, **k)
            finally:
                end = time.perf_counter()
                ph, start = self.stack.pop()
                self.spent[ph] = self.spent.get(ph, 0.0) + end - start
                if self.stack:
                    self.stack[-1][1] = end
        return timed

    def remove(self):
        for owner, fn, orig in reversed(self.undo):
            setattr(owner, fn, orig)


def profile(fn) -> tuple[float, pstats.Stats, dict[str, float]]:
    timer = PhaseTimer()
    pr = cProfile.Profile()
    t0 = time.perf_counter()
    try:
        pr.enable()
        fn()
        pr.disable()
    finally:
        timer.remove()
    total = time.perf_counter() - t0
    phases = {name: timer.spent.get(name, 0.0) for name, _ in PHASES}
    phases[OTHER] = max(0.0, total - sum(phases.values()))
    return total, pstats.Stats(pr), phases


def table(stats: pstats.Stats, top: int) -> str:
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _) in stats.stats.items():
        where = f"{file}:{line}({func})"
        short = where.split("/site-packages/")[-1].split("/sheets_sync/")[-1].split("/lib/python3")[-1]
        rows.append((tt, ct, nc, short))
    rows.sort(reverse=True)
    lines = ["| own time | with callees | calls | function |", "|---:|---:|---:|---|"]
    lines += [f"| {tt:.3f} s | {ct:.3f} s | {nc} | `{short}` |" for tt, ct, nc, short in rows[:top]]
    return "\n".join(lines)


def _type_one_result(path: Path) -> None:
    """A person changes one result (the middle row's) with openpyxl and saves."""
    import openpyxl
    from .recalc_xlsx import header_columns
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cols = header_columns(ws)
    rows = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, cols["รหัส"]).value or "").startswith("K.")]
    cell = ws.cell(rows[len(rows) // 2], cols["ผลการดำเนินงาน"])
    cell.value = (cell.value or 0) + 7
    wb.save(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile_recalc")
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--out", default=str(HERE / "PROFILE.md"))
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sheets-sync-profile-") as tmp:
        src = make_book(Path(tmp), args.rows)
        work = Path(tmp) / "work.xlsx"
        shutil.copyfile(src, work)
        sheets_sync.recalc(work)             # warm: imports, template caches
        shutil.copyfile(src, work)
        t_first, first, p_first = profile(lambda: sheets_sync.recalc(work))
        t_again, again, p_again = profile(lambda: sheets_sync.recalc(work))
        _type_one_result(work)
        t_one, one, p_one = profile(lambda: sheets_sync.recalc(work))
        t0 = time.perf_counter()
        floor(work)
        t_floor = time.perf_counter() - t0
    out = io.StringIO()
    out.write(f"# Profile of `recalc` on a {args.rows:,}-row .xlsx\n\n"
              f"Generated by `python -m benchmarks.profile_recalc` (cProfile; its overhead makes every "
              f"figure larger than an unprofiled run). The lxml parse floor of the same file, unprofiled: "
              f"{t_floor:.2f} s.\n")
    for title, secs, stats, phases in (
            ("First recalc: every computed cell, note and history row written", t_first, first, p_first),
            ("No-change recalc: nothing to write", t_again, again, p_again),
            ("One result changed: its cells, its note and the totals written", t_one, one, p_one)):
        tbl = table(stats, args.top)
        total = sum(phases.values()) or 1.0
        out.write(f"\n## {title} ({secs:.2f} s profiled)\n\nTime by phase:\n\n| phase | time | share |\n|---|---:|---:|\n")
        for name, t in sorted(phases.items(), key=lambda kv: -kv[1]):
            out.write(f"| {name} | {t:.2f} s | {t / total:.0%} |\n")
        out.write(f"\nTop {args.top} functions by own time:\n\n{tbl}\n")
    Path(args.out).write_text(out.getvalue(), encoding="utf-8")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
