"""push-template: three units, a template that changes under them, nothing typed lost."""
import json

import openpyxl
import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, SHEET, type_results
from sheets_sync.kinds.sheet_plan import ARCHIVE_SHEET, AUDIT_SHEET

UNIT_OWNED = ("ผลการดำเนินงาน", "รายละเอียดการดำเนินงาน")


def write_canonical(tmp_path, version, edit=None):
    import csv
    rows = list(csv.DictReader(SEED000_CSV.open(encoding="utf-8")))
    if edit:
        rows = edit(rows)
    path = tmp_path / f"kpi_v{version}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    canon = tmp_path / f"ministry_v{version}.yaml"
    canon.write_text(f"template: scorecard\nversion: {version}\nindicators: {path.name}\n", encoding="utf-8")
    return canon


def v2(rows):
    rows = [r for r in rows if r["code"] != "ศปท.3"]                 # retire ศปท.3
    for r in rows:
        if r["code"] == "ศปท.7":
            r["weight"] = "10.00"                                    # change one weight
        if r["code"] == "ศปท.4":
            r["c1"] = "65"                                           # fix a threshold
    rows.append({**rows[0], "dimension": "มิติด้านคุณภาพการให้บริการ", "code": "ศปท.8",
                 "indicator": "ร้อยละของเรื่องร้องเรียนที่แก้ไขได้", "weight": "5.00", "target": "80",
                 "c1": "60", "c2": "65", "c3": "70", "c4": "75", "c5": "80"})  # add one
    return rows


def unit_cells(path) -> dict:
    """Unit-owned cells by (code, header): what staff typed."""
    ws = openpyxl.load_workbook(path)[SHEET]
    header = {c: ws.cell(3, c).value or ws.cell(2, c).value for c in range(1, ws.max_column + 1)}
    code_col = next(c for c, v in header.items() if v == "รหัส")
    out = {}
    for r in range(4, ws.max_row + 1):
        code = ws.cell(r, code_col).value
        if code and "." in str(code):
            for c, label in header.items():
                if label in UNIT_OWNED:
                    out[(code, label)] = ws.cell(r, c).value
    return out


def row_of(ws, code):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code)


@pytest.fixture
def ministry(tmp_path, cli):
    v1 = write_canonical(tmp_path, 1)
    (tmp_path / "units").mkdir()
    units = tmp_path / "units.yaml"
    units.write_text("units:\n"
                     "  - {code: A, name: ศูนย์ปฏิบัติการต่อต้านการทุจริต, sheet: units/A.xlsx}\n"
                     "  - {code: B, name: กองคลัง, sheet: units/B.xlsx, owners: [kpi@b.go.th]}\n"
                     "  - {code: C, name: กองบริหารทรัพยากรบุคคล, sheet: units/C.xlsx}\n", encoding="utf-8")
    out = cli("provision", "--units", units, "--template", v1, "--period", "2/2567").stdout
    assert out.count("created") == 3
    paths = {u: tmp_path / "units" / f"{u}.xlsx" for u in "ABC"}
    type_results(paths["A"], SEED000_RESULTS)
    type_results(paths["B"], {**SEED000_RESULTS, "ศปท.1": 4, "ศปท.3": 88})
    type_results(paths["C"], {"ศปท.3": 75, "ศปท.5": "๘"})
    for p in paths.values():
        wb = openpyxl.load_workbook(p)
        ws = wb[SHEET]
        ws.cell(row_of(ws, "ศปท.1"), 16).value = "(ร่าง) ประชุมคณะทำงาน"   # details typed
        if p == paths["B"]:
            ws.cell(row_of(ws, "ศปท.2"), 5).value = 30                   # B edits its own weight
        wb.save(p)
        ss.recalc(p)
    return tmp_path, units, paths


