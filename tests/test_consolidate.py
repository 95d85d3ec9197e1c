"""consolidate: unit sheets into the ministry summary, on .xlsx and Google."""
import zipfile

import openpyxl
import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, STAFF, sheet_key, type_google_results, type_results
from sheets_sync.ministry.summary import MATRIX, MISSING, OVERVIEW, PROBLEMS

RESULTS = {
    "A": SEED000_RESULTS,
    "B": {**SEED000_RESULTS, "ศปท.1": 4, "ศปท.3": 88},
    "C": {**SEED000_RESULTS, "ศปท.1": 4, "ศปท.3": 88},        # ties with B
    "D": {"ศปท.3": 75, "ศปท.5": "๘"},
}


def table(ws):
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


@pytest.fixture
def registry(tmp_path):
    (tmp_path / "units").mkdir()
    lines = []
    for code, results in RESULTS.items():
        path = tmp_path / "units" / f"{code}.xlsx"
        ss.init(path, indicators=SEED000_CSV, unit=f"หน่วย {code}")
        type_results(path, results)
        ss.recalc(path)
        lines.append(f"  - {{code: {code}, name: หน่วย {code}, sheet: units/{code}.xlsx}}\n")
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(lines), encoding="utf-8")
    return tmp_path, units


def own_totals(path):
    return ss.recalc(path, dry_run=True).sheets[0]


