"""The CLI as people meet it: clear messages, exit codes, no tracebacks."""
import subprocess
import sys

import openpyxl

from conftest import SEED000_CSV, SHEET, type_results


def test_explain_interpolation_shows_its_working(tmp_path, cli):
    csv = tmp_path / "k.csv"
    csv.write_text("รหัส,ตัวชี้วัด,น้ำหนัก,เป้าหมาย,c1,c2,c3,c4,c5,method\n"
                   "Q.1,ความพึงพอใจ,100,80,68,71,74,77,80,interpolation\n", encoding="utf-8")
    book = tmp_path / "b.xlsx"
    cli("init", "--out", book, "--indicators", csv)
    type_results(book, {"Q.1": 72.5})
    cli("recalc", book)
    out = cli("explain", book, "--code", "Q.1").stdout
    assert "72.5 lies between level 2 = 71 and level 3 = 74: 2 + 1.5/3 = 2.500" in out
    assert "74 or more reaches level 3" in out
    assert "อยู่ระหว่างระดับ 2 = 71 กับระดับ 3 = 74" in out
    assert "ตัวชี้วัด!M4" in out  # no dimension given: no section row, first indicator on row 4
    assert openpyxl.load_workbook(book)[SHEET]["M4"].value == 2.5


def test_explain_unknown_code(seed_book, cli):
    res = cli("explain", seed_book, "--code", "ZZ.9", code=2)
    assert "ZZ.9" in res.output and "Traceback" not in res.output
    # the codes it does have, so the next try is right
    assert "(it has: ศปท.1, ศปท.2, ศปท.3, ศปท.4, ศปท.5, ศปท.6, ศปท.7)" in res.output and "(มี: ศปท.1," in res.output


def test_corrupt_and_missing_files_give_messages_not_tracebacks(tmp_path, cli):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    res = cli("recalc", bad, code=2)
    assert "bad.xlsx" in res.output and "not a readable .xlsx" in res.output and "Traceback" not in res.output
    res = cli("validate", tmp_path / "nope.xlsx", code=2)
    assert "file not found" in res.output


def test_a_workbook_without_a_scorecard(tmp_path, cli):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "สวัสดี"
    wb.save(path)
    before = path.read_bytes()
    res = cli("recalc", path, code=2)
    assert "no scorecard sheet found" in res.output
    assert path.read_bytes() == before


def test_init_takes_its_workbook_as_recalc_does(tmp_path, cli):
    """`init unit.xlsx` was "Got unexpected extra argument": recalc and validate take the
    workbook so, and a newcomer types it so."""
    cli("init", tmp_path / "a.xlsx", "--indicators", SEED000_CSV, "--unit", "กองคลัง", "--period", "2/2567")
    codes = [c.value for row in openpyxl.load_workbook(tmp_path / "a.xlsx")[SHEET].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("ศปท.")]
    assert codes == [f"ศปท.{i}" for i in range(1, 8)]
    res = cli("init", tmp_path / "b.xlsx", "--out", tmp_path / "c.xlsx", code=2)
    assert "give one" in res.output and "ให้ใช้ชื่อเดียว" in res.output
    assert not (tmp_path / "b.xlsx").exists() and not (tmp_path / "c.xlsx").exists()


def test_init_refuses_to_overwrite_and_checks_the_indicator_list(tmp_path, cli, seed_book):
    res = cli("init", "--out", seed_book, code=2)
    assert "already exists" in res.output
    csv = tmp_path / "broken.csv"
    csv.write_text("code,indicator,weight,c1,c2,c3,c4,c5\nA.1,x,สิบ,1,2,3,4,5\nA.1,y,10,1,2,3,4,\n", encoding="utf-8")
    res = cli("init", "--out", tmp_path / "n.xlsx", "--indicators", csv, code=2)
    assert "row 2: weight = 'สิบ'" in res.output and "row 3: c5" in res.output and "A.1 appears twice" in res.output
    assert not (tmp_path / "n.xlsx").exists()
    res = cli("init", "--out", tmp_path / "p.xlsx", "--period", "Q2-2024", code=2)
    assert "Buddhist-Era" in res.output and "2567" in res.output        # Q2-2024: a CE year, said so


def test_yaml_indicator_list_with_thai_column_names(tmp_path, cli):
    y = tmp_path / "k.yaml"
    y.write_text("indicators:\n"
                 "  - {มิติ: มิติด้านการพัฒนาองค์กร, รหัส: D.1, ตัวชี้วัด: ฝึกอบรม, 'น้ำหนัก (ร้อยละ)': 100,"
                 " c1: 50, c2: 60, c3: 70, c4: 80, c5: 90}\n", encoding="utf-8")
    book = tmp_path / "y.xlsx"
    cli("init", "--out", book, "--indicators", y, "--unit", "กองคลัง", "--period", "2/2567")
    ws = openpyxl.load_workbook(book)[SHEET]
    assert "กองคลัง" in ws["A1"].value and "2/2567" in ws["A1"].value
    assert ws["A4"].value == "มิติด้านการพัฒนาองค์กร" and ws["C5"].value == "D.1"


def test_empty_template_has_one_example_row_per_dimension(tmp_path, cli):
    book = tmp_path / "e.xlsx"
    cli("init", "--out", book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    sections = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                if isinstance(ws.cell(r, 1).value, str) and ws.cell(r, 1).value.startswith("มิติ")]
    assert len(sections) == 4
    assert ws["M5"].font.name == "TH SarabunPSK" and ws["M5"].font.sz == 16
    assert ws.protection.sheet and ws["M5"].protection.locked and not ws["L5"].protection.locked
    assert ws["M5"].fill.fgColor.rgb != ws["L5"].fill.fgColor.rgb
    assert any("L5" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert any("Q5" in str(rng.sqref) for rng in ws.conditional_formatting)
    assert {str(m) for m in ws.merged_cells.ranges} >= {"G2:K2", "L2:O2", "C2:C3"}
    assert wb["_sheets_sync"].sheet_state == "hidden"


def test_demo_runs_the_whole_flow(tmp_path, cli):
    out = cli("demo", "--out", tmp_path / "demo").stdout
    assert "3.050" in out and "61.00" in out
    assert len(list((tmp_path / "demo" / "units").glob("*.xlsx"))) == 3
    summary = openpyxl.load_workbook(tmp_path / "demo" / "summary.xlsx")["ภาพรวม"]
    rows = {r[1]: r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows["ศปท"][3] == 3.05 and rows["ศปท"][4] == 61
    assert "summary.xlsx" in out
    # running it again starts over and gives the same figures
    assert "3.050" in cli("demo", "--out", tmp_path / "demo").stdout


def test_console_script_runs(tmp_path):
    res = subprocess.run([sys.executable, "-m", "sheets_sync", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "recalc" in res.stdout


def test_google_out_of_reach_says_where_and_why_in_a_line(cli, emulator):
    """urllib3's "HTTPConnectionPool(host=..., port=...): Max retries exceeded with url: ...
    (Caused by NewConnectionError(...))" buried the two things a person can act on."""
    import socket
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = cli("recalc", "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg", "--credentials", emulator.creds,
              "--endpoint", f"http://127.0.0.1:{port}", code=2)
    assert f"cannot reach Google at 127.0.0.1:{port} (connection refused)" in res.output
    assert f"ติดต่อ Google ไม่ได้ ที่ 127.0.0.1:{port} (ปลายทางปฏิเสธการเชื่อมต่อ)" in res.output
    assert "HTTPConnectionPool" not in res.output and "Traceback" not in res.output
