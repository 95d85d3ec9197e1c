"""Excel: the Recalculate path through real xlwings objects (remote engine), the FastAPI
remote-interpreter endpoint, and the ribbon add-in."""
import copy
import json
import threading
import time
import zipfile

import pytest

import xl_addin  # first, as the server does: it sets the licence key before xlwings loads
import xlwings as xw  # noqa: E402

from conftest import SEED000_GOLDEN, SHEET, type_results  # noqa: E402
from xl_addin.macros import wire  # noqa: E402
from xlwings_payload import Client, payload_from_xlsx  # noqa: E402


def apply_actions(payload, actions, client="VBA"):
    """Apply the actions with the real client's semantics (Remote.bas by default), as the
    server sends them (``wire``)."""
    c = Client(client)
    done = c.apply(payload, wire({"actions": actions}))
    done["_colors"], done["_alerts"] = c.colors, c.alerts
    return done

TOKEN = "s3cret-ministry-token"
COMPUTED_LABELS = {"ค่าคะแนนที่ได้", "ร้อยละที่ได้", "คะแนนถ่วงน้ำหนัก", "สถานะ"}


@pytest.fixture
def payload(seed_book):
    return payload_from_xlsx(seed_book)


def computed_cells(payload) -> set[tuple[int, int]]:
    """0-based cells a person would call computed: the four computed columns on indicator
    rows (rows with a code), and the totals' value cells."""
    values = payload["sheets"][0]["values"]
    labels = {c: values[2][c] or values[1][c] for c in range(len(values[2]))}
    cols = {c for c, v in labels.items() if v in COMPUTED_LABELS}
    code_col = next(c for c, v in labels.items() if v == "รหัส")
    out = {(r, c) for r, row in enumerate(values) if r > 2 and row[code_col] for c in cols}
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if v in ("น้ำหนักรวม",):
                out.add((r, 4))
            if v in ("คะแนนถ่วงน้ำหนักรวม", "ร้อยละ"):
                out.add((r, c + 1))
                if v == "คะแนนถ่วงน้ำหนักรวม":
                    out.add((r, c + 2))  # the reported count beside it
    return out


def rows_of(payload):
    values = payload["sheets"][0]["values"]
    return {row[2]: (row[12], row[13], row[14]) for row in values[3:] if row[2] and "." in str(row[2])}


def test_recalculate_on_an_xw_book_gives_golden_figures_in_few_block_writes(payload):
    book = xw.Book(json=copy.deepcopy(payload))
    report = xl_addin.recalculate(book)
    assert report.sheets[0].totals["weighted_score"] == 3.05 and report.sheets[0].totals["percentage"] == 61.0
    actions = book.json()["actions"]
    writes = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 0]
    # indicator rows 5-7, 9, 11-12, 14: four runs x (M:O and Q) + O15:P15 + O16
    assert len(writes) == 10
    allowed = computed_cells(payload)
    for a in writes:
        for i in range(a["row_count"]):
            for j in range(a["column_count"]):
                assert (a["start_row"] + i, a["start_column"] + j) in allowed
    assert not [a for a in actions if a["func"] == "alert"]
    done = apply_actions(payload, actions)
    assert rows_of(done) == SEED000_GOLDEN
    assert done["sheets"][0]["values"][14][14] == 3.05 and done["sheets"][0]["values"][15][14] == 61.0


def test_second_click_writes_nothing(payload):
    book = xw.Book(json=copy.deepcopy(payload))
    xl_addin.recalculate(book)
    after = apply_actions(copy.deepcopy(payload), book.json()["actions"])
    for key in ("_colors", "_alerts"):
        after.pop(key)
    again = xw.Book(json=after)
    report = xl_addin.recalculate(again)
    assert again.json()["actions"] == [] and not report.written