def test_xlsx_summary_matches_each_units_own_recalc(registry, cli):
    tmp_path, units = registry
    out = tmp_path / "summary.xlsx"
    res = cli("consolidate", "--units", units, "--out", out, "--period", "2/2567")
    assert "summary.xlsx" in res.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [OVERVIEW, MATRIX, "รายละเอียดรายหน่วยงาน", PROBLEMS, MISSING]   # issue 13: the units' words
    overview = {r["รหัสหน่วยงาน"]: r for r in table(wb[OVERVIEW])}
    for code in RESULTS:
        own = own_totals(tmp_path / "units" / f"{code}.xlsx")
        assert overview[code]["คะแนนถ่วงน้ำหนักรวม"] == own.totals["weighted_score"]
        assert overview[code]["ร้อยละ"] == own.totals["percentage"]
        assert overview[code]["รายงานแล้ว"] == own.totals["reported"]
        statuses = [r["status"] for r in own.rows]
        assert [overview[code][k] for k in ("เขียว", "เหลือง", "แดง", "เทา")] == \
               [statuses.count(s) for s in ("green", "yellow", "red", "grey")]
        assert overview[code]["จำนวนปัญหา"] == len(own.problems)
    # B and C tie: same rank, and the next rank skips
    ranks = {c: overview[c]["ลำดับ"] for c in RESULTS}
    assert ranks["B"] == ranks["C"] == 1 and ranks["A"] == 3 and ranks["D"] == 4
    # the matrix, cell for cell, against each unit's own scores
    matrix = {r["รหัส"]: r for r in table(wb[MATRIX])}
    for code in RESULTS:
        for row in own_totals(tmp_path / "units" / f"{code}.xlsx").rows:
            assert matrix[row["code"]][code] == row["score"], (code, row["code"])
    r = matrix["ศปท.1"]
    assert r["ต่ำสุด"] == 2 and r["สูงสุด"] == 4 and r["ต่ำกว่าระดับ 3"] == "A"
    assert r["เฉลี่ย"] == pytest.approx((2 + 4 + 4) / 3)
    assert matrix["ศปท.1"]["D"] is None  # D did not report it
    assert wb[OVERVIEW]._charts and wb[MATRIX]._charts
    # the chart's level lines (3 and 5 on every row) are hidden columns the chart still draws,
    # and the short matrix prints on one page with its chart
    head = [c.value for c in wb[MATRIX][2]]
    levels = [i + 1 for i, v in enumerate(head) if v in ("ระดับ 3", "ระดับ 5")]
    from openpyxl.utils import get_column_letter
    assert len(levels) == 2 and all(wb[MATRIX].column_dimensions[get_column_letter(c)].hidden for c in levels)
    with zipfile.ZipFile(tmp_path / "summary.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert sum('plotVisOnly val="0"' in c for c in charts) == 1      # the matrix's; the overview's plots what shows
    bar = next(c for c in charts if 'barDir val="bar"' in c)          # the overview's, units by rank
    assert 'orientation val="maxMin"' in bar and 'crosses val="max"' in bar   # rank 1 on top, axis below
    assert wb[MATRIX].page_setup.fitToHeight == 1 and wb[MATRIX].sheet_properties.pageSetUpPr.fitToPage
    assert wb[OVERVIEW]["A3"].font.name == "TH SarabunPSK"
    assert [list(r) for r in wb[MISSING].iter_rows(min_row=3, values_only=True)] == [[None, None, "ไม่มี / none"]]
    assert wb[MISSING].print_title_rows == "$1:$2" and wb[OVERVIEW].print_title_rows == "$1:$2"


def test_failures_do_not_spread_and_exit_is_incomplete(registry, cli):
    tmp_path, units = registry
    (tmp_path / "units" / "C.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    text = units.read_text(encoding="utf-8") + "  - {code: E, name: หน่วย E, sheet: units/E.xlsx}\n"
    units.write_text(text, encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    res = cli("consolidate", "--units", units, "--out", out, code=2)
    assert "C" in res.output and "E" in res.output
    wb = openpyxl.load_workbook(out)
    assert {r["รหัสหน่วยงาน"] for r in table(wb[OVERVIEW])} == {"A", "B", "D"}
    missing = {r["รหัสหน่วยงาน"]: r["สาเหตุ / reason"] for r in table(wb[MISSING])}
    assert "not a readable .xlsx" in missing["C"] and "file not found" in missing["E"]


def test_previous_summary_is_kept_and_a_crash_leaves_it_readable(registry, monkeypatch):
    tmp_path, units = registry
    out = tmp_path / "summary.xlsx"
    ss.consolidate(units, str(out))
    first = out.read_bytes()
    second = ss.consolidate(units, str(out))
    assert second.history and open(second.history, "rb").read() == first
    import sheets_sync.backends.files as writer

    def crash(*a):
        raise OSError("disk full")
    monkeypatch.setattr(writer.os, "replace", crash)
    before = out.read_bytes()
    with pytest.raises((OSError, ss.SheetsSyncError)):   # a message naming the summary, not a traceback
        ss.consolidate(units, str(out))
    assert out.read_bytes() == before and openpyxl.load_workbook(out)[OVERVIEW]
    assert not list(tmp_path.glob(".summary.xlsx.*.tmp"))


def test_publish_writes_a_read_only_overview_into_each_unit(registry):
    tmp_path, units = registry
    result = ss.consolidate(units, str(tmp_path / "summary.xlsx"), publish=True)
    assert result.published == ["A", "B", "C", "D"]
    for code in RESULTS:
        path = tmp_path / "units" / f"{code}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb["สรุปภาพรวม"]
        assert ws.protection.sheet
        codes = [r[1] for r in ws.iter_rows(min_row=3, values_only=True)]
        assert sorted(codes) == sorted(RESULTS)
        assert ss.recalc(path).changed_cells == 0          # the scorecard itself untouched
    # publishing again replaces the copy instead of adding another
    ss.consolidate(units, str(tmp_path / "summary.xlsx"), publish=True)
    assert openpyxl.load_workbook(tmp_path / "units" / "A.xlsx").sheetnames.count("สรุปภาพรวม") == 1


def test_google_units_and_summary_with_request_counts(tmp_path, emulator, google_opts):
    keys = {}
    for code in ("GA", "GB", "GC"):
        url = ss.init(indicators=SEED000_CSV, unit=code, google=True, share=[STAFF],
                      credentials=emulator.creds, endpoint=emulator.base_url)
        keys[code] = sheet_key(url)
    type_google_results(emulator, keys["GA"], SEED000_RESULTS)
    type_google_results(emulator, keys["GB"], {**SEED000_RESULTS, "ศปท.4": "=IMPORTXML(\"http://x\",\"//a\")"})
    type_google_results(emulator, keys["GC"], RESULTS["B"])
    # staff typed the formula-like text: in Sheets it was kept as text by RAW entry
    sheet = emulator.state.spreadsheets[keys["GB"]].sheets[0]
    row4 = next(r for (r, c), cell in sheet.cells.items() if c == 2 and cell.get("effectiveValue", {}).get("stringValue") == "ศปท.4")
    emulator.state.values_update(keys["GB"], STAFF, f"'{sheet.title}'!L{row4 + 1}", [["=IMPORTXML(\"http://x\",\"//a\")"]], "RAW")
    unshared = emulator.state.create_spreadsheet("ไม่ได้แชร์", "someone@else.go.th")
    summary = emulator.state.create_spreadsheet("สรุป", emulator.account)
    (tmp_path / "corrupt.xlsx").write_bytes(b"PK\x03\x04 broken")   # a local unit whose file is corrupt
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: {k}}}\n" for c, k in keys.items())
                     + f"  - {{code: GX, name: หน่วย GX, sheet: {unshared.id}}}\n"
                     + "  - {code: LX, name: หน่วย LX, sheet: corrupt.xlsx}\n", encoding="utf-8")
    for k in keys.values():
        ss.recalc(k, **google_opts)
    emulator.state.reset_stats()
    emulator.state.write_log.clear()
    result = ss.consolidate(units, summary.id, credentials=emulator.creds, endpoint=emulator.base_url,
                            publish=True)
    assert result.exit_code == 2
    stats = emulator.state.stats()
    units_read = 4
    # per unit: one Sheets read (+ one Drive read for its modified time); summary: 1 read + 1 write;
    # publish: one small properties read (every tab's id) and one write per readable unit.
    assert stats["sheets.read"] == units_read + 1 + 3
    assert stats["drive"] == 3
    assert stats["sheets.write"] == 1 + 3
    ids = {s.title: s for s in emulator.state.spreadsheets[summary.id].sheets}
    overview = emulator.state.values_get(summary.id, emulator.account, f"'{OVERVIEW}'!A2:N10", "UNFORMATTED_VALUE")["values"]
    got = {row[1]: row for row in overview[1:]}
    for code, key in keys.items():
        own = ss.recalc(key, dry_run=True, **google_opts).sheets[0]
        assert got[code][3] == own.totals["weighted_score"] and got[code][4] == own.totals["percentage"]
    assert got["GA"][0] == 2 and got["GC"][0] == 1
    missing = emulator.state.values_get(summary.id, emulator.account, f"'{MISSING}'!A3:C5", "UNFORMATTED_VALUE")["values"]
    assert missing[0][0] == "GX" and "share it (Editor)" in missing[0][2] and emulator.account in missing[0][2]
    assert missing[1][0] == "LX" and "not a readable .xlsx" in missing[1][2]
    problems = emulator.state.values_get(summary.id, emulator.account, f"'{PROBLEMS}'!A3:G20", "FORMULA")["values"]
    assert any('=IMPORTXML("http://x","//a")' in str(row[6]) for row in problems)  # text, not a formula
    for _, _, body in emulator.state.write_log:
        for req in body["requests"]:
            for row in req.get("updateCells", {}).get("rows", []):
                for v in row.get("values", []):
                    assert "formulaValue" not in v.get("userEnteredValue", {})
    assert len(ids[OVERVIEW].charts) == 1 and len(ids[MATRIX].charts) == 1
    # the matrix chart's level lines sit in hidden columns: Google is told to draw them anyway
    assert ids[MATRIX].charts[0]["spec"]["hiddenDimensionStrategy"] == "SHOW_ALL"
    assert "hiddenDimensionStrategy" not in ids[OVERVIEW].charts[0]["spec"]
    # a reader opens the summary on its overview, not on the spreadsheet's empty first tab
    assert min(emulator.state.spreadsheets[summary.id].sheets, key=lambda s: s.index).title == OVERVIEW
    published = emulator.state.values_get(keys["GA"], STAFF, "'สรุปภาพรวม'!A2:C3", "UNFORMATTED_VALUE")["values"]
    assert published[0][1] == "รหัสหน่วยงาน"
    # a second run keeps the previous summary as hidden history sheets
    ss.consolidate(units, summary.id, credentials=emulator.creds, endpoint=emulator.base_url)
    titles = [s.title for s in emulator.state.spreadsheets[summary.id].sheets]
    assert titles.count(OVERVIEW) == 1 and any(t.startswith("ก่อนหน้า ") and t.endswith(OVERVIEW) for t in titles)


