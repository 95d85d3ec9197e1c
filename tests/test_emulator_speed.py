"""The emulator answers at loopback speed and in time linear in the cells asked for.

Nothing here compares wall-clock time with a threshold but the Nagle check, whose bound
(30 ms median) is far above a healthy answer (~1 ms) and below the stall it guards (~44 ms).
The big-tab tests prove linearity by size: the old quadratic grid read and the deep copy per
batch could not finish them within pytest's patience."""
import statistics
import time

import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.clients import gspread_client, session


@pytest.fixture
def emu():
    with Emulator() as e:
        yield e


def test_a_get_round_trip_is_not_stalled_by_nagle(emu):
    info = emu.service_account()
    s = session(emu, info)
    sid = emu.state.create_spreadsheet("t", info["client_email"]).id
    url = f"{emu.base_url}/v4/spreadsheets/{sid}/values/Sheet1!A1:B2"
    assert s.get(url).status_code == 200  # token fetched, connection open
    times = []
    for _ in range(10):
        t = time.perf_counter()
        assert s.get(url).status_code == 200
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.030, times


def test_a_100k_row_tab_round_trips_through_gspread(emu):
    info = emu.service_account()
    gc = gspread_client(emu, info)
    sh = gc.create("big")
    ws = sh.sheet1
    ws.resize(rows=100_000, cols=20)
    rows = [[f"r{i}" if j == 0 else i * 20 + j for j in range(20)] for i in range(100_000)]
    ws.update(rows, "A1", raw=True)
    back = ws.get_all_values(value_render_option="UNFORMATTED_VALUE")
    assert len(back) == 100_000 and back[0] == rows[0] and back[-1] == rows[-1] and back == rows
    sheet = emu.state.spreadsheets[sh.id].sheets[0]
    assert len(sheet.cells) == 2_000_000


def test_grid_data_of_a_100k_row_tab_is_linear(emu):
    info = emu.service_account()
    s = session(emu, info)
    ss = emu.state.create_spreadsheet("grid", info["client_email"])
    ss.sheets[0].rows, ss.sheets[0].cols = 100_000, 3
    emu.state.values_update(ss.id, info["client_email"], "Sheet1!A1:B100000",
                            [[i, f"x{i}"] for i in range(100_000)], "RAW")
    r = s.get(f"{emu.base_url}/v4/spreadsheets/{ss.id}",
              params={"includeGridData": "true", "fields": "sheets.data.rowData.values.effectiveValue"})
    assert r.status_code == 200
    rows = r.json()["sheets"][0]["data"][0]["rowData"]
    assert len(rows) == 100_000
    assert rows[99_999] == {"values": [{"effectiveValue": {"numberValue": 99_999}},
                                       {"effectiveValue": {"stringValue": "x99999"}}]}


def test_batch_update_is_atomic_without_copying_the_spreadsheet(emu):
    info = emu.service_account()
    me = info["client_email"]
    s = session(emu, info)
    ss = emu.state.create_spreadsheet("atomic", me)
    emu.state.values_update(ss.id, me, "Sheet1!A1:B2", [[1, 2], [3, 4]], "RAW")
    cells_before = ss.sheets[0].cells
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate"
    bad = {"requests": [
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"numberValue": 99}}]}]}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}},
        {"addSheet": {"properties": {"title": "New"}}},
        {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0,
                                  "endColumnIndex": 2}}},
        {"updateSpreadsheetProperties": {"properties": {"title": "renamed"}, "fields": "title"}},
        {"deleteSheet": {"sheetId": 424242}}]}
    r = s.post(url, json=bad)
    assert r.status_code == 400 and r.json()["error"]["message"] == "No grid with id: 424242"
    # nothing of it applied: values, row count, sheets, merges, title
    assert emu.state.spreadsheets[ss.id] is ss and ss.sheets[0].cells is cells_before
    assert emu.state.values_get(ss.id, me, "Sheet1!A1:B3", "UNFORMATTED_VALUE")["values"] == [[1, 2], [3, 4]]
    assert ss.sheets[0].rows == 1000 and [x.title for x in ss.sheets] == ["Sheet1"]
    assert ss.sheets[0].merges == [] and ss.title == "atomic"
    good = {"requests": bad["requests"][:5]}
    assert s.post(url, json=good).status_code == 200
    assert emu.state.values_get(ss.id, me, "Sheet1!A1:B4", "UNFORMATTED_VALUE")["values"] == [[], [], [99, 2], [3, 4]]
    assert ss.sheets[0].rows == 1002 and ss.title == "renamed" and len(ss.sheets) == 2
