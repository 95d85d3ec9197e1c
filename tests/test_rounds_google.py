"""Issue 12's flow on Google, over the emulator, with the real gspread + google-auth stack:
three units at 2/2567, new-round 3/2567 adds a tab to each spreadsheet (narratives as
drafts, ศปท.5 carried), the 2/2567 tab is read-only for the unit, submit locks the new
tab for everyone but the ministry, approve records who and when, and consolidate 3/2567
shows the change from 2/2567; a unit left at 2/2567 is listed as the wrong period."""

from datetime import date, datetime, timezone

import gspread
import openpyxl
import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, SHEET, STAFF, sheet_key
from sheets_sync.emulator.clients import gspread_client
from sheets_sync.kinds.meta import AUDIT_SHEET, META_SHEET
from sheets_sync.ministry.consolidate import consolidate
from sheets_sync.ministry.rounds import APPROVED, SUBMITTED, approve, status, submit
from sheets_sync.ministry.rounds_new import new_round
from test_rounds_tabs import _kpi as ministry_definition

NEW_TAB = "ตัวชี้วัด 3-2567"
MINISTRY = "kpi@mof.go.th"
UNITS = ("ก", "ข", "ค", "ง")


def _cells(emu, key, title):
    sheet = next(s for s in emu.state.spreadsheets[key].sheets if s.title == title)
    out = {}
    for (r, c), cell in sheet.cells.items():
        ev = cell.get("effectiveValue", {})
        if ev:
            out[(r + 1, c + 1)] = ev.get("stringValue", ev.get("numberValue"))
    return out


def _rows_cols(emu, key, title):
    cells = _cells(emu, key, title)
    head = {v: c for (r, c), v in cells.items() if r == 3 and isinstance(v, str)}
    head.update({v: c for (r, c), v in cells.items() if r == 2 and isinstance(v, str) and v not in head})
    rows = {v: r for (r, c), v in cells.items() if c == 3 and isinstance(v, str) and v.startswith("ศปท")}
    return cells, rows, head


@pytest.fixture
def registry(tmp_path, emulator, google_opts):
    ministry_definition(tmp_path)            # seed 000's list, ศปท.5 cumulative
    keys = {}
    for code in UNITS:
        url = ss.init(None, indicators=SEED000_CSV, unit=f"หน่วย {code}", period="2/2567", google=True,
                      share=[STAFF], owners=[MINISTRY], **google_opts)
        keys[code] = sheet_key(url)
        staff = gspread_client(emulator, emulator.staff).open_by_key(keys[code]).worksheet(SHEET)
        _, rows, head = _rows_cols(emulator, keys[code], SHEET)
        for ind, value in SEED000_RESULTS.items():
            staff.update([[value]], gspread.utils.rowcol_to_a1(rows[ind], head["ผลการดำเนินงาน"]),
                         value_input_option="USER_ENTERED")
        staff.update([["จัดประชุมแล้ว 2 ครั้ง"]], gspread.utils.rowcol_to_a1(rows["ศปท.1"], head["รายละเอียดการดำเนินงาน"]))
        ss.recalc(keys[code], **google_opts)
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: {keys[c]}}}\n" for c in UNITS),
                     encoding="utf-8")
    three = tmp_path / "three.yaml"
    three.write_text(f"ministry: [{MINISTRY}]\nunits:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: {keys[c]}}}\n" for c in UNITS[:3]),
                     encoding="utf-8")
    return tmp_path, units, three, keys


@pytest.fixture(autouse=True)
def people(emulator):
    emulator.staff = emulator.service_account(email=STAFF)          # the unit's editor
    emulator.ministry = emulator.service_account(email=MINISTRY)    # a ministry officer


