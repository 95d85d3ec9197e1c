"""push-template keeps the details tab in line with the ministry's list (issue 13):
step texts and descriptions by code, rows added and retired with the scorecard's
indicators, and every cell a unit typed kept, cell by cell."""
from __future__ import annotations

import copy

import openpyxl
import yaml

import sheets_sync as ss
from conftest import header_columns, type_results
from details_helpers import DETAILS, KPI, STEP5, code_rows, details_cells, type_details
from sheets_sync.kinds.meta import ARCHIVE_SHEET, AUDIT_SHEET

UNIT_LABELS = ("ผู้กำกับดูแลตัวชี้วัด", "โทรศัพท์ผู้กำกับดูแล", "ผู้จัดเก็บข้อมูล", "โทรศัพท์ผู้จัดเก็บข้อมูล",
               "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "ปัจจัยสนับสนุนต่อการดำเนินงาน",
               "อุปสรรคต่อการดำเนินงาน", "หลักฐานอ้างอิง")
NEW_STEP5 = "สรุปผลและกำหนดแนวทางปรับปรุงมาตรการ ปีงบประมาณถัดไป"


def canonical(folder, version, kpi):
    path = folder / f"ministry_v{version}.yaml"
    path.write_text(yaml.safe_dump({"template": "scorecard_opdc", "version": version, "indicators": kpi},
                                   allow_unicode=True), encoding="utf-8")
    return path


def narratives(unit: str) -> dict:
    return {"7.2.1": {label: f"{unit}: {label} ของ 7.2.1\nบรรทัดที่สอง" for label in UNIT_LABELS},
            "7.2.2": {"คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ": f"{unit}: งานของ 7.2.2",
                      "หลักฐานอ้างอิง": "1. หนังสือ\n2. รายงาน"}}


def ministry(tmp_path):
    (tmp_path / "units").mkdir()
    units = tmp_path / "units.yaml"
    units.write_text("units:\n  - {code: A, name: สำนักงาน ปปง., sheet: units/A.xlsx}\n"
                     "  - {code: B, name: กองคลัง, sheet: units/B.xlsx}\n", encoding="utf-8")
    ss.provision(units, canonical(tmp_path, 1, KPI), period="4/2550")
    paths = {u: tmp_path / "units" / f"{u}.xlsx" for u in "AB"}
    for u, p in paths.items():
        type_details(p, narratives(u))
        type_results(p, {"7.2.1": 5, "7.2.2": 90})
    return units, paths


def v2():
    kpi = copy.deepcopy(KPI)
    kpi[0]["step5"] = NEW_STEP5
    kpi[0]["description"] = "คำอธิบายฉบับปรับปรุง"
    kpi[1]["weight"] = 90
    kpi.append({**kpi[1], "code": "7.2.3", "indicator": "ตัวชี้วัดใหม่", "weight": 8, "step1": "ขั้นแรกของตัวใหม่"})
    return kpi


def test_changing_a_step_text_keeps_every_units_narrative_cell_by_cell(tmp_path):
    units, paths = ministry(tmp_path)
    before = {u: details_cells(p) for u, p in paths.items()}
    assert before["A"]["7.2.1"]["ระดับ 5"] == STEP5
    out = ss.push_template(units, canonical(tmp_path, 2, v2()))
    assert [o.status for o in out] == ["updated", "updated"]
    for u, p in paths.items():
        after = details_cells(p)
        for code in ("7.2.1", "7.2.2"):
            for label in UNIT_LABELS:
                assert after[code][label] == before[u][code][label], (u, code, label)
        assert after["7.2.1"]["ระดับ 5"] == NEW_STEP5
        assert after["7.2.1"]["คำอธิบาย"] == "คำอธิบายฉบับปรับปรุง"
        assert after["7.2.1"]["ระดับ 1"] == before[u]["7.2.1"]["ระดับ 1"]
        assert after["7.2.3"]["ระดับ 1"] == "ขั้นแรกของตัวใหม่" and after["7.2.3"]["ตัวชี้วัด"] == "ตัวชี้วัดใหม่"
        assert all(after["7.2.3"][label] is None for label in UNIT_LABELS)
        assert list(after) == ["7.2.1", "7.2.2", "7.2.3"]
        got = ss.validate(p)
        assert not got.errors and not [q for q in got.problems if q.sheet == DETAILS and q.kind != "evidence_missing"]
        changed = {(c.code, c.field) for c in out[0 if u == "A" else 1].plan.changes if c.kind == "update"}
        assert ("7.2.1", "step5") in changed and ("7.2.1", "description") in changed
    again = ss.push_template(units, canonical(tmp_path, 2, v2()))
    assert [o.status for o in again] == ["unchanged", "unchanged"]


def test_a_retired_indicators_details_go_to_the_archive_with_what_the_unit_typed(tmp_path):
    units, paths = ministry(tmp_path)
    ss.push_template(units, canonical(tmp_path, 2, [{**KPI[0], "weight": 100}]))
    for u, p in paths.items():
        assert list(details_cells(p)) == ["7.2.1"]
        ws = openpyxl.load_workbook(p)[ARCHIVE_SHEET]
        texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert f"{u}: งานของ 7.2.2" in texts and "1. หนังสือ\n2. รายงาน" in texts
        assert "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ" in texts     # under the details tab's own header
        assert details_cells(p)["7.2.1"]["หลักฐานอ้างอิง"] == narratives(u)["7.2.1"]["หลักฐานอ้างอิง"]