def test_push_template_updates_all_units_and_keeps_what_they_typed(ministry, cli):
    tmp_path, units, paths = ministry
    before = {u: unit_cells(p) for u, p in paths.items()}
    retired_result = {u: before[u][("ศปท.3", "ผลการดำเนินงาน")] for u in paths}
    canon = write_canonical(tmp_path, 2, v2)

    snapshot = {u: p.read_bytes() for u, p in paths.items()}
    dry = json.loads(cli("push-template", "--units", units, "--template", canon, "--dry-run", "--json").stdout)
    assert {u: p.read_bytes() for u, p in paths.items()} == snapshot      # dry run wrote nothing
    kinds = {(c["kind"], c["code"]) for c in dry["units"][1]["changes"]}
    assert {("update", "ศปท.7"), ("update", "ศปท.4"), ("add", "ศปท.8"), ("retire", "ศปท.3"),
            ("restore", "ศปท.2")} <= kinds
    assert all(u["status"] == "would-update" for u in dry["units"])

    out = json.loads(cli("push-template", "--units", units, "--template", canon, "--json").stdout)
    assert [u["status"] for u in out["units"]] == ["updated", "updated", "updated"]

    for u, p in paths.items():
        after = unit_cells(p)
        # every unit-owned cell of a kept indicator is unchanged, compared cell by cell
        for key, value in before[u].items():
            if key[0] != "ศปท.3":
                assert after[key] == value, (u, key)
        assert after[("ศปท.8", "ผลการดำเนินงาน")] is None
        wb = openpyxl.load_workbook(p)
        ws = wb[SHEET]
        codes = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1) if str(ws.cell(r, 3).value).startswith("ศปท")]
        assert "ศปท.3" not in codes and codes.index("ศปท.8") == codes.index("ศปท.4") + 1  # in its dimension
        assert ws.cell(row_of(ws, "ศปท.7"), 5).value == 10 and ws.cell(row_of(ws, "ศปท.4"), 7).value == 65
        arch = wb[ARCHIVE_SHEET]
        arch_rows = [[c.value for c in row] for row in arch.iter_rows(min_row=2)]
        assert len(arch_rows) == 1 and arch_rows[0][3] == "ศปท.3" and arch_rows[0][12] == retired_result[u]
        # totals recomputed: a fresh recalc finds nothing to change
        report = ss.recalc(p)
        assert report.changed_cells == 0 and not report.written and report.sheets[0].totals["weight"] == 100.0
        assert wb["_sheets_sync"]["B4"].value == 2  # template version recorded

    a = openpyxl.load_workbook(paths["A"])[SHEET]
    assert a.cell(row_of(a, "ศปท.7"), 15).value == 0.3       # 10 x 3 / 100
    notes = {str(dv.sqref): dv.prompt for dv in a.data_validations.dataValidation
             if dv.promptTitle and "sheets-sync" in dv.promptTitle}
    assert "ศปท.8" in notes[f"M{row_of(a, 'ศปท.8')}"]          # the new row's note came with the push
    assert "ศปท.3" not in " ".join(notes.values())             # the retired one's went
    # 15x2 + 25x4 + 15x1 + 15x4 + 15x5 + 10x3 + 5(ศปท.8 unreported) -> 3.100 over reported
    assert ss.recalc(paths["A"]).sheets[0].totals["weighted_score"] == 3.1

    b = openpyxl.load_workbook(paths["B"])
    assert b[SHEET].cell(row_of(b[SHEET], "ศปท.2"), 5).value == 25          # canonical weight back
    # the history sheet also keeps every result a unit typed (recalc records them); the
    # template edit undone is its own kind of row
    restored = "คืนค่ามาตรฐาน / canonical value restored"
    audit = [[c.value for c in row] for row in b[AUDIT_SHEET].iter_rows(min_row=2) if row[7].value == restored]
    assert len(audit) == 1 and audit[0][3] == "ศปท.2" and audit[0][5] == 30 and audit[0][6] == 25
    assert " 25" in audit[0][0]                                 # Bangkok time, Buddhist Era year
    assert not [r for r in openpyxl.load_workbook(paths["A"])[AUDIT_SHEET].iter_rows(min_row=2, values_only=True)
                if r[7] == restored]

    # the second run changes nothing
    again = {u: p.read_bytes() for u, p in paths.items()}
    out = json.loads(cli("push-template", "--units", units, "--template", canon, "--json").stdout)
    assert [u["status"] for u in out["units"]] == ["unchanged"] * 3
    assert {u: p.read_bytes() for u, p in paths.items()} == again


def test_an_older_definition_is_refused_unless_asked_for(ministry, cli):
    """A stale ministry.yaml (version 1 after units reached 2) would roll every unit back:
    refused per unit, in Thai and English, nothing written; --allow-older does it."""
    tmp_path, units, paths = ministry
    v1 = tmp_path / "ministry_v1.yaml"
    ss.push_template(units, write_canonical(tmp_path, 2, v2))
    snapshot = {u: p.read_bytes() for u, p in paths.items()}
    res = cli("push-template", "--units", units, "--template", v1, "--json", code=2)
    out = json.loads(res.stdout)["units"]
    assert [u["status"] for u in out] == ["failed"] * 3
    assert all("version 2, newer than the 1" in u["error"] and "รุ่น 2" in u["error"]
               and "nothing was written" in u["error"] for u in out)
    assert {u: p.read_bytes() for u, p in paths.items()} == snapshot
    dry = cli("push-template", "--units", units, "--template", v1, "--dry-run", code=2).stdout
    assert "--allow-older" in dry
    back = json.loads(cli("push-template", "--units", units, "--template", v1, "--allow-older", "--json").stdout)
    assert [u["status"] for u in back["units"]] == ["updated"] * 3
    ws = openpyxl.load_workbook(paths["A"])[SHEET]
    assert ws.cell(row_of(ws, "ศปท.7"), 5).value == 5                      # version 1's weight again
    # the same version again is no rollback: pushed as always
    assert [o.status for o in ss.push_template(units, v1)] == ["unchanged"] * 3