def test_text_result_gives_an_alert_naming_the_cell_and_a_highlight_cleared_after_the_fix(tmp_path, seed_book):
    type_results(seed_book, {"ศปท.4": "N/A"})
    payload = payload_from_xlsx(seed_book)
    book = xw.Book(json=copy.deepcopy(payload))
    xl_addin.recalculate(book)
    actions = book.json()["actions"]
    alerts = [a["args"] for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and f"{SHEET}!L9" in alerts[0][0] and "not a number" in alerts[0][0]
    assert "ไม่ใช่ตัวเลข" in alerts[0][0]
    paint = [a for a in actions if a["func"] == "setRangeColor"]
    assert [(a["start_row"], a["start_column"]) for a in paint] == [(8, 11)]
    assert paint[0]["args"][0].upper() == "#FFC7CE"
    # the person fixes the cell and clicks again: the highlight goes, no alert
    fixed = apply_actions(copy.deepcopy(payload), actions)
    fixed.pop("_colors"), fixed.pop("_alerts")
    fixed["sheets"][0]["values"][8][11] = 0
    again = xw.Book(json=fixed)
    xl_addin.recalculate(again)
    actions = again.json()["actions"]
    assert not [a for a in actions if a["func"] == "alert"]
    cleared = [a for a in actions if a["func"] == "setRangeColor"]
    assert [(a["start_row"], a["start_column"]) for a in cleared] == [(8, 11)]
    # an explicit colour: Remote.bas' HexToRgb(ByVal hexColor As String) and Office.js'
    # args[0].toString() both crash on null
    assert cleared[0]["args"][0].upper() == "#FFFFFF"
    assert all(arg is not None for a in wire({"actions": actions})["actions"] for arg in a["args"])


@pytest.fixture
def client(monkeypatch):
    from fastapi.testclient import TestClient
    from xl_addin.server import app
    monkeypatch.setenv("SHEETS_SYNC_EXCEL_TOKEN", TOKEN)
    monkeypatch.setenv("SHEETS_SYNC_EXCEL_MAX_BYTES", "200000")
    return TestClient(app)


def test_endpoint_answers_actions_that_give_the_golden_figures(client, payload):
    r = client.post("/xlwings/recalculate", json=payload, headers={"Authorization": TOKEN})
    assert r.status_code == 200
    done = apply_actions(payload, r.json()["actions"])
    assert rows_of(done) == SEED000_GOLDEN


def test_endpoint_refuses_missing_token_and_oversized_payload(client, payload):
    assert client.post("/xlwings/recalculate", json=payload).status_code == 401
    assert client.post("/xlwings/recalculate", json=payload, headers={"Authorization": "wrong"}).status_code == 401
    big = copy.deepcopy(payload)
    big["sheets"].append({"name": "x", "values": [["ก" * 1000] * 100], "pictures": [], "tables": []})
    r = client.post("/xlwings/recalculate", json=big, headers={"Authorization": TOKEN})
    assert r.status_code == 413


def test_endpoint_turns_errors_into_alerts_not_500(client):
    r = client.post("/xlwings/recalculate", content=b"{not json", headers={"Authorization": TOKEN})
    assert r.status_code == 200 and r.json()["actions"][0]["func"] == "alert"
    empty = {"client": "VBA", "version": xw.__version__, "book": {"name": "x.xlsx", "active_sheet_index": 0,
             "selection": "A1"}, "names": [], "sheets": [{"name": "Sheet1", "values": [["hello"]], "pictures": [],
                                                           "tables": []}]}
    r = client.post("/xlwings/recalculate", json=empty, headers={"Authorization": TOKEN})
    alert = r.json()["actions"][0]
    assert alert["func"] == "alert" and "no scorecard sheet found" in alert["args"][0]


def test_the_collector_runs_again_after_every_request_even_concurrent_or_failing(client, payload):
    """Requests are answered with the cyclic collector off (a process-wide switch): whatever
    they do, together or failing, it is on again once they are answered."""
    import gc
    from concurrent.futures import ThreadPoolExecutor
    bodies = [json.dumps(payload).encode(), b"{not json", json.dumps({**payload, "version": "0.0.1"}).encode()] * 4
    post = lambda body: client.post("/xlwings/recalculate", content=body, headers={"Authorization": TOKEN})  # noqa: E731
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, bodies))
    assert [r.json()["actions"][0]["func"] for r in answers] == ["setValues", "alert", "alert"] * 4
    assert gc.isenabled()


