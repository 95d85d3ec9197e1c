"""Google Sheets through Apps Script: the project write_project writes, its Node tests, and
one round trip of xlwings' real Google Apps Script client (xlwings.js under node, in a fake
of Apps Script) against the sheets-sync server."""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # before xlwings is imported

import openpyxl  # noqa: E402
import pytest  # noqa: E402
import xlwings  # noqa: E402

import sheets_sync  # noqa: E402
from sheets_sync import apps_script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NODE_TESTS = ROOT / "tests" / "apps_script"
RUN_CLIENT = NODE_TESTS / "run_client.js"
SEED000_CSV = ROOT / "templates" / "examples" / "scorecard_seed000.csv"
SEED000_RESULTS = {"ศปท.1": 2, "ศปท.2": 4, "ศปท.3": 2, "ศปท.4": 0, "ศปท.5": 10, "ศปท.6": 5, "ศปท.7": 70}
GOLDEN_WEIGHTED = [0.300, 1.000, 0.100, 0.150, 0.600, 0.750, 0.150]
SHEET = "ตัวชี้วัด"
TOKEN = "apps-script-test-token"
URL = "https://sheets-sync.example.go.th"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not on PATH: the Apps Script code runs under node")


def node(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([NODE, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


# --- (a) the Node tests, on the very files write_project writes ---------------------------

@needs_node
@pytest.mark.parametrize("source", ["write_project", "package"])
def test_node_suite_passes(tmp_path, source):
    env = {}
    if source == "write_project":
        apps_script.write_project(tmp_path / "project", URL, token="from-setup", delay_seconds=5)
        env["SHEETS_SYNC_APPS_SCRIPT_DIR"] = str(tmp_path / "project")
    res = node("--test", NODE_TESTS, env=env)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    passed = int(re.search(r"^# pass (\d+)", res.stdout, re.M).group(1))
    assert passed >= 15 and re.search(r"^# fail 0$", res.stdout, re.M), res.stdout[-2000:]


# --- (b) the project files ---------------------------------------------------------------

def installed_xlwings_js() -> Path:
    return Path(xlwings.__file__).parent / "js" / "xlwings.js"


def test_vendored_xlwings_js_is_the_installed_clients_file():
    assert xlwings.__version__ == apps_script.XLWINGS_VERSION
    vendored = apps_script.XLWINGS_JS.read_bytes()
    assert vendored == installed_xlwings_js().read_bytes()
    assert hashlib.sha256(vendored).hexdigest() == apps_script.XLWINGS_JS_SHA256
    assert f'const version = "{apps_script.XLWINGS_VERSION}";' in vendored.decode()
    assert "Copyright (C) 2014 - present, Zoomer Analytics GmbH." in vendored.decode()


def test_action_table_is_what_xlwings_js_can_execute():
    table = re.findall(r"^function (\w+)\(workbook, action\)", apps_script.XLWINGS_JS.read_text(), re.M)
    table.remove("getRange")  # the helper the actions share, not an action
    assert sorted(table) == sorted(apps_script.XLWINGS_JS_ACTIONS)
    assert set(apps_script.XLWINGS_JS_NOT_IMPLEMENTED) <= set(table)


def test_write_project_writes_the_project(tmp_path):
    files = apps_script.write_project(tmp_path / "p", URL + "/", token=TOKEN, delay_seconds=7)
    assert sorted(f.name for f in files) == ["appsscript.json", "setup.js", "sheets_sync.js", "xlwings.js"]
    out = {f.name: f for f in files}
    assert out["xlwings.js"].read_bytes() == installed_xlwings_js().read_bytes()
    assert out["sheets_sync.js"].read_bytes() == apps_script.SHEETS_SYNC_JS.read_bytes()
    manifest = json.loads(out["appsscript.json"].read_text())
    assert manifest["timeZone"] == "Asia/Bangkok" and manifest["runtimeVersion"] == "V8"
    assert set(manifest["oauthScopes"]) == {
        "https://www.googleapis.com/auth/spreadsheets.currentonly",
        "https://www.googleapis.com/auth/script.external_request",
        "https://www.googleapis.com/auth/script.scriptapp",
        "https://www.googleapis.com/auth/userinfo.email"}
    setup = out["setup.js"].read_text()
    assert f'sheetsSyncConfigure("{URL}", "{TOKEN}", 7);' in setup
    for name in ("sheets_sync.js", "xlwings.js"):  # no address or secret in the code itself
        assert URL not in out[name].read_text() and TOKEN not in out[name].read_text()

    again = apps_script.write_project(tmp_path / "q", URL)
    assert 'sheetsSyncConfigure("https://sheets-sync.example.go.th", null, 5);' in again[-1].read_text()
    with pytest.raises(ValueError):
        apps_script.write_project(tmp_path / "r", "sheets-sync.example.go.th")


# --- (c) end to end: xlwings.js under node -> the server -> the actions back in the sheet --

def book_spec(path: Path) -> dict:
    """The spreadsheet as Apps Script's Range.getValues() shows it: "" for an empty cell,
    merged cells' value in their top-left cell only."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if c.value is None else
                   c.value.isoformat(sep=" ") if isinstance(c.value, datetime.datetime) else c.value
                   for c in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)]
        sheets.append({"name": ws.title, "values": values})
    return {"name": "ศปท. 2/2567", "timeZone": "Asia/Bangkok", "sheets": sheets}


def type_results(path: Path, results: dict) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cols = _columns([[c.value for c in row] for row in ws.iter_rows(max_row=5)])
    for r in range(1, ws.max_row + 1):
        code = ws.cell(r, cols["รหัส"] + 1).value
        if code in results:
            ws.cell(r, cols["ผลการดำเนินงาน"] + 1).value = results[code]
    wb.save(path)


def _columns(rows: list[list]) -> dict[str, int]:
    """0-based column of each header label as a person reads it (the leaf row, else above)."""
    out: dict[str, int] = {}
    for c in range(len(rows[2])):
        for r in (2, 1):
            v = rows[r][c] if c < len(rows[r]) else None
            if v not in (None, ""):
                out.setdefault(str(v), c)
                break
    return out


def figures(book: dict) -> dict:
    values = book["sheets"][0]["values"]
    cols = _columns(values)
    weighted = {row[cols["รหัส"]]: row[cols["คะแนนถ่วงน้ำหนัก"]] for row in values[3:]
                if isinstance(row[cols["รหัส"]], str) and "." in row[cols["รหัส"]]}
    totals = {row[c]: row[c + 1] for row in values for c in range(len(row) - 1)
              if row[c] in ("คะแนนถ่วงน้ำหนักรวม", "ร้อยละ")}
    return {"weighted": weighted, "total": totals.get("คะแนนถ่วงน้ำหนักรวม"), "percentage": totals.get("ร้อยละ")}


class GoogleClient:
    """One spreadsheet in the fake, driven by node: xlwings.js posts, we relay to the server."""

    def __init__(self, tmp: Path, book: dict, server):
        self.tmp, self.server, self.n = tmp, server, 0
        self.project = tmp / "apps-script"
        apps_script.write_project(self.project, "https://sheets-sync.test", token="tok")
        self.book = tmp / "book0.json"
        self.book.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")

    def _node(self, response: Path | str, edit: str | None) -> tuple[dict, Path]:
        self.n += 1
        posted, after = self.tmp / f"posted{self.n}.json", self.tmp / f"book{self.n}.json"
        res = node(RUN_CLIENT, self.book, response, posted, after, *([edit] if edit else []),
                   env={"SHEETS_SYNC_APPS_SCRIPT_DIR": str(self.project)})
        assert res.returncode == 0, res.stderr
        return json.loads(posted.read_text(encoding="utf-8")), after

    def click(self, route: str = "/xlwings/recalculate", edit: str | None = None) -> tuple[dict, list[dict]]:
        """The menu item (or, with ``edit="SHEET!A1=VALUE"``, a person's edit and the debounced
        background run): capture what runPython posts, post it to the server, then run the
        client again with the server's answer so xlwings.js applies the actions."""
        posted, _ = self._node("-", edit)
        assert posted["url"] == "https://sheets-sync.test/xlwings/recalculate"
        res = self.server.post(route, content=json.dumps(posted["payload"]),
                               headers={**posted["headers"], "Content-Type": "application/json"})
        assert res.status_code == 200, res.text
        answer = self.tmp / f"answer{self.n}.json"
        answer.write_text(res.text, encoding="utf-8")
        again, after = self._node(answer, edit)
        assert again["payload"] == posted["payload"]
        self.book = after
        return posted, res.json()["actions"]

    def state(self) -> dict:
        return json.loads(self.book.read_text(encoding="utf-8"))


@pytest.fixture
def server(monkeypatch):
    from fastapi.testclient import TestClient
    from xl_addin.server import app
    monkeypatch.setenv("SHEETS_SYNC_EXCEL_TOKEN", "tok")  # the token write_project gives setup.js
    return TestClient(app)


@pytest.fixture
def google_seed(tmp_path, server) -> GoogleClient:
    path = tmp_path / "unit.xlsx"
    sheets_sync.init(path, indicators=SEED000_CSV, unit="ศูนย์ปฏิบัติการต่อต้านการทุจริต", period="2/2567")
    type_results(path, SEED000_RESULTS)
    return GoogleClient(tmp_path, book_spec(path), server)


def _executable(actions):
    unknown = [a["func"] for a in actions if a["func"] not in apps_script.XLWINGS_JS_ACTIONS]
    assert not unknown, f"actions xlwings.js cannot execute: {unknown}"


@needs_node
def test_apps_script_client_round_trip_gives_the_golden_figures(google_seed):
    posted, actions = google_seed.click()
    payload = posted["payload"]
    assert payload["client"] == "Google Apps Script" and payload["version"] == xlwings.__version__
    assert posted["headers"]["Authorization"] == "tok"
    assert set(payload["sheets"][0]) == {"name", "values", "pictures", "tables"}
    _executable(actions)
    assert [a for a in actions if a["func"] == "setValues"]
    assert not [a for a in actions if a["func"] == "alert"], actions

    after = google_seed.state()
    got = figures(after)
    assert [round(got["weighted"][f"ศปท.{i}"], 3) for i in range(1, 8)] == GOLDEN_WEIGHTED
    assert round(got["total"], 3) == 3.050
    assert round(got["percentage"], 2) == 61.00
    # nothing a person typed changed: results and template cells are as before
    before = json.loads((google_seed.tmp / "book0.json").read_text(encoding="utf-8"))["sheets"][0]["values"]
    cols = _columns(before)
    for row_before, row_after in zip(before, after["sheets"][0]["values"]):
        if row_before[cols["รหัส"]] not in SEED000_RESULTS:
            continue  # section, header and totals rows: the totals' texts are computed
        for label in ("ผลการดำเนินงาน", "น้ำหนัก (ร้อยละ)", "รหัส", "ตัวชี้วัด", "รายละเอียดการดำเนินงาน"):
            assert row_after[cols[label]] == row_before[cols[label]]

    _, second = google_seed.click()
    _executable(second)
    assert not [a for a in second if a["func"] == "setValues"], second


@needs_node
def test_apps_script_client_sees_a_problem_painted_and_cleared(google_seed):
    google_seed.click()
    state = google_seed.state()
    values = state["sheets"][0]["values"]
    cols = _columns(values)
    row = next(i for i, r in enumerate(values) if r[cols["รหัส"]] == "ศปท.4")
    values[row][cols["ผลการดำเนินงาน"]] = "N/A"
    google_seed.book.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    _, actions = google_seed.click()
    _executable(actions)
    after = google_seed.state()
    cell = f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[cols['ผลการดำเนินงาน']]}{row + 1}"
    assert after["sheets"][0]["backgrounds"].get(cell, "").lower() == "#ffc7ce"
    assert any("N/A" in a["prompt"] for a in after["alerts"])
    assert round(figures(after)["total"], 3) == 2.900  # ศปท.4 not counted

    values = after["sheets"][0]["values"]
    values[row][cols["ผลการดำเนินงาน"]] = 0
    google_seed.book.write_text(json.dumps(after, ensure_ascii=False), encoding="utf-8")
    _, actions = google_seed.click()
    _executable(actions)
    fixed = google_seed.state()
    # restored to the column's own fill: the result column has none, so white (never a null argument)
    assert (fixed["sheets"][0]["backgrounds"].get(cell) or "").lower() in ("", "none", "#ffffff")
    assert round(figures(fixed)["total"], 3) == 3.050


@needs_node
def test_on_edit_background_run_round_trip(tmp_path, server):
    """The last result typed by a person: the on-edit trigger's debounced run posts (no
    selection, background header) and the figures come back without a menu click."""
    path = tmp_path / "unit.xlsx"
    sheets_sync.init(path, indicators=SEED000_CSV, unit="ศูนย์ปฏิบัติการต่อต้านการทุจริต", period="2/2567")
    type_results(path, {k: v for k, v in SEED000_RESULTS.items() if k != "ศปท.7"})
    client = GoogleClient(tmp_path, book_spec(path), server)
    values = client.state()["sheets"][0]["values"]
    cols = _columns(values)
    row = next(i for i, r in enumerate(values) if r[cols["รหัส"]] == "ศปท.7") + 1
    cell = f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[cols['ผลการดำเนินงาน']]}{row}"
    posted, actions = client.click(edit=f"{SHEET}!{cell}=70")
    assert posted["headers"] == {"X-Sheets-Sync-Trigger": "edit", "Authorization": "tok"}
    assert posted["payload"]["book"]["selection"] == "A1"
    _executable(actions)
    got = figures(client.state())
    assert [round(got["weighted"][f"ศปท.{i}"], 3) for i in range(1, 8)] == GOLDEN_WEIGHTED
    assert (round(got["total"], 3), round(got["percentage"], 2)) == (3.050, 61.00)