def test_a_unit_editing_a_step_text_gets_the_ministrys_back_and_its_edit_is_kept_in_the_audit(tmp_path):
    units, paths = ministry(tmp_path)
    wb = openpyxl.load_workbook(paths["A"])
    ws = wb[DETAILS]
    cols = header_columns(ws)
    ws.cell(code_rows(ws, cols["รหัส"])["7.2.1"], cols["ระดับ 2"]).value = "ข้อความที่หน่วยงานแก้เอง"
    wb.save(paths["A"])
    out = ss.push_template(units, canonical(tmp_path, 2, KPI))
    assert details_cells(paths["A"])["7.2.1"]["ระดับ 2"] == KPI[0]["step2"]
    assert [c.kind for c in out[0].plan.changes] == ["restore"] and out[1].status == "version"
    audit = openpyxl.load_workbook(paths["A"])[AUDIT_SHEET]
    texts = [c.value for row in audit.iter_rows() for c in row]
    assert "ข้อความที่หน่วยงานแก้เอง" in texts and DETAILS in texts


def test_a_list_without_detail_columns_leaves_the_tabs_text_alone(tmp_path):
    units, paths = ministry(tmp_path)
    bare = [{k: v for k, v in row.items() if not k.startswith("step") and k != "description"} for row in KPI]
    bare[1]["weight"] = 97
    bare[0]["weight"] = 3
    before = details_cells(paths["A"])
    ss.push_template(units, canonical(tmp_path, 2, bare))
    assert details_cells(paths["A"]) == before


def test_on_google_the_tab_is_made_and_push_keeps_the_narrative(tmp_path, emulator, google_opts):
    from conftest import STAFF, sheet_key
    creds = {k: v for k, v in google_opts.items() if k != "retry"}
    url = ss.init(indicators=KPI, template="scorecard_opdc", unit="สำนักงาน ปปง.", period="4/2550", google=True,
                  share=[STAFF], **creds)
    key = sheet_key(url)
    book = emulator.state.spreadsheets[key]
    assert DETAILS in [s.title for s in book.sheets]

    def cells():
        t = emulator.state.spreadsheets[key].sheet_by_title(DETAILS)
        return {(r, c): cell["effectiveValue"].get("stringValue") for (r, c), cell in t.cells.items()
                if "effectiveValue" in cell}
    head = {v: c for (r, c), v in cells().items() if r in (1, 2) and v}
    row = next(r for (r, c), v in cells().items() if v == "7.2.1" and c == head["รหัส"])
    assert cells()[(row, head["ระดับ 5"])] == STEP5
    letter = openpyxl.utils.get_column_letter(head["หลักฐานอ้างอิง"] + 1)
    emulator.state.values_update(key, STAFF, f"'{DETAILS}'!{letter}{row + 1}", [["1. หนังสือ\n2. รายงาน"]],
                                 "USER_ENTERED")
    units = tmp_path / "units.yaml"
    units.write_text(f"units:\n  - {{code: A, name: สำนักงาน ปปง., sheet: '{url}'}}\n", encoding="utf-8")
    out = ss.push_template(units, canonical(tmp_path, 2, v2()), **google_opts)
    assert out[0].status == "updated", out[0].error
    after = cells()
    assert after[(row, head["หลักฐานอ้างอิง"])] == "1. หนังสือ\n2. รายงาน"
    assert after[(row, head["ระดับ 5"])] == NEW_STEP5
    assert "7.2.3" in after.values()


def test_new_round_carries_the_details_narratives_as_drafts(tmp_path):
    from sheets_sync.kinds.indicator_details import details_by_code
    from sheets_sync.backends.xlsx_book import XlsxBook
    from sheets_sync.kinds.template import load_template
    from sheets_sync.ministry.rounds_new import new_round
    units, paths = ministry(tmp_path)
    out = new_round(units, canonical(tmp_path, 1, KPI), "1/2551", into="files")
    assert [o.outcome for o in out] == ["created", "created"], [o.detail for o in out]
    for u, o in zip("AB", out):
        new = details_cells(o.path)
        typed = narratives(u)
        for label in ("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "ปัจจัยสนับสนุนต่อการดำเนินงาน",
                      "อุปสรรคต่อการดำเนินงาน"):
            assert new["7.2.1"][label] == f"(ร่าง) {typed['7.2.1'][label]}"
        assert new["7.2.1"]["หลักฐานอ้างอิง"] == f"(ร่าง)\n{typed['7.2.1']['หลักฐานอ้างอิง']}"
        for label in ("ผู้กำกับดูแลตัวชี้วัด", "โทรศัพท์ผู้กำกับดูแล", "ผู้จัดเก็บข้อมูล", "โทรศัพท์ผู้จัดเก็บข้อมูล"):
            assert new["7.2.1"][label] == typed["7.2.1"][label]           # people carry as they are
        assert new["7.2.2"]["หลักฐานอ้างอิง"] == "(ร่าง)\n1. หนังสือ\n2. รายงาน"
        d = details_by_code(XlsxBook(o.path).grids(), load_template("scorecard_opdc"))["7.2.2"]
        assert [e.text for e in d.evidence] == ["หนังสือ", "รายงาน"]    # the mark is not an item
        assert new["7.2.1"]["ระดับ 5"] == STEP5
        # the last round's workbook keeps what it had
        assert details_cells(paths[u])["7.2.1"]["อุปสรรคต่อการดำเนินงาน"] == typed["7.2.1"]["อุปสรรคต่อการดำเนินงาน"]