def test_the_round_flow_on_google(registry, emulator, google_opts):
    tmp_path, units, three, keys = registry
    opts = {"credentials": emulator.creds, "endpoint": emulator.base_url, "retry": google_opts["retry"]}
    first = consolidate(units, str(tmp_path / "summary.xlsx"), period="2/2567", **opts)
    assert first.summary.complete

    got = {o.code: o for o in new_round(three, tmp_path / "ministry.yaml", "3/2567", **google_opts)}
    assert {o.outcome for o in got.values()} == {"created"}, [o.detail for o in got.values()]
    key = keys["ก"]
    assert [s.title for s in emulator.state.spreadsheets[key].sheets if not s.hidden] == [SHEET, NEW_TAB]
    cells, rows, head = _rows_cols(emulator, key, NEW_TAB)
    assert "3/2567" in cells[(1, 1)]
    assert cells[(rows["ศปท.5"], head["ผลการดำเนินงาน"])] == 10                       # cumulative: carried
    assert (rows["ศปท.1"], head["ผลการดำเนินงาน"]) not in cells                       # not cumulative: empty
    assert cells[(rows["ศปท.1"], head["รายละเอียดการดำเนินงาน"])] == "(ร่าง) จัดประชุมแล้ว 2 ครั้ง"

    staff = gspread_client(emulator, emulator.staff).open_by_key(key)
    result_a1 = gspread.utils.rowcol_to_a1(rows["ศปท.7"], head["ผลการดำเนินงาน"])
    with pytest.raises(gspread.exceptions.APIError) as e:                             # 2/2567 is read-only now
        staff.worksheet(SHEET).update([[99]], result_a1)
    assert e.value.response.status_code == 400 and "protected" in str(e.value)
    gspread_client(emulator, emulator.ministry).open_by_key(key).worksheet(SHEET).update(
        [[70]], result_a1)                                  # the ministry of units.yaml still may
    for code in ("ก", "ข", "ค"):                                                      # 70 -> 90 in round 3
        gspread_client(emulator, emulator.staff).open_by_key(keys[code]).worksheet(NEW_TAB).update(
            [[90]], result_a1, value_input_option="USER_ENTERED")
        ss.recalc(keys[code], **google_opts)
    assert _cells(emulator, key, SHEET)[(rows["ศปท.7"], head["ผลการดำเนินงาน"])] == 70   # never written

    when = datetime(2024, 7, 8, 3, 0, tzinfo=timezone.utc)
    submit(key, "3/2567", STAFF, now=when, ministry=[MINISTRY], **google_opts)
    with pytest.raises(gspread.exceptions.APIError):                                  # the unit: refused
        staff.worksheet(NEW_TAB).update([[1]], result_a1)
    gspread_client(emulator, emulator.ministry).open_by_key(key).worksheet(NEW_TAB).update(
        [[90]], result_a1, value_input_option="USER_ENTERED")                           # the ministry: allowed
    approve(key, "3/2567", MINISTRY, now=datetime(2024, 7, 15, tzinfo=timezone.utc), **google_opts)
    meta = {r[0]: r[1] for r in gspread_client(emulator, emulator.ministry).open_by_key(key)
            .worksheet(META_SHEET).get_all_values() if len(r) > 1}
    assert meta["round:3/2567:state"] == APPROVED and meta["round:3/2567:approved_by"] == MINISTRY
    assert meta["round:3/2567:submitted_by"] == STAFF and meta["round:3/2567:approved_at"] == "2024-07-15 00:00:00 UTC"
    # push-template: the approved spreadsheet is left alone, the others change their 3/2567 tab only
    (tmp_path / "ministry.yaml").write_text("template: scorecard\nversion: 2\nindicators: kpi.csv\n", encoding="utf-8")
    pushed = {o.unit.code: o for o in ss.push_template(units, tmp_path / "ministry.yaml", **opts)}
    assert pushed["ก"].status == "locked" and "round 3/2567 approved" in pushed["ก"].details["note"]
    assert pushed["ข"].status == "version" and pushed["ข"].plan.sheet == NEW_TAB
    assert pushed["ข"].plan.locked == {SHEET: "round 2/2567 is an earlier round (read-only)"}
    assert pushed["ง"].plan.sheet == SHEET
    states = {s.code: s for s in status(units, "3/2567", **opts)}
    assert states["ก"].state == APPROVED and states["ข"].state == "ร่าง" and states["ง"].state == "ยังไม่เริ่ม"
    assert status(units, "2/2567", **opts)[0].state not in (SUBMITTED, APPROVED)
    late = {s.code: s for s in status(units, "3/2567", today=date(2024, 7, 11), **opts)}   # deadline 10 July
    assert late["ข"].label == "draft, late" and late["ก"].label == "approved" and late["ง"].label == "not started, late"
    # the history tab keeps every result change of the round: ศปท.5 carried, ศปท.7 typed
    history = gspread_client(emulator, emulator.ministry).open_by_key(key).worksheet(AUDIT_SHEET).get_all_values()
    changes = [(r[3], r[5], r[6]) for r in history[1:] if r[1] == NEW_TAB]
    assert changes == [("ศปท.5", "10", ""), ("ศปท.7", "90", "")]

    out = tmp_path / "summary.xlsx"
    res = consolidate(units, str(out), period="3/2567", **opts)
    assert "wrong period" in res.summary.missing.to_string() and not res.summary.complete     # ง left at 2/2567
    wb = openpyxl.load_workbook(out)
    head_row = [c.value for c in wb["เทียบรอบก่อน"][2]]
    change = {(r[0], r[1]): r for r in wb["เทียบรอบก่อน"].iter_rows(min_row=3, values_only=True)}
    assert {u for u, _ in change} == set(UNITS) and len(change) == 28                     # every unit and indicator
    assert change[("ง", "ศปท.7")][head_row.index("ผลรอบนี้")] is None                       # not in this round
    for code in ("ก", "ข", "ค"):
        row = change[(code, "ศปท.7")]
        assert row[head_row.index("แนวโน้ม")] == "▲" and abs(row[head_row.index("เปลี่ยน")] - 0.1) < 1e-9
        assert change[(code, "ศปท.5")][head_row.index("แนวโน้ม")] == "="