def test_a_recorded_version_reads_as_a_number_however_it_was_saved():
    from sheets_sync.kinds.canonical import version_number
    assert [version_number(v) for v in (2, 2.0, "2", " 3 ")] == [2, 2, 2, 3]
    assert [version_number(v) for v in (None, "", "v2", 2.5, float("nan"))] == [None] * 5


def test_validate_reports_an_older_template_version(ministry, cli):
    tmp_path, units, paths = ministry
    canon = write_canonical(tmp_path, 2, v2)
    res = cli("validate", paths["A"], "--canonical", canon, "--json", code=1)
    problems = json.loads(res.stdout)["problems"]
    assert any(p["kind"] == "template_outdated" and "1" in p["message_en"] and "2" in p["message_en"]
               for p in problems)
    ss.push_template(units, canon)
    assert ss.validate(paths["A"], canonical=canon).errors == []


def test_registry_problems_are_named(tmp_path, cli):
    units = tmp_path / "units.yaml"
    units.write_text("units:\n"
                     "  - {code: A, name: ก, sheet: nowhere/A.xlsx}\n"
                     "  - {code: A, name: ข, sheet: docs.google.com/spreadsheets/xyz}\n"
                     "  - {code: C, sheet: c.xlsx}\n", encoding="utf-8")
    res = cli("provision", "--units", units, "--template", SEED000_CSV, code=2)
    assert "#1 (A): folder" in res.output and "does not exist" in res.output
    assert "#2 (A): unit code A repeats entry #1" in res.output
    assert "neither an .xlsx path nor a Google spreadsheet URL/key" in res.output
    assert "#3 (C): name is missing" in res.output


def test_push_template_on_google_is_one_batched_write(tmp_path, emulator, google_opts, cli):
    from conftest import STAFF, type_google_results
    v1 = write_canonical(tmp_path, 1)
    units = tmp_path / "units.yaml"
    units.write_text(f"units:\n  - {{code: G, name: กองคลัง, sheet: new, owners: [{STAFF}]}}\n", encoding="utf-8")
    created = ss.provision(units, v1, **google_opts)
    assert created[0].status == "created"
    key = created[0].target.split("/d/")[1].split("/")[0]
    units.write_text(f"units:\n  - {{code: G, name: กองคลัง, sheet: {key}, owners: [{STAFF}]}}\n", encoding="utf-8")
    assert ss.provision(units, v1, **google_opts)[0].status == "exists"
    type_google_results(emulator, key, SEED000_RESULTS)
    ss.recalc(key, **google_opts)
    sheet = emulator.state.spreadsheets[key]
    main = sheet.sheets[0]
    row2 = next(r for (r, c), cell in main.cells.items() if c == 2 and cell.get("effectiveValue", {}).get("stringValue") == "ศปท.2")
    emulator.state.values_update(key, emulator.account, f"'{SHEET}'!E{row2 + 1}", [[30]], "RAW")  # a local edit
    canon = write_canonical(tmp_path, 2, v2)

    emulator.state.reset_stats()
    dry = ss.push_template(units, canon, dry_run=True, **google_opts)
    assert dry[0].status == "would-update" and emulator.state.stats().get("sheets.write", 0) == 0

    emulator.state.reset_stats()
    out = ss.push_template(units, canon, **google_opts)
    assert out[0].status == "updated", out[0].error
    # one read; two writes: the touched tabs held for a moment and checked against the read,
    # then the rows and cells in one atomic batch (nothing typed meanwhile can be archived stale)
    assert emulator.state.stats()["sheets.write"] == 2 and emulator.state.stats()["sheets.read"] == 1

    values = emulator.state.values_get(key, STAFF, f"'{SHEET}'!A1:S30", "UNFORMATTED_VALUE")["values"]
    by_code = {row[2]: row for row in values if len(row) > 2 and str(row[2]).startswith("ศปท")}
    assert "ศปท.3" not in by_code and by_code["ศปท.8"][4] == 5 and by_code["ศปท.7"][4] == 10
    assert by_code["ศปท.2"][4] == 25 and by_code["ศปท.4"][6] == 65
    assert by_code["ศปท.1"][11] == 2 and by_code["ศปท.7"][14] == 0.3          # results kept, recalculated
    archive = emulator.state.values_get(key, STAFF, f"'{ARCHIVE_SHEET}'!A1:Z5", "UNFORMATTED_VALUE")["values"]
    assert archive[1][3] == "ศปท.3" and archive[1][12] == 2
    audit = emulator.state.values_get(key, STAFF, f"'{AUDIT_SHEET}'!A1:H30", "UNFORMATTED_VALUE")["values"]
    restore = [r for r in audit[1:] if len(r) > 7 and r[7].startswith("คืนค่ามาตรฐาน")]
    assert len(restore) == 1 and restore[0][3] == "ศปท.2" and restore[0][5] == 30 and restore[0][6] == 25

    emulator.state.reset_stats()
    assert ss.push_template(units, canon, **google_opts)[0].status == "unchanged"
    assert emulator.state.stats().get("sheets.write", 0) == 0

    # on Google too, a stale version-1 definition is refused before anything is written
    emulator.state.reset_stats()
    stale = ss.push_template(units, v1, **google_opts)[0]
    assert stale.status == "failed" and "version 2, newer than the 1" in stale.error
    assert emulator.state.stats().get("sheets.write", 0) == 0


