"""What a consolidation reads of each unit, and no more: one listing per folder for stale
temp files, not a unit's hidden archive and edit history, a lean record from the workers."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, type_results


def _old_pattern(name: str) -> re.Pattern:
    """The per-target pattern clean_stale_temps compiled before (its meaning is kept)."""
    return re.compile(rf"^\.{re.escape(name)}\.(?:sheets-sync-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[0-9a-f]+"
                      rf"|[a-z0-9_]{{8}})\.tmp$")


@pytest.mark.parametrize("target", ["unit.xlsx", "a.b.xlsx", "ก ข.xlsx", "x"])
def test_temp_names_are_told_as_before(target):
    from sheets_sync.backends.files_temps import _temp_match
    names = [f".{target}.sheets-sync-host-12-abcd1234.tmp", f".{target}.k2j4_x9a.tmp", f".{target}.K2J4_X9A.tmp",
             f".{target}.sheets-sync-host-12-abcd1234.tmp\n", f".{target}.sheets-sync-h-x-ab.tmp",
             f".{target}.abcdefghi.tmp", f"{target}.k2j4_x9a.tmp", f".{target}x.k2j4_x9a.tmp",
             f".other.xlsx.k2j4_x9a.tmp", f".{target}.sheets-sync-host-12-abcd1234.tmp.bak", f".{target}..tmp"]
    for n in names:
        old, new = _old_pattern(target).match(n), _temp_match(target, n)
        assert (old is None) == (new is None), n
        if old:
            assert old.group("host", "pid") == new.group("host", "pid")


def test_one_listing_per_folder_still_cleans_every_units_stale_temps(tmp_path, monkeypatch):
    from sheets_sync.backends import files_temps
    from sheets_sync.backends.files_temps import HOST, clean_stale_temps, one_scan_per_folder
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    targets = [tmp_path / f"u{i}.xlsx" for i in range(5)]
    stale = [tmp_path / f".{t.name}.sheets-sync-{HOST}-{dead.pid}-abcd1234.tmp" for t in targets[:3]]
    live = tmp_path / f".{targets[3].name}.sheets-sync-{HOST}-{os.getpid()}-abcd1234.tmp"
    legacy_new = tmp_path / f".{targets[4].name}.k2j4_x9a.tmp"      # less than a minute old: kept
    for p in (*targets, *stale, live, legacy_new):
        p.write_bytes(b"x")
    listed = []
    real = os.scandir
    monkeypatch.setattr(files_temps.os, "scandir", lambda d: listed.append(d) or real(d))
    with one_scan_per_folder():
        removed = [p for t in targets for p in clean_stale_temps(t)]
        assert clean_stale_temps(targets[0]) == []      # already removed: nothing, no error
    assert listed == [str(tmp_path)]
    assert sorted(removed) == sorted(stale) and not any(p.exists() for p in stale)
    assert live.exists() and legacy_new.exists()
    old = time.time() - 3600
    os.utime(legacy_new, (old, old))
    assert clean_stale_temps(targets[4]) == [legacy_new]     # outside: a listing per call, as before
    assert len(listed) == 2


def test_the_ministry_does_not_read_the_hidden_archive_and_history(tmp_path):
    from sheets_sync.backends.xlsx_book import XlsxBook, XlsxUnitRead
    from sheets_sync.kinds.meta import ARCHIVE_SHEET, AUDIT_SHEET
    from sheets_sync.workbook.recalc import evaluate_book
    path = tmp_path / "u.xlsx"
    ss.init(path, indicators=SEED000_CSV, unit="หน่วย")
    type_results(path, SEED000_RESULTS)
    ss.recalc(path)
    whole, lean = XlsxBook(path), XlsxUnitRead(path)
    hidden = {s.name for s in whole.workbook.sheets if s.hidden}
    assert {ARCHIVE_SHEET, AUDIT_SHEET} <= hidden
    assert set(whole.grids()) - set(lean.grids()) == {ARCHIVE_SHEET, AUDIT_SHEET}
    a, b = evaluate_book(whole), evaluate_book(lean)
    assert [r.sheet for r in a.results] == [r.sheet for r in b.results]
    assert a.results[0].totals == b.results[0].totals and a.meta == b.meta
    assert [p.to_dict() for p in a.results[0].problems] == [p.to_dict() for p in b.results[0].problems]
    assert a.results[0].rows.equals(b.results[0].rows) and a.results[0].inputs.equals(b.results[0].inputs)


def test_a_workers_record_keeps_what_the_summary_reads(tmp_path):
    import pickle
    from sheets_sync.kinds.template import load_template
    from sheets_sync.ministry.consolidate import _with_template, for_the_summary, read_unit
    from sheets_sync.ministry.units import Unit
    path = tmp_path / "u.xlsx"
    ss.init(path, indicators=SEED000_CSV, unit="หน่วย")
    type_results(path, SEED000_RESULTS)
    ss.recalc(path)
    unit = Unit("U", "หน่วย", str(path), [], path=path)
    full = read_unit(unit, 0, None)
    sent = pickle.loads(pickle.dumps(for_the_summary(read_unit(unit, 0, None))))
    assert len(pickle.dumps(sent)) < len(pickle.dumps(full)) / 2
    got = _with_template(sent)
    assert got.template is load_template(full.meta.get("template") or "scorecard") is full.template
    assert (got.code, got.name, got.version, got.modified, got.error) == \
        (full.code, full.name, full.version, full.modified, full.error)
    assert got.meta == {k: v for k, v in full.meta.items() if not k.startswith(("computed:", "template:", "notes:", "results:"))}
    assert got.meta["period"] == full.meta["period"] and "template_version" in got.meta
    r, f = got.result, full.result
    assert (r.kind, r.sheet, r.totals, r.detail["details"], r.detail["details_sheet"]) == \
        (f.kind, f.sheet, f.totals, f.detail["details"], f.detail["details_sheet"])
    assert r.inputs.equals(f.inputs) and r.rows.equals(f.rows) and r.detail["numbers"].equals(f.detail["numbers"])
    assert [p.to_dict() for p in r.problems] == [p.to_dict() for p in f.problems]


def test_a_chunk_of_records_carries_each_tables_columns_once(tmp_path):
    """Two units' records, as one worker sends them together: each table's columns are
    one Index for both (pickled once), and every frame reads as the unit's own read."""
    import pickle
    import shutil

    import pandas as pd
    from sheets_sync.ministry.consolidate import for_the_summary, read_unit
    from sheets_sync.ministry.units import Unit
    path = tmp_path / "u.xlsx"
    ss.init(path, indicators=SEED000_CSV, unit="หน่วย")
    type_results(path, SEED000_RESULTS)
    ss.recalc(path)
    shutil.copyfile(path, tmp_path / "v.xlsx")
    units = [Unit(c, c, str(tmp_path / f), [], path=tmp_path / f) for c, f in (("U", "u.xlsx"), ("V", "v.xlsx"))]
    full = [read_unit(u, i, None) for i, u in enumerate(units)]
    sent = [for_the_summary(read_unit(u, i, None)) for i, u in enumerate(units)]
    frames = [(s.result.inputs, s.result.rows, s.result.detail["numbers"]) for s in sent]
    assert all(a.columns is b.columns for a, b in zip(*frames))
    got = pickle.loads(pickle.dumps(sent))
    assert got[0].result.inputs.columns is got[1].result.inputs.columns
    for g, f in zip(got, full):
        pd.testing.assert_frame_equal(g.result.inputs, f.result.inputs)
        pd.testing.assert_frame_equal(g.result.rows, f.result.rows)
        pd.testing.assert_frame_equal(g.result.detail["numbers"], f.result.detail["numbers"])
