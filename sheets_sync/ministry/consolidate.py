"""Consolidate every unit's sheet into the ministry summary, and publish it back.

Reads are concurrent under a quota-aware limiter (one per service account, one per
project); a unit that cannot be read is listed with its reason and never stops the
others. The summary replaces the previous one only once complete in memory.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..core.errors import SheetsSyncError
from ..kinds.base import UnitRead
from ..kinds.template import Template, load_template
from .summary import Summary, build_summary, overview_rows
from .units import Unit, load_units

PUBLISHED_SHEET = "สรุปภาพรวม"


@dataclass
class ConsolidateResult:
    summary: Summary
    out: str
    published: list[str]
    history: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.summary.complete else 2


class Accounts:
    """One gspread client per (thread, service account); units spread over accounts."""

    def __init__(self, credentials: list, quotas=None, **google):
        from ..backends.google.ratelimit import Quotas, RateLimiter, SlidingWindow
        self.credentials = [c for c in credentials if c] or [None]
        q = quotas or Quotas()
        project = SlidingWindow(max(1, q.project_per_minute - q.headroom), q.minute + q.margin)
        self.limiters = [RateLimiter(q, project=project) for _ in self.credentials]
        self.google = google
        self.local = threading.local()

    def client(self, i: int):
        from ..backends.google.client import make_client
        cache = self.local.__dict__.setdefault("clients", {})
        k = i % len(self.credentials)
        if k not in cache:
            cache[k] = make_client(self.credentials[k], limiter=self.limiters[k], **self.google)
        return cache[k]


UNKNOWN_MODIFIED = "ไม่ทราบ / unknown"


def read_unit(unit: Unit, index: int, accounts: Accounts | None, publish: bool = False, period: str = "") -> UnitRead:
    from ..workbook.locked_rounds import LockedFigures, changed_after_lock
    from ..core.problems import folded_stale
    from ..workbook.recalc import evaluate_book, stale
    read = UnitRead(unit.code, unit.name)
    try:
        if unit.is_google:
            from ..backends.google.book import GoogleBook
            client = accounts.client(index)
            book = GoogleBook(unit.sheet, client=client)
            book.grids()                                             # read 1: values, formulas, notes
            # every tab's id, for publishing (one cheap properties read, only then)
            read.sheet_ids = dict(book.sheet_ids) if publish else None
            read.modified = drive_modified(client, unit.sheet)       # read 2 (Drive): never drops the unit
        else:
            from ..backends.xlsx_book import XlsxUnitRead
            book = XlsxUnitRead(unit.path)     # not its hidden archive and edit history
            read.modified = datetime.fromtimestamp(unit.path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        ev = evaluate_book(book, period=period or None)   # that round's tab in a multi-round workbook
        # a locked round's figure typed over after the lock is an error the ministry sees,
        # and the summary counts the figure as submitted and approved, not the edit
        changed = [p for p in changed_after_lock(ev) if p.sheet == ev.results[0].sheet]
        if changed:
            ev = evaluate_book(LockedFigures(book.name, ev.grids, changed), period=period or None)
        read.result, read.version, read.template = ev.results[0], ev.meta.get("template_version"), ev.template
        read.result.problems.extend(changed)
        # edited but not recalculated: the unit's sheet shows other figures than the summary
        read.result.problems.extend(folded_stale(stale(read.result, ev.grids[read.result.sheet]), at_most=0))
        read.meta = ev.meta
    except SheetsSyncError as e:
        read.error = e.said
    except Exception as e:  # noqa: BLE001 - one broken unit must not stop the others
        read.error = f"{type(e).__name__}: {e}"
    return read


def drive_modified(client, key: str) -> str:
    """The Drive modified time, or "unknown" with the reason: a Drive failure (rate limit after
    retries, a file Drive does not show under drive.file) never drops a unit whose Sheets read
    succeeded."""
    from ..backends.google.book import call, spreadsheet_key
    try:
        drive = call(client, key, client.http_client.get_file_drive_metadata, spreadsheet_key(key) or key)
    except SheetsSyncError as e:
        return f"{UNKNOWN_MODIFIED} ({e.en})"
    return drive.get("modifiedTime", "") or UNKNOWN_MODIFIED


def consolidate(units: str | Path | list[Unit], out: str, *, period: str = "", publish: bool = False,
                credentials: list | str | Path | None = None, workers: int = 8, quotas=None,
                progress: Callable | None = None, history_db: str | None = None, **google) -> ConsolidateResult:
    """``period`` (e.g. 2/2567): units whose sheet reports another round are listed, not
    summed, and the consolidation is stored in the history database (``history_db``: a
    SQLAlchemy URL or an SQLite path; default beside the summary)."""
    from ..backends.files_temps import one_scan_per_folder
    from ..workbook.recalc import _no_gc_pauses
    # a thousand units' results and a summary of 100,000 cells are millions of objects and
    # no cycles: the collector's passes over them were a third of the summary's time.
    # Units share folders: each is looked through for stale temp files once, not per unit.
    with _no_gc_pauses(), one_scan_per_folder():
        return _consolidate(units, out, period, publish, credentials, workers, quotas, progress, history_db, google)


def _consolidate(units, out, period, publish, credentials, workers, quotas, progress, history_db,
                 google) -> ConsolidateResult:
    if period:
        from ..core.period import check_period
        period = check_period(period)
    units = load_units(units) if not isinstance(units, list) else units
    creds = credentials if isinstance(credentials, list) else [credentials]
    needs_google = any(u.is_google for u in units) or not str(out).lower().endswith(".xlsx")
    accounts = Accounts(creds, quotas, **google) if needs_google else None

    def one(item):
        i, u = item
        # the same lean record as a worker sends: what a consolidate returns does not
        # depend on how many units it read
        r = _with_template(for_the_summary(read_unit(u, i, accounts, publish, period)))
        if progress:
            progress(u)
        return r
    reads = _read_local_in_processes(units, publish, progress, period)
    if reads is None:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            reads = list(pool.map(one, enumerate(units)))
    summary = build_summary(same_period(same_kind(reads), period), template_of(reads), period)
    recorded = None
    if period:   # kept before the summary is written, so its round-over-round sheets include it
        from .history_db import history_url, record, sqlite_file_missing
        from .round_over_round import change_table, trend_table
        url = history_url(out, history_db)
        made = sqlite_file_missing(url)
        recorded = (url, record(url, summary, period, summary_ref=str(out)), made)
        summary.changes, summary.trend = change_table(url, period), trend_table(url, period)
    try:
        if str(out).lower().endswith(".xlsx"):
            from .summary_out import write_summary_xlsx
            history = write_summary_xlsx(summary, Path(out))
        else:
            from .summary_out import write_summary_google
            history = write_summary_google(summary, out, accounts.client(0))
    except BaseException:
        # the summary was not written: neither is its round (the error says nothing was)
        if recorded:
            from .history_db import forget
            forget(recorded[0], recorded[1], created=recorded[2])
        raise
    published = publish_overview(summary, units, accounts) if publish else []
    return ConsolidateResult(summary, str(out), published, history)


# Reading a local unit is CPU work (unzip, scan, score): threads share one GIL, so many
# units are read in processes, one per core. Below this many, starting them costs more.
PROCESS_MIN_UNITS = 48


def _read_local(item: tuple[int, Unit, bool, str]) -> UnitRead:
    i, u, publish, period = item
    return for_the_summary(read_unit(u, i, None, publish, period))


def for_the_summary(read: UnitRead) -> UnitRead:
    """A worker's read as sent back: what the summary, the history database and publishing
    use. The cells a recalc would write, their names, notes, report rows and records stay behind,
    and the template is named, not sent, when it is the one the parent loaded before the
    fork (unpickling those was half of the parent's time per unit)."""
    from dataclasses import replace
    # the metadata's per-tab records of written cells and notes are for recalc: the
    # summary reads the round, its states and tabs
    read.meta = {k: v for k, v in (read.meta or {}).items() if not (isinstance(k, str) and k.startswith(_RECALCS_OWN))}
    if read.result is not None:
        read.result = replace(read.result, desired={}, changes={}, other_cells={}, notes={}, report_rows=[],
                              names={}, heights={})
        for frame in (read.result.inputs, read.result.rows, *(read.result.detail or {}).values()):
            _share_columns(frame)
    key = str((read.meta or {}).get("template") or "scorecard")
    try:
        if read.template is not None and read.template is load_template(key):
            read.template = _NamedTemplate(key)
    except SheetsSyncError:
        pass
    return read


_RECALCS_OWN = ("computed:", "template:", "notes:", "results:")
# Units of one template have tables of the same columns: one Index object for them all,
# so a worker's chunk of reads pickles (and the parent unpickles) each only once.
_COLUMNS: dict[tuple, object] = {}


def _share_columns(frame) -> None:
    import pandas as pd
    if not isinstance(frame, pd.DataFrame):
        return
    try:
        key = (tuple(frame.columns), str(frame.columns.dtype))
        shared = _COLUMNS.setdefault(key, frame.columns) if len(_COLUMNS) < 256 else frame.columns
    except TypeError:   # a column label that is not hashable: left as it is
        return
    if shared is not frame.columns:
        frame.columns = shared


@dataclass(frozen=True)
class _NamedTemplate:
    key: str


def _with_template(read: UnitRead) -> UnitRead:
    if isinstance(read.template, _NamedTemplate):
        read.template = load_template(read.template.key)
    return read


def _read_local_in_processes(units: list[Unit], publish: bool, progress: Callable | None,
                             period: str = "") -> list[UnitRead] | None:
    """Every unit read in worker processes, in unit order; None when that does not pay
    (few units, one core, or any unit on Google: those wait on the network, not the CPU)."""
    import multiprocessing
    import os
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or len(units) < PROCESS_MIN_UNITS or any(u.is_google for u in units):
        return None
    # Only fork: spawn and forkserver import the caller's main module again (a script
    # without a __main__ guard breaks them), and forking a process that runs other threads
    # can inherit a lock one of them holds.
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    import gc
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    # small chunks: the last one of a core is its idle tail while the other finishes
    chunk = max(1, min(16, len(units) // (cores * 8)))
    # The first unit read here: the workers are forked with its imports, template, header
    # patterns and folder listing done (each paid ~0.3 s for them after the fork).
    out: list[UnitRead] = [read_unit(units[0], 0, None, publish, period)]
    if progress:
        progress(units[0])
    try:
        # gc.disable in the workers: they live for this one read and make no cycles worth a pass
        with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork"),
                                 initializer=gc.disable) as pool:
            for u, r in zip(units[1:], pool.map(_read_local, [(i, u, publish, period) for i, u in enumerate(units) if i],
                                                chunksize=chunk)):
                if progress:
                    progress(u)
                out.append(_with_template(r))
    except (BrokenProcessPool, OSError):
        pass    # a worker died (out of memory, killed): the units not read yet are read here
    for i in range(len(out), len(units)):
        out.append(read_unit(units[i], i, None, publish, period))
        if progress:
            progress(units[i])
    return out


def same_period(reads: list[UnitRead], period: str) -> list[UnitRead]:
    """A unit whose sheet reports another round than the summary's is listed as such."""
    if not period:
        return reads
    from ..core.period import Period, PeriodError
    from ..kinds.round_tabs import period_of_tab
    from ..kinds.sheet_plan import round_label
    for u in reads:
        theirs = str(period_of_tab(u.meta, u.result.sheet) or u.meta.get("period") or "") if u.result is not None else ""
        try:
            other = Period.parse(theirs).code if theirs else period
        except PeriodError:
            other = theirs
        if other != period:
            u.error = (f"รอบรายงานไม่ตรง: แผ่นงานเป็น{round_label(theirs)} ไม่ใช่{round_label(period)} "
                       f"/ wrong period: the sheet reports {theirs}, not {period}")
            u.result = None
    return reads


def template_of(reads: list[UnitRead]) -> Template:
    """The summary follows the first readable unit's template (the scorecard when none is)."""
    return next((u.template for u in reads if u.result is not None), None) or load_template()


def same_kind(reads: list[UnitRead]) -> list[UnitRead]:
    """A unit whose sheet is of another kind than the summary's is listed, not summed."""
    tpl = template_of(reads)
    for u in reads:
        if u.result is not None and u.result.kind != tpl.kind:
            u.error = (f"แผ่นงานชนิด {u.result.kind} ไม่ใช่ {tpl.kind} / "
                       f"a {u.result.kind} sheet, not {tpl.kind}: not summed")
            u.result = None
    return reads


def publish_overview(summary: Summary, units: list[Unit], accounts: Accounts | None) -> list[str]:
    """Write a read-only copy of the overview into each readable unit's workbook."""
    rows = overview_rows(summary)
    done = []
    readable = {u.code for u in summary.units if u.result is not None}
    for i, u in enumerate(units):
        if u.code not in readable:
            continue
        try:
            if u.is_google:
                from .summary_out import publish_google
                ids = next((r.sheet_ids for r in summary.units if r.code == u.code), None)
                publish_google(accounts.client(i), u.sheet, PUBLISHED_SHEET, rows, ids)
            else:
                from ..backends.xlsx import XlsxWorkbook
                wb = XlsxWorkbook(u.path)
                wb.replace_sheet(PUBLISHED_SHEET, rows, protect=True)
                wb.save()
            done.append(u.code)
        except SheetsSyncError:
            continue
    return done