def test_a_definition_whose_weights_do_not_add_up_is_refused_before_any_unit(ministry, cli, tmp_path):
    """A newcomer pushed weights adding up to 95 to every unit without a word."""
    _, units, paths = ministry
    before = {u: p.read_bytes() for u, p in paths.items()}
    short = write_canonical(tmp_path, 2, lambda rows: [{**r, "weight": "10.00"} if r["code"] == "ศปท.1" else r
                                                       for r in rows])     # 15 -> 10: 95 in all
    out = cli("push-template", "--units", units, "--template", short, code=2).output
    assert "weights add up to 95.00, not 100.00" in out and "น้ำหนักรวมของตัวชี้วัดเป็น 95.00" in out
    assert "ministry_v2.yaml" in out and "nothing was written" in out and "Traceback" not in out
    assert {u: p.read_bytes() for u, p in paths.items()} == before
    (tmp_path / "units" / "D.xlsx").unlink(missing_ok=True)
    units.write_text(units.read_text(encoding="utf-8") + "  - {code: D, name: กองง, sheet: units/D.xlsx}\n",
                     encoding="utf-8")
    again = cli("provision", "--units", units, "--template", short, code=2).output
    assert "not provisioned" in again and not (tmp_path / "units" / "D.xlsx").exists()


def test_retiring_a_dimensions_last_indicator_takes_its_heading_too(ministry, cli):
    """ศปท.7 is the only indicator of มิติด้านการพัฒนาองค์กร: after it retires the heading
    printed alone as an empty section. It goes, unless something was typed into its row."""
    tmp_path, units, paths = ministry
    wb = openpyxl.load_workbook(paths["C"])
    ws = wb[SHEET]
    heading = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "มิติด้านการพัฒนาองค์กร")
    ws.unmerge_cells(start_row=heading, start_column=1, end_row=heading, end_column=ws.max_column)
    ws.cell(heading, 2).value = "หมายเหตุของหน่วยงาน"      # C unmerged the heading and typed a note beside it
    wb.save(paths["C"])
    before = {u: unit_cells(p) for u, p in paths.items()}

    def retire_7(rows):
        rows = [r for r in rows if r["code"] != "ศปท.7"]
        next(r for r in rows if r["code"] == "ศปท.6")["weight"] = "20.00"
        return rows
    out = json.loads(cli("push-template", "--units", units, "--template", write_canonical(tmp_path, 2, retire_7),
                         "--json").stdout)
    changes = {u["unit"]: {(c["kind"], c["field"], c["old"]) for c in u["changes"]} for u in out["units"]}
    assert ("retire", "dimension", "มิติด้านการพัฒนาองค์กร") in changes["A"]
    assert ("retire", "dimension", "มิติด้านการพัฒนาองค์กร") not in changes["C"]
    for u, p in paths.items():
        ws = openpyxl.load_workbook(p)[SHEET]
        texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        assert ("มิติด้านการพัฒนาองค์กร" in texts) == (u == "C"), u
        after = unit_cells(p)
        assert all(after[k] == v for k, v in before[u].items() if k[0] != "ศปท.7"), u   # cell by cell
        assert ss.recalc(p).changed_cells == 0
    c = openpyxl.load_workbook(paths["C"])[SHEET]
    row = next(r for r in range(1, c.max_row + 1) if c.cell(r, 1).value == "มิติด้านการพัฒนาองค์กร")
    assert c.cell(row, 2).value == "หมายเหตุของหน่วยงาน"