def test_endpoint_over_a_real_socket(payload, monkeypatch):
    import httpx
    import uvicorn
    monkeypatch.setenv("SHEETS_SYNC_EXCEL_TOKEN", TOKEN)
    config = uvicorn.Config("xl_addin.server:app", host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        r = httpx.post(f"http://127.0.0.1:{port}/xlwings/recalculate", json=payload,
                       headers={"Authorization": TOKEN}, timeout=30)
        assert r.status_code == 200
        assert rows_of(apply_actions(payload, r.json()["actions"])) == SEED000_GOLDEN
    finally:
        server.should_exit = True
        thread.join(10)


def test_ribbon_addin_is_xlwings_template_with_our_buttons(tmp_path, cli):
    from oletools.olevba import VBA_Parser
    cli("excel-addin", "build", "--out", tmp_path)
    path = tmp_path / "xl_addin.xlam"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        ui = z.read("customUI/customUI.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert 'label="sheets-sync"' in ui and "Recalculate" in ui and "Validate" in ui
    assert 'onAction="RibbonSheetsSync.RunMain"' in ui and 'onAction="RibbonSheetsSync.RunValidate"' in ui
    # without settings the add-in's own config sheet stays disabled (leading underscore)
    assert 'name="_xlwings.conf"' in workbook
    parser = VBA_Parser("xl_addin.xlam", data=path.read_bytes())
    code = "\n".join(src for *_, src in parser.extract_macros())
    assert "Sub RunMain(control As IRibbonControl)" in code and "Sub RunValidate(control As IRibbonControl)" in code
    assert 'RunPython "import xl_addin; xl_addin." & pythonFunction & "()"' in code
    assert 'RunServerPython url & "/xlwings/" & route' in code
    res = cli("excel-addin", "install", path, code=2)
    assert "Windows or macOS" in res.output


def test_udfs_use_the_same_core():
    from xl_addin.udfs import KPI_SCORE, KPI_WEIGHTED
    assert KPI_SCORE(10, 4, 6, 8, 10, 12) == 4.0
    assert KPI_SCORE(72.5, 68, 71, 74, 77, 80, "interpolation") == 2.5
    assert KPI_SCORE("๗๐", 50, 60, 70, 80, 90) == 3.0
    assert KPI_SCORE(None, 1, 2, 3, 4, 5) is None
    assert "not a number" in KPI_SCORE("N/A", 1, 2, 3, 4, 5)
    assert KPI_WEIGHTED(15, 4.0) == 0.6


def test_built_addin_vba_is_checked_with_oletools(tmp_path, cli):
    from sheets_sync.excel_addin import check_vba
    cli("excel-addin", "build", "--out", tmp_path)
    found = check_vba(tmp_path / "xl_addin.xlam")
    assert found["XLWINGS_VERSION"] == xl_addin.XLWINGS_VERSION == xw.__version__
    assert found["CONFIG"] == "xlwings.conf"  # the config the built add-in really reads


def test_block_writes_give_the_actions_xlwings_own_pipeline_gives(payload):
    """ExcelBook builds setValues actions itself on the remote engine (xlwings' conversion
    pipeline copied the whole sheet per range): the actions must be xlwings' own, value
    cleaning (None, NaN, numpy numbers, dates) and the 100,000-cell chunks included."""
    import datetime as dt

    import numpy as np
    from sheets_sync.backends.excel import ExcelBook, blocks
    sheet = payload["sheets"][0]["name"]
    cells = {(r, c): v for r in range(5, 40_010) for c, v in zip((2, 3, 4), (1.5, "ข้อความ", None))}
    cells.update({(2, 9): float("nan"), (2, 10): np.float64(2.25), (2, 11): np.int64(7),
                  (2, 12): dt.date(2024, 5, 1), (2, 13): dt.datetime(2024, 5, 1, 8, 30), (2, 14): True})
    ours = xw.Book(json=copy.deepcopy(payload))
    ExcelBook(ours).write({sheet: cells}, {})
    theirs = xw.Book(json=copy.deepcopy(payload))
    for r, c, rows in blocks(cells):
        rows = [["" if v is None else v for v in row] for row in rows]
        theirs.sheets[sheet].range((r, c), (r + len(rows) - 1, c + len(rows[0]) - 1)).value = rows
    got, want = ours.json()["actions"], theirs.json()["actions"]
    assert len(want) == 3 and max(a["row_count"] * a["column_count"] for a in want) <= 100_000  # chunked
    assert got == want