def test_many_local_units_are_read_in_processes_with_the_same_summary(registry, monkeypatch):
    """Enough units to be read in worker processes (in a fresh interpreter: processes are
    forked only from a process running no other threads): the summary is the one the
    in-process read gives, units and progress in the registry's order."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path
    from sheets_sync.ministry import consolidate as consolidate_module
    tmp, _ = registry
    lines = []
    n = consolidate_module.PROCESS_MIN_UNITS + 2
    for i in range(n):
        src = tmp / "units" / f"{'ABCD'[i % 4]}.xlsx"
        shutil.copyfile(src, tmp / "units" / f"m{i}.xlsx")
        lines.append(f"  - {{code: M{i:03d}, name: หน่วย {i}, sheet: units/m{i}.xlsx}}\n")
    many = tmp / "many.yaml"
    many.write_text("units:\n" + "".join(lines), encoding="utf-8")
    code = ("import json, resource, sheets_sync\n"
            "seen = []\n"
            f"res = sheets_sync.consolidate({str(many)!r}, {str(tmp / 'par.xlsx')!r}, progress=lambda u: seen.append(u.code))\n"
            "print(json.dumps({'seen': seen, 'units': [u.code for u in res.summary.units],\n"
            "                  'children_cpu': resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime}))\n")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    par = json.loads(proc.stdout.strip().splitlines()[-1])
    assert par["children_cpu"] > 0, "the units were read in worker processes"
    want = [f"M{i:03d}" for i in range(n)]
    assert par["seen"] == want and par["units"] == want
    monkeypatch.setattr(consolidate_module, "PROCESS_MIN_UNITS", 10**9)
    ss.consolidate(many, str(tmp / "one.xlsx"))
    for sheet in (OVERVIEW, MATRIX, PROBLEMS):
        pa = table(openpyxl.load_workbook(tmp / "par.xlsx")[sheet])
        pb = table(openpyxl.load_workbook(tmp / "one.xlsx")[sheet])
        assert pa == pb and len(pa) >= 1


def test_a_typo_key_in_units_yaml_is_named_with_a_suggestion(tmp_path):
    from sheets_sync.ministry.units import UnitsError, load_units
    (tmp_path / "units.yaml").write_text("units:\n  - {code: กค, nmae: กองคลัง, sheet: กค.xlsx}\n", encoding="utf-8")
    with pytest.raises(UnitsError) as e:
        load_units(tmp_path / "units.yaml")
    assert "unknown key 'nmae' (did you mean name?)" in e.value.en and "ไม่รู้จักคีย์ 'nmae'" in e.value.th
    assert "name is missing" in e.value.en
